"""What experiment trackers share: metric names grouped train/validation, the
hyperparameters of a run, and `MLflow`, the MLflow logger.

Epoch logs name a metric ``loss`` and its validation twin ``val_loss``; trackers get
``loss/train`` and ``loss/validation`` (`metric_tag`), so both land in one group (one
chart where the tracker overlays a group, as TensorBoard's custom scalars and MLflow's
metric pages do). The learning rate stays ``lr``.

`MLflow` needs the optional ``mlflow`` package (``pip install 'seqlab[mlflow]'``); it is
imported only when training starts, so seqlab works without it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from seqlab.errors import ValidationError
from seqlab.train.callbacks import Callback

__all__ = ["metric_tag", "epoch_scalars", "hparams_of", "PerTrainer", "MLflow",
           "require_mlflow"]

#: Epoch-log entries that are not metrics of the model (bookkeeping) or not paired.
_SKIPPED = ("epoch", "seconds")
_UNPAIRED = ("lr",)


def metric_tag(name: str) -> str:
    """``val_loss`` -> ``loss/validation``, ``loss`` -> ``loss/train``, ``lr`` -> ``lr``."""
    if name in _UNPAIRED:
        return name
    if name.startswith("val_"):
        return f"{name[4:]}/validation"
    return f"{name}/train"


def epoch_scalars(logs: Mapping[str, Any]) -> dict[str, float]:
    """Tag -> value of every finite numeric entry of an epoch's logs (`metric_tag` names)."""
    scalars = {}
    for name, value in logs.items():
        if name in _SKIPPED or isinstance(value, bool):
            continue
        if isinstance(value, (int, float)) and math.isfinite(value):
            scalars[metric_tag(name)] = float(value)
    return scalars


def hparams_of(trainer: Any, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A run's hyperparameters as plain scalars: the trainer's `TrainerConfig` (optimizer,
    lr, batch_size, epochs …) and the model's spec when it has one, then `extra` (the
    command's own options); lists and mappings become JSON text, None values are left out."""
    values: dict[str, Any] = {}
    config = getattr(trainer, "config", None)
    if config is not None and hasattr(config, "to_dict"):
        values.update({k: v for k, v in config.to_dict().items() if k != "version"})
    spec = getattr(getattr(trainer, "model", None), "spec", None)
    if spec is not None and hasattr(spec, "to_dict"):
        values.update({f"spec.{k}": v for k, v in spec.to_dict().items() if k != "version"})
    values.update(extra or {})
    plain: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, (bool, int, float, str)):
            plain[str(key)] = value
        else:
            plain[str(key)] = json.dumps(value, default=str)
    return plain


class PerTrainer(Callback):
    """Base of the trackers: one run per trainer it watches, epochs numbered on across the
    fits of that trainer (a run that trains in phases draws one curve)."""

    def __init__(self) -> None:
        self._index: dict[int, int] = {}  # id(trainer) -> 1-based trainer number
        self._steps: dict[int, int] = {}  # id(trainer) -> epochs logged
        self._trainers: list[Any] = []  # keeps ids unique while they are keys

    def _begin(self) -> tuple[int, bool]:
        """(this trainer's number, whether this is its first fit)."""
        key = id(self.trainer)
        first = key not in self._index
        if first:
            self._trainers.append(self.trainer)
            self._index[key], self._steps[key] = len(self._index) + 1, 0
        return self._index[key], first

    def _step(self) -> int:
        """Count one more epoch of the current trainer; its 1-based step."""
        key = id(self.trainer)
        self._steps[key] += 1
        return self._steps[key]


def require_mlflow() -> Any:
    """The `mlflow` module, or a `ValidationError` naming the extra that installs it."""
    try:
        import mlflow
    except ImportError as error:
        raise ValidationError(
            "MLflow tracking needs the mlflow package: pip install 'seqlab[mlflow]' (or pip "
            "install mlflow)."
        ) from error
    return mlflow


class MLflow(PerTrainer):
    """Log each trainer as one MLflow run: its hyperparameters as params, every epoch's
    metrics as ``loss/train``, ``loss/validation`` … at step = epoch.

    Parameters
    ----------
    tracking_uri:
        Where MLflow records runs (``file:./mlruns``, ``http://host:5000`` …); None keeps
        MLflow's own default (``MLFLOW_TRACKING_URI`` or ``./mlruns``).
    experiment:
        MLflow experiment name; None keeps the active one.
    run_name:
        Name of the first trainer's run; later trainers get ``-2``, ``-3`` … appended.
    hparams:
        Extra params logged with the trainer's config (the command's options).
    """

    def __init__(self, tracking_uri: str | None = None, *, experiment: str | None = None,
                 run_name: str | None = None, hparams: Mapping[str, Any] | None = None):
        super().__init__()
        self.tracking_uri = tracking_uri
        self.experiment = experiment
        self.run_name = run_name
        self.hparams = dict(hparams or {})
        self.run_ids_: dict[int, str] = {}

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        """Start (or, for a later fit of the same trainer, resume) its MLflow run."""
        mlflow = require_mlflow()
        if self.tracking_uri:
            mlflow.set_tracking_uri(self.tracking_uri)
        if self.experiment:
            mlflow.set_experiment(self.experiment)
        number, first = self._begin()
        if first:
            name = self.run_name and (self.run_name if number == 1
                                      else f"{self.run_name}-{number}")
            run = mlflow.start_run(run_name=name)
            self.run_ids_[number] = run.info.run_id
            mlflow.log_params(hparams_of(self.trainer, self.hparams))
        else:
            mlflow.start_run(run_id=self.run_ids_[number])

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        """Log the epoch's metrics (step = 1-based epoch, counted on across fits)."""
        require_mlflow().log_metrics(epoch_scalars(logs), step=self._step())

    def on_train_end(self, logs: dict[str, Any]) -> None:
        """End the run (a later fit of the same trainer resumes it)."""
        require_mlflow().end_run()
