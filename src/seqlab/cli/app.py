"""The `seqlab` command: a thin shell over the library (no logic of its own)."""

from __future__ import annotations

import errno
import importlib
import pkgutil
import re
import sys
from pathlib import Path
from typing import Annotated

import typer

from seqlab.cli import output
from seqlab.cli._options import SeqlabGroup
from seqlab.errors import DivergenceWarning, SeqlabError, ValidationError

app = typer.Typer(
    name="seqlab",
    cls=SeqlabGroup,
    help="Sequence prediction with recurrent neural networks: run the tutorials' experiments "
         "as checked recipes.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        import seqlab

        output.output().result(f"seqlab {seqlab.__version__}")
        raise typer.Exit()


@app.callback()
def configure(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="Print seqlab's version and exit.")] = False,
    threads: Annotated[int | None, typer.Option(help="CPU threads for torch (default: chosen "
                                                "per model: 1 for small models, up to the "
                                                "idle cores for large steps).",
                                                show_default=False)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the result: no progress "
                                        "or other lines (errors and warnings still show).")]
    = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="More detail: also a line "
                                          "as each training starts.")] = False,
) -> None:
    """Sequence prediction with recurrent neural networks.

    Global options (--threads, --quiet, --verbose) may come before or after the command.
    Every training shows progress on stderr: a bar with the time left and the loss on a
    terminal, a line per epoch otherwise.
    """
    if threads is not None:
        from seqlab.train.threads import set_threads

        set_threads(threads)
    if quiet and verbose:
        raise ValidationError("--quiet and --verbose contradict each other; give one.")
    output.state.verbosity = (output.QUIET if quiet else
                              output.VERBOSE if verbose else output.NORMAL)
    ctx.with_resource(output.watching_training(ctx.invoked_subcommand or "seqlab"))


def _add_command_modules() -> None:
    # Each `seqlab/cli/cmd_*.py` module adds its commands with `register(app)` (through
    # `output.add_command`): the one way a command joins the application.
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.startswith("cmd_"):
            importlib.import_module(f"seqlab.cli.{module.name}").register(app)


_add_command_modules()


def run_cli(argv: list[str] | None = None) -> int:
    """Run the `seqlab` command with `argv` and return its exit status.

    Every error a user can cause ends as one line on stderr: 2 for bad input (a
    `SeqlabError` or a usage error), 1 for a failure of the work itself (training that
    diverged, a file that could not be written, a full disk), 130 when interrupted.
    ``SEQLAB_DEBUG=1`` lets the exception through with its traceback.
    """
    import os

    from seqlab.cli import _resume

    debug = os.environ.get("SEQLAB_DEBUG", "") not in ("", "0")
    _resume.ARGV = list(argv) if argv is not None else sys.argv[1:]
    code, together = _run_app(argv, debug)
    if "torch.distributed" in sys.modules:  # a torchrun process leaves with the others
        code = _leave_process_group(code, together, debug)
    return code


def _run_app(argv: list[str] | None, debug: bool) -> tuple[int, bool]:
    """The command's exit status, and whether every process of a torchrun run ends here
    alike (it finished, or all stopped at one batch for a signal)."""
    import warnings

    from seqlab.errors import TrainingInterrupted

    try:
        with warnings.catch_warnings():
            if not debug:
                warnings.showwarning = _show_warning
                warnings.simplefilter("always", DivergenceWarning)
            app(args=argv, prog_name="seqlab")  # usage errors and --help end in SystemExit
        return 0, True
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        return code, code == 0
    except KeyboardInterrupt:
        output.interrupted()
        return 130, False
    except BrokenPipeError:  # the reader of our output went away (`| head`)
        return 1, False
    except Exception as error:
        if debug:
            raise
        output.error(describe_error(error))
        return getattr(error, "exit_code", 1), isinstance(error, TrainingInterrupted)


def _leave_process_group(code: int, together: bool, debug: bool) -> int:
    """Under torchrun, meet the other processes and destroy the group before returning
    (see `seqlab.train.distributed.leave`); after a failure, leave at once (the others may
    be inside a collective that will never complete, and stop on their own)."""
    from seqlab.train.distributed import leave

    try:
        leave(together=together)
    except SeqlabError as error:
        if debug:
            raise
        output.error(describe_error(error))
        return code or error.exit_code
    return code


def _show_warning(message: Warning | str, category: type[Warning], *args: object,
                  **kwargs: object) -> None:
    output.warn(str(message))


_WRITE_ERRORS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS}
"""Errors only a write gets: a full disk, a file over the size limit, a quota, a read-only
file system."""


def describe_error(error: BaseException) -> str:
    """One line a user can act on, for any exception that reaches the command line."""
    if isinstance(error, SeqlabError):
        return _with_option(str(error))
    if isinstance(error, OSError):
        verb = "write" if error.errno in _WRITE_ERRORS else "access"
        where = f" {error.filename}" if error.filename else " a file"
        return f"could not {verb}{where}: {error.strerror or error}."
    if isinstance(error, MemoryError):
        return ("ran out of memory. Use a smaller model, batch or data file; the sizes in "
                "`--help` say what each option costs.")
    return (f"unexpected {type(error).__name__}: {error}. This is a bug in seqlab; run again "
            f"with SEQLAB_DEBUG=1 for the traceback and report it.")


def _with_option(message: str) -> str:
    """`message` with the command-line option beside the library parameter it names, where
    the user gave that option: "The 'max_length' parameter of SequenceClassifier
    (--max-length) must be ...", "The 'level' parameter of Forecaster (--level) is a share
    ...", "Unknown 'truncating' of SequenceClassifier 'mid' (--truncating). Valid names:
    ..." (an `UnknownNameError`'s)."""
    from seqlab.cli import _resume

    found = re.match(r"The '(\w+)' parameter of .+?(?= (?:must|is|names|holds|has) )",
                     message)  # the owner may be words: "of the config's fit section"
    if found is None:  # the name, owner and value of an unknown choice
        found = re.match(r"Unknown '(\w+)' of \w+ '[^']*'(?=\.)", message)
    if found is None:
        return message
    flag = "--" + found.group(1).replace("_", "-")
    if not any(a == flag or a.startswith(flag + "=") for a in _resume.ARGV or []):
        return message
    return message.replace(found.group(0), f"{found.group(0)} ({flag})", 1)


def main() -> None:
    """Entry point of the `seqlab` console script."""
    sys.exit(run_cli())
