"""A text larger than this test lets seqlab hold in memory: 2 GB trains for a few hundred
batches with the process's peak memory under 1.5 GB (the text is encoded streaming into a
memory-mapped token file and batches are read from it one at a time)."""

import os
import subprocess
import sys

import numpy as np
import pytest

GIGABYTES = 2
PEAK_LIMIT = 1.5 * 2**30


def _write_large_text(path, gigabytes):
    words = np.array("the of and to in is that it was for on are with as his they be at one "
                     "have this from or had by hot word but what some we can out other were "
                     "all there when up use your how said an each she which do their".split())
    rng = np.random.default_rng(0)
    blocks = [" ".join(words[rng.integers(0, len(words), size=200_000)]) + ".\n"
              for _ in range(16)]
    target, written = gigabytes * 2**30, 0
    with open(path, "w", encoding="utf-8") as handle:
        while written < target:
            block = blocks[int(rng.integers(0, len(blocks)))]
            handle.write(block)
            written += len(block)


@pytest.mark.slow
def test_a_two_gigabyte_text_trains_in_under_one_and_a_half_gigabytes(tmp_path):
    text = tmp_path / "large.txt"
    _write_large_text(text, GIGABYTES)
    assert text.stat().st_size >= GIGABYTES * 2**30 * 0.99
    env = dict(os.environ, OMP_NUM_THREADS="2", XDG_CACHE_HOME=str(tmp_path / "cache"))
    out_file, err_file = tmp_path / "out.txt", tmp_path / "err.txt"
    with open(out_file, "w") as out, open(err_file, "w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "seqlab", "train-text", str(text), "--out",
             str(tmp_path / "lm"), "--steps", "300", "--units", "64", "--val-fraction", "0.0005",
             "--checks-per-epoch", "1", "--sample-length", "0", "--checkpoint-every", "0",
             "--device", "cpu"], stdout=out, stderr=err, env=env, cwd=tmp_path)
        _, status, usage = os.wait4(process.pid, 0)  # reaps it, with its resource usage
        process.returncode = os.waitstatus_to_exitcode(status)
    printed = out_file.read_text()
    assert process.returncode == 0, err_file.read_text()[-2000:]
    assert "encoding the text into a token file: 100%" in printed
    assert "bundle written to" in printed
    peak = usage.ru_maxrss * 1024  # kilobytes on Linux
    assert peak < PEAK_LIMIT, f"peak memory {peak / 2**30:.2f} GB"
