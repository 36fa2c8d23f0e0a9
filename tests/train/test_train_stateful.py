"""Stateful training and prediction: the carried state, the batch layout, resets."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from seqlab.data import stateful_layout
from seqlab.models import ModelSpec, build
from seqlab.train import ResetState, Trainer


def flat(state) -> list[torch.Tensor]:
    """The tensors of a (nested tuple) state, in order."""
    if state is None:
        return []
    if isinstance(state, torch.Tensor):
        return [state]
    return [t for item in state for t in flat(item)]


class StateSpy(nn.Module):
    """Wraps a built model; records, for each training call, the inputs and the states."""

    def __init__(self, inner: nn.Module):
        super().__init__()
        self.inner = inner
        self.spec = inner.spec
        self.calls: list[dict] = []

    def forward(self, x, state=None):
        output, new_state = self.inner(x, state)
        if self.training:
            self.calls.append({
                "x": x.detach().clone(),
                "state": None if state is None else [t.clone() for t in flat(state)],
                "state_requires_grad": [t.requires_grad for t in flat(state)],
                "new_state": [t.detach().clone() for t in flat(new_state)],
            })
        return output, new_state


def ordered_samples(n: int, steps: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Sample i holds the value i at every step (so a batch row tells its sample index)."""
    x = np.repeat(np.arange(n, dtype=np.float32), steps).reshape(n, steps, 1)
    y = np.sin(np.arange(n, dtype=np.float32))[:, None]
    return x, y


def spy_trainer(cell: str = "lstm", units=(4,), **options) -> tuple[StateSpy, Trainer]:
    spy = StateSpy(build(ModelSpec(1, 1, cell=cell, units=list(units)), seed=0))
    return spy, Trainer(spy, stateful=True, seed=0, **options)


def _assert_continues(call: dict, previous: dict) -> None:
    assert call["state"] is not None, "the state was not carried to the next batch"
    assert len(call["state"]) == len(previous["new_state"])
    for received, produced in zip(call["state"], previous["new_state"], strict=True):
        assert torch.equal(received, produced)
    assert not any(call["state_requires_grad"]), "the carried state must be detached"


@pytest.mark.parametrize("cell, units", [("lstm", (4,)), ("gru", (4, 3)), ("rnn", (3,))])
def test_state_carries_across_batches_and_resets_each_epoch(cell, units):
    n, batch_size, epochs = 12, 3, 2
    steps = n // batch_size
    x, y = ordered_samples(n)
    spy, trainer = spy_trainer(cell, units)
    trainer.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)
    assert len(spy.calls) == epochs * steps
    for epoch in range(epochs):
        calls = spy.calls[epoch * steps : (epoch + 1) * steps]
        assert calls[0]["state"] is None, f"epoch {epoch} must start from a fresh state"
        for k in range(1, steps):
            _assert_continues(calls[k], calls[k - 1])
            # one (h, c) pair per LSTM layer, one h per GRU/RNN layer; batch_size streams
            assert all(t.shape[1] == batch_size for t in calls[k]["state"])
            assert len(calls[k]["state"]) == len(units) * (2 if cell == "lstm" else 1)


def test_batch_rows_follow_the_stateful_layout():
    n, batch_size = 12, 3
    x, y = ordered_samples(n)
    spy, trainer = spy_trainer()
    trainer.fit(x, y, epochs=1, batch_size=batch_size, verbose=0)
    layout = stateful_layout(n, batch_size)
    steps = layout.steps_per_epoch
    rows = [call["x"][:, 0, 0].long().tolist() for call in spy.calls]
    assert rows == [layout.batch_indices(k).tolist() for k in range(steps)]
    for k in range(steps - 1):
        for i in range(batch_size):
            assert rows[k][i] == i * steps + k
            assert rows[k + 1][i] == i * steps + k + 1  # row i continues row i


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_many_batches_never_backpropagate_through_an_old_graph(cell):
    x, y = ordered_samples(60)
    spec = ModelSpec(1, 1, cell=cell, units=[5, 3])
    trainer = Trainer(build(spec, seed=0), stateful=True, seed=0)
    # 30 batches of 2 rows per epoch; a missing detach raises "backward through the graph
    # a second time" on the second batch.
    history = trainer.fit(x / 60, y, epochs=2, batch_size=2, verbose=0)
    assert len(history) == 2
    assert all(np.isfinite(history["loss"]))


def test_reset_state_callback_resets_mid_epoch():
    n, batch_size = 15, 3  # 5 batches: states None, carried, None, carried, None
    x, y = ordered_samples(n)
    spy, trainer = spy_trainer()
    trainer.fit(x, y, epochs=1, batch_size=batch_size, verbose=0, callbacks=[ResetState(2)])
    states = [call["state"] is None for call in spy.calls]
    assert states == [True, False, True, False, True]
    _assert_continues(spy.calls[1], spy.calls[0])
    _assert_continues(spy.calls[3], spy.calls[2])


def test_stateful_fit_without_reset_carries_through_the_whole_epoch():
    x, y = ordered_samples(15)
    spy, trainer = spy_trainer()
    trainer.fit(x, y, epochs=1, batch_size=3, verbose=0, callbacks=[ResetState(100)])
    assert [call["state"] is None for call in spy.calls] == [True, False, False, False, False]


# ------------------------------------------------------------------ prediction


def _stateful_predictor() -> tuple[Trainer, np.ndarray]:
    trainer = Trainer(build(ModelSpec(1, 2, units=[4]), seed=0), stateful=True)
    x = np.random.default_rng(0).normal(size=(3, 5, 1)).astype(np.float32)
    return trainer, x


def test_stateful_predict_carries_state_between_calls():
    trainer, x = _stateful_predictor()
    first = trainer.predict(x[0:1])
    second = trainer.predict(x[1:2])
    assert trainer.state_ is not None
    trainer.reset_state()
    assert trainer.state_ is None
    stream = trainer.predict(x[0:2])
    assert np.array_equal(np.concatenate([first, second]), stream)
    trainer.reset_state()
    assert np.array_equal(trainer.predict(x[0:1]), first)
    trainer.reset_state()
    fresh_second = trainer.predict(x[1:2])
    assert not np.allclose(fresh_second, second), "the carried state must matter"


def test_stateful_predict_equals_feeding_the_state_by_hand():
    trainer, x = _stateful_predictor()
    got = trainer.predict(x)
    state, expected = None, []
    with torch.no_grad():
        for row in range(len(x)):
            output, state = trainer.model(torch.as_tensor(x[row : row + 1]), state)
            expected.append(output)
    assert np.allclose(got, torch.cat(expected).numpy(), atol=1e-6)


def test_stateful_evaluate_leaves_the_prediction_state_alone():
    trainer, x = _stateful_predictor()
    y = np.zeros((3, 2), dtype=np.float32)
    before = trainer.evaluate(x, y, batch_size=1)
    first = trainer.predict(x[0:1])
    state = [t.clone() for t in flat(trainer.state_)]
    during = trainer.evaluate(x, y, batch_size=1)
    assert during == before  # evaluate starts from a fresh state, not the prediction state
    assert all(torch.equal(a, b) for a, b in zip(flat(trainer.state_), state, strict=True))
    second = trainer.predict(x[1:2])
    trainer.reset_state()
    assert np.array_equal(np.concatenate([first, second]), trainer.predict(x[0:2]))


def test_stateful_evaluate_reads_one_stream_in_parallel_segments():
    n, batch_size = 8, 2
    model = build(ModelSpec(1, 1, units=[4]), seed=0)
    trainer = Trainer(model, stateful=True, metrics=["mse"])
    x = np.random.default_rng(1).normal(size=(n, 3, 1)).astype(np.float32)
    y = np.random.default_rng(2).normal(size=(n, 1)).astype(np.float32)
    result = trainer.evaluate(x, y, batch_size=batch_size)
    layout = stateful_layout(n, batch_size)
    outputs = torch.zeros(n, 1)
    state = None
    with torch.no_grad():
        for k in range(layout.steps_per_epoch):
            index = torch.as_tensor(layout.batch_indices(k))
            output, state = model(torch.as_tensor(x)[index], state)
            outputs[index] = output
    expected = float(((outputs.numpy() - y) ** 2).mean())
    assert result["loss"] == pytest.approx(expected, rel=1e-5)
    stateless = Trainer(model, metrics=["mse"]).evaluate(x, y, batch_size=batch_size)
    assert stateless["loss"] != pytest.approx(expected, rel=1e-3)


def test_stateful_validation_matches_stateful_evaluate():
    x, y = ordered_samples(12)
    x_val, y_val = ordered_samples(6)
    trainer = Trainer(build(ModelSpec(1, 1, units=[3]), seed=0), stateful=True, seed=0)
    history = trainer.fit(x / 12, y, epochs=2, batch_size=3, verbose=0,
                          validation_data=(x_val / 6, y_val))
    final = trainer.evaluate(x_val / 6, y_val, batch_size=3)
    assert history["val_loss"][-1] == pytest.approx(final["loss"], rel=1e-5)
