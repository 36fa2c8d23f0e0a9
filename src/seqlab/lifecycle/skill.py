"""Skill over time: a model's error on consecutive blocks of a series, and its picture."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from seqlab._validation import check_int
from seqlab.data.pipeline import Pipeline
from seqlab.errors import ValidationError
from seqlab.models.inference import eval_mode

__all__ = ["forecast_errors", "rmse", "skill_over_time", "plot_skill"]


@torch.no_grad()
def forecast_errors(model: nn.Module, pipeline: Pipeline, series: Any) -> np.ndarray:
    """Per-window forecast errors (prediction minus truth, original units) over `series`,
    shape (windows, n_out * features)."""
    if pipeline.window is None:
        raise ValidationError("Skill over time needs a series pipeline (one with a window step).")
    x, y = pipeline.frame(np.asarray(series, dtype=np.float64))
    with eval_mode(model):
        out = model(torch.as_tensor(x, dtype=torch.float32))[0].numpy()
    truth = pipeline.inverse_targets(y.reshape(len(y), -1))
    return pipeline.inverse_targets(out.reshape(len(out), -1)) - truth


def rmse(model: nn.Module, pipeline: Pipeline, series: Any) -> float:
    """Root mean squared forecast error over every window of `series`, in original units."""
    return _root_mean_square(forecast_errors(model, pipeline, series))


def _root_mean_square(errors: np.ndarray) -> float:
    """sqrt(mean(errors ** 2)), computed on errors divided by the largest: the squares of a
    series' errors in 1e-300 underflowed to 0, and its RMSE read 0, a perfect model (and
    `update` then saw every candidate tie with the champion)."""
    errors = np.asarray(errors, dtype=np.float64)
    largest = float(np.max(np.abs(errors))) if errors.size else 0.0
    if largest == 0.0 or not np.isfinite(largest):
        return float(np.sqrt(np.mean(errors ** 2)))
    return largest * float(np.sqrt(np.mean((errors / largest) ** 2)))


def skill_over_time(model: nn.Module, pipeline: Pipeline, series: Any, *,
                    block: int = 50) -> list[dict[str, float]]:
    """RMSE of the model on consecutive blocks of `block` forecast windows: is its skill
    holding steady, degrading or improving? Each item: start (first window), end, rmse."""
    block = check_int("block", block, "skill_over_time", low=1)
    errors = forecast_errors(model, pipeline, series)
    out = []
    for start in range(0, len(errors), block):
        part = errors[start: start + block]
        out.append({"start": start, "end": start + len(part),
                    "rmse": _root_mean_square(part)})
    return out


def plot_skill(skill: list[dict[str, float]], *, boundary: int | None = None,
               scores: dict[str, list[float]] | None = None, champion: float | None = None):
    """A figure: the champion's RMSE per block (a line marks where new data starts) and,
    when `scores` are given, a box plot of each candidate's RMSE over repeats."""
    from matplotlib.figure import Figure

    import seqlab.plots  # noqa: F401  (selects the Agg backend)

    figure = Figure(figsize=(11 if scores else 6, 4))
    axes = figure.subplots(1, 2 if scores else 1, squeeze=False)[0]
    mids = [(s["start"] + s["end"]) / 2 for s in skill]
    axes[0].plot(mids, [s["rmse"] for s in skill], marker="o")
    if boundary is not None:
        axes[0].axvline(boundary, color="red", linestyle="--", label="new data")
        axes[0].legend()
    axes[0].set(title="Champion skill over time", xlabel="forecast window", ylabel="RMSE")
    if scores:
        names = list(scores)
        axes[1].boxplot([scores[n] for n in names])
        axes[1].set_xticks(range(1, len(names) + 1), names, rotation=20)
        if champion is not None:
            axes[1].axhline(champion, color="red", linestyle="--", label="champion")
            axes[1].legend()
        axes[1].set(title="Candidates on the recent data", ylabel="RMSE")
    figure.tight_layout()
    return figure
