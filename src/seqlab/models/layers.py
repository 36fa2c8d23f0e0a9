"""The torch modules that `build` assembles: a recurrent stack and a window MLP.

Both follow seqlab's model contract: ``forward(x, state=None) -> (y, state)``, where
`state` is whatever the model needs to continue a sequence (None for the MLP) and y
holds raw scores (logits for classification: the task's activation is applied by the
loss and by `Trainer.predict`, which is numerically safer than softmax-then-log).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from seqlab.models.spec import ModelSpec

RNN_CLASSES = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}
GATES = {"lstm": 4, "gru": 3, "rnn": 1}
ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "linear": nn.Identity}

State = Any  # a tuple with one entry per layer: a tensor, or (h, c) for LSTM


class OneHotLookup(nn.Module):
    """Turns integer ids (batch, time) into one-hot rows by lookup, batch by batch.

    Only the current batch is expanded, never the data set.
    """

    def __init__(self, vocab_size: int):
        super().__init__()
        self.vocab_size = vocab_size

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return F.one_hot(ids, self.vocab_size).to(torch.get_default_dtype())


class RecurrentNet(nn.Module):
    """Frontend → stacked LSTM/GRU/SimpleRNN layers (fused torch kernels) → dense head."""

    def __init__(self, spec: ModelSpec):
        super().__init__()
        self.spec = spec
        if spec.frontend == "embedding":
            self.frontend: nn.Module = nn.Embedding(spec.input_size, spec.embedding_dim)
            width = spec.embedding_dim
        elif spec.frontend == "onehot":
            self.frontend = OneHotLookup(spec.input_size)
            width = spec.input_size
        else:
            self.frontend = nn.Identity()
            width = spec.input_size
        rnn_class = RNN_CLASSES[spec.cell]
        self.recurrent = nn.ModuleList()
        for units in spec.units:
            self.recurrent.append(
                rnn_class(width, units, batch_first=True, bidirectional=spec.bidirectional)
            )
            width = merged_width(units, spec)
        self.dropout = nn.Dropout(spec.dropout) if spec.dropout > 0 else nn.Identity()
        self.head = nn.Linear(width, spec.output_size)

    def forward(self, x: torch.Tensor, state: State = None) -> tuple[torch.Tensor, State]:
        h = self.frontend(x)
        if self.spec.go_backwards:
            h = h.flip(1)
        layer_states = state if state is not None else (None,) * len(self.recurrent)
        new_states = []
        # strict: a state for the wrong number of layers must not silently skip layers.
        pairs = zip(self.recurrent, layer_states, strict=True)
        for index, (layer, layer_state) in enumerate(pairs):
            h, layer_state = layer(h, layer_state)
            new_states.append(layer_state)
            last_layer = index == len(self.recurrent) - 1
            if last_layer and not self.spec.return_sequences:
                h = self._last_step(h)
            h = self.dropout(self._merge(h))
        return self.head(h), tuple(new_states)

    def _last_step(self, h: torch.Tensor) -> torch.Tensor:
        if not self.spec.bidirectional:
            return h[:, -1]
        # The backward direction has read the whole sequence when it reaches step 0.
        units = h.shape[-1] // 2
        return torch.cat([h[:, -1, :units], h[:, 0, units:]], dim=-1)

    def _merge(self, h: torch.Tensor) -> torch.Tensor:
        if not self.spec.bidirectional or self.spec.merge_mode == "concat":
            return h
        forward, backward = h.chunk(2, dim=-1)
        if self.spec.merge_mode == "sum":
            return forward + backward
        if self.spec.merge_mode == "mul":
            return forward * backward
        return (forward + backward) / 2


class WindowMLP(nn.Module):
    """Dense layers over a flattened window: the baseline of the course notebook (000 A1)."""

    def __init__(self, spec: ModelSpec):
        super().__init__()
        self.spec = spec
        layers: list[nn.Module] = [nn.Flatten()]
        width = spec.timesteps * spec.input_size
        for units in spec.hidden:
            layers += [nn.Linear(width, units), ACTIVATIONS[spec.hidden_activation]()]
            if spec.dropout > 0:
                layers.append(nn.Dropout(spec.dropout))
            width = units
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(width, spec.output_size)

    def forward(self, x: torch.Tensor, state: State = None) -> tuple[torch.Tensor, State]:
        return self.head(self.body(x)), None


def merged_width(units: int, spec: ModelSpec) -> int:
    """Width of a recurrent layer's output after merging its directions."""
    if spec.bidirectional and spec.merge_mode == "concat":
        return 2 * units
    return units


def keras_initialise(model: nn.Module, spec: ModelSpec) -> None:
    """Initialise weights as Keras does by default, in place.

    Input kernels glorot-uniform, recurrent kernels orthogonal, biases zero with the
    LSTM forget-gate bias at 1 (Keras' ``unit_forget_bias``). Torch keeps two bias
    vectors per gate; both start at zero except that one forget-gate slice.
    """
    for module in model.modules():
        if isinstance(module, (nn.LSTM, nn.GRU, nn.RNN)):
            for name, param in module.named_parameters():
                if name.startswith("weight_ih"):
                    nn.init.xavier_uniform_(param)
                elif name.startswith("weight_hh"):
                    nn.init.orthogonal_(param)
                elif name.startswith("bias"):
                    nn.init.zeros_(param)
                    if isinstance(module, nn.LSTM) and name.startswith("bias_ih"):
                        units = module.hidden_size
                        param.data[units : 2 * units] = 1.0  # torch gate order: i, f, g, o
        elif isinstance(module, nn.Linear):
            if spec.dense_init == "normal" and module is not getattr(model, "head", None):
                nn.init.normal_(module.weight, std=0.05)
            else:
                nn.init.xavier_uniform_(module.weight)
            nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.uniform_(module.weight, -0.05, 0.05)
