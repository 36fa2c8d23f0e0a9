"""Rolling-origin evaluation of any forecasting method: seqlab's forecaster, the classical
models (statsforecast's AutoETS, AutoARIMA, AutoTheta, AutoCES), naive and seasonal naive,
and the intermittent-demand models (Croston, ADIDA, the recent median) on any series.

For each of `origins` forecast origins (the last one `horizon` points before a series' own
end, each earlier one `step` points before the next), everything up to the origin is
history and the next `horizon` points are the truth. By default seqlab's forecaster is
refitted at every origin (``refit=True``: the honest protocol, and what the numbers say);
with ``refit=False`` it is fitted once on the history of the first origin and then only
forecasts from the later origins' data, as a deployed model would. The classical methods
are always fitted at every origin (that is how they are used).
"""

from __future__ import annotations

import inspect
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from seqlab._validation import check_int
from seqlab.errors import ValidationError
from seqlab.forecast._reading import label
from seqlab.forecast.data import SeriesData, prepare, read_csv, season_of_steps
from seqlab.forecast.forecaster import Forecaster, check_level, check_methods
from seqlab.forecast.metrics import coverage, rmse, smape
from seqlab.forecast.models import (
    BANDED,
    CLASSICAL,
    INTERMITTENT,
    ModelFailure,
    band_forecast,
    safe_forecast,
)
from seqlab.forecast.selection import mase_scale

__all__ = ["backtest", "BacktestResult", "BACKTEST_METHODS", "DEFAULT_METHODS",
           "SEQLAB_SETTINGS"]

BACKTEST_METHODS = ("seqlab", *CLASSICAL, *INTERMITTENT)
"""Methods a backtest can score."""
DEFAULT_METHODS = ("seqlab", "naive", "seasonal_naive", "ets", "arima", "theta")
SEQLAB_SETTINGS = ("members", "seed", "workers", "sequential", "calendar", "units", "window",
                   "max_epochs", "patience", "min_epochs", "lr")
"""The Forecaster's settings that reach seqlab's fits alone (the reading options and the
level reach every method)."""
MIN_HISTORY = 3
"""The fewest points an origin must leave a series to be scored there."""


@dataclass
class BacktestResult:
    """Per-method metrics averaged over series and origins, per series, and every forecast."""

    horizon: int
    origins: int
    refit: bool
    level: float
    model: str
    metrics: dict[str, dict[str, float | None]]
    forecasts: pd.DataFrame           # origin, date, series, method, forecast, lower, upper, truth
    history: pd.DataFrame             # the data, for plotting
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    per_series: dict[str, dict[str, float]] = field(default_factory=dict)
    step: int | None = None           # points between origins (None: the horizon)

    @property
    def winner(self) -> str:
        """The method with the lowest mean MASE."""
        return min(self.metrics, key=lambda k: _or_inf(self.metrics[k]["mase"]))

    def verdict(self) -> str:
        """One plain sentence: does seqlab beat the other methods, or which one wins."""
        winner = self.winner
        best = self.metrics[winner]["mase"]
        if best is None:
            return "No method could be scored by MASE on this data."
        rivals = [k for k in self.metrics if k != winner]
        # Nothing to win against (seqlab unscored beside a winner is told below).
        if "seqlab" not in rivals and all(self.metrics[k]["mase"] is None for k in rivals):
            return (f"{winner}: MASE {best:.3f} (no other method scored"
                    + (f": {', '.join(rivals)} had no MASE" if rivals else "") + ").")
        if "seqlab" not in self.metrics:
            return f"{winner} wins: MASE {best:.3f}."
        ours = self.metrics["seqlab"]["mase"]
        tied = [k for k, v in self.metrics.items()
                if v["mase"] is not None and round(v["mase"], 3) == round(best, 3)]
        if "seqlab" in tied and len(tied) > 1:  # apart by less than the MASE shown
            names = ["seqlab", *(k for k in tied if k != "seqlab")]
            return (f"{', '.join(names[:-1])} and {names[-1]} tie: MASE {best:.3f}. On this "
                    f"data {'either' if len(names) == 2 else 'any of them'} will do.")
        if winner == "seqlab":
            others = ", ".join(f"{k} {v['mase']:.3f}" for k, v in self.metrics.items()
                               if k != "seqlab" and v["mase"] is not None)
            return f"seqlab wins: MASE {ours:.3f} against {others}."
        theirs = "no MASE" if ours is None else f"{ours:.3f}"
        return (f"Another method wins: {winner} has MASE {best:.3f}, seqlab {theirs}. On this "
                f"data prefer {winner}.")

    def to_json(self) -> dict[str, Any]:
        """Plain, strict-JSON data (non-finite numbers become null)."""
        def clean(v: Any) -> Any:
            if isinstance(v, float):
                return v if math.isfinite(v) else None
            if isinstance(v, dict):
                return {k: clean(x) for k, x in v.items()}
            if isinstance(v, list):
                return [clean(x) for x in v]
            return v

        return clean({"horizon": self.horizon, "origins": self.origins,
                      "step": self.horizon if self.step is None else self.step,
                      "refit": self.refit,
                      "level": self.level, "model": self.model, "metrics": self.metrics,
                      "per_series": self.per_series, "winner": self.winner,
                      "verdict": self.verdict(), "notes": self.notes,
                      "seconds": self.seconds})


def _or_inf(value: float | None) -> float:
    return math.inf if value is None or not math.isfinite(value) else value


def _truncate(sd: SeriesData, cuts: dict[str, int]) -> SeriesData:
    """`sd` with each series (and its covariates) ending after its first `cuts[name]`
    points, and without the series `cuts` leaves out (too short to score there: whole,
    they would show the origin its future); a season found in the data is found again in
    them, and only the filled dates the histories hold are counted as filled."""
    values = sd.values[[c for c in sd.values.columns if str(c) in cuts]].copy()
    covariates = sd.covariates
    per_series = covariates is not None and isinstance(covariates.columns, pd.MultiIndex)
    if per_series:  # a long file's: one column per (covariate, series), NaN past its end
        covariates = covariates.loc[:, covariates.columns.get_level_values(1).isin(
            list(values.columns))].copy()
    for name, cut in cuts.items():
        index = sd.series(name).index
        if cut < len(index):
            values.loc[index[cut]:, name] = np.nan
            if per_series:
                covariates.loc[index[cut]:, (slice(None), name)] = np.nan
    last = values.notna().any(axis=1).to_numpy().nonzero()[0][-1]
    values = values.iloc[:last + 1]
    if covariates is not None:  # shared ones stay over the whole (shorter) grid
        covariates = covariates.iloc[:last + 1]
    # A season found in the data is found again in the histories: the whole series would
    # tell an origin what only its future shows.
    season = season_of_steps(values, []) if sd.season_found else sd.season_length
    held = {label(d) for d in values.index}
    return SeriesData(values=values, covariates=covariates, freq=sd.freq,
                      season_length=season, filled=[d for d in sd.filled if d in held],
                      id_column=sd.id_column, season_found=sd.season_found)


def backtest(data: Any, horizon: int, origins: int = 3, *, step: int | None = None,
             refit: bool = True, methods: tuple[str, ...] | list[str] | None = None,
             candidates: list[str] | None = None,
             progress: Callable[[str], None] | None = None, **forecaster_params: Any
             ) -> BacktestResult:
    """Rolling-origin backtest of `methods` (default `DEFAULT_METHODS`) on `data` (a CSV
    path, read as `read_csv` reads it; a pandas Series or DataFrame; or `SeriesData`).
    seqlab's `Forecaster` chooses among `candidates` (its `methods`; None: all) and takes
    the other `forecaster_params` (level, members, ... and the reading options); they are
    checked before the data are read. `progress` receives one line per origin."""
    started = time.perf_counter()
    say = progress or (lambda line: None)
    horizon = check_int("horizon", horizon, "backtest", low=1)
    origins = check_int("origins", origins, "backtest", low=1)
    step = horizon if step is None else check_int("step", step, "backtest", low=1)
    if isinstance(methods, str):
        raise ValidationError(f"The 'methods' parameter must be a list of methods among "
                              f"{list(BACKTEST_METHODS)}; got the string {methods!r} (write "
                              f"[{methods!r}]).")
    methods = list(DEFAULT_METHODS if methods is None else methods)
    unknown = [k for k in methods if k not in BACKTEST_METHODS]
    if unknown or not methods:
        raise ValidationError(f"The 'methods' parameter names {unknown or methods}; a backtest "
                              f"scores methods among {list(BACKTEST_METHODS)}.")
    if candidates is not None:
        check_methods("candidates", candidates)
    if candidates is not None and "seqlab" not in methods:
        raise ValidationError(f"The 'candidates' parameter ({list(candidates)}) names what "
                              f"seqlab chooses among, but 'seqlab' is not among the methods "
                              f"scored ({methods}). Add seqlab to the methods, or drop the "
                              "candidates.")
    # seqlab's settings are checked before any work, whichever methods are scored.
    unknown = sorted(set(forecaster_params) - set(inspect.signature(Forecaster).parameters))
    if unknown:
        raise ValidationError(f"backtest got unknown setting(s) {unknown}; besides its own it "
                              f"takes the Forecaster's: "
                              f"{', '.join(inspect.signature(Forecaster).parameters)}.")
    if "level" in forecaster_params:  # also the classical methods' intervals: backtest's own
        check_level(forecaster_params["level"], "backtest")
    Forecaster(horizon=horizon, methods=candidates, **forecaster_params).check_params()
    read = {k: forecaster_params.pop(k) for k in ("date_column", "freq", "fill", "covariates",
                                                  "season_length", "id_column",
                                                  "value_column") if k in forecaster_params}
    sd = data if isinstance(data, SeriesData) else read_csv(data, **read) \
        if isinstance(data, (str, Path)) else prepare(data, **read)
    m = sd.season_length
    series = {name: sd.series(name).to_numpy(float) for name in sd.names}
    longest = max(len(y) for y in series.values())
    if longest - horizon - (origins - 1) * step < MIN_HISTORY:
        needs = MIN_HISTORY + horizon + (origins - 1) * step
        raise ValidationError(
            f"{origins} origin(s) {step} apart with horizon {horizon} need series of at "
            f"least {needs} points ({MIN_HISTORY} before the first origin); the longest "
            f"has {longest}. Use fewer origins, a shorter horizon or more data.")
    notes: list[str] = list(sd.notes)  # how the data were read: separators, dates left out
    unused = [k for k in SEQLAB_SETTINGS if k in forecaster_params and "seqlab" not in methods]
    if unused:
        notes.append(f"{', '.join(unused)}: seqlab's setting(s), unused: seqlab is not among "
                     f"the methods scored ({', '.join(methods)})")
    level = forecaster_params.get("level", 0.8)
    rows = []
    unbanded: dict[str, int] = {}  # fits of a model with an interval that gave none
    model_name = ""
    fitted: Forecaster | None = None
    for k in range(origins - 1, -1, -1):
        cuts = {name: len(y) - horizon - k * step for name, y in series.items()}
        short = [name for name, c in cuts.items() if c < MIN_HISTORY]
        if short:
            notes.append(f"origin {origins - k}: {len(short)} series too short to be scored "
                         f"there (e.g. {short[0]!r})")
        cuts = {name: c for name, c in cuts.items() if c >= MIN_HISTORY}
        if not cuts:
            continue
        say(f"origin {origins - k}/{origins}: {len(cuts)} series, {len(methods)} method(s)")
        ours = None
        history = _truncate(sd, cuts)
        season = history.season_length
        if season != m:
            found = f"a season of {season} steps" if season > 1 else "no season"
            notes.append(f"origin {origins - k}: {found} found in the histories ({m} in the "
                         "whole series, which it may not see)")
        if "seqlab" in methods:
            if refit or fitted is None:
                # `fill` only names, in the fit's note on filled dates, how they were.
                fitted = Forecaster(horizon=horizon, methods=candidates,
                                    fill=read.get("fill"), **forecaster_params).fit(history)
                model_name = fitted.model_name_
                ours = fitted.predict()
                # What the fit chose or left out there (the LSTM on a short origin's
                # histories). The truncated histories carry no reading notes: those are
                # `sd.notes`, noted once, above.
                notes += [f"origin {origins - k}: {line}" for line in fitted.report_.notes]
            else:  # the fitted model reads new data with its own season
                ours = fitted.predict(data=replace(history,
                                                   season_length=fitted.season_length_))
        unfitted: dict[str, list[str]] = {}  # method -> series it could not fit here
        for name, cut in cuts.items():
            y = series[name]
            hist, truth = y[:cut], y[cut:cut + horizon]
            dates = sd.series(name).index[cut:cut + horizon]
            scale = mase_scale(hist, m)
            for method in methods:
                lo = hi = None
                if method == "seqlab":
                    part = ours[ours["series"] == name]
                    f = part["forecast"].to_numpy()
                    lo, hi = part["lower"].to_numpy(), part["upper"].to_numpy()
                else:
                    f, lo, hi, fitted_here = _classical_forecast(method, hist, horizon,
                                                                 season, level)
                    if not fitted_here:
                        unfitted.setdefault(method, []).append(name)
                    elif method in BANDED and lo is None:
                        unbanded[method] = unbanded.get(method, 0) + 1
                for j in range(horizon):
                    rows.append({"origin": origins - k, "date": dates[j], "series": name,
                                 "method": method, "forecast": float(f[j]),
                                 "lower": None if lo is None else float(lo[j]),
                                 "upper": None if hi is None else float(hi[j]),
                                 "truth": float(truth[j]), "scale": scale})
        # A model that cannot fit a history (ETS on 6 points or fewer ...) forecasts naive
        # there: its scores are naive's, which a reader must not take for the model's.
        notes += [f"origin {origins - k}: {method} could not fit {len(names)} series (e.g. "
                  f"{names[0]!r}, {cuts[names[0]]} points): scored there by the naive "
                  "forecast it falls back to" + (" (without an interval)" if method in BANDED
                                                 else "")
                  for method, names in unfitted.items()]
    if not rows:
        raise ValidationError("No series is long enough to be scored at any origin.")
    fits = len(rows) // (horizon * len(methods))
    notes += [f"{method}: no finite interval at {count} of its {fits} fit(s); its coverage "
              "counts the others" for method, count in unbanded.items()]
    forecasts = pd.DataFrame(rows)
    metrics, per_series = _metrics(forecasts)
    forecasts = forecasts.drop(columns=["scale"])
    return BacktestResult(horizon, origins, refit, level, model_name, metrics, forecasts,
                          sd.values, notes, time.perf_counter() - started, per_series, step)


def _classical_forecast(method: str, history: np.ndarray, horizon: int, season: int,
                        level: float) -> tuple[np.ndarray, np.ndarray | None,
                                               np.ndarray | None, bool]:
    """A method other than seqlab fitted on `history`: its forecast, with statsforecast's
    own `level` interval for the models that have one (`BANDED`) where it is finite, and
    whether the model itself answered (where it cannot fit, the naive forecast stands in,
    without an interval, as in a fit)."""
    if method in BANDED:
        percent = round(level * 100, 6)
        try:
            f, lo, hi = band_forecast(method, history, horizon, season,
                                      level=int(percent) if percent.is_integer() else percent)
            if np.all(np.isfinite(lo)) and np.all(np.isfinite(hi)):
                return f, lo, hi, True
            return f, None, None, True
        except ModelFailure:  # perhaps its interval alone: the point forecast, if any
            pass
    f, fitted = safe_forecast(method, history, horizon, season)
    return f, None, None, fitted


def _metrics(forecasts: pd.DataFrame) -> tuple[dict, dict]:
    metrics: dict[str, dict[str, float | None]] = {}
    per_series: dict[str, dict[str, float]] = {}
    for method, part in forecasts.groupby("method", sort=False):
        per = []
        for (_, name), g in part.groupby(["origin", "series"]):
            a, f = g["truth"].to_numpy(), g["forecast"].to_numpy()
            mase = float(np.mean(np.abs(a - f))) / float(g["scale"].iloc[0])
            per.append((name, mase, smape(a, f), rmse(a, f)))
        for name in dict.fromkeys(p[0] for p in per):
            per_series.setdefault(name, {})[str(method)] = float(
                np.mean([p[1] for p in per if p[0] == name]))
        cov = None
        banded = part[part["lower"].notna()]
        if len(banded):
            cov = coverage(banded["truth"], banded["lower"].astype(float),
                           banded["upper"].astype(float))
        metrics[str(method)] = {"mase": float(np.mean([p[1] for p in per])),
                                "smape": float(np.mean([p[2] for p in per])),
                                "rmse": float(np.mean([p[3] for p in per])),
                                "median_mase": float(statistics.median(p[1] for p in per)),
                                "coverage": cov}
    return metrics, per_series
