"""How an interrupted training command tells its user to continue."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from seqlab.errors import TrainingInterrupted

ARGV: list[str] | None = None
"""The arguments the running `seqlab` command was given (set by `run_cli`)."""


@contextmanager
def resume_hint(command: str) -> Iterator[None]:
    """Within the block, a `TrainingInterrupted` leaves with the command line that
    resumes it (this command's own, with ``--resume`` added) instead of the library's
    hint; the exit status stays 128 + the signal's number."""
    try:
        yield
    except TrainingInterrupted as stopped:
        stated = str(stopped).split("; the checkpoint")[0]
        given = ARGV if ARGV is not None else sys.argv[1:]
        argv = [arg for arg in given if arg != "--resume"]
        again = shlex.join(["seqlab", *argv, "--resume"]) if argv else (
            f"seqlab {command} … --resume")
        raise TrainingInterrupted(
            f"{stated}; the checkpoint {stopped.path} holds everything needed to continue. "
            f"Resume with: {again}", stopped.signal_number, stopped.path) from None
