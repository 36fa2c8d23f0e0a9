"""`Forecaster`: settings chosen from the data, a median ensemble of small LSTMs, intervals.

The method is a hybrid in the spirit of ES-RNN (the M4 winner): the level and the season
are handled by classical means (log, classical seasonal decomposition, window-level
normalisation) and small LSTMs learn what is left (the local trend and its dynamics),
across all the series given (one global model). Direct (all steps at once) and recursive
(one step fed back) multi-step are both trained on a time-ordered validation split with
early stopping; the one with the lower validation error is kept and the ensemble is then
refitted on all the data for the epochs that validation found. Prediction intervals are
conformal: quantiles of the validation errors, scaled per horizon step.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from seqlab._validation import check_choice, check_float, check_int
from seqlab.errors import NotFittedError, ValidationError
from seqlab.forecast.core import (
    AUTO_STRATEGIES,
    STRATEGIES,
    CoreSettings,
    predict_paths,
    train_member,
    windows,
)
from seqlab.forecast.data import SeriesData, future_index, prepare, read_csv
from seqlab.forecast.transforms import (
    SeriesTransform,
    fit_holt,
    fit_transform,
    holt_bases,
    theta_path,
)

__all__ = ["Forecaster", "FitReport"]

SELECTION_MEMBERS = 2
"""Members per strategy when comparing direct and recursive on validation."""
THETA_WEIGHT = 0.5
"""Weight of the Theta forecast when validation prefers the LSTM-Theta combination."""
MAX_WINDOWS = 400
"""Training windows per series: the most recent ones (bounds the time on long series)."""


@dataclass
class FitReport:
    """What `fit` chose and measured (also stored in the bundle)."""

    model: str
    strategy: str          # direct, recursive, holt, or several joined by + (their average)
    window: int
    epochs: int
    validation_mae: dict[str, float]
    naive_validation_mae: float
    seconds: float
    members: int
    notes: list[str] = field(default_factory=list)
    theta_weight: float = 0.0


class Forecaster:
    """Forecast one or several series `horizon` steps ahead, with prediction intervals.

    Parameters
    ----------
    horizon:
        Steps to forecast. A recursive model forecasts any horizon at `predict` time; a
        direct one up to this one.
    level:
        Coverage of the prediction intervals, e.g. 0.8 for an 80% interval.
    members:
        LSTMs in the ensemble (different seeds; their median is the forecast).
    strategy:
        ``auto``: direct, recursive or the average of both, each alone or combined half and
        half with a Theta forecast, whichever has the lowest validation error; or force one
        of ``direct``, ``recursive`` or ``holt`` (direct, learning what a damped-trend Holt
        forecast from the same origin misses: an ES-RNN-like split of the work).
    seed:
        Seed of the first member (members use seed, seed+1, ...).
    date_column, freq, fill, covariates, season_length:
        How to read the data (see `seqlab.forecast.prepare`); covariates are used as past
        inputs only (their future values are never needed).
    units, window, max_epochs, patience, min_epochs, lr:
        Network and training settings; ``window=None`` picks the input length from the
        season length and the horizon. Early stopping keeps the best weights seen after
        `min_epochs` (a short validation split can otherwise prefer a barely trained net).
    """

    def __init__(self, horizon: int, *, level: float = 0.8, members: int = 5,
                 strategy: str = "auto", seed: int = 0, date_column: str | None = None,
                 freq: str | None = None, fill: str | None = None,
                 covariates: list[str] | None = None, season_length: int | None = None,
                 units: int = 32, window: int | None = None, max_epochs: int = 80,
                 patience: int = 10, min_epochs: int = 10, lr: float = 3e-3):
        self.horizon = horizon
        self.level = level
        self.members = members
        self.strategy = strategy
        self.seed = seed
        self.date_column = date_column
        self.freq = freq
        self.fill = fill
        self.covariates = covariates
        self.season_length = season_length
        self.units = units
        self.window = window
        self.max_epochs = max_epochs
        self.patience = patience
        self.min_epochs = min_epochs
        self.lr = lr

    # ------------------------------------------------------------------ checks
    def _check_params(self) -> None:
        owner = "Forecaster"
        check_int("horizon", self.horizon, owner, low=1)
        check_float("level", self.level, owner, low=0.0, high=0.999, low_open=True)
        check_int("members", self.members, owner, low=1, high=100)
        check_choice("strategy", self.strategy, owner, ("auto", *STRATEGIES))
        check_int("seed", self.seed, owner, low=0)
        check_int("units", self.units, owner, low=1, high=1024)
        if self.window is not None:
            check_int("window", self.window, owner, low=1)
        if self.season_length is not None:
            check_int("season_length", self.season_length, owner, low=1)
        check_int("max_epochs", self.max_epochs, owner, low=1)
        check_int("patience", self.patience, owner, low=1)
        check_int("min_epochs", self.min_epochs, owner, low=0)
        check_float("lr", self.lr, owner, low=0.0, low_open=True)

    def _read(self, data: Any) -> SeriesData:
        if isinstance(data, SeriesData):
            return data
        return prepare(data, date_column=self.date_column, freq=self.freq, fill=self.fill,
                       covariates=self.covariates, season_length=self.season_length)

    # --------------------------------------------------------------------- fit
    def fit(self, data: Any) -> Forecaster:
        """Choose the settings from `data`, train the ensemble and measure its errors.

        Trains with one CPU thread (these small LSTMs run fastest so) and restores torch's
        setting afterwards.
        """
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return self._fit(data)
        finally:
            torch.set_num_threads(threads)

    def _fit(self, data: Any) -> Forecaster:
        started = time.perf_counter()
        self._check_params()
        sd = self._read(data)
        H = self.horizon
        values = sd.values
        n = len(values)
        m = sd.season_length
        # The least data that leaves a training set, a validation split and an input window.
        need = 3 * H + 4
        if n < need:
            raise ValidationError(
                f"The 'horizon' parameter ({H}) is too long for {n} points: forecasting {H} "
                f"steps needs at least {need} points (3 x horizon + 4: training windows, a "
                f"validation split and an input window). Lower the horizon or bring more data.")
        self.freq_ = sd.freq
        self.season_length_ = m
        self.series_names_ = [str(c) for c in values.columns]
        self.covariate_names_ = [] if sd.covariates is None else list(sd.covariates.columns)
        self.start_ = str(values.index[0])
        self.data_ = sd
        notes = []
        if self.season_length is not None and m > 1 and n < 2 * m + 1:
            raise ValidationError(
                f"The series has {n} points, too few for the season of {m} that "
                f"'season_length' asks for: estimating a season needs at least {2 * m + 1} "
                "points (two full seasons and one). Bring more data or leave season_length "
                "unset (the season is then skipped with a note).")
        if sd.filled:
            notes.append(f"filled {len(sd.filled)} missing date(s) with {self.fill}")
        self.constant_ = {}
        self.transforms_: dict[str, SeriesTransform] = {}
        for name in self.series_names_:
            y = values[name].to_numpy(float)
            if np.ptp(y) == 0:
                # A constant series is forecast as that constant, with a zero-width interval.
                self.constant_[name] = float(y[0])
                notes.append(f"{name!r} is constant: forecast as {y[0]:g}")
                continue
            deseason = None
            if m > 1 and n < 2 * m + 1:
                notes.append(f"{name!r}: {n} points are too few to estimate a season of "
                             f"{m} (needs {2 * m + 1}); not deseasonalised")
                deseason = False
            self.transforms_[name] = fit_transform(y, m, deseasonalise=deseason)
        self.cov_stats_ = None
        if sd.covariates is not None:
            cov = sd.covariates.to_numpy(float)
            mean, std = cov.mean(axis=0), cov.std(axis=0)
            std[std == 0] = 1.0
            self.cov_stats_ = (mean.tolist(), std.tolist())
        if not self.transforms_:
            self.report_ = FitReport("constant", "direct", 0, 0, {}, 0.0,
                                     time.perf_counter() - started, 0, notes)
            self.models_, self.settings_, self.residuals_ = {}, {}, np.zeros((0, H))
            self.holt_ = {}
            return self
        window = self.window or self._default_window(n, H, m)
        window = min(window, n - 2 * H - 2)
        if window < 1:
            raise ValidationError(f"The 'window' parameter leaves no training windows for {n} "
                                  f"points and horizon {H}.")
        u = [self.transforms_[k].forward(values[k].to_numpy(float)) for k in self.transforms_]
        cov = self._covariate_matrix(sd)
        covs = [cov] * len(u)
        V = max(1, min(H, (n - window - 2 * H) // 3))
        o_val = np.arange(n - H - V, n - H)          # validation origins: targets to the end
        cutoff = int(o_val[0])                        # training data: positions <= cutoff
        strategies = list(AUTO_STRATEGIES) if self.strategy == "auto" else [self.strategy]
        if cov is not None and "recursive" in strategies:
            strategies = [k for k in strategies if k != "recursive"]
            notes.append("covariates given: no recursive multi-step (it would need their "
                         "future values)")
        xv, yv = windows(u, covs, window, H, [o_val] * len(u))
        theta_val = np.array([theta_path(ui[:o + 1], H) for ui in u for o in o_val])
        holt_train = [fit_holt(ui[:cutoff + 1]) for ui in u]   # no peeking at validation
        self.holt_ = {k: fit_holt(ui) for k, ui in zip(self.transforms_, u, strict=True)}

        def bases(params: list[list[float]], origins: np.ndarray, steps: int) -> np.ndarray:
            return np.concatenate([holt_bases(ui, p, origins, steps)
                                   for ui, p in zip(u, params, strict=True)])
        results: dict[tuple[str, float], tuple] = {}
        val_paths, found = {}, {}
        for strategy in strategies:
            s = CoreSettings(window=window, horizon=H, strategy=strategy, units=self.units,
                             lr=self.lr, max_epochs=self.max_epochs, patience=self.patience,
                             min_epochs=self.min_epochs, covariates=0 if cov is None else cov.shape[1])
            steps = s.outputs
            o_train = np.arange(window - 1, cutoff - steps + 1)[-MAX_WINDOWS:]
            x, y = windows(u, covs, window, steps, [o_train] * len(u))
            val_y = yv[:, :steps]
            base_val = 0.0
            if strategy == "holt":
                y = y - bases(holt_train, o_train, steps)
                base_val = bases(holt_train, o_val, steps)
                val_y = val_y - base_val
            models, epochs = [], []
            for k in range(min(self.members, SELECTION_MEMBERS)):
                model, best, _ = train_member(s, self.seed + k, x, y, (xv, val_y))
                models.append(model)
                epochs.append(best)
            val_paths[strategy] = np.median(predict_paths(models, s, xv, H), axis=0) + base_val
            found[strategy] = (s, int(np.median(epochs)), len(o_train))
        if len(strategies) > 1:  # the average of them is a candidate too
            val_paths["+".join(strategies)] = np.mean([val_paths[k] for k in strategies], axis=0)
        for label, paths in val_paths.items():
            for weight in (0.0, THETA_WEIGHT):
                combined = (1 - weight) * paths + weight * theta_val
                mae = float(np.mean(np.abs(combined - yv)))
                results[(label, weight)] = (mae, combined - yv)
        best_label, theta_weight = min(results, key=lambda k: results[k][0])
        mae, residuals = results[(best_label, theta_weight)]
        # The intervals come from the validation errors of every candidate, not only the
        # one picked: the pick is the one that happened to do best on these few points, so
        # its own errors alone would make the intervals too narrow.
        residuals = np.concatenate([v[1] for v in results.values()], axis=0)
        # Refit on everything for the epochs validation found (more data -> a few more).
        self.models_, self.settings_ = {}, {}
        for strategy in best_label.split("+"):
            settings, epochs, n_train = found[strategy]
            o_all = np.arange(window - 1, n - settings.outputs)[-MAX_WINDOWS:]
            x, y = windows(u, covs, window, settings.outputs, [o_all] * len(u))
            if strategy == "holt":
                y = y - bases(list(self.holt_.values()), o_all, settings.outputs)
            scaled_epochs = max(1, int(round(epochs * len(o_all) / max(1, n_train))))
            self.models_[strategy] = [
                train_member(settings, self.seed + k, x, y, None, scaled_epochs)[0]
                for k in range(self.members)]
            self.settings_[strategy] = settings
        self.residuals_ = residuals
        naive_mae = float(np.mean(np.abs(yv)))
        description = sorted({t.description for t in self.transforms_.values()})
        kind = " and ".join(best_label.split("+"))
        name = (f"lstm-hybrid ({kind}, {' / '.join(description)}, window {window}, median of "
                f"{self.members} LSTM({self.units}){' per strategy' if '+' in best_label else ''})")
        if theta_weight:
            name += f" combined {1 - theta_weight:g}/{theta_weight:g} with theta"
        validation = {f"{k[0]}{'+theta' if k[1] else ''}": v[0] for k, v in results.items()}
        self.report_ = FitReport(name, best_label, window, scaled_epochs, validation,
                                 naive_mae, time.perf_counter() - started, self.members, notes,
                                 theta_weight)
        return self

    @staticmethod
    def _default_window(n: int, H: int, m: int) -> int:
        base = max(H, m if m > 1 else 0, 4)
        return int(min(base, max(2, (n - 2 * H) // 3)))

    def _covariate_matrix(self, sd: SeriesData) -> np.ndarray | None:
        if sd.covariates is None or self.cov_stats_ is None:
            return None
        mean, std = (np.asarray(v) for v in self.cov_stats_)
        return (sd.covariates.to_numpy(float) - mean) / std

    # ----------------------------------------------------------------- predict
    @property
    def model_name_(self) -> str:
        self._check_fitted()
        return self.report_.model

    def _check_fitted(self) -> None:
        if not hasattr(self, "report_"):
            raise NotFittedError("This Forecaster is not fitted yet: call `fit(data)` first "
                                 "(or load a saved one with `seqlab.forecast.load`).")

    def predict(self, horizon: int | None = None, data: Any = None,
                level: float | None = None) -> pd.DataFrame:
        """Forecast from the end of the fitted data, or of `data` (new observations of the
        same series, read like the fitted ones).

        Returns a long table ``date, series, forecast, lower, upper`` in the original units;
        ``.attrs["model"]`` names the model.
        """
        self._check_fitted()
        H = self.horizon if horizon is None else check_int("horizon", horizon, "predict", low=1)
        level = self.level if level is None else check_float("level", level, "predict",
                                                             low=0.0, high=0.999,
                                                             low_open=True)
        strategies = list(self.models_)
        if H > self.horizon and self.models_:
            if "recursive" not in self.models_:
                raise ValidationError(
                    f"The 'horizon' parameter of predict ({H}) is longer than the "
                    f"{self.horizon} steps this direct model was trained for. Refit with "
                    f"horizon={H} (or strategy='recursive', whose horizon is free).")
            strategies = ["recursive"]  # beyond the trained horizon only it can answer
        sd = self.data_ if data is None else self._read_new(data)
        values = sd.values
        index = future_index(values.index, sd.freq, H)
        phase = self._phase(values.index)
        rows = []
        halfwidth = self._halfwidth(level, H)
        names = list(self.transforms_)
        paths = None
        if names and self.models_:
            window = self.report_.window
            if len(values) < window:
                raise ValidationError(f"The new data have {len(values)} points; the model "
                                      f"reads windows of {window}.")
            u = [self.transforms_[k].forward(values[k].to_numpy(float), start=phase)
                 for k in names]
            cov = self._covariate_matrix(sd)
            x, _ = windows(u, [cov] * len(u), window, 1, [np.array([len(values) - 1])] * len(u))
            last = np.array([len(values) - 1])
            paths = np.mean([
                np.median(predict_paths(self.models_[k], self.settings_[k], x, H), axis=0)
                + (np.concatenate([holt_bases(ui, self.holt_[name], last, H)
                                   for ui, name in zip(u, names, strict=True)])
                   if k == "holt" else 0.0)
                for k in strategies], axis=0)
            weight = self.report_.theta_weight
            if weight:
                theta = np.array([theta_path(ui, H) for ui in u])
                paths = (1 - weight) * paths + weight * theta
            levels = np.array([ui[-1] for ui in u])[:, None]
        for name in self.series_names_:
            if name in self.constant_:
                point = lower = upper = np.full(H, self.constant_[name])
            else:
                i = names.index(name)
                t = self.transforms_[name]
                centre = levels[i] + paths[i]
                start = phase + len(values)
                point = t.inverse(centre, start)
                lower = t.inverse(centre - halfwidth, start)
                upper = t.inverse(centre + halfwidth, start)
            for k in range(H):
                rows.append((index[k], name, float(point[k]), float(lower[k]), float(upper[k])))
        out = pd.DataFrame(rows, columns=["date", "series", "forecast", "lower", "upper"])
        out.attrs["model"] = self.report_.model
        out.attrs["level"] = level
        return out

    def _halfwidth(self, level: float, H: int) -> np.ndarray:
        """Conformal half-widths per step, from the validation errors (model space).

        The errors' spread per step (mean absolute error, made non-decreasing) scales them;
        the scaled errors of all steps are pooled and their quantile taken at the split-
        conformal level ``ceil((n + 1) * level) / n``, where n counts the validation windows
        (the steps of one window are not independent samples, so they do not count), then
        scaled back per step. Steps past the validated horizon grow with the square root of
        the step.
        """
        e = np.abs(np.asarray(self.residuals_, dtype=float))
        if e.size == 0:
            return np.zeros(H)
        spread = np.maximum.accumulate(np.maximum(e.mean(axis=0), 1e-9))
        pooled = (e / spread).ravel()
        windows_seen = max(1, len(e) // max(1, len(self.report_.validation_mae)))
        corrected = min(1.0, math.ceil((windows_seen + 1) * level) / windows_seen)
        q = float(np.quantile(pooled, corrected))
        steps = np.arange(1, H + 1)
        known = len(spread)
        scale = np.where(steps <= known, spread[np.minimum(steps, known) - 1],
                         spread[-1] * np.sqrt(steps / known))
        return q * scale

    def _phase(self, index: pd.Index) -> int:
        """Position of `index[0]` counted from the first fitted point (for the season)."""
        if self.freq_ is None or not isinstance(index, pd.DatetimeIndex):
            return int(index[0]) - int(self.start_) if len(index) else 0
        start = pd.Timestamp(self.start_)
        first = index[0]
        if first >= start:
            return len(pd.date_range(start, first, freq=self.freq_)) - 1
        return -(len(pd.date_range(first, start, freq=self.freq_)) - 1)

    def read(self, source: Any, *, fill: str | None = None) -> SeriesData:
        """Read new data (a CSV path, a frame, an array) the way the fitted data were read."""
        self._check_fitted()
        options = dict(date_column=self.date_column, freq=self.freq_, fill=fill or self.fill,
                       covariates=self.covariate_names_ or None,
                       season_length=self.season_length_)
        if isinstance(source, (str, Path)):
            return read_csv(source, **options)
        return prepare(source, **options)

    def summary(self) -> dict[str, Any]:
        """Plain data about the fit: the model picked, its settings and notes."""
        self._check_fitted()
        r = self.report_
        return {"model": r.model, "strategy": r.strategy, "window": r.window,
                "epochs": r.epochs, "members": r.members, "horizon": self.horizon,
                "level": self.level, "freq": self.freq_, "season_length": self.season_length_,
                "series": self.series_names_, "covariates": self.covariate_names_,
                "validation_mae": r.validation_mae,
                "naive_validation_mae": r.naive_validation_mae,
                "fit_seconds": round(r.seconds, 3), "notes": r.notes}

    def _read_new(self, data: Any) -> SeriesData:
        sd = data if isinstance(data, SeriesData) else prepare(data, date_column=self.date_column, freq=self.freq_, fill=self.fill,
                     covariates=self.covariate_names_ or None,
                     season_length=self.season_length_)
        missing = [c for c in self.series_names_ if c not in sd.values.columns]
        if missing:
            raise ValidationError(f"The new data lack the series {missing} the model was "
                                  f"fitted on; their columns: {list(sd.values.columns)}.")
        sd.values = sd.values[self.series_names_]
        for name, t in self.transforms_.items():
            if t.log and (sd.values[name] <= 0).any():
                raise ValidationError(f"The series {name!r} was modelled in logs (all its values "
                                      "were positive) but the new data hold zero or negative "
                                      "values.")
        return sd

    def __repr__(self) -> str:
        return (f"Forecaster(horizon={self.horizon}, level={self.level}, members="
                f"{self.members}, strategy={self.strategy!r})")

