"""The alphabet recipes at the documents' own settings (slow: minutes each)."""

import pytest

from seqlab.recipes import run

pytestmark = pytest.mark.slow


def _quiet(_line):
    pass


def test_window_timesteps_reaches_100_percent_median_over_5_repeats():
    result = run("alphabet-window-timesteps", repeats=5, echo=_quiet)
    assert result.value == 1.0
    assert result.passed


def test_stateful_recites_and_reaches_100_percent_median_over_5_repeats():
    result = run("alphabet-stateful", repeats=5, echo=_quiet)
    assert result.value == 1.0
    assert result.passed
    # The document's cold-start finding: from a fresh state 'K' is taken for the start.
    assert sum(o.details["cold_k"] != "L" for o in result.outcomes) >= 3


def test_window_features_stays_below_100_percent_as_the_document_found():
    result = run("alphabet-window-features", repeats=5, echo=_quiet)
    assert result.value < 1.0
    assert result.passed


def test_dense_window_is_near_the_documents_61_percent():
    result = run("alphabet-dense-window", repeats=5, echo=_quiet)
    assert 0.35 <= result.value <= 0.85
