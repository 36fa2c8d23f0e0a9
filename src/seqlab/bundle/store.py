"""Atomic replacement of a bundle, one writer at a time, and the previous version kept for
rollback.

A bundle path is a folder holding complete version folders (``v-<time>-<random>``) and a
small pointer file, ``CURRENT``, naming the live one (and the previous one, when kept).
A save writes a whole new version folder under a temporary name, fsyncs it, renames it
into place, then replaces ``CURRENT`` with ``os.replace`` (atomic). A crash or SIGKILL at
any moment therefore leaves ``CURRENT`` naming either the old or the new complete version,
never a half-written one. A first save builds the whole folder beside the target and
renames it into place.

Writers. Every write (:func:`write_version`, :func:`rollback`) holds an inter-process lock
(:class:`filelock.FileLock`) on the lock file ``.<name>.lock`` beside the bundle, so it
works for a fresh path as well as an existing bundle; the lock file stays there. A second
writer waits for the lock up to `timeout` seconds, then fails with a `BundleError` naming
the path and the timeout; it never writes unlocked. Writes are therefore serialized, and
each one makes a new, complete version live; version names sort in that order (they hold
the UTC time to the microsecond and are always later than every version already there).
A write replaces the live version just as a sequential save would, with one exception that
keeps concurrent writers from losing each other's models: when the version live under the
lock is not the one the save meant to replace (``replaces``; by default whatever was live
when the save was called, ``None`` for a fresh path), another writer committed in between,
and its version is kept as ``previous`` (so ``rollback`` restores it) instead of deleted.
Staging left by a killed writer (``.tmp-*`` and ``.CURRENT.*`` inside the bundle,
``.<name>.tmp-*`` beside it) is removed by the next write, under the lock, when it can only
be stale. Writers that build a whole bundle beside the target before taking the lock (a
forecasting bundle) stage it in :func:`staging_folder` (``.<name>.<hex>.tmp``, with a
``.writer`` record of the process); the next write removes such a folder once its writer
is gone (its process no longer runs on this machine, or, with no record or from another
machine, nothing in it changed for `STALE_STAGING_AGE` seconds), and never a live one.

Readers take no lock. A version folder never changes once it is live, but a save deletes
the version it replaces, possibly while a reader is still reading it; :func:`read_live`
then reads again from the version now live (a few times), and if writers keep replacing
it faster than it can be read, reads once more holding the writers' lock. A reader thus
sees the old or the new version, never a half-deleted one.

A single version folder (one holding ``manifest.json``) also loads on its own.
"""

from __future__ import annotations

import json
import math
import os
import re
import secrets
import shutil
import socket
import stat
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

from filelock import FileLock, Timeout

from seqlab._io import (
    BUNDLE_POINTER,
    BUNDLE_STORE_FORMAT,
    check_output_path,
    read_json_file,
    umask_mode,
)
from seqlab.bundle.files import fsync_dir, read_json, write_json
from seqlab.errors import BundleError, OutputError, SeqlabError

__all__ = ["POINTER", "MANIFEST", "STORE_FORMAT_VERSION", "DEFAULT_LOCK_TIMEOUT", "resolve",
           "write_version", "rollback", "read_pointer", "live_version", "read_live", "describe",
           "refuse_version_folder", "lock_path", "staging_folder", "remove_stale_staging",
           "STALE_STAGING_AGE", "other_kind"]

POINTER = BUNDLE_POINTER
MANIFEST = "manifest.json"
STORE_FORMAT = BUNDLE_STORE_FORMAT
STORE_FORMAT_VERSION = 1
DEFAULT_LOCK_TIMEOUT = 60.0
"""Seconds a writer waits for another writer of the same bundle path before giving up."""
_VERSION_NAME = re.compile(r"^v-[A-Za-z0-9_-]{1,80}$")
_STAMP = re.compile(r"^v-(\d{8}T\d{12})-")
_STAMP_FORMAT = "%Y%m%dT%H%M%S%f"
_OPTIMISTIC_READS = 5
STALE_STAGING_AGE = 3600.0
"""Seconds without a change after which a staging folder whose writer cannot be checked
(no ``.writer`` record, or one from another machine) counts as abandoned."""
_WRITER_RECORD = ".writer"
_CALL = object()  # `replaces` default: whatever is live when write_version is called
T = TypeVar("T")


def _new_version_name(existing: list[str]) -> str:
    """A version name later (in sort order) than every name in `existing`."""
    moment = datetime.now(timezone.utc)
    latest = max(existing, default=None)
    match = _STAMP.match(latest) if latest is not None else None
    if match:
        last = datetime.strptime(match.group(1), _STAMP_FORMAT).replace(tzinfo=timezone.utc)
        moment = max(moment, last + timedelta(microseconds=1))
    return f"v-{moment.strftime(_STAMP_FORMAT)}-{secrets.token_hex(4)}"


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


def resolve(path: str | Path, document: str = MANIFEST) -> Path:
    """The folder holding the live version's `document` (a model bundle's
    ``manifest.json``; a forecasting or classifier bundle's own document): the live version
    of a store, or `path` itself when it is one version folder."""
    path = Path(path)
    try:
        if not path.exists():
            raise BundleError(f"No bundle at {path}: the path does not exist.", path)
        if not path.is_dir():
            raise BundleError(f"{path} is a file; a bundle is a folder (see seqlab.bundle.save).",
                              path)
        if os.path.lexists(path / POINTER):
            return _version_dir(path, read_pointer(path)["current"])
        if os.path.lexists(path / document):
            return path
    except OSError as error:
        raise BundleError(f"Could not read the bundle {path}: {error}.", path) from None
    raise BundleError(f"{path} is not a seqlab bundle: it holds neither {POINTER} nor "
                      f"{document}.", path)


def live_version(path: str | Path) -> str | None:
    """The name of the version live at `path` now, or None when there is no bundle store
    there (a fresh path, or a single version folder)."""
    try:
        return read_pointer(Path(path))["current"]
    except (OSError, BundleError):
        return None


def holds(path: str | Path, name: str) -> bool:
    """Whether the bundle at `path` holds the file `name`: in its live version when it is
    a store, else in the folder itself (what tells a forecasting or classifier bundle from
    a model bundle)."""
    path = Path(path)
    if (path / name).is_file():
        return True
    live = live_version(path)
    return live is not None and (path / live / name).is_file()


OTHER_KINDS = {
    "forecast.json": "a forecasting bundle (written by seqlab forecast --out; "
                     "seqlab.forecast.load reads it)",
    "classifier.json": "a classifier bundle (written by seqlab classify --out; "
                       "seqlab.classify.load reads it)",
}
"""The documents that tell the bundles of other kinds (stores whose live version holds
one of them, and no ``manifest.json``) from model bundles, and what each kind is."""


def other_kind(path: str | Path) -> str | None:
    """What the bundle at `path` is when it is not a model bundle but a bundle of another
    kind (see `OTHER_KINDS`), else None: a model bundle, no bundle, or nothing there."""
    try:
        if holds(path, MANIFEST):
            return None
        return next((kind for document, kind in OTHER_KINDS.items() if holds(path, document)),
                    None)
    except OSError:
        return None


TEXT_MODEL = "char-lm"
"""The `kind` a text model's manifest metadata records (`seqlab train-text`)."""


def model_kind(path: str | Path) -> str | None:
    """The `kind` that the live manifest of the model bundle at `path` records in its
    metadata (`TEXT_MODEL` for a text model), without loading weights; None where it
    records none or cannot be read."""
    try:
        manifest = read_live(Path(path), lambda folder: read_json_file(
            folder / MANIFEST, "bundle manifest"))
    except (SeqlabError, OSError):
        return None
    metadata = manifest.get("metadata") if isinstance(manifest, dict) else None
    kind = metadata.get("kind") if isinstance(metadata, dict) else None
    return kind if isinstance(kind, str) else None


def describe(path: str | Path) -> str | None:
    """What the bundle at `path` is, said when refusing to write a bundle of another kind
    there or to read it as one: a model bundle (a text model's told apart), or a bundle of
    another kind (`OTHER_KINDS`); None for anything else."""
    try:
        if holds(path, MANIFEST):
            if model_kind(path) == TEXT_MODEL:
                return "a text model bundle (written by seqlab train-text; seqlab generate " \
                       "reads it)"
            return "a model bundle (written by seqlab train or seqlab.bundle.save)"
    except OSError:
        return None
    return other_kind(path)


def refuse_another_kind(path: str | Path, document: str, what: str) -> None:
    """Refuse (`BundleError`) to read the bundle at `path` as a `what` (a bundle whose live
    version holds `document`) where it is a bundle of another kind, named as what it is
    (`describe`): reading its live version would name that version folder, which the user
    never gave, and not what the bundle is."""
    kind = describe(path)
    if kind is not None and kind != OTHER_KINDS[document]:
        raise BundleError(f"{path} is {kind}, not a {what}.", path)


def refuse_version_folder(path: str | Path, *, new_path: bool = True) -> None:
    """Refuse to write a bundle into one version folder of a bundle (``BUNDLE/v-...``): a
    save adds its version to the bundle's own folder. `new_path`: a new path is also
    a way out (a save; not an update of that bundle). `path` is made absolute first:
    '.' (or 'v-.../sub/..') in a version folder names it too."""
    given = Path(path)
    path = Path(os.path.abspath(given))
    if _VERSION_NAME.match(path.name) and os.path.lexists(path.parent / POINTER):
        other = ", or a new path" if new_path else ""
        raise BundleError(f"The bundle path {given} is a version folder inside the bundle "
                          f"{path.parent}; a save adds its own version to a bundle: give "
                          f"{path.parent} itself{other}.", given)


def check_target(path: str | Path, what: str, document: str) -> Path:
    """Fail early, before fitting, when a `what` (e.g. "forecasting bundle", a store whose
    live version holds `document`) cannot be written at `path`: an unwritable place, a file,
    or a folder with something else in it. A user's folder, or a bundle of another kind, is
    never replaced."""
    path = check_output_path(path, what, folder=True)
    if path.is_symlink() or path.is_file():
        raise BundleError(f"The bundle path {path} is a file (or a link); a {what} is a "
                          f"folder. Choose another path.", path)
    refuse_version_folder(path)
    if path.is_dir() and not holds(path, document) and any(path.iterdir()):
        kind = describe(path)
        if kind is not None:
            raise BundleError(f"The bundle path {path} is {kind}, not a {what}; refusing to "
                              f"replace it. Choose a new path.", path)
        raise BundleError(f"The bundle path {path} is a folder that is not a {what} (no "
                          f"{document}); refusing to replace it. Choose a new path.", path)
    return path


def lock_path(path: str | Path) -> Path:
    """The lock file writers of the bundle `path` hold: ``.<name>.lock`` beside it."""
    path = Path(os.path.abspath(path))
    return path.parent / f".{path.name}.lock"


def _lock(path: Path, timeout: float | None) -> FileLock:
    """The bundle's writer lock, acquired (waiting up to `timeout` seconds; None: forever)."""
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float))
                                or math.isnan(timeout) or timeout < 0):
        raise BundleError(f"The lock timeout must be a number of seconds >= 0 (or None to wait "
                          f"forever); got {timeout!r}.", path)
    file = lock_path(path)
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(file, timeout=-1 if timeout is None else float(timeout))
        lock.acquire()
    except Timeout:
        raise BundleError(
            f"Could not lock the bundle {path}: another process kept writing it for longer "
            f"than the lock timeout of {timeout:g} s (lock file {file}). Try again when it is "
            f"done, or pass a longer timeout.", path) from None
    except OSError as error:
        raise BundleError(f"Could not lock the bundle {path} (lock file {file}): {error}.",
                          path) from None
    return lock


def staging_folder(path: str | Path) -> Path:
    """A new empty folder beside the bundle `path` to build a whole bundle in before taking
    the lock (``.<name>.<hex>.tmp``), recording this process as its writer so that a later
    write removes it if this process dies, and leaves it while it runs. Raises `OSError`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    staging.mkdir()
    record = {"pid": os.getpid(), "host": socket.gethostname()}
    (staging / _WRITER_RECORD).write_text(json.dumps(record), encoding="utf-8")
    return staging


def _writer_gone(staging: Path) -> bool:
    """Whether the process that filled `staging` is gone (see `staging_folder`)."""
    try:
        record = json.loads((staging / _WRITER_RECORD).read_text(encoding="utf-8"))
        pid, host = record["pid"], record["host"]
        ours = host == socket.gethostname() and isinstance(pid, int) and pid > 0
    except (OSError, ValueError, KeyError, TypeError):
        ours = False
    if ours:
        if pid == os.getpid():
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except OSError:  # alive, someone else's
            return False
        return False
    try:  # no record to check: abandoned when nothing in it changed for a long time
        times = [os.lstat(staging).st_mtime]
        times += [entry.stat(follow_symlinks=False).st_mtime for entry in os.scandir(staging)]
    except OSError:
        return False
    return time.time() - max(times) > STALE_STAGING_AGE


def remove_stale_staging(path: str | Path) -> None:
    """Remove the staging a killed writer of the bundle `path` left; call it holding the
    bundle's lock (as `write_version` does). Staging built outside the lock
    (`staging_folder`) goes only once its writer is gone."""
    _remove_stale_staging(Path(path))


def _remove_stale_staging(path: Path) -> None:
    """Remove what a killed writer left (called holding the lock, so nothing made under the
    lock is live; staging made outside it is checked for its writer)."""
    beside = re.compile(rf"^\.{re.escape(path.name)}\.tmp-[A-Za-z0-9_]{{8}}$")
    outside = re.compile(rf"^\.{re.escape(path.name)}\.[0-9a-f]{{8}}\.tmp$")
    # A bundle moved aside under the lock to swap a new one in; while the target is missing
    # (a swap cut short), it and the new one are all there is: leave both.
    swapped = re.compile(rf"^\.{re.escape(path.name)}\.[0-9a-f]{{8}}\.old$")
    if not os.path.lexists(path):
        try:
            if any(swapped.match(name) for name in os.listdir(path.parent)):
                return
        except OSError:
            return
    folders = [path.parent]
    if os.path.lexists(path / POINTER) and not path.is_symlink():  # never a user's folder
        folders.append(path)
    for folder in folders:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            child = folder / name
            if folder == path.parent and not (beside.match(name) or swapped.match(name) or (
                    outside.match(name) and child.is_dir() and _writer_gone(child))):
                continue
            if folder == path and not name.startswith((".tmp-", f".{POINTER}.")):
                continue
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                try:
                    child.unlink()
                except OSError:
                    pass


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
                  keep_previous: bool = False, timeout: float | None = DEFAULT_LOCK_TIMEOUT,
                  replaces: Any = _CALL) -> Path:
    """Write a new version with ``writer(folder)`` and make it live atomically.

    Holds the bundle's writer lock throughout, waiting up to `timeout` seconds for another
    writer (None: forever) before failing with a `BundleError`. With `keep_previous` the
    version it replaces stays on disk (for :func:`rollback`); otherwise it is deleted once
    the new one is live. `replaces` names the version this write means to replace (None: a
    fresh path); it defaults to the version live when this function is called. If another
    version is live once the lock is held, another writer got there first: its version is
    kept as the previous one whatever `keep_previous` says. Returns the new version folder.
    """
    path = Path(path)
    if replaces is _CALL:
        replaces = live_version(path)
    if not os.path.lexists(path):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise BundleError(f"Could not create the bundle {path}: {error}.", path) from None
    lock = _lock(path, timeout)
    try:
        _remove_stale_staging(path)
        if not os.path.lexists(path):
            return _create(path, writer)
        return _add_version(path, writer, keep_previous, replaces)
    finally:
        lock.release()


def _write_failed(path: Path, error: OSError) -> OutputError:
    """A write of the bundle `path` that the system refused (a full disk, a file too large,
    permissions), as an `OutputError` naming the file: the work failed, not the input."""
    if isinstance(error, SeqlabError):
        return error  # type: ignore[return-value]
    where = f"{error.filename} (bundle {path})" if error.filename else f"the bundle {path}"
    return OutputError(f"Could not write {where}: {error.strerror or error}. Nothing was "
                       f"changed: the version that was live (if any) stays live.")


def _create(path: Path, writer: Callable[[Path], None]) -> Path:
    name = _new_version_name([])
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=path.parent))
        staging.chmod(umask_mode(folder=True))  # the bundle's folder, as mkdir makes one
    except OSError as error:
        raise _write_failed(path, error) from None
    try:
        (staging / name).mkdir()
        writer(staging / name)
        fsync_dir(staging / name)
        _write_pointer(staging, name, None)
        os.rename(staging, path)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise _write_failed(path, error) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    fsync_dir(path.parent)
    return path / name


def _add_version(path: Path, writer: Callable[[Path], None], keep_previous: bool,
                 replaces: str | None) -> Path:
    if path.is_symlink() or not path.is_dir():
        raise BundleError(f"{path} exists and is not a bundle folder; refusing to replace it.",
                          path)
    live = None
    if os.path.lexists(path / POINTER):
        live = read_pointer(path)["current"]
    elif any(path.iterdir()):
        raise BundleError(
            f"{path} is a folder that is not a seqlab bundle store (no {POINTER}); refusing to "
            f"write into it. Save to a new path.", path)
    name = _new_version_name([p.name for p in path.iterdir() if _VERSION_NAME.match(p.name)])
    try:
        staging = Path(tempfile.mkdtemp(prefix=".tmp-", dir=path))
        staging.chmod(umask_mode(folder=True))  # the version's folder, as mkdir makes one
    except OSError as error:
        raise _write_failed(path, error) from None
    try:
        writer(staging)
        fsync_dir(staging)
        os.rename(staging, path / name)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise _write_failed(path, error) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    fsync_dir(path)
    kept = live if keep_previous or live != replaces else None
    try:
        _write_pointer(path, name, kept)
    except OSError as error:
        shutil.rmtree(path / name, ignore_errors=True)  # never made live
        raise _write_failed(path, error) from None
    for child in path.iterdir():
        if _VERSION_NAME.match(child.name) and child.name not in (name, kept):
            shutil.rmtree(child, ignore_errors=True)
    return path / name


def read_live(path: str | Path, read: Callable[[Path], T], *,
              timeout: float | None = DEFAULT_LOCK_TIMEOUT, document: str = MANIFEST) -> T:
    """``read(folder)`` on the live version of the bundle `path`, retried when a writer
    replaced (and deleted) that version while it was being resolved or read.

    Writers delete only versions that ``CURRENT`` no longer names, so a failure while
    ``CURRENT`` still names the version read is the bundle's own fault and is raised at
    once. After a few retries (writers replacing it faster than it can be read) it reads
    once more holding the writers' lock, waiting up to `timeout` seconds. An `OSError`
    becomes a `BundleError`. `document`: the file that tells a version folder of this
    kind of bundle (see `resolve`).
    """
    path = Path(path)
    for _ in range(_OPTIMISTIC_READS):
        seen = live_version(path)  # None: no store (a single version folder, or nothing)
        try:
            return read(resolve(path, document))
        except (BundleError, OSError) as error:
            if seen is None or live_version(path) == seen:
                if isinstance(error, BundleError):
                    raise
                raise BundleError(f"Could not read the bundle {path}: {error}.", path) from None
    lock = _lock(path, timeout)  # writers keep replacing it: hold them off for one read
    try:
        return read(resolve(path, document))
    except OSError as error:
        raise BundleError(f"Could not read the bundle {path}: {error}.", path) from None
    finally:
        lock.release()


def rollback(path: str | Path, *, timeout: float | None = DEFAULT_LOCK_TIMEOUT,
             dry_run: bool = False) -> str:
    """Make the previous version live again (the current one becomes the previous, so a
    second rollback undoes the first). Returns the name of the version now live (with
    `dry_run`, the one that would be, changing nothing).

    Holds the bundle's writer lock like a save (waiting up to `timeout` seconds)."""
    path = Path(path)
    if not os.path.lexists(path / POINTER):
        resolve(path)  # no path, a file, no bundle at all: said as every command says it
        raise BundleError(f"{path} has no {POINTER} file, so no previous version to roll back "
                          f"to.", path)
    lock = _lock(path, timeout)
    try:
        doc = read_pointer(path)
        if doc["previous"] is None:
            raise BundleError(f"{path} keeps no previous version to roll back to (only "
                              f"{doc['current']!r}).", path)
        _version_dir(path, doc["previous"])
        if not dry_run:
            _write_pointer(path, doc["previous"], doc["current"])
    finally:
        lock.release()
    return doc["previous"]
