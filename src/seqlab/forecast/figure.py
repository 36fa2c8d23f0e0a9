"""The backtest picture: history, truth, seqlab's forecasts with their interval, baselines.

Built with matplotlib's object API (`matplotlib.figure.Figure`): no pyplot, no backend
switch, nothing registered globally; save it with ``figure.savefig(path)``.
"""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from seqlab.plots import palette

__all__ = ["backtest_figure"]


def backtest_figure(result: Any, max_series: int = 6, context: int | None = None) -> Figure:
    """One panel per series (at most `max_series`): the recent history, every origin's
    seqlab forecast with its interval band, and the best baseline's forecast."""
    forecasts = result.forecasts
    names = list(dict.fromkeys(forecasts["series"]))[:max_series]
    figure = Figure(figsize=(10, 3.2 * len(names)), layout="constrained")
    axes = figure.subplots(len(names), 1, squeeze=False)[:, 0]
    baselines = [m for m in result.metrics if m != "seqlab"]
    best = min(baselines, key=lambda m: result.metrics[m]["mase"]) if baselines else None
    span = context or 4 * result.horizon * result.origins
    for ax, name in zip(axes, names, strict=True):
        history = result.history[name]
        recent = history.iloc[-span:]
        ax.plot(recent.index, recent.to_numpy(), color=palette.TRUTH, lw=1.2,
                label="truth")
        part = forecasts[forecasts["series"] == name]
        for k, (_, g) in enumerate(part[part["method"] == "seqlab"].groupby("origin")):
            ax.fill_between(g["date"], g["lower"].astype(float), g["upper"].astype(float),
                            color=palette.PREDICTION, alpha=0.2, lw=0,
                            label=f"seqlab {result.level * 100:g}% interval" if k == 0 else None)
            ax.plot(g["date"], g["forecast"], color=palette.PREDICTION, lw=1.5,
                    label="seqlab" if k == 0 else None)
        if best is not None:
            for k, (_, g) in enumerate(part[part["method"] == best].groupby("origin")):
                ax.plot(g["date"], g["forecast"], color=palette.BASELINE, lw=1, ls="--",
                        label=best if k == 0 else None)
        scored = "seqlab" if "seqlab" in result.metrics else result.winner
        mase = result.metrics[scored]["mase"]
        ax.set_title(f"{name}: rolling-origin backtest, {result.origins} origin(s), horizon "
                     f"{result.horizon} ({scored} MASE {mase:.3f} over all series)",
                     fontsize=10)
        ax.legend(loc="upper left", fontsize=8)
        ax.grid(alpha=0.3)
    return figure
