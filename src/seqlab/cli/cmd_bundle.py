"""`seqlab train`, `seqlab predict` and `seqlab update`: from a CSV to forecasts, and on."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from seqlab.cli._resume import resume_hint
from seqlab.cli._tracking import tracked
from seqlab.errors import ValidationError


def _train(
    csv: Annotated[Path | None, typer.Option(help="CSV (or JSON lines) holding the series.")]
    = None,
    column: Annotated[list[str] | None, typer.Option(help="Column(s) to model (repeat for "
                                                     "several).")] = None,
    n_in: Annotated[int | None, typer.Option(help="Past values per forecast.")] = None,
    n_out: Annotated[int | None, typer.Option(help="Values forecast at once.")] = None,
    units: Annotated[int | None, typer.Option(help="Recurrent units.")] = None,
    cell: Annotated[str | None, typer.Option(help="lstm, gru or rnn.")] = None,
    epochs: Annotated[int | None, typer.Option(help="Training epochs.")] = None,
    batch_size: Annotated[int | None, typer.Option(help="Samples per batch.")] = None,
    lr: Annotated[float | None, typer.Option(help="Learning rate (Adam).")] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed.")] = None,
    scale: Annotated[str | None, typer.Option(help="minmax or standard.")] = None,
    device: Annotated[str | None, typer.Option(help="auto (a GPU when present; the default), "
                                               "cpu, cuda or mps.")] = None,
    precision: Annotated[str | None, typer.Option(help="32 (the default), bf16 or 16 (CUDA "
                                                  "only).")] = None,
    out: Annotated[Path | None, typer.Option(help="Bundle folder to write.")] = None,
    config: Annotated[Path | None, typer.Option(help="TOML file with these settings "
                                                "(options given here win).")] = None,
    verbose: Annotated[int, typer.Option(help="0 silent, 1 progress, 2 a line an epoch.")] = 0,
    lock_timeout: Annotated[float, typer.Option(help="Seconds to wait while another process "
                                                "writes the same bundle.")] = 60.0,
    resume: Annotated[bool, typer.Option(help="Continue the interrupted run whose checkpoint "
                                         "is OUT.checkpoint (same command, same settings).")]
    = False,
) -> None:
    """Train a forecaster on a CSV series and save it as a bundle.

    Ctrl-C or SIGTERM writes a checkpoint beside the bundle (OUT.checkpoint) and exits
    with 130 or 143; the same command with --resume continues exactly where it stopped.

    The bundle keeps the scaling, so `seqlab predict` answers in the original units. Two
    trainings writing one bundle at once both end up in it: the later one is live and the
    earlier one is kept as its previous version (`seqlab update --rollback` restores it).
    """
    from seqlab.bundle import check_target, save, store, trainer_config_of
    from seqlab.lifecycle import ForecastConfig, read_columns, read_toml, train_forecaster

    settings: dict[str, Any] = read_toml(config) if config is not None else {}
    given = {"csv": csv, "column": column or None, "n_in": n_in, "n_out": n_out,
             "units": units, "cell": cell, "epochs": epochs, "batch_size": batch_size, "lr": lr,
             "seed": seed, "scale": scale, "device": device, "precision": precision,
             "out": out}
    settings = {k.replace("-", "_"): v for k, v in settings.items()}
    settings.update({k: v for k, v in given.items() if v is not None})
    source, columns = settings.pop("csv", None), settings.pop("column", None)
    target = settings.pop("out", None) or "model.bundle"
    if source is None:
        raise ValidationError("seqlab train needs --csv FILE (or csv = '...' in --config).")
    check_target(target)
    if isinstance(columns, str):
        columns = [columns]
    forecast = ForecastConfig.from_dict(settings)
    series, columns = read_columns(source, columns)
    replaces = store.live_version(target)  # what this run replaces, whatever lands meanwhile
    from seqlab.train.checkpoint import checkpoint_folder

    checkpoint = checkpoint_folder(target)
    with resume_hint("train"):
        trainer, pipeline = train_forecaster(series, forecast, columns=columns, verbose=verbose,
                                             checkpoint=checkpoint, resume=resume)
    if not trainer.world.main:
        return  # under torchrun, rank 0 writes the bundle and reports
    folder = save(trainer, target, pipeline=pipeline, optimizer=trainer,
                  trainer_config=trainer_config_of(trainer, epochs=forecast.epochs,
                                                   batch_size=forecast.batch_size),
                  timeout=lock_timeout, replaces=replaces)
    typer.echo(f"trained on {len(series)} rows of {columns}: final loss "
               f"{trainer.history_.last()['loss']:.6g}; bundle written to {target} "
               f"(version {folder.name})")
    shutil.rmtree(checkpoint, ignore_errors=True)  # finished: nothing left to resume
    pointer = store.read_pointer(Path(target))
    kept = pointer["previous"] if pointer["current"] == folder.name else None
    if kept is not None and kept != replaces:
        typer.echo(f"another process wrote {target} meanwhile; its version {kept} is kept as "
                   f"the previous one (seqlab update --rollback {target} restores it)")


def _rows(bundle: Any, data: Any, last: bool) -> tuple[list[str], list[list[Any]]]:
    predictor = bundle.predictor
    window = bundle.pipeline.window
    if bundle.spec.task != "regression":
        labels = predictor.predict_classes(data)
        probabilities = predictor.predict_proba(data)
        header = ["label"] + [f"p{k}" for k in range(probabilities.shape[-1])]
        rows = [[_plain(label), *map(float, p.reshape(-1))]
                for label, p in zip(labels, probabilities, strict=True)]
        return header, rows[-1:] if last else rows
    values = predictor.predict(data).reshape(len(predictor.transform(data)), -1)
    names = bundle.pipeline.columns or ["value"]
    if window is not None:
        per_step = values.shape[1] // len(names)
        header = ["step"] + [f"{name}_t+{k + 1}" if len(names) > 1 else f"t+{k + 1}"
                             for k in range(per_step) for name in names]
        rows = [[i + window.n_in, *map(float, row)] for i, row in enumerate(values)]
    else:
        header = [f"y{k}" for k in range(values.shape[1])]
        rows = [[*map(float, row)] for row in values]
    return header, rows[-1:] if last else rows


def _is_forecasting_bundle(path: Path) -> bool:
    from seqlab.forecast.persist import DOCUMENT

    return (Path(path) / DOCUMENT).is_file()


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _predict(
    bundle: Annotated[Path, typer.Argument(help="Bundle folder (from seqlab train or save).")],
    input: Annotated[Path, typer.Argument(help="CSV with a header, or JSON lines.")],
    output: Annotated[Path | None, typer.Option(help="Write here (.csv or .jsonl); default: "
                                                "CSV on stdout.")] = None,
    column: Annotated[list[str] | None, typer.Option(help="Input column(s); default: the "
                                                     "bundle's.")] = None,
    last: Annotated[bool, typer.Option(help="Only the forecast after the end of the "
                                       "input.")] = False,
) -> None:
    """Predict on raw data with a bundle; forecasts come back in the original units.

    For a series model, row `step` holds the forecasts of the values at positions
    step, step+1, ... of the input; the last row forecasts beyond its end.
    """
    from seqlab._io import check_output_path
    from seqlab.bundle import load
    from seqlab.lifecycle import read_columns, read_sequences, write_rows

    if output is not None:
        check_output_path(output, "output")
        if output.exists() and input.exists() and output.resolve() == input.resolve():
            raise ValidationError(f"--output {output} is the input file; writing there would "
                                  f"replace your data. Name another file.")
    if _is_forecasting_bundle(bundle):
        from seqlab._io import atomic_write
        from seqlab.forecast import load as load_forecaster

        forecaster = load_forecaster(bundle)
        table = forecaster.predict(data=forecaster.read(input)).to_csv(index=False)
        if output is None:
            typer.echo(table, nl=False)
        else:
            atomic_write(output, table)
        return
    loaded = load(bundle)
    if loaded.pipeline.mode == "sequences":
        data: Any = read_sequences(input)
    else:
        data, _ = read_columns(input, column or loaded.pipeline.columns)
    header, rows = _rows(loaded, data, last)
    write_rows(output, header, rows)


def _update(
    bundle: Annotated[Path, typer.Argument(help="The champion's bundle folder.")],
    old: Annotated[Path | None, typer.Option(help="CSV of the data the champion was "
                                             "trained on.")] = None,
    new: Annotated[Path | None, typer.Option(help="CSV of the data collected since.")] = None,
    column: Annotated[list[str] | None, typer.Option(help="Column(s); default: the "
                                                     "bundle's.")] = None,
    rollback: Annotated[bool, typer.Option(help="Make the previous version live again.")]
    = False,
    repeats: Annotated[int, typer.Option(help="Trainings per strategy.")] = 3,
    epochs: Annotated[int | None, typer.Option(help="Epochs of new models (default: the "
                                               "champion's).")] = None,
    extra_epochs: Annotated[int | None, typer.Option(help="Extra epochs when continuing.")]
    = None,
    lr_factor: Annotated[float, typer.Option(help="Learning-rate factor when continuing.")]
    = 0.1,
    holdout: Annotated[float, typer.Option(help="Most recent fraction of the new data used "
                                           "to compare.")] = 0.3,
    min_improvement: Annotated[float, typer.Option(help="Required gain over champion and "
                                                   "baseline.")] = 0.05,
    seed: Annotated[int, typer.Option(help="Seed of the first repeat.")] = 0,
    dry_run: Annotated[bool, typer.Option(help="Compare only; never promote.")] = False,
    plot: Annotated[Path | None, typer.Option(help="PNG of skill over time and the "
                                              "candidates.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Update a bundle with new data, or roll it back.

    Strategies a-d run against a fair baseline; the winner is promoted only when it is
    better, and the previous version is kept. `--rollback` makes that version live again.
    """
    from seqlab.bundle import load
    from seqlab.bundle import rollback as roll_back
    from seqlab.lifecycle import read_columns, update

    if plot is not None:
        from seqlab._io import check_output_path

        check_output_path(plot, "plot")
    if _is_forecasting_bundle(bundle):
        raise ValidationError(
            f"{bundle} is a forecasting bundle (seqlab forecast --out). It chooses its settings "
            f"from the data, so it is refitted rather than updated: `seqlab backtest ALL.csv "
            f"--horizon H` compares it with the baselines on the data you have now, `seqlab "
            f"forecast ALL.csv --horizon H --out {bundle}` refits it on old and new data "
            f"together, and `seqlab forecast --model {bundle} NEW.csv` forecasts from new "
            f"observations without refitting (a handful are enough).")
    if rollback:
        live = roll_back(bundle)
        typer.echo(f"rolled back: {bundle} now serves version {live}")
        return
    if old is None or new is None:
        raise ValidationError("seqlab update needs --old FILE and --new FILE (or --rollback).")
    columns = column or load(bundle).pipeline.columns
    old_series, _ = read_columns(old, columns)
    new_series, _ = read_columns(new, columns)
    report = update(bundle, old_series, new_series, repeats=repeats, epochs=epochs,
                    extra_epochs=extra_epochs, lr_factor=lr_factor, holdout=holdout,
                    min_improvement=min_improvement, seed=seed, promote=not dry_run, plot=plot)
    if as_json:
        typer.echo(json.dumps(report.to_dict()))
        return
    typer.echo(f"champion RMSE on recent data: {report.champion_rmse:.6g}")
    for name, why in report.skipped.items():
        typer.echo(f"  {name:<13} skipped: {why}")
    for name, mean in report.means().items():
        typer.echo(f"  {name:<13} mean RMSE {mean:.6g} over {len(report.scores[name])} run(s)")
    typer.echo(("PROMOTED: " if report.promoted else "") + report.reason)
    if dry_run:
        typer.echo(f"dry run: nothing was promoted; {bundle} is unchanged.")
    if report.promoted:
        typer.echo(f"previous version kept; undo with: seqlab update --rollback {bundle}")


def register(app: typer.Typer) -> None:
    """Add train, predict and update to the `seqlab` command."""
    app.command("train")(tracked("train")(_train))
    app.command("predict")(_predict)
    app.command("update")(_update)
