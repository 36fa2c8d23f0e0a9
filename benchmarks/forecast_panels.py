"""Score `seqlab.forecast.Forecaster` on many-series panels, beside statsforecast.

    python benchmarks/forecast_panels.py [--panel synthetic|real|public|all] [--series N]
        [--seed S] [--freq MS|QS|YS|W-SUN|D] [--layout long|wide] [--horizon H] [--workers W]
        [--classical ets,arima,theta] [--quick] [--json]

Development data built from what anyone may use freely:

- a synthetic panel of `--series` series (default 3000) of one frequency, mixing trends
  (none, linear, damped, exponential, random walk), additive and multiplicative seasons,
  level shifts, three noise levels, intermittent demand (many zeros), short series (5 to
  20 points of history) and ragged starts and ends (each series on its own stretch of the
  calendar);
- statsmodels' bundled real series (those of `forecast_panel.real_series`) as a small real
  panel, one file per frequency;
- public panels of real short series (`--panel public`): statsmodels' fertility rates of
  the countries with complete data, 1960-2013 (54 yearly points, and the same cut to the
  last 19 and 24: 13 and 18 points of history), and the 181 yearly series of the M1
  competition (15 to 58 points, ragged) that aeon bundles, where aeon is installed
  (`pip install -e .[classify-bench]`).

Each panel is written the way a user brings it (`--layout long`: ``unique_id,ds,y`` rows;
`--layout wide`: a ``ds`` column and one column per series, blank before a series starts
and after it ends) with the last H points of every series held out, as in M4 (18 monthly, 8
quarterly, 6 yearly, 13 weekly, 14 daily, or `--horizon`). seqlab forecasts each file in
one call, as a user would: ``Forecaster(horizon=H).fit(path)`` then ``.predict()``. Beside
it, in the same run, statsforecast's AutoETS, AutoARIMA and AutoTheta (each through the
`StatsForecast` class on the long frame, `--workers` processes, naive as the fallback of a
failed fit) and naive and seasonal naive. Reported per method: OWA (M4's: the mean of sMAPE
and MASE, each averaged over the series and divided by seasonal naive's), median MASE, the
series refused (no finite forecast; seqlab must refuse none), the coverage of 80%
intervals, the seconds, and for seqlab the methods it chose (counts) and the mean MASE per
kind of series. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

HOLDOUT = {"MS": 18, "QS": 8, "YS": 6, "W-SUN": 13, "D": 14}
SEASON = {"MS": 12, "QS": 4, "YS": 1, "W-SUN": 52, "D": 7}
LENGTHS = {"MS": (24, 216), "QS": (12, 96), "YS": (8, 45), "W-SUN": (60, 260), "D": (60, 400)}
"""History lengths (fewest, most) of the series that are not short, per frequency."""
CLASSICAL = ("ets", "arima", "theta")
LEVEL = 80


# --------------------------------------------------------------------------- panels
@dataclass
class Panel:
    """Series of one frequency: each one's history and held-out truth, and its kind."""

    name: str
    freq: str
    horizon: int
    history: dict[str, pd.Series]
    truth: dict[str, np.ndarray]
    kinds: dict[str, str] = field(default_factory=dict)

    @property
    def season_length(self) -> int:
        """The season of the panel's frequency (12 monthly, 4 quarterly, 1 yearly)."""
        return SEASON[self.freq]


def _season_shape(m: int, rng: np.random.Generator) -> np.ndarray:
    """A random smooth seasonal pattern of period `m`, mean 0, amplitude about 1."""
    t = np.arange(m)
    shape = sum(rng.normal() / k * np.sin(2 * np.pi * k * t / m + rng.uniform(0, 2 * np.pi))
                for k in (1, 2, 3))
    shape = shape - shape.mean()
    return shape / (np.max(np.abs(shape)) or 1.0)


def _one_series(n: int, m: int, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """A series of `n` points and its kind (e.g. ``damped+mult+shift/noise.08``)."""
    if rng.random() < 0.1:  # intermittent demand: mostly zeros, occasional orders
        p = rng.uniform(0.1, 0.5)
        y = np.where(rng.random(n) < p, rng.poisson(rng.uniform(2, 20), n) + 1, 0).astype(float)
        return y, "intermittent"
    t = np.arange(n, dtype=float)
    level = 10 ** rng.uniform(1, 4)
    trend_kind = rng.choice(["none", "linear", "damped", "exponential", "randomwalk"])
    slope = level * rng.uniform(-0.004, 0.012)
    if trend_kind == "linear":
        base = level + slope * t
    elif trend_kind == "damped":
        phi = rng.uniform(0.85, 0.98)
        base = level + slope / (1 - phi) * (1 - phi ** t) * 2
    elif trend_kind == "exponential":
        base = level * np.exp(rng.uniform(-0.004, 0.015) * t)
    elif trend_kind == "randomwalk":
        base = level + np.cumsum(rng.normal(slope * 0.3, level * 0.02, n))
    else:
        base = np.full(n, level)
    base = np.maximum(base, level * 0.05)
    season_kind = "noseason" if m == 1 else rng.choice(["noseason", "add", "mult"],
                                                        p=[0.3, 0.35, 0.35])
    shape = _season_shape(m, rng)[(t.astype(int) + int(rng.integers(m))) % m] if m > 1 else 0
    amplitude = rng.uniform(0.05, 0.3)
    if season_kind == "add":
        y = base + amplitude * level * shape
    elif season_kind == "mult":
        y = base * (1 + amplitude * shape)
    else:
        y = base.copy()
    kind = f"{trend_kind}+{season_kind}"
    if rng.random() < 0.15 and n >= 10:
        at = int(rng.integers(n // 3, n))
        y[at:] += level * rng.choice([-1, 1]) * rng.uniform(0.1, 0.4)
        kind += "+shift"
    noise = float(rng.choice([0.02, 0.08, 0.2]))
    y = y + rng.normal(0, noise * level, n) if noise < 0.2 or rng.random() < 0.5 else \
        y * np.exp(rng.normal(0, noise, n))
    return y, f"{kind}/noise{noise:g}"


def synthetic_panel(series: int, seed: int = 0, freq: str = "MS",
                    horizon: int | None = None) -> Panel:
    """`series` synthetic series of frequency `freq` (MS, QS, YS, W-SUN or D); see the module
    docstring. Each series has its own history length, start and end (ragged), and its
    last `horizon` points (M4's by default) held out."""
    rng = np.random.default_rng(seed)
    m, H = SEASON[freq], horizon or HOLDOUT[freq]
    low, high = LENGTHS[freq]
    early = 4 * max(m, 1)  # the most steps a ragged series ends before the file does
    calendar = pd.date_range("1980-01-01", periods=high + H + max(60, early + 12), freq=freq)
    history, truth, kinds = {}, {}, {}
    for i in range(series):
        short = rng.random() < 0.15
        n = int(rng.integers(5, 21)) if short else int(rng.integers(low, high + 1))
        y, kind = _one_series(n + H, m, rng)
        if np.ptp(y[:n]) == 0:  # a flat history (all zeros): MASE would be undefined
            y[0] += 1.0 + rng.poisson(5)
        if short:
            kind = "short/" + kind
        # Ragged: half the series end before the last date of the file, up to 4 seasons early.
        end = len(calendar) - (0 if rng.random() < 0.5 else int(rng.integers(1, early)))
        dates = calendar[end - n - H:end]
        name = f"s{i:05d}"
        history[name] = pd.Series(np.round(y[:n], 4), index=dates[:n])
        truth[name] = np.round(y[n:], 4)
        kinds[name] = kind
    return Panel(f"synthetic-{freq}", freq, H, history, truth, kinds)


def real_panels(horizon: int | None = None) -> list[Panel]:
    """statsmodels' bundled series (see forecast_panel.real_series), one panel per
    frequency, the last H points of each held out."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from forecast_panel import real_series

    groups: dict[str, Panel] = {}
    for name, s in real_series().items():
        freq = {"M": "MS", "Q": "QS", "Y": "YS", "A": "YS"}[s.index.freqstr[0]]
        H = horizon or HOLDOUT[freq]
        panel = groups.setdefault(freq, Panel(f"real-{freq}", freq, H, {}, {}))
        panel.history[name] = s.iloc[:-H].astype(float)
        panel.truth[name] = s.to_numpy(float)[-H:]
        panel.kinds[name] = "real"
    return list(groups.values())


def public_panels(horizon: int | None = None) -> list[Panel]:
    """Real yearly panels anyone may use: fertility rates per country (whole, and its last
    19 and 24 years) and M1's yearly series (when aeon is installed); the last H points of
    each series (6 by default) held out."""
    import statsmodels.api as sm

    H = horizon or HOLDOUT["YS"]
    table = sm.datasets.fertility.load_pandas().data.set_index("Country Code")
    years = [c for c in table.columns if str(c).isdigit()]
    rates = table[years].astype(float).dropna(axis=1, how="all").dropna()
    rates = rates[rates.std(axis=1) > 0]
    index = pd.date_range(f"{rates.columns[0]}-01-01", periods=rates.shape[1], freq="YS")
    panels = []
    for keep in (None, 24, 19):
        panel = Panel(f"fertility{'' if keep is None else f'-{keep}'}", "YS", H, {}, {})
        for code, row in rates.iterrows():
            s = pd.Series(row.to_numpy(float), index=index).iloc[-(keep or len(index)):]
            panel.history[str(code)] = s.iloc[:-H]
            panel.truth[str(code)] = s.to_numpy(float)[-H:]
            panel.kinds[str(code)] = "real"
        panels.append(panel)
    m1 = m1_yearly(H)
    return panels + ([m1] if m1 is not None else [])


def m1_yearly(horizon: int) -> Panel | None:
    """M1's 181 yearly series from the file aeon bundles (None without aeon); the one whose
    start year is unknown (written as year 0) is left out."""
    try:
        import aeon.datasets
    except ImportError:
        return None
    files = sorted(Path(aeon.datasets.__file__).parent.glob("data/m1_yearly_dataset/*.tsf"))
    if not files:
        return None
    panel = Panel("m1-yearly", "YS", horizon, {}, {})
    reading = False
    for line in files[0].read_text(encoding="latin-1").splitlines():
        line = line.strip()
        if line.lower() == "@data":
            reading = True
            continue
        if not reading or not line:
            continue
        name, start, values = line.split(":", 2)
        year = int(start[:4])
        y = np.array([float(v) for v in values.split(",")])
        if year < 1800 or len(y) <= horizon + 2:
            continue
        s = pd.Series(y, index=pd.date_range(f"{year}-01-01", periods=len(y), freq="YS"))
        panel.history[name] = s.iloc[:-horizon]
        panel.truth[name] = y[-horizon:]
        panel.kinds[name] = "real"
    return panel


def long_frame(panel: Panel) -> pd.DataFrame:
    """The histories as ``unique_id, ds, y`` rows (statsforecast's layout)."""
    return pd.DataFrame({
        "unique_id": np.repeat(list(panel.history), [len(s) for s in panel.history.values()]),
        "ds": np.concatenate([s.index.to_numpy() for s in panel.history.values()]),
        "y": np.concatenate([s.to_numpy(float) for s in panel.history.values()])})


def write_panel(panel: Panel, path: Path, layout: str) -> Path:
    """Write the histories to `path` as a long (``unique_id,ds,y``) or wide CSV (a ``ds``
    column, one column per series, blank before it starts and after it ends)."""
    if layout == "long":
        frame = long_frame(panel)
        frame["ds"] = pd.to_datetime(frame["ds"]).dt.strftime("%Y-%m-%d")
        frame.to_csv(path, index=False, float_format="%.10g")
    elif layout == "wide":
        wide = pd.DataFrame(panel.history)
        wide.index = wide.index.strftime("%Y-%m-%d")
        wide.to_csv(path, index_label="ds", float_format="%.10g")
    else:
        raise ValueError(f"--layout must be long or wide; got {layout!r}")
    return path


# -------------------------------------------------------------------------- scoring
def mase_smape(panel: Panel, name: str, forecast: np.ndarray) -> tuple[float, float]:
    """M4's MASE and sMAPE of one series' forecast against its held-out truth."""
    from seqlab.forecast.metrics import mase, smape

    return (mase(panel.truth[name], forecast, panel.history[name].to_numpy(float),
                 panel.season_length), smape(panel.truth[name], forecast))


@dataclass
class MethodResult:
    """One method's forecasts of a panel (NaN rows: refused) and its seconds."""

    forecasts: dict[str, np.ndarray]
    seconds: float
    lower: dict[str, np.ndarray] = field(default_factory=dict)
    upper: dict[str, np.ndarray] = field(default_factory=dict)
    chosen: dict[str, str] = field(default_factory=dict)
    error: str | None = None


def run_seqlab(panel: Panel, path: Path, seed: int, workers: int | None) -> MethodResult:
    """One `Forecaster` fit on the whole file and one `predict`, as a user would."""
    from seqlab.forecast import Forecaster

    started = time.perf_counter()
    try:
        fc = Forecaster(horizon=panel.horizon, seed=seed, workers=workers).fit(path)
        table = fc.predict()
    except Exception as error:  # a refusal of the whole file: every series refused
        return MethodResult({}, time.perf_counter() - started,
                            error=f"{type(error).__name__}: {str(error)[:300]}")
    seconds = time.perf_counter() - started
    out = MethodResult({}, seconds)
    for name, rows in table.groupby("series", sort=False):
        out.forecasts[str(name)] = rows["forecast"].to_numpy(float)
        out.lower[str(name)] = rows["lower"].to_numpy(float)
        out.upper[str(name)] = rows["upper"].to_numpy(float)
        out.chosen[str(name)] = str(rows["method"].iloc[0])
    return out


def run_naives(panel: Panel) -> dict[str, MethodResult]:
    """Naive and seasonal naive (M4's benchmarks), per series."""
    from seqlab.forecast.models import naive, seasonal_naive

    out = {}
    for method, fn in (("naive", naive), ("snaive", seasonal_naive)):
        started = time.perf_counter()
        paths = {k: fn(s.to_numpy(float), panel.horizon, panel.season_length)
                 for k, s in panel.history.items()}
        out[method] = MethodResult(paths, time.perf_counter() - started)
    return out


def statsforecast_model(method: str, m: int) -> object:
    """statsforecast's AutoETS, AutoARIMA or AutoTheta with season `m`."""
    from statsforecast import models as sf

    return {"ets": sf.AutoETS, "arima": sf.AutoARIMA, "theta": sf.AutoTheta}[method](
        season_length=m)


def run_statsforecast(panel: Panel, method: str, workers: int) -> MethodResult:
    """One statsforecast model over the long frame (`StatsForecast`, `workers` processes,
    naive where the model cannot fit a series), with 80% intervals."""
    import warnings

    from statsforecast import StatsForecast
    from statsforecast.models import Naive

    frame = long_frame(panel)
    started = time.perf_counter()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        sf = StatsForecast(models=[statsforecast_model(method, panel.season_length)],
                           freq=panel.freq, n_jobs=workers, fallback_model=Naive())
        table = sf.forecast(df=frame, h=panel.horizon, level=[LEVEL])
    seconds = time.perf_counter() - started
    if "unique_id" not in table.columns:
        table = table.reset_index()
    column = [c for c in table.columns if c not in ("unique_id", "ds") and "-lo-" not in c
              and "-hi-" not in c][0]
    out = MethodResult({}, seconds)
    for name, rows in table.groupby("unique_id", sort=False):
        out.forecasts[str(name)] = rows[column].to_numpy(float)
        out.lower[str(name)] = rows[f"{column}-lo-{LEVEL}"].to_numpy(float)
        out.upper[str(name)] = rows[f"{column}-hi-{LEVEL}"].to_numpy(float)
    return out


def score(panel: Panel, results: dict[str, MethodResult]) -> dict[str, dict]:
    """Per method: OWA, mean and median MASE, mean sMAPE, refused, coverage, seconds.

    Series whose MASE is undefined for seasonal naive (a flat history: scale 0) are left
    out of every method's averages, and counted as ``unscorable``."""
    names = list(panel.history)
    per: dict[str, dict[str, tuple[float, float]]] = {}
    for method, result in results.items():
        per[method] = {}
        for name in names:
            f = result.forecasts.get(name)
            if f is None or len(f) != panel.horizon or not np.all(np.isfinite(f)):
                continue
            per[method][name] = mase_smape(panel, name, f)
    scorable = [k for k in names if math.isfinite(per["snaive"][k][0])]
    # sMAPE is 200 wherever an intermittent series' truth is 0 and its forecast is not:
    # the OWA without those series is reported beside the OWA of all.
    regular = [k for k in scorable if "intermittent" not in panel.kinds.get(k, "")]

    def owa_of(method: str, keys: list[str]) -> float:
        # A refused series is scored by the naive forecast, as a user would fall back to it.
        scores = np.array([per[method].get(k, per["naive"][k]) for k in keys])
        base = np.array([per["snaive"][k] for k in keys])
        return float(0.5 * (scores[:, 1].mean() / base[:, 1].mean()
                            + scores[:, 0].mean() / base[:, 0].mean()))

    summary = {}
    for method, result in results.items():
        scores = [per[method].get(k, per["naive"][k]) for k in scorable]
        mase_v = [s[0] for s in scores]
        smape_v = [s[1] for s in scores]
        row = {"owa": owa_of(method, scorable),
               "owa_regular": owa_of(method, regular) if regular else None,
               "mean_mase": float(np.mean(mase_v)), "median_mase": statistics.median(mase_v),
               "mean_smape": float(np.mean(smape_v)),
               "refused": len(names) - len(per[method]),
               "seconds": result.seconds}
        if result.lower:
            row["coverage_80"] = held(panel, result, names)
        if result.error:
            row["error"] = result.error
        summary[method] = {k: (round(v, 4) if isinstance(v, float) else v)
                           for k, v in row.items()}
    summary["_unscorable"] = len(names) - len(scorable)
    summary["_scorable"] = scorable
    summary["_per"] = per
    return summary


def held(panel: Panel, result: MethodResult, keys: list[str]) -> float | None:
    """The share of the truths of series `keys` inside `result`'s intervals (None: none
    of them has an interval)."""
    inside = [(panel.truth[k] >= result.lower[k]) & (panel.truth[k] <= result.upper[k])
              for k in keys if k in result.lower]
    return float(np.mean(np.concatenate(inside))) if inside else None


def by_kind(panel: Panel, per: dict[str, dict[str, tuple[float, float]]],
            scorable: list[str], seqlab: MethodResult | None = None
            ) -> dict[str, dict[str, float]]:
    """Mean MASE per method for each coarse kind of series (short, intermittent, the
    trend kinds, seasonal or not), to show where a method is weak; with `seqlab`'s result,
    also the share of the truths its intervals held in each (``cov80``)."""
    groups: dict[str, list[str]] = {}
    for k in scorable:
        kind = panel.kinds.get(k, "")
        tags = ["short"] if kind.startswith("short/") else []
        kind = kind.removeprefix("short/")
        tags.append(kind.split("+")[0].split("/")[0])
        if "+" in kind:
            tags.append(kind.split("+")[1].split("/")[0])
        if "+shift" in kind:
            tags.append("shift")
        for tag in tags:
            groups.setdefault(tag, []).append(k)
    out = {}
    for tag, keys in sorted(groups.items()):
        out[tag] = {"series": len(keys), **{
            method: round(float(np.mean([p.get(k, per["naive"][k])[0] for k in keys])), 3)
            for method, p in per.items()}}
        share = held(panel, seqlab, keys) if seqlab is not None else None
        if share is not None:
            out[tag]["cov80"] = round(share, 3)
    return out


def evaluate(panel: Panel, layout: str, seed: int, workers: int, directory: Path,
             classical: tuple[str, ...], say) -> dict:
    """Write `panel`, forecast it with every method, and score them."""
    path = write_panel(panel, directory / f"{panel.name}-{layout}.csv", layout)
    say(f"{panel.name}: {len(panel.history)} series, horizon {panel.horizon}, {layout} file "
        f"{path.stat().st_size / 1e6:.1f} MB")
    results = run_naives(panel)
    for method in classical:
        results[method] = run_statsforecast(panel, method, workers)
        say(f"  {method:8s} {results[method].seconds:8.1f} s")
    results["seqlab"] = run_seqlab(panel, path, seed, workers)
    say(f"  {'seqlab':8s} {results['seqlab'].seconds:8.1f} s"
        + (f"  REFUSED THE FILE: {results['seqlab'].error}" if results["seqlab"].error else ""))
    summary = score(panel, results)
    scorable, per = summary.pop("_scorable"), summary.pop("_per")
    chosen: dict[str, int] = {}
    for method in results["seqlab"].chosen.values():
        chosen[method] = chosen.get(method, 0) + 1
    ran = [k for k in CLASSICAL if k in summary]
    best = min(ran, key=lambda k: summary[k]["owa"]) if ran else None
    return {"panel": panel.name, "series": len(panel.history), "horizon": panel.horizon,
            "layout": layout, "unscorable": summary.pop("_unscorable"),
            "methods": summary,
            "seqlab_chose": dict(sorted(chosen.items(), key=lambda kv: -kv[1])),
            "best_classical": best,
            "seqlab_beats_best_classical": (bool(summary["seqlab"]["owa"]
                                                 <= summary[best]["owa"]) if best else None),
            "by_kind": by_kind(panel, per, scorable, results["seqlab"])
            if len(set(panel.kinds.values())) > 1
            else {}}


def print_result(result: dict, say) -> None:
    """The readable table of one panel."""
    say(f"\n{result['panel']} ({result['series']} series, {result['layout']}, H="
        f"{result['horizon']}, {result['unscorable']} unscorable)")
    say(f"{'method':8s} {'OWA':>6s} {'OWA*':>6s} {'medMASE':>8s} {'sMAPE':>7s} "
        f"{'refused':>7s} {'cov80':>6s} {'seconds':>8s}   (OWA*: without intermittent series)")
    for method, s in result["methods"].items():
        cov = s.get("coverage_80")
        regular = "" if s["owa_regular"] is None else f"{s['owa_regular']:6.3f}"
        say(f"{method:8s} {s['owa']:6.3f} {regular:>6s} {s['median_mase']:8.3f} "
            f"{s['mean_smape']:7.2f} "
            f"{s['refused']:7d} {'' if cov is None else f'{cov:.1%}':>6s} "
            f"{s['seconds']:8.1f}")
    say(f"seqlab chose: {result['seqlab_chose']}")
    if result["by_kind"]:
        methods = [k for k in result["methods"] if k in next(iter(result["by_kind"].values()))]
        say("mean MASE by kind: " + " ".join(f"{m:>7s}" for m in methods) + "  seqlab cov80")
        for tag, row in result["by_kind"].items():
            say(f"  {tag:14s} {row['series']:5d} " + " ".join(f"{row[m]:7.3f}"
                                                           for m in methods)
                + (f"  {row['cov80']:12.1%}" if "cov80" in row else ""))


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, build and score the panels, print the JSON line last."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--panel", choices=["synthetic", "real", "public", "all"],
                        default="all", help="all: synthetic and real (public is separate)")
    parser.add_argument("--series", type=int, default=3000,
                        help="series in the synthetic panel (default 3000)")
    parser.add_argument("--seed", type=int, default=0, help="of the panel and of seqlab")
    parser.add_argument("--freq", choices=sorted(HOLDOUT), default="MS",
                        help="frequency of the synthetic panel")
    parser.add_argument("--layout", choices=["long", "wide"], default="long")
    parser.add_argument("--horizon", type=int, default=None,
                        help="held-out points (default M4's: 18 monthly, 8 quarterly, 6 yearly, "
                             "13 weekly, 14 daily)")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes for seqlab and statsforecast (default: CPU count)")
    parser.add_argument("--quick", action="store_true", help="200 synthetic series")
    parser.add_argument("--classical", default=",".join(CLASSICAL),
                        help="statsforecast models to run beside seqlab, comma-separated "
                             "(default ets,arima,theta; '' for none: AutoARIMA is the slow one)")
    parser.add_argument("--json", action="store_true",
                        help="the readable report on stderr, only the JSON line on stdout")
    args = parser.parse_args(argv)
    if args.quick:
        args.series = min(args.series, 200)
    import os

    workers = args.workers or os.cpu_count() or 1
    stream = sys.stderr if args.json else sys.stdout

    def say(line: str) -> None:
        print(line, file=stream, flush=True)

    panels = []
    if args.panel in ("synthetic", "all"):
        panels.append(synthetic_panel(args.series, args.seed, args.freq, args.horizon))
    if args.panel in ("real", "all"):
        panels.extend(real_panels(args.horizon))
    if args.panel == "public":
        panels.extend(public_panels(args.horizon))
    classical = tuple(k for k in args.classical.split(",") if k)
    unknown = [k for k in classical if k not in CLASSICAL]
    if unknown:
        parser.error(f"--classical names {unknown}; choose among {list(CLASSICAL)}")
    results = []
    with tempfile.TemporaryDirectory() as directory:
        for panel in panels:
            result = evaluate(panel, args.layout, args.seed, workers, Path(directory),
                              classical, say)
            result["workers"] = workers
            results.append(result)
            print_result(result, say)
    line = {"benchmark": "forecast_panels", "seed": args.seed,
            "refused": sum(r["methods"]["seqlab"]["refused"] for r in results),
            "panels": [{k: v for k, v in r.items() if k != "by_kind"} for r in results]}
    print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
