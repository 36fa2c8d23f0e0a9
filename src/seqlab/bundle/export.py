"""Export a bundle's model to run outside seqlab: ONNX (for onnxruntime and most serving
stacks) or TorchScript (for C++ and mobile torch).

The exported graph maps the model's input to its *activated* output: probabilities for a
classifier (softmax or sigmoid), scaled values for a regression model. The pipeline is
not part of the graph: feed it what `Predictor.transform` makes of raw data (ids, scaled
windows) and undo the scaling with the pipeline yourself.

A stateful model's carried state (one trained with ``stateful=True``, such as
`train-text`'s language models) is explicit. After the input ``x`` come the inputs
``state_in_0``, ``state_in_1`` … and after the output ``y`` the outputs ``state_out_0`` …:
one tensor per layer (two for an LSTM layer, h then c), each of shape
``(directions, batch, units)``. Zeros start a stream; feeding each call's state outputs to
the next call continues it, exactly as a stateful `Predictor` does.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import Any

import torch
from torch import nn

from seqlab._io import atomic_write, check_output_path
from seqlab._validation import check_choice
from seqlab.bundle.loading import Bundle, load
from seqlab.errors import ValidationError
from seqlab.models.inference import activate
from seqlab.models.spec import ModelSpec

__all__ = ["FORMATS", "export", "state_shapes", "example_input"]

FORMATS = ("onnx", "torchscript")
ONNX_OPSET = 17
_EXTENSIONS = {"onnx": (".onnx",), "torchscript": (".pt", ".pth", ".torchscript")}
"""The extensions that name each format's files; a file named for the other format is
refused (`_check_extension`)."""


def state_shapes(spec: ModelSpec, batch: int = 1) -> list[tuple[int, ...]]:
    """The shapes of the state tensors an exported recurrent model takes and returns, in
    order (empty for models that carry no state)."""
    if spec.architecture != "recurrent":
        return []
    directions = 2 if spec.bidirectional else 1
    per_layer = 2 if spec.cell == "lstm" else 1
    return [(directions, batch, units) for units in spec.units for _ in range(per_layer)]


def example_input(spec: ModelSpec, batch: int = 1, steps: int | None = None) -> torch.Tensor:
    """A zero input of the model's shape (ids for id frontends), used to trace the graph."""
    steps = steps or spec.timesteps or 4
    if spec.takes_ids:
        return torch.zeros(batch, steps, dtype=torch.long)
    if spec.frontend == "cnn":
        return torch.zeros(batch, steps, *spec.frame_shape)
    if spec.architecture == "mlp_window":
        return torch.zeros(batch, spec.timesteps, spec.input_size)
    return torch.zeros(batch, steps, spec.input_size)


class _Exported(nn.Module):
    """The model with its activation and its state as flat tensors."""

    def __init__(self, bundle: Bundle):
        super().__init__()
        self.model = bundle.model.eval()
        self.predictor = bundle.predictor
        self.spec = bundle.spec
        self.n_state = len(state_shapes(bundle.spec)) if bundle.predictor.stateful else 0

    def _nest(self, flat: tuple[torch.Tensor, ...]) -> Any:
        if not flat:
            return None
        if self.spec.cell == "lstm":
            return tuple((flat[i], flat[i + 1]) for i in range(0, len(flat), 2))
        return tuple(flat)

    def forward(self, x: torch.Tensor, *state: torch.Tensor) -> tuple[torch.Tensor, ...]:
        output, new_state = self.model(x, self._nest(state))
        flat: list[torch.Tensor] = []
        for layer in (new_state or ()) if self.n_state else ():
            flat.extend(layer if isinstance(layer, tuple) else (layer,))
        return (activate(self.spec.task, output), *flat[: self.n_state])


def export(bundle: Bundle | str | Path, out: str | Path, *, format: str = "onnx") -> Path:
    """Write the bundle's model to `out` as `format` (``onnx`` or ``torchscript``), all at
    once; returns the path. Batch size and sequence length stay free in the graph."""
    check_choice("format", format, "export", FORMATS)
    out = check_output_path(out, f"{format} file",
                            inputs=(() if isinstance(bundle, Bundle) else (bundle,)))
    _check_extension(out, format)
    bundle = bundle if isinstance(bundle, Bundle) else load(bundle)
    wrapper = _Exported(bundle).eval()
    x = example_input(bundle.spec, batch=2)
    states = tuple(torch.zeros(shape) for shape in state_shapes(bundle.spec, batch=2)
                   [: wrapper.n_state])
    buffer = io.BytesIO()
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporters' own deprecation and tracer notes
        if format == "onnx":
            _onnx(wrapper, x, states, buffer)
        else:
            torch.jit.save(torch.jit.trace(wrapper, (x, *states)), buffer)
    return atomic_write(out, buffer.getvalue())


def _check_extension(out: Path, format: str) -> None:
    """Refuse an `out` whose extension names the other format (``--format torchscript
    --out model.onnx``): a reader would take the file for what its name says. Any other
    name (none, ``.bin`` ...) is the user's choice."""
    suffix = out.suffix.lower()
    for other, extensions in _EXTENSIONS.items():
        if other != format and suffix in extensions:
            own = _EXTENSIONS[format][0]
            raise ValidationError(
                f"The export file {out} ends in {out.suffix}, the extension of "
                f"{'an ONNX' if other == 'onnx' else 'a TorchScript'} file, but the 'format' of export (--format) is {format!r}: name a file "
                f"ending in {own}, or give --format {other}.")


def _onnx(wrapper: nn.Module, x: torch.Tensor, states: tuple[torch.Tensor, ...],
          buffer: io.BytesIO) -> None:
    try:
        import onnx  # noqa: F401  (the exporter needs it)
    except ImportError:
        raise ValidationError("Exporting to ONNX needs the onnx package: pip install "
                              "'seqlab[export]' (or onnx onnxruntime).") from None
    state_in = [f"state_in_{i}" for i in range(len(states))]
    state_out = [f"state_out_{i}" for i in range(len(states))]
    free = {"x": {0: "batch", 1: "steps"}, "y": {0: "batch"},
            **{name: {1: "batch"} for name in state_in + state_out}}
    if wrapper.spec.return_sequences:
        free["y"][1] = "steps"
    torch.onnx.export(wrapper, (x, *states), buffer, input_names=["x", *state_in],
                      output_names=["y", *state_out], dynamic_axes=free,
                      opset_version=ONNX_OPSET, dynamo=False)
