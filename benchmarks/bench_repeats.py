"""repeats: K repeats of a recipe trained as one batched model against one after another.

For the alphabet window recipe (LSTM(32), batch 1, 23 samples) and the damped-sine
recipe (LSTM(20) -> LSTM(20), 50 steps, batch 10), `seqlab.recipes.run` is timed with
K = 1, 10 and 30 repeats, batched (the default) and ``sequential=True``, in this process
on one thread. The line reports each time and the speed-ups; ``speedup_10`` and
``speedup_30`` are those of the two recipes together (total sequential seconds over
total batched seconds). The scores of both ways agree to float rounding (the details
carry the largest difference).

Sequential times at K = 30 are measured too (no extrapolation), so a full run takes
several minutes; ``--quick`` trains fewer epochs and samples.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import torch

from seqlab.evaluate._parallel import one_thread
from seqlab.recipes import run as run_recipe

NAME = "repeats"
COUNTS = (1, 10, 30)


@dataclass
class RepeatsResult:
    """Seconds per recipe, K and way, and the speed-ups."""

    seconds: dict[str, dict[int, dict[str, float]]]
    details: dict[str, Any] = field(default_factory=dict)

    def speedup(self, k: int, recipe: str | None = None) -> float:
        """Sequential over batched seconds at `k` repeats (both recipes when None)."""
        names = [recipe] if recipe else list(self.seconds)
        sequential = sum(self.seconds[n][k]["sequential"] for n in names)
        return sequential / sum(self.seconds[n][k]["batched"] for n in names)

    def line(self) -> dict[str, Any]:
        """benchmark, speedup_10, speedup_30, then per recipe and K both times."""
        line: dict[str, Any] = {"benchmark": NAME,
                                "speedup_10": round(self.speedup(10), 2),
                                "speedup_30": round(self.speedup(30), 2)}
        for recipe, by_k in self.seconds.items():
            for k, times in by_k.items():
                line[f"{recipe}_{k}_batched_seconds"] = round(times["batched"], 3)
                line[f"{recipe}_{k}_sequential_seconds"] = round(times["sequential"], 3)
        return line

    def summary(self) -> str:
        """A line per recipe and K."""
        lines = []
        for recipe, by_k in self.seconds.items():
            for k, times in by_k.items():
                lines.append(f"{NAME}: {recipe} x{k}: batched {times['batched']:.2f} s, "
                             f"sequential {times['sequential']:.2f} s, speed-up "
                             f"{self.speedup(k, recipe):.1f}x")
        lines.append(f"{NAME}: both recipes: speed-up {self.speedup(10):.1f}x at 10 repeats, "
                     f"{self.speedup(30):.1f}x at 30")
        return "\n".join(lines)


def _time(recipe: str, k: int, epochs: int, quick: bool, sequential: bool,
          seed: int) -> tuple[float, list[float]]:
    started = time.perf_counter()
    result = run_recipe(recipe, repeats=k, seed=seed, quick=quick, epochs=epochs,
                 echo=lambda line: None, sequential=sequential)
    return time.perf_counter() - started, [float(v) for v in result.values]


def run_benchmark(quick: bool, seed: int) -> RepeatsResult:
    """Time every recipe, K and way (see the module docstring)."""
    plans = {"alphabet-window-timesteps": (10 if quick else 100, False),
             "damped-sine": (1, True)}  # the book's 1 epoch; quick: 3,000 waves
    seconds: dict[str, dict[int, dict[str, float]]] = {}
    differences = {}
    with one_thread():
        _time("alphabet-window-timesteps", 2, 1, True, False, seed)  # warm up imports
        for recipe, (epochs, recipe_quick) in plans.items():
            seconds[recipe] = {}
            for k in COUNTS:
                batched, together = _time(recipe, k, epochs, recipe_quick or quick, False, seed)
                sequential, alone = _time(recipe, k, epochs, recipe_quick or quick, True, seed)
                seconds[recipe][k] = {"batched": batched, "sequential": sequential}
                differences[f"{recipe}_{k}"] = max(abs(a - b) for a, b in zip(
                    together, alone, strict=True))
    return RepeatsResult(seconds, {"largest_score_difference": differences,
                                   "threads": 1, "torch": torch.__version__})


def run(quick: bool = False, device: str = "cpu", seed: int = 0) -> RepeatsResult:
    """The benchmark's entry point for benchmarks/run.py."""
    return run_benchmark(quick, seed)
