"""The addition problem of the book's chapter 9: sum numbers written as characters.

`n_terms` integers in ``[1, largest]`` are written as ``'3+10+7'``, left-padded with
spaces to the longest possible input (8 characters for the book's 3 terms up to 10);
the target is their sum as text, left-padded to its longest length (2 characters).
Characters are ids in the alphabet ``'0'..'9', '+', ' '`` (12 symbols); the book
one-hot encodes them, seqlab feeds ids to a ``onehot`` frontend.
"""

from __future__ import annotations

import numpy as np

from seqlab._validation import check_int
from seqlab.data import one_hot
from seqlab.errors import ValidationError

__all__ = [
    "ADDITION_ALPHABET",
    "addition_lengths",
    "addition_examples",
    "encode_addition",
    "decode_addition",
]

#: The book's alphabet: digits, then '+', then the padding space.
ADDITION_ALPHABET = "0123456789+ "
_CHAR_TO_ID = {char: index for index, char in enumerate(ADDITION_ALPHABET)}


def addition_lengths(n_terms: int = 3, largest: int = 10) -> tuple[int, int]:
    """Characters of the padded input and output: (8, 2) for the book's 3 terms up to 10."""
    check_int("n_terms", n_terms, "addition_lengths", low=1)
    check_int("largest", largest, "addition_lengths", low=1)
    return n_terms * len(str(largest)) + n_terms - 1, len(str(n_terms * largest))


def encode_addition(terms: np.ndarray, largest: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Terms ``(n, n_terms)`` to padded input ids ``(n, in_len)`` and sum ids ``(n, out_len)``."""
    terms = np.asarray(terms)
    if terms.ndim != 2 or terms.dtype.kind not in "iu":
        raise ValidationError(
            f"`terms` must be integers of shape (n, n_terms); got dtype {terms.dtype}, "
            f"shape {terms.shape}."
        )
    if terms.min() < 1 or terms.max() > largest:
        raise ValidationError(
            f"`terms` must lie in [1, largest={largest}]; got min {terms.min()}, "
            f"max {terms.max()}."
        )
    in_len, out_len = addition_lengths(terms.shape[1], largest)
    questions = ["+".join(str(int(t)) for t in row).rjust(in_len) for row in terms]
    answers = [str(int(s)).rjust(out_len) for s in terms.sum(axis=1)]
    return _ids(questions), _ids(answers)


def addition_examples(
    n: int,
    *,
    n_terms: int = 3,
    largest: int = 10,
    as_one_hot: bool = False,
    seed: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """`n` random sums: input ids ``(n, in_len)`` and target ids ``(n, out_len)`` (int64).

    With `as_one_hot` both come as the book's float32 one-hot arrays (12 classes).
    """
    check_int("n", n, "addition_examples", low=1)
    check_int("n_terms", n_terms, "addition_examples", low=1)
    check_int("largest", largest, "addition_examples", low=1)
    rng = np.random.default_rng(seed)
    x, y = encode_addition(rng.integers(1, largest + 1, size=(n, n_terms)), largest)
    if as_one_hot:
        size = len(ADDITION_ALPHABET)
        return one_hot(x, size), one_hot(y, size)
    return x, y


def decode_addition(encoded: np.ndarray) -> list[str]:
    """Ids ``(n, steps)``, or one-hot/probability rows ``(n, steps, 12)``, back to strings.

    Rows are decoded by argmax, so model outputs can be passed as they are.
    """
    array = np.asarray(encoded)
    if array.ndim == 3:
        if array.shape[-1] != len(ADDITION_ALPHABET):
            raise ValidationError(
                f"One-hot rows must have {len(ADDITION_ALPHABET)} classes (the addition "
                f"alphabet); got shape {array.shape}."
            )
        array = array.argmax(-1)
    if array.ndim != 2:
        raise ValidationError(
            f"`encoded` must be ids (n, steps) or one-hot rows (n, steps, 12); got shape "
            f"{array.shape}."
        )
    return ["".join(ADDITION_ALPHABET[int(i)] for i in row) for row in array]


def _ids(strings: list[str]) -> np.ndarray:
    return np.array([[_CHAR_TO_ID[c] for c in s] for s in strings], dtype=np.int64)
