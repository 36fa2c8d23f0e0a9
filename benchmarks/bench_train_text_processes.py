"""train-text-processes: tokens a second of train-text's model with 1 and 2 processes.

Both sides train the model `seqlab train-text` builds by default (embedding 64, LSTM(512),
dense; AdamW; clipping) on tiny-shakespeare, 32 streams x 32 steps a batch (the global
batch: with 2 processes each carries 16 streams), launched the same way, with torchrun,
each process given an equal share of the machine's cores. The figure is the speed-up of
2 processes over 1, both measured in this run. On a machine with 4 cores or more it
should be 1.6 or better; with 2 cores, each process has one thread and the gain is what
two single-threaded processes give over one two-threaded one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NAME = "train-text-processes"
STEPS, QUICK_STEPS = 40, 6
STREAMS, SEQ_LEN = 32, 32
WORKER = Path(__file__).with_name("processes_worker.py")


@dataclass
class ProcessesResult:
    """Tokens a second with 1 and 2 processes, and the speed-up."""

    tokens_per_second: dict[int, float]
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def speedup(self) -> float:
        """2 processes' tokens a second over 1 process's."""
        return self.tokens_per_second[2] / self.tokens_per_second[1]

    def line(self) -> dict[str, Any]:
        """benchmark, tokens_per_second_1, tokens_per_second_2, speedup, cores."""
        return {"benchmark": NAME,
                "tokens_per_second_1": round(self.tokens_per_second[1]),
                "tokens_per_second_2": round(self.tokens_per_second[2]),
                "speedup": round(self.speedup, 3), "cores": os.cpu_count()}

    def summary(self) -> str:
        """One readable line."""
        return (f"{NAME}: 1 process {self.tokens_per_second[1]:,.0f} tokens/s, 2 processes "
                f"{self.tokens_per_second[2]:,.0f} tokens/s, speed-up {self.speedup:.2f}x on "
                f"{os.cpu_count()} cores")


def _measure(processes: int, steps: int, precision: str) -> dict[str, Any]:
    threads = max(1, (os.cpu_count() or 1) // processes)
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    done = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node",
         str(processes), str(WORKER), str(steps), str(STREAMS), str(SEQ_LEN), precision],
        capture_output=True, text=True, env=env, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(f"the {processes}-process run failed:\n{done.stderr[-2000:]}")
    line = [text for text in done.stdout.splitlines() if text.startswith("{")][-1]
    return {**json.loads(line), "threads_each": threads}


def run(quick: bool = False, device: str = "cpu", seed: int = 0,
        precision: str = "32") -> ProcessesResult:
    """Measure 1 process, then 2, then 1 again (the two single-process runs averaged, so
    a change in the machine's load during the run shows as their spread)."""
    if device != "cpu":
        raise ValueError(f"{NAME} runs on the CPU (got device {device!r}).")
    steps = QUICK_STEPS if quick else STEPS
    first = _measure(1, steps, precision)
    pair = _measure(2, steps, precision)
    last = _measure(1, steps, precision)
    alone = (first["tokens_per_second"] + last["tokens_per_second"]) / 2
    return ProcessesResult({1: alone, 2: pair["tokens_per_second"]},
                           {"one_process_runs": [first, last], "two_processes": pair,
                            "steps": steps, "precision": precision})
