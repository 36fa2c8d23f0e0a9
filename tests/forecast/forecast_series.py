"""Small series shared by the forecasting tests (imported by name: tests/ has no packages)."""

import numpy as np
import pandas as pd


def monthly(n=72, seed=0, start="2015-01-01", trend=1.0, level=100.0, noise=0.02):
    """A positive monthly series with trend and multiplicative seasonality."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    values = (level + trend * t) * (1 + 0.2 * np.sin(2 * np.pi * t / 12)) * np.exp(
        rng.normal(0, noise, n))
    return pd.Series(values, index=pd.date_range(start, periods=n, freq="MS"), name="sales")


FAST = {"members": 2, "max_epochs": 15, "patience": 5, "min_epochs": 3,
        "methods": ["lstm", "naive", "seasonal_naive", "ets", "theta"]}
"""Settings that keep a plumbing test to a second or two (quality is checked elsewhere):
a small LSTM ensemble, and no AutoARIMA/CES (their order searches take the most time)."""
