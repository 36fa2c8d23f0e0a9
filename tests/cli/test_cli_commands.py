"""The `seqlab` command line: listing, running, JSON output and errors."""

import json
import subprocess
import sys

from typer.testing import CliRunner

from seqlab.cli import app
from seqlab.recipes import get, names

runner = CliRunner()


def test_recipes_lists_one_recipe_a_line_name_first():
    result = runner.invoke(app, ["recipes"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == names()
    for line in lines:
        name, source, description = line.split("\t")
        assert source == get(name).source
        assert description == get(name).description


def test_run_json_last_line_is_the_result_object():
    result = runner.invoke(app, ["run", "alphabet-dense-window", "--quick", "--epochs", "3",
                                 "--repeats", "2", "--seed", "5", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    assert payload["recipe"] == "alphabet-dense-window"
    assert payload["metric"] == "accuracy"
    assert len(payload["values"]) == 2
    assert payload["value"] == sorted(payload["values"])[0] + (
        sorted(payload["values"])[1] - sorted(payload["values"])[0]) / 2
    assert payload["reference"] == 0.61
    assert isinstance(payload["passed"], bool)
    assert payload["seconds"] > 0


def test_run_text_shows_result_beside_document():
    result = runner.invoke(app, ["run", "alphabet-window-features", "--epochs", "2"])
    assert result.exit_code == 0, result.output
    assert "document: 86.96%" in result.output
    assert "criterion: median accuracy in [70%, 100%)" in result.output


def test_strict_exits_nonzero_when_the_criterion_fails():
    # Two epochs cannot reach the full criterion of 100%.
    result = runner.invoke(app, ["run", "alphabet-window-timesteps", "--epochs", "2", "--strict"])
    assert result.exit_code == 1
    assert "FAILED" in result.output


def test_console_script_reports_unknown_recipe_with_close_names():
    completed = subprocess.run(
        [sys.executable, "-m", "seqlab", "run", "alphabet-statefull"],
        capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 2
    assert "Unknown recipe 'alphabet-statefull'" in completed.stderr
    assert "alphabet-stateful" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_bad_option_value_is_a_clear_error():
    completed = subprocess.run(
        [sys.executable, "-m", "seqlab", "run", "alphabet-one-char", "--repeats", "0"],
        capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 2
    assert "repeats" in completed.stderr and "Got 0" in completed.stderr


def test_recipe_options_are_parsed_and_checked():
    from seqlab.cli.cmd_recipes import parse_recipe_options
    from seqlab.errors import ValidationError

    assert parse_recipe_options(["--merge", "sum", "--direction=both"]) == {
        "merge": "sum", "direction": "both"}
    for bad in (["merge"], ["--merge"], ["--merge", "--direction", "x"]):
        try:
            parse_recipe_options(bad)
        except ValidationError:
            continue
        raise AssertionError(f"{bad} was accepted")


def test_context_option_converts_and_validates():
    import pytest

    from seqlab.errors import ValidationError
    from seqlab.recipes import RunContext

    context = RunContext(seed=0, options={"units": "5", "merge": "sum", "bad": "x"})
    assert context.option("units", 10) == 5
    assert context.option("missing", 3) == 3
    assert context.option("merge", "concat", ("concat", "sum")) == "sum"
    with pytest.raises(ValidationError, match="units"):
        RunContext(seed=0, options={"units": "five"}).option("units", 10)
    with pytest.raises(ValidationError, match="merge"):
        RunContext(seed=0, options={"merge": "max"}).option("merge", "concat", ("concat",))


def test_threads_option_sets_torch_threads_and_is_checked():
    import torch

    before = torch.get_num_threads()
    try:
        result = runner.invoke(app, ["--threads", "1", "recipes"])
        assert result.exit_code == 0
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
    completed = subprocess.run([sys.executable, "-m", "seqlab", "--threads", "0", "recipes"],
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 2 and "threads" in completed.stderr


def test_quick_text_output_does_not_pass_off_the_reduced_check_as_the_full_criterion():
    result = runner.invoke(app, ["run", "alphabet-window-timesteps", "--quick", "--epochs", "2"])
    assert result.exit_code == 0, result.output
    assert "quick form's reduced check" in result.output
    assert "criterion: median accuracy 100% ->" not in result.output


def test_quick_json_and_repeats_name_the_check_that_judged_them():
    # The JSON said "criterion": "median accuracy 100% ..." beside a quick check's PASSED at
    # accuracy 0.45, and "at least 4 of 5 repeats -> PASSED" was printed after one repeat.
    import json

    result = runner.invoke(app, ["run", "alphabet-window-timesteps", "--quick", "--epochs", "2",
                                 "--json"])
    doc = json.loads(result.stdout.strip().splitlines()[-1])
    assert doc["criterion"].startswith("the quick form's reduced check (a full run is judged")
    result = runner.invoke(app, ["run", "diagnose-underfit", "--quick", "--epochs", "3"])
    assert result.exit_code == 0, result.output
    assert "(a quick run: the same rule, applied to the quick run's results) ->" in \
        result.output


def test_version_and_completion_options():
    import seqlab

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"seqlab {seqlab.__version__}"
    shown = runner.invoke(app, ["--help"])
    assert "--install-completion" in shown.output and "--show-completion" in shown.output
