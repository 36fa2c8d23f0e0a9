"""The cumulative sum problem of the book's chapter 10: tag each step by a running total.

Inputs are `n_timesteps` values drawn uniformly from [0, 1); the target of step t is 1
once the running sum of steps 0..t reaches `threshold` (the book: a quarter of the
sequence length), else 0. Every prediction depends on the whole prefix, which is why
the book reads it with a bidirectional LSTM.
"""

from __future__ import annotations

import numpy as np

from seqlab._validation import check_float, check_int

__all__ = ["cumulative_sum_examples"]


def cumulative_sum_examples(
    n: int,
    *,
    n_timesteps: int = 10,
    threshold: float | None = None,
    seed: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """`n` sequences: inputs ``(n, n_timesteps, 1)`` and 0/1 targets ``(n, n_timesteps, 1)``.

    `threshold` defaults to ``n_timesteps / 4`` (the book's limit). Both arrays are float32.
    """
    owner = "cumulative_sum_examples"
    check_int("n", n, owner, low=1)
    check_int("n_timesteps", n_timesteps, owner, low=1)
    limit = n_timesteps / 4.0 if threshold is None else check_float(
        "threshold", threshold, owner, low=0.0)
    rng = np.random.default_rng(seed)
    x = rng.random((n, n_timesteps))
    y = (np.cumsum(x, axis=1) >= limit).astype(np.float32)
    return x.astype(np.float32)[..., None], y[..., None]
