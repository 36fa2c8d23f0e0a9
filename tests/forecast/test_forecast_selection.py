"""Validation plans and the statistical models' searched specifications."""

import numpy as np
import pandas as pd
import pytest
from forecast_series import monthly

from seqlab.forecast import Forecaster
from seqlab.forecast.models import model_spec, point_forecast
from seqlab.forecast.selection import WINDOWS, plan_validation


@pytest.mark.parametrize("n, horizon, m", [(54, 18, 12), (40, 8, 4), (72, 18, 12),
                                           (26, 6, 4)])
def test_a_short_seasonal_series_is_validated_where_its_season_can_be_fitted(n, horizon, m):
    plan = plan_validation(n, horizon, season_length=m)
    assert plan.windows == WINDOWS and plan.horizon == horizon
    assert plan.origins[-1] == n - 1 - horizon
    assert plan.origins[0] + 1 >= 2 * m + 1  # every window holds two seasons and a point
    assert np.all(np.diff(plan.origins) >= 1)


def test_the_step_stays_a_third_of_the_horizon_where_the_season_fits_anyway():
    assert np.all(np.diff(plan_validation(200, 18, season_length=12).origins) == 6)
    assert np.all(np.diff(plan_validation(54, 18).origins) == 6)  # no season: unchanged
    short = plan_validation(30, 18, season_length=12)  # too short for a seasonal window
    assert np.array_equal(short.origins, plan_validation(30, 18).origins)


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


def test_a_specification_found_with_another_season_is_searched_again():
    y = monthly(90).to_numpy()
    short_spec = model_spec("ets", y[:20], 12)  # 20 points: no season
    assert short_spec is not None and short_spec["season_length"] == 1
    np.testing.assert_allclose(point_forecast("ets", y, 12, 12, short_spec),
                               point_forecast("ets", y, 12, 12), rtol=1e-9)
