"""The echo problem of the book's chapter 6: remember one element of a random sequence.

Each sample is a sequence of `length` random integers in ``[0, n_features)``; the
target is the integer at position `out_index`. The book one-hot encodes both; seqlab
feeds the ids to a ``onehot`` frontend (the same math, without materialising vectors).
"""

from __future__ import annotations

import numpy as np

from seqlab._validation import check_int
from seqlab.data import one_hot

__all__ = ["echo_examples"]


def echo_examples(
    n: int,
    *,
    length: int = 5,
    n_features: int = 10,
    out_index: int = 2,
    as_one_hot: bool = False,
    seed: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """`n` echo samples: inputs ``(n, length)`` int64 ids and targets ``(n,)`` int64 ids.

    With `as_one_hot` the inputs are the book's float32 one-hot rows
    ``(n, length, n_features)``. The book's sizes (5, 10, 2) are the defaults.
    """
    owner = "echo_examples"
    check_int("n", n, owner, low=1)
    check_int("length", length, owner, low=1)
    check_int("n_features", n_features, owner, low=2)
    check_int("out_index", out_index, owner, low=0, high=length - 1)
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, n_features, size=(n, length), dtype=np.int64)
    target = ids[:, out_index].copy()
    if as_one_hot:
        return one_hot(ids, n_features), target
    return ids, target
