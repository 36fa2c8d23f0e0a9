"""`TrainerConfig`: how a model is trained, as plain data that round-trips through JSON.

The model is a `ModelSpec`; how it is trained is a `TrainerConfig`. Each field declares
what it accepts once (see `seqlab._settings`): `Trainer` checks it from there, a bundle's
``trainer.json`` is written with `to_dict` and read with `from_dict`, experiments and
``update`` read their training settings through it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from seqlab._settings import Bool, Choice, Float, Int, Names, check_fields, declared, setting
from seqlab._validation import MAX_SEED
from seqlab.errors import ValidationError
from seqlab.models.spec import TASKS
from seqlab.train.losses import LOSSES
from seqlab.train.metrics import METRICS
from seqlab.train.optimizers import DEFAULT_LR
from seqlab.train.precision import PRECISIONS

__all__ = ["TrainerConfig", "TRAINER_CONFIG_VERSION", "ON_DIVERGENCE"]

TRAINER_CONFIG_VERSION = 1
"""The version `to_dict` writes; `from_dict` reads this one and older (a dict without a
version is version 1, as bundles written before the field existed)."""

ON_DIVERGENCE = ("raise", "rollback")


def _losses() -> list[str]:
    return sorted(LOSSES)


def _optimizers() -> list[str]:
    return sorted(DEFAULT_LR)


def _metrics() -> list[str]:
    return sorted(METRICS)


@dataclass
class TrainerConfig:
    """Every setting of a `Trainer` (and the `fit` settings a bundle records).

    Fields are checked by `validate` (a `Trainer` calls it), each against the constraint
    declared beside it; `to_dict`/`from_dict` round-trip through plain JSON, refusing
    unknown keys.
    """

    task: str | None = setting(
        None, Choice(TASKS, optional=True),
        "regression, binary or multiclass; None takes the model spec's task.")
    loss: str | None = setting(
        None, Choice(_losses, optional=True, label="loss"),
        "A registered loss name; None follows the task (mse, binary or categorical "
        "cross-entropy).")
    optimizer: str = setting(
        "adam", Choice(_optimizers, label="optimizer"), "adam, adamw, sgd, rmsprop or adagrad.")
    lr: float | None = setting(
        None, Float(0.0, low_open=True, optional=True),
        "Learning rate; None takes Keras' default for the optimizer.")
    momentum: float = setting(0.0, Float(0.0, 1.0), "Momentum (sgd, rmsprop).")
    weight_decay: float = setting(
        0.0, Float(0.0), "Weight decay (decoupled and sparing biases for adamw).")
    metrics: list[str] | None = setting(
        None, Names(_metrics, optional=True, label="metric"), "Metric names; None follows the task.")
    stateful: bool = setting(
        False, Bool(), "Carry the recurrent state from batch to batch (truncated BPTT).")
    clip_grad_norm: float | None = setting(
        None, Float(0.0, low_open=True, optional=True),
        "Clip the gradients' global norm to this value.")
    seed: int | None = setting(
        None, Int(0, MAX_SEED, optional=True), "Seed for shuffling and dropout.")
    l1: float = setting(0.0, Float(0.0), "L1 penalty on the weight matrices.")
    l2: float = setting(0.0, Float(0.0), "L2 penalty on the weight matrices.")
    on_divergence: str = setting(
        "raise", Choice(ON_DIVERGENCE),
        "On a NaN/infinite or spiking epoch loss: raise, or roll back and halve the rate.")
    spike_factor: float | None = setting(
        None, Float(1.0, low_open=True, optional=True),
        "An epoch loss above this times the best so far counts as divergence.")
    max_rollbacks: int = setting(3, Int(0), "Roll-backs allowed before raising.")
    precision: str = setting(
        "32", Choice(PRECISIONS),
        "32 (float32), bf16 (bfloat16 autocast; CPU or GPU), 16 (float16 with a gradient "
        "scaler; CUDA only) or auto (bf16 where the device computes it natively, else 32).")
    epochs: int | None = setting(
        None, Int(1, optional=True), "Epochs of `fit` when it is not given them.")
    batch_size: int | None = setting(
        None, Int(1, optional=True), "Batch size of `fit` when it is not given one.")
    shuffle: bool | None = setting(
        None, Bool(optional=True), "Shuffle in `fit`; None: unless stateful.")

    def validate(self, owner: str = "TrainerConfig") -> TrainerConfig:
        """Check every field; raise ValidationError naming the first bad one (and `owner`,
        the class whose parameter it is). Returns self."""
        if isinstance(self.metrics, tuple):
            self.metrics = list(self.metrics)
        check_fields(self, owner)
        return self

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON dict of every field, with the format ``version``."""
        data = dataclasses.asdict(self)
        if data["metrics"] is not None:
            data["metrics"] = list(data["metrics"])
        return {"version": TRAINER_CONFIG_VERSION, **data}

    @classmethod
    def from_dict(cls, config: dict[str, Any]) -> TrainerConfig:
        """Rebuild (and validate) from `to_dict` output or an older subset of it; unknown keys
        and versions newer than this seqlab reads are an error."""
        if not isinstance(config, dict):
            raise ValidationError(
                f"A TrainerConfig must be a dict; got {type(config).__name__}.")
        values = dict(config)
        version = values.pop("version", 1)
        if not isinstance(version, int) or isinstance(version, bool) or not (
                1 <= version <= TRAINER_CONFIG_VERSION):
            raise ValidationError(
                f"TrainerConfig version {version!r} is not one this seqlab reads (1 to "
                f"{TRAINER_CONFIG_VERSION}); upgrade seqlab.")
        unknown = sorted(set(values) - set(cls.fields()))
        if unknown:
            raise ValidationError(
                f"Unknown TrainerConfig field(s) {unknown}. Known fields: {cls.fields()}.")
        return cls(**values).validate()

    @classmethod
    def fields(cls) -> list[str]:
        """Every field name, in declaration order."""
        return [f.name for f, _ in declared(cls)]

    def replace(self, owner: str = "TrainerConfig", /, **changes: Any) -> TrainerConfig:
        """A copy with some fields changed (validated, errors naming `owner`); unknown names
        are an error."""
        unknown = sorted(set(changes) - set(self.fields()))
        if unknown:
            raise ValidationError(
                f"Unknown {owner} parameter(s) {unknown}. Known: {self.fields()}.")
        return dataclasses.replace(self, **changes).validate(owner)
