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
    # Loaded, then forecasting new data blamed "The 'fill' parameter", never given.
    "fill-unknown": (_set(("params", "fill"), "bfill"),
                     r"field 'params.fill' must be null or one of \['interpolate', 'ffill'\]; "
                     r"got 'bfill'"),
    "lstm-without-settings": (
        lambda doc: [_set((*place, "value"), value)(doc) for place, value in (
            (("weights",), {"lstm": 1.0}), (("report", "weights"), {"lstm": 1.0}),
            (("methods",), "lstm"), (("report", "methods"), "lstm"))], r"'lstm'"),
    "noisy-lstm-without-settings": (
        lambda doc: [_set((*place, "value"), value)(doc) for place, value in (
            (("weights",), {"lstm_noisy": 1.0}), (("report", "weights"), {"lstm_noisy": 1.0}),
            (("methods",), "lstm_noisy"), (("report", "methods"), "lstm_noisy"))],
        r"'noisy_lstm' must be the LSTM settings, since a series uses 'lstm_noisy'"),
    "weights-not-summing-to-one": (_set(("weights", "value"), {"theta": 0.5}), r"weights"),
    # The method column said one model while the forecasts were another's.
    "method-not-its-weights": (_set(("methods", "value"), "naive"),
                               r"'methods' must be each series' model where its weights"),
    "weights-not-its-method": (_set(("weights", "value"), {"naive": 1.0}),
                               r"'methods' must be each series' model"),
    "report-methods-differ": (_set(("report", "methods", "value"), "naive"),
                              r"'report.methods' must be the document's methods"),
    "report-weights-differ": (_set(("report", "weights", "value"), {"naive": 1.0}),
                              r"'report.weights' must be the document's weights"),
    # Dates out of order or twice were counted, not compared: the user's data was blamed.
    "dates-swapped": (lambda doc: doc["data"]["index"].insert(2, doc["data"]["index"].pop(1)),
                      r"'data.index' must be regular dates at frequency MS, each once"),
    "date-twice": (lambda doc: doc["data"]["index"].__setitem__(2, doc["data"]["index"][1]),
                   r"'data.index' must be regular dates at frequency MS, each once"),
    # A time zone loaded, then failed as 'Cannot compare tz-naive and tz-aware'.
    "dates-with-a-time-zone": (
        lambda doc: doc["data"].__setitem__("index", [d + "+05:00" for d in doc["data"]["index"]]),
        r"'data.index' must be dates without a time zone"),
    # freq 'ns' between the stored ends built a grid of 1.5e17 dates.
    "freq-of-nanoseconds": (_set(("freq",), "ns"), r"'data.index' must be regular dates"),
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


@pytest.fixture(scope="module")
def lstm_bundle(tmp_path_factory):
    dates = pd.date_range("2015-01-01", periods=60, freq="MS")
    t = np.arange(60)
    series = pd.Series(100 + t + 10 * np.sin(2 * np.pi * t / 12), index=dates)
    path = tmp_path_factory.mktemp("bundles") / "lstm"
    save(Forecaster(3, methods=["lstm"], members=1, max_epochs=2, min_epochs=1).fit(series),
         path)
    return path


def _first_transform(change):
    return lambda doc: change(next(iter(doc["lstm"]["transforms"].values())))


LSTM_CRAFTED = {
    # Each changed the forecasts silently.
    "lstm-season-length": (_set(("lstm", "season_length"), 7),
                           r"'lstm.season_length' must be the bundle's season length, 12"),
    "transform-season-length": (
        _first_transform(lambda t: t.update(season_length=5, season=[0.1, 0, 0, 0, -0.1])),
        r"'lstm.transforms.value.season_length' must be the bundle's season length, 12"),
    "transform-season-1e300": (_first_transform(lambda t: t.update(season=[1e300] * 12)),
                               r"on the log scale, a scale in \[1e-30, 1500\]"),
    "transform-scale-1e-300": (_first_transform(lambda t: t.update(scale=1e-300)),
                               r"on the log scale, a scale in \[1e-30, 1500\]"),
    # The noisy hybrid's settings are checked as the plain one's, under their own name.
    "noisy-lstm-season-length": (
        lambda doc: doc.__setitem__("noisy_lstm", {**doc["lstm"], "season_length": 7,
                                                   "noise": 0.3}),
        r"'noisy_lstm.season_length' must be the bundle's season length, 12"),
    # Loaded: the members' own specs, not these settings, were used.
    "lstm-units": (_set(("lstm", "units"), 4),
                   r"members/0: the member's model takes 1 input\(s\) .* units \[\d+\] .* "
                   r"where forecast.json's 'lstm' says .* units \[4\]"),
    "noisy-lstm-without-members": (
        lambda doc: doc.__setitem__("noisy_lstm", {**doc["lstm"], "noise": 0.3}),
        r"noisy_members"),
}


@pytest.mark.parametrize("change,message", LSTM_CRAFTED.values(), ids=LSTM_CRAFTED)
def test_crafted_lstm_settings_of_forecasting_bundles_are_refused(lstm_bundle, tmp_path,
                                                                  change, message):
    doc = json.loads(next(lstm_bundle.rglob("forecast.json")).read_text())
    assert next(iter(doc["lstm"]["transforms"].values()))["log"]  # the bounds' scale
    with pytest.raises(BundleError, match=message):
        load(_tampered(lstm_bundle, tmp_path, change))


@pytest.mark.parametrize("linked", ["forecast.json", "members", "members/0"])
def test_links_in_a_forecasting_bundle_are_refused_not_followed(lstm_bundle, tmp_path,
                                                                linked):
    # A linked document, members folder or member was read from wherever it pointed.
    import shutil

    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(lstm_bundle, elsewhere)
    copy = _tampered(lstm_bundle, tmp_path, lambda doc: None)
    target = next(p for p in copy.rglob("forecast.json")).parent / linked
    source = next(p for p in elsewhere.rglob("forecast.json")).parent / linked
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    target.symlink_to(source)
    with pytest.raises(BundleError, match=r"is a link or not a regular (file|folder); a "
                                          r"bundle holds plain"):
        load(copy)
    load(elsewhere)  # the bundle linked to is sound


@pytest.mark.parametrize("pattern", [
    # Its log-scale step is the mean log of the values (52 at 1e-23), past a first bound
    # of 50: the fit saved a bundle that load then refused.
    lambda t: 1e-23 * (1 + 0.5 * np.sin(2 * np.pi * t / 12)),
    lambda t: 1e22 * (1 + 0.5 * np.sin(2 * np.pi * t / 12)),
    # Exactly seasonal around 1: the step was the rounding left by the season, 2.6e-17.
    lambda t: np.exp(0.05 * np.cos(2 * np.pi * t / 12)),
])
def test_a_fit_of_exactly_seasonal_values_saves_a_bundle_that_loads(tmp_path, pattern):
    dates = pd.date_range("2015-01-01", periods=48, freq="MS")
    fitted = Forecaster(3, methods=["lstm"], members=1, max_epochs=2, min_epochs=1).fit(
        pd.Series(pattern(np.arange(48)), index=dates, name="tiny"))
    save(fitted, tmp_path / "b")
    assert load(tmp_path / "b").predict().shape[0] == 3


def test_save_never_writes_a_bundle_that_load_refuses(forecasting_bundle, tmp_path,
                                                      monkeypatch):
    from seqlab.forecast import persist

    fitted = load(forecasting_bundle)
    written = persist._document

    def contradicting(f):
        doc = written(f)
        doc["methods"] = {k: "naive" for k in doc["methods"]}  # not what the weights say
        return doc

    monkeypatch.setattr(persist, "_document", contradicting)
    with pytest.raises(BundleError, match=r"nothing was saved, as the bundle would not load"):
        save(fitted, tmp_path / "b")
    with pytest.raises(BundleError):
        load(tmp_path / "b")


def test_a_member_folder_the_lstm_settings_do_not_count_is_refused(lstm_bundle, tmp_path):
    # A bundle whose 'members' said fewer than its member folders loaded and forecast with
    # the first few alone (the median of fewer members): a silently different forecast.
    import shutil

    copy = _tampered(lstm_bundle, tmp_path, lambda doc: None)
    members = next(copy.rglob("forecast.json")).parent / "members"
    shutil.copytree(members / "0", members / "1")
    with pytest.raises(BundleError, match=r"forecast.json: field 'lstm.members' is 1, but "
                                          r".*members holds \['0', '1'\]; expected one member "
                                          r"folder each, named 0\."):
        load(copy)
