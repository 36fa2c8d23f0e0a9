"""Forecast accuracy: MASE, sMAPE, RMSE and interval coverage, as the M4 competition
defines them."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["mase", "smape", "rmse", "coverage"]


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
    """Root mean squared error."""
    a, f = np.asarray(actual, float), np.asarray(forecast, float)
    return float(np.sqrt(np.mean((a - f) ** 2)))


def coverage(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """The share of `actual` values inside ``[lower, upper]``."""
    a = np.asarray(actual, float)
    return float(np.mean((a >= np.asarray(lower)) & (a <= np.asarray(upper))))
