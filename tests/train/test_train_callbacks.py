"""Callbacks (EarlyStopping, ModelCheckpoint, LR schedules) and History persistence."""

from __future__ import annotations

import csv
import json
import math
import os
import time

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from seqlab.models import ModelSpec, build
from seqlab.train import (
    AverageWeights,
    Callback,
    CosineDecay,
    EarlyStopping,
    History,
    LearningRateScheduler,
    ModelCheckpoint,
    ReduceLROnPlateau,
    Trainer,
)
from seqlab.train import callbacks as callbacks_module


def data(n: int = 16) -> tuple[np.ndarray, np.ndarray]:
    x = np.random.default_rng(0).uniform(size=(n, 3, 1)).astype(np.float32)
    return x, x.sum(axis=1)


def make_trainer(**options) -> Trainer:
    return Trainer(build(ModelSpec(1, 1, units=[3]), seed=0), seed=0, **options)


class Scripted(Callback):
    """Puts a scripted value of `key` into each epoch's logs (place before the watcher)."""

    def __init__(self, key: str, values: list[float]):
        self.key, self.values = key, values

    def on_epoch_end(self, epoch, logs):
        logs[self.key] = self.values[epoch]


class WeightsPerEpoch(Callback):
    def __init__(self):
        self.weights: list[dict[str, torch.Tensor]] = []

    def on_epoch_end(self, epoch, logs):
        self.weights.append(self.trainer.get_weights())


def same_weights(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def fit_scripted(values, watcher, *, epochs=None, trainer=None):
    trainer = trainer or make_trainer(lr=0.05)
    weights = WeightsPerEpoch()
    x, y = data()
    history = trainer.fit(x, y, epochs=epochs or len(values), batch_size=8, verbose=0,
                          callbacks=[Scripted("score", values), weights, watcher])
    return trainer, history, weights.weights


# ------------------------------------------------------------------ EarlyStopping


def test_early_stopping_stops_after_patience_epochs_without_improvement():
    stopper = EarlyStopping("score", patience=2)
    _, history, _ = fit_scripted([1.0, 0.9, 0.95, 0.96, 0.97, 0.98, 0.99], stopper)
    assert len(history) == 4  # epochs 3 and 4 did not improve on epoch 2
    assert stopper.stopped_epoch == 3 and stopper.best_epoch == 1


def test_early_stopping_patience_zero_stops_at_the_first_stall():
    stopper = EarlyStopping("score", patience=0)
    _, history, _ = fit_scripted([1.0, 0.8, 0.8, 0.7], stopper)
    assert len(history) == 3
    assert stopper.stopped_epoch == 2


def test_early_stopping_waits_again_after_an_improvement():
    stopper = EarlyStopping("score", patience=2)
    _, history, _ = fit_scripted([1.0, 1.1, 0.5, 0.6, 0.4, 0.45, 0.46, 0.3], stopper)
    assert len(history) == 7
    assert stopper.best_epoch == 4


def test_early_stopping_restores_the_best_weights_when_it_fires():
    stopper = EarlyStopping("score", patience=1, restore_best_weights=True)
    trainer, history, weights = fit_scripted([1.0, 0.5, 0.7, 0.8, 0.9], stopper)
    assert len(history) == 3 and stopper.stopped_epoch == 2
    assert same_weights(trainer.get_weights(), weights[1])
    assert not same_weights(trainer.get_weights(), weights[-1])


def test_restore_best_weights_even_when_early_stopping_did_not_fire():
    """Keras' trap: restore_best_weights only acts if stopping fires. Not here."""
    stopper = EarlyStopping("score", patience=10, restore_best_weights=True)
    trainer, history, weights = fit_scripted([1.0, 0.5, 0.7, 0.8], stopper)
    assert len(history) == 4 and stopper.stopped_epoch is None
    assert same_weights(trainer.get_weights(), weights[1])
    assert not same_weights(trainer.get_weights(), weights[-1])


def test_without_restore_the_last_weights_stay():
    stopper = EarlyStopping("score", patience=1)
    trainer, _, weights = fit_scripted([1.0, 0.5, 0.7, 0.8], stopper)
    assert same_weights(trainer.get_weights(), weights[-1])


def test_early_stopping_respects_min_delta():
    values = [1.0, 0.95, 0.91, 0.88, 0.86, 0.85]
    strict = EarlyStopping("score", patience=2, min_delta=0.1)
    _, history, _ = fit_scripted(values, strict)
    assert len(history) == 3  # no step improves by more than 0.1
    lenient = EarlyStopping("score", patience=2, min_delta=0.0)
    _, history, _ = fit_scripted(values, lenient)
    assert len(history) == len(values) and lenient.stopped_epoch is None


def test_early_stopping_maximises_accuracy_in_auto_mode():
    stopper = EarlyStopping("val_accuracy", patience=2)
    trainer = make_trainer()
    weights = WeightsPerEpoch()
    x, y = data()
    history = trainer.fit(x, y, epochs=6, batch_size=8, verbose=0, callbacks=[
        Scripted("val_accuracy", [0.5, 0.7, 0.6, 0.65, 0.9, 0.9]), weights, stopper])
    assert len(history) == 4 and stopper.best_epoch == 1
    explicit = EarlyStopping("score", patience=2, mode="max")
    _, history, _ = fit_scripted([0.5, 0.7, 0.6, 0.65, 0.9, 0.9], explicit)
    assert len(history) == 4


def test_monitor_missing_from_the_logs_names_the_available_keys():
    x, y = data()
    with pytest.raises(KeyError) as info:
        make_trainer().fit(x, y, epochs=2, verbose=0, callbacks=[EarlyStopping()])
    message = str(info.value)
    assert "'val_loss'" in message and "'loss'" in message and "'mae'" in message
    assert "validation data" in message


def test_early_stopping_on_real_validation_loss():
    x, y = data(24)
    stopper = EarlyStopping(patience=1, restore_best_weights=True)
    trainer = make_trainer(lr=0.05)
    history = trainer.fit(x, y, epochs=40, batch_size=8, verbose=0, validation_split=0.25,
                          callbacks=[stopper])
    best = stopper.best_epoch
    assert history["val_loss"][best] == min(history["val_loss"])
    final = trainer.evaluate(x[18:], y[18:])["loss"]
    assert final == pytest.approx(history["val_loss"][best], rel=1e-5)


def test_callback_argument_checks():
    with pytest.raises(ValueError, match="'patience'"):
        EarlyStopping(patience=-1)
    with pytest.raises(ValueError, match="'mode'.*Did you mean 'max'"):
        EarlyStopping(mode="maxx")
    with pytest.raises(ValueError, match="'factor'"):
        ReduceLROnPlateau(factor=1.5)


# ---------------------------------------------------------------- ModelCheckpoint


def test_checkpoint_writes_each_epoch_with_the_epoch_in_the_name(tmp_path):
    checkpoint = ModelCheckpoint(tmp_path / "ckpt-{epoch}.safetensors")
    trainer = make_trainer(lr=0.05)
    weights = WeightsPerEpoch()
    x, y = data()
    trainer.fit(x, y, epochs=3, batch_size=8, verbose=0, callbacks=[weights, checkpoint])
    names = [f"ckpt-{epoch}.safetensors" for epoch in (1, 2, 3)]
    assert sorted(os.listdir(tmp_path)) == names  # nothing else: no temporary files
    assert checkpoint.saved == [str(tmp_path / name) for name in names]
    for name, expected in zip(names, weights.weights, strict=True):
        assert same_weights(load_file(tmp_path / name), expected)
    assert not same_weights(weights.weights[0], weights.weights[2])


def test_checkpoint_save_best_only(tmp_path):
    checkpoint = ModelCheckpoint(tmp_path / "e{epoch}.safetensors", monitor="score",
                                 save_best_only=True)
    _, _, weights = fit_scripted([1.0, 0.8, 0.9, 0.7, 0.75], checkpoint)
    assert sorted(os.listdir(tmp_path)) == ["e1.safetensors", "e2.safetensors",
                                            "e4.safetensors"]
    assert same_weights(load_file(tmp_path / "e4.safetensors"), weights[3])


def test_checkpoint_at_one_path_holds_the_best_epoch(tmp_path):
    path = tmp_path / "sub" / "best.safetensors"
    checkpoint = ModelCheckpoint(path, monitor="score", save_best_only=True)
    trainer, _, weights = fit_scripted([1.0, 0.6, 0.9, 0.8], checkpoint)
    assert os.listdir(tmp_path / "sub") == ["best.safetensors"]
    saved = load_file(path)
    assert same_weights(saved, weights[1])
    # The file restores a model that predicts exactly like the best epoch's weights.
    other = make_trainer()
    other.set_weights(saved)
    trainer.set_weights(weights[1])
    x, _ = data()
    assert np.array_equal(other.predict(x), trainer.predict(x))


def test_checkpoint_failure_leaves_no_temporary_file(tmp_path, monkeypatch):
    def broken_save(tensors, filename):
        with open(filename, "wb") as handle:
            handle.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(callbacks_module, "save_file", broken_save)
    (tmp_path / "w.safetensors").write_bytes(b"previous")
    x, y = data()
    with pytest.raises(OSError, match="disk full"):
        make_trainer().fit(x, y, epochs=1, verbose=0,
                           callbacks=[ModelCheckpoint(tmp_path / "w.safetensors")])
    assert os.listdir(tmp_path) == ["w.safetensors"]
    assert (tmp_path / "w.safetensors").read_bytes() == b"previous"


# ------------------------------------------------------------------ learning rate


def test_learning_rate_scheduler_sets_and_records_lr():
    seen: list[float] = []

    def schedule(epoch, lr):
        seen.append(lr)
        return 0.1 * 0.5**epoch

    trainer = make_trainer(lr=0.01)
    x, y = data()
    history = trainer.fit(x, y, epochs=3, verbose=0,
                          callbacks=[LearningRateScheduler(schedule)])
    assert history["lr"] == pytest.approx([0.1, 0.05, 0.025])
    assert seen == pytest.approx([0.01, 0.1, 0.05])  # the schedule gets the current lr
    assert trainer.lr == pytest.approx(0.025)
    assert trainer.optimizer.param_groups[0]["lr"] == pytest.approx(0.025)


def test_a_schedule_of_the_epoch_alone_is_taken_as_keras_takes_it():
    # schedule(epoch), Keras' older form, was called with (epoch, lr): a TypeError.
    trainer = make_trainer(lr=0.01)
    x, y = data()
    history = trainer.fit(x, y, epochs=3, verbose=0,
                          callbacks=[LearningRateScheduler(lambda epoch: 0.1 / (1 + epoch))])
    assert history["lr"] == pytest.approx([0.1, 0.05, 0.1 / 3])


def test_a_zero_learning_rate_from_the_scheduler_really_freezes_the_weights():
    trainer = make_trainer(optimizer="sgd")
    before = trainer.get_weights()
    x, y = data()
    trainer.fit(x, y, epochs=2, verbose=0,
                callbacks=[LearningRateScheduler(lambda epoch, lr: 0.0)])
    assert same_weights(trainer.get_weights(), before)


class RecordLR(Callback):
    def __init__(self, halve_at: int | None = None):
        self.rates: list[float] = []
        self.halve_at = halve_at

    def on_batch_end(self, batch, logs):
        if len(self.rates) == self.halve_at:
            self.trainer.lr = self.trainer.lr / 2  # as a divergence roll-back does
        self.rates.append(self.trainer.lr)


def cosine(step: int, total: int, peak: float, floor: float) -> float:
    return peak * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * min(step / total, 1))))


def test_cosine_decay_lowers_the_rate_after_every_batch_down_to_its_floor():
    record = RecordLR()
    x, y = data(16)  # 4 batches of 4 per epoch
    trainer = make_trainer(lr=0.1)
    trainer.fit(x, y, epochs=3, batch_size=4, verbose=0,
                callbacks=[CosineDecay(total_steps=8, floor=0.1), record])
    expected = [cosine(step, 8, 0.1, 0.1) for step in range(1, 13)]
    assert record.rates == pytest.approx(expected)
    assert record.rates[7] == pytest.approx(0.01) and trainer.lr == pytest.approx(0.01)


def test_cosine_decay_keeps_a_cut_made_by_someone_else():
    record = RecordLR(halve_at=3)
    x, y = data(16)
    make_trainer(lr=0.1).fit(x, y, epochs=2, batch_size=4, verbose=0,
                             callbacks=[record, CosineDecay(total_steps=8, floor=0.1)])
    # `record` runs first: it sees the schedule's rate of the previous batch (and halves
    # it once); every rate after the cut is half the schedule's.
    rates = [0.1] + [cosine(step, 8, 0.1, 0.1) for step in range(1, 8)]
    assert record.rates[:3] == pytest.approx(rates[:3])
    assert record.rates[3] == pytest.approx(rates[3] / 2)
    assert record.rates[4:] == pytest.approx([r / 2 for r in rates[4:]])


def test_cosine_decay_over_minutes_cuts_the_epoch_short_when_time_is_up():
    class Slow(Callback):
        def on_batch_end(self, batch, logs):
            time.sleep(0.02)

    record = RecordLR()
    x, y = data(64)
    history = make_trainer(lr=0.1).fit(
        x, y, epochs=5, batch_size=4, verbose=0, validation_data=data(8),
        callbacks=[Slow(), CosineDecay(minutes=0.1 / 60, floor=0.2), record])
    assert len(history) == 1 and "val_loss" in history.records[0]
    assert 3 <= len(record.rates) < 16  # 0.1 s at >= 0.02 s a batch, of 16 batches
    assert record.rates[-1] == pytest.approx(0.02)  # the floor: 0.2 of the starting 0.1


class Sleepy(Callback):
    def __init__(self, seconds: float):
        self.seconds = seconds

    def on_batch_end(self, batch, logs):
        time.sleep(self.seconds)


def test_cosine_decay_with_epoch_steps_ends_on_the_last_whole_epoch_that_fits():
    # 4 batches of 0.1 s an epoch, a budget of 2 s: the plan stops after the last whole
    # epoch that fits (4, with half an epoch to spare, unless a batch's own work takes
    # 25 ms), with the rate at its floor, instead of cutting one short.
    class Clock(Callback):
        def on_train_begin(self, logs):
            self.started = time.perf_counter()

        def on_train_end(self, logs):
            self.seconds = time.perf_counter() - self.started

    record, clock = RecordLR(), Clock()
    x, y = data(16)
    history = make_trainer(lr=0.1).fit(
        x, y, epochs=50, batch_size=4, verbose=0,
        callbacks=[clock, Sleepy(0.1),
                   CosineDecay(minutes=2 / 60, floor=0.2, epoch_steps=4), record])
    assert 2 <= len(history) <= 4
    assert len(record.rates) == 4 * len(history)  # every epoch whole
    assert record.rates[-1] == pytest.approx(0.02)
    assert clock.seconds < 2.0


def test_cosine_decay_with_epoch_steps_still_cuts_an_epoch_the_budget_cannot_hold():
    record = RecordLR()
    x, y = data(64)  # 16 batches of 0.02 s: one epoch does not fit in 0.1 s
    history = make_trainer(lr=0.1).fit(
        x, y, epochs=5, batch_size=4, verbose=0,
        callbacks=[Sleepy(0.02), CosineDecay(minutes=0.1 / 60, floor=0.2, epoch_steps=16),
                   record])
    assert len(history) == 1 and 3 <= len(record.rates) < 16
    assert record.rates[-1] == pytest.approx(0.02)


def test_cosine_decay_plan_is_kept_in_its_state():
    x, y = data(16)
    schedule = CosineDecay(minutes=1 / 60, epoch_steps=4)
    make_trainer(lr=0.1).fit(x, y, epochs=3, batch_size=4, verbose=0,
                             callbacks=[Sleepy(0.01), schedule])
    state = json.loads(json.dumps(schedule.state_dict()))
    assert state["planned_steps"] > 12 and 0 < state["last_epoch_end"] <= state["elapsed"] + 1e-3
    resumed = CosineDecay(minutes=1 / 60, epoch_steps=4)
    resumed.load_state_dict(state)
    assert (resumed.planned_steps, resumed.last_epoch_end) == (state["planned_steps"],
                                                               state["last_epoch_end"])
    older = {k: state[k] for k in ("steps", "factor", "elapsed")}  # before plans existed
    resumed.load_state_dict(older)
    assert resumed.planned_steps is None and resumed.last_epoch_end == 0.0


def test_cosine_decay_needs_a_length():
    with pytest.raises(ValueError, match="total_steps.*minutes"):
        CosineDecay()
    with pytest.raises(ValueError, match="'floor'"):
        CosineDecay(total_steps=5, floor=0.0)
    with pytest.raises(ValueError, match="epoch_steps=4.*needs `minutes`"):
        CosineDecay(total_steps=5, epoch_steps=4)


class RecordWeights(Callback):
    def on_train_begin(self, logs):
        self.steps = [self.trainer.get_weights()]

    def on_batch_end(self, batch, logs):
        self.steps.append(self.trainer.get_weights())


def test_average_weights_is_the_moving_average_of_every_step_and_ends_in_the_model():
    record = RecordWeights()
    x, y = data(16)
    trainer = make_trainer(lr=0.05)
    trainer.fit(x, y, epochs=3, batch_size=4, verbose=0,
                callbacks=[record, AverageWeights(0.8)])
    expected = dict(record.steps[0])
    for weights in record.steps[1:]:
        expected = {k: 0.8 * expected[k] + 0.2 * weights[k] for k in expected}
    final = trainer.get_weights()
    for name, value in expected.items():
        torch.testing.assert_close(final[name], value)
        assert not torch.equal(final[name], record.steps[-1][name])  # not the last step's


def test_evaluations_during_fit_see_the_average_and_training_goes_on_from_the_weights():
    record = RecordWeights()
    x, y = data(32)
    validation = data(8)
    trainer = make_trainer(lr=0.05)
    history = trainer.fit(x, y, epochs=2, batch_size=4, verbose=0, validation_data=validation,
                          callbacks=[record, AverageWeights(0.9)])
    assert history["val_loss"][-1] == pytest.approx(trainer.evaluate(*validation)["loss"])
    trainer.set_weights(record.steps[-1])  # what training itself reached
    assert trainer.evaluate(*validation)["loss"] != pytest.approx(history["val_loss"][-1])
    # The next step went on from the weights, not from the average put in for validation.
    plain = make_trainer(lr=0.05)
    plain.fit(x, y, epochs=2, batch_size=4, verbose=0, validation_data=validation)
    for name, value in plain.get_weights().items():
        assert torch.equal(value, record.steps[-1][name])


def test_average_weights_kept_as_the_best_are_the_average():
    x, y = data(32)
    validation = data(8)
    trainer = make_trainer(lr=0.05)
    stop = EarlyStopping(patience=10, restore_best_weights=True)
    history = trainer.fit(x, y, epochs=4, batch_size=4, verbose=0, validation_data=validation,
                          callbacks=[AverageWeights(0.9), stop])
    assert trainer.evaluate(*validation)["loss"] == pytest.approx(min(history["val_loss"]))


def test_average_weights_starts_a_rolled_back_epoch_from_its_first_average():
    trainer = make_trainer()
    average = AverageWeights(0.5)
    average.set_trainer(trainer)
    average.on_train_begin({})
    average.on_epoch_begin(0)
    start = [p.clone() for p in average.average]
    with torch.no_grad():
        for parameter in trainer.model.parameters():
            parameter.add_(1.0)
    average.on_batch_end(0, {})
    assert not torch.equal(average.average[0], start[0])
    average.on_epoch_begin(0)  # the same epoch again: a roll-back
    assert all(torch.equal(a, b) for a, b in zip(average.average, start, strict=True))


def test_average_weights_checks_its_decay():
    with pytest.raises(ValueError, match="'decay'"):
        AverageWeights(1.0)
    with pytest.raises(ValueError, match="'warmup'.*bool.*Got 1"):
        AverageWeights(0.9, warmup=1)


def test_average_weights_warm_up_grows_the_decay_as_tensorflows_num_updates():
    record = RecordWeights()
    x, y = data(16)
    trainer = make_trainer(lr=0.05)
    trainer.fit(x, y, epochs=3, batch_size=4, verbose=0,
                callbacks=[record, AverageWeights(0.8, warmup=True)])
    expected = dict(record.steps[0])
    decays = []
    for t, weights in enumerate(record.steps[1:]):
        decay = min(0.8, (1 + t) / (10 + t))  # 0.1, 0.18, ... then 0.8 from t = 35
        decays.append(decay)
        expected = {k: decay * expected[k] + (1 - decay) * weights[k] for k in expected}
    assert decays[0] == pytest.approx(0.1) and decays[-1] < 0.8  # 12 steps: all warm-up
    for name, value in trainer.get_weights().items():
        torch.testing.assert_close(value, expected[name])


def test_average_weights_warm_up_leaves_almost_nothing_of_the_untrained_weights():
    trainer = make_trainer()
    start = {k: v.clone() for k, v in trainer.get_weights().items()}
    shares = {}
    for warmup in (False, True):
        average = AverageWeights(0.998, warmup=warmup)
        average.set_trainer(trainer)
        trainer.set_weights(start)
        average.on_train_begin({})
        average.on_epoch_begin(0)
        with torch.no_grad():
            for parameter in trainer.model.parameters():
                parameter.add_(1.0)  # trained weights: the start plus one
        for batch in range(100):
            average.on_batch_end(batch, {})
        # What is left of the start in the average: 1 - (average - start).
        name = next(iter(start))
        left = 1 - (average.average[0] - start[name]).mean().item()
        shares[warmup] = left
    assert shares[False] == pytest.approx(0.998 ** 100, rel=1e-4)  # 0.82
    assert shares[True] < 1e-7


def test_average_weights_rolls_its_step_count_back_with_the_average():
    trainer = make_trainer()
    average = AverageWeights(0.99, warmup=True)
    average.set_trainer(trainer)
    average.on_train_begin({})
    average.on_epoch_begin(0)
    for batch in range(3):
        average.on_batch_end(batch, {})
    average.on_epoch_begin(1)
    average.on_batch_end(0, {})
    assert average.steps == 4
    average.on_epoch_begin(1)  # epoch 1 again: a roll-back
    assert average.steps == 3 and average.current_decay() == pytest.approx(4 / 13)


def test_an_average_checkpointed_without_a_step_count_resumes_as_it_ran():
    trainer = make_trainer()
    saved = AverageWeights(0.9)
    saved.set_trainer(trainer)
    saved.on_train_begin({})
    state = saved.state_dict()
    assert state["steps"] == 0
    del state["steps"], state["epoch_start_steps"]  # as seqlab wrote it before the warm-up
    for warmup in (False, True):
        resumed = AverageWeights(0.9, warmup=warmup)
        resumed.set_trainer(trainer)
        resumed.on_train_begin({})
        resumed.load_state_dict(state)
        assert resumed.current_decay() == 0.9  # no warm-up: that average had none
    with pytest.raises(ValueError, match="'steps'.*Got -1"):
        resumed.load_state_dict({**state, "steps": -1})


def test_reduce_lr_on_plateau_lowers_lr_after_patience():
    plateau = ReduceLROnPlateau("score", factor=0.1, patience=2)
    trainer, history, _ = fit_scripted([1.0] * 6, plateau, trainer=make_trainer(lr=0.01))
    assert history["lr"] == pytest.approx([1e-2, 1e-2, 1e-2, 1e-3, 1e-3, 1e-4])
    assert trainer.lr == pytest.approx(1e-4)


def test_reduce_lr_on_plateau_respects_min_lr_and_improvement():
    plateau = ReduceLROnPlateau("score", factor=0.1, patience=1, min_lr=5e-4)
    _, history, _ = fit_scripted([1.0] * 5, plateau, trainer=make_trainer(lr=0.01))
    assert history["lr"] == pytest.approx([1e-2, 1e-2, 1e-3, 5e-4, 5e-4])
    improving = ReduceLROnPlateau("score", patience=0)
    _, history, _ = fit_scripted([1.0, 0.9, 0.8, 0.7], improving,
                                 trainer=make_trainer(lr=0.01))
    assert history["lr"] == pytest.approx([0.01] * 4)


# ------------------------------------------------------------------- hook order


def test_hooks_are_called_in_order():
    class Recorder(Callback):
        def __init__(self):
            self.events: list[str] = []

        def on_train_begin(self, logs):
            self.events.append("train_begin")

        def on_epoch_begin(self, epoch):
            self.events.append(f"epoch_begin {epoch}")

        def on_batch_end(self, batch, logs):
            assert np.isfinite(logs["loss"])
            self.events.append(f"batch {batch}")

        def on_epoch_end(self, epoch, logs):
            self.events.append(f"epoch_end {epoch} {logs['epoch']}")

        def on_train_end(self, logs):
            self.events.append(f"train_end {logs['epoch']}")

    recorder = Recorder()
    x, y = data(8)
    make_trainer().fit(x, y, epochs=2, batch_size=5, verbose=0, callbacks=[recorder])
    assert recorder.events == [
        "train_begin",
        "epoch_begin 0", "batch 0", "batch 1", "epoch_end 0 1",
        "epoch_begin 1", "batch 0", "batch 1", "epoch_end 1 2",
        "train_end 2",
    ]


def test_stop_training_from_a_callback():
    class StopAfterOne(Callback):
        def on_epoch_end(self, epoch, logs):
            self.trainer.stop_training = True

    x, y = data()
    history = make_trainer().fit(x, y, epochs=5, verbose=0, callbacks=[StopAfterOne()])
    assert len(history) == 1


# ------------------------------------------------------------------------ History


def trained_history() -> History:
    x, y = data()
    return make_trainer(metrics=["mae", "mse"]).fit(x, y, epochs=3, batch_size=8, verbose=0,
                                                   validation_split=0.25)


def test_history_access():
    history = trained_history()
    assert isinstance(history["loss"], list) and len(history["loss"]) == 3
    assert history.keys() == ["epoch", "loss", "mae", "mse", "val_loss", "val_mae", "val_mse",
                              "lr", "seconds"]
    assert history.history["val_mae"] == history["val_mae"]
    assert history.last() == history.records[-1] and history.last() is not history.records[-1]
    assert len(history) == 3 and "epochs=3" in repr(history)
    with pytest.raises(KeyError, match=r"No metric 'accuracy'.*recorded: \['epoch', 'loss'"):
        history["accuracy"]
    assert History().last() == {}


def test_history_json_round_trip(tmp_path):
    history = trained_history()
    path = tmp_path / "history.json"
    history.save_json(path)
    again = History.from_dict(json.loads(path.read_text()))
    assert again.records == history.records
    assert again["val_loss"] == history["val_loss"]


def test_history_csv_round_trip(tmp_path):
    history = trained_history()
    path = tmp_path / "history.csv"
    history.save_csv(path)
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == history.keys()
    assert len(rows) == 3
    for row, record in zip(rows, history.records, strict=True):
        assert {key: float(value) for key, value in row.items()} == record


def test_history_csv_with_a_metric_missing_in_some_epochs(tmp_path):
    history = History([{"epoch": 1, "loss": 0.5}, {"epoch": 2, "loss": 0.4, "val_loss": 0.6}])
    assert history["val_loss"] == [None, 0.6]
    path = tmp_path / "h.csv"
    history.save_csv(path)
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["val_loss"] == "" and float(rows[1]["val_loss"]) == 0.6


def test_history_load_reads_save_json_and_refuses_other_json(tmp_path):
    import json as _json

    from seqlab.errors import ValidationError
    from seqlab.train import History

    history = History([{"epoch": 1, "loss": 0.5, "val_loss": None}])
    history.save_json(tmp_path / "h.json")
    assert History.load(tmp_path / "h.json").records == history.records
    (tmp_path / "bad.json").write_text(_json.dumps({"records": [{"loss": [1, 2]}]}))
    with pytest.raises(ValidationError, match="per-epoch objects"):
        History.load(tmp_path / "bad.json")


def test_keep_best_is_early_stoppings_keep_best():
    from seqlab.train.callbacks import KeepBest

    best = KeepBest(min_delta=0.1)
    assert best.offer(1.0, "a") and not best.offer(0.95, "b") and best.offer(0.5, "c")
    assert (best.value, best.at, best.weights) == (0.5, "c", None)
