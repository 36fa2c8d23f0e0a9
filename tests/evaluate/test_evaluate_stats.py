"""Summary statistics and the hand-written Student t quantile."""

import math

import pytest

from seqlab.errors import ValidationError
from seqlab.evaluate import summarize
from seqlab.evaluate.stats import describe_table, t_cdf, t_quantile


@pytest.mark.parametrize(("p", "df", "expected"), [
    (0.975, 1, 12.7062), (0.975, 4, 2.7764), (0.975, 9, 2.2622), (0.975, 29, 2.0452),
    (0.95, 10, 1.8125), (0.995, 2, 9.9248), (0.975, 10_000, 1.9602), (0.025, 4, -2.7764),
])
def test_t_quantile_matches_printed_tables(p, df, expected):
    assert t_quantile(p, df) == pytest.approx(expected, abs=1e-4)
    assert t_cdf(t_quantile(p, df), df) == pytest.approx(p, abs=1e-10)


def test_summary_matches_the_books_describe_output():
    # Listing 12.15, column "1": pandas describe of the five losses.
    s = summarize([0.318098, 0.209199, 0.121033, 0.180944, 0.202586])
    assert (s.count, round(s.mean, 6), round(s.std, 6)) == (5, 0.206372, 0.071474)
    assert (s.min, s.q25, s.median, s.q75, s.max) == (0.121033, 0.180944, 0.202586, 0.209199,
                                                      0.318098)
    half = 2.776445 * 0.071474 / math.sqrt(5)
    assert s.ci_low == pytest.approx(s.mean - half, abs=1e-5)
    assert s.ci_high == pytest.approx(s.mean + half, abs=1e-5)


def test_describe_table_has_a_column_per_label_and_a_document_row():
    text = describe_table({"1": summarize([1.0, 2.0]), "5": summarize([3.0, 4.0])},
                          {"1": 1.5})
    lines = text.splitlines()
    assert lines[0].split() == ["1", "5"]
    assert [line.split()[0] for line in lines[1:]] == ["count", "mean", "std", "min", "25%",
                                                       "50%", "75%", "max", "document"]


def test_bad_input_is_named():
    with pytest.raises(ValidationError, match="scores"):
        summarize([])
    with pytest.raises(ValidationError, match="confidence"):
        summarize([1.0, 2.0], confidence=1.5)
    assert math.isnan(summarize([1.0]).ci_low)


@pytest.mark.parametrize("package", ["seqlab.evaluate", "seqlab.plots"])
def test_every_exported_name_exists_and_is_documented(package):
    import importlib

    module = importlib.import_module(package)
    for name in module.__all__:
        value = getattr(module, name)
        if callable(value) and not name.isupper():
            assert value.__doc__, f"{package}.{name} has no docstring"
