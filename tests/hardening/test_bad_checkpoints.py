"""Catalogue of bad training checkpoints and of faults while one is written: a crafted or
damaged checkpoint is refused on ``--resume`` with one `error:` line (exit 2, a
`CheckpointError` naming the file and what is wrong), never resumed into a wrong run; a
kill or a full disk during a checkpoint write leaves the previous checkpoint to resume
from (exit 1 for the disk, the file named); runs at once keep a checkpoint each."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from hardening_support import assert_one_line_error, sine, write_csv
from safetensors.torch import load_file, save_file

from seqlab.errors import CheckpointError, OutputError
from seqlab.train import checkpoint as checkpoints
from seqlab.train.distributed import World
from seqlab.train.run_checkpoints import RunCheckpoint, claim_run_checkpoint


@pytest.fixture
def series_csv(tmp_path) -> Path:
    return write_csv(tmp_path / "sales.csv", sine())


def _train(cli, csv, out, *options):
    return cli("train", csv, "--column", "sales", "--n-in", 4, "--units", 4, "--epochs", 2,
               "--out", out, "--device", "cpu", *options)


@pytest.fixture
def kept_checkpoint(tmp_path, cli, series_csv, monkeypatch):
    """A `train --out W` run whose checkpoint stays (as an interrupted run's would): the
    folder holding it, under W.checkpoint."""
    with monkeypatch.context() as patch:
        patch.setattr(RunCheckpoint, "finish", RunCheckpoint.release)
        assert _train(cli, series_csv, tmp_path / "W").code == 0
    folder, = (tmp_path / "W.checkpoint").glob("run-*")
    return folder


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _document(folder: Path) -> dict:
    return json.loads((folder / "checkpoint.json").read_text())


def _tensor_file(folder: Path) -> Path:
    return folder / _document(folder)["tensors_file"]


def _rewrite(folder: Path, change_document=None, change_bytes=None, change_tensors=None):
    """Tamper with the checkpoint in `folder` and make its checksum agree again (as a
    crafted checkpoint would), so that what is checked is the content."""
    document, tensor_file = _document(folder), _tensor_file(folder)
    if change_tensors is not None:
        tensors = load_file(str(tensor_file))
        change_tensors(tensors)
        save_file(tensors, str(tensor_file))
    if change_bytes is not None:
        tensor_file.write_bytes(change_bytes(tensor_file.read_bytes()))
    if change_document is not None:
        change_document(document)
    document["tensors_sha256"] = _sha(tensor_file)
    (folder / "checkpoint.json").write_text(json.dumps(document))


def _position(**values):
    def change(document):
        document["position"].update(values)
    return change


POSITION_CASES = {  # a resumed run once "trained 18 epoch(s)" of 16 from epoch -2
    "epoch-negative": (_position(epoch=-2), r"position epoch -2; .*\[0, 2\]"),
    "epoch-beyond-the-run": (_position(epoch=10**12), r"position epoch 1000000000000"),
    "batch-10-to-the-12": (_position(batch=10**12, mid_epoch=True, epoch=1),
                           r"position batch 1000000000000; .*batch in \[0, \d+\]"),
    "batch-negative": (_position(batch=-3, mid_epoch=True, epoch=1), r"position batch -3"),
    "steps-negative": (_position(steps_done=-1), r"position steps_done -1"),
    "epoch-not-a-number": (_position(epoch="1"), r"position epoch 1;"),
    "mid-epoch-not-a-flag": (_position(mid_epoch=2), r"position mid_epoch 2; expected true"),
    "more-epochs-recorded-than-run": (
        lambda d: d["history"]["records"].extend(d["history"]["records"] * 8),
        r"a history of 18 epoch record\(s\) at position epoch 2"),
}


@pytest.mark.parametrize("change,message", POSITION_CASES.values(), ids=POSITION_CASES)
def test_a_position_the_run_cannot_have_reached_is_refused(tmp_path, cli, series_csv,
                                                           kept_checkpoint, change, message):
    _rewrite(kept_checkpoint, change_document=change)
    result = _train(cli, series_csv, tmp_path / "W", "--resume")
    assert_one_line_error(result, 2, rf"The checkpoint .*{kept_checkpoint.name} has {message}")


def _torch_rng(value):
    def change(tensors):
        tensors["rank0.rng"] = value
    return change


def _numpy_rng(document):
    document["epoch_rng"]["state"]["state"] = "not a number"


def _truncate(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _huge_header(data: bytes) -> bytes:
    return (2**62).to_bytes(8, "little") + data[8:]


TAMPER_CASES = {
    "torch-generator-state-resized": (
        {"change_tensors": _torch_rng(torch.zeros(7, dtype=torch.uint8))},
        r"random generator state of torch.uint8 \[7\]; torch's is torch.uint8 \[5056\]"),
    "torch-generator-state-as-floats": (
        {"change_tensors": _torch_rng(torch.zeros(5056))}, r"random generator state of "
                                                           r"torch.float32"),
    "numpy-generator-state-not-a-number": (
        {"change_document": _numpy_rng}, r"holds a state this run cannot take: ValueError"),
    "tensors-truncated": ({"change_bytes": _truncate},
                          r"tensor file .*checkpoint-[0-9a-f]+\.safetensors cannot be read"),
    "safetensors-header-oversized": ({"change_bytes": _huge_header},
                                     r"tensor file .*checkpoint-[0-9a-f]+\.safetensors "
                                     r"cannot be read"),
    "weights-missing": ({"change_tensors": lambda t: t.pop(next(k for k in t if
                                                                 k.startswith("model")))},
                        r"The checkpoint .*run-[\w-]+: its tensor file lacks 'model"),
    "tensor-file-outside-the-folder": (
        {"change_document": lambda d: d.update(tensors_file="../../W/CURRENT")},
        r"'tensors_file' is '../../W/CURRENT'; expected a name like"),
    "not-a-checkpoint": ({"change_document": lambda d: d.update(format="pickle")},
                         r"checkpoint.json is not a seqlab checkpoint"),
}


@pytest.mark.parametrize("tamper,message", TAMPER_CASES.values(), ids=TAMPER_CASES)
def test_a_tampered_or_damaged_checkpoint_is_refused(tmp_path, cli, series_csv,
                                                     kept_checkpoint, tamper, message):
    _rewrite(kept_checkpoint, **tamper)
    assert_one_line_error(_train(cli, series_csv, tmp_path / "W", "--resume"), 2, message)
    with pytest.raises(CheckpointError) as refused:  # the library's class, naming a file
        from seqlab.lifecycle import ForecastConfig, train_forecaster

        train_forecaster(sine(), ForecastConfig(n_in=4, units=4, epochs=2, device="cpu"),
                         columns=["sales"], checkpoint=kept_checkpoint, resume=True)
    assert refused.value.file is not None and str(tmp_path) in refused.value.file


def test_a_generator_state_torch_refuses_is_refused_and_leaves_the_generator(tmp_path, cli,
                                                                             series_csv,
                                                                             kept_checkpoint):
    refused = torch.zeros(5056, dtype=torch.uint8)
    _rewrite(kept_checkpoint, change_tensors=_torch_rng(refused))
    result = _train(cli, series_csv, tmp_path / "W", "--resume")
    assert_one_line_error(result, 2, r"holds a state this run cannot take: RuntimeError: "
                                     r"Invalid mt19937 state")
    from seqlab.train._run_state import _check_torch_rng

    state = torch.get_rng_state()
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        _check_torch_rng(refused, kept_checkpoint)
    assert torch.equal(torch.get_rng_state(), state)  # tried, and put back


@pytest.mark.parametrize("linked", ["tensors", "checkpoint.json"])
def test_a_checkpoint_file_that_is_a_link_is_refused_not_followed(tmp_path, linked):
    # Either file of the pair, linked to one outside the folder, was read through the link.
    folder = checkpoints.write_checkpoint(tmp_path / "run", {"step": 1},
                                          {"t": torch.ones(3)})
    file = _tensor_file(folder) if linked == "tensors" else folder / "checkpoint.json"
    outside = tmp_path / "elsewhere"
    file.rename(outside)
    file.symlink_to(outside)
    with pytest.raises(CheckpointError, match=rf"{file.name} is a link; a checkpoint holds "
                                              r"plain files only\. Refusing to read outside"):
        checkpoints.read_checkpoint(folder)


# ---------------------------------------------------------- faults during a write
_WRITER = """
import sys, torch
from seqlab.train.checkpoint import write_checkpoint
folder, step = sys.argv[1], 0
print("ready", flush=True)
while True:
    step += 1
    write_checkpoint(folder, {"step": step}, {"t": torch.full((1 << 18,), float(step))})
"""


@pytest.mark.parametrize("trials", [pytest.param(2, id="2-trials"),
                                    pytest.param(30, id="30-trials", marks=pytest.mark.slow)])
def test_kill_9_during_checkpoint_writes_keeps_a_whole_checkpoint(tmp_path, trials):
    """A writer replacing its checkpoint in a loop, killed at random moments: what it leaves
    always reads back as one whole checkpoint (the JSON and the tensors of one write)."""
    rng = random.Random(0)
    folder = tmp_path / "ckpt"
    steps = []
    for _ in range(trials):
        process = subprocess.Popen([sys.executable, "-c", _WRITER, str(folder)],
                                   stdout=subprocess.PIPE, text=True,
                                   env=dict(os.environ, OMP_NUM_THREADS="1"))
        assert process.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.2, 1.0))
        process.send_signal(signal.SIGKILL)
        process.communicate()
        if not (folder / "checkpoint.json").exists():
            continue  # killed before its first write was complete
        document, tensors = checkpoints.read_checkpoint(folder)
        assert torch.all(tensors["t"] == document["step"]), document
        steps.append(document["step"])
        tensor_files = list(folder.glob("checkpoint-*.safetensors"))
        assert 1 <= len(tensor_files) <= 2  # the live pair, and at most one cut short
    assert len(steps) >= trials // 2, steps  # most kills came after a first checkpoint
    checkpoints.write_checkpoint(folder, {"step": 0}, {"t": torch.zeros(1)})
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []  # cleaned
    assert len(list(folder.glob("checkpoint-*.safetensors"))) == 1


def _fail_on_write(monkeypatch, after: int, message: str):
    calls = []
    real = checkpoints.save_file

    def failing(tensors, target):
        calls.append(target)
        if len(calls) > after:
            from safetensors import SafetensorError

            raise SafetensorError(message)
        return real(tensors, target)

    monkeypatch.setattr(checkpoints, "save_file", failing)


@pytest.mark.parametrize("message,reason", [
    ("Error while serializing: I/O error: No space left on device (os error 28)",
     "No space left on device"),
    ("Error while serializing: I/O error: File too large (os error 27)", "File too large"),
])
def test_a_full_disk_during_a_checkpoint_write_keeps_the_previous_one(tmp_path, monkeypatch,
                                                                       message, reason):
    folder = tmp_path / "ckpt"
    checkpoints.write_checkpoint(folder, {"step": 1}, {"t": torch.ones(3)})
    _fail_on_write(monkeypatch, 0, message)
    with pytest.raises(OutputError, match=rf"Could not write {folder}/checkpoint-[0-9a-f]+"
                                          rf"\.safetensors: {reason}\. The checkpoint"):
        checkpoints.write_checkpoint(folder, {"step": 2}, {"t": torch.full((3,), 2.0)})
    document, tensors = checkpoints.read_checkpoint(folder)
    assert document["step"] == 1 and torch.equal(tensors["t"], torch.ones(3))
    assert sorted(p.name[:11] for p in folder.iterdir()) == ["checkpoint-", "checkpoint."]


def test_train_on_a_full_disk_exits_1_naming_the_checkpoint_file(tmp_path, cli, series_csv,
                                                                 monkeypatch):
    _fail_on_write(monkeypatch, 1, "Error while serializing: I/O error: File too large "
                                   "(os error 27)")
    result = _train(cli, series_csv, tmp_path / "W")
    assert_one_line_error(result, 1, r"Could not write .*W\.checkpoint/run-[\w-]+/"
                                     r"checkpoint-[0-9a-f]+\.safetensors: File too large")
    assert not (tmp_path / "W").exists()


# ------------------------------------------------------ runs at once, and --resume
def test_runs_at_once_get_a_checkpoint_each_and_resume_takes_the_latest_free_one(tmp_path):
    root, alone = tmp_path / "W.checkpoint", World()
    first = claim_run_checkpoint(root, resume=False, world=alone)
    second = claim_run_checkpoint(root, resume=False, world=alone)
    assert first.path != second.path and first.path.parent == second.path.parent == root
    for run, step in ((first, 1), (second, 2)):
        checkpoints.write_checkpoint(run.path, {"step": step}, {"t": torch.zeros(1)})
        time.sleep(0.01)  # distinct modification times
    with pytest.raises(CheckpointError, match=r"2 checkpoint\(s\) there belong to runs "
                                              r"still going"):
        claim_run_checkpoint(root, resume=True, world=alone)  # both live: neither taken
    second.release()
    resumed = claim_run_checkpoint(root, resume=True, world=alone)
    assert resumed.path == second.path  # the one free
    first.release()
    other = claim_run_checkpoint(root, resume=True, world=alone)
    assert other.path == first.path  # the latest is taken: the next resume gets the other
    resumed.finish()  # a finished run removes only its own checkpoint
    assert not second.path.exists() and first.path.is_dir()
    other.finish()
    assert not root.exists()  # the last one out removes W.checkpoint
    with pytest.raises(CheckpointError, match=r"There is no checkpoint at .*W.checkpoint: "
                                              r"nothing to resume"):
        claim_run_checkpoint(root, resume=True, world=alone)


def test_resume_passes_over_a_run_that_failed_before_its_first_checkpoint(tmp_path):
    root, alone = tmp_path / "W.checkpoint", World()
    good = claim_run_checkpoint(root, resume=False, world=alone)
    checkpoints.write_checkpoint(good.path, {"step": 1}, {"t": torch.zeros(1)})
    good.release()
    empty = root / "run-29991231T000000-deadbeef"  # newer, but nothing in it
    empty.mkdir()
    with claim_run_checkpoint(root, resume=True, world=alone) as taken:
        assert taken.path == good.path
    assert not empty.exists()


def test_a_checkpoint_of_an_older_seqlab_is_moved_into_a_run_folder_and_resumed(tmp_path):
    root = tmp_path / "W.checkpoint"
    checkpoints.write_checkpoint(root, {"step": 7}, {"t": torch.zeros(1)})  # the old layout
    (root / "train-text.json").write_text("{}")
    with claim_run_checkpoint(root, resume=True, world=World()) as taken:
        assert taken.path.parent == root and taken.path.name.startswith("run-")
        assert checkpoints.read_checkpoint(taken.path)[0]["step"] == 7
        assert (taken.path / "train-text.json").is_file()
    assert sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) == [
        taken.path.name]


def _train_process(csv, out, *extra):
    return subprocess.Popen(
        [sys.executable, "-m", "seqlab", "train", str(csv), "--column", "sales", "--n-in", "3",
         "--units", "4", "--epochs", "12", "--batch-size", "4", "--device", "cpu",
         "--out", str(out), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1"))


@pytest.mark.slow  # four seqlab processes: about a minute on a loaded machine
def test_two_trains_at_once_each_keep_their_checkpoint_and_both_resume(tmp_path):
    csv = write_csv(tmp_path / "s.csv", sine(50))
    out = tmp_path / "W"
    runs = [_train_process(csv, out) for _ in range(2)]
    for run in runs:  # started together; each stopped in its second epoch
        for line in run.stderr:  # (epoch lines go to stderr)
            if "Epoch 2/" in line:
                run.send_signal(signal.SIGTERM)
                break
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 143, err
    folders = sorted((out.with_name("W.checkpoint")).glob("run-*"))
    assert len(folders) == 2 and all((f / "checkpoint.json").is_file() for f in folders)
    for left in (1, 0):  # each --resume takes one, the latest first; then none is left
        done = _train_process(csv, out, "--resume")
        _, err = done.communicate(timeout=600)
        assert done.returncode == 0, err
        assert len(list(out.with_name("W.checkpoint").glob("run-*"))) == left
    assert not out.with_name("W.checkpoint").exists()
