"""The alphabet problems of the stateful-LSTM tutorials (seeds 001, 004) and the course (000).

Letters A–Z are ids 0..25; the tutorials feed them to the network scaled by 1/26 and
predict the next letter as one of 26 classes.
"""

from __future__ import annotations

import numpy as np

from seqlab._validation import check_int
from seqlab.data import Vocabulary, pad_sequences, windows

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

#: The corrupted three-letter inputs of the course notebook's exercise (000), 'W' the noise.
CORRUPTED_PROBES = ("WBC", "WKL", "WTU", "DWF", "MWO", "VWW", "GHW", "JKW", "PQW")


def alphabet_vocabulary() -> Vocabulary:
    """Letters to ids 0..25 in alphabet order."""
    return Vocabulary(list(ALPHABET))


def scale_ids(ids: np.ndarray) -> np.ndarray:
    """The tutorials' input scaling: id / 26, as float32."""
    return (np.asarray(ids, dtype=np.float32) / len(ALPHABET)).astype(np.float32)


def alphabet_windows(
    seq_length: int, *, as_features: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Every `seq_length`-letter window of the alphabet and the letter after it.

    Returns scaled inputs of shape ``(26 - seq_length, seq_length, 1)`` (or
    ``(26 - seq_length, 1, seq_length)`` with `as_features`) and target ids.
    """
    check_int("seq_length", seq_length, "alphabet_windows", low=1, high=25)
    ids = np.arange(len(ALPHABET))
    x, y = windows(ids, seq_length, 1, as_features=as_features)
    return scale_ids(x), np.array(y[:, 0], dtype=np.int64)


def variable_length_samples(
    n_samples: int, max_len: int, rng: np.random.Generator
) -> tuple[list[list[int]], np.ndarray]:
    """Random runs of 1..`max_len` consecutive letters and the letter after each (001).

    Follows the tutorial's sampler: a start in [0, 24), an end in [start, min(start +
    max_len, 25)), the run ``start..end`` and the target ``end + 1``.
    """
    runs, targets = [], []
    for _ in range(n_samples):
        start = int(rng.integers(len(ALPHABET) - 2))
        end = int(rng.integers(start, min(start + max_len, len(ALPHABET) - 1)))
        runs.append(list(range(start, end + 1)))
        targets.append(end + 1)
    return runs, np.array(targets, dtype=np.int64)


def pad_runs(runs: list[list[int]], max_len: int) -> np.ndarray:
    """Pre-pad runs of ids to `max_len` and scale them: shape ``(n, max_len, 1)``."""
    padded = pad_sequences(runs, maxlen=max_len, padding="pre", dtype="float32")
    return scale_ids(padded).reshape(len(runs), max_len, 1)
