"""precision: bf16 autocast against float32 for the char-LM workload, on this machine.

The model of `seqlab train-text` (embedding 64 -> LSTM(512) -> dense over 85 symbols,
32 streams x 32 steps, AdamW, clipping) trains a fixed number of steps four ways in one
run: a hand-written PyTorch loop in float32 and under bf16 autocast, and seqlab's
`Trainer` with ``precision="32"`` and ``"bf16"``. The line reports the seconds a step of
each and the speed-ups bf16 gives both, beside seqlab's ratio to the hand-written loop at
each precision (recent x86 CPUs with AVX-512 BF16 or AMX run bf16 matrix work several
times faster; without them bf16 can be slower). Quality at bf16 is checked by the tests
(`tests/train/test_train_precision.py`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from seqlab.data.text import stream_chunks
from seqlab.models import ModelSpec, build
from seqlab.train import Trainer

NAME = "precision"
VOCAB, STREAMS, STEPS, UNITS = 85, 32, 32, 512


@dataclass
class PrecisionResult:
    """Seconds a step, per contender and precision."""

    step_seconds: dict[str, float]
    details: dict[str, Any] = field(default_factory=dict)

    def line(self) -> dict[str, Any]:
        s = self.step_seconds
        return {"benchmark": NAME, **{f"{k}_ms": round(v * 1000, 2) for k, v in s.items()},
                "torch_bf16_speedup": round(s["torch_32"] / s["torch_bf16"], 3),
                "seqlab_bf16_speedup": round(s["seqlab_32"] / s["seqlab_bf16"], 3),
                "ratio_32": round(s["seqlab_32"] / s["torch_32"], 3),
                "ratio_bf16": round(s["seqlab_bf16"] / s["torch_bf16"], 3)}

    def summary(self) -> str:
        line = self.line()
        return (f"precision: hand-written {line['torch_32_ms']} ms/step fp32, "
                f"{line['torch_bf16_ms']} bf16 (x{line['torch_bf16_speedup']}); seqlab "
                f"{line['seqlab_32_ms']} fp32, {line['seqlab_bf16_ms']} bf16 "
                f"(x{line['seqlab_bf16_speedup']})")


class _HandWritten(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, 64)
        self.lstm = nn.LSTM(64, UNITS, batch_first=True)
        self.head = nn.Linear(UNITS, VOCAB)

    def forward(self, x, state=None):
        h, state = self.lstm(self.embedding(x), state)
        return self.head(h), state


def _hand_written(x: np.ndarray, y: np.ndarray, bf16: bool, steps: int) -> float:
    torch.manual_seed(0)
    model = _HandWritten()
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=0.1)
    xs, ys = torch.as_tensor(x, dtype=torch.long), torch.as_tensor(y, dtype=torch.long)
    state = None
    started = time.perf_counter()
    for k in range(steps):
        rows = slice(k * STREAMS, (k + 1) * STREAMS)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            out, state = model(xs[rows], state)
            loss = F.cross_entropy(out.reshape(-1, VOCAB).float(), ys[rows].reshape(-1))
        state = tuple(s.detach() for s in state)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
    return (time.perf_counter() - started) / steps


def _seqlab(x: np.ndarray, y: np.ndarray, precision: str, steps: int) -> float:
    spec = ModelSpec(VOCAB, VOCAB, task="multiclass", units=[UNITS], return_sequences=True,
                     frontend="embedding", embedding_dim=64)
    trainer = Trainer(build(spec, seed=0), optimizer="adamw", lr=5e-3, weight_decay=0.1,
                      stateful=True, clip_grad_norm=1.0, seed=0, device="cpu",
                      precision=precision)
    started = time.perf_counter()
    trainer.fit(x[: steps * STREAMS], y[: steps * STREAMS], epochs=1, batch_size=STREAMS,
                verbose=0)
    return (time.perf_counter() - started) / steps


def run(quick: bool = False, device: str = "cpu", seed: int = 0) -> PrecisionResult:
    """Time `steps` training steps each way, alternating, twice; keep each one's best."""
    steps = 6 if quick else 40
    ids = np.random.default_rng(seed).integers(0, VOCAB, STREAMS * STEPS * (steps + 1) + 1)
    x, y = (np.array(part) for part in stream_chunks(ids, STEPS, STREAMS))  # writable copies
    runs = {"torch_32": lambda: _hand_written(x, y, False, steps),
            "torch_bf16": lambda: _hand_written(x, y, True, steps),
            "seqlab_32": lambda: _seqlab(x, y, "32", steps),
            "seqlab_bf16": lambda: _seqlab(x, y, "bf16", steps)}
    best: dict[str, float] = {}
    for _ in range(2):
        for name, timed in runs.items():
            best[name] = min(best.get(name, float("inf")), timed())
    return PrecisionResult(best, {"steps": steps, "threads": torch.get_num_threads(),
                                  "bf16_cpu_flag": _cpu_has_bf16()})


def _cpu_has_bf16() -> bool:
    try:
        with open("/proc/cpuinfo") as handle:
            flags = handle.read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags
