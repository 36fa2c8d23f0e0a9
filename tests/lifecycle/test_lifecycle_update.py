"""The update workflow: champion vs four strategies and the fair baseline, promote or keep."""

import json

import numpy as np
import pytest

from seqlab.bundle import load, rollback, save
from seqlab.errors import ValidationError
from seqlab.lifecycle import ForecastConfig, skill_over_time, train_forecaster, update
from seqlab.lifecycle.updating import BASELINE, STRATEGIES
from seqlab.recipes.lifecycle import update_scenario


@pytest.mark.parametrize("seed", [21, 22])
def test_shifted_series_is_promoted_and_unshifted_is_kept(tmp_path, seed):
    shifted = update_scenario(seed, True, quick=True, folder=tmp_path, echo=lambda line: None)
    same = update_scenario(seed, False, quick=True, folder=tmp_path, echo=lambda line: None)
    assert shifted["promoted"] and shifted["winner"] in STRATEGIES
    # The promoted model is better on data after the update, not just on the data it chose by.
    assert shifted["live_future"] < 0.85 * shifted["champion_future"]
    assert not same["promoted"]
    assert same["live_future"] == same["champion_future"]
    assert (tmp_path / f"update-shift-{seed}.png").stat().st_size > 1000


def _champion(tmp_path, old):
    config = ForecastConfig(n_in=3, units=4, epochs=3, lr=0.01, seed=0)
    trainer, pipeline = train_forecaster(old, config)
    save(trainer, tmp_path / "champ", pipeline=pipeline,
         trainer_config=trainer.settings(epochs=3, batch_size=32))
    return tmp_path / "champ"


def test_report_compares_every_strategy_with_repeats_on_the_same_data(tmp_path):
    rng = np.random.default_rng(0)
    old, new = rng.normal(5, 1, 120), rng.normal(5, 1, 80)
    path = _champion(tmp_path, old)
    before = load(path).predict(new)
    report = update(path, old, new, repeats=2, epochs=2, extra_epochs=1, promote=False)
    assert set(report.scores) == {*STRATEGIES, BASELINE}
    assert all(len(v) == 2 and all(s > 0 for s in v) for v in report.scores.values())
    assert report.champion_rmse > 0 and not report.promoted and report.version is None
    assert np.array_equal(load(path).predict(new), before)  # promote=False never writes
    json.dumps(report.to_dict())
    assert report.skill and report.skill[0]["start"] == 0


def test_promotion_keeps_the_previous_version_for_rollback(tmp_path):
    rng = np.random.default_rng(1)
    old = 10 + rng.normal(0, 0.1, 150)
    new = 30 + rng.normal(0, 0.1, 150)  # the level jumps: any retrained model does better
    path = _champion(tmp_path, old)
    champion_prediction = load(path).predict(new)
    report = update(path, old, new, repeats=1, epochs=15, extra_epochs=15, lr_factor=1.0)
    assert report.promoted, report.reason
    assert load(path).metadata["updated_with"] == report.winner
    assert not np.array_equal(load(path).predict(new), champion_prediction)
    rollback(path)
    assert np.array_equal(load(path).predict(new), champion_prediction)


def test_skill_over_time_blocks_and_bad_arguments(tmp_path):
    old = np.sin(np.arange(100) / 3)
    path = _champion(tmp_path, old)
    champion = load(path)
    skill = skill_over_time(champion.model, champion.pipeline, old, block=40)
    assert [(s["start"], s["end"]) for s in skill] == [(0, 40), (40, 80), (80, 97)]
    with pytest.raises(ValidationError, match="Unknown update strategy"):
        update(path, old, old, strategies=("retrain-everything",))
    with pytest.raises(ValidationError, match="at least 1 new steps are needed"):
        update(path, old, old[:0])
    # Three old steps give the context, but the fair baseline trains on them: it failed
    # after the other candidates had trained.
    for short in (old[:2], old[:3]):
        with pytest.raises(ValidationError, match=r"old data has \d step\(s\); at least "
                                                  r"n_in \+ n_out = 3 \+ 1 = 4 are needed"):
            update(path, short, old)
    with pytest.raises(ValidationError, match="no '-all' strategy was asked for"):
        update(path, old, old[:4], strategies=("continue-new", "fresh-new"))


def test_a_few_new_points_are_scored_with_context_from_the_old_data(tmp_path):
    old = np.sin(np.arange(100) / 3)
    path = _champion(tmp_path, old)
    new = np.sin(np.arange(100, 105) / 3)  # five points: too few to train on alone
    report = update(path, old, new, repeats=1, epochs=2, promote=False)
    assert set(report.skipped) == {"continue-new", "fresh-new"}
    assert set(report.scores) == {"continue-all", "fresh-all", BASELINE}
    assert np.isfinite(report.champion_rmse)
    assert json.loads(json.dumps(report.to_dict()))["skipped"] == report.skipped


def test_forecast_config_round_trips_through_plain_json():
    # ForecastConfig had from_dict but no to_dict: its settings could not be written back.
    config = ForecastConfig(n_in=7, n_out=2, units=5, cell="gru", epochs=3, batch_size=4,
                            lr=2e-3, seed=9, scale="standard", precision="bf16")
    text = json.dumps(config.to_dict())
    assert ForecastConfig.from_dict(json.loads(text)) == config
    assert json.loads(text)["cell"] == "gru" and json.loads(text)["lr"] == 2e-3


@pytest.mark.parametrize("option", ["epochs", "extra_epochs"])
@pytest.mark.parametrize("value", [0, -1])
def test_epochs_of_zero_or_less_are_refused_not_read_as_the_default(tmp_path, option, value):
    old = np.sin(np.arange(60) / 3)
    path = _champion(tmp_path, old)
    with pytest.raises(ValidationError, match=rf"'{option}' parameter of update .*Got {value}"):
        update(path, old, old, repeats=1, promote=False, **{option: value})


def test_a_seed_out_of_range_is_refused_before_any_training(tmp_path):
    old = np.sin(np.arange(60) / 3)
    path = _champion(tmp_path, old)
    with pytest.raises(ValidationError, match="'seed' parameter of update"):
        update(path, old, old, repeats=1, seed=-1, promote=False)


def test_rmse_of_a_series_of_tiny_values_is_its_units_not_zero():
    # The squares of errors near 1e-300 underflowed: the RMSE read 0, a perfect model.
    from seqlab.lifecycle import rmse

    series = np.sin(np.arange(40) / 3.0) + 2.0
    config = ForecastConfig(n_in=3, units=4, epochs=1, seed=0)
    ordinary, tiny = (train_forecaster(s, config) for s in (series, series * 1e-300))
    expected = rmse(ordinary[0].model, ordinary[1], series)
    assert expected > 0
    assert rmse(tiny[0].model, tiny[1], series * 1e-300) == pytest.approx(expected * 1e-300,
                                                                           rel=1e-4)
    blocks = skill_over_time(tiny[0].model, tiny[1], series * 1e-300, block=10)
    assert all(block["rmse"] > 0 for block in blocks)
