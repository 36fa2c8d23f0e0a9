"""benchmarks/run.py: discovery of benchmarks and the result line's format."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def runner():
    sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location("benchmarks_run", BENCHMARKS / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    sys.path.remove(str(BENCHMARKS))


def test_benchmarks_are_found_by_name(runner):
    assert {"moving-square", "train-text"} <= set(runner.benchmarks())


def test_result_line_has_the_agreed_keys(runner):
    from common import BenchmarkResult

    line = BenchmarkResult("x", 2.0, 1.6).line()
    assert list(line) == ["benchmark", "seqlab_seconds", "torch_seconds", "ratio",
                          "keras_seconds"]
    assert line["ratio"] == 1.25 and line["keras_seconds"] is None


@pytest.mark.slow
def test_moving_square_quick_benchmark_prints_its_json_line_last(runner, capsys):
    assert runner.main(["moving-square", "--quick", "--json", "--threads", "1"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    result = json.loads(last)
    assert result["benchmark"] == "moving-square" and result["keras_seconds"] is None
    assert result["seqlab_seconds"] > 0 and result["torch_seconds"] > 0


def test_text_benchmarks_are_found_by_name(runner):
    found = runner.benchmarks()
    assert {"nietzsche-window", "char8-stateful-lstm"} <= set(found)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["nietzsche-window", "char8-stateful-lstm"])
def test_text_quick_benchmarks_print_their_json_line_last(runner, capsys, name):
    assert runner.main([name, "--quick", "--json", "--threads", "1"]) == 0
    printed = capsys.readouterr()
    result = json.loads(printed.out.strip().splitlines()[-1])
    details = json.loads(printed.err.strip().splitlines()[-1])
    assert details["max_weight_difference"] < 1e-5  # the two contenders did the same math
    assert list(result) == ["benchmark", "seqlab_seconds", "torch_seconds", "ratio",
                            "keras_seconds"]
    assert result["benchmark"] == name
    assert result["keras_seconds"] is None or result["keras_seconds"] > 0
    assert result["seqlab_seconds"] > 0 and result["torch_seconds"] > 0


def test_time_to_loss_line_names_each_target(runner):
    from common import TimeToLossResult

    result = TimeToLossResult("train-text", {1.45: 2.5, 1.3: None}, 1.31234, 13.04, 6000.0,
                              7500.0)
    assert result.line() == {"benchmark": "train-text", "minutes_to_1.45": 2.5,
                             "minutes_to_1.30": None, "best_loss": 1.3123, "minutes": 13.04,
                             "seqlab_chars_per_second": 6000, "torch_chars_per_second": 7500,
                             "ratio": 1.25}
    assert "1.30 not reached" in result.summary() and "1.45 at 2.5 min" in result.summary()


@pytest.mark.slow
def test_train_text_quick_benchmark_prints_its_json_line_last(runner, capsys):
    assert runner.main(["train-text", "--quick", "--json", "--threads", "1"]) == 0
    printed = capsys.readouterr()
    result = json.loads(printed.out.strip().splitlines()[-1])
    details = json.loads(printed.err.strip().splitlines()[-1])
    assert result["benchmark"] == "train-text"
    assert set(result) >= {"minutes_to_1.45", "minutes_to_1.30", "best_loss", "ratio"}
    assert 0 < result["best_loss"] < 3.0 and result["torch_chars_per_second"] > 0
    # One epoch with the defaults' one held-out check an epoch.
    assert len(details["checks"]) == 1 and 0.0 <= details["known_word_share"] <= 1.0


def test_precision_line_reports_both_precisions_and_the_ratios(runner):
    module = runner.benchmarks()["precision"]
    result = module.PrecisionResult({"torch_32": 0.1, "torch_bf16": 0.05, "seqlab_32": 0.11,
                                     "seqlab_bf16": 0.055})
    line = result.line()
    assert line["benchmark"] == "precision"
    assert line["torch_bf16_speedup"] == 2.0 and line["ratio_32"] == 1.1
    assert line["ratio_bf16"] == 1.1 and "x2.0" in result.summary()


@pytest.mark.slow
def test_precision_quick_benchmark_prints_its_json_line_last(runner, capsys):
    assert runner.main(["precision", "--quick", "--json"]) == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["benchmark"] == "precision" and line["seqlab_bf16_ms"] > 0


def test_corpus_applies_to_train_text_only(runner):
    with pytest.raises(SystemExit) as refused:
        runner.main(["moving-square", "--corpus", "tinyshakespeare"])
    assert refused.value.code == 2
    module = runner.benchmarks()["train-text"]
    assert module.CORPORA["tinyshakespeare"]["targets"] == (1.47, 1.40)
    with pytest.raises(ValueError, match="--corpus must be one of"):
        module.run(corpus="war-and-peace")


def test_the_processes_benchmark_reports_a_speedup_between_its_two_runs(runner):
    module = runner.benchmarks()["train-text-processes"]
    result = module.ProcessesResult({1: 1000.0, 2: 1700.0})
    line = result.line()
    assert line["speedup"] == 1.7 and line["benchmark"] == "train-text-processes"
    assert list(line) == ["benchmark", "tokens_per_second_1", "tokens_per_second_2", "speedup",
                          "cores"]


def test_repeats_and_threads_benchmarks_are_found_and_report_their_ratios(runner):
    found = runner.benchmarks()
    assert {"repeats", "threads"} <= set(found)
    seconds = {"a": {10: {"batched": 2.0, "sequential": 10.0},
                     30: {"batched": 3.0, "sequential": 30.0}},
               "b": {10: {"batched": 2.0, "sequential": 6.0},
                     30: {"batched": 7.0, "sequential": 40.0}}}
    line = found["repeats"].RepeatsResult(seconds).line()
    assert list(line)[:3] == ["benchmark", "speedup_10", "speedup_30"]
    assert line["speedup_10"] == 4.0 and line["speedup_30"] == 7.0  # totals, not means
    threads = found["threads"].ThreadsResult(8.0, 2.0, 2, 1).line()
    assert threads["ratio"] == 4.0 and threads["seqlab_threads"] == 1
