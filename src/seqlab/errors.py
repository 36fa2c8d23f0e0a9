"""Every exception seqlab raises on purpose.

Hierarchy::

    SeqlabError
    ├── ValidationError (also ValueError)      bad argument, array shape or value
    │   ├── UnknownNameError (also KeyError)   a name not in a registry (loss, optimizer, recipe …)
    │   └── CheckpointError                    a training checkpoint that is missing, malformed,
    │                                          tampered with or of another run
    ├── NotFittedError (also ValueError)       a transform used before `fit`
    ├── StatefulLayoutError (also ValueError)  data that cannot be laid out for stateful training
    ├── TrainingDivergedError (also RuntimeError)  the loss became non-finite or exploded
    ├── BundleError                            a saved bundle that is missing, malformed or unsafe
    ├── OutputError (also OSError)             a result could not be written (disk full,
    │                                          permission, missing folder)
    ├── ProcessGroupError (also RuntimeError)  another data-parallel process died or stalled
    ├── WorkerError (also RuntimeError)        a pool of worker processes stopped early
    └── TrainingInterrupted                    SIGINT/SIGTERM stopped training after a
                                               checkpoint was written

Catch `SeqlabError` to handle them all. Each class carries the `exit_code` the `seqlab`
command ends with: 2 for bad input (the default), 1 for a failure of the work itself. `DivergenceWarning` (a UserWarning) reports a
divergence that training recovered from by rolling back.
"""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches
from typing import Any

__all__ = [
    "SeqlabError",
    "ValidationError",
    "UnknownNameError",
    "CheckpointError",
    "NotFittedError",
    "StatefulLayoutError",
    "TrainingDivergedError",
    "DivergenceWarning",
    "BundleError",
    "OutputError",
    "ProcessGroupError",
    "TrainingInterrupted",
    "WorkerError",
]


class SeqlabError(Exception):
    """Base class of all errors raised by seqlab."""

    exit_code = 2


class ValidationError(SeqlabError, ValueError):
    """An argument, array shape or value is not what seqlab expects."""


class UnknownNameError(ValidationError, KeyError):
    """A name (loss, optimizer, cell, recipe …) that no registry knows.

    The message lists the valid names and the close ones (or is `message`, where the
    registry's own wording says more).
    """

    def __init__(self, kind: str, name: Any, valid: Iterable[str], message: str | None = None):
        self.kind = kind
        self.name = name
        self.valid = sorted(set(valid))
        close = get_close_matches(str(name), self.valid, n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        super().__init__(
            message or f"Unknown {kind} {name!r}.{hint} Valid names: {', '.join(self.valid)}."
        )

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0])


class CheckpointError(ValidationError):
    """A training checkpoint that cannot be resumed from: missing, malformed, tampered
    with, or out of range for the run (an epoch or batch it cannot have reached).

    `file` names the offending file or folder; the message says what is wrong.
    """

    def __init__(self, message: str, file: Any = None):
        super().__init__(message)
        self.file = None if file is None else str(file)


class NotFittedError(SeqlabError, ValueError):
    """A transform or model was used before it was fitted."""


class StatefulLayoutError(ValidationError):
    """Data cannot be laid out so that each batch row continues the previous one."""


class TrainingDivergedError(SeqlabError, RuntimeError):
    """Training produced a non-finite or exploding loss.

    `history` holds the metrics recorded up to the failure, so nothing is lost;
    the model's weights have been restored to the last good ones.
    """

    exit_code = 1

    def __init__(self, message: str, history: Any = None):
        super().__init__(message)
        self.history = history


class BundleError(SeqlabError):
    """A saved bundle is missing, malformed, tampered with, unsafe or from a newer format.

    `file` names the offending file of the bundle (None when the problem is the bundle as
    a whole); the message says what is wrong and what was expected.
    """

    def __init__(self, message: str, file: Any = None):
        super().__init__(message)
        self.file = None if file is None else str(file)


class OutputError(SeqlabError, OSError):
    """A result (bundle, table, figure, report) could not be written; nothing half-written
    is left behind."""

    exit_code = 1

    def __str__(self) -> str:  # OSError would otherwise format its arguments as a tuple
        return str(self.args[0])


class ProcessGroupError(SeqlabError, RuntimeError):
    """Another process of a data-parallel run (torchrun) died, was killed or stopped
    answering, so this one stopped too instead of waiting for it for ever."""

    exit_code = 1


class WorkerError(SeqlabError, RuntimeError):
    """A pool of worker processes (`Forecaster(workers=...)`, `--workers`) stopped before its
    work was done: a worker was killed, ran out of memory, or could not start."""

    exit_code = 1


class TrainingInterrupted(SeqlabError):
    """SIGINT or SIGTERM stopped training at a batch boundary, after everything needed to
    continue was written to the checkpoint `path` (None when the fit had no checkpoint).

    The `seqlab` command ends with 128 + the signal's number (130 for Ctrl-C, 143 for
    SIGTERM), as a shell does for a process the signal killed.
    """

    def __init__(self, message: str, signal_number: int, path: Any = None):
        super().__init__(message)
        self.signal_number = signal_number
        self.path = path
        self.exit_code = 128 + signal_number


class DivergenceWarning(UserWarning):
    """Training diverged and was rolled back to its last good epoch with a lower rate."""
