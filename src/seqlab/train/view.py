"""`TrainerView`: what a callback (and the divergence guard, and the checkpointing) may use
of the trainer that runs it.

A callback's ``self.trainer`` is a `Trainer`, but a callback should rely only on the
members listed here. They are the trainer's public, documented surface for code that runs
*inside* a fit; everything else about a trainer (how it adapts data, steps the optimizer
or lays out batches) may change without notice. Keeping callbacks to this protocol is what
lets the trainer's modules import each other in one direction: the callback modules need
this page, never `seqlab.train.trainer`.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, Protocol

import torch
from torch import nn

from seqlab.train.distributed import World
from seqlab.train.history import History

__all__ = ["TrainerView"]


class TrainerView(Protocol):
    """The members of a trainer that a callback may read, call or set.

    Attributes
    ----------
    model:
        The module being trained (read its parameters; change them only in place).
    optimizer:
        The torch optimizer (its state is what a roll-back restores).
    config:
        The `TrainerConfig` the trainer was built with (read only).
    device, world:
        Where the model lives, and the processes of a torchrun launch (``world.any``,
        ``world.main``, ...; one process when not launched by torchrun).
    history_, events_:
        The fit's `History` so far and its list of events (roll-backs); append only.
    stop_training:
        Set to True to stop: in ``on_epoch_end`` after that epoch, in ``on_batch_end``
        after that batch.
    lr:
        The learning rate of every parameter group (settable).
    """

    model: nn.Module
    optimizer: torch.optim.Optimizer
    config: Any
    device: torch.device
    world: World
    history_: History
    events_: list[dict[str, Any]]
    stop_training: bool
    lr: float

    def get_weights(self) -> dict[str, torch.Tensor]:
        """A copy of the model's weights."""

    def set_weights(self, weights: dict[str, torch.Tensor]) -> None:
        """Load weights taken with `get_weights`."""

    def reset_state(self) -> None:
        """Forget the carried recurrent state (mid-epoch: from the next batch on)."""

    def evaluation_weights(self) -> AbstractContextManager[None]:
        """The context every evaluation during a fit runs in (averaged weights, say)."""

    def evaluate(self, x: Any, y: Any, *, batch_size: int | None = None) -> dict[str, float]:
        """Loss and metrics on (x, y), without training."""
