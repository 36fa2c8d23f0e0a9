"""`Trainer.train_step` and `Trainer.evaluate_step`: the per-batch override points.

A subclass changes what training minimises by overriding `train_step`; the epoch's
``loss`` is the mean of what the step returns, and validation/`evaluate` go through
`evaluate_step` (as the methods' docstrings say).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from seqlab.models import ModelSpec, build
from seqlab.train import Trainer
from seqlab.train.trainer import Batch

SEEDS = (0, 1, 2)
TARGET = 1.0  # where the extra loss term pulls every output


def mean_task(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """x: n windows of 4 uniform values; y: their mean (about 0.5)."""
    x = np.random.default_rng(seed).uniform(size=(n, 4, 1)).astype(np.float32)
    return x, x.mean(axis=1)


class PulledTrainer(Trainer):
    """Adds ``strength * mean((output - TARGET)**2)`` to the loss it trains on."""

    strength = 10.0

    def train_step(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        with self.precision.autocast():
            output = batch.forward(self.model)
            loss = self.loss_fn(output, batch.y)
        loss = loss + self.strength * (output - TARGET).pow(2).mean()
        self.optimizer_step(loss, batch)
        return loss, output


def fitted(cls: type[Trainer], seed: int, x: np.ndarray, y: np.ndarray) -> Trainer:
    trainer = cls(build(ModelSpec(1, 1, units=[8]), seed=seed), seed=seed, lr=0.02)
    trainer.fit(x, y, epochs=20, batch_size=16, verbose=0)
    return trainer


@pytest.mark.parametrize("seed", SEEDS)
def test_an_extra_loss_term_in_train_step_changes_what_is_learnt(seed):
    x, y = mean_task(64, seed=100 + seed)
    x_test, _ = mean_task(64, seed=200 + seed)
    plain_trainer = fitted(Trainer, seed, x, y)
    plain = plain_trainer.predict(x_test).mean()
    pulled_trainer = fitted(PulledTrainer, seed, x, y)
    pulled = pulled_trainer.predict(x_test).mean()
    # The minimiser of mse + 10 * (out - 1)^2 is (y + 10) / 11, about 0.95 for y near 0.5.
    assert abs(plain - 0.5) < 0.15, plain
    assert pulled > 0.8, (plain, pulled)
    # The epoch's loss is what the step returned: the pulled objective cannot get below
    # 10/11 * E(1 - y)^2 (about 0.2), far above plain mse's final loss.
    pulled_loss, plain_loss = (t.history_["loss"][-1] for t in (pulled_trainer, plain_trainer))
    assert pulled_loss > 0.1 > plain_loss, (pulled_loss, plain_loss)


class Offset(Trainer):
    """Trains exactly as `Trainer` does but reports every loss 100 higher."""

    calls = 0

    def train_step(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        type(self).calls += 1
        loss, output = super().train_step(batch)
        return loss + 100.0, output


def test_train_step_runs_once_a_batch_and_its_loss_is_what_the_epoch_reports():
    x, y = mean_task(48, seed=7)
    base = Trainer(build(ModelSpec(1, 1, units=[4]), seed=3), seed=3)
    offset = Offset(build(ModelSpec(1, 1, units=[4]), seed=3), seed=3)
    base_history = base.fit(x, y, epochs=2, batch_size=16, verbose=0)
    offset_history = offset.fit(x, y, epochs=2, batch_size=16, verbose=0)
    assert Offset.calls == 2 * 3
    assert np.allclose(np.array(offset_history["loss"]) - 100.0, base_history["loss"],
                       atol=1e-4)
    assert offset_history["mae"] == pytest.approx(base_history["mae"])  # same steps taken
    np.testing.assert_allclose(offset.predict(x), base.predict(x), atol=1e-6)


class AbsoluteScore(Trainer):
    """Scores held-out data by the mean absolute error instead of the training loss."""

    def evaluate_step(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        output = batch.forward(self.model)
        return (output - batch.y).abs().mean(), output


def test_evaluate_step_decides_what_evaluate_and_validation_report():
    x, y = mean_task(64, seed=11)
    trainer = AbsoluteScore(build(ModelSpec(1, 1, units=[4]), seed=0), seed=0)
    history = trainer.fit(x[:48], y[:48], epochs=2, batch_size=16, verbose=0,
                          validation_data=(x[48:], y[48:]))
    mae = float(np.abs(trainer.predict(x[48:]) - y[48:]).mean())
    assert trainer.evaluate(x[48:], y[48:])["loss"] == pytest.approx(mae, rel=1e-5)
    assert history["val_loss"][-1] == pytest.approx(mae, rel=1e-5)
    assert history["loss"][-1] != pytest.approx(history["val_loss"][-1], rel=1e-3)
