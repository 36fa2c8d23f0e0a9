"""`seqlab recipes` and `seqlab run`: list the recipes, run one and judge its result."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from seqlab.cli._options import JSON_OPTION, with_device
from seqlab.cli._tracking import MLflowURI, TensorBoardDir, check_trackers, trackers
from seqlab.cli.output import add_command, label_progress, output
from seqlab.errors import ValidationError


def _list_recipes() -> None:
    """List the recipes: name, source document, description (one a line)."""
    from seqlab.recipes import get, names

    screen = output()
    for name in names():
        recipe = get(name)
        screen.result(f"{name}\t{recipe.source}\t{recipe.description}")


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


def _run(
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
    as_json: JSON_OPTION = False,
    strict: Annotated[bool, typer.Option(help="Exit with status 1 when the criterion "
                                         "fails.")] = False,
    sequential: Annotated[bool, typer.Option(
        "--sequential", help="Train the repeats one after another instead of together as "
                             "one batched model (same results, to float rounding).")] = False,
) -> None:
    """Run a recipe and print its result beside the document's.

    Recipe-specific options follow as --name value (e.g. --merge sum).
    """
    from seqlab.recipes import run
    from seqlab.runs import check_run_folder

    options = parse_recipe_options(ctx.args)
    if out is not None:
        check_run_folder(out)
    check_trackers(tensorboard, mlflow)

    label_progress(name)
    screen = output(as_json)
    callbacks = None
    if tensorboard is not None or mlflow is not None:
        hparams = {"run.recipe": name, "run.quick": quick,
                   **{f"run.{k}": v for k, v in options.items()}}

        def callbacks(run_seed: int) -> list:
            return trackers(tensorboard and tensorboard / f"{name}-seed{run_seed}", mlflow,
                            name=f"{name}-seed{run_seed}", hparams=hparams)

    result = run(name, repeats=repeats, seed=seed, quick=quick, epochs=epochs, out=out,
                 options=options, echo=screen.note, callbacks=callbacks,
                 sequential=sequential)
    if out is not None:
        from seqlab.runs import write_run_dir

        write_run_dir(out, config={"command": "run", "recipe": name, "source":
                                   result.recipe.source, "description": result.recipe.description,
                                   "repeats": repeats, "seed": seed, "quick": quick,
                                   "epochs": epochs, "options": options},
                      metrics=result.to_json(),
                      histories=[h for o in result.outcomes for h in o.histories])
    if as_json:
        screen.json(result.to_json())
    else:
        recipe = result.recipe
        values = ", ".join(v if isinstance(v, str) else f"{v:.4f}" for v in result.values)
        screen.result(f"{recipe.name} ({recipe.source}){' [quick]' if quick else ''}")
        if isinstance(result.value, str):
            screen.result(f"  {recipe.metric}: {result.value} (most common over {repeats} "
                          f"run(s)) [{values}]")
        else:
            screen.result(f"  {recipe.metric}: median {result.value:.4f} over {repeats} "
                          f"run(s) [{values}]")
        screen.result(f"  document: {recipe.reference_text}")
        verdict = "PASSED" if result.passed else "FAILED"
        screen.result(f"  criterion: {result.criterion} -> {verdict}")
        screen.result(f"  {result.seconds:.1f} s")
    if strict and not result.passed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add recipes and run to the `seqlab` command."""
    add_command(app, "recipes", _list_recipes)
    add_command(app, "run", with_device(_run),
                context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
