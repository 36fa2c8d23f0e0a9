"""Score `seqlab forecast`'s defaults on a panel of real and synthetic series.

    python benchmarks/forecast_panel.py [--quick] [--seeds 3] [--only NAME ...]

The real series are statsmodels' bundled data sets (macrodata quarterly, elnino monthly,
co2 weekly -> monthly means, sunspots and nile yearly); the synthetic ones have trend,
additive and multiplicative seasonality, level shifts and noise. The last 18 (monthly),
8 (quarterly) or 6 (yearly) points are held out, as in M4. seqlab (the median ensemble of
its defaults, once per seed, metrics averaged over seeds) is scored beside naive, seasonal
naive and statsforecast's AutoETS, AutoARIMA and AutoTheta in the same run; OWA is M4's: the
mean of sMAPE and MASE, each averaged over the panel and divided by seasonal naive's. The
share of held-out truths inside the 80% intervals is reported for seqlab and, as the
baseline of the same panel, for the three statsforecast models' own intervals. Needs
statsmodels (the data). The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import numpy as np
import pandas as pd
import torch

HOLDOUT = {12: 18, 4: 8, 1: 6}


def real_series() -> dict[str, pd.Series]:
    import statsmodels.api as sm

    out: dict[str, pd.Series] = {}
    macro = sm.datasets.macrodata.load_pandas().data
    index = pd.date_range("1959-01-01", periods=len(macro), freq="QS")
    for name in ("realgdp", "realcons", "realinv", "realgovt", "cpi", "m1", "unemp",
                 "tbilrate", "pop"):
        out[f"macro-{name}"] = pd.Series(macro[name].to_numpy(), index=index)
    elnino = sm.datasets.elnino.load_pandas().data
    values = elnino.drop(columns=["YEAR"]).to_numpy().ravel()
    out["elnino"] = pd.Series(values, index=pd.date_range("1950-01-01", periods=len(values),
                                                          freq="MS"))
    co2 = sm.datasets.co2.load_pandas().data["co2"]
    monthly = co2.resample("MS").mean().interpolate()
    out["co2-monthly"] = monthly
    sun = sm.datasets.sunspots.load_pandas().data
    out["sunspots"] = pd.Series(sun["SUNACTIVITY"].to_numpy(),
                                index=pd.date_range("1700-01-01", periods=len(sun), freq="YS"))
    nile = sm.datasets.nile.load_pandas().data
    out["nile"] = pd.Series(nile["volume"].to_numpy(),
                            index=pd.date_range("1871-01-01", periods=len(nile), freq="YS"))
    # Short series, as most of M4's yearly and quarterly ones are: yearly means (only
    # complete years) and the last ten years of a quarterly one.
    for name in ("realgdp", "cpi", "m1"):
        quarterly = out[f"macro-{name}"]
        counts = quarterly.resample("YS").count()
        yearly = quarterly.resample("YS").mean()[counts == 4]
        out[f"macro-{name}-yearly"] = yearly
    out["co2-yearly"] = monthly.resample("YS").mean()[monthly.resample("YS").count() == 12]
    out["elnino-yearly"] = out["elnino"].resample("YS").mean()
    out["macro-unemp-short"] = out["macro-unemp"].iloc[-40:]
    return out


def synthetic_series(seed: int = 123) -> dict[str, pd.Series]:
    rng = np.random.default_rng(seed)
    out = {}
    t = np.arange(144)
    season = np.sin(2 * np.pi * t / 12) + 0.5 * np.cos(4 * np.pi * t / 12)
    out["syn-additive"] = 50 + 0.3 * t + 8 * season + rng.normal(0, 2, len(t))
    out["syn-multiplicative"] = (100 + 2.0 * t) * (1 + 0.25 * season) * np.exp(
        rng.normal(0, 0.03, len(t)))
    q = np.arange(80)
    shift = np.where(q >= 50, 30.0, 0.0)
    out["syn-levelshift-q"] = 200 + 0.8 * q + shift + 10 * np.sin(np.pi * q / 2) + rng.normal(
        0, 3, len(q))
    out["syn-randomwalk"] = 100 + np.cumsum(rng.normal(0.2, 2, 120))
    y = np.arange(40)
    out["syn-trend-yearly"] = 1000 * np.exp(0.03 * y + np.cumsum(rng.normal(0, 0.02, len(y))))
    q2 = np.arange(60)
    out["syn-multiplicative-q"] = (500 + 10 * q2) * (1 + 0.2 * np.array(
        [0.8, -0.5, -0.9, 0.6])[q2 % 4]) * np.exp(rng.normal(0, 0.02, len(q2)))
    freq = {"syn-additive": "MS", "syn-multiplicative": "MS", "syn-levelshift-q": "QS",
            "syn-randomwalk": "MS", "syn-trend-yearly": "YS", "syn-multiplicative-q": "QS"}
    return {k: pd.Series(v, index=pd.date_range("1990-01-01", periods=len(v), freq=freq[k]))
            for k, v in out.items()}


def classical_inside(method: str, history: np.ndarray, truth: np.ndarray, m: int) -> int:
    """How many of `truth` statsforecast's own 80% interval of `method` (ets, arima, theta)
    holds, the model fitted as `seqlab.forecast.models.point_forecast` fits the one it
    scores (`band_forecast`); 0 where the fit fails."""
    from seqlab.forecast.models import ModelFailure, band_forecast

    try:
        _, lower, upper = band_forecast(method, history, len(truth), m, level=80)
    except ModelFailure:  # a failed fit holds nothing
        return 0
    return int(np.sum((truth >= lower) & (truth <= upper)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer series, 1 seed, 3 members")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-ets", action="store_true",
                        help="leave out statsforecast's AutoETS, AutoARIMA and AutoTheta")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)

    from seqlab.forecast import Forecaster
    from seqlab.forecast.data import season_length_of
    from seqlab.forecast.metrics import mase, smape
    from seqlab.forecast.models import naive, point_forecast, seasonal_naive

    panel = {**real_series(), **synthetic_series()}
    if args.quick:
        keep = ["macro-realgdp", "macro-unemp", "elnino", "sunspots", "nile", "syn-additive",
                "syn-multiplicative"]
        panel = {k: panel[k] for k in keep}
        args.seeds = 1
    if args.only:
        panel = {k: v for k, v in panel.items() if k in args.only}
    classical = [] if args.no_ets else ["ets", "arima", "theta"]
    rows = []
    for name, series in panel.items():
        m = season_length_of(series.index.freqstr)
        H = HOLDOUT[m]
        history, truth = series.iloc[:-H], series.to_numpy()[-H:]
        hist = history.to_numpy(float)
        scores = {}
        for method, fn in (("naive", naive), ("snaive", seasonal_naive)):
            f = fn(hist, H, m)
            scores[method] = (mase(truth, f, hist, m), smape(truth, f))
        held = {}
        for method in classical:  # statsforecast's AutoETS, AutoARIMA, AutoTheta
            f = point_forecast(method, hist, H, m)
            scores[method] = (mase(truth, f, hist, m), smape(truth, f))
            held[f"{method}_inside"] = classical_inside(method, hist, truth, m)
        runs, seconds, model, inside = [], [], "", []
        for seed in range(args.seeds):
            started = time.perf_counter()
            fc = Forecaster(horizon=H, seed=seed * 100, members=3 if args.quick else 5)
            fc.fit(history)
            table = fc.predict()
            f = table["forecast"].to_numpy()
            inside += list((truth >= table["lower"]) & (truth <= table["upper"]))
            seconds.append(time.perf_counter() - started)
            runs.append((mase(truth, f, hist, m), smape(truth, f)))
            model = table["method"].iloc[0]
        scores["seqlab"] = tuple(float(np.mean([r[i] for r in runs])) for i in range(2))
        row = {"series": name, "m": m, "n": len(hist), "H": H, "model": model,
               "seconds": float(np.mean(seconds)), "inside": int(sum(inside)),
               "points": len(inside), **held,
               **{f"{k}_mase": v[0] for k, v in scores.items()},
               **{f"{k}_smape": v[1] for k, v in scores.items()}}
        rows.append(row)
        line = " ".join(f"{k} {v[0]:.3f}/{v[1]:.2f}" for k, v in scores.items())
        print(f"{name:22s} n={len(hist):4d} H={H:2d} {model:12s} {row['seconds']:5.1f}s  "
              f"MASE/sMAPE  {line}", flush=True)
    methods = [k[:-5] for k in rows[0] if k.endswith("_mase")]
    summary = {}
    for method in methods:
        mase_mean = float(np.mean([r[f"{method}_mase"] for r in rows]))
        smape_mean = float(np.mean([r[f"{method}_smape"] for r in rows]))
        summary[method] = {"mean_mase": mase_mean, "mean_smape": smape_mean,
                           "median_mase": statistics.median(r[f"{method}_mase"] for r in rows)}
    base = summary["snaive"]
    for method in methods:
        s = summary[method]
        s["owa"] = 0.5 * (s["mean_smape"] / base["mean_smape"]
                          + s["mean_mase"] / base["mean_mase"])
    wins = sum(r["seqlab_mase"] < r["snaive_mase"] for r in rows)
    wins_ets = sum(r["seqlab_mase"] < r["ets_mase"] for r in rows) if "ets" in methods else None
    best_classical = sum(r["seqlab_mase"] <= min(r[f"{k}_mase"] for k in classical)
                         for r in rows) if classical else None
    print()
    for method in methods:
        s = summary[method]
        print(f"{method:8s} OWA {s['owa']:.3f}  median MASE {s['median_mase']:.3f}  mean MASE "
              f"{s['mean_mase']:.3f}  mean sMAPE {s['mean_smape']:.2f}")
    seconds = float(np.mean([r["seconds"] for r in rows]))
    coverage = sum(r["inside"] for r in rows) / sum(r["points"] for r in rows)
    held = {k: sum(r[f"{k}_inside"] for r in rows) / sum(r["H"] for r in rows)
            for k in classical}
    print(f"80% intervals hold, of the held-out truths: seqlab {coverage:.1%}"
          + "".join(f", {k} {v:.1%}" for k, v in held.items()))
    print(f"seqlab better than seasonal naive (MASE) on {wins}/{len(rows)} series"
          + (f", than ETS on {wins_ets}/{len(rows)}" if wins_ets is not None else "")
          + f"; {seconds:.1f} s per series per seed")
    result = {"benchmark": "forecast_panel", "series": len(rows), "seeds": args.seeds,
              "owa": round(summary["seqlab"]["owa"], 4),
              "median_mase": round(summary["seqlab"]["median_mase"], 4),
              "owa_ets": round(summary["ets"]["owa"], 4) if "ets" in summary else None,
              "median_mase_ets": round(summary["ets"]["median_mase"], 4)
              if "ets" in summary else None,
              "owa_arima": round(summary["arima"]["owa"], 4) if "arima" in summary else None,
              "owa_theta": round(summary["theta"]["owa"], 4) if "theta" in summary else None,
              "wins_vs_snaive": wins, "wins_vs_ets": wins_ets,
              "beats_best_classical": best_classical,
              "coverage_80": round(coverage, 4),
              **{f"coverage_80_{k}": round(v, 4) for k, v in held.items()},
              "seconds_per_series": round(seconds, 2)}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
