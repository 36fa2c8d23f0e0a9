"""One conformance harness for every layer configuration `build` supports (Keras-3 style).

Each configuration goes through the same checks: output shape, state carry-over, spec
JSON round trip, training, summary parameter count, and seeded, RNG-neutral building.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
import torch

from seqlab.models import ModelSpec, build, summary
from seqlab.train import Callback, Trainer

BATCH, STEPS, FEATURES, OUTPUTS = 4, 5, 3, 2


def _recurrent_configs() -> list[dict]:
    configs = []
    for cell, return_sequences, merge, frontend, units in itertools.product(
        ("lstm", "gru", "rnn"),
        (False, True),
        ("off", "concat", "sum", "mul", "ave"),
        ("none", "onehot", "embedding"),
        ([5], [6, 4]),
    ):
        config = {"cell": cell, "return_sequences": return_sequences, "frontend": frontend,
                  "units": units}
        if merge != "off":
            config.update(bidirectional=True, merge_mode=merge)
        if frontend == "embedding":
            config["embedding_dim"] = 4
        configs.append(config)
    return configs


EXTRA_CONFIGS = [
    {"cell": "lstm", "units": [5], "go_backwards": True},
    {"cell": "gru", "units": [5, 3], "return_sequences": True, "go_backwards": True},
    {"cell": "lstm", "units": [5, 4], "dropout": 0.3},
    {"cell": "gru", "units": [5], "input_dropout": 0.2, "frontend": "embedding",
     "embedding_dim": 3, "return_sequences": True},
    {"cell": "lstm", "units": [5], "input_dropout": 0.5, "dropout": 0.1},
    {"cell": "lstm", "units": [5, 4], "input_dropout": 0.2, "dropout": 0.3,
     "dropout_mask": "sequence", "return_sequences": True},
    {"cell": "gru", "units": [5], "dropout": 0.3, "dropout_mask": "sequence"},
    {"cell": "lstm", "units": [5], "bidirectional": True, "keras_init": True},
    {"cell": "gru", "units": [5], "keras_init": True, "frontend": "embedding",
     "embedding_dim": 3},
    {"cell": "lstm", "units": [5], "task": "binary"},
    {"cell": "rnn", "units": [5], "task": "multiclass", "return_sequences": True},
    {"architecture": "mlp_window", "units": [], "timesteps": STEPS, "hidden": [8, 6]},
    {"architecture": "mlp_window", "units": [], "timesteps": STEPS, "hidden": [],
     "task": "multiclass"},
    {"architecture": "mlp_window", "units": [], "timesteps": STEPS, "hidden": [7],
     "hidden_activation": "tanh", "dropout": 0.2, "keras_init": True, "dense_init": "normal"},
]

# The book's chapter 8 and 9 architectures: a per-frame CNN frontend (frames of
# 6x5 pixels with FEATURES channels) and encoder → RepeatVector → decoder models.
_CNN = {"frontend": "cnn", "frame_shape": [6, 5, FEATURES]}
BOOK_CONFIGS = [
    {"cell": "lstm", "units": [5], **_CNN},
    {"cell": "lstm", "units": [5], **_CNN, "task": "binary", "keras_init": True,
     "conv_filters": 3, "conv_kernel": 3, "pool_size": 1},
    {"cell": "gru", "units": [5, 4], "return_sequences": True, **_CNN, "go_backwards": True},
    {"cell": "lstm", "units": [5], **_CNN, "bidirectional": True, "merge_mode": "ave",
     "dropout": 0.2},
    {"architecture": "encoder_decoder", "cell": "lstm", "units": [5], "decoder_units": [4],
     "output_steps": 3, "task": "multiclass"},
    {"architecture": "encoder_decoder", "cell": "lstm", "units": [6], "decoder_units": [4],
     "output_steps": 2, "task": "multiclass", "frontend": "onehot", "keras_init": True},
    {"architecture": "encoder_decoder", "cell": "gru", "units": [5, 4], "decoder_units": [4, 3],
     "output_steps": 4, "go_backwards": True, "dropout": 0.2},
    {"architecture": "encoder_decoder", "cell": "lstm", "units": [5], "decoder_units": [4],
     "output_steps": 3, "bidirectional": True, "merge_mode": "sum", "frontend": "embedding",
     "embedding_dim": 4},
    {"architecture": "encoder_decoder", "cell": "rnn", "units": [5], "decoder_units": [4],
     "output_steps": 2, "task": "binary", **_CNN},
]

CONFIGS = _recurrent_configs() + EXTRA_CONFIGS + BOOK_CONFIGS


def _config_id(config: dict) -> str:
    if config.get("architecture") == "mlp_window":
        return "mlp-" + "-".join(f"{k}={v}" for k, v in config.items() if k != "architecture")
    parts = [config["cell"], "seq" if config.get("return_sequences") else "last"]
    parts.append(config.get("merge_mode", "bi") if config.get("bidirectional") else "uni")
    parts.append(config.get("frontend", "none"))
    parts.append("x".join(str(u) for u in config["units"]))
    extras = {"go_backwards", "dropout", "input_dropout", "keras_init", "task", "embedding_dim",
              "architecture", "decoder_units", "output_steps", "conv_filters"} & set(config)
    parts += [f"{k}={config[k]}" for k in sorted(extras)]
    return "-".join(parts)


pytestmark = pytest.mark.parametrize("config", CONFIGS, ids=[_config_id(c) for c in CONFIGS])


def make_spec(config: dict) -> ModelSpec:
    return ModelSpec(FEATURES, OUTPUTS, **config).validate()


def make_inputs(spec: ModelSpec, seed: int = 0, batch: int = BATCH) -> torch.Tensor:
    rng = np.random.default_rng(seed)
    if spec.takes_ids:
        return torch.as_tensor(rng.integers(0, spec.input_size, size=(batch, STEPS)))
    if spec.frontend == "cnn":
        shape = (batch, STEPS, *spec.frame_shape)
        return torch.as_tensor(rng.normal(size=shape), dtype=torch.float32)
    return torch.as_tensor(rng.normal(size=(batch, STEPS, FEATURES)), dtype=torch.float32)


def make_targets(spec: ModelSpec, seed: int = 1, batch: int = BATCH) -> np.ndarray:
    rng = np.random.default_rng(seed)
    shape = (batch, STEPS) if spec.return_sequences else (batch,)
    if spec.architecture == "encoder_decoder":
        shape = (batch, spec.output_steps)
    if spec.task == "multiclass":
        return rng.integers(0, spec.output_size, size=shape)
    if spec.task == "binary":
        return rng.integers(0, 2, size=shape + (spec.output_size,)).astype(np.float32)
    # A non-zero mean, so that even the head bias alone can lower the loss.
    return (0.8 + 0.3 * rng.normal(size=shape + (spec.output_size,))).astype(np.float32)


def expected_output_shape(spec: ModelSpec) -> tuple[int, ...]:
    if spec.return_sequences:
        return (BATCH, STEPS, spec.output_size)
    if spec.architecture == "encoder_decoder":
        return (BATCH, spec.output_steps, spec.output_size)
    return (BATCH, spec.output_size)


def weights_of(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


# --------------------------------------------------------------------------- (a)
def test_output_shape(config):
    spec = make_spec(config)
    model = build(spec, seed=0).eval()
    y, _ = model(make_inputs(spec))
    assert tuple(y.shape) == expected_output_shape(spec)
    assert y.dtype == torch.float32
    assert torch.isfinite(y).all()


# --------------------------------------------------------------------------- (b)
def test_returned_state_can_be_fed_back(config):
    spec = make_spec(config)
    model = build(spec, seed=0).eval()
    x = make_inputs(spec)
    with torch.no_grad():
        y0, state = model(x)
        if spec.architecture == "mlp_window":
            assert state is None
            y1, state1 = model(x, state)
            assert state1 is None
            assert torch.equal(y0, y1)
            return
        assert isinstance(state, tuple) and len(state) == len(spec.units)
        y_fresh, _ = model(x, None)
        y_carried, next_state = model(x, state)
    assert torch.equal(y0, y_fresh)  # eval mode is deterministic
    assert y_carried.shape == y0.shape
    assert not torch.allclose(y_carried, y0, atol=1e-6), "a carried state must change outputs"
    assert len(next_state) == len(state)


# --------------------------------------------------------------------------- (c)
def test_spec_json_round_trip_rebuilds_the_same_model(config):
    spec = make_spec(config)
    text = json.dumps(spec.to_dict())
    again = ModelSpec.from_dict(json.loads(text))
    assert again == spec
    assert ModelSpec.from_json(spec.to_json()) == spec
    first, second = build(spec, seed=0), build(again, seed=1)
    assert sum(p.numel() for p in first.parameters()) == sum(
        p.numel() for p in second.parameters()
    )
    second.load_state_dict(first.state_dict())
    first.eval()
    second.eval()
    x = make_inputs(spec)
    with torch.no_grad():
        assert torch.equal(first(x)[0], second(x)[0])


# --------------------------------------------------------------------------- (d)
class _FirstStepWeights(Callback):
    def on_batch_end(self, batch, logs):
        if not hasattr(self, "weights"):
            self.weights = self.trainer.get_weights()


def test_training_changes_weights_and_lowers_loss(config):
    spec = make_spec(config)
    model = build(spec, seed=0)
    before = weights_of(model)
    x, y = make_inputs(spec).numpy(), make_targets(spec)
    spy = _FirstStepWeights()
    trainer = Trainer(model, lr=0.03, seed=0)
    history = trainer.fit(x, y, epochs=12, batch_size=BATCH, verbose=0, callbacks=[spy])
    unchanged = [k for k in before if torch.equal(before[k], spy.weights[k])]
    assert not unchanged, f"one training step left {unchanged} unchanged"
    losses = history["loss"]
    assert len(losses) == 12
    assert all(np.isfinite(losses))
    assert losses[-1] < 0.9 * losses[0], losses


# --------------------------------------------------------------------------- (e)
def test_summary_counts_the_real_parameters(config):
    spec = make_spec(config)
    model = build(spec)
    real = sum(p.numel() for p in model.parameters())
    assert summary(model, print_fn=None).total_params == real
    assert summary(spec, print_fn=None).total_params == real
    keras = summary(model, keras_count=True, print_fn=None).total_params
    # Keras keeps one bias vector per gate where torch keeps two.
    recurrent_biases = sum(
        p.numel() for name, p in model.named_parameters() if ".bias_hh" in name
    )
    assert keras == real - recurrent_biases


# --------------------------------------------------------------------------- (f)
def test_seeded_build_is_repeatable_and_leaves_the_global_rng_alone(config):
    spec = make_spec(config)
    torch.manual_seed(1234)
    rng_before = torch.get_rng_state()
    first, second = weights_of(build(spec, seed=7)), weights_of(build(spec, seed=7))
    assert torch.equal(torch.get_rng_state(), rng_before)
    assert first.keys() == second.keys()
    assert all(torch.equal(first[k], second[k]) for k in first)
    other = weights_of(build(spec, seed=8))
    assert any(not torch.equal(first[k], other[k]) for k in first if first[k].numel() > 0)
