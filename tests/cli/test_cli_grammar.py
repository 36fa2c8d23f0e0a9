"""One grammar for every `seqlab` command: defaults in --help, strict --json, inputs as
arguments, --out for what is written (old spellings kept hidden for a release, with a
warning), TOML configs, and global options before or after the command."""

import json

import numpy as np
import pandas as pd
import pytest
import typer.main
from typer.testing import CliRunner

from seqlab._io import strict_json
from seqlab.cli import app
from seqlab.cli._options import hoist_global_options, reflow
from seqlab.cli.output import dumps
from seqlab.recipes.diagnose import toy_config

runner = CliRunner()


def _strict(text: str):
    """json.loads that refuses NaN and infinities, as a strict JSON reader does."""
    def refuse(constant):
        raise ValueError(f"not strict JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def _commands():
    root = typer.main.get_command(app)
    ctx = root.make_context("seqlab", [], resilient_parsing=True)
    return root, ctx, {name: root.get_command(ctx, name) for name in root.list_commands(ctx)}


def _sales(path, n=48):
    t = np.arange(n)
    frame = pd.DataFrame({"month": pd.date_range("2018-01-01", periods=n, freq="MS")
                          .strftime("%Y-%m"),
                          "sales": 100 + t + 10 * np.sin(2 * np.pi * t / 12)})
    frame.to_csv(path, index=False)
    return path


# ---------------------------------------------------------------------------- --help


def test_every_option_that_takes_a_value_shows_its_default_in_help():
    root, ctx, commands = _commands()
    missing = []
    for name, command in commands.items():
        sub = command.make_context(name, [], resilient_parsing=True, parent=ctx)
        for param in command.params:
            if (param.param_type_name != "option" or param.hidden or param.required
                    or (param.is_flag and not param.secondary_opts)):
                continue  # on-off switches are off unless given
            record = param.get_help_record(sub)
            if record is None or "default:" not in record[1]:  # "[env var: X; default: …]" too
                missing.append(f"{name} {param.opts[0]}")
    assert not missing, missing


def test_train_help_shows_the_forecaster_defaults():
    result = runner.invoke(app, ["train", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for default in ("[default: (3)]", "[default: (100)]", "[default: (model.bundle)]"):
        assert default in text, default


def test_help_paragraphs_wrap_to_the_terminal_not_to_the_source_lines():
    """A docstring's lines (up to 100 characters) used to keep their breaks, so on an
    80-column terminal every paragraph read ragged: a full line, then a word or two."""
    result = runner.invoke(app, ["forecast", "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    lines = result.output.split("\n")
    intro = lines[lines.index(next(line for line in lines if "Each series" in line)):]
    intro = intro[:next(k for k, line in enumerate(intro) if not line.strip())]
    assert len(intro) >= 4 and all(len(line.strip()) > 60 for line in intro[:-1]), intro


def test_reflow_joins_lines_but_keeps_indented_lines_bullets_and_paragraphs():
    text = """First line
    of a summary.

    A paragraph
    broken here, --an-option then.
    - a bullet
    - another
    1. numbered
        indented
    """
    assert reflow(text) == ("First line of a summary.\n\nA paragraph broken here, "
                            "--an-option then.\n- a bullet\n- another\n1. numbered\n"
                            "    indented")


# ---------------------------------------------------------------------------- --json


def test_json_is_strict_and_non_finite_numbers_become_null():
    value = {"a": float("nan"), "b": [np.float32("inf"), 1.5], "c": np.arange(2), "d": None}
    assert strict_json(value) == {"a": None, "b": [None, 1.5], "c": [0, 1], "d": None}
    assert _strict(dumps(value)) == {"a": None, "b": [None, 1.5], "c": [0, 1], "d": None}


def test_the_commands_that_produce_a_result_have_json():
    _, _, commands = _commands()
    with_json = {name for name, command in commands.items()
                 if any("--json" in p.opts for p in command.params)}
    assert with_json == {"run", "train", "update", "repeat", "tune",
                         "diagnose", "forecast", "backtest", "inspect", "train-text",
                         "classify"}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    folder = tmp_path_factory.mktemp("grammar")
    _sales(folder / "sales.csv")
    (folder / "toy.json").write_text(json.dumps(toy_config(epochs=2)))
    (folder / "play.txt").write_text("to be or not to be, that is the question. " * 60)
    (folder / "shapes.csv").write_text("label,t0,t1,t2,t3\n" + "up,1,2,3,4\ndown,4,3,2,1\n" * 4)
    return folder


JSON_COMMANDS = {
    "train": lambda w: ["train", w / "sales.csv", "--column", "sales", "--epochs", "2",
                        "--out", w / "m"],
    "update": lambda w: ["update", w / "m", w / "sales.csv", w / "sales.csv", "--repeats", "1",
                         "--epochs", "1", "--dry-run"],
    "inspect": lambda w: ["inspect", w / "m"],
    "run": lambda w: ["run", "diagnose-underfit", "--epochs", "3", "--out", w / "rd"],
    "diagnose": lambda w: ["diagnose", w / "rd"],
    "repeat": lambda w: ["repeat", w / "toy.json", "--repeats", "1"],
    # One repeat: the standard deviation and the CI are undefined (NaN before; now null).
    "tune": lambda w: ["tune", w / "toy.json", "--grid", "units=1,2", "--repeats", "1",
                       "--epochs", "1"],
    "forecast": lambda w: ["forecast", w / "sales.csv", "--horizon", "2", "--members", "1",
                           "--methods", "theta,naive"],
    "backtest": lambda w: ["backtest", w / "sales.csv", "--horizon", "2", "--origins", "1",
                           "--members", "1", "--no-plot"],
    "train-text": lambda w: ["train-text", w / "play.txt", "--out", w / "lm", "--units", "8",
                             "--epochs", "1", "--seq-len", "8", "--batch-size", "4",
                             "--sample-length", "0"],
    "classify": lambda w: ["classify", w / "shapes.csv", "--test", w / "shapes.csv", "--model",
                           "rocket"],
}


NEEDS = {"update": "train", "inspect": "train", "diagnose": "run"}
"""The command whose output each command reads (a bundle, a run folder)."""
WRITES = {"train": "m", "run": "rd"}


def _written_by(workspace, name):
    """Run `name`'s command once where its output is missing, so that a case reading it
    passes alone (`-k diagnose`) as well as after it."""
    if not (workspace / WRITES[name]).exists():
        result = runner.invoke(app, [str(a) for a in JSON_COMMANDS[name](workspace)])
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name", list(JSON_COMMANDS))
def test_json_output_parses_strictly(workspace, name):
    if name in NEEDS:
        _written_by(workspace, NEEDS[name])
    argv = [str(a) for a in JSON_COMMANDS[name](workspace)] + ["--json"]
    result = runner.invoke(app, argv)
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, result.stdout  # the JSON object alone; the rest went to stderr
    assert isinstance(_strict(lines[0]), dict)


def test_tune_with_one_repeat_prints_null_not_nan(workspace):
    argv = [str(a) for a in JSON_COMMANDS["tune"](workspace)] + ["--json"]
    result = runner.invoke(app, argv)
    assert result.exit_code == 0, result.output
    doc = _strict(result.stdout)
    assert doc["configs"][0]["std"] is None


# ------------------------------------------------------ inputs, --out and old spellings


def test_old_spellings_still_work_and_warn(workspace, tmp_path):
    data = str(workspace / "sales.csv")
    trained = runner.invoke(app, ["train", "--csv", data, "--column", "sales", "--epochs",
                                  "1", "--out", str(tmp_path / "m"), "--quiet"])
    assert trained.exit_code == 0, trained.output
    assert "warning: --csv is deprecated" in trained.stderr
    assert "seqlab train DATA" in trained.stderr

    predicted = runner.invoke(app, ["predict", str(tmp_path / "m"), data, "--output",
                                    str(tmp_path / "p.csv"), "--last"])
    assert predicted.exit_code == 0, predicted.output
    assert "warning: --output is deprecated" in predicted.stderr
    assert (tmp_path / "p.csv").read_text().startswith("step,")

    updated = runner.invoke(app, ["update", str(tmp_path / "m"), "--old", data, "--new", data,
                                  "--repeats", "1", "--epochs", "1", "--dry-run", "-q"])
    assert updated.exit_code == 0, updated.output
    assert "warning: --old is deprecated" in updated.stderr
    assert "warning: --new is deprecated" in updated.stderr
    assert "dry run: would have" in updated.stdout and "nothing was changed" in updated.stdout

    forecast = runner.invoke(app, ["forecast", data, "--horizon", "2", "--methods", "theta",
                                   "--output", str(tmp_path / "f.csv")])
    assert forecast.exit_code == 0, forecast.output
    assert "warning: forecast --output is deprecated" in forecast.stderr
    assert "--forecasts" in forecast.stderr
    assert (tmp_path / "f.csv").is_file()


def test_old_and_new_spelling_given_with_different_values_is_an_error(workspace, tmp_path):
    data = str(workspace / "sales.csv")
    result = runner.invoke(app, ["train", data, "--csv", str(tmp_path / "other.csv")])
    assert result.exit_code != 0
    assert "given twice" in str(result.exception)


def test_old_train_verbose_level_maps_onto_the_global_levels(workspace, tmp_path):
    result = runner.invoke(app, ["train", str(workspace / "sales.csv"), "--column", "sales",
                                 "--epochs", "2", "--out", str(tmp_path / "m"), "--verbose",
                                 "0"])
    assert result.exit_code == 0, result.output
    assert "train --verbose 0 is deprecated" in result.stderr
    assert "Epoch" not in result.stderr  # level 0: quiet
    assert "training RMSE" in result.stdout


def test_train_reads_a_toml_or_a_json_config(workspace, tmp_path):
    data = workspace / "sales.csv"
    (tmp_path / "run.toml").write_text(f'csv = "{data}"\ncolumn = "sales"\nepochs = 2\n'
                                       f'n-in = 4\n')
    (tmp_path / "run.json").write_text(json.dumps({"csv": str(data), "column": "sales",
                                                   "epochs": 2, "n_in": 4}))
    for config in ("run.toml", "run.json"):
        result = runner.invoke(app, ["train", "--config", str(tmp_path / config), "--out",
                                     str(tmp_path / config.replace(".", "-")), "--json"])
        assert result.exit_code == 0, result.output
        assert _strict(result.stdout)["epochs"] == 2


def _toml(value) -> str:
    """A TOML value (inline tables and arrays) for the plain data of a config."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value)  # strings, numbers and true/false are spelled alike


def test_tune_reads_a_toml_config(tmp_path):
    pytest.importorskip("tomllib")
    config = toy_config(epochs=1)
    (tmp_path / "toy.toml").write_text("".join(f"{k} = {_toml(v)}\n" for k, v in config.items()))
    result = runner.invoke(app, ["tune", str(tmp_path / "toy.toml"), "--grid", "units=1",
                                 "--repeats", "1", "--json"])
    assert result.exit_code == 0, result.output
    assert _strict(result.stdout)["best"] == {"units": 1}


# -------------------------------------------------------------------- global options


def test_global_options_are_moved_before_the_command():
    commands = {"run": None, "train": None, "recipes": None}
    assert hoist_global_options(["run", "x", "--threads", "1", "--quick"], commands) == [
        "--threads", "1", "run", "x", "--quick"]
    assert hoist_global_options(["run", "x", "--threads=2", "-q"], commands) == [
        "--threads=2", "-q", "run", "x"]
    assert hoist_global_options(["--threads", "1", "recipes", "--verbose"], commands) == [
        "--threads", "1", "--verbose", "recipes"]
    # After `--`, nothing is moved.
    assert hoist_global_options(["run", "x", "--", "--quiet"], commands) == [
        "run", "x", "--", "--quiet"]


def test_threads_after_the_recipe_name_is_the_global_option_not_a_recipe_option():
    # Regression: `seqlab run NAME --threads 1` was read as a recipe option.
    result = runner.invoke(app, ["run", "alphabet-dense-window", "--quick", "--epochs", "1",
                                 "--threads", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "alphabet-dense-window" in result.stdout


def test_global_option_after_the_command_is_checked_like_before_it():
    result = runner.invoke(app, ["recipes", "--threads", "0"])
    assert result.exit_code != 0
    assert "'threads'" in str(result.exception)


def test_quiet_and_verbose_together_are_refused():
    result = runner.invoke(app, ["recipes", "--quiet", "--verbose"])
    assert result.exit_code != 0
    assert "contradict" in str(result.exception)
