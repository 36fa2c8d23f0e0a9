"""Dates written over several columns, joined into one: a year column beside a month or
a quarter column (``year,month,sales``; ``Jahr;Monat;Tag;Umsatz``), as statistics offices
and spreadsheets often lay them out.

`join_date_parts` joins them only where nothing else is a date column and every row's
parts make a calendar date (a month 1-12 or named, in the languages `_reading` reads; a
quarter 1-4 or 'Q1'; a day that its month has). Anything less clear is left to the
reader's errors, which name the columns to join: weeks among them, which files number
by different rules (ISO weeks from the Monday of the week holding January 4th, US weeks
from January 1st), and a year's 53rd week would be a gap or a date twice.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from seqlab.forecast._reading import (
    DATE_PART_NAMES,
    MONTH_NUMBERS,
    detect_date_column,
    is_text,
    step_column,
)

__all__ = ["join_date_parts", "join_months_across"]

_MONTH_NUMBERS = {**MONTH_NUMBERS, "sept": 9}
"""`MONTH_NUMBERS` and 'Sept', as headers abbreviate September too."""
_LABELS = {"month": r"M(\d{1,2})", "quarter": r"(?:Q|Qtr|Quarter|T)\s*(\d)"}
"""A part written with its letter: M01 (the US Bureau of Labor Statistics' months), Q1 or
T1 (trimestre)."""
_DAY_NAMES = (*DATE_PART_NAMES["day"], "tag")
"""Names of a day-of-the-month column beside a month column ('Tag' is German's too)."""
_PERIOD_NAMES = ("period", "periode", "periodo", "période", "zeitraum")
"""Names of a column that may hold a part of the year as a label or a month's name."""
_RANGES = {"month": (1, 12), "quarter": (1, 4), "day": (1, 31)}


def join_date_parts(frame: pd.DataFrame, exclude: tuple[str | None, ...] = ()
                    ) -> tuple[pd.DataFrame, list[str]]:
    """`frame` with its date parts joined into one column named 'date' (or 'year-month'
    ... where 'date' is taken) in the year column's place, and a note; `frame` as it is,
    and no note, where it has no year column beside a month or a quarter column (columns
    in `exclude`, the user's id, value and covariate columns, are none), where each year
    has one row (the year is the date; a 'month' beside it is a series), where
    another column holds the dates (the parts are then written out for people), or where a
    row's parts make no date."""
    columns = [c for c in frame.columns if c not in exclude]
    year = next((c for c in columns if _named(c, "year") and
                 _numbers(frame[c], (1000, 2999)) is not None), None)
    if year is None or not frame[year].duplicated().any():
        return frame, []
    parts = {}
    for part in ("month", "quarter"):
        # named so, or 'period' holding month names or labels (BLS's M01, Q1)
        column = next((c for c in columns if c != year and (_named(c, part) or (
            str(c).strip().lower() in _PERIOD_NAMES and is_text(frame[c])))
            and _part(frame[c], part) is not None), None)
        if column is not None:
            parts[part] = column
    if not parts:
        return frame, []
    part = "month" if "month" in parts else "quarter"  # the finer
    day = next((c for c in columns if part == "month" and str(c).strip().lower()
                in _DAY_NAMES and _numbers(frame[c], _RANGES["day"]) is not None
                and frame[[year, parts[part]]].duplicated().any()), None)
    used = [year, parts[part]] + ([day] if day is not None else [])
    written_out = tuple(c for c in columns if any(_named(c, p) for p in DATE_PART_NAMES))
    part_columns = tuple(used) + written_out
    # (A counter of steps beside them, 't', is no date column: the parts date its rows.)
    if detect_date_column(frame, exclude=part_columns, steps=False) is not None:
        return frame, []  # 'date, year, month': the dates are there
    if frame[used].duplicated().any() and not any(
            is_text(frame[c]) for c in frame.columns if c not in used):
        return frame, []  # repeats no column of names tells apart: days without their day
    dates = _dates(_numbers(frame[year], (1000, 2999)), _part(frame[parts[part]], part), part,
                   _numbers(frame[day], _RANGES["day"]) if day is not None else None)
    if dates is None:
        return frame, []
    name = "date" if "date" not in frame.columns else "-".join(map(str, used))
    # A counter of the rows beside the parts ('t' = 1, 2, 3 ...) is no series to forecast.
    counter = step_column(frame, exclude=part_columns)
    dropped = used + ([counter] if counter is not None else [])
    joined = frame.drop(columns=dropped)
    # the dates take the year's place among the columns kept
    joined.insert([c for c in frame.columns if c not in dropped or c == year].index(year),
                  name, dates)
    joined.attrs = dict(frame.attrs)
    shown = " and ".join(repr(c) for c in used)
    return joined, [f"joined the dates from the columns {shown} into one column {name!r}"] + (
        [f"column {counter!r} counts the steps beside those dates: left out"]
        if counter is not None else [])


def _named(column: object, part: str) -> bool:
    return str(column).strip().lower() in DATE_PART_NAMES[part]


def _numbers(column: pd.Series, bounds: tuple[int, int]) -> np.ndarray | None:
    """The whole numbers of `column` (numbers, or text of digits), or None where a cell is
    empty, not a whole number or outside `bounds`."""
    values = pd.to_numeric(column, errors="coerce")
    if values.isna().any():
        return None
    values = values.to_numpy(dtype=float)
    if (values != np.round(values)).any() or (values < bounds[0]).any() or \
            (values > bounds[1]).any():
        return None
    return values.astype(np.int64)


def _part(column: pd.Series, part: str) -> np.ndarray | None:
    """The `part` (month or quarter) numbers of `column`: whole numbers in its range, months
    by name, or labels such as 'M01', 'Q1'; None where a cell is none."""
    numbers = _numbers(column, _RANGES[part])
    if numbers is not None or not is_text(column) or column.isna().any():
        return numbers
    texts = column.astype(str).str.strip()
    labelled = texts.str.extract("^" + _LABELS[part] + "$", flags=re.IGNORECASE)[0]
    if labelled.notna().all():
        return _numbers(labelled, _RANGES[part])
    if part != "month":
        return None
    named = texts.str.lower().str.rstrip(".").map(_MONTH_NUMBERS)
    return named.to_numpy(dtype=np.int64) if named.notna().all() else None


def _dates(years: np.ndarray, parts: np.ndarray, part: str, days: np.ndarray | None
           ) -> pd.DatetimeIndex | None:
    """The dates of each row's `years` and `parts` (and `days` of a month), or None where
    one makes no date (February 30th)."""
    months = parts if part == "month" else 3 * (parts - 1) + 1
    dates = pd.to_datetime(pd.DataFrame({"year": years, "month": months,
                                         "day": days if days is not None else 1}),
                           errors="coerce")
    return None if dates.isna().any() else pd.DatetimeIndex(dates)


def join_months_across(frame: pd.DataFrame, id_column: str | None = None
                       ) -> tuple[pd.DataFrame, list[str]]:
    """A table of one row per year and one column per month (``Year,Jan,Feb,...,Dec``, as
    statistics offices publish a monthly series; or per quarter: ``Year,Q1,...,Q4``) read
    as a 'date' column and a 'value' column, one row per month, with a note; `frame` as it
    is, and no note, where its columns do not name the twelve months (or four quarters)
    once each beside a column of years (named so, or a first column without a name), or
    where another column is named as a part beyond them (Q5 beside Q1 ... Q4: quintiles).

    Text columns beside them (and `id_column`) name series (a country a row per year: a
    long file); other columns (an annual mean or total) are left out with a note. Where
    the years repeat and no text column tells the rows apart, nothing is read so.
    """
    columns = list(frame.columns)
    found = {}
    for part, count in (("month", 12), ("quarter", 4)):
        named = {c: _header_part(c, part) for c in columns}
        found = {n: c for c, n in named.items() if n is not None}
        if sorted(found) == list(range(1, count + 1)) and \
                sum(n is not None for n in named.values()) == count and \
                not any(_header_part(c, part, any_number=True) for c in columns
                        if named[c] is None):
            break
        found = {}
    if not found:
        return frame, []
    rest = [c for c in columns if c not in found.values()]
    unnamed = str(columns[0]).startswith("Unnamed: ") or not str(columns[0]).strip()
    year = next((c for c in rest if (_named(c, "year") or (c == columns[0] and unnamed))
                 and _numbers(frame[c], (1678, 2261)) is not None), None)
    if year is None:
        return frame, []
    ids = [c for c in rest if c != year and (is_text(frame[c]) or c == id_column)]
    if frame[[year, *ids]].duplicated().any() or {"date", "value", "_part"} & set(ids):
        return frame, []
    left = [c for c in rest if c != year and c not in ids]
    order = [found[k] for k in sorted(found)]
    long = frame[[year, *ids, *order]].melt(id_vars=[year, *ids], value_vars=order,
                                            var_name="_part", value_name="value")
    numbers = long["_part"].map({c: k for k, c in found.items()}).to_numpy(dtype=np.int64)
    long["date"] = _dates(_numbers(long[year], (1678, 2261)), numbers, part, None)
    long = long.sort_values([*ids, "date"], kind="stable").reset_index(drop=True)
    read = long[[*ids, "date", "value"]]
    read.attrs = dict(frame.attrs)
    shown = f"{order[0]!r} ... {order[-1]!r}"
    return read, [f"read the {part}s across ({shown}) beside the years ({year!r}) as one "
                  f"{part}ly series 'value'" + (f" per {' and '.join(map(repr, ids))}"
                                                 if ids else "")] + [
        f"column {c!r} left out: neither a {part} nor the year" for c in left]


def _header_part(name: object, part: str, any_number: bool = False) -> int | None:
    """The month (1-12, by its name in English or the languages `_reading` reads) or the
    quarter (1-4: Q1, Qtr 1, T1) a column's `name` is, else None; with `any_number`, the
    number of a name written as a quarter whatever it is (Q5: 5)."""
    text = str(name).strip().lower().rstrip(".")
    if part == "month":
        return None if any_number else _MONTH_NUMBERS.get(text)
    found = re.fullmatch(r"(?:q|qtr|quarter|t)\s*(\d+)", text)
    number = int(found.group(1)) if found else None
    return number if any_number or (number is not None and 1 <= number <= 4) else None
