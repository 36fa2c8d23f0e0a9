"""The chapter-12 recipes: verdicts read from the curves, tune tables beside the book's."""

import pytest

from seqlab.recipes import run


def _quiet(line):
    pass


@pytest.mark.parametrize(("name", "verdict"), [
    ("diagnose-underfit", "underfit"),
    ("diagnose-underfit-capacity", "underfit"),
    ("diagnose-good-fit", "good-fit"),
    ("diagnose-overfit", "overfit"),
])
def test_one_faithful_run_reads_as_the_books_picture(name, verdict):
    result = run(name, seed=0, echo=_quiet)
    assert result.value == verdict
    assert result.to_json()["values"] == [verdict]
    assert len(result.outcomes[0].histories) == 1


def test_repeats_recipe_diagnoses_each_run_quick():
    result = run("diagnose-repeats", quick=True, epochs=60, echo=_quiet)
    assert result.outcomes[0].details["verdicts"] == ["underfit", "underfit"]
    assert len(result.outcomes[0].histories) == 2


def test_tune_recipe_json_has_best_setting_and_table_quick(tmp_path):
    lines = []
    result = run("tune-cells", quick=True, epochs=20, out=tmp_path, echo=lines.append)
    payload = result.to_json()
    assert set(payload["table"]) == {"1", "5", "10"}
    assert payload["value"] in payload["table"]
    assert min(payload["table"], key=payload["table"].get) == payload["value"]
    assert any("document means" in line for line in lines)
    assert any(line.split()[:1] == ["mean"] for line in lines)
    assert list(tmp_path.glob("tune-cells_boxplot_seed0.png"))


@pytest.mark.slow
@pytest.mark.parametrize(("name", "verdict"), [
    ("diagnose-underfit", "underfit"),
    ("diagnose-underfit-capacity", "underfit"),
    ("diagnose-good-fit", "good-fit"),
    ("diagnose-overfit", "overfit"),
])
def test_full_verdict_in_at_least_four_of_five_repeats(name, verdict):
    result = run(name, repeats=5, echo=_quiet)
    assert sum(v == verdict for v in result.values) >= 4, result.values
    assert result.passed


@pytest.mark.slow
def test_full_repeats_recipe_underfit_in_most_runs():
    result = run("diagnose-repeats", echo=_quiet)
    assert result.passed, result.outcomes[0].details


@pytest.mark.slow
def test_full_tune_cells_mean_mse_decreases_with_cells():
    result = run("tune-cells", echo=_quiet)
    table = result.to_json()["table"]
    assert table["1"] > table["5"] > table["10"], table
    assert result.value == "10"


@pytest.mark.slow
def test_full_tune_batch_every_batch_size_learns():
    result = run("tune-batch", echo=_quiet)
    assert result.passed, result.to_json()["table"]
