"""The `seqlab` command: a thin shell over the library (no logic of its own)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from seqlab.cli import _options
from seqlab.cli._options import SeqlabGroup
from seqlab.cli._tracking import MLflowURI, TensorBoardDir, check_trackers, trackers
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
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _print_version(value: bool) -> None:
    if value:
        import seqlab

        typer.echo(f"seqlab {seqlab.__version__}")
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
    _options.state.verbosity = (_options.QUIET if quiet else
                                _options.VERBOSE if verbose else _options.NORMAL)
    ctx.with_resource(_options.watching_training(ctx.invoked_subcommand or "seqlab"))


@app.command("recipes")
def list_recipes() -> None:
    """List the recipes: name, source document, description (one a line)."""
    from seqlab.recipes import get, names

    for name in names():
        recipe = get(name)
        typer.echo(f"{name}\t{recipe.source}\t{recipe.description}")


def parse_recipe_options(extra: list[str]) -> dict[str, str]:
    """``["--merge", "sum", "--direction=both"]`` -> ``{"merge": "sum", "direction": "both"}``."""
    options: dict[str, str] = {}
    items = list(extra)
    while items:
        item = items.pop(0)
        if not item.startswith("--") or len(item) < 3:
            raise ValidationError(
                f"Unexpected argument {item!r}: recipe options are written --name value."
            )
        key, _, value = item[2:].partition("=")
        if not value:
            if not items or items[0].startswith("--"):
                raise ValidationError(f"Option --{key} needs a value.")
            value = items.pop(0)
        options[key.replace("-", "_")] = value
    return options


@app.command(
    "run", context_settings={"allow_extra_args": True, "ignore_unknown_options": True}
)
@_options.with_device
def run_recipe(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Recipe name (see `seqlab recipes`).")],
    quick: Annotated[bool, typer.Option(help="Reduced version that finishes in seconds.")] = False,
    repeats: Annotated[int, typer.Option(help="Runs with seeds seed, seed+1, ...")] = 1,
    seed: Annotated[int, typer.Option(help="Seed of the first run.")] = 0,
    epochs: Annotated[int | None, typer.Option(help="Override the epochs.",
                                               show_default="the recipe's")] = None,
    out: Annotated[Path | None, typer.Option(help="Run directory: config, history, metrics, "
                                          "figures (see `seqlab report`).",
                                          show_default="none")] = None,
    tensorboard: TensorBoardDir = None,
    mlflow: MLflowURI = None,
    as_json: _options.JSON_OPTION = False,
    strict: Annotated[bool, typer.Option(help="Exit with status 1 when the criterion "
                                         "fails.")] = False,
    sequential: Annotated[bool, typer.Option(
        "--sequential", help="Train the repeats one after another instead of together as "
                             "one batched model (same results, to float rounding).")] = False,
) -> None:
    """Run a recipe and print its result beside the document's.

    Recipe-specific options follow as --name value (e.g. --merge sum).
    """
    from seqlab._io import check_output_path
    from seqlab.recipes import run

    options = parse_recipe_options(ctx.args)
    if out is not None:
        check_output_path(out, "run directory", folder=True)
    check_trackers(tensorboard, mlflow)

    _options.label_progress(name)
    say, echo = _options.chatter(as_json), _options.result(as_json)
    callbacks = None
    if tensorboard is not None or mlflow is not None:
        hparams = {"run.recipe": name, "run.quick": quick,
                   **{f"run.{k}": v for k, v in options.items()}}

        def callbacks(run_seed: int) -> list:
            return trackers(tensorboard and tensorboard / f"{name}-seed{run_seed}", mlflow,
                            name=f"{name}-seed{run_seed}", hparams=hparams)

    result = run(name, repeats=repeats, seed=seed, quick=quick, epochs=epochs, out=out,
                 options=options, echo=say, callbacks=callbacks, sequential=sequential)
    if out is not None:
        from seqlab.runs import write_run_dir

        write_run_dir(out, config={"command": "run", "recipe": name, "source":
                                   result.recipe.source, "description": result.recipe.description,
                                   "repeats": repeats, "seed": seed, "quick": quick,
                                   "epochs": epochs, "options": options},
                      metrics=result.to_json(),
                      histories=[h for o in result.outcomes for h in o.histories])
    if as_json:
        _options.print_json(result.to_json())
    else:
        recipe = result.recipe
        values = ", ".join(v if isinstance(v, str) else f"{v:.4f}" for v in result.values)
        echo(f"{recipe.name} ({recipe.source}){' [quick]' if quick else ''}")
        if isinstance(result.value, str):
            echo(f"  {recipe.metric}: {result.value} (most common over {repeats} run(s)) "
                 f"[{values}]")
        else:
            echo(f"  {recipe.metric}: median {result.value:.4f} over {repeats} run(s) "
                 f"[{values}]")
        echo(f"  document: {recipe.reference_text}")
        verdict = "PASSED" if result.passed else "FAILED"
        if quick and recipe.quick_criterion is not None:
            echo(f"  quick form's reduced check -> {verdict} (a full run is judged by: "
                 f"{recipe.criterion})")
        else:
            echo(f"  criterion: {recipe.criterion} -> {verdict}")
        echo(f"  {result.seconds:.1f} s")
    if strict and not result.passed:
        raise typer.Exit(1)


def _add_command_modules() -> None:
    # Each `seqlab/cli/cmd_*.py` module adds its commands with `register(app)`.
    import seqlab.cli as package

    for module in pkgutil.iter_modules(package.__path__):
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
    import warnings

    from seqlab.cli import _resume

    debug = os.environ.get("SEQLAB_DEBUG", "") not in ("", "0")
    _resume.ARGV = list(argv) if argv is not None else sys.argv[1:]
    try:
        with warnings.catch_warnings():
            if not debug:
                warnings.showwarning = _show_warning
                warnings.simplefilter("always", DivergenceWarning)
            app(args=argv, prog_name="seqlab")  # usage errors and --help end in SystemExit
        return 0
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130
    except BrokenPipeError:  # the reader of our output went away (`| head`)
        return 1
    except Exception as error:
        if debug:
            raise
        err.print(f"[bold red]error:[/] {escape(describe_error(error))}")
        return getattr(error, "exit_code", 1)


def _show_warning(message: Warning | str, category: type[Warning], *args: object,
                  **kwargs: object) -> None:
    err.print(f"[yellow]warning:[/] {escape(str(message))}")


def describe_error(error: BaseException) -> str:
    """One line a user can act on, for any exception that reaches the command line."""
    if isinstance(error, SeqlabError):
        return str(error)
    if isinstance(error, OSError):
        where = f" {error.filename}" if error.filename else ""
        return f"could not access{where}: {error.strerror or error}."
    if isinstance(error, MemoryError):
        return ("ran out of memory. Use a smaller model, batch or data file; the sizes in "
                "`--help` say what each option costs.")
    return (f"unexpected {type(error).__name__}: {error}. This is a bug in seqlab; run again "
            f"with SEQLAB_DEBUG=1 for the traceback and report it.")


def main() -> None:
    """Entry point of the `seqlab` console script."""
    sys.exit(run_cli())
