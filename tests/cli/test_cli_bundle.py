"""`seqlab train`, `predict` and `update`: from a user's CSV to forecasts in original units."""

import json
import subprocess
import sys

import numpy as np
from typer.testing import CliRunner

from seqlab.bundle import load
from seqlab.cli import app

runner = CliRunner()


def _write_csv(path, values, column="sales"):
    path.write_text("day," + column + "\n" + "".join(f"{i},{v:.4f}\n" for i, v in
                                                    enumerate(values)))


def _seasonal(n, seed=0, level=1000.0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return level + 20 * np.sin(2 * np.pi * t / 20) + rng.normal(0, 1, n)


def test_train_then_predict_end_to_end_in_original_units(tmp_path):
    series = _seasonal(240)
    _write_csv(tmp_path / "sales.csv", series)
    command = [sys.executable, "-m", "seqlab"]
    trained = subprocess.run(
        [*command, "train", str(tmp_path / "sales.csv"), "--column", "sales",
         "--n-in", "8", "--n-out", "2", "--units", "12", "--epochs", "40", "--lr", "0.01",
         "--seed", "0", "--out", str(tmp_path / "model")],
        capture_output=True, text=True, timeout=300)
    assert trained.returncode == 0, trained.stderr
    predicted = subprocess.run(
        [*command, "predict", str(tmp_path / "model"), str(tmp_path / "sales.csv")],
        capture_output=True, text=True, timeout=300)
    assert predicted.returncode == 0, predicted.stderr
    lines = predicted.stdout.strip().splitlines()
    assert lines[0] == "step,t+1,t+2"
    rows = np.array([[float(v) for v in line.split(",")] for line in lines[1:]])
    assert len(rows) == 240 - 8 + 1 and rows[-1, 0] == 240
    forecast_1 = rows[:-1, 1]  # forecasts of series[8:], one step ahead
    error = np.abs(forecast_1 - series[8:])
    # Around 1000, amplitude 20, noise 1: a trained model forecasts within a few units;
    # predicting the series' mean would be off by ~13 on average.
    assert np.all((rows[:, 1:] > 960) & (rows[:, 1:] < 1040))
    assert error.mean() < 5.0, error.mean()


def test_train_from_toml_config_and_predict_jsonl(tmp_path):
    _write_csv(tmp_path / "s.csv", _seasonal(80, seed=1), column="level")
    (tmp_path / "run.toml").write_text(
        f'csv = "{tmp_path / "s.csv"}"\ncolumn = "level"\nn_in = 4\nepochs = 2\nunits = 4\n'
        f'out = "{tmp_path / "m"}"\n')
    result = runner.invoke(app, ["train", "--config", str(tmp_path / "run.toml"),
                                 "--epochs", "3"])
    assert result.exit_code == 0, result.output
    bundle = load(tmp_path / "m")
    assert bundle.trainer_config.epochs == 3  # the command line wins over the file
    assert bundle.pipeline.columns == ["level"] and bundle.pipeline.window.n_in == 4
    result = runner.invoke(app, ["predict", str(tmp_path / "m"), str(tmp_path / "s.csv"),
                                 "--out", str(tmp_path / "p.jsonl"), "--last"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in (tmp_path / "p.jsonl").read_text().splitlines()]
    assert len(rows) == 1 and rows[0]["step"] == 80 and set(rows[0]) == {"step", "t+1"}
    assert rows[0]["t+1"] == bundle.forecast(_read(tmp_path / "s.csv"))[0]


def _read(path):
    return np.array([float(line.split(",")[1]) for line in path.read_text().splitlines()[1:]])


def test_unknown_config_setting_and_missing_column_are_clear(tmp_path):
    _write_csv(tmp_path / "s.csv", _seasonal(30))
    (tmp_path / "bad.toml").write_text('csv = "x.csv"\nlayers = 3\n')
    result = runner.invoke(app, ["train", "--config", str(tmp_path / "bad.toml")])
    assert result.exit_code != 0 and "layers" in str(result.exception)
    result = runner.invoke(app, ["train", str(tmp_path / "s.csv"), "--column", "nope"])
    assert result.exit_code != 0 and "nope" in str(result.exception)


def test_update_promotes_then_rollback_restores(tmp_path):
    rng = np.random.default_rng(0)
    _write_csv(tmp_path / "old.csv", 10 + rng.normal(0, 0.1, 150))
    _write_csv(tmp_path / "new.csv", 30 + rng.normal(0, 0.1, 150))
    result = runner.invoke(app, ["train", str(tmp_path / "old.csv"), "--n-in", "3",
                                 "--column", "sales",
                                 "--units", "4", "--epochs", "3", "--out", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    new = _read(tmp_path / "new.csv")
    before = load(tmp_path / "m").predict(new)
    result = runner.invoke(app, ["update", str(tmp_path / "m"), str(tmp_path / "old.csv"),
                                 str(tmp_path / "new.csv"), "--repeats", "1",
                                 "--epochs", "15", "--extra-epochs", "15", "--lr-factor", "1",
                                 "--plot", str(tmp_path / "u.png")])
    assert result.exit_code == 0, result.output
    assert "PROMOTED" in result.output and "--rollback" in result.output
    assert (tmp_path / "u.png").stat().st_size > 1000
    assert not np.array_equal(load(tmp_path / "m").predict(new), before)
    result = runner.invoke(app, ["update", "--rollback", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    assert np.array_equal(load(tmp_path / "m").predict(new), before)


def test_training_onto_a_bundle_keeps_the_model_it_replaces(tmp_path):
    # The live version (and the one kept for --rollback) were deleted without a word, even
    # for a model of another column and window.
    _write_csv(tmp_path / "a.csv", _seasonal(60))
    _write_csv(tmp_path / "b.csv", _seasonal(60, seed=1, level=5.0), column="other")
    first = ["train", str(tmp_path / "a.csv"), "--column", "sales", "--n-in", "6", "--units",
             "4", "--epochs", "2", "--out", str(tmp_path / "m")]
    assert runner.invoke(app, first).exit_code == 0
    result = runner.invoke(app, ["train", str(tmp_path / "b.csv"), "--column", "other",
                                 "--units", "4", "--epochs", "2", "--out", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    assert "kept as the previous version" in result.output
    assert load(tmp_path / "m").pipeline.columns == ["other"]
    assert runner.invoke(app, ["update", "--rollback", str(tmp_path / "m")]).exit_code == 0
    restored = load(tmp_path / "m")
    assert restored.pipeline.columns == ["sales"] and restored.pipeline.window.n_in == 6


def test_config_paths_are_read_from_the_configs_folder_and_must_be_text(tmp_path):
    # csv = "s.csv" was looked for in the current folder ("does not exist"), unlike repeat's
    # and tune's configs; out = 5 was "a bug in seqlab".
    folder = tmp_path / "exp"
    folder.mkdir()
    _write_csv(folder / "s.csv", _seasonal(40))
    (folder / "run.toml").write_text('csv = "s.csv"\ncolumn = "sales"\nn_in = 4\nepochs = 1\n'
                                     'units = 4\nout = "m"\n')
    result = runner.invoke(app, ["train", "--config", str(folder / "run.toml")])
    assert result.exit_code == 0, result.output
    assert load(folder / "m").pipeline.columns == ["sales"]
    (folder / "bad.toml").write_text('csv = "s.csv"\ncolumn = "sales"\nout = 5\n')
    result = runner.invoke(app, ["train", "--config", str(folder / "bad.toml")])
    assert result.exit_code != 0 and "out = 5 must be a path in quotes" in str(result.exception)


def test_predict_on_json_lines_of_numbers_refuses_a_column_they_do_not_have(tmp_path):
    # --column zzz was ignored (exit 0) on a file of bare numbers.
    _write_csv(tmp_path / "s.csv", _seasonal(40))
    assert runner.invoke(app, ["train", str(tmp_path / "s.csv"), "--column", "sales", "--n-in",
                               "4", "--units", "4", "--epochs", "1",
                               "--out", str(tmp_path / "m")]).exit_code == 0
    (tmp_path / "n.jsonl").write_text("".join(f"{v}\n" for v in _seasonal(10)))
    result = runner.invoke(app, ["predict", str(tmp_path / "m"), str(tmp_path / "n.jsonl"),
                                 "--last", "--column", "zzz"])
    assert result.exit_code != 0 and "there is no column 'zzz'" in str(result.exception)
    result = runner.invoke(app, ["predict", str(tmp_path / "m"), str(tmp_path / "n.jsonl"),
                                 "--last"])
    assert result.exit_code == 0, result.output  # the bundle's own column need not be named


def test_predict_with_more_columns_than_the_model_was_trained_on_says_so(tmp_path):
    # It answered with the scaler's internals ("MinMaxScaler was fitted on 1 feature(s)").
    _write_csv(tmp_path / "s.csv", _seasonal(40))
    assert runner.invoke(app, ["train", str(tmp_path / "s.csv"), "--column", "sales", "--n-in",
                               "4", "--units", "4", "--epochs", "1",
                               "--out", str(tmp_path / "m")]).exit_code == 0
    (tmp_path / "two.csv").write_text("t,sales,other\n" + "".join(
        f"{i},{i % 7},{i % 3}\n" for i in range(20)))
    result = runner.invoke(app, ["predict", str(tmp_path / "m"), str(tmp_path / "two.csv"),
                                 "--column", "sales", "--column", "other", "--last"])
    assert result.exit_code != 0
    assert "was trained on 1 column(s) ['sales']; --column names 2 (sales, other)" in \
        str(result.exception)
    # update said "The 'old' parameter of update holds data of shape (20, 2)".
    result = runner.invoke(app, ["update", str(tmp_path / "m"), str(tmp_path / "two.csv"),
                                 str(tmp_path / "two.csv"), "--column", "sales", "--column",
                                 "other"])
    assert result.exit_code != 0
    assert "was trained on 1 column(s) ['sales']; --column names 2 (sales, other)" in \
        str(result.exception)


def test_the_training_columns_named_in_another_order_are_refused_not_swapped(tmp_path):
    # --column hum --column temp fed hum to the model as temp, and the forecasts came back
    # under the training names, without a word.
    (tmp_path / "w.csv").write_text("t,temp,hum\n" + "".join(
        f"{i},{20 + i % 7},{50 + i % 3}\n" for i in range(30)))
    assert runner.invoke(app, ["train", str(tmp_path / "w.csv"), "--column", "temp", "--column",
                               "hum", "--units", "4", "--epochs", "1",
                               "--out", str(tmp_path / "m")]).exit_code == 0
    swapped = ["--column", "hum", "--column", "temp"]
    message = ("was trained on the columns ['temp', 'hum'], in that order; --column names "
               "them as ['hum', 'temp'], so 'hum' would be read as 'temp'")
    result = runner.invoke(app, ["predict", str(tmp_path / "m"), str(tmp_path / "w.csv"),
                                 *swapped, "--last"])
    assert result.exit_code != 0 and message in str(result.exception)
    result = runner.invoke(app, ["update", str(tmp_path / "m"), str(tmp_path / "w.csv"),
                                 str(tmp_path / "w.csv"), *swapped, "--dry-run"])
    assert result.exit_code != 0 and message in str(result.exception)
    result = runner.invoke(app, ["predict", str(tmp_path / "m"), str(tmp_path / "w.csv"),
                                 "--column", "temp", "--column", "hum", "--last"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "step,temp_t+1,hum_t+1"
