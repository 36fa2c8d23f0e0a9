"""One output path (seqlab.cli.output): under --quiet every command prints its result and
nothing else, and the commands that train many models show a line per fit, not per epoch.

(forecast and backtest move onto this path with the forecasting rewrite.)
"""

from __future__ import annotations

import numpy as np
import pytest

import seqlab
from seqlab.cli.app import run_cli
from seqlab.problems.corpora import corpus_path


def _seqlab(capsys, *argv: str) -> tuple[str, str]:
    code = run_cli(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, (argv, out, err)
    return out, err


def _quiet(capsys, *argv: str) -> list[str]:
    """stdout's lines of ``seqlab --quiet ARGV``, checking that stderr stayed empty."""
    out, err = _seqlab(capsys, "--quiet", *argv)
    assert err == "", (argv, err)
    return out.splitlines()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A series CSV and a bundle trained on it (quietly)."""
    folder = tmp_path_factory.mktemp("output")
    values = 10 + np.sin(np.arange(80) / 3) + np.random.default_rng(0).normal(0, 0.05, 80)
    (folder / "s.csv").write_text("sales\n" + "".join(f"{v:.4f}\n" for v in values))
    assert run_cli(["--quiet", "train", str(folder / "s.csv"), "--units", "4", "--epochs",
                    "2", "--out", str(folder / "m")]) == 0
    return folder


def test_quiet_train_predict_inspect_export_update_print_only_their_results(
        workspace, capsys, tmp_path):
    data, bundle = str(workspace / "s.csv"), str(workspace / "m")
    (line,) = _quiet(capsys, "train", data, "--units", "4", "--epochs", "2",
                     "--out", str(tmp_path / "m"))
    assert line.startswith("trained on 80 rows")

    table = _quiet(capsys, "predict", bundle, data, "--last")
    assert table[0].startswith("step,") and len(table) == 2

    shown = _quiet(capsys, "inspect", bundle)
    assert shown[0].startswith(f"bundle {bundle} (version")

    (wrote,) = _quiet(capsys, "export", bundle, "--format", "torchscript",
                      "--out", str(tmp_path / "m.pt"))
    assert wrote == f"wrote {tmp_path / 'm.pt'}"

    new = tmp_path / "new.csv"  # one file as OLD and NEW is warned about
    new.write_text((workspace / "s.csv").read_text())
    lines = _quiet(capsys, "update", bundle, data, str(new), "--repeats", "1", "--epochs", "1",
                   "--extra-epochs", "1", "--dry-run")
    assert lines[0].startswith("champion RMSE") and lines[-1].startswith("dry run:")
    assert not any("fit " in line or "Epoch" in line for line in lines)


def test_quiet_repeat_tune_run_diagnose_report_recipes_print_only_their_results(
        capsys, tmp_path):
    lines = _quiet(capsys, "repeat", "alphabet-dense-window", "--quick", "--epochs", "1",
                   "--repeats", "2")
    assert lines and not any(line.startswith(">") for line in lines)  # no per-run lines
    assert any("CI of the mean" in line for line in lines)

    lines = _quiet(capsys, "tune", "--grid", "units=1,2", "--repeats", "1", "--epochs", "2")
    assert lines[-1].startswith("best: ") and not any(line.startswith(">") for line in lines)

    run_dir = tmp_path / "run"
    lines = _quiet(capsys, "run", "diagnose-underfit", "--out", str(run_dir))
    assert lines[0].startswith("diagnose-underfit (") and lines[-1].endswith(" s")

    lines = _quiet(capsys, "diagnose", str(run_dir))
    assert lines == ["run 1: " + lines[0][len("run 1: "):], "verdict: underfit"]

    assert _quiet(capsys, "report", str(run_dir)) == [str(run_dir / "report.html")]

    names = _quiet(capsys, "recipes")
    assert len(names) > 10 and all(line.count("\t") == 2 for line in names)

    assert _quiet(capsys, "--version") == [f"seqlab {seqlab.__version__}"]


def test_quiet_train_text_and_generate_print_only_their_results(capsys, tmp_path):
    text = tmp_path / "play.txt"
    text.write_text(corpus_path("tinyshakespeare").read_text()[:4000])
    (line,) = _quiet(capsys, "train-text", str(text), "--out", str(tmp_path / "m"), "--units",
                     "8", "--epochs", "1", "--steps", "3", "--seq-len", "16", "--batch-size",
                     "8", "--sample-length", "20")
    assert line.startswith("trained 1 epoch(s) (--steps ran out)")
    out, err = _seqlab(capsys, "--quiet", "generate", str(tmp_path / "m"), "--prime", "First",
                       "--length", "20", "--seed", "1")
    assert err == "" and out.startswith("First") and len(out) == 5 + 20 + 1  # text, newline


def test_multi_fit_commands_show_a_line_per_fit_not_per_epoch(workspace, capsys):
    out, err = _seqlab(capsys, "repeat", "alphabet-dense-window", "--quick", "--epochs", "3",
                       "--repeats", "2")
    fits = [line for line in err.splitlines() if line.startswith("repeat: fit ")]
    assert [line.split(" done")[0] for line in fits] == ["repeat: fit 1", "repeat: fit 2"]
    assert "3 epoch(s)" in fits[0] and "loss " in fits[0]
    assert "Epoch" not in err
    assert any("CI of the mean" in line for line in out.splitlines())

    data, bundle = str(workspace / "s.csv"), str(workspace / "m")
    out, err = _seqlab(capsys, "update", bundle, data, data, "--repeats", "1", "--epochs", "2",
                       "--extra-epochs", "2", "--dry-run")
    fits = [line for line in err.splitlines() if line.startswith("update: fit ")]
    assert len(fits) >= 2 and "Epoch" not in err
    assert len(err.splitlines()) < 30


def test_a_single_fit_command_still_shows_a_line_per_epoch(workspace, capsys, tmp_path):
    _, err = _seqlab(capsys, "train", str(workspace / "s.csv"), "--units", "4", "--epochs", "2",
                     "--out", str(tmp_path / "m"))
    assert [line.split(" - ")[0] for line in err.splitlines()] == [
        "train: Epoch 1/2", "train: Epoch 2/2"]


def test_inspect_shows_forecasting_and_classifier_bundles(workspace, capsys, tmp_path):
    # Both were refused as 'not a model bundle', though inspect says it shows a bundle.
    import json

    data = str(workspace / "s.csv")
    _seqlab(capsys, "forecast", data, "--horizon", "3", "--methods", "naive,ets",
            "--out", str(tmp_path / "f"))
    shown = _quiet(capsys, "inspect", str(tmp_path / "f"))
    assert shown[0] == f"forecasting bundle {tmp_path / 'f'}"
    assert "  horizon: 3" in shown and any(s.startswith("  season_length:") for s in shown)
    facts = json.loads("\n".join(_quiet(capsys, "inspect", str(tmp_path / "f"), "--json")))
    assert facts["type"] == "forecasting" and facts["series"] == ["sales"]

    rows = "".join(f"{tag}," + ",".join(f"{(k % 3) * 0.1 + (tag == 'b')}" for k in range(6))
                   + "\n" for tag in "ab" * 8)
    (tmp_path / "c.csv").write_text("label," + ",".join(f"t{k}" for k in range(6)) + "\n"
                                    + rows)
    _seqlab(capsys, "classify", str(tmp_path / "c.csv"), "--model", "rocket", "--members",
            "1", "--time-budget", "5", "--out", str(tmp_path / "c"))
    facts = json.loads("\n".join(_quiet(capsys, "inspect", str(tmp_path / "c"), "--json")),
                       parse_constant=lambda name: pytest.fail(f"not strict JSON: {name}"))
    assert facts["type"] == "classifier" and facts["classes"] == ["a", "b"]
    assert facts["fit_seconds"] > 0
    assert facts["model"] == "rocket"


def test_inspect_refuses_a_negative_history(workspace, capsys):
    assert run_cli(["inspect", str(workspace / "m"), "--history", "-1"]) != 0
    assert "'--history' option must be 0 or more" in capsys.readouterr().err


def test_inspect_refuses_history_for_a_bundle_without_epochs(workspace, capsys, tmp_path):
    # --history was ignored for forecasting and classifier bundles.
    _seqlab(capsys, "forecast", str(workspace / "s.csv"), "--horizon", "2", "--methods",
            "naive", "--out", str(tmp_path / "f"))
    assert run_cli(["inspect", str(tmp_path / "f"), "--history", "2"]) == 2
    assert "is a forecasting bundle, which keeps no per-epoch history" in \
        capsys.readouterr().err
    assert run_cli(["inspect", str(tmp_path / "f")]) == 0
    assert run_cli(["inspect", str(workspace / "m"), "--history", "1"]) == 0


def test_predict_with_a_forecasting_bundle_refuses_model_options_and_writes_json_lines(
        workspace, capsys, tmp_path):
    # --last, --column and --device were ignored silently, and a .jsonl file got CSV.
    import json

    data = str(workspace / "s.csv")
    _seqlab(capsys, "forecast", data, "--horizon", "3", "--methods", "naive,ets",
            "--out", str(tmp_path / "f"))
    for option in (["--last"], ["--column", "sales"], ["--device", "cpu"]):
        assert run_cli(["predict", str(tmp_path / "f"), data, *option]) != 0
        err = capsys.readouterr().err
        assert f"{option[0]} applies to model bundles" in err and "forecasting bundle" in err
    _quiet(capsys, "predict", str(tmp_path / "f"), data, "--out", str(tmp_path / "p.jsonl"))
    rows = [json.loads(line) for line in (tmp_path / "p.jsonl").read_text().splitlines()]
    assert len(rows) == 3 and set(rows[0]) == {"date", "series", "forecast", "lower", "upper",
                                               "method"}


def test_backtest_checks_its_plot_and_settings_before_reading_or_fitting(capsys, tmp_path):
    # A plot named .csv failed with 'unexpected ValueError ... a bug' after the whole run;
    # a level of 1.5 was reported only after the file had been read (its errors first).
    dates = [f"2020-{m:02d}-01" for m in range(1, 13)] * 2
    (tmp_path / "dup.csv").write_text("date,sales\n" + "".join(f"{d},{k}\n"
                                                               for k, d in enumerate(dates)))
    assert run_cli(["backtest", str(tmp_path / "dup.csv"), "--horizon", "2", "--methods",
                    "naive", "--plot", str(tmp_path / "plot.csv")]) != 0
    assert "ends in .csv, which is no picture format" in capsys.readouterr().err
    assert run_cli(["backtest", str(tmp_path / "dup.csv"), "--horizon", "2", "--methods",
                    "naive", "--level", "1.5"]) != 0
    assert "'level' parameter" in capsys.readouterr().err


def test_forecast_with_a_bundle_reports_the_horizon_level_and_notes_it_used(
        workspace, capsys, tmp_path):
    # --json gave the bundle's horizon and level, not those of the forecasts it printed.
    import json

    values = (workspace / "s.csv").read_text().splitlines()[1:]
    months = [f"{2010 + k // 12}-{k % 12 + 1:02d}-01" for k in range(len(values))]
    data = tmp_path / "dated.csv"
    data.write_text("date,sales\n" + "".join(f"{d},{v}\n" for d, v in zip(months, values,
                                                                          strict=True)))
    _seqlab(capsys, "forecast", str(data), "--horizon", "3", "--methods", "naive,ets",
            "--out", str(tmp_path / "f"))
    latest = tmp_path / "latest.csv"
    latest.write_text("date,sales\n" + "".join(data.read_text().splitlines(True)[-4:]))
    out, _ = _seqlab(capsys, "forecast", str(latest), "--model", str(tmp_path / "f"),
                     "--horizon", "5", "--level", "0.95", "--json")
    doc = json.loads(out)
    assert doc["horizon"] == 5 and doc["level"] == 0.95 and len(doc["forecasts"]) == 5
    assert any("joined to the fitted history" in n for n in doc["notes"])


def _refitted_twice(workspace, capsys, tmp_path):
    """A forecasting bundle fitted with horizon 2, then refitted with 3 (the data, the
    bundle, and a function reading the live fit's horizon)."""
    import json

    data, bundle = str(workspace / "s.csv"), str(tmp_path / "f")
    for horizon in ("2", "3"):
        _seqlab(capsys, "forecast", data, "--horizon", horizon, "--methods", "naive,ets",
                "--out", bundle)

    def horizon_of() -> int:
        return json.loads("\n".join(_quiet(capsys, "inspect", bundle, "--json")))["horizon"]
    return data, bundle, horizon_of


def test_a_refitted_forecasting_bundle_keeps_the_fit_it_replaced_for_rollback(
        workspace, capsys, tmp_path):
    # forecast --out onto a forecasting bundle replaced it with no previous version.
    data, bundle, horizon_of = _refitted_twice(workspace, capsys, tmp_path)
    assert horizon_of() == 3
    (line,) = _quiet(capsys, "update", bundle, "--rollback")
    assert line.startswith(f"rolled back: {bundle} now serves version")
    assert horizon_of() == 2
    _quiet(capsys, "update", bundle, "--rollback")  # and back again
    assert horizon_of() == 3


def test_predict_with_a_forecasting_bundle_prints_how_it_read_the_new_data(
        capsys, tmp_path):
    # Its notes (the latest observations joined to the fitted history) were never shown.
    months = [f"{2010 + k // 12}-{k % 12 + 1:02d}-01" for k in range(40)]
    rows = [f"{d},{100 + k % 12 + k}\n" for k, d in enumerate(months)]
    (tmp_path / "all.csv").write_text("date,sales\n" + "".join(rows[:36]))
    (tmp_path / "latest.csv").write_text("date,sales\n" + "".join(rows[36:]))
    _seqlab(capsys, "forecast", str(tmp_path / "all.csv"), "--horizon", "2", "--methods",
            "naive,ets", "--out", str(tmp_path / "f"))
    out, err = _seqlab(capsys, "predict", str(tmp_path / "f"), str(tmp_path / "latest.csv"))
    assert out.startswith("date,series,forecast") and "note" not in out
    assert "joined to the fitted history" in err


def test_rollback_honours_dry_run_and_json_and_refuses_data(workspace, capsys, tmp_path):
    # --dry-run rolled back all the same, --json printed a text line to stderr, and data
    # files given with --rollback were ignored without a word.
    import json

    data, bundle, horizon_of = _refitted_twice(workspace, capsys, tmp_path)
    pointer = json.loads(next(tmp_path.joinpath("f").glob("CURRENT")).read_text())
    (line,) = _quiet(capsys, "update", bundle, "--rollback", "--dry-run")
    assert line == (f"would roll back: {bundle} serves version {pointer['current']}; "
                    f"--rollback would make {pointer['previous']} live (nothing changed)")
    assert horizon_of() == 3
    out, _ = _seqlab(capsys, "update", bundle, "--rollback", "--json")
    assert json.loads(out) == {"bundle": bundle, "dry_run": False,
                               "live": pointer["previous"], "previous": pointer["current"]}
    assert horizon_of() == 2
    assert run_cli(["update", bundle, data, data, "--rollback"]) == 2
    assert "--rollback takes no data" in capsys.readouterr().err
    assert run_cli(["update", bundle, "--rollback", "--repeats", "7", "--plot",
                    str(tmp_path / "p.png")]) == 2
    assert "--repeats, --plot set how an update trains; --rollback trains nothing" in \
        capsys.readouterr().err
    # ... given at their defaults too (--repeats 3 rolled back without a word).
    assert run_cli(["update", bundle, "--rollback", "--repeats", "3", "--seed", "0"]) == 2
    assert "--repeats, --seed set how an update trains" in capsys.readouterr().err
    assert horizon_of() == 2


def test_tables_are_written_under_a_table_extension_only(workspace, capsys, tmp_path):
    # predict --out o.xlsx wrote CSV text into a .xlsx; --out o.json wrote JSON lines, not
    # JSON; forecast --forecasts f.jsonl wrote CSV.
    import json

    data = str(workspace / "s.csv")
    for name, said in (("o.xlsx", "is a table"), ("o.json", "not one JSON document")):
        assert run_cli(["predict", str(workspace / "m"), data, "--out",
                        str(tmp_path / name)]) == 2
        assert said in capsys.readouterr().err and not (tmp_path / name).exists()
        assert run_cli(["forecast", data, "--horizon", "2", "--methods", "naive",
                        "--forecasts", str(tmp_path / name)]) == 2
        assert said in capsys.readouterr().err
    _seqlab(capsys, "forecast", data, "--horizon", "2", "--methods", "naive", "--forecasts",
            str(tmp_path / "f.jsonl"))
    rows = [json.loads(line) for line in (tmp_path / "f.jsonl").read_text().splitlines()]
    assert len(rows) == 2 and rows[0]["method"] == "naive"
    out, _ = _seqlab(capsys, "forecast", data, "--horizon", "2", "--methods", "naive")
    first = out.splitlines()[1].split(",")  # the CSV's digits, kept in the JSON lines
    assert rows[0]["lower"] == pytest.approx(float(first[3]), rel=1e-14)


def test_errors_and_warnings_show_control_characters_escaped(capsys):
    # A name quoted from a bundle or a file (a classifier bundle's channel 'x\x1b[2J', in
    # "longnew.csv has channel(s) x where the classifier bundle has x...") reached the
    # terminal raw on the error line: the bundle cleared the user's screen.
    from seqlab.cli.output import error, warn

    error("the bundle has channel x\x1b[2J")
    warn("a note on \x1b]0;title\x07 that")
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    assert "channel x\\x1b[2J" in err and "a note on \\x1b]0;title\\x07 that" in err



def test_notes_and_progress_lines_show_control_characters_escaped(capsys):
    # Notes and progress lines quote the names of files, series and channels: an ESC among
    # them reached the terminal raw.
    from seqlab.cli.output import Output

    shown = Output()
    shown.note("wrote series a\x1b[2J")
    shown.progress()("fitting \x1b]0;title\x07")
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "series a\\x1b[2J" in out and "fitting \\x1b]0;title\\x07" in err
