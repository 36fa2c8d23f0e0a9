"""Search spaces from the command line: ranges, log and integer flags, choices, and the
one-line errors a typo gets."""

import pytest

from seqlab.errors import ValidationError
from seqlab.evaluate.search_space import parse_param, parse_space


def test_ranges_choices_and_flags():
    assert parse_param("lr=1e-4..1e-1:log") == {"lr": {"low": 1e-4, "high": 1e-1, "log": True}}
    assert parse_param("units=16..256:int") == {"units": {"low": 16, "high": 256, "log": False}}
    assert parse_param("units=16..256") == {"units": {"low": 16, "high": 256, "log": False}}
    assert parse_param("units=16.0..256:int:log")["units"] == {"low": 16, "high": 256,
                                                                 "log": True}
    assert parse_param("dropout=0..0.5") == {"dropout": {"low": 0.0, "high": 0.5, "log": False}}
    assert parse_param("cell=lstm,gru") == {"cell": ["lstm", "gru"]}
    assert parse_param("batch-size=8,16") == {"batch_size": [8, 16]}
    assert parse_param("shuffle=true,false") == {"shuffle": [True, False]}
    assert parse_param("units=8") == {"units": [8]}


def test_a_space_is_several_params_each_once():
    space = parse_space(["lr=1e-3..1e-1:log", "cell=lstm,gru"])
    assert set(space) == {"lr", "cell"} and isinstance(space["lr"]["low"], float)
    with pytest.raises(ValidationError, match="given twice"):
        parse_space(["units=1,2", "units=3..4"])


@pytest.mark.parametrize(("item", "message"), [
    ("units", "NAME=LOW..HIGH"),
    ("units=", "NAME=LOW..HIGH"),
    ("=1,2", "NAME=LOW..HIGH"),
    ("lr=a..1", "'a' is not a number"),
    ("lr=1..nan", "finite"),
    ("lr=1e-4..1e-1:logg", "unknown range flag 'logg'"),
    ("units=1.5..8:int", "whole-number"),
    ("units=8..8", "higher high"),
    ("lr=0..1:log", "positive low"),
    ("cell=,", "lists no values"),
])
def test_bad_items_are_one_line_errors(item, message):
    with pytest.raises(ValidationError, match=message) as error:
        parse_param(item)
    assert "\n" not in str(error.value)
