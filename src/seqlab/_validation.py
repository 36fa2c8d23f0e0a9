"""Argument checks whose messages name the parameter, the value and what was expected."""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from seqlab.errors import UnknownNameError, ValidationError


def check_int(
    name: str, value: Any, owner: str, low: int | None = None, high: int | None = None
) -> int:
    """Return `value` as int when it is an integer in [low, high], else raise ValidationError."""
    is_int = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    in_range = is_int and (low is None or value >= low) and (high is None or value <= high)
    if not in_range:
        lo = "-inf" if low is None else str(low)
        hi = "inf)" if high is None else f"{high}]"
        raise ValidationError(
            f"The {name!r} parameter of {owner} must be an int in the range [{lo}, {hi}. "
            f"Got {value!r} instead."
        )
    return int(value)


MAX_SEED = 2**63 - 1
"""The largest seed every random generator seqlab seeds (numpy's and torch's) accepts."""
FLOAT32_MAX = float(np.finfo(np.float32).max)
"""The largest magnitude a value read from a user's data may have: the models compute in
float32, where a larger value overflows (a channel of it turns into zeros or infinities)."""


def check_seed(value: Any, owner: str, name: str = "seed") -> int:
    """Return `value` as a seed in [0, MAX_SEED], else raise ValidationError."""
    return check_int(name, value, owner, low=0, high=MAX_SEED)


def check_first_seed(value: Any, count: int, owner: str) -> int:
    """Return `value` as the first of `count` seeds value..value+count-1, all of them in
    [0, MAX_SEED], else raise ValidationError (naming the seed the user gave, not the last
    one, which a generator would refuse after the work had begun)."""
    seed = check_seed(value, owner)
    if seed > MAX_SEED - (count - 1):
        raise ValidationError(
            f"The 'seed' parameter of {owner} must be at most {MAX_SEED - (count - 1)} for "
            f"{count} repeats (seeds seed..seed+{count - 1}, each at most {MAX_SEED}). Got "
            f"{seed} instead.")
    return seed


def check_float(
    name: str,
    value: Any,
    owner: str,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return `value` as float when it is a finite real in the given range (`low_open`,
    `high_open`: the bound itself excluded), else raise."""
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    ok = ok and math.isfinite(float(value))
    if ok and low is not None:
        ok = float(value) > low if low_open else float(value) >= low
    if ok and high is not None:
        ok = float(value) < high if high_open else float(value) <= high
    if not ok:
        lo = "-inf" if low is None else str(low)
        bracket = "(" if low_open or low is None else "["
        hi = "inf)" if high is None else f"{high}{')' if high_open else ']'}"
        raise ValidationError(
            f"The {name!r} parameter of {owner} must be a finite float in the range "
            f"{bracket}{lo}, {hi}. Got {value!r} instead."
        )
    return float(value)


def check_choice(name: str, value: Any, owner: str, choices: Iterable[str]) -> str:
    """Return `value` when it is one of `choices`, else raise UnknownNameError listing them."""
    choices = list(choices)
    if value not in choices:
        raise UnknownNameError(f"{name!r} of {owner}", value, choices)
    return value


def check_path(name: str, value: Any, owner: str) -> Path:
    """Return `value` (a str or an os.PathLike, not empty) as a Path, else raise
    ValidationError: a number or None given for a file is named, not written as a file
    called '5' or failed on by pathlib."""
    if isinstance(value, (str, os.PathLike)) and str(value).strip():
        return Path(value)
    raise ValidationError(f"The {name!r} parameter of {owner} must be a file path (a str or "
                          f"a pathlib.Path). Got {value!r} instead.")


def as_numeric_array(data: Any, name: str, owner: str) -> np.ndarray:
    """`data` as a numpy array of numbers (bool, int or float), or a ValidationError that
    names `name` and says what was received: a ragged nest of lists, strings, objects."""
    try:
        array = np.asarray(data)
    except (ValueError, TypeError) as error:
        raise ValidationError(
            f"The {name!r} parameter of {owner} must be a rectangular array of numbers; got "
            f"a {type(data).__name__} that numpy cannot make one of ({error})."
        ) from None
    if array.dtype.kind not in "biuf":
        raise ValidationError(
            f"The {name!r} parameter of {owner} must hold numbers; got dtype {array.dtype} "
            f"(e.g. {array.reshape(-1)[:1].tolist()}). Convert text columns to numbers first."
        )
    return array


def check_finite(name: str, array: np.ndarray) -> None:
    """Raise when `array` holds NaN or infinity, naming the first bad position."""
    if array.dtype.kind in "fc" and not np.isfinite(array).all():
        bad = np.argwhere(~np.isfinite(array))[0]
        raise ValidationError(
            f"`{name}` contains NaN or infinity (first at index {tuple(int(i) for i in bad)}, "
            f"value {array[tuple(bad)]!r}). Fill or drop missing values before framing or training."
        )


def check_ndim(name: str, array: Any, ndim: int, layout: str) -> None:
    """Raise when `array` does not have `ndim` dimensions; `layout` names them for the message."""
    shape = tuple(getattr(array, "shape", ()))
    if len(shape) != ndim:
        hint = ""
        if ndim == 3 and len(shape) == 2:
            hint = (
                f" For one feature per time step reshape with x.reshape({shape[0]}, {shape[1]}, 1); "
                f"for a single sequence use x.reshape(1, {shape[0]}, {shape[1]})."
            )
        raise ValidationError(
            f"`{name}` must be {ndim}-D with shape {layout}; got shape {shape}.{hint}"
        )
