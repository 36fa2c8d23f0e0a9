"""`save`: a model, its pipeline, training config, history and (optionally) optimizer state as
a folder of plain files (JSON and safetensors), written atomically, one writer at a time."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import save as safetensors_bytes
from torch import nn

import seqlab
from seqlab._io import check_output_path
from seqlab.bundle import store
from seqlab.bundle.files import sha256_of, to_plain_json, write_bytes, write_json
from seqlab.bundle.optim import split_optimizer_state
from seqlab.bundle.schema import check_metadata, check_pipeline_fits, check_trainer_config
from seqlab.data.pipeline import Pipeline
from seqlab.errors import BundleError, OutputError, SeqlabError, ValidationError
from seqlab.models.spec import ModelSpec
from seqlab.train.config import TrainerConfig
from seqlab.train.history import History
from seqlab.train.trainer import Trainer

__all__ = ["save", "check_target", "check_replaces_alike", "TEXT_MODEL", "FORMAT",
           "FORMAT_VERSION", "FILE_NAMES"]

FORMAT = "seqlab-bundle"
FORMAT_VERSION = 1
FILE_NAMES = {
    "spec": "spec.json",
    "weights": "weights.safetensors",
    "pipeline": "pipeline.json",
    "trainer": "trainer.json",
    "history": "history.json",
    "optimizer": "optimizer.json",
    "optimizer_tensors": "optimizer.safetensors",
}
"""Role -> file name inside a bundle version folder."""


def _pipeline_doc(pipeline: Any, spec: ModelSpec, path: Path) -> dict[str, Any] | None:
    if pipeline is None:
        return None
    if isinstance(pipeline, dict):
        try:
            pipeline = Pipeline.from_dict(pipeline)
        except ValidationError as error:
            raise BundleError(f"The pipeline to save is not valid: {error}") from None
    if not isinstance(pipeline, Pipeline):
        raise BundleError(
            f"The 'pipeline' parameter of save must be a seqlab Pipeline (or its to_dict()); got "
            f"{type(pipeline).__name__}. Custom preprocessing code cannot travel in a bundle.")
    try:  # load would refuse it: save nothing rather than a bundle that cannot be read
        check_pipeline_fits(spec, pipeline, path)
    except BundleError as error:
        raise BundleError(f"Nothing was saved: {error}", path) from None
    return to_plain_json(pipeline.to_dict(), "pipeline")


def _history_doc(history: Any) -> dict[str, Any] | None:
    if history is None:
        return None
    records = history.records if isinstance(history, History) else history
    if isinstance(records, dict) and "records" in records:
        records = records["records"]
    if not isinstance(records, list):
        raise BundleError(f"The 'history' parameter of save must be a History or a list of "
                          f"per-epoch dicts; got {type(history).__name__}.")
    return {"records": to_plain_json(records, "history")}


def check_target(path: str | Path) -> Path:
    """Fail early, before training, when a bundle cannot be written at `path`: its folder
    is missing or read-only, or `path` is a file or a folder that is not a bundle."""
    path = check_output_path(path, "bundle", folder=True)
    if path.is_symlink() or path.is_file():
        raise BundleError(f"The bundle path {path} is a file (or a link); a bundle is a folder. "
                          f"Choose another path.", path)
    store.refuse_version_folder(path)
    if path.is_dir() and not (path / store.POINTER).exists() and any(path.iterdir()):
        raise BundleError(f"The bundle path {path} is a folder that is not a seqlab bundle; "
                          f"refusing to write into it. Choose a new path.", path)
    _refuse_other_kind(path)
    return path


TEXT_MODEL = store.TEXT_MODEL
"""The `kind` a text model's manifest metadata records (`seqlab train-text`)."""


def check_replaces_alike(path: str | Path, text: bool) -> None:
    """Refuse, before training, to replace the model bundle at `path` with a model of the
    other task: a text model (`text`) never replaces a model of series, nor a model of
    series a text model; the save would drop the model there and the work be lost. Read
    from the live version's manifest (its metadata's `kind`), without loading weights."""
    path = Path(path)
    try:
        if not store.holds(path, store.MANIFEST):
            return
    except OSError:
        return  # not a readable bundle: check_target and save say what is wrong
    there = store.model_kind(path) == TEXT_MODEL
    if there != text:
        held, new = ("a text model", "a model of series") if there else \
            ("a model of series", "a text model")
        raise BundleError(f"The bundle path {path} holds {held}, not {new}; refusing to "
                          f"replace it. Choose a new path.", path)


def _refuse_other_kind(path: Path) -> None:
    """A model bundle never replaces a bundle of another kind (a forecasting or classifier
    bundle): its version would be dropped as the one replaced, and the work lost."""
    kind = store.other_kind(path)
    if kind is not None:
        raise BundleError(f"The bundle path {path} is {kind}, not a model bundle; refusing "
                          f"to replace it. Choose a new path.", path)


def save(
    model: nn.Module | Trainer,
    path: str | Path,
    *,
    pipeline: Pipeline | dict | None = None,
    trainer_config: TrainerConfig | dict[str, Any] | None = None,
    history: History | list | None = None,
    optimizer: torch.optim.Optimizer | Trainer | None = None,
    metadata: dict[str, Any] | None = None,
    keep_previous: bool = False,
    timeout: float | None = store.DEFAULT_LOCK_TIMEOUT,
    replaces: Any = store._CALL,
) -> Path:
    """Save `model` and what it needs to predict (and resume training) as a bundle at `path`.

    Parameters
    ----------
    model:
        A module built from a `ModelSpec` (``model.spec``), or a `Trainer`, whose model,
        configuration and history are then taken (unless given).
    pipeline:
        The fitted preprocessing, so the loaded bundle predicts on raw data.
    trainer_config:
        A `TrainerConfig` (or its plain dict form); every field is kept.
    history:
        Per-epoch metrics.
    optimizer:
        An optimizer (or a Trainer) whose state to keep, so training can resume exactly.
    metadata:
        Flat notes (strings, numbers) stored in the manifest.
    keep_previous:
        Keep the version this save replaces, so :func:`seqlab.bundle.rollback` can restore it.
    timeout:
        Seconds to wait while another process writes the same bundle path (None: no limit);
        then a `BundleError` naming the path and the timeout.
    replaces:
        The version this save means to replace (a name from ``CURRENT``, or None for a
        fresh path); by default the version live when `save` is called. A caller that
        decided to save long before (after training, say) passes what was live then.

    The write is atomic: readers (`load`) see either the previous bundle or the new one,
    even if the process is killed midway, and never fail because of it. Saves to one path
    from several processes or threads are serialized by a lock file beside it
    (``.<name>.lock``); each makes a new, complete version live, exactly as if they ran one
    after another, except that a save never silently drops a version another writer made
    live after `replaces`: that version is kept as the previous one (restored by
    ``rollback``) whatever `keep_previous` says. Staging left by a killed save is removed by
    the next one. Returns the folder of the new version.
    """
    _refuse_other_kind(Path(path))
    if isinstance(model, Trainer):
        trainer = model
        model = trainer.model
        if trainer_config is None:
            trainer_config = trainer.settings()
        if history is None:
            history = trainer.history_
    if isinstance(optimizer, Trainer):
        optimizer = optimizer.optimizer
    spec = getattr(model, "spec", None)
    if not isinstance(model, nn.Module) or not isinstance(spec, ModelSpec):
        raise BundleError(
            f"save needs a model built from a ModelSpec (seqlab.models.build); got "
            f"{type(model).__name__}. A custom module's code cannot travel in a bundle: save its "
            f"weights with safetensors and rebuild it yourself.")
    spec_doc = to_plain_json(spec.validate().to_dict(), "spec")
    weights = {k: v.detach().cpu().clone().contiguous() for k, v in model.state_dict().items()}
    docs: dict[str, Any] = {"spec": spec_doc, "pipeline": _pipeline_doc(pipeline, spec, Path(path))}
    if trainer_config is not None:
        if not isinstance(trainer_config, TrainerConfig):
            plain = to_plain_json(trainer_config, "trainer_config")
            trainer_config = check_trainer_config(plain, "trainer_config")
        docs["trainer"] = to_plain_json(trainer_config.validate().to_dict(), "trainer_config")
    docs["history"] = _history_doc(history)
    optimizer_tensors = None
    if optimizer is not None:
        optimizer_tensors, docs["optimizer"] = split_optimizer_state(optimizer)
    notes = check_metadata(to_plain_json(metadata, "metadata"), "metadata")

    def writer(folder: Path) -> None:
        written: dict[str, dict[str, Any]] = {}

        def record(role: str) -> None:
            file = folder / FILE_NAMES[role]
            written[role] = {"name": file.name, "sha256": sha256_of(file),
                             "bytes": file.stat().st_size}

        write_bytes(folder / FILE_NAMES["weights"], safetensors_bytes(weights))
        record("weights")
        if optimizer_tensors is not None:
            write_bytes(folder / FILE_NAMES["optimizer_tensors"],
                        safetensors_bytes(optimizer_tensors))
            record("optimizer_tensors")
        for role, doc in docs.items():
            if doc is not None:
                write_json(folder / FILE_NAMES[role], doc)
                record(role)
        write_json(folder / store.MANIFEST, {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "seqlab_version": seqlab.__version__,
            "torch_version": torch.__version__,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "files": written,
            "metadata": notes,
        })

    try:
        return store.write_version(path, writer, keep_previous=keep_previous,
                                   timeout=timeout, replaces=replaces)
    except OSError as error:
        if isinstance(error, SeqlabError):
            raise
        where = f"{error.filename} (bundle {path})" if error.filename else f"the bundle {path}"
        raise OutputError(f"Could not write {where}: {error.strerror or error}. "
                          f"Nothing was changed: the version that was live stays live.") from None
