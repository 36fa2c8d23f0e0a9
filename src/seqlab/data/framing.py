"""Frame a time series as supervised learning samples: windows of inputs and the values after."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from seqlab._validation import as_numeric_array, check_finite, check_int
from seqlab.errors import ValidationError

__all__ = ["windows", "series_to_supervised"]


def _as_series(name: str, series: Any, owner: str) -> np.ndarray:
    """Return `series` as a 1-D or 2-D numeric array, rejecting other ranks and NaN/inf."""
    arr = as_numeric_array(series, name, owner)
    if arr.ndim not in (1, 2):
        raise ValidationError(
            f"The {name!r} parameter of {owner} must be a 1-D array (n,) or a 2-D array "
            f"(n, features). Got an array of shape {arr.shape} instead."
        )
    check_finite(name, arr)
    return arr


def windows(
    series: Any,
    n_in: int,
    n_out: int = 1,
    *,
    step: int = 1,
    as_features: bool = False,
    target_offset: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Cut a series into input windows `X` and the `n_out` values that follow each one, `y`.

    Sample ``s`` uses ``series[s*step : s*step + n_in]`` as input and
    ``series[s*step + n_in + target_offset : ... + n_out]`` as target, so ``target_offset``
    skips that many steps between the end of the window and the first target.

    Parameters
    ----------
    series : array-like of shape (n,) or (n, features)
        The time series, oldest first. Must be finite.
    n_in : int >= 1
        Length of each input window (time steps fed to the network).
    n_out : int >= 1
        How many values after the window to predict.
    step : int >= 1
        Distance between the starts of consecutive windows.
    as_features : bool
        False: ``X`` has shape (samples, n_in, features), one window step per time step.
        True: ``X`` has shape (samples, 1, n_in * features), the whole window as the features
        of a single time step (the tutorials' "window method").
    target_offset : int >= 0
        Steps skipped between the window and its targets.

    Returns
    -------
    X : ndarray
        A read-only view of ``series`` (no copy; copy it with ``np.array(X)`` before writing,
        or before ``torch.as_tensor`` which warns on read-only arrays). Non-C-contiguous input is
        first copied to a contiguous array.
    y : ndarray
        Shape (samples, n_out) for a 1-D series, (samples, n_out, features) for a 2-D one;
        also a read-only view.

    ``samples = (n - n_in - target_offset - n_out) // step + 1``.
    """
    owner = "windows"
    n_in = check_int("n_in", n_in, owner, low=1)
    n_out = check_int("n_out", n_out, owner, low=1)
    step = check_int("step", step, owner, low=1)
    target_offset = check_int("target_offset", target_offset, owner, low=0)
    arr = np.ascontiguousarray(_as_series("series", series, owner))
    univariate = arr.ndim == 1
    s2 = arr[:, None] if univariate else arr
    n, n_features = s2.shape
    span = n_in + target_offset + n_out
    if span > n:
        parts = f"n_in={n_in} + n_out={n_out}"
        if target_offset:
            parts += f" + target_offset={target_offset}"
        raise ValidationError(
            f"windows needs {span} consecutive time steps per sample ({parts}) but `series` has "
            f"only {n} time steps. Use a smaller n_in or n_out, or a longer series."
        )
    samples = (n - span) // step + 1
    stop = (samples - 1) * step + 1
    # sliding_window_view(..., axis=0) puts the window axis last: (starts, features, window).
    x = sliding_window_view(s2[: n - target_offset - n_out], n_in, axis=0)
    x = x[:stop:step].transpose(0, 2, 1)
    y = sliding_window_view(s2[n_in + target_offset :], n_out, axis=0)
    y = y[:stop:step].transpose(0, 2, 1)
    if as_features:
        x = x.reshape(samples, 1, n_in * n_features)
    if univariate:
        y = y[:, :, 0]
    return x, y


def _lag_name(var: int, shift: int) -> str:
    if shift == 0:
        return f"var{var}(t)"
    return f"var{var}(t{shift:+d})"


def series_to_supervised(
    data: Any, n_in: int = 1, n_out: int = 1, *, dropnan: bool = True
) -> tuple[np.ndarray, list[str]]:
    """Frame a series as a table of lagged columns, like the tutorials' pandas ``shift`` recipe.

    Columns are, for each lag ``t-n_in .. t-1`` then each lead ``t .. t+(n_out-1)``, one column
    per variable, named ``'var1(t-1)'``, ``'var1(t)'``, ``'var1(t+1)'`` …

    Parameters
    ----------
    data : array-like of shape (n,) or (n, variables)
        The series; must not contain NaN or infinity.
    n_in : int >= 0
        Number of lag steps (input columns).
    n_out : int >= 0
        Number of steps from ``t`` on (output columns); ``n_in + n_out`` must be >= 1.
    dropnan : bool
        True: drop the rows where a shift ran off the series (the first ``n_in`` and last
        ``n_out - 1``). False: keep them, holding NaN.

    Returns
    -------
    values : ndarray of float64, shape (rows, (n_in + n_out) * variables)
    columns : list of str

    Example: ``series_to_supervised(range(10), 1, 2)[0][0]`` is ``[0., 1., 2.]``.
    """
    owner = "series_to_supervised"
    n_in = check_int("n_in", n_in, owner, low=0)
    n_out = check_int("n_out", n_out, owner, low=0)
    if n_in + n_out < 1:
        raise ValidationError(
            f"series_to_supervised needs at least one column: n_in + n_out must be >= 1. "
            f"Got n_in={n_in}, n_out={n_out} instead."
        )
    if not isinstance(dropnan, (bool, np.bool_)):
        raise ValidationError(f"The 'dropnan' parameter of {owner} must be True or False. "
                              f"Got {dropnan!r} instead.")
    arr = _as_series("data", data, owner)
    s2 = (arr[:, None] if arr.ndim == 1 else arr).astype(np.float64)
    n, n_vars = s2.shape
    shifts = list(range(-n_in, 0)) + list(range(n_out))
    values = np.full((n, len(shifts) * n_vars), np.nan)
    columns: list[str] = []
    for j, shift in enumerate(shifts):
        block = values[:, j * n_vars : (j + 1) * n_vars]
        # Column value at row r is data[r + shift] (pandas: df.shift(-shift)); a shift as
        # long as the series leaves the column empty.
        if shift < 0 and -shift < n:
            block[-shift:] = s2[: n + shift]
        elif 0 <= shift < n:
            block[: n - shift] = s2[shift:]
        columns.extend(_lag_name(v + 1, shift) for v in range(n_vars))
    if dropnan:
        last = max(n_out - 1, 0)
        values = values[n_in : max(n - last, n_in)].copy()
    return values, columns
