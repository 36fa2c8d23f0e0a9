"""seqlab.generate.quality: the share of real words in a generated text."""

import pytest

from seqlab.generate import known_word_share
from seqlab.generate.quality import words_of


def test_words_are_runs_of_letters_lower_cased():
    assert words_of("The cat's 2 hats—Über-mensch!") == ["the", "cat", "s", "hats", "über",
                                                         "mensch"]


def test_share_counts_known_words_between_the_first_and_last():
    reference = "the will to power is the will of life"
    # "xwill" and "lif" are cut at the edges and left out; "powr" is unknown.
    assert known_word_share("xwill to powr is the lif", reference) == pytest.approx(3 / 4)
    assert known_word_share("The WILL of life", reference) == 1.0


def test_a_word_set_can_stand_for_the_reference():
    assert known_word_share("a the will zz b", {"the", "will"}) == pytest.approx(2 / 3)


def test_short_and_empty_texts():
    assert known_word_share("power", "the will to power") == 1.0
    assert known_word_share("powr will", "the will to power") == 0.5
    assert known_word_share(" 12 ,. ", "the will") == 0.0
