"""Atomic replacement of a bundle, and the previous version kept for rollback.

A bundle path is a folder holding complete version folders (``v-<time>-<random>``) and a
small pointer file, ``CURRENT``, naming the live one (and the previous one, when kept).
A save writes a whole new version folder under a temporary name, fsyncs it, renames it
into place, then replaces ``CURRENT`` with ``os.replace`` (atomic). A crash or SIGKILL at
any moment therefore leaves ``CURRENT`` naming either the old or the new complete version,
never a half-written one. A first save builds the whole folder beside the target and
renames it into place. One writer at a time per bundle path is assumed.

A single version folder (one holding ``manifest.json``) also loads on its own.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from seqlab.bundle.files import fsync_dir, read_json, write_json
from seqlab.errors import BundleError

__all__ = ["POINTER", "MANIFEST", "STORE_FORMAT_VERSION", "resolve", "write_version", "rollback",
           "read_pointer"]

POINTER = "CURRENT"
MANIFEST = "manifest.json"
STORE_FORMAT = "seqlab-bundle-store"
STORE_FORMAT_VERSION = 1
_VERSION_NAME = re.compile(r"^v-[A-Za-z0-9_-]{1,80}$")


def _new_version_name() -> str:
    return f"v-{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}"


def _check_version_name(name: Any, pointer: Path, key: str) -> str:
    if not isinstance(name, str) or not _VERSION_NAME.match(name):
        raise BundleError(
            f"{pointer}: {key!r} is {name!r}; expected a version folder name like "
            f"'v-20250101T120000-ab12cd34' (no paths). Refusing to look outside the bundle.",
            pointer)
    return name


def read_pointer(path: Path) -> dict[str, Any]:
    """The validated ``CURRENT`` document of the bundle folder `path`."""
    pointer = path / POINTER
    info = os.lstat(pointer)
    if not stat.S_ISREG(info.st_mode):
        raise BundleError(f"{pointer} is not a regular file.", pointer)
    doc = read_json(pointer)
    if not isinstance(doc, dict) or set(doc) != {"format", "format_version", "current",
                                                  "previous"}:
        raise BundleError(f"{pointer} must hold format, format_version, current and previous; "
                          f"got {str(doc)[:120]}.", pointer)
    if doc["format"] != STORE_FORMAT:
        raise BundleError(f"{pointer}: format is {doc['format']!r}, expected {STORE_FORMAT!r}.",
                          pointer)
    version = doc["format_version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BundleError(f"{pointer}: format_version {version!r} is not a positive int.",
                          pointer)
    if version > STORE_FORMAT_VERSION:
        raise BundleError(f"{pointer}: bundle store format {version} is newer than this seqlab "
                          f"reads ({STORE_FORMAT_VERSION}); upgrade seqlab.", pointer)
    _check_version_name(doc["current"], pointer, "current")
    if doc["previous"] is not None:
        _check_version_name(doc["previous"], pointer, "previous")
    return doc


def _version_dir(path: Path, name: str) -> Path:
    folder = path / name
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        raise BundleError(f"{path / POINTER} names version {name!r}, which is missing.",
                          folder) from None
    if not stat.S_ISDIR(info.st_mode):
        raise BundleError(f"{folder} is a link or not a folder; a bundle version is a plain "
                          f"folder.", folder)
    return folder


def resolve(path: str | Path) -> Path:
    """The folder holding the live version's ``manifest.json``."""
    path = Path(path)
    if not path.exists():
        raise BundleError(f"No bundle at {path}: the path does not exist.", path)
    if not path.is_dir():
        raise BundleError(f"{path} is a file; a bundle is a folder (see seqlab.bundle.save).",
                          path)
    if os.path.lexists(path / POINTER):
        return _version_dir(path, read_pointer(path)["current"])
    if os.path.lexists(path / MANIFEST):
        return path
    raise BundleError(f"{path} is not a seqlab bundle: it holds neither {POINTER} nor "
                      f"{MANIFEST}.", path)


def _write_pointer(path: Path, current: str, previous: str | None) -> None:
    doc = {"format": STORE_FORMAT, "format_version": STORE_FORMAT_VERSION, "current": current,
           "previous": previous}
    handle, temporary = tempfile.mkstemp(prefix=f".{POINTER}.", dir=path)
    os.close(handle)
    os.unlink(temporary)
    try:
        write_json(Path(temporary), doc)
        os.replace(temporary, path / POINTER)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    fsync_dir(path)


def write_version(path: str | Path, writer: Callable[[Path], None], *,
                  keep_previous: bool = False) -> Path:
    """Write a new version with ``writer(folder)`` and make it live atomically.

    With `keep_previous` the version it replaces stays on disk (for :func:`rollback`);
    otherwise it is deleted once the new one is live. Returns the new version folder.
    """
    path = Path(path)
    name = _new_version_name()
    if not os.path.lexists(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=path.parent))
        try:
            (staging / name).mkdir()
            writer(staging / name)
            fsync_dir(staging / name)
            _write_pointer(staging, name, None)
            os.rename(staging, path)
        except OSError as error:
            shutil.rmtree(staging, ignore_errors=True)
            raise BundleError(f"Could not create the bundle {path}: {error}.", path) from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        fsync_dir(path.parent)
        return path / name
    if path.is_symlink() or not path.is_dir():
        raise BundleError(f"{path} exists and is not a bundle folder; refusing to replace it.",
                          path)
    previous = None
    if os.path.lexists(path / POINTER):
        previous = read_pointer(path)["current"]
    elif any(path.iterdir()):
        raise BundleError(
            f"{path} is a folder that is not a seqlab bundle store (no {POINTER}); refusing to "
            f"write into it. Save to a new path.", path)
    staging = Path(tempfile.mkdtemp(prefix=".tmp-", dir=path))
    try:
        writer(staging)
        fsync_dir(staging)
        os.rename(staging, path / name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    fsync_dir(path)
    kept = previous if keep_previous else None
    _write_pointer(path, name, kept)
    for child in path.iterdir():
        if _VERSION_NAME.match(child.name) and child.name not in (name, kept):
            shutil.rmtree(child, ignore_errors=True)
    return path / name


def rollback(path: str | Path) -> str:
    """Make the previous version live again (the current one becomes the previous, so a
    second rollback undoes the first). Returns the name of the version now live."""
    path = Path(path)
    if not os.path.lexists(path / POINTER):
        raise BundleError(f"{path} has no {POINTER} file, so no previous version to roll back "
                          f"to.", path)
    doc = read_pointer(path)
    if doc["previous"] is None:
        raise BundleError(f"{path} keeps no previous version to roll back to (only "
                          f"{doc['current']!r}).", path)
    _version_dir(path, doc["previous"])
    _write_pointer(path, doc["previous"], doc["current"])
    return doc["previous"]
