"""The neural part: level-normalised windows, small LSTMs forecasting every step at once.

Every series is first mapped by its `SeriesTransform` (log, deseasonalised, scaled), so what
is left for the network is the local trend and its dynamics. Each window is normalised by
its own last level (``u[t-L+1..t] - u[t]``, a ratio to the last value in the original units)
and the network predicts the next values relative to that level. Windows of all series go
into one pool (one global model: cross-learning). A model is a median ensemble of small
LSTMs trained with different seeds, each stopped early on a time-ordered validation split
and keeping its best weights.

`train_ensemble` trains the members together as one batched model
(`seqlab.train.batched.BatchedTrainer`) where that is faster (small steps, see
`BATCHED_WORK`): each member ends where `train_member` would take it alone (its initial
weights, data order, early stopping and restored best weights), to float rounding.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np
import torch

from seqlab.models.building import build
from seqlab.models.spec import ModelSpec
from seqlab.train.batched import BatchedTrainer, can_batch
from seqlab.train.callbacks import EarlyStopping, KeepBest
from seqlab.train.config import TrainerConfig
from seqlab.train.trainer import Trainer

__all__ = ["CoreSettings", "windows", "train_member", "train_ensemble", "predict_paths",
           "BATCHED_WORK"]

BATCHED_WORK = 64 * 32
"""Most windows times units a training step may hold for `train_ensemble` to batch the
members (64 windows of the default 32 units). The batched trainer wins where torch's
per-operation overhead is the cost and loses where arithmetic is: its recurrence runs step
by step, torch's LSTM kernel is fused. Measured on one thread (window 12, 8 epochs, a
loaded 2-core machine), sequential over batched seconds for 5 members: 32 units at 32
windows a step 1.6x, at 60 1.2x, at 120 0.88x, at 500 0.67x; 16 units at 120 windows
1.3x, at 240 0.89x; 8 units at 120 1.6x; 64 units at 32 1.05x; 128 units at 32 0.9x.
For 2 members: 32 units at 32 windows 1.17x, at 60 0.91x; 16 units at 32 1.6x."""


@dataclass
class CoreSettings:
    """How the networks are shaped and trained (plain values; stored in the bundle)."""

    window: int
    horizon: int
    units: int = 32
    cell: str = "lstm"
    lr: float = 3e-3
    batch_size: int = 32
    max_epochs: int = 150
    patience: int = 20
    min_epochs: int = 0
    covariates: int = 0

    def spec(self) -> ModelSpec:
        return ModelSpec(input_size=1 + self.covariates, output_size=self.horizon,
                         cell=self.cell, units=[self.units], timesteps=self.window)


def windows(series: list[np.ndarray], covariates: list[np.ndarray | None], window: int,
            steps: int, origins: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Windows ending at the given origins (index of the last input), normalised by their level.

    Returns x ``(n, window, 1 + covariates)`` and y ``(n, steps)`` (y may hold NaN past a
    series' end: those are only used where the caller asked for them).
    """
    xs, ys = [], []
    for u, cov, orig in zip(series, covariates, origins, strict=True):
        for o in orig:
            level = u[o]
            x = (u[o - window + 1:o + 1] - level)[:, None]
            if cov is not None:
                x = np.concatenate([x, cov[o - window + 1:o + 1]], axis=1)
            target = np.full(steps, np.nan)
            part = u[o + 1:o + 1 + steps] - level
            target[:len(part)] = part
            xs.append(x)
            ys.append(target)
    if not xs:
        width = 1 + (0 if covariates[0] is None else covariates[0].shape[1])
        return np.zeros((0, window, width), np.float32), np.zeros((0, steps), np.float32)
    return np.asarray(xs, np.float32), np.asarray(ys, np.float32)


def _config(settings: CoreSettings, seed: int) -> TrainerConfig:
    """How a member trains: Adam on the absolute error, gradients clipped to norm 1."""
    return TrainerConfig(loss="mae", optimizer="adam", lr=settings.lr, seed=seed,
                         clip_grad_norm=1.0)


def _batch_size(settings: CoreSettings, samples: int) -> int:
    """About ten steps an epoch whatever the data size: short series get small batches
    (and enough updates), long ones large batches (and bounded time)."""
    if samples > 40:
        return int(min(512, max(8, settings.batch_size, math.ceil(samples / 10))))
    return max(4, math.ceil(samples / 4))


def _data_parallel() -> bool:
    """Whether this runs under a launcher's several processes (``WORLD_SIZE`` above 1),
    read without joining them: the members' `Trainer`s join with their own device."""
    return int(os.environ.get("WORLD_SIZE", "1") or 1) > 1


def _warm_epochs(settings: CoreSettings) -> int:
    """Epochs trained before early stopping may pick weights. A few validation points can
    favour a barely trained net (one that forecasts the average drift) by chance."""
    return min(settings.min_epochs, settings.max_epochs - 1)


def train_member(settings: CoreSettings, seed: int, x: np.ndarray, y: np.ndarray,
                 validation: tuple[np.ndarray, np.ndarray] | None,
                 epochs: int | None = None) -> tuple[torch.nn.Module, int, float]:
    """One ensemble member. With `validation`, early stopping keeps the best epoch's weights.

    Returns the model, the number of epochs that gave its weights, and the best validation
    loss (NaN without validation).
    """
    model = build(settings.spec(), seed=seed)
    trainer = Trainer(model, _config(settings, seed))
    batch = _batch_size(settings, len(x))
    if validation is not None and len(validation[0]):
        first = _warm_epochs(settings)
        if first > 0:
            trainer.fit(x, y, epochs=first, batch_size=batch, verbose=0)
        stop = EarlyStopping(patience=settings.patience, restore_best_weights=True)
        trainer.fit(x, y, epochs=settings.max_epochs - first, batch_size=batch,
                    validation_data=validation, callbacks=[stop], verbose=0)
        best = first + (stop.best_epoch or 0) + 1
        return model.eval(), best, float(stop.best)
    trainer.fit(x, y, epochs=epochs or settings.max_epochs, batch_size=batch, verbose=0)
    return model.eval(), epochs or settings.max_epochs, float("nan")


def train_ensemble(settings: CoreSettings, seeds: list[int], x: np.ndarray, y: np.ndarray,
                   validation: tuple[np.ndarray, np.ndarray] | None,
                   epochs: int | None = None, *, sequential: bool = False
                   ) -> tuple[list[torch.nn.Module], list[int], list[float]]:
    """One member per seed, as `train_member` trains each: the models, the epochs that gave
    their weights, and their best validation losses (NaN without validation).

    The members train together as one `BatchedTrainer` (the same warm phase, then early
    stopping per member with its best weights restored, or the same fixed epochs) when
    a step's windows times units are at most `BATCHED_WORK`; the results equal
    `train_member`'s to float rounding. ``sequential=True``, a single seed, larger steps
    or torchrun processes (where each `Trainer` divides its batches among them, which the
    batched trainer does not) train them one after another with `train_member` instead.
    """
    seeds = [int(seed) for seed in seeds]
    spec = settings.spec()
    batch = _batch_size(settings, len(x))
    if sequential or len(seeds) < 2 or batch * settings.units > BATCHED_WORK \
            or _data_parallel() \
            or not can_batch(spec, _config(settings, seeds[0])):
        trained = [train_member(settings, seed, x, y, validation, epochs) for seed in seeds]
        return ([m for m, _, _ in trained], [b for _, b, _ in trained],
                [v for _, _, v in trained])
    batched = BatchedTrainer(spec, seeds, [_config(settings, seed) for seed in seeds])
    if validation is not None and len(validation[0]):
        first = _warm_epochs(settings)
        if first > 0:
            batched.fit(x, y, epochs=first, batch_size=batch)
        stop = EarlyStopping(patience=settings.patience, restore_best_weights=True)
        batched.fit(x, y, epochs=settings.max_epochs - first, batch_size=batch,
                    validation_data=validation, callbacks=[stop])
        best_epochs, best_losses = [], []
        for history in batched.histories_:
            # The member's copy of `stop` is the batched trainer's: its best epoch is found
            # again from the member's history by the same rule.
            best = KeepBest(stop.min_delta)
            for epoch, loss in enumerate(history["val_loss"]):
                best.offer(float(loss), epoch)
            best_epochs.append(first + (best.at or 0) + 1)
            best_losses.append(float(best.value))
        return [m.eval() for m in batched.models()], best_epochs, best_losses
    count = epochs or settings.max_epochs
    batched.fit(x, y, epochs=count, batch_size=batch)
    return ([m.eval() for m in batched.models()], [count] * len(seeds),
            [float("nan")] * len(seeds))


@torch.no_grad()
def predict_paths(models: list[torch.nn.Module], x: np.ndarray, horizon: int) -> np.ndarray:
    """Each member's path for each window: ``(members, n, horizon)``, relative to the level
    (the trained horizon, cut to `horizon` when that is shorter)."""
    inputs = torch.as_tensor(x, dtype=torch.float32)
    return np.asarray([model(inputs)[0].numpy()[:, :horizon] for model in models])
