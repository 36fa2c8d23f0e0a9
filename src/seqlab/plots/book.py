"""Figures of the book's problems (003, chapters 7, 8, 10, 11), as matplotlib Figures.

Each function returns a `matplotlib.figure.Figure` made without pyplot (no global
figure registry, nothing to close); save it with ``figure.savefig(path)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from seqlab.plots import palette

__all__ = [
    "damped_sine_figure",
    "moving_square_figure",
    "rectangles_figure",
    "cumulative_sum_figure",
]


def damped_sine_figure(
    history: np.ndarray, expected: np.ndarray, predicted: np.ndarray, *, n_show: int = 3
) -> Figure:
    """Input waves ``(n, length[, 1])`` with the expected and predicted next steps ``(n, n_out)``."""
    history = np.asarray(history).reshape(len(history), -1)
    n_show = min(n_show, len(history))
    figure = Figure(figsize=(9, 2.6 * n_show))
    axes = figure.subplots(n_show, 1, squeeze=False)[:, 0]
    length, n_out = history.shape[1], np.asarray(expected).shape[1]
    past, future = np.arange(length), np.arange(length, length + n_out)
    for k, axis in enumerate(axes):
        axis.plot(past, history[k], color=palette.CONTEXT, label="input")
        axis.plot(future, expected[k], "o-", color=palette.TRUTH, label="expected")
        axis.plot(future, predicted[k], "x--", color=palette.PREDICTION, label="predicted")
        mae = float(np.mean(np.abs(np.asarray(expected[k]) - np.asarray(predicted[k]))))
        axis.set_title(f"damped sine wave {k + 1}: MAE of the {n_out} forecast steps {mae:.4f}")
        axis.set_ylim(-0.05, 1.05)
        axis.set_xlabel("time step")
    axes[0].legend(loc="upper right")
    figure.tight_layout()
    return figure


def moving_square_figure(
    clip: np.ndarray, label: float, predicted: float | None = None,
    *, frames: Sequence[int] | None = None,
) -> Figure:
    """A few frames of one clip ``(frames, height, width[, 1])`` with its direction."""
    clip = np.asarray(clip)
    if clip.ndim == 4:
        clip = clip[..., 0]
    total = len(clip)
    shown = list(frames) if frames is not None else sorted(
        {0, total // 4, total // 2, (3 * total) // 4, total - 1})
    figure = Figure(figsize=(2.4 * len(shown), 2.9))
    axes = figure.subplots(1, len(shown), squeeze=False)[0]
    for axis, index in zip(axes, shown, strict=True):
        axis.imshow(clip[index], cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
        axis.set_title(f"frame {index + 1}/{total}")
        axis.set_xticks([])
        axis.set_yticks([])
    text = f"direction: {'right' if label >= 0.5 else 'left'}"
    if predicted is not None:
        text += f"; predicted P(right) = {predicted:.3f}"
    figure.suptitle(text)
    figure.tight_layout()
    return figure


def rectangles_figure(
    shapes: np.ndarray, *, truth: Sequence[np.ndarray | None] | None = None,
    titles: Sequence[str] | None = None,
) -> Figure:
    """Generated four-point shapes ``(n, 4, 2)`` drawn as closed outlines, one per panel.

    `truth` holds, per panel, the true rectangle ``(4, 2)`` drawn dashed behind the
    generated one (e.g. the rectangle a prompt began), or None for none.
    """
    shapes = np.asarray(shapes)
    n = len(shapes)
    figure = Figure(figsize=(2.6 * n, 2.9))
    axes = figure.subplots(1, n, squeeze=False)[0]
    for k, axis in enumerate(axes):
        if truth is not None and truth[k] is not None:
            axis.add_patch(Polygon(truth[k], closed=True, fill=False, linestyle="--",
                                   edgecolor=palette.TRUTH, label="true"))
        axis.add_patch(Polygon(shapes[k], closed=True, alpha=0.35,
                               facecolor=palette.PREDICTION, edgecolor=palette.PREDICTION,
                               label="generated"))
        axis.plot(shapes[k][:, 0], shapes[k][:, 1], "o", color=palette.PREDICTION,
                  markersize=3)
        axis.set_xlim(-0.1, 1.1)
        axis.set_ylim(-0.1, 1.1)
        axis.set_aspect("equal")
        if titles is not None:
            axis.set_title(titles[k], fontsize=9)
    if truth is not None:
        for axis in axes:
            if len(axis.patches) == 2:
                axis.legend(loc="upper right", fontsize=7)
                break
    figure.tight_layout()
    return figure


def cumulative_sum_figure(
    inputs: np.ndarray, expected: np.ndarray, probability: np.ndarray, *, n_show: int = 4,
    title: str | None = None,
) -> Figure:
    """Per-step expected 0/1 tags and predicted probabilities of a few sequences.

    The running sum and its threshold are drawn on a second axis of each panel.
    """
    inputs = np.asarray(inputs).reshape(len(inputs), -1)
    expected = np.asarray(expected).reshape(len(expected), -1)
    probability = np.asarray(probability).reshape(len(probability), -1)
    n_show = min(n_show, len(inputs))
    steps = np.arange(1, inputs.shape[1] + 1)
    figure = Figure(figsize=(8, 2.3 * n_show))
    axes = figure.subplots(n_show, 1, squeeze=False)[:, 0]
    limit = inputs.shape[1] / 4
    for k, axis in enumerate(axes):
        axis.step(steps, expected[k], where="mid", color=palette.TRUTH,
                  label="expected")
        axis.plot(steps, probability[k], "x", color=palette.PREDICTION,
                  label="predicted P(1)")
        axis.set_ylim(-0.1, 1.1)
        axis.set_xticks(steps)
        right = axis.twinx()
        right.plot(steps, np.cumsum(inputs[k]), color=palette.CONTEXT, alpha=0.7,
                   label="running sum")
        right.axhline(limit, color=palette.CONTEXT, linestyle=":")
        right.set_ylabel("running sum", color="0.4")
        exact = bool(np.all((probability[k] > 0.5) == (expected[k] > 0.5)))
        axis.set_title(f"sequence {k + 1}: {'all steps right' if exact else 'some steps wrong'}")
    axes[0].legend(loc="upper left", fontsize=8)
    axes[-1].set_xlabel("time step")
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure
