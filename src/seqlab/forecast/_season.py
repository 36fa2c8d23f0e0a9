"""The season of series whose steps are numbers, not dates, found in the data.

A file of ``t,value`` rows (or M4's series as ``unique_id,ds,y`` with ``ds`` counting 1, 2,
3 ...) says nothing of its season the way dates do; without one, the seasonal models and
the seasonal naive forecast are out of reach. `season_in` looks for one among the common
periods (`CANDIDATES`: quarters, days of the week, months, hours of the day, weeks of the
year). For each period, `evidence` tests whether the first differences (a trend removed)
differ by their position in the period more than chance allows: an F test of the means per
position, at level `ALPHA`. Of the periods a series shows, it counts for the shortest that
explains nearly as much as the best (`NEAR_BEST`: a season of 12 shows at 24 too).

Measured before it was kept, series by series: of 1,992 series without a season (random
walks, AR(1) processes, ARMA cycles, white noise, 192 fertility rates, 300 synthetic yearly
series) it found one in 13 (11 of them among 300 ARMA cycles); of 500 sine seasons of 4 to
52 steps beside noise of standard deviation 1, 98 of 100 of amplitude 10 and 84 of 100 of
amplitude 5 (the misses 52 steps long), none of amplitude 1 or less, where seasonal models
gain little; of 45 real and synthetic series with dates, 15 seasons, each the one of their
dates, and none where the season is adjusted away (statsmodels' macrodata, the US change
series). A whole file (`season_in`): the synthetic panels of `benchmarks/forecast_panels.py`
stripped of their dates, monthly, quarterly, weekly and daily, each found its season and
the yearly one none; none of the files of series without a season found one.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import f as f_distribution

__all__ = ["CANDIDATES", "ALPHA", "NEAR_BEST", "SHARE", "evidence", "season_of",
           "season_in"]

CANDIDATES = (4, 7, 12, 24, 52)
"""The periods looked for: quarters in a year, days in a week, months in a year, hours in a
day, weeks in a year."""
ALPHA = 1e-4
"""The level of the F test: a season only where chance would show one once in 10,000."""
NEAR_BEST = 0.9
"""A series counts for the shortest period that explains this share of the variance the
best one explains."""
SHARE = 0.1
"""The share of a file's series long enough to test a period that must show it for it to
be the file's season (at least one series)."""


def evidence(y: np.ndarray, period: int) -> tuple[float, float] | None:
    """How the first differences of `y` depend on their position in `period`: the share of
    their variance the means per position explain, and the F test's p-value (small: a
    season). None where the differences hold fewer than three periods or do not vary."""
    d = np.diff(np.asarray(y, float))
    position = np.arange(len(d)) % period  # kept where a missing value leaves out a step
    known = np.isfinite(d)
    d, position = d[known], position[known]
    n = len(d)
    if n < 3 * period or np.ptp(d) == 0:
        return None
    means = np.bincount(position, d, period) / np.bincount(position, None, period)
    fitted = means[position]
    between = float(np.sum((fitted - d.mean()) ** 2))
    within = float(np.sum((d - fitted) ** 2))
    if within <= 0:
        return 1.0, 0.0
    statistic = (between / (period - 1)) / (within / (n - period))
    return between / (between + within), float(f_distribution.sf(statistic, period - 1,
                                                                  n - period))


def season_of(y: np.ndarray) -> int | None:
    """The period of `CANDIDATES` that `y` shows (`evidence` below `ALPHA`; of several, the
    shortest within `NEAR_BEST` of the best), 1 where it shows none, None where it is too
    short to test any."""
    tested = {p: e for p in CANDIDATES if (e := evidence(y, p)) is not None}
    if not tested:
        return None
    shown = {p: share for p, (share, p_value) in tested.items() if p_value < ALPHA}
    if not shown:
        return 1
    best = max(shown.values())
    return min(p for p, share in shown.items() if share >= NEAR_BEST * best)


def season_in(series: list[np.ndarray]) -> tuple[int, int, int]:
    """The season of a file's `series` (each one's values, without gaps): the period most
    series show (`season_of`), where at least `SHARE` of those long enough to test it do;
    1 where none does. Returned with how many series show it and how many could."""
    lengths = [len(y) - 1 for y in series]
    found = [season_of(y) for y in series]
    votes = {p: found.count(p) for p in CANDIDATES}
    period = max(CANDIDATES, key=lambda p: (votes[p], -p))
    testable = sum(n >= 3 * period for n in lengths)
    if votes[period] == 0 or votes[period] < SHARE * testable:
        return 1, 0, sum(s is not None for s in found)
    return period, votes[period], testable
