"""Metrics (MASE, sMAPE, RMSE, coverage) and the baselines a forecast must beat: naive,
seasonal naive and, when statsmodels is installed (the ``forecast`` extra), ETS."""

from __future__ import annotations

import math
import warnings

import numpy as np

from seqlab.errors import SeqlabError

__all__ = ["mase", "smape", "rmse", "coverage", "naive", "seasonal_naive", "ets",
           "statsmodels_available", "BASELINES"]


def smape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Symmetric MAPE in percent, as in M4: ``200 * mean(|y - f| / (|y| + |f|))``."""
    a, f = np.asarray(actual, float), np.asarray(forecast, float)
    denom = np.abs(a) + np.abs(f)
    ratio = np.where(denom > 0, np.abs(a - f) / np.where(denom > 0, denom, 1), 0.0)
    return float(200 * ratio.mean())


def mase(actual: np.ndarray, forecast: np.ndarray, history: np.ndarray, m: int) -> float:
    """Mean absolute error scaled by the in-sample seasonal-naive error (lag `m`, M4's
    definition; lag 1 when the history is too short for the season)."""
    history = np.asarray(history, float)
    lag = m if len(history) > m else 1
    scale = float(np.mean(np.abs(history[lag:] - history[:-lag])))
    err = float(np.mean(np.abs(np.asarray(actual, float) - np.asarray(forecast, float))))
    if scale == 0:
        return 0.0 if err == 0 else math.inf
    return err / scale


def rmse(actual: np.ndarray, forecast: np.ndarray) -> float:
    a, f = np.asarray(actual, float), np.asarray(forecast, float)
    return float(np.sqrt(np.mean((a - f) ** 2)))


def coverage(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    a = np.asarray(actual, float)
    return float(np.mean((a >= np.asarray(lower)) & (a <= np.asarray(upper))))


def naive(history: np.ndarray, horizon: int, m: int = 1) -> np.ndarray:
    """The last value, repeated."""
    return np.full(horizon, float(np.asarray(history)[-1]))


def seasonal_naive(history: np.ndarray, horizon: int, m: int) -> np.ndarray:
    """The last season, repeated (naive when the season is 1 or longer than the history)."""
    history = np.asarray(history, float)
    if m <= 1 or len(history) < m:
        return naive(history, horizon)
    last = history[-m:]
    return np.array([last[k % m] for k in range(horizon)])


def statsmodels_available() -> bool:
    try:
        import statsmodels  # noqa: F401
    except ImportError:
        return False
    return True


def ets(history: np.ndarray, horizon: int, m: int, *, thorough: bool = False) -> np.ndarray:
    """Exponential smoothing picked by AICc among none/additive/damped trend and none/
    additive/multiplicative season (multiplicative only for positive series; seasons only
    with two full seasons of data).

    By default statsmodels' Holt-Winters with heuristic initial states (a fraction of a second
    a model); ``thorough=True`` fits the state-space ETS models (ETSModel, as AutoETS does,
    with additive and multiplicative errors) at several seconds a series.
    """
    if not statsmodels_available():
        raise SeqlabError("The ETS baseline needs statsmodels: pip install 'seqlab[forecast]' "
                          "(or pip install statsmodels).")
    y = np.asarray(history, float)
    positive = bool(np.all(y > 0))
    seasonal_options: list[str | None] = [None]
    if m > 1 and len(y) >= 2 * m + 2:
        seasonal_options += ["add"] + (["mul"] if positive else [])
    errors = (["add", "mul"] if positive else ["add"]) if thorough else ["add"]
    best, best_aicc = None, math.inf
    for error in errors:
        for trend, damped in ((None, False), ("add", False), ("add", True)):
            for seasonal in seasonal_options:
                if thorough and error == "add" and seasonal == "mul":
                    continue
                try:
                    with warnings.catch_warnings(), np.errstate(all="ignore"):
                        warnings.simplefilter("ignore")
                        path, aicc = _fit_ets(y, horizon, m, error, trend, damped, seasonal,
                                              thorough)
                except (ValueError, np.linalg.LinAlgError, ZeroDivisionError):
                    continue
                if math.isfinite(aicc) and np.all(np.isfinite(path)) and aicc < best_aicc:
                    best, best_aicc = path, aicc
    return best if best is not None else naive(y, horizon)


def _fit_ets(y, horizon, m, error, trend, damped, seasonal, thorough):
    if thorough:
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        fit = ETSModel(y, error=error, trend=trend, damped_trend=damped, seasonal=seasonal,
                       seasonal_periods=m if seasonal else None).fit(disp=False, maxiter=200)
    else:
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        init = "heuristic" if len(y) >= max(10, 2 * m + 2) else "estimated"
        fit = ExponentialSmoothing(y, trend=trend, damped_trend=damped, seasonal=seasonal,
                                   seasonal_periods=m if seasonal else None,
                                   initialization_method=init).fit(use_brute=False)
    return np.asarray(fit.forecast(horizon), float), float(fit.aicc)


BASELINES = {"naive": naive, "seasonal_naive": seasonal_naive, "ets": ets}
