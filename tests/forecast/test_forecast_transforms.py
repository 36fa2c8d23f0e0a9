"""The LSTM hybrid's per-series transform: log or raw values, a season taken out, and a
step that puts every series on one scale."""

import numpy as np

from seqlab.forecast.transforms import fit_transform


def test_the_step_of_a_tiny_series_is_its_own_and_rounding_is_no_step():
    # A series of 1e-13s (with a zero: no log) took a step of 1, flat to the LSTM; a
    # season taken from logs near 0.05 left steps of 1e-17, which were taken as the step.
    t = np.arange(48)
    tiny = np.r_[0.0, 1e-13 * (1 + np.random.default_rng(0).random(47))]
    assert 1e-14 < fit_transform(tiny, 12).scale < 1e-13
    assert fit_transform(np.exp(0.05 * np.cos(2 * np.pi * t / 12)), 12).scale == 1.0
