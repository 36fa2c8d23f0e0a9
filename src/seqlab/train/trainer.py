"""`Trainer`: fit, evaluate and predict any model that follows seqlab's forward contract.

The contract is ``model(x, state=None) -> (y, state)``. Models built from a
`ModelSpec` follow it, and so can a user's own `nn.Module` (pass `task=`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from typing import Any

import numpy as np
import torch
from torch import nn

from seqlab._validation import check_finite, check_float, check_int, check_ndim
from seqlab.data.batching import minibatches, stateful_layout
from seqlab.errors import BundleError, ValidationError
from seqlab.models.build import detach_state
from seqlab.models.spec import TASKS
from seqlab.train.callbacks import Callback
from seqlab.train.config import TrainerConfig
from seqlab.train.divergence import DivergenceGuard
from seqlab.train.history import History
from seqlab.train.losses import DEFAULT_LOSS, get_loss
from seqlab.train.metrics import DEFAULT_METRICS, get_metric
from seqlab.train.optimizers import make_optimizer
from seqlab.train.progress import ProgressReporter


def resolve_device(device: str | torch.device) -> torch.device:
    """``auto`` picks CUDA when available, else CPU."""
    if str(device) == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def _as_array(data: Any) -> np.ndarray:
    """`data` as a numpy array torch can take: read-only views (`windows`) and arrays with
    negative strides (``y[:, ::-1]``) are copied, as torch refuses or warns on them."""
    array = data.detach().cpu().numpy() if isinstance(data, torch.Tensor) else np.asarray(data)
    if array.flags.writeable and all(stride >= 0 for stride in array.strides):
        return array
    return np.array(array, copy=True, order="C")


def _first(*values: Any) -> Any:
    """The first of `values` that is not None (None when all are)."""
    return next((value for value in values if value is not None), None)


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
        ``cpu``, ``cuda`` or ``auto``.
    """

    def __init__(self, model: nn.Module, config: TrainerConfig | None = None, *,
                 device: str = "cpu", **settings: Any):
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
        config = config.replace(**settings)
        if config.task is None:
            if spec is None:
                raise ValidationError(
                    "The 'task' parameter of Trainer is required for a model without a "
                    f"`spec`: pass one of {list(TASKS)}.")
            config = config.replace(task=spec.task)
        self.config = config
        self.device = resolve_device(device)
        self.model = model.to(self.device)
        self.loss_fn = custom_loss or get_loss(config.loss or DEFAULT_LOSS[self.task])
        self.metric_names = list(DEFAULT_METRICS[self.task] if config.metrics is None
                                 else config.metrics)
        self.metric_fns = {name: get_metric(name, self.task) for name in self.metric_names}
        self.optimizer = make_optimizer(config.optimizer, model.parameters(), config.lr,
                                        config.momentum, config.weight_decay)
        self.events_: list[dict[str, Any]] = []
        self.stop_training = False
        self.state_: Any = None
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
        y: Any,
        *,
        epochs: int | None = None,
        batch_size: int | None = None,
        shuffle: bool | None = None,
        validation_split: float = 0.0,
        validation_data: tuple[Any, Any] | None = None,
        callbacks: Iterable[Callback] = (),
        verbose: int = 1,
    ) -> History:
        """Train for `epochs` passes over (x, y); returns the `History` (also ``history_``).

        `epochs`, `batch_size` and `shuffle` not given come from the `TrainerConfig`, else
        1 epoch of batches of 32. `shuffle` defaults to True, and to False for a stateful trainer (where True is
        an error: it would break the continuity that stateful training relies on).
        `validation_split` holds out the last fraction of samples, as Keras does.
        If the loss becomes NaN or infinite (or spikes, with `spike_factor`), the weights
        are restored to the end of the last good epoch; then, by `on_divergence`, either
        `TrainingDivergedError` (carrying the history) is raised or the epoch is run
        again at a lower learning rate (recorded in ``events_``).
        """
        epochs = check_int("epochs", _first(epochs, self.config.epochs, 1), "Trainer.fit",
                           low=1)
        batch_size = check_int("batch_size", _first(batch_size, self.config.batch_size, 32),
                               "Trainer.fit", low=1)
        shuffle = _first(shuffle, self.config.shuffle)
        verbose = check_int("verbose", verbose, "Trainer.fit", low=0, high=2)
        check_float("validation_split", validation_split, "Trainer.fit", low=0.0, high=0.99)
        if shuffle is None:
            shuffle = not self.stateful
        if shuffle and self.stateful:
            raise ValidationError(
                "The 'shuffle' parameter of Trainer.fit must be False for a stateful trainer: "
                "shuffling breaks the batch-to-batch continuity that carried state relies on."
            )
        x = self._inputs(x, "x")
        y = self._targets(y, x)
        if validation_data is None and validation_split > 0:
            n_val = max(1, int(round(len(x) * validation_split)))
            x, y, validation_data = x[:-n_val], y[:-n_val], (x[-n_val:], y[-n_val:])
        if validation_data is not None:
            validation_data = self._validation_pair(validation_data)
        if self.stateful:
            layout = stateful_layout(len(x), batch_size)
            steps = layout.steps_per_epoch
        else:
            steps = math.ceil(len(x) / batch_size)
        if self.seed is not None:
            torch.manual_seed(self.seed)
        rng = np.random.default_rng(self.seed)
        callbacks = list(callbacks)
        for callback in callbacks:
            callback.set_trainer(self)
            callback.on_train_begin({})
        self.stop_training = self._reset_requested = False
        history = self.history_ = History()
        guard = DivergenceGuard(self, self.on_divergence, self.spike_factor,
                                self.max_rollbacks, lr_factor=0.5)
        if self.spike_factor is not None:
            # The untrained model's loss on one batch: a first epoch that explodes is a
            # spike too, and the starting weights are the good state to return to.
            guard.best_loss = self._evaluate(x[:batch_size], y[:batch_size], batch_size)["loss"]
        self.events_ = []
        with ProgressReporter(verbose, epochs, steps) as progress:
            epoch = 0
            while epoch < epochs:
                started = time.perf_counter()
                for callback in callbacks:
                    callback.on_epoch_begin(epoch)
                progress.start_epoch(epoch)
                if self.stateful:
                    batches = [layout.batch_indices(k) for k in range(steps)]
                else:
                    batches = minibatches(len(x), batch_size, shuffle=shuffle, rng=rng)
                logs = self._train_epoch(x, y, batches, callbacks, progress)
                if guard.diverged(logs["loss"]):
                    self.events_.append(guard.recover(epoch, logs["loss"], history))
                    continue
                guard.commit(epoch, logs["loss"])
                if validation_data is not None:
                    val = self._evaluate(*validation_data, batch_size)
                    logs.update({f"val_{k}": v for k, v in val.items()})
                logs = {"epoch": epoch + 1, **logs, "lr": self.lr,
                        "seconds": time.perf_counter() - started}
                history.append(logs)
                progress.end_epoch(epoch, logs)
                for callback in callbacks:
                    callback.on_epoch_end(epoch, logs)
                epoch += 1
                if self.stop_training:
                    break
        for callback in callbacks:
            callback.on_train_end(history.last())
        return history

    def _train_epoch(self, x, y, batches, callbacks, progress) -> dict[str, float]:
        self.model.train()
        state = None
        loss_sum = torch.zeros((), device=self.device)
        seen = 0
        metric_sums = {name: [torch.zeros((), device=self.device), 0] for name in self.metric_fns}
        for step, index in enumerate(batches):
            index = torch.as_tensor(index, device=self.device)
            xb, yb = x[index], y[index]
            output, state = self.model(xb, state if self.stateful else None)
            loss = self.loss_fn(output, yb)
            if self.l1 or self.l2:
                loss = loss + self._weight_penalty()
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if self.clip_grad_norm is not None:
                nn.utils.clip_grad_norm_(self.model.parameters(), self.clip_grad_norm)
            self.optimizer.step()
            if self.stateful:
                state = detach_state(state)
            if step % 16 == 15 and not torch.isfinite(loss):
                loss_sum += loss.detach() * len(index)
                break  # the epoch is lost: stop spending time on it
            with torch.no_grad():
                loss_sum += loss.detach() * len(index)
                seen += len(index)
                output = output.detach()
                for name, fn in self.metric_fns.items():
                    total, count = fn(output, yb)
                    metric_sums[name][0] += total
                    metric_sums[name][1] += count
            if callbacks:
                batch_logs = {"loss": loss.item()}
                for callback in callbacks:
                    callback.on_batch_end(step, batch_logs)
                if self._reset_requested:
                    state, self._reset_requested = None, False
                if self.stop_training:
                    break
            if progress.verbose == 1 and (step % 10 == 0 or step == len(batches) - 1):
                progress.update(step + 1, loss.item())
        logs = {"loss": (loss_sum / max(seen, 1)).item()}
        for name, (total, count) in metric_sums.items():
            logs[name] = (total / max(count, 1)).item()
        return logs

    _reset_requested = False

    def _weight_penalty(self) -> torch.Tensor:
        penalty = torch.zeros((), device=self.device)
        for parameter in self.model.parameters():
            if parameter.dim() >= 2:  # weight matrices, as Keras' kernel regularisers
                if self.l1:
                    penalty = penalty + self.l1 * parameter.abs().sum()
                if self.l2:
                    penalty = penalty + self.l2 * parameter.pow(2).sum()
        return penalty

    # ---------------------------------------------------------------- inference
    @torch.no_grad()
    def evaluate(self, x: Any, y: Any, *, batch_size: int | None = None) -> dict[str, float]:
        """Loss and metrics on (x, y), without training.

        A stateful trainer reads the samples as one ordered stream laid out in
        `batch_size` parallel segments, starting from a fresh state (its prediction
        state is left untouched).
        """
        x = self._inputs(x, "x")
        batch_size = check_int("batch_size", batch_size or 32, "Trainer.evaluate", low=1)
        return self._evaluate(x, self._targets(y, x), batch_size)

    @torch.no_grad()
    def _evaluate(self, x: torch.Tensor, y: torch.Tensor, batch_size: int) -> dict[str, float]:
        # A callback may evaluate in the middle of an epoch: leave the mode as found.
        was_training = self.model.training
        self.model.eval()
        try:
            return self._evaluate_batches(x, y, batch_size)
        finally:
            self.model.train(was_training)

    def _evaluate_batches(self, x: torch.Tensor, y: torch.Tensor,
                          batch_size: int) -> dict[str, float]:
        if self.stateful:
            layout = stateful_layout(len(x), min(batch_size, len(x)))
            batches = [layout.batch_indices(k) for k in range(layout.steps_per_epoch)]
        else:
            batches = minibatches(len(x), batch_size, shuffle=False)
        state, loss_sum, seen = None, 0.0, 0
        sums = {name: [0.0, 0] for name in self.metric_fns}
        for index in batches:
            index = torch.as_tensor(index, device=self.device)
            output, state = self.model(x[index], state if self.stateful else None)
            loss_sum += self.loss_fn(output, y[index]).item() * len(index)
            seen += len(index)
            for name, fn in self.metric_fns.items():
                total, count = fn(output, y[index])
                sums[name][0] += float(total)
                sums[name][1] += count
        result = {"loss": loss_sum / max(seen, 1)}
        result.update({name: total / max(count, 1) for name, (total, count) in sums.items()})
        return result

    @torch.no_grad()
    def predict(self, x: Any, *, batch_size: int = 256) -> np.ndarray:
        """Model outputs for x with the task's activation applied (probabilities for
        classification, values for regression), as a numpy array.

        For a stateful trainer the rows of x are read in order as one stream, each
        continuing from the state the previous row (or the previous call) left; call
        `reset_state` to start a new stream. Any number of rows works, one included.
        """
        x = self._inputs(x, "x")
        self.model.eval()
        outputs = []
        if self.stateful:
            for row in range(len(x)):
                output, self.state_ = self.model(x[row : row + 1], self.state_)
                outputs.append(output)
        else:
            batch_size = check_int("batch_size", batch_size, "Trainer.predict", low=1)
            for start in range(0, len(x), batch_size):
                outputs.append(self.model(x[start : start + batch_size])[0])
        return self.activate(torch.cat(outputs)).cpu().numpy()

    def activate(self, output: torch.Tensor) -> torch.Tensor:
        """Apply the task's output activation to raw model outputs."""
        if self.task == "multiclass":
            return torch.softmax(output, dim=-1)
        if self.task == "binary":
            return torch.sigmoid(output)
        return output

    def reset_state(self) -> None:
        """Forget the carried state (prediction state, and training state mid-epoch)."""
        self.state_ = None
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
        """Load weights from `get_weights` (or a safetensors file's tensors)."""
        self.model.load_state_dict(weights)

    # --------------------------------------------------------------- validation
    def _inputs(self, x: Any, name: str) -> torch.Tensor:
        array = _as_array(x)
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
            return torch.as_tensor(array, dtype=torch.long, device=self.device)
        if not self._takes_ids():
            check_finite(name, array)
            return torch.as_tensor(array, dtype=torch.float32, device=self.device)
        if array.dtype.kind not in "iu":
            raise ValidationError(
                f"`{name}` must hold integer symbol ids for a '{spec.frontend}' frontend; "
                f"got dtype {array.dtype}."
            )
        if array.min() < 0 or array.max() >= spec.input_size:
            raise ValidationError(
                f"`{name}` holds ids outside [0, {spec.input_size}); "
                f"min {array.min()}, max {array.max()}."
            )
        return torch.as_tensor(array, dtype=torch.long, device=self.device)

    def _takes_ids(self) -> bool:
        spec = getattr(self.model, "spec", None)
        return spec is not None and spec.takes_ids

    def _targets(self, y: Any, x: torch.Tensor) -> torch.Tensor:
        array = _as_array(y)
        if array.ndim == 0 or array.shape[0] != len(x):
            raise ValidationError(
                f"`y` must have one target per sample: x has {len(x)} samples but y has shape "
                f"{array.shape}."
            )
        check_finite("y", array)
        if self.task == "multiclass" and array.dtype.kind in "iu":
            target = torch.as_tensor(array, dtype=torch.long, device=self.device)
        else:
            target = torch.as_tensor(array, dtype=torch.float32, device=self.device)
        self._check_target_shape(x, target)
        return target

    def _check_target_shape(self, x: torch.Tensor, y: torch.Tensor) -> None:
        was_training = self.model.training
        self.model.eval()
        with torch.no_grad():
            output = self.model(x[:1])[0]
        self.model.train(was_training)
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

    def _validation_pair(self, data: tuple[Any, Any]) -> tuple[torch.Tensor, torch.Tensor]:
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise ValidationError("`validation_data` must be a pair (x_val, y_val).")
        x_val = self._inputs(data[0], "validation x")
        return x_val, self._targets(data[1], x_val)


