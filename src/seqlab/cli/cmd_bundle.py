"""`seqlab train`, `seqlab predict` and `seqlab update`: from a CSV to forecasts, and on."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from seqlab.cli._options import (
    DEVICE_OPTION,
    JSON_OPTION,
    alias,
    library_default,
    on_device,
    refuse_folder_spelling,
    with_device,
)
from seqlab.cli._resume import resume_hint
from seqlab.cli._tracking import tracked
from seqlab.cli.output import Output, add_command, side_notes
from seqlab.errors import ValidationError
from seqlab.lifecycle.updating import update as _library_update


def _shown(name: str) -> str:
    """`ForecastConfig`'s default of `name`, shown in `train --help` (the options themselves
    default to None so that a --config file's settings apply unless an option is given)."""
    from dataclasses import fields

    from seqlab.lifecycle import ForecastConfig

    return str(next(f.default for f in fields(ForecastConfig) if f.name == name))


def _train(
    data: Annotated[Path | None, typer.Argument(help="CSV (or JSON lines) holding the series "
                                                "(or csv = '...' in --config).",
                                                show_default=False)] = None,
    column: Annotated[list[str] | None, typer.Option(help="Column(s) to model (repeat for "
                                                     "several).", show_default="the one "
                                                     "numeric column")] = None,
    n_in: Annotated[int | None, typer.Option(help="Past values per forecast.",
                                             show_default=_shown("n_in"))] = None,
    n_out: Annotated[int | None, typer.Option(help="Values forecast at once.",
                                              show_default=_shown("n_out"))] = None,
    units: Annotated[int | None, typer.Option(help="Recurrent units.",
                                              show_default=_shown("units"))] = None,
    cell: Annotated[str | None, typer.Option(help="lstm, gru or rnn.",
                                             show_default=_shown("cell"))] = None,
    epochs: Annotated[int | None, typer.Option(help="Training epochs.",
                                               show_default=_shown("epochs"))] = None,
    batch_size: Annotated[int | None, typer.Option(help="Samples per batch.",
                                                   show_default=_shown("batch_size"))] = None,
    lr: Annotated[float | None, typer.Option(help="Learning rate (Adam).",
                                             show_default="Adam's 0.001")] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed.",
                                             show_default=_shown("seed"))] = None,
    scale: Annotated[str | None, typer.Option(help="minmax or standard.",
                                              show_default=_shown("scale"))] = None,
    device: Annotated[str | None, typer.Option(help="auto (a GPU when present), cpu, cuda or "
                                               "mps.", show_default=_shown("device"))] = None,
    precision: Annotated[str | None, typer.Option(help="32, bf16 or 16 (CUDA only).",
                                                  show_default=_shown("precision"))] = None,
    out: Annotated[Path | None, typer.Option(help="Bundle folder to write.",
                                             show_default="model.bundle")] = None,
    config: Annotated[Path | None, typer.Option(help="TOML (or .json) file with these "
                                                "settings (options given here win).",
                                                show_default="none")] = None,
    lock_timeout: Annotated[float, typer.Option(help="Seconds to wait while another process "
                                                "writes the same bundle.")] = 60.0,
    resume: Annotated[bool, typer.Option(help="Continue the interrupted run whose checkpoint "
                                         "is under OUT.checkpoint (same command, same "
                                         "settings; of several, the one written last).")]
    = False,
    as_json: JSON_OPTION = False,
    csv: Annotated[Path | None, typer.Option("--csv", hidden=True)] = None,
) -> None:
    """Train a forecaster on the series in DATA and save it as a bundle.

    The bundle keeps the scaling, so `seqlab predict` answers in the original units, and
    so does the training error printed at the end. Two trainings writing one bundle at once
    both end up in it: the later one is live and the earlier one is kept as its previous
    version (`seqlab update --rollback` restores it).

    Ctrl-C or SIGTERM writes a checkpoint beside the bundle (the run's own folder under
    OUT.checkpoint) and exits with 130 or 143; the same command with --resume continues
    exactly where it stopped (of several interrupted runs, the one checkpointed last).
    """
    from seqlab._io import read_config_file
    from seqlab.bundle import check_replaces_alike, check_target, save, store, trainer_config_of
    from seqlab.bundle import load as load_bundle
    from seqlab.lifecycle import read_columns, rmse, train_forecaster

    data = alias(data, csv, "--csv", "give the data file as an argument: seqlab train DATA",
                 "The data file")
    settings: dict[str, Any] = read_config_file(config) if config is not None else {}
    for key in ("csv", "out"):  # paths: text, and relative to the config file's folder
        value = settings.get(key)
        if value is not None and not isinstance(value, str):
            raise ValidationError(f"{config}: {key} = {value!r} must be a path in quotes.")
        if value is not None and config is not None and not Path(value).is_absolute():
            settings[key] = str(Path(config).parent / value)
    if settings.get("column") is not None and not (
            isinstance(settings["column"], str) or isinstance(settings["column"], list)
            and all(isinstance(c, str) for c in settings["column"])):
        raise ValidationError(f"{config}: column = {settings['column']!r} must name a column "
                              f"in quotes, or list several.")
    given = {"csv": data, "column": column or None, "n_in": n_in, "n_out": n_out,
             "units": units, "cell": cell, "epochs": epochs, "batch_size": batch_size, "lr": lr,
             "seed": seed, "scale": scale, "device": device, "precision": precision,
             "out": out}
    settings = {k.replace("-", "_"): v for k, v in settings.items()}
    from_file = {k for k in settings if given.get(k) is None}  # the options given win
    settings.update({k: v for k, v in given.items() if v is not None})
    source, columns = settings.pop("csv", None), settings.pop("column", None)
    target = settings.pop("out", None) or "model.bundle"
    if source is None:
        raise ValidationError("seqlab train needs the data: seqlab train DATA (or csv = '...' "
                              "in --config).")
    check_target(target)
    check_replaces_alike(target, text=False)
    if isinstance(columns, str):
        columns = [columns]
    forecast = _forecast_config(settings, config, from_file)
    read_as: list[str] = []
    series, columns = read_columns(source, columns, notes=read_as)
    side_notes(read_as)
    _check_rows_for_a_window(source, len(series), forecast.n_in, forecast.n_out)
    replaces = store.live_version(target)  # what this run replaces, whatever lands meanwhile
    from seqlab.train.checkpoint import checkpoint_folder
    from seqlab.train.distributed import world
    from seqlab.train.precision import resolve_device
    from seqlab.train.run_checkpoints import claim_run_checkpoint

    # This run's own checkpoint folder under OUT.checkpoint: runs at once never share one.
    with claim_run_checkpoint(checkpoint_folder(target), resume=resume,
                              world=world(resolve_device(forecast.device))) as checkpoint:
        with resume_hint("train"):
            trainer, pipeline = train_forecaster(series, forecast, columns=columns,
                                                 checkpoint=checkpoint.path, resume=resume)
        if not trainer.world.main:
            return  # under torchrun, rank 0 writes the bundle and reports
        folder = save(trainer, target, pipeline=pipeline, optimizer=trainer,
                      trainer_config=trainer_config_of(trainer, epochs=forecast.epochs,
                                                       batch_size=forecast.batch_size),
                      timeout=lock_timeout, replaces=replaces, keep_previous=True)
        checkpoint.finish()  # finished: nothing left to resume
    saved = load_bundle(folder)
    error = rmse(saved.model, saved.pipeline, series)
    last = trainer.history_.last()
    pointer = store.read_pointer(Path(target))
    kept = pointer["previous"] if pointer["current"] == folder.name else None
    screen = Output(as_json)
    if as_json:
        screen.json({"bundle": str(target), "version": folder.name, "rows": len(series),
                    "columns": columns, "epochs": len(trainer.history_),
                    "train_rmse": error, "final_loss": last["loss"],
                    "previous": kept})
        return
    screen.result(f"trained on {len(series)} rows of {columns} for {len(trainer.history_)} "
               f"epoch(s): training RMSE {error:.6g} in the data's units (final loss "
               f"{last['loss']:.6g}, MSE of the scaled values); bundle written to {target} "
               f"(version {folder.name})")
    if kept is not None and kept != replaces:
        screen.note(f"another process wrote {target} meanwhile; its version {kept} is kept as "
                    f"the previous one (seqlab update --rollback {target} restores it)")
    elif kept is not None:
        screen.note(f"the model it replaces is kept as the previous version (seqlab update "
                    f"--rollback {target} restores it)")


def _forecast_config(settings: dict[str, Any], config: Path | None,
                     from_file: set[str]) -> Any:
    """`ForecastConfig` of `settings`; a setting of the --config file that it refuses is
    named with the file (the message named neither, and listed as known settings only the
    forecaster's, not csv, column or out)."""
    from dataclasses import fields

    from seqlab.lifecycle import ForecastConfig

    known = {f.name for f in fields(ForecastConfig)}
    unknown = sorted(set(settings) - known)
    if unknown:
        raise ValidationError(f"{config}: unknown setting(s) {unknown}; known settings are "
                              f"{sorted(known | {'csv', 'column', 'out'})}.")
    try:
        return ForecastConfig.from_dict(settings)
    except ValidationError as error:
        bad = next((key for key in from_file if f"'{key}'" in str(error)), None)
        if bad is None:
            raise
        raise ValidationError(f"{config}: {bad} = {settings[bad]!r} is refused: {error}") \
            from None


def _check_rows_for_a_window(source: Any, rows: int, n_in: int, n_out: int) -> None:
    """Refuse a training file too short for one window, naming the file, its rows and the
    options that set the window (the framing said only "`series` has only 2 time steps")."""
    if rows < n_in + n_out:
        raise ValidationError(
            f"{source} holds {rows} row(s); one training window needs --n-in + --n-out = "
            f"{n_in} + {n_out} = {n_in + n_out} consecutive rows. Give a longer series, or "
            f"a smaller --n-in or --n-out.")


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
    from seqlab.forecast.persist import is_forecasting_bundle

    return is_forecasting_bundle(path)


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _predict(
    bundle: Annotated[Path, typer.Argument(help="Bundle folder (from seqlab train or save).")],
    input: Annotated[Path, typer.Argument(help="CSV with a header, or JSON lines.")],
    out: Annotated[Path | None, typer.Option(help="Write here (.csv or .jsonl).",
                                             show_default="CSV on stdout")] = None,
    column: Annotated[list[str] | None, typer.Option(help="Input column(s).",
                                                     show_default="the bundle's")] = None,
    last: Annotated[bool, typer.Option(help="Only the forecast after the end of the "
                                       "input.")] = False,
    device: DEVICE_OPTION = "auto",
    output: Annotated[Path | None, typer.Option("--output", hidden=True)] = None,
) -> None:
    """Predict on raw data with a bundle; forecasts come back in the original units.

    For a series model, row `step` holds the forecasts of the values at positions
    step, step+1, ... of the input; the last row forecasts beyond its end.
    """
    from seqlab._io import check_table_path
    from seqlab.bundle import load
    from seqlab.lifecycle import read_columns, read_sequences, write_rows

    output = alias(out, output, "--output", "write --out FILE", "The output file")
    _check_order(bundle, input, f"seqlab predict {input} {bundle}")
    refuse_folder_spelling(output, ("--out", "--output"), "predict writes one table file",
                           "predictions.csv")
    if output is not None:
        check_table_path(output, "output", inputs=(input, bundle))
    from seqlab.classify.persist import is_classifier_bundle

    forecasting, classifier = _is_forecasting_bundle(bundle), is_classifier_bundle(bundle)
    unused = [option for option, given in (("--column", bool(column)), ("--last", last),
                                           ("--device", device != "auto")) if given]
    if (forecasting or classifier) and unused:
        raise ValidationError(
            f"{', '.join(unused)} {'applies' if len(unused) == 1 else 'apply'} to model "
            f"bundles; {bundle} is a {'forecasting' if forecasting else 'classifier'} bundle, "
            "which reads the file as it was fitted on"
            + (" and forecasts every series from its end" if forecasting else "")
            + (". Drop it." if len(unused) == 1 else ". Drop them."))
    if forecasting:
        from seqlab.cli.cmd_forecast import write_forecast_table
        from seqlab.forecast import load as load_forecaster

        forecaster = load_forecaster(bundle)
        table = forecaster.predict(data=forecaster.read(input))
        side_notes(table.attrs["notes"])
        if output is None:
            Output().result(table.to_csv(index=False), end="")
        else:
            write_forecast_table(table, output)
        return
    if classifier:
        from seqlab.cli.cmd_classify import predict_bundle

        write_rows(output, *predict_bundle(bundle, input))
        return
    loaded = load(bundle)
    if loaded.pipeline.encoder is not None and loaded.pipeline.mode != "sequences":
        # symbols in, no padded sequences to classify: a character model from train-text
        raise ValidationError(f"{bundle} is a text model (a character model from "
                              f"train-text): it continues text, it does not predict on "
                              f"{input.name}. Use `seqlab generate {bundle} --prime TEXT`.")
    on_device(loaded.model, device)
    if loaded.pipeline.mode == "sequences":
        data: Any = read_sequences(input)
    else:
        fitted = loaded.pipeline.columns
        _check_column_count(bundle, column, fitted)
        read_as: list[str] = []
        data, names = read_columns(input, column or None, expected=fitted, notes=read_as)
        side_notes(read_as)
        width = 1 if data.ndim == 1 else data.shape[1]
        if fitted is not None and width != len(fitted):
            # JSON lines of bare numbers or lists have no names to check: their width is
            # all there is ("MinMaxScaler was fitted on 1 feature(s) but `x` ... has 2").
            wanted = ("one number a line" if len(fitted) == 1 else
                      f"a list of {len(fitted)} numbers a line, in that order")
            raise ValidationError(f"{input} holds {width} value(s) a line ({', '.join(names)}); "
                                  f"{bundle} was trained on {len(fitted)} column(s) {fitted}: "
                                  f"give {wanted}.")
        window = loaded.pipeline.window
        if window is not None and len(data) < window.n_in:
            raise ValidationError(f"{input} holds {len(data)} row(s); {bundle} reads "
                                  f"{window.n_in} to forecast (its --n-in): give at least "
                                  f"the latest {window.n_in}.")
        _warn_far_from_training(loaded.pipeline, data, input)
    header, rows = _rows(loaded, data, last)
    write_rows(output, header, rows)


FAR = 10.0
"""How far beyond the training range (in widths of that range, or for a standardised model
in standard deviations beyond the mean) a value to predict from is warned about."""


def _warn_far_from_training(pipeline: Any, data: np.ndarray, source: Path) -> None:
    """Warn of columns of `data` whose values lie far outside what the model was trained on
    (`FAR`): another unit or another series gave forecasts that looked as sure as any
    (a model of 10 to 30 read 1e30 and answered 10.0), without a word."""
    from seqlab.data.scaling import MinMaxScaler

    step = next((s for s in pipeline.steps if getattr(s, "scaler_", None) is not None), None)
    if step is None:
        return
    scaler, values = step.scaler_, np.asarray(data, dtype=np.float64).reshape(len(data), -1)
    names = pipeline.columns or [f"column {j + 1}" for j in range(values.shape[1])]
    for j, name in enumerate(names[:values.shape[1]]):
        column = values[:, j]
        if isinstance(scaler, MinMaxScaler):
            low, high = float(scaler.data_min_[j]), float(scaler.data_max_[j])
            width = high - low
            seen = f"from {low:.6g} to {high:.6g}"
        else:
            mean, width = float(scaler.mean_[j]), float(scaler.scale_[j])
            low = high = mean
            seen = f"with mean {mean:.6g} and standard deviation {width:.6g}"
            if float(scaler.var_[j]) == 0:  # a constant column: its scale of 1 is no spread
                width = 0.0
        if width <= 0:
            # Trained on one value: every other value is beyond what it saw, by any measure.
            other = ~np.isclose(column, low, rtol=1e-9, atol=0)
            if other.any():
                worst = column[np.argmax(np.abs(column - low))]
                Output(as_json=True).warn(
                    f"{source}: column {name!r} holds {worst:.6g}, but the model was trained "
                    f"on a constant {low:.6g} in it; its forecasts from other values are "
                    f"extrapolation (a model of one value learns no response to others).")
            continue
        worst = column[np.argmax(np.maximum(low - column, column - high))]
        beyond = max(low - worst, worst - high) / width
        if beyond > FAR:
            times = f"{beyond:,.0f}" if beyond < 1e9 else f"{beyond:.2g}"
            Output(as_json=True).warn(
                f"{source}: column {name!r} holds {worst:.6g}, {times} times the "
                f"{'width of the training range' if isinstance(scaler, MinMaxScaler) else 'standard deviation'} "
                f"beyond the values the model was trained on ({seen}); its forecasts there "
                f"are extrapolation (another unit, or another series?).")


def _check_order(bundle: Path, data: Path, fixed: str) -> None:
    """Refuse a data file given where the bundle goes and a folder where the data goes:
    the arguments were swapped (it said only "one.csv is a file; a bundle is a folder")."""
    if bundle.is_file() and data.is_dir():
        raise ValidationError(f"{bundle} is a file and {data} a folder: the bundle comes "
                              f"first. Did you mean `{fixed}`?")


def _check_column_count(bundle: Path, column: list[str] | None,
                        fitted: list[str] | None) -> None:
    """Refuse --column naming another number of columns than the bundle was trained on, or
    the training columns in another order."""
    if column and fitted is not None and len(column) != len(fitted):
        raise ValidationError(f"{bundle} was trained on {len(fitted)} column(s) {fitted}; "
                              f"--column names {len(column)} ({', '.join(column)}). Name "
                              f"{len(fitted)}, in the same order.")
    if column and fitted is not None and column != fitted and sorted(column) == sorted(fitted):
        # The training columns in another order: each would be read as another (the model
        # was fed hum as temp, and the forecasts were labelled by the training names).
        moved = next(c for c, f in zip(column, fitted, strict=True) if c != f)
        raise ValidationError(
            f"{bundle} was trained on the columns {fitted}, in that order; --column names "
            f"them as {column}, so {moved!r} would be read as "
            f"{fitted[column.index(moved)]!r}. Name them in the training order, or leave "
            f"--column out.")


def _roll_back(bundle: Path, data: list[Path], *, dry_run: bool, as_json: bool) -> None:
    """`update --rollback`: make the previous version live (with `dry_run`, only say which
    it is); data files have no part in it, so they are refused rather than ignored."""
    from seqlab.bundle import rollback as roll_back
    from seqlab.bundle import store

    if data:
        raise ValidationError(f"--rollback takes no data ({', '.join(map(str, data))}): it "
                              f"makes the version kept before the last promotion live again. "
                              f"Run `seqlab update {bundle} OLD NEW` to update instead.")
    served = store.live_version(Path(bundle))
    live = roll_back(bundle, dry_run=dry_run)
    screen = Output(as_json)
    if as_json:
        screen.json({"bundle": str(bundle), "dry_run": dry_run,  # the versions it leaves
                     "live": served if dry_run else live,
                     "previous": live if dry_run else served})
    elif dry_run:
        screen.result(f"would roll back: {bundle} serves version {served}; --rollback would "
                      f"make {live} live (nothing changed)")
    else:
        screen.result(f"rolled back: {bundle} now serves version {live}")


def _update(
    bundle: Annotated[Path, typer.Argument(help="The champion's bundle folder.")],
    old: Annotated[Path | None, typer.Argument(help="CSV of the data the champion was "
                                               "trained on.", show_default=False)] = None,
    new: Annotated[Path | None, typer.Argument(help="CSV of the data collected since.",
                                               show_default=False)] = None,
    column: Annotated[list[str] | None, typer.Option(help="Column(s).",
                                                     show_default="the bundle's")] = None,
    rollback: Annotated[bool, typer.Option(help="Make the previous version live again.")]
    = False,
    repeats: Annotated[int | None, typer.Option(
        help="Trainings per strategy.", show_default=str(library_default(_library_update, "repeats")))] = None,
    epochs: Annotated[int | None, typer.Option(help="Epochs of new models.",
                                               show_default="the champion's")] = None,
    extra_epochs: Annotated[int | None, typer.Option(help="Extra epochs when continuing.",
                                                     show_default="a fifth of --epochs, at least 1")]
    = None,
    lr_factor: Annotated[float | None, typer.Option(
        help="Learning-rate factor when continuing.",
        show_default=str(library_default(_library_update, "lr_factor")))] = None,
    holdout: Annotated[float | None, typer.Option(
        help="Most recent fraction of the new data used to compare.",
        show_default=str(library_default(_library_update, "holdout")))] = None,
    min_improvement: Annotated[float | None, typer.Option(
        help="Required gain over champion and baseline.",
        show_default=str(library_default(_library_update, "min_improvement")))] = None,
    seed: Annotated[int | None, typer.Option(
        help="Seed of the first repeat.", show_default=str(library_default(_library_update, "seed")))] = None,
    dry_run: Annotated[bool, typer.Option(help="Compare only: say what would be promoted, "
                                          "change nothing.")] = False,
    plot: Annotated[Path | None, typer.Option(help="PNG of skill over time and the "
                                              "candidates.", show_default="none")] = None,
    as_json: JSON_OPTION = False,
    old_option: Annotated[Path | None, typer.Option("--old", hidden=True)] = None,
    new_option: Annotated[Path | None, typer.Option("--new", hidden=True)] = None,
) -> None:
    """Update a bundle with new data, or roll it back.

    Strategies a-d run against a fair baseline; the winner is promoted only when it is
    better, and the previous version is kept. `--rollback` makes that version live again.
    """
    from seqlab.lifecycle import read_columns, update
    from seqlab.lifecycle.updating import updatable

    if plot is not None:
        from seqlab._io import check_figure_path

        refuse_folder_spelling(plot, ("--plot",), "the plot is one picture file", "update.png")
        check_figure_path(plot, "plot", inputs=(bundle, old, new, old_option, new_option))
    training = {"repeats": repeats, "epochs": epochs, "extra_epochs": extra_epochs,
                "lr_factor": lr_factor, "holdout": holdout,
                "min_improvement": min_improvement, "seed": seed}
    if rollback:  # any bundle store: a forecasting bundle keeps the fit a refit replaced
        unused = [f"--{name.replace('_', '-')}" for name, value in
                  {**training, "column": column or None, "plot": plot}.items()
                  if value is not None]
        if unused:
            raise ValidationError(f"{', '.join(unused)} {'sets' if len(unused) == 1 else 'set'}"
                                  f" how an update trains; --rollback trains nothing. Drop "
                                  f"{'it' if len(unused) == 1 else 'them'}.")
        _roll_back(bundle, [f for f in (old, new, old_option, new_option) if f is not None],
                   dry_run=dry_run, as_json=as_json)
        return
    if _is_forecasting_bundle(bundle):
        raise ValidationError(
            f"{bundle} is a forecasting bundle (seqlab forecast --out). It chooses its settings "
            f"from the data, so it is refitted rather than updated: `seqlab backtest ALL.csv "
            f"--horizon H` compares it with the baselines on the data you have now, `seqlab "
            f"forecast ALL.csv --horizon H --out {bundle}` refits it on old and new data "
            f"together, and `seqlab forecast --model {bundle} NEW.csv` forecasts from new "
            f"observations without refitting (the latest alone are enough: they continue "
            f"the fitted history); `seqlab update {bundle} --rollback` brings back the fit "
            f"a refit replaced.")
    old = alias(old, old_option, "--old", "give the files as arguments: seqlab update BUNDLE "
                "OLD NEW", "The old data file")
    new = alias(new, new_option, "--new", "give the files as arguments: seqlab update BUNDLE "
                "OLD NEW", "The new data file")
    if old is None or new is None:
        raise ValidationError("seqlab update needs the data: seqlab update BUNDLE OLD NEW (or "
                              "seqlab update BUNDLE --rollback).")
    _check_order(bundle, old, f"seqlab update {old} {bundle} {new}")
    _check_order(bundle, new, f"seqlab update {new} {old} {bundle}")
    if old.exists() and new.exists() and old.resolve() == new.resolve():
        # The champion was scored and challenged on the very data it was trained on, and
        # every number printed read as an answer to "has the data changed?". A warning, not
        # a refusal: it still runs the comparison (a smoke test of the command).
        Output(as_json).warn(f"OLD and NEW are one file ({old}): the comparison scores the "
                             f"champion on data it was trained on, so it says nothing about "
                             f"new data. NEW should hold the data collected since.")
    expected = updatable(bundle).pipeline.columns  # a text model is told so, first
    if not dry_run:  # its lock and a promotion are written beside it: fail before training
        from seqlab._io import check_output_path
        from seqlab.bundle.store import refuse_version_folder

        check_output_path(bundle, "bundle", folder=True)
        refuse_version_folder(bundle, new_path=False)  # a promotion can't go there
    _check_column_count(bundle, column, expected)
    read_as: list[str] = []
    old_series, _ = read_columns(old, column or None, expected=expected, notes=read_as)
    new_series, _ = read_columns(new, column or None, expected=expected, notes=read_as)
    side_notes(read_as)
    report = update(bundle, old_series, new_series, promote=not dry_run, plot=plot,
                    **{k: v for k, v in training.items() if v is not None})
    screen = Output(as_json)
    if as_json:
        screen.json({**report.to_dict(), "dry_run": dry_run})
        return
    screen.result(f"champion RMSE on recent data: {report.champion_rmse:.6g}")
    for name, why in report.skipped.items():
        screen.result(f"  {name:<13} skipped: {why}")
    for name, mean in report.means().items():
        screen.result(f"  {name:<13} mean RMSE {mean:.6g} over {len(report.scores[name])} "
                      f"run(s)")
    screen.result(("PROMOTED: " if report.promoted else "") + report.reason)
    if dry_run:
        would = (f"would have promoted {report.winner} as the new live version"
                 if report.better else "would have kept the champion")
        screen.result(f"dry run: {would}; nothing was changed, {bundle} is unchanged.")
    if report.promoted:
        screen.note(f"previous version kept; undo with: seqlab update --rollback {bundle}")


def register(app: typer.Typer) -> None:
    """Add train, predict and update to the `seqlab` command."""
    add_command(app, "train", tracked("train")(_train))
    add_command(app, "predict", _predict)
    add_command(app, "update", with_device(_update), fits="many")
