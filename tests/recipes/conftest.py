"""Shared by the recipe tests: each quick recipe runs once per session, whatever asks."""

import pytest

from seqlab.recipes import run

_RESULTS: dict = {}


@pytest.fixture(scope="session")
def quick_result():
    """``quick_result(name, repeats)`` -> (RecipeResult, printed lines), computed once."""

    def get(name, repeats):
        if (name, repeats) not in _RESULTS:
            lines = []
            result = run(name, repeats=repeats, seed=0, quick=True, echo=lines.append)
            _RESULTS[name, repeats] = (result, lines)
        return _RESULTS[name, repeats]

    return get
