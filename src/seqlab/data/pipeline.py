"""`Pipeline`: the preprocessing of a model as serialisable steps that travel with it.

A pipeline turns raw data into model inputs (scale, encode, window or pad, reshape)
and turns model outputs back into raw terms (unscale, decode). Every step saves to
plain JSON and is rebuilt only from :data:`STEP_TYPES`, seqlab's own registry of step
types, so a saved pipeline never names code.

Three input modes, set by the framing step the pipeline holds:

- ``series`` (a :class:`WindowStep`): one time series ``(n,)`` or ``(n, features)`` (or a
  sequence of symbols after an :class:`EncodeStep`); inputs are its ``n_in`` windows.
- ``sequences`` (a :class:`PadStep`): a list of variable-length sequences, padded to one length.
- ``samples`` (neither): an array of samples, passed through the value steps as it is.

Value steps (:class:`ScaleStep`, :class:`EncodeStep`) come before the framing step;
:class:`LabelStep` works on the targets (class labels) only.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from seqlab._validation import check_choice, check_int
from seqlab.data.encoding import Vocabulary
from seqlab.data.framing import windows
from seqlab.data.padding import pad_sequences
from seqlab.data.scaling import MinMaxScaler, StandardScaler, _check_feature_range
from seqlab.errors import NotFittedError, UnknownNameError, ValidationError

__all__ = [
    "Pipeline",
    "Step",
    "ScaleStep",
    "EncodeStep",
    "WindowStep",
    "PadStep",
    "LabelStep",
    "STEP_TYPES",
]

PIPELINE_FORMAT_VERSION = 1
_SCALERS = {"minmax": MinMaxScaler, "standard": StandardScaler}


def _check_keys(owner: str, data: Any, allowed: tuple[str, ...]) -> dict[str, Any]:
    """Return `data` when it is a dict whose keys are all in `allowed`, else raise."""
    if not isinstance(data, dict):
        raise ValidationError(f"{owner} expects a dict; got {type(data).__name__} ({data!r}).")
    unknown = sorted(str(k) for k in set(data) - set(allowed))
    if unknown:
        raise ValidationError(
            f"{owner} got unknown key(s) {unknown}; allowed keys are {sorted(allowed)}."
        )
    return data


def _is_symbol_sequence(item: Any) -> bool:
    return isinstance(item, str) or (
        isinstance(item, (list, tuple)) and all(isinstance(s, (str, int)) for s in item)
    )


class Step:
    """Base class of pipeline steps: parameters in ``__init__``, fitted state ending in ``_``.

    Subclasses set ``type_name`` (their key in :data:`STEP_TYPES`) and ``params``.
    """

    type_name: ClassVar[str] = ""
    params: ClassVar[tuple[str, ...]] = ()
    frames: ClassVar[bool] = False

    def get_config(self) -> dict[str, Any]:
        """The constructor parameters as JSON-plain values."""
        return {name: getattr(self, name) for name in self.params}

    def get_state(self) -> dict[str, Any] | None:
        """The fitted state as JSON-plain values (None when unfitted or stateless)."""
        return None

    def set_state(self, state: dict[str, Any]) -> None:
        """Restore the fitted state from :meth:`get_state` output."""

    def is_fitted(self) -> bool:
        """True when the step can transform (stateless steps always can)."""
        return True

    def _check_fitted(self, method: str) -> None:
        if not self.is_fitted():
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet. Call Pipeline.fit with the "
                f"training data before '{method}'."
            )

    def to_dict(self) -> dict[str, Any]:
        """``{"type": ..., "config": ..., "state": ...}``, all JSON-plain."""
        return {"type": self.type_name, "config": self.get_config(), "state": self.get_state()}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class ScaleStep(Step):
    """Scale values per feature: ``method='minmax'`` (to `feature_range`) or ``'standard'``.

    With ``targets=True`` (the default) model outputs are in the same units as the inputs
    and are unscaled on the way out (forecasting a series); ``False`` leaves outputs alone.
    """

    type_name = "scale"
    params = ("method", "feature_range", "targets")

    def __init__(self, method: str = "minmax", feature_range: Any = (0, 1), targets: bool = True):
        self.method = check_choice("method", method, "ScaleStep", tuple(_SCALERS))
        if feature_range is None and self.method == "standard":
            self.feature_range = None  # standardising has no range (bundles so written)
        else:
            lo, hi = _check_feature_range(feature_range, "ScaleStep")
            self.feature_range = [lo, hi]
        if not isinstance(targets, bool):
            raise ValidationError(
                f"The 'targets' parameter of ScaleStep must be a bool. Got {targets!r} instead."
            )
        self.targets = targets
        self.scaler_: MinMaxScaler | StandardScaler | None = None

    def _new_scaler(self) -> MinMaxScaler | StandardScaler:
        if self.method == "minmax":
            return MinMaxScaler(tuple(self.feature_range))
        return StandardScaler()

    def is_fitted(self) -> bool:
        """True after `fit`."""
        return self.scaler_ is not None

    def fit(self, values: np.ndarray) -> ScaleStep:
        """Learn the per-feature statistics of `values` (features on the last axis)."""
        self.scaler_ = self._new_scaler().fit(np.asarray(values, dtype=np.float64))
        return self

    def transform(self, values: Any) -> np.ndarray:
        """Scaled `values` as float32 (same shape); values beyond float32 become infinite,
        for the caller to refuse with a message about its own data."""
        self._check_fitted("transform")
        scaled = self.scaler_.transform(np.asarray(values, dtype=np.float64))
        with np.errstate(over="ignore"):
            return scaled.astype(np.float32)

    def inverse_transform(self, values: Any) -> np.ndarray:
        """`values` mapped back to the original units (float64); trailing axes of any width
        that is a multiple of the fitted features are accepted (``n_out`` forecasts)."""
        self._check_fitted("inverse_transform")
        arr = np.asarray(values, dtype=np.float64)
        width = self.scaler_.n_features_in_
        if arr.size % width:
            raise ValidationError(
                f"ScaleStep.inverse_transform got {arr.size} values (shape {arr.shape}), not a "
                f"multiple of the {width} feature(s) it was fitted on."
            )
        return self.scaler_.inverse_transform(arr.reshape(-1, width)).reshape(arr.shape)

    def get_state(self) -> dict[str, Any] | None:
        """The fitted scaler's `to_dict` output."""
        return None if self.scaler_ is None else self.scaler_.to_dict()

    def set_state(self, state: dict[str, Any]) -> None:
        """Rebuild the fitted scaler, checking its statistics are consistent and finite."""
        scaler_class = _SCALERS[self.method]
        scaler = scaler_class.from_dict(state)
        attrs = scaler_class.fitted_attributes
        if not all(hasattr(scaler, a) for a in attrs):
            raise ValidationError("ScaleStep state has no fitted statistics.")
        width = scaler.n_features_in_
        for a in attrs:
            arr = getattr(scaler, a)
            if arr.shape != (width,) or not np.isfinite(arr).all():
                raise ValidationError(
                    f"ScaleStep state: {a} must be {width} finite number(s); got {arr.tolist()}."
                )
        if np.any(scaler.scale_ == 0):
            raise ValidationError("ScaleStep state: scale_ must not contain zeros.")
        self.scaler_ = scaler


class EncodeStep(Step):
    """Map symbols (characters, words) to integer ids with a :class:`Vocabulary` fitted on
    the training data; `unknown` (a symbol added to the vocabulary) absorbs unseen ones."""

    type_name = "encode"
    params = ("unknown",)

    def __init__(self, unknown: str | int | None = None):
        self.unknown = unknown
        self.vocabulary_: Vocabulary | None = None

    def is_fitted(self) -> bool:
        """True after `fit`."""
        return self.vocabulary_ is not None

    def fit(self, sequences: list[Any]) -> EncodeStep:
        """Collect the distinct symbols of every sequence of `sequences` (sorted)."""
        symbols = [s for seq in sequences for s in seq]
        self.vocabulary_ = Vocabulary.from_corpus(symbols, unknown=self.unknown)
        return self

    def transform(self, sequence: Any) -> np.ndarray:
        """The ids of one sequence of symbols (1-D int64)."""
        self._check_fitted("transform")
        return self.vocabulary_.encode(sequence)

    def inverse_transform(self, ids: Any) -> np.ndarray:
        """The symbols of integer `ids` of any shape (an object array)."""
        self._check_fitted("inverse_transform")
        arr = np.asarray(ids)
        out = np.empty(arr.shape, dtype=object)
        out.reshape(-1)[:] = self.vocabulary_.decode(arr.reshape(-1).astype(np.int64))
        return out

    def get_state(self) -> dict[str, Any] | None:
        """The vocabulary's `to_dict` output."""
        return None if self.vocabulary_ is None else self.vocabulary_.to_dict()

    def set_state(self, state: dict[str, Any]) -> None:
        """Rebuild the vocabulary."""
        _check_keys("EncodeStep state", state, ("type", "symbols", "unknown"))
        self.vocabulary_ = Vocabulary.from_dict(state)


class LabelStep(EncodeStep):
    """Map class labels (targets) to class ids and predicted ids back to labels."""

    type_name = "labels"

    def fit(self, labels: Any) -> LabelStep:
        """Collect the distinct labels (sorted)."""
        values = [s.item() if isinstance(s, np.generic) else s for s in np.asarray(labels).ravel()]
        self.vocabulary_ = Vocabulary.from_corpus(values, unknown=self.unknown)
        return self

    def transform(self, labels: Any) -> np.ndarray:
        """Class ids of `labels` (same shape, int64)."""
        self._check_fitted("transform")
        arr = np.asarray(labels)
        values = [s.item() if isinstance(s, np.generic) else s for s in arr.ravel()]
        return self.vocabulary_.encode(values).reshape(arr.shape)


class WindowStep(Step):
    """Frame one series as windows of `n_in` steps, each followed by `n_out` targets.

    ``as_features=True`` puts a whole window into the features of a single time step.
    """

    type_name = "window"
    params = ("n_in", "n_out", "as_features")
    frames = True

    def __init__(self, n_in: int, n_out: int = 1, as_features: bool = False):
        self.n_in = check_int("n_in", n_in, "WindowStep", low=1)
        self.n_out = check_int("n_out", n_out, "WindowStep", low=1)
        if not isinstance(as_features, bool):
            raise ValidationError(
                f"The 'as_features' parameter of WindowStep must be a bool. Got "
                f"{as_features!r} instead."
            )
        self.as_features = as_features

    def frame(self, series: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Input windows and the `n_out` values after each (copies, writable)."""
        x, y = windows(series, self.n_in, self.n_out, as_features=self.as_features)
        return np.array(x), np.array(y)

    def inputs(self, series: np.ndarray) -> np.ndarray:
        """Every input window of `series`, the last one (which has no target yet) included.

        Row ``i`` covers ``series[i : i + n_in]`` and forecasts the values from ``i + n_in``.
        """
        arr = np.asarray(series)
        if len(arr) < self.n_in:
            raise ValidationError(
                f"WindowStep needs at least n_in={self.n_in} time steps to form one input "
                f"window; the series has {len(arr)}."
            )
        s2 = arr[:, None] if arr.ndim == 1 else arr
        x = sliding_window_view(s2, self.n_in, axis=0).transpose(0, 2, 1)
        if self.as_features:
            x = x.reshape(len(x), 1, -1)
        return np.array(x)


class PadStep(Step):
    """Pad or truncate variable-length sequences to `maxlen` (learned in `fit` when None)."""

    type_name = "pad"
    params = ("maxlen", "padding", "truncating", "value")
    frames = True

    def __init__(
        self, maxlen: int | None = None, padding: str = "pre", truncating: str = "pre",
        value: float = 0,
    ):
        if maxlen is not None:
            check_int("maxlen", maxlen, "PadStep", low=1)
        self.maxlen = maxlen
        self.padding = check_choice("padding", padding, "PadStep", ("pre", "post"))
        self.truncating = check_choice("truncating", truncating, "PadStep", ("pre", "post"))
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ValidationError(
                f"The 'value' parameter of PadStep must be a number. Got {value!r} instead."
            )
        self.value = value
        self.maxlen_: int | None = maxlen

    def is_fitted(self) -> bool:
        """True once the length is known."""
        return self.maxlen_ is not None

    def fit(self, sequences: list[np.ndarray]) -> PadStep:
        """Learn the length of the longest sequence (unless `maxlen` was given)."""
        if self.maxlen is None:
            self.maxlen_ = max((len(s) for s in sequences), default=1) or 1
        return self

    def transform(self, sequences: list[np.ndarray]) -> np.ndarray:
        """One array (n, maxlen[, features]): int64 for ids, float32 for values."""
        self._check_fitted("transform")
        ints = all(np.asarray(s).dtype.kind in "iub" or len(s) == 0 for s in sequences)
        dtype = "int64" if ints else "float32"
        return pad_sequences(sequences, self.maxlen_, padding=self.padding,
                             truncating=self.truncating, value=self.value, dtype=dtype)

    def get_state(self) -> dict[str, Any] | None:
        """The learned length."""
        return None if self.maxlen_ is None else {"maxlen_": self.maxlen_}

    def set_state(self, state: dict[str, Any]) -> None:
        """Restore the learned length."""
        _check_keys("PadStep state", state, ("maxlen_",))
        self.maxlen_ = check_int("maxlen_", state.get("maxlen_"), "PadStep state", low=1)


STEP_TYPES: dict[str, type[Step]] = {
    step.type_name: step for step in (ScaleStep, EncodeStep, WindowStep, PadStep, LabelStep)
}
"""The only step types a saved pipeline can name."""


def step_from_dict(data: Any) -> Step:
    """Rebuild one step from :meth:`Step.to_dict` output, resolving its type in
    :data:`STEP_TYPES` only; anything else (unknown types, extra keys) is refused."""
    _check_keys("A pipeline step", data, ("type", "config", "state"))
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in STEP_TYPES:
        raise UnknownNameError("pipeline step type", kind, STEP_TYPES)
    step_class = STEP_TYPES[kind]
    config = _check_keys(f"The config of step {kind!r}", data.get("config", {}),
                         step_class.params)
    for key, value in config.items():
        plain = value is None or isinstance(value, (str, int, float, bool)) or (
            isinstance(value, list) and all(isinstance(v, (int, float)) for v in value))
        if not plain:
            raise ValidationError(
                f"The {key!r} parameter of step {kind!r} must be a plain JSON value (number, "
                f"string, bool, null or list of numbers). Got {value!r} instead."
            )
    try:
        step = step_class(**config)
    except TypeError as error:
        raise ValidationError(f"Step {kind!r} cannot be built from {config!r}: {error}") from None
    if data.get("state") is not None:
        step.set_state(data["state"])
    return step


class Pipeline:
    """An ordered list of preprocessing steps with fit / transform / inverse and JSON form.

    Parameters
    ----------
    steps:
        Value steps (scale, encode) first, then at most one framing step (window or pad);
        a label step (for class-label targets) may stand anywhere.
    columns:
        For tabular input (CSV, JSON lines): the column(s) the model reads, in order.

    Example: ``Pipeline([ScaleStep("minmax"), WindowStep(n_in=3, n_out=1)])`` forecasts one
    value from the three before it, in the series' original units.
    """

    def __init__(self, steps: list[Step] | tuple[Step, ...] = (), columns: list[str] | None = None):
        steps = list(steps)
        for i, step in enumerate(steps):
            if not isinstance(step, Step):
                raise ValidationError(
                    f"Pipeline step {i} must be a Step ({', '.join(STEP_TYPES)}); got "
                    f"{step!r} of type {type(step).__name__}."
                )
        framing = [i for i, s in enumerate(steps) if s.frames]
        if len(framing) > 1:
            raise ValidationError(
                f"A Pipeline holds at most one framing step (window or pad); got "
                f"{[steps[i].type_name for i in framing]}."
            )
        values = [i for i, s in enumerate(steps) if isinstance(s, (ScaleStep, EncodeStep))
                  and not isinstance(s, LabelStep)]
        if framing and any(i > framing[0] for i in values):
            raise ValidationError(
                "Pipeline value steps (scale, encode) must come before the framing step "
                f"({steps[framing[0]].type_name}); got order {[s.type_name for s in steps]}."
            )
        if len([s for s in steps if isinstance(s, LabelStep)]) > 1:
            raise ValidationError("A Pipeline holds at most one labels step.")
        if columns is not None and (not isinstance(columns, list) or not columns or not all(
                isinstance(c, str) for c in columns)):
            raise ValidationError(
                f"The 'columns' parameter of Pipeline must be a non-empty list of column "
                f"names. Got {columns!r} instead."
            )
        if columns is not None and len(set(columns)) < len(columns):  # read twice: one lost
            twice = next(c for c in columns if columns.count(c) > 1)
            raise ValidationError(
                f"The 'columns' parameter of Pipeline names {twice!r} twice; name each column "
                f"the model reads once. Got {columns!r} instead."
            )
        self.steps = steps
        self.columns = columns

    # ------------------------------------------------------------------ structure
    @property
    def mode(self) -> str:
        """``series`` (window step), ``sequences`` (pad step) or ``samples``."""
        for step in self.steps:
            if isinstance(step, WindowStep):
                return "series"
            if isinstance(step, PadStep):
                return "sequences"
        return "samples"

    def _find(self, kind: type[Step]) -> Step | None:
        return next((s for s in self.steps if type(s) is kind), None)

    @property
    def window(self) -> WindowStep | None:
        """The window step, if any."""
        return self._find(WindowStep)

    @property
    def labels(self) -> LabelStep | None:
        """The label step, if any."""
        return self._find(LabelStep)

    @property
    def encoder(self) -> EncodeStep | None:
        """The encode step (symbols of the inputs), if any."""
        return self._find(EncodeStep)

    def _value_steps(self) -> list[Step]:
        return [s for s in self.steps if isinstance(s, (ScaleStep, EncodeStep))
                and not isinstance(s, LabelStep)]

    # ------------------------------------------------------------------- helpers
    def _sequences(self, data: Any) -> list[Any]:
        """The input as a list of sequences (one for series/samples mode)."""
        if self.mode == "sequences":
            if isinstance(data, (str, bytes)) or not hasattr(data, "__iter__"):
                raise ValidationError(
                    f"A Pipeline with a pad step transforms a list of sequences; got {data!r}."
                )
            return [s if _is_symbol_sequence(s) else np.asarray(s) for s in data]
        if self.encoder is not None:
            if not _is_symbol_sequence(data) and not isinstance(data, np.ndarray):
                raise ValidationError(
                    f"A Pipeline with an encode step transforms a sequence of symbols (a "
                    f"string or list); got {type(data).__name__}."
                )
            return [data if isinstance(data, str) else list(np.asarray(data).tolist())]
        arr = np.asarray(data)
        if arr.dtype.kind not in "biuf":
            raise ValidationError(
                f"Pipeline input must hold numbers (or symbols with an encode step); got "
                f"dtype {arr.dtype}."
            )
        return [arr]

    def _apply_values(self, sequences: list[Any], fit: bool) -> list[np.ndarray]:
        for step in self._value_steps():
            if fit:
                if isinstance(step, ScaleStep):
                    step.fit(np.concatenate([np.asarray(s, dtype=np.float64).reshape(
                        len(s), -1) for s in sequences]) if self.mode == "sequences"
                        else sequences[0])
                else:
                    step.fit(sequences)
            sequences = [step.transform(s) for s in sequences]
        return [np.asarray(s) for s in sequences]

    @staticmethod
    def _shape_inputs(x: np.ndarray) -> np.ndarray:
        # Real values get a feature axis; integer ids stay (batch, timesteps).
        if x.dtype.kind == "f" and x.ndim == 2:
            return x[:, :, None].astype(np.float32)
        if x.dtype.kind in "iu" and x.ndim == 3 and x.shape[-1] == 1:
            return x[:, :, 0].astype(np.int64)
        return x.astype(np.float32) if x.dtype.kind == "f" else x.astype(np.int64)

    # ------------------------------------------------------------------------ API
    def fit(self, x: Any, y: Any = None) -> Pipeline:
        """Fit every step on training data `x` (and the label step on targets `y`)."""
        raw = self._sequences(x)
        if self.columns is not None and self.mode != "sequences" and self.encoder is None:
            features = 1 if raw[0].ndim < 2 else raw[0].shape[-1]
            if features != len(self.columns):
                raise ValidationError(
                    f"The 'columns' parameter of Pipeline names {len(self.columns)} column(s) "
                    f"{self.columns} but the data have {features} feature(s); name one "
                    f"column per feature.")
        sequences = self._apply_values(raw, fit=True)
        pad = self._find(PadStep)
        if pad is not None:
            pad.fit(sequences)
        if self.labels is not None:
            if y is None:
                raise ValidationError("Pipeline.fit needs the targets `y` to fit its labels step.")
            self.labels.fit(y)
        return self

    def transform(self, x: Any) -> np.ndarray:
        """Model inputs for raw `x`: every window of a series (the last, target-less one
        included), the padded sequences, or the samples, scaled/encoded and shaped."""
        sequences = self._apply_values(self._sequences(x), fit=False)
        if self.mode == "series":
            return self._shape_inputs(self.window.inputs(sequences[0]))
        if self.mode == "sequences":
            return self._shape_inputs(self._find(PadStep).transform(sequences))
        return self._shape_inputs(sequences[0])

    def frame(self, x: Any, y: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """Training pairs ``(X, Y)`` from raw data: the windows of a series and the values
        after each, or the padded sequences / samples and their encoded targets `y`."""
        sequences = self._apply_values(self._sequences(x), fit=False)
        if self.mode == "series":
            xs, ys = self.window.frame(sequences[0])
            if ys.dtype.kind in "iu" and self.window.n_out == 1 and ys.ndim == 2:
                ys = ys[:, 0]
            return self._shape_inputs(xs), ys
        if y is None:
            raise ValidationError(f"Pipeline.frame in {self.mode!r} mode needs the targets `y`.")
        inputs = (self._find(PadStep).transform(sequences) if self.mode == "sequences"
                  else sequences[0])
        return self._shape_inputs(inputs), self.transform_targets(y)

    def fit_frame(self, x: Any, y: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`fit`, then :meth:`frame`."""
        return self.fit(x, y).frame(x, y)

    def transform_targets(self, y: Any) -> np.ndarray:
        """Raw targets as the model sees them (label ids, or scaled values)."""
        if self.labels is not None:
            return self.labels.transform(y)
        out = np.asarray(y)
        for step in self._value_steps():
            if isinstance(step, ScaleStep) and step.targets:
                out = step.transform(out.reshape(-1, step.scaler_.n_features_in_)).reshape(
                    out.shape)
        return out

    def inverse_targets(self, outputs: Any) -> np.ndarray:
        """Regression outputs back in the original units (scale steps undone, in reverse)."""
        out = np.asarray(outputs, dtype=np.float64)
        for step in reversed(self._value_steps()):
            if isinstance(step, ScaleStep) and step.targets:
                out = step.inverse_transform(out)
        return out

    def decode(self, ids: Any) -> np.ndarray:
        """Class ids back to labels (label step) or symbols (encode step); ids otherwise."""
        step = self.labels or self.encoder
        return np.asarray(ids) if step is None else step.inverse_transform(ids)

    # ------------------------------------------------------------------ serialise
    def to_dict(self) -> dict[str, Any]:
        """JSON-plain form; :meth:`from_dict` rebuilds an equivalent (fitted) pipeline."""
        return {"type": "Pipeline", "version": PIPELINE_FORMAT_VERSION, "columns": self.columns,
                "steps": [step.to_dict() for step in self.steps]}

    @classmethod
    def from_dict(cls, data: Any) -> Pipeline:
        """Rebuild a pipeline; step types resolve only through :data:`STEP_TYPES`."""
        _check_keys("Pipeline.from_dict", data, ("type", "version", "columns", "steps"))
        if data.get("type", "Pipeline") != "Pipeline":
            raise ValidationError(f"Pipeline.from_dict got type {data.get('type')!r}.")
        version = data.get("version", PIPELINE_FORMAT_VERSION)
        if not isinstance(version, int) or isinstance(version, bool) or not (
                1 <= version <= PIPELINE_FORMAT_VERSION):
            raise ValidationError(
                f"Pipeline format version {version!r} is not supported (this seqlab reads "
                f"versions 1 to {PIPELINE_FORMAT_VERSION}); upgrade seqlab."
            )
        steps = data.get("steps", [])
        if not isinstance(steps, list):
            raise ValidationError(f"Pipeline 'steps' must be a list; got {steps!r}.")
        return cls([step_from_dict(s) for s in steps], columns=data.get("columns"))

    def __repr__(self) -> str:
        return f"Pipeline({self.steps!r}, columns={self.columns!r})"
