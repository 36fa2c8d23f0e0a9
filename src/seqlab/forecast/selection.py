"""Choosing how to forecast each series by rolling-origin validation.

For each series, `plan_validation` places up to `WINDOWS` forecast origins near its end
(``step`` points apart, each followed by a validation horizon of real values; on short
series closer together, and followed by fewer steps, so that each leaves most of the series
to fit on). Every
candidate forecasts from every origin using only the points up to it; its score is the mean
over the windows of the absolute error scaled by the in-sample seasonal-naive error at that
origin (MASE), so series of any size weigh alike.

The choice is soft: the forecast is the mean of the candidates weighted by the inverse of
their squared scores (`inverse_error_weights`), so a model that validates twice as well
counts four times as much, and a combination of the good ones stands in for a single pick.
Combinations won the M3 and M4 competitions, and on our development panel this weighting
beat picking the best-scoring candidate (OWA 0.621 against 0.639 with five windows, 0.626
against 0.661 with three): with few windows, the best-scoring model is often best by
chance. In a file of several series, `panel_prior` scales each model's scores by how it
fared across the file first. Intermittent series (many zeros) are the exception: each is
scored with sMAPE beside MASE and takes its best model alone (`PICK_INTERMITTENT`), since a
mean of forecasts forecasts demand wherever one of them does.

Intervals are conformal: the chosen forecast's scaled validation errors, pooled over series,
windows and steps after dividing by each step's mean error, give one quantile at the
split-conformal level (every error a calibration score); a series' half-width at step h is
that quantile times the step's mean error times the series' own scale. Each window's errors
are those of the forecast weighted on the other windows (`out_of_window_errors`), and steps
past the validated ones continue the line of the validated steps' mean errors (`_beyond`).
In a file with both, the series validated on every step of the horizon and the short ones
validated on fewer are calibrated apart (`grouped_halfwidths`), each group on its own
errors where it has `GROUP_LEAST` windows and they are the wider (else on the whole
file's). They assume the held-out future errs like the validated past: on the development
panel, the 80% intervals held 83% of the truths on the 16 series without a break in their
held-out years, 87% and 88% on short yearly and monthly stretches, 77% to 78% on the
public yearly panels of fertility rates and 75% on M1's yearly series, but on the nine
quarterly macrodata series that end in the 2008-09 recession (errors 5 to 12 times their
validation errors) a quarter at most.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from seqlab.forecast.metrics import smape

__all__ = ["ValidationPlan", "plan_validation", "mase_scale", "score", "inverse_error_weights",
           "best_weights", "zero_aware_score", "Rule", "COMBINE", "PICK_INTERMITTENT",
           "weighted", "conformal_halfwidths", "interval_group", "grouped_halfwidths",
           "calibrated_apart", "too_few_errors", "panel_prior", "out_of_window_errors",
           "weight_power", "combining"]

WINDOWS = 5
"""Rolling origins per series (fewer when the series is short)."""
MIN_TRAIN = 4
"""The fewest points a validation origin leaves to fit on."""
FIT_POINTS = 10
"""The points a validation origin should leave to fit on, where the series has room."""
FIT_SHARE = 0.75
"""The share of a series every validation origin should leave to fit on."""
MIN_HORIZON = 2
"""The shortest validation horizon a short series is scored on (where it has the room)."""
POWER = 2
"""Weights are proportional to score ** -POWER (for series validated on fewer steps than
the horizon, a smaller power: `weight_power`)."""
SHORT_POWER = 1
"""The power of `inverse_error_weights` for a series validated on `SOFT_STEPS` steps or
fewer, short of the horizon, alone in its file (`weight_power`)."""
SOFT_STEPS = 3
"""The most steps ahead a series may be validated on and still be weighed more softly than
`POWER` (`weight_power`)."""
PRIOR_SERIES = 30
"""How many series a file needs for its panel prior to count half (`panel_prior`)."""
GROUP_LEAST = 30
"""The fewest validation windows a group of series is calibrated on alone
(`grouped_halfwidths`); a smaller group takes the half-widths of the whole file."""
FULL, SHORT = "full", "short"
"""The interval groups (`interval_group`): series validated on every step of the horizon,
and the others."""


@dataclass
class ValidationPlan:
    """Where one series is validated: `origins` (positions of the last point each window
    fits on, oldest first) and `horizon` (the steps scored after each)."""

    origins: np.ndarray
    horizon: int

    @property
    def windows(self) -> int:
        return len(self.origins)


def plan_validation(n: int, horizon: int, *, windows: int = WINDOWS,
                    step: int | None = None, season_length: int = 1) -> ValidationPlan:
    """Up to `windows` origins for a series of `n` points, `step` apart (default: a third
    of the horizon, at least 1), the last one `horizon` points before the end (with no room
    for a horizon after `MIN_TRAIN` points, a shorter one; with no room at all, no windows).

    By default every origin leaves what the models fit on at the end, in proportion: at
    least `FIT_SHARE` of the series, `FIT_POINTS` points and, with a season (`season_length`
    above 1), two seasons and a point. On a short series the step shrinks first (to 1), then
    the validation horizon (to `MIN_HORIZON`): a model is scored a few steps ahead from
    nearly the whole series rather than the whole horizon from a fraction of it, where the
    models rank differently (13 yearly points, horizon 6: windows of 3 to 7 points, on which
    AutoARIMA could not fit the trend it forecast best from 13). Measured on real short
    series (OWA against seasonal naive, before and after): the fertility rates of 80
    countries, 13 yearly points, 0.811 -> 0.618, and 18 points, 0.772 -> 0.614; M1's 181
    yearly series in one file, 0.724 -> 0.714; ten 54-point monthly stretches, 0.792 ->
    0.697; 32 yearly stretches, 0.752 -> 0.724; the development panel unchanged (0.622).
    """
    h = min(horizon, n - MIN_TRAIN)
    if h < 1:
        return ValidationPlan(np.zeros(0, dtype=int), 0)
    last = n - 1 - h
    if step is None:
        step = max(1, horizon // 3)
        want = max(FIT_POINTS, 2 * season_length + 1 if season_length > 1 else 0,
                   math.ceil(FIT_SHARE * n))
        if windows > 1:
            room = (last + 1 - want) // (windows - 1)
            step = max(1, min(step, room))
        if last - (windows - 1) * step + 1 < want:
            h = min(h, max(MIN_HORIZON, n - want - (windows - 1) * step))
            last = n - 1 - h
    origins = [last - k * step for k in range(windows) if last - k * step + 1 >= MIN_TRAIN]
    return ValidationPlan(np.asarray(origins[::-1], dtype=int), h)


def mase_scale(y: np.ndarray, m: int) -> float:
    """In-sample mean absolute seasonal-naive error (lag `m`; lag 1 when the history is too
    short for a season); falls back to the mean absolute value, then 1, for flat histories."""
    y = np.asarray(y, float)
    lag = m if len(y) > m else 1
    if len(y) > lag:
        scale = float(np.mean(np.abs(y[lag:] - y[:-lag])))
        if scale > 0 and math.isfinite(scale):
            return scale
        if lag > 1:
            return mase_scale(y, 1)
    scale = float(np.mean(np.abs(y))) if len(y) else 0.0
    return scale if scale > 0 and math.isfinite(scale) else 1.0


def weighted(paths: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    """The weighted mean of `paths` (arrays of one shape) by `weights` (summing to 1), added
    up in the order of the models' names, whatever the order of `weights` (a reloaded
    bundle's are sorted), so that the same weights always give the same forecast."""
    return sum(weights[k] * np.asarray(paths[k], dtype=float) for k in sorted(weights))


def score(paths: np.ndarray, truth: np.ndarray, scales: np.ndarray) -> float:
    """Mean over windows of the scaled mean absolute error: ``(windows, h)`` arrays."""
    err = np.abs(np.asarray(paths, float) - np.asarray(truth, float)).mean(axis=1)
    return float(np.mean(err / scales))


def inverse_error_weights(scores: dict[str, float], power: float = POWER
                          ) -> dict[str, float]:
    """Weights proportional to ``score ** -power``, summing to 1 (a score of 0, a perfect
    fit, takes all the weight)."""
    perfect = [k for k, v in scores.items() if v <= 1e-12]
    if perfect:
        return {k: 1.0 / len(perfect) for k in perfect}
    raw = {k: float(v) ** -power for k, v in scores.items()}
    total = sum(raw.values())
    return {k: v / total for k, v in raw.items()}


def best_weights(scores: dict[str, float]) -> dict[str, float]:
    """All the weight on the best-scoring model (the first of a tie; NaN never)."""
    finite = {k: v for k, v in scores.items() if math.isfinite(v)}
    if not finite:
        raise ValueError(f"best_weights needs at least one finite score; got {scores}")
    return {min(finite, key=finite.__getitem__): 1.0}


def zero_aware_score(paths: np.ndarray, truth: np.ndarray, scales: np.ndarray) -> float:
    """`score` plus the mean sMAPE as a fraction (0 to 2; 0 where forecast and truth are
    both 0): a forecast of a little demand in a period without any is as wrong as can be
    by sMAPE and nearly right by MASE."""
    return score(paths, truth, scales) + smape(truth, paths) / 100


@dataclass(frozen=True)
class Rule:
    """How a series' candidates are scored on its windows and weighted by their scores."""

    score: Callable[[np.ndarray, np.ndarray, np.ndarray], float]
    weigh: Callable[[dict[str, float]], dict[str, float]]


COMBINE = Rule(score, inverse_error_weights)
"""The rule of most series: MASE, and the mean weighted by inverse squared scores."""
PICK_INTERMITTENT = Rule(zero_aware_score, best_weights)
"""The rule of intermittent series: MASE plus sMAPE, and the best model alone.

Their errors are absolute, so the best forecast of a period without demand is 0, which a
mean of forecasts is only where every model forecast 0: one model that forecasts a little
demand everywhere makes the mean do so. And MASE barely tells such a model from one that
forecasts 0 where sMAPE tells them apart fully. Measured on captured fits of synthetic
intermittent panels (40 series each of six kinds: independent orders, low counts, seasonal,
trending and lumpy demand, demand that dies out) with `recent_median` among the candidates,
forecasts clipped at 0 as `Forecaster.predict` clips them, OWA against seasonal naive fell
on all 18 panels: weekly 0.65-1.62 -> 0.52-0.80, monthly 0.91-1.82 -> 0.78-1.05, daily
1.01-2.91 -> 0.72-1.01 (demand that dies out: 0.65 -> 0.58, 1.22 -> 0.98 and 2.91 -> 0.92,
once a series with 30% zeros in its last quarter counts as intermittent; 0.55, 1.14 and
1.82 while only its whole history counted, too few zeros in most). The median in the
weighted mean instead changed little (weekly independent orders 1.33 -> 1.30); the pick by
MASE alone often took the LSTM's small forecasts of demand (daily independent orders 1.24,
against 0.84; monthly seasonal demand 1.46 against 1.05); letting the naives into the pick
was worse on average (mean OWA 0.888 against 0.864) and on lumpy daily demand 1.07."""


def weight_power(validated_steps: int, horizon: int, series: int) -> float:
    """The power of `inverse_error_weights` for a series validated `validated_steps` steps
    ahead, forecast `horizon` steps, in a file of `series` series weighed by the same rule:
    `POWER`, except where the validation reaches only a few steps (`SOFT_STEPS` or fewer)
    short of the horizon: from `SHORT_POWER` (a series alone) toward `POWER` as the file's
    series inform the choice (``n / (n + PRIOR_SERIES)``, as `panel_prior` counts them).

    A short yearly series is scored two or three steps ahead on a dozen points, and the
    weights spread those scores over steps they never saw: the sharper the weighting, the
    more one lucky window decides the whole horizon. Measured on captured single-series fits
    (OWA against seasonal naive, power 2 -> 1): 167 yearly stretches of 13 and 18 points
    from 24 public series, horizon 6, 0.839 -> 0.824 (0.851 -> 0.840 without the two
    stretches of air miles, whose AutoARIMA on the logarithm grew exponentially past the
    validated steps); the 46 classic series 0.608 -> 0.594 (0.621 -> 0.620 without air
    miles). Not on longer validations: 40 monthly stretches of 54 points, validated 9 steps
    of 18, got worse with power 1 (0.833 -> 0.853), so they keep `POWER`. Files of many
    short series keep nearly `POWER`: their panel prior steadies the scores (the fertility
    rates of 192 countries, 13 and 18 points, 0.473 either way)."""
    if validated_steps >= horizon or validated_steps > SOFT_STEPS:
        return float(POWER)
    informed = series / (series + PRIOR_SERIES) if series > 1 else 0.0
    return SHORT_POWER + (POWER - SHORT_POWER) * informed


def combining(power: float) -> Rule:
    """`COMBINE` with weights proportional to ``score ** -power``."""
    return COMBINE if power == POWER else Rule(score, partial(inverse_error_weights,
                                                              power=power))


def panel_prior(scores: dict[str, dict[str, float]]) -> dict[str, float]:
    """Each model's factor on its validation scores in a file of several series: its mean
    relative score over the file (its score over the best one's on each series, capped at
    10), to the power ``n / (n + PRIOR_SERIES)`` for `n` series; none for a single series.

    A few windows of one series often rank the models by chance; across a file, a model
    that is usually far from the best (or usually the best) is so on this series too, and
    the more series, the more the file says. Measured on the captured candidates of whole
    files (OWA against seasonal naive, without -> with): the fertility rates of 80 countries,
    13 and 18 yearly points, 0.584 -> 0.560 and 0.584 -> 0.556 (AutoARIMA alone 0.580 and
    0.563), 46 points 0.664 -> 0.611; M1 yearly 0.706 -> 0.704; 60 monthly synthetic series
    0.601 -> 0.600; small files a little worse (Grunfeld, 33 series, 0.739 -> 0.744; 5
    copper series 0.938 -> 0.947).
    """
    n = len(scores)
    if n < 2:
        return {}
    relative: dict[str, list[float]] = {}
    for per_model in scores.values():
        best = max(min(per_model.values()), 1e-12)
        for k, v in per_model.items():
            relative.setdefault(k, []).append(min(v / best, 10.0))
    power = n / (n + PRIOR_SERIES)
    return {k: float(np.mean(v)) ** power for k, v in relative.items()}


def out_of_window_errors(paths: dict[str, np.ndarray], truth: np.ndarray, scales: np.ndarray,
                         factors: dict[str, float] | None = None, rule: Rule = COMBINE
                         ) -> np.ndarray:
    """The scaled errors ``(windows, h)`` of the weighted forecast of `paths` (the models'
    validation paths, ``(windows, h)`` each) on each window, its weights found on the other
    windows by `rule` (`COMBINE`: `inverse_error_weights` of their scores), the
    scores times `factors` (a panel prior, which the caller found on every window of the
    file); one window alone is weighted on itself.

    Weights found on the windows they are then scored on fit those windows' chance ups and
    downs, so the errors understate the errors to come, and intervals built from them are
    too narrow: measured on nine panels, the 80% intervals held 0.1 to 3.3 points more of
    the truths this way (fertility rates of 192 countries 75.8% -> 76.9%, M1 yearly 69.5%
    -> 71.4%, 54-point monthly stretches 81.7% -> 85.0%).
    """
    if not paths:
        raise ValueError("out_of_window_errors needs at least one model's paths")
    factors = factors or {}
    count = truth.shape[0]

    def chosen(rows: list[int], on: int) -> np.ndarray:
        scores = {k: rule.score(v[rows], truth[rows], scales[rows]) * factors.get(k, 1.0)
                  for k, v in paths.items()}
        w = rule.weigh(scores)
        return weighted({k: paths[k][on] for k in w}, w)

    everything = list(range(count))
    rows = [chosen([r for r in everything if r != j] if count > 1 else everything, j)
            for j in everything]
    return np.clip((np.asarray(rows) - truth) / scales[:, None], -1e6, 1e6)


def conformal_halfwidths(errors: np.ndarray, level: float, horizon: int) -> np.ndarray:
    """Half-widths per step, in units of a series' scale, from scaled validation errors
    ``(windows, steps)`` (NaN where a window had no such step) pooled over the panel.

    Each step's mean absolute error (made non-decreasing) spreads the pooled quantile over
    the steps; the validated steps end before the first step that fewer than half as many
    windows reached as the most-reached step (step 1), and the steps past them continue
    the line of the validated steps' mean errors (`_beyond`). With no errors at all, the
    half-width of a random walk with unit steps at the normal quantile.
    """
    steps = np.arange(1, horizon + 1)
    e = _validated_steps(errors)
    if e is None:
        z = _normal_quantile(0.5 + level / 2)
        return z * 1.25 * np.sqrt(steps)  # MAE 1 per step ~ standard deviation 1.25
    # A step no window reached inside the validated ones (possible in errors loaded from a
    # bundle) takes the step before's mean error: fmax passes over NaN.
    means = np.array([np.mean(c[np.isfinite(c)]) if np.isfinite(c).any() else np.nan
                      for c in e.T])
    spread = np.fmax.accumulate(np.fmax(means, 1e-9))
    pooled = (e / spread)[np.isfinite(e)]
    # Every (window, step) error is a calibration score. Counting windows instead (5 for a
    # series alone) made the correction take the largest error: on the development
    # panel's series without a break in their held-out years the intervals then held 95%
    # of the truths, against 82% so.
    count = len(pooled)
    corrected = min(1.0, math.ceil((count + 1) * level) / count)
    q = float(np.quantile(pooled, corrected))
    known = len(spread)
    scale = np.where(steps <= known, spread[np.minimum(steps, known) - 1],
                     _beyond(spread, steps))
    return q * scale


def _validated_steps(errors: np.ndarray) -> np.ndarray | None:
    """The absolute errors ``(windows, steps)`` of the validated steps, or None where there
    are none. Steps fewer than half the windows reached (the short series of a file are
    validated on fewer steps than the horizon) are not validated: the windows that reach
    them are those of the longer series, which err less, so those steps' mean errors would
    be too small (M1 yearly, 156 of 181 series validated 2 steps ahead: 71.4% -> 72.9%
    held). They are extrapolated from the validated steps like the steps past the
    horizon."""
    e = np.abs(np.asarray(errors, dtype=float))
    if e.size == 0 or not np.isfinite(e).any():
        return None
    counts = np.isfinite(e).sum(axis=0)
    width = int(np.flatnonzero(counts * 2 >= counts.max())[-1]) + 1
    return e[:, :width]


def too_few_errors(errors: np.ndarray, level: float) -> tuple[int, int] | None:
    """Where the validation errors ``(windows, steps)`` are too few for a `level` interval
    that is a quantile of them (`conformal_halfwidths` then takes the largest, which holds
    fewer than `level` of new errors): how many there are and the fewest that tell one
    (split conformal: ``ceil((n + 1) * level) <= n``); None where they are enough, or where
    there are none (a random walk's interval)."""
    e = _validated_steps(errors)
    count = 0 if e is None else int(np.isfinite(e).sum())
    needed = math.ceil(level / (1 - level) - 1e-9)
    return (count, needed) if 0 < count < needed else None


def interval_group(validated_steps: int, horizon: int) -> str:
    """The group a series' intervals are calibrated in: `FULL` when it was validated on
    every step of the `horizon`, `SHORT` when on fewer (a short series, see
    `plan_validation`) or on none."""
    return FULL if validated_steps >= horizon else SHORT


def grouped_halfwidths(errors: dict[str, np.ndarray], level: float, horizon: int,
                       least: int = GROUP_LEAST) -> dict[str, np.ndarray]:
    """`conformal_halfwidths` per group of series (Mondrian conformal), never narrower than
    the whole file's: each group's from its own scaled validation errors ``(windows,
    steps)`` where it has `least` windows or more and they are wider, the whole file's
    pooled errors' otherwise (and where there is one group); a group without errors of its
    own (series too short to validate) never narrower than a random walk's either.

    Short series validated a few steps ahead err more, relative to their scale, than the
    long series that dominate a file's pooled errors. Measured on fits of the synthetic
    files of `benchmarks/forecast_panels.py` (80% intervals, share of truths held, pooled
    -> grouped): weekly 72.8% -> 79.9% (the series validated on fewer steps 64% -> 82%),
    daily 74.2% -> 82.2% (51% -> 91%), monthly 74.9% -> 80.3%, quarterly 75.6% -> 82.3%,
    yearly 84.1% -> 84.6%; the fertility rates (one group) and M1's yearly series (75.5%,
    its 3 fully validated series too few to calibrate apart) unchanged; a series alone is
    one group. A group's own errors narrower than the file's held too few: the yearly
    file's 23 long series, the smaller group, held 68% on their own errors, 82% on the
    file's.
    """
    pooled = np.concatenate(list(errors.values())) if errors else np.zeros((0, horizon))
    whole = conformal_halfwidths(pooled, level, horizon)
    apart = calibrated_apart(errors, least)
    # A group without errors of its own (series too short to validate) takes the file's,
    # never narrower than a random walk's (`conformal_halfwidths` of no errors): beside a
    # series its models fit exactly, the file's errors are all 0.
    return {g: np.maximum(conformal_halfwidths(e, level, horizon), whole)
            if g in apart or not len(e) else whole for g, e in errors.items()}


def calibrated_apart(errors: dict[str, np.ndarray], least: int = GROUP_LEAST) -> set[str]:
    """The groups of `errors` (group -> ``(windows, steps)``) that `grouped_halfwidths`
    calibrates on their own errors: in a file of two groups or more, those with `least`
    windows or more."""
    return {g for g, e in errors.items() if len(errors) > 1 and len(e) >= least}


def _beyond(spread: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """The mean errors of `steps` past the validated ones (`spread`, one per validated
    step): on the straight line through the first and the last validated step's, as the
    errors of a level known to within noise and a trend known to within a slope grow
    (``a + b * step``), kept between a random walk's growth from the last validated step
    (its square root) and an uncertain trend's (in proportion to the step). A random walk's
    with one validated step.

    Measured on captured fits (80% intervals, share of truths held), against the power of
    the step fitted through the same two points: M1 yearly 72.9% -> 75.1%, fertility rates
    of 13 and 18 points 75.5% -> 77.3% and 76.7% -> 77.8% (end to end: 75.1%, 77.1% and
    77.7%); short yearly and monthly stretches fitted one by one, whose few errors already
    give wide intervals, 84.4% -> 86.5% and 86.1% -> 87.8%. Its far steps held 62% to 69%
    on M1, which the power grew too slowly for."""
    known = len(spread)
    last = spread[-1]
    walk = last * np.sqrt(steps / known)
    if known < 2:
        return walk
    slope = (last - spread[0]) / (known - 1)
    return np.clip(last + (steps - known) * slope, walk, last * steps / known)


def _normal_quantile(p: float) -> float:
    from statistics import NormalDist

    return NormalDist().inv_cdf(min(max(p, 1e-9), 1 - 1e-9))
