"""ModelSpec validation, the LSTM book's Keras parameter counts, Keras-style init, summary."""

from __future__ import annotations

import math

import pytest
import torch

from seqlab.errors import UnknownNameError, ValidationError
from seqlab.models import (
    ModelSpec,
    bidirectional,
    build,
    char_lm,
    mlp_window,
    stacked,
    summary,
    vanilla,
)
from seqlab.models.building import detach_state, state_batch_size

# ------------------------------------------------------------------ validation


def test_units_zero_names_field_and_value():
    with pytest.raises(ValidationError, match=r"'units'.*Got 0 instead"):
        ModelSpec(1, 1, units=[0]).validate()


def test_empty_units_for_recurrent_is_rejected():
    with pytest.raises(ValidationError, match=r"'units'.*non-empty list.*Got \[\]"):
        ModelSpec(1, 1, units=[]).validate()


def test_unknown_cell_suggests_the_close_name():
    with pytest.raises(UnknownNameError) as info:
        ModelSpec(1, 1, cell="lstmm").validate()
    message = str(info.value)
    assert "'lstmm'" in message and "cell" in message
    assert "Did you mean 'lstm'" in message
    assert isinstance(info.value, KeyError) and isinstance(info.value, ValueError)


def test_dropout_out_of_range_names_field_and_value():
    with pytest.raises(ValidationError, match=r"'dropout'.*Got 1\.5 instead"):
        ModelSpec(1, 1, dropout=1.5).validate()


def test_input_dropout_is_checked_and_not_for_the_mlp_baseline():
    with pytest.raises(ValidationError, match=r"'input_dropout'.*Got -0\.1 instead"):
        ModelSpec(1, 1, input_dropout=-0.1).validate()
    with pytest.raises(ValidationError, match=r"'input_dropout'.*mlp_window.*Got 0\.2"):
        ModelSpec(1, 1, architecture="mlp_window", units=[], timesteps=3,
                  input_dropout=0.2).validate()


def _first_layer_inputs(spec: ModelSpec, ids: torch.Tensor):
    """The embedded ids, and what the first recurrent layer reads in training and in eval."""
    model = build(spec, seed=0)
    seen = []
    model.recurrent[0].register_forward_hook(lambda module, args, out: seen.append(args[0]))
    embedded = model.frontend(ids)
    model.train()
    model(ids)
    model.eval()
    model(ids)
    return embedded, seen[0], seen[1]


def test_input_dropout_drops_the_embedded_inputs_in_training_only():
    spec = ModelSpec(6, 6, frontend="embedding", embedding_dim=4, units=[5],
                     return_sequences=True, input_dropout=0.5)
    embedded, training, evaluating = _first_layer_inputs(spec, torch.arange(6).repeat(3, 2))
    dropped = training == 0
    assert 0.3 < dropped.float().mean() < 0.7  # about half, per element and step
    kept = ~dropped
    assert torch.allclose(training[kept], 2 * embedded[kept])  # inverted dropout scaling
    assert torch.equal(evaluating, embedded)
    # The module holds no weights: the state dict (and so a bundle) is unchanged by it.
    assert build(spec).state_dict().keys() == build(
        spec.replace(input_dropout=0.0)).state_dict().keys()


def test_sequence_dropout_masks_a_feature_for_every_step_of_a_sequence():
    spec = ModelSpec(6, 6, frontend="embedding", embedding_dim=8, units=[5],
                     return_sequences=True, input_dropout=0.5, dropout_mask="sequence")
    ids = torch.arange(6).repeat(40, 3)  # 40 sequences of 18 steps
    embedded, training, evaluating = _first_layer_inputs(spec, ids)
    dropped = training == 0
    # One decision per (sequence, feature), the same at every step ...
    assert torch.equal(dropped, dropped[:, :1].expand_as(dropped))
    assert 0.3 < dropped[:, 0].float().mean() < 0.7
    # ... and different between sequences.
    assert not torch.equal(dropped[0, 0], dropped[1, 0]) or not torch.equal(dropped[0, 0],
                                                                             dropped[2, 0])
    kept = ~dropped
    assert torch.allclose(training[kept], 2 * embedded[kept])
    assert torch.equal(evaluating, embedded)


def test_sequence_dropout_on_the_last_step_only_is_element_wise():
    from seqlab.models.layers import SequenceDropout

    layer = SequenceDropout(0.5).train()
    dropped = layer(torch.ones(200, 30)) == 0
    assert 0.4 < dropped.float().mean() < 0.6
    assert not torch.equal(dropped, dropped[:1].expand_as(dropped))


def test_dropout_mask_is_checked_and_left_out_of_old_style_specs():
    with pytest.raises(ValidationError,
                       match=r"'dropout_mask' of ModelSpec 'time'.*sequence, step"):
        ModelSpec(1, 1, dropout_mask="time").validate()
    with pytest.raises(ValidationError, match=r"'dropout_mask'.*mlp_window.*'sequence'"):
        ModelSpec(1, 1, architecture="mlp_window", units=[], timesteps=3,
                  dropout_mask="sequence").validate()
    # At its default the new field is not written, so older seqlab versions read the spec.
    assert "dropout_mask" not in ModelSpec(3, 2).to_dict()
    spec = ModelSpec(3, 2, dropout=0.2, dropout_mask="sequence")
    assert ModelSpec.from_dict(spec.to_dict()) == spec


def test_summary_names_sequence_dropout_as_keras_does():
    spec = ModelSpec(9, 9, units=[8], frontend="embedding", embedding_dim=4, timesteps=6,
                     input_dropout=0.1, dropout=0.2, return_sequences=True,
                     dropout_mask="sequence")
    names = [row.name for row in summary(spec).rows]
    assert names[:4] == ["Embedding", "SpatialDropout1D(0.1)", "LSTM(8)",
                         "SpatialDropout1D(0.2)"]


def test_a_spec_saved_before_input_dropout_existed_still_loads():
    config = ModelSpec(3, 2, units=[4]).to_dict()
    del config["input_dropout"]
    assert ModelSpec.from_dict(config).input_dropout == 0.0


def test_embedding_frontend_requires_embedding_dim():
    with pytest.raises(ValidationError, match=r"'embedding_dim'.*Got None instead"):
        ModelSpec(5, 5, frontend="embedding").validate()
    assert ModelSpec(5, 5, frontend="embedding", embedding_dim=3).validate().takes_ids


def test_from_dict_rejects_unknown_field():
    config = ModelSpec(2, 1).to_dict()
    config["unitz"] = [4]
    with pytest.raises(ValidationError, match=r"Unknown ModelSpec field\(s\) \['unitz'\]"):
        ModelSpec.from_dict(config)


def test_non_bool_flag_is_rejected():
    with pytest.raises(ValidationError, match=r"'return_sequences'.*bool.*Got 1 instead"):
        ModelSpec(1, 1, return_sequences=1).validate()


def test_mlp_window_needs_timesteps_and_no_frontend():
    with pytest.raises(ValidationError, match="'timesteps'"):
        ModelSpec(1, 1, architecture="mlp_window", units=[]).validate()
    with pytest.raises(ValidationError, match="'frontend'.*mlp_window"):
        ModelSpec(4, 1, architecture="mlp_window", units=[], timesteps=3,
                  frontend="onehot").validate()


def test_build_validates_and_accepts_a_dict():
    with pytest.raises(ValidationError, match="'units'"):
        build(ModelSpec(1, 1, units=[0]))
    model = build(ModelSpec(2, 3, units=[4]).to_dict(), seed=0)
    assert model.spec == ModelSpec(2, 3, units=[4])


def test_replace_validates():
    spec = ModelSpec(2, 1)
    assert spec.replace(units=[3, 2]).units == [3, 2]
    assert spec.units == [32]
    with pytest.raises(ValidationError, match="'dropout'"):
        spec.replace(dropout=-0.1)


# ------------------------------------------------ Keras parameter counts (the book)


def keras_total(spec: ModelSpec) -> int:
    return summary(spec, keras_count=True, print_fn=None).total_params


@pytest.mark.parametrize(
    "spec, keras, torch_extra",
    [
        # Vanilla LSTM(25) on 10 one-hot features, Dense(10): 3,860 (+100 torch biases).
        (vanilla(10, 10, units=25, task="multiclass"), 3_860, 100),
        (vanilla(10, 10, units=25, task="multiclass", frontend="onehot"), 3_860, 100),
        # Stacked LSTM(20, return_sequences) -> LSTM(20) -> Dense(5) on 1 feature: 5,145.
        (stacked(1, 5, units=(20, 20)), 5_145, 160),
        # Bidirectional(LSTM(50), concat, return_sequences) -> TimeDistributed(Dense(1)): 20,901.
        (bidirectional(1, 1, units=50, return_sequences=True), 20_901, 400),
        # LSTM(10) on 2 features -> Dense(2): 542.
        (vanilla(2, 2, units=10), 542, 40),
    ],
    ids=["vanilla", "vanilla-onehot", "stacked", "bidirectional", "lstm10"],
)
def test_keras_parameter_counts_of_the_book(spec, keras, torch_extra):
    assert keras_total(spec) == keras
    model = build(spec)
    assert keras_total(model) == keras
    real = sum(p.numel() for p in model.parameters())
    assert real == keras + torch_extra
    assert summary(model, print_fn=None).total_params == real


def test_preset_specs():
    lm = char_lm(30, units=16)
    assert (lm.frontend, lm.task, lm.return_sequences, lm.output_size) == (
        "onehot", "multiclass", True, 30)
    assert char_lm(30, embedding_dim=8).frontend == "embedding"
    window = mlp_window(1, 1, timesteps=4, hidden=(30,))
    # Dense(30) over 4 inputs + Dense(1): 4*30+30 + 30+1.
    assert keras_total(window) == 181


# -------------------------------------------------------------- Keras-style init


def test_keras_init_lstm():
    units, features = 6, 3
    model = build(ModelSpec(features, 2, units=[units, units], keras_init=True), seed=0)
    for index, lstm in enumerate(model.recurrent):
        fan_in = features if index == 0 else units
        bias_ih = lstm.bias_ih_l0.detach()
        expected = torch.zeros(4 * units)
        expected[units : 2 * units] = 1.0  # gate order i, f, g, o
        assert torch.equal(bias_ih, expected)
        assert torch.equal(lstm.bias_hh_l0.detach(), torch.zeros(4 * units))
        w_hh = lstm.weight_hh_l0.detach()  # (4 units, units)
        assert torch.allclose(w_hh.T @ w_hh, torch.eye(units), atol=1e-5)
        w_ih = lstm.weight_ih_l0.detach()
        limit = math.sqrt(6 / (fan_in + 4 * units))
        assert w_ih.abs().max() <= limit
        # Spread over the range, not concentrated near zero (a real uniform draw).
        assert w_ih.abs().max() > 0.5 * limit
    head = model.head
    assert torch.equal(head.bias.detach(), torch.zeros(2))
    assert head.weight.abs().max() <= math.sqrt(6 / (units + 2))


def test_keras_init_covers_both_directions_and_gru():
    model = build(ModelSpec(2, 1, cell="gru", units=[4], bidirectional=True, keras_init=True),
                  seed=1)
    gru = model.recurrent[0]
    for suffix in ("l0", "l0_reverse"):
        assert torch.equal(getattr(gru, f"bias_ih_{suffix}").detach(), torch.zeros(12))
        w_hh = getattr(gru, f"weight_hh_{suffix}").detach()
        assert torch.allclose(w_hh.T @ w_hh, torch.eye(4), atol=1e-5)


def test_default_init_is_not_keras_init():
    model = build(ModelSpec(3, 2, units=[6]), seed=0)
    bias = model.recurrent[0].bias_ih_l0.detach()
    assert not torch.equal(bias[6:12], torch.ones(6))


# ------------------------------------------------------------------------ summary


def test_summary_prints_a_table(capsys):
    spec = ModelSpec(1, 5, units=[20, 20], timesteps=3, dropout=0.2)
    result = summary(build(spec))
    out = capsys.readouterr().out
    for name in ("LSTM(20)", "Dropout(0.2)", "Dense(5, linear)", "Layer", "Output shape"):
        assert name in out
    real = sum(p.numel() for p in build(spec).parameters())
    assert f"Total params: {real:,}" in out
    assert str(result) in out
    assert "(None, 3, 20)" in out and "(None, 5)" in out


def test_summary_shows_input_dropout_between_the_embedding_and_the_first_layer():
    spec = ModelSpec(9, 9, units=[8], frontend="embedding", embedding_dim=4, timesteps=6,
                     input_dropout=0.1, return_sequences=True)
    names = [row.name for row in summary(spec).rows]
    assert names[:3] == ["Embedding", "Dropout(0.1)", "LSTM(8)"]
    assert summary(spec).rows[1].output_shape == (None, 6, 4)


def test_summary_keras_count_label_and_print_fn():
    lines: list[str] = []
    result = summary(vanilla(2, 2, units=10), keras_count=True, print_fn=lines.append)
    assert len(lines) == 1 and "Total params: 542 (Keras convention" in lines[0]
    assert result.total_params == 542
    # both conventions side by side: torch keeps a second bias vector per gate
    assert "; 582 (torch)" in lines[0] and result.other_total == 582
    torch_first = summary(vanilla(2, 2, units=10), print_fn=None)
    assert str(torch_first).endswith("Total params: 582 (torch); 542 (Keras convention: one "
                                     "bias per gate)")


def test_summary_of_a_plain_module_counts_children():
    module = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
    result = summary(module, print_fn=None)
    assert result.total_params == sum(p.numel() for p in module.parameters()) == 21
    assert [row.params for row in result.rows] == [16, 0, 5]


def test_bidirectional_summary_names_the_merge():
    text = str(summary(bidirectional(1, 1, units=8, merge_mode="sum"), print_fn=None))
    assert "Bidirectional(LSTM(8), sum)" in text


# ------------------------------------------------------- bidirectional semantics


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_bidirectional_last_step_is_forward_last_and_backward_first(cell):
    units = 5
    model = build(ModelSpec(3, 2, cell=cell, units=[units], bidirectional=True), seed=0).eval()
    x = torch.randn(4, 7, 3, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        y, _ = model(x)
        layer = model.recurrent[0]
        sequence, final = layer(x)
        h_n = final[0] if cell == "lstm" else final  # (2 directions, batch, units)
        # Each direction's final hidden state: forward after step T-1, backward after step 0.
        assert torch.allclose(sequence[:, -1, :units], h_n[0])
        assert torch.allclose(sequence[:, 0, units:], h_n[1])
        expected = model.head(torch.cat([h_n[0], h_n[1]], dim=-1))
    assert torch.allclose(y, expected, atol=1e-6)
    # Not the naive last time step of both directions (which has seen one input backwards).
    with torch.no_grad():
        naive = model.head(sequence[:, -1])
    assert not torch.allclose(y, naive, atol=1e-4)


@pytest.mark.parametrize("merge_mode, merge", [
    ("sum", lambda f, b: f + b),
    ("mul", lambda f, b: f * b),
    ("ave", lambda f, b: (f + b) / 2),
    ("concat", lambda f, b: torch.cat([f, b], dim=-1)),
])
def test_bidirectional_merge_modes_per_step(merge_mode, merge):
    units = 4
    spec = ModelSpec(2, 1, units=[units], bidirectional=True, merge_mode=merge_mode,
                     return_sequences=True)
    model = build(spec, seed=0).eval()
    x = torch.randn(3, 6, 2, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        y, _ = model(x)
        sequence, _ = model.recurrent[0](x)
        expected = model.head(merge(sequence[..., :units], sequence[..., units:]))
    assert torch.allclose(y, expected, atol=1e-6)


def test_go_backwards_reads_the_reversed_sequence():
    spec = ModelSpec(2, 1, units=[4], go_backwards=True)
    model = build(spec, seed=0).eval()
    plain = build(spec.replace(go_backwards=False), seed=0).eval()
    x = torch.randn(3, 6, 2, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        assert torch.allclose(model(x)[0], plain(x.flip(1))[0])
        assert not torch.allclose(model(x)[0], plain(x)[0])


# ------------------------------------------------------------------ state helpers


def test_detach_state_and_state_batch_size():
    model = build(ModelSpec(2, 1, units=[4, 3]), seed=0)
    _, state = model(torch.randn(5, 3, 2))
    assert state_batch_size(state) == 5 and state_batch_size(None) is None
    assert all(t.requires_grad for layer in state for t in layer)
    detached = detach_state(state)
    assert type(detached) is tuple and len(detached) == 2 and len(detached[0]) == 2
    for layer, original in zip(detached, state, strict=True):
        for tensor, source in zip(layer, original, strict=True):
            assert not tensor.requires_grad and torch.equal(tensor, source)
    assert detach_state(None) is None


def test_a_state_for_the_wrong_number_of_layers_is_an_error():
    model = build(ModelSpec(2, 1, cell="gru", units=[4, 4]), seed=0)
    _, state = model(torch.randn(3, 2, 2))
    with pytest.raises(ValueError, match="zip"):
        model(torch.randn(3, 2, 2), state[:1])  # would silently skip the second layer


def test_numpy_numbers_are_taken_as_pythons():
    # Sizes computed from arrays passed validate() and then failed: torch refused
    # units=[np.int64(4)] ('hidden_size should be of type int') and to_json np.int64(3).
    import json

    import numpy as np

    spec = ModelSpec(np.int64(2), np.int64(3), units=[np.int64(4)], task="multiclass",
                     dropout=np.float32(0.25), bidirectional=np.bool_(True))
    assert json.loads(spec.to_json())["units"] == [4]
    assert type(spec.input_size) is int and type(spec.dropout) is float
    assert type(spec.bidirectional) is bool
    assert build(spec).spec == ModelSpec(2, 3, units=[4], task="multiclass", dropout=0.25,
                                         bidirectional=True)
    assert type(spec.replace(units=[np.int32(5)]).units[0]) is int
