"""`seqlab forecast` and `seqlab backtest`: forecasting a CSV's series, and checking how well."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from seqlab.cli._options import alias, refuse_folder_spelling, with_device
from seqlab.cli.output import Output, add_command, print_json
from seqlab.errors import ValidationError

_DATE = typer.Option("--date-column", help="Column holding the dates.",
                     show_default="detected")
_FREQ = typer.Option(help="Pandas frequency of the dates, e.g. MS, QS, YS, W-SUN, D, h.",
                     show_default="inferred")
_FILL = typer.Option(help="Fill missing dates/values: interpolate or ffill.",
                     show_default="none: an error that lists them")
_COVS = typer.Option(help="Column used as an input of the LSTM hybrid, not forecast (repeat "
                     "for several): past-only unless --future-covariates gives its future "
                     "values.", show_default="none")
_BACKTEST_COVS = typer.Option("--covariates", help="Column used as an input of the LSTM "
                               "hybrid, not forecast (repeat for several): past-only.",
                               show_default="none")
_CALENDAR = typer.Option(help="Give the LSTM hybrid the calendar position (month, weekday...) "
                              "of the forecast dates.")
_LEVEL = typer.Option(help="Coverage of the prediction interval.")
_SEASON = typer.Option("--season-length", help="Steps in a season (12 for months in a year, "
                       "7 for days in a week; 1: none).",
                       show_default="from the dates' frequency; for numbered steps, found in "
                                    "the data")
_MEMBERS = typer.Option(help="LSTMs in the median ensemble.")
_SEED = typer.Option(help="Seed of the first ensemble member.")
MEMBERS, SEED = 5, 0
"""The defaults of --members and --seed (`forecast --model` refuses any other value)."""
_SEQUENTIAL = typer.Option(
    "--sequential", help="Train the ensemble's members one after another instead of together "
                         "as one batched model (same results, to float rounding).")


_ID = typer.Option("--id-column", help="Long files: the column naming each series (or "
                   "several, comma-separated, such as store_id,item_id: joined with '/').",
                   show_default="detected")
_VALUE = typer.Option("--value-column", help="Long files: the column of values.",
                      show_default="detected")
_METHODS = typer.Option(help="Methods to choose among per series (repeat or comma-separate): "
                        "lstm, lstm_noisy (the LSTM trained on noisy copies too), naive, "
                        "seasonal_naive, ets, arima, arima_log, theta, ces, croston, adida, "
                        "median.",
                        show_default="all")
_WORKERS = typer.Option(help="Processes for the per-series work.",
                        show_default="the CPU count from 8 series on, else 1")


_TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".json", ".parquet", ".xlsx")
"""Names --out refuses: a user who wants the forecasts' table means --forecasts."""


def _method_list(methods: list[str] | None) -> list[str] | None:
    if not methods:
        return None
    return [m.strip() for item in methods for m in item.split(",") if m.strip()]


def _forecast(
    data: Annotated[Path, typer.Argument(help="CSV: a date column and one column per series, "
                                         "or the long form (id, date, value).")],
    horizon: Annotated[int | None, typer.Option(help="Steps to forecast (needed unless "
                                                "--model is given).",
                                                show_default="with --model: the bundle's")]
    = None,
    out: Annotated[Path | None, typer.Option(help="Save the fitted forecaster as a bundle "
                                             "folder here.", show_default="not saved")] = None,
    forecasts: Annotated[Path | None, typer.Option(
        help="Write the forecasts here: CSV, or JSON lines for .jsonl.",
        show_default="stdout")] = None,
    model: Annotated[Path | None, typer.Option(help="Forecast DATA (new observations) with "
                                               "this saved bundle instead of training.",
                                               show_default="train a new one")] = None,
    date_column: Annotated[str | None, _DATE] = None,
    id_column: Annotated[str | None, _ID] = None,
    value_column: Annotated[str | None, _VALUE] = None,
    freq: Annotated[str | None, _FREQ] = None,
    fill: Annotated[str | None, _FILL] = None,
    season_length: Annotated[int | None, _SEASON] = None,
    covariates: Annotated[list[str] | None, _COVS] = None,
    future_covariates: Annotated[Path | None, typer.Option(
        help="CSV of covariates' values over the horizon (a date column, the covariate "
             "columns, and the id column for long files): they become known-future inputs.",
        show_default="none: covariates are past-only")] = None,
    calendar: Annotated[bool, _CALENDAR] = False,
    level: Annotated[float, _LEVEL] = 0.8,
    methods: Annotated[list[str] | None, _METHODS] = None,
    members: Annotated[int, _MEMBERS] = MEMBERS,
    workers: Annotated[int | None, _WORKERS] = None,
    seed: Annotated[int, _SEED] = SEED,
    sequential: Annotated[bool, _SEQUENTIAL] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object (methods, "
                                          "notes, forecasts) instead of the CSV.")] = False,
    output: Annotated[Path | None, typer.Option("--output", hidden=True)] = None,
) -> None:
    """Forecast the next HORIZON values of every series in DATA, with prediction intervals.

    Each series is forecast by the method that validates best on it (rolling origins):
    the global LSTM hybrid, a statistical model (ETS, ARIMA, Theta, CES; for intermittent
    demand also Croston, ADIDA or the recent median), a combination, or a naive forecast;
    series too short to validate on go down a ladder of simpler methods, never refused.
    Output columns: date, series, forecast, lower, upper, method (original units, each
    series from its own last date). With --model BUNDLE, DATA is new data for a saved
    forecaster, read as the fitted data were (--date-column, --id-column and --value-column
    say where its columns are, if named otherwise). --out saves the forecaster (a bundle);
    --forecasts writes the table.
    """
    from seqlab._io import check_distinct_outputs, check_table_path
    from seqlab.forecast import Forecaster, load, save
    from seqlab.forecast.forecaster import processes
    from seqlab.forecast.persist import check_target

    output = alias(forecasts, output, "forecast --output",
                   "write the forecasts with --forecasts FILE", "The forecasts file")
    refuse_folder_spelling(output, ("--forecasts", "--output"),
                           "the forecasts are one table file", "forecasts.csv")
    check_distinct_outputs({"--out": out, "--forecasts": output})
    if output is not None:
        check_table_path(output, "output", inputs=(data, future_covariates, model))
    fitting = [option for option, given in (("--methods", methods is not None),
                                            ("--members", members != MEMBERS),
                                            ("--seed", seed != SEED),
                                            ("--calendar", calendar),
                                            ("--season-length", season_length is not None),
                                            ("--workers", workers is not None),
                                            ("--sequential", sequential))
               if given]
    if model is not None and fitting:
        raise ValidationError(f"{', '.join(fitting)} "
                              f"{'chooses' if len(fitting) == 1 else 'choose'} how a "
                              "forecaster is fitted; "
                              "with --model BUNDLE the saved one forecasts as it was fitted. "
                              f"Drop {'it' if len(fitting) == 1 else 'them'}, or drop --model "
                              "to fit anew.")
    if model is not None and out is not None:
        raise ValidationError("--out saves a newly fitted forecaster; with --model BUNDLE the "
                              "saved one only forecasts (nothing new to save). Drop --out, or "
                              "drop --model to fit anew.")
    if out is not None:
        if out.suffix.lower() in _TABLE_SUFFIXES:
            raise ValidationError(f"--out saves the fitted forecaster as a bundle folder; "
                                  f"{str(out)!r} names a table file. Write the forecasts with "
                                  f"--forecasts {out}, or give --out a folder name.")
        check_target(out)
    shown = Output(as_json or output is None)  # the CSV on stdout: every other line on stderr
    note = shown.progress()
    if model is not None:
        forecaster = load(model)
        new = forecaster.read(data, fill=fill, date_column=date_column, id_column=id_column,
                              value_column=value_column, freq=freq, covariates=covariates)
        table = forecaster.predict(horizon, data=new, level=level,
                                   future_covariates=_new_future(forecaster, future_covariates,
                                                                 new, date_column, id_column))
    else:
        if horizon is None:
            raise ValidationError("seqlab forecast needs --horizon H (the steps to forecast), "
                                  "or --model BUNDLE to forecast with a saved forecaster.")
        forecaster = Forecaster(horizon, level=level, members=members, seed=seed,
                                methods=_method_list(methods), workers=workers,
                                date_column=date_column, freq=freq, fill=fill,
                                covariates=covariates, id_column=id_column,
                                value_column=value_column, calendar=calendar,
                                season_length=season_length, sequential=sequential)
        main = processes().main
        forecaster.fit(data, future_covariates=future_covariates,
                       progress=note if main else None)
        table = forecaster.predict()
        if not main:
            return  # under torchrun, rank 0 alone writes and prints
        if out is not None:
            save(forecaster, out)
    if output is not None:
        write_forecast_table(table, output)
    summary = forecaster.summary()
    if model is not None:  # the fit's notes are the bundle's; these are the new data's
        summary["notes"] = list(table.attrs["notes"]) + new.filled_notes(fill or
                                                                         forecaster.fill)
        summary.update(horizon=table.attrs["horizon"], level=table.attrs["level"])
    if as_json:
        doc = {**summary, "forecasts": [dict(zip(table.columns, row, strict=True))
                                        for row in _json_rows(table)]}
        print_json(doc)
        return
    if output is None:
        table.to_csv(sys.stdout, index=False)
    shown.result(f"model: {summary['model']}")
    for line in summary["notes"]:
        shown.note(f"note: {line}")
    if output is not None:
        shown.result(f"{len(table)} forecasts written to {output}")
    if out is not None:
        shown.result(f"bundle written to {out}")


def _new_future(forecaster: Any, path: Path | None, new: Any, date_column: str | None,
                id_column: str | None) -> Any:
    """The future covariates of new data for a saved forecaster: read with the columns
    --date-column and --id-column name in the new data, where given (as a fit reads them
    with the fitted data's), else `path` as it is, which `predict` reads with the fitted
    names."""
    if path is None or not forecaster.future_names_ or (date_column, id_column) == (None, None):
        return path
    from seqlab.forecast import read_future_covariates

    return read_future_covariates(path, new, forecaster.horizon,
                                  date_column=date_column or forecaster.date_column,
                                  id_column=id_column or forecaster.id_column)


def _backtest(
    data: Annotated[Path, typer.Argument(help="CSV: a date column and one column per series, "
                                         "or the long form (id, date, value).")],
    horizon: Annotated[int, typer.Option(help="Steps forecast from each origin.")],
    origins: Annotated[int, typer.Option(help="Forecast origins, the last one HORIZON points "
                                         "before each series' end.")] = 3,
    step: Annotated[int | None, typer.Option(help="Points between origins.",
                                             show_default="HORIZON")] = None,
    methods: Annotated[list[str] | None, typer.Option(
        help="Methods to score (repeat or comma-separate): seqlab, naive, seasonal_naive, "
             "ets, arima, arima_log, theta, ces, croston, adida, median.",
        show_default="seqlab, naive, seasonal_naive, ets, arima, theta")] = None,
    candidates: Annotated[list[str] | None, _METHODS] = None,
    refit: Annotated[bool, typer.Option(help="Refit seqlab at every origin (--no-refit: fit "
                                        "once at the first origin, then only forecast).")]
    = True,
    plot: Annotated[Path | None, typer.Option(help="PNG of the forecasts against the "
                                              "truth.")] = Path("backtest.png"),
    no_plot: Annotated[bool, typer.Option("--no-plot", help="Do not write the PNG.")] = False,
    date_column: Annotated[str | None, _DATE] = None,
    id_column: Annotated[str | None, _ID] = None,
    value_column: Annotated[str | None, _VALUE] = None,
    freq: Annotated[str | None, _FREQ] = None,
    fill: Annotated[str | None, _FILL] = None,
    season_length: Annotated[int | None, _SEASON] = None,
    covariates: Annotated[list[str] | None, _BACKTEST_COVS] = None,
    calendar: Annotated[bool, _CALENDAR] = False,
    level: Annotated[float, _LEVEL] = 0.8,
    members: Annotated[int, _MEMBERS] = MEMBERS,
    workers: Annotated[int | None, _WORKERS] = None,
    seed: Annotated[int, _SEED] = SEED,
    sequential: Annotated[bool, _SEQUENTIAL] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one strict JSON object.")]
    = False,
) -> None:
    """Rolling-origin backtest of seqlab beside the classical methods (MASE, sMAPE, RMSE,
    interval coverage where a method has intervals), per method and per series."""
    from seqlab._io import atomic_savefig, check_figure_path
    from seqlab.forecast import backtest, backtest_figure

    if plot is not None and not no_plot:
        refuse_folder_spelling(plot, ("--plot",), "the plot is one picture file",
                               "backtest.png")
        check_figure_path(plot, "plot", inputs=(data,))
    shown = Output(as_json)
    read = dict(date_column=date_column, freq=freq, fill=fill, covariates=covariates,
                season_length=season_length)
    if id_column is not None:
        read["id_column"] = id_column
    if value_column is not None:
        read["value_column"] = value_column
    # seqlab's settings given, not their defaults: backtest notes them unused where seqlab
    # is not among the methods scored.
    seqlab = {k: v for k, v, default in (("calendar", calendar, False),
                                         ("members", members, MEMBERS), ("seed", seed, SEED),
                                         ("workers", workers, None),
                                         ("sequential", sequential, False)) if v != default}
    outcome = backtest(data, horizon, origins, step=step, refit=refit, **read,
                       methods=_method_list(methods), candidates=_method_list(candidates),
                       level=level, **seqlab, progress=shown.progress())
    if plot is not None and not no_plot:
        atomic_savefig(backtest_figure(outcome), plot, dpi=100)
    if as_json:
        print_json(outcome.to_json())
        return
    say = shown.result
    apart = f" {outcome.step} apart" if origins > 1 else ""
    say(f"rolling origin: {origins} origin(s){apart}, horizon {horizon}, "
        f"{'refitted at every origin' if refit else 'seqlab fitted once, at the first origin'}")
    if outcome.model:
        say(f"seqlab model: {outcome.model}")
    say(f"{'method':16s} {'MASE':>8s} {'sMAPE':>8s} {'RMSE':>10s} {'coverage':>9s}")
    for method, m in outcome.metrics.items():
        cov = "" if m["coverage"] is None else f"{m['coverage']:.1%}"
        say(f"{method:16s} {m['mase']:8.3f} {m['smape']:8.2f} {m['rmse']:10.4g} {cov:>9s}")
    if any(m["coverage"] is not None for m in outcome.metrics.values()):
        say(f"(coverage: share of truths inside the {level * 100:g}% interval)")
    names = list(outcome.per_series)
    if 1 < len(names) <= 20:
        columns = list(outcome.metrics)
        say("MASE per series: " + " ".join(f"{k:>10.10s}" for k in columns))
        for name in names:
            cells = " ".join(f"{outcome.per_series[name].get(k, math.nan):10.3f}"
                             for k in columns)
            say(f"  {name[:14]:14s} {cells}")
    elif len(names) > 20:
        wins: dict[str, int] = {}
        for scores in outcome.per_series.values():
            best = min(scores, key=lambda k: scores[k])
            wins[best] = wins.get(best, 0) + 1
        say("best method per series (MASE): " + ", ".join(
            f"{k} {v}" for k, v in sorted(wins.items(), key=lambda kv: -kv[1])))
    for line in outcome.notes:
        shown.note(f"note: {line}")
    say(outcome.verdict())
    if plot is not None and not no_plot:
        shown.note(f"plot written to {plot}")


def _json_rows(table: Any) -> list[list[Any]]:
    """The forecast table's rows with their cells as JSON writes them: dates in ISO form,
    the day alone where every date of the table is at midnight (as the CSV writes them),
    numpy numbers as Python's (every digit), a missing value as null."""
    dates = table["date"]
    if hasattr(dates, "dt"):
        days = bool((dates == dates.dt.normalize()).all())
        table = table.assign(date=[d.date().isoformat() if days else d.isoformat()
                                   for d in dates])
    return [[_plain(v) for v in row] for row in table.itertuples(index=False)]


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        value = value.item()
    return None if isinstance(value, float) and value != value else value


def write_forecast_table(table: Any, path: Path) -> None:
    """The forecast table to `path` all at once: JSON lines for .jsonl and .ndjson (cells
    as `--json` writes them), CSV otherwise."""
    from seqlab._io import atomic_write
    from seqlab.lifecycle.tables import is_jsonl, write_rows

    if is_jsonl(path):  # json's floats: every digit the CSV has (pandas keeps 15 places)
        write_rows(path, list(table.columns), _json_rows(table))
    else:
        atomic_write(path, table.to_csv(index=False))


def register(app: typer.Typer) -> None:
    """Add forecast and backtest to the `seqlab` command."""
    add_command(app, "forecast", with_device(_forecast), fits="own")
    add_command(app, "backtest", with_device(_backtest), fits="own")
