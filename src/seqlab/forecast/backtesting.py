"""Rolling-origin evaluation of the forecaster beside naive, seasonal naive and ETS.

For each of `origins` forecast origins (the last one `horizon` points before the end,
each earlier one `step` points before the next), everything up to the origin is history
and the next `horizon` points are the truth. By default the forecaster is refitted at
every origin (``refit=True``: the honest protocol, and what the numbers say); with
``refit=False`` it is fitted once on the history of the first origin and then only
forecasts from the later origins' data, as a deployed model would.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from seqlab._validation import check_int
from seqlab.errors import ValidationError
from seqlab.forecast.baselines import (
    coverage,
    ets,
    naive,
    rmse,
    seasonal_naive,
    smape,
    statsmodels_available,
)
from seqlab.forecast.data import SeriesData, prepare
from seqlab.forecast.forecaster import Forecaster

__all__ = ["backtest", "BacktestResult"]


@dataclass
class BacktestResult:
    """Per-method metrics averaged over series and origins, plus every forecast made."""

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

    @property
    def winner(self) -> str:
        """The method with the lowest mean MASE."""
        return min(self.metrics, key=lambda k: self.metrics[k]["mase"] or math.inf)

    def verdict(self) -> str:
        """One plain sentence: does seqlab beat the baselines, or which baseline wins."""
        ours = self.metrics["seqlab"]["mase"]
        winner = self.winner
        if winner == "seqlab":
            others = ", ".join(f"{k} {v['mase']:.3f}" for k, v in self.metrics.items()
                               if k != "seqlab" and v["mase"] is not None)
            return f"seqlab wins: MASE {ours:.3f} against {others}."
        return (f"A baseline wins: {winner} has MASE {self.metrics[winner]['mase']:.3f}, "
                f"seqlab {ours:.3f}. On this series prefer {winner}.")

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

        return clean({"horizon": self.horizon, "origins": self.origins, "refit": self.refit,
                      "level": self.level, "model": self.model, "metrics": self.metrics,
                      "winner": self.winner, "verdict": self.verdict(), "notes": self.notes,
                      "seconds": self.seconds})


def backtest(data: Any, horizon: int, origins: int = 3, *, step: int | None = None,
             refit: bool = True, baselines: bool = True, **forecaster_params: Any
             ) -> BacktestResult:
    """Rolling-origin backtest; `forecaster_params` go to `Forecaster` (level, members...)."""
    started = time.perf_counter()
    horizon = check_int("horizon", horizon, "backtest", low=1)
    origins = check_int("origins", origins, "backtest", low=1)
    step = horizon if step is None else check_int("step", step, "backtest", low=1)
    read = {k: forecaster_params.pop(k) for k in ("date_column", "freq", "fill", "covariates",
                                                  "season_length") if k in forecaster_params}
    sd = data if isinstance(data, SeriesData) else prepare(data, **read)
    n = len(sd.values)
    last_cut = n - horizon
    cuts = [last_cut - k * step for k in range(origins)][::-1]
    if cuts[0] < 3 * horizon + 4:
        raise ValidationError(
            f"{origins} origins {step} apart with horizon {horizon} leave {cuts[0]} points "
            f"before the first origin; the forecaster needs at least {3 * horizon + 4}. Use "
            "fewer origins, a shorter horizon or more data.")
    m = sd.season_length
    notes = []
    use_ets = baselines and statsmodels_available()
    if baselines and not use_ets:
        notes.append("ETS left out: statsmodels is not installed (pip install "
                     "'seqlab[forecast]').")
    level = forecaster_params.get("level", 0.8)
    rows = []
    model_name = ""
    fitted: Forecaster | None = None
    for cut in cuts:
        history = _slice(sd, 0, cut)
        if refit or fitted is None:
            fitted = Forecaster(horizon=horizon, **read, **forecaster_params).fit(history)
            model_name = fitted.model_name_
        out = fitted.predict() if refit else fitted.predict(data=history)
        origin = sd.values.index[cut - 1]
        for name in sd.values.columns:
            hist = sd.values[name].to_numpy(float)[:cut]
            truth = sd.values[name].to_numpy(float)[cut:cut + horizon]
            dates = sd.values.index[cut:cut + horizon]
            ours = out[out["series"] == str(name)]
            methods = {"seqlab": (ours["forecast"].to_numpy(), ours["lower"].to_numpy(),
                                  ours["upper"].to_numpy())}
            if baselines:
                methods["naive"] = (naive(hist, horizon), None, None)
                methods["seasonal_naive"] = (seasonal_naive(hist, horizon, m), None, None)
                if use_ets:
                    methods["ets"] = (ets(hist, horizon, m), None, None)
            for method, (f, lo, hi) in methods.items():
                for k in range(horizon):
                    rows.append({"origin": origin, "date": dates[k], "series": str(name),
                                 "method": method, "forecast": float(f[k]),
                                 "lower": None if lo is None else float(lo[k]),
                                 "upper": None if hi is None else float(hi[k]),
                                 "truth": float(truth[k]), "history_mase_scale": _scale(hist, m)})
    forecasts = pd.DataFrame(rows)
    metrics = {}
    for method, part in forecasts.groupby("method", sort=False):
        per = []
        for (_, _), g in part.groupby(["origin", "series"]):
            a, f = g["truth"].to_numpy(), g["forecast"].to_numpy()
            scale = float(g["history_mase_scale"].iloc[0])
            err = float(np.mean(np.abs(a - f)))
            per.append((err / scale if scale > 0 else math.inf, smape(a, f), rmse(a, f)))
        cov = None
        if method == "seqlab":
            cov = coverage(part["truth"], part["lower"].astype(float), part["upper"].astype(float))
        metrics[method] = {"mase": float(np.mean([p[0] for p in per])),
                           "smape": float(np.mean([p[1] for p in per])),
                           "rmse": float(np.mean([p[2] for p in per])),
                           "median_mase": float(statistics.median(p[0] for p in per)),
                           "coverage": cov}
    forecasts = forecasts.drop(columns=["history_mase_scale"])
    return BacktestResult(horizon, origins, refit, level, model_name, metrics, forecasts,
                          sd.values, notes, time.perf_counter() - started)


def _scale(history: np.ndarray, m: int) -> float:
    """MASE's denominator (in-sample seasonal-naive error) from the history at this origin."""
    lag = m if len(history) > m else 1
    return float(np.mean(np.abs(history[lag:] - history[:-lag]))) if len(history) > lag else 0.0


def _slice(sd: SeriesData, start: int, stop: int) -> SeriesData:
    return SeriesData(values=sd.values.iloc[start:stop],
                      covariates=None if sd.covariates is None else
                      sd.covariates.iloc[start:stop],
                      freq=sd.freq, season_length=sd.season_length, filled=sd.filled)
