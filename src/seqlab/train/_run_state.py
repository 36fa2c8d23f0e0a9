"""Where a `Trainer.fit` stands, so it can be written to a checkpoint and continued.

`EpochTotals` holds an epoch's running loss and metric sums; `RunState` holds the
position (epoch, batch), the random generators, the signal handlers and the checkpoint
folder, writes checkpoints at batch and epoch ends, and restores one on resume. The
trainer's loop stays short: it asks `RunState` for each epoch's plan and tells it when a
batch or an epoch ends.
"""

from __future__ import annotations

import copy
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch

from seqlab.errors import CheckpointError, SeqlabError, TrainingInterrupted, ValidationError
from seqlab.models.inference import Stream
from seqlab.train._divergence import DivergenceGuard
from seqlab.train.callbacks import Callback
from seqlab.train.checkpoint import (
    changed_settings,
    join_tensors,
    read_checkpoint,
    split_tensors,
    write_checkpoint,
)
from seqlab.train.config import TrainerConfig
from seqlab.train.distributed import World
from seqlab.train.history import History
from seqlab.train.view import TrainerView


class EpochTotals:
    """An epoch's loss and metric sums over the samples seen so far (on the device)."""

    def __init__(self, world: World, metric_fns: dict[str, Any], device: torch.device):
        self.world, self.metric_fns = world, metric_fns
        zero = torch.zeros((), dtype=torch.float64, device=device)
        self.loss = zero.clone()
        self.sums = {name: zero.clone() for name in self.metric_fns}
        self.counts = dict.fromkeys(self.metric_fns, 0)
        self.seen = 0

    def add(self, loss: torch.Tensor, output: torch.Tensor | None, target: torch.Tensor,
            n: int) -> None:
        """Count a batch of `n` samples (its metrics too, unless `output` is None)."""
        self.loss += loss.detach() * n
        self.seen += n
        if output is not None:
            for name, fn in self.metric_fns.items():
                total, count = fn(output, target)
                self.sums[name] += total
                self.counts[name] += count

    def vector(self) -> torch.Tensor:
        """Every sum and count as one float64 vector (to sum over processes or save)."""
        device = self.loss.device
        numbers = [self.loss, torch.tensor(float(self.seen), dtype=torch.float64, device=device)]
        numbers += [self.sums[name] for name in self.metric_fns]
        numbers += [torch.tensor(float(self.counts[name]), dtype=torch.float64, device=device)
                    for name in self.metric_fns]
        return torch.stack(numbers)

    def load(self, vector: torch.Tensor) -> None:
        """Take the sums and counts of `vector` (from `vector`)."""
        values = vector.to(self.loss.device, torch.float64)
        k = len(self.metric_fns)
        self.loss, self.seen = values[0].clone(), int(values[1])
        for i, name in enumerate(self.metric_fns):
            self.sums[name] = values[2 + i].clone()
            self.counts[name] = int(values[2 + k + i])

    def logs(self) -> dict[str, float]:
        """The epoch's averages, over every process's samples."""
        values = self.world.sum(self.vector())
        k = len(self.metric_fns)
        seen = max(float(values[1]), 1.0)
        logs = {"loss": float(values[0] / seen)}
        for i, name in enumerate(self.metric_fns):
            logs[name] = float(values[2 + i] / max(float(values[2 + k + i]), 1.0))
        return logs


def _plain_rng(state: dict[str, Any]) -> dict[str, Any]:
    """A numpy generator state with its 128-bit integers as strings (JSON-safe)."""
    return {"bit_generator": state["bit_generator"],
            "state": {k: str(v) for k, v in state["state"].items()},
            "has_uint32": state["has_uint32"], "uinteger": state["uinteger"]}


def _numpy_rng(plain: dict[str, Any]) -> dict[str, Any]:
    return {**plain, "state": {k: int(v) for k, v in plain["state"].items()}}


def _check_torch_rng(state: torch.Tensor, path: str | Path) -> None:
    """Refuse a torch generator state that `torch.set_rng_state` would not take (tried, and
    the current state put back), now rather than mid-epoch."""
    current = torch.get_rng_state()
    if state.dtype != torch.uint8 or state.shape != current.shape:
        raise CheckpointError(
            f"The checkpoint {path} holds a random generator state of {state.dtype} "
            f"{list(state.shape)}; torch's is {current.dtype} {list(current.shape)}. The "
            f"checkpoint is tampered with or damaged: start the run again without resuming.",
            path)
    try:
        torch.set_rng_state(state)
    finally:
        torch.set_rng_state(current)


class RunState:
    """The position and checkpointing of one `fit` (see the module docstring).

    It is handed what it saves and restores: the trainer's `TrainerView` (model,
    optimizer, history, events, stop flag), the fit's `callbacks` in notification order,
    the mixed-precision `scaler` (None without one) and the `config` recorded to tell a
    checkpoint of another run apart."""

    def __init__(self, trainer: TrainerView, *, guard: DivergenceGuard, feed: Any,
                 callbacks: list[Callback], scaler: Any, config: TrainerConfig,
                 rng: np.random.Generator, path: str | Path | None, every: int | None,
                 fit_args: dict[str, Any]):
        self.trainer, self.guard, self.feed, self.rng = trainer, guard, feed, rng
        self.callbacks, self.scaler, self.config = callbacks, scaler, config
        self.path = None if path is None else Path(path)
        self.every = every
        self.fit_args = {**fit_args, "samples": feed.samples, "processes": trainer.world.size,
                         "stateful": config.stateful}
        self.epoch = self.batch = self.steps_done = 0
        self.epoch_rng = copy.deepcopy(rng.bit_generator.state)
        self.looks_each_batch = self.path is not None or trainer.world.parallel
        self.signal_number = 0
        self.stream: Stream | None = None
        self.totals: EpochTotals | None = None
        self._pending: dict[str, Any] | None = None

    # -------------------------------------------------------------- the loop's calls
    def epoch_plan(self) -> Any:
        """The current epoch's batches, drawn from the generator as it stands at the
        epoch's start (a resumed epoch draws the same plan again)."""
        self.epoch_rng = copy.deepcopy(self.rng.bit_generator.state)
        return self.feed.plan(self.rng)

    def attach(self, stream: Stream, totals: EpochTotals) -> None:
        """The training pass's carried state and sums: a resumed epoch gets them back."""
        self.stream, self.totals = stream, totals
        pending, self._pending = self._pending, None
        if pending is not None:
            stream.state = pending["state"]
            totals.load(pending["totals"])
            torch.set_rng_state(pending["rng"])

    def after_batch(self, step: int) -> bool:
        """After batch `step`: agree with the other processes on stopping, write the
        checkpoint when due or interrupted; returns whether to leave the epoch."""
        trainer = self.trainer
        self.batch, self.steps_done = step + 1, self.steps_done + 1
        stop, interrupted = trainer.world.any(int(trainer.stop_training), self.signal_number)
        trainer.stop_training = bool(stop)
        if interrupted:
            self._interrupted(interrupted, mid_epoch=True)
        if self.path is not None and self.every and self.steps_done % self.every == 0:
            self.save(mid_epoch=True)
        return trainer.stop_training

    def repeat_epoch(self) -> None:
        """The epoch is run again (after a roll-back) from its first batch."""
        self.batch = 0

    def next_epoch(self) -> None:
        """An epoch ended well: move on, and checkpoint there when armed."""
        self.epoch, self.batch = self.epoch + 1, 0
        if self.path is None:
            return
        interrupted = self.trainer.world.any(self.signal_number)[0]
        self.save(mid_epoch=False)
        if interrupted:
            self._interrupted(interrupted, mid_epoch=False, saved=True)

    def _interrupted(self, signal_number: int, *, mid_epoch: bool, saved: bool = False) -> None:
        if self.path is not None and not saved:
            self.save(mid_epoch=mid_epoch)
        name = signal.Signals(signal_number).name
        where = (f"epoch {self.epoch + 1}, batch {self.batch}" if mid_epoch
                 else f"the end of epoch {self.epoch}")
        raise TrainingInterrupted(
            f"Training stopped by {name} at {where}; the checkpoint {self.path} holds "
            f"everything needed to continue: call fit again with resume_from={str(self.path)!r}.",
            signal_number, self.path)

    # ------------------------------------------------------------------- signals
    def arm_signals(self) -> Callable[[], None]:
        """With a checkpoint folder, SIGINT and SIGTERM ask for a checkpoint and a stop at
        the end of the current batch (a second signal acts at once, as before); returns
        the function that puts the previous handlers back."""
        if self.path is None or threading.current_thread() is not threading.main_thread():
            return lambda: None
        previous: dict[int, Any] = {}

        def handler(signal_number: int, frame: Any) -> None:
            self.signal_number = signal_number
            signal.signal(signal_number, previous[signal_number])

        for number in (signal.SIGINT, signal.SIGTERM):
            if signal.getsignal(number) is signal.SIG_IGN:
                continue  # ignored on purpose (a background job of a script): leave it so
            previous[number] = signal.signal(number, handler)

        def disarm() -> None:
            for number, old in previous.items():
                signal.signal(number, old)
        return disarm

    # ---------------------------------------------------------------- checkpoints
    def save(self, *, mid_epoch: bool) -> None:
        """Write the checkpoint (rank 0 writes; every process contributes its own carried
        state, sums and random generator)."""
        trainer, world = self.trainer, self.trainer.world
        tensors: dict[str, torch.Tensor] = {}
        per_process: dict[str, Any] = {}

        def gathered(name: str, tensor: torch.Tensor) -> None:
            for rank, part in enumerate(world.gather(tensor.to(trainer.device))):
                tensors[f"rank{rank}.{name}"] = part.cpu()

        gathered("rng", torch.get_rng_state())
        if mid_epoch:
            gathered("totals", self.totals.vector())
            state: dict[str, torch.Tensor] = {}
            per_process["state"] = split_tensors(self.stream.state, "state", state)
            for name in sorted(state):
                gathered(name, state[name])
        if not world.main:
            return
        callbacks = []
        for index, callback in enumerate(self.callbacks):
            kept = callback.state_dict()
            if kept is not None:
                callbacks.append({"class": type(callback).__name__,
                                  "state": split_tensors(kept, f"callback{index}", tensors)})
        document = {
            "fit": self.fit_args,
            "config": self._config(),
            "position": {"epoch": self.epoch, "batch": self.batch if mid_epoch else 0,
                         "mid_epoch": mid_epoch, "steps_done": self.steps_done},
            "epoch_rng": _plain_rng(self.epoch_rng if mid_epoch else self.rng.bit_generator.state),
            "history": trainer.history_.to_dict(),
            "events": trainer.events_,
            "model": split_tensors(trainer.model.state_dict(), "model", tensors),
            "optimizer": split_tensors(trainer.optimizer.state_dict(), "optimizer", tensors),
            "scaler": (None if self.scaler is None else
                       split_tensors(self.scaler.state_dict(), "scaler", tensors)),
            "guard": {"best_loss": split_tensors(self.guard.best_loss, "g", tensors),
                      "rollbacks": self.guard.rollbacks, "good_epoch": self.guard.good_epoch,
                      "weights": split_tensors(self.guard.weights, "guard.weights", tensors),
                      "optimizer": split_tensors(self.guard.optimizer_state, "guard.optimizer",
                                                 tensors)},
            "callbacks": callbacks,
            "per_process": per_process,
        }
        write_checkpoint(self.path, document, tensors)

    def _config(self) -> dict[str, Any]:
        config = self.config.to_dict()
        config.pop("lr")  # schedules change it; the optimizer state carries the current one
        return config

    def resume(self, path: str | Path) -> None:
        """Continue from the checkpoint folder `path` (after ``on_train_begin``)."""
        document, tensors = read_checkpoint(path)
        try:
            differences = (changed_settings(document["fit"], self.fit_args)
                           + changed_settings(document["config"], self._config()))
            if differences:
                raise ValidationError(
                    f"The checkpoint {path} is of a different run: {'; '.join(differences)}. "
                    f"Resume with the data and settings the run was started with.")
            self._check_position(document["position"], path)
            self._check_history(document["history"], document["position"]["epoch"], path)
            self._restore(document, tensors, path)
        except CheckpointError as error:
            if error.file is not None:
                raise
            raise CheckpointError(f"The checkpoint {path}: {error}", path) from None
        except SeqlabError:
            raise
        except (KeyError, IndexError, TypeError, ValueError, RuntimeError, AttributeError,
                OverflowError) as error:
            # The files passed their checksum, so they were written so (or crafted so).
            raise CheckpointError(
                f"The checkpoint {path} holds a state this run cannot take: "
                f"{type(error).__name__}: {str(error)[:200]} (a tampered or damaged "
                f"checkpoint). Start the run again without resuming.", path) from None

    def _check_position(self, position: Any, path: str | Path) -> None:
        """The position must be one this run can reach: epoch in [0, epochs], a batch
        within the epoch, counts that are non-negative whole numbers."""
        epochs, steps = self.fit_args["epochs"], self.feed.steps

        def whole(key: str, high: int | None) -> int:
            value = position.get(key) if isinstance(position, dict) else None
            if (not isinstance(value, int) or isinstance(value, bool) or value < 0
                    or (high is not None and value > high)):
                within = f"[0, {high}]" if high is not None else "[0, inf)"
                raise CheckpointError(
                    f"The checkpoint {path} has position {key} {str(value)[:40]}; this run "
                    f"({epochs} epoch(s) of {steps if steps is not None else 'unknown'} "
                    f"batch(es)) can only have reached {key} in {within}. The checkpoint is "
                    f"tampered with or damaged: start the run again without resuming.", path)
            return value

        mid = position.get("mid_epoch") if isinstance(position, dict) else None
        if not isinstance(mid, bool):
            raise CheckpointError(f"The checkpoint {path} has position mid_epoch "
                                  f"{str(mid)[:40]}; expected true or false.", path)
        whole("epoch", epochs - 1 if mid else epochs)
        whole("batch", steps if mid else 0)
        whole("steps_done", None)

    @staticmethod
    def _check_history(history: Any, epoch: int, path: str | Path) -> None:
        """A record per finished epoch at most: more would be reported as epochs trained."""
        records = history.get("records") if isinstance(history, dict) else None
        if not isinstance(records, list) or len(records) > epoch:
            count = len(records) if isinstance(records, list) else str(records)[:40]
            raise CheckpointError(
                f"The checkpoint {path} has a history of {count} epoch record(s) at position "
                f"epoch {epoch}; a run records at most one per finished epoch. The checkpoint "
                f"is tampered with or damaged: start the run again without resuming.", path)

    def _restore(self, document: dict[str, Any], tensors: dict[str, torch.Tensor],
                 path: str | Path) -> None:
        trainer = self.trainer
        trainer.model.load_state_dict(join_tensors(document["model"], tensors))
        trainer.optimizer.load_state_dict(join_tensors(document["optimizer"], tensors))
        if document["scaler"] is not None and self.scaler is not None:
            self.scaler.load_state_dict(join_tensors(document["scaler"], tensors))
        trainer.history_ = History.from_dict(document["history"])
        trainer.events_ = list(document["events"])
        guard = document["guard"]
        self.guard.best_loss = join_tensors(guard["best_loss"], tensors)
        self.guard.rollbacks, self.guard.good_epoch = guard["rollbacks"], guard["good_epoch"]
        self.guard.weights = join_tensors(guard["weights"], tensors)
        self.guard.optimizer_state = join_tensors(guard["optimizer"], tensors)
        self._restore_callbacks(document["callbacks"], tensors, path)
        position = document["position"]
        self.epoch, self.batch = position["epoch"], position["batch"]
        self.steps_done = position["steps_done"]
        self.rng.bit_generator.state = _numpy_rng(document["epoch_rng"])
        rank = trainer.world.rank
        rng = tensors[f"rank{rank}.rng"]
        _check_torch_rng(rng, path)
        if not position["mid_epoch"]:
            torch.set_rng_state(rng)
            return
        own = {name[len(f"rank{rank}."):]: tensor.to(trainer.device)
               for name, tensor in tensors.items() if name.startswith(f"rank{rank}.state")}
        self._pending = {"state": join_tensors(document["per_process"]["state"], own),
                         "totals": tensors[f"rank{rank}.totals"], "rng": rng}

    def _restore_callbacks(self, saved: list[dict[str, Any]], tensors: dict[str, torch.Tensor],
                           path: str | Path) -> None:
        keeping = [c for c in self.callbacks if c.state_dict() is not None]
        names = [type(c).__name__ for c in keeping]
        if names != [entry["class"] for entry in saved]:
            raise ValidationError(
                f"The checkpoint {path} was written by a fit with the callbacks "
                f"{[entry['class'] for entry in saved]}; this fit has {names}. Resume with "
                f"the callbacks the run was started with.")
        for callback, entry in zip(keeping, saved, strict=True):
            callback.load_state_dict(join_tensors(entry["state"], tensors))
