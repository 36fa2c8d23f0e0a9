"""Train a forecaster straight from a raw series: pipeline, model and trainer in one call."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from seqlab._io import read_toml_file
from seqlab._validation import (
    as_numeric_array,
    check_choice,
    check_float,
    check_int,
    check_seed,
)
from seqlab.data.pipeline import Pipeline, ScaleStep, WindowStep
from seqlab.errors import ValidationError
from seqlab.models.building import build
from seqlab.models.spec import CELLS, ModelSpec
from seqlab.train.precision import DEVICES, PRECISIONS
from seqlab.train.trainer import Trainer

__all__ = ["ForecastConfig", "train_forecaster", "forecaster_spec"]

DIVERGENCE_SPIKE_FACTOR = 100.0
"""An epoch loss this many times the best so far (or the untrained loss) is divergence."""


@dataclass
class ForecastConfig:
    """How to turn a series into a trained forecaster (every field has a CLI option).

    ``n_in`` past values predict the ``n_out`` next ones; the series is scaled with
    ``scale`` (minmax or standard) fitted on the training series, so forecasts come back
    in the original units.
    """

    n_in: int = 3
    n_out: int = 1
    units: int = 32
    cell: str = "lstm"
    epochs: int = 100
    batch_size: int = 32
    lr: float | None = None
    seed: int = 0
    scale: str = "minmax"
    device: str = "auto"
    precision: str = "32"

    def validate(self) -> ForecastConfig:
        """Check every field; returns self."""
        owner = "ForecastConfig"
        check_int("n_in", self.n_in, owner, low=1)
        check_int("n_out", self.n_out, owner, low=1)
        check_int("units", self.units, owner, low=1)
        check_choice("cell", self.cell, owner, CELLS)
        check_int("epochs", self.epochs, owner, low=1)
        check_int("batch_size", self.batch_size, owner, low=1)
        if self.lr is not None:
            check_float("lr", self.lr, owner, low=0.0, low_open=True)
        check_seed(self.seed, owner)
        check_choice("scale", self.scale, owner, ("minmax", "standard"))
        check_choice("device", self.device, owner, DEVICES)
        check_choice("precision", self.precision, owner, PRECISIONS)
        return self

    def to_dict(self) -> dict[str, Any]:
        """Every field as plain JSON values; `from_dict` reads it back."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ForecastConfig:
        """A config from plain values (dashes in keys read as underscores); unknown keys are
        an error naming the known ones."""
        if not isinstance(values, dict):
            raise ValidationError(f"ForecastConfig.from_dict takes a dict of settings; got "
                                  f"{type(values).__name__}.")
        known = {f.name for f in dataclasses.fields(cls)}
        clean = {str(k).replace("-", "_"): v for k, v in values.items()}
        unknown = sorted(set(clean) - known)
        if unknown:
            raise ValidationError(
                f"Unknown forecaster setting(s) {unknown}; known settings are {sorted(known)}.")
        return cls(**clean).validate()


def read_toml(path: str | Path) -> dict[str, Any]:
    """The top-level table of a TOML file (read with tomllib: data only, never code)."""
    return read_toml_file(path, "config file")


def forecaster_spec(n_features: int, config: ForecastConfig) -> ModelSpec:
    """One recurrent layer of `units` and a dense head of ``n_out * n_features`` values."""
    return ModelSpec(n_features, config.n_out * n_features, cell=config.cell,
                     units=[config.units], timesteps=config.n_in).validate()


def train_forecaster(series: Any, config: ForecastConfig, *, columns: list[str] | None = None,
                     verbose: int = 0, checkpoint: str | Path | None = None,
                     resume: bool = False) -> tuple[Trainer, Pipeline]:
    """Fit the pipeline on `series`, frame it, build and train the model; return both.

    With `checkpoint` (a folder) the fit checkpoints at each epoch's end and on
    SIGINT/SIGTERM; ``resume=True`` continues from it (see `Trainer.fit`)."""
    if not isinstance(config, ForecastConfig):
        hint = (" (ForecastConfig.from_dict(...) makes one of a dict)"
                if isinstance(config, dict) else "")
        raise ValidationError(f"The 'config' parameter of train_forecaster must be a "
                              f"ForecastConfig (ForecastConfig(n_in=12), say){hint}; got "
                              f"{type(config).__name__}.")
    config.validate()
    arr = as_numeric_array(series, "series", "train_forecaster").astype(np.float64)
    pipeline = Pipeline([ScaleStep(config.scale), WindowStep(config.n_in, config.n_out)],
                        columns=columns)
    x, y = pipeline.fit_frame(arr)
    n_features = 1 if arr.ndim == 1 else arr.shape[1]
    model = build(forecaster_spec(n_features, config), seed=config.seed)
    # A rate that makes the loss explode is rolled back and halved; one that still explodes
    # ends in TrainingDivergedError rather than a bundle of garbage.
    trainer = Trainer(model, lr=config.lr, seed=config.seed, device=config.device,
                      precision=config.precision, on_divergence="rollback",
                      spike_factor=DIVERGENCE_SPIKE_FACTOR)
    trainer.fit(x, y.reshape(len(y), -1), epochs=config.epochs, batch_size=config.batch_size,
                verbose=verbose, checkpoint=checkpoint,
                resume_from=checkpoint if resume else None)
    return trainer, pipeline
