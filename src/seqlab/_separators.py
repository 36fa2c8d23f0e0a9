"""Files separated by semicolons, tabs or bars, as spreadsheets in many locales save them,
rewritten as the comma-separated text the CSV readers take (forecast and classify).

Where Excel's list separator is ';' (most of continental Europe and Latin America) its CSV
files are separated by semicolons and write decimal commas, ``01.02.2020;1234,5``. Such a
file is read when its cells say how: `separator_of` finds the separator from the header
and the first row, and `as_commas` turns the numbers of a file that writes decimal commas
anywhere into ``1234.5`` (a dot between groups of three digits there is a thousands
separator: ``1.234,5``); id and label columns, dates and names are left as they are. It
refuses what the cells leave open: a column that mixes decimal commas and decimal points,
a file without decimal commas whose column holds only numbers like ``1.234``, a tab or
bar file whose column holds only numbers like ``1,234`` (thousands, or three decimals?),
and a quote never closed.
"""

from __future__ import annotations

import csv
import io
import re
from itertools import islice

from seqlab._io import fields_as_long_as
from seqlab.errors import ValidationError

__all__ = ["SEPARATORS", "TITLE_ROWS", "separator_of", "as_commas", "with_commas"]

SEPARATORS = (";", "\t", "|")
"""The separators other than commas that files are read with."""

_INTEGER = re.compile(r"[-+]?\d+")
_EXPONENT = r"(?:[eE][-+]?\d+)?"
_SPACES = "\u0020\u00a0\u202f"
"""Spaces French and Nordic spreadsheets write between thousands (plain, no-break, narrow
no-break): 10 062,9."""
_THOUSANDS = rf"[1-9]\d{{0,2}}(?:\.\d{{3}})+|[1-9]\d{{0,2}}(?:[{_SPACES}]\d{{3}})+"
_DECIMAL_COMMA = re.compile(rf"[-+]?(?:{_THOUSANDS}|\d*),\d+" + _EXPONENT
                            + rf"|(?:{_THOUSANDS}|\d*),\d+-")  # SAP: 366,10-
_APOSTROPHES = re.compile(r"[-+]?[1-9]\d{0,2}(?:['’]\d{3})+(?:\.\d+)?")
"""Thousands grouped by apostrophes, as Swiss spreadsheets write them: 10'062.90."""
_GROUPED = re.compile(r"[-+]?[1-9]\d{0,2}(?:\.\d{3})+")
_GROUPED_ANYWHERE = re.compile(r"(?<![\d.])[1-9]\d{0,2}(?:\.\d{3})+(?![\d.])")
_EUROPEAN = re.compile(r"(?<![\d.])(?:\d{1,2}\.\d{1,2}\.\d{2,4}|[1-9]\d{0,2}(?:\.\d{3}){2,})"
                       r"(?![\d.])")
"""A date written 31.12.2020 or a number with two thousands dots: '.' is no decimal point."""
_COMMA_GROUPED = re.compile(r"[-+]?[1-9]\d{0,2}(?:,\d{3})+")
_DECIMAL_POINT = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+)" + _EXPONENT)
_MISSING = {"", "?", "-", "na", "n/a", "nan", "-nan", "null", "none", "<na>", "#na", "#n/a",
            "#n/a n/a", "#nv", "-1.#ind", "1.#ind", "-1.#qnan", "1.#qnan", ".", "..", "...",
            ":", "x", "n.d.", "n.a.", "k.a."}
"""Cells that say a value is missing (compared lower-cased): pandas' missing values,
Excel's '#N/A' ('#NV' in German), statistics offices' markers. They decide no column (the
readers then name those that are no missing value of theirs)."""


def with_commas(text: str, name: str, keep: set[str] | frozenset[str] = frozenset()
                ) -> tuple[str, str | None, str]:
    """CSV `text` separated by commas: as it is (and no note), or rewritten by `as_commas`
    from the separator `separator_of` finds (and a note of how it was read); the columns
    whose (lower-cased) names are in `keep` (ids) are left as they are. Last, the file's
    separator."""
    separator = separator_of(text)
    if separator is None and _one_column_with_decimal_commas(text):
        # Excel where ';' separates cells writes a one-column sheet with no separator at
        # all, "Wert\n1,5\n2,75": it was refused as rows of 2 fields under a header of 1.
        converted, _ = as_commas(text, ";", name, keep)
        return converted, "read as one column with decimal commas", ";"
    if separator is None:
        return text, None, ","
    return (*as_commas(text, separator, name, keep), separator)


def _one_column_with_decimal_commas(text: str) -> bool:
    """Whether CSV `text` is one named column of numbers written with decimal commas: its
    first line is a name (no comma, semicolon, tab or bar, and not a number), and each line
    below it is one cell, or two cells that together are a number with a decimal comma
    (``1,5``; ``1.234,5``), at least one line being so and not only numbers like ``1,234``
    (thousands, or three decimals?). A comma table is never one: a row of two cells under a
    header of one name is no table."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2 or any(mark in lines[0] for mark in (",", *SEPARATORS, '"')) \
            or _INTEGER.fullmatch(lines[0].strip()) or _DECIMAL_POINT.fullmatch(lines[0].strip()):
        return False
    split = [line.strip() for line in lines[1:] if "," in line]
    if any(mark in line for line in lines[1:] for mark in (*SEPARATORS, '"')) \
            or any(line.count(",") > 1 or not _DECIMAL_COMMA.fullmatch(line) for line in split):
        return False
    # Only numbers like 1,234: thousands (unquoted) or three decimals? Left refused.
    return any(not _COMMA_GROUPED.fullmatch(line) for line in split)


def separator_of(text: str) -> str | None:
    """The separator of CSV `text` when it is one of `SEPARATORS`, else None (commas).

    Each separator that splits the header into two cells or more reads the first
    `_SAMPLE_ROWS` rows, less (for the other separators than commas) the lines of one cell
    above the header (`_titles`: a title above a table); the reading that splits every row
    into as many cells as the header, and most of whose cells are clean (`_clean`: no other
    separator inside, but a decimal comma), wins; commas win a tie. So a ';' file whose
    header names 'Menge, Stück' is a ';' file, and a comma file with a tab at each line's
    end, columns aligned by tabs or a ';' inside a quoted cell stays a comma file."""
    best, best_key = None, None
    for delimiter in (",", *SEPARATORS):
        try:
            with fields_as_long_as(text):
                reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter,
                                    skipinitialspace=True)
                rows = list(islice((row for row in reader if any(c.strip() for c in row)),
                                   _SAMPLE_ROWS))
        except csv.Error:  # a quote never closed: the comma reader says so
            return None
        if delimiter != ",":  # a comma file stays the default: a title decides nothing
            rows = rows[_titles(rows):]
        if not rows or (delimiter != "," and len(rows[0]) < 2):
            continue
        cells = [cell for row in rows for cell in row]
        even = all(len(row) == len(rows[0]) for row in rows)
        key = (even, sum(_clean(cell, delimiter) for cell in cells) / len(cells))
        if best_key is None or key > best_key:
            best, best_key = delimiter, key
    return None if best == "," else best


_SAMPLE_ROWS = 20
"""The first rows (blank ones skipped) `separator_of` reads."""
TITLE_ROWS = 5
"""The most lines of one cell above a header that `_titles` counts as a title."""


def _titles(rows: list[list[str]]) -> int:
    """How many of the first `rows` (blank ones skipped) hold one cell above a row of two
    or more (a title, a source line): none where there are more than `TITLE_ROWS`, or no
    row of two cells follows (a file of one column)."""
    for i, row in enumerate(rows[:TITLE_ROWS + 1]):
        if sum(bool(c.strip()) for c in row) >= 2:
            return i
    return 0


def _clean(cell: str, delimiter: str) -> bool:
    """Whether `cell`, read with `delimiter`, holds none of the other separators (a comma
    only as a decimal comma, where the delimiter is not one)."""
    cell = cell.strip()
    others = [d for d in (",", *SEPARATORS) if d != delimiter]
    if delimiter != "," and _DECIMAL_COMMA.fullmatch(cell):
        return True
    return not any(d in cell for d in others)


def as_commas(text: str, separator: str, name: str,
              keep: set[str] | frozenset[str] = frozenset()) -> tuple[str, str]:
    """`text` separated by `separator`, rewritten as comma-separated text with decimal
    points, and a note of how it was read (`name` names the file in messages; the columns
    named in `keep`, lower-cased, are left as they are)."""
    shown = {"\t": "tabs", ";": "semicolons", "|": "'|'"}[separator]
    if not any(mark in text for mark in ('"', ",", "'", "’")) and \
            not _GROUPED_ANYWHERE.search(text):
        # Nothing to convert, quote or refuse (a UCR archive's .tsv file): the separators
        # alone change, at the speed of str.replace.
        return text.replace(separator, ","), f"read as separated by {shown}"
    try:
        with fields_as_long_as(text):
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator,
                                   skipinitialspace=True, strict=True))
    except csv.Error as error:  # a quote never closed, a quote inside a cell
        raise ValidationError(f"Could not read {name!r} as CSV separated by "
                              f"{separator!r}: {error}.") from None
    # Where '1.234' may hold a thousands dot: a ';' file (Excel's where the comma is the
    # decimal mark), or one with dates written 31.12.2020 or numbers like 1.234.567; a
    # tab file of 21.375, 0.512 ... (the UCR archive's) writes decimal points.
    thousands_dots = separator == ";" or bool(_EUROPEAN.search(text))
    filled = [i for i, row in enumerate(rows) if any(c.strip() for c in row)]
    top = filled[_titles([rows[i] for i in filled])] if filled else 0
    header = rows[top] if rows else []
    body = rows[top + 1:]  # the first row may be a header: its names never decide a column
    commas = any(_DECIMAL_COMMA.fullmatch(cell.strip()) for row in rows for cell in row)
    width = max(map(len, rows), default=0)
    for j in range(width):
        column = header[j].strip() if j < len(header) else f"{j + 1}"
        if column.lower() in keep:
            continue
        cells = [c for c in (row[j].strip() for row in body if j < len(row))
                 if c.lower() not in _MISSING]
        if commas and _numbers_with_commas(cells, column, name, separator):
            for row in rows:
                if j < len(row) and _written_with_commas(row[j].strip()):
                    row[j] = _with_a_point(row[j].strip())
        elif not commas and thousands_dots:
            _check_points(cells, column, name)
            if cells and all(_APOSTROPHES.fullmatch(c) or _DECIMAL_POINT.fullmatch(c)
                             or _INTEGER.fullmatch(c) for c in cells):
                for row in rows:
                    if j < len(row) and _APOSTROPHES.fullmatch(row[j].strip()):
                        row[j] = re.sub("['’]", "", row[j].strip())
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue(), (f"read as separated by {shown}"
                            + (" with decimal commas" if commas else ""))


def _numbers_with_commas(cells: list[str], column: str, name: str, separator: str) -> bool:
    """Whether a column of a file with decimal commas holds numbers written so: all its
    cells (whole numbers count, as do thousands grouped by dots; missing-value cells are
    left out of `cells`), or most of them and one with a decimal comma (the others, such
    as '1.937,10-' or '(5,5)', are left for the readers to name, rather than every good
    cell of the column). A column that also holds numbers with a decimal point, or, where
    the separator is no ';', only numbers like ``1,234`` (thousands there, or three
    decimals), is refused. Other columns (dates, names) are left as they are."""
    points = [c for c in cells if _DECIMAL_POINT.fullmatch(c) and not _GROUPED.fullmatch(c)]
    commas = [c for c in cells if _DECIMAL_COMMA.fullmatch(c)]
    if points and commas:
        raise ValidationError(
            f"{name}: the column {column!r} mixes decimal commas ({commas[0]!r}) and decimal "
            f"points ({points[0]!r}), so its numbers cannot be read safely. Write them all "
            "one way.")
    written = sum(map(_written_with_commas, cells))
    if not cells or written < len(cells) and not (commas and 2 * written > len(cells)):
        return False
    grouped = [c for c in cells if _COMMA_GROUPED.fullmatch(c)]
    if separator != ";" and grouped and all(_COMMA_GROUPED.fullmatch(c)
                                            or _INTEGER.fullmatch(c) for c in cells):
        raise ValidationError(
            f"{name}: the column {column!r} holds numbers like {grouped[0]!r}, which may be "
            f"thousands ({grouped[0].replace(',', '')}) or decimals. Save the file with '.' "
            "as the decimal point and no thousands separators.")
    return True


def _with_a_point(cell: str) -> str:
    """A number written with a decimal comma (and dots between thousands, or SAP's minus
    sign after it) written with a decimal point: '-1.234,5' and '1.234,5-' are '-1234.5'."""
    sign = "-" if cell.endswith("-") else ""
    digits = re.sub(f"[.{_SPACES}]", "", cell.rstrip("-"))
    return sign + digits.replace(",", ".")


def _written_with_commas(cell: str) -> bool:
    """Whether `cell` is a number as a file with decimal commas writes it."""
    return bool(_DECIMAL_COMMA.fullmatch(cell) or _GROUPED.fullmatch(cell)
                or _INTEGER.fullmatch(cell))


def _check_points(cells: list[str], column: str, name: str) -> None:
    """Refuse a column of a file without decimal commas that holds only whole numbers and
    numbers like ``1.234``: thousands in the locales that write ';', three decimals in
    others."""
    grouped = [c for c in cells if _GROUPED.fullmatch(c)]
    # (In a tab or bar file too: German dates beside '1.234' say thousands, English ones
    # three decimals; the cells alone cannot tell.)
    if grouped and all(_GROUPED.fullmatch(c) or _INTEGER.fullmatch(c) for c in cells):
        raise ValidationError(
            f"{name}: the column {column!r} holds numbers like {grouped[0]!r}, which may be "
            f"thousands ({grouped[0].replace('.', '')}) or decimals; the file writes no "
            "decimal commas to tell. Save it with ',' between the cells, '.' as the decimal "
            "point and no thousands separators.")
