"""Saving and loading a fitted `SequenceClassifier` as plain files, never running code
from them.

A classifier bundle is a folder::

    BUNDLE/
      classifier.json       settings, classes (in their order), standardisation, the
                            vocabulary of a text model, the chosen model and its plain
                            settings, validation scores, how the data file was read, the
                            seconds the fit took
      weights.safetensors   the tensors of each seed of the chosen model (kernels and ridge,
                            or a network), prefixed m0., m1., ...

Files are read through seqlab.bundle's checks (size caps, strict JSON, a safetensors
header checked before any tensor exists). The folder is a bundle store
(`seqlab.bundle.store`): each save writes a whole version and makes it live atomically
under the writer lock, so a reader sees the old bundle or the new one, never half of each.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import save as tensors_to_bytes

from seqlab._validation import FLOAT32_MAX
from seqlab.bundle import store
from seqlab.bundle.files import (
    DEFAULT_LIMITS,
    Limits,
    member_path,
    read_json,
    to_plain_json,
    write_bytes,
    write_json,
)
from seqlab.bundle.tensors import load_tensors
from seqlab.classify.classifier import MODELS, STD_FLOOR, WORD, SequenceClassifier
from seqlab.classify.kernels import RandomKernelFeatures, RidgeClassifier
from seqlab.classify.nets import build_network
from seqlab.classify.readers import FILLS, FORMATS
from seqlab.errors import BundleError, ValidationError

__all__ = ["save", "load", "is_classifier_bundle", "FORMAT", "FORMAT_VERSION", "DOCUMENT"]

FORMAT = "seqlab-classifier"
FORMAT_VERSION = 1
DOCUMENT = "classifier.json"
WEIGHTS = "weights.safetensors"
_DOCUMENT = ("format", "format_version", "params", "classes", "kind", "channels", "max_length",
             "mean", "scale", "vocabulary", "chosen", "validation_accuracy", "members",
             "reader", "fit_seconds")
"""The keys of a classifier document (``fit_seconds`` optional: older bundles lack it)."""
_MEMBER_KEYS = {"rocket": {"kernels": ("features", "max_dilations", "seed", "channels",
                                       "dilations"),
                           "ridge": ("alpha", "temperature", "max_gram", "seed")}}
"""The keys of a member's description: random kernels and their ridge (a network's
description holds only its name, ``network``)."""
_WHOLE = {"kernels": {"features": 1, "max_dilations": 1, "seed": 0, "channels": 1},
          "ridge": {"max_gram": 1, "seed": 0}}
"""The whole-number fields of a member's kernels and ridge, and the least each may be."""
_PARAMS = ("model", "max_length", "truncating", "tokens", "validation", "time_budget",
           "epochs", "patience", "batch_size", "units", "features", "members", "seed")


def is_classifier_bundle(path: str | Path) -> bool:
    """Whether `path` is a folder holding a classifier bundle."""
    return store.holds(path, DOCUMENT)


def check_target(path: str | Path) -> Path:
    """Fail early, before fitting, when a classifier bundle cannot be written at `path`
    (see `seqlab.bundle.store.check_target`: a folder that is not a classifier bundle is
    never replaced)."""
    return store.check_target(path, "classifier bundle", DOCUMENT)


def save(classifier: SequenceClassifier, path: str | Path, *,
         reader: dict[str, Any] | None = None, keep_previous: bool = False) -> Path:
    """Write the fitted `classifier` to the folder `path` (replacing a classifier bundle
    there, never another folder; with `keep_previous`, the one replaced stays, for
    ``seqlab.bundle.rollback``). `reader` records how its data file was read (format,
    label column, fill), so ``seqlab predict`` reads new files the same way."""
    if not isinstance(classifier, SequenceClassifier):
        raise BundleError(f"The 'classifier' parameter of save must be a fitted "
                          f"seqlab.classify.SequenceClassifier; got "
                          f"{type(classifier).__name__}.")
    classifier.check_fitted()
    path = check_target(path)
    c = classifier
    estimators, tensors = [], {}
    for i, member in enumerate(getattr(c, "members_", [c.estimator_])):
        prefix = f"m{i}."
        if c.model_ == "rocket":
            kernels, ridge = member
            kernel_config, kernel_tensors = kernels.state()
            ridge_config, ridge_tensors = ridge.state()
            estimators.append({"kernels": kernel_config, "ridge": ridge_config})
            tensors.update({prefix + k: v for k, v in {**kernel_tensors, **ridge_tensors}.items()})
        else:
            estimators.append({"network": c.model_})
            tensors.update({f"{prefix}net.{k}": v.detach().cpu().contiguous()
                            for k, v in member.state_dict().items()})
    doc = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "params": {k: getattr(c, k) for k in _PARAMS},
        "classes": c.classes_.tolist(),
        "kind": c.kind_, "channels": c.channels_, "max_length": c.max_length_,
        "mean": None if c.kind_ == "text" else np.asarray(c.mean_).tolist(),
        "scale": None if c.kind_ == "text" else np.asarray(c.scale_).tolist(),
        "vocabulary": None if c.vocabulary_ is None else
        sorted(c.vocabulary_, key=c.vocabulary_.get),
        "chosen": c.model_, "validation_accuracy": dict(c.validation_scores_),
        "members": estimators, "reader": reader or {},
    }
    if math.isfinite(getattr(c, "fit_seconds_", math.nan)):
        doc["fit_seconds"] = round(c.fit_seconds_, 3)
    doc = to_plain_json(doc, "classifier")  # numpy numbers (a seed of np.int64) as JSON's

    def write(folder: Path) -> None:
        write_json(folder / DOCUMENT, doc)
        write_bytes(folder / WEIGHTS, tensors_to_bytes(
            {k: v.contiguous() for k, v in tensors.items()}))

    store.write_version(path, write, keep_previous=keep_previous)
    return path


def _field(doc: dict[str, Any], key: str, kinds: Any, file: Path) -> Any:
    if key not in doc or not isinstance(doc[key], kinds):
        raise BundleError(f"{file}: field {key!r} is missing or malformed (got "
                          f"{doc.get(key)!r:.60}).", file)
    return doc[key]


def _known(doc: dict[str, Any], keys: Any, where: str, file: Path) -> None:
    """A `BundleError` naming `file`, `where` and the keys unless `doc` holds only `keys`
    (as every other bundle's documents: a key no fit writes is a damaged or edited
    bundle, not one to load as if it were not there)."""
    unknown = sorted(str(k) for k in set(doc) - set(keys))
    if unknown:
        raise BundleError(f"{file}: {where} holds unknown key(s) {unknown}; expected only "
                          f"{', '.join(keys)}.", file)


def _check_whole(doc: dict[str, Any], lows: dict[str, int], where: str, file: Path) -> None:
    """A `BundleError` naming `file`, `where` and the field unless each field of `lows` in
    `doc` is a whole number, at least its low (1.0 or true passed as 1 before)."""
    for key, low in lows.items():
        value = doc.get(key)
        if key in doc and (type(value) is not int or value < low):
            raise BundleError(f"{file}: {where} field {key!r} is {value!r:.40}; expected a "
                              f"whole number, {low} or more.", file)


def load(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> SequenceClassifier:
    """The `SequenceClassifier` saved at `path`, ready to predict; nothing in the files is
    executed, and every field is checked."""
    root = Path(path)
    if not root.is_dir():
        raise BundleError(f"The classifier bundle {root} does not exist or is not a folder.",
                          root)
    store.refuse_another_kind(root, DOCUMENT, "classifier bundle (written by seqlab "
                              "classify --out)")
    return store.read_live(root, lambda folder: _read(folder, limits), document=DOCUMENT)


def _read(root: Path, limits: Limits) -> SequenceClassifier:
    file = member_path(root, DOCUMENT, "classifier document")
    doc = read_json(file, limits)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise BundleError(f"{file} is not a seqlab classifier document (format "
                          f"{doc.get('format') if isinstance(doc, dict) else None!r}, expected "
                          f"{FORMAT!r}).", file)
    if doc.get("format_version") != FORMAT_VERSION:
        raise BundleError(f"{file} has format_version {doc.get('format_version')!r}; this "
                          f"seqlab reads {FORMAT_VERSION}. Upgrade seqlab.", file)
    _known(doc, _DOCUMENT, "the document", file)
    params = _field(doc, "params", dict, file)
    unknown = sorted(set(params) - set(_PARAMS))
    if unknown:
        raise BundleError(f"{file}: unknown settings {unknown}.", file)
    classifier = SequenceClassifier(**params)
    try:
        classifier.check_params()
    except ValidationError as error:  # else blamed on a parameter the user never gave
        raise BundleError(f"{file}: 'params' holds a setting no fit writes ({error}); the "
                          "bundle is damaged.", file) from None
    classes = _field(doc, "classes", list, file)
    kinds = {bool if isinstance(c, bool) else int if isinstance(c, int) else
             str if isinstance(c, str) else None for c in classes}
    if len(classes) < 2 or len(kinds) != 1 or None in kinds:
        raise BundleError(f"{file}: 'classes' must list two or more strings, integers or "
                          f"booleans, all of one kind.", file)
    if len(set(classes)) < len(classes):
        raise BundleError(f"{file}: 'classes' names a class twice ({classes!r:.80}).", file)
    classifier.classes_ = np.array(classes)
    classifier.kind_ = _field(doc, "kind", str, file)
    if classifier.kind_ not in ("values", "text"):
        raise BundleError(f"{file}: 'kind' is {classifier.kind_!r}; expected values or text.",
                          file)
    classifier.channels_ = _field(doc, "channels", int, file)
    classifier.max_length_ = _field(doc, "max_length", int, file)
    for key in ("channels", "max_length"):
        if isinstance(doc[key], bool) or doc[key] < 1:
            raise BundleError(f"{file}: {key!r} is {doc[key]!r}; expected a whole number, 1 "
                              "or more.", file)
    if classifier.kind_ == "values":
        try:
            classifier.mean_ = np.array(_field(doc, "mean", list, file), dtype=np.float64)
            classifier.scale_ = np.array(_field(doc, "scale", list, file), dtype=np.float64)
        except (TypeError, ValueError):
            raise BundleError(f"{file}: 'mean' and 'scale' must list numbers.", file) from None
        if classifier.mean_.shape != (classifier.channels_,) or \
                classifier.scale_.shape != (classifier.channels_,):
            raise BundleError(f"{file}: 'mean' and 'scale' need {classifier.channels_} "
                              f"value(s) each.", file)
        if not np.isfinite(classifier.mean_).all() or not (
                np.isfinite(classifier.scale_) & (classifier.scale_ > 0)).all():
            raise BundleError(f"{file}: 'mean' must hold finite numbers and 'scale' finite "
                              f"numbers above 0 (got {classifier.scale_.tolist()!r:.60}).",
                              file)
        # Finite is not enough: (x - mean) / scale is computed for float32 networks and
        # kernels, and a mean of 1e300 or a scale of 1e-300 overflows there (inf, then
        # confident wrong answers). A fit's means and scales are the data's, which float32
        # holds, and its scales are above STD_FLOOR.
        huge = np.abs(classifier.mean_) > FLOAT32_MAX
        if huge.any():
            raise BundleError(f"{file}: 'mean' holds {float(classifier.mean_[huge][0])!r}, beyond "
                              f"what float32 holds (±{FLOAT32_MAX:.3g}); a fit's means are "
                              "within it. The bundle is damaged.", file)
        odd = (classifier.scale_ <= STD_FLOOR) | (classifier.scale_ > FLOAT32_MAX)
        if odd.any():
            raise BundleError(f"{file}: 'scale' holds {float(classifier.scale_[odd][0])!r}; a fit "
                              f"keeps every scale above {STD_FLOOR:g} and within what float32 "
                              f"holds ({FLOAT32_MAX:.3g}). The bundle is damaged.", file)
        classifier.vocabulary_ = None
    else:
        tokens = _field(doc, "vocabulary", list, file)
        char = classifier.tokens == "char"
        if not all(isinstance(t, str) and (len(t) == 1 if char else bool(
                WORD.fullmatch(t)) and t == t.lower()) for t in tokens) \
                or len(set(tokens)) < len(tokens):
            raise BundleError(f"{file}: 'vocabulary' must list distinct "
                              f"{'characters' if char else 'words'} (the classifier splits "
                              f"texts into {classifier.tokens} tokens); got "
                              f"{tokens!r:.80}.", file)
        classifier.vocabulary_ = {t: i + 2 for i, t in enumerate(tokens)}
    chosen = _field(doc, "chosen", str, file)
    if chosen not in MODELS or chosen == "auto":
        raise BundleError(f"{file}: 'chosen' is {chosen!r}; expected one of "
                          f"{', '.join(MODELS[1:])}.", file)
    classifier.model_ = chosen
    scores = _field(doc, "validation_accuracy", dict, file)
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1
               for v in scores.values()):
        raise BundleError(f"{file}: 'validation_accuracy' must map models to accuracies "
                          f"from 0 to 1 (got {scores!r:.60}).", file)
    classifier.validation_scores_ = {str(k): float(v) for k, v in scores.items()}
    classifier.reader_ = _check_reader(_field(doc, "reader", dict, file), classifier.kind_,
                                       file)
    names = classifier.reader_.get("channels")
    if classifier.kind_ == "values" and names is not None and len(names) != classifier.channels_:
        # predict then read new files by place, not by these names, without a word
        raise BundleError(f"{file}: 'reader' field 'channels' names {len(names)} channel(s) "
                          f"{names!r:.80}, but 'channels' is {classifier.channels_}; expected "
                          "one name per channel the classifier reads.", file)
    if "fit_seconds" in doc:  # optional: older bundles did not record it
        seconds = doc["fit_seconds"]
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or \
                not 0 <= seconds < math.inf:
            raise BundleError(f"{file}: 'fit_seconds' is {seconds!r:.40}; expected a number "
                              "of seconds, 0 or more.", file)
        classifier.fit_seconds_ = float(seconds)
    members = _field(doc, "members", list, file)
    if not 1 <= len(members) <= 20 or not all(isinstance(m, dict) for m in members):
        raise BundleError(f"{file}: 'members' must list 1 to 20 model descriptions.", file)
    weights = member_path(root, WEIGHTS, "weights")
    tensors = load_tensors(weights, limits)
    broken = sorted(k for k, v in tensors.items()
                    if v.is_floating_point() and not bool(torch.isfinite(v).all()))
    if broken:  # every prediction would be NaN, every class the first
        raise BundleError(f"{root}: the weights {', '.join(broken[:3])} hold NaN or infinite "
                          f"values; the bundle is damaged.", root)
    stray = sorted(k for k in tensors if not k.startswith(tuple(f"m{i}." for i in
                                                              range(len(members)))))
    if stray:  # another member's, or another file's
        raise BundleError(f"{root}: the weights {', '.join(stray[:3])} belong to none of the "
                          f"{len(members)} member(s) the document describes; the bundle is "
                          "damaged.", root)
    classifier.members_ = []
    for i, estimator in enumerate(members):
        mine = {k[len(f"m{i}."):]: v for k, v in tensors.items() if k.startswith(f"m{i}.")}
        if chosen == "rocket":
            _known(estimator, _MEMBER_KEYS["rocket"], f"member {i}", file)
            for part, keys in _MEMBER_KEYS["rocket"].items():
                if isinstance(estimator.get(part), dict):
                    _known(estimator[part], keys, f"member {i}'s {part!r}", file)
                    _check_whole(estimator[part], _WHOLE[part], f"member {i}'s {part!r}", file)
        else:
            _known(estimator, ("network",), f"member {i}", file)
        try:
            if chosen == "rocket":
                _check_dtypes(mine, dict.fromkeys(mine, torch.float32), f"m{i}.", weights)
                kernels = RandomKernelFeatures.from_state(estimator["kernels"], mine)
                ridge = RidgeClassifier.from_state(estimator["ridge"], mine)
                _check_ridge(ridge, len(classes), i, file)
                _check_kernels(kernels, classifier, ridge.coef_.shape[0], i, file, limits)
                classifier.members_.append((kernels, ridge))
            else:
                if estimator.get("network") != chosen:
                    raise BundleError(f"{file}: member {i} is {estimator.get('network')!r}, "
                                      f"not the chosen {chosen!r}.", file)
                vocabulary = len(classifier.vocabulary_) + 2 if classifier.kind_ == "text" \
                    else None
                net = build_network(chosen, classifier.channels_, len(classes), vocabulary,
                                    classifier.units)
                state = {k[4:]: v for k, v in mine.items() if k.startswith("net.")}
                _check_dtypes(state, {k: v.dtype for k, v in net.state_dict().items()},
                              f"m{i}.net.", weights)
                _check_network_shapes(state, net, f"m{i}.net.", weights, classifier)
                net.load_state_dict(state, strict=True)
                classifier.members_.append(net.eval())
        except (KeyError, TypeError, RuntimeError, ValueError) as error:
            raise BundleError(f"{root}: the weights of member {i} do not fit the model the "
                              f"document describes ({type(error).__name__}: "
                              f"{' '.join(str(error).split())[:200]}).", root) from None
    classifier.estimator_ = classifier.members_[0]
    return classifier


def _check_dtypes(tensors: dict[str, torch.Tensor], dtypes: dict[str, torch.dtype],
                  prefix: str, file: Path) -> None:
    """A `BundleError` unless each of `tensors` (named in `file` with `prefix`) has the
    dtype a fit writes (`dtypes`, by name): the bytes of another dtype were converted on
    loading into numbers no fit made (float32 bytes read as int32 gave weights near 1e9)."""
    odd = next((k for k, v in tensors.items() if k in dtypes and v.dtype != dtypes[k]), None)
    if odd is not None:
        raise BundleError(f"{file}: tensor {prefix + odd!r} is {tensors[odd].dtype}, where a "
                          f"fit writes {dtypes[odd]}; the file is damaged.", file)


def _check_network_shapes(tensors: dict[str, torch.Tensor], net: torch.nn.Module, prefix: str,
                          file: Path, classifier: SequenceClassifier) -> None:
    """A `BundleError` unless each of `tensors` (named in `file` with `prefix`) has the
    shape of the network the document describes (`net`): a document edited to another
    number of channels, classes or words was refused with torch's own size-mismatch text,
    cut short, naming no field of the document."""
    shapes = {k: tuple(v.shape) for k, v in net.state_dict().items()}
    odd = next((k for k, v in tensors.items() if k in shapes and tuple(v.shape) != shapes[k]),
               None)
    if odd is not None:
        words = "" if classifier.vocabulary_ is None else \
            f", a vocabulary of {len(classifier.vocabulary_)}"
        raise BundleError(
            f"{file}: tensor {prefix + odd!r} has shape {tuple(tensors[odd].shape)}, where the "
            f"{classifier.model_} network of {DOCUMENT} ('channels' {classifier.channels_}, "
            f"{len(classifier.classes_)} 'classes', 'units' {classifier.units}{words}) takes "
            f"{shapes[odd]}; the document and the weights do not belong together.", file)


_READER_FIELDS = {"format": str, "layout": str, "fill": str, "label": str,
                  "label_column": str, "columns": int, "label_at": int, "steps": list,
                  "channels": list}
"""The fields of a bundle's 'reader' (how the training file was read, for new data to be
read alike) and their types; each may be null."""


def _check_reader(reader: dict[str, Any], kind: str, file: Path) -> dict[str, Any]:
    """`reader` (the bundle's 'reader' field, of a classifier of `kind`) when each field it
    has is of its type (`_READER_FIELDS`) and what seqlab classify writes: a format of
    `FORMATS` that can hold `kind` (a text classifier's file was a text CSV, or auto), a
    fill of `FILLS`, whole numbers from 1, lists of names; else a `BundleError` naming
    `file` and the field (seqlab predict would otherwise blame an option never given)."""
    def fail(key: str, expected: str) -> BundleError:
        return BundleError(f"{file}: 'reader' field {key!r} is {reader[key]!r:.60}; expected "
                           f"{expected} (how the training file was read).", file)

    _known(reader, _READER_FIELDS, "'reader'", file)
    said = {str: "a string", int: "a whole number", list: "a list"}
    for key, kinds in _READER_FIELDS.items():
        value = reader.get(key)
        if value is not None and (not isinstance(value, kinds) or isinstance(value, bool)):
            raise fail(key, f"{said[kinds]} or null")
    # A text classifier's file was read as text (or auto); a values one's, as any other
    readable = ("auto", "text") if kind == "text" else tuple(f for f in FORMATS if f != "text")
    for key, formats in (("format", readable),
                         ("layout", tuple(f for f in readable if f != "auto"))):
        if reader.get(key) is not None and reader[key] not in formats:
            raise fail(key, f"one of {', '.join(formats)} for a classifier of {kind}")
    if reader.get("fill") is not None and reader["fill"] not in FILLS:
        raise fail("fill", f"one of {', '.join(FILLS)} or null")
    for key in ("columns", "label_at"):
        if reader.get(key) is not None and reader[key] < 1:
            raise fail(key, "a whole number, 1 or more, or null")
    for key in ("steps", "channels"):
        if reader.get(key) is not None and not all(isinstance(n, str) for n in reader[key]):
            raise fail(key, "a list of names or null")
    return reader


TEMPERATURES = (1e-3, 1e3)
"""The softmax temperatures a classifier bundle's ridge may hold: a fit chooses one from
0.01 to 10."""
SCALE_FLOOR = 9.9e-9
"""The smallest feature scale of such a ridge: a fit clamps its scales at 1e-8 (a little
less once stored as float32)."""


def _check_ridge(ridge: RidgeClassifier, classes: int, member: int, file: Path) -> None:
    """A `BundleError` unless member `member`'s `ridge` scores the document's `classes`
    (its coefficients one column per class, its intercept one value each, its feature
    standardisation one value per coefficient row, its softmax temperature above 0)."""
    coef, intercept = ridge.coef_, ridge.intercept_
    features = coef.shape[0] if coef.ndim == 2 else -1
    if coef.ndim != 2 or coef.shape[1] != classes or tuple(intercept.shape) != (classes,):
        raise BundleError(f"{file}: 'classes' lists {classes} classes, but the weights of "
                          f"member {member} score {coef.shape[-1] if coef.ndim else 0} (ridge "
                          f"coefficients {tuple(coef.shape)}, intercept "
                          f"{tuple(intercept.shape)}); the document and the weights do not "
                          "belong together.", file)
    if tuple(ridge.mean_.shape) != (features,) or tuple(ridge.scale_.shape) != (features,):
        raise BundleError(f"{file}: the ridge of member {member} standardises "
                          f"{tuple(ridge.mean_.shape)} features but weighs {features}.", file)
    if not TEMPERATURES[0] <= ridge.temperature_ <= TEMPERATURES[1]:
        raise BundleError(f"{file}: the ridge temperature of member {member} is "
                          f"{ridge.temperature_!r}; a fit chooses one from {TEMPERATURES[0]} "
                          f"to {TEMPERATURES[1]}.", file)
    if not bool((ridge.scale_ >= SCALE_FLOOR).all()):
        raise BundleError(f"{file}: the ridge of member {member} scales a feature by "
                          f"{float(ridge.scale_.min())!r}; a fit keeps every scale at "
                          f"{SCALE_FLOOR:g} or more.", file)


def _check_kernels(kernels: RandomKernelFeatures, classifier: SequenceClassifier,
                   weighed: int, member: int, file: Path, limits: Limits) -> None:
    """A `BundleError` unless member `member`'s random kernels are what a fit on the
    document's channels and lengths makes: two views (the values and their differences),
    each of whole dilations within the longest sequence, 84 kernels a dilation with a
    channel mask of 0s and 1s and the same number of biases each, and as many features
    in all as the ridge weighs (`weighed`)."""
    def fail(what: str) -> BundleError:
        return BundleError(f"{file}: the random kernels of member {member} {what}; the "
                           "document and the weights do not belong together.", file)

    if kernels.channels_ != classifier.channels_ or len(kernels.views_) != 2:
        raise fail(f"read {kernels.channels_!r} channels in {len(kernels.views_)} views, "
                   f"where the classifier reads {classifier.channels_} in 2")
    # A fit's dilations span the longest sequence: at most (longest - 1) / 8.
    widest = max(1, (max(9, classifier.max_length_) - 1) // 8)
    features = 0
    for view in kernels.views_:
        per = {tuple(b.shape[1:]) for b in view.biases}
        if not view.dilations or not all(1 <= d <= widest for d in view.dilations) or \
                len(per) != 1:
            raise fail(f"have dilations {view.dilations!r:.60} and biases of shapes {per}, "
                       f"where a fit makes dilations from 1 to {widest} (the longest "
                       "sequence's eighth), 84 kernels of the same number of biases each")
        if 84 * (8 * max(view.dilations) + 1) > limits.max_elements:  # padding per sequence
            raise fail(f"have a dilation of {max(view.dilations)}, whose padding alone "
                       f"passes the cap of {limits.max_elements} elements; if the bundle "
                       "is genuine, load it with larger `limits`")
        for mask, biases in zip(view.channel_masks, view.biases, strict=True):
            if tuple(mask.shape) != (84, classifier.channels_) or \
                    biases.ndim != 2 or biases.shape[0] != 84 or biases.shape[1] < 1 or \
                    not bool(((mask == 0) | (mask == 1)).all()):
                raise fail(f"hold a channel mask of shape {tuple(mask.shape)} and biases of "
                           f"shape {tuple(biases.shape)}, where a fit makes masks of 0s and "
                           f"1s of shape (84, {classifier.channels_}) and biases of shape "
                           "(84, at least 1)")
            features += biases.numel()
    if features != weighed:
        raise fail(f"make {features} features, where the ridge weighs {weighed}")
