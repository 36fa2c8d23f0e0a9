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
    assert "moving-square" in runner.benchmarks()


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
