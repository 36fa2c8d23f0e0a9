"""Recovering from a diverging loss: roll back to the last good epoch and lower the rate.

The course notebook's text model (000) went from loss 1.38 to 7.67 at iteration 38 and
printed garbage from then on. With ``on_divergence="rollback"`` a Trainer notices a
non-finite loss, or an epoch loss above ``spike_factor`` times the best so far, restores
the weights *and* optimizer state of the last good epoch, multiplies the learning rate
by ``lr_factor``, says so in a `DivergenceWarning`, and runs the epoch again.
"""

from __future__ import annotations

import copy
import math
import warnings
from typing import Any

from seqlab.errors import DivergenceWarning, TrainingDivergedError
from seqlab.train.callbacks import Callback, RepeatEpoch
from seqlab.train.view import TrainerView


class DivergenceGuard(Callback):
    """Keeps the last good state of a training run and restores it when the loss diverges.

    As a callback it comes first at each epoch's end: a good epoch becomes the state to
    return to; a diverged one is rolled back (or raises) and repeated, before validation,
    history or any other callback sees it.
    """

    def __init__(
        self, trainer: TrainerView, policy: str, spike_factor: float | None, max_rollbacks: int,
        lr_factor: float,
    ):
        self.trainer = trainer
        self.policy = policy
        self.spike_factor = spike_factor
        self.max_rollbacks = max_rollbacks
        self.lr_factor = lr_factor
        self.rollbacks = 0
        self.best_loss = math.inf
        self.good_epoch = 0
        self._snapshot()

    def _snapshot(self) -> None:
        self.weights = self.trainer.get_weights()
        self.optimizer_state = copy.deepcopy(self.trainer.optimizer.state_dict())

    def diverged(self, loss: float) -> bool:
        """True when the epoch's loss is non-finite or a spike over the best epoch so far."""
        if not math.isfinite(loss):
            return True
        return (self.spike_factor is not None and math.isfinite(self.best_loss)
                and loss > self.spike_factor * self.best_loss)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        """Commit a good epoch; roll a diverged one back and have it repeated."""
        loss = logs["loss"]
        if self.diverged(loss):
            self.trainer.events_.append(self.recover(epoch, loss, self.trainer.history_))
            raise RepeatEpoch
        self.commit(epoch, loss)

    def commit(self, epoch: int, loss: float) -> None:
        """Record a good epoch: its state becomes the one to return to."""
        self.best_loss = min(self.best_loss, loss)
        self.good_epoch = epoch + 1
        self._snapshot()

    def recover(self, epoch: int, loss: float, history: Any) -> dict[str, Any]:
        """Restore the last good state; lower the rate and return an event, or raise."""
        trainer = self.trainer
        old_lr = trainer.lr  # restoring the optimizer state would bring back an older rate
        trainer.set_weights(self.weights)
        trainer.optimizer.load_state_dict(self.optimizer_state)
        trainer.lr = old_lr
        what = (f"The training loss became {loss:.4g} in epoch {epoch + 1} (best so far "
                f"{self.best_loss:.4g}, learning rate {old_lr:g})")
        restored = (f"weights and optimizer state were restored to the end of epoch "
                    f"{self.good_epoch}" if self.good_epoch else
                    "weights and optimizer state were restored to their initial values")
        if self.policy == "raise" or self.rollbacks >= self.max_rollbacks:
            tried = f" after {self.rollbacks} roll-back(s)" if self.rollbacks else ""
            raise TrainingDivergedError(
                f"{what}{tried}; {restored}. Lower the learning rate or set `clip_grad_norm`.",
                history,
            )
        trainer.lr = old_lr * self.lr_factor
        self.rollbacks += 1
        event = {"epoch": epoch + 1, "loss": loss, "old_lr": old_lr, "new_lr": trainer.lr}
        warnings.warn(f"{what}; {restored} and the learning rate lowered from {old_lr:g} to "
                      f"{trainer.lr:g}. Repeating the epoch.", DivergenceWarning, stacklevel=6)
        return event
