"""Losses by name; each takes the model's raw output and the target.

Classification losses work on logits, so the head's softmax/sigmoid is never applied
twice. Class targets may be ids (``(n,)`` or ``(n, steps)``) or one-hot/probability
rows with the classes on the last axis.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch.nn import functional as F

from seqlab.errors import UnknownNameError

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def mse(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean squared error."""
    return F.mse_loss(output, target.reshape(output.shape))


def mae(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean absolute error."""
    return F.l1_loss(output, target.reshape(output.shape))


def categorical_crossentropy(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Cross-entropy over the last axis from logits; targets as ids or class-probability rows."""
    classes = logits.shape[-1]
    flat_logits = logits.reshape(-1, classes)
    if target.shape == logits.shape:  # one-hot/probability rows, float or integer
        return F.cross_entropy(flat_logits, target.reshape(-1, classes).to(logits.dtype))
    return F.cross_entropy(flat_logits, target.reshape(-1).long())


def binary_crossentropy(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy from logits, targets in {0, 1} (or probabilities)."""
    return F.binary_cross_entropy_with_logits(logits, target.reshape(logits.shape).to(logits.dtype))


LOSSES: dict[str, LossFn] = {
    "mse": mse,
    "mean_squared_error": mse,
    "mae": mae,
    "mean_absolute_error": mae,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": categorical_crossentropy,
    "crossentropy": categorical_crossentropy,
    "binary_crossentropy": binary_crossentropy,
}

LOSS_TASKS = {
    "mse": "regression", "mean_squared_error": "regression", "mae": "regression",
    "mean_absolute_error": "regression", "categorical_crossentropy": "multiclass",
    "sparse_categorical_crossentropy": "multiclass", "crossentropy": "multiclass",
    "binary_crossentropy": "binary",
}
"""The task each named loss belongs to: a Trainer infers its task from the loss, or refuses
a loss that contradicts the model's task."""

DEFAULT_LOSS = {
    "regression": "mse",
    "binary": "binary_crossentropy",
    "multiclass": "categorical_crossentropy",
}


def get_loss(name: str | LossFn) -> LossFn:
    """Look a loss up by name; a callable is returned unchanged."""
    if callable(name):
        return name
    if name not in LOSSES:
        raise UnknownNameError("loss", name, LOSSES)
    return LOSSES[name]
