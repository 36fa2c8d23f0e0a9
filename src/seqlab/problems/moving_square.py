"""The moving square video problem of the book's chapter 8: which way does the line grow?

Each sample is a clip of `frames` square images of `size` x `size` pixels. A line is
drawn one column per frame, from the left edge rightwards or from the right edge
leftwards, its row moving by at most one pixel per frame; the label is 1 for
rightwards. The book stores 5,000 clips as float64 (about 5 GB); here clips are uint8
(one byte per pixel) and `moving_square_batches` makes them a chunk at a time, so a
training run never holds the whole data set.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from seqlab._validation import check_int

__all__ = ["moving_square_examples", "moving_square_batches"]


def moving_square_examples(
    n: int,
    *,
    size: int = 50,
    frames: int | None = None,
    seed: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """`n` clips ``(n, frames, size, size, 1)`` uint8 in {0, 1} and labels ``(n, 1)`` float32.

    `frames` defaults to `size` (the book: the line crosses the whole image). Images are
    channels-last, as the book's ``input_shape=(None, size, size, 1)``.
    """
    owner = "moving_square_examples"
    check_int("n", n, owner, low=1)
    check_int("size", size, owner, low=2)
    frames = size if frames is None else check_int("frames", frames, owner, low=1, high=size)
    rng = np.random.default_rng(seed)
    right = rng.random(n) < 0.5
    rows = np.empty((n, frames), dtype=np.intp)
    rows[:, 0] = rng.integers(0, size, n)
    for t in range(1, frames):
        # The book's randint(max(0, s-1), min(size-1, s+1)): uniform over valid neighbours.
        lower = np.maximum(rows[:, t - 1] - 1, 0)
        upper = np.minimum(rows[:, t - 1] + 1, size - 1)
        rows[:, t] = lower + (rng.random(n) * (upper - lower + 1)).astype(np.intp)
    steps = np.arange(frames)
    cols = np.where(right[:, None], steps[None, :], size - 1 - steps[None, :])
    marks = np.zeros((n, frames, size, size), dtype=np.uint8)
    marks[np.arange(n)[:, None], steps[None, :], rows, cols] = 1
    # Each frame keeps the previous frame's pixels: a running sum over time (never above 1,
    # as every frame marks a new column).
    clips = np.cumsum(marks, axis=1, dtype=np.uint8)[..., None]
    return clips, right.astype(np.float32)[:, None]


def moving_square_batches(
    n: int,
    chunk: int,
    *,
    size: int = 50,
    frames: int | None = None,
    seed: int | np.random.Generator | None = None,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """`n` clips made and yielded `chunk` at a time (the last chunk may be smaller).

    One random stream serves all chunks, so the clips depend on `seed` and `chunk`.
    """
    check_int("n", n, "moving_square_batches", low=1)
    check_int("chunk", chunk, "moving_square_batches", low=1)
    rng = np.random.default_rng(seed)
    for start in range(0, n, chunk):
        yield moving_square_examples(min(chunk, n - start), size=size, frames=frames, seed=rng)
