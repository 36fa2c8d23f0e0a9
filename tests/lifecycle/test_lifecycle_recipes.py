"""The finalize and update recipes, in their quick forms, through the CLI."""

import json

from typer.testing import CliRunner

from seqlab.cli import app

runner = CliRunner()


def _run(*args):
    result = runner.invoke(app, ["run", *args, "--quick", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_update_model_recipe_passes():
    payload = _run("update-model", "--seed", "3")
    assert payload["passed"] is True
    assert payload["values"] == [1.0]
    details = payload["details"][0]
    assert details["shifted"]["promoted"] and not details["unshifted"]["promoted"]


def test_finalize_save_load_recipe_gives_identical_predictions():
    payload = _run("finalize-save-load", "--repeats", "2")
    assert payload["passed"] is True
    assert payload["values"] == [0.0, 0.0]
    assert len(payload["details"][0]["predictions"]) == 10
