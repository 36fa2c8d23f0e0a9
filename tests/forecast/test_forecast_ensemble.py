"""The LSTM hybrid's seed ensemble trained as one batched model (issue 26).

`train_ensemble` must give every member what `train_member` gives that seed alone: the
same best epoch, best validation loss and weights, to the batched trainer's float
tolerance (its recurrences are batched matrix products, not torch's fused kernel):
weights within 1e-4, validation losses within 1e-5 (relative), forecasts within 1e-4
of the series' scale.
"""

import numpy as np
import pandas as pd
import pytest
import torch
from forecast_series import FAST, monthly

import seqlab.forecast.core as core
from seqlab.errors import ValidationError
from seqlab.forecast import Forecaster
from seqlab.forecast.core import (
    BATCHED_WORK,
    CoreSettings,
    predict_paths,
    train_ensemble,
    train_member,
)
from seqlab.train.batched import BatchedTrainer

WEIGHTS, LOSSES, PATHS = 1e-4, 1e-5, 1e-4


def _windows(seed, n=60, window=6, horizon=3, covariates=0):
    """Noisy sine windows (and covariate columns): a problem the members learn a little of
    in a few epochs, with validation windows after the training ones."""
    rng = np.random.default_rng(seed)
    t = np.arange(n + window + horizon)
    series = np.sin(t * 0.4) + rng.normal(0, 0.1, len(t))
    x = np.stack([series[i:i + window] - series[i + window - 1]
                  for i in range(n)])[:, :, None]
    y = np.stack([series[i + window:i + window + horizon] - series[i + window - 1]
                  for i in range(n)])
    if covariates:
        x = np.concatenate([x, rng.normal(size=(n, window, covariates))], axis=2)
    x, y = x.astype(np.float32), y.astype(np.float32)
    cut = n - 12
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])


@pytest.fixture
def batched_fits(monkeypatch):
    """How many times `BatchedTrainer.fit` ran: the comparisons below must compare the
    batched path, not the sequential one twice."""
    calls = []
    original = BatchedTrainer.fit

    def counted(self, *args, **kwargs):
        calls.append(self.members)
        return original(self, *args, **kwargs)
    monkeypatch.setattr(BatchedTrainer, "fit", counted)
    return calls


def _same_models(ours, alone):
    for (name, a), b in zip(ours.state_dict().items(), alone.state_dict().values(),
                            strict=True):
        assert torch.allclose(a, b, atol=WEIGHTS), (name, float((a - b).abs().max()))


@pytest.mark.parametrize("covariates", [0, 2])
def test_early_stopped_members_match_their_seeds_trained_alone(covariates, batched_fits):
    (x, y), (xv, yv) = _windows(covariates, covariates=covariates)
    # A short patience and a warm phase: members stop at different epochs, after min_epochs.
    settings = CoreSettings(window=6, horizon=3, units=8, lr=0.01, max_epochs=25,
                            patience=3, min_epochs=4, covariates=covariates)
    seeds = [3, 4, 5]
    models, epochs, losses = train_ensemble(settings, seeds, x, y, (xv, yv))
    assert batched_fits == [3, 3]  # the warm phase, then early stopping
    alone = [train_member(settings, seed, x, y, (xv, yv)) for seed in seeds]
    assert epochs == [best for _, best, _ in alone]
    assert all(settings.min_epochs < e <= settings.max_epochs for e in epochs)
    for ours, (model, _, loss), got in zip(models, alone, losses, strict=True):
        _same_models(ours, model)
        assert got == pytest.approx(loss, rel=LOSSES)
        assert not ours.training
    paths = predict_paths(models, xv, 3)
    assert np.allclose(paths, predict_paths([m for m, _, _ in alone], xv, 3), atol=PATHS)


@pytest.mark.parametrize("covariates", [0, 1])
def test_fixed_epoch_members_match_their_seeds_trained_alone(covariates, batched_fits):
    (x, y), (xv, _) = _windows(10 + covariates, covariates=covariates)
    settings = CoreSettings(window=6, horizon=3, units=8, lr=0.01, max_epochs=25,
                            covariates=covariates)
    seeds = [0, 1, 2, 7]
    models, epochs, losses = train_ensemble(settings, seeds, x, y, None, 6)
    assert batched_fits == [4]
    assert epochs == [6] * 4 and all(np.isnan(losses))
    for seed, ours in zip(seeds, models, strict=True):
        model, best, _ = train_member(settings, seed, x, y, None, 6)
        assert best == 6
        _same_models(ours, model)
    assert np.allclose(predict_paths(models, xv, 3),
                       predict_paths([train_member(settings, s, x, y, None, 6)[0]
                                      for s in seeds], xv, 3), atol=PATHS)


def test_sequential_a_single_seed_or_large_steps_train_without_the_batched_trainer(
        monkeypatch):
    (x, y), (xv, yv) = _windows(0)
    settings = CoreSettings(window=6, horizon=3, units=4, max_epochs=3, patience=2)
    wide = CoreSettings(window=6, horizon=3, units=72, max_epochs=3, patience=2)
    assert 32 * settings.units <= BATCHED_WORK < 32 * wide.units  # 32 windows a step

    def refuse(*args, **kwargs):
        raise AssertionError("the batched trainer was used")
    monkeypatch.setattr(BatchedTrainer, "fit", refuse)
    models, epochs, _ = train_ensemble(settings, [0, 1], x, y, (xv, yv), sequential=True)
    assert len(models) == 2 and len(epochs) == 2
    models, epochs, _ = train_ensemble(settings, [5], x, y, None, 2)
    _same_models(models[0], train_member(settings, 5, x, y, None, 2)[0])
    models, _, _ = train_ensemble(wide, [0, 1], x, y, None, 1)
    assert len(models) == 2
    # Under torchrun each member's Trainer trains data-parallel; the batched one cannot.
    monkeypatch.setattr(core, "_data_parallel", lambda: True)
    assert len(train_ensemble(settings, [0, 1], x, y, None, 1)[0]) == 2
    monkeypatch.setattr(core, "_data_parallel", lambda: False)
    with pytest.raises(AssertionError, match="batched trainer was used"):
        train_ensemble(settings, [0, 1], x, y, None, 2)


def test_forecaster_gives_the_same_forecasts_batched_or_sequential(batched_fits):
    # Short trainings: over long ones, Adam's normalised steps and the absolute error's
    # sign gradient let rounding differences grow epoch by epoch (seen here: 1e-6 in the
    # weights after 12 epochs, 1e-2 after 17), as they would between two machines.
    frame = pd.DataFrame({f"s{k}": monthly(54, seed=k, trend=0.5 + k).to_numpy()
                          for k in range(3)},
                         index=monthly(54).index)
    options = {**FAST, "members": 3, "methods": ["lstm"], "max_epochs": 6, "patience": 3,
               "min_epochs": 2}
    batched = Forecaster(4, **options).fit(frame)
    assert batched_fits == [2, 2, 3]  # validation: warm phase, early stopping; final fit
    sequential = Forecaster(4, sequential=True, **options).fit(frame)
    assert len(batched_fits) == 3
    assert batched.lstm_.epochs == sequential.lstm_.epochs
    ours, theirs = batched.predict(), sequential.predict()
    assert (ours["method"] == "lstm").all()
    scale = np.abs(theirs["forecast"].to_numpy()).max()
    for column in ("forecast", "lower", "upper"):
        assert np.allclose(ours[column], theirs[column], rtol=0, atol=PATHS * scale), column


def test_sequential_must_be_a_bool():
    with pytest.raises(ValidationError, match="'sequential' parameter of Forecaster"):
        Forecaster(3, sequential="yes").fit(monthly(40))


@pytest.mark.parametrize("count, each", [(100, 97), (3_000, 4), (6_000, 2), (20_000, 1)])
def test_the_lstm_trains_on_at_most_total_windows_or_one_a_series(count, each):
    """An epoch's windows are bounded by TOTAL_WINDOWS (the most recent of each series),
    at least one a series: at 10,000 series an epoch is no longer than at 3,000."""
    from seqlab.forecast.lstm import MAX_WINDOWS, TOTAL_WINDOWS, LSTMHybrid

    hybrid = LSTMHybrid(horizon=12, window=12, season_length=12)
    u = {f"s{k}": np.zeros(120) for k in range(count)}
    origins = hybrid._train_origins(u, {k: 119 for k in u})
    assert {len(v) for v in origins.values()} == {min(each, MAX_WINDOWS)}
    assert sum(len(v) for v in origins.values()) <= max(TOTAL_WINDOWS, count)
    assert all(v[-1] == 119 - 12 for v in origins.values())  # the most recent windows


def _hybrid_windows(count, length=60, seed=0, salt=0, noise=0.3):
    """`_training_windows` of `count` random walks, with the plain windows beside them."""
    from seqlab.forecast.core import windows
    from seqlab.forecast.lstm import LSTMHybrid

    hybrid = LSTMHybrid(horizon=6, window=8, season_length=1, seed=seed, noise=noise)
    rng = np.random.default_rng(99)
    u = {f"s{k}": np.cumsum(rng.normal(size=length)) for k in range(count)}
    train = hybrid._train_origins(u, {k: length - 1 for k in u})
    x, y, own = hybrid._training_windows(u, [None] * count, train, salt=salt)
    plain = windows(list(u.values()), [None] * count, 8, 6, list(train.values()))
    return x, y, own, plain, hybrid.copies({k: length - 1 for k in u})


def test_a_small_file_trains_on_noisy_copies_of_its_series_after_its_own_windows():
    """Each copy is the series plus Gaussian noise of the hybrid's `noise` in the model's
    units: a window's difference from the series' own is that noise less the noise at its
    last point (its level), so of variance 2 * noise**2."""
    from seqlab.forecast.lstm import NOISY_COPIES

    for noise in (0.3, 1.0):
        x, y, own, (px, py), _ = _hybrid_windows(2, noise=noise)
        assert own == len(px) and len(x) == (NOISY_COPIES + 1) * own
        np.testing.assert_array_equal(x[:own], px)
        np.testing.assert_array_equal(y[:own], py)
        copies_x = x[own:].reshape(NOISY_COPIES, own, *px.shape[1:])
        noise_seen = (copies_x - px[None])[..., :-1, 0]
        assert np.all(copies_x[..., -1, 0] == 0)  # still normalised by their own last level
        assert abs(noise_seen.std() / (np.sqrt(2) * noise) - 1) < 0.05
        assert abs(noise_seen.mean()) < 0.05 * noise
        assert not np.allclose(copies_x[0], copies_x[1])  # each copy has its own noise


def test_a_hybrid_without_noise_trains_on_its_series_alone():
    x, y, own, (px, py), _ = _hybrid_windows(2, noise=0.0)
    np.testing.assert_array_equal(x, px)
    np.testing.assert_array_equal(y, py)


def test_noisy_copies_follow_the_seed_and_differ_between_validation_and_final():
    x0 = _hybrid_windows(1, seed=0)[0]
    np.testing.assert_array_equal(x0, _hybrid_windows(1, seed=0)[0])
    assert not np.array_equal(x0, _hybrid_windows(1, seed=1)[0])
    assert not np.array_equal(x0, _hybrid_windows(1, seed=0, salt=1)[0])


@pytest.mark.parametrize("length, copies", [(200, 10), (300, 7), (500, 5), (900, 5)])
def test_a_long_series_trains_on_fewer_noisy_copies_under_noisy_windows(length, copies):
    """A series with many windows of its own takes as many copies as fit beside them under
    NOISY_WINDOWS (2,400; its own windows are at most MAX_WINDOWS, 400), though
    TOTAL_WINDOWS leaves room for all NOISY_COPIES (`room`), so the forecaster still trains
    the noisy hybrid by default."""
    from seqlab.forecast.lstm import NOISY_COPIES, NOISY_WINDOWS, LSTMHybrid

    x, _, own, (px, _), fit = _hybrid_windows(1, length=length)
    assert fit == copies == min(NOISY_COPIES, NOISY_WINDOWS // own - 1)
    assert len(x) == (copies + 1) * own
    np.testing.assert_array_equal(x[:own], px)
    hybrid = LSTMHybrid(horizon=6, window=8, season_length=1, noise=0.3)
    assert hybrid.room({"s0": length - 1}) == NOISY_COPIES


@pytest.mark.parametrize("count, room, copies", [
    (1, 10, 10), (50, 4, 4), (100, 1, 1), (200, 0, 1), (400, 0, 1)])
def test_noisy_copies_fit_under_total_windows_and_are_at_least_one(count, room, copies):
    """As many copies as the series' own windows leave room for under TOTAL_WINDOWS (here
    47 windows a series, fewer from 256 series); one where none fit (the forecaster trains
    the noisy hybrid there only where its methods name it)."""
    from seqlab.forecast.lstm import TOTAL_WINDOWS

    x, _, own, (px, _), fit = _hybrid_windows(count)
    assert fit == room
    assert own == min(47, TOTAL_WINDOWS // count) * count
    assert len(x) == (copies + 1) * own
    np.testing.assert_array_equal(x[:own], px)


def test_validation_reads_each_series_through_a_transform_fitted_before_its_first_origin():
    """The log, season and scale the LSTM hybrid is validated through come from each
    series' points up to its first validation origin: the values it is then scored on
    change none of them (they did: the season and scale were fitted on the whole series,
    so the windows being scored shaped the LSTM's inputs and forecasts there, and the
    LSTM validated better than it forecast). The final fit reads all the points."""
    from seqlab.forecast.lstm import LSTMHybrid
    from seqlab.forecast.transforms import fit_transform

    y = monthly(96, seed=0, noise=0.04).to_numpy()
    broken = y.copy()
    broken[80:] *= 1.3  # a level shift after the first origin
    origins = {"s": np.array([79, 82, 85])}
    seen = []
    for series in (y, broken):
        hybrid = LSTMHybrid(horizon=6, window=12, season_length=12, members=1, max_epochs=2,
                            min_epochs=1, patience=1)
        hybrid.validate({"s": series}, origins, {"s": 6})
        seen.append(hybrid.transforms["s"])
        assert seen[-1] == fit_transform(series[:80], 12, log=True, deseasonalise=True)
        hybrid.fit_final({"s": series})
        assert hybrid.transforms["s"] == fit_transform(series, 12)
    assert seen[0] == seen[1] and seen[0].log and seen[0].season and seen[0].length == 80
    whole, whole_broken = fit_transform(y, 12), fit_transform(broken, 12)
    assert whole.season != whole_broken.season and whole.scale != whole_broken.scale
