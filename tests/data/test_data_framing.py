import numpy as np
import pytest

from seqlab.data import series_to_supervised, windows
from seqlab.errors import ValidationError


def test_windows_univariate_shapes_values_and_views():
    series = np.arange(10.0)
    x, y = windows(series, 3)
    assert x.shape == (7, 3, 1)
    assert y.shape == (7, 1)
    np.testing.assert_array_equal(x[0, :, 0], [0, 1, 2])
    np.testing.assert_array_equal(x[-1, :, 0], [6, 7, 8])
    np.testing.assert_array_equal(y[:, 0], np.arange(3, 10))
    assert np.shares_memory(x, series)
    assert np.shares_memory(y, series)
    assert not x.flags.writeable


def test_windows_multistep_step_and_sample_count():
    series = np.arange(10)
    x, y = windows(series, 3, 2, step=2)
    assert x.shape[0] == (10 - 3 - 2) // 2 + 1 == 3
    np.testing.assert_array_equal(x[..., 0], [[0, 1, 2], [2, 3, 4], [4, 5, 6]])
    np.testing.assert_array_equal(y, [[3, 4], [5, 6], [7, 8]])


def test_windows_target_offset_skips_steps():
    x, y = windows(np.arange(10), 3, 1, target_offset=2)
    assert x.shape == (5, 3, 1)
    np.testing.assert_array_equal(y[:, 0], [5, 6, 7, 8, 9])


def test_windows_multivariate_and_as_features():
    series = np.arange(20.0).reshape(10, 2)
    x, y = windows(series, 3, 2)
    assert x.shape == (6, 3, 2)
    assert y.shape == (6, 2, 2)
    np.testing.assert_array_equal(x[1], series[1:4])
    np.testing.assert_array_equal(y[1], series[4:6])
    xf, yf = windows(series, 3, 2, as_features=True)
    assert xf.shape == (6, 1, 6)
    np.testing.assert_array_equal(xf[1, 0], series[1:4].reshape(-1))
    assert np.shares_memory(xf, series)
    assert np.shares_memory(yf, series)


def test_windows_as_features_univariate():
    x, y = windows([1, 2, 3, 4, 5], 2, as_features=True)
    assert x.shape == (3, 1, 2)
    np.testing.assert_array_equal(x[:, 0], [[1, 2], [2, 3], [3, 4]])
    np.testing.assert_array_equal(y, [[3], [4], [5]])


def test_windows_exact_fit_gives_one_sample():
    x, y = windows(np.arange(5), 3, 2)
    assert x.shape == (1, 3, 1) and y.shape == (1, 2)


def test_windows_errors():
    with pytest.raises(ValidationError, match=r"'n_in' parameter of windows.*\[1, inf\).*Got 0"):
        windows(np.arange(5), 0)
    with pytest.raises(ValidationError, match=r"'step' parameter.*Got 0"):
        windows(np.arange(5), 2, step=0)
    with pytest.raises(ValidationError, match=r"needs 12 .*n_in=10.*n_out=2.*only 5 time steps"):
        windows(np.arange(5), 10, 2)
    with pytest.raises(ValidationError, match="NaN or infinity"):
        windows(np.array([1.0, np.nan, 3.0, 4.0]), 2)
    with pytest.raises(ValidationError, match=r"shape \(2, 3, 4\)"):
        windows(np.zeros((2, 3, 4)), 1)


def test_series_to_supervised_book_example():
    values, columns = series_to_supervised(range(10), 1, 2)
    assert columns == ["var1(t-1)", "var1(t)", "var1(t+1)"]
    assert values.shape == (8, 3)
    np.testing.assert_array_equal(values[0], [0, 1, 2])
    np.testing.assert_array_equal(values[-1], [7, 8, 9])


def test_series_to_supervised_keep_nan_and_multivariate():
    data = np.arange(10).reshape(5, 2)
    values, columns = series_to_supervised(data, 2, 1, dropnan=False)
    assert columns == [
        "var1(t-2)",
        "var2(t-2)",
        "var1(t-1)",
        "var2(t-1)",
        "var1(t)",
        "var2(t)",
    ]
    assert values.shape == (5, 6)
    assert np.isnan(values[0, :4]).all() and np.isnan(values[1, :2]).all()
    np.testing.assert_array_equal(values[2], [0, 1, 2, 3, 4, 5])
    dropped, _ = series_to_supervised(data, 2, 1)
    np.testing.assert_array_equal(dropped, values[2:])


def test_series_to_supervised_errors():
    with pytest.raises(ValidationError, match="NaN"):
        series_to_supervised([1.0, np.nan, 2.0])
    with pytest.raises(ValidationError, match=r"'n_in' parameter of series_to_supervised"):
        series_to_supervised(range(5), -1)
    with pytest.raises(ValidationError, match="n_in=0, n_out=0"):
        series_to_supervised(range(5), 0, 0)
