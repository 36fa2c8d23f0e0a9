"""threads: seqlab's thread choice against torch's default, beside one busy process.

The alphabet window recipe's model (LSTM(32), batch 1, 23 samples) trains a fixed number
of epochs twice in one run, each beside a busy loop in another process: once at torch's
default count (one thread a core) and once at the count seqlab picks for it (one thread,
`seqlab.train.threads`). The line reports both times and their ratio (issue 26: the
default should be within 1.3x of one thread; torch's default was 5 to 18x slower).
"""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass, field
from typing import Any

import torch

from seqlab.models import ModelSpec, build
from seqlab.problems.alphabet import alphabet_windows
from seqlab.train import Trainer
from seqlab.train import threads as threads_module

NAME = "threads"


def _busy(stop: Any) -> None:
    while not stop.is_set():
        pass


@dataclass
class ThreadsResult:
    """Seconds of the same training at torch's default thread count and at seqlab's."""

    default_seconds: float
    seqlab_seconds: float
    default_threads: int
    seqlab_threads: int
    details: dict[str, Any] = field(default_factory=dict)

    def line(self) -> dict[str, Any]:
        """benchmark, default_seconds, seqlab_seconds, ratio (default over seqlab)."""
        return {"benchmark": NAME, "default_seconds": round(self.default_seconds, 3),
                "seqlab_seconds": round(self.seqlab_seconds, 3),
                "default_threads": self.default_threads, "seqlab_threads": self.seqlab_threads,
                "ratio": round(self.default_seconds / self.seqlab_seconds, 3)}

    def summary(self) -> str:
        """One readable line."""
        return (f"{NAME}: torch's default ({self.default_threads} threads) "
                f"{self.default_seconds:.2f} s, seqlab's choice ({self.seqlab_threads}) "
                f"{self.seqlab_seconds:.2f} s beside a busy process: "
                f"{self.default_seconds / self.seqlab_seconds:.1f}x")


def _train(epochs: int, seed: int) -> float:
    x, y = alphabet_windows(3, as_features=False)
    model = build(ModelSpec(1, 26, task="multiclass", units=[32], timesteps=3,
                            keras_init=True), seed=seed)
    trainer = Trainer(model, seed=seed)
    started = time.perf_counter()
    trainer.fit(x, y, epochs=epochs, batch_size=1, verbose=0)
    return time.perf_counter() - started


def run(quick: bool = False, device: str = "cpu", seed: int = 0) -> ThreadsResult:
    """Time the training at both counts, each beside a busy loop."""
    epochs = 4 if quick else 20
    default = threads_module._TORCH_DEFAULT
    before = torch.get_num_threads()
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    busy = context.Process(target=_busy, args=(stop,), daemon=True)
    busy.start()
    try:
        time.sleep(0.5)
        threads_module.set_threads(default)  # torch's default, fixed as a user would
        default_seconds = _train(epochs, seed)
        threads_module.set_threads(None)
        torch.set_num_threads(default)  # back at torch's default: seqlab chooses
        seqlab_seconds = _train(epochs, seed)
    finally:
        stop.set()
        busy.join(5)
        threads_module.set_threads(None)
        torch.set_num_threads(before)
    chosen = threads_module.threads_for(build(ModelSpec(1, 26, task="multiclass", units=[32])),
                                        1)
    return ThreadsResult(default_seconds, seqlab_seconds, default, chosen,
                         {"epochs": epochs, "busy_processes": 1})
