"""The grammar every `seqlab` command shares: global options (accepted before or after the
command), verbosity and training progress, strict JSON, and old spellings kept for one
release as hidden aliases that warn.

Verbosity is one of three levels, the same for every command:

- 0 (``--quiet``): only the result (and errors and warnings); no progress.
- 1 (the default): progress on standard error while training: on a terminal a live bar
  with the time left and the loss, off a terminal one line per epoch.
- 2 (``--verbose``): as 1, plus a line as each training starts (samples, batches, epochs).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from seqlab._io import strict_json

QUIET, NORMAL, VERBOSE = 0, 1, 2

#: Global options that take a value, and global flags: both may follow the command.
GLOBAL_VALUED = ("--threads",)
GLOBAL_FLAGS = ("--quiet", "-q", "--verbose", "-v")


@dataclass
class _State:
    verbosity: int = NORMAL
    reporter: Any = None  # the ProgressReporter watching this command's training


state = _State()


# ----------------------------------------------------------------------------- warnings


def warn(line: str) -> None:
    """One ``warning:`` line on standard error (never on stdout, never breaking --json)."""
    typer.echo(f"warning: {line}", err=True)


def deprecated(old: str, instead: str) -> None:
    """Warn that the spelling `old` goes away in the next release; `instead` says what to
    write now."""
    warn(f"{old} is deprecated and will be removed in the next release; {instead}.")


def alias(value: Any, old_value: Any, old: str, instead: str, name: str) -> Any:
    """The value of an option or argument that has a deprecated hidden spelling `old`:
    `value` when only it is given, `old_value` (with a deprecation warning) when only the
    old spelling is, and an error when both are given and differ."""
    from seqlab.errors import ValidationError

    if old_value is None or old_value == [] or old_value is False:
        return value
    deprecated(old, instead)
    if value not in (None, [], False) and value != old_value:
        raise ValidationError(f"{name} is given twice, as {value} and as {old} {old_value}; "
                              f"give it once.")
    return old_value


# -------------------------------------------------------------------------------- JSON


def dumps(value: Any, **options: Any) -> str:
    """Strict JSON text of `value` (see `strict_json`); anything else that JSON cannot hold
    is an error, not a silent ``NaN``."""
    return json.dumps(strict_json(value), allow_nan=False, **options)


def print_json(value: Any) -> None:
    """Print `value` as one line of strict JSON on stdout."""
    print(dumps(value), flush=True)


# ---------------------------------------------------------------------- what is printed


def chatter(as_json: bool = False) -> Callable[[str], None]:
    """Where a command's lines other than its result go: stdout, stderr under ``--json``,
    nowhere under ``--quiet``."""
    def echo(line: str) -> None:
        if state.verbosity > QUIET:
            print(line, file=sys.stderr if as_json else sys.stdout, flush=True)

    return echo


def result(as_json: bool = False) -> Callable[[str], None]:
    """Where a command's result lines go: stdout, or stderr under ``--json`` (where the
    JSON object is the result). ``--quiet`` keeps them."""
    def echo(line: str) -> None:
        print(line, file=sys.stderr if as_json else sys.stdout, flush=True)

    return echo


def label_progress(label: str) -> None:
    """Name the training that follows in the progress lines (a recipe's name, say)."""
    if state.reporter is not None:
        state.reporter.label = label


@contextmanager
def watching_training(label: str) -> Iterator[None]:
    """Within the block, every training reports progress at the command's verbosity."""
    from seqlab.train import ProgressReporter
    from seqlab.train.callbacks import watch_training

    if state.verbosity == QUIET:
        yield
        return
    reporter = ProgressReporter(1, label=label, detail=state.verbosity >= VERBOSE)
    state.reporter = reporter
    try:
        with watch_training([reporter]):
            yield
    finally:
        reporter.close()
        state.reporter = None


JSON_OPTION = Annotated[bool, typer.Option("--json", help="Print the result as one JSON "
                                           "object (other lines go to stderr).")]
"""The ``--json`` option, spelled and explained the same on every command."""


# --------------------------------------------------------------------- global options


def hoist_global_options(args: list[str], commands: dict[str, Any]) -> list[str]:
    """Move the global options written after the command to before it, so that
    ``seqlab run NAME --threads 1`` means what ``seqlab --threads 1 run NAME`` does.

    Everything after a ``--`` stays where it is. `train`'s old ``--verbose N`` (0, 1, 2)
    is read as the verbosity level it meant, with a deprecation warning.
    """
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] in GLOBAL_VALUED else 1
    if i >= len(args) or args[i] not in commands:
        return args
    head, command, rest = args[:i], args[i], args[i + 1:]
    moved: list[str] = []
    kept: list[str] = []
    j = 0
    while j < len(rest):
        item = rest[j]
        name, has_value, value = item.partition("=")
        if item == "--":
            kept += rest[j:]
            break
        if name in GLOBAL_VALUED:
            take = 1 if has_value else 2
            moved += rest[j:j + take]
            j += take
        elif command == "train" and name == "--verbose" and (
                (has_value and value in ("0", "1", "2")) or
                (not has_value and j + 1 < len(rest) and rest[j + 1] in ("0", "1", "2"))):
            level = value if has_value else rest[j + 1]
            deprecated(f"train --verbose {level}", "progress is shown by default; --quiet "
                       "hides it and --verbose adds detail")
            moved.append({"0": "--quiet", "1": "", "2": "--verbose"}[level])
            j += 1 if has_value else 2
        elif item in GLOBAL_FLAGS:
            moved.append(item)
            j += 1
        else:
            kept.append(item)
            j += 1
    return head + [m for m in moved if m] + [command] + kept


class SeqlabGroup(TyperGroup):
    """The root command: global options may also follow the command."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(list(args), self.commands))


DEVICE_OPTION = Annotated[str, typer.Option(
    help="auto (a GPU when present), cpu, cuda, cuda:N or mps.")]
"""`--device` of the commands that use a saved model."""


def on_device(model: Any, device: str) -> Any:
    """`model` moved to `device` (checked to exist: see seqlab.train.precision)."""
    from seqlab.train.precision import resolve_device

    return model.to(resolve_device(device))


def with_options(wrapper: Callable[..., Any], function: Callable[..., Any],
                 added: list[Any]) -> Callable[..., Any]:
    """Give `wrapper` (which wraps `function`) the signature of `function` with the
    keyword-only parameters `added` before its ``**kwargs``: how a decorator adds options
    to a typer command."""
    import inspect

    signature = inspect.signature(function, eval_str=True)
    parameters = list(signature.parameters.values())
    rest = [p for p in parameters if p.kind == inspect.Parameter.VAR_KEYWORD]
    parameters = [p for p in parameters if p.kind != inspect.Parameter.VAR_KEYWORD]
    wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*parameters, *added, *rest])
    return wrapper


def with_device(function: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: give a command that trains through the library (recipes, experiments,
    forecasters, update) a `--device` option; every trainer it builds with the default
    ``device="auto"`` then uses that device."""
    import functools
    import inspect

    from seqlab.errors import ValidationError
    from seqlab.train.precision import using_device

    @functools.wraps(function)
    def command_on_device(*args: Any, device: str = "auto", **kwargs: Any) -> Any:
        workers = int(kwargs.get("workers", 1) or 1)
        if workers > 1 and device != "auto":
            raise ValidationError(
                f"--device {device} applies to this process; with --workers {workers} the runs "
                f"happen in worker processes. Use --workers 1 with --device.")
        with using_device(device):
            return function(*args, **kwargs)

    return with_options(command_on_device, function, [inspect.Parameter(
        "device", inspect.Parameter.KEYWORD_ONLY, default="auto", annotation=DEVICE_OPTION)])
