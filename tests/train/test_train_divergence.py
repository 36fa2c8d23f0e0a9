"""Divergence recovery: roll back to the last good epoch with a lower learning rate."""

import math

import numpy as np
import pytest
import torch

from seqlab.errors import DivergenceWarning, TrainingDivergedError
from seqlab.models import ModelSpec, build
from seqlab.train import Callback, Trainer
from seqlab.train.losses import mse


def _data(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, (64, 5, 1)).astype(np.float32)
    return x, x.sum(axis=1)


def _model(seed=0):
    return build(ModelSpec(1, 1, units=[8]), seed=seed)


class FailingLoss(Callback):
    """MSE, except on the first attempt at the given epochs: inf, or the loss times `value`.

    It is also a callback, so it knows which epoch (and which attempt at it) is running.
    """

    def __init__(self, fail_epochs, value=math.inf):
        self.fail_epochs = set(fail_epochs)
        self.value = value
        self.attempts: dict[int, int] = {}
        self.epoch = None

    def on_epoch_begin(self, epoch):
        self.epoch = epoch
        self.attempts[epoch] = self.attempts.get(epoch, 0) + 1

    def on_train_end(self, logs):
        self.epoch = None

    def __call__(self, output, target):
        loss = mse(output, target)
        if self.epoch in self.fail_epochs and self.attempts[self.epoch] == 1:
            return loss * 0 + self.value if math.isinf(self.value) else loss * self.value
        return loss


def _fit(trainer, loss, x, y, epochs):
    return trainer.fit(x, y, epochs=epochs, batch_size=32, verbose=0, callbacks=[loss])


def test_rollback_restores_the_last_good_epoch_and_halves_the_rate():
    x, y = _data()
    loss = FailingLoss({2})
    trainer = Trainer(_model(), loss=loss, lr=0.01, seed=0, on_divergence="rollback")
    with pytest.warns(DivergenceWarning, match="epoch 3.*restored to the end of epoch 2.*"
                                               "0.01 to 0.005"):
        history = _fit(trainer, loss, x, y, 5)
    assert history["epoch"] == [1, 2, 3, 4, 5]
    assert all(math.isfinite(v) for v in history["loss"])
    assert history["lr"] == [0.01, 0.01, 0.005, 0.005, 0.005]
    assert trainer.events_ == [{"epoch": 3, "loss": math.inf, "old_lr": 0.01, "new_lr": 0.005}]


def test_rolled_back_weights_equal_the_good_epochs_weights():
    x, y = _data()
    snapshots = {}

    class Spy(Trainer):
        pass

    loss = FailingLoss({1})
    trainer = Spy(_model(), loss=loss, seed=0, on_divergence="rollback")
    original_recover = None

    from seqlab.train import _divergence as divergence

    original_recover = divergence.DivergenceGuard.recover

    def recover(guard, epoch, loss, history):
        event = original_recover(guard, epoch, loss, history)
        snapshots["after"] = trainer.get_weights()
        snapshots["good"] = guard.weights
        return event

    divergence.DivergenceGuard.recover = recover
    try:
        with pytest.warns(DivergenceWarning):
            _fit(trainer, loss, x, y, 2)
    finally:
        divergence.DivergenceGuard.recover = original_recover
    for name, tensor in snapshots["good"].items():
        assert torch.equal(snapshots["after"][name], tensor)


def test_spike_factor_catches_an_exploding_but_finite_loss():
    x, y = _data()
    loss = FailingLoss({3}, value=1e6)
    trainer = Trainer(_model(), loss=loss, seed=0, on_divergence="rollback", spike_factor=3.0)
    with pytest.warns(DivergenceWarning, match="epoch 4"):
        history = _fit(trainer, loss, x, y, 5)
    assert max(history["loss"]) < 1e3
    assert len(trainer.events_) == 1


def test_raise_policy_and_exhausted_rollbacks_raise_with_the_history():
    x, y = _data()
    loss = FailingLoss({1})
    trainer = Trainer(_model(), loss=loss, seed=0)
    with pytest.raises(TrainingDivergedError, match="epoch 2") as raised:
        _fit(trainer, loss, x, y, 3)
    assert len(raised.value.history) == 1
    always = Trainer(_model(), loss=lambda o, t: mse(o, t) * math.inf, seed=0,
                     on_divergence="rollback", max_rollbacks=2)
    with pytest.warns(DivergenceWarning), pytest.raises(TrainingDivergedError,
                                                        match="after 2 roll-back"):
        always.fit(x, y, epochs=3, batch_size=32, verbose=0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_too_high_learning_rate_is_recovered_from(seed):
    x, y = _data(seed)
    # SGD at lr 200 sends this LSTM's loss to infinity within the first epoch.
    blowing_up = Trainer(_model(seed), optimizer="sgd", lr=200.0, seed=seed)
    with pytest.raises(TrainingDivergedError):
        blowing_up.fit(x, y, epochs=10, batch_size=8, verbose=0)
    trainer = Trainer(_model(seed), optimizer="sgd", lr=200.0, seed=seed,
                      on_divergence="rollback", spike_factor=2.0, max_rollbacks=20)
    with pytest.warns(DivergenceWarning):
        history = trainer.fit(x, y, epochs=10, batch_size=8, verbose=0)
    assert len(history) == 10
    assert all(math.isfinite(v) for v in history["loss"])
    untrained = Trainer(_model(seed)).evaluate(x, y)["loss"]
    assert history["loss"][-1] < 0.5 * untrained  # it learned after recovering
    assert history["lr"][-1] < 200.0
