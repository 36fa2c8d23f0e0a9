"""Box-and-whisker plots of repeated scores, one box per configuration."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from seqlab.errors import ValidationError
from seqlab.plots import palette

__all__ = ["boxplot"]


def boxplot(
    scores: Mapping[str, Sequence[float]],
    *,
    title: str = "",
    ylabel: str = "score",
    xlabel: str = "",
) -> Figure:
    """A figure with one box per label of `scores` (label -> the scores of its repeats).

    `ylabel` names the metric the scores are (``"val_loss"``, ``"accuracy"`` …); the box
    spans the quartiles, its line is the median, the green triangle the mean, and a
    legend says so.
    """
    if not scores or any(len(v) == 0 for v in scores.values()):
        raise ValidationError("boxplot needs at least one label with at least one score.")
    labels = [str(label) for label in scores]
    figure = Figure(figsize=(max(4.0, 1.2 * len(labels) + 2), 4.2))
    axes = figure.subplots()
    mean_style = {"marker": "^", "markerfacecolor": palette.MEAN,
                  "markeredgecolor": palette.MEAN}
    median_style = {"color": palette.MEDIAN}
    axes.boxplot([list(map(float, v)) for v in scores.values()], showmeans=True,
                 meanprops=mean_style, medianprops=median_style)
    axes.set_xticks(range(1, len(labels) + 1), labels)
    axes.set_ylabel(ylabel)
    if xlabel:
        axes.set_xlabel(xlabel)
    if title:
        axes.set_title(title)
    axes.legend(handles=[Line2D([], [], linestyle="", label="mean", **mean_style),
                         Line2D([], [], label="median", **median_style)],
                loc="best", fontsize=8)
    axes.grid(alpha=0.3, axis="y")
    figure.tight_layout()
    return figure
