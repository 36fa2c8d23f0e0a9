"""Learning curves: training vs validation loss, for one run or many on one plot."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from seqlab.errors import ValidationError
from seqlab.plots import palette

__all__ = ["learning_curves", "wants_log_scale", "best_epoch", "TRAIN_COLOR", "VAL_COLOR"]

TRAIN_COLOR = palette.TRAIN
VAL_COLOR = palette.VALIDATION
#: Label of the best-epoch marker in the legend (tests and the report look for it).
BEST_LABEL = "best epoch"


def _floats(values: Sequence[Any], what: str) -> list[float]:
    """Plot values: an epoch that did not record the metric is a gap (NaN); a value that
    is not a number is a `ValidationError` naming `what`."""
    bad = next((v for v in values if v is not None and (
        isinstance(v, bool) or not isinstance(v, numbers.Real))), None)
    if bad is not None:
        raise ValidationError(f"{what} holds {bad!r:.40}, not a number.")
    return [math.nan if v is None else float(v) for v in values]


def wants_log_scale(values: Sequence[float]) -> bool:
    """True when the finite `values` are all positive and span more than a decade: on a
    linear axis the small end of such a curve is a flat line at zero (an overfit model's
    validation loss climbing from 5e-6 to 1e-4 looks like nothing happens)."""
    finite = [float(v) for v in values if math.isfinite(float(v))]
    if not finite or min(finite) <= 0:
        return False
    return max(finite) / min(finite) > 10.0


def best_epoch(values: Sequence[float]) -> int | None:
    """0-based index of the lowest finite value (the first, on ties), or None."""
    finite = [(float(v), i) for i, v in enumerate(values) if math.isfinite(float(v))]
    return min(finite)[1] if finite else None


def learning_curves(
    histories: Any | Sequence[Any],
    *,
    train_key: str = "loss",
    val_key: str = "val_loss",
    start: int = 0,
    log: bool | None = None,
    title: str = "model train vs validation loss",
    verdict: str | None = None,
) -> Figure:
    """A figure of training (blue) and validation (orange) loss per epoch.

    `histories` is one `History` (or anything indexable by metric name) or a list of
    them: many runs are drawn on one plot in the same two colours, as the book's
    "multiple runs" figure. `start` skips the first epochs. The y axis is logarithmic
    when `log` is True, linear when False, and by default logarithmic exactly when the
    plotted values are positive and span more than a decade (`wants_log_scale`). Each
    run's best epoch (lowest validation loss, or lowest training loss without
    validation) is marked with a star. `verdict` is written in the title.
    """
    runs = list(histories) if isinstance(histories, (list, tuple)) else [histories]
    if not runs:
        raise ValidationError("learning_curves needs at least one history.")
    figure = Figure(figsize=(7, 4.2))
    axes = figure.subplots()
    plotted: list[float] = []
    alpha = 1.0 if len(runs) == 1 else 0.7
    for index, history in enumerate(runs):
        run = f"Run {index + 1}" if len(runs) > 1 else "The run"
        try:
            train = _floats(history[train_key], f"{run}'s {train_key!r} curve")
        except KeyError as error:
            raise ValidationError(f"{run} has no {train_key!r} curve.") from error
        epochs = list(range(start + 1, len(train) + 1))
        axes.plot(epochs, train[start:], color=palette.TRAIN, alpha=alpha,
                  label="train" if index == 0 else None)
        plotted += train[start:]
        try:
            val = _floats(history[val_key], f"{run}'s {val_key!r} curve")
        except KeyError:
            val = None
        if val is not None:
            axes.plot(epochs, val[start:], color=palette.VALIDATION, alpha=alpha,
                      label="validation" if index == 0 else None)
            plotted += val[start:]
        judged, colour, name = ((val, palette.VALIDATION, val_key) if val is not None
                                else (train, palette.TRAIN, train_key))
        best = best_epoch(judged[start:])
        if best is not None:
            value = judged[start + best]
            label = (f"{BEST_LABEL} {start + best + 1} ({name} {value:.3g})" if len(runs) == 1
                     else BEST_LABEL if index == 0 else None)
            axes.plot([start + best + 1], [value], linestyle="", marker="*", markersize=14,
                      markerfacecolor=colour, markeredgecolor=palette.BEST, zorder=3,
                      label=label)
    if log if log is not None else wants_log_scale(plotted):
        axes.set_yscale("log")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel("epoch")
    axes.set_ylabel(train_key + (" (log scale)" if axes.get_yscale() == "log" else ""))
    axes.set_title(title + (f" — {verdict}" if verdict else "")
                   + (f" ({len(runs)} runs)" if len(runs) > 1 else ""))
    axes.legend(loc="best")
    axes.grid(alpha=0.3, which="both" if axes.get_yscale() == "log" else "major")
    figure.tight_layout()
    return figure
