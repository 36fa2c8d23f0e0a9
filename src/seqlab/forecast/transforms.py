"""Per-series preprocessing that makes a real series easy for a small recurrent net.

A `SeriesTransform` holds, as plain JSON values, how one series goes to the model's space
and back: a log (Box-Cox with lambda 0) when every value is positive, classical seasonal
decomposition (fixed seasonal indices, subtracted in log space, i.e. multiplicative in the
original units) when the season passes the M4 seasonality test, and a scale (the mean
absolute one-step change of the deseasonalised series) that makes series of any size
comparable, so one global model can learn across several series. Windows are then
normalised by their own last level (as N-BEATS/DeepAR do) in `seqlab.forecast.core`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from seqlab.errors import BundleError

__all__ = ["SeriesTransform", "fit_transform", "seasonality_test", "seasonal_indices"]


def _acf(x: np.ndarray, max_lag: int) -> np.ndarray:
    x = x - x.mean()
    denom = float(np.dot(x, x))
    if denom == 0.0:
        return np.zeros(max_lag + 1)
    return np.array([1.0] + [float(np.dot(x[:-k], x[k:])) / denom
                             for k in range(1, max_lag + 1)])


def seasonality_test(z: np.ndarray, m: int) -> bool:
    """The M4 benchmarks' test: is the autocorrelation at lag `m` significant at 90%?"""
    if m <= 1 or len(z) < 3 * m:
        return False
    # As M4's benchmarks: on the series itself (here after the log), not its differences.
    acf = _acf(np.asarray(z, dtype=float), m)
    limit = 1.645 * math.sqrt((1 + 2 * float(np.sum(acf[1:m] ** 2))) / len(z))
    return bool(abs(acf[m]) > limit)


def seasonal_indices(z: np.ndarray, m: int) -> np.ndarray:
    """Classical additive decomposition: `m` indices (summing to 0) indexed by ``t % m``."""
    if m % 2 == 0:  # a 2 x m centred moving average
        weights = np.r_[0.5, np.ones(m - 1), 0.5] / m
    else:
        weights = np.ones(m) / m
    trend = np.convolve(z, weights, mode="valid")
    offset = (len(weights) - 1) // 2
    detrended = z[offset:offset + len(trend)] - trend
    positions = (np.arange(len(trend)) + offset) % m
    indices = np.array([detrended[positions == k].mean() if np.any(positions == k) else 0.0
                        for k in range(m)])
    return indices - indices.mean()


@dataclass
class SeriesTransform:
    """How one series maps to the model's space: ``(log(y) - season[t % m]) / scale``."""

    log: bool
    season_length: int
    season: list[float] = field(default_factory=list)
    scale: float = 1.0
    length: int = 0   # points seen at fit time: the phase of the season continues from here

    def forward(self, y: np.ndarray, start: int = 0) -> np.ndarray:
        """Raw values (positions ``start, start+1, ...``) -> model space (unnormalised level)."""
        z = np.log(y) if self.log else np.asarray(y, dtype=float)
        if self.season:
            idx = (np.arange(len(z)) + start) % self.season_length
            z = z - np.asarray(self.season)[idx]
        return z / self.scale

    def inverse(self, u: np.ndarray, start: int) -> np.ndarray:
        """Model space -> raw values, for positions ``start, start+1, ...`` along the last axis."""
        z = np.asarray(u, dtype=float) * self.scale
        if self.season:
            idx = (np.arange(z.shape[-1]) + start) % self.season_length
            z = z + np.asarray(self.season)[idx]
        if self.log:
            return np.exp(np.clip(z, -700, 700))
        return z

    @property
    def description(self) -> str:
        parts = ["log" if self.log else "raw"]
        if self.season:
            parts.append(f"deseasonalised (m={self.season_length})")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, doc: Any, where: str) -> SeriesTransform:
        """Strict: every field present, typed and in range, else BundleError."""
        keys = {"log", "season_length", "season", "scale", "length"}
        if not isinstance(doc, dict) or set(doc) != keys:
            raise BundleError(f"{where}: a series transform needs exactly the fields "
                              f"{sorted(keys)}; got {str(doc)[:120]}.", where)
        if not isinstance(doc["log"], bool):
            raise BundleError(f"{where}: 'log' must be a bool; got {doc['log']!r}.", where)
        m = doc["season_length"]
        if not isinstance(m, int) or isinstance(m, bool) or not 1 <= m <= 10_000:
            raise BundleError(f"{where}: 'season_length' must be an int in [1, 10000]; got "
                              f"{m!r}.", where)
        season = doc["season"]
        if not isinstance(season, list) or len(season) not in (0, m) or not all(
                _finite(v) for v in season):
            raise BundleError(f"{where}: 'season' must be a list of 0 or season_length finite "
                              f"numbers; got {str(season)[:80]}.", where)
        if not _finite(doc["scale"]) or doc["scale"] <= 0:
            raise BundleError(f"{where}: 'scale' must be a positive number; got "
                              f"{doc['scale']!r}.", where)
        n = doc["length"]
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise BundleError(f"{where}: 'length' must be an int >= 0; got {n!r}.", where)
        return cls(log=doc["log"], season_length=m, season=[float(v) for v in season],
                   scale=float(doc["scale"]), length=n)


def _finite(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def fit_transform(y: np.ndarray, season_length: int, *, log: bool | None = None,
                  deseasonalise: bool | None = None) -> SeriesTransform:
    """Choose and fit the transform of one series (no missing values). Its step is the
    mean absolute change; a series whose changes are below 1e-12 of its largest value (a
    flat one, or one of -1e12 moving by 0.5) takes its mean size instead, or 1."""
    y = np.asarray(y, dtype=float)
    if log is None:
        log = bool(np.all(y > 0))
    z = np.log(y) if log else y.copy()
    # Below this, a step or a level is rounding: relative to the values, not absolute (a
    # series of 1e-13s has real steps of 1e-14; a season taken from logs near 0.05 leaves
    # steps of 1e-17 that are none).
    rounding = 1e-12 * float(np.abs(z).max()) if len(z) else 0.0
    season: list[float] = []
    m = max(1, int(season_length))
    if deseasonalise is None:
        deseasonalise = seasonality_test(z, m)
    if deseasonalise and m > 1 and len(z) >= 2 * m + 1:
        season = [float(v) for v in seasonal_indices(z, m)]
        z = z - np.asarray(season)[np.arange(len(z)) % m]
    diffs = np.abs(np.diff(z))
    scale = float(diffs.mean()) if len(diffs) else 0.0
    if not math.isfinite(scale) or scale <= rounding:  # flat: its size, unless rounding
        level = float(np.abs(z).mean())
        scale = level if level > rounding else 1.0
    return SeriesTransform(log=log, season_length=m, season=season, scale=scale,
                           length=len(y))
