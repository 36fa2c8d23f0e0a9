"""`Forecaster`: every series forecast by the method that validates best on it, output in
original units with real dates and a method column, bundles that reload, bad inputs."""

import json
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from forecast_series import FAST, monthly

from seqlab.errors import BundleError, NotFittedError, ValidationError
from seqlab.forecast import METHODS, Forecaster, load, save
from seqlab.forecast.forecaster import LABELS
from seqlab.forecast.metrics import smape
from seqlab.forecast.selection import FULL, SHORT, conformal_halfwidths, grouped_halfwidths

CHOICES = set(METHODS) | set(LABELS)


@pytest.fixture(scope="module")
def fitted():
    return Forecaster(horizon=6, **{**FAST, "methods": None}).fit(monthly(72))


def test_predict_is_long_form_with_future_dates_in_original_units(fitted):
    table = fitted.predict()
    assert list(table.columns) == ["date", "series", "forecast", "lower", "upper", "method"]
    assert list(table["date"]) == list(pd.date_range("2021-01-01", periods=6, freq="MS"))
    assert (table["series"] == "sales").all()
    assert (table["lower"] <= table["forecast"]).all() and (table["forecast"] <=
                                                            table["upper"]).all()
    assert (table["upper"] > table["lower"]).all()
    # original units: the series sits between about 100 and 250
    assert table["forecast"].between(100, 300).all()
    assert set(table["method"]) <= CHOICES
    assert fitted.summary()["model"] == table.attrs["model"] == table["method"].iloc[0]


def test_every_candidate_is_scored_and_weighted_by_its_validation_error(fitted):
    summary = fitted.summary()
    scores = summary["validation"]["sales"]
    assert {"lstm", "lstm_noisy", "ets", "arima", "arima_log", "theta", "ces", "naive",
            "seasonal_naive", "ensemble"} <= set(scores)
    assert summary["validation_windows"]["sales"] == 5
    assert summary["series_methods"]["sales"] == "ensemble"
    weights = summary["weights"]["sales"]
    assert set(weights) == {"lstm", "lstm_noisy", "ets", "arima", "arima_log", "theta",
                            "ces"}  # the naives only score
    assert sum(weights.values()) == pytest.approx(1.0, abs=1e-5)
    # inverse squared errors: a model that validates better weighs more
    ranked = sorted(weights, key=lambda k: scores[k])
    assert [weights[k] for k in ranked] == sorted(weights.values(), reverse=True)
    assert weights[ranked[0]] / weights[ranked[-1]] == pytest.approx(
        (scores[ranked[-1]] / scores[ranked[0]]) ** 2, rel=1e-3)


def test_seasonal_series_keeps_its_shape(fitted):
    table = fitted.predict(horizon=6)
    # January to June of a sine season: the forecast rises to the April/May peak
    assert table["forecast"].iloc[3] > table["forecast"].iloc[0]


def test_higher_level_gives_a_wider_interval(fitted):
    narrow = fitted.predict(level=0.5)
    wide = fitted.predict(level=0.95)
    assert ((wide["upper"] - wide["lower"]) >= (narrow["upper"] - narrow["lower"])).all()
    assert ((wide["upper"] - wide["lower"]) > (narrow["upper"] - narrow["lower"])).any()


@pytest.mark.parametrize("n, horizon, freq", [(1, 3, "MS"), (2, 3, "MS"), (5, 4, "MS"),
                                              (13, 6, "YS"), (18, 6, "YS"), (54, 18, "MS")])
def test_short_series_are_forecast_not_refused(n, horizon, freq):
    rng = np.random.default_rng(n)
    values = 50 + np.cumsum(rng.normal(1, 2, n))
    series = pd.Series(values, index=pd.date_range("2000-01-01", periods=n, freq=freq))
    fitted = Forecaster(horizon=horizon, **FAST).fit(series)
    table = fitted.predict()
    assert len(table) == horizon and np.isfinite(table["forecast"]).all()
    assert (table["lower"] <= table["upper"]).all()
    method = table["method"].iloc[0]
    assert method in CHOICES
    if n <= 2:
        assert method == "naive" and (table["forecast"] == values[-1]).all()
        assert any("forecast flat" in note for note in fitted.report_.notes)


def test_many_series_too_short_to_validate_are_told_of_in_one_note(tmp_path):
    # 3,000 short series printed a note each ('P02980' has 4 points, too few ...).
    dates = pd.date_range("2020-01-01", periods=4, freq="MS")
    rows = [(f"s{k}", d, 10.0 + k + i * (1 + k % 3)) for k in range(8)
            for i, d in enumerate(dates)]
    rows += [("few", dates[0], 1.0), ("few", dates[1], 2.0)]
    path = tmp_path / "short.csv"
    pd.DataFrame(rows, columns=["unique_id", "ds", "y"]).to_csv(path, index=False)
    fitted = Forecaster(2, workers=1, **{**FAST, "methods": ["naive", "theta"]}).fit(path)
    ladder = [n for n in fitted.report_.notes if "too few to validate on" in n]
    assert len(ladder) == 1 and ladder[0].startswith("8 series alike, such as: 's0' has 4 "
                                                     "points, too few to validate on")
    assert ladder[0].count("too few to validate on") == 3
    assert "'few' has 2 point(s): forecast flat (naive)" in fitted.report_.notes
    assert len(fitted.predict()) == 9 * 2


@pytest.mark.parametrize("horizon, noted", [(30, True), (24, False), (6, False)])
def test_a_horizon_longer_than_every_series_is_forecast_with_a_note(horizon, noted):
    fitted = Forecaster(horizon=horizon, **FAST).fit(monthly(24))
    assert len(fitted.predict()) == horizon
    said = [n for n in fitted.report_.notes if "longer than the longest series" in n]
    assert bool(said) == noted
    if noted:
        assert f"({horizon})" in said[0] and "(24 points)" in said[0]


def test_methods_restrict_the_candidates_and_lstm_can_be_forced():
    only = Forecaster(horizon=4, **{**FAST, "methods": ["theta", "naive"]}).fit(monthly(60))
    assert set(only.summary()["validation"]["sales"]) == {"theta", "naive", "ensemble"}
    assert only.methods_["sales"] == "theta"
    forced = Forecaster(horizon=4, **{**FAST, "methods": ["lstm"]}).fit(monthly(60))
    assert forced.methods_["sales"] == "lstm" and forced.lstm_ is not None
    assert len(forced.lstm_.models) == FAST["members"]


def test_a_named_method_that_could_not_be_fitted_is_noted():
    # methods=['ets'] on 5 points (ETS fits 7 or more): forecast by naive, without a word
    # on why the method asked for forecast nothing.
    short = pd.DataFrame({"a": [1.0, 3.0, 2.0, 4.0, 3.0], "b": [5.0, 4.0, 6.0, 5.0, 7.0]},
                         index=pd.date_range("2020-01-01", periods=5, freq="MS"))
    fitted = Forecaster(2, methods=["ets", "naive"]).fit(short)
    assert fitted.methods_ == {"a": "naive", "b": "naive"}
    assert "ets could not be fitted to 2 series, or to their validation windows (e.g. 'a', 5 " \
           "points): they are forecast without it" in fitted.report_.notes
    longer = Forecaster(2, methods=["ets", "naive"]).fit(monthly(36))
    assert not any("could not be fitted" in n for n in longer.report_.notes)


def test_a_season_length_too_long_for_every_series_is_noted():
    # season_length=24 on 30 monthly points: no model could fit that season, and nothing
    # said the season asked for was unused.
    data = monthly(30)
    long_season = Forecaster(2, methods=["ets", "naive"], season_length=24).fit(data)
    assert "season_length (--season-length) 24: the longest series has 30 points, fewer " \
           "than the 49 (two seasons and one) the statistical models need to fit a season: " \
           "they fit none" in long_season.report_.notes
    fits = Forecaster(2, methods=["ets", "naive"], season_length=4).fit(data)
    assert not any("season_length" in n for n in fits.report_.notes)


def test_new_data_too_short_for_the_lstm_say_how_to_continue_the_history():
    history = monthly(60)
    for fitted_on, new, advice in (
            (history, history[-4:], r"as many as that or more\.$"),
            (history.reset_index(drop=True), history[-4:].reset_index(drop=True),
             r"or only the newest, with a step column that numbers them on after the "
             r"fitted data's last step \(59\)")):
        forced = Forecaster(horizon=4, **{**FAST, "methods": ["lstm"]}).fit(fitted_on)
        if isinstance(new.index, pd.DatetimeIndex):  # dates after the fitted: joined
            new = new.set_axis(new.index - pd.DateOffset(years=10))
        with pytest.raises(ValidationError, match=r"The new data of 'sales' have 4 points; "
                                                  r"at least \d+ are needed.*" + advice):
            forced.predict(data=new)


def test_several_series_each_get_a_method_and_their_own_units():
    a, b = monthly(60, seed=1), monthly(60, seed=2, level=1000, trend=-3)
    frame = pd.DataFrame({"north": a.to_numpy(), "south": b.to_numpy()}, index=a.index)
    fitted = Forecaster(horizon=3, **FAST).fit(frame)
    table = fitted.predict()
    assert list(table["series"]) == ["north"] * 3 + ["south"] * 3
    south = table[table["series"] == "south"]["forecast"]
    assert south.between(500, 1500).all()  # each series back in its own units
    assert set(fitted.summary()["series_methods"]) == {"north", "south"}


def test_numpy_input_forecasts_step_numbers():
    values = monthly(60).to_numpy()
    table = Forecaster(horizon=3, season_length=12, **FAST).fit(values).predict()
    assert list(table["date"]) == [60, 61, 62]


def test_constant_series_is_forecast_as_that_constant():
    frame = pd.DataFrame({"flat": np.full(40, 5.0), "moving": monthly(40).to_numpy()},
                         index=monthly(40).index)
    fitted = Forecaster(horizon=3, **FAST).fit(frame)
    flat = fitted.predict().query("series == 'flat'")
    assert (flat[["forecast", "lower", "upper"]].to_numpy() == 5.0).all()
    assert any("constant" in note for note in fitted.report_.notes)


def test_intermittent_series_is_forecast_by_its_best_validated_model_alone():
    """A mean of forecasts is zero only where every model forecast zero: an intermittent
    series takes the model that validates best, the median and the Croston family among
    the candidates."""
    rng = np.random.default_rng(3)
    demand = np.where(rng.random(60) < 0.6, 0.0, rng.integers(1, 9, 60)).astype(float)
    series = pd.Series(demand, index=pd.date_range("2015-01-01", periods=60, freq="MS"))
    fitted = Forecaster(horizon=4, **{**FAST, "methods": ["naive", "ets", "croston", "adida",
                                                          "median"]}).fit(series)
    summary = fitted.summary()
    assert {"croston", "adida", "median"} <= set(summary["validation"]["value"])
    [(best, weight)] = summary["weights"]["value"].items()
    assert weight == 1.0 and best != "naive"
    assert any("1 intermittent series" in note for note in fitted.report_.notes)
    table = fitted.predict()
    assert (table["method"] == best).all()
    assert (table["lower"] >= 0).all() and (table["forecast"] >= 0).all()


def test_a_forecast_clipped_at_zero_keeps_a_band_above_it():
    """A positive series falling to its floor is forecast below 0 by its trend: the forecast
    is clipped at 0, and the band is built around that, not clipped to [0, 0]."""
    rng = np.random.default_rng(12)
    for seed in range(3):
        y = np.maximum(0.5, 30 - np.arange(30) + rng.normal(0, 1, 30)).round(2)
        series = pd.Series(y, index=pd.date_range("2020-01-01", periods=30, freq="MS"))
        table = Forecaster(horizon=4, **{**FAST, "seed": seed,
                                         "methods": ["naive", "ets", "theta", "arima"]}
                           ).fit(series).predict()
        assert (table["forecast"] >= 0).all() and (table["lower"] >= 0).all()
        assert (table["upper"] > table["forecast"]).all(), table
        assert (table["lower"] <= table["forecast"]).all()


def test_demand_that_went_quiet_keeps_a_band_above_its_zero_forecast():
    """Orders early on, none over the validated months: every window forecast 0 and saw 0,
    errors of 0 whose quantile gave [0, 0] at every step. The band is a random walk's at
    the series' scale instead, growing with the step; the forecast stays 0."""
    demand = np.zeros(60)
    demand[[0, 4, 20, 28, 31]] = [4, 1, 5, 5, 2]
    series = pd.Series(demand, index=pd.date_range("2020-01-01", periods=60, freq="MS"))
    fitted = Forecaster(horizon=4, **{**FAST, "methods": ["naive", "croston", "median"]}
                        ).fit(series)
    table = fitted.predict()
    assert (table["forecast"] == 0).all() and (table["lower"] == 0).all()
    assert (table["upper"] > 0).all() and table["upper"].is_monotonic_increasing, table
    assert (fitted.predict(level=0.95)["upper"] > table["upper"]).all()


def test_a_tie_between_models_that_all_forecast_quiet_windows_goes_to_the_median():
    """Every window's history is zeros, so every model forecasts 0 there and all tie; after
    the one order only the median goes on forecasting 0."""
    series = pd.Series([0.0] * 30 + [5.0],
                       index=pd.date_range("2015-01-01", periods=31, freq="MS"))
    fitted = Forecaster(horizon=4, **{**FAST, "methods": ["naive", "ets", "theta",
                                                          "median"]}).fit(series)
    assert fitted.summary()["weights"]["value"] == {"median": 1.0}
    assert (fitted.predict()["forecast"] == 0.0).all()


def test_intermittent_demand_is_forecast_closer_than_by_crostons_mean():
    """Over four files of four intermittent series (mostly months without orders), the
    forecasts err less than CrostonOptimized's (whose mean demand misses every month
    without orders), by absolute error (each file at most a little worse) and far less by
    sMAPE, and every series is forecast by one model."""
    from seqlab.forecast.models import point_forecast

    H, ratios, smape_ratios = 6, [], []
    for seed in range(4):
        rng = np.random.default_rng(seed)
        orders = {f"item{k}": np.where(rng.random(66) < rng.uniform(0.15, 0.4),
                                       rng.poisson(rng.uniform(2, 10), 66) + 1, 0.0)
                  for k in range(4)}
        history = pd.DataFrame({k: v[:-H] for k, v in orders.items()},
                               index=pd.date_range("2015-01-01", periods=66 - H, freq="MS"))
        fitted = Forecaster(horizon=H, **{**FAST, "methods": [
            "lstm", "naive", "ets", "theta", "croston", "adida", "median"]}).fit(history)
        table = fitted.predict()
        assert set(table["method"]) <= set(METHODS)  # one model each, no combination
        ours = [table.query("series == @k")["forecast"].to_numpy() for k in orders]
        croston = [point_forecast("croston", v[:-H], H, 12) for v in orders.values()]
        truths = [v[-H:] for v in orders.values()]
        ratios.append(_mae(ours, truths) / _mae(croston, truths))
        smape_ratios.append(_smape(ours, truths) / _smape(croston, truths))
    assert max(ratios) < 1.1 and np.mean(ratios) < 0.9, ratios
    assert max(smape_ratios) < 0.8 and np.mean(smape_ratios) < 0.6, smape_ratios


def _mae(forecasts, truths) -> float:
    return float(np.mean([np.abs(f - t) for f, t in zip(forecasts, truths, strict=True)]))


def _smape(forecasts, truths) -> float:
    return smape(np.concatenate(truths), np.concatenate(forecasts))


def test_errors_name_the_parameter():
    with pytest.raises(ValidationError, match="'horizon'.*Got 0"):
        Forecaster(horizon=0).fit(monthly(40))
    with pytest.raises(ValidationError, match="'methods'.*magic"):
        Forecaster(horizon=2, methods=["magic"]).fit(monthly(40))
    with pytest.raises(NotFittedError, match="call `fit"):
        Forecaster(horizon=2).predict()


def test_longer_horizon_refits_classical_methods_and_refuses_the_lstm():
    theta = Forecaster(horizon=3, **{**FAST, "methods": ["theta"]}).fit(monthly(48))
    assert len(theta.predict(horizon=9)) == 9
    lstm = Forecaster(horizon=3, **{**FAST, "methods": ["lstm"]}).fit(monthly(48))
    with pytest.raises(ValidationError, match="longer than the 3 steps the LSTM"):
        lstm.predict(horizon=9)


def test_bundle_round_trip_forecasts_the_same_and_from_new_data(tmp_path):
    fitted = Forecaster(horizon=6, **{**FAST, "methods": ["lstm", "theta", "ets"]}
                        ).fit(monthly(72))
    save(fitted, tmp_path / "model")
    loaded = load(tmp_path / "model")
    pd.testing.assert_frame_equal(loaded.predict(), fitted.predict())
    newer = monthly(84)  # a year more of the same series
    table = loaded.predict(data=newer)
    assert table["date"].iloc[0] == pd.Timestamp("2022-01-01")
    assert np.isfinite(table["forecast"]).all()
    # Fewer of the latest points than the LSTM's window continue the fitted history.
    window = loaded.lstm_.window
    assert len(newer) - 72 < window and (newer.iloc[:72] == monthly(72)).all()
    latest = loaded.predict(data=newer.iloc[72:])
    pd.testing.assert_frame_equal(latest, table, check_exact=False)
    # the bundle is plain files: JSON + safetensors only (and the writers' empty lock files)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} <= {".json", ".safetensors", "", ".lock"}
    assert all(p.stat().st_size == 0 for p in files if p.suffix == ".lock")


def test_new_data_with_series_the_model_does_not_know_warn_and_forecast_the_known():
    fitted = Forecaster(horizon=3, **{**FAST, "methods": ["theta", "naive"]}).fit(monthly(48))
    newer = pd.DataFrame({"sales": monthly(60).to_numpy(), "returns": monthly(60, seed=3)
                          .to_numpy()}, index=monthly(60).index)
    with pytest.warns(UserWarning, match=r"1 series the model was not fitted on \('returns'\)"):
        table = fitted.predict(data=newer)
    assert set(table["series"]) == {"sales"} and len(table) == 3
    with pytest.raises(ValidationError, match="lack the series"):
        fitted.predict(data=newer[["returns"]])


@pytest.mark.parametrize("freq, same", [("QS", True), ("QS-JAN", True), ("MS", False)])
def test_new_data_may_repeat_the_models_frequency_under_any_of_its_names(freq, same):
    quarterly = pd.Series(monthly(40).to_numpy(),
                          index=pd.date_range("2010-01-01", periods=40, freq="QS"))
    fitted = Forecaster(horizon=2, **{**FAST, "methods": ["theta"]}, freq="QS").fit(quarterly)
    if same:
        assert fitted.read(quarterly.to_frame("sales"), freq=freq).freq == fitted.freq_
    else:
        with pytest.raises(ValidationError, match=r"'freq' parameter is 'MS'.*fitted with"):
            fitted.read(quarterly.to_frame("sales"), freq=freq)


def test_new_data_s_frequency_is_read_as_prepare_reads_one():
    # read() had a copy of prepare's check of freq: another message for a name pandas does
    # not know, and pandas' own "'M' is deprecated" warning printed before its error.
    quarterly = pd.Series(monthly(40).to_numpy(),
                          index=pd.date_range("2010-01-01", periods=40, freq="QS"))
    fitted = Forecaster(horizon=2, **{**FAST, "methods": ["theta"]}, freq="QS").fit(quarterly)
    with pytest.raises(ValidationError, match=r"'xyz', which is not a pandas frequency; e\.g\. "
                                              r"'MS', 'QS', 'YS', 'W-SUN', 'D', 'h'\.$"):
        fitted.read(quarterly.to_frame("sales"), freq="xyz")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValidationError, match=r"'freq' parameter is 'M'.*fitted with"):
            fitted.read(quarterly.to_frame("sales"), freq="M")


def test_saving_again_replaces_the_bundle_and_never_a_users_folder(fitted, tmp_path):
    save(fitted, tmp_path / "model")
    save(fitted, tmp_path / "model")
    assert load(tmp_path / "model").predict().equals(fitted.predict())
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(BundleError, match="not a forecasting bundle"):
        save(fitted, tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def _document(root):
    return next(root.rglob("forecast.json"))


@pytest.mark.parametrize("field, value, message", [
    (("params", "horizon"), -1, "params.horizon"),
    (("methods", "sales"), "magic", "methods"),
    (("paths", "sales"), [1.0], "paths.sales"),
    (("scales", "sales"), -1, "scales"),
    (("unit_halfwidth", "full"), [1e308] * 6, "unit_halfwidth.full"),
    (("unit_halfwidth",), [1.0] * 6, "unit_halfwidth"),
    (("errors", "full"), [[1.0]], "errors.full"),
    (("errors", "short"), [], "errors"),
    (("interval_groups", "sales"), "middle", "interval_groups"),
    (("report", "seconds"), "soon", "report.seconds"),
    (("data", "index"), ["not a date"] * 72, "data.index"),
    (("format_version",), 1, "earlier seqlab"),
    (("extra",), 1, "top level"),
])
def test_tampered_bundle_is_refused(fitted, tmp_path, field, value, message):
    save(fitted, tmp_path / "model")
    path = _document(tmp_path / "model")
    doc = json.loads(path.read_text())
    target = doc
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = value
    path.write_text(json.dumps(doc))
    with pytest.raises(BundleError, match=message):
        load(tmp_path / "model")


def test_a_bundle_of_series_named_out_of_sorted_order_reloads_in_the_files_order(tmp_path):
    # The document's keys are written sorted; the series keep the file's order ("s10" sorts
    # before "s2"). Loading such a bundle used to be refused.
    frame = pd.DataFrame({name: monthly(30, seed=k).to_numpy()
                          for k, name in enumerate(["s2", "s10", "b", "a"])},
                         index=pd.date_range("2015-01-01", periods=30, freq="MS"))
    fitted = Forecaster(horizon=3, methods=["theta", "ets", "arima"], members=1).fit(frame)
    save(fitted, tmp_path / "model")
    again = load(tmp_path / "model")
    names = ["s2", "s10", "b", "a"]
    assert again.series_names_ == names
    assert list(again.methods_) == list(again.weights_) == list(again.arima_) == names
    assert list(again.report_.methods) == list(again.report_.weights) == names
    assert again.summary()["series_methods"] == fitted.summary()["series_methods"]
    assert again.predict().equals(fitted.predict())
    # refitted from the stored weights (sorted in the document): the same forecast
    assert again.predict(horizon=5).equals(fitted.predict(horizon=5))


def _as_format_2(path):
    """Rewrite the bundle document at `path` as format 2 wrote it: one pool of errors and
    one set of half-widths for every series."""
    doc = json.loads(path.read_text())
    assert doc["format_version"] == 4
    assert all("lstm_noisy" not in w for w in doc["weights"].values())
    del doc["noisy_lstm"]
    if doc["lstm"] is not None:
        del doc["lstm"]["noise"]
    doc.update(format_version=2, errors=sum(doc["errors"].values(), []),
               unit_halfwidth=doc["unit_halfwidth"]["full"])
    del doc["interval_groups"]
    path.write_text(json.dumps(doc))
    return doc


@pytest.fixture(scope="module")
def fitted_plain():
    """A fit of the methods formats 2 and 3 knew (no noisy LSTM)."""
    return Forecaster(horizon=6, **FAST).fit(monthly(72))


def test_a_bundle_of_format_2_loads_with_its_pooled_intervals(fitted_plain, tmp_path):
    fitted = fitted_plain
    save(fitted, tmp_path / "model")
    path = _document(tmp_path / "model")
    assert json.loads(path.read_text())["interval_groups"] == {"sales": "full"}
    doc = _as_format_2(path)
    old = load(tmp_path / "model")
    assert old.interval_groups_ == {"sales": "full"}
    assert old.predict().equals(fitted.predict())
    assert old.predict(level=0.5).equals(fitted.predict(level=0.5))
    for change, field in (({"series": [["sales"]]}, "series"),
                          ({"format_version": 2.0}, "top level"),
                          ({"interval_groups": {"sales": "full"}}, "format_version")):
        path.write_text(json.dumps({**doc, **change}))
        with pytest.raises(BundleError, match=field):
            load(tmp_path / "model")


def test_a_bundle_of_format_3_loads_without_a_noisy_lstm(fitted_plain, tmp_path):
    save(fitted_plain, tmp_path / "model")
    path = _document(tmp_path / "model")
    doc = json.loads(path.read_text())
    assert doc["noisy_lstm"] is None and doc["lstm"]["noise"] == 0
    del doc["noisy_lstm"], doc["lstm"]["noise"]
    path.write_text(json.dumps({**doc, "format_version": 3}))
    old = load(tmp_path / "model")
    assert old.noisy_lstm_ is None and old.lstm_.noise == 0
    assert old.predict().equals(fitted_plain.predict())
    # Format 3 had no noisy LSTM: a format-3 document naming one is not of format 3.
    path.write_text(json.dumps({**doc, "format_version": 3, "noisy_lstm": None}))
    with pytest.raises(BundleError, match="format_version"):
        load(tmp_path / "model")


def test_both_lstm_hybrids_round_trip_and_forecast_new_data(fitted, tmp_path):
    """The default fit weighs the LSTM trained on the series and the one trained on noisy
    copies too: both are saved (members/, noisy_members/) and forecast again from new data
    as they did."""
    assert "lstm" in fitted.weights_["sales"] and "lstm_noisy" in fitted.weights_["sales"]
    assert fitted.noisy_lstm_.noise > 0 and fitted.lstm_.noise == 0
    # The summary describes the plain hybrid and, beside it, the noisy one's own settings.
    described = fitted.summary()["lstm"]
    assert "noise" not in described and described["epochs"] == fitted.lstm_.epochs
    assert described["noisy"] == {"noise": fitted.noisy_lstm_.noise,
                                  "epochs": fitted.noisy_lstm_.epochs}
    save(fitted, tmp_path / "model")
    folders = {p.name for p in (tmp_path / "model").rglob("*") if p.is_dir()}
    assert {"members", "noisy_members"} <= folders
    loaded = load(tmp_path / "model")
    assert len(loaded.noisy_lstm_.models) == len(fitted.noisy_lstm_.models) == FAST["members"]
    pd.testing.assert_frame_equal(loaded.predict(), fitted.predict())
    newer = monthly(80)
    pd.testing.assert_frame_equal(loaded.predict(data=newer), fitted.predict(data=newer))
    # The two hybrids forecast differently: each one's members are its own.
    both = fitted._forecast_anew(fitted.data_, 6, None)["sales"]
    fitted.weights_["sales"], saved = {"lstm": 1.0}, fitted.weights_["sales"]
    try:
        plain = fitted._forecast_anew(fitted.data_, 6, None)["sales"]
        fitted.weights_["sales"] = {"lstm_noisy": 1.0}
        noisy = fitted._forecast_anew(fitted.data_, 6, None)["sales"]
    finally:
        fitted.weights_["sales"] = saved
    assert not np.allclose(plain, noisy) and not np.allclose(both, plain)
    # A document whose weights name the noisy LSTM needs its settings and members.
    path = _document(tmp_path / "model")
    doc = json.loads(path.read_text())
    path.write_text(json.dumps({**doc, "noisy_lstm": None}))
    with pytest.raises(BundleError, match="noisy_lstm.*'lstm_noisy'"):
        load(tmp_path / "model")
    # Both are fitted on the same series, windows and transforms: a noisy one with other
    # transforms (or, with members to match, another window) forecast on the plain one's.
    doubled = {k: {**t, "scale": 2 * t["scale"]}
               for k, t in doc["noisy_lstm"]["transforms"].items()}
    for field, change, message in (
            ("noisy_lstm", {"transforms": doubled}, "'noisy_lstm' must be the same window, "
                                                    "inputs, input_stats, transforms as 'lstm'"),
            ("noisy_lstm", {"noise": 0.0}, "'noisy_lstm.noise' must be a positive number"),
            ("lstm", {"noise": 0.3}, "'lstm.noise' must be 0")):
        path.write_text(json.dumps({**doc, field: {**doc[field], **change}}))
        with pytest.raises(BundleError, match=message):
            load(tmp_path / "model")
    path.write_text(json.dumps(doc))
    assert load(tmp_path / "model").noisy_lstm_.noise == fitted.noisy_lstm_.noise


@pytest.mark.parametrize("total", [30, 300])
def test_a_larger_file_trains_no_noisy_lstm_unless_its_methods_name_it(monkeypatch, total):
    """Where the series' own windows leave no room for every noisy copy under TOTAL_WINDOWS
    (here 33 windows, room for none at 30 and for 8 at 300) the noisy hybrid is left
    out by default: the global model has windows enough of its own. Named in the methods
    it trains on as many copies as fit, at least one."""
    import seqlab.forecast.lstm as lstm

    monkeypatch.setattr(lstm, "TOTAL_WINDOWS", total)
    quick = {**FAST, "members": 1, "max_epochs": 3, "min_epochs": 1}
    default = Forecaster(horizon=6, **{**quick, "methods": None}).fit(monthly(72))
    assert default.lstm_ is not None and default.noisy_lstm_ is None
    assert "lstm_noisy" not in default.summary()["validation"]["sales"]
    named = Forecaster(horizon=6, **{**quick, "methods": ["lstm_noisy", "ets"]}).fit(
        monthly(72))
    assert named.lstm_ is None and named.noisy_lstm_ is not None
    assert "lstm_noisy" in named.summary()["validation"]["sales"]
    assert named.summary()["lstm"]["noise"] == named.noisy_lstm_.noise


def test_a_series_too_short_to_validate_has_an_interval_beside_one_fitted_exactly():
    # The file's errors were all 0 (its models fit the straight line exactly): the short
    # series, calibrated on them, got an interval of no width.
    index = pd.date_range("2000-01-01", periods=200, freq="MS")
    frame = pd.DataFrame({"short": np.r_[np.full(197, np.nan), [3.0, 7.6, 5.1]],
                          "line": np.arange(200.0)}, index=index)
    table = Forecaster(2, methods=["ets", "theta", "naive"], members=1, workers=1
                       ).fit(frame).predict()
    short = table[table["series"] == "short"]
    assert np.all(short["upper"] - short["forecast"] > 1.0)  # a step is 3.5 on average


def test_a_level_its_validation_errors_are_too_few_for_is_noted():
    series = monthly(30)
    options = {"methods": ["theta", "naive"], "workers": 1}
    high = Forecaster(3, level=0.99, **options).fit(series)
    said = [n for n in high.report_.notes if "too few to tell" in n]
    assert len(said) == 1 and said[0].startswith("the 99% intervals rest on the largest of ")
    assert "(that needs 99)" in said[0]
    assert not [n for n in Forecaster(3, **options).fit(series).report_.notes
                if "too few to tell" in n]


def test_short_series_intervals_are_calibrated_apart_from_the_long_ones(tmp_path):
    rng = np.random.default_rng(5)
    n, short = 96, 14
    frame = pd.DataFrame(index=pd.date_range("2010-01-01", periods=n, freq="MS"))
    for k in range(8):
        frame[f"long{k}"] = monthly(n, seed=k).to_numpy()
    for k in range(12):
        frame[f"short{k}"] = np.r_[np.full(n - short, np.nan),
                                   100 + np.cumsum(rng.normal(0, 5, short))]
    fitted = Forecaster(horizon=6, methods=["naive", "theta", "ets"], members=1, workers=1
                        ).fit(frame)
    groups = fitted.interval_groups_
    assert {k for k, g in groups.items() if g == SHORT} == {f"short{k}" for k in range(12)}
    assert any("intervals of the 12 series validated on fewer steps" in note
               for note in fitted.report_.notes)
    units = grouped_halfwidths(fitted.errors_, 0.8, 6)
    pooled = conformal_halfwidths(np.concatenate(list(fitted.errors_.values())), 0.8, 6)
    assert np.all(units[SHORT] >= pooled) and np.all(units[FULL] >= pooled)
    assert not np.allclose(units[SHORT], units[FULL])
    table = fitted.predict()
    for name, rows in table.groupby("series"):
        half = (rows["upper"] - rows["forecast"]).to_numpy()  # lower may be clipped at 0
        np.testing.assert_allclose(half, units[groups[name]] * fitted.scales_[name])
    longer = fitted.predict(horizon=9)
    units = grouped_halfwidths(fitted.errors_, 0.8, 9)
    for name, rows in longer.groupby("series"):
        half = (rows["upper"] - rows["forecast"]).to_numpy()
        np.testing.assert_allclose(half, units[groups[name]] * fitted.scales_[name])
    save(fitted, tmp_path / "model")
    again = load(tmp_path / "model")
    assert again.predict().equals(table)
    assert again.predict(level=0.9).equals(fitted.predict(level=0.9))
    assert again.predict(horizon=9).equals(longer)
    # Saved as format 2 would have saved it, it loads as one pool of errors.
    _as_format_2(_document(tmp_path / "model"))
    pooled_units = conformal_halfwidths(np.concatenate(list(fitted.errors_.values())), 0.8, 9)
    old = load(tmp_path / "model")
    assert set(old.interval_groups_.values()) == {FULL}
    for name, rows in old.predict(horizon=9, level=0.8).groupby("series"):
        half = (rows["upper"] - rows["forecast"]).to_numpy()
        np.testing.assert_allclose(half, pooled_units * fitted.scales_[name])


def _promotions(seed, n=120, horizon=6):
    """Sales lifted by 25 in promotion months; the promotions are known in advance."""
    rng = np.random.default_rng(seed)
    promo = (rng.random(n + horizon) < 0.3).astype(float)
    sales = 100 + 0.2 * np.arange(n + horizon) + 25 * promo + rng.normal(0, 2, n + horizon)
    dates = pd.date_range("2010-01-01", periods=n + horizon, freq="MS")
    data = pd.DataFrame({"date": dates[:n], "sales": sales[:n], "promo": promo[:n]})
    future = pd.DataFrame({"date": dates[n:], "promo": promo[n:]})
    return data, future, sales[n:]


def test_known_future_covariates_beat_past_only_ones_over_seeds():
    options = {**FAST, "methods": ["lstm"], "max_epochs": 60, "patience": 10}
    better = []
    for seed in range(3):
        data, future, truth = _promotions(seed)
        known = Forecaster(6, covariates=["promo"], **options).fit(
            data, future_covariates=future)
        past = Forecaster(6, covariates=["promo"], **options).fit(data)
        assert any("known-future: promo" in n for n in known.report_.notes)
        assert known.lstm_.inputs == past.lstm_.inputs == 1
        error = [np.abs(f.predict()["forecast"].to_numpy() - truth).mean()
                 for f in (known, past)]
        better.append(error[0] < error[1])
    assert sum(better) >= 2, better


def test_covariates_and_the_calendar_without_the_lstm_are_noted_as_unused():
    # They feed only the LSTM: with methods that leave it out they were dropped silently.
    data, _, _ = _promotions(0, n=48)
    fitted = Forecaster(6, covariates=["promo"], calendar=True,
                        **{**FAST, "methods": ["naive", "ets"]}).fit(data)
    assert any("'promo' and the calendar feed only the LSTM hybrid" in n and "unused" in n
               for n in fitted.report_.notes)
    with_lstm = Forecaster(6, covariates=["promo"], **{**FAST, "methods": ["lstm", "ets"]}
                           ).fit(data)
    assert not any("unused" in n for n in with_lstm.report_.notes)


@pytest.mark.parametrize("index, unit", [
    (pd.date_range("1980-01-01", periods=30, freq="YS"), "the dates are yearly"),
    (None, "the steps are numbers, not dates")])
@pytest.mark.parametrize("methods", [["lstm"], ["naive"]])
def test_the_calendar_of_yearly_dates_or_numbered_steps_is_noted_as_unused(index, unit,
                                                                           methods):
    # Regression: they have no calendar features, and --calendar was ignored silently
    # (with the LSTM), or said to feed only the LSTM (without it).
    y = pd.Series(100 + 2.0 * np.arange(30) + np.sin(np.arange(30)), index=index, name="v")
    fitted = Forecaster(3, calendar=True, **{**FAST, "methods": methods, "members": 1,
                                             "max_epochs": 2, "min_epochs": 1}).fit(y)
    unused = [n for n in fitted.report_.notes if "calendar" in n]
    assert unused == [f"calendar (--calendar) is unused: {unit}, which sit at no calendar "
                      "position (month, weekday ...) to derive inputs from"]
    if fitted.lstm_ is not None:
        assert fitted.lstm_.inputs == 0


def test_future_covariates_round_trip_and_are_needed_with_new_data(tmp_path):
    data, future, _ = _promotions(0, n=72)
    options = {**FAST, "methods": ["lstm"]}
    fitted = Forecaster(6, covariates=["promo"], calendar=True, **options).fit(
        data, future_covariates=future)
    assert fitted.lstm_.inputs == 3  # promo, and the month's sine and cosine
    save(fitted, tmp_path / "promo")
    loaded = load(tmp_path / "promo")
    pd.testing.assert_frame_equal(loaded.predict(), fitted.predict())
    newer, later, _ = _promotions(0, n=78)
    with pytest.raises(ValidationError, match="future values of \\['promo'\\]"):
        loaded.predict(data=newer)
    table = loaded.predict(data=newer, future_covariates=later)
    assert table["date"].iloc[0] == pd.Timestamp("2016-07-01")
    # A shorter horizon still needs the fitted horizon's future values: the error said
    # "each of the 6 date(s)" without saying why 6 when 3 were asked.
    with pytest.raises(ValidationError, match=r"lack 'promo' at 3 date\(s\).*The model was "
                                              r"fitted with horizon 6: its LSTM reads the known "
                                              r"future over all 6 steps at once, whatever "
                                              r"horizon is asked \(3\)\."):
        loaded.predict(3, data=newer, future_covariates=later.iloc[:3])
    assert len(loaded.predict(3, data=newer, future_covariates=later)) == 3


def test_new_data_with_future_covariates_the_model_was_not_fitted_with_are_refused():
    """A model whose covariate is past-only, given its future values with new data, fed the
    LSTM those values a horizon ahead (as known-future ones are read), which it never
    learnt from: the forecasts changed, silently. A model without covariates ignored the
    file. Both are refused, as is a past-only covariate among the known-future ones."""
    data, future, _ = _promotions(0, n=72)
    data["price"] = np.arange(72.0) % 5
    newer, later, _ = _promotions(0, n=78)
    newer["price"] = np.arange(78.0) % 5
    options = {**FAST, "methods": ["lstm"], "members": 1}
    past_only = Forecaster(6, covariates=["promo"], **options).fit(data[["date", "sales",
                                                                         "promo"]])
    with pytest.raises(ValidationError, match=r"fitted without future covariates "
                                              r"\(\['promo'\] past-only\), so it takes none "
                                              r"with new data: drop --future-covariates"):
        past_only.predict(data=newer[["date", "sales", "promo"]], future_covariates=later)
    plain = Forecaster(6, **{**options, "methods": ["naive", "theta"]}).fit(data[["date",
                                                                                "sales"]])
    with pytest.raises(ValidationError, match=r"fitted without future covariates, so"):
        plain.predict(data=newer[["date", "sales"]], future_covariates=later)
    known = Forecaster(6, covariates=["promo", "price"], **options).fit(
        data, future_covariates=future)
    both = later.assign(price=np.arange(72.0, 78.0) % 5)
    with pytest.raises(ValidationError, match=r"fitted with the future values of \['promo'\] "
                                              r"\(\['price'\] past-only\); the future "
                                              r"covariates give \['promo', 'price'\]\."):
        known.predict(data=newer, future_covariates=both)
    assert len(known.predict(data=newer, future_covariates=later)) == 6
    with pytest.raises(ValidationError, match=r"predict reads 'future_covariates' with new "
                                              r"data only \(data=\.\.\.\)"):
        known.predict(future_covariates=later)  # was ignored, silently


@pytest.mark.parametrize("level", [80, 95.5])
def test_a_level_given_as_a_percentage_is_refused_with_the_share_it_stands_for(fitted, level):
    share = f"give {level / 100:g}"
    with pytest.raises(ValidationError, match=rf"'level' parameter of Forecaster .*got "
                                              rf"{level:g}: for {level:g}%, {share}\."):
        Forecaster(3, level=level).check_params()
    with pytest.raises(ValidationError, match=rf"'level' parameter of predict .*{share}\."):
        fitted.predict(level=level)
    for wrong in (0, 1.5, 100, 250):
        with pytest.raises(ValidationError, match=r"range \(0.0, 0.999\]"):
            Forecaster(3, level=wrong).check_params()


def test_methods_named_in_capitals_are_refused_with_their_names_in_lower_case():
    with pytest.raises(ValidationError, match=r"names \['ETS', 'foo'\], which are not "
                                              r"forecasting methods \(names are lower case: "
                                              r"\['ets'\]\); choose among"):
        Forecaster(3, methods=["ETS", "foo", "naive"]).check_params()


@pytest.mark.parametrize("methods", [["lstm"], ["lstm_noisy"]])
def test_new_data_continuing_the_history_with_covariates_ask_for_the_whole_history(methods):
    # With the noisy LSTM alone this reached a numpy broadcasting error: the check looked at
    # the plain LSTM only.
    data, _, _ = _promotions(0, n=75)
    fitted = Forecaster(6, covariates=["promo"], calendar=True,
                        **{**FAST, "methods": methods}).fit(data.iloc[:72])
    with pytest.raises(ValidationError, match="start after the fitted data do; with "
                                              "covariates, give the whole history"):
        fitted.predict(data=data.iloc[52:])


def test_a_long_file_with_ragged_series_forecasts_each_from_its_own_end():
    rows = []
    for name, start, n in (("a", "2010-01-01", 60), ("b", "2013-06-01", 30), ("c", "2014-10-01", 2)):
        for k, date in enumerate(pd.date_range(start, periods=n, freq="MS")):
            rows.append((name, date, 50 + k + 5 * np.sin(k / 2)))
    frame = pd.DataFrame(rows, columns=["unique_id", "ds", "y"])
    fitted = Forecaster(3, **FAST).fit(frame)
    table = fitted.predict()
    assert list(dict.fromkeys(table["series"])) == ["a", "b", "c"]
    firsts = table.groupby("series")["date"].first()
    assert firsts["a"] == pd.Timestamp("2015-01-01")
    assert firsts["b"] == pd.Timestamp("2015-12-01")
    assert firsts["c"] == pd.Timestamp("2014-12-01")
    assert table.query("series == 'c'")["method"].eq("naive").all()


def test_a_process_pool_gives_the_same_forecasts_as_one_process():
    frame = pd.DataFrame({f"s{k}": monthly(40, seed=k, level=50 + 10 * k).to_numpy()
                          for k in range(8)}, index=monthly(40).index)
    options = {**FAST, "methods": ["theta", "ets", "naive"]}
    alone = Forecaster(3, workers=1, **options).fit(frame).predict()
    pooled = Forecaster(3, workers=2, **options).fit(frame).predict()
    pd.testing.assert_frame_equal(alone, pooled)


def test_a_bundle_forecasts_its_own_data_as_the_fit_did(tmp_path):
    """Forecasting the fitted data again from the bundle refits each model with what the
    fit chose (AutoARIMA's order included), so it repeats the fit's forecasts."""
    fitted = Forecaster(horizon=4, **{**FAST, "methods": ["arima", "ets", "theta"]}
                        ).fit(monthly(90))
    assert "arima" in fitted.weights_["sales"] and fitted.arima_["sales"]["order"]
    save(fitted, tmp_path / "m")
    again = load(tmp_path / "m").predict(data=monthly(90))
    np.testing.assert_allclose(again["forecast"], fitted.predict()["forecast"], rtol=1e-6)


def test_a_script_without_a_main_guard_is_told_why_its_workers_stopped(tmp_path):
    """The pool's workers import the script again (spawn): without the guard each one
    starts fitting too and dies. The error says so instead of BrokenProcessPool."""
    import subprocess
    import sys

    frame = pd.DataFrame({f"s{k}": monthly(40, seed=k).to_numpy() for k in range(8)},
                         index=monthly(40).index)
    frame.to_csv(tmp_path / "panel.csv", index_label="date")
    script = tmp_path / "fit_panel.py"
    script.write_text("from seqlab.forecast import Forecaster\n"
                      f"Forecaster(3, workers=2, methods=['theta', 'naive'])"
                      f".fit({str(tmp_path / 'panel.csv')!r})\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path)
    assert done.returncode != 0
    assert "WorkerError" in done.stderr and '__name__ == "__main__"' in done.stderr


def _monthly_panel(n=48, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    dates = pd.date_range("2018-01-01", periods=n, freq="MS")
    return pd.DataFrame({"a": 100 + 0.5 * t + 8 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, n),
                         "b": 50 + 6 * np.cos(2 * np.pi * t / 12) + rng.normal(0, 1, n)},
                        index=dates)


def test_new_data_holding_only_the_latest_points_continue_the_fitted_history():
    # They were taken for the whole history: the season lost and the intervals 3 to 4
    # times narrower, computed from 4 points.
    full = _monthly_panel(52)
    fitted = Forecaster(3, **{**FAST, "methods": ["naive", "ets", "theta"]}).fit(full[:48])
    whole = fitted.predict(data=full)
    latest = fitted.predict(data=full[48:])
    pd.testing.assert_frame_equal(whole, latest, check_like=True, check_exact=False)
    assert any("joined to the fitted history" in n for n in latest.attrs["notes"])
    # A gap after the fitted data is refused; a revision of an old value is the new data's.
    with pytest.raises(ValidationError, match=r"start at 2023-01-01, after a gap.*end at "
                                              r"2021-12-01.*from 2022-01-01 on"):
        fitted.predict(data=_monthly_panel(72)[60:].set_axis(
            pd.date_range("2023-01-01", periods=12, freq="MS")))
    revised = full.copy()
    revised.iloc[0, 0] = 999.0
    assert fitted.predict(data=revised).attrs["notes"] == []
    # A history rebased throughout, its first month dropped, is the new data's alone.
    rebased = full.iloc[1:] * 10
    assert fitted.predict(data=rebased).attrs["notes"] == [
        "2 series ('a' (47 of the 47 values both hold differ), 'b' (47 of the 47 values both "
        "hold differ)): the new data restate the fitted dates with values far from the fitted "
        "ones (a rebased history), so they are the whole history, the fitted values before "
        "them left out"]
    # Rebased with more new months than restated ones: still the new data's alone (a review
    # found them spliced onto the old scale, ten times lower).
    rebased_on = pd.concat([full.iloc[43:48] * 10, full.iloc[48:] * 10 + 5])
    assert any("a rebased history" in n for n in fitted.predict(data=rebased_on).attrs["notes"])
    assert fitted._read_new(rebased_on).series("a").index[0] == full.index[43]
    assert not fitted.predict(data=rebased).equals(fitted.predict(data=full * 10))
    # Dates against steps: refused, not a TypeError.
    with pytest.raises(ValidationError, match="fitted on dates, and the new data hold no "
                                              "dates"):
        fitted.predict(data=full.reset_index(drop=True))
    # Steps numbered from 0 again are the whole history; steps numbered on after the
    # fitted data's (a step column) continue it, as dates do.
    numbered = full.reset_index(drop=True)
    steps = Forecaster(3, **{**FAST, "methods": ["naive", "ets"]}).fit(numbered[:48])
    assert steps.predict(data=numbered.iloc[40:].reset_index(drop=True)).attrs["notes"] == [
        "2 series ('a' (12 of the fitted 48 steps), 'b' (12 of the fitted 48 steps)): the new "
        "steps start where the fitted ones did, so the new data are the whole, shorter "
        "history; to add observations to the fitted history, number their steps after its "
        "last (a 'step' column)"]
    on = steps.predict(data=numbered[48:])
    pd.testing.assert_frame_equal(steps.predict(data=numbered), on, check_like=True,
                                  check_exact=False)
    assert on["date"].iloc[0] == 52 and any("joined" in n for n in on.attrs["notes"])
    # Steps that overlap the fitted ones join where their values agree, as dates do; steps
    # numbered otherwise (from 1) disagree and are the whole history; a gap may be another
    # numbering: the whole history, with a note (it was refused as a gap in dates).
    pd.testing.assert_frame_equal(steps.predict(data=numbered[44:]), on, check_like=True,
                                  check_exact=False)
    for otherwise in (numbered.set_axis(range(1, 53))[40:], numbered[50:]):
        assert any("numbered otherwise than the fitted ones, so the new data are taken as "
                   "the whole history of every series" in n
                   for n in steps.predict(data=otherwise).attrs["notes"])
    # A run of zeros shifted by a step agrees with itself: not taken for the same numbering,
    # and the file's other series then are not joined either.
    sparse = numbered.assign(b=[5.0 if k % 13 == 0 else 0.0 for k in range(52)])
    fitted = Forecaster(3, **{**FAST, "methods": ["naive", "ets"]}).fit(sparse[:48])
    for off in (1, 2, 3):  # runs of zeros agree a step off, and two and three steps off
        shifted = sparse.set_axis(range(off, 52 + off))[30:]
        assert fitted.predict(data=shifted).equals(fitted.predict(data=shifted.reset_index(
            drop=True)).assign(date=lambda t, o=off: t["date"] + 30 + o))
    # Numbered as fitted, they join: the last fitted step sent again, a constant series
    # beside, one value revised (a review found each taken whole by a stricter first rule).
    whole = fitted.predict(data=sparse)
    for again in (sparse[47:],
                  sparse[44:].assign(a=lambda f: f["a"].where(f.index != 45, f["a"] + 0.5))):
        assert not any("numbered otherwise" in n
                       for n in fitted.predict(data=again).attrs["notes"])
    pd.testing.assert_frame_equal(fitted.predict(data=sparse[47:]), whole, check_like=True,
                                  check_exact=False)
    flat = numbered.assign(k=7.0)
    with_flat = Forecaster(3, **{**FAST, "methods": ["naive", "ets"]}).fit(flat[:48])
    pd.testing.assert_frame_equal(with_flat.predict(data=flat[44:]),
                                  with_flat.predict(data=flat), check_like=True,
                                  check_exact=False)


def test_the_latest_numbered_steps_alone_join_the_fitted_history(tmp_path):
    """One or two rows of a file with a 'step' column, sent to a model fitted on numbered
    steps: the step column was not recognised under 3 rows, so 'step' was read as a series
    and the two values as the whole history, silently. And the latest fitted step sent
    again, revised, with the next: taken whole as 'numbered otherwise' (one step is too
    few to tell a numbering by)."""
    rng = np.random.default_rng(3)
    values = 20 + np.cumsum(rng.normal(0, 1, 41))
    fitted_data = pd.DataFrame({"step": np.arange(1, 41), "a": values[:40]})
    fitted_data.to_csv(tmp_path / "fit.csv", index=False)
    fitted = Forecaster(3, **{**FAST, "methods": ["naive", "theta"]}).fit(tmp_path / "fit.csv")
    whole = pd.DataFrame({"step": np.arange(1, 42), "a": values})
    expected = fitted.predict(data=whole)
    for rows in (whole[40:], whole[39:]):  # one new step; the last fitted one and one new
        rows.to_csv(tmp_path / "new.csv", index=False)
        got = fitted.predict(data=tmp_path / "new.csv")
        pd.testing.assert_frame_equal(got, expected, check_like=True, check_exact=False)
        assert list(got["date"]) == [42, 43, 44]
        assert any("joined to the fitted history" in n for n in got.attrs["notes"])
    # Numbered as fitted and shorter: the history ends earlier, and says only that (the
    # note on steps numbered from 0 again gave wrong advice here, found by a review).
    notes = fitted.predict(data=whole[:30]).attrs["notes"]
    assert any("end before the fitted data did" in n for n in notes)
    assert not any("start where the fitted ones did" in n for n in notes), notes
    revised = whole[39:].assign(a=lambda f: f["a"] + [0.7, 0.0])
    got = fitted.predict(data=revised)
    history = pd.concat([fitted_data[:39], revised])
    pd.testing.assert_frame_equal(got, fitted.predict(data=history), check_like=True,
                                  check_exact=False)
    assert any("1 value(s) from 40" in n and "revised by the new data" in n
               for n in got.attrs["notes"])
    assert not any("numbered otherwise" in n for n in got.attrs["notes"])


def test_new_data_revising_the_latest_values_join_the_history_and_say_so():
    """The last fitted month sent again, revised, with the next one: the history is the
    fitted one with that value revised (it was the two new points alone, silently: a flat
    forecast with an interval 40 times narrower). New data that end before the fitted data
    did are forecast from their end, with a note."""
    full = _monthly_panel(50)
    fitted = Forecaster(3, **{**FAST, "methods": ["naive", "ets", "theta"]}).fit(full[:48])
    update = full[47:49].copy()
    update.iloc[0, 0] += 0.5
    got = fitted.predict(data=update)
    history = pd.concat([full[:47], update])
    pd.testing.assert_frame_equal(got, fitted.predict(data=history), check_like=True,
                                  check_exact=False)
    assert got["date"].iloc[0] == pd.Timestamp("2022-02-01")
    assert any("'a' (1 value(s) from 2021-12-01)" in n and "revised by the new data" in n
               for n in got.attrs["notes"])
    # Two months revised, or two of three, then a new one: joined alike (a review found
    # them taken whole, three or four points).
    for revised_rows in ([0, 1], [0, 2]):
        update = full[45:49].copy() if revised_rows == [0, 2] else full[46:49].copy()
        update.iloc[revised_rows, :] += 3.0
        history = pd.concat([full[:len(full[:49]) - len(update)], update])
        pd.testing.assert_frame_equal(fitted.predict(data=update),
                                      fitted.predict(data=history), check_like=True,
                                      check_exact=False)
    # Within the fitted history, agreeing: the forecast starts after the new data's end.
    inside = fitted.predict(data=full[40:44])
    pd.testing.assert_frame_equal(inside, fitted.predict(data=full[:44]), check_like=True,
                                  check_exact=False)
    assert inside["date"].iloc[0] == pd.Timestamp("2021-09-01")
    assert any("'a' (to 2021-08-01; the fitted data to 2021-12-01)" in n
               and "end before the fitted data did" in n for n in inside.attrs["notes"])


def test_new_long_data_of_one_row_a_series_are_read_by_the_fitted_series_names(tmp_path):
    """A monthly update of a long file, one row per series, 'a' a month ahead of 'b': its
    dates do not repeat, so its layout alone reads as one wide series (it was refused as
    'the dates must increase', or read as the series 'y'). The column that holds only the
    fitted series' names is the id column, after a save and load too."""
    rows = [("a", d, 100.0 + i) for i, d in enumerate(pd.date_range("2020-01-01", periods=24,
                                                                    freq="MS"))]
    rows += [("b", d, 50.0 + i) for i, d in enumerate(pd.date_range("2020-01-01", periods=23,
                                                                    freq="MS"))]
    fit_file = tmp_path / "fit.csv"
    pd.DataFrame(rows, columns=["unique_id", "ds", "y"]).to_csv(fit_file, index=False)
    fitted = Forecaster(2, **{**FAST, "methods": ["naive", "theta"]}).fit(fit_file)
    new_file = tmp_path / "new.csv"
    new_file.write_text("unique_id,ds,y\na,2022-01-01,124\nb,2021-12-01,73\n")
    save(fitted, tmp_path / "model")
    for model in (fitted, load(tmp_path / "model")):
        got = model.predict(data=new_file)
        assert got.groupby("series")["date"].min().to_dict() == {
            "a": pd.Timestamp("2022-02-01"), "b": pd.Timestamp("2022-01-01")}
        assert any("joined to the fitted history" in n for n in got.attrs["notes"])
    # A text column naming other series than the fitted ones is no id column.
    new_file.write_text("unique_id,ds,y\nc,2022-01-01,124\nb,2021-12-01,73\n")
    with pytest.raises(ValidationError, match=r"lack the series \['a', 'b'\] the model was "
                                              r"fitted on; their series: \['y'\]"):
        fitted.predict(data=new_file)


def test_new_data_naming_the_fitted_series_otherwise_are_refused_with_the_pairs(tmp_path):
    # Ids written '007' in the new data and '7' in the fitted data (a spreadsheet that
    # dropped the zeros, or kept them) were only 'lacking', with no word of why.
    dates = pd.date_range("2020-01-01", periods=24, freq="MS")
    rows = [(i, d, 10.0 * j + k) for j, i in enumerate(("7", "Store B"), 1)
            for k, d in enumerate(dates)]
    fit_file = tmp_path / "fit.csv"
    pd.DataFrame(rows, columns=["unique_id", "ds", "y"]).to_csv(fit_file, index=False)
    fitted = Forecaster(2, **{**FAST, "methods": ["naive"]}).fit(fit_file)
    new_file = tmp_path / "new.csv"
    new_file.write_text("unique_id,ds,y\n007,2022-01-01,1\nstore b,2022-01-01,2\n")
    with pytest.raises(ValidationError, match=r"Some are written otherwise: '007' here, '7' "
                                              r"when fitted, 'store b' here, 'Store B' when "
                                              r"fitted; ids are compared as written"):
        fitted.predict(data=new_file)
    new_file.write_text("unique_id,ds,y\n8,2022-01-01,1\nStore B,2022-01-01,2\n")
    with pytest.raises(ValidationError, match=r"lack the series \['7'\]") as caught:
        fitted.predict(data=new_file)
    assert "written otherwise" not in str(caught.value)  # another id is no spelling of '7'


def test_new_wide_data_with_a_text_column_naming_series_stay_wide():
    """A text column whose cells name fitted series ('best': a or b) in a wide file is no
    id column: the fitted series are columns (a review found such files refused as long)."""
    full = _monthly_panel(50)
    fitted = Forecaster(3, **{**FAST, "methods": ["naive", "theta"]}).fit(full[:48])
    marked = full.assign(best=np.where(np.arange(50) % 2, "a", "b"))
    got = fitted.predict(data=marked)
    pd.testing.assert_frame_equal(got, fitted.predict(data=full), check_like=True,
                                  check_exact=False)


def test_new_data_may_leave_empty_a_column_the_fit_left_out(tmp_path):
    """A comment column, text in the fitted file and left out, is empty in this month's
    file: left out again with a note (it was refused as a column with no values). A fitted
    series with no values is still refused."""
    dates = pd.date_range("2019-01-01", periods=30, freq="MS")
    text = "date,north,south,comment\n" + "".join(
        f"{d.date()},{100 + k % 5},{50 + k % 3},{'promo week' if k == 3 else ''}\n"
        for k, d in enumerate(dates))
    (tmp_path / "fit.csv").write_text(text)
    fitted = Forecaster(2, **{**FAST, "methods": ["naive", "theta"]}).fit(tmp_path / "fit.csv")
    assert fitted.series_names_ == ["north", "south"]
    (tmp_path / "new.csv").write_text("date,north,south,comment\n2021-07-01,101,50,\n"
                                      "2021-08-01,99,51,\n")
    got = fitted.predict(data=tmp_path / "new.csv")
    assert set(got["series"]) == {"north", "south"}
    assert any("left out the column(s) ['comment']: no values" in n for n in got.attrs["notes"])
    # A fitted series with no values: the error asks for its values, not (as it did) to
    # drop the column, which led to "lack the series".
    (tmp_path / "new.csv").write_text("date,north,south\n2021-07-01,101,\n2021-08-01,99,\n")
    with pytest.raises(ValidationError, match=r"no values of the series \['south'\], which "
                                              r"the model was fitted on and forecasts\. Give "
                                              r"their latest values") as refused:
        fitted.predict(data=tmp_path / "new.csv")
    assert "Drop" not in str(refused.value)
    (tmp_path / "new.csv").write_text("date,north\n2021-07-01,101\n2021-08-01,99\n")
    with pytest.raises(ValidationError, match=r"lack the series \['south'\].*give their "
                                              r"latest values too, or fit a new model"):
        fitted.predict(data=tmp_path / "new.csv")


def test_new_data_lacking_a_column_the_model_was_fitted_with_say_the_model_named_it(tmp_path):
    """A model fitted with --id-column store reads new data by it; a file whose column is
    now 'shop' was refused as "The 'id_column' parameter names 'store'", a parameter the
    user never gave to this command. The error says the model named it, and how to name
    the new column; naming it reads the file."""
    dates = pd.date_range("2024-01-07", periods=30, freq="W-SUN")
    text = "store,week,sales\n" + "".join(f"{s},{d.date()},{100 + s + k % 4}\n"
                                            for s in (7, 101) for k, d in enumerate(dates))
    (tmp_path / "fit.csv").write_text(text)
    fitted = Forecaster(2, **{**FAST, "methods": ["naive", "theta"]}, id_column="store",
                        date_column="week", value_column="sales").fit(tmp_path / "fit.csv")
    for option, header in (("id_column", "shop,week,sales"), ("date_column", "store,day,sales"),
                           ("value_column", "store,week,units")):
        (tmp_path / "new.csv").write_text(text.replace("store,week,sales", header))
        named = dict(date_column="week", id_column="store", value_column="sales")[option]
        with pytest.raises(ValidationError, match=(
                rf"model was fitted with `{option}` '{named}' \(--{option.replace('_', '-')}\)"
                rf", but the new data have no column '{named}': their columns are "
                rf"{re.escape(str(header.split(',')))}\. Name the new data's column")):
            fitted.read(tmp_path / "new.csv")
        other = header.split(",")[["id_column", "date_column", "value_column"].index(option)]
        assert fitted.read(tmp_path / "new.csv", **{option: other}).names == ["7", "101"]


def test_new_data_lacking_the_models_covariates_say_the_model_was_fitted_with_them():
    dates = pd.date_range("2020-01-01", periods=40, freq="D")
    frame = pd.DataFrame({"qty": np.arange(40.0) % 7 + 10, "price": np.arange(40.0) % 5},
                         index=dates)
    fitted = Forecaster(2, **{**FAST, "methods": ["naive", "lstm"], "members": 1},
                        covariates=["price"]).fit(frame)
    with pytest.raises(ValidationError, match=r"fitted with the covariate\(s\) \['price'\] "
                                              r"\(--covariates\); the new data lack "
                                              r"\['price'\]: their columns are"):
        fitted.read(frame[["qty"]])


def test_new_data_below_zero_are_not_clipped_by_the_fits_positive_history():
    y = np.linspace(50, 5, 36)
    dates = pd.date_range("2018-01-01", periods=42, freq="MS")
    fitted = Forecaster(3, **{**FAST, "methods": ["naive", "ets", "theta"]}).fit(
        pd.Series(y, index=dates[:36], name="p"))
    newer = pd.Series(np.concatenate([y, [2, -1, -4, -7, -10, -13]]), index=dates, name="p")
    table = fitted.predict(data=newer)
    assert (table["forecast"] < -10).all() and (table["lower"] < table["forecast"]).all()


def test_periods_are_dates_and_new_data_of_another_frequency_are_refused_as_such():
    # A PeriodIndex was read as step numbers: forecasts 'dated' 48, 49, 50.
    panel = _monthly_panel(48)
    periods = panel.set_axis(panel.index.to_period("M"))
    fitted = Forecaster(3, **{**FAST, "methods": ["naive", "ets"]}).fit(periods)
    assert fitted.freq_ == "MS" and fitted.season_length_ == 12
    assert fitted.predict()["date"].iloc[0] == pd.Timestamp("2022-01-01")
    quarterly = panel.resample("QS").mean()
    with pytest.raises(ValidationError, match=r"new data's dates are quarterly \(QS-\w+\), "
                                              r"the fitted data's monthly \(MS\)"):
        fitted.predict(data=quarterly)


def test_a_horizon_past_the_last_date_pandas_holds_is_refused_before_fitting():
    # predict(horizon=100_000) on monthly data was pandas' OutOfBoundsDatetime, and
    # Forecaster(horizon=10**6).fit(...) the same after fitting every model.
    series = pd.Series(np.arange(48.0) + 100, name="s",
                       index=pd.date_range("2012-01-01", periods=48, freq="MS"))
    fitted = Forecaster(horizon=3, methods=["naive"], workers=1).fit(series)
    with pytest.raises(ValidationError, match=r"A horizon of 100000 steps, monthly \(MS\), after "
                                              r"2015-12-01.* passes 2262-04-11"):
        fitted.predict(horizon=100_000)
    with pytest.raises(ValidationError, match=r"A horizon of 5000 steps, monthly \(MS\)"):
        Forecaster(horizon=5000, methods=["naive", "ets"], workers=1).fit(series)
    steps = pd.Series(np.arange(48.0))
    assert len(Forecaster(horizon=3, methods=["naive"]).fit(steps).predict(horizon=5000)) == 5000


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_mostly_zero_series_numbered_a_few_steps_off_is_not_joined(seed):
    # Its zeros agree at most shifts: numbered 2 or 3 steps off, it passed a comparison
    # with one step either way and was joined, with duplicated steps and no note.
    rng = np.random.default_rng(seed)
    z = pd.DataFrame({"z": np.where(rng.random(60) < 0.15, rng.integers(1, 9, 60), 0.0)})
    fitted = Forecaster(3, methods=["naive"], workers=1).fit(z[:48])
    for off in (1, 2, 3):
        for start in (20, 40):
            notes = fitted.predict(data=z.set_axis(range(off, 60 + off))[start:]).attrs["notes"]
            assert not any("joined to the fitted history" in n for n in notes), (off, start)


def test_a_quarterly_frequency_is_named_in_words_and_reloads_as_saved(tmp_path):
    # pandas names calendar quarters 'QS-OCT': shown so, bare, in --json and in messages.
    # The summary keeps the pandas name (what --freq takes, and what the bundle saves) and
    # adds it in words; a saved bundle reloads with the same frequency.
    index = pd.date_range("2012-01-01", periods=32, freq="QS")
    series = pd.Series(100 + np.arange(32.0) + 5 * np.sin(np.arange(32)), index=index,
                       name="q")
    fitted = Forecaster(2, methods=["naive"], workers=1).fit(series)
    assert fitted.freq_ == "QS-OCT"
    assert (fitted.summary()["freq"], fitted.summary()["freq_name"]) == ("QS-OCT", "quarterly")
    save(fitted, tmp_path / "model")
    again = load(tmp_path / "model")
    assert again.freq_ == "QS-OCT" and again.summary()["freq_name"] == "quarterly"
    assert again.predict().equals(fitted.predict())
    months = pd.Series(np.arange(40.0), name="q",
                       index=pd.date_range("2012-01-01", periods=40, freq="MS"))
    with pytest.raises(ValidationError, match=r"dates are monthly \(MS\), the fitted data's "
                                              r"quarterly \(QS-OCT\): .*Give data at 'QS-OCT'"):
        again.predict(data=months)
    steps = Forecaster(2, methods=["naive"], workers=1).fit(pd.Series(np.arange(20.0)))
    assert steps.summary()["freq"] is None and steps.summary()["freq_name"] is None
