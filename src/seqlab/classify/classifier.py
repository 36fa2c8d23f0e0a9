"""`SequenceClassifier`: labelled sequences of any length in, a model chosen by
validation out, scikit-learn shaped (fit / predict / predict_proba / score)."""

from __future__ import annotations

import re
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from seqlab._validation import (
    FLOAT32_MAX,
    MAX_SEED,
    check_choice,
    check_float,
    check_int,
    check_seed,
)
from seqlab.classify.kernels import RandomKernelFeatures, RidgeClassifier
from seqlab.classify.metrics import ClassificationReport, classification_report
from seqlab.classify.nets import NETWORKS, build_network
from seqlab.errors import NotFittedError, UnknownNameError, ValidationError
from seqlab.train.callbacks import Callback

__all__ = ["SequenceClassifier", "MODELS", "TOKENS", "TRUNCATING"]

MODELS = ("auto", "rocket", *NETWORKS)
"""Model names: ``auto`` chooses among the others by validation accuracy."""

TOKENS = ("char", "word")
"""How a text is split into tokens."""

TRUNCATING = ("post", "pre")
"""Where sequences longer than `max_length` lose steps: at the end (``post``: the first
`max_length` steps are kept) or at the start (``pre``: the last ones are kept)."""

STD_FLOOR = 1e-12
"""A channel whose standard deviation is this or less (a constant) is scaled by 1: every
fitted `scale_` is above it."""

MEMBER_SEED_STEP = 1000
"""The seed ensemble's member k (0 the first) is fitted with seed + k * this."""

WORD = re.compile(r"\w+|[^\w\s]")
"""A word token: a run of letters and digits, or one mark (texts are lower-cased first)."""


def _one_kind(values: list[Any]) -> np.ndarray:
    """Labels given as objects (a list mixing types, a pandas object column) as one array
    of strings, integers, whole numbers or booleans: a missing label (None, NaN, pandas'
    NA) and a mix of strings and numbers are refused, where `np.asarray(..).astype(str)`
    made None a class and 1 the string '1'."""
    def kind(value: Any) -> type:
        if isinstance(value, (bool, np.bool_)):
            return bool
        if isinstance(value, (int, np.integer)):
            return int
        if isinstance(value, (float, np.floating)):
            return float
        return str if isinstance(value, str) else type(value)
    for i, value in enumerate(values):
        if value is None or (kind(value) is float and not np.isfinite(value)) or \
                type(value).__name__ in ("NAType", "NaTType"):
            raise ValidationError(f"`y` holds a missing label ({value!r}) at position {i}; "
                                  f"every sequence needs its class.")
    kinds = {kind(v) for v in values}
    if kinds <= {int, float}:
        try:
            return np.asarray(values, dtype=np.float64 if float in kinds else np.int64)
        except OverflowError:
            raise ValidationError(f"`y` holds an integer label beyond 64 bits "
                                  f"({max(values, key=abs)!r:.40}); give such labels as "
                                  f"strings.") from None
    if len(kinds) == 1 and kinds <= {str, bool}:
        return np.asarray(values, dtype=str if kinds == {str} else bool)
    strange = next((v for v in values if kind(v) not in (str, int, float, bool)), None)
    if strange is not None:
        raise ValidationError(f"`y` holds a label of type {type(strange).__name__} "
                              f"({strange!r:.40}); labels are strings, integers or booleans.")
    examples = {}
    for value in values:
        examples.setdefault(kind(value).__name__, value)
    raise ValidationError(f"`y` mixes labels of {len(examples)} types "
                          f"({', '.join(f'{k} {v!r}' for k, v in examples.items())}); labels "
                          f"are all strings, all integers or all booleans.")


def _decoded(label: Any) -> Any:
    """A bytes label (h5py and numpy's `S` arrays give them) as the text it spells, so that
    the classes are strings that a bundle can store and `predict` returns."""
    if not isinstance(label, (bytes, np.bytes_)):
        return label
    try:
        return bytes(label).decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(f"`y` holds a bytes label that is not UTF-8 text ({label!r:.40}); "
                              f"decode the labels to strings first.") from None


def _label_order(label: Any) -> tuple[int, Any]:
    """Labels in order: numbers written as text ("2" before "10") by value, then the rest
    as text."""
    try:
        return (0, float(label))
    except (TypeError, ValueError):
        return (1, str(label))


def _check_values(sequences: list[np.ndarray], channels: int, what: str,
                  expected: str) -> None:
    """Every sequence of `what` has `channels` channels (`expected` says why) and only finite
    values that float32 holds (the models compute in float32, and larger values would turn
    their channel into zeros or infinities)."""
    for i, s in enumerate(sequences):
        if s.shape[1] != channels:
            raise ValidationError(f"`{what}`: sequence {i} has {s.shape[1]} channel(s) "
                                  f"{expected}.")
        if not np.isfinite(s).all():
            step, channel = (int(v) for v in np.argwhere(~np.isfinite(s))[0])
            raise ValidationError(f"`{what}`: sequence {i} has a missing or non-finite value "
                                  f"at step {step + 1}, channel {channel + 1}; fill missing "
                                  f"values first (fill= when reading).")
        if np.abs(s).max(initial=0.0) > FLOAT32_MAX:
            step, channel = (int(v) for v in np.argwhere(np.abs(s) > FLOAT32_MAX)[0])
            raise ValidationError(f"`{what}`: sequence {i} has {s[step, channel]:.4g} at step "
                                  f"{step + 1}, channel {channel + 1}, beyond what float32 holds "
                                  f"(±{FLOAT32_MAX:.3g}); rescale the values first.")


def _warn_channels_first(x: Any) -> None:
    """Warn where `x` is a 3D array with fewer steps than channels: the order of aeon's
    and sktime's arrays (cases, channels, timepoints), which read as (sequences, steps,
    channels) makes each time point a channel, and trains without an error on the wrong
    axes."""
    if isinstance(x, np.ndarray) and x.ndim == 3 and x.shape[1] < x.shape[2]:
        n, steps, channels = x.shape
        warnings.warn(f"`X` has shape {x.shape}: read as {n} sequences of {steps} step(s) and "
                      f"{channels} channels each (seqlab's order: sequences, steps, "
                      f"channels). If its axes are aeon's or sktime's (cases, channels, "
                      f"timepoints), pass X.transpose(0, 2, 1).", UserWarning, stacklevel=3)


class _TimeLimit(Callback):
    """Stop a fit once `deadline` (time.monotonic) passes, mid-epoch if need be (an epoch
    of a large set can take longer than a network's whole share); the epoch's end still
    validates, so early stopping keeps the best weights seen."""

    def __init__(self, deadline: float):
        self.deadline = deadline

    def on_batch_end(self, batch: int, logs: dict[str, Any]) -> None:
        if time.monotonic() > self.deadline:
            self.trainer.stop_training = True


@dataclass(frozen=True)
class Standardising:
    """The per-channel `mean` and `scale` (standard deviation, 1 where below `STD_FLOOR`)
    by which a classifier fitted on numeric sequences standardises them: a function of the
    training data alone, so new data can be checked against it before any training."""

    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def of(cls, sequences: list[np.ndarray]) -> Standardising:
        """The standardising `SequenceClassifier.fit` takes from ``(steps, channels)``
        `sequences` (all of one channel count)."""
        stacked = np.concatenate([np.asarray(s, dtype=np.float64) for s in sequences], axis=0)
        std = stacked.std(0)
        return cls(stacked.mean(0), np.where(std > STD_FLOOR, std, 1.0))

    def beyond_range(self, sequences: list[np.ndarray]) -> list[int]:
        """The places (0 the first) of `sequences` with a value that standardising takes
        beyond what float32 holds (see `SequenceClassifier.beyond_range`)."""
        with np.errstate(over="ignore"):
            return [i for i, s in enumerate(sequences)
                    if np.abs((s - self.mean) / self.scale).max(initial=0.0) > FLOAT32_MAX]

    def how_far(self, sequence: np.ndarray) -> str:
        """Where the first value of `sequence` beyond the range lies, and how far from the
        training data, for a message (see `SequenceClassifier.how_far`)."""
        with np.errstate(over="ignore"):
            scaled = np.abs((sequence - self.mean) / self.scale)
        step, channel = (int(v) for v in np.argwhere(scaled > FLOAT32_MAX)[0])
        return (f"has {sequence[step, channel]:.4g} at step {step + 1}, channel {channel + 1}: "
                f"{scaled[step, channel]:.3g} standard deviations from the mean the classifier "
                f"was fitted on ({self.mean[channel]:.6g}, standard deviation "
                f"{self.scale[channel]:.3g}), beyond what its float32 models hold once "
                f"standardised; no prediction can be made on values so far outside its "
                f"training data")


class SequenceClassifier:
    """Classify sequences of any length: numeric ``(steps, channels)`` sequences or texts.

    `fit` standardises each channel, pads (after the end; the models mask the padding, so
    a prediction never depends on it) and truncates to `max_length`, holds out a
    stratified `validation` fraction, and tries the candidate models, keeping the one
    with the best validation accuracy (``model_`` names it):

    - ``rocket``: random convolution kernels (MiniRocket's idea) and a ridge classifier;
      refitted on all the training data once chosen;
    - ``lstm-fcn``: the book's convolutional front end made fully convolutional, beside
      a masked LSTM (LSTM-FCN);
    - ``lstm``, ``gru``, ``bilstm``: one masked recurrent layer.

    Networks train with Adam, class weights (inverse class frequency), early stopping on
    the validation loss with the best weights kept, within `time_budget` seconds in all.
    A later candidate replaces an earlier one only when it validates better by more than
    one validation sequence. With ``model="auto"`` the networks are skipped once a
    candidate validates at 100%, and the plain recurrent ones on sequences longer than
    400 steps (where they lose).

    Parameters
    ----------
    model:
        One of `MODELS`, or a list of candidates (or their names separated by commas).
    max_length:
        Steps kept per sequence (None: the longest training sequence; longer sequences
        to predict on are then cut with a warning).
    truncating:
        ``post`` keeps the first `max_length` steps, ``pre`` the last ones.
    tokens:
        For texts: ``char`` or ``word`` tokens.
    validation:
        Fraction of each class held out to choose the model.
    time_budget:
        Seconds the search may take: a candidate that would start after it is skipped
        (the first always runs), and each network stops training at its share of it.
    epochs, patience, batch_size, units:
        Most epochs, early-stopping patience, batch size and recurrent units of networks.
    features:
        About how many random-kernel features ``rocket`` uses.
    members:
        Seeds of the chosen model whose probabilities are averaged (a small seed
        ensemble); the seeds after the first are fitted only while `time_budget` lasts.
    seed:
        Seeds the split, the kernels and the networks.
    log:
        Called with a line of progress per candidate (None: silent).
    """

    def __init__(self, model: str | list[str] = "auto", *, max_length: int | None = None,
                 truncating: str = "post", tokens: str = "char", validation: float = 0.25,
                 time_budget: float = 30.0, epochs: int = 300, patience: int = 30,
                 batch_size: int = 32, units: int = 64, features: int = 10_000,
                 members: int = 3, seed: int = 0,
                 log: Callable[[str], None] | None = None):
        self.model = model
        self.max_length = max_length
        self.truncating = truncating
        self.tokens = tokens
        self.validation = validation
        self.time_budget = time_budget
        self.epochs = epochs
        self.patience = patience
        self.batch_size = batch_size
        self.units = units
        self.features = features
        self.members = members
        self.seed = seed
        self.log = log

    # ------------------------------------------------------------------ validation
    def check_params(self) -> list[str]:
        """Check every parameter (a clear error naming the first bad one) and return the
        model names asked for."""
        owner = "SequenceClassifier"
        if not isinstance(self.model, (str, list, tuple)):
            raise ValidationError(f"The 'model' parameter of SequenceClassifier must be a "
                                  f"model's name or a list of names; got {self.model!r:.40}.")
        names = ([n.strip() for n in self.model.split(",")] if isinstance(self.model, str)
                 else list(self.model))
        if not names:
            raise ValidationError("The 'model' parameter of SequenceClassifier must name at "
                                  "least one model; got an empty list.")
        if "" in names:  # 'rocket,': else "Unknown 'model' ''", which names no model
            raise ValidationError(f"The 'model' parameter of SequenceClassifier must list "
                                  f"model names separated by commas, none empty; got "
                                  f"{self.model!r}. Models: {', '.join(MODELS)}.")
        for name in names:
            if isinstance(name, str) and name not in MODELS and name.lower() in MODELS:
                raise UnknownNameError(  # 'LSTM': difflib's close names are case-sensitive
                    f"'model' of {owner}", name, MODELS,
                    f"Unknown 'model' of {owner} {name!r} (names are lower case: "
                    f"{name.lower()!r}). Valid names: {', '.join(sorted(MODELS))}.")
            check_choice("model", name, owner, MODELS)
        if "auto" in names and len(names) > 1:
            raise ValidationError("The 'model' parameter of SequenceClassifier is 'auto' or a "
                                  f"list of models, not both; got {names}.")
        twice = next((n for k, n in enumerate(names) if n in names[:k]), None)
        if twice is not None:  # it was fitted twice, and scored once
            raise ValidationError(f"The 'model' parameter of SequenceClassifier names {twice!r} "
                                  f"more than once; give each candidate once (got {names}).")
        if self.max_length is not None:
            check_int("max_length", self.max_length, owner, low=1)
        check_choice("truncating", self.truncating, owner, TRUNCATING)
        check_choice("tokens", self.tokens, owner, TOKENS)
        check_float("validation", self.validation, owner, low=0.0, high=0.5, low_open=True)
        check_float("time_budget", self.time_budget, owner, low=0.0)
        check_int("epochs", self.epochs, owner, low=1)
        check_int("patience", self.patience, owner, low=0)
        check_int("batch_size", self.batch_size, owner, low=1)
        check_int("units", self.units, owner, low=1, high=4096)
        check_int("features", self.features, owner, low=168, high=200_000)
        check_int("members", self.members, owner, low=1, high=20)
        check_seed(self.seed, owner)
        last = MAX_SEED - MEMBER_SEED_STEP * (self.members - 1)
        if self.seed > last:  # a member's seed beyond MAX_SEED: refused after the first fit
            raise ValidationError(
                f"The 'seed' parameter of {owner} must be at most {last} for {self.members} "
                f"members (member k, 0 the first, is fitted with seed + {MEMBER_SEED_STEP} * "
                f"k, and each seed is at most {MAX_SEED}). Got {self.seed} instead.")
        if self.log is not None and not callable(self.log):
            raise ValidationError(f"The 'log' parameter of {owner} must be a function taking "
                                  f"a line (print, say) or None. Got {self.log!r} instead.")
        return names

    def check_fitted(self) -> None:
        """Raise `NotFittedError` unless `fit` (or `load`) has run."""
        if not hasattr(self, "model_"):
            raise NotFittedError("This SequenceClassifier is not fitted yet: call `fit(X, y)` "
                                 "first (or load a saved one with seqlab.classify.load).")

    # --------------------------------------------------------------------- inputs
    def _sequences(self, x: Any, what: str) -> tuple[str, list[Any]]:
        """('values', [(steps, channels) float arrays]) or ('text', [strings])."""
        if hasattr(x, "to_numpy") and getattr(x, "ndim", None) == 2:
            x = x.to_numpy()  # a DataFrame: a row per sequence (iterating it gives its names)
        if isinstance(x, np.ndarray) and x.dtype.kind in "biuf":
            if x.ndim == 2:
                x = x[:, :, None]
            if x.ndim != 3:
                raise ValidationError(f"`{what}` must be (sequences, steps, channels) or "
                                      f"(sequences, steps); got shape {x.shape}.")
            if 0 in x.shape:
                raise ValidationError(f"`{what}` has shape {x.shape}; expected at least one "
                                      f"sequence of at least one step and one channel.")
            return "values", [np.asarray(s, dtype=np.float64) for s in x]
        items = list(x)
        if not items:
            raise ValidationError(f"`{what}` holds no sequences.")
        if all(isinstance(s, str) for s in items):
            return "text", items
        out = []
        for i, s in enumerate(items):
            try:
                array = np.asarray(s, dtype=np.float64)
            except (TypeError, ValueError):
                raise ValidationError(f"`{what}`: sequence {i} is not numbers (got "
                                      f"{type(s).__name__}); give (steps, channels) arrays, "
                                      f"or strings for text.") from None
            if array.ndim == 1:
                array = array[:, None]
            if array.ndim != 2 or 0 in array.shape:
                raise ValidationError(f"`{what}`: sequence {i} has shape {array.shape}; "
                                      f"expected (steps, channels) with at least one step "
                                      f"and one channel.")
            out.append(array)
        return "values", out

    def _tokenise(self, text: str) -> list[str]:
        return list(text) if self.tokens == "char" else WORD.findall(text.lower())

    def _encode(self, kind: str, sequences: list[Any], what: str) -> tuple[np.ndarray,
                                                                          np.ndarray]:
        """Padded ``(n, steps, channels + 1)`` float32 array (last channel: the mask) and
        the lengths."""
        if kind != self.kind_:
            raise ValidationError(f"`{what}` holds {kind}, but this classifier was fitted on "
                                  f"{self.kind_}.")
        if kind == "text":
            ids = [[self.vocabulary_.get(t, 1) for t in self._tokenise(s)] or [1]
                   for s in sequences]
            sequences = [np.asarray(s, dtype=np.float64)[:, None] for s in ids]
        else:
            _check_values(sequences, self.channels_, what,
                          f"but the classifier was fitted on {self.channels_}")
            beyond = self._beyond_range(sequences)
            if beyond:
                raise ValidationError(f"`{what}`: sequence {beyond[0]} "
                                      f"{self.how_far(sequences[beyond[0]])} "
                                      f"({len(beyond)} sequence(s) have such values).")
            sequences = [(s - self.mean_) / self.scale_ for s in sequences]
        longer = sum(len(s) > self.max_length_ for s in sequences)
        if longer and self.max_length is None:  # a max_length the user set cuts as asked
            kept = "first" if self.truncating == "post" else "last"
            warnings.warn(f"{longer} of the {len(sequences)} sequences to classify are longer "
                          f"than the longest the classifier was fitted on ({self.max_length_} "
                          f"steps); only their {kept} {self.max_length_} steps are read. Fit "
                          "with max_length= (--max-length) to choose.", UserWarning,
                          stacklevel=2)  # predict_proba: one place, so Python shows it once
        lengths = np.array([min(len(s), self.max_length_) for s in sequences], dtype=np.int64)
        steps = int(lengths.max())
        width = sequences[0].shape[1]
        batch = np.zeros((len(sequences), steps, width + 1), dtype=np.float32)
        for i, s in enumerate(sequences):
            kept = s[-lengths[i]:] if self.truncating == "pre" else s[:lengths[i]]
            batch[i, :lengths[i], :width] = kept
            batch[i, :lengths[i], width] = 1.0
        return batch, lengths

    def beyond_range(self, sequences: list[np.ndarray]) -> list[int]:
        """The places (0 the first) of the numeric ``(steps, channels)`` `sequences` with a
        value that standardising by the training data's mean and scale takes beyond what
        float32 holds: so far outside those data (or those data so nearly constant) that
        the models would read infinities, and answer garbage."""
        self.check_fitted()
        return self._beyond_range(sequences)

    def _beyond_range(self, sequences: list[np.ndarray]) -> list[int]:
        # fit's own data are within range: fit checks too
        return Standardising(self.mean_, self.scale_).beyond_range(sequences)

    def how_far(self, sequence: np.ndarray) -> str:
        """Where the first value of `sequence` beyond the range `beyond_range` checks lies,
        and how far from the training data, for a message: "has 1e+30 at step 1, channel
        1, 1e+41 standard deviations ...". The sequence must be one `beyond_range` found."""
        return Standardising(self.mean_, self.scale_).how_far(sequence)

    def _labels(self, y: Any, n: int) -> np.ndarray:
        # a list keeps each label's own type: np.asarray([1, 'a']) would make 1 the string '1'
        labels = np.asarray(y, dtype=object) if isinstance(y, (list, tuple)) else np.asarray(y)
        if labels.ndim != 1 or len(labels) != n:
            raise ValidationError(f"`y` must hold one label per sequence: {n} sequence(s), "
                                  f"but y has shape {labels.shape}.")
        if labels.dtype.kind == "O":
            labels = _one_kind([_decoded(v) for v in labels.tolist()])
        if labels.dtype.kind == "S":
            labels = np.array([_decoded(v) for v in labels.tolist()], dtype=str)
        if labels.dtype.kind == "f":
            if not np.isfinite(labels).all() or (labels != np.round(labels)).any():
                raise ValidationError("`y` holds non-integer or missing numbers; labels are "
                                      "strings, integers or booleans.")
            labels = labels.astype(np.int64)
        return labels

    # ------------------------------------------------------------------------ fit
    def fit(self, X: Any, y: Any) -> SequenceClassifier:
        """Fit on sequences `X` (a list of ``(steps, channels)`` arrays of any lengths,
        an ``(n, steps[, channels])`` array, or a list of strings) and labels `y` (all
        strings, all integers or all booleans; bytes are read as UTF-8 strings). An array
        with fewer steps than channels is fitted with a warning: it may be in aeon's order,
        channels before steps."""
        names = self.check_params()
        started = time.monotonic()
        _warn_channels_first(X)
        kind, sequences = self._sequences(X, "X")
        if kind == "values" and self.tokens != "char":
            raise ValidationError(f"The 'tokens' parameter of SequenceClassifier is "
                                  f"{self.tokens!r}, but `X` holds numeric sequences: tokens "
                                  f"split texts only. Leave it at 'char' (the default) for "
                                  f"numbers, or give texts.")
        labels = self._labels(y, len(sequences))
        counts = Counter(labels.tolist())
        if len(counts) < 2:
            raise ValidationError(f"The training data has a single class ({next(iter(counts))!r} "
                                  f"for all {len(labels)} sequences); classification needs at "
                                  f"least two.")
        lonely = sorted(str(c) for c, k in counts.items() if k < 2)
        if lonely:
            raise ValidationError(f"Class(es) {', '.join(repr(c) for c in lonely)} have a single "
                                  f"example; each class needs at least two (one to train on, "
                                  f"one to validate). Add examples or drop the class.")
        self.classes_ = np.array(sorted(counts, key=_label_order), dtype=labels.dtype)
        position = {c: k for k, c in enumerate(self.classes_.tolist())}
        target = np.array([position[v] for v in labels.tolist()], dtype=np.int64)
        self.kind_ = kind
        if kind == "text":
            tokens = Counter(t for s in sequences for t in self._tokenise(s))
            self.vocabulary_ = {t: i + 2 for i, (t, _) in enumerate(tokens.most_common(20_000))}
            self.channels_ = 1
            lengths = [len(self._tokenise(s)) for s in sequences]
        else:
            self.vocabulary_ = None
            self.channels_ = sequences[0].shape[1]
            _check_values(sequences, self.channels_, "X",
                          f"but sequence 0 has {self.channels_}; every sequence needs the "
                          f"same channels")
            standardising = Standardising.of(sequences)
            self.mean_, self.scale_ = standardising.mean, standardising.scale
            lengths = [len(s) for s in sequences]
        self.max_length_ = int(self.max_length or max(lengths))
        self._say(f"{len(sequences)} sequences, {len(self.classes_)} classes, lengths "
                  f"{min(lengths)}-{max(lengths)}: max length {self.max_length_} (truncating "
                  f"'{self.truncating}', padding after the end, masked)")
        x, lens = self._encode(kind, sequences, "X")
        train, held = self._split(target, seed=self.seed)
        candidates = self._candidates(names, kind)
        self.validation_scores_: dict[str, float] = {}
        fitted: dict[str, Any] = {}
        networks = [c for c in candidates if c != "rocket"]
        deadline = time.monotonic() + float(self.time_budget)
        # A later candidate must beat the best so far by more than one validation sequence
        # (and 1%): on small validation sets, a tie or a single sequence is noise, and the
        # earlier candidates are the faster and steadier ones.
        margin = max(0.01, 1.0 / len(held))
        best: str | None = None
        features = None
        durations: dict[str, float] = {}
        for name in candidates:
            if best is not None and self.validation_scores_[best] >= 1.0 and names == ["auto"]:
                self._say(f"{name}: skipped (a candidate already validates at 100%)")
                continue
            if best is not None and time.monotonic() >= deadline:
                self._say(f"{name}: skipped (time budget of {self.time_budget:g} s spent)")
                continue
            begin = time.monotonic()
            if name == "rocket":
                # The kernels' biases are quantiles of unlabelled training outputs, so one
                # transform of all the training data serves validation and the final fit.
                kernels = RandomKernelFeatures(self.features, seed=self.seed).fit(
                    x[..., :-1], lens)
                features = kernels.transform(x[..., :-1], lens)
                ridge = RidgeClassifier(seed=self.seed).fit(features[train], target[train],
                                                            len(self.classes_))
                model: Any = (kernels, ridge)
                proba = ridge.predict_proba(features[held])
            else:
                left = networks[networks.index(name):]
                share = max(1.0, (deadline - time.monotonic()) / len(left))
                model = self._fit_network(name, x, target, train, held,
                                          time.monotonic() + share)
                proba = self._network_proba(model, x[held])
            score = float((proba.argmax(1) == target[held]).mean())
            self.validation_scores_[name] = score
            fitted[name] = model
            durations[name] = time.monotonic() - begin
            self._say(f"{name}: validation accuracy {score:.4f} ({time.monotonic() - begin:.1f} s)")
            if best is None or score > self.validation_scores_[best] + margin - 1e-9:
                best = name
        assert best is not None
        self.model_ = best
        if best == "rocket":  # refitted on all the training data
            kernels = fitted[best][0]
            fitted[best] = (kernels, RidgeClassifier(seed=self.seed).fit(
                features, target, len(self.classes_)))
        self.estimator_ = fitted[best]
        self.members_ = [self.estimator_]
        self._add_members(best, x, lens, target, train, held, deadline, durations[best])
        self.fit_seconds_ = time.monotonic() - started
        self._say(f"chosen: {best} (validation accuracy {self.validation_scores_[best]:.4f}"
                  f"{f', {len(self.members_)} seeds averaged' if len(self.members_) > 1 else ''})")
        return self

    def _add_members(self, best: str, x: np.ndarray, lens: np.ndarray, target: np.ndarray,
                     train: np.ndarray, held: np.ndarray, deadline: float,
                     estimate: float) -> None:
        # More seeds of the chosen model, averaged: each only when its fit (estimated by the
        # last one's) ends within the time budget.
        for member in range(1, self.members):
            begin = time.monotonic()
            if begin + estimate > deadline:
                self._say(f"seed ensemble: {len(self.members_)} member(s) (the time budget "
                          f"leaves no room for more)")
                return
            seed = self.seed + MEMBER_SEED_STEP * member
            if best == "rocket":
                kernels = RandomKernelFeatures(self.features, seed=seed).fit(x[..., :-1], lens)
                ridge = RidgeClassifier(seed=seed).fit(kernels.transform(x[..., :-1], lens),
                                                       target, len(self.classes_))
                self.members_.append((kernels, ridge))
            else:
                self.members_.append(self._fit_network(best, x, target, train, held, deadline,
                                                       seed=seed))
            estimate = time.monotonic() - begin

    def _say(self, line: str) -> None:
        if self.log is not None:
            self.log(line)

    def _candidates(self, names: list[str], kind: str) -> list[str]:
        if names != ["auto"]:
            if kind == "text" and "rocket" in names:
                raise ValidationError("The 'rocket' model reads numeric sequences; for text "
                                      "choose among " + ", ".join(NETWORKS) + ".")
            return names
        if kind == "text":
            return ["bilstm", "gru", "lstm-fcn"]
        if self.max_length_ > 400:
            return ["rocket", "lstm-fcn"]
        return ["rocket", "lstm-fcn", "bilstm", "gru", "lstm"]

    def _split(self, target: np.ndarray, among: np.ndarray | None = None, seed: int = 0,
               least: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """A stratified split of `among` (all sequences by default): about `validation`
        of each class held out, at least `least` and never a class's last sequence."""
        rng = np.random.default_rng(seed)
        among = np.arange(len(target)) if among is None else among
        train, held = [], []
        for k in range(len(self.classes_)):
            members = rng.permutation(among[target[among] == k])
            n_held = min(len(members) - 1,
                         max(least, int(round(self.validation * len(members)))))
            held.extend(members[:max(0, n_held)])
            train.extend(members[max(0, n_held):])
        return np.sort(np.array(train, dtype=np.int64)), np.sort(np.array(held, dtype=np.int64))

    # ----------------------------------------------------------------- candidates
    @staticmethod
    def _rocket_proba(model: tuple[RandomKernelFeatures, RidgeClassifier], x: np.ndarray,
                      lengths: np.ndarray) -> np.ndarray:
        kernels, ridge = model
        return ridge.predict_proba(kernels.transform(x[..., :-1], lengths))

    def _fit_network(self, name: str, x: np.ndarray, target: np.ndarray, train: np.ndarray,
                     held: np.ndarray, deadline: float, seed: int | None = None
                     ) -> torch.nn.Module:
        from seqlab.train import EarlyStopping, Trainer

        seed = self.seed if seed is None else seed
        torch.manual_seed(seed)
        vocabulary = len(self.vocabulary_) + 2 if self.kind_ == "text" else None
        net = build_network(name, self.channels_, len(self.classes_), vocabulary, self.units)
        counts = np.bincount(target[train], minlength=len(self.classes_)).astype(np.float32)
        weight = torch.as_tensor(len(train) / (len(counts) * np.maximum(counts, 1)))

        def loss(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
            return F.cross_entropy(logits, y.reshape(-1).long(), weight=weight.to(logits.device))

        trainer = Trainer(net, task="multiclass", loss=loss, metrics=["accuracy"], seed=seed,
                          device="cpu")
        # Early stopping watches a split of the training part, never `held`: choosing the
        # epoch on the sequences that then judge the candidates would flatter networks
        # against the kernels (seen on JapaneseVowels: 1.000 on validation, 0.979 on test).
        fit, stop = self._split(target, train, seed=seed + 1, least=0)
        if len(stop) == 0:
            fit, stop = train, held
        trainer.fit(x[fit], target[fit], epochs=self.epochs,
                    batch_size=min(self.batch_size, len(fit)),
                    validation_data=(x[stop], target[stop]), verbose=0,
                    callbacks=[EarlyStopping("val_loss", patience=self.patience,
                                             restore_best_weights=True), _TimeLimit(deadline)])
        return trainer.model.cpu().eval()

    @staticmethod
    def _network_proba(model: torch.nn.Module, x: np.ndarray, batch: int = 256) -> np.ndarray:
        model.eval()
        out = []
        with torch.no_grad():
            for start in range(0, len(x), batch):
                # Each chunk is cut to its own longest sequence: less padding, same answers.
                xb = torch.as_tensor(x[start:start + batch])
                steps = int(xb[..., -1].sum(1).max().item())
                logits, _ = model(xb[:, :max(1, steps)])
                out.append(torch.softmax(logits, dim=1))
        return torch.cat(out).numpy()

    # -------------------------------------------------------------------- predict
    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities ``(n, classes)``, columns in the order of ``classes_``."""
        self.check_fitted()
        kind, sequences = self._sequences(X, "X")
        if kind == "text" and kind == self.kind_:
            self._warn_unknown_tokens(sequences)
        x, lengths = self._encode(kind, sequences, "X")
        members = getattr(self, "members_", [self.estimator_])
        if self.model_ == "rocket":
            probabilities = np.mean([self._rocket_proba(m, x, lengths) for m in members], axis=0)
        else:
            probabilities = np.mean([self._network_proba(m, x) for m in members], axis=0)
        if not np.isfinite(probabilities).all():  # argmax would name the first class
            raise ValidationError(
                "The classifier's probabilities hold NaN or infinity (its scores overflow): "
                "no class can be chosen from them. The inputs may lie far beyond the values "
                "it was fitted on, or its weights may be damaged (fit it again, or roll its "
                "bundle back to the previous version).")
        return probabilities

    def _warn_unknown_tokens(self, texts: list[str], shown: int = 10) -> None:
        """Warn, naming them, of the tokens of `texts` outside the fitted vocabulary (never
        seen in training, or too rare to be kept): each is read as the one unknown token,
        about which the classifier learnt nothing."""
        unknown: Counter[str] = Counter()
        holding = 0
        for text in texts:
            missing = [t for t in self._tokenise(text) if t not in self.vocabulary_]
            unknown.update(missing)
            holding += bool(missing)
        if not unknown:
            return
        what = "characters" if self.tokens == "char" else "words"
        listed = ", ".join(f"{t!r} ({k} times)" if k > 1 else repr(t)
                           for t, k in unknown.most_common(shown))
        more = f" and {len(unknown) - shown} more" if len(unknown) > shown else ""
        warnings.warn(f"{holding} of the {len(texts)} texts to classify hold {what} that "
                      f"are not in the classifier's vocabulary of {len(self.vocabulary_)} "
                      f"(those of its training texts): {len(unknown)} distinct, "
                      f"{sum(unknown.values())} in all: {listed}{more}. Each is read as the "
                      f"one unknown token, about which the classifier learnt nothing.",
                      UserWarning, stacklevel=2)  # predict_proba: one place, shown once

    def predict(self, X: Any) -> np.ndarray:
        """The most likely class of each sequence (labels as given to `fit`; whole numbers
        given as floats come back as integers)."""
        probabilities = self.predict_proba(X)
        return self.classes_[probabilities.argmax(1)]

    def score(self, X: Any, y: Any) -> float:
        """Accuracy on (X, y)."""
        return self.report(X, y).accuracy

    def report(self, X: Any, y: Any) -> ClassificationReport:
        """Accuracy, balanced accuracy, macro F1, confusion matrix and per-class precision
        and recall on (X, y). A label in `y` unseen in training is a `ValidationError`."""
        self.check_fitted()
        X = X if hasattr(X, "__len__") else list(X)  # a generator, read once
        labels = self._labels(y, len(X))
        known = {str(c) for c in self.classes_}
        unseen = sorted({str(v) for v in labels.tolist()} - known)
        if unseen:
            raise ValidationError(f"Label(s) {', '.join(repr(u) for u in unseen)} were not in the "
                                  f"training data (classes: {', '.join(map(repr, sorted(known)))}); a "
                                  f"classifier can only predict the classes it was trained on.")
        return classification_report(labels.tolist(), self.predict(X).tolist(),
                                     self.classes_.tolist())

    def describe(self) -> dict[str, Any]:
        """What was fitted, as plain values: the chosen model, the seeds averaged,
        validation scores, classes, max length, for texts their tokens and the vocabulary's
        size, and the seconds the fit took (left out where unknown: a bundle saved before
        they were recorded)."""
        self.check_fitted()
        described = {"model": self.model_,
                     "members": len(getattr(self, "members_", [self.estimator_])),
                     "validation_accuracy": dict(self.validation_scores_),
                     "classes": self.classes_.tolist(), "max_length": self.max_length_,
                     "kind": self.kind_, "channels": self.channels_}
        if self.kind_ == "text":  # how new texts are split, and how many tokens it knows
            described.update(tokens=self.tokens, vocabulary=len(self.vocabulary_))
        if hasattr(self, "fit_seconds_"):
            described["fit_seconds"] = round(self.fit_seconds_, 3)
        return described
