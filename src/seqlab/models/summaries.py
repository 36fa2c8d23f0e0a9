"""`summary()`: layers, output shapes and parameter counts, torch's or Keras'."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from torch import nn

from seqlab.errors import ValidationError
from seqlab.models.layers import GATES, merged_width
from seqlab.models.spec import ModelSpec

HEAD_ACTIVATION = {"regression": "linear", "binary": "sigmoid", "multiclass": "softmax"}


@dataclass
class LayerRow:
    """One line of a summary."""

    name: str
    output_shape: tuple
    params: int


@dataclass
class ModelSummary:
    """What `summary` reports; ``str()`` renders the table."""

    rows: list[LayerRow] = field(default_factory=list)
    keras_count: bool = False
    other_total: int | None = None
    """The total counted the other way (Keras' one bias per gate, or torch's two), when it
    differs: the book's totals and torch's can then be read side by side."""

    @property
    def total_params(self) -> int:
        """Sum of the rows' parameter counts."""
        return sum(row.params for row in self.rows)

    def __str__(self) -> str:
        shapes = [_shape_text(row.output_shape) for row in self.rows]
        width_name = max([len("Layer")] + [len(row.name) for row in self.rows])
        width_shape = max([len("Output shape")] + [len(s) for s in shapes])
        rule = "-" * (width_name + width_shape + 16)
        lines = [rule, f"{'Layer':<{width_name}}  {'Output shape':<{width_shape}}  {'Params':>10}"]
        lines.append(rule)
        for row, shape in zip(self.rows, shapes, strict=True):
            lines.append(f"{row.name:<{width_name}}  {shape:<{width_shape}}  {row.params:>10,}")
        lines.append(rule)
        convention = "Keras convention: one bias per gate" if self.keras_count else "torch"
        total = f"Total params: {self.total_params:,} ({convention})"
        if self.other_total is not None and self.other_total != self.total_params:
            other = "torch" if self.keras_count else "Keras convention: one bias per gate"
            total += f"; {self.other_total:,} ({other})"
        lines.append(total)
        return "\n".join(lines)


def summary(
    model: nn.Module | ModelSpec,
    *,
    keras_count: bool = False,
    print_fn: Callable[[str], None] | None = print,
) -> ModelSummary:
    """Print and return the layers, output shapes and parameter counts of a model.

    With ``keras_count=True`` recurrent layers are counted with one bias vector per
    gate, as Keras does (torch keeps two), so the book's totals can be checked. A
    user's own module without a ``spec`` is summarised by its direct children.
    """
    if not isinstance(model, (nn.Module, ModelSpec)):
        raise ValidationError(f"summary takes a model (a torch nn.Module) or a ModelSpec; got "
                              f"{type(model).__name__}.")
    if print_fn is not None and not callable(print_fn):
        raise ValidationError(f"The 'print_fn' parameter of summary must be a function taking "
                              f"a line (print, say) or None; got {print_fn!r:.60}.")
    spec = model if isinstance(model, ModelSpec) else getattr(model, "spec", None)
    if spec is None:
        rows = [
            LayerRow(f"{name} ({type(child).__name__})", (), _count(child))
            for name, child in model.named_children()
        ]
    elif spec.architecture == "mlp_window":
        rows = _mlp_rows(spec)
    else:
        rows = _recurrent_rows(spec, keras_count)
    other = None
    if spec is not None and spec.architecture != "mlp_window":
        other = sum(row.params for row in _recurrent_rows(spec, not keras_count))
    result = ModelSummary(rows, keras_count, other)
    if print_fn is not None:
        print_fn(str(result))
    return result


def recurrent_params(cell: str, input_size: int, units: int, keras_count: bool = False) -> int:
    """Parameters of one direction of one recurrent layer."""
    gates = GATES[cell]
    biases = 1 if keras_count else 2
    return gates * units * (input_size + units) + biases * gates * units


def _recurrent_rows(spec: ModelSpec, keras_count: bool) -> list[LayerRow]:
    steps = spec.timesteps
    rows = []
    width = spec.input_size
    if spec.frontend == "embedding":
        rows.append(
            LayerRow(
                "Embedding", (None, steps, spec.embedding_dim), spec.input_size * spec.embedding_dim
            )
        )
        width = spec.embedding_dim
    elif spec.frontend == "onehot":
        rows.append(LayerRow("OneHot (lookup)", (None, steps, spec.input_size), 0))
    elif spec.frontend == "cnn":
        rows += _cnn_rows(spec)
        width = spec.cnn_features
    dropout = _dropout_name(spec)
    if spec.input_dropout > 0:
        rows.append(LayerRow(f"{dropout}({spec.input_dropout})", (None, steps, width), 0))
    directions = 2 if spec.bidirectional else 1
    for index, units in enumerate(spec.units):
        last = index == len(spec.units) - 1
        out_width = merged_width(units, spec)
        shape = (
            (None, out_width) if last and not spec.return_sequences else (None, steps, out_width)
        )
        name = f"{spec.cell.upper() if spec.cell != 'rnn' else 'SimpleRNN'}({units})"
        if spec.bidirectional:
            name = f"Bidirectional({name}, {spec.merge_mode})"
        params = directions * recurrent_params(spec.cell, width, units, keras_count)
        rows.append(LayerRow(name, shape, params))
        width = out_width
    if spec.dropout > 0:
        rows.append(LayerRow(f"{dropout}({spec.dropout})", rows[-1].output_shape, 0))
    if spec.architecture == "encoder_decoder":
        rows += _decoder_rows(spec, width, keras_count)
        width = spec.decoder_units[-1]
        steps = spec.output_steps
    head = f"Dense({spec.output_size}, {HEAD_ACTIVATION[spec.task]})"
    if spec.return_sequences or spec.architecture == "encoder_decoder":
        head = f"TimeDistributed({head})"
        shape = (None, steps, spec.output_size)
    else:
        shape = (None, spec.output_size)
    rows.append(LayerRow(head, shape, width * spec.output_size + spec.output_size))
    return rows


def _cnn_rows(spec: ModelSpec) -> list[LayerRow]:
    height, width, channels = spec.frame_shape
    kernel, filters, pool = spec.conv_kernel, spec.conv_filters, spec.pool_size
    conv_h, conv_w = height - kernel + 1, width - kernel + 1
    conv_params = filters * (kernel * kernel * channels) + filters
    return [
        LayerRow(f"TimeDistributed(Conv2D({filters}, ({kernel},{kernel}), relu))",
                 (None, None, conv_h, conv_w, filters), conv_params),
        LayerRow(f"TimeDistributed(MaxPooling2D({pool}))",
                 (None, None, conv_h // pool, conv_w // pool, filters), 0),
        LayerRow("TimeDistributed(Flatten)", (None, None, spec.cnn_features), 0),
    ]


def _decoder_rows(spec: ModelSpec, width: int, keras_count: bool) -> list[LayerRow]:
    steps = spec.output_steps
    rows = [LayerRow(f"RepeatVector({steps})", (None, steps, width), 0)]
    name = spec.cell.upper() if spec.cell != "rnn" else "SimpleRNN"
    for units in spec.decoder_units:
        params = recurrent_params(spec.cell, width, units, keras_count)
        rows.append(LayerRow(f"{name}({units}, return_sequences)", (None, steps, units), params))
        width = units
    if spec.dropout > 0:
        rows.append(LayerRow(f"{_dropout_name(spec)}({spec.dropout})", rows[-1].output_shape,
                             0))
    return rows


def _dropout_name(spec: ModelSpec) -> str:
    """The Keras layer that drops as the spec's dropout does."""
    return "SpatialDropout1D" if spec.dropout_mask == "sequence" else "Dropout"


def _mlp_rows(spec: ModelSpec) -> list[LayerRow]:
    width = spec.timesteps * spec.input_size
    rows = [LayerRow("Flatten", (None, width), 0)]
    for units in spec.hidden:
        rows.append(
            LayerRow(
                f"Dense({units}, {spec.hidden_activation})", (None, units), width * units + units
            )
        )
        width = units
    rows.append(
        LayerRow(
            f"Dense({spec.output_size}, {HEAD_ACTIVATION[spec.task]})",
            (None, spec.output_size),
            width * spec.output_size + spec.output_size,
        )
    )
    return rows


def _count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def _shape_text(shape: tuple) -> str:
    return "(" + ", ".join("None" if s is None else str(s) for s in shape) + ")" if shape else "-"
