"""Validation plans and the statistical models' searched specifications."""

import math

import numpy as np
import pandas as pd
import pytest
from forecast_series import monthly

from seqlab.forecast import Forecaster
from seqlab.forecast.models import ModelFailure, model_spec, point_forecast, safe_forecast
from seqlab.forecast.selection import (
    COMBINE,
    FIT_SHARE,
    FULL,
    GROUP_LEAST,
    MIN_HORIZON,
    PICK_INTERMITTENT,
    POWER,
    PRIOR_SERIES,
    SHORT,
    SHORT_POWER,
    SOFT_STEPS,
    WINDOWS,
    Rule,
    best_weights,
    combining,
    conformal_halfwidths,
    grouped_halfwidths,
    interval_group,
    inverse_error_weights,
    out_of_window_errors,
    panel_prior,
    plan_validation,
    score,
    too_few_errors,
    weight_power,
    zero_aware_score,
)


@pytest.mark.parametrize("n, horizon, m", [(54, 18, 12), (40, 8, 4), (72, 18, 12),
                                           (26, 6, 4), (13, 6, 1), (18, 6, 1), (24, 6, 1),
                                           (32, 8, 4), (60, 18, 12)])
def test_a_short_series_is_validated_on_windows_that_leave_most_of_it(n, horizon, m):
    plan = plan_validation(n, horizon, season_length=m)
    assert plan.windows == WINDOWS
    assert MIN_HORIZON <= plan.horizon <= horizon
    assert plan.origins[-1] == n - 1 - plan.horizon
    # The share of the series left to fit on gives way only to the shortest horizon.
    assert plan.origins[0] + 1 >= math.ceil(FIT_SHARE * n) or plan.horizon == MIN_HORIZON
    if m > 1:
        assert plan.origins[0] + 1 >= 2 * m + 1  # every window holds two seasons and a point
    assert np.all(np.diff(plan.origins) >= 1)


def test_the_validation_horizon_shrinks_only_when_a_step_of_one_leaves_too_little():
    """13 yearly points, horizon 6: scored 2 steps ahead from 7 to 11 points, not 6 steps
    ahead from 3 to 7 (where AutoARIMA could not fit and was weighted down)."""
    plan = plan_validation(13, 6)
    assert plan.horizon == 2 and plan.origins.tolist() == [6, 7, 8, 9, 10]
    roomy = plan_validation(44, 6)  # a step of 1 makes room
    assert roomy.horizon == 6 and np.all(np.diff(roomy.origins) == 1)
    assert plan_validation(126, 18, season_length=12).horizon == 18
    assert plan_validation(5, 6).horizon == 1  # no room for MIN_HORIZON after 4 points


def test_the_step_stays_a_third_of_the_horizon_where_the_series_is_long():
    assert np.all(np.diff(plan_validation(200, 18, season_length=12).origins) == 6)
    assert np.all(np.diff(plan_validation(300, 18).origins) == 6)
    assert np.all(np.diff(plan_validation(60, 6).origins) == 2)


def test_arima_on_a_short_series_searches_its_order_on_the_whole_series():
    """54 monthly points, horizon 18: the order is searched again for the final forecast
    (found on the first window, 12 points, it was non-seasonal, and so was the forecast)."""
    y = monthly(54)
    fitted = Forecaster(horizon=18, methods=["arima"], members=1).fit(y)
    assert fitted.arima_["sales"] is None
    np.testing.assert_allclose(fitted.paths_["sales"],
                               point_forecast("arima", y.to_numpy(), 18, 12), rtol=1e-6)


def test_arima_on_a_long_series_keeps_an_order_found_with_the_season():
    fitted = Forecaster(horizon=18, methods=["arima"], members=1).fit(monthly(120))
    assert fitted.arima_["sales"]["season_length"] == 12


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_plain_series_of_30_to_60_points_reuses_the_order_found_on_its_first_window(seed):
    """Without a season, a first window of 30 points or more searches the ARIMA order once;
    the later windows and the final forecast refit it. Below 30 every window searches."""
    from seqlab.forecast.forecaster import SPEC_FROM, _classical_work

    rng = np.random.default_rng(seed)
    y = 100 + np.cumsum(rng.normal(0.5, 1.0, 46))
    plan = plan_validation(len(y), 6, season_length=1)
    first = plan.origins[0] + 1
    assert SPEC_FROM["plain"] <= first < SPEC_FROM["seasonal"]
    spec = model_spec("arima", y[:first], 1)
    work = _classical_work((y, 6, 1, plan.origins, plan.horizon, ["arima"]))
    assert work.arima == spec
    np.testing.assert_allclose(work.final["arima"], point_forecast("arima", y, 6, 1, spec))
    np.testing.assert_allclose(
        work.validation["arima"],
        [point_forecast("arima", y[:o + 1], plan.horizon, 1, spec) for o in plan.origins])
    short = y[:24]
    plan = plan_validation(len(short), 6, season_length=1)
    assert _classical_work((short, 6, 1, plan.origins, plan.horizon, ["arima"])).arima is None


def test_short_yearly_series_are_validated_on_every_model_that_fits_them():
    """13 yearly points: CES cannot fit the first window (4 points) but fits the others and
    the whole series, so it is scored (naive where it failed), not left out."""
    rng = np.random.default_rng(0)
    y = pd.Series(100 * np.exp(0.05 * np.arange(13) + rng.normal(0, 0.02, 13)), name="gdp",
                  index=pd.date_range("2000-01-01", periods=13, freq="YS"))
    fitted = Forecaster(horizon=6, members=1).fit(y)
    assert {"ets", "arima", "theta", "ces"} <= set(fitted.report_.validation["gdp"])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_an_ets_specification_refits_to_the_searched_forecast(seed):
    y = monthly(90, seed=seed).to_numpy()
    spec = model_spec("ets", y, 12)
    assert spec is not None and spec["season_length"] == 12 and len(spec["model"]) == 3
    searched = point_forecast("ets", y, 12, 12)
    refitted = point_forecast("ets", y, 12, 12, spec)
    np.testing.assert_allclose(refitted, searched, rtol=1e-3)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(("name", "forms"), [("theta", {"STM", "OTM", "DSTM", "DOTM"}),
                                             ("ces", {"N", "S", "P", "F"})])
def test_a_theta_or_ces_specification_refits_to_the_searched_forecast(name, forms, seed):
    """AutoTheta's theta model and AutoCES's season type, searched once, give the searched
    forecast when fitted again, and a forecast of their own on a later window."""
    y = monthly(100, seed=seed, noise=0.05).to_numpy()
    spec = model_spec(name, y[:80], 12)
    assert spec is not None and spec["season_length"] == 12 and spec["model"] in forms
    np.testing.assert_allclose(point_forecast(name, y[:80], 12, 12, spec),
                               point_forecast(name, y[:80], 12, 12), rtol=1e-6)
    later = point_forecast(name, y, 12, 12, spec)
    assert np.all(np.isfinite(later)) and not np.allclose(later, y[-12:])


def test_a_searched_theta_model_is_the_one_refitted():
    """The refit really fits the named model: another theta model gives another forecast."""
    y = monthly(100, seed=3, noise=0.05).to_numpy()
    spec = model_spec("theta", y, 12)
    other = {**spec, "model": "STM" if spec["model"] != "STM" else "DOTM"}
    assert not np.allclose(point_forecast("theta", y, 12, 12, other),
                           point_forecast("theta", y, 12, 12, spec), rtol=1e-4)


def test_a_specification_found_with_another_season_is_searched_again():
    y = monthly(90).to_numpy()
    short_spec = model_spec("ets", y[:20], 12)  # 20 points: no season
    assert short_spec is not None and short_spec["season_length"] == 1
    np.testing.assert_allclose(point_forecast("ets", y, 12, 12, short_spec),
                               point_forecast("ets", y, 12, 12), rtol=1e-9)


def _growing_errors(powers_of_step: float, steps: int = 3, windows: int = 40,
                    horizon: int = 6, seed: int = 0) -> np.ndarray:
    """Scaled errors whose size grows as step ** power over the validated `steps`; NaN
    beyond them (the other steps of the horizon were not validated)."""
    rng = np.random.default_rng(seed)
    errors = np.full((windows, horizon), np.nan)
    shape = np.arange(1, steps + 1) ** powers_of_step
    errors[:, :steps] = rng.choice([-1.0, 1.0], size=(windows, steps)) * shape
    return errors


@pytest.mark.parametrize("power, expected", [
    (1.0, [4.0, 5.0, 6.0]),                       # errors on a line through 0: in proportion
    (0.8, 3 ** 0.8 + np.arange(1, 4) * (3 ** 0.8 - 1) / 2),   # on the line, below proportion
    (0.0, np.sqrt(np.arange(4, 7) / 3)),          # flat: a random walk's square root
    (0.2, 3 ** 0.2 * np.sqrt(np.arange(4, 7) / 3)),  # the line under the square root
    (2.0, 9 * np.arange(4, 7) / 3),               # steeper than proportion: in proportion
])
def test_steps_past_the_validated_ones_grow_along_the_validated_steps_line(power, expected):
    """Validated 3 steps ahead of 6 (mean errors step ** power), the mean errors of steps
    4 to 6 continue the line through step 1's and step 3's, kept between a random walk's
    growth from step 3 and growth in proportion to the step."""
    width = conformal_halfwidths(_growing_errors(power), 0.8, 6)
    np.testing.assert_allclose(width[3:] / width[2], np.asarray(expected) / 3 ** power)
    assert np.all(np.diff(width) >= 0)


def test_padding_with_unvalidated_steps_changes_nothing():
    errors = _growing_errors(0.7)
    np.testing.assert_allclose(conformal_halfwidths(errors, 0.8, 6),
                               conformal_halfwidths(errors[:, :3], 0.8, 6))


def test_steps_that_few_windows_reached_are_extrapolated_not_measured():
    """In a file whose short series were validated 2 steps ahead, the few long series that
    reach steps 3 to 6 (and err little there) do not set those steps' widths: they grow
    from step 2 as the validated steps did."""
    short = _growing_errors(1.0, steps=2, windows=30)
    long_ = np.tile(np.array([[0.1, 0.1, 0.1, 0.1, 0.1, 0.1]]), (10, 1))
    width = conformal_halfwidths(np.vstack([short, long_]), 0.8, 6)
    alone = conformal_halfwidths(np.vstack([short, np.where(np.arange(6) < 2, long_,
                                                            np.nan)]), 0.8, 6)
    np.testing.assert_allclose(width, alone)
    assert width[5] > 2.5 * width[1]


def test_window_errors_come_from_weights_found_on_the_other_windows():
    """Model a is exact on window 0 and far off on window 1, b the reverse: weighted on
    both windows, each window's error mixes the two; weighted on the other window alone,
    each window is forecast by the model that is wrong there."""
    truth = np.zeros((2, 3))
    scales = np.ones(2)
    paths = {"a": np.array([[0.0, 0.0, 0.0], [4.0, 4.0, 4.0]]),
             "b": np.array([[4.0, 4.0, 4.0], [0.0, 0.0, 0.0]])}
    errors = out_of_window_errors(paths, truth, scales)
    np.testing.assert_allclose(np.abs(errors), 4.0)
    in_sample = inverse_error_weights({k: np.mean(np.abs(v - truth)) for k, v in paths.items()})
    mixed = in_sample["a"] * paths["a"] + in_sample["b"] * paths["b"]
    np.testing.assert_allclose(np.abs(mixed - truth), 2.0)  # what in-sample weights show


def test_window_errors_of_one_window_use_its_own_weights_and_the_factors():
    truth = np.array([[1.0, 2.0]])
    scales = np.array([2.0])
    paths = {"a": np.array([[2.0, 3.0]]), "b": np.array([[3.0, 5.0]])}
    plain = out_of_window_errors(paths, truth, scales)
    w = inverse_error_weights({"a": 0.5, "b": 1.25})
    np.testing.assert_allclose(plain, ((w["a"] * paths["a"] + w["b"] * paths["b"]) - truth) / 2)
    penalised = out_of_window_errors(paths, truth, scales, {"a": 10.0})  # a scores 10x worse
    assert np.all(np.abs(penalised) > np.abs(plain))


def test_best_weights_put_everything_on_the_lowest_score():
    assert best_weights({"a": 0.8, "b": 0.3, "c": 0.5}) == {"b": 1.0}
    assert best_weights({"a": 0.0, "b": 0.0}) == {"a": 1.0}
    assert best_weights({"a": math.nan, "b": 2.0}) == {"b": 1.0}
    for empty in ({}, {"a": math.nan}):
        with pytest.raises(ValueError, match="at least one finite score"):
            best_weights(empty)


def test_window_errors_of_a_pick_come_from_the_model_best_on_the_other_windows():
    """Each window is forecast by the one model that scores best on the other windows,
    never by a mixture: window 0 by b (mean error 1 on windows 1 and 2, a's 1.5), window
    1 by b (0.5 against 1.5), window 2 by a (exact on windows 0 and 1)."""
    truth = np.zeros((3, 2))
    scales = np.ones(3)
    paths = {"a": np.array([[0.0, 0.0], [0.0, 0.0], [3.0, 3.0]]),
             "b": np.array([[1.0, 1.0], [2.0, 2.0], [0.0, 0.0]])}
    errors = out_of_window_errors(paths, truth, scales, rule=PICK_INTERMITTENT)
    np.testing.assert_allclose(errors, [[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    mixed = out_of_window_errors(paths, truth, scales)
    assert 0.0 < mixed[1, 0] < 2.0  # a weighted mean forecasts between the two


def test_a_pick_for_intermittent_series_is_made_by_mase_plus_smape():
    """b forecasts a little demand everywhere: nearer the orders than a's zeros by MASE,
    wrong in every quiet period by sMAPE. Picked on the other windows by MASE alone, every
    window would be forecast by b; by MASE plus sMAPE, by a."""
    truth = np.array([[0.0, 4.0, 4.0, 4.0]] * 3)
    scales = np.full(3, 2.0)  # as in the test above: a scores 3.0, b 3.04
    paths = {"a": np.zeros((3, 4)), "b": np.full((3, 4), 0.5)}
    errors = out_of_window_errors(paths, truth, scales, rule=PICK_INTERMITTENT)
    np.testing.assert_allclose(errors, (np.zeros((3, 4)) - truth) / 2)
    by_mase = out_of_window_errors(paths, truth, scales,
                                   rule=Rule(score, PICK_INTERMITTENT.weigh))
    np.testing.assert_allclose(by_mase, (np.full((3, 4), 0.5) - truth) / 2)


def test_a_series_is_intermittent_by_its_zeros_overall_or_in_its_last_quarter():
    from seqlab.forecast.models import is_intermittent

    rng = np.random.default_rng(0)
    steady = rng.poisson(4.0, 80).astype(float) + 1  # no zeros
    dying = steady.copy()
    dying[-20:] = np.where(np.arange(20) % 4 == 0, 1.0, 0.0)  # 15 zeros of 80, 15 of 20
    assert not is_intermittent(steady)
    assert np.mean(dying == 0) < 0.3 and is_intermittent(dying)
    orders = np.where(np.arange(80) % 3 == 0, 5.0, 0.0)  # two thirds zeros throughout
    assert is_intermittent(orders)
    assert not is_intermittent(np.concatenate([[-1.0], orders[1:]]))  # negative: not demand
    assert not is_intermittent(orders[:7])  # too few points to say
    # quiet winters (a quarter of the months) are not intermittent demand, wherever the
    # data end in the season: the last quarter is read in whole seasons
    winters = np.where(np.arange(48) % 12 >= 9, 0.0, 10.0 + np.arange(48))
    assert all(not is_intermittent(winters[:n], 12) for n in range(24, 49))


def test_the_recent_median_reads_the_last_season_or_at_least_eight_points():
    y = np.array([9.0] * 20 + [0, 0, 0, 5, 5, 0, 0, 0, 7, 0, 0, 0])
    np.testing.assert_array_equal(point_forecast("median", y, 3, 12), [0.0, 0.0, 0.0])
    half = np.array([0.0, 0, 0, 0, 3, 5, 6, 7])  # an even count: the lower middle value
    np.testing.assert_array_equal(point_forecast("median", half, 2, 1), [0.0, 0.0])
    np.testing.assert_array_equal(point_forecast("median", y, 2, 4), [0.0, 0.0])  # 8 points
    np.testing.assert_array_equal(point_forecast("median", y, 2, 24), [7.0, 7.0])  # 24 points
    np.testing.assert_array_equal(point_forecast("median", y, 1, 40), [9.0])  # all 32


def test_the_intermittent_score_adds_smape_which_counts_any_demand_forecast_in_a_quiet_period():
    truth = np.array([[0.0, 4.0, 4.0, 4.0]])
    scales = np.array([2.0])
    zero = np.zeros((1, 4))
    little = np.full((1, 4), 0.5)
    assert score(little, truth, scales) < score(zero, truth, scales)  # MASE prefers a little
    # MASE 3 / 2; sMAPE 2 in each of the three periods with orders, 0 in the quiet one
    assert zero_aware_score(zero, truth, scales) == pytest.approx(1.5 + 1.5)
    assert zero_aware_score(little, truth, scales) == pytest.approx(
        score(little, truth, scales) + (2 + 3 * 7 / 4.5) / 4)
    assert zero_aware_score(zero, truth, scales) < zero_aware_score(little, truth, scales)
    assert zero_aware_score(truth, truth, scales) == 0.0


def test_window_errors_need_a_model():
    with pytest.raises(ValueError, match="at least one model"):
        out_of_window_errors({}, np.zeros((2, 3)), np.ones(2))


def test_an_exact_first_step_lets_the_far_steps_grow_like_a_trend():
    errors = np.full((10, 6), np.nan)
    errors[:, 0] = 0.0
    errors[:, 1] = np.tile([1.0, -1.0], 5)
    width = conformal_halfwidths(errors, 0.8, 6)
    np.testing.assert_allclose(width[2:], width[1] * np.arange(3, 7) / 2)
    assert np.all(np.isfinite(width))


def test_a_step_without_errors_between_validated_ones_takes_the_step_before():
    """Errors read from a bundle may lack a step that later steps have: its mean error is
    the step before's, not NaN (which would make every half-width NaN)."""
    errors = np.full((8, 4), np.nan)
    errors[:, 0] = np.tile([1.0, -1.0], 4)
    errors[:, 2] = np.tile([2.0, -2.0], 4)
    width = conformal_halfwidths(errors, 0.8, 4)
    assert np.all(np.isfinite(width)) and width[1] == width[0] and width[2] > width[1]


def test_a_series_validated_on_fewer_steps_than_the_horizon_is_in_the_short_group():
    assert interval_group(6, 6) == FULL
    assert interval_group(8, 6) == FULL
    assert interval_group(2, 6) == SHORT
    assert interval_group(0, 6) == SHORT  # not validated at all


def _errors(rng, windows, spread, steps=4, validated=4):
    e = rng.normal(0, spread, (windows, steps))
    e[:, validated:] = np.nan
    return e


@pytest.mark.parametrize("seed", range(3))
def test_each_group_with_enough_windows_is_calibrated_on_its_own_errors_if_wider(seed):
    rng = np.random.default_rng(seed)
    errors = {FULL: _errors(rng, 200, 1.0), SHORT: _errors(rng, 60, 3.0, validated=2)}
    units = grouped_halfwidths(errors, 0.8, 4)
    pooled = conformal_halfwidths(np.concatenate(list(errors.values())), 0.8, 4)
    for group, e in errors.items():
        np.testing.assert_array_equal(units[group],
                                      np.maximum(conformal_halfwidths(e, 0.8, 4), pooled))
    # The short series err three times as much: pooled, their intervals were too narrow.
    # The long series' own errors would make theirs narrower than the file's: they keep
    # the file's.
    assert np.all(units[SHORT] > pooled)
    np.testing.assert_array_equal(units[FULL], pooled)
    # The short group's 80% half-width holds about 80% of fresh errors of its kind, the
    # long group's at least as many.
    fresh = {FULL: _errors(rng, 2000, 1.0), SHORT: _errors(rng, 2000, 3.0)}
    held = {g: np.mean(np.abs(e[:, :2]) <= units[g][:2]) for g, e in fresh.items()}
    assert 0.74 <= held[SHORT] <= 0.88 and held[FULL] >= 0.8, held


@pytest.mark.parametrize("level, needed", [(0.8, 4), (0.9, 9), (0.95, 19), (0.99, 99)])
def test_errors_too_few_for_a_level_are_told_with_how_many_it_needs(level, needed):
    rng = np.random.default_rng(0)
    for count in (1, needed - 1, needed, 3 * needed):
        errors = rng.normal(0, 1, (count, 1))
        told = too_few_errors(errors, level)
        assert told == ((count, needed) if count < needed else None)
        # Where it says too few, the half-width is the largest scaled error's (from as
        # many as it needs on, a bound that holds `level` of new errors); with many more,
        # less.
        largest = conformal_halfwidths(errors, 1.0, 1)[0]
        if told or count == 3 * needed:
            assert (conformal_halfwidths(errors, level, 1)[0] == largest) == bool(told)
    assert too_few_errors(np.zeros((0, 3)), 0.99) is None  # none: a random walk's
    # Steps that fewer than half the windows reached are not counted (not validated).
    ragged = np.full((10, 4), np.nan)
    ragged[:, 0], ragged[:2, 1:] = 1.0, 1.0
    assert too_few_errors(ragged, 0.95) == (10, 19)


def test_a_group_with_few_windows_or_a_file_of_one_group_takes_the_pooled_half_widths():
    rng = np.random.default_rng(0)
    errors = {FULL: _errors(rng, 200, 1.0), SHORT: _errors(rng, GROUP_LEAST - 1, 3.0)}
    units = grouped_halfwidths(errors, 0.8, 4)
    pooled = conformal_halfwidths(np.concatenate(list(errors.values())), 0.8, 4)
    np.testing.assert_array_equal(units[SHORT], pooled)
    np.testing.assert_array_equal(units[FULL],
                                  np.maximum(conformal_halfwidths(errors[FULL], 0.8, 4), pooled))
    alone = grouped_halfwidths({SHORT: errors[SHORT]}, 0.8, 4)
    np.testing.assert_array_equal(alone[SHORT], conformal_halfwidths(errors[SHORT], 0.8, 4))
    # A group without errors of its own (series too short to validate) takes the file's,
    # never narrower than a random walk's.
    none = np.zeros((0, 4))
    walk = conformal_halfwidths(none, 0.8, 4)
    for spread in (0.0, 1.0, 9.0):  # a file its models fit exactly, well or badly
        others = _errors(rng, 200, spread)
        units = grouped_halfwidths({FULL: others, SHORT: none}, 0.8, 4)
        np.testing.assert_array_equal(units[SHORT], np.maximum(
            conformal_halfwidths(others, 0.8, 4), walk))
    assert np.all(units[SHORT] > walk)  # the badly fitted file's are wider


def test_a_fit_pools_each_series_out_of_window_errors_for_its_intervals(monkeypatch):
    """The fit's pooled errors are, series after series, the out-of-window errors of each
    validated series' candidates, padded with NaN to the horizon."""
    from seqlab.forecast import selection

    seen = []

    def recording(paths, truth, scales, factors=None, rule=COMBINE):
        errors = out_of_window_errors(paths, truth, scales, factors, rule)
        seen.append((sorted(paths), errors))
        return errors

    monkeypatch.setattr(selection, "out_of_window_errors", recording)
    rng = np.random.default_rng(3)
    index = pd.date_range("2000-01-01", periods=30, freq="YS")
    frame = pd.DataFrame({f"s{k}": 50 + np.cumsum(rng.normal(k % 3, 2, 30)) for k in range(3)},
                         index=index)
    fitted = Forecaster(horizon=4, methods=["naive", "theta", "ets"], members=1).fit(frame)
    assert [models for models, _ in seen] == [["ets", "theta"]] * 3  # the naives sit out
    expected = np.concatenate([np.pad(e, ((0, 0), (0, 4 - e.shape[1])), constant_values=np.nan)
                               for _, e in seen])
    # 30 points leave room to validate 3 steps of the 4: every series is in the short group.
    assert fitted.interval_groups_ == {k: selection.SHORT for k in frame}
    assert list(fitted.errors_) == [selection.SHORT]
    np.testing.assert_array_equal(fitted.errors_[selection.SHORT], expected)
    assert fitted.errors_[selection.SHORT].shape[0] == sum(fitted.report_.windows.values())


def test_a_short_series_forecast_has_intervals_that_widen_with_the_horizon():
    rng = np.random.default_rng(1)
    y = pd.Series(50 + np.cumsum(rng.normal(1, 2, 14)), name="units",
                  index=pd.date_range("2000-01-01", periods=14, freq="YS"))
    fitted = Forecaster(horizon=6, members=1).fit(y)
    table = fitted.predict()
    width = (table["upper"] - table["lower"]).to_numpy()
    assert np.all(np.diff(width) > 0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_monthly_series_of_a_year_and_a_bit_has_intervals_of_its_own_steps(seed, tmp_path):
    """14 monthly points, rising about 3 a month: the windows' errors were scaled by the
    monthly steps (their histories too short for a year-on-year scale) and the interval by
    the year-on-year changes, so two more points made it ten times wider (+-46 at step 1
    against +-4 on the first 12 points). Now both are in the unit of the monthly steps,
    also when a saved model forecasts from new data."""
    from seqlab.forecast import load, save

    rng = np.random.default_rng(seed)
    y = pd.Series(100 + np.cumsum(rng.uniform(0, 6, 16)), name="y",
                  index=pd.date_range("2020-01-01", periods=16, freq="MS"))
    steps = np.mean(np.abs(np.diff(y.to_numpy())))
    half = {}
    for n in (12, 14):
        fitted = Forecaster(horizon=2, methods=["naive", "theta"]).fit(y[:n])
        table = fitted.predict()
        half[n] = (table["upper"] - table["forecast"]).to_numpy()
    assert fitted._interval_lags() == {"y": 1}
    assert half[14][0] < 3 * steps and half[14][0] < 2 * half[12][0], (half, steps)
    save(fitted, tmp_path / "m")
    again = load(tmp_path / "m").predict(data=y)
    pd.testing.assert_frame_equal(again, fitted.predict(data=y))
    assert (again["upper"] - again["forecast"]).iloc[0] < 3 * steps
    long = pd.Series(100 + np.cumsum(rng.uniform(0, 6, 60)), name="y",
                     index=pd.date_range("2015-01-01", periods=60, freq="MS"))
    assert Forecaster(horizon=2, methods=["naive"]).fit(long)._interval_lags() == {"y": 12}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_arima_on_the_logarithm_follows_growth_in_proportion(seed):
    """Growth of 6% a year with 2% noise, 30 points: ARIMA on the logarithm extrapolates the
    curve; on the values a straight line (or a drift) falls behind it."""
    rng = np.random.default_rng(seed)
    t = np.arange(36)
    y = 100 * np.exp(0.06 * t + rng.normal(0, 0.02, 36).cumsum() * 0.3)
    history, truth = y[:30], y[30:]
    logged = point_forecast("arima_log", history, 6, 1)
    plain = point_forecast("arima", history, 6, 1)
    assert np.mean(np.abs(logged - truth)) < np.mean(np.abs(plain - truth))
    spec = model_spec("arima_log", history, 1)
    np.testing.assert_allclose(point_forecast("arima_log", history, 6, 1, spec), logged,
                               rtol=1e-6)


def test_arima_on_the_logarithm_refuses_values_at_or_below_zero():
    y = np.linspace(-5, 20, 30)
    with pytest.raises(ModelFailure, match="above zero"):
        point_forecast("arima_log", y, 6, 1)
    assert model_spec("arima_log", y, 1) is None
    path, fitted = safe_forecast("arima_log", y, 6, 1)
    assert not fitted and np.all(path == y[-1])  # the naive fallback


def test_the_panel_prior_weighs_how_each_model_fared_across_the_file():
    assert panel_prior({"a": {"ets": 1.0, "arima": 3.0}}) == {}  # one series: no prior
    n = 60
    scores = {f"s{i}": {"arima": 1.0, "ets": 3.0, "theta": 1.0 if i % 2 else 5.0}
              for i in range(n)}
    prior = panel_prior(scores)
    power = n / (n + PRIOR_SERIES)
    assert prior["arima"] == pytest.approx(1.0)  # the best everywhere
    assert prior["ets"] == pytest.approx(3.0 ** power)
    assert prior["theta"] == pytest.approx(3.0 ** power)  # best on half, 5x on half
    few = panel_prior({k: scores[k] for k in ("s0", "s1")})
    assert 1.0 < few["ets"] < prior["ets"]  # two series say less than sixty
    assert panel_prior({"a": {"x": 1.0, "y": 1e9}, "b": {"x": 1.0, "y": 1.0}})["y"] == \
        pytest.approx(5.5 ** (2 / (2 + PRIOR_SERIES)))  # relative scores capped at 10


def test_a_series_validated_a_few_steps_short_of_the_horizon_weighs_less_sharply():
    assert weight_power(6, 6, 1) == weight_power(18, 6, 500) == POWER  # the whole horizon
    assert weight_power(SOFT_STEPS + 1, 18, 1) == POWER  # validated far enough
    assert weight_power(2, 6, 1) == SHORT_POWER < POWER  # alone, a few steps
    powers = [weight_power(2, 6, n) for n in (2, 10, PRIOR_SERIES, 1000)]
    assert powers == sorted(powers) and powers[-1] < POWER  # more series, nearer POWER
    assert powers[2] == pytest.approx((SHORT_POWER + POWER) / 2)
    assert combining(POWER) is COMBINE
    soft = combining(1.0).weigh({"a": 1.0, "b": 2.0, "c": 4.0})
    assert soft == pytest.approx({"a": 4 / 7, "b": 2 / 7, "c": 1 / 7})
    assert combining(1.0).score is COMBINE.score


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_short_series_alone_is_weighted_by_its_inverse_scores(seed):
    y = 100 + np.cumsum(np.random.default_rng(seed).normal(2, 3, 18))
    frame = pd.DataFrame({"y": y}, index=pd.date_range("1990-01-01", periods=18, freq="YS"))
    fitted = Forecaster(horizon=6, methods=["naive", "ets", "arima", "theta"],
                        workers=1).fit(frame)
    scores = {m: fitted.report_.validation["y"][m] for m in ("ets", "arima", "theta")}
    total = sum(1 / v for v in scores.values())
    assert fitted.weights_["y"] == pytest.approx({m: 1 / v / total for m, v in scores.items()},
                                                 rel=1e-3)


def test_in_a_file_a_model_that_fails_everywhere_else_weighs_less_on_each_series():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({f"s{i}": 100 + np.cumsum(rng.normal(0.5, 1, 40))
                          for i in range(12)},
                         index=pd.date_range("1980-01-01", periods=40, freq="YS"))
    fitted = Forecaster(horizon=6, methods=["naive", "ets", "arima", "theta"],
                        workers=1).fit(frame)
    prior = panel_prior({k: {m: v for m, v in s.items() if m in ("ets", "arima", "theta")}
                         for k, s in fitted.report_.validation.items()})
    for name, scores in fitted.report_.validation.items():
        raw = {m: scores[m] for m in ("ets", "arima", "theta")}
        expected = {m: v * prior[m] for m, v in raw.items()}
        total = sum(v ** -2 for v in expected.values())
        for m, v in expected.items():
            assert fitted.weights_[name][m] == pytest.approx(v ** -2 / total, rel=1e-3)
    assert list(fitted.weights_) == list(frame.columns)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("name", ["ets", "theta", "ces"])
def test_in_a_large_file_the_final_fit_reuses_the_specification_found_on_a_window(name,
                                                                                  seed):
    """`reuse` names the models whose final fit refits the specification searched on the
    first window; without it the model searches again on the whole history. Either way the
    later windows refit the first window's specification."""
    from seqlab.forecast.forecaster import _classical_work

    y = monthly(108, seed=seed, noise=0.05).to_numpy()
    plan = plan_validation(len(y), 12, windows=2, season_length=12)
    spec = model_spec(name, y[:plan.origins[0] + 1], 12)
    reused = _classical_work((y, 12, 12, plan.origins, plan.horizon, [name], (name,)))
    searched = _classical_work((y, 12, 12, plan.origins, plan.horizon, [name], ()))
    np.testing.assert_allclose(reused.final[name], point_forecast(name, y, 12, 12, spec))
    np.testing.assert_allclose(searched.final[name], point_forecast(name, y, 12, 12))
    np.testing.assert_allclose(reused.validation[name], searched.validation[name])
    last = plan.origins[-1]
    np.testing.assert_allclose(reused.validation[name][-1],
                               point_forecast(name, y[:last + 1], plan.horizon, 12, spec))


def test_a_large_file_is_validated_on_fewer_windows_without_the_slow_models(monkeypatch):
    from seqlab.forecast import forecaster

    monkeypatch.setattr(forecaster, "SCALE_FROM", 3)
    seen = []
    work = forecaster._classical_work
    monkeypatch.setattr(forecaster, "_classical_work",
                        lambda args: seen.append(args) or work(args))
    factors = []
    window = forecaster.lstm_window
    monkeypatch.setattr(forecaster, "lstm_window",
                        lambda *args: factors.append(args[3]) or window(*args))
    frame = pd.DataFrame({f"s{k}": monthly(60, seed=k).to_numpy() for k in range(3)},
                         index=monthly(60).index)
    fitted = Forecaster(horizon=6, members=1, max_epochs=2, min_epochs=1,
                        workers=1).fit(frame)
    assert set(fitted.report_.windows.values()) == {forecaster.SCALE_WINDOWS}
    assert any("validated on" in note for note in fitted.report_.notes)
    assert seen and all("arima" not in args.names and
                        {"ets", "theta", "ces"} <= set(args.reuse) for args in seen)
    assert all(args.ets_forms == forecaster.SCALE_ETS_FORMS for args in seen)
    assert factors == [forecaster.SCALE_WINDOW_FACTOR]  # the LSTM's input: one season


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ets_searches_only_the_forms_it_is_given(seed):
    """A large file's AutoETS searches additive errors only: the form found, refitted on
    every window and for the final forecast, has an additive error."""
    from seqlab.forecast.forecaster import _classical_work, _Work

    y = monthly(108, seed=seed, noise=0.05).to_numpy()
    spec = model_spec("ets", y[:80], 12, "AZZ")
    assert spec["model"][0] == "A"
    assert model_spec("ets", y[:80], 12, "MZZ")["model"][0] == "M"
    plan = plan_validation(len(y), 12, windows=2, season_length=12)
    first = model_spec("ets", y[:plan.origins[0] + 1], 12, "AZZ")
    work = _classical_work(_Work(y, 12, 12, plan.origins, plan.horizon, ["ets"], ("ets",),
                                 "AZZ"))
    np.testing.assert_allclose(work.final["ets"], point_forecast("ets", y, 12, 12, first))


def test_a_search_whose_model_names_no_specification_is_a_failed_search():
    """Values one unit in the last place apart are constant once scaled: AutoCES fits a
    naive model there, which names no season type. That ended the whole fit with a
    KeyError; it is a failed search (None), and the windows search again."""
    rng = np.random.default_rng(0)
    while True:
        a = rng.uniform(0.1, 1000)
        y = np.array([np.nextafter(a, np.inf)] + [a] * 35)
        if np.ptp(y / np.mean(np.abs(y))) == 0 < np.ptp(y):
            break
    assert model_spec("ces", y, 1) is None


def test_the_lstm_reads_two_seasons_or_horizons_where_the_typical_series_allows():
    from seqlab.forecast.lstm import WINDOW_FACTOR, lstm_window

    assert WINDOW_FACTOR == 2
    assert lstm_window([300], 6, 1) == 12  # two horizons of a long yearly series
    assert lstm_window([300], 6, 1, factor=1) == 6
    assert lstm_window([300] * 3, 18, 12) == 36  # two horizons (18 > 12, the season)
    assert lstm_window([300], 6, 12) == 24
    assert lstm_window([72], 6, 12) == 20  # room for training windows: (72 - 12) // 3
    assert lstm_window([72], 6, 12, factor=1) == 12
    assert lstm_window([20], 6, 1) == 2  # a short series: the fewest inputs
    # the lower quartile of the lengths decides: one long series among short ones does not
    assert lstm_window([30, 30, 30, 400], 6, 1) == lstm_window([30], 6, 1) == 6


def test_a_file_that_is_not_large_asks_for_two_seasons_or_horizons(monkeypatch):
    from seqlab.forecast import forecaster

    factors = []
    window = forecaster.lstm_window
    monkeypatch.setattr(forecaster, "lstm_window",
                        lambda *args: factors.append(args[3]) or window(*args))
    Forecaster(horizon=6, members=1, max_epochs=2, min_epochs=1, workers=1).fit(
        monthly(60, seed=4))
    assert factors == [2]


def test_series_too_short_for_enough_inputs_leave_the_lstm_out_unless_asked_for():
    from seqlab.forecast.lstm import MIN_WINDOW, lstm_window

    history = monthly(40, seed=3)
    assert lstm_window([40], 18, 12) < MIN_WINDOW
    quick = {"members": 1, "max_epochs": 2, "min_epochs": 1, "workers": 1}
    default = Forecaster(horizon=18, **quick).fit(history)
    assert default.lstm_ is None
    assert "lstm" not in default.summary()["validation"]["sales"]
    assert any("too short for the LSTM hybrid" in note and "classical models only" in note
               for note in default.summary()["notes"])
    assert np.all(np.isfinite(default.predict()["forecast"]))
    asked = Forecaster(horizon=18, window=2, **quick).fit(history)
    assert "lstm" in asked.summary()["validation"]["sales"]
    named = Forecaster(horizon=18, methods=["lstm", "ets"], **quick).fit(history)
    assert "lstm" in named.summary()["validation"]["sales"]
    assert not any("too short for the LSTM" in note for note in named.summary()["notes"])


def test_a_file_whose_typical_series_is_short_gives_the_lstm_its_long_series():
    """A quarter of short series set the window below `MIN_WINDOW` for the whole file; the
    LSTM then reads the series long enough for that many inputs, with a window of theirs."""
    from seqlab.forecast.lstm import MIN_WINDOW

    short, long = monthly(40, seed=5), monthly(120, seed=6)
    frame = pd.DataFrame({"a": np.r_[np.full(80, np.nan), short.to_numpy()],
                          "b": np.r_[np.full(80, np.nan), monthly(40, seed=7).to_numpy()],
                          "c": long.to_numpy(), "d": monthly(120, seed=8).to_numpy()},
                         index=long.index)
    fitted = Forecaster(horizon=18, members=1, max_epochs=2, min_epochs=1,
                        workers=1).fit(frame)
    validation = fitted.summary()["validation"]
    assert "lstm" in validation["c"] and "lstm" in validation["d"]
    assert "lstm" not in validation["a"] and "lstm" not in validation["b"]
    assert fitted.summary()["lstm"]["window"] == 28  # (120 - 2 x 18) // 3
    assert any(f"reads the 2 series long enough for {MIN_WINDOW} inputs" in note
               for note in fitted.summary()["notes"])


@pytest.mark.parametrize("name", ["ets", "arima", "arima_log", "theta", "ces"])
def test_band_forecast_is_the_point_forecast_with_statsforecasts_own_interval(name):
    """The benchmark's classical intervals: the forecast `point_forecast` scores, fitted the
    same way (scaled, AutoARIMA's last points), inside an interval that widens with the
    level; a constant series has no width, and a model without one is named."""
    from seqlab.forecast.models import band_forecast

    y = monthly(60)
    mean, lower, upper = band_forecast(name, y, 6, 12, level=80)
    np.testing.assert_allclose(mean, point_forecast(name, y, 6, 12), rtol=1e-6)
    assert np.all(lower < mean) and np.all(mean < upper)
    _, wide_lower, wide_upper = band_forecast(name, y, 6, 12, level=95)
    assert np.all(wide_upper - wide_lower > upper - lower)
    flat = band_forecast(name, np.full(20, 3.0), 4, 1)
    assert all(np.allclose(part, np.full(4, 3.0), rtol=1e-12) for part in flat)
    with pytest.raises(ModelFailure, match="needs at least"):
        band_forecast(name, y[:2], 4, 1)


def test_band_forecast_names_the_models_it_has_intervals_of():
    from seqlab.forecast.models import band_forecast

    with pytest.raises(ValueError, match="ets.*arima.*theta.*ces.*'naive'"):
        band_forecast("naive", monthly(30), 3, 12)
