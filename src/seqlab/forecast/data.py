"""Reading series for forecasting: dates detected, frequency inferred, gaps reported.

`prepare` turns a pandas Series/DataFrame (DatetimeIndex or a date column) or a numpy array
into a `SeriesData`: a regular, gap-free table of target columns (and covariate columns),
its frequency and season length. Every problem in the input is a `ValidationError` that
says what was found and how to fix it.
"""

from __future__ import annotations

import csv
import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from seqlab._io import read_text
from seqlab.errors import ValidationError

__all__ = ["SeriesData", "prepare", "read_csv", "season_length_of", "future_index", "FILLS"]

FILLS = ("interpolate", "ffill")
_DATE_NAMES = ("date", "ds", "time", "timestamp", "datetime", "period", "month", "week", "day",
               "quarter", "year")


@dataclass
class SeriesData:
    """Regular, complete data ready to model.

    ``values``: one column per series (float), ``covariates``: extra columns (or None), both
    indexed by a DatetimeIndex of frequency ``freq`` (or a RangeIndex when there are no
    dates, ``freq`` None). ``filled``: the dates that were missing and were filled.
    """

    values: pd.DataFrame
    covariates: pd.DataFrame | None
    freq: str | None
    season_length: int
    filled: list[str]


def season_length_of(freq: str | None) -> int:
    """Monthly 12, quarterly 4, weekly 52, daily 7, business-daily 5, hourly 24, else 1."""
    if freq is None:
        return 1
    offset = pd.tseries.frequencies.to_offset(freq)
    name = type(offset).__name__
    per_unit = {"MonthBegin": 12, "MonthEnd": 12, "QuarterBegin": 4, "QuarterEnd": 4,
                "Week": 52, "Day": 7, "BusinessDay": 5, "Hour": 24, "Minute": 60,
                "YearBegin": 1, "YearEnd": 1}.get(name, 1)
    n = getattr(offset, "n", 1) or 1
    if n > 1 and per_unit > 1:
        return per_unit // n if per_unit % n == 0 else 1
    return per_unit


def _candidate_freqs(first: pd.Timestamp) -> list[str]:
    month = first.strftime("%b").upper()
    q_anchor = pd.Timestamp(2000, (first.month - 1) % 3 + 1, 1).strftime("%b").upper()
    q_end = pd.Timestamp(2000, (first.month - 1) % 3 + 10, 1).strftime("%b").upper() \
        if (first.month - 1) % 3 + 10 <= 12 else "DEC"
    day = first.strftime("%a").upper()
    return [f"YS-{month}", f"YE-{month}", f"QS-{q_anchor}", f"QE-{q_end}", "MS", "ME",
            f"W-{day}", "D", "h", "min", "s"]


def _infer_freq(index: pd.DatetimeIndex) -> str:
    if len(index) >= 3:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas 3 announces an offset return type
            freq = pd.infer_freq(index)
        if freq is not None:
            return freq if isinstance(freq, str) else freq.freqstr
    # Gaps defeat pd.infer_freq: take the coarsest regular grid that holds every date.
    present = set(index)
    for freq in _candidate_freqs(index[0]):
        try:
            grid = pd.date_range(index[0], index[-1], freq=freq)
        except ValueError:
            continue
        if len(grid) <= 4 * len(index) and present.issubset(set(grid)):
            return freq
    raise ValidationError(
        f"Could not infer the frequency of the dates ({index[0].date()} ... "
        f"{index[-1].date()}, {len(index)} dates): they fit no regular yearly, quarterly, "
        "monthly, weekly, daily or hourly grid. Pass `freq` (--freq), e.g. 'MS', 'QS', 'D'.")


def _parse_dates(column: pd.Series, name: str) -> pd.Index:
    """Dates as a DatetimeIndex; a column of years (1000-2999) as yearly dates; any other
    integer column (day 0, 1, 2 ...) as plain step numbers (an integer Index)."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return pd.DatetimeIndex(column)
    if pd.api.types.is_float_dtype(column) and column.notna().all() and (
            column == column.round()).all():
        column = column.astype(int)  # 1959.0, 1960.0 ... (years read as floats)
    if pd.api.types.is_integer_dtype(column):
        if column.between(1000, 2999).all():
            return pd.DatetimeIndex(pd.to_datetime(column.astype(str), format="%Y"))
        return pd.Index(column.to_numpy(), name=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(column.astype(str), errors="coerce", format="mixed")
    bad = column[parsed.isna() & column.notna()]
    if column.isna().any() or len(bad):
        shown = ", ".join(repr(v) for v in list(bad.head(5)))
        missing = int(column.isna().sum())
        raise ValidationError(
            f"The date column {name!r} has values that are not dates: "
            f"{shown or ''}{' and ' if shown and missing else ''}"
            f"{f'{missing} empty cell(s)' if missing else ''}. Fix them, or name the right "
            "column with `date_column` (--date-column).")
    return pd.DatetimeIndex(parsed)


def _detect_date_column(frame: pd.DataFrame) -> str | None:
    named = [c for c in frame.columns if str(c).strip().lower() in _DATE_NAMES]
    if named:
        return named[0]
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            return column
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parsed = pd.to_datetime(series.astype(str), errors="coerce", format="mixed")
            if parsed.notna().mean() > 0.9:
                return column
    return None


def _to_frame(data: Any, date_column: str | None) -> pd.DataFrame:
    if isinstance(data, pd.Series):
        data = data.to_frame(name=data.name if data.name is not None else "value")
    if isinstance(data, np.ndarray) or isinstance(data, (list, tuple)):
        array = np.asarray(data, dtype=float)
        if array.ndim == 1:
            array = array[:, None]
        if array.ndim != 2:
            raise ValidationError(f"The 'data' parameter must be 1-D (one series) or 2-D "
                                  f"(time, series); got an array of shape {array.shape}.")
        names = ["value"] if array.shape[1] == 1 else [f"series_{i}" for i in
                                                       range(array.shape[1])]
        return pd.DataFrame(array, columns=names)
    if not isinstance(data, pd.DataFrame):
        raise ValidationError(f"The 'data' parameter must be a pandas Series or DataFrame, or "
                              f"a numpy array; got {type(data).__name__}.")
    frame = data.copy()
    frame.columns = [str(c) for c in frame.columns]
    if date_column is not None:
        if date_column not in frame.columns:
            raise ValidationError(f"The 'date_column' parameter names {date_column!r}, which is "
                                  f"not a column; the columns are {list(frame.columns)}.")
        index = _parse_dates(frame[date_column], date_column)
        frame = frame.drop(columns=[date_column])
        frame.index = index
    elif not isinstance(frame.index, pd.DatetimeIndex):
        found = _detect_date_column(frame)
        if found is not None:
            index = _parse_dates(frame[found], found)
            frame = frame.drop(columns=[found])
            frame.index = index
    return frame


def prepare(data: Any, *, date_column: str | None = None, freq: str | None = None,
            fill: str | None = None, covariates: list[str] | None = None,
            season_length: int | None = None, min_length: int = 1) -> SeriesData:
    """Check and regularise `data`; see the module docstring."""
    if fill is not None and fill not in FILLS:
        raise ValidationError(f"The 'fill' parameter must be one of {list(FILLS)} or None; "
                              f"got {fill!r}.")
    frame = _to_frame(data, date_column)
    index = frame.index
    if isinstance(index, pd.DatetimeIndex) or pd.api.types.is_integer_dtype(index):
        if isinstance(index, pd.DatetimeIndex) and index.tz is not None:
            index = index.tz_localize(None)
            frame.index = index
        duplicated = index[index.duplicated()]
        if len(duplicated):
            shown = ", ".join(str(d) for d in duplicated.unique()[:5])
            raise ValidationError(f"The dates must be unique; these appear more than once: "
                                  f"{shown}{' ...' if duplicated.nunique() > 5 else ''}.")
        if not index.is_monotonic_increasing:
            steps = index.asi8 if isinstance(index, pd.DatetimeIndex) else index.to_numpy()
            where = int(np.argmax(np.diff(steps) < 0)) + 1
            raise ValidationError(
                f"The dates must increase (oldest first); row {where} ({index[where]}) comes "
                f"before the row above it ({index[where - 1]}). Sort the data by date.")
    covariates = list(covariates or [])
    unknown = [c for c in covariates if c not in frame.columns]
    if unknown:
        raise ValidationError(f"The 'covariates' parameter names {unknown}, not columns of the "
                              f"data; the columns are {list(frame.columns)}.")
    numeric = {}
    for column in frame.columns:
        converted = pd.to_numeric(frame[column], errors="coerce")
        bad = frame[column][converted.isna() & frame[column].notna()]
        if len(bad):
            if column in covariates:
                raise ValidationError(f"The covariate column {column!r} has non-numeric values, "
                                      f"e.g. {list(bad.head(3))}.")
            continue  # text columns (ids, notes) are not series
        numeric[column] = converted.astype(float)
    targets = [c for c in numeric if c not in covariates]
    if not targets:
        raise ValidationError(f"No numeric value column to forecast among {list(frame.columns)}"
                              + (" (the others are covariates)" if covariates else "") + ".")
    table = pd.DataFrame(numeric, index=frame.index)
    infinite = table.isin([np.inf, -np.inf]).any(axis=1)
    if infinite.any():
        shown = ", ".join(str(d) for d in table.index[infinite][:5])
        raise ValidationError(f"Infinite values at {shown}: forecasting needs finite numbers.")
    empty = [c for c in table.columns if table[c].isna().all()]
    if empty:
        raise ValidationError(f"The column(s) {empty} hold no values at all (all missing). "
                              "Drop them from the file.")
    filled: list[str] = []
    if isinstance(table.index, pd.DatetimeIndex):
        if freq is None:
            freq = _infer_freq(table.index)
        try:
            grid = pd.date_range(table.index[0], table.index[-1], freq=freq)
        except ValueError as error:
            raise ValidationError(f"The 'freq' parameter {freq!r} is not a pandas frequency "
                                  f"({error}); e.g. 'MS', 'QS', 'YS', 'W-SUN', 'D', 'h'.") from None
        off_grid = table.index.difference(grid)
        if len(off_grid):
            raise ValidationError(
                f"The dates do not follow the frequency {freq!r}: e.g. {off_grid[0]}. Pass the "
                "right `freq` (--freq).")
        table = table.reindex(grid)
        freq = grid.freqstr
    else:
        # Plain step numbers (or positions): every step from the first to the last.
        index = table.index
        if not isinstance(index, pd.RangeIndex):
            table = table.reindex(pd.RangeIndex(int(index[0]), int(index[-1]) + 1))
        freq = None
    holes = table.isna().any(axis=1)
    if holes.any():
        labels = [str(d.date()) if hasattr(d, "date") else str(d) for d in table.index[holes]]
        if fill is None:
            shown = ", ".join(labels[:10]) + (f" and {len(labels) - 10} more"
                                               if len(labels) > 10 else "")
            raise ValidationError(
                f"{len(labels)} date(s) are missing or have missing values: {shown}. Fill "
                "them with `fill='interpolate'` or `fill='ffill'` (--fill), or fix the data.")
        if fill == "interpolate":
            table = table.interpolate(method="linear", limit_direction="both")
        else:
            table = table.ffill().bfill()
        filled = labels
    m = season_length if season_length is not None else season_length_of(freq)
    values = table[targets]
    if len(values) < min_length:
        raise ValidationError(f"The series has {len(values)} points; at least {min_length} "
                              "are needed.")
    return SeriesData(values=values, covariates=table[covariates] if covariates else None,
                      freq=freq, season_length=int(m), filled=filled)


def read_csv(path: str | Path, **options: Any) -> SeriesData:
    """Read a CSV file and `prepare` it (options: date_column, freq, fill, covariates...)."""
    path = Path(path)
    text = read_text(path, "data file")  # UTF-8, no binary, no FIFO, the BOM dropped
    header = next(csv.reader(io.StringIO(text)), [])
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:  # pandas would quietly rename the second one 'name.1'
        raise ValidationError(f"{path} names column(s) {repeated} more than once; column "
                              f"names must be distinct.")
    try:
        frame = pd.read_csv(io.StringIO(text))
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise ValidationError(f"Could not read {str(path)!r} as CSV: {error}") from None
    return prepare(frame, **options)


def future_index(index: pd.Index, freq: str | None, horizon: int) -> pd.Index:
    """The `horizon` dates (or integer positions) after the end of `index`."""
    if freq is None:
        last = int(index[-1]) if len(index) else -1
        return pd.RangeIndex(last + 1, last + 1 + horizon)
    return pd.date_range(index[-1], periods=horizon + 1, freq=freq)[1:]
