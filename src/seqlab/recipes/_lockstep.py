"""Repeats of a recipe run in lockstep, their trainings gathered into one `BatchedTrainer`.

A recipe is ordinary Python (`run_once(context)`: make data, build, fit, evaluate), so
seqlab cannot see its models ahead of time. Instead each repeat runs in its own thread,
one at a time: a repeat runs until its trainer's `fit` (or `evaluate`), where it waits;
when every repeat still running waits, the waiting calls that can train together (one
spec, one set of shared settings, data of one shape, no extra callbacks) are trained as
members of one `BatchedTrainer`, the others one after another, and each repeat continues
with its own trainer holding its member's weights, history, events and optimizer state,
as if it had trained alone. Likewise the repeats' `evaluate` calls on data of one shape
are scored in one stacked forward pass a batch (`BatchedTrainer.evaluate`) rather than
one model after another. Only one repeat runs Python at a time, so nothing a recipe does
outside `fit` (seeding, drawing data, plotting) can interleave with another's.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from seqlab.train import Trainer
from seqlab.train.batched import MEMBER_SETTINGS, BatchedTrainer, can_batch
from seqlab.train.inputs import is_batch_iterable

__all__ = ["Lockstep", "GatheredTrainer"]


@dataclass
class _FitCall:
    trainer: GatheredTrainer
    x: Any
    y: Any
    kwargs: dict[str, Any] = field(default_factory=dict)
    key: Any = None
    evaluating: bool = False  # an `evaluate` call, not a `fit`


class GatheredTrainer(Trainer):
    """A `Trainer` whose `fit` waits for the other repeats' and may train with them (see
    the module docstring); everything else is `Trainer`'s own."""

    def __init__(self, *args: Any, lockstep: Lockstep, index: int, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._lockstep, self._index = lockstep, index

    def fit(self, x: Any, y: Any = None, **kwargs: Any) -> Any:
        """`Trainer.fit`, gathered with the other repeats' fits."""
        call = _FitCall(self, x, y, kwargs)
        call.key = _group_key(call)  # in this repeat's thread: it sees its own watchers
        return self._lockstep.fit(self._index, call)

    def evaluate(self, x: Any, y: Any, *, batch_size: int | None = None) -> dict[str, float]:
        """`Trainer.evaluate`, gathered with the other repeats' evaluations."""
        call = _FitCall(self, x, y, {"batch_size": batch_size}, evaluating=True)
        call.key = _evaluation_key(call)
        return self._lockstep.fit(self._index, call)


_ALONE = object()  # a fit's result: train alone, in the repeat's own thread

_PLAIN_FIT = {"epochs", "batch_size", "shuffle", "validation_data", "validation_split",
              "verbose", "callbacks"}


def _alone(call: _FitCall) -> Any:
    if call.evaluating:
        return Trainer.evaluate(call.trainer, call.x, call.y, **call.kwargs)
    return Trainer.fit(call.trainer, call.x, call.y, **call.kwargs)


def _shape(data: Any) -> Any:
    array = np.asarray(data) if not isinstance(data, torch.Tensor) else data
    return (tuple(array.shape), str(array.dtype))


def _group_key(call: _FitCall) -> Any:
    """What calls must share to train as members of one BatchedTrainer (None: alone)."""
    trainer, kwargs = call.trainer, call.kwargs
    spec = getattr(trainer.model, "spec", None)
    if (spec is None or not can_batch(spec, trainer.config) or trainer.config.seed is None
            or set(kwargs) - _PLAIN_FIT or kwargs.get("callbacks")
            or call.y is None or is_batch_iterable(call.x)
            or any(type(c).__name__ != "_RecordEpochs" for c in trainer.callbacks)):
        return None
    from seqlab.train.callbacks import watching

    if any(w.watches_batches for w in watching()):  # it wants every training's batches
        return None
    settings = {k: v for k, v in trainer.config.to_dict().items() if k not in MEMBER_SETTINGS}
    validation = kwargs.get("validation_data")
    return (repr(spec.to_dict()), repr(sorted(settings.items())), str(trainer.device),
            _shape(call.x), _shape(call.y), kwargs.get("batch_size"), kwargs.get("shuffle"),
            kwargs.get("validation_split", 0.0),
            None if validation is None else (_shape(validation[0]), _shape(validation[1])))


def _evaluation_key(call: _FitCall) -> Any:
    """What evaluate calls must share to be scored together (None: alone)."""
    trainer = call.trainer
    spec = getattr(trainer.model, "spec", None)
    if (spec is None or not can_batch(spec, trainer.config) or trainer.config.seed is None
            or trainer.world.parallel or trainer.swaps_evaluation_weights or is_batch_iterable(call.x)):
        return None
    settings = {k: v for k, v in trainer.config.to_dict().items() if k not in MEMBER_SETTINGS}
    return ("evaluate", repr(spec.to_dict()), repr(sorted(settings.items())),
            str(trainer.device), _shape(call.x), _shape(call.y),
            call.kwargs.get("batch_size"))


def _evaluate_together(calls: list[_FitCall]) -> list[dict[str, float]]:
    """Score `calls` (one group) with their trainers' models stacked; each call's scores."""
    trainers = [c.trainer for c in calls]
    batched = BatchedTrainer(trainers[0].model.spec, [t.config.seed for t in trainers],
                             [t.config for t in trainers], models=[t.model for t in trainers],
                             device=str(trainers[0].device))
    return batched.evaluate([c.x for c in calls], [c.y for c in calls],
                            batch_size=calls[0].kwargs.get("batch_size"))


def _train_together(calls: list[_FitCall]) -> list[Any]:
    """Train `calls` (one group) as one BatchedTrainer; returns each call's History."""
    first = calls[0]
    trainers = [c.trainer for c in calls]
    default_epochs = first.trainer.config.epochs or 1
    epochs = [c.kwargs.get("epochs") or c.trainer.config.epochs or default_epochs
              for c in calls]
    batched = BatchedTrainer(trainers[0].model.spec, [t.config.seed for t in trainers],
                             [t.config for t in trainers], models=[t.model for t in trainers],
                             device=str(trainers[0].device))
    validation = first.kwargs.get("validation_data")
    batched.fit([c.x for c in calls], [c.y for c in calls], epochs=epochs,
                batch_size=first.kwargs.get("batch_size"), shuffle=first.kwargs.get("shuffle"),
                validation_split=first.kwargs.get("validation_split", 0.0),
                validation_data=None if validation is None else
                ([c.kwargs["validation_data"][0] for c in calls],
                 [c.kwargs["validation_data"][1] for c in calls]))
    histories = []
    for k, trainer in enumerate(trainers):
        batched.hand_over(k, trainer)
        for callback in trainer.callbacks:  # _RecordEpochs: the run's learning curves
            callback.on_train_begin({"epochs": epochs[k]})
            for record in trainer.history_.records:
                callback.on_epoch_end(record["epoch"] - 1, dict(record))
        histories.append(trainer.history_)
        _tell_watchers(trainer, epochs[k])
    return histories


def _tell_watchers(trainer: Any, epochs: int) -> None:
    """The command's fit-level watchers (a line per fit) hear of a member's fit as if it
    had trained alone: its start, its epochs' logs and its end."""
    from seqlab.train.callbacks import watching

    for watcher in watching():
        watcher.set_trainer(trainer)
        watcher.on_train_begin({"epochs": epochs, "steps": None, "samples": None})
        for record in trainer.history_.records:
            watcher.on_epoch_end(record["epoch"] - 1, dict(record))
        watcher.on_train_end(trainer.history_.last())


class Lockstep:
    """Runs jobs in lockstep threads and gathers their fits (see the module docstring)."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._waiting: dict[int, _FitCall] = {}
        self._results: dict[int, tuple[bool, Any]] = {}
        self._running = 0

    def run(self, jobs: Sequence[Callable[[], Any]]) -> list[Any]:
        """Each job's result, in order; the first job's error (in order) is raised after
        all have ended."""
        outcomes: list[tuple[bool, Any]] = [(False, None)] * len(jobs)
        self._running = len(jobs)

        def work(index: int) -> None:
            with self._condition:
                try:
                    outcomes[index] = (True, jobs[index]())
                except BaseException as error:  # handed to the caller below
                    outcomes[index] = (False, error)
                finally:
                    self._running -= 1
                    self._flush()

        # Each thread runs in a copy of the caller's context, so the command's watchers
        # (`watch_training`) see the repeats' fits.
        contexts = [contextvars.copy_context() for _ in jobs]
        threads = [threading.Thread(target=contexts[i].run, args=(work, i), daemon=True)
                   for i in range(len(jobs))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for ok, value in outcomes:
            if not ok:
                raise value
        return [value for _, value in outcomes]

    def fit(self, index: int, call: _FitCall) -> Any:
        """Wait (releasing the turn) until `call` has trained with the others."""
        with self._condition:
            self._waiting[index] = call
            self._flush()
            while index not in self._results:
                self._condition.wait()
            ok, value = self._results.pop(index)
            if value is _ALONE:  # trained here, in this repeat's thread and turn
                return _alone(call)
        if not ok:
            raise value
        return value

    def _flush(self) -> None:
        """When every running job waits in fit, train the waiting calls."""
        if not self._waiting or len(self._waiting) < self._running:
            return
        waiting, self._waiting = self._waiting, {}
        groups: dict[Any, list[int]] = {}
        for index, call in sorted(waiting.items()):
            key = call.key if call.key is not None else ("alone", index)
            groups.setdefault(key, []).append(index)
        for indices in groups.values():
            calls = [waiting[i] for i in indices]
            if len(calls) == 1:
                self._results[indices[0]] = (True, _ALONE)
                continue
            together = _evaluate_together if calls[0].evaluating else _train_together
            try:
                for index, result in zip(indices, together(calls), strict=True):
                    self._results[index] = (True, result)
            except Exception as error:
                for index in indices:
                    self._results[index] = (False, error)
        self._condition.notify_all()
