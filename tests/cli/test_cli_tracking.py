"""`--tensorboard DIR` and `--mlflow URI` on every training command (`seqlab.cli._tracking`)."""

import sys

import numpy as np
import pytest
import typer.main
from typer.testing import CliRunner

from fake_mlflow import FakeMlflow
from seqlab.cli.app import app, run_cli

TRAINING_COMMANDS = ("train", "train-text", "run", "repeat", "tune")
runner = CliRunner()


def _events(folder):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(folder))
    events.Reload()
    return events


@pytest.mark.parametrize("command", TRAINING_COMMANDS)
def test_every_training_command_takes_tensorboard_and_mlflow(command):
    click_command = typer.main.get_command(app).commands[command]
    options = {option for param in click_command.params for option in param.opts}
    assert {"--tensorboard", "--mlflow"} <= options
    mlflow = next(p for p in click_command.params if "--mlflow" in p.opts)
    assert mlflow.envvar == "SEQLAB_MLFLOW"


def test_tune_logs_each_run_to_tensorboard_and_mlflow(tmp_path, monkeypatch):
    fake = FakeMlflow()
    monkeypatch.setitem(sys.modules, "mlflow", fake)
    result = runner.invoke(app, ["tune", "--grid", "units=1,2", "--repeats", "1", "--epochs",
                                 "2", "--json", "--tensorboard", str(tmp_path / "tb"),
                                 "--mlflow", "file:./mlruns"])
    assert result.exit_code == 0, result.output
    first, second = _events(tmp_path / "tb"), _events(tmp_path / "tb" / "trainer-2")
    for events in (first, second):
        assert [e.step for e in events.Scalars("loss/validation")] == [1, 2]
    # One HParams row per configuration: its spec differs; the options ride along.
    params = [args[0] for args, _ in fake.named("log_params")]
    assert [p["spec.units"] for p in params] == ["[1]", "[2]"]
    assert all(p["tune.repeats"] == 1 and p["tune.backend"] == "grid" for p in params)
    assert [kwargs for _, kwargs in fake.named("start_run")] == [{"run_name": "tune"}, {"run_name": "tune-2"}]


def test_train_logs_to_tensorboard(tmp_path):
    values = 10 + np.sin(np.arange(120) / 5)
    (tmp_path / "s.csv").write_text("day,sales\n" + "".join(f"{i},{v:.4f}\n"
                                                            for i, v in enumerate(values)))
    result = runner.invoke(app, ["train", "--csv", str(tmp_path / "s.csv"), "--column", "sales",
                                 "--n-in", "3", "--units", "4", "--epochs", "2", "--out",
                                 str(tmp_path / "m"), "--tensorboard", str(tmp_path / "tb")])
    assert result.exit_code == 0, result.output
    assert [e.step for e in _events(tmp_path / "tb").Scalars("loss/train")] == [1, 2]


def test_tracking_worker_processes_is_refused_before_any_work(tmp_path, capsys):
    code = run_cli(["repeat", "echo", "--quick", "--workers", "2", "--tensorboard",
                    str(tmp_path / "tb")])
    assert code == 2
    assert "--workers 1" in capsys.readouterr().err
    assert not (tmp_path / "tb").exists()


def test_mlflow_without_the_extra_names_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "mlflow", None)
    monkeypatch.setenv("SEQLAB_MLFLOW", "file:./mlruns")
    assert run_cli(["run", "echo", "--quick"]) == 2
    assert "seqlab[mlflow]" in capsys.readouterr().err
