"""ensembles: the forecaster's seed ensemble trained as one batched model against one
after another.

`Forecaster` (its defaults: 5 members, 2 of them for validation; only the LSTM hybrid
among the methods, one process) is fitted on two panels of 20 synthetic series, in this
process on one thread, with ``sequential=True`` and with its default (members batched
where a step's windows times units are at most `seqlab.forecast.core.BATCHED_WORK`):

- ``short``: yearly series of 25 to 45 points (steps of about 50 windows: batched);
- ``long``: monthly series of 96 to 144 points (steps of about 200 windows: the default
  trains them one after another), also timed with batching forced (``long_forced``).

The line reports the seconds of the LSTM training (every `train_ensemble` call) and the
ratios sequential over batched; the details carry each fit's seconds and the largest
forecast difference relative to the series' scale. ``--quick``: 8 series a panel and at
most 20 epochs.

The classifier's seed ensemble is not batched; ``classify_recurrence`` says why: the
forward and backward pass of K of its LSTMs (64 units, batch 32, 24 to 150 steps, K = 2
and 4) as torch's kernel once per member against the batched trainer's members' LSTM
(`seqlab.models._member_lstm`), the lowest and highest ratio in the line.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import torch

import seqlab.forecast.core as core_module
import seqlab.forecast.lstm as lstm_module
from seqlab.evaluate._parallel import one_thread
from seqlab.forecast import Forecaster
from seqlab.models._member_lstm import member_lstm

NAME = "ensembles"


@dataclass
class EnsemblesResult:
    """Seconds of the LSTM training per panel and way."""

    seconds: dict[str, dict[str, float]]
    details: dict[str, Any] = field(default_factory=dict)

    def ratio(self, panel: str) -> float:
        """Sequential over batched seconds of the LSTM training on `panel`."""
        return self.seconds[panel]["sequential"] / self.seconds[panel]["batched"]

    def line(self) -> dict[str, Any]:
        """benchmark, the ratio per panel, the classifier recurrence's, then every time."""
        line: dict[str, Any] = {"benchmark": NAME}
        line.update({f"{panel}_speedup": round(self.ratio(panel), 2) for panel in self.seconds})
        ratios = self.details.get("classify_recurrence", {}).values()
        if ratios:
            line["classify_recurrence_speedup_min"] = round(min(ratios), 2)
            line["classify_recurrence_speedup_max"] = round(max(ratios), 2)
        for panel, times in self.seconds.items():
            for way, value in times.items():
                line[f"{panel}_{way}_seconds"] = round(value, 3)
        return line

    def summary(self) -> str:
        """One line per panel, and one for the classifier's recurrence."""
        lines = [f"{NAME}: forecaster LSTM training, {panel} panel: batched "
                 f"{t['batched']:.2f} s, sequential {t['sequential']:.2f} s, speed-up "
                 f"{self.ratio(panel):.2f}x" for panel, t in self.seconds.items()]
        ratios = self.details.get("classify_recurrence", {})
        if ratios:
            lines.append(f"{NAME}: classifier-sized LSTM members batched: speed-up "
                         f"{min(ratios.values()):.2f}x to {max(ratios.values()):.2f}x")
        return "\n".join(lines)


def panel(count: int, seed: int, short: bool) -> pd.DataFrame:
    """`count` series with trend, noise and (monthly) seasonality: yearly ones of 25 to 45
    points when `short`, else monthly ones of 96 to 144 (shorter ones start later)."""
    rng = np.random.default_rng(seed)
    low, longest, freq = (25, 45, "YS") if short else (96, 144, "MS")
    index = pd.date_range("1970-01-01", periods=longest, freq=freq)
    columns = {}
    for k in range(count):
        n = int(rng.integers(low, longest + 1))
        t = np.arange(n)
        season = 0.0 if short else np.sin(2 * np.pi * (t + rng.integers(12)) / 12)
        values = (50 + rng.uniform(0, 1) * t) * (1 + rng.uniform(0.05, 0.3) * season) * \
            np.exp(rng.normal(0, 0.03, n))
        columns[f"s{k:02d}"] = np.concatenate([np.full(longest - n, np.nan), values])
    return pd.DataFrame(columns, index=index)


def _fit(frame: pd.DataFrame, horizon: int, sequential: bool, quick: bool, seed: int
         ) -> tuple[float, float, pd.DataFrame]:
    """(LSTM training seconds, fit seconds, forecasts) of one fit."""
    spent = [0.0]
    original = lstm_module.train_ensemble

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started
    options: dict[str, Any] = {"max_epochs": 20, "patience": 5} if quick else {}
    forecaster = Forecaster(horizon, methods=["lstm"], workers=1, seed=seed, sequential=sequential,
                            **options)
    lstm_module.train_ensemble = timed
    try:
        started = time.perf_counter()
        forecaster.fit(frame)
        seconds = time.perf_counter() - started
    finally:
        lstm_module.train_ensemble = original
    return spent[0], seconds, forecaster.predict()


def classify_recurrence(members: int, steps: int, seed: int, repeats: int = 5) -> float:
    """Sequential over batched seconds of `members` classifier-sized LSTMs' forward and
    backward pass (64 units, batch 32, one input channel, `steps` steps)."""
    torch.manual_seed(seed)
    batch, units = 32, 64
    lstms = [torch.nn.LSTM(1, units, batch_first=True) for _ in range(members)]
    x = torch.randn(batch, steps, 1)
    w_ih = torch.randn(members, 4 * units, 1, requires_grad=True)
    w_hh = (torch.randn(members, 4 * units, units) * 0.1).requires_grad_()
    bias = torch.zeros(members, 4 * units, requires_grad=True)

    def alone() -> None:
        for lstm in lstms:
            lstm(x)[0].sum().backward()

    def together() -> None:
        pre = torch.baddbmm(bias.unsqueeze(1), x.reshape(1, -1, 1).expand(members, -1, 1),
                            w_ih.transpose(1, 2)).reshape(members, batch, steps, -1)
        zeros = torch.zeros(members, batch, units)
        member_lstm(pre, w_hh, zeros, zeros)[0].sum().backward()
    best = {}
    for _ in range(2):
        for name, step in (("alone", alone), ("together", together)):
            step()
            started = time.perf_counter()
            for _ in range(repeats):
                step()
            best[name] = min(best.get(name, math.inf), time.perf_counter() - started)
    return best["alone"] / best["together"]


def run_benchmark(quick: bool, seed: int) -> EnsemblesResult:
    """Fit both panels each way (see the module docstring)."""
    count = 8 if quick else 20
    seconds: dict[str, dict[str, float]] = {}
    details: dict[str, Any] = {"series": count, "threads": 1, "torch": torch.__version__,
                               "batched_work": core_module.BATCHED_WORK}
    work = core_module.BATCHED_WORK
    reuse: dict[str, Any] = {}  # the long panel's sequential run serves long_forced too
    with one_thread():
        _fit(panel(2, seed + 1, True), 4, False, True, seed)  # warm up imports
        for name, short, force in (("short", True, False), ("long", False, False),
                                   ("long_forced", False, True)):
            frame, horizon = panel(count, seed, short), 4 if short else 6
            tables = {}
            seconds[name] = {}
            for way, sequential in (("batched", False), ("sequential", True)):
                if force and sequential:
                    seconds[name][way], tables[way] = reuse["seconds"], reuse["table"]
                    continue
                core_module.BATCHED_WORK = 10**9 if force else work
                try:
                    lstm, fit, tables[way] = _fit(frame, horizon, sequential, quick, seed)
                finally:
                    core_module.BATCHED_WORK = work
                seconds[name][way] = lstm
                details[f"{name}_{way}_fit_seconds"] = round(fit, 3)
            if name == "long":
                reuse = {"seconds": seconds[name]["sequential"], "table": tables["sequential"]}
            ours, theirs = tables["batched"], tables["sequential"]
            scale = float(np.abs(theirs["forecast"].to_numpy()).max())
            details[f"{name}_largest_forecast_difference_relative"] = float(np.abs(
                ours["forecast"].to_numpy() - theirs["forecast"].to_numpy()).max()) / scale
        details["classify_recurrence"] = {
            f"K{members}_T{steps}": round(classify_recurrence(members, steps, seed), 3)
            for members in (2, 4) for steps in (24, 50, 150)}
    return EnsemblesResult(seconds, details)


def run(quick: bool = False, device: str = "cpu", seed: int = 0) -> EnsemblesResult:
    """The benchmark's entry point for benchmarks/run.py."""
    return run_benchmark(quick, seed)
