"""The Optuna backend as a shared study: storage URLs, the study budget, no re-trained
duplicates, per-epoch pruning, the direction and the study name, strict JSON."""

import json

import pytest

from seqlab.errors import UnknownNameError, ValidationError
from seqlab.evaluate import tune
from seqlab.evaluate._optuna import storage_url
from seqlab.recipes.diagnose import toy_config

optuna = pytest.importorskip("optuna")


def _quadratic(params, seed):
    return (params["x"] - 2) ** 2 + 0.01 * seed


def test_a_plain_path_is_a_sqlite_file_and_bad_urls_are_one_line_errors(tmp_path):
    assert storage_url(None) == "sqlite:///seqlab-tune.db"
    assert storage_url("study.db") == "sqlite:///study.db"
    assert storage_url(str(tmp_path / "s.db")) == f"sqlite:///{tmp_path / 's.db'}"
    assert storage_url("postgresql://me@db.example/tuning").startswith("postgresql://")
    for bad, message in ((str(tmp_path / "no" / "s.db"), "does not exist"),
                         (f"sqlite:///{tmp_path / 'no' / 's.db'}", "does not exist"),
                         (str(tmp_path), "is a folder"),
                         ("sqlite://", "in-memory"),
                         ("sqlite:///:memory:", "in-memory"),
                         ("://nothing", "not a database URL"),
                         ("", "database URL")):
        with pytest.raises(ValidationError, match=message) as error:
            storage_url(bad)
        assert "\n" not in str(error.value)


def test_a_study_budget_on_a_finite_space_trains_each_configuration_once(tmp_path):
    storage, lines = str(tmp_path / "study.db"), []
    result = tune(_quadratic, {"x": [0, 1, 2, 3]}, backend="optuna", repeats=1, max_trials=4,
                  storage=storage, study_name="s", echo=lines.append)
    assert sorted(p["x"] for p in result.params) == [0, 1, 2, 3]
    assert result.trials["complete"] == 4 and result.best == {"x": 2}
    assert result.storage == f"sqlite:///{storage}"
    # A bigger budget than the space holds: the worker stops instead of drawing forever.
    again = tune(_quadratic, {"x": [0, 1, 2, 3]}, backend="optuna", repeats=1, max_trials=6,
                 storage=storage, study_name="s", echo=lines.append)
    assert len(again.params) == 4
    assert any("every one of the 4 configurations" in line for line in lines)
    study = optuna.load_study(study_name="s", storage=f"sqlite:///{storage}")
    skipped = [t for t in study.trials if "duplicate_of" in t.user_attrs]
    assert all(t.state == optuna.trial.TrialState.PRUNED for t in skipped)
    assert all(t.user_attrs["worker"] for t in study.trials)


def test_a_budget_already_met_runs_nothing(tmp_path):
    storage = str(tmp_path / "study.db")
    space = {"x": {"low": 0.0, "high": 4.0}}
    tune(_quadratic, space, backend="optuna", repeats=1, max_trials=2, storage=storage)
    result = tune(_quadratic, space, backend="optuna", repeats=1, max_trials=2,
                  storage=storage)
    assert result.trials["complete"] == 2 and len(result.params) == 2
    with pytest.raises(ValidationError, match="budget of a shared Optuna study"):
        tune(_quadratic, space, backend="random", max_trials=2)


def test_trials_worse_than_the_median_at_an_epoch_are_pruned(tmp_path):
    # Five finished trials that reached a perfect validation loss at every epoch: any
    # real trial is worse than their median after its first epoch, and is stopped there.
    url, space = f"sqlite:///{tmp_path / 'study.db'}", {"lr": {"low": 1e-3, "high": 1e-1,
                                                                "log": True}}
    study = optuna.create_study(study_name="p", storage=url)
    lr = optuna.distributions.FloatDistribution(1e-3, 1e-1, log=True)
    for value in (0.002, 0.004, 0.008, 0.016, 0.032):
        study.add_trial(optuna.trial.create_trial(
            params={"lr": value}, distributions={"lr": lr}, value=0.0,
            intermediate_values={0: 0.0, 1: 0.0, 2: 0.0}, user_attrs={"scores": [0.0]}))
    lines = []
    result = tune(toy_config(epochs=3), space, backend="optuna", repeats=2, n_trials=2,
                  storage=url, study_name="p", echo=lines.append)
    assert result.trials["pruned"] == 2 and len(result.params) == 5
    assert sum("pruned after epoch 1" in line for line in lines) == 2
    pruned = [t for t in optuna.load_study(study_name="p", storage=url).trials
              if t.state == optuna.trial.TrialState.PRUNED]
    assert [sorted(t.intermediate_values) for t in pruned] == [[0], [0]]


def test_without_pruning_every_trial_completes(tmp_path):
    url = f"sqlite:///{tmp_path / 'study.db'}"
    result = tune(toy_config(epochs=2), {"units": [1, 2]}, backend="optuna", repeats=1,
                  n_trials=2, storage=url, prune=False)
    assert result.trials["complete"] == 2 and result.trials["pruned"] == 0


def test_the_direction_follows_the_score_and_contradicting_it_is_an_error(tmp_path):
    url = f"sqlite:///{tmp_path / 'study.db'}"
    with pytest.raises(ValidationError, match="val_loss is best when it is low") as error:
        tune(toy_config(epochs=1), {"units": [1, 2]}, backend="optuna", direction="maximize",
             storage=url)
    assert "\n" not in str(error.value)
    with pytest.raises(UnknownNameError, match="unit"):
        tune(toy_config(epochs=1), {"unit": [1, 2]}, backend="optuna", storage=url)
    maximized = tune(_quadratic, {"x": [0, 5]}, backend="optuna", repeats=1, n_trials=2,
                     direction="maximize", storage=url, study_name="m")
    assert maximized.direction == "maximize" and maximized.best == {"x": 5}


def test_a_study_refuses_another_direction_space_or_problem(tmp_path):
    url = f"sqlite:///{tmp_path / 'study.db'}"
    space = {"x": {"low": 0.0, "high": 4.0}}
    tune(_quadratic, space, backend="optuna", repeats=1, n_trials=1, storage=url,
         study_name="s")
    for change, message in (({"direction": "maximize"}, "made to minimize"),
                            ({"space": {"x": {"low": 0.0, "high": 5.0}}}, "search space"),
                            ({"repeats": 2}, "another problem")):
        arguments = {"backend": "optuna", "repeats": 1, "n_trials": 1, "storage": url,
                     "study_name": "s", "space": space, **change}
        with pytest.raises(ValidationError, match=message):
            tune(_quadratic, **arguments)


def test_the_default_study_name_is_derived_from_the_problem(tmp_path):
    url = f"sqlite:///{tmp_path / 'study.db'}"
    space = {"x": {"low": 0.0, "high": 4.0}}
    first = tune(_quadratic, space, backend="optuna", repeats=1, n_trials=1, storage=url)
    same = tune(_quadratic, space, backend="optuna", repeats=1, n_trials=1, storage=url)
    other = tune(_quadratic, {"x": [1, 2]}, backend="optuna", repeats=1, n_trials=1,
                 storage=url)
    assert first.study_name == same.study_name != other.study_name
    assert first.study_name.startswith("seqlab-") and len(same.params) == 2


def test_json_of_a_result_is_strict(tmp_path):
    result = tune(_quadratic, {"x": [1, 2]}, backend="optuna", repeats=1, n_trials=2,
                  storage=str(tmp_path / "s.db"))
    payload = result.to_dict()
    assert payload["configs"][0]["std"] is None  # one repeat has no spread
    json.dumps(payload, allow_nan=False)
