"""SIGKILL during saving leaves the previous or the new bundle loadable, never a broken one."""

import os
import random
import signal
import subprocess
import sys
import time

import pytest
import torch

from seqlab.bundle import load
from seqlab.errors import BundleError

_WRITER = """
import sys, torch
torch.set_num_threads(1)
from seqlab.bundle import save
from seqlab.models import ModelSpec, build
from seqlab.train import Trainer
path, start = sys.argv[1], int(sys.argv[2])
model = build(ModelSpec(1, 1, units=[16]), seed=0)
trainer = Trainer(model)
step = start
while True:
    with torch.no_grad():
        for p in model.parameters():
            p.fill_(float(step))
    save(model, path, optimizer=trainer, metadata={"step": step}, keep_previous=step % 2 == 0)
    if step == start:
        print("saved", flush=True)
    step += 1
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_sigkill_during_checkpointing_never_leaves_a_broken_bundle(tmp_path):
    path = tmp_path / "checkpoint"
    rng = random.Random(0)
    last_step = -1
    start = 0
    for _ in range(4):
        writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(path), str(start)],
                                  stdout=subprocess.PIPE, text=True)
        assert writer.stdout.readline().strip() == "saved"
        time.sleep(rng.uniform(0.05, 1.0))
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=60)
        writer.stdout.close()
        bundle = load(path)  # must load: the previous or the new checkpoint, whole
        step = bundle.metadata["step"]
        assert step > last_step
        for name, value in bundle.model.state_dict().items():
            assert torch.all(value == float(step)), f"{name} mixes checkpoints"
        assert bundle.optimizer is not None
        last_step = step
        start = step + 1000  # the next writer's steps are distinguishable
    assert last_step >= 3000


def test_a_bundle_of_one_kind_is_never_replaced_by_another(tmp_path):
    from seqlab.classify.persist import check_target as classifier_target
    from seqlab.forecast.persist import check_target as forecast_target

    classifier = tmp_path / "clf"
    classifier.mkdir()
    (classifier / "classifier.json").write_text("{}")
    assert classifier_target(classifier) == classifier  # its own kind: replaced
    with pytest.raises(BundleError, match=r"clf is a classifier bundle \(written by seqlab "
                                          r"classify --out; .*\), not a forecasting bundle"):
        forecast_target(classifier)
    user = tmp_path / "mine"
    user.mkdir()
    (user / "notes.txt").write_text("keep me")
    for check in (classifier_target, forecast_target):
        with pytest.raises(BundleError, match="refusing to replace it"):
            check(user)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert forecast_target(empty) == empty and forecast_target(tmp_path / "new").name == "new"


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_files_and_bundles_written_atomically_follow_the_umask(tmp_path, umask):
    # Written through private temporary files and folders, they kept 0600 and 0700 under
    # any umask: a forecast CSV or a bundle others on the machine could not read.
    import stat

    import numpy as np
    import pandas as pd

    from seqlab._io import atomic_write
    from seqlab.forecast import Forecaster
    from seqlab.forecast import save as save_forecaster

    previous = os.umask(umask)
    try:
        atomic_write(tmp_path / "out.csv", "a,b\n")
        series = pd.Series(np.arange(30.0) % 7, index=pd.date_range("2020-01-01", periods=30))
        fitted = Forecaster(2, methods=["naive", "ets"]).fit(series)
        save_forecaster(fitted, tmp_path / "bundle")
        save_forecaster(fitted, tmp_path / "bundle")  # a second version, in the store
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "out.csv").stat().st_mode) == 0o666 & ~umask
    folders = [tmp_path / "bundle", *(p for p in (tmp_path / "bundle").iterdir() if p.is_dir())]
    assert len(folders) >= 2
    for folder in folders:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o777 & ~umask, folder


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_the_umask_is_read_without_being_set_where_the_system_reports_it(monkeypatch, umask):
    # It was read by setting it to 0 for an instant: a file another thread created then
    # (a data loader's, a logger's) was made readable and writable by all.
    import builtins
    import sys

    from seqlab import _io

    previous = os.umask(umask)
    try:
        if sys.platform.startswith("linux"):
            def refuse(mask):
                raise AssertionError(f"the umask was set to {mask:o}")
            with monkeypatch.context() as patched:
                patched.setattr(os, "umask", refuse)
                assert _io.umask_mode() == 0o666 & ~umask
                assert _io.umask_mode(folder=True) == 0o777 & ~umask
        real_open = builtins.open

        def no_proc(file, *args, **kwargs):
            if str(file).startswith("/proc/"):
                raise OSError("no /proc here")
            return real_open(file, *args, **kwargs)
        monkeypatch.setattr(builtins, "open", no_proc)
        assert _io.umask_mode() == 0o666 & ~umask  # elsewhere: set and set back
        assert os.umask(umask) == umask
    finally:
        os.umask(previous)


def test_a_file_replaced_atomically_keeps_its_mode(tmp_path):
    # A private file rewritten became readable by all (the umask's mode, 0644).
    import stat

    from seqlab._io import atomic_write

    path = tmp_path / "secret.csv"
    path.write_text("a\n")
    path.chmod(0o600)
    atomic_write(path, "a,b\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.read_text() == "a,b\n"


def test_checkpoints_and_best_weights_follow_the_umask(tmp_path):
    # Written through mkstemp, they stayed 0600 whatever the umask.
    import stat

    from seqlab.train.callbacks import write_weights_atomically
    from seqlab.train.checkpoint import write_checkpoint

    previous = os.umask(0o022)
    try:
        write_weights_atomically({"w": torch.zeros(2)}, tmp_path / "best.safetensors")
        write_checkpoint(tmp_path / "ckpt", {"epoch": 1}, {"w": torch.zeros(2)})
    finally:
        os.umask(previous)
    files = [tmp_path / "best.safetensors", *(tmp_path / "ckpt").iterdir()]
    assert len(files) >= 3
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
