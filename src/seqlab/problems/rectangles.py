"""The rectangle problem of the book's chapter 11: generate a shape point by point.

A rectangle of random width and height in [0, 1) is drawn from the origin as its four
corners in order: bottom-left, bottom-right, top-right, top-left. The model learns
one step: from a corner to the next; generating then feeds each prediction back as
the next input (closed loop). `shape_error` measures how rectangular the result is.
"""

from __future__ import annotations

import numpy as np

from seqlab._validation import check_int, check_ndim
from seqlab.errors import ValidationError

__all__ = ["random_rectangles", "rectangle_pairs", "shape_error"]

#: The corners in drawing order.
CORNERS = ("bottom-left", "bottom-right", "top-right", "top-left")


def random_rectangles(
    n: int, *, seed: int | np.random.Generator | None = None
) -> np.ndarray:
    """`n` rectangles as corner points ``(n, 4, 2)`` float32, in drawing order from (0, 0)."""
    check_int("n", n, "random_rectangles", low=1)
    rng = np.random.default_rng(seed)
    width, height = rng.random(n), rng.random(n)
    zero = np.zeros(n)
    points = np.stack(
        [np.stack([zero, zero], 1), np.stack([width, zero], 1),
         np.stack([width, height], 1), np.stack([zero, height], 1)], axis=1)
    return points.astype(np.float32)


def rectangle_pairs(
    n: int, *, seed: int | np.random.Generator | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """One-step pairs of `n` rectangles: inputs ``(3n, 1, 2)``, targets ``(3n, 2)``.

    Rows come rectangle by rectangle (three pairs each, in drawing order), so training
    with ``batch_size=3`` and no shuffling is the book's one update per rectangle.
    """
    points = random_rectangles(n, seed=seed)
    x = points[:, :-1].reshape(-1, 1, 2)
    y = points[:, 1:].reshape(-1, 2)
    return x, y


def shape_error(points: np.ndarray) -> np.ndarray:
    """How far four-point shapes ``(n, 4, 2)`` are from rectangles, one value per shape.

    ``|bottom width - top width| + |left height - right height|`` with the corners in
    drawing order; 0 for any axis-aligned rectangle drawn the book's way.
    """
    points = np.asarray(points, dtype=np.float64)
    if points.ndim == 2:
        points = points[None]
    check_ndim("points", points, 3, "(shapes, 4 corners, 2 coordinates)")
    if points.shape[1:] != (4, 2):
        raise ValidationError(
            f"`points` must hold 4 corners of 2 coordinates per shape, shape (n, 4, 2); got "
            f"shape {points.shape}."
        )
    bl, br, tr, tl = (points[:, k] for k in range(4))
    bottom, top = br[:, 0] - bl[:, 0], tr[:, 0] - tl[:, 0]
    left, right = tl[:, 1] - bl[:, 1], tr[:, 1] - br[:, 1]
    return np.abs(bottom - top) + np.abs(left - right)
