"""Masking-aware networks for classifying padded sequences of different lengths.

Every network takes a batch ``(n, steps, channels + 1)`` whose last channel is the mask
(1 on a sequence's real steps, 0 on the padding after them: post-padding) and returns
``(logits, None)``, the ``forward(x, state=None) -> (y, state)`` shape the `Trainer`
expects. A sequence's output depends on its own steps only, not on the padding nor on
its batch mates:

- a recurrent layer runs over the padded batch and is read at each sequence's last real
  step (the padded steps come after it, so they cannot reach it); the backward direction
  of a bidirectional layer runs over each sequence reversed *within its own length*.
  This gives the gradients packed sequences would, without the cost that the backward
  pass of packed LSTMs has on the CPU when lengths differ;
- convolutions see zeros after a sequence's end (the activations are masked after every
  block), exactly the zero padding a lone sequence gets;
- pooling averages over real steps only, and batch normalisation takes its statistics
  from real steps only (in evaluation it uses the running statistics, so a sequence's
  prediction never depends on its batch).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

__all__ = ["MaskedRecurrent", "MaskedBatchNorm", "RecurrentClassifier", "LSTMFCN",
           "reverse_within", "last_step", "masked_mean", "NETWORKS", "build_network"]


def reverse_within(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """`x` ``(n, steps, features)`` with each sequence's first ``lengths[i]`` steps
    reversed in place and its padding left where it is."""
    steps = x.shape[1]
    position = torch.arange(steps, device=x.device)[None, :]
    source = torch.where(position < lengths[:, None], lengths[:, None] - 1 - position,
                         position)
    return x.gather(1, source[:, :, None].expand(-1, -1, x.shape[2]))


def last_step(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """``x[i, lengths[i] - 1]`` for each sequence i: ``(n, features)``."""
    index = (lengths - 1).clamp(min=0)[:, None, None].expand(-1, 1, x.shape[2])
    return x.gather(1, index)[:, 0]


def masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The mean over the real steps of `x` ``(n, steps, features)``; `mask` ``(n, steps)``."""
    return (x * mask[:, :, None]).sum(1) / mask.sum(1).clamp(min=1)[:, None]


class MaskedRecurrent(nn.Module):
    """One LSTM or GRU layer (optionally bidirectional) over post-padded sequences.

    `forward(x, lengths)` returns the per-step outputs ``(n, steps, units * directions)``
    (zero on padding) and the final summary ``(n, units * directions)``: the forward
    direction's output at the last real step, and the backward direction's after reading
    the whole sequence back to its first step.
    """

    def __init__(self, input_size: int, units: int, cell: str = "lstm",
                 bidirectional: bool = False):
        super().__init__()
        kind = {"lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.forward_layer = kind(input_size, units, batch_first=True)
        self.backward_layer = kind(input_size, units, batch_first=True) if bidirectional \
            else None

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor,
                                                                        torch.Tensor]:
        """Per-step outputs and final summary of `x` with `lengths` (see the class)."""
        mask = (torch.arange(x.shape[1], device=x.device)[None, :] < lengths[:, None])
        mask = mask[:, :, None].to(x.dtype)
        out, _ = self.forward_layer(x)
        steps, final = [out * mask], [last_step(out, lengths)]
        if self.backward_layer is not None:
            back, _ = self.backward_layer(reverse_within(x, lengths))
            steps.append(reverse_within(back, lengths) * mask)
            final.append(last_step(back, lengths))
        return torch.cat(steps, dim=2), torch.cat(final, dim=1)


class MaskedBatchNorm(nn.BatchNorm1d):
    """Batch normalisation over channels whose training statistics come from real steps
    only; `forward(x, mask)` takes ``(n, channels, steps)`` and ``(n, steps)``."""

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        """Normalise `x`, counting only the steps where `mask` is 1."""
        if not self.training or mask is None:
            return super().forward(x)
        weight = mask[:, None, :].to(x.dtype)
        count = weight.sum().clamp(min=2)
        mean = (x * weight).sum((0, 2)) / count
        var = (((x - mean[None, :, None]) ** 2) * weight).sum((0, 2)) / count
        with torch.no_grad():
            self.num_batches_tracked += 1
            m = self.momentum if self.momentum is not None else 0.1
            self.running_mean.mul_(1 - m).add_(m * mean)
            self.running_var.mul_(1 - m).add_(m * var * count / (count - 1))
        normal = (x - mean[None, :, None]) / torch.sqrt(var[None, :, None] + self.eps)
        return normal * self.weight[None, :, None] + self.bias[None, :, None]


def _split(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    values, mask = x[..., :-1], x[..., -1]
    lengths = mask.sum(1).round().long().clamp(min=1)
    return values, mask, lengths


class _Input(nn.Module):
    """Values as they are, or token ids looked up in an embedding (text)."""

    def __init__(self, channels: int, vocabulary: int | None, embedding: int = 32):
        super().__init__()
        self.embedding = nn.Embedding(vocabulary, embedding, padding_idx=0) \
            if vocabulary else None
        self.width = embedding if vocabulary else channels

    def forward(self, values: torch.Tensor) -> torch.Tensor:
        if self.embedding is None:
            return values
        return self.embedding(values[..., 0].round().long())


class RecurrentClassifier(nn.Module):
    """A masked LSTM/GRU layer (optionally bidirectional) read at each sequence's end,
    then a linear layer to the class logits."""

    def __init__(self, channels: int, classes: int, units: int = 64, cell: str = "lstm",
                 bidirectional: bool = False, vocabulary: int | None = None,
                 dropout: float = 0.2):
        super().__init__()
        self.inputs = _Input(channels, vocabulary)
        self.recurrent = MaskedRecurrent(self.inputs.width, units, cell, bidirectional)
        width = units * (2 if bidirectional else 1)
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(width * 2, classes))

    def forward(self, x: torch.Tensor, state: Any = None) -> tuple[torch.Tensor, None]:
        """Class logits for the masked batch `x` (see the module)."""
        values, mask, lengths = _split(x)
        steps, final = self.recurrent(self.inputs(values), lengths)
        pooled = masked_mean(steps, mask)
        return self.head(torch.cat([final, pooled], dim=1)), None


class LSTMFCN(nn.Module):
    """LSTM-FCN (Karim et al., 2017) with masking: three convolution blocks (the book's
    CNN front end, made fully convolutional) pooled over real steps, beside a masked LSTM
    read at each sequence's end; the two are concatenated into the class logits."""

    def __init__(self, channels: int, classes: int, units: int = 32,
                 filters: tuple[int, int, int] = (64, 128, 64), vocabulary: int | None = None,
                 dropout: float = 0.3):
        super().__init__()
        self.inputs = _Input(channels, vocabulary)
        widths = (self.inputs.width, *filters)
        sizes = (7, 5, 3)  # odd, so "same" padding is symmetric
        self.convs = nn.ModuleList(nn.Conv1d(widths[i], widths[i + 1], sizes[i],
                                             padding="same") for i in range(3))
        self.norms = nn.ModuleList(MaskedBatchNorm(f) for f in filters)
        self.recurrent = MaskedRecurrent(self.inputs.width, units, "lstm")
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(filters[-1] + units, classes)

    def forward(self, x: torch.Tensor, state: Any = None) -> tuple[torch.Tensor, None]:
        """Class logits for the masked batch `x` (see the module)."""
        values, mask, lengths = _split(x)
        values = self.inputs(values)
        h = (values * mask[:, :, None]).transpose(1, 2)  # (n, C, T)
        for conv, norm in zip(self.convs, self.norms, strict=True):
            h = torch.relu(norm(conv(h), mask)) * mask[:, None, :]
        pooled = masked_mean(h.transpose(1, 2), mask)
        _, final = self.recurrent(values, lengths)
        return self.head(torch.cat([pooled, self.dropout(final)], dim=1)), None


NETWORKS = ("lstm-fcn", "lstm", "gru", "bilstm")
"""The trained candidates (the random-kernel model, ``rocket``, is not a network)."""


def build_network(name: str, channels: int, classes: int, vocabulary: int | None = None,
                  units: int = 64) -> nn.Module:
    """The network `name` (one of `NETWORKS`) for `channels` inputs and `classes` classes."""
    if name == "lstm-fcn":
        return LSTMFCN(channels, classes, vocabulary=vocabulary)
    cell = "gru" if name == "gru" else "lstm"
    return RecurrentClassifier(channels, classes, units, cell, name == "bilstm", vocabulary)
