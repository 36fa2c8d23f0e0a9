"""`seqlab forecast` under torchrun: the series divided among 2 processes, the LSTM hybrid
trained data-parallel, rank 0 alone writing; the same forecasts as one process."""

import os
import subprocess
import sys

import numpy as np
import pandas as pd


def _panel(path):
    rows = ["unique_id,ds,y"]
    for s in range(6):
        for k, d in enumerate(pd.date_range("2015-01-01", periods=48, freq="MS")):
            rows.append(f"s{s},{d.date()},{100 + 10 * s + k + 5 * np.sin(k / 2 + s):.3f}")
    path.write_text("\n".join(rows) + "\n")
    return path


def _run(prefix, tmp_path, name):
    args = ["forecast", str(_panel(tmp_path / "long.csv")), "--horizon", "3", "--members", "1",
            "--methods", "lstm,theta,naive", "--out", str(tmp_path / name), "--forecasts",
            str(tmp_path / f"{name}.csv")]
    done = subprocess.run([*prefix, "-m", "seqlab", *args], capture_output=True, text=True,
                          timeout=600, env=dict(os.environ, OMP_NUM_THREADS="1"))
    assert done.returncode == 0, (done.stdout[-2000:], done.stderr[:3000], done.stderr[-2000:])
    return done, pd.read_csv(tmp_path / f"{name}.csv")


def test_two_processes_forecast_as_one_and_rank_zero_writes(tmp_path):
    pair, two = _run([sys.executable, "-m", "torch.distributed.run", "--standalone",
                      "--nproc_per_node", "2"], tmp_path, "two")
    alone, one = _run([sys.executable], tmp_path, "one")
    assert pair.stdout.count("bundle written to") == 1
    assert "3 of 6 series scored by process 0 of 2" in pair.stderr
    assert list(two["method"]) == list(one["method"])
    # The same global batches: equal up to the rounding of the gradients' sum over two
    # processes, which can move early stopping by an epoch (measured: 0.6% at most).
    np.testing.assert_allclose(two["forecast"], one["forecast"], rtol=2e-2)
    assert (tmp_path / "two" / "CURRENT").exists()
