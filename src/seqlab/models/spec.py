"""`ModelSpec`: a recurrent model described as plain data that round-trips through JSON."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

from seqlab._validation import check_choice, check_float, check_int
from seqlab.errors import ValidationError

ARCHITECTURES = ("recurrent", "mlp_window", "encoder_decoder")
CELLS = ("lstm", "gru", "rnn")
TASKS = ("regression", "binary", "multiclass")
FRONTENDS = ("none", "onehot", "embedding", "cnn")
MERGE_MODES = ("concat", "sum", "mul", "ave")
HIDDEN_ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
DENSE_INITS = ("default", "glorot_uniform", "normal")
DROPOUT_MASKS = ("step", "sequence")

SPEC_FORMAT_VERSION = 1


_ADDED_FIELDS = {"dropout_mask": "step"}
"""Fields added after specs were first written, with the defaults `to_dict` leaves out."""

MAX_WIDTH = 2**24
"""The largest size any one field of a spec may name (units, vocabulary, steps …); the
model as a whole is bounded by `seqlab.models.build`'s parameter limit."""


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python number it holds; anything else as it is."""
    return value.item() if type(value).__module__ == "numpy" and hasattr(value, "item") and \
        getattr(value, "ndim", None) == 0 else value


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
        ``recurrent`` (a stack of LSTM/GRU/SimpleRNN layers), ``mlp_window`` (dense
        layers over a flattened window: the baseline the tutorials compare against) or
        ``encoder_decoder`` (the `units` stack reads the input, its last output is
        repeated `output_steps` times and read by the `decoder_units` stack, which
        returns every step to a per-step dense head: the book's chapter 9).
    cell, units:
        Recurrent cell and the width of each stacked layer, e.g. ``[20, 20]``.
    return_sequences:
        Output at every time step (many-to-many) instead of only the last.
    dropout:
        Dropout rate applied between recurrent layers and before the head.
    input_dropout:
        Dropout rate on the frontend's output, before the first recurrent layer (with
        `dropout_mask` ``step``, each input element of each step dropped on its own;
        Keras' LSTM ``dropout`` argument keeps one mask for the whole sequence, as
        ``sequence`` does). On a small text
        corpus it regularises the embedding a model would otherwise memorise.
    dropout_mask:
        How both dropouts draw their masks for sequences: ``step`` (a fresh mask for every
        element of every step, as torch's and Keras' ``Dropout`` layer) or ``sequence``
        (one mask per sequence and feature, shared by all its steps: Keras'
        ``SpatialDropout1D``, the "variational" or "locked" dropout of Gal & Ghahramani
        and AWD-LSTM). ``sequence`` draws a step's worth of random numbers instead of a
        sequence's, which on a CPU makes a character model's training step about a fifth
        faster.
    bidirectional, merge_mode:
        Run each layer in both directions; merge the two with concat/sum/mul/ave.
    go_backwards:
        Read the input sequence in reverse time order.
    frontend, embedding_dim:
        ``none`` (real-valued features), ``onehot`` (ids looked up as one-hot vectors),
        ``embedding`` (a learned ``embedding_dim``-wide lookup) or ``cnn`` (a per-frame
        convolutional feature extractor over video-like input, see `frame_shape`).
    frame_shape, conv_filters, conv_kernel, pool_size:
        For the ``cnn`` frontend: inputs are ``(batch, frames, height, width, channels)``
        with ``frame_shape = [height, width, channels]`` (channels-last, as Keras) and
        ``input_size == channels``. Each frame goes through Conv2D(`conv_filters`,
        `conv_kernel` x `conv_kernel`, relu) -> MaxPool(`pool_size`) -> Flatten, the
        book's ``TimeDistributed`` stack (chapter 8); any number of frames works.
    decoder_units, output_steps:
        For ``encoder_decoder``: the widths of the decoder's recurrent layers and the
        number of output steps (the RepeatVector count).
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
    input_dropout: float = 0.0
    dropout_mask: str = "step"
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
    frame_shape: list[int] | None = None
    conv_filters: int = 2
    conv_kernel: int = 2
    pool_size: int = 2
    decoder_units: list[int] = field(default_factory=list)
    output_steps: int | None = None

    def __post_init__(self) -> None:
        # numpy numbers (a size computed from an array's shape) as Python's: torch's layers
        # refuse np.int64 sizes and json cannot write them.
        for spec_field in dataclasses.fields(self):
            value = getattr(self, spec_field.name)
            if isinstance(value, list):
                setattr(self, spec_field.name, [_plain(v) for v in value])
            else:
                setattr(self, spec_field.name, _plain(value))

    def validate(self) -> ModelSpec:
        """Check every field; raise ValidationError naming the first bad one. Returns self."""
        owner = "ModelSpec"
        check_int("input_size", self.input_size, owner, low=1, high=MAX_WIDTH)
        check_int("output_size", self.output_size, owner, low=1, high=MAX_WIDTH)
        check_choice("task", self.task, owner, TASKS)
        check_choice("architecture", self.architecture, owner, ARCHITECTURES)
        check_choice("cell", self.cell, owner, CELLS)
        check_choice("merge_mode", self.merge_mode, owner, MERGE_MODES)
        check_choice("frontend", self.frontend, owner, FRONTENDS)
        check_choice("hidden_activation", self.hidden_activation, owner, HIDDEN_ACTIVATIONS)
        check_choice("dense_init", self.dense_init, owner, DENSE_INITS)
        check_choice("dropout_mask", self.dropout_mask, owner, DROPOUT_MASKS)
        check_float("dropout", self.dropout, owner, low=0.0, high=0.99)
        check_float("input_dropout", self.input_dropout, owner, low=0.0, high=0.99)
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
            check_int("units", width, owner, low=1, high=MAX_WIDTH)
        if not isinstance(self.hidden, list):
            raise ValidationError(
                f"The 'hidden' parameter of {owner} must be a list of ints (the dense layers' "
                f"widths, e.g. [64]). Got {self.hidden!r} instead."
            )
        for width in self.hidden:
            check_int("hidden", width, owner, low=1, high=MAX_WIDTH)
        if self.frontend == "embedding":
            check_int("embedding_dim", self.embedding_dim, owner, low=1, high=MAX_WIDTH)
        if self.architecture == "mlp_window":
            check_int("timesteps", self.timesteps, owner, low=1, high=MAX_WIDTH)
            if self.frontend != "none":
                raise ValidationError(
                    f"The 'frontend' parameter of {owner} must be 'none' for the mlp_window "
                    f"architecture. Got {self.frontend!r} instead."
                )
            if self.input_dropout:
                raise ValidationError(
                    f"The 'input_dropout' parameter of {owner} must be 0 for the mlp_window "
                    f"architecture (its 'dropout' acts between the dense layers). Got "
                    f"{self.input_dropout!r} instead."
                )
            if self.dropout_mask != "step":
                raise ValidationError(
                    f"The 'dropout_mask' parameter of {owner} must be 'step' for the "
                    f"mlp_window architecture (it has no time steps to share a mask over). "
                    f"Got {self.dropout_mask!r} instead."
                )
        elif self.timesteps is not None:
            check_int("timesteps", self.timesteps, owner, low=1, high=MAX_WIDTH)
        if self.frontend == "cnn":
            self._validate_cnn(owner)
        if self.architecture == "encoder_decoder":
            self._validate_encoder_decoder(owner)
        return self

    def _validate_cnn(self, owner: str) -> None:
        shape = self.frame_shape
        if not isinstance(shape, list) or len(shape) != 3:
            raise ValidationError(
                f"The 'frame_shape' parameter of {owner} must be a list [height, width, "
                f"channels] for the 'cnn' frontend. Got {shape!r} instead."
            )
        for size in shape:
            check_int("frame_shape", size, owner, low=1, high=MAX_WIDTH)
        if self.input_size != shape[2]:
            raise ValidationError(
                f"The 'input_size' parameter of {owner} must equal the channels of "
                f"'frame_shape' ({shape[2]}) for the 'cnn' frontend. Got {self.input_size} "
                "instead."
            )
        check_int("conv_filters", self.conv_filters, owner, low=1, high=MAX_WIDTH)
        check_int("conv_kernel", self.conv_kernel, owner, low=1, high=min(shape[:2]))
        pooled = [(size - self.conv_kernel + 1) for size in shape[:2]]
        check_int("pool_size", self.pool_size, owner, low=1, high=min(pooled))

    def _validate_encoder_decoder(self, owner: str) -> None:
        if not isinstance(self.decoder_units, list) or not self.decoder_units:
            raise ValidationError(
                f"The 'decoder_units' parameter of {owner} must be a non-empty list of ints "
                f"for the encoder_decoder architecture (e.g. [50]). Got {self.decoder_units!r} "
                "instead."
            )
        for width in self.decoder_units:
            check_int("decoder_units", width, owner, low=1, high=MAX_WIDTH)
        check_int("output_steps", self.output_steps, owner, low=1, high=MAX_WIDTH)
        if self.return_sequences:
            raise ValidationError(
                f"The 'return_sequences' parameter of {owner} must be False for the "
                "encoder_decoder architecture: its decoder always returns `output_steps` "
                "steps. Got True instead."
            )

    @property
    def cnn_features(self) -> int:
        """Features per frame after the ``cnn`` frontend's conv, pool and flatten."""
        height, width, _ = self.frame_shape
        pooled_h = (height - self.conv_kernel + 1) // self.pool_size
        pooled_w = (width - self.conv_kernel + 1) // self.pool_size
        return pooled_h * pooled_w * self.conv_filters

    @property
    def takes_ids(self) -> bool:
        """True when inputs are integer symbol ids rather than real-valued features."""
        return self.frontend in ("onehot", "embedding")

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON dict of every field (those added since the first seqlab are left out
        at their defaults, so older seqlab versions still read the spec)."""
        config = dataclasses.asdict(self)
        for name, default in _ADDED_FIELDS.items():
            if config[name] == default:
                del config[name]
        return config

    @classmethod
    def from_dict(cls, config: dict[str, Any]) -> ModelSpec:
        """Rebuild (and validate) a spec from `to_dict` output; unknown keys are an error.

        An optional ``version`` key (`SPEC_FORMAT_VERSION` and older) is accepted, so a spec
        may carry its format; `to_dict` leaves it out while the format is at version 1, which
        keeps spec files readable by every seqlab so far."""
        if not isinstance(config, dict):
            raise ValidationError(
                f"A ModelSpec config must be a dict; got {type(config).__name__}."
            )
        version = config.get("version", SPEC_FORMAT_VERSION)
        if not isinstance(version, int) or isinstance(version, bool) or not (
                1 <= version <= SPEC_FORMAT_VERSION):
            raise ValidationError(
                f"ModelSpec version {version!r} is not one this seqlab reads (1 to "
                f"{SPEC_FORMAT_VERSION}); upgrade seqlab.")
        config = {k: v for k, v in config.items() if k != "version"}
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(config) - known)
        if unknown:
            raise ValidationError(
                f"Unknown ModelSpec field(s) {unknown}. Known fields: {sorted(known)}."
            )
        required = [f.name for f in dataclasses.fields(cls)
                    if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
        missing = [name for name in required if name not in config]
        if missing:
            raise ValidationError(
                f"A ModelSpec config needs the field(s) {missing} (e.g. {{'input_size': 1, "
                f"'output_size': 1, 'units': [32]}}). Got the keys {sorted(config)} instead."
            )
        values = dict(config)
        for key in ("units", "hidden", "frame_shape", "decoder_units"):
            if key in values and isinstance(values[key], tuple):
                values[key] = list(values[key])
        return cls(**values).validate()

    def to_json(self) -> str:
        """The spec as a JSON string."""
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ModelSpec:
        """Rebuild a spec from `to_json` output."""
        if not isinstance(text, (str, bytes, bytearray)):
            raise ValidationError(f"ModelSpec.from_json reads a JSON text; got "
                                  f"{type(text).__name__}.")
        try:
            config = json.loads(text)
        except ValueError as error:
            raise ValidationError(f"ModelSpec.from_json could not read the text as JSON: "
                                  f"{error}.") from None
        return cls.from_dict(config)

    def replace(self, **changes: Any) -> ModelSpec:
        """A copy with some fields changed (validated)."""
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValidationError(f"Unknown ModelSpec field(s) {unknown}. Known fields: "
                                  f"{sorted(known)}.")
        return dataclasses.replace(self, **changes).validate()
