"""Helpers shared by the benchmarks: timing, Keras detection and the result line."""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["BenchmarkResult", "Stopwatch", "TimeToLossResult", "keras_available"]


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

    def summary(self) -> str:
        """One readable line: both times and their ratio."""
        return (f"{self.benchmark}: seqlab {self.seqlab_seconds:.2f} s, hand-written torch "
                f"{self.torch_seconds:.2f} s, ratio {self.ratio:.3f}")


@dataclass
class TimeToLossResult:
    """A time-to-quality run: minutes until each target held-out loss, beside the
    machine's speed for the same model measured by a hand-written loop in the same run
    (wall-clock minutes mean little on a shared machine without it)."""

    benchmark: str
    minutes_to: dict[float, float | None]
    best_loss: float
    minutes: float
    seqlab_chars_per_second: float
    torch_chars_per_second: float
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        """seqlab's time per training character (held-out checks and samples included)
        over the hand-written loop's."""
        return self.torch_chars_per_second / self.seqlab_chars_per_second

    def line(self) -> dict[str, Any]:
        """The last line: benchmark, minutes_to_<loss> per target, best_loss, minutes,
        seqlab_chars_per_second, torch_chars_per_second, ratio."""
        line: dict[str, Any] = {"benchmark": self.benchmark}
        for target, minutes in self.minutes_to.items():
            line[f"minutes_to_{target:.2f}"] = None if minutes is None else round(minutes, 2)
        return {**line, "best_loss": round(self.best_loss, 4), "minutes": round(self.minutes, 2),
                "seqlab_chars_per_second": round(self.seqlab_chars_per_second),
                "torch_chars_per_second": round(self.torch_chars_per_second),
                "ratio": round(self.ratio, 3)}

    def summary(self) -> str:
        """One readable line: when each target was reached, and the machine's speed."""
        reached = ", ".join(f"{target:.2f} " + ("not reached" if minutes is None
                                                 else f"at {minutes:.1f} min")
                            for target, minutes in self.minutes_to.items())
        return (f"{self.benchmark}: held-out loss {reached}; best {self.best_loss:.4f} in "
                f"{self.minutes:.1f} min; {self.seqlab_chars_per_second:,.0f} training "
                f"characters/s against {self.torch_chars_per_second:,.0f} for a hand-written "
                f"loop (ratio {self.ratio:.3f})")


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
