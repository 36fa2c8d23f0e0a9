"""The grammar every `seqlab` command shares: global options (accepted before or after the
command), the ``--json`` and ``--device`` options, and old spellings kept for one release as
hidden aliases that warn. What commands print, and at which verbosity, is
`seqlab.cli.output`'s.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from seqlab.cli.output import deprecated

#: Global options that take a value, and global flags: both may follow the command.
GLOBAL_VALUED = ("--threads",)
GLOBAL_FLAGS = ("--quiet", "-q", "--verbose", "-v")


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


def library_default(function: Callable[..., Any], name: str) -> Any:
    """The default of `function`'s parameter `name`: how a command's option takes its
    default from the library call it wraps instead of typing the value again."""
    import inspect

    return inspect.signature(function).parameters[name].default


def written_as_folder(value: Any, *flags: str) -> str | None:
    """How `value`, the path an option of `flags` (``--out``) was given, was written on the
    command line where that ends in a path separator, as a folder is written (``outdir/``),
    else None: typer's `Path` drops that separator, so a command that writes a file would
    write one named ``outdir``."""
    import os
    from pathlib import Path

    from seqlab.cli import _resume

    if value is None:
        return None
    args = _resume.ARGV or []
    for i, arg in enumerate(args):
        if arg == "--":
            break
        name, has_value, given = arg.partition("=")
        if name in flags:
            given = given if has_value else (args[i + 1] if i + 1 < len(args) else "")
            if given.endswith(("/", os.sep)) and Path(given) == Path(value):
                return given
    return None


def refuse_folder_spelling(value: Any, flags: tuple[str, ...], writes: str, example: str
                           ) -> None:
    """Refuse (`ValidationError`) the file option `value` of `flags` where the command line
    wrote it as a folder (`written_as_folder`: ``--forecasts outdir/``): the command
    `writes` one file, and would write it under the folder's name. The message suggests
    `example` inside that folder."""
    from seqlab.errors import ValidationError

    folder = written_as_folder(value, *flags)
    if folder is not None:
        raise ValidationError(f"{flags[0]} {folder} names a folder (it ends in "
                              f"'{folder[-1]}'), but {writes}: name the file "
                              f"({folder}{example}, say).")


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
    """The root command: global options may also follow the command, and each command's
    help reads as paragraphs that wrap to the terminal (`reflow`)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(list(args), self.commands))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None and command.help and not getattr(command, "reflowed", False):
            command.help = reflow(command.help)
            command.reflowed = True  # once: a second pass would dedent indented lines again
        return command


_LINE_STARTS = re.compile(r"\s|[-*] |\d+[.)] ")
"""Lines that keep their own line in `reflow`: indented ones, bullets, numbered items."""


def reflow(text: str) -> str:
    """`text` (a docstring) with the line breaks inside each paragraph joined, so that the
    help wraps to the terminal's width instead of breaking where the source did; indented
    lines, bullets and numbered items keep their breaks."""
    paragraphs = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        lines = paragraph.split("\n")
        joined = [lines[0]]
        for line in lines[1:]:
            if _LINE_STARTS.match(line) or _LINE_STARTS.match(joined[-1]):
                joined.append(line)
            else:
                joined[-1] += " " + line
        paragraphs.append("\n".join(joined))
    return "\n\n".join(paragraphs)


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
