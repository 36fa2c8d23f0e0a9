"""`StackedNet`: K independent models of one `ModelSpec` as one module, for training them
all with one forward and one backward pass per step.

Tiny recurrent models spend their time in PyTorch's per-operation overhead, not in
arithmetic, so K of them cost about K times one. Here every weight of the ordinary model
(`seqlab.models.build`) becomes one tensor with a leading member axis (an LSTM's
``weight_ih`` of ``(4H, I)`` becomes ``(K, 4H, I)``), and each layer is written as
batched matrix products over the members (`torch.baddbmm`): a step of K members costs
about what a step of one does. Torch's fused recurrent kernels cannot batch over weights,
so the recurrences are written out step by step here (torch's formulas for LSTM, GRU and
SimpleRNN, so the numbers agree to float rounding; the LSTM's, with its backward pass
written out, is `seqlab.models._member_lstm`).

Inputs and outputs carry the member axis first: ``x`` is ``(K, batch, ...)`` (each member
its own rows), the output ``(K, batch, ...)``. Members are built from, and taken apart
into, ordinary models: `from_models` stacks their weights, `member` returns member k as
the module `build` makes, with its weights. Supported: the ``recurrent`` architecture
(LSTM, GRU, SimpleRNN, stacked, bidirectional with every merge mode, go_backwards,
return_sequences, the none/onehot/embedding/cnn frontends, both dropout masks) and
``mlp_window``; `supports` says whether a spec is one of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from seqlab.errors import ValidationError
from seqlab.models._member_lstm import member_lstm
from seqlab.models.building import build
from seqlab.models.spec import ModelSpec

__all__ = ["StackedNet", "supports"]

_ACTIVATIONS = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
                "linear": lambda h: h}


def supports(spec: ModelSpec) -> bool:
    """Whether `StackedNet` can hold members of `spec` (the encoder-decoder cannot yet)."""
    return spec.architecture in ("recurrent", "mlp_window")


def _key(name: str) -> str:
    return name.replace(".", "__")


def _linear(h: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """``h @ weight.T + bias`` per member: h ``(K, ..., in)``, weight ``(K, out, in)``."""
    flat = h.reshape(h.shape[0], -1, h.shape[-1])
    out = torch.baddbmm(bias.unsqueeze(1), flat, weight.transpose(1, 2))
    return out.reshape(*h.shape[:-1], weight.shape[1])


class StackedNet(nn.Module):
    """K models of one spec in one module (see the module docstring).

    Parameters
    ----------
    spec:
        The members' `ModelSpec` (one `supports` accepts).
    members:
        K, the number of members.
    """

    def __init__(self, spec: ModelSpec, members: int):
        super().__init__()
        if not supports(spec):
            raise ValidationError(
                f"StackedNet holds 'recurrent' and 'mlp_window' models; got architecture "
                f"{spec.architecture!r}. Train such models one at a time.")
        self.spec, self.members = spec, members
        template = build(spec)
        # Every member's weights are one row of `flat`; each named weight is a view of a
        # slice of it, so the optimizer, clipping and penalties are a few operations on
        # one tensor rather than a few per weight.
        self.names: list[str] = []
        self.layout: dict[str, tuple[int, int, torch.Size]] = {}
        offset = 0
        matrices = []
        for name, p in template.named_parameters():
            self.names.append(name)
            self.layout[name] = (offset, offset + p.numel(), p.shape)
            matrices.append(torch.full((p.numel(),), p.dim() >= 2))
            offset += p.numel()
        self.flat = nn.Parameter(torch.cat([p.detach().reshape(-1)
                                            for p in template.parameters()]).repeat(members, 1))
        self.register_buffer("matrix_mask", torch.cat(matrices), persistent=False)

    @classmethod
    def from_models(cls, models: Sequence[nn.Module]) -> StackedNet:
        """The members `models` (built from one spec) stacked, their weights copied."""
        spec = models[0].spec
        stacked = cls(spec, len(models))
        with torch.no_grad():
            for k, model in enumerate(models):
                named = dict(model.named_parameters())
                stacked.flat[k].copy_(torch.cat([named[name].detach().reshape(-1).cpu()
                                                 for name in stacked.names]))
        return stacked.to(next(models[0].parameters()).device)

    def member(self, k: int) -> nn.Module:
        """Member `k` as the ordinary model `build(spec)` makes, with its weights."""
        model = build(self.spec).to(self.flat.device)
        with torch.no_grad():
            for name, parameter in model.named_parameters():
                parameter.copy_(self.weight(name)[k])
        return model

    def weight(self, name: str) -> torch.Tensor:
        """The stacked ``(K, ...)`` view of the ordinary model's parameter `name`."""
        if self._views is not None:
            return self._views[name]
        start, stop, shape = self.layout[name]
        return self.flat[:, start:stop].view(self.members, *shape)

    _views: dict[str, torch.Tensor] | None = None

    def _split(self) -> dict[str, torch.Tensor]:
        """Every weight's view from one ``split`` of `flat`: its backward is one ``cat`` of
        the gradients, where a slice per weight would zero-fill and add a gradient the size
        of all K members' weights for each weight."""
        sizes = [stop - start for start, stop, _ in self.layout.values()]
        return {name: part.view(self.members, *shape) for (name, (_, _, shape)), part
                in zip(self.layout.items(), self.flat.split(sizes, 1), strict=True)}

    def grad(self, name: str) -> torch.Tensor | None:
        """The stacked gradient of parameter `name` (None before a backward pass)."""
        if self.flat.grad is None:
            return None
        start, stop, shape = self.layout[name]
        return self.flat.grad[:, start:stop].view(self.members, *shape)

    # ----------------------------------------------------------------- forward
    def forward(self, x: torch.Tensor, state: Any = None) -> tuple[torch.Tensor, Any]:
        """``(K, batch, ...)`` inputs -> ``(K, batch, ...)`` raw outputs and the state (per
        layer: ``(K, directions, batch, units)``, a pair for LSTM)."""
        self._views = self._split()
        try:
            return self._forward(x, state)
        finally:
            self._views = None

    def _forward(self, x: torch.Tensor, state: Any) -> tuple[torch.Tensor, Any]:
        if self.spec.architecture == "mlp_window":
            return self._mlp(x), None
        spec = self.spec
        h = self._dropout(self._frontend(x), spec.input_dropout)
        if spec.go_backwards:
            h = h.flip(2)
        states = state if state is not None else (None,) * len(spec.units)
        new_states = []
        for index, layer_state in enumerate(states):
            h, layer_state = self._recurrent(index, h, layer_state)
            new_states.append(layer_state)
            if index == len(spec.units) - 1 and not spec.return_sequences:
                h = self._last_step(h)
            h = self._dropout(self._merge(h), spec.dropout)
        return _linear(h, self.weight("head.weight"), self.weight("head.bias")), tuple(new_states)

    def _mlp(self, x: torch.Tensor) -> torch.Tensor:
        h = x.reshape(x.shape[0], x.shape[1], -1)
        index = 1  # body.0 is the Flatten; each hidden layer is Linear, activation[, dropout]
        for _ in self.spec.hidden:
            h = _linear(h, self.weight(f"body.{index}.weight"), self.weight(f"body.{index}.bias"))
            h = _ACTIVATIONS[self.spec.hidden_activation](h)
            if self.spec.dropout > 0:
                h = F.dropout(h, self.spec.dropout, self.training)
            index += 3 if self.spec.dropout > 0 else 2
        return _linear(h, self.weight("head.weight"), self.weight("head.bias"))

    def _frontend(self, x: torch.Tensor) -> torch.Tensor:
        frontend = self.spec.frontend
        if frontend == "onehot":
            return F.one_hot(x, self.spec.input_size).to(torch.get_default_dtype())
        if frontend == "embedding":
            table = self.weight("frontend.weight")  # (K, vocab, dim)
            members = torch.arange(x.shape[0], device=x.device).view(-1, 1, 1)
            return table[members, x]
        if frontend == "cnn":
            return self._frames(x)
        return x

    def _frames(self, frames: torch.Tensor) -> torch.Tensor:
        """Each member's Conv2D(relu) -> MaxPool -> Flatten on its own frames, all in one
        grouped convolution (group k: member k's channels and filters)."""
        k, batch, steps, height, width, channels = frames.shape
        images = frames.reshape(k, batch * steps, height, width, channels)
        images = images.permute(1, 0, 4, 2, 3).reshape(batch * steps, k * channels, height,
                                                       width)
        weight = self.weight("frontend.conv.weight")  # (K, filters, channels, kh, kw)
        bias = self.weight("frontend.conv.bias")
        h = F.conv2d(images, weight.reshape(-1, *weight.shape[2:]), bias.reshape(-1),
                     groups=k)
        h = F.max_pool2d(torch.relu(h), self.spec.pool_size)
        filters = weight.shape[1]
        h = h.reshape(batch * steps, k, filters, *h.shape[2:]).permute(1, 0, 3, 4, 2)
        return h.reshape(k, batch, steps, -1)

    def _dropout(self, h: torch.Tensor, rate: float) -> torch.Tensor:
        if not self.training or rate == 0.0:
            return h
        if self.spec.dropout_mask != "sequence" or h.dim() != 4:
            return F.dropout(h, rate, training=True)
        keep = 1.0 - rate
        mask = torch.empty(h.shape[0], h.shape[1], 1, h.shape[3], dtype=h.dtype,
                           device=h.device)
        return h * mask.bernoulli_(keep).div_(keep)

    def _recurrent(self, index: int, h: torch.Tensor, state: Any) -> tuple[torch.Tensor, Any]:
        directions = ["_l0", "_l0_reverse"] if self.spec.bidirectional else ["_l0"]
        outputs, finals = [], []
        for d, suffix in enumerate(directions):
            first = None
            if state is not None:
                first = (tuple(s[:, d] for s in state) if self.spec.cell == "lstm"
                         else state[:, d])
            seq = h.flip(2) if d == 1 else h
            out, final = self._direction(f"recurrent.{index}.", suffix, seq, first)
            outputs.append(out.flip(2) if d == 1 else out)
            finals.append(final)
        output = outputs[0] if len(outputs) == 1 else torch.cat(outputs, dim=-1)
        if self.spec.cell == "lstm":
            return output, (torch.stack([f[0] for f in finals], 1),
                            torch.stack([f[1] for f in finals], 1))
        return output, torch.stack(finals, 1)

    def _direction(self, prefix: str, suffix: str, x: torch.Tensor,
                   state: Any) -> tuple[torch.Tensor, Any]:
        """One direction of one layer over ``(K, batch, time, in)``: torch's formulas."""
        cell = self.spec.cell
        w_ih = self.weight(f"{prefix}weight_ih{suffix}")
        w_hh = self.weight(f"{prefix}weight_hh{suffix}")
        b_ih = self.weight(f"{prefix}bias_ih{suffix}")
        b_hh = self.weight(f"{prefix}bias_hh{suffix}")
        k, batch, steps, _ = x.shape
        units = w_hh.shape[-1]
        w_hh_t = w_hh.transpose(1, 2)
        zeros = x.new_zeros(k, batch, units)
        if cell == "lstm":
            h, c = state if state is not None else (zeros, zeros)
            return member_lstm(x, w_ih, w_hh, b_ih + b_hh, h, c)
        if cell == "gru":
            pre = _linear(x, w_ih, b_ih)  # the recurrent bias sits inside r * (...) for n
        else:
            pre = _linear(x, w_ih, b_ih + b_hh)
        h = state if state is not None else zeros
        outputs = []
        for t in range(steps):
            if cell == "gru":
                recurrent = torch.baddbmm(b_hh.unsqueeze(1), h, w_hh_t)
                x_r, x_z, x_n = pre[:, :, t].chunk(3, dim=-1)
                h_r, h_z, h_n = recurrent.chunk(3, dim=-1)
                r = torch.sigmoid(x_r + h_r)
                z = torch.sigmoid(x_z + h_z)
                n = torch.tanh(x_n + r * h_n)
                h = (1 - z) * n + z * h
            else:
                h = torch.tanh(torch.baddbmm(pre[:, :, t], h, w_hh_t))
            outputs.append(h)
        return torch.stack(outputs, dim=2), h

    def _last_step(self, h: torch.Tensor) -> torch.Tensor:
        if not self.spec.bidirectional:
            return h[:, :, -1]
        units = h.shape[-1] // 2
        return torch.cat([h[:, :, -1, :units], h[:, :, 0, units:]], dim=-1)

    def _merge(self, h: torch.Tensor) -> torch.Tensor:
        spec = self.spec
        if not spec.bidirectional or spec.merge_mode == "concat":
            return h
        forward, backward = h.chunk(2, dim=-1)
        if spec.merge_mode == "sum":
            return forward + backward
        if spec.merge_mode == "mul":
            return forward * backward
        return (forward + backward) / 2
