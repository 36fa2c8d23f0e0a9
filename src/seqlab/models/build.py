"""`build(spec) -> nn.Module`, and helpers every model user needs (state handling)."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from seqlab.models.layers import EncoderDecoderNet, RecurrentNet, WindowMLP, keras_initialise
from seqlab.models.spec import ModelSpec

_BUILDERS = {
    "recurrent": RecurrentNet,
    "mlp_window": WindowMLP,
    "encoder_decoder": EncoderDecoderNet,
}


def build(spec: ModelSpec | dict, *, seed: int | None = None) -> nn.Module:
    """Build the torch module that `spec` describes.

    The module's ``forward(x, state=None)`` returns ``(y, state)``; it keeps the spec
    as ``module.spec``. With `seed`, the initial weights are repeatable without
    touching torch's global random state.
    """
    if isinstance(spec, dict):
        spec = ModelSpec.from_dict(spec)
    spec.validate()
    with torch.random.fork_rng(devices=[], enabled=seed is not None):
        if seed is not None:
            torch.manual_seed(seed)
        model = _BUILDERS[spec.architecture](spec)
        if spec.keras_init:
            keras_initialise(model, spec)
    return model


def detach_state(state: Any) -> Any:
    """Cut the autograd history of a carried state (truncated backpropagation through time)."""
    if state is None:
        return None
    if isinstance(state, torch.Tensor):
        return state.detach()
    return type(state)(detach_state(s) for s in state)


def state_batch_size(state: Any) -> int | None:
    """The number of parallel streams a carried state holds (None for no state)."""
    if state is None:
        return None
    if isinstance(state, torch.Tensor):
        return state.shape[1]
    for item in state:
        size = state_batch_size(item)
        if size is not None:
            return size
    return None
