"""`seqlab forecast` and `seqlab backtest`: forecasting a CSV's series, and checking how well."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from seqlab.cli._options import alias, with_device
from seqlab.cli.output import print_json
from seqlab.errors import ValidationError

_DATE = typer.Option("--date-column", help="Column holding the dates.",
                     show_default="detected")
_FREQ = typer.Option(help="Pandas frequency of the dates, e.g. MS, QS, YS, W-SUN, D, h.",
                     show_default="inferred")
_FILL = typer.Option(help="Fill missing dates/values: interpolate or ffill.",
                     show_default="none: an error that lists them")
_COVS = typer.Option(help="Column used as a past-only input, not forecast (repeat for "
                     "several).", show_default="none")
_LEVEL = typer.Option(help="Coverage of the prediction interval.")
_MEMBERS = typer.Option(help="LSTMs in the median ensemble.")
_SEED = typer.Option(help="Seed of the first ensemble member.")


def _forecast(
    data: Annotated[Path, typer.Argument(help="CSV: a date column and one column per series.")],
    horizon: Annotated[int | None, typer.Option(help="Steps to forecast (needed unless "
                                                "--model is given).",
                                                show_default="with --model: the bundle's")]
    = None,
    out: Annotated[Path | None, typer.Option(help="Save the fitted forecaster as a bundle "
                                             "folder here.", show_default="not saved")] = None,
    forecasts: Annotated[Path | None, typer.Option(help="Write the forecasts here as CSV.",
                                                   show_default="stdout")] = None,
    model: Annotated[Path | None, typer.Option(help="Forecast DATA (new observations) with "
                                               "this saved bundle instead of training.",
                                               show_default="train a new one")] = None,
    date_column: Annotated[str | None, _DATE] = None,
    freq: Annotated[str | None, _FREQ] = None,
    fill: Annotated[str | None, _FILL] = None,
    covariates: Annotated[list[str] | None, _COVS] = None,
    level: Annotated[float, _LEVEL] = 0.8,
    members: Annotated[int, _MEMBERS] = 5,
    strategy: Annotated[str, typer.Option(help="auto (chosen by validation), direct, "
                                          "recursive or holt.")] = "auto",
    seed: Annotated[int, _SEED] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object (model, "
                                          "notes, forecasts) instead of the CSV.")] = False,
    output: Annotated[Path | None, typer.Option("--output", hidden=True)] = None,
) -> None:
    """Forecast the next HORIZON values of every series in DATA, with prediction intervals.

    Output columns: date, series, forecast, lower, upper (original units, real dates). The
    settings (transform, season, window, direct or recursive) are chosen from the data; the
    model picked is printed. With --model BUNDLE, DATA is new data for a saved forecaster.
    --out saves the forecaster (a bundle, as `seqlab train --out` does); --forecasts writes
    the table.
    """
    from seqlab._io import atomic_write, check_output_path
    from seqlab.forecast import Forecaster, load, read_csv, save
    from seqlab.forecast.persist import check_target

    output = alias(forecasts, output, "forecast --output",
                   "write the forecasts with --forecasts FILE", "The forecasts file")
    if output is not None:
        check_output_path(output, "output")
    if out is not None:
        check_target(out)
    if model is not None:
        forecaster = load(model)
        table = forecaster.predict(horizon, data=forecaster.read(data, fill=fill), level=level)
    else:
        if horizon is None:
            raise ValidationError("seqlab forecast needs --horizon H (the steps to forecast), "
                                  "or --model BUNDLE to forecast with a saved forecaster.")
        forecaster = Forecaster(horizon, level=level, members=members, strategy=strategy,
                                seed=seed, date_column=date_column, freq=freq, fill=fill,
                                covariates=covariates)
        forecaster.fit(read_csv(data, date_column=date_column, freq=freq, fill=fill,
                                covariates=covariates))
        table = forecaster.predict()
        if out is not None:
            save(forecaster, out)
    if output is not None:
        atomic_write(output, table.to_csv(index=False))
    summary = forecaster.summary()
    if as_json:
        doc = {**summary, "forecasts": json.loads(table.to_json(orient="records",
                                                                date_format="iso"))}
        print_json(doc)
        return
    if output is None:
        table.to_csv(sys.stdout, index=False)
    say = (lambda line: print(line, file=sys.stderr)) if output is None else typer.echo
    say(f"model: {summary['model']}")
    for note in summary["notes"]:
        say(f"note: {note}")
    if output is not None:
        say(f"{len(table)} forecasts written to {output}")
    if out is not None:
        say(f"bundle written to {out}")


def _backtest(
    data: Annotated[Path, typer.Argument(help="CSV: a date column and one column per series.")],
    horizon: Annotated[int, typer.Option(help="Steps forecast from each origin.")],
    origins: Annotated[int, typer.Option(help="Forecast origins, the last one HORIZON points "
                                         "before the end.")] = 3,
    step: Annotated[int | None, typer.Option(help="Points between origins.",
                                             show_default="HORIZON")] = None,
    refit: Annotated[bool, typer.Option(help="Refit at every origin (--no-refit: fit once at "
                                        "the first origin, then only forecast).")] = True,
    plot: Annotated[Path | None, typer.Option(help="PNG of the forecasts against the "
                                              "truth.")] = Path("backtest.png"),
    no_plot: Annotated[bool, typer.Option("--no-plot", help="Do not write the PNG.")] = False,
    date_column: Annotated[str | None, _DATE] = None,
    freq: Annotated[str | None, _FREQ] = None,
    fill: Annotated[str | None, _FILL] = None,
    covariates: Annotated[list[str] | None, _COVS] = None,
    level: Annotated[float, _LEVEL] = 0.8,
    members: Annotated[int, _MEMBERS] = 5,
    seed: Annotated[int, _SEED] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one strict JSON object.")]
    = False,
) -> None:
    """Rolling-origin backtest: seqlab beside naive, seasonal naive and ETS (MASE, sMAPE,
    RMSE, interval coverage), averaged over origins and series."""
    from seqlab._io import atomic_savefig, check_output_path
    from seqlab.forecast import backtest, backtest_figure, read_csv

    if plot is not None and not no_plot:
        check_output_path(plot, "plot")
    result = backtest(read_csv(data, date_column=date_column, freq=freq, fill=fill,
                               covariates=covariates),
                      horizon, origins, step=step, refit=refit, level=level, members=members,
                      seed=seed)
    if plot is not None and not no_plot:
        atomic_savefig(backtest_figure(result), plot, dpi=100)
    if as_json:
        print_json(result.to_json())
        return
    print(f"rolling origin: {origins} origin(s), horizon {horizon}, "
          f"{'refitted at every origin' if refit else 'fitted once, at the first origin'}")
    print(f"seqlab model: {result.model}")
    print(f"{'method':16s} {'MASE':>8s} {'sMAPE':>8s} {'RMSE':>10s} {'coverage':>9s}")
    for method, m in result.metrics.items():
        cov = "" if m["coverage"] is None else f"{m['coverage']:.1%}"
        print(f"{method:16s} {m['mase']:8.3f} {m['smape']:8.2f} {m['rmse']:10.4g} {cov:>9s}")
    print(f"(coverage: share of truths inside seqlab's {level:.0%} interval)")
    for note in result.notes:
        print(f"note: {note}")
    print(result.verdict())
    if plot is not None and not no_plot:
        print(f"plot written to {plot}")


def register(app: typer.Typer) -> None:
    """Add forecast and backtest to the `seqlab` command."""
    app.command("forecast")(with_device(_forecast))
    app.command("backtest")(with_device(_backtest))
