"""The recipe registry: names, lookup errors, the runner's repeats and JSON result."""

import json

import pytest

from seqlab.errors import UnknownNameError
from seqlab.recipes import Outcome, Recipe, get, names, registry, run
from seqlab.recipes.registry import median_at_least, median_below, register

ALPHABET_RECIPES = [
    "alphabet-one-char",
    "alphabet-two-char",
    "alphabet-window-features",
    "alphabet-window-timesteps",
    "alphabet-batch-context",
    "alphabet-stateful",
    "alphabet-variable-length",
    "alphabet-dense-window",
]


def test_every_alphabet_recipe_is_registered():
    assert set(ALPHABET_RECIPES) <= set(names())


def test_recipes_state_source_description_and_criterion():
    for name in names():
        recipe = get(name)
        assert recipe.source and recipe.description and recipe.criterion and recipe.metric


def test_unknown_recipe_lists_close_names():
    with pytest.raises(UnknownNameError, match="alphabet-stateful"):
        get("alphabet-statefull")


@pytest.fixture(autouse=True)
def private_registry(monkeypatch):
    """Recipes registered by a test vanish after it."""
    names()  # load the real recipes first
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))


def _counting_recipe(name, values):
    seeds = []

    def run_once(context):
        seeds.append(context.seed)
        context.echo(f"seed {context.seed}")
        return Outcome(values[len(seeds) - 1], {"seed": context.seed})

    return register(Recipe(name, "test", "a test recipe", "score", 0.5, "0.5", "median >= 0.5",
                           run_once, median_at_least(0.5))), seeds


def test_run_repeats_with_consecutive_seeds_and_reports_the_median():
    _, seeds = _counting_recipe("test-counting", [0.2, 0.9, 0.6])
    lines = []
    result = run("test-counting", repeats=3, seed=7, echo=lines.append)
    assert seeds == [7, 8, 9]
    assert result.values == [0.2, 0.9, 0.6]
    assert result.value == 0.6
    assert result.passed
    payload = json.loads(json.dumps(result.to_json()))
    assert {"recipe", "metric", "value", "values", "reference", "passed", "seconds"} <= set(payload)
    assert payload["reference"] == 0.5
    assert any("seed 8" in line for line in lines)


def test_criterion_fails_when_median_misses():
    _counting_recipe("test-failing", [0.1, 0.2, 0.9])
    assert not run("test-failing", repeats=3, echo=lambda _: None).passed


def test_median_helpers():
    outcomes = [Outcome(v) for v in (0.5, 1.0, 1.0)]
    assert median_at_least(1.0)(outcomes)
    assert not median_below(1.0)(outcomes)
    assert median_below(1.0)([Outcome(v) for v in (0.5, 0.9, 1.0)])


def test_run_rejects_bad_repeats():
    with pytest.raises(ValueError, match="repeats"):
        run("alphabet-one-char", repeats=0)


def test_unknown_recipe_option_is_refused():
    with pytest.raises(UnknownNameError, match="merge"):
        run("alphabet-one-char", options={"merge": "sum"}, echo=lambda _: None)
