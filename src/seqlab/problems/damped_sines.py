"""The damped sine wave problem of the book's chapter 7: forecast the next steps of a wave.

A wave ``0.5 + 0.5 sin(2 pi i / period) exp(-decay i)`` stays within [0, 1]; each sample
draws its period (an integer) and decay at random, shows `length` steps and asks for
the `n_out` steps that follow.
"""

from __future__ import annotations

import numpy as np

from seqlab._validation import check_float, check_int
from seqlab.errors import ValidationError

__all__ = ["damped_sine", "damped_sine_examples"]


def damped_sine(length: int, period: float, decay: float) -> np.ndarray:
    """One damped sine wave of `length` steps as float32 values in [0, 1]."""
    check_int("length", length, "damped_sine", low=1)
    check_float("period", period, "damped_sine", low=0.0, low_open=True)
    check_float("decay", decay, "damped_sine", low=0.0)
    i = np.arange(length, dtype=np.float64)
    return (0.5 + 0.5 * np.sin(2 * np.pi * i / period) * np.exp(-decay * i)).astype(np.float32)


def damped_sine_examples(
    n: int,
    *,
    length: int = 50,
    n_out: int = 5,
    period_range: tuple[int, int] = (10, 20),
    decay_range: tuple[float, float] = (0.01, 0.1),
    seed: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """`n` waves split into inputs ``(n, length, 1)`` and targets ``(n, n_out)`` (float32).

    Periods are integers drawn uniformly from `period_range` (both ends included, as
    the book's ``randint``), decays uniformly from `decay_range`.
    """
    owner = "damped_sine_examples"
    check_int("n", n, owner, low=1)
    check_int("length", length, owner, low=1)
    check_int("n_out", n_out, owner, low=1)
    low_p, high_p = _pair("period_range", period_range, owner)
    check_int("period_range", low_p, owner, low=1)
    check_int("period_range", high_p, owner, low=low_p)
    low_d, high_d = _pair("decay_range", decay_range, owner)
    check_float("decay_range", low_d, owner, low=0.0)
    check_float("decay_range", high_d, owner, low=low_d)
    rng = np.random.default_rng(seed)
    periods = rng.integers(low_p, high_p + 1, size=(n, 1)).astype(np.float64)
    decays = rng.uniform(low_d, high_d, size=(n, 1))
    i = np.arange(length + n_out, dtype=np.float64)
    waves = (0.5 + 0.5 * np.sin(2 * np.pi * i / periods) * np.exp(-decays * i)).astype(np.float32)
    return waves[:, :length, None].copy(), waves[:, length:].copy()


def _pair(name: str, value: object, owner: str) -> tuple:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValidationError(
            f"The {name!r} parameter of {owner} must be a pair (low, high). Got {value!r} "
            "instead."
        )
    return value[0], value[1]
