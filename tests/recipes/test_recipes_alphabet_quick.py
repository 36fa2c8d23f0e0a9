"""Every alphabet recipe in its --quick form, over three seeds, meets its quick criterion."""

import pytest

from seqlab.recipes import get

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


@pytest.mark.parametrize("name", ALPHABET_RECIPES)
def test_quick_recipe_passes_over_three_seeds(name, quick_result):
    result, lines = quick_result(name, 3)
    assert result.passed, (result.values, lines)
    assert len(result.values) == 3
    # Far above the 1-in-26 of guessing: the quick form still learns.
    assert result.value > 0.1
    assert any(get(name).metric in line for line in lines)


def test_stateful_quick_shows_recital_cold_start_and_warm_up(quick_result):
    result, lines = quick_result("alphabet-stateful", 3)
    for outcome in result.outcomes:
        assert set(outcome.details) == {"recital_ok", "cold_k", "warm_k"}
        # From a fresh state the model takes 'K' for the start of the alphabet.
        assert outcome.details["cold_k"] != "L"
    assert sum(o.details["warm_k"] == "L" for o in result.outcomes) >= 2
    assert any("from 'A': A" in line for line in lines)


def test_batch_context_control_matches_in_order_run(quick_result):
    result, _ = quick_result("alphabet-batch-context", 3)
    for outcome in result.outcomes:
        assert abs(outcome.value - outcome.details["shuffled_control"]) <= 1 / 25 + 1e-9


def test_dense_window_probes_the_corrupted_inputs(quick_result):
    result, _ = quick_result("alphabet-dense-window", 3)
    probes = result.outcomes[0].details["probes"].split()
    assert [p.split("->")[0] for p in probes] == [
        "WBC", "WKL", "WTU", "DWF", "MWO", "VWW", "GHW", "JKW", "PQW"]
