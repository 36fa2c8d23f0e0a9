"""Progress while commands train: on stderr, a line per epoch off a terminal, early enough
to see; --quiet and --verbose mean the same everywhere and may follow the command."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

import seqlab
from seqlab.cli import app

runner = CliRunner()


def _series_csv(path):
    t = np.arange(60)
    path.write_text("sales\n" + "".join(f"{v:.4f}\n" for v in 10 + np.sin(t / 3)))
    return str(path)


def test_train_prints_a_progress_line_per_epoch_on_stderr_and_its_result_on_stdout(tmp_path):
    data = _series_csv(tmp_path / "s.csv")
    result = runner.invoke(app, ["train", data, "--epochs", "3", "--out", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    epochs = [line for line in result.stderr.splitlines() if line.startswith("train: Epoch")]
    assert [line.split(" - ")[0] for line in epochs] == [
        "train: Epoch 1/3", "train: Epoch 2/3", "train: Epoch 3/3"]
    assert "loss: " in epochs[0]
    (line,) = result.stdout.splitlines()
    assert "for 3 epoch(s): training RMSE" in line and "in the data's units" in line


def test_quiet_and_verbose_after_the_command(tmp_path):
    data = _series_csv(tmp_path / "s.csv")
    quiet = runner.invoke(app, ["train", data, "--epochs", "2", "--out", str(tmp_path / "m"),
                                "--quiet"])
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stderr == "" and "training RMSE" in quiet.stdout
    verbose = runner.invoke(app, ["train", data, "--epochs", "2", "--out", str(tmp_path / "m"),
                                  "-v"])
    assert verbose.exit_code == 0, verbose.output
    assert "train: training on 57 samples" in verbose.stderr
    assert "train: Epoch 2/2" in verbose.stderr


def test_json_mode_keeps_progress_off_stdout(tmp_path):
    result = runner.invoke(app, ["run", "alphabet-dense-window", "--quick", "--epochs", "2",
                                 "--json"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 1 and result.stdout.startswith("{")
    assert "alphabet-dense-window: Epoch 2/2" in result.stderr


def test_run_moving_square_shows_progress_while_it_trains(tmp_path):
    # Regression: every recipe trained silently; `seqlab run moving-square` printed nothing
    # for 41 s, then everything at once. Each line is stamped as it arrives.
    # The seqlab under test, whatever the working folder.
    source = str(Path(seqlab.__file__).parents[1])
    env = dict(os.environ, OMP_NUM_THREADS="1", COLUMNS="200",
               PYTHONPATH=os.pathsep.join([source, os.environ.get("PYTHONPATH", "")]))
    stamped: list[tuple[float, str, str]] = []
    started = time.perf_counter()
    with subprocess.Popen([sys.executable, "-m", "seqlab", "run", "moving-square", "--quick",
                           "--threads", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, env=env, cwd=tmp_path) as process:

        def read(stream, name):
            for line in stream:
                stamped.append((time.perf_counter() - started, name, line.rstrip("\n")))

        readers = [threading.Thread(target=read, args=(process.stdout, "out")),
                   threading.Thread(target=read, args=(process.stderr, "err"))]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join(timeout=300)
        assert process.wait(timeout=300) == 0, stamped
    progress = [(t, line) for t, name, line in stamped
                if name == "err" and "moving-square" in line and "Epoch 1/1" in line]
    result = next(t for t, name, line in stamped if name == "out" and "median" in line)
    assert len(progress) == 4, stamped  # 1,000 clips made and fitted 320 at a time
    # The first line comes as the first chunk is trained, long before the result.
    assert progress[0][0] < result and progress[-1][0] <= result
    assert progress[0][0] < 60, stamped
