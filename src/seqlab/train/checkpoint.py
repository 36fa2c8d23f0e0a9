"""Training checkpoints: everything needed to continue a run exactly, as JSON + safetensors.

A checkpoint is a folder of two files: a tensor file ``checkpoint-<random>.safetensors``
(weights, optimizer moments, carried recurrent state, random generator states, the weights
callbacks keep) and ``checkpoint.json`` (the position in the data, the history, the
schedule's and the callbacks' counters, the configuration, and the name and SHA-256 of its
tensor file). A new checkpoint writes a new tensor file beside the old pair, flushed to
disk, then replaces the JSON in one rename, and only then deletes the old tensor file: a
kill or a full disk at any moment leaves the last complete checkpoint to resume from.
Reading checks the pair belongs together and refuses a malformed or tampered file with a
`CheckpointError` naming it. Nothing is ever unpickled.

Nested states (an optimizer's ``state_dict``, a tuple of LSTM states) are stored with
`split_tensors`: the tensors go to the tensor file under generated names and the rest,
with those names in their places, to the JSON.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import secrets
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from seqlab._io import fsync_dir, read_json_file, replace_atomically
from seqlab.errors import CheckpointError, OutputError, ValidationError

__all__ = ["CHECKPOINT_FORMAT", "checkpoint_folder", "changed_settings", "split_tensors", "join_tensors", "write_checkpoint",
           "read_checkpoint"]

CHECKPOINT_FORMAT = "seqlab-checkpoint"
CHECKPOINT_VERSION = 1
_TENSOR_FILE, _JSON_FILE = "checkpoint.safetensors", "checkpoint.json"
_TENSOR_NAME = re.compile(r"^checkpoint(-[0-9a-f]{8,32})?\.safetensors$")
"""Tensor file names a checkpoint may name (``checkpoint.safetensors``: before seqlab kept
the previous pair during a write)."""


def checkpoint_folder(out: str | Path) -> Path:
    """Where a command that writes the bundle `out` keeps its run's checkpoint:
    ``OUT.checkpoint`` beside it."""
    out = Path(out)
    return out.with_name(out.name + ".checkpoint")


def changed_settings(saved: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """Each setting of `current` that differs from `saved`, as ``name THEN then, NOW now``:
    what a resume refuses, named."""
    return [f"{key} {saved.get(key)!r} then, {value!r} now"
            for key, value in current.items() if saved.get(key) != value]


def split_tensors(value: Any, prefix: str, tensors: dict[str, torch.Tensor]) -> Any:
    """`value` as plain JSON with each tensor moved into `tensors` (named from `prefix`)
    and replaced by ``{"tensor": name}``; dicts with non-string keys and tuples are tagged
    so `join_tensors` rebuilds them as they were."""
    if isinstance(value, torch.Tensor):
        name = f"{prefix}"
        tensors[name] = value.detach().cpu().contiguous()
        return {"tensor": name}
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {"dict": {k: split_tensors(v, f"{prefix}.{k}", tensors)
                             for k, v in value.items()}}
        return {"items": [[split_tensors(k, f"{prefix}.k{i}", tensors),
                           split_tensors(v, f"{prefix}.{i}", tensors)]
                          for i, (k, v) in enumerate(value.items())]}
    if isinstance(value, (list, tuple)):
        kind = "tuple" if isinstance(value, tuple) else "list"
        return {kind: [split_tensors(v, f"{prefix}.{i}", tensors) for i, v in enumerate(value)]}
    if isinstance(value, float) and not math.isfinite(value):
        return {"float": repr(value)}
    if value is None or isinstance(value, (bool, int, float, str)):
        return {"value": value}
    raise ValidationError(f"A checkpoint cannot hold {type(value).__name__} at {prefix!r}; "
                          f"only tensors, numbers, strings and containers of them.")


def join_tensors(plain: Any, tensors: dict[str, torch.Tensor]) -> Any:
    """The value `split_tensors` took apart."""
    if not isinstance(plain, dict) or len(plain) != 1:
        raise CheckpointError(f"A checkpoint entry is malformed: {str(plain)[:80]}.")
    (kind, body), = plain.items()
    if kind == "tensor":
        if body not in tensors:
            raise CheckpointError(f"its tensor file lacks {body!r}.")
        return tensors[body]
    if kind == "dict":
        return {k: join_tensors(v, tensors) for k, v in body.items()}
    if kind == "items":
        return {join_tensors(k, tensors): join_tensors(v, tensors) for k, v in body}
    if kind in ("list", "tuple"):
        items = [join_tensors(v, tensors) for v in body]
        return tuple(items) if kind == "tuple" else items
    if kind == "float":
        return float(body)
    if kind == "value":
        return body
    raise CheckpointError(f"A checkpoint entry has an unknown kind {kind!r}.")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _replace_into(folder: Path, name: str, write: Any) -> None:
    """``write(temporary)``, flushed, then renamed to `name` (`replace_atomically`); a
    failure is an `OSError` naming the file (safetensors reports one as a SafetensorError with an OS error code)."""
    try:
        replace_atomically(folder / name, write)
    except (OSError, SafetensorError) as error:
        code = getattr(error, "errno", None)
        found = re.search(r"os error (\d+)", str(error))
        if code is None and found:
            code = int(found.group(1))
        why = os.strerror(code) if code else (getattr(error, "strerror", None) or str(error))
        raise OSError(code or 0, why, str(folder / name)) from None


WRITE_ATTEMPTS = 3
"""Tries at writing a checkpoint whose folder vanished meanwhile (removed by hand, or by
a run of an older seqlab that shared it)."""


def _write_pair(folder: Path, document: dict[str, Any], tensors: dict[str, torch.Tensor]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    name = f"checkpoint-{secrets.token_hex(8)}.safetensors"
    _replace_into(folder, name, lambda target: save_file(tensors, target))
    try:
        text = json.dumps({"format": CHECKPOINT_FORMAT, "version": CHECKPOINT_VERSION,
                           "tensors_file": name, "tensors_sha256": _sha256(folder / name),
                           **document}, allow_nan=False)
        _replace_into(folder, _JSON_FILE,
                      lambda target: Path(target).write_text(text, encoding="utf-8"))
    except BaseException:
        (folder / name).unlink(missing_ok=True)  # the previous pair stays the checkpoint
        raise
    fsync_dir(folder)
    _remove_stale(folder, keep=name)


_SAFETENSORS_STAGING = re.compile(r"\.tmp[A-Za-z0-9]{6}")


def _remove_stale(folder: Path, keep: str) -> None:
    """Delete the tensor files the JSON no longer names and staging files a killed write
    left (one writer per checkpoint folder: nothing here is another write's)."""
    for child in folder.iterdir():
        # _replace_into's staging, and safetensors' own (".tmp" and 6 characters, from the
        # Rust tempfile crate it writes through), left by a write killed midway
        staging = child.is_file() and (child.name.startswith(".checkpoint")
                                       or _SAFETENSORS_STAGING.fullmatch(child.name) is not None)
        if staging or (_TENSOR_NAME.match(child.name) and child.name != keep):
            child.unlink(missing_ok=True)


def write_checkpoint(path: str | Path, document: dict[str, Any],
                     tensors: dict[str, torch.Tensor]) -> Path:
    """Write the checkpoint folder `path` (created when missing) from a JSON-plain
    `document` and named `tensors`; returns the folder. Until the new checkpoint is
    complete the previous one stays readable; an `OutputError` naming the folder reports
    a write that failed (a full disk), which leaves the previous one."""
    folder = Path(path)
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            _write_pair(folder, document, tensors)
            return folder
        except OSError as error:
            if folder.is_dir() or attempt == WRITE_ATTEMPTS:
                raise OutputError(
                    f"Could not write {error.filename or folder}: {error.strerror or error}. "
                    f"The checkpoint {folder} keeps its previous state (if it had one).") from None
            # Removed under us: write it again.
    raise AssertionError("unreachable: the last attempt returns or raises")


def _refuse_link(file: Path, folder: Path) -> None:
    """A `CheckpointError` when `file` is a link: a checkpoint writes plain files, and
    reading through a link would read outside its folder."""
    if file.is_symlink():
        raise CheckpointError(f"{file} is a link; a checkpoint holds plain files only. "
                              f"Refusing to read outside {folder}.", file)


def read_checkpoint(path: str | Path) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """The document and tensors of the checkpoint folder `path`, after checking that the
    two files belong together; a `CheckpointError` names the file and what is wrong."""
    folder = Path(path)
    if not (folder / _JSON_FILE).is_file():
        raise CheckpointError(
            f"There is no checkpoint at {folder} (no {_JSON_FILE}): nothing to resume. A run "
            f"writes one when interrupted and at each epoch's end; a finished run removes it.",
            folder)
    json_file = folder / _JSON_FILE
    _refuse_link(json_file, folder)
    try:
        document = read_json_file(json_file, "checkpoint")
    except ValidationError as error:
        raise CheckpointError(str(error), json_file) from None
    if not isinstance(document, dict) or document.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"{json_file} is not a seqlab checkpoint.", json_file)
    if document.get("version") != CHECKPOINT_VERSION:
        raise CheckpointError(f"The checkpoint {folder} has version "
                              f"{str(document.get('version'))[:40]!r}; this seqlab reads "
                              f"version {CHECKPOINT_VERSION}.", json_file)
    name = document.get("tensors_file", _TENSOR_FILE)
    if not isinstance(name, str) or not _TENSOR_NAME.match(name):
        raise CheckpointError(f"{json_file}: 'tensors_file' is {str(name)[:80]!r}; expected a "
                              f"name like 'checkpoint-0123456789abcdef.safetensors' (no "
                              f"paths).", json_file)
    tensor_file = folder / name
    _refuse_link(tensor_file, folder)
    if not tensor_file.is_file() or _sha256(tensor_file) != document.get("tensors_sha256"):
        raise CheckpointError(
            f"The checkpoint {folder} is incomplete: its tensor file {name} is missing or "
            f"does not match its JSON (a write was cut short, or a file was changed). Start "
            f"the run again without resuming.", tensor_file)
    try:
        tensors = load_file(str(tensor_file))
    except (SafetensorError, OSError, ValueError, RuntimeError) as error:
        raise CheckpointError(f"The checkpoint's tensor file {tensor_file} cannot be read: "
                              f"{str(error)[:200]} (truncated, or not safetensors).",
                              tensor_file) from None
    return document, tensors
