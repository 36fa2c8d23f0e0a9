"""Model specs, the builder, presets and summaries."""

from seqlab.models.building import build
from seqlab.models.presets import (
    PRESETS,
    bidirectional,
    char_lm,
    cnn_lstm,
    encoder_decoder,
    mlp_window,
    stacked,
    vanilla,
)
from seqlab.models.spec import ModelSpec
from seqlab.models.summaries import ModelSummary, summary

__all__ = [
    "ModelSpec",
    "build",
    "summary",
    "ModelSummary",
    "PRESETS",
    "vanilla",
    "stacked",
    "bidirectional",
    "cnn_lstm",
    "encoder_decoder",
    "char_lm",
    "mlp_window",
]
