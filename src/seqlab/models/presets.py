"""Named architectures of the source documents, as functions that return a `ModelSpec`."""

from __future__ import annotations

from typing import Any

from seqlab.models.spec import ModelSpec


def vanilla(input_size: int, output_size: int, units: int = 32, **options: Any) -> ModelSpec:
    """One recurrent layer and a dense head (the book's Vanilla LSTM, chapter 6)."""
    return ModelSpec(input_size, output_size, units=[units], **options).validate()


def stacked(
    input_size: int, output_size: int, units: tuple[int, ...] = (20, 20), **options: Any
) -> ModelSpec:
    """Several recurrent layers, each passing its whole sequence on (chapter 7)."""
    return ModelSpec(input_size, output_size, units=list(units), **options).validate()


def bidirectional(
    input_size: int, output_size: int, units: int = 50, merge_mode: str = "concat",
    **options: Any,
) -> ModelSpec:
    """A recurrent layer read in both directions, merged by `merge_mode` (chapter 10)."""
    return ModelSpec(input_size, output_size, units=[units], bidirectional=True,
                     merge_mode=merge_mode, **options).validate()


def cnn_lstm(
    frame_shape: tuple[int, int, int], output_size: int = 1, units: int = 50,
    conv_filters: int = 2, conv_kernel: int = 2, pool_size: int = 2, **options: Any,
) -> ModelSpec:
    """Per-frame Conv2D → MaxPool → Flatten, then a recurrent layer over the frames (ch. 8).

    `frame_shape` is ``(height, width, channels)``; inputs are ``(batch, frames, height,
    width, channels)``. The default task is binary classification of the whole clip.
    """
    options.setdefault("task", "binary")
    return ModelSpec(frame_shape[2], output_size, units=[units], frontend="cnn",
                     frame_shape=list(frame_shape), conv_filters=conv_filters,
                     conv_kernel=conv_kernel, pool_size=pool_size, **options).validate()


def encoder_decoder(
    input_size: int, output_size: int, output_steps: int, units: int = 75,
    decoder_units: int = 50, **options: Any,
) -> ModelSpec:
    """Encoder → RepeatVector(output_steps) → decoder → per-step dense head (chapter 9).

    The default task is per-step multi-class classification (e.g. the digits of a sum).
    """
    options.setdefault("task", "multiclass")
    return ModelSpec(input_size, output_size, architecture="encoder_decoder", units=[units],
                     decoder_units=[decoder_units], output_steps=output_steps,
                     **options).validate()


def char_lm(
    vocab_size: int, units: int = 128, cell: str = "lstm", embedding_dim: int | None = None,
    **options: Any,
) -> ModelSpec:
    """A character language model: ids in, a next-symbol distribution at every step out."""
    frontend = "embedding" if embedding_dim else "onehot"
    return ModelSpec(vocab_size, vocab_size, task="multiclass", cell=cell, units=[units],
                     return_sequences=True, frontend=frontend, embedding_dim=embedding_dim,
                     **options).validate()


def mlp_window(
    input_size: int, output_size: int, timesteps: int, hidden: tuple[int, ...] = (30,),
    **options: Any,
) -> ModelSpec:
    """Dense layers over a flattened window: the non-recurrent baseline (000 A1)."""
    return ModelSpec(input_size, output_size, architecture="mlp_window", timesteps=timesteps,
                     hidden=list(hidden), units=[], **options).validate()


PRESETS = {
    "vanilla": vanilla,
    "stacked": stacked,
    "bidirectional": bidirectional,
    "cnn_lstm": cnn_lstm,
    "encoder_decoder": encoder_decoder,
    "char_lm": char_lm,
    "mlp_window": mlp_window,
}
