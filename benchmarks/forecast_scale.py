"""Time seqlab's `Forecaster` on a large synthetic panel, beside statsforecast's AutoETS.

    python benchmarks/forecast_scale.py [--series 10000] [--length 120] [--horizon 12]
        [--workers W] [--seed S] [--skip-ets] [--json]

A synthetic panel of `--series` monthly series of `--length` points (the mix of
`forecast_panels.synthetic_panel`: trends, seasons, level shifts, noise levels,
intermittent demand; every series on the same dates), `--horizon` more points of each held
out. The panel is written as a long CSV (``unique_id,ds,y``), then each contender runs in
its own child process, one after the other, timed end to end from the file:

- seqlab: ``read_csv`` + ``Forecaster(horizon, workers).fit`` + ``predict``;
- statsforecast: ``pandas.read_csv`` + ``StatsForecast(models=[AutoETS(season_length=12)],
  freq='MS', n_jobs=workers).forecast``.

Memory: the parent samples, every 0.2 s, the resident set (``VmRSS`` in /proc) of the child
and all its descendants (the process pool's workers) and reports the peak of their sum
(``peak_rss_mb``; pages shared between processes, such as the libraries each worker maps,
are counted once per process, so this overstates the true use), and the largest single
process's ``ru_maxrss`` from ``wait4`` (``max_rss_single_mb``). Linux only.

Printed: seconds (in the child, from reading the file to the forecasts; the interpreter's
start and imports are in ``wall_seconds``), series per second, peak memory, OWA on the
held-out points (M4's, relative to seasonal naive) and seqlab's time over AutoETS's. The
last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SAMPLE_SECONDS = 0.2


# -------------------------------------------------------------------------- the panel
def make_panel(series: int, length: int, horizon: int, seed: int
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The long history frame (``unique_id, ds, y``) and the held-out truth (same columns)
    of `series` monthly series of `length` + `horizon` points."""
    sys.path.insert(0, str(HERE))
    from forecast_panels import _one_series

    rng = np.random.default_rng(seed)
    dates = pd.date_range("2000-01-01", periods=length + horizon, freq="MS")
    ids = [f"s{i:05d}" for i in range(series)]
    values = np.stack([_one_series(length + horizon, 12, rng)[0] for _ in ids]).round(4)
    frame = pd.DataFrame({"unique_id": np.repeat(ids, length + horizon),
                          "ds": np.tile(dates, series), "y": values.ravel()})
    held = frame["ds"] >= dates[length]
    return frame[~held].reset_index(drop=True), frame[held].reset_index(drop=True)


# ---------------------------------------------------------------------- the children
def child_seqlab(data: Path, out: Path, horizon: int, workers: int) -> dict:
    """Read the file, fit, predict; write ``unique_id, ds, forecast``."""
    from seqlab.forecast import Forecaster
    from seqlab.forecast.data import read_csv

    started = time.perf_counter()
    sd = read_csv(data)
    read = time.perf_counter() - started
    fc = Forecaster(horizon=horizon, workers=workers).fit(sd)
    table = fc.predict()
    seconds = time.perf_counter() - started
    table.rename(columns={"series": "unique_id", "date": "ds"})[
        ["unique_id", "ds", "forecast"]].to_csv(out, index=False)
    counts = fc.report_.method_counts()
    return {"seconds": seconds, "read_seconds": read, "methods": counts,
            "lstm": fc.report_.lstm}


def child_ets(data: Path, out: Path, horizon: int, workers: int) -> dict:
    """Read the file with pandas, forecast with AutoETS; write ``unique_id, ds, forecast``."""
    import warnings

    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    started = time.perf_counter()
    frame = pd.read_csv(data, parse_dates=["ds"])
    read = time.perf_counter() - started
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sf = StatsForecast(models=[AutoETS(season_length=12)], freq="MS", n_jobs=workers)
        table = sf.forecast(df=frame, h=horizon)
    seconds = time.perf_counter() - started
    if "unique_id" not in table.columns:
        table = table.reset_index()
    table.rename(columns={"AutoETS": "forecast"})[["unique_id", "ds", "forecast"]].to_csv(
        out, index=False)
    return {"seconds": seconds, "read_seconds": read}


CHILDREN = {"seqlab": child_seqlab, "ets": child_ets}


# ------------------------------------------------------------------- memory sampling
def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(root: int) -> list[int]:
    """`root` and every process descending from it (from /proc/*/stat's parent ids)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(parents.get(pid, []))
    return out


def run_child(which: str, data: Path, out: Path, horizon: int, workers: int) -> dict:
    """Run one contender in a child process; its result plus wall seconds and memory."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", which, "--data",
               str(data), "--out", str(out), "--horizon", str(horizon), "--workers",
               str(workers)]
    started = time.perf_counter()
    log = out.with_suffix(".log")
    with open(log, "w") as stdout:
        process = subprocess.Popen(command, stdout=stdout, stderr=subprocess.STDOUT)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], sum(_rss_kb(p) for p in _tree(process.pid)))
                done.wait(SAMPLE_SECONDS)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
    wall = time.perf_counter() - started
    text = log.read_text()
    if process.returncode != 0:
        raise RuntimeError(f"the {which} child failed ({process.returncode}):\n{text[-3000:]}")
    result = json.loads(text.strip().splitlines()[-1])
    result.update(wall_seconds=wall, peak_rss_mb=peak[0] / 1024,
                  max_rss_single_mb=usage.ru_maxrss / 1024)
    return result


# ------------------------------------------------------------------------- accuracy
def owa(history: pd.DataFrame, truth: pd.DataFrame, forecasts: pd.DataFrame, m: int = 12
        ) -> tuple[float, int]:
    """M4's OWA of `forecasts` (``unique_id, ds, forecast``) against seasonal naive, and the
    number of series without a finite forecast (scored as naive)."""
    from seqlab.forecast.metrics import mase, smape
    from seqlab.forecast.models import naive, seasonal_naive

    hist = {k: g["y"].to_numpy(float) for k, g in history.groupby("unique_id", sort=False)}
    true = {k: g["y"].to_numpy(float) for k, g in truth.groupby("unique_id", sort=False)}
    got = {str(k): g["forecast"].to_numpy(float)
           for k, g in forecasts.groupby("unique_id", sort=False)}
    method, base, missing = [], [], 0
    for k, y in hist.items():
        H = len(true[k])
        f = got.get(k)
        if f is None or len(f) != H or not np.all(np.isfinite(f)):
            missing += 1
            f = naive(y, H)
        s = seasonal_naive(y, H, m)
        b = (mase(true[k], s, y, m), smape(true[k], s))
        if not np.isfinite(b[0]):
            continue  # a flat history: MASE undefined
        base.append(b)
        method.append((mase(true[k], f, y, m), smape(true[k], f)))
    a, b = np.array(method), np.array(base)
    return float(0.5 * (a[:, 1].mean() / b[:, 1].mean() + a[:, 0].mean() / b[:, 0].mean())), \
        missing


# ----------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    """Parse the command line; run the parent (or, with --child, one contender)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--series", type=int, default=10000)
    parser.add_argument("--length", type=int, default=120, help="points of history")
    parser.add_argument("--horizon", type=int, default=12)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes of each contender (default: CPU count)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-ets", action="store_true", help="time seqlab only")
    parser.add_argument("--json", action="store_true",
                        help="the readable report on stderr, only the JSON line on stdout")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        result = CHILDREN[args.child](args.data, args.out, args.horizon, args.workers)
        print(json.dumps(result), flush=True)
        return 0
    stream = sys.stderr if args.json else sys.stdout

    def say(line: str) -> None:
        print(line, file=stream, flush=True)

    history, truth = make_panel(args.series, args.length, args.horizon, args.seed)
    line: dict = {"benchmark": "forecast_scale", "series": args.series,
                  "length": args.length, "horizon": args.horizon, "workers": args.workers,
                  "cores": os.cpu_count()}
    with tempfile.TemporaryDirectory() as directory:
        data = Path(directory) / "panel.csv"
        frame = history.assign(ds=history["ds"].dt.strftime("%Y-%m-%d"))
        frame.to_csv(data, index=False, float_format="%.10g")
        say(f"{args.series} series x {args.length} points, horizon {args.horizon}, "
            f"{args.workers} workers; {data.stat().st_size / 1e6:.1f} MB long CSV")
        for which in ["seqlab"] + ([] if args.skip_ets else ["ets"]):
            out = Path(directory) / f"{which}.csv"
            result = run_child(which, data, out, args.horizon, args.workers)
            accuracy, missing = owa(history, truth, pd.read_csv(out, dtype={"unique_id": str}))
            rate = args.series / result["seconds"]
            say(f"{which:7s} {result['seconds']:8.1f} s ({result['read_seconds']:.1f} s "
                f"reading; {result['wall_seconds']:.1f} s with start-up)  {rate:7.1f} "
                f"series/s  peak RSS {result['peak_rss_mb']:7.0f} MB (tree), "
                f"{result['max_rss_single_mb']:6.0f} MB (largest process)  OWA {accuracy:.3f}"
                + (f"  {missing} series without a forecast" if missing else ""))
            if "methods" in result:
                say(f"        methods: {result['methods']}; LSTM: {result['lstm']}")
            line.update({f"{which}_seconds": round(result["seconds"], 2),
                         f"{which}_read_seconds": round(result["read_seconds"], 2),
                         f"{which}_wall_seconds": round(result["wall_seconds"], 2),
                         f"{which}_series_per_second": round(rate, 2),
                         f"{which}_peak_rss_mb": round(result["peak_rss_mb"]),
                         f"{which}_max_rss_single_mb": round(result["max_rss_single_mb"]),
                         f"{which}_owa": round(accuracy, 4),
                         f"{which}_missing": missing})
            if "methods" in result:
                line["seqlab_methods"] = result["methods"]
    if "ets_seconds" in line:
        line["ratio"] = round(line["seqlab_seconds"] / line["ets_seconds"], 3)
        say(f"seqlab / AutoETS time: {line['ratio']:.2f}")
    print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
