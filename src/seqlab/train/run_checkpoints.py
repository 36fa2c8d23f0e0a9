"""One checkpoint folder per run of a command that writes a bundle, so runs never share one.

`seqlab train --out W` and `seqlab train-text --out W` keep their checkpoints under
``W.checkpoint/``: each run in its own folder ``run-<UTC start>-<random>``, locked
(``.run-….lock`` beside it, an OS lock the kernel drops when the process dies) for as long
as the run lasts. Two runs at once therefore write two checkpoints, and the first to finish
removes only its own.

``--resume`` takes the checkpoint written last (by the modification time of its
``checkpoint.json``) among the runs no live process holds, locks it and continues in that
folder; a run still going is never resumed a second time. Folders that hold no checkpoint
and no live run (a run that failed before its first checkpoint) are removed on the way.
A checkpoint written by seqlab before this layout (``checkpoint.json`` directly in
``W.checkpoint``) is moved into a run folder of its own and resumed like the others.

Under torchrun, rank 0 chooses and locks the folder and tells the others its name.
"""

from __future__ import annotations

import os
import secrets
import shutil
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock, Timeout

from seqlab.errors import CheckpointError, OutputError
from seqlab.train.distributed import World

__all__ = ["RunCheckpoint", "claim_run_checkpoint"]

_DOCUMENT = "checkpoint.json"
_LEGACY_FILES = ("checkpoint.json", "train-text.json")


class RunCheckpoint:
    """This run's checkpoint folder `path`, held (on rank 0) until `release` or `finish`."""

    def __init__(self, root: Path, path: Path, lock: FileLock | None):
        self.root, self.path, self._lock = root, path, lock

    def finish(self) -> None:
        """The run is done: remove its checkpoint (and ``W.checkpoint`` once empty)."""
        if self._lock is None:
            return
        shutil.rmtree(self.path, ignore_errors=True)
        self.release()

    def release(self) -> None:
        """Let the folder go (for a later ``--resume``); a folder left without a checkpoint
        is removed, as it holds nothing to resume."""
        if self._lock is None:
            return
        if self.path.is_dir() and not (self.path / _DOCUMENT).is_file():
            shutil.rmtree(self.path, ignore_errors=True)
        if not self.path.exists():
            Path(self._lock.lock_file).unlink(missing_ok=True)
        self._lock.release()
        self._lock = None
        try:
            self.root.rmdir()  # only when no other run's folder is left
        except OSError:
            pass

    def __enter__(self) -> RunCheckpoint:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def claim_run_checkpoint(root: str | Path, *, resume: bool, world: World) -> RunCheckpoint:
    """This run's checkpoint folder under `root` (``W.checkpoint``): a new one, or with
    `resume` the one written last that no live run holds (see the module docstring). A
    `CheckpointError` says when there is nothing to resume."""
    root = Path(root)
    claimed, error = None, None
    if world.main:
        try:
            claimed = _resume(root) if resume else _new(root)
        except (CheckpointError, OutputError) as failed:
            error = failed
    name = world.broadcast_text(None if claimed is None else claimed.path.name)
    if error is not None:
        raise error
    if name is None:
        raise CheckpointError(f"Process 0 found no checkpoint under {root} to resume (its "
                              f"output says why).", root)
    return claimed if claimed is not None else RunCheckpoint(root, root / name, None)


def _lock_of(root: Path, name: str) -> FileLock:
    return FileLock(root / f".{name}.lock", timeout=0)


def _try_lock(root: Path, name: str) -> FileLock | None:
    lock = _lock_of(root, name)
    try:
        lock.acquire()
    except Timeout:
        return None
    return lock


def _new(root: Path) -> RunCheckpoint:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    name = f"run-{stamp}-{secrets.token_hex(4)}"
    try:
        root.mkdir(parents=True, exist_ok=True)
        lock = _try_lock(root, name)  # before the folder, so it is never seen unlocked
        if lock is None:
            raise OSError(f"the lock {root / ('.' + name + '.lock')} is held")
        (root / name).mkdir()
    except OSError as error:
        raise OutputError(f"Could not create the checkpoint folder {root / name}: "
                          f"{error.strerror or error}.") from None
    return RunCheckpoint(root, root / name, lock)


def _resume(root: Path) -> RunCheckpoint:
    if not root.is_dir():
        raise CheckpointError(
            f"There is no checkpoint at {root}: nothing to resume (a finished run removes its "
            f"checkpoint). Run again without --resume.", root)
    _adopt_legacy(root)
    held, found = 0, []
    for folder in root.iterdir():
        if not folder.name.startswith("run-") or not folder.is_dir() or folder.is_symlink():
            continue
        lock = _try_lock(root, folder.name)
        if lock is None:
            held += 1  # a live run's
            continue
        document = folder / _DOCUMENT
        if document.is_file():
            found.append((document.stat().st_mtime_ns, folder.name))
        else:  # a run that ended before its first checkpoint: nothing to resume
            shutil.rmtree(folder, ignore_errors=True)
            Path(lock.lock_file).unlink(missing_ok=True)
        lock.release()
    for _, name in sorted(found, reverse=True):
        lock = _try_lock(root, name)  # another --resume may have taken it meanwhile
        if lock is not None and (root / name / _DOCUMENT).is_file():
            return RunCheckpoint(root, root / name, lock)
        if lock is not None:
            lock.release()
    busy = (f"; {held} checkpoint(s) there belong to runs still going, which are not resumed "
            f"twice" if held else "")
    raise CheckpointError(
        f"There is no checkpoint at {root} to resume{busy}. A finished run removes its "
        f"checkpoint. Run again without --resume.", root)


def _adopt_legacy(root: Path) -> None:
    """Move a checkpoint written directly in `root` (seqlab before run folders) into a run
    folder of its own, under a lock so two resumes do not split it."""
    if not (root / _DOCUMENT).is_file():
        return
    guard = FileLock(root / ".legacy.lock", timeout=60)
    with guard:
        if not (root / _DOCUMENT).is_file():
            return
        run = _new(root)
        try:
            tensors = [p.name for p in root.glob("checkpoint*.safetensors") if p.is_file()]
            for name in [*_LEGACY_FILES, *tensors]:  # the JSON first: then only there
                if (root / name).is_file():
                    os.replace(root / name, run.path / name)
        finally:
            run.release()
            Path(guard.lock_file).unlink(missing_ok=True)
