"""Tuning: grid and random spaces, config overrides for every tunable field, Optuna."""

import numpy as np
import pytest

from seqlab.errors import UnknownNameError, ValidationError
from seqlab.evaluate import ConfigExperiment, grid, sample, tune
from seqlab.evaluate.experiment import apply_overrides


def _quadratic(params, seed):
    return (params["x"] - 2) ** 2 + 0.01 * seed


def test_grid_is_every_combination_first_name_slowest():
    assert grid({"a": [1, 2], "b": ["x", "y"]}) == [
        {"a": 1, "b": "x"}, {"a": 1, "b": "y"}, {"a": 2, "b": "x"}, {"a": 2, "b": "y"}]
    with pytest.raises(ValidationError, match="ranges"):
        grid({"lr": {"low": 1e-4, "high": 1e-1}})


def test_random_sample_is_repeatable_and_respects_ranges():
    space = {"lr": {"low": 1e-4, "high": 1e-1, "log": True}, "units": {"low": 1, "high": 50}}
    first, again = sample(space, 5, seed=3), sample(space, 5, seed=3)
    assert first == again and len(first) == 5
    assert all(1e-4 <= p["lr"] <= 1e-1 and isinstance(p["units"], int) for p in first)


def test_grid_tune_reports_table_and_best():
    result = tune(_quadratic, {"x": [0, 1, 2, 3]}, repeats=3)
    assert result.best == {"x": 2}
    assert result.means()["2"] == pytest.approx(0.01)
    table = result.table({"2": 0.0})
    assert "mean" in table and "document" in table
    assert result.to_dict()["best_label"] == "2"
    assert result.boxplot().axes


def test_overrides_reach_spec_trainer_fit_and_data():
    config = {"spec": {"units": [4, 4]}, "trainer": {}, "fit": {}, "data": {"series": [0.0]}}
    changed = apply_overrides(config, {"units": 8, "layers": 3, "cell": "gru", "dropout": 0.1,
                                       "lr": 0.01, "optimizer": "sgd", "l1": 0.01, "l2": 0.02,
                                       "batch_size": 2, "epochs": 3, "window": 4})
    assert changed["spec"] == {"units": [8, 8, 8], "cell": "gru", "dropout": 0.1}
    assert changed["trainer"] == {"lr": 0.01, "optimizer": "sgd", "l1": 0.01, "l2": 0.02}
    assert changed["fit"] == {"batch_size": 2, "epochs": 3}
    assert changed["data"]["window"] == 4
    with pytest.raises(UnknownNameError, match="units"):
        apply_overrides(config, {"unit": 3})


@pytest.mark.parametrize("layers", ["abc", 1.7, True, 0])
def test_a_layers_override_that_is_no_count_of_layers_is_refused_naming_it(layers):
    # 'abc' was an "unexpected ValueError" (int('abc')), 1.7 and true were taken as one
    # layer, and 0 was blamed on the spec's 'units' ("Got [] instead").
    config = {"spec": {"units": [4]}, "data": {"series": [0.0]}}
    with pytest.raises(ValidationError, match=r"The 'layers' parameter of tune must be an int "
                                              r"in the range \[1, inf\)"):
        apply_overrides(config, {"layers": layers})
    assert apply_overrides(config, {"layers": np.int64(2)})["spec"]["units"] == [4, 4]


def test_config_experiment_trains_with_weight_penalty_and_window():
    series = np.sin(np.arange(40) / 3).tolist()
    config = {"spec": {"units": [4]}, "trainer": {"l1": 0.001, "l2": 0.001},
              "fit": {"epochs": 3, "batch_size": 8}, "data": {"series": series, "window": 3}}
    score, history = ConfigExperiment(config, {"window": 5, "cell": "gru"}).run(0)
    assert np.isfinite(score) and len(history) == 3
    plain = ConfigExperiment({**config, "trainer": {}})(0)
    assert plain != score  # the penalty changed training


def test_optuna_backend_stores_and_resumes_a_study(tmp_path):
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    space = {"x": {"low": 0.0, "high": 3.0}}
    first = tune(_quadratic, space, backend="optuna", n_trials=3, repeats=2,
                 storage=storage, study_name="s")
    assert len(first.params) == 3 and first.storage == storage
    resumed = tune(_quadratic, space, backend="optuna", n_trials=2, repeats=2,
                   storage=storage, study_name="s")
    assert len(resumed.params) == 5
    assert resumed.params[:3] == first.params


def test_a_learning_rate_grid_trains_as_one_batched_model_with_the_sequential_scores():
    from seqlab.recipes.diagnose import toy_config

    config = toy_config(epochs=5)
    together = tune(config, {"lr": [0.001, 0.01]}, repeats=2)
    alone = tune(config, {"lr": [0.001, 0.01]}, repeats=2, sequential=True)
    for ours, theirs in zip(together.scores, alone.scores, strict=True):
        assert ours == pytest.approx(theirs, rel=1e-5)
    assert together.scores[0] != together.scores[1]  # the rates did differ per member


def test_settings_the_grid_backend_would_ignore_are_refused():
    # --n-trials, --storage and --study-name were accepted with the grid and did nothing.
    def experiment(seed, **params):
        return 1.0

    for options, said in [({"n_trials": 5}, r"'n_trials' parameter of tune draws"),
                          ({"storage": "x.db"}, r"'storage' and 'study_name' parameters"),
                          ({"study_name": "s"}, r"'storage' and 'study_name' parameters")]:
        with pytest.raises(ValidationError, match=said):
            tune(experiment, {"units": [1, 2]}, backend="grid", **options)


def test_a_grid_name_given_twice_is_refused_not_half_dropped():
    # --grid units=1,2 --grid units=3,4 tried 3 and 4 only.
    from seqlab.cli.cmd_evaluate import parse_grid

    with pytest.raises(ValidationError, match=r"--grid gives units twice"):
        parse_grid(["units=1,2", "units=3,4"])
    assert parse_grid(["units=1,2", "lr=0.1"]) == {"units": [1, 2], "lr": [0.1]}


def test_tune_refuses_more_repeats_than_max_repeats_before_any_run():
    from seqlab.evaluate.repeats import MAX_REPEATS

    ran = []
    with pytest.raises(ValidationError, match=rf"'repeats' parameter of tune must be an int in "
                                              rf"the range \[1, {MAX_REPEATS}\]"):
        tune(lambda seed, **kw: ran.append(seed) or 0.0, {"units": [2, 3]},
             repeats=MAX_REPEATS + 1)
    assert ran == []


def test_an_unknown_tuning_name_lists_each_valid_name_once():
    # 'task' is a field of both the Trainer and the spec and was listed twice.
    from seqlab.evaluate.experiment import TUNABLE

    assert len(TUNABLE) == len(set(TUNABLE)) and "task" in TUNABLE
    config = {"spec": {"units": [4]}, "data": {"series": [0.0]}}
    with pytest.raises(UnknownNameError) as caught:
        apply_overrides(config, {"bogus": 1})
    listed = str(caught.value).split("Valid names: ")[1].rstrip(".").split(", ")
    assert listed.count("task") == 1 and len(listed) == len(set(listed))
    assert UnknownNameError("loss", "x", ["mse", "mae", "mse"]).valid == ["mae", "mse"]
