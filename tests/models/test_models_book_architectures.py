"""The book's architectures (003): CNN frontend and encoder-decoder specs, presets, and
Keras parameter totals that match the book's printed summaries exactly."""

import numpy as np
import pytest
import torch

from seqlab.errors import ValidationError
from seqlab.models import (
    ModelSpec,
    bidirectional,
    build,
    cnn_lstm,
    encoder_decoder,
    stacked,
    summary,
    vanilla,
)

BOOK_TOTALS = {
    "echo (ch6)": (vanilla(10, 10, units=25, task="multiclass", frontend="onehot"), 3_860),
    "damped sine (ch7)": (stacked(1, 5, units=(20, 20)), 5_145),
    "moving square (ch8)": (cnn_lstm((50, 50, 1), units=50), 240_661),
    "addition (ch9)": (encoder_decoder(12, 12, 2, units=75, decoder_units=50,
                                       frontend="onehot"), 52_212),
    "cumulative sum (ch10)": (bidirectional(1, 1, units=50, return_sequences=True,
                                            task="binary"), 20_901),
    "rectangles (ch11)": (vanilla(2, 2, units=10), 542),
}


@pytest.mark.parametrize("name", list(BOOK_TOTALS))
def test_keras_count_reproduces_the_books_totals(name):
    spec, total = BOOK_TOTALS[name]
    assert summary(spec, keras_count=True, print_fn=None).total_params == total
    model = build(spec)
    real = sum(p.numel() for p in model.parameters())
    assert summary(model, keras_count=True, print_fn=None).total_params == total
    # torch keeps a second bias vector per gate: 4 * units per LSTM layer and direction.
    assert real - total == sum(p.numel() for n, p in model.named_parameters() if "bias_hh" in n)


def test_cnn_lstm_summary_rows_are_the_books():
    text = str(summary(cnn_lstm((50, 50, 1)), keras_count=True, print_fn=None))
    assert "(None, None, 49, 49, 2)" in text and "(None, None, 24, 24, 2)" in text
    assert "(None, None, 1152)" in text and "240,600" in text and "240,661" in text


def test_cnn_frontend_handles_channels_and_any_number_of_frames():
    spec = cnn_lstm((7, 6, 3), units=4, conv_filters=5)
    model = build(spec, seed=0).eval()
    for frames in (1, 4, 9):
        y, _ = model(torch.rand(2, frames, 7, 6, 3))
        assert y.shape == (2, 1)
    # One frame through the model equals the same image through conv/pool by hand.
    image = torch.rand(1, 1, 7, 6, 3)
    features = model.frontend(image)
    conv = torch.relu(model.frontend.conv(image[0].permute(0, 3, 1, 2)))
    pooled = torch.nn.functional.max_pool2d(conv, 2)
    assert torch.allclose(features[0, 0], pooled.permute(0, 2, 3, 1).reshape(-1))
    assert features.shape[-1] == spec.cnn_features == 3 * 2 * 5


def test_encoder_decoder_repeats_the_encoding_for_each_output_step():
    spec = encoder_decoder(12, 12, 3, units=6, decoder_units=5, frontend="onehot")
    model = build(spec, seed=0).eval()
    y, state = model(torch.randint(0, 12, (4, 8)))
    assert y.shape == (4, 3, 12)
    assert len(state) == 1  # the encoder's state; the decoder starts fresh on every call


@pytest.mark.parametrize("changes, message", [
    ({"frontend": "cnn"}, r"'frame_shape'.*\[height, width, channels\]"),
    ({"frontend": "cnn", "frame_shape": [5, 5, 3]}, r"'input_size'.*channels.*\(3\)"),
    ({"frontend": "cnn", "frame_shape": [5, 5, 1], "conv_kernel": 6}, r"'conv_kernel'"),
    ({"frontend": "cnn", "frame_shape": [5, 5, 1], "pool_size": 5}, r"'pool_size'"),
    ({"architecture": "encoder_decoder", "output_steps": 2}, r"'decoder_units'.*non-empty"),
    ({"architecture": "encoder_decoder", "decoder_units": [4]}, r"'output_steps'.*Got None"),
    ({"architecture": "encoder_decoder", "decoder_units": [4], "output_steps": 2,
      "return_sequences": True}, r"'return_sequences'.*encoder_decoder"),
])
def test_invalid_book_specs_name_the_parameter(changes, message):
    with pytest.raises(ValidationError, match=message):
        ModelSpec(1, 1, **changes).validate()


def test_book_specs_round_trip_through_json():
    for spec, _ in BOOK_TOTALS.values():
        assert ModelSpec.from_json(spec.to_json()) == spec


def test_trainer_checks_video_input_shapes():
    from seqlab.train import Trainer

    trainer = Trainer(build(cnn_lstm((6, 6, 1), units=3)))
    with pytest.raises(ValidationError, match=r"\(batch, frames, height, width, channels\)"):
        trainer.fit(np.zeros((2, 3, 6, 6)), np.zeros((2, 1)), verbose=0)
    with pytest.raises(ValidationError, match=r"frame_shape=\[6, 6, 1\]"):
        trainer.fit(np.zeros((2, 3, 5, 6, 1)), np.zeros((2, 1)), verbose=0)
