"""Concurrent writers and readers of one bundle path: nothing broken, nothing silently lost.

Writers are separate processes released together (threads would share one interpreter).
The rules checked (see ``seqlab.bundle.store``): writes are serialized by a lock file beside
the bundle, so version names sort in commit order and ``CURRENT`` names the last one; a
version leaves the bundle only through a later save that could see it, i.e. one whose
``replaces`` named it while it was live, or one that found it as the previous version. A
version another writer made live after a save's ``replaces`` is kept as that save's
previous. Each writer reports the version it wrote and what it meant to replace; replaying
the reports in name order with these rules must give exactly the bundle on disk.
"""

import importlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import torch

from seqlab.bundle import load, rollback, save, store
from seqlab.errors import BundleError
from seqlab.models import ModelSpec, build

_WRITER = """
import json, sys, time, torch
torch.set_num_threads(1)
from seqlab.bundle import save, store
from seqlab.models import ModelSpec, build
config = json.loads(sys.argv[1])
model = build(ModelSpec(1, 1, units=[4]), seed=0)

def fill(value):
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.fill_(float(value))

print("ready", flush=True)
if config["mode"] == "rounds":  # save once per path, released together at shared times
    start = float(sys.stdin.readline())
    for r, path in enumerate(config["paths"]):
        seen = store.live_version(path)  # what this save means to replace
        while time.time() < start + r * config["period"]:
            time.sleep(0.001)
        value = config["writer"] * 1000 + r
        fill(value)
        folder = save(model, path, metadata={"value": value}, replaces=seen)
        print(json.dumps({"version": folder.name, "replaces": seen, "value": value,
                          "path": path}), flush=True)
else:  # save in a loop until killed or out of time (with "saves": and that many done)
    step, deadline = config["start"], time.time() + config.get("seconds", 1e9)
    last, limit = step + config.get("saves", 0), time.time() + 300
    while time.time() < limit and (time.time() < deadline or step < last):
        fill(step)
        save(model, config["path"], metadata={"value": step}, keep_previous=step % 3 == 0)
        step += 1
"""

_SPEC = ModelSpec(1, 1, units=[4])


def _writer(config, **kwargs):
    return subprocess.Popen([sys.executable, "-c", _WRITER, json.dumps(config)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            **kwargs)


def _ready(process):
    line = process.stdout.readline().strip()
    assert line == "ready", line


def _check_whole(bundle):
    """The loaded model's weights are all the value its manifest records: no mixing."""
    value = bundle.metadata["value"]
    for name, tensor in bundle.model.state_dict().items():
        assert torch.all(tensor == float(value)), f"{name} mixes versions"
    return value


def _versions(path):
    return sorted(p.name for p in path.iterdir() if p.name.startswith("v-"))


def _staging(path):
    """What a writer stages: ``.tmp-*``/``.CURRENT.*`` inside `path`, ``.<name>.tmp-*``
    beside it."""
    inside = [p.name for p in path.iterdir() if p.name.startswith((".tmp-", ".CURRENT."))] \
        if path.is_dir() else []
    beside = [p.name for p in path.parent.iterdir()
              if re.fullmatch(rf"\.{re.escape(path.name)}\.tmp-\w{{8}}", p.name)]
    return inside + beside


def _no_staging(path):
    assert _staging(path) == []


def _replay(reports, current, previous=None):
    """(current, previous) after applying `reports` in commit (= name) order."""
    for report in sorted(reports, key=lambda r: r["version"]):
        previous = current if current != report["replaces"] else None
        current = report["version"]
    return current, previous


def _run_rounds(paths, writers=2, period=0.25):
    processes = [_writer({"mode": "rounds", "writer": k + 1, "paths": [str(p) for p in paths],
                          "period": period}) for k in range(writers)]
    for process in processes:
        _ready(process)
    start = time.time() + 0.2
    for process in processes:
        process.stdin.write(f"{start}\n")
        process.stdin.close()
    reports = []
    for process in processes:
        out = process.stdout.read()
        process.stdout.close()
        assert process.wait(timeout=300) == 0
        reports += [json.loads(line) for line in out.splitlines()]
    assert len(reports) == writers * len(paths)
    assert len({r["version"] for r in reports}) == len(reports)
    return reports


def _check_path(path, reports, initial=None):
    """The bundle at `path` is exactly the replay of `reports`, loads whole, and every
    version it holds carries the model its writer reported."""
    values = {r["version"]: r["value"] for r in reports}
    current, previous = _replay(reports, initial)
    pointer = store.read_pointer(path)
    assert (pointer["current"], pointer["previous"]) == (current, previous)
    assert _versions(path) == sorted(v for v in (current, previous) if v is not None)
    assert _check_whole(load(path)) == values[current]
    _no_staging(path)
    return current, previous


@pytest.mark.parametrize("rounds,fresh", [
    pytest.param(4, 3, id="4-rounds-3-fresh"),
    pytest.param(40, 30, id="40-rounds-30-fresh", marks=pytest.mark.slow)])
def test_library_writers_released_together(tmp_path, rounds, fresh):
    """Two writer processes save at the same instants, first `rounds` times onto an existing
    bundle, then once onto each of `fresh` new paths."""
    path = tmp_path / "w"
    initial = save(build(_SPEC, seed=0), path, metadata={"value": 0}).name
    targets = [tmp_path / f"fresh{k}" for k in range(fresh)]
    reports = _run_rounds([path] * rounds + targets)

    mine = [r for r in reports if r["path"] == str(path)]
    current, previous = _check_path(path, mine, initial)
    # Both writers of the last round saw the same live version, so neither lost the other.
    last = [r for r in mine if r["value"] % 1000 == rounds - 1]
    if last[0]["replaces"] == last[1]["replaces"]:
        assert {current, previous} == {r["version"] for r in last}

    raced = 0
    for target in targets:
        mine = [r for r in reports if r["path"] == str(target)]
        first, second = sorted(r["version"] for r in mine)
        current, previous = _check_path(target, mine)
        if [r["replaces"] for r in mine] == [None, None]:  # both found no bundle there
            raced += 1
            # The later writer keeps the earlier one's model as the previous version.
            assert (current, previous) == (second, first)
            rollback(target)
            assert _check_whole(load(target)) == next(r["value"] for r in mine
                                                      if r["version"] == first)
    assert raced >= 1  # writers late by a whole period would not race; one always does


def _train(csv, out):
    return subprocess.Popen(
        [sys.executable, "-m", "seqlab", "train", str(csv), "--column", "sales",
         "--n-in", "3", "--units", "2", "--epochs", "1", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("pairs", [pytest.param(1, id="fresh"),
                                   pytest.param(3, id="fresh-then-existing",
                                                marks=pytest.mark.slow)])
def test_cli_writers_at_once(tmp_path, pairs):
    """Pairs of `seqlab train --out W` started together: the first pair onto a fresh W, the
    next ones onto the bundle the pair before left."""
    csv = tmp_path / "s.csv"
    csv.write_text("day,sales\n" + "".join(f"{i},{np.sin(i / 3):.4f}\n" for i in range(40)))
    out = tmp_path / "W"
    replaces = None
    for _ in range(pairs):
        runs = [_train(csv, out) for _ in range(2)]
        written, notes = [], []
        for run in runs:
            stdout, stderr = run.communicate(timeout=300)
            assert run.returncode == 0, stderr
            written += re.findall(r"\(version (v-[\w-]+)\)", stdout)
            notes += re.findall(r"meanwhile; its version (v-[\w-]+) is kept", stdout)
        assert len(written) == 2
        first, second = sorted(written)
        pointer = store.read_pointer(out)
        assert pointer["current"] == second and replaces not in written
        # Both runs normally start before either saves: the later one keeps the earlier
        # and says so. (Had one finished before the other started, it replaced it knowingly.)
        assert notes in ([first], [])
        if notes:
            assert pointer["previous"] == first and _versions(out) == [first, second]
        else:
            assert pointer["previous"] is None and _versions(out) == [second]
        load(out)
        _no_staging(out)
        replaces = second


def test_readers_beside_a_saving_loop_never_fail(tmp_path):
    path = tmp_path / "live"
    save(build(_SPEC, seed=0), path, metadata={"value": 0})  # uniform weights are not needed
    # 2.5 s and 40 saves, whichever takes longer: on a loaded machine 2.5 s held one save
    # (76 loads, one version seen), on a quiet one 40 saves took a fraction of a second
    # (64 loads, mostly of the last version while the writer exited; three seen).
    writer = _writer({"mode": "loop", "path": str(path), "start": 1, "saves": 40,
                      "seconds": 2.5})
    _ready(writer)
    loads, failures, seen = 0, [], set()
    try:
        while writer.poll() is None:
            try:
                bundle = load(path)
            except Exception as error:  # noqa: BLE001 - every failure counts
                failures.append(repr(error))
                continue
            loads += 1
            if bundle.metadata["value"] != 0:
                seen.add(_check_whole(bundle))
    finally:
        writer.kill()
        writer.communicate()
    assert failures == []
    assert writer.returncode == 0 and loads >= 10 and len(seen) >= 5, (loads, len(seen))


def test_a_lock_held_elsewhere_times_out_with_a_clear_error(tmp_path):
    from filelock import FileLock

    path = tmp_path / "b"
    model = build(_SPEC, seed=0)
    save(model, path)
    with FileLock(store.lock_path(path)):  # another writer (a different lock object)
        started = time.monotonic()
        with pytest.raises(BundleError, match=r"lock timeout of 0\.3 s") as caught:
            save(model, path, timeout=0.3)
        assert str(path) in str(caught.value)
        assert 0.25 <= time.monotonic() - started < 10
        with pytest.raises(BundleError, match="lock timeout"):
            rollback(path, timeout=0)
    with pytest.raises(BundleError, match="lock timeout must be"):
        save(model, path, timeout=-1)
    assert (tmp_path / ".b.lock").exists()  # the lock file lives beside the bundle
    save(model, path, timeout=0.3)  # released: the next save goes through


def test_stale_staging_is_cleaned_by_the_next_save_and_nothing_else(tmp_path):
    path = tmp_path / "b"
    model = build(_SPEC, seed=0)
    save(model, path)
    (path / ".tmp-abcd1234").mkdir()
    (path / ".tmp-abcd1234" / "weights.safetensors").write_bytes(b"half")
    (path / ".CURRENT.x1y2z3ab").write_text("{")
    (tmp_path / ".b.tmp-zz99aa11").mkdir()
    (path / "v-20000101T000000000000-deadbeef").mkdir()  # a version never made live
    others = [tmp_path / ".b2.tmp-abcd1234", tmp_path / ".b.tmp-x.tmp-abcd1234",
              tmp_path / "b.tmp-abcd1234"]  # another bundle's staging, a user's folder
    for other in others:
        other.mkdir()
    new = save(model, path)
    _no_staging(path)
    user = tmp_path / "user"  # not a bundle: its files are not ours to clean
    (user / ".tmp-abcd1234").mkdir(parents=True)
    with pytest.raises(BundleError, match="not a seqlab bundle store"):
        save(model, user)
    assert (user / ".tmp-abcd1234").exists()
    assert _versions(path) == [new.name]
    assert all(other.exists() for other in others)
    load(path)


def _dead_pid():
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


def test_staging_built_outside_the_lock_goes_once_its_writer_is_gone(tmp_path):
    """Killed forecast saves left ``.NAME.<hex>.tmp`` folders that no later save removed: a
    later save removes those whose writer process is gone, never a live writer's."""
    import socket

    path = tmp_path / "b"
    model = build(_SPEC, seed=0)
    dead = store.staging_folder(path)  # as a writer killed mid-save leaves it
    (dead / ".writer").write_text(json.dumps({"pid": _dead_pid(),
                                              "host": socket.gethostname()}))
    (dead / "forecast.json").write_text("{")
    live = store.staging_folder(path)  # this process: a writer still at work
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        other = store.staging_folder(path)  # another live process's
        (other / ".writer").write_text(json.dumps({"pid": sleeper.pid,
                                                   "host": socket.gethostname()}))
        unrecorded_old = tmp_path / ".b.0123abcd.tmp"  # no record, untouched for two hours
        unrecorded_old.mkdir()
        (unrecorded_old / "members").mkdir()
        hours_ago = time.time() - 7200
        for folder in (unrecorded_old / "members", unrecorded_old):
            os.utime(folder, (hours_ago, hours_ago))
        unrecorded_new = tmp_path / ".b.4567cdef.tmp"  # no record, just written
        unrecorded_new.mkdir()
        for name in (dead.name, live.name, other.name):
            assert re.fullmatch(r"\.b\.[0-9a-f]{8}\.tmp", name), name
        save(model, path)
        assert not dead.exists() and not unrecorded_old.exists()
        assert live.is_dir() and other.is_dir() and unrecorded_new.is_dir()
        sleeper.kill()
        sleeper.wait()
        save(model, path)  # its writer is gone now
        assert not other.exists() and live.is_dir()
    finally:
        sleeper.kill()
        sleeper.wait()
    load(path)


def test_a_swap_cut_short_is_left_for_recovery(tmp_path):
    """A forecasting save moves the old bundle to ``.NAME.<hex>.old`` and the new one in
    under the lock; killed in between, the target is missing and those two folders are all
    there is: a save elsewhere in the folder must not remove them."""
    path = tmp_path / "b"
    old = tmp_path / ".b.89abcdef.old"
    old.mkdir()
    (old / "forecast.json").write_text("{}")
    staged = tmp_path / ".b.01234567.tmp"
    staged.mkdir()
    store.remove_stale_staging(path)
    assert old.is_dir() and staged.is_dir()
    save(build(_SPEC, seed=0), path)  # the target exists again: .old is a finished swap's
    save(build(_SPEC, seed=0), path)
    assert not old.exists()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
@pytest.mark.parametrize("trials", [pytest.param(2, id="2-trials"),
                                    pytest.param(25, id="25-trials", marks=pytest.mark.slow)])
def test_kill_9_of_writers_at_random_moments(tmp_path, trials):
    rng = random.Random(12)
    model = build(_SPEC, seed=0)
    stale = 0
    for trial in range(trials):
        path = tmp_path / f"b{trial - trial % 2}"  # even trials start fresh, odd ones reuse
        if trial % 2 == 0:
            assert not path.exists()
        writers = [_writer({"mode": "loop", "path": str(path), "start": (k + 1) * 10**6 +
                            trial * 10**4}) for k in range(2)]
        for writer in writers:
            _ready(writer)
        time.sleep(rng.uniform(0.0, 0.6))
        for writer in writers:
            os.kill(writer.pid, signal.SIGKILL)
            time.sleep(rng.uniform(0.0, 0.05))
        for writer in writers:
            writer.communicate(timeout=60)
        if path.exists():
            _check_whole(load(path))  # whatever was live: whole, loadable
        else:  # killed before any save finished: no bundle, and saying so
            with pytest.raises(BundleError, match="No bundle"):
                load(path)
        stale += bool(_staging(path))
        with torch.no_grad():
            for parameter in model.parameters():
                parameter.fill_(float(trial))
        folder = save(model, path, metadata={"value": trial}, keep_previous=True)
        assert _check_whole(load(path)) == trial
        _no_staging(path)
        pointer = store.read_pointer(path)
        assert pointer["current"] == folder.name
        assert set(_versions(path)) == {pointer["current"], pointer["previous"]} - {None}
        if trial % 2:  # the bundle existed before the writers, so a previous is kept
            rollback(path)
            _check_whole(load(path))
            rollback(path)
    print(f"{stale} of {trials} kills left staging behind")
    assert stale >= 1 or trials < 10  # the long run must have killed writers mid-save


def _uniform(value):
    model = build(_SPEC, seed=0)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.fill_(float(value))
    return model


def test_load_rereads_when_a_save_deletes_the_version_under_it(tmp_path, monkeypatch):
    loading = importlib.import_module("seqlab.bundle.loading")

    path = tmp_path / "b"
    save(_uniform(1), path, metadata={"value": 1})
    original, read = loading._load_version, []

    def racing(bundle_path, folder, limits):
        read.append(folder.name)
        if len(read) == 1:  # a writer replaces (and deletes) the version being read
            save(_uniform(2), path, metadata={"value": 2})
        return original(bundle_path, folder, limits)

    monkeypatch.setattr(loading, "_load_version", racing)
    assert _check_whole(load(path)) == 2
    assert len(read) == 2 and read[0] != read[1]


def test_a_broken_bundle_fails_at_once_and_os_errors_become_bundle_errors(tmp_path,
                                                                         monkeypatch):
    loading = importlib.import_module("seqlab.bundle.loading")

    path = tmp_path / "b"
    folder = save(_uniform(1), path, metadata={"value": 1})
    (folder / "weights.safetensors").unlink()  # CURRENT still names it: the bundle is broken
    with pytest.raises(BundleError, match="weights"):
        load(path)
    save(_uniform(1), path, metadata={"value": 1})

    def denied(bundle_path, folder, limits):
        raise PermissionError(13, "Permission denied", str(folder / "spec.json"))

    monkeypatch.setattr(loading, "_load_version", denied)
    with pytest.raises(BundleError, match=r"Could not read the bundle .*Permission denied"):
        load(path)


def test_train_text_keeps_a_bundle_another_run_saved_while_it_trained(tmp_path):
    from seqlab.recipes.text_training import TextTrainingConfig, train_text

    corpus, out = tmp_path / "c.txt", tmp_path / "lm"
    corpus.write_text("the quick brown fox jumps over the lazy dog. " * 40)
    config = TextTrainingConfig(units=8, embedding_dim=4, seq_len=8, batch_size=4, epochs=1,
                                sample_length=0, checks_per_epoch=1)
    other = []

    def echo(line):  # the run has started; another one saves to `out` before it ends
        if not other:
            other.append(save(_uniform(3), out, metadata={"value": 3}).name)

    train_text(corpus, config, out=out, echo=echo)
    pointer = store.read_pointer(out)
    assert pointer["previous"] == other[0] and pointer["current"] > other[0]
    rollback(out)
    assert _check_whole(load(out)) == 3
