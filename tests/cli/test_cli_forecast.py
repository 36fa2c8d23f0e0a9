"""`seqlab forecast` and `seqlab backtest` from the shell: files in, forecasts and JSON out."""

import json
import re

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from seqlab.cli import app

runner = CliRunner()


def _csv(path, n=60, gap=False):
    rng = np.random.default_rng(0)
    t = np.arange(n)
    dates = pd.date_range("2018-01-01", periods=n, freq="MS")
    frame = pd.DataFrame({"month": dates.strftime("%Y-%m"), "sales": (100 + t) * (
        1 + 0.2 * np.sin(2 * np.pi * t / 12)) * np.exp(rng.normal(0, 0.02, n))})
    if gap:
        frame = frame.drop(index=[10])
    frame.to_csv(path, index=False)
    return path


def test_forecast_writes_csv_and_bundle_then_reuses_the_bundle(tmp_path):
    data = _csv(tmp_path / "sales.csv")
    result = runner.invoke(app, ["forecast", str(data), "--horizon", "4", "--members", "1",
                                 "--out", str(tmp_path / "model"), "--forecasts",
                                 str(tmp_path / "f.csv")])
    assert result.exit_code == 0, result.output
    assert "model: " in result.output and "Epoch" not in result.output
    table = pd.read_csv(tmp_path / "f.csv")
    assert list(table.columns) == ["date", "series", "forecast", "lower", "upper", "method"]
    assert table["date"].iloc[0] == "2023-01-01"
    again = runner.invoke(app, ["forecast", str(data), "--model", str(tmp_path / "model"),
                                "--json"])
    assert again.exit_code == 0, again.output
    doc = json.loads(again.stdout)
    assert doc["model"] == table["method"].iloc[0] and len(doc["forecasts"]) == 4
    # As the CSV writes them: the day alone (not '2023-01-01T00:00:00.000') and every
    # digit (pandas' to_json kept 10).
    assert [r["date"] for r in doc["forecasts"]] == list(table["date"])
    assert [r["forecast"] for r in doc["forecasts"]] == pytest.approx(list(table["forecast"]),
                                                                     rel=1e-14)


def test_forecast_gap_is_a_clear_error(tmp_path):
    data = _csv(tmp_path / "gap.csv", gap=True)
    result = runner.invoke(app, ["forecast", str(data), "--horizon", "4"])
    assert result.exit_code != 0
    assert "2018-11-01" in str(result.exception)


def test_backtest_prints_metrics_beside_baselines(tmp_path):
    # (Its strict JSON: tests/cli/test_cli_grammar.py.)
    data = _csv(tmp_path / "sales.csv", n=72)
    args = ["backtest", str(data), "--horizon", "6", "--origins", "2", "--members", "1",
            "--candidates", "lstm,ets,theta", "--plot", str(tmp_path / "bt.png")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    for word in ("seasonal_naive", "arima", "MASE", "coverage", "refitted at every origin"):
        assert word in result.output
    assert len(result.stderr.splitlines()) < 30 and "Epoch" not in result.stderr
    assert (tmp_path / "bt.png").exists()


def test_backtest_candidates_restrict_what_seqlab_chooses_among(tmp_path):
    """--candidates reaches each of seqlab's fits (as forecast --methods does); a name that
    is no method, or candidates without seqlab among the methods scored, is refused before
    any fit."""
    data = _csv(tmp_path / "sales.csv", n=72)
    args = ["backtest", str(data), "--horizon", "6", "--origins", "2", "--no-plot", "--json"]
    result = runner.invoke(app, [*args, "--candidates", "theta", "--methods", "seqlab,naive"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["model"] == "theta" and set(doc["metrics"]) == {"seqlab", "naive"}
    assert doc["verdict"]
    assert doc["step"] == 6  # the horizon: --step was neither given nor reported
    shown = runner.invoke(app, [*args[:-1], "--methods", "naive", "--step", "3"])
    assert "rolling origin: 2 origin(s) 3 apart, horizon 6" in shown.output
    assert json.loads(runner.invoke(app, [*args, "--methods", "naive", "--step", "3"])
                      .stdout)["step"] == 3
    for extra, words in ((["--candidates", "thta"], ("'candidates'", "['thta']")),
                         (["--candidates", "theta", "--methods", "naive"],
                          ("'candidates'", "'seqlab' is not among"))):
        result = runner.invoke(app, [*args, *extra])
        assert result.exit_code != 0
        assert all(word in str(result.exception) for word in words), result.exception


def test_backtest_notes_seqlabs_options_given_without_seqlab_among_the_methods(tmp_path):
    data = _csv(tmp_path / "sales.csv", n=48)
    args = ["backtest", str(data), "--horizon", "4", "--origins", "1", "--no-plot",
            "--methods", "naive,theta"]
    given = runner.invoke(app, [*args, "--members", "3", "--sequential"])
    assert given.exit_code == 0, given.output
    assert ("note: members, sequential: seqlab's setting(s), unused: seqlab is not among "
            "the methods scored (naive, theta)") in given.output
    assert "unused" not in runner.invoke(app, args).output  # the defaults: nothing to note


def test_season_length_of_numbered_steps_found_or_given_and_kept_by_a_bundle(tmp_path):
    """Steps that are numbers have no frequency to tell the season: it is found in the
    data (with a note), --season-length gives another, and a saved forecaster keeps its
    own (--season-length beside --model is refused, not ignored)."""
    t = np.arange(1, 85)
    shape = np.array([0, 3, 8, 12, 9, 4, -2, -8, -11, -7, -4, -2], float)
    sales = 100 + 0.5 * t + shape[t % 12] + np.random.default_rng(2).normal(0, 1, 84)
    data = tmp_path / "steps.csv"
    pd.DataFrame({"t": t, "sales": sales}).to_csv(data, index=False)
    args = ["forecast", str(data), "--horizon", "12", "--methods", "seasonal_naive", "--json"]
    found = runner.invoke(app, [*args, "--out", str(tmp_path / "model")])
    assert found.exit_code == 0, found.output
    doc = json.loads(found.stdout)
    assert doc["season_length"] == 12 and any("a season of 12 steps" in n for n in doc["notes"])
    lagged = [r["forecast"] for r in doc["forecasts"]]
    np.testing.assert_allclose(lagged, sales[-12:])  # the last season, repeated
    given = json.loads(runner.invoke(app, [*args, "--season-length", "4"]).stdout)
    assert given["season_length"] == 4
    np.testing.assert_allclose([r["forecast"] for r in given["forecasts"]],
                               np.tile(sales[-4:], 3))
    again = runner.invoke(app, ["forecast", str(data), "--model", str(tmp_path / "model"),
                                "--season-length", "4"])
    assert again.exit_code != 0 and "--season-length" in str(again.exception)


def test_forecast_reads_a_long_file_and_writes_a_method_column(tmp_path):
    rows = ["unique_id,ds,y"]
    for name, n in (("north", 40), ("south", 30)):
        for k, date in enumerate(pd.date_range("2018-01-01", periods=n, freq="MS")):
            rows.append(f"{name},{date.date()},{100 + k + (k % 12)}")
    (tmp_path / "long.csv").write_text("\n".join(rows) + "\n")
    result = runner.invoke(app, ["forecast", str(tmp_path / "long.csv"), "--horizon", "3",
                                 "--members", "1", "--methods", "theta,naive", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc["series_methods"]) == {"north", "south"}
    assert {r["series"] for r in doc["forecasts"]} == {"north", "south"}
    assert all(r["method"] in ("theta", "naive", "combo") for r in doc["forecasts"])


def test_forecast_with_model_refuses_out_instead_of_saying_it_wrote_it(tmp_path):
    data = _csv(tmp_path / "sales.csv")
    fitted = runner.invoke(app, ["forecast", str(data), "--horizon", "2", "--methods", "theta",
                                 "--out", str(tmp_path / "model")])
    assert fitted.exit_code == 0, fitted.output
    again = runner.invoke(app, ["forecast", str(data), "--model", str(tmp_path / "model"),
                                "--out", str(tmp_path / "copy")])
    assert again.exit_code != 0 and "--out" in str(again.exception)
    assert not (tmp_path / "copy").exists()


def test_forecast_refuses_out_naming_a_table_file_before_fitting(tmp_path):
    """--out saves a bundle folder: `--out forecasts.csv` means --forecasts, and saying so
    beats a folder called forecasts.csv after minutes of fitting."""
    data = _csv(tmp_path / "sales.csv")
    result = runner.invoke(app, ["forecast", str(data), "--horizon", "2", "--methods", "theta",
                                 "--out", str(tmp_path / "forecasts.csv")])
    assert result.exit_code != 0
    message = str(result.exception)
    assert "--forecasts" in message and "forecasts.csv" in message
    assert not (tmp_path / "forecasts.csv").exists()


@pytest.mark.parametrize("option, attribute", [("--sequential", "sequential"),
                                               ("--calendar", "calendar")])
def test_an_option_reaches_the_forecaster_of_forecast_and_of_backtest(tmp_path, monkeypatch,
                                                                      option, attribute):
    """Each reaches every fit of both commands (backtest had no --calendar: a forecast
    fitted with it could not be backtested as fitted from the command line)."""
    from seqlab.forecast import Forecaster

    seen = []

    def fit(self, *args, **kwargs):
        seen.append(getattr(self, attribute))
        raise RuntimeError("fit reached")
    monkeypatch.setattr(Forecaster, "fit", fit)
    data = _csv(tmp_path / "sales.csv", n=72)
    for args in (["forecast", str(data), "--horizon", "4"],
                 ["backtest", str(data), "--horizon", "6", "--origins", "1", "--no-plot"]):
        for extra, expected in (([], False), ([option], True)):
            result = runner.invoke(app, args + extra)
            assert "fit reached" in str(result.exception), result.output
            assert seen.pop() is expected


def test_forecast_with_model_reads_new_columns_where_told_and_refuses_another_freq(tmp_path):
    """With --model, --date-column says where the new file's dates are (its columns may be
    named otherwise than the fitted file's); a --freq or --covariates other than the
    model's is refused instead of ignored."""
    data = _csv(tmp_path / "sales.csv")
    fitted = runner.invoke(app, ["forecast", str(data), "--horizon", "2", "--methods", "theta",
                                 "--out", str(tmp_path / "model"), "--date-column", "month"])
    assert fitted.exit_code == 0, fitted.output
    frame = pd.read_csv(data).rename(columns={"month": "period"})
    frame.to_csv(tmp_path / "renamed.csv", index=False)
    model = ["--model", str(tmp_path / "model")]
    unnamed = runner.invoke(app, ["forecast", str(tmp_path / "renamed.csv"), *model])
    assert unnamed.exit_code != 0 and "'month'" in str(unnamed.exception)
    named = runner.invoke(app, ["forecast", str(tmp_path / "renamed.csv"), *model,
                                "--date-column", "period", "--json"])
    assert named.exit_code == 0, named.output
    assert json.loads(named.stdout)["forecasts"][0]["date"].startswith("2023-01-01")
    for option, value in (("--freq", "QS"), ("--covariates", "sales")):
        refused = runner.invoke(app, ["forecast", str(data), *model, option, value])
        said = str(refused.exception)
        assert refused.exit_code != 0 and f"'{option[2:]}' parameter" in said
        assert "fitted with" in said
    same = runner.invoke(app, ["forecast", str(data), *model, "--freq", "MS"])
    assert same.exit_code == 0, same.output
    # The notes are the new data's reading, not the fit's (which read another file).
    frame.assign(comment="checked").to_csv(tmp_path / "noted.csv", index=False)
    noted = runner.invoke(app, ["forecast", str(tmp_path / "noted.csv"), *model,
                                "--date-column", "period", "--json"])
    notes = json.loads(noted.stdout)["notes"]
    assert noted.exit_code == 0 and len(notes) == 1 and "'comment'" in notes[0], notes
    assert json.loads(named.stdout)["notes"] == []
    frame.drop(index=[30]).to_csv(tmp_path / "gap.csv", index=False)
    filled = runner.invoke(app, ["forecast", str(tmp_path / "gap.csv"), *model,
                                 "--date-column", "period", "--fill", "interpolate", "--json"])
    assert filled.exit_code == 0, filled.output
    assert json.loads(filled.stdout)["notes"] == ["filled 1 missing date(s) with interpolate"]


def test_json_dates_of_a_sub_daily_forecast_keep_one_form(tmp_path):
    # Crossing midnight gave '2023-01-04', then '2023-01-04T01:00:00': two forms in a column.
    hours = pd.date_range("2023-01-01", periods=72, freq="h")
    data = tmp_path / "hourly.csv"
    pd.DataFrame({"time": hours, "load": 5 + np.sin(np.arange(72) / 3)}).to_csv(data,
                                                                               index=False)
    result = runner.invoke(app, ["forecast", str(data), "--horizon", "3", "--methods",
                                 "naive", "--json", "--forecasts", str(tmp_path / "f.jsonl")])
    assert result.exit_code == 0, result.output
    dates = [r["date"] for r in json.loads(result.stdout)["forecasts"]]
    assert dates == ["2023-01-04T00:00:00", "2023-01-04T01:00:00", "2023-01-04T02:00:00"]
    lines = (tmp_path / "f.jsonl").read_text().splitlines()
    assert [json.loads(line)["date"] for line in lines] == dates


@pytest.mark.parametrize("command", ["forecast", "backtest"])
def test_every_option_an_options_help_names_is_an_option_of_the_command(command):
    # backtest's --covariates said 'past-only unless --future-covariates gives its future
    # values', an option only forecast has ('No such option: --future-covariates').
    group = typer.main.get_command(app)
    cli = group.commands[command]  # type: ignore[attr-defined]
    flags = {flag for param in cli.params for flag in (*param.opts, *param.secondary_opts)}
    for param in cli.params:
        named = set(re.findall(r"--[a-z][a-z-]*", getattr(param, "help", None) or ""))
        assert named <= flags, (param.name, named - flags)


@pytest.mark.parametrize("option", [["--workers", "2"], ["--sequential"]])
def test_forecast_with_model_refuses_the_fits_workers_and_sequential(tmp_path, option):
    """--workers and --sequential run the fit (its per-series work, the ensemble's
    training); with --model nothing is fitted, so they were accepted and did nothing."""
    data = _csv(tmp_path / "sales.csv")
    fitted = runner.invoke(app, ["forecast", str(data), "--horizon", "2", "--methods", "theta",
                                 "--out", str(tmp_path / "model")])
    assert fitted.exit_code == 0, fitted.output
    again = runner.invoke(app, ["forecast", str(data), "--model", str(tmp_path / "model"),
                                *option])
    message = str(again.exception)
    assert again.exit_code != 0
    assert message.startswith(f"{option[0]} chooses how a forecaster is fitted"), message
    assert "Drop it, or drop --model" in message


def test_forecast_with_model_reads_the_future_covariates_by_the_new_date_column(tmp_path):
    """--date-column names the new data's dates for a saved forecaster; the future
    covariates beside them were still read by the fitted data's date column, and refused
    for lacking it."""
    frame = pd.read_csv(_csv(tmp_path / "sales.csv", n=48))
    price = 10 + np.random.default_rng(1).normal(0, 1, len(frame) + 3)
    frame.assign(price=price[:-3]).to_csv(tmp_path / "fitted.csv", index=False)
    future = pd.DataFrame({"month": ["2022-01", "2022-02", "2022-03"], "price": price[-3:]})
    future.to_csv(tmp_path / "future.csv", index=False)
    common = ["--covariates", "price", "--future-covariates"]
    fitted = runner.invoke(app, ["forecast", str(tmp_path / "fitted.csv"), "--horizon", "3",
                                 "--date-column", "month", "--methods", "lstm", "--members",
                                 "1", *common, str(tmp_path / "future.csv"), "--out",
                                 str(tmp_path / "model"), "--json"])
    assert fitted.exit_code == 0, fitted.output
    renamed = {"month": "period"}
    pd.read_csv(tmp_path / "fitted.csv").rename(columns=renamed).to_csv(tmp_path / "new.csv",
                                                                         index=False)
    future.rename(columns=renamed).to_csv(tmp_path / "new-future.csv", index=False)
    again = runner.invoke(app, ["forecast", str(tmp_path / "new.csv"), "--model",
                                str(tmp_path / "model"), "--date-column", "period",
                                *common[2:], str(tmp_path / "new-future.csv"), "--json"])
    assert again.exit_code == 0, again.output
    before = json.loads(fitted.stdout)["forecasts"]
    after = json.loads(again.stdout)["forecasts"]
    assert [r["date"] for r in after] == ["2022-01-01", "2022-02-01", "2022-03-01"]
    assert [r["forecast"] for r in after] == pytest.approx([r["forecast"] for r in before])
