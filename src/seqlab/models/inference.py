"""Using a model's forward contract: eval mode, the task's output activation, carried state.

The contract is ``model(x, state=None) -> (y, state)``. `eval_mode` is the one place a
model is switched to evaluation and back, `activate` the one place the task's head
activation is applied (the model returns raw scores), and `Stream` the one place a
stateful model's state is carried from call to call (by `Trainer` and `Predictor` alike).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch
from torch import nn

from seqlab.models.building import detach_state

__all__ = ["eval_mode", "activate", "Stream"]


@contextmanager
def eval_mode(model: nn.Module) -> Iterator[nn.Module]:
    """Evaluation mode (dropout off) inside the block; the mode found is restored after,
    so a callback may evaluate in the middle of a training epoch."""
    was_training = model.training
    model.eval()
    try:
        yield model
    finally:
        model.train(was_training)


def activate(task: str, output: torch.Tensor) -> torch.Tensor:
    """The task's output activation on raw model outputs: softmax (multiclass), sigmoid
    (binary) or identity (regression)."""
    if task == "multiclass":
        return torch.softmax(output, dim=-1)
    if task == "binary":
        return torch.sigmoid(output)
    return output


class Stream:
    """The state a model carries from call to call, or none.

    A stateless stream starts every call from a fresh state. A stateful one passes the
    state each call returns to the next, detached from its autograd history (truncated
    backpropagation through time), until `reset`.
    """

    def __init__(self, stateful: bool):
        self.stateful = stateful
        self.state: Any = None

    def __call__(self, model: nn.Module, x: torch.Tensor) -> torch.Tensor:
        """The model's output for `x`, continuing the stream."""
        output, state = model(x, self.state if self.stateful else None)
        if self.stateful:
            self.state = detach_state(state)
        return output

    def rows(self, model: nn.Module, x: torch.Tensor, batch_size: int) -> torch.Tensor:
        """Outputs for every row of `x`: one row at a time, each continuing the previous
        (stateful), or `batch_size` independent rows at a time (stateless)."""
        step = 1 if self.stateful else batch_size
        return torch.cat([self(model, x[start:start + step])
                          for start in range(0, len(x), step)])

    def reset(self) -> None:
        """Forget the carried state: the next call starts a new stream."""
        self.state = None
