"""The book's recipes (003, chapters 6-11) at the book's settings, three repeats each.

Slow (minutes each): run with ``pytest -m slow tests/recipes/test_recipes_book_full.py``.
"""

import pytest

from seqlab.recipes import run

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("name", ["echo", "damped-sine", "moving-square", "addition",
                                  "cumulative-sum", "rectangles"])
def test_full_recipe_passes_over_three_repeats(name, tmp_path):
    result = run(name, repeats=3, seed=0, out=tmp_path, echo=lambda _: None)
    assert result.passed, (result.values, [o.details for o in result.outcomes])


def test_cumulative_sum_directions_table(tmp_path):
    lines = []
    result = run("cumulative-sum-directions", repeats=1, seed=0, echo=lines.append)
    assert result.passed, (lines, result.outcomes[0].details)
    table = result.outcomes[0].details["table"]
    assert set(table) == {"forward/-", "backward/-", "both/concat", "both/sum", "both/mul",
                          "both/ave"}
    assert any("per-step acc" in line for line in lines)
