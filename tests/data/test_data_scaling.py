import json

import numpy as np
import pytest

from seqlab.data import MinMaxScaler, StandardScaler
from seqlab.errors import NotFittedError, ValidationError

BOOK_STD = [1.0, 5.5, 9.0, 2.6, 8.8, 3.0, 4.1, 7.9, 6.3]


def test_minmax_book_numbers_and_inverse():
    data = np.array([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], dtype=float).reshape(-1, 1)
    scaler = MinMaxScaler(feature_range=(0, 1))
    scaled = scaler.fit_transform(data)
    expected = [
        0,
        0.11111111,
        0.22222222,
        0.33333333,
        0.44444444,
        0.55555556,
        0.66666667,
        0.77777778,
        0.88888889,
        1.0,
    ]
    np.testing.assert_allclose(scaled[:, 0], expected, atol=5e-9)
    assert scaled.shape == data.shape
    np.testing.assert_allclose(scaler.inverse_transform(scaled), data)
    assert scaler.data_min_.tolist() == [10.0] and scaler.data_max_.tolist() == [100.0]


def test_standard_book_numbers_and_inverse():
    scaler = StandardScaler()
    scaled = scaler.fit_transform(BOOK_STD)
    text = f"Mean: {scaler.mean_[0]:f}, StandardDeviation: {np.sqrt(scaler.var_[0]):f}"
    assert text == "Mean: 5.355556, StandardDeviation: 2.712568"
    assert f"{scaler.scale_[0]:f}" == "2.712568"
    expected = [
        -1.60569456,
        0.05325007,
        1.34354035,
        -1.01584758,
        1.26980948,
        -0.86838584,
        -0.46286604,
        0.93802055,
        0.34817357,
    ]
    np.testing.assert_allclose(scaled, expected, atol=5e-9)
    assert scaled.shape == (9,)
    np.testing.assert_allclose(scaler.inverse_transform(scaled), BOOK_STD)


def test_per_feature_last_axis_nd():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 5, 3)) * [1, 10, 100] + [0, 5, -5]
    std = StandardScaler().fit(x)
    z = std.transform(x)
    assert z.shape == x.shape
    np.testing.assert_allclose(z.reshape(-1, 3).mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(z.reshape(-1, 3).std(0), 1)
    mm = MinMaxScaler((-1, 1)).fit(x)
    m = mm.transform(x).reshape(-1, 3)
    np.testing.assert_allclose(m.min(0), -1)
    np.testing.assert_allclose(m.max(0), 1)
    np.testing.assert_allclose(mm.inverse_transform(mm.transform(x)), x)


def test_constant_feature_does_not_divide_by_zero():
    x = np.array([[1.0, 0.1], [2.0, 0.1], [3.0, 0.1]])
    mm = MinMaxScaler().fit(x)
    std = StandardScaler().fit(x)
    assert mm.scale_[1] == 1.0 and std.scale_[1] == 1.0
    assert np.isfinite(mm.transform(x)).all() and np.isfinite(std.transform(x)).all()
    np.testing.assert_allclose(std.transform(x)[:, 1], 0)
    np.testing.assert_allclose(std.inverse_transform(std.transform(x)), x)


def test_float32_preserved():
    x = np.arange(6, dtype=np.float32).reshape(3, 2)
    assert MinMaxScaler().fit_transform(x).dtype == np.float32


@pytest.mark.parametrize("cls", [MinMaxScaler, StandardScaler])
def test_json_round_trip(cls):
    x = np.array([[1.0, 10.0], [2.0, 30.0], [4.0, 20.0]])
    unfitted = cls.from_dict(json.loads(json.dumps(cls().to_dict())))
    with pytest.raises(NotFittedError):
        unfitted.transform(x)
    scaler = cls().fit(x)
    restored = cls.from_dict(json.loads(json.dumps(scaler.to_dict())))
    np.testing.assert_array_equal(restored.transform(x), scaler.transform(x))
    assert restored.n_features_in_ == 2


@pytest.mark.parametrize("cls", [MinMaxScaler, StandardScaler])
@pytest.mark.parametrize("x", [
    np.array([[1.0, 10.0], [2.0, 30.0], [4.0, 20.0]]),
    np.array([[0.1, -5.0], [0.1, 5.0], [0.1, 7.5]]),  # a constant feature
    np.array([[1e-300, 1e100], [2e-300, -1e100]]),
    np.array([[3.0, 3.0]]),
])
def test_every_fit_round_trips_through_the_statistics_checks(cls, x):
    scaler = cls().fit(x)
    restored = cls.from_dict(json.loads(json.dumps(scaler.to_dict())))
    np.testing.assert_array_equal(restored.transform(x), scaler.transform(x))


@pytest.mark.parametrize("cls, change, message", [
    # A negated scale was loaded and flipped every prediction.
    (MinMaxScaler, lambda f: f.update(scale_=[-0.5, 0.05]), r"'scale_' holds -0.5; a fit's "
     r"scales are above 0"),
    (StandardScaler, lambda f: f.update(scale_=[0.0, 1.0]), r"'scale_' holds 0.0"),
    (MinMaxScaler, lambda f: f.update(data_max_=[9.0, 30.0]),
     r"the fitted data_range_ and scale_ do not follow from one another"),
    (MinMaxScaler, lambda f: f.update(min_=[0.0, 0.0]), r"the fitted min_ do not follow"),
    (StandardScaler, lambda f: f.update(var_=[4.0, 4.0]), r"the fitted var_ and scale_ do "
     r"not follow"),
    (StandardScaler, lambda f: f.update(var_=[-1.0, 1.0]), r"var_ \(below 0\)"),
    (StandardScaler, lambda f: f.update(n_samples_seen_="x"),
     r"'n_samples_seen_' is 'x'; expected a count"),
])
def test_statistics_that_no_fit_makes_are_refused(cls, change, message):
    state = cls().fit(np.array([[1.0, 10.0], [2.0, 30.0], [4.0, 20.0]])).to_dict()
    change(state["fitted"])
    with pytest.raises(ValidationError, match=message):
        cls.from_dict(json.loads(json.dumps(state)))


def test_an_older_fits_constant_feature_with_a_rounding_variance_still_loads():
    state = StandardScaler().fit(np.array([[0.1], [0.2]])).to_dict()
    state["fitted"].update(mean_=[0.1], var_=[1.9e-34], scale_=[1.0])
    assert StandardScaler.from_dict(state).transform([0.1]) == pytest.approx([0.0])


def test_minmax_feature_range_round_trip():
    scaler = MinMaxScaler((-1, 1)).fit([1.0, 3.0])
    restored = MinMaxScaler.from_dict(json.loads(json.dumps(scaler.to_dict())))
    np.testing.assert_array_equal(restored.transform([2.0]), [0.0])


@pytest.mark.parametrize("cls", [MinMaxScaler, StandardScaler])
def test_errors(cls):
    with pytest.raises(NotFittedError, match=rf"{cls.__name__}.*not fitted.*Call 'fit'"):
        cls().transform([1.0])
    with pytest.raises(NotFittedError, match="inverse_transform"):
        cls().inverse_transform([1.0])
    with pytest.raises(ValidationError, match="NaN"):
        cls().fit([1.0, np.nan])
    scaler = cls().fit(np.zeros((3, 3)) + np.arange(3)[:, None])
    with pytest.raises(ValidationError, match=r"fitted on 3 feature.*has 2"):
        scaler.transform(np.zeros((4, 2)))


def test_minmax_bad_feature_range():
    with pytest.raises(ValidationError, match=r"'feature_range' parameter.*\(1, 0\)"):
        MinMaxScaler(feature_range=(1, 0)).fit([1.0, 2.0])
    with pytest.raises(ValidationError, match="feature_range"):
        MinMaxScaler(feature_range=(0, 0)).fit([1.0, 2.0])
