"""Box-and-whisker plots of repeated scores, one box per configuration."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.figure import Figure

from seqlab.errors import ValidationError

__all__ = ["boxplot"]


def boxplot(
    scores: Mapping[str, Sequence[float]],
    *,
    title: str = "",
    ylabel: str = "score",
    xlabel: str = "",
) -> Figure:
    """A figure with one box per label of `scores` (label -> the scores of its repeats),
    the mean marked with a green triangle."""
    if not scores or any(len(v) == 0 for v in scores.values()):
        raise ValidationError("boxplot needs at least one label with at least one score.")
    labels = [str(label) for label in scores]
    figure = Figure(figsize=(max(4.0, 1.2 * len(labels) + 2), 4.2))
    axes = figure.subplots()
    axes.boxplot([list(map(float, v)) for v in scores.values()], showmeans=True)
    axes.set_xticks(range(1, len(labels) + 1), labels)
    axes.set_ylabel(ylabel)
    if xlabel:
        axes.set_xlabel(xlabel)
    if title:
        axes.set_title(title)
    axes.grid(alpha=0.3, axis="y")
    figure.tight_layout()
    return figure
