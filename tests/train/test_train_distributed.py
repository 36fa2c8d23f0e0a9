"""Data-parallel training with torchrun on 2 local CPU processes (gloo): the same losses
as one process with the same global batch, one bundle written, checkpoints that resume."""

import json
import os
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


@pytest.mark.parametrize("layout", ["stateful", "shuffled"])
def test_two_processes_match_one_with_the_same_global_batch(tmp_path, layout):
    alone = _fit(layout, "whole", str(tmp_path / "a"), processes=1)
    pair = _fit(layout, "whole", str(tmp_path / "b"), processes=2)
    assert pair["processes"] == 2 and alone["processes"] == 1
    assert pair["loss"] == pytest.approx(alone["loss"], rel=1e-5)
    assert pair["val_loss"] == pytest.approx(alone["val_loss"], rel=1e-5)
    assert pair["digest"] == pytest.approx(alone["digest"], rel=1e-5)


def test_a_checkpoint_taken_by_two_processes_resumes_with_two(tmp_path):
    whole = _fit("stateful", "whole", str(tmp_path / "unused"), processes=2)
    stopped = _fit("stateful", "interrupt", str(tmp_path / "ckpt"), processes=2)
    assert stopped == {"interrupted": 143}
    resumed = _fit("stateful", "resume", str(tmp_path / "ckpt"), processes=2)
    assert resumed["loss"] == whole["loss"] and resumed["digest"] == whole["digest"]


def test_train_text_under_torchrun_writes_one_bundle_that_generates(tmp_path):
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
    generated = subprocess.run([sys.executable, "-m", "seqlab", "generate", str(tmp_path / "lm"),
                                "--prime", "First", "--length", "40", "--seed", "1"],
                               capture_output=True, text=True, timeout=300, env=_env())
    assert generated.returncode == 0, generated.stderr
    assert generated.stdout.startswith("First") and len(generated.stdout.rstrip("\n")) == 45
