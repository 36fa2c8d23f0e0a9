"""`History`: per-epoch metrics as a list of plain dicts, saved as JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from seqlab._io import atomic_write, read_json_file
from seqlab.errors import ValidationError


class History:
    """Per-epoch records such as ``{"epoch": 3, "loss": 0.41, "val_loss": 0.52, "lr": 1e-3}``.

    ``history["loss"]`` gives one metric's values in epoch order (like Keras'
    ``history.history["loss"]``).
    """

    def __init__(self, records: list[dict[str, Any]] | None = None):
        self.records: list[dict[str, Any]] = list(records or [])

    def append(self, record: dict[str, Any]) -> None:
        """Add one epoch's record."""
        self.records.append(dict(record))

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, key: str) -> list[Any]:
        if not any(key in r for r in self.records):
            raise KeyError(f"No metric {key!r} in this history; recorded: {self.keys()}.")
        return [r.get(key) for r in self.records]

    def keys(self) -> list[str]:
        """Every metric name recorded, in first-seen order."""
        seen: dict[str, None] = {}
        for record in self.records:
            seen.update(dict.fromkeys(record))
        return list(seen)

    @property
    def history(self) -> dict[str, list[Any]]:
        """Keras-style view: metric name -> list of values."""
        return {key: self[key] for key in self.keys()}

    def last(self) -> dict[str, Any]:
        """The final epoch's record (empty when nothing was recorded)."""
        return dict(self.records[-1]) if self.records else {}

    def to_dict(self) -> dict[str, Any]:
        """JSON-plain form."""
        return {"records": self.records}

    @classmethod
    def from_dict(cls, data: Any) -> History:
        """Rebuild from `to_dict` output: ``{"records": [per-epoch dicts]}`` whose values
        are numbers, strings or None (anything else is a ValidationError)."""
        records = data.get("records") if isinstance(data, dict) else None
        ok = isinstance(data, dict) and set(data) == {"records"} and isinstance(records, list)
        ok = ok and all(isinstance(r, dict) and all(
            isinstance(k, str) and (isinstance(v, (int, float, str)) or v is None)
            for k, v in r.items()) for r in records)
        if not ok:
            raise ValidationError(
                f"A History must be {{'records': [per-epoch dicts of numbers]}}; got something "
                f"else ({str(data)[:120]}).")
        return cls(records)

    @classmethod
    def load(cls, path: str | Path) -> History:
        """Read a History written by `save_json` (strictly: a missing, binary or non-JSON
        file, or JSON of another shape, is a ValidationError naming the file)."""
        doc = read_json_file(path, "history")
        try:
            return cls.from_dict(doc)
        except ValidationError:
            raise ValidationError(f"The history {path} must be an object with a 'records' "
                                  f"list of per-epoch objects.") from None

    @classmethod
    def load_csv(cls, path: str | Path) -> History:
        """Read a History written by `save_csv`: a header of metric names, one row per
        epoch. Whole numbers come back as ints, other numbers (``nan`` and ``inf`` among
        them) as floats, any other text as a string; an empty cell is a metric that epoch
        did not record. A missing or malformed file is a ValidationError naming it."""
        from seqlab._io import csv_rows, read_text

        rows = [row for row in csv_rows(read_text(path, "history"), path) if row]
        if not rows or not all(rows[0]):
            raise ValidationError(f"The history {path} must start with a header row of "
                                  f"metric names (epoch, loss, ...); "
                                  f"{'it is empty' if not rows else 'a name is empty'}.")
        header = rows[0]
        records = []
        for number, row in enumerate(rows[1:], start=2):
            if len(row) != len(header):
                raise ValidationError(
                    f"The history {path} has {len(row)} value(s) in row {number} but "
                    f"{len(header)} metric names in its header.")
            records.append({k: _csv_value(v) for k, v in zip(header, row, strict=True)
                            if v != ""})
        return cls(records)

    def save_json(self, path: str | Path) -> None:
        """Write the records as JSON."""
        atomic_write(path, json.dumps(self.to_dict(), indent=1))

    def save_csv(self, path: str | Path) -> None:
        """Write one row per epoch, one column per metric."""
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=self.keys(), lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.records)
        atomic_write(path, buffer.getvalue())

    def __repr__(self) -> str:
        return f"History(epochs={len(self)}, last={self.last()})"


def _csv_value(text: str) -> int | float | str:
    """One cell of a history CSV as `save_csv` wrote its value: an int, a float or text."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text
