"""Distributed tuning: two `seqlab tune` worker processes share one SQLite study and its
budget of trials, and neither trains a configuration the other has already tried."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import seqlab

optuna = pytest.importorskip("optuna")

TRIALS = 8


def test_two_workers_share_one_sqlite_study_and_its_budget(tmp_path):
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    command = [sys.executable, "-m", "seqlab", "--threads", "1", "tune", "--backend", "optuna",
               "--storage", storage, "--study-name", "common-study", "--trials", str(TRIALS),
               "--param", "units=1..32", "--param", "cell=lstm,gru", "--epochs", "8",
               "--repeats", "1", "--json"]
    env = {**os.environ, "PYTHONPATH": str(Path(seqlab.__file__).parents[1])}
    workers = [subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [worker.communicate(timeout=120) for worker in workers]
    for worker, (out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err
        payload = json.loads(out.strip().splitlines()[-1])  # strict JSON: no NaN
        assert payload["study_name"] == "common-study" and payload["storage"] == storage

    study = optuna.load_study(study_name="common-study", storage=storage)
    state = optuna.trial.TrialState
    complete = [t for t in study.trials if t.state == state.COMPLETE]
    assert len(complete) == TRIALS
    params = [tuple(sorted(t.params.items())) for t in complete]
    assert len(set(params)) == TRIALS, "a configuration was trained twice"
    assert not [t for t in study.trials if t.state == state.RUNNING]
    trained = [t for t in study.trials if t.state in (state.COMPLETE, state.PRUNED)
               and "duplicate_of" not in t.user_attrs and "surplus" not in t.user_attrs]
    assert len({t.user_attrs["worker"] for t in trained}) == 2, "one worker did all the work"
    assert {pid for pid in (w.pid for w in workers)} == {
        int(t.user_attrs["worker"].rsplit(":", 1)[1]) for t in trained}


@pytest.mark.parametrize(("args", "message"), [
    (["--param", "lr=1e-3..1e-1:logg"], "unknown range flag 'logg'"),
    (["--grid", "units=1,2", "--param", "units=3..4"], "given by both --grid and --param"),
    (["--backend", "optuna", "--param", "units=1..4", "--storage", "no/such/dir/s.db"],
     "folder that does not exist"),
    (["--backend", "optuna", "--param", "units=1..4", "--storage", "sqlite://"], "in-memory"),
    (["--backend", "optuna", "--param", "units=1..4", "--direction", "maximize"],
     "val_loss is best when it is low"),
    (["--backend", "random", "--param", "units=1..4", "--trials", "3"], "n_trials instead"),
    ([], "at least one --grid"),
])
def test_bad_tune_options_are_one_error_line(args, message, capsys, tmp_path, monkeypatch):
    from seqlab.cli.app import run_cli

    monkeypatch.chdir(tmp_path)
    assert run_cli(["tune", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and message in err and "\n" not in err
    assert not list(tmp_path.iterdir())  # refused before any study was written
