"""`Forecaster`: every series of a file forecast, by the method that validates best for it.

An orchestrator over interchangeable models, as statsforecast's is: the global LSTM hybrid
(`seqlab.forecast.lstm`, one model over all series), the statistical models and the naives
(`seqlab.forecast.models`), and combinations of them (`seqlab.forecast.selection`). Each
series is scored by rolling-origin validation over several windows and forecast by the
candidates weighted by their scores (an intermittent series: by the one that scored best).
Series too short for validation go down a ladder instead of being refused: a combination of
the statistical models that can fit them, then naive (one or two points: a flat forecast).
The per-series work runs in a process pool (`workers`); the LSTM trains once, batched over
every series long enough for it. Under torchrun the series are divided among the
processes, the LSTM trains data-parallel, and rank 0 alone writes.
"""

from __future__ import annotations

import math
import os
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import torch

from seqlab._validation import check_float, check_int
from seqlab.errors import NotFittedError, ValidationError, WorkerError
from seqlab.forecast import selection
from seqlab.forecast._reading import describe_freq, freq_words, label
from seqlab.forecast.data import (
    MAX_SEASON,
    FutureCovariates,
    SeriesData,
    calendar_features,
    check_covariates,
    freq_offset,
    future_index,
    prepare,
    read_csv,
    read_future_covariates,
)
from seqlab.forecast.lstm import (
    MIN_WINDOW,
    NOISE_SCALE,
    NOISY_COPIES,
    WINDOW_FACTOR,
    LSTMHybrid,
    lstm_needs,
    lstm_window,
)
from seqlab.forecast.models import (
    CLASSICAL,
    ETS_FORMS,
    INTERMITTENT,
    INTERMITTENT_ZEROS,
    SEARCHED,
    is_intermittent,
    model_spec,
    safe_forecast,
    usable_season,
)
from seqlab.train.distributed import World, world

__all__ = ["Forecaster", "FitReport", "METHODS", "LSTM_METHODS", "check_methods"]

METHODS = ("lstm", "lstm_noisy", *CLASSICAL, *INTERMITTENT)
"""The single models a fit may use; `Forecaster(methods=...)` picks among them."""
LSTM_METHODS = ("lstm", "lstm_noisy")
"""The LSTM hybrid, trained on the series (`lstm`) and on the series and noisy copies of
them (`lstm_noisy`, `seqlab.forecast.lstm.NOISY_COPIES`): two candidates, weighed per
series as the others are. By default the noisy one is trained only where the file's
windows leave room for all the copies under `seqlab.forecast.lstm.TOTAL_WINDOWS` (a file
of one or a few series: about 1,000 windows or fewer); `methods` naming it trains it
anywhere. Fits of one series (OWA against seasonal naive, 3 seeds, the fits run anew):
- the development panel 0.607 -> 0.587, every seed better;
- 19 classic series 0.553 -> 0.544, every seed better;
- 24 monthly stretches of 36 points 0.576 either way (the LSTM reads none of them).

In place of the plain LSTM (captured fits) the noisy one scored 0.586 and 0.563: it helps
the noisy and trending series (macro, Nile, lynx) and hurts some seasonal ones
(AirPassengers, the seatbelts' KSI), so each series' validation weighs the two. Choosing
one of the two for a whole file by validation scored 0.595 and 0.562. In a file of many
series the global model already has windows enough: on 192 fertility rates of 46 yearly
points (about 3,800 windows, room for 2 copies) the twin took OWA from 0.451 to 0.461."""
_HYBRIDS = {"lstm": "lstm_", "lstm_noisy": "noisy_lstm_"}
NAIVES = ("naive", "seasonal_naive")
"""Scored as benchmarks; weighted in only when no other model could be fitted (on the
development panel, weighting them in made the panel worse: OWA 0.671 against 0.626)."""
LABELS = ("ensemble", "combo")
"""Method labels beside the single models: a validation-weighted mean of several models,
and the plain mean of the statistical models that fit a series too short to validate."""
NUMBERING_SHIFTS = 5
"""How many steps either way new numbered data are compared at, to tell their numbering
from another (`Forecaster._numbered_alike`)."""
REBASED_STEPS = 3
"""New data that restate fitted values (`Forecaster._joined`) are a rebased history, the
new data's alone, where they restate at least `REBASED_FROM` and move them, by the median,
by more than this many of the series' mean absolute steps (`selection.mase_scale` at lag
1); smaller moves, or one or two values moved, are revisions of the fitted values,
joined."""
REBASED_FROM = 3
"""The fewest restated values that can show a rebased history (`REBASED_STEPS`): one or two
values far off are corrections."""
PARALLEL_FROM = 8
"""Series from which the per-series work goes to a process pool (workers permitting)."""
SCALE_FROM = 1000
"""Series from which a file counts as large: unless `methods` says otherwise, AutoARIMA (on
the values and on their logarithm; its order search is 85% of the per-series time: 0.87
CPU-s a fit at 120 monthly points, against 0.10 for AutoETS and 0.01 for AutoTheta and
AutoCES) is left out, each series is validated on `SCALE_WINDOWS` windows, AutoETS
searches the forms of `SCALE_ETS_FORMS` only, and the final fits of `SCALE_REUSES` reuse
the specification found on a window instead of searching again."""
SCALE_WINDOWS = 2
"""Validation windows per series in a large file."""
SCALE_ETS_FORMS = "AZZ"
"""The ETS forms AutoETS searches in a large file: additive errors (6 of the 15 forms, a
third of the search time). An error's form changes the fit's weighting and the model's own
intervals, not the shapes a point forecast may take, except that multiplicative seasons
need multiplicative errors; Theta and the LSTM still follow those. On the scale
benchmark's 1,000 series, OWA 0.987 either way, 320 -> 216 s under load."""
SCALE_WINDOW_FACTOR = 1
"""The LSTM's input length in a large file, in seasons or horizons (`lstm.WINDOW_FACTOR`
elsewhere): the 10,000 series of the scale benchmark took 570 s of the 600 the issue
allows, and a step of the recurrence costs in proportion to the input's length."""
SLOW_METHODS = ("arima", "arima_log")
FINAL_REUSES = ("arima", "arima_log")
"""The models whose final fit reuses the specification searched on a window; the others
search again on the whole history."""
SCALE_REUSES = ("ets", "theta", "ces")
"""The models whose final fit reuses the searched specification too in a large file."""
SPEC_FROM = {"seasonal": 60, "plain": 30}
"""Points (of the first window, with and without a season) from which a window's searched
specification is fitted again on the later windows instead of searched anew. Without a
season, 30: AutoARIMA's order searches at every window (twice, on the values and on their
logarithm) were most of the time of yearly series of 30 to 60 points, and reusing them made
statsmodels' 192 fertility series of 46 points 3 times faster and better (OWA 0.487 ->
0.454; M1 yearly 0.704 -> 0.703, the development panel 0.620 either way). With a season it
stays 60: orders found on 40 monthly points forecast 54-point monthly stretches worse (OWA
0.700 -> 0.804)."""


@dataclass
class FitReport:
    """What `fit` chose and measured (also stored in the bundle)."""

    model: str
    methods: dict[str, str]
    validation: dict[str, dict[str, float]]
    windows: dict[str, int]
    lstm: dict[str, Any]
    seconds: float
    notes: list[str] = field(default_factory=list)
    weights: dict[str, dict[str, float]] = field(default_factory=dict)

    def method_counts(self) -> dict[str, int]:
        """How many series each method forecast."""
        return _counts(self.methods)


@dataclass
class _SeriesFit:
    """One series' part of the fit: its validation paths and final forecasts per model."""

    validation: dict[str, np.ndarray]
    final: dict[str, np.ndarray]
    scales: np.ndarray
    failed: list[str]
    arima: dict | None = None


@dataclass(frozen=True)
class _Search:
    """How a fit searches: the methods `allowed`, the validation `windows` per series, the
    models whose final fit `reuse`s their searched specification, the `ets_forms`
    AutoETS searches among, and the LSTM's input length in seasons or horizons
    (`lstm.WINDOW_FACTOR`)."""

    allowed: list[str]
    windows: int
    reuse: tuple[str, ...] = FINAL_REUSES
    ets_forms: str = ETS_FORMS
    lstm_factor: int = WINDOW_FACTOR


class _Work(NamedTuple):
    """One series' classical work (picklable, for the process pool): its values, the
    horizon, the season, the validation origins and steps, the models, and the models
    whose final fit reuses their searched specification and the ETS forms searched."""

    y: np.ndarray
    horizon: int
    m: int
    origins: np.ndarray
    h_val: int
    names: list[str]
    reuse: tuple[str, ...] = FINAL_REUSES
    ets_forms: str = ETS_FORMS


def check_level(level: Any, owner: str) -> float:
    """`level` as a float in (0, 0.999] (a `ValidationError` naming it and `owner`
    otherwise); a percentage, 50 to 99.9, is refused with the share it stands for."""
    if isinstance(level, (int, float)) and not isinstance(level, bool) and 50 <= level < 100:
        raise ValidationError(f"The 'level' parameter of {owner} is a share of the "
                              f"truths an interval holds, in (0, 0.999]; got {level:g}: for "
                              f"{level:g}%, give {level / 100:g}.")
    return check_float("level", level, owner, low=0.0, high=0.999, low_open=True)


def check_methods(parameter: str, methods: Any) -> None:
    """Refuse `methods` (the value of `parameter`) unless it is a non-empty list or tuple of
    `METHODS`."""
    if not isinstance(methods, (list, tuple)) or not methods:
        raise ValidationError(f"The {parameter!r} parameter must be a non-empty list of "
                              f"{list(METHODS)}; got {methods!r}.")
    unknown = [k for k in methods if k not in METHODS]
    if unknown:
        cased = [k.lower() for k in unknown if isinstance(k, str) and k.lower() in METHODS]
        hint = f" (names are lower case: {cased})" if cased else ""
        raise ValidationError(f"The {parameter!r} parameter names {unknown}, which are not "
                              f"forecasting methods{hint}; choose among {list(METHODS)}.")


def _not_as_fitted(name: str, given: Any, fitted: Any) -> ValidationError:
    """The error for a reading option of `read` given otherwise than the model was fitted
    with."""
    return ValidationError(f"The {name!r} parameter is {given!r}, but the model was fitted "
                           f"with {fitted!r}; new data are read as the fitted data were. Drop "
                           "it, or fit a new model.")


def _classical_work(args: tuple) -> _SeriesFit:
    """Validation and final forecasts of the classical models for one series (`_Work`)."""
    y, horizon, m, origins, h_val, names, reuse, forms = _Work(*args)
    torch.set_num_threads(1)
    validation: dict[str, np.ndarray] = {}
    final: dict[str, np.ndarray] = {}
    failed = []
    arima = None
    for name in names:
        # On long series the searched models (AutoARIMA, AutoETS, AutoTheta, AutoCES)
        # search their specification once, on the first window that holds the season the
        # whole series does; the later windows fit that specification again (the search is
        # most of their time). AutoARIMA's final fits do too (the order on the values is
        # kept for refits: `arima_`); the others search again on the whole history except
        # in a large file (`reuse`). Short series (`SPEC_FROM`) search every time.
        spec = None
        if name in SEARCHED:
            season = usable_season(len(y), m)
            first = next((o for o in origins if usable_season(o + 1, m) == season), None)
            enough = SPEC_FROM["seasonal" if season > 1 else "plain"]
            if first is not None and first + 1 >= enough:
                spec = model_spec(name, y[:first + 1], m, forms)
        if name == "arima":
            arima = spec
        paths, fitted_windows = [], 0
        for o in origins:
            path, fitted = safe_forecast(name, y[:o + 1], h_val, m, spec, forms)
            fitted_windows += fitted
            paths.append(path)
        path, fitted = safe_forecast(name, y, horizon, m, spec if name in reuse else None,
                                     forms)
        # A model that fits the whole series but not some (shorter) windows is scored with
        # the naive forecast it falls back to there; one that fits no window is left out.
        if not fitted or (len(origins) and not fitted_windows):
            failed.append(name)
            continue
        if len(origins):
            validation[name] = np.asarray(paths)
        final[name] = path
    scales = np.array([selection.mase_scale(y[:o + 1], m) for o in origins])
    return _SeriesFit(validation, final, scales, failed, arima)


def _classical_jobs(series: dict[str, np.ndarray], plans: dict[str, Any], search: _Search,
                    H: int, m: int) -> dict[str, _Work]:
    """The `_classical_work` of each series that is neither constant nor of 1 or 2 points:
    the classical candidates `search` allows, and the intermittent-demand ones for series
    with many zeros."""
    classical = [k for k in search.allowed if k in CLASSICAL]
    intermittent = [k for k in search.allowed if k in INTERMITTENT]
    return {name: _Work(y, H, m, plans[name].origins, plans[name].horizon,
                        (intermittent if is_intermittent(y, m) else []) + classical,
                        search.reuse, search.ets_forms)
            for name, y in series.items() if np.ptp(y) > 0 and len(y) > 2}


@dataclass
class _Choice:
    """One series' outcome of the validation: its weight per method, the final forecasts
    they weigh, whether it was validated, its scores, and the chosen forecast's
    out-of-window errors ``(windows, horizon)`` for the intervals (None unvalidated)."""

    weights: dict[str, float]
    final: dict[str, np.ndarray]
    validated: bool = False
    validation: dict[str, float] = field(default_factory=dict)
    errors: np.ndarray | None = None


def _interval_errors(choices: dict[str, _Choice], plans: dict[str, Any], H: int
                     ) -> tuple[dict[str, str], dict[str, np.ndarray]]:
    """Each series' interval group (`selection.interval_group`: validated on every step of
    the horizon or not) and each group's out-of-window errors, stacked ``(windows, H)``."""
    groups = {k: selection.interval_group(plans[k].horizon if c.errors is not None else 0, H)
              for k, c in choices.items()}
    errors = {g: np.concatenate([np.zeros((0, H))] + [
                  c.errors for k, c in choices.items() if groups[k] == g and c.errors is not None])
              for g in sorted(set(groups.values()))}
    return groups, errors


def _choose(series: dict[str, np.ndarray], plans: dict[str, Any], fits: dict[str, _SeriesFit],
            lstm_paths: dict[str, dict[str, np.ndarray]], H: int, m: int, notes: list[str],
            lags: dict[str, int]) -> dict[str, _Choice]:
    """Each series' weights: its candidates' validation scores (the naives only where
    nothing else scored), times the panel prior (`selection.panel_prior`) of the file's
    series under the same rule, weighted by `selection.inverse_error_weights` (less
    sharply for a series validated only a few steps ahead: `selection.weight_power`);
    an intermittent series takes the one model that scores best by MASE plus sMAPE, its
    paths clipped at 0 as its forecast will be (`selection.PICK_INTERMITTENT`). A series too
    short to validate goes down the ladder; one of 1 or 2 points, or constant, is forecast
    flat. The out-of-window errors for the intervals are in units of each window's MASE
    scale at the series' interval lag (`lags`), the unit its interval is drawn in."""
    choices: dict[str, _Choice] = {}
    scored: dict[str, tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, dict,
                            selection.Rule]] = {}
    unvalidated: dict[str, list[str]] = {"flat": [], "constant": [], "ladder": []}
    for name, y in series.items():
        if len(y) <= 2 or np.ptp(y) == 0:
            choices[name] = _Choice({"naive": 1.0}, {"naive": np.full(H, float(y[-1]))})
            unvalidated["flat" if len(y) <= 2 else "constant"].append(
                f"{name!r} has {len(y)} point(s): forecast flat (naive)" if len(y) <= 2
                else f"{name!r} is constant: forecast as {y[-1]:g}")
            continue
        fit = fits[name]
        fit.final.setdefault("naive", np.full(H, float(y[-1])))
        plan = plans[name]
        if plan.windows == 0:
            choices[name] = _Choice(_ladder(fit.final), fit.final)
            unvalidated["ladder"].append(
                f"{name!r} has {len(y)} points, too few to validate on: forecast by "
                f"{_label(choices[name].weights, validated=False)}")
            continue
        paths = dict(fit.validation)
        for method, by_series in lstm_paths.items():
            if name in by_series and np.all(np.isfinite(by_series[name])):
                paths[method] = by_series[name]
        rule = selection.PICK_INTERMITTENT if is_intermittent(y, m) else selection.COMBINE
        if rule is selection.PICK_INTERMITTENT:  # scored as delivered: clipped at 0
            paths = {k: np.maximum(v, 0.0) for k, v in paths.items()}
        truth = np.array([y[o + 1:o + 1 + plan.horizon] for o in plan.origins])
        scores = {k: selection.score(v, truth, fit.scales) for k, v in paths.items()}
        scores = {k: v for k, v in scores.items() if math.isfinite(v)}
        choices[name] = _Choice({"naive": 1.0}, fit.final, True,
                                {k: round(v, 6) for k, v in scores.items()})
        pool = [k for k in scores if k not in NAIVES] or list(scores)
        if pool:
            scored[name] = (paths, truth, fit.scales,
                            {k: rule.score(paths[k], truth, fit.scales) for k in pool}, rule)
    notes += [note for said in unvalidated.values() for note in _summarised(said)]
    # A file's series inform each other's choice: each model's scores are multiplied by
    # how it fared across the series of the file scored by the same rule.
    priors = {rule: selection.panel_prior({k: s[3] for k, s in scored.items() if s[4] is rule})
              for rule in (selection.COMBINE, selection.PICK_INTERMITTENT)}
    sharing = Counter(s[4] for s in scored.values())
    for name, (paths, truth, scales, pool, rule) in scored.items():
        choice, prior = choices[name], priors[rule]
        if rule is selection.COMBINE:  # short validations weigh less sharply
            rule = selection.combining(selection.weight_power(truth.shape[1], H,
                                                              sharing[rule]))
        choice.weights = rule.weigh({k: v * prior.get(k, 1.0) for k, v in pool.items()})
        chosen = selection.weighted(paths, choice.weights)
        choice.validation["ensemble"] = round(selection.score(chosen, truth, scales), 6)
        err = selection.out_of_window_errors({k: paths[k] for k in pool}, truth, scales, prior,
                                             rule)
        if lags[name] != m:  # at the season, `scales` are those units already
            units = np.array([selection.mase_scale(series[name][:o + 1], lags[name])
                              for o in plans[name].origins])
            err = err * (scales / units)[:, None]
        choice.errors = np.pad(err, ((0, 0), (0, H - truth.shape[1])), constant_values=np.nan)
    picked = sum(s[4] is selection.PICK_INTERMITTENT for s in scored.values())
    if picked:
        notes.append(f"{picked} intermittent series ({INTERMITTENT_ZEROS:.0%} zeros or more, "
                     "overall or in the last quarter): each forecast by the one model that "
                     "scored best by MASE plus sMAPE, not a weighted mean")
    return choices


class Forecaster:
    """Forecast every series of a file `horizon` steps ahead, with prediction intervals.

    Parameters
    ----------
    horizon:
        Steps to forecast.
    level:
        Coverage of the prediction intervals, e.g. 0.8 for an 80% interval.
    methods:
        The single models to choose among (see `METHODS`; combinations of them are
        candidates too); None for all. ``["lstm"]`` forces the LSTM hybrid where a series is
        long enough for it (shorter ones still go down the ladder); ``lstm_noisy`` is
        the hybrid trained on noisy copies as well (`LSTM_METHODS`).
    members:
        LSTMs in the hybrid's median ensemble (different seeds).
    seed:
        Seed of the first member (members use seed, seed+1, ...).
    workers:
        Processes for the per-series work; None: the CPU count for files of at least 8
        series, else 1.
    date_column, freq, fill, covariates, season_length, id_column, value_column:
        How to read the data (see `seqlab.forecast.prepare`). Covariates are inputs of the
        LSTM hybrid: past-only, unless `fit` is given their future values
        (`future_covariates`), which makes them known-future inputs.
    calendar:
        Give the LSTM hybrid the calendar position (month, weekday, ...) of the dates it
        forecasts, as known-future inputs (yearly dates and numbered steps have none: a note
        says it is unused).
    units, window, max_epochs, patience, min_epochs, lr:
        The LSTM hybrid's network and training; ``window=None`` picks the input length from
        the season, the horizon and the series' lengths.
    sequential:
        Train the LSTM hybrid's members one after another instead of together as one
        batched model where that is faster (same results, to float rounding).
    """

    def __init__(self, horizon: int, *, level: float = 0.8, methods: list[str] | None = None,
                 members: int = 5, seed: int = 0, workers: int | None = None,
                 date_column: str | None = None, freq: str | None = None,
                 fill: str | None = None, covariates: list[str] | None = None,
                 season_length: int | None = None, id_column: str | None = None,
                 value_column: str | None = None, calendar: bool = False,
                 units: int = 32, window: int | None = None,
                 max_epochs: int = 80, patience: int = 10, min_epochs: int = 10,
                 lr: float = 3e-3, sequential: bool = False):
        self.horizon = horizon
        self.level = level
        self.methods = methods
        self.members = members
        self.seed = seed
        self.workers = workers
        self.date_column = date_column
        self.freq = freq
        self.fill = fill
        self.covariates = covariates
        self.season_length = season_length
        self.id_column = id_column
        self.value_column = value_column
        self.calendar = calendar
        self.units = units
        self.window = window
        self.max_epochs = max_epochs
        self.patience = patience
        self.min_epochs = min_epochs
        self.lr = lr
        self.sequential = sequential

    # ------------------------------------------------------------------ checks
    def check_params(self) -> None:
        """Refuse settings out of range (a `ValidationError` naming the parameter), before
        any data are read: `fit` calls it first; `backtest` too, whichever methods it
        scores."""
        owner = "Forecaster"
        check_int("horizon", self.horizon, owner, low=1)
        check_level(self.level, owner)
        check_int("members", self.members, owner, low=1, high=100)
        check_int("seed", self.seed, owner, low=0)
        if self.workers is not None:
            check_int("workers", self.workers, owner, low=1, high=256)
        if self.methods is not None:
            check_methods("methods", self.methods)
        check_int("units", self.units, owner, low=1, high=1024)
        if self.window is not None:
            check_int("window", self.window, owner, low=1)
        if self.season_length is not None:
            check_int("season_length", self.season_length, owner, low=1, high=MAX_SEASON)
        check_int("max_epochs", self.max_epochs, owner, low=1)
        check_int("patience", self.patience, owner, low=1)
        check_int("min_epochs", self.min_epochs, owner, low=0)
        check_float("lr", self.lr, owner, low=0.0, low_open=True)
        for name in ("sequential", "calendar"):  # calendar='no' was taken as True
            if not isinstance(getattr(self, name), bool):
                raise ValidationError(f"The {name!r} parameter of Forecaster must be a bool. "
                                      f"Got {getattr(self, name)!r} instead.")
        check_covariates(self.covariates, owner)

    def _read_options(self) -> dict[str, Any]:
        options: dict[str, Any] = dict(date_column=self.date_column, freq=self.freq,
                                       fill=self.fill, covariates=self.covariates,
                                       season_length=self.season_length)
        if self.id_column is not None:
            options["id_column"] = self.id_column
        if self.value_column is not None:
            options["value_column"] = self.value_column
        return options

    def _read(self, data: Any) -> SeriesData:
        if isinstance(data, SeriesData):
            return data
        if isinstance(data, (str, Path)):
            return read_csv(data, **self._read_options())
        return prepare(data, **self._read_options())

    # --------------------------------------------------------------------- fit
    def fit(self, data: Any, *, future_covariates: Any = None,
            progress: Callable[[str], None] | None = None) -> Forecaster:
        """Score every candidate on every series by rolling-origin validation, keep the best
        per series, and forecast. `future_covariates` (a CSV path, a frame or a named Series, see
        `seqlab.forecast.read_future_covariates`) gives covariates' values over the horizon;
        `progress` receives a line per stage of the work.

        Trains with one CPU thread (these small LSTMs run fastest so) and restores torch's
        setting afterwards.
        """
        if progress is not None and not callable(progress):
            raise ValidationError(f"The 'progress' parameter of Forecaster.fit must be a "
                                  f"function taking a line (print, say) or None; got "
                                  f"{progress!r:.60}.")
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return self._fit(data, future_covariates, progress or (lambda line: None))
        finally:
            torch.set_num_threads(threads)

    def _future(self, sd: SeriesData, source: Any, H: int) -> FutureCovariates | None:
        if source is None or isinstance(source, FutureCovariates):
            return source
        return read_future_covariates(source, sd, H, date_column=self.date_column,
                                      id_column=self.id_column)

    def _inputs(self, sd: SeriesData, names: list[str], future: FutureCovariates | None,
                H: int) -> dict[str, np.ndarray] | None:
        """The LSTM's extra inputs per series, one row per point: past-only covariates at
        the point, known-future ones (and the calendar) H steps after it, so that the
        window ending at the last point sees the whole horizon's values."""
        known = list(future.names) if future is not None else []
        if not (self.calendar or sd.covariate_names):
            return None
        out = {}
        for name in names:
            index = sd.series(name).index
            columns = []
            past = sd.covariates_of(name)
            if past is not None:
                for column in past.columns:
                    values = past[column].to_numpy(float)
                    if column in known:
                        ahead = future.of(name)[column].to_numpy(float)  # type: ignore[union-attr]
                        values = np.concatenate([values, ahead])[H:]
                    columns.append(values)
            if self.calendar:
                dates = index.append(future_index(index, sd.freq, H))
                table = calendar_features(dates, sd.freq).to_numpy(float)[H:]
                columns.extend(table.T)
            out[name] = (np.stack(columns, axis=1) if columns
                         else np.zeros((len(index), 0)))
        if not any(v.shape[1] for v in out.values()):
            return None
        return out

    def _fit(self, data: Any, future_source: Any, say: Callable[[str], None]) -> Forecaster:
        started = time.perf_counter()
        self.check_params()
        sd = self._read(data)
        H, m = self.horizon, sd.season_length
        future_index(sd.values.index, sd.freq, H)  # from the latest end: dates pandas holds
        series = {name: sd.series(name).to_numpy(float) for name in sd.names}
        future = self._future(sd, future_source, H)
        self.future_names_ = [] if future is None else list(future.names)
        self.freq_ = sd.freq
        self.season_length_ = m
        self.series_names_ = list(series)
        self.data_ = sd
        search, notes = self._candidates(sd, len(series))
        notes += future.notes if future is not None else []
        allowed = search.allowed
        plans = {k: selection.plan_validation(len(y), H, windows=search.windows,
                                              season_length=m)
                 for k, y in series.items()}
        window_counts = {k: p.windows for k, p in plans.items()}

        # The classical models, per series: started first, in a process pool for large
        # files, so that they run while this process trains the global LSTM.
        jobs = _classical_jobs(series, plans, search, H, m)
        if jobs:
            say(f"scoring {len(allowed)} method(s) on {len(jobs)} series by rolling-origin "
                f"validation")
        with self._classical(jobs, say) as classical_results:
            # The global LSTM: every series long enough for its windows and validation.
            # Its final ensemble is trained at once: every series it validated on weighs
            # it in (the weights are inverse errors), so it is needed unless it failed.
            lstm_paths: dict[str, dict[str, np.ndarray]] = {}
            self.lstm_: LSTMHybrid | None = None
            self.noisy_lstm_: LSTMHybrid | None = None
            if any(k in allowed for k in LSTM_METHODS):
                lstm_paths = self._validate_lstm(series, plans, m, notes, say, sd, future,
                                                 allowed, search.lstm_factor)
            lstm_finals = self._final_lstm(series, sd, future, say) if lstm_paths else {}
            fits = classical_results()
        if self.methods is not None:  # the models asked for: where one failed, say so
            notes += _unfitted(fits, series)

        lags = _lags_of_plans(plans, m)
        choices = _choose(series, plans, fits, lstm_paths, H, m, notes, lags)
        weights = {k: c.weights for k, c in choices.items()}
        finals = {k: c.final for k, c in choices.items()}
        validation = {k: c.validation for k, c in choices.items() if c.validated}
        for method, attribute in _HYBRIDS.items():
            if any(method in w for w in weights.values()):
                for name, path in lstm_finals.get(method, {}).items():
                    finals[name][method] = path
            else:
                setattr(self, attribute, None)  # no series uses it: nothing to keep
        self.weights_ = weights
        self.arima_ = {k: fits[k].arima if k in fits and "arima" in weights[k] else None
                       for k in series}
        self.methods_ = {k: _label(w, validated=k in validation) for k, w in weights.items()}
        self.paths_ = {k: selection.weighted(finals[k], weights[k]) for k in series}
        methods = self.methods_
        self.scales_, self.nonnegative_ = _scales_and_signs(series, lags)
        self.interval_groups_, self.errors_ = _interval_errors(choices, plans, H)
        self.unit_halfwidth_ = selection.grouped_halfwidths(self.errors_, self.level, H)
        few = selection.too_few_errors(np.concatenate([np.zeros((0, H)), *self.errors_.values()]),
                                       self.level)
        if few:
            shown = f"{self.level * 100:g}%"
            notes.append(f"the {shown} intervals rest on the largest of the {few[0]} "
                         f"validation errors, too few to tell a {shown} interval (that needs "
                         f"{few[1]}): they may hold fewer than {shown} of the truths (a lower "
                         "level, or longer series, give one)")
        if selection.SHORT in selection.calibrated_apart(self.errors_):
            short = sum(g == selection.SHORT and k in validation
                        for k, g in self.interval_groups_.items())
            notes.append(f"the intervals of the {short} series validated on fewer steps than "
                         f"the horizon are calibrated apart, on their own errors where those "
                         f"are wider than the file's")
        report = FitReport(_describe(methods), methods, validation, window_counts,
                           self._lstm_summary(), time.perf_counter() - started, notes,
                           {k: {m: round(v, 6) for m, v in w.items()}
                            for k, w in weights.items()})
        self.report_ = report
        return self

    def _interval_lags(self) -> dict[str, int]:
        """Each series' lag for the MASE scale its interval is drawn in: 1 where the
        shortest history it is validated on (that of its first window, `plan_validation` of
        the fitted data) spans one season or less, its season length otherwise. A window's
        MASE scale falls back to lag 1 on a history that short, so validation errors and
        interval are then in one unit: a monthly series of 14 points, its errors scaled by
        its monthly steps and its interval by its year-on-year changes, had intervals ten
        times too wide."""
        m, H = self.season_length_, self.horizon
        windows = self._candidates(self.data_, len(self.series_names_))[0].windows
        return _lags_of_plans({name: selection.plan_validation(
            len(self.data_.series(name)), H, windows=windows, season_length=m)
            for name in self.series_names_}, m)

    def _candidates(self, sd: SeriesData, count: int) -> tuple[_Search, list[str]]:
        """How the fit searches, and its first notes: a large file (`SCALE_FROM`) leaves out
        `SLOW_METHODS`, validates on `SCALE_WINDOWS` windows, searches `SCALE_ETS_FORMS`
        and reuses the specifications of `SCALE_REUSES` too, unless `methods` was given."""
        large = count >= SCALE_FROM and self.methods is None
        allowed = [k for k in self.methods or METHODS if not (large and k in SLOW_METHODS)]
        search = _Search(allowed, SCALE_WINDOWS, FINAL_REUSES + SCALE_REUSES, SCALE_ETS_FORMS,
                         SCALE_WINDOW_FACTOR) if large else _Search(allowed, selection.WINDOWS)
        notes: list[str] = list(sd.notes)
        if sd.covariate_names and any(k in allowed for k in LSTM_METHODS):
            notes.append("covariates " + ", ".join(map(str, sd.covariate_names)) + " feed the "
                         "LSTM hybrid (" + ("known-future: " + ", ".join(self.future_names_)
                                           if self.future_names_ else "past-only") + ")")
        # Yearly dates and numbered steps sit nowhere in a calendar (`calendar_features`).
        flat = self.calendar and calendar_features(sd.values.index[:1], sd.freq).shape[1] == 0
        if flat:
            unit = "the steps are numbers, not dates" if sd.freq is None else \
                ("the dates are yearly" if "Year" in type(freq_offset(sd.freq)).__name__
                 else f"the dates are {describe_freq(sd.freq)}")
            notes.append(f"calendar (--calendar) is unused: {unit}, which sit at no "
                         "calendar position (month, weekday ...) to derive inputs from")
        unused = [*map(repr, sd.covariate_names),
                  *(["the calendar"] if self.calendar and not flat else [])]
        if unused and not any(k in allowed for k in LSTM_METHODS):
            notes.append(f"{' and '.join(unused)} "
                         f"{'feeds' if len(unused) == 1 else 'feed'} only the LSTM hybrid, "
                         "which the methods "
                         "leave out: unused (add 'lstm' to the methods to use them)")
        if large:
            notes.append(f"{count} series: validated on {search.windows} windows, without "
                         f"{' and '.join(SLOW_METHODS)}, ETS forms {search.ets_forms}, the "
                         "LSTM's input one season or horizon long (pass methods to choose)")
        notes += sd.filled_notes(self.fill)
        longest = max((b - a + 1 for a, b in sd.spans.values()), default=0)
        if self.season_length is not None and self.season_length > 1 and \
                usable_season(longest, sd.season_length) == 1:
            notes.append(f"season_length (--season-length) {self.season_length}: the longest "
                         f"series has {longest} points, fewer than the "
                         f"{2 * sd.season_length + 1} (two seasons and one) the statistical "
                         "models need to fit a season: they fit none")
        if self.horizon > longest:
            notes.append(f"the horizon ({self.horizon}) is longer than the longest series "
                         f"({longest} points): the far steps extrapolate far beyond what the "
                         "data show, and their intervals are guesses")
        return search, notes

    def _validate_lstm(self, series: dict[str, np.ndarray], plans, m: int, notes: list[str],
                       say: Callable[[str], None], sd: SeriesData,
                       future: FutureCovariates | None, allowed: list[str],
                       factor: int = WINDOW_FACTOR) -> dict[str, dict[str, np.ndarray]]:
        """Validate the LSTM hybrids that `allowed` names on every series long enough for
        them: each one's validation paths per series (`LSTM_METHODS`)."""
        H = self.horizon
        # A short series validated on fewer steps than the horizon (see `plan_validation`)
        # takes part too: the LSTM's targets past its end are left out of the loss.
        full = {k: y for k, y in series.items() if plans[k].windows and np.ptp(y) > 0}
        if not full:
            return {}
        window = self.window or lstm_window([len(y) for y in full.values()], H, m, factor)
        if window < MIN_WINDOW and self.window is None and self.methods is None:
            # The typical series leaves room for too few inputs: the LSTM reads the series
            # that leave room for enough, the others are the classical models' alone.
            roomy = {k: y for k, y in full.items()
                     if lstm_window([len(y)], H, m, factor) >= MIN_WINDOW}
            if not roomy:
                notes.append(f"the series are too short for the LSTM hybrid: beside a horizon "
                             f"of {H}, its inputs would be {window} points, fewer than "
                             f"{MIN_WINDOW} (name it in methods, --methods, to have it): "
                             "classical models only")
                return {}
            full = roomy
            window = lstm_window([len(y) for y in full.values()], H, m, factor)
            notes.append(f"the LSTM hybrid reads the {len(full)} series long enough for "
                         f"{MIN_WINDOW} inputs or more (window {window}); the shorter ones "
                         "are forecast by the classical models")
        span = {k: int(len(y) - 1 - plans[k].origins[0]) for k, y in full.items()}
        eligible = {k: y for k, y in full.items()
                    if len(y) >= lstm_needs(window, H, span[k]) and np.all(np.isfinite(y))}
        if not eligible:
            notes.append("no series is long enough for the LSTM hybrid (it needs "
                         f"{lstm_needs(window, H, max(span.values()))} points with window "
                         f"{window}): classical models only")
            return {}
        hybrids = {method: LSTMHybrid(
            horizon=H, window=window, season_length=m, members=self.members, units=self.units,
            lr=self.lr, max_epochs=self.max_epochs, patience=self.patience,
            min_epochs=self.min_epochs, seed=self.seed, sequential=self.sequential,
            noise=NOISE_SCALE if method == "lstm_noisy" else 0.0)
            for method in LSTM_METHODS if method in allowed}
        origins = {k: plans[k].origins for k in eligible}
        noisy = hybrids.get("lstm_noisy")
        if noisy is not None and self.methods is None \
                and noisy.room({k: int(o[0]) for k, o in origins.items()}) < NOISY_COPIES:
            del hybrids["lstm_noisy"]  # a file with windows enough of its own
        inputs = self._inputs(sd, list(eligible), future, H)
        paths = {}
        for method, hybrid in hybrids.items():
            say(f"validating the {'noisy-copies ' if hybrid.noise else ''}LSTM hybrid on "
                f"{len(eligible)} series (window {window})")
            paths[method] = hybrid.validate(eligible, origins,
                                            {k: plans[k].horizon for k in eligible}, inputs)
            setattr(self, _HYBRIDS[method], hybrid)
        return paths

    def _final_lstm(self, series: dict[str, np.ndarray], sd: SeriesData,
                    future: FutureCovariates | None, say: Callable[[str], None]
                    ) -> dict[str, dict[str, np.ndarray]]:
        """Train each validated LSTM hybrid's final ensemble on every series it validated
        on; return their forecasts, per hybrid (`LSTM_METHODS`)."""
        H = self.horizon
        out = {}
        for method, hybrid in self._hybrids().items():
            say(f"training the final {'noisy-copies ' if hybrid.noise else ''}LSTM ensemble "
                f"({self.members} members, {hybrid.epochs} epochs) on "
                f"{len(hybrid.transforms)} series")
            lstm_series = {k: series[k] for k in hybrid.transforms}
            inputs = self._inputs(sd, list(lstm_series), future, H)
            hybrid.fit_final(lstm_series, inputs)
            out[method] = hybrid.forecast(lstm_series, H, inputs)
        return out

    def _hybrids(self) -> dict[str, LSTMHybrid]:
        """The fitted LSTM hybrids by method name (`LSTM_METHODS`)."""
        return {method: hybrid for method, attribute in _HYBRIDS.items()
                if (hybrid := getattr(self, attribute, None)) is not None}

    @contextmanager
    def _classical(self, jobs: dict[str, _Work], say: Callable[[str], None]
                   ) -> Iterator[Callable[[], dict[str, _SeriesFit]]]:
        """The classical models' work on every series, started now; yields the function
        that waits for every series' fit. In a process pool (large files, workers
        permitting) the work runs while the caller trains the LSTM; otherwise, and under
        torchrun, when the function is called."""
        ranks = processes()
        workers = self.workers
        if workers is None:
            workers = (os.cpu_count() or 1) if len(jobs) >= PARALLEL_FROM else 1
        workers = max(1, min(workers, len(jobs)))
        if ranks.parallel or workers == 1:
            yield (lambda: self._run_classical_shared(jobs, ranks, say)
                   if ranks.parallel else _run_serially(jobs, say))
            return
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        names = list(jobs)
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            chunk = max(1, len(names) // (workers * 8))
            started = pool.map(_classical_work, [jobs[k] for k in names], chunksize=chunk)
            def wait() -> dict[str, _SeriesFit]:
                try:
                    return _collect(names, started, say, f" ({workers} processes)")
                except BrokenProcessPool as error:
                    raise WorkerError(
                        f"The {workers} worker processes scoring the series stopped before "
                        f"they were done (killed, out of memory, or unable to start). A "
                        f"script that fits {PARALLEL_FROM} or more series must call fit "
                        f"under `if __name__ == \"__main__\":` (each worker imports the "
                        f"script again), or pass workers=1.") from error

            try:
                yield wait
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)  # e.g. the LSTM failed
                raise

    def _run_classical_shared(self, jobs: dict[str, _Work], ranks: Any,
                              say: Callable[[str], None]) -> dict[str, _SeriesFit]:
        """Under torchrun: each process scores its share of the series (every size-th one,
        from its rank), and every process receives all the results."""
        import torch.distributed as dist

        names = list(jobs)
        mine = {k: _classical_work(jobs[k]) for k in names[ranks.rank::ranks.size]}
        say(f"  {len(mine)} of {len(names)} series scored by process {ranks.rank} of "
            f"{ranks.size}")
        parts: list[Any] = [None] * ranks.size
        dist.all_gather_object(parts, mine)
        merged = {k: v for part in parts for k, v in part.items()}
        return {k: merged[k] for k in names}

    def _lstm_summary(self) -> dict[str, Any]:
        hybrids = self._hybrids()
        if not hybrids:
            return {}
        h = next(iter(hybrids.values()))
        summary = {"window": h.window, "members": h.members, "units": h.units,
                   "epochs": h.epochs, "series": len(h.transforms)}
        if self.lstm_ is None:  # the noisy hybrid alone
            summary["noise"] = h.noise
        elif self.noisy_lstm_ is not None:
            summary["noisy"] = {"noise": self.noisy_lstm_.noise,
                                "epochs": self.noisy_lstm_.epochs}
        return summary

    # ----------------------------------------------------------------- predict
    @property
    def model_name_(self) -> str:
        """A one-line description of the methods the fit chose."""
        self.check_fitted()
        return self.report_.model

    def check_fitted(self) -> None:
        """Raise `NotFittedError` unless `fit` (or `load`) has run."""
        if not hasattr(self, "report_"):
            raise NotFittedError("This Forecaster is not fitted yet: call `fit(data)` first "
                                 "(or load a saved one with `seqlab.forecast.load`).")

    def predict(self, horizon: int | None = None, data: Any = None,
                level: float | None = None, future_covariates: Any = None) -> pd.DataFrame:
        """Forecast from the end of the fitted data, or of `data` (new observations of the
        same series, read like the fitted ones; each series refitted by its chosen method,
        the LSTM hybrid reading the new data; `future_covariates` as for `fit`, needed with
        new data when the fit had them).

        Returns a long table ``date, series, forecast, lower, upper, method`` in the
        original units; ``.attrs`` hold its ``model`` (the methods), ``level``, ``horizon``
        and, with `data`, the ``notes`` on how the new data were read (and joined to the
        fitted history where they hold only the latest observations).
        """
        self.check_fitted()
        H = self.horizon if horizon is None else check_int("horizon", horizon, "predict", low=1)
        level = self.level if level is None else check_level(level, "predict")
        nonnegative = self.nonnegative_
        if data is None and future_covariates is not None:
            raise ValidationError(
                "predict reads 'future_covariates' with new data only (data=...): without "
                "it, the forecast continues the fitted data with the future values given to "
                "fit. Give the new data too, or drop future_covariates.")
        if data is None:
            sd = self.data_
            paths = self.paths_
            scales = self.scales_
            if H > self.horizon:
                paths = self._forecast_anew(sd, H, None)
        else:
            sd = self._read_new(data)
            paths = self._forecast_anew(sd, H, future_covariates)
            scales, nonnegative = _scales_and_signs(
                {k: sd.series(k).to_numpy(float) for k in self.series_names_},
                self._interval_lags())
        stored = len(next(iter(self.unit_halfwidth_.values())))
        units = (self.unit_halfwidth_ if level == self.level and H <= stored
                 else selection.grouped_halfwidths(self.errors_, level, H))
        frames = []
        for name in self.series_names_:
            point = np.asarray(paths[name], float)[:H]
            width = units[self.interval_groups_[name]][:H] * scales[name]
            if not width.any() and scales[name] > 0:
                width = _quiet_demand_width(sd.series(name).to_numpy(float),
                                            sd.season_length, level, H, scales[name])
            # A series that never went below 0 is forecast at 0 or above, the band around
            # that forecast (clipping the band instead would shrink it to [0, 0] wherever
            # the forecast fell below 0 by more than its width: certainty it never had).
            if nonnegative.get(name, False):
                point = np.maximum(point, 0.0)
            lower, upper = point - width, point + width
            if nonnegative.get(name, False):
                lower = np.maximum(lower, 0.0)
            dates = future_index(sd.series(name).index, sd.freq, H)
            frames.append(pd.DataFrame({"date": dates, "series": name, "forecast": point,
                                        "lower": lower, "upper": upper,
                                        "method": self.methods_[name]}))
        out = pd.concat(frames, ignore_index=True)
        out.attrs["model"] = self.report_.model
        out.attrs["level"] = level
        out.attrs["horizon"] = H
        out.attrs["notes"] = list(sd.notes) if data is not None else []
        return out

    def _forecast_anew(self, sd: SeriesData, H: int, future_source: Any
                       ) -> dict[str, np.ndarray]:
        """Each series' chosen method run again on `sd` (new data or a longer horizon)."""
        m = sd.season_length
        if future_source is not None and not self.future_names_:
            raise self._future_not_as_fitted([])
        series = {k: sd.series(k).to_numpy(float) for k in self.series_names_}
        lstm_part: dict[str, dict[str, np.ndarray]] = {}
        uses_lstm = [k for k in series
                     if any(method in self.weights_[k] for method in LSTM_METHODS)]
        if uses_lstm:
            if H > self.horizon:
                raise ValidationError(
                    f"The 'horizon' parameter of predict ({H}) is longer than the "
                    f"{self.horizon} steps the LSTM hybrid was trained for (it forecasts "
                    f"{len(uses_lstm)} series, e.g. {uses_lstm[0]!r}). Refit with "
                    f"horizon={H}.")
            hybrids = self._hybrids()
            window = next(iter(hybrids.values())).window
            short = [k for k in uses_lstm if len(series[k]) < window]
            if short:
                raise ValidationError(
                    f"The new data of {short[0]!r} have {len(series[short[0]])} points; at "
                    f"least {window} are needed, as the LSTM hybrid that forecasts "
                    f"it reads windows of {window} points"
                    + (f" ({len(short)} series are this short)" if len(short) > 1 else "")
                    + ". Give the latest points of each series, as many as that or more"
                    + ("." if isinstance(sd.values.index, pd.DatetimeIndex) else
                       "; or only the newest, with a step column that numbers them on after "
                       f"the fitted data's last step ("
                       f"{label(self.data_.series(short[0]).index[-1])}), to continue "
                       "the fitted history."))
            if self.future_names_ and future_source is None:
                raise ValidationError(
                    "The LSTM hybrid was fitted with the future values of "
                    f"{self.future_names_}: give their values over the horizon after the new "
                    "data (future_covariates, --future-covariates FILE).")
            try:
                future = self._future(sd, future_source, self.horizon)
            except ValidationError as error:
                if H >= self.horizon or not str(error).startswith("The future covariates lack"):
                    raise
                raise ValidationError(
                    f"{error} The model was fitted with horizon {self.horizon}: its LSTM reads "
                    f"the known future over all {self.horizon} steps at once, whatever horizon "
                    f"is asked ({H}).") from None
            if future is not None and sorted(future.names) != sorted(self.future_names_):
                raise self._future_not_as_fitted(list(future.names))
            inputs = self._inputs(sd, uses_lstm, future, self.horizon)
            for method, hybrid in hybrids.items():
                users = [k for k in uses_lstm if method in self.weights_[k]]
                if not users:
                    continue
                if hybrid.inputs and inputs is None:
                    raise ValidationError(
                        "The LSTM hybrid was fitted with covariates; the new data lack them.")
                lstm_part[method] = hybrid.forecast(
                    {k: series[k] for k in users}, H,
                    None if inputs is None else {k: inputs[k] for k in users})
        out = {}
        for name, y in series.items():
            parts = {member: lstm_part[member][name] if member in LSTM_METHODS
                     else safe_forecast(member, y, H, m,
                                        self.arima_.get(name) if member == "arima" else None)[0]
                     for member in self.weights_[name]}
            out[name] = selection.weighted(parts, self.weights_[name])
        return out

    def _future_not_as_fitted(self, given: list[str]) -> ValidationError:
        """The error for future covariates, with new data, other than those the model was
        fitted with (`given`: the covariates they hold, [] unread): the LSTM hybrid reads a
        known-future covariate a horizon ahead and a past-only one at each point, so the
        future values of another column would feed it inputs it was not trained on."""
        past = [c for c in self.covariates or [] if c not in self.future_names_]
        past_only = f" ({past} past-only)" if past else ""
        if not self.future_names_:
            return ValidationError(
                f"The model was fitted without future covariates{past_only}, so it takes "
                "none with new data: drop --future-covariates, or fit a new model with them.")
        return ValidationError(
            f"The model was fitted with the future values of {self.future_names_}"
            f"{past_only}; the future covariates give {given}. Give those of "
            f"{self.future_names_} alone, or fit a new model with these.")

    def read(self, source: Any, *, fill: str | None = None, date_column: str | None = None,
             id_column: str | None = None, value_column: str | None = None,
             freq: str | None = None, covariates: list[str] | None = None) -> SeriesData:
        """Read new data (a CSV path, a frame, an array) the way the fitted data were read.

        `date_column`, `id_column` and `value_column` name where the new data hold what the
        fitted data held, where their columns are named otherwise; `freq` and `covariates`,
        which the model was fitted with, may only be repeated."""
        self.check_fitted()
        fitted_covariates = list(self.covariates or [])
        if freq is not None and freq_offset(freq) != freq_offset(self.freq_):  # 'QS' is 'QS-JAN'
            raise _not_as_fitted("freq", freq, self.freq_)
        if covariates is not None and list(covariates) != fitted_covariates:
            raise _not_as_fitted("covariates", list(covariates), fitted_covariates)
        options = self._read_options()
        options.update(freq=self.freq_, fill=fill or self.fill,
                       season_length=self.season_length_, fitted_series=self.series_names_)
        given = {"date_column": date_column, "id_column": id_column,
                 "value_column": value_column}
        options["fitted_columns"] = {k: options[k] for k in (*given, "covariates")
                                     if options.get(k) and given.get(k) is None}
        options.update({k: v for k, v in given.items() if v is not None})
        reader = read_csv if isinstance(source, (str, Path)) else prepare

        def another_frequency() -> ValidationError | None:
            """The error for data whose dates follow a frequency of their own."""
            if self.freq_ is None:
                return None
            try:
                own = reader(source, **{**options, "freq": None, "fill": None,
                                        "season_length": None}).freq
            except ValidationError:
                return None
            if own is None or freq_offset(own) == freq_offset(self.freq_):
                return None
            return ValidationError(
                f"The new data's dates are {describe_freq(own)}, the fitted data's "
                f"{describe_freq(self.freq_)}: a model forecasts at the frequency it was "
                f"fitted at. Give data at {self.freq_!r}, or fit a new model on these.")
        try:
            read = reader(source, **options)
        except ValidationError:
            error = another_frequency()
            if error is None:
                raise
            raise error from None
        if read.filled and (error := another_frequency()) is not None:  # filled in between
            raise error
        return read

    def _read_new(self, data: Any) -> SeriesData:
        sd = data if isinstance(data, SeriesData) else self.read(data)
        present = sd.names
        missing = [c for c in self.series_names_ if c not in present]
        if missing:
            pairs = _written_otherwise(missing, present)
            hint = (" Some are written otherwise: " + ", ".join(
                f"{new!r} here, {old!r} when fitted" for old, new in pairs[:3])
                + "; ids are compared as written: write them as the fitted data did."
                if pairs else "")
            raise ValidationError(f"The new data lack the series {missing[:5]} the model was "
                                  f"fitted on; their series: {present[:10]}.{hint} The model "
                                  "forecasts every series it was fitted on: give their latest "
                                  "values too, or fit a new model on these series.")
        unknown = [c for c in present if c not in self.series_names_]
        if unknown:
            warnings.warn(f"The new data hold {len(unknown)} series the model was not fitted "
                          f"on ({', '.join(map(repr, unknown[:5]))}"
                          f"{' ...' if len(unknown) > 5 else ''}): not forecast. Fit a new "
                          "model to forecast them.", UserWarning, stacklevel=3)
        return self._joined(sd)

    def _numbered_alike(self, sd: SeriesData) -> bool:
        """Whether new numbered data number their steps as the fitted data did: over every
        series, their values agree with the fitted ones at the same steps for at least half
        the steps both hold, and more often than up to `NUMBERING_SHIFTS` steps earlier or
        later (a run of zeros, or a constant series, agrees whichever way it is shifted);
        true where nothing overlaps, and where every series restates fewer than
        `REBASED_FROM` of its latest fitted steps and goes on past them (the latest values
        revised, then new ones: too few to tell another numbering by)."""
        latest = []
        for name in self.series_names_:
            new, old = sd.series(name), self.data_.series(name)
            latest.append(len(new) > 0 and len(old) > 0 and old.index[0] < new.index[0]
                          and new.index[-1] > old.index[-1]
                          and len(new.index.intersection(old.index)) < REBASED_FROM)
        if all(latest):
            return True
        hits = {shift: [0, 0] for shift in range(-NUMBERING_SHIFTS, NUMBERING_SHIFTS + 1)}
        for name in self.series_names_:
            new, old = sd.series(name), self.data_.series(name)
            for shift, (agree, count) in hits.items():
                both = new.index.intersection(old.index + shift)
                if len(both):
                    same = np.isclose(new[both].to_numpy(), old[both - shift].to_numpy(),
                                      rtol=1e-6, atol=0)
                    hits[shift] = [agree + int(same.sum()), count + len(both)]
        rate = {shift: agree / count if count else 0.0 for shift, (agree, count) in hits.items()}
        return not hits[0][1] or (rate[0] >= 0.5 and all(
            rate[0] > r for shift, r in rate.items() if shift))

    def _joined(self, sd: SeriesData) -> SeriesData:
        """New data that start after the fitted data do (the latest observations alone)
        joined to the fitted history before them, with a note. Dated data are joined where
        they add to it: they start right after its end, or they restate some of its values
        (revised ones replace the fitted ones, with a note); new data that restate fitted
        values far from what they were (`REBASED_STEPS`) are a rebased history, the new
        data's alone (with a note). A gap after the fitted data's end is refused, as the
        models would read a history with a hole in it. New data that end before the fitted
        data did are forecast from their end, with a note.
        Numbered steps are joined as dated ones are where the file numbers them as the
        fitted data did (`_numbered_alike`): seqlab numbers a file without a step column
        from 0, so steps past the fitted ones, or steps whose values fit the fitted ones no
        better than a few steps off, may be another numbering (from 1, say); then the file's
        new data are the whole history of every series, with a note."""
        dated = isinstance(sd.values.index, pd.DatetimeIndex)
        if dated != isinstance(self.data_.values.index, pd.DatetimeIndex):
            raise ValidationError(
                "The model was fitted on " + ("dates" if not dated else "numbered steps")
                + ", and the new data hold " + ("dates" if dated else "no dates (steps)")
                + ": give them as the fitted data were given.")
        joined: dict[str, pd.Series] = {}
        extended: list[str] = []
        whole: list[str] = []
        revised: list[str] = []
        replaced: list[str] = []
        earlier: list[str] = []
        shorter: list[str] = []
        aligned = dated or self._numbered_alike(sd)
        for name in self.series_names_:
            new, old = sd.series(name), self.data_.series(name)
            joined[name] = new
            if len(old) and len(new) and new.index[-1] < old.index[-1] and aligned:
                earlier.append(f"{name!r} (to {label(new.index[-1])}; the fitted data "
                               f"to {label(old.index[-1])})")
            if len(old) == 0 or new.index[0] <= old.index[0]:
                if not dated and not aligned and len(old) and len(new) < len(old):
                    shorter.append(f"{name!r} ({len(new)} of the fitted {len(old)} steps)")
                continue
            follows = future_index(old.index, self.freq_, 1)[0]
            if not dated and new.index[0] > follows:  # another numbering, maybe
                whole.append(f"{name!r} (from step {new.index[0]}; the fitted steps end at "
                             f"{old.index[-1]})")
                continue
            if new.index[0] > follows:
                raise ValidationError(
                    f"The new data of {name!r} start at {label(new.index[0])}, after a gap: "
                    f"the fitted data end at {label(old.index[-1])}. Give the observations "
                    f"from {label(follows)} on (or the whole history), so that the history "
                    "the models read has no hole.")
            both = new.index.intersection(old.index)
            if not aligned and len(both):
                whole.append(f"{name!r} (its steps {new.index[0]} to {both[-1]} do not line "
                             f"up with the fitted values)")
                continue
            same = np.isclose(new[both], old[both], rtol=1e-6, atol=0)
            moved = np.abs(new[both].to_numpy(float) - old[both].to_numpy(float))
            if len(both) >= REBASED_FROM and np.median(moved) > REBASED_STEPS * \
                    selection.mase_scale(old.to_numpy(float), 1):
                replaced.append(f"{name!r} ({int((~same).sum())} of the {len(both)} values "
                                "both hold differ)")
                continue
            if not same.all():  # the latest values revised, then new observations
                revised.append(f"{name!r} ({int((~same).sum())} value(s) from "
                               f"{label(both[~same][0])})")
            joined[name] = pd.concat([old[old.index < new.index[0]], new])
            extended.append(name)
        if whole:  # numbered data only: the numbering is the file's, so no series is joined
            return replace(sd, notes=[*sd.notes, f"{len(whole)} series ({', '.join(whole[:2])}"
                                      f"{' ...' if len(whole) > 2 else ''}): the new steps may "
                                      "be numbered otherwise than the fitted ones, so the new "
                                      "data are taken as the whole history of every series, "
                                      "not joined to the fitted one"])
        notes = [f"{len(items)} series ({', '.join(items[:2])}{' ...' if len(items) > 2 else ''})"
                 f": {what}" for items, what in (
                     (revised, "values the fitted data held, revised by the new data, which "
                               "the history now holds"),
                     (replaced, "the new data restate the fitted dates with values far "
                                "from the fitted ones (a rebased history), so they are the "
                                "whole history, the fitted values before them left out"),
                     (earlier, "the new data end before the fitted data did, so the "
                               "forecast starts after their last date, the fitted values "
                               "after it left out"),
                     (shorter, "the new steps start where the fitted ones did, so the new "
                               "data are the whole, shorter history; to add observations "
                               "to the fitted history, number their steps after its last "
                               "(a 'step' column)"))
                 if items]
        if not extended:
            return replace(sd, notes=[*sd.notes, *notes]) if notes else sd
        if sd.covariates is not None and any(h.inputs for h in self._hybrids().values()):
            raise ValidationError(
                f"The new data of {extended[0]!r} start after the fitted data do; with "
                "covariates, give the whole history (the covariates of the fitted data are "
                "not kept).")
        joined_sd = prepare(pd.DataFrame(joined), freq=self.freq_,
                            season_length=sd.season_length)
        note = (f"{len(extended)} series ({', '.join(map(repr, extended[:3]))}"
                f"{' ...' if len(extended) > 3 else ''}): the new observations joined to the "
                "fitted history before them")
        return replace(joined_sd, notes=[*sd.notes, note, *notes], filled=sd.filled)

    def summary(self) -> dict[str, Any]:
        """Plain data about the fit: the method per series, the validation scores, notes;
        `freq` the pandas frequency (what `freq` takes, None for numbered steps), `freq_name`
        the same in words ('quarterly' for 'QS-OCT', `freq_words`)."""
        self.check_fitted()
        r = self.report_
        return {"model": r.model, "methods": r.method_counts(), "series_methods": r.methods,
                "horizon": self.horizon, "level": self.level, "freq": self.freq_,
                "freq_name": freq_words(self.freq_),
                "season_length": self.season_length_, "series": self.series_names_,
                "weights": r.weights, "validation": r.validation,
                "validation_windows": r.windows,
                "lstm": r.lstm, "fit_seconds": round(r.seconds, 3), "notes": r.notes}

    def __repr__(self) -> str:
        return (f"Forecaster(horizon={self.horizon}, level={self.level}, members="
                f"{self.members}, methods={self.methods!r})")


# ------------------------------------------------------------------ helpers
def _collect(names: list[str], fits: Iterator[_SeriesFit], say: Callable[[str], None],
             how: str = "") -> dict[str, _SeriesFit]:
    out: dict[str, _SeriesFit] = {}
    report_every = max(1, len(names) // 10)
    for i, (name, fit) in enumerate(zip(names, fits, strict=True), 1):
        out[name] = fit
        if i % report_every == 0 and len(names) > 1:
            say(f"  {i}/{len(names)} series scored{how}")
    return out


def _run_serially(jobs: dict[str, _Work], say: Callable[[str], None]
                  ) -> dict[str, _SeriesFit]:
    return _collect(list(jobs), (_classical_work(jobs[k]) for k in jobs), say)


def processes() -> World:
    """The torchrun processes this fit runs in (one, alone): joined only when a launcher
    set WORLD_SIZE above 1, so a plain fit never touches torch.distributed."""
    if int(os.environ.get("WORLD_SIZE", "1") or 1) > 1:
        return world()
    return World()


def _lags_of_plans(plans: dict[str, Any], m: int) -> dict[str, int]:
    """Each series' interval lag (`Forecaster._interval_lags`) from its validation plan:
    1 where its first window's history spans `m` points or fewer, else `m`."""
    return {name: 1 if plan.windows and plan.origins[0] + 1 <= m else m
            for name, plan in plans.items()}


def _scales_and_signs(series: dict[str, np.ndarray], lags: dict[str, int]
                      ) -> tuple[dict[str, float], dict[str, bool]]:
    """Each series' interval scale (`_interval_scale` at its lag of `lags`) and whether it
    never went below 0 (its forecasts are then clipped at 0): of the fitted data, or of new
    data forecast from."""
    return ({k: _interval_scale(y, lags[k]) for k, y in series.items()},
            {k: bool(np.min(y) >= 0) for k, y in series.items()})


def _quiet_demand_width(y: np.ndarray, m: int, level: float, H: int, scale: float
                        ) -> np.ndarray:
    """The half-widths of an intermittent series whose validation errors give a band of no
    width (every window's truth 0, and its forecast): a random walk's at its `scale`, as
    for a series with no validation errors, instead of [0, 0] at every step, certainty its
    history of demand never gave. Any other series' band stays at 0 (a history its
    models fit exactly)."""
    if not is_intermittent(y, m):
        return np.zeros(H)
    return selection.conformal_halfwidths(np.zeros((0, H)), level, H) * scale


def _interval_scale(y: np.ndarray, lag: int) -> float:
    """The unit of a series' interval: its MASE scale at `lag` (`Forecaster._interval_lags`);
    0 for a constant history (whose forecast is that constant, with a zero-width
    interval)."""
    return 0.0 if len(y) > 1 and np.ptp(y) == 0 else selection.mase_scale(y, lag)


SAID_ONE_BY_ONE = 5
"""The most series a note of one kind (too short to validate on, constant ...) names one
by one; past it, one note says how many, naming the first few (a file of 3,000 short
series printed 300 such lines)."""


def _summarised(said: list[str]) -> list[str]:
    """Notes of one kind about series (`said`, each starting with the series' name), as
    they are up to `SAID_ONE_BY_ONE`, else one: the first few and how many more."""
    if len(said) <= SAID_ONE_BY_ONE:
        return said
    return [f"{len(said)} series alike, such as: " + "; ".join(said[:3])]


def _written_otherwise(missing: list[str], present: list[str]) -> list[tuple[str, str]]:
    """(fitted id, new id) pairs of `missing` fitted ids that `present` new ids write
    otherwise: with leading zeros ('007' for '7', or the other way), another case, or
    spaces inside."""
    def plain(name: str) -> str:
        text = "".join(name.split()).lower()
        return (text.lstrip("0") or "0") if text.isdigit() else text

    by_plain: dict[str, str] = {}
    for name in present:
        by_plain.setdefault(plain(name), name)
    return [(name, by_plain[plain(name)]) for name in missing
            if plain(name) in by_plain and by_plain[plain(name)] != name]


def _unfitted(fits: dict[str, _SeriesFit], series: dict[str, np.ndarray]) -> list[str]:
    """A note per model that could not fit some series, or any of their validation
    windows (`_SeriesFit.failed`): those series are forecast without it."""
    failed: dict[str, list[str]] = {}
    for name, fit in fits.items():
        for method in fit.failed:
            failed.setdefault(method, []).append(name)
    return [f"{method} could not be fitted to {len(names)} series, or to their validation "
            f"windows (e.g. {names[0]!r}, {len(series[names[0]])} points): they are forecast "
            "without it" for method, names in failed.items()]


def _label(weights: dict[str, float], *, validated: bool) -> str:
    """The method column: the model's name, ``ensemble`` (validation-weighted) or
    ``combo`` (the plain mean of the statistical models, for series too short to
    validate on)."""
    if len(weights) == 1:
        return next(iter(weights))
    return "ensemble" if validated else "combo"


def _ladder(final: dict[str, np.ndarray]) -> dict[str, float]:
    """A series too short to validate on: the mean of the statistical models that could
    fit it, one of them alone, or naive."""
    fitted = [k for k in ("ets", "arima", "theta", "ces") if k in final]
    if not fitted:
        return {"naive": 1.0}
    return {k: 1.0 / len(fitted) for k in fitted}


def _counts(methods: dict[str, str]) -> dict[str, int]:
    """How many series each method forecast, most used first."""
    counts = Counter(methods.values())
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _describe(methods: dict[str, str]) -> str:
    if len(methods) == 1:
        return next(iter(methods.values()))
    return ", ".join(f"{k} ({v} series)" for k, v in _counts(methods).items())
