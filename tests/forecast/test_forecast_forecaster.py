"""`Forecaster`: fit/predict verbs, output in original units with real dates, bad inputs."""

import json

import numpy as np
import pandas as pd
import pytest
from forecast_series import FAST, monthly

from seqlab.errors import BundleError, NotFittedError, ValidationError
from seqlab.forecast import Forecaster, load, save


@pytest.fixture(scope="module")
def fitted():
    return Forecaster(horizon=6, **FAST).fit(monthly(72))


def test_predict_is_long_form_with_future_dates_in_original_units(fitted):
    table = fitted.predict()
    assert list(table.columns) == ["date", "series", "forecast", "lower", "upper"]
    assert list(table["date"]) == list(pd.date_range("2021-01-01", periods=6, freq="MS"))
    assert (table["series"] == "sales").all()
    assert (table["lower"] <= table["forecast"]).all() and (table["forecast"] <=
                                                            table["upper"]).all()
    # original units: the series sits between about 100 and 250
    assert table["forecast"].between(100, 300).all()
    assert table.attrs["model"].startswith("lstm-hybrid") and "log" in table.attrs["model"]
    assert fitted.summary()["model"] == table.attrs["model"]


def test_seasonal_series_is_deseasonalised_and_keeps_its_shape(fitted):
    assert fitted.transforms_["sales"].season  # the monthly season was found
    table = fitted.predict(horizon=6)
    # January to June of a sine season: the forecast rises to the April/May peak
    assert table["forecast"].iloc[3] > table["forecast"].iloc[0]


def test_higher_level_gives_a_wider_interval(fitted):
    narrow = fitted.predict(level=0.5)
    wide = fitted.predict(level=0.95)
    assert ((wide["upper"] - wide["lower"]) >= (narrow["upper"] - narrow["lower"])).all()


def test_recursive_model_forecasts_any_horizon_direct_refuses():
    recursive = Forecaster(horizon=4, strategy="recursive", **FAST).fit(monthly(60))
    assert len(recursive.predict(horizon=10)) == 10
    direct = Forecaster(horizon=4, strategy="direct", **FAST).fit(monthly(60))
    with pytest.raises(ValidationError, match="longer than the 4 steps.*direct"):
        direct.predict(horizon=10)


def test_several_series_share_one_global_model():
    a, b = monthly(60, seed=1), monthly(60, seed=2, level=1000, trend=-3)
    frame = pd.DataFrame({"north": a.to_numpy(), "south": b.to_numpy()}, index=a.index)
    fitted = Forecaster(horizon=3, **FAST).fit(frame)
    table = fitted.predict()
    assert list(table["series"]) == ["north"] * 3 + ["south"] * 3
    south = table[table["series"] == "south"]["forecast"]
    assert south.between(500, 1500).all()  # each series back in its own units


def test_numpy_input_and_covariates():
    values = monthly(60).to_numpy()
    table = Forecaster(horizon=3, season_length=12, **FAST).fit(values).predict()
    assert list(table["date"]) == [60, 61, 62]
    frame = monthly(60).to_frame()
    frame["price"] = np.linspace(1, 2, 60)
    fitted = Forecaster(horizon=3, covariates=["price"], **FAST).fit(frame)
    assert "recursive" not in fitted.report_.strategy
    assert list(fitted.predict()["series"].unique()) == ["sales"]


def test_constant_series_is_forecast_as_that_constant():
    frame = pd.DataFrame({"flat": np.full(40, 5.0), "moving": monthly(40).to_numpy()},
                         index=monthly(40).index)
    fitted = Forecaster(horizon=3, **FAST).fit(frame)
    flat = fitted.predict().query("series == 'flat'")
    assert (flat[["forecast", "lower", "upper"]].to_numpy() == 5.0).all()
    assert any("constant" in note for note in fitted.report_.notes)


def test_errors_name_the_parameter():
    with pytest.raises(ValidationError, match="'horizon'.*Got 0"):
        Forecaster(horizon=0).fit(monthly(40))
    with pytest.raises(ValidationError, match=r"'horizon' parameter \(20\) is too long for "
                                              r"40 points.*at least 64"):
        Forecaster(horizon=20).fit(monthly(40))
    with pytest.raises(ValidationError, match="20 points, too few for the season of 12"):
        Forecaster(horizon=2, season_length=12).fit(monthly(20))
    with pytest.raises(NotFittedError, match="call `fit"):
        Forecaster(horizon=2).predict()
    with pytest.raises(ValidationError, match="'strategy'"):
        Forecaster(horizon=2, strategy="both").fit(monthly(40))


def test_short_series_skips_the_season_with_a_note():
    fitted = Forecaster(horizon=2, **FAST).fit(monthly(20))
    assert not fitted.transforms_["sales"].season
    assert any("too few to estimate a season" in note for note in fitted.report_.notes)


def test_bundle_round_trip_forecasts_the_same_and_from_new_data(fitted, tmp_path):
    save(fitted, tmp_path / "model")
    loaded = load(tmp_path / "model")
    pd.testing.assert_frame_equal(loaded.predict(), fitted.predict())
    newer = monthly(84)  # a year more of the same series
    table = loaded.predict(data=newer)
    assert table["date"].iloc[0] == pd.Timestamp("2022-01-01")
    # the bundle is plain files: JSON + safetensors only (and the writers' empty lock files)
    files = [p for p in (tmp_path / "model").rglob("*") if p.is_file()]
    assert {p.suffix for p in files} <= {".json", ".safetensors", "", ".lock"}
    assert all(p.stat().st_size == 0 for p in files if p.suffix == ".lock")


@pytest.mark.parametrize("field, value, message", [
    (("params", "horizon"), -1, "params.horizon"),
    (("transforms", "sales", "scale"), 0, "'scale' must be a positive"),
    (("report", "strategy"), "magic", "report.strategy"),
    (("report", "theta_weight"), 2, "report.theta_weight"),
    (("residuals",), [[1.0]], "residuals"),
    (("extra",), 1, "top level"),
])
def test_tampered_bundle_is_refused(fitted, tmp_path, field, value, message):
    save(fitted, tmp_path / "model")
    path = tmp_path / "model" / "forecast.json"
    doc = json.loads(path.read_text())
    target = doc
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = value
    path.write_text(json.dumps(doc))
    with pytest.raises(BundleError, match=message):
        load(tmp_path / "model")


def test_new_data_with_negative_values_for_a_log_model(fitted):
    bad = monthly(72)
    bad.iloc[-1] = -1.0
    with pytest.raises(ValidationError, match="logs"):
        fitted.predict(data=bad)


def test_holt_strategy_learns_on_top_of_a_damped_trend_and_round_trips(tmp_path):
    fitted = Forecaster(horizon=4, strategy="holt", **FAST).fit(monthly(60))
    assert fitted.report_.strategy == "holt" and "holt" in fitted.model_name_
    assert set(fitted.holt_["sales"]) and all(0 < v <= 1 for v in fitted.holt_["sales"])
    save(fitted, tmp_path / "holt")
    pd.testing.assert_frame_equal(load(tmp_path / "holt").predict(), fitted.predict())
