"""Catalogue of crafted forecasting bundles and forecasting commands that used to answer
wrongly (issue 25): each is refused with one `error:` line (BundleError: exit 2, like every
bad bundle) or now answers correctly."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hardening_support import assert_one_line_error

from seqlab.errors import BundleError
from seqlab.forecast import Forecaster, backtest, load, save


@pytest.fixture(scope="module")
def forecasting_bundle(tmp_path_factory):
    dates = pd.date_range("2015-01-01", periods=40, freq="MS")
    series = pd.Series(100 + np.arange(40) + 5 * np.sin(np.arange(40)), index=dates)
    path = tmp_path_factory.mktemp("bundles") / "theta"
    save(Forecaster(3, methods=["theta", "naive"]).fit(series), path)
    return path


def _tampered(bundle, tmp_path, change):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(bundle, copy)
    document = next(copy.rglob("forecast.json"))
    doc = json.loads(document.read_text())
    change(doc)
    document.write_text(json.dumps(doc))
    return copy


def _set(path, value):
    def change(doc):
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


CRAFTED = {
    # A stored date that is not a date ended in "unexpected DateParseError".
    "index-not-a-date": (_set(("data", "index", 0), "the day after"), r"data.index"),
    "index-out-of-range": (_set(("data", "index", 0), "99999-01-01"), r"data.index"),
    # Stored validation errors of 1e308 gave exit 0 with empty lower/upper cells.
    "errors-1e308": (_set(("errors", "full"), [[1e308, 1, 1]] * 3), r"errors.full"),
    "halfwidth-1e308": (_set(("unit_halfwidth", "full"), [1e308] * 3),
                        r"unit_halfwidth.full"),
    "path-nan": (_set(("paths", "value"), [1.0, None, 2.0]), r"paths.value"),
    "method-unknown": (_set(("methods", "value"), "exec"), r"methods"),
    "lstm-without-settings": (_set(("weights", "value"), {"lstm": 1.0}), r"'lstm'"),
    "weights-not-summing-to-one": (_set(("weights", "value"), {"theta": 0.5}), r"weights"),
}


def _new_data(tmp_path):
    """A year of new monthly values for the bundle's series, as `new.csv`."""
    data = tmp_path / "new.csv"
    data.write_text("date,value\n" + "".join(
        f"2019-{m:02d}-01,{100 + m}\n" for m in range(1, 13)))
    return data


@pytest.mark.parametrize("change,message", CRAFTED.values(), ids=CRAFTED)
def test_crafted_forecasting_bundles_are_refused(forecasting_bundle, tmp_path, cli, change,
                                                 message):
    bundle = _tampered(forecasting_bundle, tmp_path, change)
    with pytest.raises(BundleError, match=message):
        load(bundle)
    data = _new_data(tmp_path)
    assert_one_line_error(cli("forecast", data, "--model", bundle), 2, message)


def test_forecast_with_model_and_out_is_refused_not_claimed(forecasting_bundle, tmp_path, cli):
    # `forecast --model B --out X` printed "bundle written to X" and wrote nothing.
    data = _new_data(tmp_path)
    result = cli("forecast", data, "--model", forecasting_bundle, "--out", tmp_path / "x")
    assert_one_line_error(result, 2, r"--out saves a newly fitted forecaster")
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("option", [["--methods", "naive"], ["--members", 3], ["--seed", 4],
                                    ["--calendar"]])
def test_fitting_options_with_a_saved_forecaster_are_refused_not_ignored(
        forecasting_bundle, tmp_path, cli, option):
    data = _new_data(tmp_path)
    result = cli("forecast", data, "--model", forecasting_bundle, *option)
    assert_one_line_error(result, 2, rf"{option[0]} chooses how a forecaster is fitted")


@pytest.mark.parametrize("argv", [
    lambda t, b: ["forecast", t / "new.csv", "--model", b, "--forecasts", t / "new.csv"],
    lambda t, b: ["forecast", t / "new.csv", "--horizon", 2, "--methods", "naive",
                  "--forecasts", t / "new.csv"],
    lambda t, b: ["backtest", t / "new.csv", "--horizon", 2, "--methods", "naive",
                  "--plot", t / "new.csv"],
], ids=["model-forecasts", "forecasts", "backtest-plot"])
def test_an_output_onto_the_data_file_is_refused_and_the_data_kept(forecasting_bundle,
                                                                    tmp_path, cli, argv):
    # `forecast DATA --forecasts DATA` replaced the user's data with the forecasts.
    data = _new_data(tmp_path)
    text = data.read_text()
    assert_one_line_error(cli(*argv(tmp_path, forecasting_bundle)), 2, r"is the input file")
    assert data.read_text() == text


def test_backtest_of_a_constant_series_scores_finite_errors(tmp_path, cli):
    # A constant series gave MASE inf for every method and "seqlab wins: MASE inf against
    # naive inf".
    flat = pd.Series(np.full(30, 4.0), index=pd.date_range("2000-01-01", periods=30,
                                                           freq="MS"))
    result = backtest(flat, horizon=3, origins=2, methods=["naive", "theta"])
    assert all(math.isfinite(m["mase"]) for m in result.metrics.values())
    path = tmp_path / "flat.csv"
    flat.rename("value").to_csv(path, index_label="date")
    run = cli("backtest", path, "--horizon", 3, "--origins", 2, "--methods", "naive,theta",
              "--no-plot")
    assert run.code == 0, run.err
    assert "inf" not in run.out
