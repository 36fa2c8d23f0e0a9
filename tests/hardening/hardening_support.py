"""Helpers of the catalogue of bad inputs (plain functions; the fixtures live in conftest)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass
class CliResult:
    """What one `seqlab` invocation returned and printed."""

    code: int
    out: str
    err: str


def assert_one_line_error(result: CliResult, code: int, pattern: str) -> None:
    """The command failed with `code` and said `pattern` on one `error:` line."""
    assert result.code == code, (result.code, result.err)
    lines = [line for line in result.err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.err
    assert re.search(pattern, lines[0]), (pattern, lines[0])


def sine(n: int = 60) -> np.ndarray:
    """A smooth positive series."""
    return 10 + 5 * np.sin(np.arange(n) / 3)


def write_csv(path: Path, values, column: str = "sales") -> Path:
    """A CSV with a step column and one value column."""
    path.write_text("t," + column + "\n" + "".join(f"{i},{v:.4f}\n" for i, v in enumerate(values)))
    return path
