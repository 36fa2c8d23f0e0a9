"""`build(spec) -> nn.Module`, and helpers every model user needs (state handling)."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from seqlab._validation import check_seed
from seqlab.errors import ValidationError
from seqlab.models.layers import EncoderDecoderNet, RecurrentNet, WindowMLP, keras_initialise
from seqlab.models.spec import ModelSpec

_BUILDERS = {
    "recurrent": RecurrentNet,
    "mlp_window": WindowMLP,
    "encoder_decoder": EncoderDecoderNet,
}


MAX_PARAMETERS = 2**30
"""The default cap on a model's parameters (4 GiB of float32 weights), checked before
anything is allocated."""


def parameter_count(spec: ModelSpec) -> int:
    """The number of parameters of the model `spec` describes, counted on torch's meta
    device: exact, and nothing is allocated."""
    spec.validate()
    with torch.device("meta"):
        skeleton = _BUILDERS[spec.architecture](spec)
    return sum(p.numel() for p in skeleton.parameters())


def check_model_size(spec: ModelSpec, max_parameters: int = MAX_PARAMETERS) -> int:
    """The parameter count of `spec`'s model; a `ValidationError` naming it when it is above
    `max_parameters`, raised before anything is built."""
    spec.validate()
    derived = {"the flattened window (timesteps x input_size)":
               (spec.timesteps or 0) * spec.input_size if spec.architecture == "mlp_window"
               else 0,
               "the CNN frontend's features per frame": spec.cnn_features
               if spec.frontend == "cnn" else 0}
    for what, width in derived.items():
        if width > max_parameters:  # one layer alone would be over the cap
            raise ValidationError(
                f"The model is too large: {what} is {width:,} wide, so its first dense or "
                f"recurrent layer alone would hold more than the limit of {max_parameters:,} "
                f"parameters. Use smaller frames, filters or windows.")
    count = parameter_count(spec)
    if count > max_parameters:
        raise ValidationError(
            f"The model is too large: its spec describes {count:,} parameters "
            f"({count * 4 / 2**30:,.1f} GiB of float32 weights), above the limit of "
            f"{max_parameters:,}. Lower 'units' (now {spec.units}), 'embedding_dim', "
            f"'hidden' or the vocabulary, or pass a larger max_parameters.")
    return count


def build(spec: ModelSpec | dict, *, seed: int | None = None,
          max_parameters: int = MAX_PARAMETERS) -> nn.Module:
    """Build the torch module that `spec` describes.

    The module's ``forward(x, state=None)`` returns ``(y, state)``; it keeps the spec
    as ``module.spec``. With `seed`, the initial weights are repeatable without
    touching torch's global random state. A spec whose model would hold more than
    `max_parameters` parameters is refused before anything is allocated.
    """
    if isinstance(spec, dict):
        spec = ModelSpec.from_dict(spec)
    if not isinstance(spec, ModelSpec):
        raise ValidationError(
            f"The 'spec' parameter of build must be a ModelSpec (or its to_dict()). Got "
            f"{type(spec).__name__} instead.")
    if seed is not None:
        check_seed(seed, "build")
    check_model_size(spec, max_parameters)
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
