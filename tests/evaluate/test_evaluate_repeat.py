"""Repeats: summary of scores, seeds in order, clear errors (workers: tests/cli)."""

import pytest

from seqlab.errors import ValidationError
from seqlab.evaluate import repeat


def _seed_square(seed):
    return float(seed * seed)


def test_scores_come_back_in_seed_order_with_a_summary():
    lines = []
    result = repeat(_seed_square, repeats=4, seed=2, echo=lines.append)
    assert result.seeds == [2, 3, 4, 5]
    assert result.scores == [4.0, 9.0, 16.0, 25.0]
    assert result.summary.mean == 13.5
    assert result.summary.ci_low < 13.5 < result.summary.ci_high
    assert len(lines) == 4
    assert result.to_dict()["scores"] == result.scores
    assert result.boxplot().axes


def test_unpicklable_experiment_with_workers_is_a_clear_error():
    with pytest.raises(ValidationError, match="picklable"):
        repeat(lambda seed: 1.0, repeats=2, workers=2)


def test_experiment_must_return_a_number():
    with pytest.raises(ValidationError, match="must return a number"):
        repeat(lambda seed: "x", repeats=1)
    with pytest.raises(ValidationError, match="repeats"):
        repeat(_seed_square, repeats=0)


def test_each_seed_is_the_one_repeat_loop():
    from seqlab.evaluate.repeats import each_seed

    seen = []
    assert each_seed(lambda s: s * 10, repeats=3, seed=4,
                     on_result=lambda i, r: seen.append((i, r))) == [40, 50, 60]
    assert seen == [(0, 40), (1, 50), (2, 60)]


def test_a_bad_confidence_or_a_categorical_recipe_is_refused_before_any_training():
    # Both were found only after every repeat had trained.
    from seqlab.recipes.registry import RecipeExperiment

    calls = []

    def experiment(seed):
        calls.append(seed)
        return 1.0

    with pytest.raises(ValidationError, match=r"'confidence' parameter of repeat"):
        repeat(experiment, repeats=3, confidence=2)
    with pytest.raises(ValidationError, match=r"'confidence' parameter of repeat"):
        repeat(experiment, repeats=3, confidence=1.0)
    assert calls == []
    for name in ("diagnose-underfit", "diagnose-overfit"):
        with pytest.raises(ValidationError, match=rf"Recipe '{name}' reports a categorical "
                                                  r"'verdict'"):
            RecipeExperiment(name, quick=True)
    assert RecipeExperiment("echo", quick=True).metric == "accuracy"
