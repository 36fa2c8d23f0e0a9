"""`load`: rebuild a bundle from its plain files, executing nothing that comes from them.

No pickle, no ``torch.load``, no ``eval``, no imports of names found in a file: the
architecture and pipeline steps resolve through seqlab's own registries, every JSON file
is checked against its schema, every file against the size and hash in the manifest, and
every tensor header against caps and the model's expected shapes before anything is
allocated. Any problem is a `BundleError` that names the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from seqlab.bundle import store
from seqlab.bundle.files import (
    DEFAULT_LIMITS,
    Limits,
    check_member_name,
    member_path,
    read_json,
    sha256_of,
)
from seqlab.bundle.optim import check_optimizer_doc, check_optimizer_header, restore_optimizer
from seqlab.bundle.predictor import Predictor
from seqlab.bundle.saving import FILE_NAMES, FORMAT, FORMAT_VERSION, TEXT_MODEL
from seqlab.bundle.schema import (
    check_history,
    check_metadata,
    check_pipeline_fits,
    check_trainer_config,
)
from seqlab.bundle.tensors import check_shapes, load_tensors, read_header
from seqlab.data.pipeline import Pipeline
from seqlab.errors import BundleError, SeqlabError, ValidationError
from seqlab.models.building import build, check_model_size
from seqlab.models.spec import ARCHITECTURES, ModelSpec
from seqlab.train.config import TrainerConfig
from seqlab.train.history import History
from seqlab.train.trainer import Trainer

__all__ = ["load", "Bundle"]

_MANIFEST_KEYS = {"format", "format_version", "seqlab_version", "torch_version", "created",
                  "files", "metadata"}
_REQUIRED = ("spec", "weights")
_DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16",
           torch.bfloat16: "BF16", torch.int64: "I64", torch.int32: "I32", torch.uint8: "U8",
           torch.bool: "BOOL"}


@dataclass
class Bundle:
    """A loaded bundle: the model, its pipeline, training config, history and notes.

    ``predict``, ``predict_proba``, ``predict_classes`` and ``forecast`` delegate to
    :attr:`predictor`; :meth:`trainer` rebuilds a `Trainer` (optimizer state restored when
    the bundle kept it) to resume training.
    """

    path: Path
    folder: Path
    manifest: dict[str, Any]
    spec: ModelSpec
    model: nn.Module
    pipeline: Pipeline
    trainer_config: TrainerConfig = field(default_factory=TrainerConfig)
    history: History = field(default_factory=History)
    optimizer: torch.optim.Optimizer | None = None

    def __post_init__(self) -> None:
        self.predictor = Predictor(self.model, self.pipeline,
                                   stateful=self.trainer_config.stateful)

    @property
    def trainer_config_kept(self) -> bool:
        """Whether the bundle holds its training configuration (else `trainer_config` is
        the defaults for the spec's task)."""
        return "trainer" in self.manifest.get("files", {})

    @property
    def metadata(self) -> dict[str, Any]:
        """The notes stored at save time."""
        return dict(self.manifest.get("metadata") or {})

    def predict(self, data: Any) -> Any:
        """See :meth:`Predictor.predict`."""
        return self.predictor.predict(data)

    def predict_proba(self, data: Any) -> Any:
        """See :meth:`Predictor.predict_proba`."""
        return self.predictor.predict_proba(data)

    def predict_classes(self, data: Any) -> Any:
        """See :meth:`Predictor.predict_classes`."""
        return self.predictor.predict_classes(data)

    def forecast(self, series: Any) -> Any:
        """See :meth:`Predictor.forecast`."""
        return self.predictor.forecast(series)

    def trainer(self, **overrides: Any) -> Trainer:
        """A Trainer over this bundle's model with its saved configuration (`overrides` such
        as ``lr=1e-4`` or ``device='cuda'`` win) and, when saved, the optimizer state."""
        device = overrides.pop("device", "cpu")
        trainer = Trainer(self.model, self.trainer_config, device=device, **overrides)
        if self.optimizer is not None and trainer.optimizer_name == self.manifest_optimizer():
            trainer.optimizer.load_state_dict(self.optimizer.state_dict())
            if "lr" in overrides:
                trainer.lr = overrides["lr"]
        return trainer

    def manifest_optimizer(self) -> str | None:
        """The registry name of the saved optimizer state (None when not saved)."""
        from seqlab.bundle.optim import optimizer_name

        return None if self.optimizer is None else optimizer_name(self.optimizer)


def _check_manifest(doc: Any, path: Path) -> dict[str, Any]:
    if not isinstance(doc, dict):
        raise BundleError(f"{path} must hold a JSON object.", path)
    unknown = sorted(set(doc) - _MANIFEST_KEYS)
    if unknown:
        raise BundleError(f"{path} has unknown key(s) {unknown}; known: {sorted(_MANIFEST_KEYS)}.",
                          path)
    if doc.get("format") != FORMAT:
        raise BundleError(f"{path}: format is {doc.get('format')!r}, expected {FORMAT!r}.", path)
    version = doc.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BundleError(f"{path}: format_version {version!r} is not a positive int.", path)
    if version > FORMAT_VERSION:
        raise BundleError(
            f"{path}: bundle format version {version} is newer than this seqlab reads "
            f"({FORMAT_VERSION}; saved by seqlab {doc.get('seqlab_version')!r}). Upgrade "
            f"seqlab to load it.", path)
    files = doc.get("files")
    if not isinstance(files, dict):
        raise BundleError(f"{path}: 'files' must be an object of role -> file entry.", path)
    for role in _REQUIRED:
        if role not in files:
            raise BundleError(f"{path}: the manifest lists no {role!r} file.", path)
    for role, entry in files.items():
        if role not in FILE_NAMES:
            raise BundleError(f"{path}: unknown file role {role!r}; known roles are "
                              f"{sorted(FILE_NAMES)}.", path)
        ok = isinstance(entry, dict) and set(entry) == {"name", "sha256", "bytes"} and isinstance(
            entry["sha256"], str) and isinstance(entry["bytes"], int)
        if not ok:
            raise BundleError(f"{path}: file entry {role!r} must be {{name, sha256, bytes}}; got "
                              f"{entry!r}.", path)
        check_member_name(path.parent, entry["name"], role)
        suffix = Path(FILE_NAMES[role]).suffix
        if not isinstance(entry["name"], str) or not entry["name"].endswith(suffix):
            raise BundleError(
                f"{path}: the {role} file is {entry['name']!r}, but a {role} file must be a "
                f"'{suffix}' file. Bundles hold JSON and safetensors only (never pickles).", path)
    if ("optimizer" in files) != ("optimizer_tensors" in files):
        raise BundleError(f"{path}: optimizer state needs both its JSON and its tensors.", path)
    check_metadata(doc.get("metadata"), str(path))
    return doc


def _verified(folder: Path, files: dict[str, Any], role: str, limits: Limits) -> Path:
    entry = files[role]
    file = member_path(folder, entry["name"], role)
    size = file.stat().st_size
    if size != entry["bytes"]:
        raise BundleError(
            f"{file} has {size} bytes but the manifest recorded {entry['bytes']} (truncated, "
            f"replaced or corrupted).", file)
    cap = limits.max_weights_bytes if file.suffix == ".safetensors" else limits.max_json_bytes
    if size > cap:
        raise BundleError(f"{file} is {size} bytes, above the cap of {cap} bytes. If the file "
                          f"is genuine, load with larger `limits`.", file)
    if sha256_of(file) != entry["sha256"]:
        raise BundleError(
            f"{file} does not match the SHA-256 recorded in the manifest: it was changed after "
            f"saving (tampered with or corrupted).", file)
    return file


def _spec(doc: Any, file: Path) -> ModelSpec:
    if not isinstance(doc, dict):
        raise BundleError(f"{file} must hold a JSON object (a ModelSpec).", file)
    architecture = doc.get("architecture", "recurrent")
    if architecture not in ARCHITECTURES:
        raise BundleError(
            f"{file}: unknown architecture {architecture!r}. Bundles name one of seqlab's own "
            f"architectures ({', '.join(ARCHITECTURES)}); code is never imported from a bundle.",
            file)
    try:
        return ModelSpec.from_dict(doc)
    except (SeqlabError, TypeError, ValueError) as error:
        raise BundleError(f"{file}: not a valid ModelSpec: {error}", file) from None


def _model(spec: ModelSpec, file: Path, limits: Limits) -> nn.Module:
    try:
        check_model_size(spec, limits.max_elements)
    except ValidationError as error:
        raise BundleError(f"{file}: {error}", file) from None
    header = read_header(file, limits)  # caps checked before anything is built
    with torch.device("meta"):
        skeleton = build(spec)
    expected = {k: tuple(v.shape) for k, v in skeleton.state_dict().items()}
    check_shapes(file, header, expected, "the spec's model")
    for name, tensor in skeleton.state_dict().items():
        want = _DTYPES.get(tensor.dtype)
        if header[name][0] != want:
            raise BundleError(f"{file}: tensor {name!r} is {header[name][0]}, expected {want}.",
                              file)
    model = build(spec)
    tensors = load_tensors(file, limits, expected, "the spec's model")
    for name, tensor in tensors.items():
        if tensor.is_floating_point() and not torch.isfinite(tensor).all():
            raise BundleError(
                f"{file}: tensor {name!r} holds NaN or infinity; a model with non-finite "
                f"weights predicts nothing but NaN. Retrain it (or roll back to the previous "
                f"version).", file)
    model.load_state_dict(tensors, strict=True)
    model.eval()
    return model


def _parse(file: Path, limits: Limits, parse: Any, what: str) -> Any:
    doc = read_json(file, limits)
    try:
        return parse(doc)
    except BundleError:
        raise
    except (SeqlabError, TypeError, ValueError, KeyError) as error:
        raise BundleError(f"{file}: not a valid {what}: {error}", file) from None


def load(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> Bundle:
    """Load the bundle at `path` (its live version) and rebuild everything it holds.

    Refused with `BundleError` (naming the file and the problem): missing files, files changed
    after saving, unknown architectures or step types, unknown config keys, code references,
    paths leaving the bundle, files or tensors above `limits`, shapes that do not fit the spec,
    and formats newer than this seqlab.

    Safe beside concurrent saves: it loads the version live before or after a save, never a
    mix, and never fails because a save deleted the version it was reading (see
    :func:`seqlab.bundle.store.read_live`). Any `OSError` is reported as a `BundleError`.
    """
    path = Path(path)
    return store.read_live(path, lambda folder: _load_version(path, folder, limits))


def _check_characters(pipeline: Pipeline, file: Path) -> None:
    """A character model's vocabulary holds characters: one each, as text (no lone
    surrogate: train-text reads its corpus as strict UTF-8, and generate could not print
    one, blaming the terminal's encoding)."""
    encoder = pipeline.encoder
    if encoder is None or not encoder.is_fitted():
        return
    odd = [s for s in encoder.vocabulary_.symbols if not (
        isinstance(s, str) and len(s) == 1 and not "\ud800" <= s <= "\udfff")]
    if odd:
        raise BundleError(f"{file}: the vocabulary of a character model holds {odd[0]!r:.40}, "
                          f"not one character; the bundle is damaged.", file)


def _load_version(path: Path, folder: Path, limits: Limits) -> Bundle:
    kind = store.other_kind(folder)
    if kind is not None:
        raise BundleError(f"{path} is {kind}, not a model bundle (seqlab train, seqlab "
                          f"train-text, seqlab.bundle.save): it has no {store.MANIFEST}.", path)
    manifest_file = member_path(folder, store.MANIFEST, "manifest")
    manifest = _check_manifest(read_json(manifest_file, limits), manifest_file)
    files = manifest["files"]
    verified = {role: _verified(folder, files, role, limits) for role in files}
    spec = _spec(read_json(verified["spec"], limits), verified["spec"])
    model = _model(spec, verified["weights"], limits)
    pipeline = Pipeline()
    if "pipeline" in verified:
        pipeline = _parse(verified["pipeline"], limits, Pipeline.from_dict, "pipeline")
    if "pipeline" in verified:
        check_pipeline_fits(spec, pipeline, verified["pipeline"])
        if (manifest.get("metadata") or {}).get("kind") == TEXT_MODEL:
            _check_characters(pipeline, verified["pipeline"])
    config = TrainerConfig(task=spec.task)
    if "trainer" in verified:
        config = check_trainer_config(read_json(verified["trainer"], limits), verified["trainer"])
        if (config.task or spec.task) != spec.task:
            raise BundleError(f"{verified['trainer']}: task {config.task!r} differs from the "
                              f"spec's {spec.task!r}.", verified["trainer"])
    history = History()
    if "history" in verified:
        history = check_history(read_json(verified["history"], limits), verified["history"])
    optimizer = None
    if "optimizer" in verified:
        doc = read_json(verified["optimizer"], limits)
        check_optimizer_doc(doc, model, verified["optimizer"])
        tensor_file = verified["optimizer_tensors"]
        check_optimizer_header(read_header(tensor_file, limits), model, tensor_file, doc["name"])
        optimizer = restore_optimizer(doc, load_tensors(tensor_file, limits), model, tensor_file)
    return Bundle(path, folder, manifest, spec, model, pipeline, config, history, optimizer)
