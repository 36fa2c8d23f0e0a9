"""Settings declared once: a dataclass field states what it accepts, and the checks, their
messages, the JSON round trip and the command-line options all come from that statement.

``setting(default, Float(low=0.0), "help")`` is a dataclass field whose metadata carries
the constraint and a one-line help text. `check_fields` validates every declared field of
a dataclass instance (sklearn-style messages from `seqlab._validation`); `describe` says
in words what a constraint accepts, for messages about files (bundles, configs).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from seqlab._validation import check_choice, check_float, check_int
from seqlab.errors import UnknownNameError, ValidationError


@dataclass(frozen=True)
class Constraint:
    """What one setting accepts.

    `kind` is ``int``, ``float``, ``bool``, ``choice`` (one name) or ``names`` (a list of
    names); `choices` may be a callable so a registry is read when checked, not when
    declared. `optional` admits None. `label` names a registry (``optimizer``): an unknown
    name is then reported as that registry's, with the close matches.
    """

    kind: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: Sequence[str] | Callable[[], Sequence[str]] | None = None
    optional: bool = False
    label: str | None = None

    def names(self) -> list[str]:
        """The accepted names of a ``choice`` or ``names`` constraint."""
        choices = self.choices() if callable(self.choices) else self.choices
        return list(choices or ())

    def check(self, name: str, value: Any, owner: str) -> Any:
        """`value` when it is accepted, else a ValidationError naming `name` and `owner`."""
        if value is None:
            if self.optional:
                return None
            raise ValidationError(
                f"The {name!r} parameter of {owner} must be {self.describe()}. Got None instead.")
        if self.kind == "int":
            return check_int(name, value, owner, low=self.low, high=self.high)
        if self.kind == "float":
            return check_float(name, value, owner, low=self.low, high=self.high,
                               low_open=self.low_open, high_open=self.high_open)
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise ValidationError(
                    f"The {name!r} parameter of {owner} must be a bool. Got {value!r} instead.")
            return value
        if self.kind == "choice":
            if not isinstance(value, str):
                raise ValidationError(f"The {name!r} parameter of {owner} must be "
                                      f"{self.describe()}. Got {value!r} instead.")
            return self._check_name(name, value, owner)
        if self.kind == "names":
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise ValidationError(f"The {name!r} parameter of {owner} must be "
                                      f"{self.describe()}. Got {value!r} instead.")
            for item in value:
                self._check_name(name, item, owner)
            return list(value)
        raise AssertionError(f"unknown constraint kind {self.kind!r}")

    def _check_name(self, name: str, value: str, owner: str) -> str:
        if self.label is not None and value not in self.names():
            raise UnknownNameError(self.label, value, self.names())
        return check_choice(name, value, owner, self.names())

    def describe(self) -> str:
        """What the constraint accepts, in words (``null or a number > 0``)."""
        if self.kind in ("int", "float"):
            what = "an int" if self.kind == "int" else "a number"
            bounds = []
            if self.low is not None:
                bounds.append(f"{'>' if self.low_open else '>='} {self.low:g}")
            if self.high is not None:
                bounds.append(f"{'<' if self.high_open else '<='} {self.high:g}")
            text = f"{what} {' and '.join(bounds)}".strip()
        elif self.kind == "bool":
            text = "a bool"
        elif self.kind == "choice":
            text = f"one of {self.names()}"
        else:
            text = f"a list of names from {self.names()}"
        return f"null or {text}" if self.optional else text


def Int(low: int | None = None, high: int | None = None, *, optional: bool = False
        ) -> Constraint:  # noqa: N802  (reads as a type in declarations)
    """An int in [low, high]."""
    return Constraint("int", low, high, optional=optional)


def Float(low: float | None = None, high: float | None = None, *, low_open: bool = False,
          high_open: bool = False, optional: bool = False) -> Constraint:  # noqa: N802
    """A finite number in [low, high] (a bound left out with `low_open` or `high_open`)."""
    return Constraint("float", low, high, low_open, high_open, optional=optional)


def Bool(*, optional: bool = False) -> Constraint:  # noqa: N802
    """True or False."""
    return Constraint("bool", optional=optional)


def Choice(choices: Sequence[str] | Callable[[], Sequence[str]], *,
           optional: bool = False, label: str | None = None) -> Constraint:  # noqa: N802
    """One of `choices` (a sequence, or a callable returning a registry's names)."""
    return Constraint("choice", choices=choices, optional=optional, label=label)


def Names(choices: Sequence[str] | Callable[[], Sequence[str]], *,
          optional: bool = False, label: str | None = None) -> Constraint:  # noqa: N802
    """A list of names, each one of `choices`."""
    return Constraint("names", choices=choices, optional=optional, label=label)


def setting(default: Any, constraint: Constraint, help: str) -> Any:  # noqa: A002
    """A dataclass field with its constraint and help text declared beside its default."""
    return dataclasses.field(default=default, metadata={"constraint": constraint, "help": help})


def declared(cls_or_instance: Any) -> list[tuple[dataclasses.Field, Constraint]]:
    """The fields of a dataclass that declare a constraint, in declaration order."""
    return [(f, f.metadata["constraint"]) for f in dataclasses.fields(cls_or_instance)
            if "constraint" in f.metadata]


def check_fields(instance: Any, owner: str) -> None:
    """Check every declared field of `instance`; the first bad one raises ValidationError."""
    for f, constraint in declared(instance):
        constraint.check(f.name, getattr(instance, f.name), owner)
