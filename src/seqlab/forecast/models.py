"""The classical forecasting models, as interchangeable peers of the LSTM hybrid.

Each model is a name and one function, ``point_forecast(name, y, horizon, m)``: fit on the
history ``y`` (one series, no missing values) and return ``horizon`` point forecasts. The
statistical models are statsforecast's (AutoETS, AutoARIMA, AutoTheta, AutoCES and, for
intermittent demand, CrostonOptimized and ADIDA); naive, seasonal naive and the recent median
are written here.
A model that cannot fit a series (too short for it, a numerical failure, a non-finite
forecast) answers with the naive forecast and says so through `ModelFailure`, so one bad fit
never stops a panel. `seqlab.forecast.selection` chooses among them per series.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np

__all__ = ["CLASSICAL", "INTERMITTENT", "LOGGED", "point_forecast", "naive", "seasonal_naive",
           "usable_season", "recent_median", "ModelFailure", "model_spec", "SEARCHED",
           "band_forecast", "BANDED"]

CLASSICAL = ("naive", "seasonal_naive", "ets", "arima", "arima_log", "theta", "ces")
"""The classical candidates every series with a validation window is scored on."""
LOGGED = {"arima_log": "arima"}
"""Models fitted on the logarithm of a positive series (its forecast exponentiated back):
growth and decay in proportion, as AirPassengers' or a population's, are straight lines
there. A series with a value at or below zero is not theirs (`ModelFailure`). Measured as a
candidate beside the others on eleven panels of real series, it lowered seqlab's OWA on
eight (fertility rates of 13 and 18 yearly points 0.618 -> 0.584 and 0.614 -> 0.584, the
Grunfeld firms 0.793 -> 0.739, M1 yearly 0.714 -> 0.706) and raised it by at most 0.012 on
three."""
INTERMITTENT = ("median", "croston", "adida")
"""Added to the candidates of series with many zeros (intermittent demand), before the
others: a series that takes its best model alone takes the first of a tie, and where every
window's history is quiet every model forecasts 0 there, but only the median goes on
forecasting 0 after the last order."""
INTERMITTENT_ZEROS = 0.3
"""The share of zeros from which a non-negative series is intermittent (`is_intermittent`)."""
MEDIAN_POINTS = 8
"""The fewest recent points `recent_median` reads (it reads a season where that is more)."""
ARIMA_MAX_POINTS = 240
"""AutoARIMA reads at most the last this many points: its order search grows quickly with
the length, and decades-old points say little about the next steps."""
APPROXIMATE_FROM = 150
"""From this many points (or seasons longer than 12) AutoARIMA scores candidate orders by
the conditional sum of squares while it searches, as R's auto.arima does by default: the
search is several times faster and the order it finds nearly always the same."""
ETS_FORMS = "ZZZ"
"""The ETS forms AutoETS searches by default: every error, trend and season component
(``Z``: any; 15 forms with a season, damped trends included)."""
SEARCHED = ("arima", "arima_log", "ets", "theta", "ces")
"""The models whose specification (ARIMA order, ETS components, theta model, CES season
type) is searched once per series by `model_spec` and fitted again on other windows (the
search is most of their time)."""
BANDED = ("ets", "arima", "arima_log", "theta", "ces")
"""The models `band_forecast` gives statsforecast's own prediction interval of."""
MIN_POINTS = {"ets": 4, "theta": 4, "ces": 5, "arima": 3, "arima_log": 3, "croston": 2,
              "adida": 2}
"""The fewest points each statistical model is tried on (fewer: the naive forecast)."""


class ModelFailure(Exception):
    """A model could not forecast a series; the caller falls back to naive."""


def naive(y: np.ndarray, horizon: int, m: int = 1) -> np.ndarray:
    """The last value, repeated."""
    return np.full(horizon, float(np.asarray(y, float)[-1]))


def seasonal_naive(y: np.ndarray, horizon: int, m: int) -> np.ndarray:
    """The last season, repeated (naive when the season is 1 or longer than the history)."""
    y = np.asarray(y, float)
    if m <= 1 or len(y) < m:
        return naive(y, horizon)
    return y[-m:][np.arange(horizon) % m]


def recent_median(y: np.ndarray, horizon: int, m: int = 1) -> np.ndarray:
    """The median of the last season (at least `MEDIAN_POINTS` points), repeated.

    Forecasts are scored by their absolute errors (MASE, sMAPE), whose best constant is
    the median, not the mean that Croston's method and ADIDA forecast: where most periods
    have no demand the median is 0, and a mean is off by its own size in every one of them
    (sMAPE 200). Measured on synthetic intermittent panels of six kinds (independent
    orders, low counts, seasonal, trending and lumpy demand, demand that dies out; seasons
    of 12 and 52), it beat CrostonOptimized on every kind: weekly OWA 0.50 to 0.89 against
    1.00 to 2.31. Over a season (at least 8 points) it beat the whole history on the kinds
    whose demand changes and lost a little on the others (mean OWA 0.72 against 0.79 with
    season 52, 0.82 against 0.87 with 12, 0.84 against 1.74 with 7)."""
    recent = np.asarray(y, float)[-max(m, MEDIAN_POINTS):]
    # Of an even count, the lower middle value: as good by absolute error as any between
    # the two, and by sMAPE better (0, not a little demand, where half the periods have none).
    return np.full(horizon, float(np.quantile(recent, 0.5, method="lower")))


def usable_season(n: int, m: int) -> int:
    """The season a statistical model may estimate from `n` points: `m` with two full
    seasons of data, else 1 (no season)."""
    return m if m > 1 and n >= 2 * m + 1 else 1


def _statsforecast(name: str, m: int, n: int, forms: str = ETS_FORMS) -> object:
    from statsforecast import models as sf

    builders: dict[str, Callable[[], object]] = {
        "ets": lambda: sf.AutoETS(season_length=m, model=forms),
        "arima": lambda: sf.AutoARIMA(season_length=m,
                                      approximation=n >= APPROXIMATE_FROM or m > 12),
        "theta": lambda: sf.AutoTheta(season_length=m),
        "ces": lambda: sf.AutoCES(season_length=m),
        "croston": lambda: sf.CrostonOptimized(),
        "adida": lambda: sf.ADIDA(),
    }
    return builders[name]()


def point_forecast(name: str, y: np.ndarray, horizon: int, m: int,
                   spec: dict | None = None, forms: str = ETS_FORMS) -> np.ndarray:
    """`horizon` point forecasts of model `name` fitted on `y` (raises `ModelFailure`).

    `spec` (a model of `SEARCHED`, from `model_spec`): fit that specification again
    instead of searching; `forms`: the ETS forms AutoETS searches among (`ETS_FORMS`)."""
    y = np.asarray(y, dtype=float)
    if name == "naive":
        return naive(y, horizon)
    if name == "seasonal_naive":
        return seasonal_naive(y, horizon, m)
    if name == "median":
        return recent_median(y, horizon, m)
    if name in LOGGED:
        logged = point_forecast(LOGGED[name], _logged(name, y), horizon, m, spec)
        with np.errstate(over="ignore"):
            path = np.exp(logged)
        _check_growth(name, path, y)
        return path
    return _fitted(name, y, horizon, m, spec, forms)["mean"]


def _check_growth(name: str, path: np.ndarray, y: np.ndarray) -> None:
    """Refuse (`ModelFailure`) the exponentiated forecast `path` of a model of `LOGGED`
    where it is not finite or grows past a million times `y`'s largest value."""
    bound = 1e6 * float(np.max(y))
    if not np.all(np.isfinite(path)) or np.max(path) > bound:
        raise ModelFailure(f"{name} exploded (forecast > {bound:.3g})")


def band_forecast(name: str, y: np.ndarray, horizon: int, m: int, level: float = 80
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`horizon` point forecasts of the statistical model `name` (one of `BANDED`) fitted on
    `y` as `point_forecast` fits it, with statsforecast's own `level`% prediction interval:
    (forecast, lower, upper); a model of `LOGGED`'s, fitted on the logarithm, exponentiated
    back (the bounds of an interval of quantiles stay its bounds). Raises `ModelFailure`, as
    `point_forecast` does."""
    if name not in BANDED:
        raise ValueError(f"band_forecast fits one of {list(BANDED)}; got {name!r}")
    if name in LOGGED:
        logged = band_forecast(LOGGED[name], _logged(name, y), horizon, m, level)
        with np.errstate(over="ignore"):
            mean, lower, upper = (np.exp(path) for path in logged)
        _check_growth(name, mean, y)
        return mean, lower, upper
    result = _fitted(name, np.asarray(y, dtype=float), horizon, m, None, ETS_FORMS, level)
    return result["mean"], result[f"lo-{level}"], result[f"hi-{level}"]


def _fitted(name: str, y: np.ndarray, horizon: int, m: int, spec: dict | None, forms: str,
            level: float | None = None) -> dict[str, np.ndarray]:
    """statsforecast's forecast of model `name` on `y`, in `y`'s units: ``mean``, and with a
    `level` its ``lo-level`` and ``hi-level`` (a constant series: the value itself, with
    no width)."""
    if len(y) < MIN_POINTS[name]:
        raise ModelFailure(f"{name} needs at least {MIN_POINTS[name]} points; got {len(y)}")
    if np.ptp(y) == 0:
        flat = naive(y, horizon)
        bands = [f"lo-{level}", f"hi-{level}"] if level is not None else []
        return {"mean": flat, **{k: flat.copy() for k in bands}}
    if name == "arima":
        y = y[-ARIMA_MAX_POINTS:]
    season = usable_season(len(y), m)
    if spec and spec["season_length"] != season:
        spec = None  # found with another season (a shorter window): search again
    # statsforecast's models work best on values near 1: scale by the mean absolute value.
    scale = float(np.mean(np.abs(y))) or 1.0
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            model = _fixed(name, spec) if spec else _statsforecast(name, season, len(y), forms)
            result = model.forecast(y=y / scale, h=horizon,  # type: ignore[attr-defined]
                                    **({"level": [level]} if level is not None else {}))
    except Exception as error:  # statsforecast raises many kinds on degenerate series
        raise ModelFailure(f"{name} could not fit: {type(error).__name__}: "
                           f"{str(error)[:80]}") from None
    out = {k: np.asarray(v, dtype=float) * scale for k, v in result.items()
           if k == "mean" or level is not None and k in (f"lo-{level}", f"hi-{level}")}
    path = out["mean"]
    if path.shape != (horizon,) or not np.all(np.isfinite(path)):
        raise ModelFailure(f"{name} gave a non-finite forecast")
    bound = 1e6 * max(1.0, float(np.max(np.abs(y))))
    if np.max(np.abs(path)) > bound:
        raise ModelFailure(f"{name} exploded (|forecast| > {bound:.3g})")
    return out


def model_spec(name: str, y: np.ndarray, m: int, forms: str = ETS_FORMS) -> dict | None:
    """The specification a model of `SEARCHED` finds for `y`, to fit again on other windows
    of the same series without searching: AutoARIMA's order and its mean and drift terms,
    AutoETS's error, trend and season components and damping (among `forms`), AutoTheta's
    theta model, AutoCES's season type. None when the search fails or `y` is too short."""
    y = np.asarray(y, dtype=float)
    if name in LOGGED:
        try:
            return model_spec(LOGGED[name], _logged(name, y), m)
        except ModelFailure:  # a value at or below zero
            return None
    if name == "arima":
        y = y[-ARIMA_MAX_POINTS:]
    if len(y) < MIN_POINTS[name] or np.ptp(y) == 0:
        return None
    season = usable_season(len(y), m)
    scale = float(np.mean(np.abs(y))) or 1.0
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            found = _statsforecast(name, season, len(y), forms).fit(y / scale)  # type: ignore
            # (On values it finds constant, AutoCES fits a naive model, which names no
            # season type: a KeyError, handled as a failed search.)
            return {"season_length": season, **_SPECIFICATION[name](found.model_)}
    except Exception:  # the search failed: the caller searches again per window
        return None


def _arima_spec(fitted: dict) -> dict:
    p, q, sp, sq, season, d, sd = (int(v) for v in fitted["arma"])
    coef = fitted["coef"]
    return {"order": (p, d, q), "seasonal_order": (sp, sd, sq), "season_length": season,
            "include_mean": "intercept" in coef, "include_drift": "drift" in coef}


def _ets_spec(fitted: dict) -> dict:
    components = fitted["components"]
    return {"model": "".join(components[:3]),
            "damped": len(components) > 3 and components[3] == "D"}


_SPECIFICATION: dict[str, Callable[[dict], dict]] = {
    "arima": _arima_spec, "ets": _ets_spec,
    "theta": lambda fitted: {"model": str(fitted["modeltype"])},
    "ces": lambda fitted: {"model": str(fitted["seasontype"])},
}
"""How each searched model's fitted state names the specification it chose."""


def _logged(name: str, y: np.ndarray) -> np.ndarray:
    """The logarithm of a positive series, for model `name` of `LOGGED`."""
    if len(y) == 0 or np.min(y) <= 0:
        raise ModelFailure(f"{name} needs values above zero; the lowest is "
                           f"{np.min(y) if len(y) else 'missing'}")
    return np.log(y)


def _fixed(name: str, spec: dict) -> object:
    from statsforecast.models import ARIMA, AutoCES, AutoETS, AutoTheta

    if name == "ets":
        return AutoETS(season_length=spec["season_length"], model=spec["model"],
                       damped=spec["damped"])
    if name == "theta":
        return AutoTheta(season_length=spec["season_length"], model=spec["model"])
    if name == "ces":
        return AutoCES(season_length=spec["season_length"], model=spec["model"])
    return ARIMA(order=spec["order"], season_length=spec["season_length"],
                 seasonal_order=spec["seasonal_order"], include_mean=spec["include_mean"],
                 include_drift=spec["include_drift"])


def is_intermittent(y: np.ndarray, m: int = 1) -> bool:
    """No negative values, 8 points or more, and at least `INTERMITTENT_ZEROS` zeros over
    the whole series or over its last quarter (at least 8 points, and whole seasons of `m`,
    so that a season's quiet months weigh there as they do overall): intermittent demand
    (Croston's territory), or demand that is dying out."""
    y = np.asarray(y, float)
    if len(y) < 8 or np.any(y < 0):
        return False
    season = max(m, 1)
    recent = math.ceil(max(MEDIAN_POINTS, len(y) // 4) / season) * season
    return bool(max(np.mean(y == 0), np.mean(y[-recent:] == 0)) >= INTERMITTENT_ZEROS)


def safe_forecast(name: str, y: np.ndarray, horizon: int, m: int,
                  spec: dict | None = None, forms: str = ETS_FORMS) -> tuple[np.ndarray, bool]:
    """`point_forecast`, or the naive forecast when the model fails; the flag says whether
    the model itself answered. With a `spec` that fails to fit, the model searches again."""
    try:
        return point_forecast(name, y, horizon, m, spec, forms), True
    except ModelFailure:
        if spec is not None:
            return safe_forecast(name, y, horizon, m, forms=forms)
        return naive(y, horizon), False


def finite_or(value: float, default: float) -> float:
    """`value` when finite, else `default`."""
    return value if math.isfinite(value) else default
