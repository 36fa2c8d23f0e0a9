"""Metrics by name, computed as (sum, count) so epoch values are exact sample averages.

``accuracy`` resolves by task: categorical (argmax) for multiclass, threshold 0.5 on
the sigmoid for binary. For per-step outputs it is the per-step accuracy; use
``sequence_accuracy`` for whole-sequence exact match.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from seqlab.errors import UnknownNameError, ValidationError

MetricFn = Callable[[torch.Tensor, torch.Tensor], tuple[torch.Tensor, int]]


def class_ids(target: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    """Target class ids, whether given as ids or as one-hot/probability rows."""
    if target.shape == logits.shape:  # one-hot/probability rows, float or integer
        return target.argmax(-1)
    return target.reshape(logits.shape[:-1]).long()


def _hits(logits: torch.Tensor, target: torch.Tensor, task: str) -> torch.Tensor:
    if task == "multiclass":
        return logits.argmax(-1) == class_ids(target, logits)
    if task == "binary":
        return (logits > 0) == (target.reshape(logits.shape) > 0.5)
    raise ValidationError(
        f"The 'accuracy' metric needs a classification task ('binary' or 'multiclass'); "
        f"got task {task!r}. Use 'mae' or 'mse' for regression."
    )


def accuracy(task: str) -> MetricFn:
    """Fraction of correct predictions (per step for sequence outputs)."""

    def metric(output: torch.Tensor, target: torch.Tensor) -> tuple[torch.Tensor, int]:
        hits = _hits(output, target, task)
        return hits.sum(), hits.numel()

    return metric


def sequence_accuracy(task: str) -> MetricFn:
    """Fraction of samples whose every step (and every output) is predicted right."""

    def metric(output: torch.Tensor, target: torch.Tensor) -> tuple[torch.Tensor, int]:
        hits = _hits(output, target, task).reshape(output.shape[0], -1)
        return hits.all(dim=1).sum(), hits.shape[0]

    return metric


def mae(task: str) -> MetricFn:
    """Mean absolute error over all outputs."""

    def metric(output: torch.Tensor, target: torch.Tensor) -> tuple[torch.Tensor, int]:
        return (output - target.reshape(output.shape)).abs().sum(), output.numel()

    return metric


def mse(task: str) -> MetricFn:
    """Mean squared error over all outputs."""

    def metric(output: torch.Tensor, target: torch.Tensor) -> tuple[torch.Tensor, int]:
        return (output - target.reshape(output.shape)).pow(2).sum(), output.numel()

    return metric


METRICS: dict[str, Callable[[str], MetricFn]] = {
    "accuracy": accuracy,
    "acc": accuracy,
    "sequence_accuracy": sequence_accuracy,
    "mae": mae,
    "mse": mse,
}

DEFAULT_METRICS = {"regression": ("mae",), "binary": ("accuracy",), "multiclass": ("accuracy",)}


def get_metric(name: str, task: str) -> MetricFn:
    """The metric function called `name`, specialised for `task`."""
    if name not in METRICS:
        raise UnknownNameError("metric", name, METRICS)
    if name in ("accuracy", "acc", "sequence_accuracy") and task == "regression":
        _hits(torch.zeros(1, 1), torch.zeros(1, 1), task)  # raises the explanatory error
    return METRICS[name](task)
