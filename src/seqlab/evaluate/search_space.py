"""Search spaces written on a command line: ``NAME=LOW..HIGH[:log][:int]`` or ``NAME=A,B,C``.

``parse_param("lr=1e-4..1e-1:log")`` gives ``{"lr": {"low": 0.0001, "high": 0.1, "log":
True}}``, ``parse_param("units=16..256:int")`` an integer range and
``parse_param("cell=lstm,gru")`` a list of choices (numbers and true/false are converted;
one value is a list of one). The result is the space `tune` takes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from seqlab.errors import ValidationError

__all__ = ["parse_param", "parse_space"]

_FLAGS = ("log", "int")
_EXAMPLES = "e.g. lr=1e-4..1e-1:log, units=16..256:int or cell=lstm,gru"


def _value(text: str) -> Any:
    text = text.strip()
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _number(text: str, item: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValidationError(
            f"--param {item!r}: the range bound {text.strip()!r} is not a number ({_EXAMPLES})."
        ) from None
    if not math.isfinite(value):
        raise ValidationError(f"--param {item!r}: the range bounds must be finite numbers.")
    return value


def _range(text: str, item: str) -> dict[str, Any]:
    bounds, *flags = text.split(":")
    unknown = [f for f in flags if f.strip() not in _FLAGS]
    if unknown:
        raise ValidationError(
            f"--param {item!r}: unknown range flag {unknown[0]!r}; flags are :log and :int "
            f"({_EXAMPLES})."
        )
    flags = [f.strip() for f in flags]
    low_text, _, high_text = bounds.partition("..")
    low, high = _number(low_text, item), _number(high_text, item)
    integer = "int" in flags or all(_is_int(t) for t in (low_text, high_text))
    if integer:
        if not (low.is_integer() and high.is_integer()):
            raise ValidationError(
                f"--param {item!r}: an :int range needs whole-number bounds; got {low_text.strip()}"
                f"..{high_text.strip()}."
            )
        low, high = int(low), int(high)
    if low >= high:
        raise ValidationError(
            f"--param {item!r}: the range must run from low to a higher high; got "
            f"{low}..{high}."
        )
    log = "log" in flags
    if log and low <= 0:
        raise ValidationError(
            f"--param {item!r}: a :log range needs a positive low bound; got {low}."
        )
    return {"low": low, "high": high, "log": log}


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def parse_param(item: str) -> dict[str, Any]:
    """One ``NAME=...`` item -> ``{name: range or list}``.

    ``LOW..HIGH`` is a range: integer when both bounds are written as integers or with
    ``:int``, sampled on a log scale with ``:log``. ``A,B,C`` lists the choices. Dashes in
    the name become underscores (``batch-size`` is ``batch_size``).
    """
    name, sep, values = item.partition("=")
    name = name.strip().replace("-", "_")
    if not sep or not name or not values.strip():
        raise ValidationError(f"--param expects NAME=LOW..HIGH or NAME=A,B ({_EXAMPLES}); "
                              f"got {item!r}.")
    if ".." in values:
        return {name: _range(values, item)}
    choices = [_value(v) for v in values.split(",") if v.strip()]
    if not choices:
        raise ValidationError(f"--param {item!r} lists no values ({_EXAMPLES}).")
    return {name: choices}


def parse_space(items: Iterable[str]) -> dict[str, Any]:
    """Several ``--param`` items -> one space; a name given twice is an error."""
    space: dict[str, Any] = {}
    for item in items:
        parsed = parse_param(item)
        name = next(iter(parsed))
        if name in space:
            raise ValidationError(f"--param {name} is given twice; give each name once.")
        space.update(parsed)
    return space
