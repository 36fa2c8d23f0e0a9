"""Griffe extension for seqlab's API reference: docstrings read as their authors wrote them.

A paragraph after a ``Parameters`` section: seqlab's docstrings often close with a plain
paragraph ("The write is atomic: …", "Example: …") after the parameters. The numpy
convention ends a section only at the next header, so it would be read as more parameters
(and warned about). Such a paragraph gets a ``Notes`` header of its own.

(No package name is both a submodule and the function it exports any more: each module is
named for what it does, `seqlab.models.building` exports `build`, so a static reading and
Python agree; tests/test_public_api.py keeps it so.)
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_LISTING_SECTIONS = {"parameters", "other parameters", "attributes"}
_NAMES = re.compile(r"^\*{0,2}([A-Za-z_]\w*)((?:\s*,\s*\*{0,2}[A-Za-z_]\w*)*)\s*(?::|$)")


class SeqlabReference(griffe.Extension):
    """See the module docstring."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        self._fix_docstrings(pkg, set())

    # ---------------------------------------------------------------- docstrings
    def _fix_docstrings(self, obj: griffe.Object, seen: set[str]) -> None:
        if obj.path in seen:
            return
        seen.add(obj.path)
        if obj.docstring is not None:
            obj.docstring.value = _notes_after_listings(obj.docstring.value, _parameters(obj))
        for member in obj.members.values():
            if not member.is_alias and (member.is_module or member.is_class
                                        or member.is_function):
                self._fix_docstrings(member, seen)


def _parameters(obj: griffe.Object) -> tuple[set[str], bool]:
    """The object's parameter names, and whether it takes ``**kwargs``."""
    try:
        parameters = list(obj.parameters) if (obj.is_function or obj.is_class) else []
    except Exception:  # a class griffe cannot resolve a signature for
        parameters = []
    names = {p.name for p in parameters}
    variadic = any(str(p.kind) in ("var_keyword", "ParameterKind.var_keyword")
                   for p in parameters)
    return names, variadic


def _is_header(lines: list[str], i: int) -> bool:
    return (i + 1 < len(lines) and lines[i].strip() != ""
            and set(lines[i + 1].strip()) == {"-"}
            and len(lines[i + 1].strip()) >= len(lines[i].strip()) - 1)


def _is_entry(line: str, names: set[str], variadic: bool) -> bool:
    """Whether a non-indented line starts a parameter entry rather than prose."""
    match = _NAMES.match(line)
    if match is None:
        return False
    words = [match.group(1), *re.findall(r"[A-Za-z_]\w*", match.group(2))]
    if not names and not variadic:
        return all(w[0].islower() or w[0] == "_" for w in words)
    return all(w in names or (variadic and w[0].islower()) for w in words)


def _notes_after_listings(text: str, signature: tuple[set[str], bool]) -> str:
    names, variadic = signature
    lines = text.splitlines()
    out: list[str] = []
    section = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if _is_header(lines, i):
            section = line.strip().lower()
            out += [line, lines[i + 1]]
            i += 2
            continue
        if (section in _LISTING_SECTIONS and line and not line[0].isspace()
                and out and out[-1].strip() == "" and not _is_entry(line, names, variadic)):
            out += ["Notes", "-----"]
            section = "notes"
        out.append(line)
        i += 1
    return "\n".join(out)
