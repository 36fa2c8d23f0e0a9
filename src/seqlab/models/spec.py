"""`ModelSpec`: a recurrent model described as plain data that round-trips through JSON."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

from seqlab._validation import check_choice, check_float, check_int
from seqlab.errors import ValidationError

ARCHITECTURES = ("recurrent", "mlp_window")
CELLS = ("lstm", "gru", "rnn")
TASKS = ("regression", "binary", "multiclass")
FRONTENDS = ("none", "onehot", "embedding")
MERGE_MODES = ("concat", "sum", "mul", "ave")
HIDDEN_ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
DENSE_INITS = ("default", "glorot_uniform", "normal")

SPEC_FORMAT_VERSION = 1


@dataclass
class ModelSpec:
    """Everything needed to build a model, as JSON-plain values.

    Parameters
    ----------
    input_size:
        Features per time step; for the ``onehot`` and ``embedding`` frontends, the
        vocabulary size (inputs are then integer ids of shape ``(batch, timesteps)``).
    output_size:
        Width of the dense head: classes for ``multiclass``, values per step otherwise.
    task:
        ``regression``, ``binary`` or ``multiclass``. It implies the head's activation
        (identity, sigmoid, softmax), the default loss and the default metrics.
    architecture:
        ``recurrent`` (a stack of LSTM/GRU/SimpleRNN layers) or ``mlp_window`` (dense
        layers over a flattened window: the baseline the tutorials compare against).
    cell, units:
        Recurrent cell and the width of each stacked layer, e.g. ``[20, 20]``.
    return_sequences:
        Output at every time step (many-to-many) instead of only the last.
    dropout:
        Dropout rate applied between recurrent layers and before the head.
    bidirectional, merge_mode:
        Run each layer in both directions; merge the two with concat/sum/mul/ave.
    go_backwards:
        Read the input sequence in reverse time order.
    frontend, embedding_dim:
        ``none`` (real-valued features), ``onehot`` (ids looked up as one-hot vectors)
        or ``embedding`` (a learned ``embedding_dim``-wide lookup).
    timesteps:
        Window length; required by ``mlp_window``, informative for recurrent models.
    hidden, hidden_activation:
        Widths and activation of the dense layers of ``mlp_window``.
    keras_init, dense_init:
        Initialise like Keras (glorot-uniform input kernels, orthogonal recurrent kernels,
        zero biases with forget-gate bias 1) so documents' results can be tracked;
        ``dense_init`` picks the hidden dense kernels' initialiser (Keras' 'normal' is
        N(0, 0.05)).
    """

    input_size: int
    output_size: int
    task: str = "regression"
    architecture: str = "recurrent"
    cell: str = "lstm"
    units: list[int] = field(default_factory=lambda: [32])
    return_sequences: bool = False
    dropout: float = 0.0
    bidirectional: bool = False
    merge_mode: str = "concat"
    go_backwards: bool = False
    frontend: str = "none"
    embedding_dim: int | None = None
    timesteps: int | None = None
    hidden: list[int] = field(default_factory=list)
    hidden_activation: str = "relu"
    keras_init: bool = False
    dense_init: str = "default"

    def validate(self) -> ModelSpec:
        """Check every field; raise ValidationError naming the first bad one. Returns self."""
        owner = "ModelSpec"
        check_int("input_size", self.input_size, owner, low=1)
        check_int("output_size", self.output_size, owner, low=1)
        check_choice("task", self.task, owner, TASKS)
        check_choice("architecture", self.architecture, owner, ARCHITECTURES)
        check_choice("cell", self.cell, owner, CELLS)
        check_choice("merge_mode", self.merge_mode, owner, MERGE_MODES)
        check_choice("frontend", self.frontend, owner, FRONTENDS)
        check_choice("hidden_activation", self.hidden_activation, owner, HIDDEN_ACTIVATIONS)
        check_choice("dense_init", self.dense_init, owner, DENSE_INITS)
        check_float("dropout", self.dropout, owner, low=0.0, high=0.99)
        for name in ("return_sequences", "bidirectional", "go_backwards", "keras_init"):
            if not isinstance(getattr(self, name), bool):
                raise ValidationError(
                    f"The {name!r} parameter of {owner} must be a bool. "
                    f"Got {getattr(self, name)!r} instead."
                )
        if not isinstance(self.units, list) or (
            self.architecture == "recurrent" and not self.units
        ):
            raise ValidationError(
                f"The 'units' parameter of {owner} must be a non-empty list of ints, one per "
                f"recurrent layer (e.g. [32] or [20, 20]). Got {self.units!r} instead."
            )
        for width in self.units:
            check_int("units", width, owner, low=1)
        for width in self.hidden:
            check_int("hidden", width, owner, low=1)
        if self.frontend == "embedding":
            check_int("embedding_dim", self.embedding_dim, owner, low=1)
        if self.architecture == "mlp_window":
            check_int("timesteps", self.timesteps, owner, low=1)
            if self.frontend != "none":
                raise ValidationError(
                    f"The 'frontend' parameter of {owner} must be 'none' for the mlp_window "
                    f"architecture. Got {self.frontend!r} instead."
                )
        elif self.timesteps is not None:
            check_int("timesteps", self.timesteps, owner, low=1)
        return self

    @property
    def takes_ids(self) -> bool:
        """True when inputs are integer symbol ids rather than real-valued features."""
        return self.frontend in ("onehot", "embedding")

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON dict of every field."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, config: dict[str, Any]) -> ModelSpec:
        """Rebuild (and validate) a spec from `to_dict` output; unknown keys are an error."""
        if not isinstance(config, dict):
            raise ValidationError(
                f"A ModelSpec config must be a dict; got {type(config).__name__}."
            )
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(config) - known)
        if unknown:
            raise ValidationError(
                f"Unknown ModelSpec field(s) {unknown}. Known fields: {sorted(known)}."
            )
        values = dict(config)
        for key in ("units", "hidden"):
            if key in values and isinstance(values[key], tuple):
                values[key] = list(values[key])
        return cls(**values).validate()

    def to_json(self) -> str:
        """The spec as a JSON string."""
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ModelSpec:
        """Rebuild a spec from `to_json` output."""
        return cls.from_dict(json.loads(text))

    def replace(self, **changes: Any) -> ModelSpec:
        """A copy with some fields changed (validated)."""
        return dataclasses.replace(self, **changes).validate()
