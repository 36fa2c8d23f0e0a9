"""`seqlab train-text` and `seqlab train` stopped by a real SIGINT or SIGTERM, then run
again with --resume, end with exactly the bundle of an uninterrupted run."""

import os
import signal
import subprocess
import sys

import numpy as np
import pytest
import torch

from seqlab.bundle import load
from seqlab.cli.app import run_cli
from seqlab.problems.corpora import corpus_path

SHAKESPEARE = corpus_path("tinyshakespeare")
TEXT_SETTINGS = ["--units", "24", "--epochs", "3", "--seq-len", "16", "--batch-size", "8",
                 "--sample-length", "0", "--checks-per-epoch", "8", "--device", "cpu"]


def _command(*args):
    return [sys.executable, "-m", "seqlab", *args]


def _env(tmp_path):
    # A private cache: the token file is encoded by the run itself.
    return dict(os.environ, OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1",
                XDG_CACHE_HOME=str(tmp_path / "cache"))


def _as_from_a_terminal():
    """Ctrl-C acts as in a terminal: a test runner started in the background of a script
    passes SIGINT on ignored, and a process that finds it ignored leaves it so."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _weights(bundle):
    return load(bundle).model.state_dict()


def _interrupt_after(command, marker, signal_number, tmp_path):
    """Run `command`, send `signal_number` once a stdout line holds `marker`; return the
    process's exit status, stdout and stderr."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=tmp_path, env=_env(tmp_path),
                               preexec_fn=_as_from_a_terminal)
    lines = []
    for line in process.stdout:
        lines.append(line)
        if marker in line:
            process.send_signal(signal_number)
            break
    out, err = process.communicate(timeout=300)
    return process.returncode, "".join(lines) + out, err


def _play(folder):
    text = folder / "play.txt"
    text.write_text(SHAKESPEARE.read_text()[:12000])
    return text


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    """The bundle of a whole train-text run, which each interrupted run must end with."""
    folder = tmp_path_factory.mktemp("whole")
    whole = subprocess.run(_command("train-text", str(_play(folder)), "--out",
                                    str(folder / "whole"), *TEXT_SETTINGS),
                           capture_output=True, text=True, cwd=folder, env=_env(folder),
                           timeout=300)
    assert whole.returncode == 0, whole.stderr
    return folder / "whole"


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM])
def test_train_text_interrupted_then_resumed_ends_identical(tmp_path, signal_number,
                                                            uninterrupted):
    text = _play(tmp_path)
    command = _command("train-text", str(text), "--out", str(tmp_path / "parted"),
                       *TEXT_SETTINGS)
    code, out, err = _interrupt_after(command, "held-out loss", signal_number, tmp_path)
    assert code == 128 + signal_number, (out, err)
    assert "Resume with: seqlab train-text" in err and "--resume" in err
    assert "Traceback" not in err
    assert len(list((tmp_path / "parted.checkpoint").glob("run-*/checkpoint.json"))) == 1
    assert not (tmp_path / "parted").exists()

    resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True,
                             cwd=tmp_path, env=_env(tmp_path), timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert not (tmp_path / "parted.checkpoint").exists()  # finished: removed
    expected, got = _weights(uninterrupted), _weights(tmp_path / "parted")
    for name, tensor in expected.items():
        assert torch.equal(tensor, got[name]), name


def test_resume_with_other_settings_or_without_a_checkpoint_is_refused(tmp_path, capsys,
                                                                     monkeypatch):
    # Only the interruption needs a process of its own (a real SIGINT); the refusals are
    # the same command line run in this one.
    for name, value in _env(tmp_path).items():
        monkeypatch.setenv(name, value)

    def refused(*argv):
        code = run_cli([str(a) for a in argv])
        return code, capsys.readouterr().err

    text = _play(tmp_path)
    arguments = ["train-text", str(text), "--out", str(tmp_path / "m"), *TEXT_SETTINGS]
    code, err = refused(*arguments, "--resume")
    assert code == 2 and "nothing to resume" in err
    code, _, err = _interrupt_after(_command(*arguments), "held-out loss", signal.SIGINT,
                                    tmp_path)
    assert code == 130, err
    # 'No bundle at m: the path does not exist', '... is not a seqlab bundle'.
    for path, said in ((tmp_path / "m", "yet: its training was interrupted, and "),
                       (tmp_path / "m.checkpoint", "is the checkpoint of an interrupted ")):
        code, err = refused("generate", path)
        assert code == 2 and said in err, err
        assert "with --resume" in err
    code, err = refused("generate", tmp_path / "m.checkpoint" / "nothing")
    assert code == 2 and "the path does not exist" in err, err
    code, err = refused(*arguments, "--lr", "0.01", "--resume")
    assert code == 2
    assert "lr 0.008 then, 0.01 now" in err and "Traceback" not in err
    assert "add --lr 0.008)" in err  # what resumes it


def test_train_interrupted_then_resumed_ends_identical(tmp_path):
    series = np.sin(np.arange(1200) / 7.0) + 0.1 * np.random.default_rng(0).normal(size=1200)
    csv = tmp_path / "series.csv"
    csv.write_text("value\n" + "\n".join(f"{v:.6f}" for v in series) + "\n")
    settings = [str(csv), "--epochs", "10", "--units", "8", "--batch-size", "16",
                "--device", "cpu"]
    whole = subprocess.run(_command("train", *settings, "--out", str(tmp_path / "whole")),
                           capture_output=True, text=True, cwd=tmp_path, env=_env(tmp_path),
                           timeout=300)
    assert whole.returncode == 0, whole.stderr
    command = _command("train", *settings, "--out", str(tmp_path / "parted"))
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=tmp_path, env=_env(tmp_path),
                               preexec_fn=_as_from_a_terminal)
    for line in process.stderr:  # epoch lines go to stderr
        if "Epoch 3/" in line:
            process.send_signal(signal.SIGINT)
            break
    _, err = process.communicate(timeout=300)
    assert process.returncode == 130, err
    assert "Resume with: seqlab train" in err
    resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True,
                             cwd=tmp_path, env=_env(tmp_path), timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert not (tmp_path / "parted.checkpoint").exists()  # finished: removed
    expected, got = _weights(tmp_path / "whole"), _weights(tmp_path / "parted")
    for name, tensor in expected.items():
        assert torch.equal(tensor, got[name]), name
