"""`Trainer`: fit, evaluate and predict any model that follows seqlab's forward contract.

The contract is ``model(x, state=None) -> (y, state)``. Models built from a
`ModelSpec` follow it, and so can a user's own `nn.Module` (pass `task=`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from seqlab._validation import (
    as_numeric_array,
    check_finite,
    check_float,
    check_int,
    check_ndim,
)
from seqlab.data.batching import minibatches, stateful_layout
from seqlab.errors import BundleError, ValidationError
from seqlab.models.inference import Stream, activate, eval_mode
from seqlab.models.spec import TASKS
from seqlab.train._divergence import DivergenceGuard
from seqlab.train._progress import ProgressReporter
from seqlab.train._run_state import EpochTotals, RunState
from seqlab.train.callbacks import Callback, RecordEpoch, RepeatEpoch, Validation, watching
from seqlab.train.config import TrainerConfig
from seqlab.train.distributed import world as join_world
from seqlab.train.history import History
from seqlab.train.inputs import (
    ArrayFeed,
    HostColumn,
    IterableFeed,
    LazyBatches,
    file_backed,
    is_batch_iterable,
    rows_of,
)
from seqlab.train.losses import DEFAULT_LOSS, LOSS_TASKS, get_loss
from seqlab.train.metrics import DEFAULT_METRICS, get_metric
from seqlab.train.optimizers import make_optimizer
from seqlab.train.precision import Precision, resolve_device
from seqlab.train.threads import use_threads


def _as_array(data: Any, name: str = "x") -> np.ndarray:
    """`data` as a numpy array torch can take: read-only views (`windows`) and arrays with
    negative strides (``y[:, ::-1]``) are copied, as torch refuses or warns on them."""
    if isinstance(data, HostColumn):
        return data.array
    if isinstance(data, torch.Tensor):
        array = data.detach().cpu().numpy()
    else:
        array = as_numeric_array(data, name, "Trainer")
    if array.dtype.kind in "iub" or (
            array.flags.writeable and all(stride >= 0 for stride in array.strides)):
        return array  # integer batches are gathered (so copied) one at a time
    return np.array(array, copy=True, order="C")


Column = torch.Tensor | HostColumn
_Feed = ArrayFeed | IterableFeed

NONFINITE_CHECK_EVERY = 16
"""Batches between looks at the training loss for NaN/infinity within an epoch (a look
waits for the device); a lost epoch is cut short at the next look."""


def _first(*values: Any) -> Any:
    """The first of `values` that is not None (None when all are)."""
    return next((value for value in values if value is not None), None)


def _check_callbacks(callbacks: Any, owner: str) -> list[Callback]:
    """`callbacks` as a list of `Callback` instances, or a `ValidationError` naming what is
    not one (a single callback not in a list, a class instead of an instance, ...)."""
    if isinstance(callbacks, Callback):
        raise ValidationError(f"The 'callbacks' parameter of {owner} must be a list of "
                              f"callbacks; got a single {type(callbacks).__name__} (write "
                              f"[{type(callbacks).__name__}(...)]).")
    try:
        callbacks = list(callbacks)
    except TypeError:
        raise ValidationError(f"The 'callbacks' parameter of {owner} must be a list of "
                              f"callbacks; got {type(callbacks).__name__}.") from None
    bad = next((c for c in callbacks if not isinstance(c, Callback)), None)
    if bad is not None:
        what = (f"the class {bad.__name__} (an instance is needed: {bad.__name__}(...))"
                if isinstance(bad, type) else f"{bad!r:.60} of type {type(bad).__name__}")
        raise ValidationError(f"The 'callbacks' parameter of {owner} must hold "
                              f"seqlab.train.Callback instances; got {what}.")
    return callbacks


def _unique(callbacks: list[Callback]) -> list[Callback]:
    """`callbacks` in order, each once (a runner's callback may also be passed to fit)."""
    seen: set[int] = set()
    return [c for c in callbacks if id(c) not in seen and not seen.add(id(c))]


@dataclass(frozen=True)
class Batch:
    """One batch of a pass, as `Trainer.train_step` and `Trainer.evaluate_step` get it.

    Attributes
    ----------
    x, y:
        This process's rows of the batch, checked and on the trainer's device.
    step:
        The batch's index within the epoch (0-based).
    rows:
        The batch's rows over all processes (``len(x)`` unless launched by torchrun).
    stream:
        The pass's carried recurrent state (`seqlab.models.inference.Stream`): fresh for
        each batch of a stateless trainer, continued batch to batch by a stateful one.
    """

    x: torch.Tensor
    y: torch.Tensor
    step: int
    rows: int
    stream: Stream

    def forward(self, model: nn.Module) -> torch.Tensor:
        """``model``'s raw output for `x`, the carried state passed in and kept (detached)."""
        return self.stream(model, self.x)



def _maps_a_file(array: np.ndarray) -> bool:
    """Whether `array` is, or views, a memory-mapped file."""
    seen = 0
    while array is not None and seen < 32:  # views of views (as_strided: a DummyArray)
        if isinstance(array, np.memmap):
            return True
        array, seen = getattr(array, "base", None), seen + 1
    return False

class Trainer:
    """Trains a sequence model and uses it.

    Parameters
    ----------
    model:
        A module with ``forward(x, state=None) -> (y, state)``.
    task:
        ``regression``, ``binary`` or ``multiclass``; taken from ``model.spec`` when present.
    loss, metrics:
        Names (or a callable loss, which a bundle cannot store); defaults follow the task.
    config:
        A `TrainerConfig`; keyword `settings` (its field names) override its fields, so
        ``Trainer(model, lr=1e-2, stateful=True)`` works without building one.
    optimizer, lr, momentum, weight_decay:
        ``adam``, ``adamw``, ``sgd``, ``rmsprop`` or ``adagrad``; ``lr=None`` takes
        Keras' default. AdamW's ``weight_decay`` is decoupled and spares biases.
    stateful:
        Carry the recurrent state from batch to batch (detached between batches:
        truncated backpropagation through time) and reset it at each epoch's end.
        Training samples are read as one time-ordered stream that seqlab lays out in
        ``batch_size`` parallel segments, so row i of each batch continues row i of
        the previous batch. Prediction then carries state from call to call until
        `reset_state` and works with any number of rows, one included.
    clip_grad_norm:
        Clip the gradients' global norm to this value (None: no clipping).
    on_divergence, spike_factor, max_rollbacks:
        What to do when an epoch's loss is NaN/infinite or above ``spike_factor`` times
        the best epoch loss so far: ``raise`` a `TrainingDivergedError`, or ``rollback``
        to the last good epoch's weights and optimizer state with the learning rate
        halved (at most `max_rollbacks` times), warning with a `DivergenceWarning`.
    l1, l2:
        Weight regularisation (Keras' ``L1L2``): ``l1 * sum|w| + l2 * sum w**2`` over the
        weight matrices (not biases) is added to the training loss.
    seed:
        Makes shuffling and dropout repeatable (weights are seeded by ``build(seed=)``).
    device:
        ``auto`` (the default: a GPU when present, else the CPU), ``cpu``, ``cuda``,
        ``cuda:N`` or ``mps``; one this machine lacks is a `ValidationError`. The number
        format is the ``precision`` setting (``32``, ``bf16``, ``16``; see
        `seqlab.train.precision`).
    callbacks:
        Callbacks notified by every `fit` (before those passed to `fit` itself).

    A subclass changes one batch's work by overriding `train_step` (or `evaluate_step`);
    callbacks see the trainer through `seqlab.train.view.TrainerView`.
    """

    def __init__(self, model: nn.Module, config: TrainerConfig | None = None, *,
                 device: str = "auto", callbacks: Iterable[Callback] = (), **settings: Any):
        if not isinstance(model, nn.Module):
            raise ValidationError(
                f"The 'model' parameter of Trainer must be a torch nn.Module (e.g. from "
                f"seqlab.models.build(spec)). Got {type(model).__name__} {model!r:.60} instead.")
        config = config if config is not None else TrainerConfig()
        if not isinstance(config, TrainerConfig):
            raise ValidationError(
                f"The 'config' parameter of Trainer must be a TrainerConfig; got "
                f"{type(config).__name__}. Pass settings as keywords, or "
                f"TrainerConfig.from_dict(...).")
        loss = settings.get("loss")
        custom_loss = loss if loss is not None and not isinstance(loss, str) else None
        if custom_loss is not None:
            settings["loss"] = None  # a callable cannot be plain data: kept beside the config
        spec = getattr(model, "spec", None)
        config = config.replace("Trainer", **settings)
        implied = LOSS_TASKS.get(config.loss) if isinstance(config.loss, str) else None
        if config.task is None:
            task = spec.task if spec is not None else implied
            if task is None:
                raise ValidationError(
                    "The 'task' parameter of Trainer is required for a model without a "
                    f"`spec` and without a named loss: pass one of {list(TASKS)}.")
            config = config.replace(task=task)
        for source, task in (("the model's spec", spec.task if spec is not None else None),
                             ("the Trainer's task", config.task)):
            if implied is not None and task is not None and task != implied:
                raise ValidationError(
                    f"The loss {config.loss!r} is for {implied} models, but {source} says "
                    f"{task!r} (its head and metrics follow that task). Build the model with "
                    f"task={implied!r}, or pick a loss for {task} ("
                    f"{', '.join(k for k, v in LOSS_TASKS.items() if v == task)}).")
        self.config = config
        self.device = resolve_device(device)
        self.world = join_world(self.device)
        if self.world.parallel and self.device.type == "cuda" and self.device.index is None:
            self.device = torch.device("cuda", torch.cuda.current_device())
        self.world.broadcast_module(model.to(self.device))
        self.precision = Precision(config.precision, self.device)
        self.model = model.to(self.device)
        self.loss_fn = custom_loss or get_loss(config.loss or DEFAULT_LOSS[self.task])
        self.metric_names = list(DEFAULT_METRICS[self.task] if config.metrics is None
                                 else config.metrics)
        self.metric_fns = {name: get_metric(name, self.task) for name in self.metric_names}
        self.optimizer = make_optimizer(config.optimizer, model.parameters(), config.lr,
                                        config.momentum, config.weight_decay)
        self.callbacks = _check_callbacks(callbacks, "Trainer")
        self.events_: list[dict[str, Any]] = []
        self.stop_training = False
        self._prediction = Stream(config.stateful)
        self.history_ = History()

    # Read-only views of the configuration (change them through a new TrainerConfig).
    task = property(lambda self: self.config.task, doc="The task (from the config or spec).")
    stateful = property(lambda self: self.config.stateful, doc="TrainerConfig.stateful.")
    seed = property(lambda self: self.config.seed, doc="TrainerConfig.seed.")
    clip_grad_norm = property(lambda self: self.config.clip_grad_norm,
                              doc="TrainerConfig.clip_grad_norm.")
    l1 = property(lambda self: self.config.l1, doc="TrainerConfig.l1.")
    l2 = property(lambda self: self.config.l2, doc="TrainerConfig.l2.")
    on_divergence = property(lambda self: self.config.on_divergence,
                             doc="TrainerConfig.on_divergence.")
    spike_factor = property(lambda self: self.config.spike_factor,
                            doc="TrainerConfig.spike_factor.")
    max_rollbacks = property(lambda self: self.config.max_rollbacks,
                             doc="TrainerConfig.max_rollbacks.")
    optimizer_name = property(lambda self: self.config.optimizer,
                              doc="TrainerConfig.optimizer.")
    loss_name = property(lambda self: self.config.loss,
                         doc="The registered loss name (None: the task's default or a "
                             "custom callable).")

    def settings(self, **fit_args: Any) -> TrainerConfig:
        """The configuration as it stands now, for a bundle: the current learning rate,
        the resolved metrics and any `fit_args` (epochs, batch_size, shuffle) recorded.
        A trainer with a custom callable loss cannot be described and is refused."""
        if self.loss_name is None and self.loss_fn is not get_loss(DEFAULT_LOSS[self.task]):
            raise BundleError(
                "The trainer uses a custom callable loss, which a bundle cannot store (bundles "
                "never carry code). Train with a registered loss name, or pass trainer_config= "
                "yourself.")
        return self.config.replace(lr=self.lr, metrics=list(self.metric_names),
                                   **{k: v for k, v in fit_args.items() if v is not None})

    # ----------------------------------------------------------------- training
    def fit(
        self,
        x: Any,
        y: Any = None,
        *,
        epochs: int | None = None,
        batch_size: int | None = None,
        shuffle: bool | None = None,
        validation_split: float = 0.0,
        validation_data: tuple[Any, Any] | None = None,
        callbacks: Iterable[Callback] = (),
        verbose: int = 1,
        checkpoint: str | Path | None = None,
        checkpoint_every: int | None = None,
        resume_from: str | Path | None = None,
    ) -> History:
        """Train for `epochs` passes over (x, y); returns the `History` (also ``history_``).

        `x` and `y` are arrays of samples, or `x` is an iterable of ``(x, y)`` batches (a
        torch ``DataLoader``, a list, a generator for a single epoch) and `y` is left out.
        Float arrays are moved to the device whole; integer arrays (ids, ``uint8``
        frames, memory-mapped token files) are converted batch by batch.

        `epochs`, `batch_size` and `shuffle` not given come from the `TrainerConfig`, else
        1 epoch of batches of 32. `shuffle` defaults to True, and to False for a stateful
        trainer (where True is an error: it would break the continuity that stateful
        training relies on). `validation_split` holds out the last fraction of samples, as
        Keras does. If the loss becomes NaN or infinite (or spikes, with `spike_factor`),
        the weights are restored to the end of the last good epoch; then, by
        `on_divergence`, either `TrainingDivergedError` (carrying the history) is raised or
        the epoch is run again at a lower learning rate (recorded in ``events_``).

        With `checkpoint` (a folder), everything needed to continue exactly is written
        there at each epoch's end, every `checkpoint_every` batches when given, and when
        SIGINT or SIGTERM arrives: then training stops at the end of the current batch
        and `TrainingInterrupted` is raised. `resume_from` continues from such a folder:
        call `fit` with the same data and settings on a trainer built the same way, and
        the run ends exactly as one that was never interrupted.

        Launched by torchrun, the batches are divided among the processes (see
        `seqlab.train.distributed`); `batch_size` stays the global batch.

        Each batch goes through `train_step` (a subclass may override it). Everything
        besides the steps is a callback on one notification path, in this order: the
        divergence guard, validation, the history record, progress, then the trainer's
        callbacks, those passed here and those of `watch_training` blocks.
        """
        callbacks = _check_callbacks(callbacks, "Trainer.fit")
        epochs, batch_size, shuffle, verbose = self._fit_settings(
            epochs, batch_size, shuffle, verbose, validation_split, checkpoint_every)
        feed, validation_data = self._feed(x, y, epochs, batch_size, shuffle,
                                           validation_split, validation_data)
        rng = self._seed_generators()
        guard = self._divergence_guard(feed, batch_size)
        progress = ProgressReporter(verbose if self.world.main else 0, epochs, feed.steps or 0)
        self._callbacks = self._assemble_callbacks(guard, validation_data, batch_size,
                                                   progress, callbacks)
        self.history_, self.events_ = History(), []
        self.stop_training = self._reset_requested = False
        run = RunState(self, guard=guard, feed=feed, callbacks=self._callbacks,
                       scaler=self.precision.scaler, config=self.config, rng=rng,
                       path=checkpoint, every=checkpoint_every,
                       fit_args={"epochs": epochs, "batch_size": batch_size,
                                 "shuffle": bool(shuffle)})
        with self._running(run, progress, batch_size):
            self._notify("on_train_begin", {"epochs": epochs, "steps": feed.steps,
                                            "samples": feed.samples})
            if resume_from is not None:
                run.resume(resume_from)
            self._run_epochs(feed, run, epochs)
        self._notify("on_train_end", self.history_.last())
        return self.history_

    # The named steps of `fit`, in the order it takes them.
    def _fit_settings(self, epochs: int | None, batch_size: int | None, shuffle: bool | None,
                      verbose: int, validation_split: float, checkpoint_every: int | None,
                      ) -> tuple[int, int, bool, int]:
        """The fit's arguments checked, with the config's values (then the defaults) for
        those not given: (epochs, batch_size, shuffle, verbose)."""
        epochs = check_int("epochs", _first(epochs, self.config.epochs, 1), "Trainer.fit",
                           low=1)
        batch_size = check_int("batch_size", _first(batch_size, self.config.batch_size, 32),
                               "Trainer.fit", low=1)
        shuffle = _first(shuffle, self.config.shuffle, not self.stateful)
        verbose = check_int("verbose", verbose, "Trainer.fit", low=0, high=2)
        check_float("validation_split", validation_split, "Trainer.fit", low=0.0, high=0.99)
        if checkpoint_every is not None:
            check_int("checkpoint_every", checkpoint_every, "Trainer.fit", low=1)
        if shuffle and self.stateful:
            raise ValidationError(
                "The 'shuffle' parameter of Trainer.fit must be False for a stateful trainer: "
                "shuffling breaks the batch-to-batch continuity that carried state relies on."
            )
        if self.world.parallel and batch_size < self.world.size or (
                self.stateful and batch_size % self.world.size):
            raise ValidationError(
                f"The 'batch_size' parameter of Trainer.fit ({batch_size}) is the global batch, "
                f"divided among {self.world.size} processes; it must be "
                + ("a multiple of the process count for a stateful trainer (each process "
                   "carries the state of its own streams)." if self.stateful else
                   "at least the process count."))
        return epochs, batch_size, bool(shuffle), verbose

    def _feed(self, x: Any, y: Any, epochs: int, batch_size: int, shuffle: bool,
              validation_split: float, validation_data: tuple[Any, Any] | None,
              ) -> tuple[_Feed, tuple[Column, Column] | None]:
        """The training data adapted to batches (arrays checked and put on the device, or
        an iterable of batches checked as it is read), and the validation pair checked:
        `validation_data`, or the last `validation_split` of the samples."""
        if is_batch_iterable(x):
            if y is not None or validation_split:
                raise ValidationError(
                    "Trainer.fit got an iterable of batches as `x`: each batch is an (x, y) "
                    "pair, so leave `y` and `validation_split` out (pass validation_data).")
            feed: _Feed = IterableFeed(self.world, x, epochs, self._prepare_batch)
        else:
            if y is None:
                raise ValidationError("Trainer.fit needs `y` (the targets) beside an array `x`; "
                                      "or pass an iterable of (x, y) batches as `x`.")
            x = self._inputs(x, "x")
            y = self._targets(y, x)
            if validation_data is None and validation_split > 0:
                n_val = max(1, int(round(len(x) * validation_split)))
                if n_val >= len(x):
                    raise ValidationError(
                        f"The 'validation_split' parameter of Trainer.fit ({validation_split}) "
                        f"holds out {n_val} of {len(x)} sample(s) and leaves none to train on; "
                        f"pass more samples or a smaller split.")
                validation_data = (rows_of(x, slice(-n_val, None)),
                                   rows_of(y, slice(-n_val, None)))
                x, y = rows_of(x, slice(None, -n_val)), rows_of(y, slice(None, -n_val))
            feed = ArrayFeed(self.world, x, y,
                             self._batch_plan(len(x), batch_size, shuffle=shuffle))
        if validation_data is not None:
            validation_data = self._validation_pair(validation_data)
        return feed, validation_data

    def _prepare_batch(self, x: Any, y: Any, name: str, check_shape: bool,
                       ) -> tuple[Column, Column]:
        """One batch of an iterable, checked and converted as arrays given to `fit` are."""
        x = self._inputs(x, name)
        return x, self._targets(y, x, check_shape=check_shape)

    def _seed_generators(self) -> np.random.Generator:
        """Seed torch (dropout; each process its own masks) and return the generator the
        batch plans are drawn from (all processes agree on the seed)."""
        seed = self.world.same_seed(self.seed)
        if seed is not None:
            torch.manual_seed(seed + self.world.rank)
        return np.random.default_rng(seed)

    def _divergence_guard(self, feed: _Feed, batch_size: int) -> DivergenceGuard:
        """The guard against a diverging loss, with the untrained model's loss on one batch
        as its best loss when spikes are watched: a first epoch that explodes is a spike
        too, and the starting weights are the good state to return to."""
        guard = DivergenceGuard(self, self.on_divergence, self.spike_factor,
                                self.max_rollbacks, lr_factor=0.5)
        probe = feed.probe(batch_size)
        if self.spike_factor is not None and probe is not None:
            guard.best_loss = self._evaluate(*probe, batch_size)["loss"]
        return guard

    def _assemble_callbacks(self, guard: DivergenceGuard,
                            validation_data: tuple[Column, Column] | None, batch_size: int,
                            progress: ProgressReporter, callbacks: Iterable[Callback],
                            ) -> list[Callback]:
        """Every callback of the fit in notification order (see `fit`), each once."""
        steps: list[Callback] = [guard]
        if validation_data is not None:
            steps.append(Validation(partial(self._evaluate, *validation_data, batch_size)))
        steps += [RecordEpoch(), progress]
        return _unique([*steps, *self.callbacks, *callbacks, *watching()])

    @contextmanager
    def _running(self, run: RunState, progress: ProgressReporter,
                 batch_size: int) -> Iterator[None]:
        """The callbacks told their trainer, SIGINT/SIGTERM armed (with a checkpoint), the
        threads chosen for the model's step, the callbacks' evaluation contexts gathered; all
        undone when training ends or fails."""
        for callback in self._callbacks:
            callback.set_trainer(self)
        disarm = run.arm_signals()
        restore_threads = use_threads(self.model, batch_size)  # 1 for tiny models
        self._evaluating = [c for c in self._callbacks
                            if type(c).evaluating is not Callback.evaluating]
        try:
            yield
        finally:
            restore_threads()
            disarm()
            progress.close()
            self._evaluating = []

    def _run_epochs(self, feed: _Feed, run: RunState, epochs: int) -> None:
        """Train epoch by epoch until `epochs` are done or a callback stops training; an
        epoch the divergence guard rolled back (`RepeatEpoch`) is run again."""
        watchers = [c for c in self._callbacks if c.watches_batches]
        while run.epoch < epochs:
            self._notify("on_epoch_begin", run.epoch)
            self.model.train()
            batches = feed.epoch(run.epoch_plan(), run.batch)
            logs = self._run_epoch(batches, train=True, watchers=watchers, run=run)
            try:
                self._notify("on_epoch_end", run.epoch, {"epoch": run.epoch + 1, **logs})
            except RepeatEpoch:
                run.repeat_epoch()
                continue
            run.next_epoch()
            if self.stop_training:
                break

    def _notify(self, hook: str, *args: Any) -> None:
        for callback in self._callbacks:
            getattr(callback, hook)(*args)

    def _batch_plan(self, n: int, batch_size: int, *, shuffle: bool = False,
                    evaluating: bool = False) -> Callable[[Any], Sequence[Any]]:
        """``plan(rng)`` -> one epoch's batches of sample indices: the stateful layout (its
        errors raised here, before training starts), or minibatches in order or shuffled.
        Across processes, a last minibatch too small to divide among them is left out."""
        if self.stateful:
            layout = stateful_layout(n, min(batch_size, n) if evaluating else batch_size)
            batches = LazyBatches(layout.steps_per_epoch, layout.batch_indices)
            return lambda rng: batches
        parallel = self.world.size

        def plan(rng: Any) -> Sequence[Any]:
            batches = minibatches(n, batch_size, shuffle=shuffle and rng is not None, rng=rng)
            if parallel > 1 and len(batches) > 1 and len(batches[-1]) < parallel:
                batches = batches[:-1]
            return batches
        return plan

    # ------------------------------------------------------------------- steps
    def train_step(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        """One optimizer step on `batch`; returns ``(loss, output)``. Override it to change
        what training minimises.

        The default runs the model under the precision's autocast (`Batch.forward` carries
        the recurrent state of a stateful trainer), takes the loss, adds the l1/l2 weight
        penalty, and calls `optimizer_step`. An override may do anything a step needs; for
        one more loss term::

            class SmoothTrainer(Trainer):
                def train_step(self, batch):
                    with self.precision.autocast():
                        output = batch.forward(self.model)
                        loss = self.loss_fn(output, batch.y)
                    loss = loss + 0.1 * output.diff(dim=1).pow(2).mean()
                    self.optimizer_step(loss, batch)
                    return loss, output

        What the step returns is what the epoch reports: its ``loss`` is the sample-weighted
        mean of the returned losses (the divergence guard watches that number), and the
        metrics are computed from the returned outputs against ``batch.y``. Validation and
        `evaluate` go through `evaluate_step` instead.
        """
        with self.precision.autocast():
            output = batch.forward(self.model)
            loss = self.loss_fn(output, batch.y)
        if self.l1 or self.l2:
            loss = loss + self.weight_penalty()
        self.optimizer_step(loss, batch)
        return loss, output

    def evaluate_step(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        """The loss and output on `batch` without training (runs under ``torch.no_grad``
        with the model in eval mode); returns ``(loss, output)``. Override it together
        with `train_step` when validation must score the same objective."""
        with self.precision.autocast():
            output = batch.forward(self.model)
            return self.loss_fn(output, batch.y), output

    def optimizer_step(self, loss: torch.Tensor, batch: Batch) -> None:
        """Backpropagate `loss` and step the optimizer: gradients zeroed first, scaled for
        mixed precision, averaged over the processes of a torchrun launch (weighted by
        `batch`'s share of the rows) and clipped to ``clip_grad_norm``."""
        self.optimizer.zero_grad(set_to_none=True)
        sync = None
        if self.world.parallel:
            sync = partial(self.world.average_gradients, self.model, len(batch.x) / batch.rows)
        self.precision.step(loss, self.optimizer, self.model, self.clip_grad_norm, sync)

    def _run_epoch(self, batches: Iterable[tuple[int, torch.Tensor, torch.Tensor, int]], *,
                   train: bool, watchers: Sequence[Callback] = (),
                   run: RunState | None = None) -> dict[str, float]:
        """One pass over `batches` (step, x, y, rows over all processes) through
        `train_step` or `evaluate_step`; returns the loss and metrics averaged over the
        samples seen. Sums stay on the device, so nothing waits for it batch by batch
        unless a callback watches batches, a checkpoint is armed or processes must agree
        on stopping."""
        stream = Stream(self.stateful)  # every pass starts a fresh state
        totals = EpochTotals(self.world, self.metric_fns, self.device)
        if run is not None:
            run.attach(stream, totals)
        step_of = self.train_step if train else self.evaluate_step
        world = self.world
        look_each_batch = bool(watchers) or (run is not None and run.looks_each_batch)
        for step, xb, yb, n_global in batches:
            loss, output = step_of(Batch(xb, yb, step, n_global, stream))
            if train and step % NONFINITE_CHECK_EVERY == NONFINITE_CHECK_EVERY - 1 and world.any(
                    int(not bool(torch.isfinite(loss))))[0]:
                totals.add(loss, None, yb, len(xb))
                break  # the epoch is lost: stop spending time on it
            with torch.no_grad():
                totals.add(loss, output.detach(), yb, len(xb))
            if look_each_batch:
                if watchers:
                    batch_logs = {"loss": loss.item()}
                    for callback in watchers:
                        callback.on_batch_end(step, batch_logs)
                    if self._reset_requested:
                        stream.reset()
                        self._reset_requested = False
                if run is not None and run.after_batch(step):
                    break
        return totals.logs()

    _reset_requested = False
    _callbacks: list[Callback] = []
    _evaluating: list[Callback] = []

    def weight_penalty(self) -> torch.Tensor:
        """``l1 * sum|w| + l2 * sum w**2`` over the weight matrices (not biases): the term
        the default `train_step` adds to the loss when ``l1`` or ``l2`` is set."""
        penalty = torch.zeros((), device=self.device)
        for parameter in self.model.parameters():
            if parameter.dim() >= 2:  # weight matrices, as Keras' kernel regularisers
                if self.l1:
                    penalty = penalty + self.l1 * parameter.abs().sum()
                if self.l2:
                    penalty = penalty + self.l2 * parameter.pow(2).sum()
        return penalty

    # ---------------------------------------------------------------- inference
    def evaluate(self, x: Any, y: Any, *, batch_size: int | None = None) -> dict[str, float]:
        """Loss and metrics on (x, y), without training.

        A stateful trainer reads the samples as one ordered stream laid out in
        `batch_size` parallel segments, starting from a fresh state (its prediction
        state is left untouched).
        """
        x = self._inputs(x, "x")
        batch_size = check_int("batch_size", 32 if batch_size is None else batch_size,
                               "Trainer.evaluate", low=1)
        return self._evaluate(x, self._targets(y, x), batch_size)

    @property
    def swaps_evaluation_weights(self) -> bool:
        """Whether evaluations now see weights other than the model's own (a callback such
        as `AverageWeights` puts its average in place during `fit`)."""
        return bool(self._evaluating)

    @contextmanager
    def evaluation_weights(self) -> Iterator[None]:
        """The weights evaluations see: during `fit`, those the callbacks put in place
        (`AverageWeights`' average); otherwise the model's own."""
        with ExitStack() as stack:
            for callback in self._evaluating:
                stack.enter_context(callback.evaluating())
            yield

    def _evaluate(self, x: Column, y: Column, batch_size: int) -> dict[str, float]:
        feed = ArrayFeed(self.world, x, y, self._batch_plan(len(x), batch_size, evaluating=True))
        with torch.no_grad(), eval_mode(self.model), self.evaluation_weights():
            return self._run_epoch(feed.epoch(feed.plan(None), 0), train=False)

    def predict(self, x: Any, *, batch_size: int = 256) -> np.ndarray:
        """Model outputs for x with the task's activation applied (probabilities for
        classification, values for regression), as a numpy array.

        For a stateful trainer the rows of x are read in order as one stream, each
        continuing from the state the previous row (or the previous call) left; call
        `reset_state` to start a new stream. Any number of rows works, one included.
        """
        x = self._inputs(x, "x")
        batch_size = check_int("batch_size", batch_size, "Trainer.predict", low=1)
        with torch.no_grad(), eval_mode(self.model), self.precision.autocast():
            output = self._prediction.rows(self.model, x, batch_size)
        return activate(self.task, output.float()).cpu().numpy()

    def predict_classes(self, x: Any, *, batch_size: int = 256) -> np.ndarray:
        """The most likely class of each sample (Keras' ``predict_classes``): the argmax of
        the probabilities for multiclass, probability above 0.5 for binary."""
        if self.task == "regression":
            raise ValidationError("predict_classes needs a classification model; this one is "
                                  "a regression model (use predict).")
        probabilities = self.predict(x, batch_size=batch_size)
        if self.task == "multiclass":
            return probabilities.argmax(-1)
        classes = (probabilities > 0.5).astype(np.int64)
        return classes[..., 0] if classes.shape[-1] == 1 else classes

    def activate(self, output: torch.Tensor) -> torch.Tensor:
        """Apply the task's output activation to raw model outputs."""
        return activate(self.task, output)

    @property
    def state_(self) -> Any:
        """The state prediction carries (stateful trainers; None at a stream's start)."""
        return self._prediction.state

    def reset_state(self) -> None:
        """Forget the carried state (prediction state, and training state mid-epoch)."""
        self._prediction.reset()
        self._reset_requested = True

    # ------------------------------------------------------------------ weights
    @property
    def lr(self) -> float:
        """The optimizer's current learning rate (settable)."""
        return float(self.optimizer.param_groups[0]["lr"])

    @lr.setter
    def lr(self, value: float) -> None:
        check_float("lr", value, "Trainer", low=0.0)
        for group in self.optimizer.param_groups:
            group["lr"] = value

    def get_weights(self) -> dict[str, torch.Tensor]:
        """A copy of the model's weights."""
        return {k: v.detach().clone() for k, v in self.model.state_dict().items()}

    def set_weights(self, weights: dict[str, torch.Tensor]) -> None:
        """Load weights from `get_weights` (or a safetensors file's tensors); weights of
        another model (names or shapes that differ) are a `ValidationError` naming them."""
        if not isinstance(weights, dict):
            raise ValidationError(f"set_weights takes a dict of tensors (from get_weights); "
                                  f"got {type(weights).__name__}.")
        own = self.model.state_dict()
        missing, unknown = sorted(set(own) - set(weights)), sorted(set(weights) - set(own))
        shapes = [k for k in own if k in weights and tuple(getattr(weights[k], "shape", ()))
                  != tuple(own[k].shape)]
        if missing or unknown or shapes:
            said = "; ".join(part for part in (
                f"missing {missing[:3]}" if missing else "",
                f"unknown {unknown[:3]}" if unknown else "",
                f"of other shapes {shapes[:3]}" if shapes else "") if part)
            raise ValidationError(f"The weights are not this model's: {said}.")
        self.model.load_state_dict(weights)

    # --------------------------------------------------------------- validation
    def check_inputs(self, x: Any, name: str = "x") -> Column:
        """`x` checked and converted as `fit` takes it (for trainers built on this one,
        such as `seqlab.train.batched`)."""
        return self._inputs(x, name)

    def check_targets(self, y: Any, x: Column, check_shape: bool = True) -> Column:
        """`y` checked against the inputs `x` and converted as `fit` takes it."""
        return self._targets(y, x, check_shape)

    def _inputs(self, x: Any, name: str) -> Column:
        array = _as_array(x, name)
        spec = getattr(self.model, "spec", None)
        if spec is not None:
            if spec.takes_ids:
                check_ndim(name, array, 2, "(batch, timesteps) of integer ids")
            elif spec.frontend == "cnn":
                check_ndim(name, array, 5, "(batch, frames, height, width, channels)")
                if list(array.shape[2:]) != list(spec.frame_shape):
                    raise ValidationError(
                        f"`{name}` has frames of shape {array.shape[2:]} but the model expects "
                        f"frame_shape={spec.frame_shape} (height, width, channels); got shape "
                        f"{array.shape}."
                    )
            elif not (spec.architecture == "mlp_window" and array.ndim == 2):
                check_ndim(name, array, 3, "(batch, timesteps, features)")
                if array.shape[-1] != spec.input_size:
                    raise ValidationError(
                        f"`{name}` has {array.shape[-1]} features per time step but the model "
                        f"expects input_size={spec.input_size}; got shape {array.shape}."
                    )
        if array.ndim == 0 or array.shape[0] == 0:
            raise ValidationError(f"`{name}` holds no samples; got shape {array.shape}.")
        if spec is None and array.dtype.kind in "iu":
            # A user's own module decides what integers mean (ids for an embedding, say).
            return HostColumn(array, torch.long, self.device, name)
        if not self._takes_ids() and array.dtype.kind in "iub":
            return HostColumn(array, torch.float32, self.device, name)  # uint8 frames, say
        if not self._takes_ids():
            tensor = torch.as_tensor(array, dtype=torch.float32, device=self.device)
            if not torch.isfinite(tensor).all():  # one pass over the data when it is sound
                check_finite(name, array)  # names the input's own first NaN or infinity
                raise ValidationError(
                    f"`{name}` holds values beyond what float32 holds (largest "
                    f"{np.abs(array).max():.3g}); rescale it first.")
            return tensor
        if array.dtype.kind not in "iu":
            raise ValidationError(
                f"`{name}` must hold integer symbol ids for a '{spec.frontend}' frontend; "
                f"got dtype {array.dtype}."
            )
        if file_backed(array):  # scanning it all would read the whole file into memory
            return HostColumn(array, torch.long, self.device, name, id_limit=spec.input_size)
        if array.min() < 0 or array.max() >= spec.input_size:
            raise ValidationError(
                f"`{name}` holds ids outside [0, {spec.input_size}); "
                f"min {array.min()}, max {array.max()}."
            )
        return HostColumn(array, torch.long, self.device, name)

    def _takes_ids(self) -> bool:
        spec = getattr(self.model, "spec", None)
        return spec is not None and spec.takes_ids

    def _targets(self, y: Any, x: Column, check_shape: bool = True) -> Column:
        array = _as_array(y, "y")
        if array.ndim == 0 or array.shape[0] != len(x):
            raise ValidationError(
                f"`y` must have one target per sample: x has {len(x)} samples but y has shape "
                f"{array.shape}."
            )
        target: Column
        if array.dtype.kind in "iub":
            kind = torch.long if self.task == "multiclass" else torch.float32
            target = HostColumn(array, kind, self.device, "y")
        else:
            target = torch.as_tensor(array, dtype=torch.float32, device=self.device)
            if not torch.isfinite(target).all():  # as for the inputs: one pass when sound
                check_finite("y", array)
                raise ValidationError(
                    f"`y` holds values beyond what float32 holds (largest "
                    f"{np.abs(array).max():.3g}); rescale it first.")
        if check_shape:
            classes = self._check_target_shape(x, target)
            self._check_target_values(array, classes)
        return target

    def _check_target_values(self, array: np.ndarray, classes: int | None) -> None:
        """Class ids (where `classes` is the model's count) must be whole numbers from 0 to
        classes - 1, and a binary task's targets probabilities from 0 to 1: torch raises an
        IndexError on the first out of range, casts 2.5 to 2, and trains on 2.0 or -1."""
        if array.size == 0 or array.dtype.kind not in "iubf" or \
                self.task not in ("multiclass", "binary") or _maps_a_file(array):
            return  # a memory map is not read whole here (a token file's ids, say)
        if self.loss_fn is not get_loss(self.config.loss or DEFAULT_LOSS[self.task]):
            return  # a loss of the user's own may read other targets (-1 ignored, say)
        low, high = array.min().item(), array.max().item()
        if self.task == "binary":
            if low < 0 or high > 1:
                bad = low if low < 0 else high
                raise ValidationError(f"`y` holds {bad!r}; a binary task's targets are 0 or 1 "
                                      f"(or probabilities between).")
        elif classes is not None:
            whole = array.dtype.kind in "iub" or bool(np.all(np.mod(array, 1) == 0))
            if not whole:
                bad = array.flat[int(np.flatnonzero(np.mod(array, 1) != 0)[0])].item()
                raise ValidationError(f"`y` holds the class id {bad!r}; class ids are whole "
                                      f"numbers from 0 to {classes - 1}.")
            if low < 0 or high >= classes:
                bad = low if low < 0 else high
                raise ValidationError(f"`y` holds the class id {bad!r}, but the model has "
                                      f"{classes} classes: ids run from 0 to {classes - 1}.")

    def _check_target_shape(self, x: Column, y: Column) -> int | None:
        """Refuse targets the model's outputs cannot be scored against; the number of
        classes where `y` holds class ids (one per output row of a multiclass model)."""
        with torch.no_grad(), eval_mode(self.model):
            output = self.model(x[:1])[0]
        per_sample = output.shape[1:]
        target = tuple(y.shape[1:])
        allowed = {tuple(per_sample)}
        if self.task == "multiclass":
            allowed.add(tuple(per_sample[:-1]))
        if self.task in ("regression", "binary") and per_sample.numel() == int(np.prod(target)):
            allowed.add(target)
        if target not in allowed:
            raise ValidationError(
                f"`y` has per-sample shape {target} but the model outputs {tuple(per_sample)} "
                f"per sample for task {self.task!r}"
                + (" (class ids or one-hot rows are accepted)." if self.task == "multiclass"
                   else ".")
            )
        if self.task == "multiclass" and target == tuple(per_sample[:-1]):
            return int(per_sample[-1])
        return None

    def _validation_pair(self, data: tuple[Any, Any]) -> tuple[Column, Column]:
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise ValidationError("`validation_data` must be a pair (x_val, y_val).")
        x_val = self._inputs(data[0], "validation x")
        return x_val, self._targets(data[1], x_val)


