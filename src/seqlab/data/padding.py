"""Pad and truncate variable-length sequences to one length (Keras ``pad_sequences`` semantics)."""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlab._validation import check_choice, check_int
from seqlab.errors import ValidationError

__all__ = ["pad_sequences"]

_SIDES = ("pre", "post")


def pad_sequences(
    sequences: Any,
    maxlen: int | None = None,
    *,
    padding: str = "pre",
    truncating: str = "pre",
    value: Any = 0,
    dtype: Any = "int32",
) -> np.ndarray:
    """Return `sequences` as one array of shape (n, maxlen) or (n, maxlen, *features).

    Parameters
    ----------
    sequences : iterable of sequences
        Each sequence holds scalars, or feature vectors of one common shape. Empty sequences
        are allowed and become all padding.
    maxlen : int >= 1, optional
        Output length; defaults to the longest sequence.
    padding : {'pre', 'post'}
        Pad shorter sequences at the start ('pre') or end ('post').
    truncating : {'pre', 'post'}
        Cut longer sequences at the start ('pre', keeping the last `maxlen` steps) or end.
    value : scalar
        The padding value.
    dtype : numpy dtype
        Output dtype. With an integer dtype, non-whole float values are refused rather than
        silently truncated: pass ``dtype='float32'`` for real-valued sequences.

    Example: ``pad_sequences([[1, 2, 3, 4], [1, 2, 3], [1]], maxlen=2)`` is
    ``[[3, 4], [2, 3], [0, 1]]``.
    """
    owner = "pad_sequences"
    padding = check_choice("padding", padding, owner, _SIDES)
    truncating = check_choice("truncating", truncating, owner, _SIDES)
    if maxlen is not None:
        maxlen = check_int("maxlen", maxlen, owner, low=1)
    try:
        out_dtype = np.dtype(dtype)
    except TypeError:
        raise ValidationError(
            f"The 'dtype' parameter of {owner} must be a numpy dtype. Got {dtype!r} instead."
        ) from None
    if isinstance(sequences, (str, bytes)) or not hasattr(sequences, "__iter__"):
        raise ValidationError(
            f"The 'sequences' parameter of {owner} must be a list of sequences. "
            f"Got {sequences!r} instead."
        )
    arrays = []
    for i, seq in enumerate(sequences):
        if isinstance(seq, (str, bytes)) or not hasattr(seq, "__len__"):
            raise ValidationError(
                f"Element {i} of `sequences` passed to {owner} must be a sequence (list or "
                f"array); got {seq!r}. Encode text to ids first (see Vocabulary)."
            )
        arrays.append(np.asarray(seq))
        if arrays[-1].dtype.kind not in "biuf" and arrays[-1].size:
            raise ValidationError(
                f"Element {i} of `sequences` passed to {owner} holds {arrays[-1].dtype} values "
                f"({arrays[-1].flat[0]!r}); pad numbers. Encode symbols to ids first (see "
                f"Vocabulary).")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise ValidationError(f"The 'value' parameter of {owner} must be a number. Got "
                              f"{value!r} instead.")
    feature_shape: tuple[int, ...] | None = None
    for i, arr in enumerate(arrays):
        if arr.size == 0 and arr.ndim <= 1:
            continue
        if feature_shape is None:
            feature_shape = arr.shape[1:]
        elif arr.shape[1:] != feature_shape:
            raise ValidationError(
                f"All steps of `sequences` passed to {owner} must have one shape: sequence {i} "
                f"has steps of shape {arr.shape[1:]} but earlier ones have {feature_shape}."
            )
    feature_shape = feature_shape or ()
    if maxlen is None:
        maxlen = max((len(a) for a in arrays), default=0)
    out = np.full((len(arrays), maxlen) + feature_shape, value, dtype=out_dtype)
    int_out = out_dtype.kind in "iub"
    for i, arr in enumerate(arrays):
        if len(arr) == 0 or maxlen == 0:
            continue
        trunc = arr[-maxlen:] if truncating == "pre" else arr[:maxlen]
        if int_out and trunc.dtype.kind == "f" and not np.all(np.mod(trunc, 1) == 0):
            raise ValidationError(
                f"Sequence {i} passed to {owner} holds non-whole values (e.g. "
                f"{trunc.flat[int(np.argmax(np.mod(trunc, 1) != 0))]!r}) but dtype={dtype!r} "
                f"is an integer type. Pass dtype='float32' to keep them."
            )
        if padding == "post":
            out[i, : len(trunc)] = trunc
        else:
            out[i, maxlen - len(trunc) :] = trunc
    return out
