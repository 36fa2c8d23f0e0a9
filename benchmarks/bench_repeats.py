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

Where the batched damped-sine time went (profiled at K = 10 with cProfile over every
repeat's thread, one thread, a lightly loaded 2-core machine; 12.1 s in all): the batched
fit 7.9 s, of which the stacked LSTM's forward 3.1 s and its hand-written backward
3.1 s; each repeat's figure, drawn and thrown away when there is no ``--out``, 2.7 s;
each repeat's `evaluate` on 1,000 waves, one model at a time, 1.2 s; making the data
0.09 s (already vectorised); the stacked optimizer, loss and batch gathering under
0.5 s. Inside the LSTM the arithmetic was not the cost: torch.profiler at K = 30 put a
quarter of a training step in ``cat``/``stack`` and most of the rest in elementwise
products over whole-sequence tensors (``(K, batch, time, 4H)``, megabytes each, copied at
about 2 GB/s here) built after the loops. Now every step writes into preallocated
buffers, the input projection joins the recurrent product, and backward reads factors
computed in a few passes after the forward loop (`seqlab.models._member_lstm`); the
candidate's ``tanh`` comes from the step's one ``sigmoid`` (``tanh`` costs 3.4 ns an
element on this CPU against 1 ns for ``sigmoid``); Adam runs in torch's fused kernel when
the members share a rate and a step count; the repeats' evaluations run as one stacked
forward (`BatchedTrainer.evaluate`, gathered in lockstep); the figure is drawn only
when written. At K = 30 the batched damped-sine run then spends about 80% of its time in
the stacked LSTM's forward and backward, some 40% of that in the members' small batched
matrix products (about 1.4 us per member's product a step): arithmetic that grows with K.
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
          seed: int) -> tuple[float, float, list[float]]:
    """Wall seconds, this process's CPU seconds and the scores of one run."""
    started, cpu = time.perf_counter(), time.process_time()
    result = run_recipe(recipe, repeats=k, seed=seed, quick=quick, epochs=epochs,
                 echo=lambda line: None, sequential=sequential)
    return (time.perf_counter() - started, time.process_time() - cpu,
            [float(v) for v in result.values])


def run_benchmark(quick: bool, seed: int) -> RepeatsResult:
    """Time every recipe, K and way (see the module docstring)."""
    plans = {"alphabet-window-timesteps": (10 if quick else 100, False),
             "damped-sine": (1, True)}  # the book's 1 epoch; quick: 3,000 waves
    seconds: dict[str, dict[int, dict[str, float]]] = {}
    differences, cpu = {}, {}
    with one_thread():
        _time("alphabet-window-timesteps", 2, 1, True, False, seed)  # warm up imports
        for recipe, (epochs, recipe_quick) in plans.items():
            seconds[recipe] = {}
            for k in COUNTS:
                batched, batched_cpu, together = _time(recipe, k, epochs,
                                                       recipe_quick or quick, False, seed)
                sequential, sequential_cpu, alone = _time(recipe, k, epochs,
                                                          recipe_quick or quick, True, seed)
                seconds[recipe][k] = {"batched": batched, "sequential": sequential}
                # On a shared machine the wall seconds carry the others' load; the CPU
                # seconds (one thread) show the work each way did.
                cpu[f"{recipe}_{k}"] = {"batched": round(batched_cpu, 3),
                                        "sequential": round(sequential_cpu, 3)}
                differences[f"{recipe}_{k}"] = max(abs(a - b) for a, b in zip(
                    together, alone, strict=True))
    return RepeatsResult(seconds, {"largest_score_difference": differences,
                                   "cpu_seconds": cpu, "threads": 1,
                                   "torch": torch.__version__})


def run(quick: bool = False, device: str = "cpu", seed: int = 0) -> RepeatsResult:
    """The benchmark's entry point for benchmarks/run.py."""
    return run_benchmark(quick, seed)
