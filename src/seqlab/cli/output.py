"""The one path for everything a `seqlab` command prints: its result, notes, warnings and
training progress, at the verbosity the global options set.

Verbosity is one of three levels, the same for every command:

- 0 (``--quiet``): only the result (and errors and warnings); no progress, no notes.
- 1 (the default): notes, and progress on standard error while training: on a terminal a
  live bar with the time left and the loss, off a terminal one line per epoch. Commands
  that train many models (``repeat``, ``tune``, ``update``) show one line per fit instead.
- 2 (``--verbose``): as 1, plus detail lines (each training's start: samples, batches).

Where lines go: the result on standard output (under ``--json`` the result is one JSON
object there, and the human-readable lines move to standard error); notes beside the
result; warnings always on standard error. A command gets an `Output` from `output(as_json)`
and says what each line is; it never prints by itself.

Commands are added to the application one way: each ``cmd_*.py`` module ends with
``register(app)``, which calls `add_command` for each of its commands (``fits="many"``
for the commands that train many models).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from seqlab._io import strict_json
from seqlab.errors import OutputError

QUIET, NORMAL, VERBOSE = 0, 1, 2


@dataclass
class _State:
    verbosity: int = NORMAL
    reporter: Any = None  # the progress callback watching this command's training
    multi_fit: set[str] = field(default_factory=set)  # commands that train many models
    own_progress: set[str] = field(default_factory=set)  # commands that report by stage


state = _State()


# ---------------------------------------------------------------------------- the lines


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""The control characters shown escaped where a command prints text a bundle holds: every
C0 and C1 control but the line break and the tab. A bundle can hold any character (edited
by hand, or trained on a text with terminal codes), and an ESC printed raw would drive
the terminal."""


def shown_text(text: str) -> str:
    """`text` with each control character of `_CONTROL` as its escape (ESC as '\\x1b'), so
    nothing a bundle holds reaches the terminal as a command (generate's text, inspect's
    history, the names an error, warning, note or progress line quotes from a bundle or a
    file)."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


def side_notes(lines: list[str]) -> None:
    """Each of `lines` as a ``note:`` line on stderr (left out under ``--quiet``): how the
    input was read, beside a result that may be on stdout (predictions as CSV)."""
    for line in lines:
        Output(as_json=True).note(f"note: {line}")


def dumps(value: Any, **options: Any) -> str:
    """Strict JSON text of `value` (see `strict_json`); anything else that JSON cannot hold
    is an error, not a silent ``NaN``."""
    return json.dumps(strict_json(value), allow_nan=False, **options)


def _write(text: str, *, err: bool, end: str = "\n", exact: bool = False) -> None:
    """Print `text` to stderr or stdout. Where the stream's encoding (a Windows code page,
    say) cannot hold a character of it, an `exact` line (a result) is an error naming the
    character; any other line is written with that character escaped ('\\u5bb6')."""
    stream = sys.stderr if err else sys.stdout
    try:
        print(text, file=stream, end=end, flush=True)
    except UnicodeEncodeError as error:
        if exact:
            raise _unwritable(stream, error) from None
        encoding = stream.encoding or "ascii"
        print(text.encode(encoding, "backslashreplace").decode(encoding), file=stream,
              end=end, flush=True)


def _unwritable(stream: Any, error: UnicodeEncodeError) -> OutputError:
    """The error for a result `stream` cannot encode, naming the character and the fix."""
    where = "standard error" if stream is sys.stderr else "standard output"
    char = error.object[error.start:error.end]
    return OutputError(f"The result holds {char!r}, which {where} cannot write in its "
                       f"encoding ({error.encoding}); set PYTHONIOENCODING=utf-8 (or "
                       f"PYTHONUTF8=1) and run again.")


_STDERR = Console(stderr=True, highlight=False, soft_wrap=True)  # finds sys.stderr per call


def warn(line: str) -> None:
    """One ``warning:`` line on standard error (never on stdout, never breaking --json;
    shown under ``--quiet`` too)."""
    _STDERR.print(f"[yellow]warning:[/] {escape(shown_text(line))}")


def error(line: str) -> None:
    """The one ``error:`` line a failed command ends with, on standard error."""
    _STDERR.print(f"[bold red]error:[/] {escape(shown_text(line))}")


def interrupted() -> None:
    """The line a command stopped by Ctrl-C ends with, on standard error."""
    _STDERR.print("interrupted")


def deprecated(old: str, instead: str) -> None:
    """Warn that the spelling `old` goes away in the next release; `instead` says what to
    write now."""
    warn(f"{old} is deprecated and will be removed in the next release; {instead}.")


def print_json(value: Any, **options: Any) -> None:
    """Print `value` as one line of strict JSON on stdout (a command's ``--json`` result);
    `options` go to `json.dumps` (``default=str``, say)."""
    _write(dumps(value, **options), err=False)


class Output:
    """What one command prints, by kind of line (see the module's doc).

    Parameters
    ----------
    as_json:
        The command's ``--json``: its result is then one JSON object on stdout (`json`)
        and every other line goes to stderr.
    """

    def __init__(self, as_json: bool = False):
        self.as_json = as_json

    @property
    def quiet(self) -> bool:
        """Whether ``--quiet`` is in force (only the result is printed)."""
        return state.verbosity == QUIET

    def result(self, line: str, *, end: str = "\n") -> None:
        """A line of the command's result: stdout (stderr under ``--json``, where the JSON
        object is the result); printed under ``--quiet`` too."""
        _write(line, err=self.as_json, end=end, exact=True)

    def note(self, line: str) -> None:
        """A line beside the result (what was written where, what to do next): printed
        where the result goes, left out under ``--quiet``."""
        if state.verbosity > QUIET:
            _write(shown_text(line), err=self.as_json)

    def detail(self, line: str) -> None:
        """A line only ``--verbose`` asks for, on stderr."""
        if state.verbosity >= VERBOSE:
            _write(shown_text(line), err=True)

    def warn(self, line: str) -> None:
        """A ``warning:`` line on stderr, whatever the verbosity."""
        warn(line)

    def json(self, value: Any, **options: Any) -> None:
        """The ``--json`` result: one line of strict JSON on stdout (`options` as for
        `print_json`)."""
        print_json(value, **options)

    def progress(self) -> Callable[[str], None]:
        """A function for the library's per-run progress lines (``echo=``): notes on
        stderr, left out under ``--quiet``."""
        def echo(line: str) -> None:
            if state.verbosity > QUIET:
                _write(shown_text(line), err=True)
        return echo


def output(as_json: bool = False) -> Output:
    """The `Output` of a command (with its ``--json`` flag)."""
    return Output(as_json)


# ------------------------------------------------------------------------- registering


def add_command(app: typer.Typer, name: str, function: Callable[..., Any], *,
                fits: str = "one", **settings: Any) -> None:
    """Add `function` to `app` as the command `name` (typer's `settings`, such as
    ``context_settings``, pass through). ``fits="many"`` marks a command that trains many
    models: its progress is a line per fit, not a line per epoch of each. ``fits="own"``
    marks one that reports its own progress, a line per stage of its work (`forecast`,
    `backtest`: dozens of small fits each), and gets no per-fit lines."""
    if fits not in ("one", "many", "own"):
        raise ValueError(f"fits must be 'one', 'many' or 'own'; got {fits!r}")
    if fits == "many":
        state.multi_fit.add(name)
    if fits == "own":
        state.own_progress.add(name)
    app.command(name, **settings)(function)


# ---------------------------------------------------------------------------- progress


def label_progress(label: str) -> None:
    """Name the training that follows in the progress lines (a recipe's name, say)."""
    if state.reporter is not None:
        state.reporter.label = label


@contextmanager
def watching_training(command: str) -> Iterator[None]:
    """Within the block, every training reports progress at the command's verbosity: per
    epoch (a bar on a terminal), or one line per fit for a command added with
    ``fits="many"``."""
    from seqlab.train.callbacks import watch_training

    if state.verbosity == QUIET or command in state.own_progress:
        yield
        return
    if command in state.multi_fit:
        from seqlab.cli.progress import FitProgress

        reporter: Any = FitProgress(label=command, detail=state.verbosity >= VERBOSE)
    else:
        from seqlab.train import ProgressReporter

        reporter = ProgressReporter(1, label=command, detail=state.verbosity >= VERBOSE)
    state.reporter = reporter
    try:
        with watch_training([reporter]):
            yield
    finally:
        reporter.close()
        state.reporter = None
