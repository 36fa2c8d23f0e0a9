"""Trainer.fit / evaluate / predict on tiny problems, its checks and its failure modes."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
from torch import nn

from seqlab.data import windows
from seqlab.errors import (
    StatefulLayoutError,
    TrainingDivergedError,
    UnknownNameError,
    ValidationError,
)
from seqlab.models import ModelSpec, build
from seqlab.train import Callback, LearningRateScheduler, Trainer
from seqlab.train.losses import mse

SEEDS = (0, 1, 2)


def mean_task(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """x: n windows of 4 uniform values; y: their mean (an easy regression)."""
    x = np.random.default_rng(seed).uniform(size=(n, 4, 1)).astype(np.float32)
    return x, x.mean(axis=1)


def regression_trainer(seed: int = 0, units: int = 4, **options) -> Trainer:
    return Trainer(build(ModelSpec(1, 1, units=[units]), seed=seed), seed=seed, **options)


class BatchCounter(Callback):
    def __init__(self):
        self.batches = 0

    def on_batch_end(self, batch, logs):
        self.batches += 1


class InputSpy(nn.Module):
    """Wraps a built model and records the inputs it sees while training."""

    def __init__(self, inner: nn.Module):
        super().__init__()
        self.inner = inner
        self.spec = inner.spec
        self.training_inputs: list[torch.Tensor] = []

    def forward(self, x, state=None):
        if self.training:
            self.training_inputs.append(x.detach().clone())
        return self.inner(x, state)


# --------------------------------------------------------------------- learning


@pytest.mark.parametrize("seed", SEEDS)
def test_lstm_learns_a_regression(seed):
    x, y = mean_task(64, seed=100 + seed)
    trainer = regression_trainer(seed, units=8, lr=0.02)
    history = trainer.fit(x, y, epochs=30, batch_size=16, verbose=0)
    x_test, y_test = mean_task(64, seed=200 + seed)
    test_mse = trainer.evaluate(x_test, y_test)["loss"]
    # Predicting the mean scores the variance (about 0.02); a fitted model does far better.
    assert test_mse < 0.25 * y_test.var(), (test_mse, y_test.var())
    assert history["loss"][-1] < 0.25 * history["loss"][0]
    assert history["mae"][-1] == pytest.approx(history.last()["mae"])


@pytest.mark.parametrize("seed", SEEDS)
def test_alphabet_next_letter_multiclass(seed):
    x, y = windows(np.arange(26), 3)  # read-only views of ids, as the data module gives
    x, y = x[..., 0], y[:, 0]
    spec = ModelSpec(26, 26, task="multiclass", units=[16], frontend="onehot")
    trainer = Trainer(build(spec, seed=seed), lr=0.05, seed=seed)
    history = trainer.fit(x, y, epochs=50, batch_size=8, verbose=0)
    assert history["accuracy"][-1] >= 0.9
    assert trainer.evaluate(x, y)["accuracy"] >= 0.9
    probabilities = trainer.predict(x)
    assert (probabilities.argmax(-1) == y).mean() >= 0.9


def test_read_only_float_windows_are_accepted_without_warning():
    series = np.linspace(0, 1, 30, dtype=np.float32)
    x, y = windows(series, 4)
    assert not x.flags.writeable and x.dtype == np.float32
    trainer = regression_trainer()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trainer.fit(x, y, epochs=1, verbose=0)
        trainer.evaluate(x, y)
        trainer.predict(x)
    assert not x.flags.writeable  # the caller's view is untouched


# ------------------------------------------------------------------ repeatability


def _dropout_history(build_seed: int, trainer_seed: int) -> list[float]:
    x, y = mean_task(40, seed=5)
    spec = ModelSpec(1, 1, units=[6, 4], dropout=0.3)
    trainer = Trainer(build(spec, seed=build_seed), seed=trainer_seed)
    history = trainer.fit(x, y, epochs=3, batch_size=8, verbose=0, validation_split=0.2)
    return [history[key] for key in ("loss", "mae", "val_loss", "val_mae")]


def test_same_seed_gives_identical_history():
    assert _dropout_history(0, 3) == _dropout_history(0, 3)


def test_different_seeds_give_different_histories():
    reference = _dropout_history(0, 3)
    assert _dropout_history(0, 4)[0] != reference[0]  # shuffling and dropout differ
    assert _dropout_history(1, 3)[0] != reference[0]  # initial weights differ


# ---------------------------------------------------------------------- validation


def test_validation_split_holds_out_the_last_fraction():
    n, batch_size = 20, 4
    x = np.repeat(np.arange(n, dtype=np.float32), 3).reshape(n, 3, 1)  # sample i holds i
    y = np.linspace(0, 1, n, dtype=np.float32)[:, None]
    spy = InputSpy(build(ModelSpec(1, 1, units=[3]), seed=0))
    trainer = Trainer(spy, seed=0)
    counter = BatchCounter()
    history = trainer.fit(x, y, epochs=2, batch_size=batch_size, validation_split=0.25,
                          verbose=0, callbacks=[counter])
    seen = torch.cat(spy.training_inputs)[:, 0, 0].long().tolist()
    assert sorted(seen) == sorted(list(range(15)) * 2)  # every first-15 sample, twice
    assert counter.batches == 2 * math.ceil(15 / batch_size)
    assert "val_loss" in history.keys() and "val_mae" in history.keys()
    # The final val_loss is the loss on the last 5 samples under the final weights.
    held_out = trainer.evaluate(x[15:], y[15:])
    assert history["val_loss"][-1] == pytest.approx(held_out["loss"], rel=1e-5)
    assert history["val_loss"][-1] != pytest.approx(trainer.evaluate(x[:5], y[:5])["loss"])


def test_validation_data_is_evaluated_each_epoch():
    x, y = mean_task(24, seed=1)
    x_val, y_val = mean_task(10, seed=2)
    trainer = regression_trainer(metrics=["mae", "mse"])
    counter = BatchCounter()
    history = trainer.fit(x, y, epochs=3, batch_size=8, validation_data=(x_val, y_val),
                          verbose=0, callbacks=[counter])
    assert counter.batches == 3 * 3  # all 24 training samples, none held out
    assert len(history["val_loss"]) == 3
    final = trainer.evaluate(x_val, y_val)
    assert history["val_loss"][-1] == pytest.approx(final["loss"], rel=1e-5)
    assert history["val_mse"][-1] == pytest.approx(final["mse"], rel=1e-5)
    assert history["val_mae"][-1] == pytest.approx(final["mae"], rel=1e-5)


def test_validation_data_must_be_a_pair():
    x, y = mean_task(8, seed=1)
    with pytest.raises(ValidationError, match="pair"):
        regression_trainer().fit(x, y, validation_data=(x,), verbose=0)


# ------------------------------------------------------------------------ predict


def test_predict_multiclass_gives_probabilities():
    spec = ModelSpec(2, 4, task="multiclass", units=[5])
    trainer = Trainer(build(spec, seed=0))
    x = np.random.default_rng(0).normal(size=(7, 3, 2)).astype(np.float32)
    p = trainer.predict(x, batch_size=3)
    assert p.shape == (7, 4) and isinstance(p, np.ndarray)
    assert np.allclose(p.sum(-1), 1.0, atol=1e-6)
    assert (p > 0).all()
    with torch.no_grad():
        logits = trainer.model(torch.as_tensor(x))[0]
    assert np.allclose(p, torch.softmax(logits, -1).numpy(), atol=1e-6)


def test_predict_binary_gives_values_in_the_open_unit_interval():
    spec = ModelSpec(2, 1, task="binary", units=[5])
    trainer = Trainer(build(spec, seed=0))
    x = np.random.default_rng(0).normal(size=(9, 3, 2)).astype(np.float32) * 5
    p = trainer.predict(x)
    assert p.shape == (9, 1)
    assert ((p > 0) & (p < 1)).all()
    with torch.no_grad():
        logits = trainer.model(torch.as_tensor(x))[0]
    assert np.allclose(p, torch.sigmoid(logits).numpy(), atol=1e-6)


def test_predict_batching_does_not_change_results():
    trainer = regression_trainer(units=5)
    x, _ = mean_task(10, seed=3)
    assert np.allclose(trainer.predict(x, batch_size=3), trainer.predict(x, batch_size=256),
                       atol=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
def test_binary_task_trains_on_a_threshold_rule(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(64, 3, 1)).astype(np.float32)
    y = (x.sum(axis=1) > 0).astype(np.float32)
    trainer = Trainer(build(ModelSpec(1, 1, task="binary", units=[6]), seed=seed), lr=0.03,
                      seed=seed)
    history = trainer.fit(x, y, epochs=25, batch_size=16, verbose=0)
    assert history["accuracy"][-1] >= 0.9


@pytest.mark.parametrize("per_step", [False, True], ids=["last", "per-step"])
def test_class_ids_and_one_hot_targets_give_the_same_loss(per_step):
    rng = np.random.default_rng(0)
    spec = ModelSpec(2, 3, task="multiclass", units=[4], return_sequences=per_step)
    trainer = Trainer(build(spec, seed=0))
    x = rng.normal(size=(10, 4, 2)).astype(np.float32)
    ids = rng.integers(0, 3, size=(10, 4) if per_step else (10,))
    one_hot = np.eye(3)[ids]
    by_ids = trainer.evaluate(x, ids)
    by_float_rows = trainer.evaluate(x, one_hot.astype(np.float32))
    by_int_rows = trainer.evaluate(x, one_hot.astype(np.int64))
    for other in (by_float_rows, by_int_rows):
        assert other["loss"] == pytest.approx(by_ids["loss"], rel=1e-6)
        assert other["accuracy"] == by_ids["accuracy"]


# ------------------------------------------------------------------------ errors


def test_2d_x_error_names_the_shape_and_the_reshape():
    trainer = regression_trainer()
    x = np.zeros((12, 5), dtype=np.float32)
    with pytest.raises(ValidationError) as info:
        trainer.fit(x, np.zeros((12, 1)), verbose=0)
    message = str(info.value)
    assert "(12, 5)" in message and "(batch, timesteps, features)" in message
    assert "x.reshape(12, 5, 1)" in message


def test_nan_in_x_is_reported_with_its_position():
    x, y = mean_task(6, seed=0)
    x[2, 1, 0] = np.nan
    with pytest.raises(ValidationError, match=r"NaN.*\(2, 1, 0\)"):
        regression_trainer().fit(x, y, verbose=0)


def test_nan_in_y_is_reported():
    x, y = mean_task(6, seed=0)
    y[3, 0] = np.inf
    with pytest.raises(ValidationError, match=r"`y` contains NaN or infinity"):
        regression_trainer().fit(x, y, verbose=0)


def test_wrong_feature_count():
    x = np.zeros((6, 4, 3), dtype=np.float32)
    with pytest.raises(ValidationError, match=r"3 features.*input_size=1"):
        regression_trainer().fit(x, np.zeros((6, 1)), verbose=0)


def test_y_length_mismatch():
    x, y = mean_task(6, seed=0)
    with pytest.raises(ValidationError, match=r"x has 6 samples but y has shape \(5, 1\)"):
        regression_trainer().fit(x, y[:5], verbose=0)


def test_y_shape_incompatible_with_the_output():
    x, _ = mean_task(6, seed=0)
    with pytest.raises(ValidationError, match=r"per-sample shape \(3,\).*outputs \(1,\)"):
        regression_trainer().fit(x, np.zeros((6, 3), dtype=np.float32), verbose=0)
    spec = ModelSpec(1, 4, task="multiclass", units=[3])
    with pytest.raises(ValidationError, match="class ids or one-hot rows"):
        Trainer(build(spec)).fit(x, np.zeros((6, 5)), verbose=0)


def test_ids_out_of_the_vocabulary_and_float_ids_are_rejected():
    spec = ModelSpec(5, 5, task="multiclass", units=[3], frontend="onehot")
    trainer = Trainer(build(spec))
    with pytest.raises(ValidationError, match=r"outside \[0, 5\).*max 5"):
        trainer.predict(np.array([[0, 1, 5]]))
    with pytest.raises(ValidationError, match="integer symbol ids"):
        trainer.predict(np.array([[0.0, 1.0, 2.0]]))


def test_unknown_optimizer_suggests_adam():
    with pytest.raises(UnknownNameError, match=r"Unknown optimizer 'adamm'.*Did you mean 'adam'"):
        regression_trainer(optimizer="adamm")


def test_unknown_loss_and_metric():
    with pytest.raises(UnknownNameError, match=r"Unknown loss 'msee'.*'mse'"):
        regression_trainer(loss="msee")
    with pytest.raises(UnknownNameError, match=r"Unknown metric 'maee'.*'mae'"):
        regression_trainer(metrics=["maee"])


def test_accuracy_on_a_regression_task_is_refused():
    with pytest.raises(ValidationError, match=r"'accuracy' metric needs a classification task"):
        regression_trainer(metrics=["accuracy"])


def test_model_without_spec_needs_a_task():
    with pytest.raises(ValidationError, match="'task' parameter of Trainer is required"):
        Trainer(nn.Linear(2, 2))


def test_shuffle_with_stateful_is_refused():
    x, y = mean_task(8, seed=0)
    with pytest.raises(ValidationError, match="'shuffle'.*stateful"):
        regression_trainer(stateful=True).fit(x, y, shuffle=True, verbose=0)


def test_stateful_batch_larger_than_the_samples():
    x, y = mean_task(5, seed=0)
    with pytest.raises(StatefulLayoutError, match=r"batch_size \(8\).*number of samples \(5\)"):
        regression_trainer(stateful=True).fit(x, y, batch_size=8, verbose=0)


def test_stateful_non_divisible_sample_count_trims_with_a_warning():
    x, y = mean_task(10, seed=0)
    counter = BatchCounter()
    with pytest.warns(UserWarning, match=r"n_samples \(10\).*batch_size \(4\).*dropping 2"):
        regression_trainer(stateful=True).fit(x, y, batch_size=4, epochs=1, verbose=0,
                                              callbacks=[counter])
    assert counter.batches == 2


@pytest.mark.parametrize("bad", [{"epochs": 0}, {"batch_size": 0}, {"validation_split": 1.0},
                                 {"verbose": 3}])
def test_fit_argument_checks(bad):
    x, y = mean_task(8, seed=0)
    name = next(iter(bad))
    with pytest.raises(ValidationError, match=f"'{name}'"):
        regression_trainer().fit(x, y, **bad)


# -------------------------------------------------------------------- optimizers


@pytest.mark.parametrize("optimizer, options, torch_class", [
    ("adam", {"lr": 0.02}, torch.optim.Adam),
    ("adamw", {"lr": 0.02, "weight_decay": 0.01}, torch.optim.AdamW),
    ("sgd", {"momentum": 0.9, "lr": 0.05}, torch.optim.SGD),
    ("rmsprop", {"lr": 0.01}, torch.optim.RMSprop),
    ("adagrad", {"lr": 0.05}, torch.optim.Adagrad),
])
def test_each_optimizer_trains(optimizer, options, torch_class):
    x, y = mean_task(32, seed=0)
    y = y + 1.0  # a target far from the initial output: every optimizer must move
    trainer = regression_trainer(optimizer=optimizer, **options)
    assert isinstance(trainer.optimizer, torch_class)
    if "momentum" in options:
        assert trainer.optimizer.param_groups[0]["momentum"] == 0.9
    history = trainer.fit(x, y, epochs=8, batch_size=8, verbose=0)
    assert history["loss"][-1] < 0.5 * history["loss"][0], history["loss"]


def test_keras_default_learning_rates():
    assert regression_trainer().lr == pytest.approx(1e-3)
    assert regression_trainer(optimizer="sgd").lr == pytest.approx(1e-2)
    assert regression_trainer(optimizer="rmsprop").lr == pytest.approx(1e-3)
    assert regression_trainer(optimizer="adagrad").lr == pytest.approx(1e-2)
    assert regression_trainer(optimizer="adamw").lr == pytest.approx(1e-3)


def test_adamw_decays_the_matrices_and_spares_the_biases():
    trainer = regression_trainer(optimizer="adamw", lr=0.1, weight_decay=0.5)
    before = trainer.get_weights()
    for param in trainer.model.parameters():
        param.grad = torch.zeros_like(param)  # no gradient step: only the decay moves weights
    trainer.optimizer.step()
    after = trainer.get_weights()
    for name, value in after.items():
        factor = 1 - 0.1 * 0.5 if value.dim() >= 2 else 1.0
        assert torch.allclose(value, factor * before[name]), name
    assert any(value.dim() < 2 for value in after.values())


# ------------------------------------------------------------------ gradient clip


class GradNorms(Callback):
    def __init__(self):
        self.norms: list[float] = []

    def on_batch_end(self, batch, logs):
        grads = [p.grad for p in self.trainer.model.parameters() if p.grad is not None]
        self.norms.append(float(torch.linalg.vector_norm(torch.stack(
            [torch.linalg.vector_norm(g) for g in grads]))))


def _huge_loss(output, target):
    return 1e4 * mse(output, target)


@pytest.mark.parametrize("clip", [None, 0.5])
def test_clip_grad_norm_bounds_the_gradient(clip):
    x, y = mean_task(16, seed=0)
    norms = GradNorms()
    trainer = regression_trainer(loss=_huge_loss, clip_grad_norm=clip, optimizer="sgd",
                                 lr=1e-6)
    trainer.fit(x, y, epochs=2, batch_size=8, verbose=0, callbacks=[norms])
    assert len(norms.norms) == 4
    if clip is None:
        assert min(norms.norms) > 10  # the check below could fail without clipping
    else:
        assert max(norms.norms) <= clip * (1 + 1e-4)
        assert max(norms.norms) == pytest.approx(clip, rel=1e-4)


def test_clip_grad_norm_must_be_positive():
    with pytest.raises(ValidationError, match="'clip_grad_norm'"):
        regression_trainer(clip_grad_norm=0.0)


# --------------------------------------------------------------- non-finite guard


class EpochWeights(Callback):
    def __init__(self):
        self.weights: list[dict[str, torch.Tensor]] = []

    def on_epoch_end(self, epoch, logs):
        self.weights.append(self.trainer.get_weights())


def _assert_weights_equal(actual, expected):
    assert actual.keys() == expected.keys()
    for key in actual:
        assert torch.equal(actual[key], expected[key]), key
        assert torch.isfinite(actual[key]).all()


def test_too_high_learning_rate_raises_and_restores_the_last_good_epoch():
    x, y = mean_task(16, seed=0)
    saved = EpochWeights()
    explode = LearningRateScheduler(lambda epoch, lr: 0.01 if epoch < 2 else 1e12)
    trainer = regression_trainer(optimizer="sgd")
    with pytest.raises(TrainingDivergedError, match=r"epoch 3.*learning rate") as info:
        trainer.fit(x, y, epochs=6, batch_size=4, verbose=0, callbacks=[explode, saved])
    assert isinstance(info.value, RuntimeError)
    assert len(info.value.history) == 2
    assert info.value.history["epoch"] == [1, 2]
    assert all(math.isfinite(v) for v in info.value.history["loss"])
    assert len(saved.weights) == 2
    _assert_weights_equal(trainer.get_weights(), saved.weights[-1])


@pytest.mark.parametrize("bad", [math.inf, math.nan])
def test_non_finite_loss_function_raises_with_history(bad):
    calls = {"n": 0}

    def flaky_loss(output, target):
        calls["n"] += 1
        loss = mse(output, target)
        return loss * bad if calls["n"] > 7 else loss  # batch 8 = epoch 4, batch 4

    x, y = mean_task(16, seed=0)
    saved = EpochWeights()
    trainer = regression_trainer(loss=flaky_loss)
    initial = trainer.get_weights()
    with pytest.raises(TrainingDivergedError, match=r"(inf|nan) in epoch 2") as info:
        trainer.fit(x, y, epochs=5, batch_size=4, verbose=0, callbacks=[saved])
    assert len(info.value.history) == 1
    _assert_weights_equal(trainer.get_weights(), saved.weights[0])
    assert any(not torch.equal(initial[k], saved.weights[0][k]) for k in initial)


def test_divergence_in_the_first_epoch_restores_the_initial_weights():
    x, y = mean_task(8, seed=0)
    trainer = regression_trainer(loss=lambda output, target: mse(output, target) * math.inf)
    initial = trainer.get_weights()
    with pytest.raises(TrainingDivergedError) as info:
        trainer.fit(x, y, epochs=2, verbose=0)
    assert len(info.value.history) == 0
    _assert_weights_equal(trainer.get_weights(), initial)


# ---------------------------------------------------------------------- verbosity


def test_verbose_2_prints_one_line_per_epoch_to_stderr(capfd):
    x, y = mean_task(16, seed=0)
    trainer = regression_trainer(metrics=["mae", "mse"])
    trainer.fit(x, y, epochs=3, batch_size=4, verbose=2, validation_split=0.25)
    out, err = capfd.readouterr()
    assert out == ""
    lines = err.strip("\n").splitlines()
    assert len(lines) == 3, err  # long lines (validation metrics) are not folded
    for epoch, line in enumerate(lines, start=1):
        assert line.startswith(f"Epoch {epoch}/3 - ")
        assert "loss: " in line and "val_mse: " in line and "lr: 0.001" in line


def test_verbose_0_prints_nothing(capfd):
    x, y = mean_task(16, seed=0)
    regression_trainer().fit(x, y, epochs=2, batch_size=4, verbose=0, validation_split=0.25)
    assert capfd.readouterr() == ("", "")


def test_verbose_1_runs_and_reports_epochs(capfd):
    x, y = mean_task(16, seed=0)
    history = regression_trainer().fit(x, y, epochs=2, batch_size=4, verbose=1)
    assert len(history) == 2
    out, err = capfd.readouterr()
    assert out == ""
    assert "Epoch 2/2" in err


# -------------------------------------------------------------------------- misc


def test_history_records_epoch_lr_and_seconds():
    x, y = mean_task(8, seed=0)
    trainer = regression_trainer()
    history = trainer.fit(x, y, epochs=2, batch_size=4, verbose=0)
    assert history is trainer.history_
    assert history["epoch"] == [1, 2]
    assert history["lr"] == [pytest.approx(1e-3)] * 2
    assert all(s >= 0 for s in history["seconds"])


def test_evaluate_matches_a_hand_computation():
    x, y = mean_task(10, seed=0)
    trainer = regression_trainer(metrics=["mae", "mse"])
    result = trainer.evaluate(x, y, batch_size=3)
    with torch.no_grad():
        output = trainer.model(torch.as_tensor(x))[0].numpy()
    assert result["loss"] == pytest.approx(((output - y) ** 2).mean(), rel=1e-5)
    assert result["mse"] == pytest.approx(((output - y) ** 2).mean(), rel=1e-5)
    assert result["mae"] == pytest.approx(np.abs(output - y).mean(), rel=1e-5)


def test_evaluating_from_a_callback_mid_epoch_keeps_dropout_on():
    class EvaluateEveryBatch(Callback):
        def __init__(self, x, y):
            self.x, self.y, self.modes = x, y, []

        def on_batch_end(self, batch, logs):
            self.trainer.evaluate(self.x, self.y)
            self.modes.append(self.trainer.model.training)

    x, y = mean_task(16, seed=0)
    trainer = Trainer(build(ModelSpec(1, 1, units=[4], dropout=0.5), seed=0), seed=0)
    probe = EvaluateEveryBatch(x, y)
    trainer.fit(x, y, epochs=1, batch_size=4, verbose=0, callbacks=[probe])
    assert probe.modes == [True] * 4
    trainer.model.eval()
    trainer.evaluate(x, y)
    assert not trainer.model.training


def test_user_module_with_task_and_torch_inputs():
    class Last(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = nn.Linear(2, 1)

        def forward(self, x, state=None):
            return self.linear(x[:, -1]), None

    torch.manual_seed(0)
    trainer = Trainer(Last(), task="regression", lr=0.05)
    x = torch.randn(32, 3, 2)
    y = x[:, -1].sum(-1, keepdim=True)
    history = trainer.fit(x, y, epochs=15, batch_size=8, verbose=0)
    assert history["loss"][-1] < 0.1 * history["loss"][0]


def test_reversed_and_read_only_views_are_accepted():
    # Regression: arrays with negative strides (y[:, ::-1]) made torch.as_tensor fail.
    from seqlab.data import windows
    from seqlab.models import ModelSpec, build
    from seqlab.train import Trainer

    series = np.linspace(0, 1, 40)
    x, y = windows(series, 5, 2)
    trainer = Trainer(build(ModelSpec(1, 2, units=[4]), seed=0), seed=0)
    reversed_y = y[:, ::-1]
    history = trainer.fit(x, reversed_y, epochs=2, batch_size=8, verbose=0)
    assert len(history) == 2
    flipped = trainer.evaluate(x[::-1], reversed_y[::-1])
    assert np.isfinite(flipped["loss"])
