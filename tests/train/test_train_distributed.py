"""Data-parallel training with torchrun on 2 local CPU processes (gloo): the same losses
as one process with the same global batch, one bundle written, checkpoints that resume."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("ddp_fit.py")


def _env():
    return dict(os.environ, OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1")


def _failure(done) -> str:
    """What a failed run said: the first error of a torchrun failure is near the start of
    its stderr, the summary at the end."""
    return (f"exit {done.returncode}\nstdout:\n{done.stdout[-1500:]}\nstderr (start):\n"
            f"{done.stderr[:3000]}\nstderr (end):\n{done.stderr[-3000:]}")


def _torchrun(*args, cwd=None):
    done = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone",
                           "--nproc_per_node", "2", *args], capture_output=True, text=True,
                          timeout=300, env=_env(), cwd=cwd)
    assert done.returncode == 0, _failure(done)
    return done


def _fit(*args, processes):
    if processes == 1:
        done = subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True,
                              text=True, timeout=300, env=_env())
        assert done.returncode == 0, _failure(done)
    else:
        done = _torchrun(str(SCRIPT), *args)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1, done.stdout  # rank 0 alone prints
    return json.loads(lines[0])


@pytest.fixture(scope="module")
def whole_run(tmp_path_factory):
    """The result of an uninterrupted fit of `layout` on 1 or 2 processes, run once for
    every test of this module that compares with it."""
    done = {}

    def run(layout, processes):
        if (layout, processes) not in done:
            out = tmp_path_factory.mktemp(f"{layout}-{processes}")
            done[layout, processes] = _fit(layout, "whole", str(out), processes=processes)
        return done[layout, processes]
    return run


@pytest.mark.parametrize("layout", ["stateful", "shuffled"])
def test_two_processes_match_one_with_the_same_global_batch(whole_run, layout):
    alone = whole_run(layout, processes=1)
    pair = whole_run(layout, processes=2)
    assert pair["processes"] == 2 and alone["processes"] == 1
    assert pair["loss"] == pytest.approx(alone["loss"], rel=1e-5)
    assert pair["val_loss"] == pytest.approx(alone["val_loss"], rel=1e-5)
    assert pair["digest"] == pytest.approx(alone["digest"], rel=1e-5)


def test_a_checkpoint_taken_by_two_processes_resumes_with_two(tmp_path, whole_run):
    whole = whole_run("stateful", processes=2)
    stopped = _fit("stateful", "interrupt", str(tmp_path / "ckpt"), processes=2)
    assert stopped == {"interrupted": 143}
    resumed = _fit("stateful", "resume", str(tmp_path / "ckpt"), processes=2)
    assert resumed["loss"] == whole["loss"] and resumed["digest"] == whole["digest"]


def test_train_text_under_torchrun_writes_one_bundle_that_generates(tmp_path, capsys):
    from seqlab.cli.app import run_cli
    from seqlab.problems.corpora import corpus_path

    text = tmp_path / "play.txt"
    text.write_text(corpus_path("tinyshakespeare").read_text()[:20000])
    done = _torchrun("-m", "seqlab", "train-text", str(text), "--out", str(tmp_path / "lm"),
                     "--epochs", "1", "--units", "24", "--seq-len", "16", "--batch-size", "8",
                     "--sample-length", "0", "--device", "cpu", cwd=tmp_path)
    assert "data-parallel over 2 processes, 4 streams each" in done.stdout
    assert done.stdout.count("bundle written to") == 1
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "lm", "play.txt"]  # one bundle, and the finished run left no checkpoint
    capsys.readouterr()
    code = run_cli(["generate", str(tmp_path / "lm"), "--prime", "First", "--length", "40",
                    "--seed", "1"])
    generated = capsys.readouterr()
    assert code == 0, generated.err
    assert generated.out.startswith("First") and len(generated.out.rstrip("\n")) == 45


def _by_hand(rank, port, *args, timeout="30"):
    """One process of a 2-process group started without torchrun (whose agent would stop
    the others itself when one dies): what a rank does on its own."""
    env = dict(_env(), RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE="2",
               MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port),
               SEQLAB_COLLECTIVE_TIMEOUT=timeout)
    return subprocess.Popen([sys.executable, "-m", "seqlab", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def _free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _play(tmp_path, characters=20000):
    from seqlab.problems.corpora import corpus_path

    text = tmp_path / "play.txt"
    text.write_text(corpus_path("tinyshakespeare").read_text()[:characters])
    return text


@pytest.mark.parametrize("how", [
    pytest.param("killed", id="killed"),
    pytest.param("stalled", id="stalled", marks=pytest.mark.slow)])
def test_a_process_that_dies_or_stalls_mid_run_stops_the_other_with_a_clear_error(tmp_path,
                                                                                     how):
    import signal
    import time

    text, port = _play(tmp_path, 8000), _free_port()
    args = ["train-text", str(text), "--out", str(tmp_path / "lm"), "--epochs", "50",
            "--units", "24", "--seq-len", "16", "--batch-size", "8", "--sample-length", "0",
            "--device", "cpu"]
    main, other = (_by_hand(rank, port, *args, timeout="8") for rank in (0, 1))
    try:
        for line in main.stdout:
            if line.startswith("epoch "):  # a check ran: both are training
                break
        other.send_signal(signal.SIGKILL if how == "killed" else signal.SIGSTOP)
        started = time.monotonic()
        _, err = main.communicate(timeout=120)
        waited = time.monotonic() - started
    finally:
        for process in (main, other):
            process.kill()
            process.communicate()
    assert main.returncode == 1, err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in err, err
    assert re.search(r"Data-parallel process 0 stopped: another process left the group during "
                     r".*collective timeout of 8 s, SEQLAB_COLLECTIVE_TIMEOUT", errors[0]), err
    assert waited < 60, waited  # a killed peer is noticed at once, a stalled one on timeout
    assert not (tmp_path / "lm").exists()


def _one_bundle(tmp_path, name):
    return sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")
                  and p.name.startswith(name))


@pytest.mark.slow
@pytest.mark.parametrize("command", ["train-text", "train"])
def test_torchrun_runs_exit_0_every_time(tmp_path, command):
    """Ranks that left at different moments while gloo's threads ran made one run in 8
    abort after finishing (SIGABRT, torchrun exit 1): 20 runs in a row, all exit 0, one
    bundle each, no checkpoint left."""
    import numpy as np

    text = _play(tmp_path)
    csv = tmp_path / "s.csv"
    csv.write_text("value\n" + "\n".join(f"{np.sin(i / 7):.5f}" for i in range(400)) + "\n")
    failures = []
    for run in range(20):
        out = tmp_path / f"m{run}"
        if command == "train-text":
            args = ["train-text", str(text), "--out", str(out), "--epochs", "1", "--units",
                    "24", "--seq-len", "16", "--batch-size", "8", "--sample-length", "0"]
        else:
            args = ["train", str(csv), "--out", str(out), "--epochs", "2", "--units", "8",
                    "--n-in", "4"]
        done = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone",
                               "--nproc_per_node", "2", "-m", "seqlab", *args, "--device",
                               "cpu"], capture_output=True, text=True, timeout=300,
                              env=_env(), cwd=tmp_path)
        if done.returncode != 0 or _one_bundle(tmp_path, out.name) != [out.name]:
            failures.append(_failure(done))
    assert failures == [], f"{len(failures)} of 20 failed; the first:\n{failures[0]}"
