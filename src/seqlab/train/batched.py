"""`BatchedTrainer`: K independent models of one architecture trained as one.

Repeats, seed ensembles and tuning grids train many tiny models, where PyTorch's
per-operation overhead (not arithmetic) is the cost: K models cost K times one. Here the
K members live in one `StackedNet` and every step is one forward and one backward for
all of them, while each member still trains exactly as it would alone:

- its initial weights are ``build(spec, seed=seed)``'s;
- its data order is the one `Trainer.fit` draws from its seed (the same
  ``np.random.default_rng(seed)`` permutation each epoch), or the stateful layout;
- its loss is its own (the members' losses are summed, so each member's gradient is
  its own), with its own gradient clipping, L1/L2 penalty, learning rate, Adam state
  and step count (`seqlab.train._stacked_optim`);
- its epochs, validation scores, history, divergence roll-backs and early stopping are
  its own: a member that stops or diverges stops (or is rolled back) alone, and a stopped
  member's weights do not change while the others train on;
- at the end it comes apart into an ordinary `Trainer` (`trainers`) holding the member's
  model, history, events and optimizer state, as if it had trained alone.

The results equal those of each seed trained alone to float rounding: the recurrences
are computed by batched matrix products instead of torch's fused kernels, so weights
differ by about 1e-6 after a short training (the tests bound them by 1e-4), and such
differences can grow over long chaotic trainings. Dropout masks are drawn for all members
at once, so a model with dropout trains with masks of its own but not the ones a lone
training would draw.

Callbacks given to `fit` are copied per member and see a member view of the trainer
(``stop_training``, ``lr``, ``history_``, ``get_weights``/``set_weights``), so
`EarlyStopping` (with ``restore_best_weights``) and `ReduceLROnPlateau`-like epoch
callbacks work per member; callbacks that watch batches are refused.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import torch
from torch.func import vmap
from torch.nn import functional as F

from seqlab._validation import check_float, check_int, check_seed
from seqlab.data.batching import minibatches, stateful_layout
from seqlab.errors import TrainingDivergedError, ValidationError
from seqlab.models.building import build, detach_state
from seqlab.models.members import StackedNet, supports
from seqlab.models.spec import ModelSpec
from seqlab.train import losses as losses_module
from seqlab.train._stacked_optim import StackedOptimizer
from seqlab.train.callbacks import Callback
from seqlab.train.config import TrainerConfig
from seqlab.train.history import History
from seqlab.train.inputs import take
from seqlab.train.losses import DEFAULT_LOSS, get_loss
from seqlab.train.metrics import DEFAULT_METRICS, get_metric
from seqlab.train.threads import use_threads
from seqlab.train.trainer import Trainer

__all__ = ["BatchedTrainer", "train_members", "can_batch", "MEMBER_SETTINGS"]

MEMBER_SETTINGS = ("seed", "lr", "epochs")
"""The `TrainerConfig` fields members of one `BatchedTrainer` may hold different values of;
every other field is shared."""


def can_batch(spec: ModelSpec, config: TrainerConfig | None = None) -> bool:
    """Whether models of `spec` trained with `config` can be members of a `BatchedTrainer`
    (the recurrent and window-MLP architectures, float32, a registered loss)."""
    config = config or TrainerConfig()
    return supports(spec) and config.precision == "32"


def _shared(configs: Sequence[TrainerConfig]) -> TrainerConfig:
    first = configs[0].to_dict()
    for config in configs[1:]:
        for key, value in config.to_dict().items():
            if key not in MEMBER_SETTINGS and value != first[key]:
                raise ValidationError(
                    f"The members of a BatchedTrainer must share every setting but "
                    f"{list(MEMBER_SETTINGS)}; {key!r} is {first[key]!r} for the first and "
                    f"{value!r} for another. Train them in separate groups.")
    return configs[0]


class _MemberView:
    """What a callback of member k sees as its trainer."""

    def __init__(self, owner: BatchedTrainer, k: int):
        self.owner, self.k = owner, k
        self.history_, self.events_ = History(), []
        self.stop_training = False
        self.config = owner.configs[k]
        self.task = owner.task

    @property
    def lr(self) -> float:
        """Member k's learning rate."""
        return float(self.owner.optimizer.lr[self.k])

    @lr.setter
    def lr(self, value: float) -> None:
        check_float("lr", value, "Trainer", low=0.0)
        self.owner.optimizer.lr[self.k] = value

    def get_weights(self) -> dict[str, torch.Tensor]:
        """A copy of member k's weights (the names of its ordinary model)."""
        net = self.owner.net
        return {name: net.weight(name)[self.k].detach().clone() for name in net.names}

    def set_weights(self, weights: dict[str, torch.Tensor]) -> None:
        """Load member k's weights from `get_weights` output."""
        with torch.no_grad():
            for name, value in weights.items():
                self.owner.net.weight(name)[self.k].copy_(value)

    @contextmanager
    def evaluation_weights(self) -> Iterator[None]:
        """The weights evaluations see: the member's own."""
        yield


class BatchedTrainer:
    """Trains K models of one `ModelSpec` at once (see the module docstring).

    Parameters
    ----------
    spec:
        The members' architecture (`can_batch` says which are supported).
    seeds:
        One seed per member: its initial weights (``build(spec, seed=)``), data order and
        the config's ``seed``.
    config:
        One `TrainerConfig` for all, or one per member differing only in
        `MEMBER_SETTINGS` (a tuning grid's learning rates, say).
    models:
        The members' starting models (built from `spec`), when not ``build(spec, seed=)``'s
        for each seed; they are copied, not trained in place (see `hand_over`).
    device:
        As `Trainer`'s.
    """

    def __init__(self, spec: ModelSpec, seeds: Sequence[int],
                 config: TrainerConfig | Sequence[TrainerConfig] | None = None, *,
                 models: Sequence[torch.nn.Module] | None = None, device: str = "auto"):
        if not isinstance(spec, ModelSpec):
            raise ValidationError(f"The 'spec' parameter of BatchedTrainer must be a "
                                  f"ModelSpec. Got {type(spec).__name__} instead.")
        if isinstance(seeds, (str, bytes, Mapping, set, frozenset)) or \
                not isinstance(seeds, Iterable) or \
                getattr(seeds, "ndim", 1) != 1:
            raise ValidationError(f"The 'seeds' parameter of BatchedTrainer must be a list of "
                                  f"seeds, one per member; got {seeds!r:.40}.")
        seeds = [check_seed(s.item() if hasattr(s, "item") else s, "BatchedTrainer")
                 for s in seeds]  # a tensor's or an array's elements as numbers
        if not seeds:
            raise ValidationError("The 'seeds' parameter of BatchedTrainer must name at least "
                                  "one seed. Got an empty list instead.")
        given = list(config) if isinstance(config, Sequence) else [config]
        if not all(c is None or isinstance(c, TrainerConfig) for c in given):
            raise ValidationError(f"The 'config' parameter of BatchedTrainer must be a "
                                  f"TrainerConfig or a list of them, one per seed; got "
                                  f"{config!r:.60}.")
        configs = (list(config) if isinstance(config, Sequence)
                   else [config or TrainerConfig()] * len(seeds))
        if len(configs) != len(seeds):
            raise ValidationError(
                f"BatchedTrainer got {len(configs)} configs for {len(seeds)} seeds; give one "
                f"config, or one per seed.")
        self.configs = [c.replace("BatchedTrainer", seed=s) for c, s in zip(configs, seeds,
                                                                              strict=True)]
        shared = _shared(self.configs)
        if not can_batch(spec, shared):
            raise ValidationError(
                f"BatchedTrainer cannot train {spec.architecture!r} models at precision "
                f"{shared.precision!r}; train them one at a time with Trainer.")
        self.spec, self.seeds = spec, seeds
        # Member 0's ordinary trainer checks and converts data as a lone training would.
        if models is not None and len(models) != len(seeds):
            raise ValidationError(f"BatchedTrainer got {len(models)} models for {len(seeds)} "
                                  f"seeds; give one per seed.")
        first = build(spec, seed=seeds[0]) if models is None else copy.deepcopy(models[0])
        self._reference = Trainer(first, self.configs[0], device=device)
        self.device = self._reference.device
        self.task = self._reference.task
        self.loss_fn = get_loss(shared.loss or DEFAULT_LOSS[self.task])
        self.metric_names = list(DEFAULT_METRICS[self.task] if shared.metrics is None
                                 else shared.metrics)
        self.metric_fns = {name: get_metric(name, self.task) for name in self.metric_names}
        members = [self._reference.model] + (
            [build(spec, seed=s).to(self.device) for s in seeds[1:]] if models is None
            else [m.to(self.device) for m in models[1:]])
        self.net = StackedNet.from_models(members).to(self.device)
        self.shared = shared
        self.optimizer = StackedOptimizer(shared.optimizer, [("flat", self.net.flat)],
                                          [c.lr for c in self.configs], shared.momentum,
                                          shared.weight_decay,
                                          {"flat": self.net.matrix_mask})
        self.histories_: list[History] = [History() for _ in seeds]
        self.events_: list[list[dict[str, Any]]] = [[] for _ in seeds]
        self.errors_: list[Exception | None] = [None] * len(seeds)

    @property
    def members(self) -> int:
        """K, the number of members."""
        return len(self.seeds)

    # ------------------------------------------------------------------ data
    def _column(self, data: Any, name: str, x: Any = None) -> torch.Tensor:
        """One array (shared by all members) or K arrays (one each) as a tensor whose first
        axis is the member when `per_member`."""
        ref = self._reference
        if x is None:
            column = ref.check_inputs(data, name)
        else:
            column = ref.check_targets(data, x)
        return take(column, np.arange(len(column)))

    def _member_data(self, data: Any, name: str, like: Any = None,
                     like_per: bool = False) -> tuple[torch.Tensor, bool]:
        """(tensor, per_member): K arrays are stacked on a new first axis. `like` is the
        converted inputs the targets `data` belong to (stacked when `like_per`)."""
        if isinstance(data, (list, tuple)) and len(data) == self.members and len(data) > 1 \
                and all(hasattr(d, "shape") for d in data):
            parts = [self._column(d, name, None if like is None else
                                  (like[k] if like_per else like))
                     for k, d in enumerate(data)]
            if len({tuple(p.shape) for p in parts}) != 1:
                raise ValidationError(
                    f"The members' `{name}` arrays must have one shape; got "
                    f"{sorted({tuple(p.shape) for p in parts})}.")
            return torch.stack(parts), True
        if like is not None and like_per:
            like = like[0]  # shared targets: checked against one member's inputs
        return self._column(data, name, like), False

    # --------------------------------------------------------------- training
    def fit(self, x: Any, y: Any, *, epochs: int | Sequence[int] | None = None,
            batch_size: int | None = None, shuffle: bool | None = None,
            validation_data: tuple[Any, Any] | None = None, validation_split: float = 0.0,
            callbacks: Sequence[Callback] = ()) -> list[History]:
        """Train every member; returns their histories (also ``histories_``).

        `x` and `y` are one array each (every member trains on the same samples, each in
        its own order) or a list of K arrays each (a member's own data, as the seeds of
        a recipe that draws its data from the seed); likewise `validation_data`. `epochs`
        may be one count or one per member. The other arguments are `Trainer.fit`'s. A
        member whose training diverges beyond its roll-backs stops; when all are done,
        the first such member's `TrainingDivergedError` is raised (``errors_`` has all).
        """
        shared = self.shared
        k_members = self.members
        owner = "BatchedTrainer.fit"
        counts = (list(epochs) if isinstance(epochs, Sequence) and not isinstance(epochs, str)
                  else [epochs if epochs is not None else c.epochs or 1 for c in self.configs])
        counts = [check_int("epochs", e, owner, low=1) for e in counts]
        if len(counts) != k_members:
            raise ValidationError(f"The 'epochs' parameter of {owner} must be one count or "
                                  f"one per member ({k_members}); got {len(counts)}.")
        batch_size = check_int("batch_size", shared.batch_size or 32 if batch_size is None
                               else batch_size, owner, low=1)
        stateful = shared.stateful
        shuffle = shared.shuffle if shuffle is None else shuffle
        shuffle = (not stateful) if shuffle is None else shuffle
        if shuffle and stateful:
            raise ValidationError(
                f"The 'shuffle' parameter of {owner} must be False for a stateful trainer: "
                "shuffling breaks the batch-to-batch continuity that carried state relies on.")
        check_float("validation_split", validation_split, owner, low=0.0, high=0.99)
        for callback in callbacks:
            if callback.watches_batches:
                raise ValidationError(
                    f"{type(callback).__name__} watches batches, which a BatchedTrainer's "
                    f"members share; train with Trainer to use it.")
        xs, x_per = self._member_data(x, "x")
        ys, y_per = self._member_data(y, "y", xs, x_per)
        if validation_data is None and validation_split > 0:
            samples = xs.shape[int(x_per)]
            n_val = max(1, int(round(samples * validation_split)))
            if n_val >= samples:
                raise ValidationError(
                    f"The 'validation_split' parameter of {owner} ({validation_split}) holds "
                    f"out {n_val} of {samples} sample(s) and leaves none to train on; pass "
                    f"more samples or a smaller split.")
            cut = (slice(None),) * int(x_per)
            validation_data = (xs[(*cut, slice(-n_val, None))], ys[(*cut, slice(-n_val, None))])
            val_per = (x_per, y_per)
            xs, ys = xs[(*cut, slice(None, -n_val))], ys[(*cut, slice(None, -n_val))]
            validation = (validation_data[0], validation_data[1], *val_per)
        elif validation_data is not None:
            vx, vx_per = self._member_data(validation_data[0], "validation x")
            vy, vy_per = self._member_data(validation_data[1], "validation y", vx, vx_per)
            validation = (vx, vy, vx_per, vy_per)
        else:
            validation = None
        n = xs.shape[1] if x_per else xs.shape[0]
        if (ys.shape[1] if y_per else ys.shape[0]) != n:
            raise ValidationError(f"`y` must have one target per sample: x has {n} samples.")
        if stateful:
            layout = stateful_layout(n, batch_size)

        rngs = [np.random.default_rng(seed) for seed in self.seeds]
        torch.manual_seed(self.seeds[0])  # dropout masks: repeatable, drawn for all at once
        views = [_MemberView(self, k) for k in range(k_members)]
        member_callbacks = [[copy.deepcopy(c) for c in callbacks] for _ in range(k_members)]
        for k in range(k_members):
            for callback in member_callbacks[k]:
                callback.set_trainer(views[k])  # type: ignore[arg-type]
        self.histories_ = [view.history_ for view in views]
        self.events_ = [view.events_ for view in views]
        self.errors_ = [None] * k_members
        done = [0] * k_members
        active = torch.ones(k_members, dtype=torch.bool, device=self.device)
        best = [math.inf] * k_members
        good_epoch, rollbacks = [0] * k_members, [0] * k_members
        weights_snapshot = self.net.flat.detach().clone()
        optimizer_snapshot = self.optimizer.snapshot()
        if shared.spike_factor is not None:
            probe = self._evaluate_all(xs[:, :batch_size] if x_per else xs[:batch_size],
                                       ys[:, :batch_size] if y_per else ys[:batch_size],
                                       x_per, y_per, batch_size)
            best = [logs["loss"] for logs in probe]
        restore_threads = use_threads(self.net, batch_size)  # the net holds all K
        try:
            for k in range(k_members):
                for callback in member_callbacks[k]:
                    callback.on_train_begin({"epochs": counts[k], "samples": n})
            while bool(active.any()):
                started = time.perf_counter()
                running = [k for k in range(k_members) if active[k]]
                for k in running:
                    for callback in member_callbacks[k]:
                        callback.on_epoch_begin(done[k])
                if stateful:
                    plans = None
                else:
                    plans = [minibatches(n, batch_size, shuffle=shuffle, rng=rngs[k])
                             if active[k] else None for k in range(k_members)]
                logs = self._epoch(xs, ys, x_per, y_per, plans, layout if stateful else None,
                                   active)
                scores = None
                if validation is not None:
                    scores = self._evaluate_all(*validation[:2], *validation[2:], batch_size)
                seconds = time.perf_counter() - started
                for k in running:
                    loss = logs[k]["loss"]
                    diverged = not math.isfinite(loss) or (
                        shared.spike_factor is not None and math.isfinite(best[k])
                        and loss > shared.spike_factor * best[k])
                    if diverged:
                        self._recover(k, done[k], loss, best[k], good_epoch[k], rollbacks,
                                      weights_snapshot, optimizer_snapshot, views[k])
                        if self.errors_[k] is not None:
                            active[k] = False
                        continue
                    best[k] = min(best[k], loss)
                    good_epoch[k] = done[k] + 1
                    with torch.no_grad():
                        weights_snapshot[k] = self.net.flat[k]
                    self.optimizer.keep_member(k, optimizer_snapshot)
                    entry = {"epoch": done[k] + 1, **logs[k]}
                    if scores is not None:
                        entry.update({f"val_{key}": v for key, v in scores[k].items()})
                    entry["lr"] = views[k].lr
                    entry["seconds"] = seconds
                    views[k].history_.append(entry)
                    for callback in member_callbacks[k]:
                        callback.on_epoch_end(done[k], entry)
                    done[k] += 1
                    if done[k] >= counts[k] or views[k].stop_training:
                        active[k] = False
                        for callback in member_callbacks[k]:
                            callback.on_train_end(views[k].history_.last())
        finally:
            restore_threads()
        failed = [error for error in self.errors_ if error is not None]
        if failed:
            raise failed[0]
        return self.histories_

    def evaluate(self, x: Any, y: Any, *, batch_size: int | None = None
                 ) -> list[dict[str, float]]:
        """Every member's loss and metrics on (x, y), without training, in one stacked
        forward pass a batch: what `Trainer.evaluate` returns for each member alone (to
        float rounding). `x` and `y` are one array each or one per member, as in `fit`."""
        batch_size = check_int("batch_size", 32 if batch_size is None else batch_size,
                               "BatchedTrainer.evaluate",
                               low=1)
        xs, x_per = self._member_data(x, "x")
        ys, y_per = self._member_data(y, "y", xs, x_per)
        return self._evaluate_all(xs, ys, x_per, y_per, batch_size)

    def _batch(self, data: torch.Tensor, per_member: bool, index: torch.Tensor) -> torch.Tensor:
        """Rows `index` ((K, B) of sample numbers) of each member's data: (K, B, ...)."""
        if per_member:
            members = torch.arange(len(index), device=data.device).unsqueeze(1)
            return data[members, index]
        return data[index]

    def _epoch(self, xs: torch.Tensor, ys: torch.Tensor, x_per: bool, y_per: bool,
               plans: list[Any] | None, layout: Any, active: torch.Tensor
               ) -> list[dict[str, float]]:
        """One training pass of every member (paused members' updates are masked)."""
        k_members = self.members
        shared = self.shared
        self.net.train()
        steps = layout.steps_per_epoch if plans is None else len(
            next(p for p in plans if p is not None))
        filler = next(p for p in plans if p is not None) if plans is not None else None
        state = None
        loss_sum = torch.zeros(k_members, dtype=torch.float64, device=self.device)
        metric_sums = {name: torch.zeros(k_members, dtype=torch.float64, device=self.device)
                       for name in self.metric_fns}
        metric_counts = dict.fromkeys(self.metric_fns, 0)
        seen = 0
        outputs: list[torch.Tensor] = []
        targets: list[torch.Tensor] = []
        everyone = None if bool(active.all()) else active
        penalised, clip = bool(shared.l1 or shared.l2), shared.clip_grad_norm
        for step in range(steps):
            if plans is None:
                rows = torch.as_tensor(layout.batch_indices(step), device=self.device)
                index = rows.unsqueeze(0).expand(k_members, -1)
            else:
                index = torch.as_tensor(np.stack([
                    (plan if plan is not None else filler)[step] for plan in plans]),
                    device=self.device)
            xb, yb = self._batch(xs, x_per, index), self._batch(ys, y_per, index)
            output, state = self.net(xb, state)
            state = detach_state(state) if shared.stateful else None
            losses = self._member_losses(output, yb)
            if penalised:
                losses = losses + self._penalties()
            self.optimizer.zero_grad()
            losses.sum().backward()
            if clip is not None:
                self._clip(clip)
            self.optimizer.step(everyone)
            rows_in_batch = index.shape[1]
            with torch.no_grad():
                loss_sum += losses.detach().double() * rows_in_batch
                seen += rows_in_batch
                outputs.append(output.detach())
                targets.append(yb)
        # Metrics are sums over batches: one vectorised call over the epoch's outputs
        # (each from the weights of its step, as Trainer's) instead of one per step.
        if steps and self.metric_fns:
            output, target = torch.cat(outputs, 1), torch.cat(targets, 1)
            for name, fn in self.metric_fns.items():
                metric_sums[name], metric_counts[name] = self._metric(fn, output, target)
        return self._logs(loss_sum, seen, metric_sums, metric_counts)

    def _member_losses(self, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Each member's loss on its batch, (K,): the registered losses unreduced and
        averaged per member (one call for all), any other loss through `vmap`."""
        k = output.shape[0]
        fn = self.loss_fn
        if fn in (losses_module.mse, losses_module.mae):
            difference = output - target.reshape(output.shape)
            error = difference.square() if fn is losses_module.mse else difference.abs()
            return error.reshape(k, -1).mean(1)
        if fn is losses_module.categorical_crossentropy:
            classes = output.shape[-1]
            flat = output.reshape(-1, classes)
            if target.shape == output.shape:
                each = F.cross_entropy(flat, target.reshape(-1, classes).to(output.dtype),
                                       reduction="none")
            else:
                each = F.cross_entropy(flat, target.reshape(-1).long(), reduction="none")
            return each.reshape(k, -1).mean(1)
        if fn is losses_module.binary_crossentropy:
            each = F.binary_cross_entropy_with_logits(
                output, target.reshape(output.shape).to(output.dtype), reduction="none")
            return each.reshape(k, -1).mean(1)
        return vmap(fn)(output, target)

    def _metric(self, fn: Any, output: torch.Tensor, target: torch.Tensor
                ) -> tuple[torch.Tensor, int]:
        count = fn(output[0], target[0])[1]
        totals = vmap(lambda o, t: torch.as_tensor(fn(o, t)[0]))(output, target)
        return totals.double(), int(count)

    def _logs(self, loss_sum: torch.Tensor, seen: int, metric_sums: dict[str, torch.Tensor],
              metric_counts: dict[str, int]) -> list[dict[str, float]]:
        losses = (loss_sum / max(seen, 1)).tolist()
        metrics = {name: (metric_sums[name] / max(metric_counts[name], 1)).tolist()
                   for name in self.metric_fns}
        return [{"loss": losses[k], **{name: metrics[name][k] for name in self.metric_fns}}
                for k in range(self.members)]

    def _penalties(self) -> torch.Tensor:
        """Each member's L1/L2 penalty on its weight matrices, (K,)."""
        shared = self.shared
        matrices = self.net.flat[:, self.net.matrix_mask]  # as Trainer's kernel regularisers
        total = torch.zeros(self.members, device=self.device)
        if shared.l1:
            total = total + shared.l1 * matrices.abs().sum(1)
        if shared.l2:
            total = total + shared.l2 * matrices.pow(2).sum(1)
        return total

    def _clip(self, max_norm: float) -> None:
        """`clip_grad_norm_` of each member's gradients on its own."""
        grad = self.net.flat.grad
        norms = grad.pow(2).sum(1).sqrt()
        grad.mul_((max_norm / (norms + 1e-6)).clamp(max=1.0).unsqueeze(1))

    @torch.no_grad()
    def _evaluate_all(self, xs: torch.Tensor, ys: torch.Tensor, x_per: bool, y_per: bool,
                      batch_size: int) -> list[dict[str, float]]:
        """Every member's loss and metrics on its data (as `Trainer.evaluate`)."""
        k_members = self.members
        n = xs.shape[1] if x_per else xs.shape[0]
        was_training = self.net.training
        self.net.eval()
        try:
            if self.shared.stateful:
                layout = stateful_layout(n, min(batch_size, n))
                batches = [layout.batch_indices(s) for s in range(layout.steps_per_epoch)]
            else:
                batches = minibatches(n, batch_size, shuffle=False)
            state = None
            loss_sum = torch.zeros(k_members, dtype=torch.float64, device=self.device)
            metric_sums = {name: torch.zeros(k_members, dtype=torch.float64,
                                             device=self.device) for name in self.metric_fns}
            counts = dict.fromkeys(self.metric_fns, 0)
            seen = 0
            for rows in batches:
                index = torch.as_tensor(rows, device=self.device).unsqueeze(0).expand(
                    k_members, -1)
                xb, yb = self._batch(xs, x_per, index), self._batch(ys, y_per, index)
                output, state = self.net(xb, state)
                state = state if self.shared.stateful else None
                losses = self._member_losses(output, yb)  # no penalty, as Trainer.evaluate
                loss_sum += losses.double() * len(rows)
                seen += len(rows)
                for name, fn in self.metric_fns.items():
                    totals, count = self._metric(fn, output, yb)
                    metric_sums[name] += totals
                    counts[name] += count
            return self._logs(loss_sum, seen, metric_sums, counts)
        finally:
            self.net.train(was_training)

    def _recover(self, k: int, epoch: int, loss: float, best: float, good_epoch: int,
                 rollbacks: list[int], weights: torch.Tensor,
                 optimizer_snapshot: dict[str, Any], view: _MemberView) -> None:
        """Member k's epoch diverged: roll it back with its rate halved, or fail it."""
        import warnings

        from seqlab.errors import DivergenceWarning

        old_lr = view.lr
        with torch.no_grad():
            self.net.flat[k] = weights[k]
        self.optimizer.restore_member(k, optimizer_snapshot)
        what = (f"Member {k} (seed {self.seeds[k]}): the training loss became {loss:.4g} in "
                f"epoch {epoch + 1} (best so far {best:.4g}, learning rate {old_lr:g})")
        restored = (f"weights and optimizer state were restored to the end of epoch "
                    f"{good_epoch}" if good_epoch else
                    "weights and optimizer state were restored to their initial values")
        if self.shared.on_divergence == "raise" or rollbacks[k] >= self.shared.max_rollbacks:
            tried = f" after {rollbacks[k]} roll-back(s)" if rollbacks[k] else ""
            self.errors_[k] = TrainingDivergedError(
                f"{what}{tried}; {restored}. Lower the learning rate or set `clip_grad_norm`.",
                view.history_)
            return
        view.lr = old_lr * 0.5
        rollbacks[k] += 1
        view.events_.append({"epoch": epoch + 1, "loss": loss, "old_lr": old_lr,
                             "new_lr": view.lr})
        warnings.warn(f"{what}; {restored} and the learning rate lowered from {old_lr:g} to "
                      f"{view.lr:g}. Repeating the epoch.", DivergenceWarning, stacklevel=4)

    # ------------------------------------------------------------- taking apart
    def models(self) -> list[torch.nn.Module]:
        """Every member as the ordinary model ``build(spec)`` makes, with its weights."""
        return [self.net.member(k) for k in range(self.members)]

    def trainers(self) -> list[Trainer]:
        """Every member as an ordinary `Trainer`: its model, config (seed, current rate),
        history, events and optimizer state, ready to evaluate, predict, bundle or train
        on alone."""
        trainers = []
        for k in range(self.members):
            trainer = Trainer(build(self.spec), self.configs[k], device=str(self.device))
            self.hand_over(k, trainer)
            trainers.append(trainer)
        return trainers

    def hand_over(self, k: int, trainer: Trainer) -> None:
        """Put member `k` into `trainer` (whose model is built from the spec): its weights
        (copied into the model in place), learning rate, optimizer state, history and
        events, as if `trainer` had trained it alone."""
        model = trainer.model
        named = dict(model.named_parameters())
        with torch.no_grad():
            for name in self.net.names:
                named[name].copy_(self.net.weight(name)[k])
        trainer.lr = float(self.optimizer.lr[k])
        parameters = [(named[name], self.net.layout[name][:2]) for name in self.net.names]
        trainer.optimizer.state.clear()
        for parameter, state in self.optimizer.member_state(k, parameters).items():
            trainer.optimizer.state[parameter] = state
        trainer.history_ = self.histories_[k]
        trainer.events_ = list(self.events_[k])


def train_members(spec: ModelSpec, seeds: Sequence[int], x: Any, y: Any,
                  validation: tuple[Any, Any] | None = None, *,
                  config: TrainerConfig | Sequence[TrainerConfig] | None = None,
                  epochs: int | Sequence[int] | None = None, batch_size: int | None = None,
                  shuffle: bool | None = None, callbacks: Sequence[Callback] = (),
                  device: str = "auto") -> list[Trainer]:
    """Train one model of `spec` per seed, all at once, and return their `Trainer`s (in
    seed order; ``trainer.model`` is the member, ``trainer.history_`` its history).

    The result equals ``Trainer(build(spec, seed=s), config.replace(seed=s)).fit(x, y,
    ...)`` for each seed, to float rounding (see `seqlab.train.batched`). `x`/`y` (and the
    `validation` pair) are shared arrays or one per seed. Models `BatchedTrainer` cannot
    hold (`can_batch`) are trained one after another with `Trainer` instead, so callers
    need no second path.
    """
    seeds = list(seeds)
    configs = (list(config) if isinstance(config, Sequence)
               else [config or TrainerConfig()] * len(seeds))
    if can_batch(spec, configs[0] if configs else None) and len(seeds) > 1:
        batched = BatchedTrainer(spec, seeds, configs, device=device)
        batched.fit(x, y, epochs=epochs, batch_size=batch_size, shuffle=shuffle,
                    validation_data=validation, callbacks=callbacks)
        return batched.trainers()
    trainers = []
    for k, (seed, member_config) in enumerate(zip(seeds, configs, strict=True)):
        def pick(data: Any, k: int = k) -> Any:
            if isinstance(data, (list, tuple)) and len(data) == len(seeds) and \
                    all(hasattr(d, "shape") for d in data) and len(seeds) > 1:
                return data[k]
            return data
        trainer = Trainer(build(spec, seed=seed), member_config.replace(seed=seed),
                          device=device)
        member_epochs = epochs[k] if isinstance(epochs, Sequence) else epochs
        trainer.fit(pick(x), pick(y), epochs=member_epochs, batch_size=batch_size,
                    shuffle=shuffle, verbose=0, callbacks=[copy.deepcopy(c) for c in callbacks],
                    validation_data=None if validation is None else
                    (pick(validation[0]), pick(validation[1])))
        trainers.append(trainer)
    return trainers
