"""Read columns of numbers (or sequences) from CSV or JSON lines, and write rows back."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from seqlab.errors import ValidationError

__all__ = ["read_columns", "read_sequences", "write_rows", "is_jsonl"]


def is_jsonl(path: str | Path) -> bool:
    """True for .jsonl / .ndjson / .json files (read and written as JSON lines)."""
    return Path(path).suffix.lower() in (".jsonl", ".ndjson", ".json")


def _json_lines(path: Path) -> list[Any]:
    rows = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except ValueError as error:
                raise ValidationError(f"{path} line {number} is not JSON: {error}.") from None
    return rows


def read_columns(path: str | Path, columns: list[str] | None = None) -> tuple[np.ndarray,
                                                                             list[str]]:
    """The named numeric columns of a CSV (with a header) or JSON-lines file (one object per
    row), as an array (rows,) for one column or (rows, columns); also the column names.

    Without `columns`, a file with one column (or one numeric column) is read as it is.
    """
    path = Path(path)
    if not path.is_file():
        raise ValidationError(f"The input file {path} does not exist.")
    if is_jsonl(path):
        records = _json_lines(path)
        if records and not isinstance(records[0], dict):
            return np.asarray(records, dtype=np.float64), ["value"]
        header = list(records[0]) if records else []
    else:
        with open(path, newline="") as handle:
            reader = csv.DictReader(handle)
            records = list(reader)
            header = list(reader.fieldnames or [])
    if not records:
        raise ValidationError(f"{path} holds no rows.")
    if columns is None:
        numeric = [c for c in header if _numeric(records[0].get(c))]
        if len(numeric) != 1:
            raise ValidationError(
                f"{path} has columns {header}; name the one(s) to read with --column.")
        columns = numeric
    missing = [c for c in columns if c not in header]
    if missing:
        raise ValidationError(f"{path} has no column(s) {missing}; its columns are {header}.")
    values = np.empty((len(records), len(columns)), dtype=np.float64)
    for i, record in enumerate(records):
        for j, column in enumerate(columns):
            try:
                values[i, j] = float(record[column])
            except (TypeError, ValueError):
                raise ValidationError(
                    f"{path} row {i + 1}, column {column!r}: {record[column]!r} is not a "
                    f"number.") from None
    return (values[:, 0] if len(columns) == 1 else values), list(columns)


def _numeric(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def read_sequences(path: str | Path, field: str = "sequence") -> list[Any]:
    """One sequence per JSON line (a list, a string, or an object with `field`)."""
    rows = _json_lines(Path(path))
    return [row[field] if isinstance(row, dict) else row for row in rows]


def write_rows(path: str | Path | None, header: list[str], rows: list[list[Any]]) -> None:
    """Write rows as CSV (stdout when `path` is None) or JSON lines (by the extension)."""
    if path is not None and is_jsonl(path):
        text = "".join(json.dumps(dict(zip(header, row, strict=True))) + "\n" for row in rows)
        Path(path).write_text(text)
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    if path is None:
        sys.stdout.write(buffer.getvalue())
    else:
        Path(path).write_text(buffer.getvalue())
