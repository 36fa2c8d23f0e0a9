"""The torch modules that `build` assembles: a recurrent stack, an encoder-decoder and a
window MLP, with the frontends they share (one-hot lookup, embedding, per-frame CNN).

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


class FrameCNN(nn.Module):
    """Conv2D(relu) → MaxPool → Flatten applied to every frame of a video-like input.

    The book's ``TimeDistributed`` CNN (chapter 8): frames ``(batch, time, height,
    width, channels)`` are folded into one batch of ``batch * time`` images, so one
    convolution call serves all of them and any number of frames works. The result is
    ``(batch, time, features)``, flattened channels-last as Keras does.
    """

    def __init__(self, spec: ModelSpec):
        super().__init__()
        channels = spec.frame_shape[2]
        self.conv = nn.Conv2d(channels, spec.conv_filters, spec.conv_kernel)
        self.pool = nn.MaxPool2d(spec.pool_size)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        batch, steps = frames.shape[:2]
        # Channels-last images viewed as NCHW: no copy, torch picks its channels-last kernels.
        images = frames.reshape(batch * steps, *frames.shape[2:]).permute(0, 3, 1, 2)
        if images.is_contiguous(memory_format=torch.channels_last):
            # A size-1 axis may carry any stride (0 after some numpy conversions), which
            # sends the convolution down a path ~2x slower: restate the strides (no copy).
            _, channels, height, width = images.shape
            images = images.as_strided(
                images.shape, (height * width * channels, 1, width * channels, channels))
        h = self.pool(torch.relu(self.conv(images)))
        return h.permute(0, 2, 3, 1).reshape(batch, steps, -1)


class SequenceDropout(nn.Module):
    """Dropout whose mask is drawn once per sequence and feature and shared by every time
    step of ``(batch, time, features)`` input (Keras' ``SpatialDropout1D``; "variational"
    dropout). Other shapes get an ordinary element-wise mask."""

    def __init__(self, rate: float):
        super().__init__()
        self.rate = rate

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        if not self.training or self.rate == 0.0:
            return h
        if h.dim() != 3:
            return F.dropout(h, self.rate, training=True)
        keep = 1.0 - self.rate
        mask = torch.empty(h.shape[0], 1, h.shape[2], dtype=h.dtype, device=h.device)
        return h * mask.bernoulli_(keep).div_(keep)

    def extra_repr(self) -> str:
        return f"rate={self.rate}"


def make_dropout(rate: float, spec: ModelSpec) -> nn.Module:
    """The dropout layer for `rate` under the spec's `dropout_mask` (identity at 0)."""
    if rate == 0:
        return nn.Identity()
    return SequenceDropout(rate) if spec.dropout_mask == "sequence" else nn.Dropout(rate)


def make_frontend(spec: ModelSpec) -> tuple[nn.Module, int]:
    """The spec's input frontend and the feature width it hands to the first layer."""
    if spec.frontend == "embedding":
        return nn.Embedding(spec.input_size, spec.embedding_dim), spec.embedding_dim
    if spec.frontend == "onehot":
        return OneHotLookup(spec.input_size), spec.input_size
    if spec.frontend == "cnn":
        return FrameCNN(spec), spec.cnn_features
    return nn.Identity(), spec.input_size


class RecurrentNet(nn.Module):
    """Frontend → stacked LSTM/GRU/SimpleRNN layers (fused torch kernels) → dense head."""

    def __init__(self, spec: ModelSpec):
        super().__init__()
        self.spec = spec
        self.frontend, width = make_frontend(spec)
        self.input_dropout = make_dropout(spec.input_dropout, spec)
        rnn_class = RNN_CLASSES[spec.cell]
        self.recurrent = nn.ModuleList()
        for units in spec.units:
            self.recurrent.append(
                rnn_class(width, units, batch_first=True, bidirectional=spec.bidirectional)
            )
            width = merged_width(units, spec)
        self.dropout = make_dropout(spec.dropout, spec)
        self.head = nn.Linear(width, spec.output_size)

    def forward(self, x: torch.Tensor, state: State = None) -> tuple[torch.Tensor, State]:
        h, new_state = self._encode(x, state, self.spec.return_sequences)
        return self.head(h), new_state

    def _encode(
        self, x: torch.Tensor, state: State, return_sequences: bool
    ) -> tuple[torch.Tensor, State]:
        """Frontend and recurrent stack: the features the head (or a decoder) reads."""
        h = self.input_dropout(self.frontend(x))
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
            if last_layer and not return_sequences:
                h = self._last_step(h)
            h = self.dropout(self._merge(h))
        return h, tuple(new_states)

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


class EncoderDecoderNet(RecurrentNet):
    """Encoder stack → RepeatVector(output_steps) → decoder stack → per-step dense head.

    The book's Encoder-Decoder LSTM (chapter 9). The encoder (the spec's `units`, which
    may be bidirectional) reads the input; its last output is repeated once per output
    step and read by the unidirectional `decoder_units` stack, whose every step goes
    through the head: y is ``(batch, output_steps, output_size)``. The carried state is
    the encoder's (continuing to read input); the decoder starts fresh on every call.
    """

    def __init__(self, spec: ModelSpec):
        super().__init__(spec)
        rnn_class = RNN_CLASSES[spec.cell]
        width = merged_width(spec.units[-1], spec)
        self.decoder = nn.ModuleList()
        for units in spec.decoder_units:
            self.decoder.append(rnn_class(width, units, batch_first=True))
            width = units
        self.head = nn.Linear(width, spec.output_size)

    def forward(self, x: torch.Tensor, state: State = None) -> tuple[torch.Tensor, State]:
        encoded, new_state = self._encode(x, state, return_sequences=False)
        h = encoded.unsqueeze(1).expand(-1, self.spec.output_steps, -1)
        for layer in self.decoder:
            h, _ = layer(h)
            h = self.dropout(h)
        return self.head(h), new_state


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
        elif isinstance(module, nn.Conv2d):
            nn.init.xavier_uniform_(module.weight)  # fans include the kernel area, as Keras
            nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Linear):
            if spec.dense_init == "normal" and module is not getattr(model, "head", None):
                nn.init.normal_(module.weight, std=0.05)
            else:
                nn.init.xavier_uniform_(module.weight)
            nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.uniform_(module.weight, -0.05, 0.05)
