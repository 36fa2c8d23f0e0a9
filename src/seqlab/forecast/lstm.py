"""The LSTM hybrid as one model over every series of a file (cross-learning).

Each series goes to the model's space through its own `SeriesTransform` (log, classical
season, scale); windows of all series, normalised by their last level, train one median
ensemble of small LSTMs that forecasts the whole horizon at once (`seqlab.forecast.core`);
the members of an ensemble train together as one batched model where that is faster
(``sequential=True``: one after another; same results to float rounding). For validation
the ensemble is trained on each series' points up to its first validation origin, through
transforms fitted on those points alone, and forecasts every window from there; the final
ensemble is trained on everything, through transforms fitted on everything, for the epochs
validation found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from seqlab.forecast.core import CoreSettings, predict_paths, train_ensemble, windows
from seqlab.forecast.transforms import SeriesTransform, fit_transform

__all__ = ["LSTMHybrid", "lstm_window", "TOTAL_WINDOWS", "WINDOW_FACTOR", "MIN_WINDOW",
           "NOISY_COPIES", "NOISY_WINDOWS", "NOISE_SCALE"]

TOTAL_WINDOWS = 12_000
"""Training windows over the whole panel (the most recent of each series): bounds the time
of one epoch on files of thousands of series (beyond 12,000 series, one window each). At
least 4 windows a series made the LSTM's time grow with the series from 3,000 series."""
MAX_WINDOWS = 400
"""Training windows per series at most (the most recent): bounds the time on long series."""
SELECTION_MEMBERS = 2
"""Members trained for validation (the final ensemble has `members`)."""

NOISY_COPIES = 10
"""How many noisy copies of each series a hybrid with `noise` trains on besides the series,
as many as fit under `TOTAL_WINDOWS` and `NOISY_WINDOWS` (`LSTMHybrid.copies`). A copy is
the series plus
Gaussian noise in the model's space, for training only: validation and forecasts read the
series as they are. A short series gives a small net few windows, and it learns their
noise; the copies show it the same dynamics under other noise (noise injection, a
regulariser). The forecaster trains such a hybrid beside the plain one, as a second
candidate (`lstm_noisy`), where the file leaves room for all the copies
(`seqlab.forecast.forecaster.LSTM_METHODS`)."""

NOISY_WINDOWS = 2_400
"""The windows a series trains the noisy hybrid on at most, its own and its copies' (on
average over a file's series): a long series has windows enough of its own to need fewer
copies, and each copy costs the time of a plain fit. A series with the `MAX_WINDOWS` own
windows of a long history takes 5 copies, one of about 200 windows or fewer all 10. On the
development panel (3 seeds, OWA against seasonal naive) its three series of 300 points or
more took 7 (the sunspots) and 5 copies (co2, elnino) instead of 10: 0.5869 -> 0.5854,
every seed better (mean MASE elnino monthly 0.456 -> 0.446, the sunspots 0.731 -> 0.709,
co2 unchanged); 5 copies for all three scored 0.583. The 19 classic series (180 points at
most) are unchanged. A fit of elnino's 732 points took 31 s with 10 copies, 19 s with 5
and 8 s without the noisy hybrid (one thread, light load)."""

NOISE_SCALE = 0.3
"""The noise of the copies (`NOISY_COPIES`) in the model's units, where the series' mean
absolute step is 1 (`seqlab.forecast.transforms`)."""


WINDOW_FACTOR = 2
"""`lstm_window`'s input length in seasons or horizons. One season or one horizon sees too
little of a cycle longer than either, such as the yearly sunspots' 11 years or the lynx's
10. Measured at factors 1 and 2, OWA against seasonal naive:
- the development panel (`benchmarks/forecast_panel.py`, 3 seeds): 0.616 -> 0.607, median
  MASE 1.100 -> 0.980, 80% intervals holding 62.7% -> 64.5%, 1.9 -> 2.1 s a series (one
  seed: sunspots MASE 1.21 -> 0.86, elnino monthly 0.70 -> 0.51);
- 20 classic series, one seed (AirPassengers, lynx, wineind, woolyrnq, ausbeer, austres, the
  seatbelts' KSI, uschange, Longley; three cut to 54 monthly points): 0.598 -> 0.566
  (lynx 0.90 -> 0.42);
- the other series within a few percent, both ways; 192 fertility rates of 46 yearly
  points of history in one file 0.453 -> 0.451.

The files whose typical series is short (the 13- and 18-point fertility rates, the
synthetic monthly panel with ragged and short series) are unchanged: their typical length
caps the window first. Choosing between factors 1 and 2 by the validation windows instead
was no better (dev panel 0.617, classic series 0.566, one seed): five windows a third of a
horizon apart are too few to tell the lengths apart (on the sunspots they chose 6 years,
which forecast worse)."""


MIN_WINDOW = 3
"""The fewest points the LSTM hybrid reads by default: where the typical series leaves room
for fewer (`lstm_window`), the LSTM reads only the series that leave room for this many
(left out where none does), unless `methods` names it or `window` is given. Two points
show the network no dynamics the statistical models miss.
Measured at window 2 against leaving it out (OWA against seasonal naive, one seed): 24
monthly stretches of 36 points, horizon 18, cut from 8 real and synthetic series, one a
file, 0.590 -> 0.576; 192 fertility rates of 18 yearly points in one file, horizon 6,
0.469 -> 0.460, 177 -> 124 s; those of 13 points 0.505 either way, 248 -> 60 s. At window
3 the LSTM still helps: M1's 181 yearly series in one file scored 0.704 with it and 0.715
without (at 4 inputs, this constant's first value), the panels above alike at 3 and 4, as
were the synthetic yearly file of 150 series (0.817) and the fertility rates. The series
it then reads set its window by their own lengths (`Forecaster._validate_lstm`)."""


def lstm_window(lengths: list[int], horizon: int, m: int, factor: int = WINDOW_FACTOR) -> int:
    """The input length: `factor` seasons or horizons (each at least 4 points), short enough
    for the typical (lower-quartile) series to give training windows."""
    typical = int(np.percentile(lengths, 25)) if lengths else 0
    base = factor * max(horizon, m if m > 1 else 0, 4)
    return int(max(2, min(base, (typical - 2 * horizon) // 3)))


def lstm_needs(window: int, horizon: int, plan_span: int) -> int:
    """The fewest points a series needs to take part: a few training windows before its
    first validation origin, and the validation span after it."""
    return window + horizon + plan_span + 3


@dataclass
class LSTMHybrid:
    """The global model's settings and, once fitted, its members and transforms.

    ``noise > 0`` trains on noisy copies of the series besides the series (`NOISY_COPIES`,
    here of that noise). ``sequential=True`` trains the members one after another instead
    of as one batched model where that is faster (for comparison; not stored in bundles).
    """

    horizon: int
    window: int
    season_length: int
    members: int = 5
    units: int = 32
    lr: float = 3e-3
    max_epochs: int = 80
    patience: int = 10
    min_epochs: int = 10
    seed: int = 0
    noise: float = 0.0
    inputs: int = 0
    input_stats: list[list[float]] = field(default_factory=list)
    transforms: dict[str, SeriesTransform] = field(default_factory=dict)
    models: list[torch.nn.Module] = field(default_factory=list)
    epochs: int = 0
    sequential: bool = False

    def settings(self) -> CoreSettings:
        return CoreSettings(window=self.window, horizon=self.horizon,
                            units=self.units, lr=self.lr, max_epochs=self.max_epochs,
                            patience=self.patience, min_epochs=self.min_epochs,
                            covariates=self.inputs)

    def _fit_inputs(self, inputs: dict[str, np.ndarray] | None) -> None:
        if not inputs:
            self.inputs, self.input_stats = 0, []
            return
        stacked = np.concatenate(list(inputs.values()))
        mean, std = stacked.mean(axis=0), stacked.std(axis=0)
        std[~(std > 0)] = 1.0
        self.inputs = stacked.shape[1]
        self.input_stats = [mean.tolist(), std.tolist()]

    def _scaled(self, inputs: dict[str, np.ndarray] | None, names: list[str]
                ) -> list[np.ndarray | None]:
        if not self.inputs:
            return [None] * len(names)
        if inputs is None or any(k not in inputs for k in names):
            raise ValueError("the LSTM hybrid was trained with extra inputs; give them")
        mean, std = (np.asarray(v) for v in self.input_stats)
        return [(np.asarray(inputs[k], float) - mean) / std for k in names]

    def _space(self, series: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {k: self.transforms[k].forward(v) for k, v in series.items()}

    def _train_origins(self, u: dict[str, Any], cutoffs: dict[str, int]
                       ) -> dict[str, np.ndarray]:
        cap = min(MAX_WINDOWS, max(1, TOTAL_WINDOWS // max(1, len(u))))
        return {k: np.arange(self.window - 1, cutoffs[k] - self.horizon + 1)[-cap:]
                for k in u}

    def copies(self, cutoffs: dict[str, int]) -> int:
        """How many noisy copies of each series fit beside the series under `TOTAL_WINDOWS`
        and `NOISY_WINDOWS`, at most `NOISY_COPIES`, when each series' windows end at its
        cutoff (its last index used); 0 where none fit. A hybrid with `noise` trains on
        these, at least one."""
        return self._room(self._own(cutoffs), len(cutoffs))

    def room(self, cutoffs: dict[str, int]) -> int:
        """How many noisy copies of each series fit beside the series under `TOTAL_WINDOWS`
        alone, at most `NOISY_COPIES` (as `copies`): below `NOISY_COPIES`, the file has
        windows enough of its own."""
        return self._room(self._own(cutoffs))

    def _own(self, cutoffs: dict[str, int]) -> int:
        return sum(len(v) for v in self._train_origins(cutoffs, cutoffs).values())

    @staticmethod
    def _room(own: int, count: int | None = None) -> int:
        """Copies under `TOTAL_WINDOWS`, and under `NOISY_WINDOWS` where `count` (of series)
        is given."""
        limits = [NOISY_COPIES, TOTAL_WINDOWS // max(1, own) - 1]
        if count is not None:
            limits.append(NOISY_WINDOWS * count // max(1, own) - 1)
        return max(0, min(limits))

    def _training_windows(self, u: dict[str, np.ndarray], cov: list[np.ndarray | None],
                          train: dict[str, np.ndarray], salt: int
                          ) -> tuple[np.ndarray, np.ndarray, int]:
        """The windows at the `train` origins of each series, then those of its noisy copies
        (`copies`): x, y and the count of the series' own windows."""
        names = list(u)
        series = [u[k] for k in names]
        origins = [train[k] for k in names]
        own = sum(len(o) for o in origins)
        copies = max(1, self._room(own, len(names))) if self.noise > 0 else 0
        if copies > 0:
            rng = np.random.default_rng([self.seed, salt])
            noisy = [v + rng.normal(0.0, self.noise, len(v))
                     for _ in range(copies) for v in series]
            series, cov, origins = series + noisy, cov * (copies + 1), origins * (copies + 1)
        x, y = windows(series, cov, self.window, self.horizon, origins)
        return x, y, own

    def validate(self, series: dict[str, np.ndarray], origins: dict[str, np.ndarray],
                 horizon_of: dict[str, int], inputs: dict[str, np.ndarray] | None = None
                 ) -> dict[str, np.ndarray]:
        """Fit the transforms and train on each series up to its first origin, and return
        each series' forecasts from its origins, ``(windows, horizon_of[name])`` in original
        units. `inputs`: extra input columns per series, one row per point (covariates)."""
        cutoffs = {k: int(origins[k][0]) for k in series}
        self.transforms = {k: self._transform_before(v, cutoffs[k]) for k, v in series.items()}
        self._fit_inputs(inputs)
        u = self._space(series)
        train = self._train_origins(u, cutoffs)
        names = list(u)
        cov = self._scaled(inputs, names)
        x, y, own = self._training_windows(u, cov, train, salt=0)
        xv, yv = windows([u[k] for k in names], cov, self.window, self.horizon,
                         [origins[k] for k in names])
        # Validation targets past a series' end (its last windows are shorter than the
        # horizon) are NaN: the loss sees only the real ones.
        keep = ~np.isnan(yv).any(axis=1)
        s = self.settings()
        seeds = [self.seed + k for k in range(min(self.members, SELECTION_MEMBERS))]
        models, epochs, _ = train_ensemble(s, seeds, x, y,
                                           (xv[keep], yv[keep]) if keep.any() else None,
                                           sequential=self.sequential)
        # The final fit trains on more windows (up to each series' end) for as many steps
        # an epoch, so it gets proportionally more epochs.
        final = self._train_origins(u, {k: len(v) - 1 for k, v in u.items()})
        final_windows = sum(len(v) for v in final.values())
        self.epochs = max(1, round(float(np.median(epochs)) * final_windows / max(1, own)))
        paths = np.median(predict_paths(models, xv, self.horizon), axis=0)
        out, row = {}, 0
        for name in names:
            count = len(origins[name])
            part = paths[row:row + count]
            row += count
            out[name] = np.array([
                self._to_original(name, u[name][o] + part[i][:horizon_of[name]], o + 1)
                for i, o in enumerate(origins[name])])
        return out

    def _transform_before(self, y: np.ndarray, cutoff: int) -> SeriesTransform:
        """The transform validation reads a series through: fitted on its points up to its
        first validation origin (`cutoff`), so the windows it is scored on shape neither
        the season nor the scale; logged and deseasonalised as the whole series is.

        Fitted on the whole series, the LSTM's held-out errors were 0.95 times its
        validation errors on 46 classic series, where the classical models' were 0.75 to
        0.92 (0.90 so); on a synthetic file of 120 monthly series 1.07, against ARIMA's
        0.93 (1.00 so). Measured, whole -> before the origin, OWA against seasonal naive
        and 80% intervals' share of truths held: the 46 classic series 0.6082 -> 0.6079,
        81.8% -> 83.5%; the development panel 0.5875 -> 0.5864, 65.4% either way; 192
        fertility rates of 46 points 0.4543 -> 0.4489, 74.5% -> 75.1% (of 13 and 18
        points unchanged); the synthetic file 0.7412 -> 0.7391, 80.0% -> 80.8%."""
        whole = fit_transform(y, self.season_length)
        return fit_transform(y[:cutoff + 1], self.season_length, log=whole.log,
                             deseasonalise=bool(whole.season))

    def fit_final(self, series: dict[str, np.ndarray],
                  inputs: dict[str, np.ndarray] | None = None) -> LSTMHybrid:
        """Train the final ensemble on all points of `series`, through transforms fitted on
        all of them."""
        self.transforms = {k: fit_transform(v, self.season_length) for k, v in series.items()}
        u = self._space(series)
        train = self._train_origins(u, {k: len(v) - 1 for k, v in u.items()})
        names = list(u)
        x, y, _ = self._training_windows(u, self._scaled(inputs, names), train, salt=1)
        s = self.settings()
        seeds = [self.seed + k for k in range(self.members)]
        self.models = train_ensemble(s, seeds, x, y, None, self.epochs,
                                     sequential=self.sequential)[0]
        return self

    def forecast(self, series: dict[str, np.ndarray], horizon: int,
                 inputs: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
        """Each series' forecast from its last point, in original units."""
        u = self._space(series)
        names = list(u)
        x, _ = windows([u[k] for k in names], self._scaled(inputs, names), self.window, 1,
                       [np.array([len(u[k]) - 1]) for k in names])
        paths = np.median(predict_paths(self.models, x, self.horizon), axis=0)
        return {name: self._to_original(name, u[name][-1] + paths[i][:horizon], len(u[name]))
                for i, name in enumerate(names)}

    def _to_original(self, name: str, centre: np.ndarray, start: int) -> np.ndarray:
        path = self.transforms[name].inverse(centre, start)
        return np.where(np.isfinite(path), path, np.nan)


