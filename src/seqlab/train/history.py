"""`History`: per-epoch metrics as a list of plain dicts, saved as JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from seqlab._io import atomic_write


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
    def from_dict(cls, data: dict[str, Any]) -> History:
        """Rebuild from `to_dict` output."""
        return cls(data["records"])

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
