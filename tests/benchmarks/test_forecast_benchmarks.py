"""benchmarks/forecast_panels.py and forecast_scale.py: the panels they build, the files a
user would bring, and the scores they report."""

import importlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def panels():
    sys.path.insert(0, str(BENCHMARKS))
    yield importlib.import_module("forecast_panels")
    sys.path.remove(str(BENCHMARKS))


@pytest.fixture(scope="module")
def scale(panels):
    return importlib.import_module("forecast_scale")


def test_the_synthetic_panel_mixes_short_intermittent_and_ragged_series(panels):
    panel = panels.synthetic_panel(300, seed=1)
    again = panels.synthetic_panel(300, seed=1)
    assert all(np.array_equal(panel.history[k], again.history[k]) for k in panel.history)
    lengths = np.array([len(s) for s in panel.history.values()])
    assert 30 <= np.sum((lengths >= 5) & (lengths <= 20)) <= 80  # about 15% short
    zeros = [np.mean(s.to_numpy() == 0) for s in panel.history.values()]
    assert np.sum(np.array(zeros) >= 0.3) >= 15  # about 10% intermittent
    starts = {s.index[0] for s in panel.history.values()}
    ends = {s.index[-1] for s in panel.history.values()}
    assert len(starts) > 50 and len(ends) > 10  # ragged at both ends
    assert all(len(t) == 18 for t in panel.truth.values())
    assert all(s.index.freqstr == "MS" for s in panel.history.values())
    assert all(np.ptp(s.to_numpy()) > 0 for s in panel.history.values())
    kinds = " ".join(panel.kinds.values())
    for kind in ("linear", "damped", "exponential", "randomwalk", "add", "mult", "shift",
                 "intermittent", "short/"):
        assert kind in kinds


def test_the_public_panels_hold_out_six_years_of_real_yearly_series(panels):
    found = {p.name: p for p in panels.public_panels()}
    lengths = {"fertility-19": 13, "fertility-24": 18}
    for name in ("fertility", "fertility-24", "fertility-19"):
        panel = found[name]
        assert len(panel.history) > 150 and panel.season_length == 1
        assert all(len(t) == 6 and np.all(np.isfinite(t)) for t in panel.truth.values())
        if name in lengths:
            assert {len(s) for s in panel.history.values()} == {lengths[name]}
    if "m1-yearly" in found:  # aeon installed
        m1 = found["m1-yearly"]
        assert 150 <= len(m1.history) <= 181
        assert len({s.index[0] for s in m1.history.values()}) > 10  # ragged starts


@pytest.mark.parametrize("freq,horizon", [("QS", 8), ("YS", 6)])
def test_other_frequencies_hold_out_the_m4_horizon(panels, freq, horizon):
    panel = panels.synthetic_panel(20, seed=0, freq=freq)
    assert panel.horizon == horizon and panel.season_length == {"QS": 4, "YS": 1}[freq]
    assert all(len(t) == horizon for t in panel.truth.values())


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_both_layouts_read_back_as_the_same_series(panels, tmp_path, layout):
    from seqlab.forecast.data import read_csv

    panel = panels.synthetic_panel(25, seed=3)
    sd = read_csv(panels.write_panel(panel, tmp_path / f"p.{layout}.csv", layout))
    assert sorted(sd.names) == sorted(panel.history)
    for name, series in panel.history.items():
        read = sd.series(name)
        assert read.index.equals(series.index)
        np.testing.assert_allclose(read.to_numpy(), series.to_numpy(), rtol=1e-9)


def _result(panels, panel, forecasts, **extra):
    return panels.MethodResult(forecasts, 1.0, **extra)


def test_scores_follow_m4s_owa_and_count_refusals(panels):
    panel = panels.synthetic_panel(40, seed=2)
    naives = panels.run_naives(panel)
    perfect = {k: t.copy() for k, t in panel.truth.items()}
    partial = dict(list(perfect.items())[:30])  # 10 series without a forecast
    width = {k: np.full(len(t), 1e-9) for k, t in panel.truth.items()}
    summary = panels.score(panel, {
        **naives, "perfect": _result(panels, panel, perfect,
                                     lower={k: v - width[k] for k, v in perfect.items()},
                                     upper={k: v + width[k] for k, v in perfect.items()}),
        "partial": _result(panels, panel, partial)})
    assert summary["snaive"]["owa"] == pytest.approx(1.0)
    assert summary["snaive"]["owa_regular"] == pytest.approx(1.0)
    assert summary["perfect"]["owa"] == 0 and summary["perfect"]["refused"] == 0
    assert summary["perfect"]["coverage_80"] == 1.0
    assert summary["partial"]["refused"] == 10
    assert 0 < summary["partial"]["owa"] < summary["naive"]["owa"]


def test_the_scale_panel_holds_out_the_last_horizon_of_each_series(scale):
    history, truth = scale.make_panel(30, 24, 6, seed=0)
    assert list(history.columns) == ["unique_id", "ds", "y"]
    assert len(history) == 30 * 24 and len(truth) == 30 * 6
    assert (history.groupby("unique_id")["ds"].max()
            < truth.groupby("unique_id")["ds"].min()).all()
    snaive = truth.rename(columns={"y": "forecast"}).copy()
    from seqlab.forecast.models import seasonal_naive

    snaive["forecast"] = np.concatenate([
        seasonal_naive(g["y"].to_numpy(), 6, 12) for _, g in history.groupby("unique_id")])
    assert scale.owa(history, truth, snaive) == (pytest.approx(1.0), 0)
    assert scale.owa(history, truth, truth.rename(columns={"y": "forecast"})) == (0.0, 0)
    assert scale.owa(history, truth, snaive.iloc[:-6])[1] == 1


def test_the_memory_sampler_sees_a_childs_children(scale):
    import subprocess

    child = subprocess.Popen([sys.executable, "-c", "import subprocess, sys; subprocess.run("
                              "[sys.executable, '-c', 'import time; time.sleep(3)'])"])
    try:
        for _ in range(100):
            tree = scale._tree(child.pid)
            if len(tree) >= 2:
                break
            import time

            time.sleep(0.05)
        assert tree[0] == child.pid and len(tree) >= 2
        assert scale._rss_kb(child.pid) > 1000
    finally:
        child.kill()
        child.wait()


@pytest.mark.slow
def test_forecast_scale_runs_both_contenders_and_prints_its_json_line_last(scale, capsys):
    assert scale.main(["--series", "12", "--length", "48", "--horizon", "6", "--workers",
                       "1", "--json"]) == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["seqlab_missing"] == 0 and line["ets_missing"] == 0
    assert line["seqlab_peak_rss_mb"] > 50 and line["ets_peak_rss_mb"] > 50
    assert 0 < line["seqlab_owa"] < 3 and 0 < line["ets_owa"] < 3 and line["ratio"] > 0


@pytest.mark.slow
def test_forecast_panels_quick_run_refuses_no_series(panels, capsys):
    assert panels.main(["--panel", "synthetic", "--series", "30", "--workers", "1",
                        "--json"]) == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["refused"] == 0
    methods = line["panels"][0]["methods"]
    assert set(methods) == {"naive", "snaive", "ets", "arima", "theta", "seqlab"}
    assert sum(line["panels"][0]["seqlab_chose"].values()) == 30
    assert pd.notna(methods["seqlab"]["owa"])


@pytest.mark.parametrize("method", ["ets", "arima", "theta"])
def test_the_panel_counts_the_truths_inside_statsforecasts_own_intervals(panels, method):
    single = importlib.import_module("forecast_panel")
    held = []
    for seed in range(3):
        rng = np.random.default_rng(seed)
        values = 50 + rng.normal(0, 2, 260)  # noise about a level: the truths are like the past
        history, truth = values[:200], values[200:]
        inside = single.classical_inside(method, history, truth, 1)
        assert 0 <= inside <= len(truth)
        held.append(inside / len(truth))
    assert 0.6 <= np.mean(held) <= 0.95, held  # 80% intervals of a model that fits
    far = single.classical_inside(method, history, truth + 100, 1)  # a break it cannot see
    assert far == 0
