"""The `seqlab` command: a thin shell over the library (no logic of its own)."""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from seqlab.errors import SeqlabError

app = typer.Typer(
    name="seqlab",
    help="Sequence prediction with recurrent neural networks: run the tutorials' experiments "
         "as checked recipes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)


@app.command("recipes")
def list_recipes() -> None:
    """List the recipes: name, source document, description (one a line)."""
    from seqlab.recipes import get, names

    for name in names():
        recipe = get(name)
        typer.echo(f"{name}\t{recipe.source}\t{recipe.description}")


@app.command("run")
def run_recipe(
    name: Annotated[str, typer.Argument(help="Recipe name (see `seqlab recipes`).")],
    quick: Annotated[bool, typer.Option(help="Reduced version that finishes in seconds.")] = False,
    repeats: Annotated[int, typer.Option(help="Runs with seeds seed, seed+1, ...")] = 1,
    seed: Annotated[int, typer.Option(help="Seed of the first run.")] = 0,
    epochs: Annotated[int | None, typer.Option(help="Override the epochs.")] = None,
    out: Annotated[Path | None, typer.Option(help="Folder for figures and files.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as one JSON line "
                                          "(progress goes to stderr).")] = False,
    strict: Annotated[bool, typer.Option(help="Exit with status 1 when the criterion "
                                         "fails.")] = False,
) -> None:
    """Run a recipe and print its result beside the document's."""
    from seqlab.recipes import run

    def echo(line: str) -> None:
        print(line, file=sys.stderr if as_json else sys.stdout, flush=True)

    result = run(name, repeats=repeats, seed=seed, quick=quick, epochs=epochs, out=out,
                 echo=echo)
    if as_json:
        print(json.dumps(result.to_json()), flush=True)
    else:
        recipe = result.recipe
        values = ", ".join(f"{v:.4f}" for v in result.values)
        echo(f"{recipe.name} ({recipe.source}){' [quick]' if quick else ''}")
        echo(f"  {recipe.metric}: median {result.value:.4f} over {repeats} run(s) [{values}]")
        echo(f"  document: {recipe.reference_text}")
        echo(f"  criterion: {recipe.criterion} -> {'PASSED' if result.passed else 'FAILED'}")
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


def main() -> None:
    """Entry point of the `seqlab` console script."""
    try:
        app()
    except SeqlabError as error:
        err.print(f"[bold red]error:[/] {error}")
        sys.exit(2)
