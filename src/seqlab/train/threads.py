"""How many CPU threads a training uses: chosen from the work of one step, unless set.

Torch starts with one intra-op thread per core. For the documents' tiny models (an
LSTM of 5 to 100 units, batches of 1 to 32) a step is a few hundred small kernels whose
arithmetic is far smaller than the cost of waking threads: a second thread only adds
synchronisation, and on a machine busy with other work the threads spin waiting for one
another (measured: 26 s against 4.8 s for one thread beside another training, 83 s
against 4.7 s beside a busy loop). So by default `Trainer.fit` runs such a model on one
thread, and a model whose step is large enough to divide (the char-LM's 512-unit LSTM
over 32 streams) on as many threads as there are idle cores, never more than torch's own
choice.

The count stays the user's when they chose one: ``seqlab --threads N``, `set_threads`,
or ``torch.set_num_threads`` called before `fit` (any count other than the one torch
started with is taken as a choice).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from seqlab._validation import check_int

__all__ = ["set_threads", "chosen_threads", "threads_for", "step_work", "use_threads",
           "PARALLEL_WORK"]

PARALLEL_WORK = 2e7
"""Floating-point operations per time step (forward and backward, whole batch) from
which a step gains from a second thread. Below it, one thread (see `threads_for`)."""

_TORCH_DEFAULT = torch.get_num_threads()  # what torch chose before anyone changed it
_chosen: int | None = None


def set_threads(count: int | None) -> None:
    """Fix the thread count of every training (``None``: choose it from each model's
    work per step, the default). Sets torch's count now too."""
    global _chosen
    if count is None:
        _chosen = None
        return
    _chosen = check_int("threads", count, "seqlab", low=1, high=1024)
    torch.set_num_threads(_chosen)


def chosen_threads() -> int | None:
    """The thread count the user fixed, or None when seqlab chooses per model."""
    if _chosen is not None and torch.get_num_threads() == _chosen:
        return _chosen
    current = torch.get_num_threads()
    return None if current == _TORCH_DEFAULT else current


def step_work(model: nn.Module, batch_size: int) -> float:
    """Floating-point operations of one time step of one batch, forward and backward:
    about 6 per weight per sample (a recurrent weight is used once per step)."""
    weights = sum(p.numel() for p in model.parameters())
    return 6.0 * weights * batch_size


def _idle_cores(cores: int) -> int:
    """Cores not busy with other work, by the last minute's load (at least 1)."""
    try:
        load = os.getloadavg()[0]
    except OSError:  # not every platform reports a load
        return cores
    return max(1, min(cores, cores - int(load + 0.5) + 1))  # +1: this process's own core


def threads_for(model: nn.Module, batch_size: int, *, cores: int | None = None) -> int:
    """The thread count seqlab picks for training `model` on batches of `batch_size`: 1
    below `PARALLEL_WORK` operations a step, else torch's own count capped at the idle
    cores (threads that outnumber free cores spin against the other work)."""
    if step_work(model, batch_size) < PARALLEL_WORK:
        return 1
    return _idle_cores(cores or _TORCH_DEFAULT)


def use_threads(model: nn.Module, batch_size: int) -> Callable[[], None]:
    """Set the thread count for a training of `model` (unless the user fixed one) and
    return the function that puts the previous count back."""
    if chosen_threads() is not None:
        return _nothing
    before = torch.get_num_threads()
    count = threads_for(model, batch_size)
    if count == before:
        return _nothing
    torch.set_num_threads(count)

    def restore() -> None:
        torch.set_num_threads(before)
    return restore


def _nothing(*_: Any) -> None:
    return None
