"""Callbacks: hooks into `Trainer.fit`, with Keras' names and a few of its traps fixed.

Each hook receives the trainer (`self.trainer`, set by `set_trainer`); a callback uses
only the members that `seqlab.train.view.TrainerView` lists. Hooks:
``on_train_begin(logs)`` (logs: the fit's ``epochs``, batch ``steps`` per epoch and
``samples``), ``on_epoch_begin(epoch)``, ``on_batch_end(batch, logs)``,
``on_epoch_end(epoch, logs)``, ``on_train_end(logs)``. Set ``trainer.stop_training``
to end training: set in ``on_epoch_end`` it stops after that epoch; set in
``on_batch_end`` it cuts the epoch short after that batch (the short epoch is still
validated and reported), as Keras does.
"""

from __future__ import annotations

import inspect
import math
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import save_file

from seqlab._io import replace_atomically
from seqlab._validation import check_choice, check_float, check_int, check_path
from seqlab.errors import UnknownNameError, ValidationError
from seqlab.train.view import TrainerView


class Callback:
    """Base class: override the hooks you need; ``self.trainer`` is a `TrainerView`."""

    trainer: TrainerView

    def set_trainer(self, trainer: TrainerView) -> None:
        """Called by the trainer before training starts."""
        self.trainer = trainer

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        """Before the first epoch."""

    def on_epoch_begin(self, epoch: int) -> None:
        """Before each epoch (0-based)."""

    def on_batch_end(self, batch: int, logs: dict[str, Any]) -> None:
        """After each optimizer step."""

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        """After each epoch, with its training and validation metrics."""

    def on_train_end(self, logs: dict[str, Any]) -> None:
        """After the last epoch (also when stopped early)."""

    def state_dict(self) -> dict[str, Any] | None:
        """What this callback must keep for a resumed fit to continue exactly, as numbers,
        strings, tensors and containers of them (None: it keeps nothing)."""
        return None

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Take back what `state_dict` returned (called on resume, after
        ``on_train_begin``)."""

    def evaluating(self) -> AbstractContextManager[None]:
        """A context the trainer enters around every evaluation during `fit` (validation,
        held-out checks, the weights kept as the best): `AverageWeights` puts its average
        in place there. The default does nothing."""
        return nullcontext()

    @property
    def watches_batches(self) -> bool:
        """Whether `fit` calls :meth:`on_batch_end`: true when a subclass overrides it.
        Batch logs cost a wait for the device each batch, so fits without a batch
        watcher skip them."""
        return type(self).on_batch_end is not Callback.on_batch_end


class RepeatEpoch(Exception):  # noqa: N818  (a signal, not an error)
    """Raised by an ``on_epoch_end`` hook to have `fit` run the epoch again (the divergence
    guard after a roll-back); the hooks after it are not called for that epoch."""


class Validation(Callback):
    """Adds the validation loss and metrics (``val_*``) to each epoch's logs; `score`
    returns them (the trainer hands over its evaluation of the held-out data, already
    checked and on the device)."""

    def __init__(self, score: Callable[[], dict[str, float]]):
        self.score = score

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        scores = self.score()
        logs.update({f"val_{k}": v for k, v in scores.items()})


class RecordEpoch(Callback):
    """Stamps each epoch's logs with the learning rate and the seconds it took, and appends
    them to the trainer's `History`."""

    def on_epoch_begin(self, epoch: int) -> None:
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        logs["lr"] = self.trainer.lr
        logs["seconds"] = time.perf_counter() - self.started
        self.trainer.history_.append(logs)


_WATCHERS: ContextVar[tuple[Callback, ...]] = ContextVar("seqlab_watchers", default=())


@contextmanager
def watch_training(callbacks: Iterable[Callback]) -> Iterator[None]:
    """Within the block, every `Trainer.fit` also notifies `callbacks`.

    For a runner that watches training it does not build itself (the recipe runner's
    ``--tensorboard``, for one: a recipe may train inside library functions such as
    `update`). Each callback is notified once per fit even when also passed to it.
    Worker processes (``workers > 1``) do not inherit the block.
    """
    token = _WATCHERS.set((*_WATCHERS.get(), *callbacks))
    try:
        yield
    finally:
        _WATCHERS.reset(token)


def watching() -> tuple[Callback, ...]:
    """The callbacks of the enclosing `watch_training` blocks (innermost last)."""
    return _WATCHERS.get()


class _Monitor:
    """Shared logic for callbacks that watch one metric for improvement."""

    def __init__(self, monitor: str, mode: str, min_delta: float, owner: str):
        self.monitor = monitor
        self.mode = check_choice("mode", mode, owner, ("auto", "min", "max"))
        self.min_delta = check_float("min_delta", min_delta, owner, low=0.0)
        self.owner = owner

    def _sign(self) -> float:
        if self.mode == "max" or (self.mode == "auto" and "acc" in self.monitor):
            return -1.0
        return 1.0

    def _value(self, logs: dict[str, Any]) -> float:
        if self.monitor not in logs:  # a ValidationError, and a KeyError as it always was
            raise UnknownNameError(
                f"metric monitored by {self.owner}", self.monitor, logs,
                message=f"{self.owner} monitors {self.monitor!r} but the epoch logs only hold "
                f"{sorted(logs)}. Pass validation data for 'val_*' metrics, or pick another.")
        return self._sign() * float(logs[self.monitor])

    def _improved(self, value: float, best: float) -> bool:
        return value < best - self.min_delta


class KeepBest:
    """The lowest value seen so far, where it was seen and (optionally) the trainer's weights
    then: the keep-best of `EarlyStopping` and of train-text's held-out checks."""

    def __init__(self, min_delta: float = 0.0):
        self.min_delta = min_delta
        self.value = math.inf
        self.at: Any = None
        self.weights: dict[str, Any] | None = None

    def offer(self, value: float, at: Any, trainer: TrainerView | None = None) -> bool:
        """Record `value` (seen at `at`) when it improves on the best by more than
        `min_delta`, with `trainer`'s weights when given; returns whether it did."""
        if not value < self.value - self.min_delta:
            return False
        self.value, self.at = value, at
        if trainer is not None:
            with trainer.evaluation_weights():
                self.weights = trainer.get_weights()
        return True

    def state_dict(self) -> dict[str, Any]:
        """The best value, where it was seen and the weights then (for a checkpoint)."""
        return {"value": self.value, "at": self.at, "weights": self.weights}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Take back what `state_dict` returned."""
        self.value, self.at, self.weights = state["value"], state["at"], state["weights"]

    def restore(self, trainer: TrainerView) -> bool:
        """Put the kept weights back into `trainer`; False when none were kept."""
        if self.weights is None:
            return False
        trainer.set_weights(self.weights)
        return True


class EarlyStopping(Callback, _Monitor):
    """Stop when `monitor` has not improved by `min_delta` for `patience` epochs.

    With ``restore_best_weights=True`` the best epoch's weights are restored at the end
    of training whether or not stopping fired (Keras restores them only when it fires).
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        patience: int = 0,
        min_delta: float = 0.0,
        mode: str = "auto",
        restore_best_weights: bool = False,
    ):
        _Monitor.__init__(self, monitor, mode, min_delta, "EarlyStopping")
        self.patience = check_int("patience", patience, "EarlyStopping", low=0)
        self.restore_best_weights = restore_best_weights
        self.stopped_epoch: int | None = None
        self._best = KeepBest(self.min_delta)

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        self._best = KeepBest(self.min_delta)
        self.wait = 0
        self.stopped_epoch = None

    best = property(lambda self: self._best.value, doc="The best (signed) value so far.")
    best_epoch = property(lambda self: self._best.at, doc="The best epoch (0-based) so far.")
    best_weights = property(lambda self: self._best.weights,
                            doc="The best epoch's weights (with restore_best_weights).")

    def state_dict(self) -> dict[str, Any]:
        """The best so far and the epochs waited."""
        return {"best": self._best.state_dict(), "wait": self.wait,
                "stopped_epoch": self.stopped_epoch}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Take back what `state_dict` returned."""
        self._best.load_state_dict(state["best"])
        self.wait, self.stopped_epoch = state["wait"], state["stopped_epoch"]

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        trainer = self.trainer if self.restore_best_weights else None
        if self._best.offer(self._value(logs), epoch, trainer):
            self.wait = 0
            return
        self.wait += 1
        if self.wait >= self.patience:  # as Keras: `patience` epochs without improvement
            self.stopped_epoch = epoch
            self.trainer.stop_training = True

    def on_train_end(self, logs: dict[str, Any]) -> None:
        if self.restore_best_weights:
            self._best.restore(self.trainer)


class ModelCheckpoint(Callback, _Monitor):
    """Save the model's weights (safetensors) after epochs, atomically.

    `path` may contain ``{epoch}``. The file is written under a temporary name and
    renamed, so a crash never leaves a half-written checkpoint in its place.
    """

    def __init__(
        self,
        path: str | Path,
        monitor: str = "val_loss",
        save_best_only: bool = False,
        mode: str = "auto",
    ):
        _Monitor.__init__(self, monitor, mode, 0.0, "ModelCheckpoint")
        self.path = str(check_path("path", path, "ModelCheckpoint"))
        if not isinstance(save_best_only, (bool, np.bool_)):
            raise ValidationError("The 'save_best_only' parameter of ModelCheckpoint must be "
                                  f"True or False. Got {save_best_only!r} instead.")
        self.save_best_only = save_best_only
        self.best = math.inf
        self.saved: list[str] = []

    def state_dict(self) -> dict[str, Any]:
        """The best value so far and the files written."""
        return {"best": self.best, "saved": list(self.saved)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Take back what `state_dict` returned."""
        self.best, self.saved = state["best"], list(state["saved"])

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        if self.save_best_only:
            value = self._value(logs)
            if not self._improved(value, self.best):
                return
            self.best = value
        target = self.path.format(epoch=epoch + 1)
        with self.trainer.evaluation_weights():
            write_weights_atomically(self.trainer.get_weights(), target)
        self.saved.append(target)


class LearningRateScheduler(Callback):
    """Set the learning rate at the start of each epoch to ``schedule(epoch, lr)`` (the
    current rate), or ``schedule(epoch)`` for a function of one argument, as Keras allows."""

    def __init__(self, schedule: Callable[[int, float], float] | Callable[[int], float]):
        if not callable(schedule):
            raise ValidationError(f"The 'schedule' parameter of LearningRateScheduler must be "
                                  f"a function schedule(epoch, lr) -> lr; got "
                                  f"{schedule!r:.60}.")
        self.schedule = schedule
        self._takes_lr = True
        try:
            signature = inspect.signature(schedule)
        except (TypeError, ValueError):  # a builtin without a signature: call it as documented
            return
        for args, takes_lr in (((0, 0.1), True), ((0,), False)):
            try:
                signature.bind(*args)
            except TypeError:
                continue
            self._takes_lr = takes_lr
            return
        raise ValidationError(f"The 'schedule' parameter of LearningRateScheduler must take "
                              f"(epoch, lr) or (epoch); {getattr(schedule, '__name__', schedule)}"
                              f" takes {signature}.")

    def on_epoch_begin(self, epoch: int) -> None:
        value = (self.schedule(epoch, self.trainer.lr) if self._takes_lr
                 else self.schedule(epoch))
        try:
            rate = float(value)  # numpy's and torch's scalars too
        except (TypeError, ValueError):
            rate = math.nan
        if not math.isfinite(rate) or rate < 0:
            raise ValidationError(f"The schedule of LearningRateScheduler must return a finite "
                                  f"learning rate of 0 or more; for epoch {epoch} it returned "
                                  f"{value!r:.60}.")
        self.trainer.lr = rate


class CosineDecay(Callback):
    """Lower the learning rate after every batch along a half cosine, from the rate the
    trainer starts with down to ``floor`` times it, over `total_steps` batches or
    `minutes` of wall time, whichever runs out first.

    A change made by someone else between batches (a divergence roll-back halving the
    rate, say) is kept: the schedule scales the rate it finds rather than overwriting it.
    When `minutes` pass, the trainer is asked to stop at the end of the current batch.

    With `minutes` and `epoch_steps` (the batches in an epoch), the schedule ends on an
    epoch's end instead of cutting the last epoch short: after each epoch it counts the
    whole epochs that still fit in the time left (judged by the last epoch's time, checks
    and all: a machine's speed drifts), aims the cosine at the end of the last of them and
    stops training there. The time budget still holds if the machine slows down.
    """

    def __init__(self, total_steps: int | None = None, minutes: float | None = None,
                 floor: float = 0.05, epoch_steps: int | None = None):
        if total_steps is None and minutes is None:
            raise ValidationError(
                "CosineDecay needs `total_steps`, `minutes` or both; got neither."
            )
        self.total_steps = (None if total_steps is None else
                            check_int("total_steps", total_steps, "CosineDecay", low=1))
        self.minutes = (None if minutes is None else
                        check_float("minutes", minutes, "CosineDecay", low=0.0, low_open=True))
        self.floor = check_float("floor", floor, "CosineDecay", low=0.0, high=1.0,
                                 low_open=True)
        self.epoch_steps = (None if epoch_steps is None else
                            check_int("epoch_steps", epoch_steps, "CosineDecay", low=1))
        if self.epoch_steps is not None and self.minutes is None:
            raise ValidationError(
                f"CosineDecay(epoch_steps={epoch_steps}) plans whole epochs inside a time "
                f"budget, so it needs `minutes` too; got minutes=None.")

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        self.steps = 0
        self.started = time.perf_counter()
        self.factor = 1.0
        self.planned_steps: int | None = None
        self.last_epoch_end = 0.0

    def state_dict(self) -> dict[str, Any]:
        """The steps taken, the current factor, the minutes used so far and the plan."""
        return {"steps": self.steps, "factor": self.factor,
                "elapsed": time.perf_counter() - self.started,
                "planned_steps": self.planned_steps, "last_epoch_end": self.last_epoch_end}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Take back what `state_dict` returned (the time budget counts the time used)."""
        self.steps, self.factor = state["steps"], state["factor"]
        self.started = time.perf_counter() - state["elapsed"]
        self.planned_steps = state.get("planned_steps")
        self.last_epoch_end = state.get("last_epoch_end", 0.0)

    def progress(self) -> float:
        """How far along the schedule is, from 0 to 1."""
        done = 0.0
        if self.total_steps is not None:
            done = self.steps / self.total_steps
        if self.planned_steps is not None:
            done = max(done, self.steps / self.planned_steps)
        if self.minutes is not None:
            done = max(done, (time.perf_counter() - self.started) / (60 * self.minutes))
        return min(done, 1.0)

    def on_batch_end(self, batch: int, logs: dict[str, Any]) -> None:
        self.steps += 1
        progress = self.progress()
        factor = self.floor + (1 - self.floor) * 0.5 * (1 + math.cos(math.pi * progress))
        # The trainer's rate over our last factor is the peak rate, as others have left it.
        peak = self.trainer.lr / self.factor
        self.factor = factor
        self.trainer.lr = peak * factor
        # Only the time budget stops training; the epochs end it on their own.
        if self.minutes is not None and time.perf_counter() - self.started >= 60 * self.minutes:
            self.trainer.stop_training = True

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        if self.epoch_steps is None or self.trainer.stop_training:
            return
        # Every process must plan alike: they agree on the slowest one's clock.
        elapsed = self.trainer.world.any(
            math.ceil(1000 * (time.perf_counter() - self.started)))[0] / 1000
        per_epoch = max(elapsed - self.last_epoch_end, 1e-3)
        self.last_epoch_end = elapsed
        fit = int((60 * self.minutes - elapsed) // per_epoch)
        if self.planned_steps is not None and self.steps >= self.planned_steps:
            self.trainer.stop_training = True  # the plan is done, the rate at its floor
        elif fit >= 1:
            self.planned_steps = self.steps + fit * self.epoch_steps
        # With no whole epoch left to fit, the next one runs into the budget, which cuts it
        # short with the rate at its floor.


class AverageWeights(Callback):
    """Keep an exponential moving average of the weights and evaluate with it (Polyak
    averaging; Keras optimizers' ``use_ema=True, ema_momentum=decay``).

    After every optimizer step, ``average += (1 - decay) * (weights - average)``, starting
    from the weights training starts with. During `fit` every evaluation (validation, the
    held-out checks, the weights `EarlyStopping` and `ModelCheckpoint` keep) sees the
    average, while training goes on from the weights themselves; when training ends the
    average replaces them, so the trained model is the average. Place it before callbacks
    that restore kept weights at the end (``restore_best_weights``). At a high learning
    rate the average is far better than the weights it follows: it smooths out the noise
    of the last steps, as a lower rate would, without slowing the progress.

    With ``warmup=True`` the decay grows with the steps averaged so far, `t`, as in
    TensorFlow's ``ExponentialMovingAverage(decay, num_updates=t)``: ``min(decay, (1 + t)
    / (10 + t))``. Without it the average starts at the untrained weights and keeps a
    share ``decay ** t`` of them (0.998 ** 527 = 0.35 after an epoch of 527 batches), which
    holds the held-out loss back for the first epochs; with it that share is 1e-5 after 10
    steps, and from ``(10 * decay - 1) / (1 - decay)`` steps on (4,490 at 0.998) the decay
    is `decay`.

    An epoch run again after a divergence roll-back starts from the average (and its step
    count) as it stood when the epoch first began.
    """

    def __init__(self, decay: float = 0.998, warmup: bool = False):
        self.decay = check_float("decay", decay, "AverageWeights", low=0.0, high=1.0,
                                 high_open=True)
        if not isinstance(warmup, bool):
            raise ValidationError(f"The 'warmup' parameter of AverageWeights must be a bool. "
                                  f"Got {warmup!r} instead.")
        self.warmup = warmup

    def current_decay(self) -> float:
        """The decay the next step averages with (`decay`, or less during the warm-up)."""
        if not self.warmup:
            return self.decay
        return min(self.decay, (1 + self.steps) / (10 + self.steps))

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        # Weights are only ever loaded in place, so these views stay the model's own.
        self.weights = [p.detach() for p in self.trainer.model.parameters()]
        self.average = [p.clone() for p in self.weights]
        self.epoch_start = [p.clone() for p in self.average]
        self.epoch, self._resumed = -1, False
        self.steps = self.epoch_start_steps = 0

    def on_epoch_begin(self, epoch: int) -> None:
        if self._resumed:  # the epoch goes on from where the checkpoint left it
            self._resumed = False
        elif epoch == self.epoch:  # the same epoch again: a roll-back
            torch._foreach_copy_(self.average, self.epoch_start)
            self.steps = self.epoch_start_steps
        else:
            torch._foreach_copy_(self.epoch_start, self.average)
            self.epoch_start_steps = self.steps
        self.epoch = epoch

    def on_batch_end(self, batch: int, logs: dict[str, Any]) -> None:
        torch._foreach_lerp_(self.average, self.weights, 1.0 - self.current_decay())
        self.steps += 1

    @contextmanager
    def _in_place(self) -> Iterator[None]:
        own = [p.clone() for p in self.weights]
        torch._foreach_copy_(self.weights, self.average)
        try:
            yield
        finally:
            torch._foreach_copy_(self.weights, own)

    def evaluating(self) -> AbstractContextManager[None]:
        """The average in place of the weights, for the duration."""
        return self._in_place()

    def on_train_end(self, logs: dict[str, Any]) -> None:
        torch._foreach_copy_(self.weights, self.average)

    def state_dict(self) -> dict[str, Any]:
        """The average and the steps averaged, and both as the current epoch began."""
        return {"average": [p.clone() for p in self.average],
                "epoch_start": [p.clone() for p in self.epoch_start], "epoch": self.epoch,
                "steps": self.steps, "epoch_start_steps": self.epoch_start_steps}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Take back what `state_dict` returned. A checkpoint from before the step count
        was kept (no ``steps``) was written by an average without a warm-up; it resumes
        with the warm-up over, as that average ran."""
        torch._foreach_copy_(self.average, list(state["average"]))
        torch._foreach_copy_(self.epoch_start, list(state["epoch_start"]))
        self.epoch, self._resumed = state["epoch"], True
        owner = "AverageWeights' checkpointed state"
        self.steps, self.epoch_start_steps = (
            check_int(name, state.get(name, _WARMED_UP), owner, low=0)
            for name in ("steps", "epoch_start_steps"))


_WARMED_UP = 2**62
"""The step count an `AverageWeights` checkpoint without one resumes at: any warm-up over."""


class ReduceLROnPlateau(Callback, _Monitor):
    """Multiply the learning rate by `factor` when `monitor` stalls for `patience` epochs."""

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        min_delta: float = 1e-4,
        min_lr: float = 0.0,
        mode: str = "auto",
    ):
        _Monitor.__init__(self, monitor, mode, min_delta, "ReduceLROnPlateau")
        self.factor = check_float("factor", factor, "ReduceLROnPlateau", low=0.0, high=1.0,
                                  low_open=True)
        self.patience = check_int("patience", patience, "ReduceLROnPlateau", low=0)
        self.min_lr = check_float("min_lr", min_lr, "ReduceLROnPlateau", low=0.0)

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        self.best = math.inf
        self.wait = 0

    def state_dict(self) -> dict[str, Any]:
        """The best value so far and the epochs waited."""
        return {"best": self.best, "wait": self.wait}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Take back what `state_dict` returned."""
        self.best, self.wait = state["best"], state["wait"]

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        value = self._value(logs)
        if self._improved(value, self.best):
            self.best, self.wait = value, 0
            return
        self.wait += 1
        if self.wait >= self.patience:  # as Keras: `patience` epochs without improvement
            self.trainer.lr = max(self.trainer.lr * self.factor, self.min_lr)
            self.wait = 0


class ResetState(Callback):
    """Reset a stateful model's carried state every `every` batches (besides epoch ends)."""

    def __init__(self, every: int):
        self.every = check_int("every", every, "ResetState", low=1)

    def on_batch_end(self, batch: int, logs: dict[str, Any]) -> None:
        if (batch + 1) % self.every == 0:
            self.trainer.reset_state()


def write_weights_atomically(tensors: dict[str, Any], path: str | Path) -> None:
    """Write a safetensors file under a temporary name in the same folder, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_atomically(path, lambda temporary: save_file(
        {k: v.contiguous() for k, v in tensors.items()}, temporary))
