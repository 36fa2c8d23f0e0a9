"""`seqlab repeat`, `seqlab tune`, `seqlab diagnose` and `seqlab report` (thin shells)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from seqlab._io import check_output_path
from seqlab.cli._options import JSON_OPTION, library_default, refuse_folder_spelling, with_device
from seqlab.cli._tracking import tracked
from seqlab.cli.output import add_command, output
from seqlab.errors import ValidationError
from seqlab.evaluate.repeats import repeat as _library_repeat
from seqlab.evaluate.tuning import tune as _library_tune

__all__ = ["register", "parse_grid", "load_experiment_target"]


def _value(text: str) -> Any:
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text.strip()


def parse_grid(items: list[str]) -> dict[str, list[Any]]:
    """``["units=1,5,10", "optimizer=adam,sgd"]`` -> ``{"units": [1, 5, 10], "optimizer":
    ["adam", "sgd"]}`` (numbers and true/false are converted)."""
    grid: dict[str, list[Any]] = {}
    for item in items:
        name, sep, values = item.partition("=")
        if not sep or not name.strip() or not values.strip():
            raise ValidationError(
                f"--grid expects NAME=V1,V2,... (e.g. --grid units=1,5,10); got {item!r}."
            )
        key = name.strip().replace("-", "_")
        if key in grid:
            raise ValidationError(f"--grid gives {key} twice ({item!r} after "
                                  f"{key}={','.join(map(str, grid[key]))}); list every value "
                                  f"once: --grid {key}=V1,V2,...")
        grid[key] = [_value(v) for v in values.split(",") if v]
    if not grid:
        raise ValidationError("seqlab tune needs at least one --grid NAME=V1,V2,...")
    return grid


def _tune_space(grid_items: list[str], param_items: list[str]) -> dict[str, Any]:
    """The search space of `seqlab tune`: --grid lists and --param ranges or choices."""
    from seqlab.evaluate.search_space import parse_space

    space = parse_grid(grid_items) if grid_items else {}
    for name, values in parse_space(param_items).items():
        if name in space:
            raise ValidationError(f"{name} is given by both --grid and --param; give it once.")
        space[name] = values
    if not space:
        raise ValidationError("seqlab tune needs at least one --grid NAME=V1,V2,... or --param "
                              "NAME=LOW..HIGH (e.g. --param lr=1e-4..1e-1:log).")
    return space


def load_experiment_target(target: str, *, quick: bool, epochs: int | None) -> Any:
    """A recipe name or a config file (TOML, or .json) as an experiment(seed) -> float."""
    from seqlab.evaluate import ConfigExperiment, load_config
    from seqlab.recipes import names
    from seqlab.recipes.registry import RecipeExperiment

    if target in names():
        return RecipeExperiment(target, quick=quick, epochs=epochs)
    if target.endswith((".json", ".toml")) or Path(target).exists():
        overrides = {"epochs": epochs} if epochs is not None else {}
        return ConfigExperiment(load_config(target), overrides)
    from seqlab.errors import UnknownNameError

    raise UnknownNameError("recipe (or config file)", target, names())


def _repeat(
    target: Annotated[str, typer.Argument(help="A recipe name or a config file (TOML, or "
                                                ".json).")],
    repeats: Annotated[int, typer.Option(help="Number of runs.")] = 5,
    workers: Annotated[int, typer.Option(help="Parallel worker processes.")] = 1,
    seed: Annotated[int, typer.Option(help="Seed of the first run.")]
    = library_default(_library_repeat, "seed"),
    quick: Annotated[bool, typer.Option(help="Recipes: the reduced version.")] = False,
    epochs: Annotated[int | None, typer.Option(help="Override the epochs.",
                                               show_default="the target's")] = None,
    confidence: Annotated[float, typer.Option(help="Level of the mean's CI.")]
    = library_default(_library_repeat, "confidence"),
    out: Annotated[Path | None, typer.Option(help="Write a run directory here.",
                                             show_default="none")] = None,
    sequential: Annotated[bool, typer.Option(
        "--sequential", help="Train the runs one after another instead of together as "
                             "one batched model (same scores, to float rounding).")] = False,
    as_json: JSON_OPTION = False,
) -> None:
    """Run a recipe or config N times with seeds seed..seed+N-1 and summarise the scores
    (mean, std, quartiles, confidence interval of the mean)."""
    from seqlab.evaluate import repeat
    from seqlab.evaluate.stats import describe_table

    if out is not None:
        from seqlab.runs import check_run_folder

        check_run_folder(out, inputs=(target,))
    screen = output(as_json)
    experiment = load_experiment_target(target, quick=quick, epochs=epochs)
    result = repeat(experiment, repeats=repeats, seed=seed, workers=workers,
                    confidence=confidence, echo=screen.progress(), sequential=sequential)
    if out is not None:
        from seqlab.runs import begin_run, write_run_dir

        begin_run(out, fresh=True)  # nothing there is this run's yet
        write_run_dir(out, config={"command": "repeat", "target": target,
                                   "repeats": repeats, "seed": seed, "workers": workers,
                                   "quick": quick, "epochs": epochs},
                      metrics=result.to_dict(), figures={"boxplot": result.boxplot(target)})
    if as_json:
        screen.json({"target": target, **result.to_dict()})
        return
    screen.result(describe_table({target: result.summary}))
    screen.result(str(result.summary))

def _tune(
    config: Annotated[str | None, typer.Argument(
        help="Config file (TOML, or .json).",
        show_default="the book's toy problem (chapter 12)")] = None,
    grid_items: Annotated[list[str], typer.Option(
        "--grid", help="NAME=V1,V2,... (repeatable), e.g. units=1,5,10.",
        show_default="none: give at least one")] = [],  # noqa: B006
    repeats: Annotated[int, typer.Option(help="Runs per configuration.")]
    = library_default(_library_tune, "repeats"),
    epochs: Annotated[int | None, typer.Option(help="Epochs of every run.",
                                               show_default="the config's")] = None,
    backend: Annotated[str, typer.Option(help="grid, random or optuna.")]
    = library_default(_library_tune, "backend"),
    n_trials: Annotated[int | None, typer.Option(
        help="Configurations for random; trials this process trains for optuna (or "
             "until --trials is reached).", show_default="10")] = None,
    param_items: Annotated[list[str], typer.Option(
        "--param", help="NAME=LOW..HIGH, with :log and/or :int after it, or NAME=A,B "
        "(repeatable), e.g. lr=1e-4..1e-1:log, units=16..256:int, cell=lstm,gru.",
        show_default="none")] = [],  # noqa: B006
    trials: Annotated[int | None, typer.Option(
        "--trials", help="Optuna: the study's budget of completed trials, shared by every "
                         "worker on the same --storage and --study-name.",
        show_default="none: --n-trials per worker")] = None,
    direction: Annotated[str | None, typer.Option(
        help="minimize or maximize (default: what the config's score needs).")] = None,
    prune: Annotated[bool, typer.Option(
        help="Optuna: stop a trial whose validation score is worse than the median of "
             "earlier trials at the same epoch.")] = library_default(_library_tune, "prune"),
    storage: Annotated[str | None, typer.Option(
        help="Optuna storage: a SQLAlchemy URL or a SQLite file path.",
        show_default="sqlite:///seqlab-tune.db")] = None,
    study_name: Annotated[str | None, typer.Option(
        help="Optuna study name (workers started with the same command share it).",
        show_default="derived from the config, space and seeds")] = None,
    workers: Annotated[int, typer.Option(help="Parallel worker processes.")] = 1,
    seed: Annotated[int, typer.Option(help="Seed of the first repeat.")]
    = library_default(_library_tune, "seed"),
    out: Annotated[Path | None, typer.Option(help="Write a run directory here.",
                                             show_default="none")] = None,
    sequential: Annotated[bool, typer.Option(
        "--sequential", help="Train every run on its own instead of training runs that "
                             "share an architecture together as one batched model.")
    ] = False,
    as_json: JSON_OPTION = False,
) -> None:
    """Grid/random/Optuna search over spec, trainer and fit fields; prints a describe
    table of each configuration's repeated scores and the best configuration."""
    from seqlab.evaluate import ConfigExperiment, load_config, tune

    screen = output(as_json)
    if out is not None:
        from seqlab.runs import check_run_folder

        check_run_folder(out, inputs=(config,))
    space = _tune_space(grid_items, param_items)
    if epochs is not None and "epochs" in space:  # the search's values won, silently
        raise ValidationError("epochs is given by both --epochs and the search space "
                              "(--grid or --param); give it once.")
    if config is None:
        from seqlab.recipes.diagnose import toy_config

        base = toy_config()
    else:
        base = load_config(config)
    overrides = {"epochs": epochs} if epochs is not None else {}
    result = tune(ConfigExperiment(base, overrides), space, backend=backend,
                  repeats=repeats, seed=seed, n_trials=n_trials, max_trials=trials,
                  workers=workers, direction=direction, storage=storage,
                  study_name=study_name, prune=prune, echo=screen.progress(),
                  sequential=sequential)
    if out is not None:
        from seqlab.runs import begin_run, write_run_dir

        begin_run(out, fresh=True)  # nothing there is this run's yet
        write_run_dir(out, config={"command": "tune", "config": config or "toy",
                                   "grid": space, "repeats": repeats, "epochs": epochs,
                                   "backend": backend, "seed": seed,
                                   "trials": trials, "storage": result.storage,
                                   "study_name": result.study_name},
                      metrics=result.to_dict(), figures={"boxplot": result.boxplot()})
    if as_json:
        screen.json(result.to_dict())
        return
    screen.result(result.table())
    screen.result(f"best: {result.best} (mean {result.summaries[result.best_index].mean:.6g})")
    if result.storage:
        screen.note(f"study {result.study_name!r} stored in {result.storage}: "
             + ", ".join(f"{n} {what}" for what, n in result.trials.items()))

def _diagnose(
    run_dir: Annotated[Path, typer.Argument(help="A run directory (seqlab run --out).")],
    as_json: JSON_OPTION = False,
) -> None:
    """Read the learning curves of a run directory: underfit, good fit or overfit."""
    from seqlab.evaluate import majority
    from seqlab.evaluate.diagnosis import MIN_EPOCHS
    from seqlab.runs import read_run_dir

    record = read_run_dir(run_dir)
    numbered, problems = record.diagnoses()
    if not record.histories and record.config.get("command") in ("repeat", "tune"):
        raise ValidationError(_no_curves(run_dir, record.config))
    if not numbered:
        raise ValidationError(
            f"{str(run_dir)!r} holds no history with a validation loss over at least "
            f"{MIN_EPOCHS} epochs to diagnose" + (f" ({problems[0]})" if problems else "")
            + ".")
    verdict = majority([d for _, d in numbered])
    screen = output(as_json)
    for problem in [*record.problems, *problems]:
        screen.warn(problem)
    if as_json:
        screen.json({"verdict": verdict,
                     "runs": [{"run": i, **d.to_dict()} for i, d in numbered],
                     "not_diagnosed": problems})
        return
    for index, d in numbered:
        screen.result(f"run {index}: {d}")
    screen.result(f"verdict: {verdict}")

def _no_curves(run_dir: Path, config: dict[str, Any]) -> str:
    """Why the folder `run_dir` of a `seqlab repeat` or `tune` (its config.json, `config`)
    cannot be diagnosed, and which folder to give instead."""
    from seqlab.recipes import names

    command = config["command"]
    target = config.get("target") if command == "repeat" else None
    what = ("the scores of its runs" if command == "repeat"
            else "the scores of each configuration it tried")
    message = (f"{str(run_dir)!r} is the folder of a `seqlab {command}`, which records "
               f"{what} (metrics.json, boxplot.png) but not their learning curves, so there "
               f"is nothing to diagnose; `seqlab report {run_dir}` shows the scores. ")
    if isinstance(target, str) and target in names():
        repeats = config.get("repeats")
        repeats = f" --repeats {repeats}" if isinstance(repeats, int) and repeats > 1 else ""
        quick = " --quick" if config.get("quick") is True else ""
        epochs = config.get("epochs")
        epochs = f" --epochs {epochs}" if isinstance(epochs, int) else ""
        return message + (f"To diagnose the recipe's runs, write a run folder with their "
                          f"curves and give that: `seqlab run {target}{quick}{repeats}"
                          f"{epochs} --out "
                          f"FOLDER`, then `seqlab diagnose FOLDER`.")
    return message + ("Give diagnose a run folder, one written by `seqlab run NAME --out "
                      "FOLDER`, which records each run's curves.")


def _report(
    run_dir: Annotated[Path, typer.Argument(help="A run directory (seqlab run --out).")],
    out: Annotated[Path | None, typer.Option(
        help="HTML file to write.", show_default="RUN_DIR/report.html")] = None,
) -> None:
    """Write one self-contained HTML page (config, metrics, curves, diagnosis, figures)."""
    from seqlab.runs import write_report
    if out is not None:
        refuse_folder_spelling(out, ("--out",), "the report is one HTML file", "report.html")
        check_output_path(out, "report")
        if out.suffix.lower() not in (".html", ".htm"):
            raise ValidationError(f"The report {out} is an HTML page; name a .html file (a "
                                  f"run directory's own records are .json and .png).")
    output().result(str(write_report(run_dir, out)))


def register(app: typer.Typer) -> None:
    """Add the evaluation commands to `app` (repeat and tune train many models)."""
    add_command(app, "repeat", with_device(tracked("repeat")(_repeat)), fits="many")
    add_command(app, "tune", with_device(tracked("tune")(_tune)), fits="many")
    add_command(app, "diagnose", _diagnose)
    add_command(app, "report", _report)
