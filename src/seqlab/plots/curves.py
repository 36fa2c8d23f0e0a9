"""Learning curves: training vs validation loss, for one run or many on one plot."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matplotlib.figure import Figure

from seqlab.errors import ValidationError

__all__ = ["learning_curves", "TRAIN_COLOR", "VAL_COLOR"]

TRAIN_COLOR = "tab:blue"
VAL_COLOR = "tab:orange"


def learning_curves(
    histories: Any | Sequence[Any],
    *,
    train_key: str = "loss",
    val_key: str = "val_loss",
    start: int = 0,
    log: bool = False,
    title: str = "model train vs validation loss",
    verdict: str | None = None,
) -> Figure:
    """A figure of training (blue) and validation (orange) loss per epoch.

    `histories` is one `History` (or anything indexable by metric name) or a list of
    them: many runs are drawn on one plot in the same two colours, as the book's
    "multiple runs" figure. `start` skips the first epochs; `log` uses a log y axis;
    `verdict` is written in the title.
    """
    runs = list(histories) if isinstance(histories, (list, tuple)) else [histories]
    if not runs:
        raise ValidationError("learning_curves needs at least one history.")
    figure = Figure(figsize=(7, 4.2))
    axes = figure.subplots()
    for index, history in enumerate(runs):
        try:
            train = list(history[train_key])
        except KeyError as error:
            raise ValidationError(f"History {index} has no {train_key!r} curve.") from error
        epochs = list(range(start + 1, len(train) + 1))
        alpha = 1.0 if len(runs) == 1 else 0.7
        axes.plot(epochs, train[start:], color=TRAIN_COLOR, alpha=alpha,
                  label="train" if index == 0 else None)
        try:
            val = list(history[val_key])
        except KeyError:
            continue
        axes.plot(epochs, val[start:], color=VAL_COLOR, alpha=alpha,
                  label="validation" if index == 0 else None)
    if log:
        axes.set_yscale("log")
    axes.set_xlabel("epoch")
    axes.set_ylabel(train_key)
    axes.set_title(title + (f" — {verdict}" if verdict else "")
                   + (f" ({len(runs)} runs)" if len(runs) > 1 else ""))
    axes.legend(loc="upper right")
    axes.grid(alpha=0.3)
    figure.tight_layout()
    return figure
