"""The season of series whose steps are numbers, not dates, found in the data."""

import numpy as np
import pandas as pd
import pytest

from seqlab.errors import ValidationError
from seqlab.forecast._season import CANDIDATES, SHARE, evidence, season_in, season_of
from seqlab.forecast.data import prepare


def _seasonal(n, period, seed, amplitude=10.0, trend=0.5):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    shape = rng.normal(0, 1, period)  # any shape, not only a sine
    shape = amplitude * (shape - shape.mean()) / shape.std()
    return 100 + trend * t + shape[t % period] + rng.normal(0, 1, n)


def _without_season(kind, n, seed):
    rng = np.random.default_rng(seed)
    e = rng.normal(0, 1, n)
    if kind == "walk":
        return np.cumsum(e)
    if kind == "trend":
        return 50 + 2.0 * np.arange(n) + 3 * e
    y = np.zeros(n)  # AR(1), phi 0.8
    for t in range(1, n):
        y[t] = 0.8 * y[t - 1] + e[t]
    return y


@pytest.mark.parametrize("period", CANDIDATES)
def test_a_clear_season_of_each_period_is_found(period):
    found = [season_of(_seasonal(4 * period + 10, period, seed)) for seed in range(10)]
    assert found.count(period) >= 9, found


@pytest.mark.parametrize("kind", ["walk", "trend", "ar"])
def test_series_without_a_season_show_none(kind):
    found = [season_of(_without_season(kind, 150, seed)) for seed in range(30)]
    assert sum(f != 1 for f in found) <= 1, found


def test_too_short_or_flat_series_cannot_be_tested():
    assert season_of(np.arange(10.0)) is None  # 9 differences: fewer than 3 x 4
    assert evidence(np.full(40, 3.0), 4) is None
    assert evidence(np.arange(40.0), 4) is None  # a straight line: its differences are flat


def test_a_file_takes_the_season_enough_of_its_series_show():
    seasonal = [_seasonal(80, 12, seed) for seed in range(3)]
    plain = [_without_season("walk", 80, seed) for seed in range(20)]
    assert season_in(seasonal + plain) == (12, 3, 23)
    few = int(SHARE * 60) - 1  # below the share of the series that could show it
    assert season_in(seasonal[:1] * few + plain * 3)[0] == 1
    assert season_in(plain) == (1, 0, 20)


def test_numbered_steps_take_the_season_the_data_show_with_a_note():
    y = _seasonal(96, 12, seed=4)
    data = prepare(pd.DataFrame({"t": np.arange(1, 97), "sales": y}))
    assert data.freq is None and data.season_length == 12
    assert any("numbers, not dates: a season of 12 steps" in note for note in data.notes)
    plain = prepare(pd.DataFrame({"t": np.arange(1, 97),
                                  "level": _without_season("walk", 96, 1)}))
    assert plain.season_length == 1
    assert any("show no season" in note and "--season-length" in note
               for note in plain.notes)


def test_a_given_season_or_dates_decide_without_a_look_at_the_data():
    y = _seasonal(96, 12, seed=5)
    given = prepare(pd.DataFrame({"t": np.arange(1, 97), "sales": y}), season_length=4)
    assert given.season_length == 4 and not any("season" in n for n in given.notes)
    dated = prepare(pd.Series(y, index=pd.date_range("2010-01-01", periods=96, freq="QS")))
    assert dated.season_length == 4 and not any("season" in n for n in dated.notes)
    for wrong, bound in ((0, "1, 10000"), (10_001, "1, 10000")):
        with pytest.raises(ValidationError, match=rf"'season_length'.*range \[{bound}\]"):
            prepare(pd.DataFrame({"t": np.arange(1, 97), "sales": y}), season_length=wrong)


def test_series_too_short_for_some_periods_are_told_which_were_looked_for():
    """A note names only the periods the series were long enough to show, and says so where
    they were too short for any."""
    y = _seasonal(30, 12, seed=6)  # 29 differences: three periods of 4 or 7 steps, not 12
    data = prepare(pd.DataFrame({"t": np.arange(30), "sales": y}))
    assert data.season_length == 1
    assert any("show no season of 4, 7 steps" in note for note in data.notes), data.notes
    tiny = prepare(pd.DataFrame({"t": np.arange(6), "sales": [3.0, 1, 4, 1, 5, 9]}))
    assert tiny.season_length == 1
    assert any("too short to show a season" in note for note in tiny.notes), tiny.notes
    # it said '(three of 4 steps or more)': three of what, and how long a series must be
    assert any("(that takes three seasons of 4 steps or more: 13 points)" in note
               for note in tiny.notes), tiny.notes
    longer = prepare(pd.DataFrame({"t": np.arange(13), "sales": np.tile([3.0, 1, 4, 1], 4)[:13]}))
    assert longer.season_length == 4, longer.notes  # 13 points do show one


def test_a_missing_value_leaves_the_other_steps_in_their_place_in_the_period():
    y = _seasonal(120, 12, seed=7)
    y[[30, 61, 95]] = np.nan
    assert season_of(y) == 12
