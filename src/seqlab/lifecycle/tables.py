"""Read columns of numbers (or sequences) from CSV or JSON lines, and write rows back.

Reading is strict, because a table read wrongly trains a model silently wrong: the file
must be UTF-8 text with a header line naming distinct columns, every row must have the
header's fields, and every value must be a finite number that float32 can hold. Each
refusal is a `ValidationError` naming the file, the line and the column.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sys
from datetime import datetime
from difflib import get_close_matches
from pathlib import Path
from typing import Any

import numpy as np

from seqlab._io import (
    atomic_write,
    csv_rows_and_lines,
    fields_as_long_as,
    is_jsonl,
    read_table_text,
    read_text,
)
from seqlab._separators import with_commas
from seqlab._validation import FLOAT32_MAX
from seqlab.errors import ValidationError

__all__ = ["read_columns", "read_sequences", "write_rows", "is_jsonl"]


class _RepeatedKey(Exception):
    """A JSON object names `key` twice."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _distinct_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's pairs as a dict; json.loads would keep the last of a repeated key's
    values without a word ({"y": 5, "y": 50} read as 50), as a CSV's repeated column is
    refused."""
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise _RepeatedKey(key)
        seen.add(key)
    return dict(pairs)


_ONE_DOCUMENT = (" The file is read as JSON lines, one row (an object or a number) a line, "
                 "not as one JSON document such as an array of rows: write a row a line "
                 "(pandas: to_json(orient='records', lines=True)).")


def _json_lines(path: Path) -> list[tuple[int, Any]]:
    """(line number, value) of each non-blank line."""
    rows = []
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if line.strip():
            try:
                rows.append((number, json.loads(line, object_pairs_hook=_distinct_keys)))
            except _RepeatedKey as repeated:
                raise ValidationError(f"{path} line {number} names the field {repeated.key!r} "
                                      f"more than once; the keys of a JSON object must be "
                                      f"distinct (which value is meant?).") from None
            except RecursionError:
                raise ValidationError(f"{path} line {number} is nested too deeply to be a row "
                                      f"of values.") from None
            except ValueError as error:
                spread = line.strip() in ("[", "{") and not rows  # a pretty-printed document
                raise ValidationError(f"{path} line {number} is not JSON: {error}."
                                      + (_ONE_DOCUMENT if spread else "")) from None
    if not rows:
        raise ValidationError(f"{path} holds no rows.")
    return rows


MISSING_MARKS = frozenset({"na", "n/a", "#n/a", "#na", "#nv", "#n/a n/a", "<na>", "null", "none",
                           "?", "-", "n.a.", "n.d.", "k.a."})
"""Cells (lower-cased) that mark a missing value, as pandas, Excel ('#N/A', German '#NV')
and statistics offices write them: named as missing, not as "not a number" (a typo to fix).
NaN is named by its own message."""


def number(value: Any, where: str) -> float:
    """`value` as a float that float32 can hold, or a ValidationError saying why not."""
    if isinstance(value, str) and not value.strip():
        raise ValidationError(f"{where} is empty (a missing value). Fill or drop missing "
                              f"values first.")
    if value is None or isinstance(value, str) and value.strip().lower() in MISSING_MARKS:
        # 'NA', '#N/A', 'null', JSON's null: "is not a number" read as a typo to correct.
        raise ValidationError(f"{where}: {json.dumps(value) if value is None else repr(value)} "
                              f"marks a missing value. Fill or drop missing values first.")
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValidationError(f"{where}: {value!r} is not a number.")
    if isinstance(value, str) and "_" in value:
        # float() reads Python's '1_101' as 1101; in a table it is a typo or a code.
        raise ValidationError(f"{where}: {value!r} is not a number: '_' between digits is "
                              f"how Python groups them, not how a table writes a number "
                              f"(write {value.replace('_', '')!r} if that is the number meant).")
    try:
        result = float(value)
    except (ValueError, OverflowError):
        minus = (f" Write its minus sign as '-' ({value.replace(chr(0x2212), '-')!r}): '−' "
                 f"(U+2212) is a typesetting minus." if "\u2212" in value else "")
        raise ValidationError(f"{where}: {value!r} is not a number.{_grouping_hint([value])}"
                              f"{minus}") from None
    # 1e999 is a number written too large even for a float64 (read as inf), not infinity
    too_large = math.isinf(result) and isinstance(value, str) and "inf" not in value.lower()
    if not math.isfinite(result) and not too_large:
        raise ValidationError(f"{where}: {value!r} is not a finite number (NaN or infinity). "
                              f"Fill or drop missing values first.")
    if abs(result) > FLOAT32_MAX:
        raise ValidationError(f"{where}: {value!r} is beyond what float32 holds "
                              f"(±{FLOAT32_MAX:.3g}); rescale the column first.")
    return result


_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+\.\d*|[+-]?\d{1,3}(?:,\d{3}){2,}")
"""A number with commas between its thousands (1,234.5 or 1,234,567), as a spreadsheet shows
it; 1,234 alone may be three decimals after a decimal comma, and gets no hint."""


_SPACED = re.compile(r"[+-]?\d{1,3}(?:[\u0020\u00a0\u202f]\d{3})+(?:\.\d*)?")
"""A number with spaces between its thousands (5 000, often no-break spaces), as French
and Nordic spreadsheets show it."""


def _grouping_hint(cells: list[Any]) -> str:
    """What to do where one of `cells` is a number with thousands separators (a comma
    table quotes them: "1,234.5"; spaces: 5 000), which float() does not read; "" otherwise."""
    spaced = next((c.strip() for c in cells if isinstance(c, str) and _SPACED.fullmatch(
        c.strip())), None)
    if spaced is not None:
        plain = re.sub(r"[\u0020\u00a0\u202f]", "", spaced)
        return (f" {spaced!r} has spaces between thousands: write it as {plain} (save the "
                f"sheet with a number format without thousands separators).")
    grouped = next((c.strip() for c in cells if isinstance(c, str) and _GROUPED.fullmatch(
        c.strip())), None)
    if grouped is None:
        return ""
    return (f" {grouped!r} has commas between thousands: write it as "
            f"{grouped.replace(',', '')} (save the sheet with a number format without "
            f"thousands separators).")


def _csv_records(path: Path, notes: list[str] | None = None
                 ) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the numbered non-blank rows of the CSV file `path` (separated by
    commas, or by semicolons, tabs or bars: `seqlab._separators`); rows of blank cells at
    its end are left out, as blank lines are. How the file was read where it was not plain
    UTF-8 with commas (Windows-1252, decimal commas, another separator) goes into `notes`,
    as the forecast and classify readers say it: 6,5 read as 6.5 is the user's to check."""
    text, encoding = read_table_text(path, "input file")
    text, separated, _ = with_commas(text, str(path))
    if notes is not None:
        notes += [note for note in (encoding, separated and f"{path.name}: {separated}")
                  if note]
    lines, starts = csv_rows_and_lines(text, path)
    if lines and any("\n" in cell or "\r" in cell for cell in lines[-1]):
        _check_quotes_closed(text, path, starts[-1])
    numbered = [(n, row) for n, row in enumerate(lines, start=1) if row]
    if not numbered:
        raise ValidationError(f"{path} is empty; expected a header line and rows.")
    (_, header), rows = numbered[0], numbered[1:]
    header = [name.strip() for name in header]
    # Rows of blank cells at the end (",,," from a spreadsheet's export, a line of spaces
    # left by an editor) hold no data, as blank lines do: they were read as missing values.
    while rows and not any(cell.strip() for cell in rows[-1][1]):
        rows.pop()
    # A separator at the end of every line (a spreadsheet's empty last column) is a column
    # without a name or a value: dropped with a note, as the forecast reader drops it.
    blank = [j for j, name in enumerate(header) if not name and rows and all(
        len(row) == len(header) and not row[j].strip() for _, row in rows)]
    if blank and len(blank) < len(header):
        header = [name for j, name in enumerate(header) if j not in blank]
        rows = [(n, [cell for j, cell in enumerate(row) if j not in blank]) for n, row in rows]
        if notes is not None:
            notes.append(f"{path.name}: dropped {len(blank)} column(s) without a name or a "
                         f"value (a separator at the end of each line)")
    if all(_is_number(name) for name in header):
        raise ValidationError(
            f"{path} has no header: its first line {header} holds numbers. Add a first line "
            f"naming the columns (e.g. 'value').")
    seen = set()
    duplicated = sorted({name for name in header if name in seen or seen.add(name)})
    if duplicated:
        raise ValidationError(f"{path} names column(s) {duplicated} more than once; column "
                              f"names must be distinct.")
    if "" in header:
        raise ValidationError(f"{path}: column {header.index('') + 1} of the header has no "
                              f"name.")
    for number_, row in rows:
        if len(row) != len(header):
            raise ValidationError(f"{path} line {number_} has {len(row)} field(s); the header "
                                  f"has {len(header)}.")
    if not rows:
        raise ValidationError(f"{path} holds no rows (only a header).")
    if len(header) == 1:  # a blank line between values is an empty cell of the one column
        last = rows[-1][0]
        gap = next((n for n, row in enumerate(lines, start=1)
                    if not row and rows[0][0] < n < last), None)
        if gap is not None:
            raise ValidationError(f"{path} line {gap} is empty (a missing value in column "
                                  f"{header[0]!r}); fill or drop it first.")
    return header, rows


def _check_quotes_closed(text: str, path: Path, line: int) -> None:
    """Refuse CSV `text` whose last row (from `line`) opens a quote that is never closed:
    csv reads every line after it as one cell, which was named a cell that is no number,
    or no column of numbers, without a word of the quote."""
    try:
        with fields_as_long_as(text):
            for _ in csv.reader(io.StringIO(text, newline=""), strict=True):
                pass
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            raise ValidationError(f"{path} line {line}: a quote (\") opened there is never "
                                  f"closed, so the lines after it were read as one cell; "
                                  f"close it or remove it.") from None


def read_columns(path: str | Path, columns: list[str] | None = None, *,
                 expected: list[str] | None = None, notes: list[str] | None = None
                 ) -> tuple[np.ndarray, list[str]]:
    """The named numeric columns of a CSV (with a header) or JSON-lines file (one object per
    row, or one list of numbers per row), as an array (rows,) for one column or
    (rows, columns); also the column names.

    Without `columns`, a file with one column (or one numeric column) is read as it is;
    `expected` names the columns to read then where the file has names (a bundle's own),
    which JSON lines of bare numbers need not have. How a CSV file was read, where that
    was not plain UTF-8 with commas (Windows-1252, decimal commas), is added to `notes`.
    """
    path = Path(path)
    trained = columns is None and expected is not None  # the bundle's names, not --column
    if is_jsonl(path):
        rows = _json_lines(path)
        if columns is None and isinstance(rows[0][1], dict):
            columns = expected
        return _read_json_columns(path, columns, rows, trained=trained)
    columns = columns if columns is not None else expected
    header, rows = _csv_records(path, notes)
    if columns is None:
        kinds = {c: _of_numbers([r[j] for _, r in rows]) for j, c in enumerate(header)}
        numeric = [c for c, kind in kinds.items() if kind == "numbers"] or \
            [c for c, kind in kinds.items() if kind == "flag"]  # a lone one is the series
        if not numeric:
            raise ValidationError(
                f"{path} has no column of numbers (its columns are {header}, and line "
                f"{rows[0][0]} holds {rows[0][1]}); a series is a column of numbers."
                f"{_grouping_hint(rows[0][1])}")
        if len(numeric) != 1:
            raise ValidationError(
                f"{path} has {len(numeric)} columns of numbers {numeric}; name the one(s) to "
                f"read with --column.")
        columns = numeric
    _check_columns(path, columns, header, trained=trained)
    _check_date_order(path, header, rows)
    index = [header.index(c) for c in columns]
    values = np.empty((len(rows), len(columns)), dtype=np.float64)
    for i, (line, row) in enumerate(rows):
        for j, (k, column) in enumerate(zip(index, columns, strict=True)):
            values[i, j] = number(row[k].strip(), f"{path} line {line}, column {column!r}")
    return (values[:, 0] if len(columns) == 1 else values), list(columns)


_ISO_DATE = re.compile(r"\d{4}-\d{2}(?:-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                       r"(?:Z|[+-]\d{2}:?\d{2})?)?)?")
"""A date (or date and time) as ISO 8601 writes it: 2020-01, 2020-01-31, 2020-01-31 12:00,
2020-01-31T12:00:00Z (UTC, or another offset, as APIs write times)."""
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")


def _check_date_order(path: Path, header: list[str], rows: list[tuple[int, list[str]]],
                      kind: str = "column") -> None:
    """Refuse rows whose column (`kind`: a JSON line's "field") of ISO dates goes back in
    time: the rows are the series' steps in file order, so a file written newest first (as
    many banks' and shops' exports are) trained a model on the series reversed, and
    `predict --last` forecast before its first date, without a word."""
    for j, name in enumerate(header):
        cells = [row[j].strip() for _, row in rows]
        if len(cells) < 2 or not all(_ISO_DATE.fullmatch(c) for c in cells):
            continue
        offsets = [bool(_OFFSET.search(c)) for c in cells]
        try:
            if all(offsets):  # compared as the instants they name
                dates = [datetime.fromisoformat(c) for c in cells]
            elif not any(offsets):
                dates = [np.datetime64(c.replace(" ", "T")) for c in cells]
            else:  # some with an offset, some without: no order to compare
                continue
        except ValueError:  # 2020-13-45: not a date after all
            continue
        back = next((i for i in range(1, len(dates)) if dates[i] < dates[i - 1]), None)
        if back is not None:
            raise ValidationError(
                f"{path} line {rows[back][0]}: {kind} {name!r} goes back in time "
                f"({cells[back]} after {cells[back - 1]}); the rows are read in file order as "
                f"the series' steps. Sort the rows by {name!r}, oldest first.")


def _of_numbers(cells: list[str]) -> str | None:
    """What a column is, to read without --column: "numbers" where most of its filled
    cells are numbers (a gap or a typo in any row, the first included, leaves it so, and
    reading it then names that cell), "flag" where such a column is mostly blank and marked
    with one value or 0 and 1 (a promotion now and then: left out beside a column of
    numbers), None otherwise."""
    filled = [c.strip() for c in cells if c.strip()]
    if not filled or 2 * sum(_is_number(c) for c in filled) < len(filled):
        return None
    flag = 2 * len(filled) < len(cells) and (len(set(filled)) == 1 or set(filled) <= {"0", "1"})
    return "flag" if flag else "numbers"


def _check_columns(path: Path, columns: list[str], header: list[str], *,
                   trained: bool = False) -> None:
    if len(set(columns)) != len(columns):
        raise ValidationError(f"The columns to read from {path} repeat a name: {columns}.")
    missing = [c for c in columns if c not in header]
    if missing and trained:  # the user named none: say where the names came from, and how
        raise ValidationError(                           # to read other ones in their place
            f"{path} has no column(s) {missing}, which the model was trained on; its columns "
            f"are {header}. "
            + ("Name the column to read in its place with --column." if len(columns) == 1
               else f"Name {len(columns)} columns to read in place of {columns} with --column, "
                    f"in that order.") + _column_hint(missing, header))
    if missing:
        raise ValidationError(f"{path} has no column(s) {missing}; its columns are {header}."
                              f"{_column_hint(missing, header)}")


def _column_hint(missing: list[str], header: list[str]) -> str:
    """A hint for names the header lacks: --column takes names, so a position ('2') is told
    so, and a misspelling ('valu', 'Value') the close name."""
    hints = []
    for name in missing:
        if name.strip().isdigit():  # counted from 0 or from 1: name neither column
            hints.append(f"--column takes a column's name, not its position ({name!r}).")
            continue
        folded = {c.lower(): c for c in header}
        close = folded.get(name.lower()) or next(
            iter(get_close_matches(name, header, n=1, cutoff=0.6)), None)
        if close is not None:
            hints.append(f"The closest name to {name!r} is {close!r}.")
    return "".join(f" {hint}" for hint in hints)


def _read_json_columns(path: Path, columns: list[str] | None, rows: list[tuple[int, Any]], *,
                       trained: bool = False) -> tuple[np.ndarray, list[str]]:
    first = rows[0][1]
    if not isinstance(first, dict):
        if isinstance(first, list) and first and all(isinstance(v, dict) for v in first):
            raise ValidationError(f"{path} line {rows[0][0]} is an array of objects."
                                  f"{_ONE_DOCUMENT}")
        if columns:  # bare numbers or lists have no fields to choose from
            held = "lists" if isinstance(first, list) else "numbers"
            raise ValidationError(f"{path} holds {held}, not objects with fields: there is "
                                  f"no column {columns[0]!r} to read. Drop --column, or write "
                                  f"an object a line ({json.dumps({columns[0]: 1.5})}).")
        width = len(first) if isinstance(first, list) else None
        gap = next((a + 1 for (a, _), (b, _) in zip(rows, rows[1:], strict=False) if b > a + 1),
                   None)
        if gap is not None:  # as in a one-column CSV: the rows are the series' steps
            raise ValidationError(f"{path} line {gap} is empty (a missing value among rows of "
                                  f"numbers); fill or drop it first.")
        values = []
        for line, row in rows:
            items = row if isinstance(row, list) else [row]
            if (len(items) if isinstance(row, list) else None) != width:
                raise ValidationError(
                    f"{path} line {line} is {json.dumps(row)[:60]}; every line must be "
                    f"{'a number' if width is None else f'a list of {width} numbers'} like "
                    f"the first.")
            values.append([number(v, f"{path} line {line}") for v in items])
        array = np.asarray(values, dtype=np.float64)
        names = ["value"] if width is None else [f"value{j}" for j in range(width)]
        return (array[:, 0] if width is None else array), names
    header = list(first)
    if columns is None:
        numeric = [c for c in header if _is_number(first[c])]
        if len(numeric) != 1:
            raise ValidationError(
                f"{path} has fields {header}; name the one(s) to read with --column.")
        columns = numeric
    _check_columns(path, columns, header, trained=trained)
    values = np.empty((len(rows), len(columns)), dtype=np.float64)
    for i, (line, row) in enumerate(rows):
        if not isinstance(row, dict):
            raise ValidationError(f"{path} line {line} is {json.dumps(row)[:60]}; every line "
                                  f"must be an object with the fields {columns} like the first.")
        for j, column in enumerate(columns):
            if column not in row:
                raise ValidationError(f"{path} line {line} has no field {column!r}.")
            values[i, j] = number(row[column], f"{path} line {line}, field {column!r}")
    # Fields of dates, as a CSV's columns of dates are checked: text in every row.
    dated = [name for name in header if all(isinstance(row.get(name), str) for _, row in rows)]
    _check_date_order(path, dated, [(line, [row[name] for name in dated]) for line, row in rows],
                      kind="field")
    return (values[:, 0] if len(columns) == 1 else values), list(columns)


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def read_sequences(path: str | Path, field: str = "sequence") -> list[Any]:
    """One sequence per JSON line (a list, a string, or an object with `field`)."""
    path = Path(path)
    sequences = []
    for line, row in _json_lines(path):
        if isinstance(row, dict):
            if field not in row:
                raise ValidationError(f"{path} line {line} has no field {field!r}.")
            row = row[field]
        if not isinstance(row, (list, str)) or not row:
            raise ValidationError(f"{path} line {line}: a sequence must be a non-empty list or "
                                  f"string; got {json.dumps(row)[:60]}.")
        sequences.append(row)
    return sequences


def write_rows(path: str | Path | None, header: list[str], rows: list[list[Any]]) -> None:
    """Write rows as CSV (stdout when `path` is None) or JSON lines (by the extension), the
    file all at once."""
    if path is not None and is_jsonl(path):
        text = "".join(json.dumps(dict(zip(header, row, strict=True))) + "\n" for row in rows)
        atomic_write(path, text)
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    if path is None:
        sys.stdout.write(buffer.getvalue())
    else:
        atomic_write(path, buffer.getvalue())
