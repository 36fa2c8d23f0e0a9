"""Helpers shared by the benchmarks: timing, Keras detection and the result line."""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["BenchmarkResult", "Stopwatch", "keras_available"]


@dataclass
class BenchmarkResult:
    """What one benchmark measured; `line()` is the JSON object run.py prints last."""

    benchmark: str
    seqlab_seconds: float
    torch_seconds: float
    keras_seconds: float | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        """seqlab's time over the hand-written loop's (below 1: seqlab is faster)."""
        return self.seqlab_seconds / self.torch_seconds

    def line(self) -> dict[str, Any]:
        """The last line's keys: benchmark, seqlab_seconds, torch_seconds, ratio, keras_seconds."""
        return {
            "benchmark": self.benchmark,
            "seqlab_seconds": round(self.seqlab_seconds, 3),
            "torch_seconds": round(self.torch_seconds, 3),
            "ratio": round(self.ratio, 3),
            "keras_seconds": None if self.keras_seconds is None else round(self.keras_seconds, 3),
        }


class Stopwatch:
    """Accumulates the time of many timed calls (so two contenders can be interleaved)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def time(self, function: Callable[[], Any]) -> Any:
        """Run `function`, add its wall time, return its result."""
        started = time.perf_counter()
        result = function()
        self.seconds += time.perf_counter() - started
        return result


def keras_available() -> bool:
    """True when Keras (3, with a backend) can be imported."""
    return importlib.util.find_spec("keras") is not None
