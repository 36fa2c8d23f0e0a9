"""Reading series for forecasting: wide or long files, dates detected, frequency inferred.

`prepare` turns a pandas Series/DataFrame (DatetimeIndex or a date column) or a numpy array
into a `SeriesData`: one float column per series over one regular grid of dates (the union
of all series' dates), its frequency and season length. Two layouts are read:

- wide: a date column and one column per series; a series may start late and end early
  (blank cells before its first and after its last value);
- long: one row per series and date (``unique_id,ds,y`` or the same with other names,
  detected when unambiguous or named with `id_column`/`date_column`/`value_column`),
  pivoted to the wide table with the series named by their ids.

Gaps inside a series are an error unless `fill` is given (then filled inside each series'
own span, never extending it). Every problem in the input is a `ValidationError` that says
what was found and how to fix it. `calendar_features` and `read_future_covariates` give
the inputs known ahead (the calendar, and covariates whose future values the user knows).
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from seqlab._io import is_jsonl, read_table_text
from seqlab._separators import with_commas
from seqlab._validation import check_int, check_path
from seqlab.errors import ValidationError
from seqlab.forecast._date_parts import join_date_parts, join_months_across
from seqlab.forecast._reading import (
    DATE_PART_NAMES,
    ID_NAMES,
    MONTH_NAMES,
    SPARSEST,
    LongLayout,
    all_whole,
    check_finite_float32,
    classify,
    date_notes,
    describe_freq,
    detect_date_column,
    detect_long,
    freq_words,
    holds_dates,
    infer_freq,
    is_text,
    label,
    label_among,
    may_name_series,
    named_like_a_date,
    names_dates,
    parse_dates,
    part_of_a_date,
    pivot_long,
    strict_freq,
    take,
    written_as_dates,
)
from seqlab.forecast._season import CANDIDATES, season_in

__all__ = ["SeriesData", "FutureCovariates", "prepare", "read_csv", "read_future_covariates",
           "calendar_features", "season_length_of", "future_index", "parse_dates", "FILLS",
           "MAX_SEASON", "season_of_steps"]

FILLS = ("interpolate", "ffill")


@dataclass
class SeriesData:
    """Regular data ready to model: one column per series over one grid of dates.

    ``values``: one float column per series, indexed by a DatetimeIndex of frequency
    ``freq`` (or an integer RangeIndex of steps when there are no dates, ``freq`` None); a
    series is NaN before it starts and after it ends (`spans`), never inside.
    ``covariates``: None, or the covariate columns over the same index; from a wide file
    one column per covariate (shared by every series), from a long file one column per
    (covariate, series) pair (a two-level column index). ``filled``: the dates that were
    missing and were filled. ``notes``: what the reading left out and why (text columns,
    unused columns). ``id_column``: the id column of a long file (None for wide data).
    ``season_found``: whether the season was found in the data (numbered steps, none given:
    `season_of_steps`).
    """

    values: pd.DataFrame
    covariates: pd.DataFrame | None
    freq: str | None
    season_length: int
    filled: list[str]
    notes: list[str] = field(default_factory=list)
    id_column: str | None = None
    season_found: bool = False

    def filled_notes(self, fill: str | None) -> list[str]:
        """The note on the dates filled (by `fill`), or none when none were."""
        return [f"filled {len(self.filled)} missing {_unit(self.values.index)}(s) with "
                f"{fill}"] if self.filled else []

    @property
    def names(self) -> list[str]:
        """The series' names (the column names of `values`)."""
        return [str(c) for c in self.values.columns]

    @cached_property
    def spans(self) -> dict[str, tuple[int, int]]:
        """For each series, the first and last positions (in ``values.index``) holding a
        value; a series without any value is a `ValidationError` naming it."""
        mask = self.values.notna().to_numpy()
        has = mask.any(axis=0)
        if not has.all():
            empty = [n for n, h in zip(self.names, has, strict=True) if not h]
            raise ValidationError(f"The series {empty[:5]} hold no values at all.")
        first = mask.argmax(axis=0)
        last = len(mask) - 1 - mask[::-1].argmax(axis=0)
        return {n: (int(a), int(b)) for n, a, b in zip(self.names, first, last, strict=True)}

    def series(self, name: str) -> pd.Series:
        """The series `name` over its own span (from its first to its last value; no NaN)."""
        first, last = self._span(name)
        return self.values[name].iloc[first:last + 1]

    @property
    def covariate_names(self) -> list[str]:
        """The covariates' names (each once, also when they are held per series)."""
        if self.covariates is None:
            return []
        if isinstance(self.covariates.columns, pd.MultiIndex):
            return list(dict.fromkeys(self.covariates.columns.get_level_values(0)))
        return [str(c) for c in self.covariates.columns]

    def covariates_of(self, name: str) -> pd.DataFrame | None:
        """The covariates of the series `name` over its span (one column per covariate), or
        None when there are none."""
        if self.covariates is None:
            return None
        first, last = self._span(name)
        table = self.covariates
        if isinstance(table.columns, pd.MultiIndex):
            table = table.xs(name, axis=1, level=1)
        return table.iloc[first:last + 1]

    def _span(self, name: str) -> tuple[int, int]:
        if name not in self.spans:
            raise ValidationError(f"No series named {name!r}; the series are "
                                  f"{self.names[:10]}{' ...' if len(self.names) > 10 else ''}.")
        return self.spans[name]


def _unit(index: pd.Index) -> str:
    """What one place of the time axis `index` is called in messages: a date, or a step
    (numbered steps)."""
    return "date" if isinstance(index, pd.DatetimeIndex) else "step"


MAX_SEASON = 10_000
"""The longest season a forecaster takes (and its bundle holds)."""


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


def freq_offset(freq: str | None) -> Any:
    """The pandas offset `freq` names ('QS' and 'QS-JAN' alike), None for None; a name
    pandas does not know is a `ValidationError`."""
    if freq is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas' notice that 'M' is now 'ME'
            return pd.tseries.frequencies.to_offset(freq)
    except (TypeError, ValueError):
        raise ValidationError(f"The 'freq' parameter is {freq!r}, which is not a pandas "
                              "frequency; e.g. 'MS', 'QS', 'YS', 'W-SUN', 'D', 'h'.") from None


def _check_freq(freq: str | None) -> None:
    """Refuse a `freq` that pandas does not know, or whose step does not move forward
    ('0D' crashed building the grid of dates; '-1MS' was said not to fit the dates)."""
    offset = freq_offset(freq)
    if offset is not None and offset.n <= 0:
        raise ValidationError(f"The 'freq' parameter is {freq!r}, a step of {offset.n}: the "
                              "step from one date to the next must be forward, such as "
                              f"{offset.base.freqstr!r}.")


def check_covariates(covariates: Any, owner: str) -> None:
    """Refuse `covariates` unless None or a list (tuple) of column names: a single name as
    a string was read letter by letter."""
    if isinstance(covariates, str):
        raise ValidationError(f"The 'covariates' parameter of {owner} must be a list of "
                              f"column names; got the string {covariates!r} (write "
                              f"[{covariates!r}]).")
    if covariates is not None and (not isinstance(covariates, (list, tuple)) or not all(
            isinstance(c, str) for c in covariates)):
        raise ValidationError(f"The 'covariates' parameter of {owner} must be a list of "
                              f"column names (strings) or None; got {covariates!r:.60}.")
    repeated = sorted({c for c in covariates or () if list(covariates).count(c) > 1})
    if repeated:  # the column was fed twice to the LSTM, and listed twice in notes
        raise ValidationError(f"The 'covariates' parameter of {owner} names "
                              f"{repeated} more than once; name each covariate once.")


def _as_frame(data: Any) -> pd.DataFrame:
    """`data` as a DataFrame with str column names, periods (a PeriodIndex, a column of
    periods) as the timestamps of their starts."""
    if isinstance(data, pd.Series):
        data = data.to_frame(name=data.name if data.name is not None else "value")
    if isinstance(data, np.ndarray) or isinstance(data, (list, tuple)):
        try:
            kind = np.asarray(data).dtype.kind
            if kind in "mMc":  # dates, durations, complex numbers: float() mangles them
                raise TypeError(f"dtype {np.asarray(data).dtype} is not one of real numbers")
            array = np.asarray(data, dtype=float)
        except (TypeError, ValueError) as error:  # words, None, a ragged nest of lists
            raise ValidationError(
                f"The 'data' parameter must hold numbers (a 1-D series or a 2-D (time, "
                f"series) array); got a {type(data).__name__} that is not one ({error}). "
                f"Give dates and names as a DataFrame's index and columns.") from None
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
    frame = data.copy(deep=False)
    frame.columns = [str(c) for c in frame.columns]
    if isinstance(frame.index, pd.PeriodIndex):  # months as periods: dated by their starts
        frame.index = frame.index.to_timestamp(how="start")
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.PeriodDtype):
            frame[column] = frame[column].dt.to_timestamp(how="start")
    return frame


def _row_numbers(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """`frame` without a first column of row numbers under an empty header (pandas' name
    for it, 'Unnamed: 0': the index a table saved with `to_csv` carries unless
    `index=False`, or the row names R's `write.csv` writes), and a note: whole numbers
    rising by one (0 to n-1 from pandas, 1 to n from R, 12, 13 ... from a filtered frame),
    they are no series (and as the time of a file without dates, the steps they would give
    are those a file without them has, counted from 0)."""
    filled = ~frame.isna().all(axis=1).to_numpy()  # blank rows are no rows of the table

    def counts_rows(column: pd.Series) -> bool:
        values = column.to_numpy()[filled]
        return (pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
                and len(values) > 1 and bool(np.isfinite(values).all())
                and bool((np.diff(values) == 1).all()) and float(values[0]).is_integer())

    dropped = [name for name in frame.columns[:1]  # where to_csv and write.csv put them
               if name.startswith("Unnamed: ") and counts_rows(frame[name])]
    notes = [f"dropped the column {name!r}: row numbers under an empty header (an index "
             "saved with the table), not a series" for name in dropped]
    return frame.drop(columns=dropped), notes


ID_SEPARATOR = "/"
"""What joins the cells of several id columns into one series name ('CA_1/FOODS_1_001')."""


def _joined_ids(frame: pd.DataFrame, id_column: str | None, *, split: str = ","
                ) -> tuple[pd.DataFrame, str | None]:
    """`frame` with the id columns that `id_column` names together ('store_id,item_id';
    parts split at `split`) joined into one ('store_id/item_id', each cell
    'CA_1/FOODS_1_001'), and that column's name; `frame` and `id_column` as they are when
    it names one column. Files of many series often name a series by two columns or more
    (a store and an item)."""
    if id_column is None or split not in id_column or id_column in frame.columns:
        return frame, id_column
    parts = [part.strip() for part in id_column.split(split)]
    missing = [part for part in parts if part not in frame.columns]
    if missing or len(set(parts)) < len(parts):
        raise ValidationError(f"The 'id_column' parameter names {parts}: "
                              + (f"{missing} are not columns of the data" if missing else
                                 "a column twice") + f"; the columns are {list(frame.columns)}.")
    name = ID_SEPARATOR.join(parts)
    joined = frame[parts[0]].astype(str)
    for part in parts[1:]:
        joined = joined.str.cat(frame[part].astype(str), sep=ID_SEPARATOR)
    empty = frame[parts].isna().any(axis=1)
    joined[empty] = np.nan  # an empty id cell stays an error (`pivot_long` names it)
    pairs = frame.loc[~empty, parts].astype(str).drop_duplicates()
    if len(pairs) != joined.nunique():  # 'A/B' + 'C' and 'A' + 'B/C' both 'A/B/C'
        clash = pairs.assign(name=pairs.agg(ID_SEPARATOR.join, axis=1))
        clash = clash[clash["name"].duplicated(keep=False)].head(2)
        raise ValidationError(
            f"The id columns {parts} join two series into one name "
            f"{clash['name'].iloc[0]!r}: {clash[parts].to_dict('records')}. Their cells "
            f"hold {ID_SEPARATOR!r}, which joins them: replace it in those cells.")
    at = list(frame.columns).index(parts[0])
    frame = frame.drop(columns=parts)
    frame.insert(min(at, len(frame.columns)), name, joined)
    return frame, name


def _blank_columns(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """`frame` without its empty columns under an empty header (a comma at the end of every
    line), and a note for each. An empty column with a name stays: that a named series
    holds nothing is an error to report, not to hide."""
    blank = [name for name in frame.columns
             if name.startswith("Unnamed: ") and frame[name].isna().all()]
    notes = [f"dropped the column {name!r}: empty, under an empty header" for name in blank]
    return frame.drop(columns=blank), notes


def _blank_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """`frame` without its empty rows (every cell blank: ',,,' as spreadsheets save rows
    they once used; in a file with dates, a row without a date is no data), the positions
    of the rows kept (for messages that count the file's rows), and a note."""
    empty = frame.isna().all(axis=1).to_numpy() if len(frame.columns) else \
        np.zeros(len(frame), dtype=bool)
    rows = np.flatnonzero(~empty)
    if not empty.any():
        return frame, rows, []
    if empty.all():
        raise ValidationError(f"The data hold no rows with values (only the columns "
                              f"{list(frame.columns)[:10]} and {len(frame)} empty row(s)); "
                              "at least one row of dates and values is needed.")
    return frame[~empty], rows, [f"dropped {int(empty.sum())} empty row(s) (every cell "
                                 "blank)"]


_WORD = r"[^\W\d_]{3,}"
"""Three letters or more in a row: a word ('Total', 'Quelle', 'idBank')."""
_FOOTNOTE_MARK = r"^(?:\*+|[†‡§]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\(\w{1,2}\)|\[\w{1,2}\]|\w{1,2}\))\s*"
"""What starts a footnote below a table: '*', '†', '¹', '(1)', '[a]', '1)'."""
_MARGIN_LOOK = 20
"""The most rows above or below the data read as notes (`_margins`)."""
TOTAL_OVER_MAX = 3
"""How many times its column's largest value a totals row without a label must be."""
TOTAL_LABELS = frozenset({"total", "totals", "grand total", "sum", "all", "overall",
                          "gesamt", "insgesamt", "summe", "totaal", "totale", "somma", "suma",
                          "totalt", "summa"})
"""Labels of a totals row (lower case, without a final ':'), in English and the languages
whose month names the reader knows: a long file's 'Total' under its ids, its date blank."""


def _margins(frame: pd.DataFrame, date_column: str | None, rows: np.ndarray
             ) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """`frame` without the rows of notes above and below its data, the positions of the
    rows kept, and a note naming what was dropped.

    Statistics offices write metadata above the data (INSEE's 'idBank', 'Dernière mise à
    jour') and sources and footnotes below it ('Fuente: INE'); spreadsheets end with a
    'Total' row. Such a row's cell in the date column (`date_column`, else the detected
    one, else the first column) is a word and not a date; a footnote in another column
    leaves that cell empty and the row holds words alone, and a totals row left without a
    label holds the sums of the columns above it (`is_total`). Only unbroken runs of them at
    the top and the bottom go (`_MARGIN_LOOK` at most each), and only where the rows left
    hold dates: a row of words among the data stays, for the date reader to name. A long
    file's totals row labels it in another column (the ids': 'Total', 'All' ..., its date
    blank, `labelled_total`), as a wide file's does in the date column.
    """
    date = date_column if date_column is not None else detect_date_column(frame)
    date = date if date is not None else (frame.columns[0] if len(frame.columns) else None)
    # Numbers with a blank (years, a totals row's date left empty) may hold notes too.
    if date is None or len(frame) < 2 or not (is_text(frame[date])
                                              or frame[date].isna().any()):
        return frame, rows, []

    @cache  # asked again of the same rows by `run`, `shown` and the count
    def is_note(row: int) -> bool | None:  # None: a blank row, dropped with its margin
        cell = frame[date].iloc[row]
        if pd.isna(cell):
            cells = [str(c) for c in frame.iloc[row] if not pd.isna(c)]
            return all(re.search(_WORD, c) and not _number(c) for c in cells) or \
                is_total(row) or labelled_total(row) is not None if cells else None
        text = re.sub(_FOOTNOTE_MARK, "", str(cell).strip())
        # A label ('Total', 'Source: INE', 'Stand: 01.02.2021'), not a date with a remark
        # ('2023-12 (provisional)'): that is refused by the date reader, naming it.
        return bool(re.match(_WORD, text) or re.search(_WORD, text) and not
                    re.search(r"\d", text)) and not written_as_dates(pd.Series([text]))

    @cache
    def is_total(row: int) -> bool:
        """A spreadsheet's totals row left without a label: its filled cells (a column not
        summed, a price or an id, may be left blank) numbers, each the sum of its column
        over the rows above (to 0.5%) and at least `TOTAL_OVER_MAX` times its largest value
        (a sum of many; a last value that merely equals the sum above, a spike after zeros
        or a doubling, stays data)."""
        cells = frame.iloc[row].drop(date).dropna()
        if row < 3 or cells.empty or not all(_number(str(c)) for c in cells):
            return False
        values = pd.to_numeric(cells.astype(str).str.strip())
        above = frame.iloc[:row][cells.index].apply(
            lambda c: pd.to_numeric(c.astype(str).str.strip(), errors="coerce"))
        return bool(np.allclose(values, above.sum(), rtol=5e-3, atol=0) and (
            values.abs() >= TOTAL_OVER_MAX * above.abs().max()).all() and (values != 0).all())

    @cache
    def labelled_total(row: int) -> str | None:
        """The label of a totals row whose date cell is blank: one cell of `TOTAL_LABELS`
        ('Total', 'All:'), the others numbers (the sums); None for any other row."""
        cells = [str(c).strip() for c in frame.iloc[row].drop(date).dropna()]
        labels = [c for c in cells if not _number(c)]
        return labels[0] if len(labels) == 1 and len(cells) > 1 and \
            labels[0].lower().rstrip(":").strip() in TOTAL_LABELS else None

    def run(order: range) -> list[int]:
        taken = []
        for row in order:
            if is_note(row) is False:
                break
            taken.append(row)
        while taken and is_note(taken[-1]) is None:  # blank rows next to the data stay
            taken.pop()
        return taken

    look = min(_MARGIN_LOOK, len(frame) - 1)
    top = run(range(look))
    bottom = run(range(len(frame) - 1, max(len(frame) - 1 - look, len(top) - 1), -1))
    if not top and not bottom:
        return frame, rows, []
    above, below = len(top), len(bottom)
    kept = frame.iloc[above:len(frame) - below]
    column = _numbers_unless_months(kept[date].reset_index(drop=True), str(date))
    if len(kept) == 0 or not holds_dates(column, date):
        return frame, rows, []
    kept = kept.copy()
    kept[date] = column.to_numpy()

    def shown(block: list[int]) -> str:
        cells = [str(frame[date].iloc[r] if not pd.isna(frame[date].iloc[r])
                     else labelled_total(r) or ("total " if is_total(r) else "")
                     + _cell(frame.iloc[r].dropna().iloc[0])).strip()
                 for r in sorted(block) if is_note(r)]
        return ", ".join(repr(c) for c in cells[:3]) + (" ..." if len(cells) > 3 else "")

    told = [f"{sum(bool(is_note(r)) for r in block)} row(s) {where} ({shown(block)})"
            for where, block in (("above the data", top), ("below the data", bottom)) if block]
    return kept, rows[above:len(rows) - below], [
        f"dropped {' and '.join(told)}: notes, not dates in the column {date!r}"]


def _cell(value: object) -> str:
    """A cell as a message shows it: a whole float (a sum read with a blank beside it)
    without its '.0'."""
    return f"{value:.15g}" if isinstance(value, float) else str(value)


def _number(text: str) -> bool:
    return bool(pd.notna(pd.to_numeric(text.strip(), errors="coerce")))


def _index_column(frame: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """A frame indexed by dates gets them back as a column (its name returned): a
    DatetimeIndex, or dates written as text ('2020-01', as `pd.read_csv(..., index_col=0)`
    leaves them without `parse_dates`), then read as a date column is. A frame indexed by
    several levels (pandas' long form: ``set_index(["id", "date"])``, a ``groupby`` of
    both) gets each back as a column, the level of dates named as the date column: read
    as the index alone, its series ran on one after another as one series of numbered
    steps. A named index that repeats its values and holds no dates (``set_index("id")``
    of a long frame) is a column too: dropped, the message on the repeated dates asked
    for an id column the frame no longer had."""
    if isinstance(frame.index, pd.MultiIndex):
        names = []
        for k, level in enumerate(frame.index.names):
            name = str(level) if level is not None else f"level_{k}"
            while name in frame.columns or name in names:
                name = f"_{name}"
            names.append(name)
        dated = [name for k, name in enumerate(names)
                 if isinstance(frame.index.levels[k], pd.DatetimeIndex)]
        return frame.reset_index(names=names), dated[0] if len(dated) == 1 else None
    if not isinstance(frame.index, pd.DatetimeIndex) and \
            not written_as_dates(frame.index.to_series()):
        name = frame.index.name
        if name is None or frame.index.is_unique or str(name) in frame.columns:
            return frame, None
        return frame.reset_index(names=str(name)), None
    name = str(frame.index.name) if frame.index.name is not None else "date"
    while name in frame.columns:
        name = f"_{name}"
    frame = frame.reset_index(names=name)
    return frame, name


def _lacking_fitted_columns(frame: pd.DataFrame, fitted: dict[str, Any]) -> None:
    """Refuse new data for a saved model that lack a column the model was fitted with:
    `fitted` maps `prepare`'s column options (date_column, id_column, value_column,
    covariates) to what the model names. The error says the model named it, and how to
    name the column the new data hold instead."""
    columns = list(frame.columns)
    for option, named in fitted.items():
        if option == "covariates":
            wanted = list(named)
        elif option == "id_column" and named not in columns:
            wanted = [part.strip() for part in named.split(",")]
        else:
            wanted = [named]
        missing = [c for c in wanted if c not in columns]
        if not missing:
            continue
        flag = "--" + option.replace("_", "-")
        if option == "covariates":
            raise ValidationError(
                f"The model was fitted with the covariate(s) {wanted} ({flag}); the new data "
                f"lack {missing}: their columns are {columns}. Give the covariates' latest "
                "values in the new data too, or fit a new model without them.")
        raise ValidationError(
            f"The model was fitted with `{option}` {named!r} ({flag}), but the new data have "
            f"no column {missing[0]!r}: their columns are {columns}. Name the new data's "
            f"column with `{option}` ({flag}), or fit a new model on these.")


def _counts_within_a_year(column: pd.Series) -> bool:
    """Whether `column` holds whole numbers from 1 to at most 53 that start again at 1 (the
    months, quarters or weeks of a date split over two columns)."""
    if not pd.api.types.is_integer_dtype(column) or len(column) < 4:
        return False
    values = column.to_numpy()
    return bool(values.min() == 1 and 4 <= values.max() <= 53 and np.all(
        (np.diff(values) == 1) | (values[1:] == 1)))


def _dates_across(frame: pd.DataFrame) -> list[str]:
    """The column names that are dates, where at least 3 are and a column of text names
    the rows, and either most (four in five) are dates or every other column holds text
    (or nothing): a file laid out with the dates across and one row per series (as the
    World Bank, Eurostat and the OECD publish), which read as columns would forecast each
    date as a series. A few years beside the World Bank's four columns of names ('Country
    Name', 'Country Code', 'Indicator Name', 'Indicator Code') are such a file too."""
    names = pd.Series([str(c).strip() for c in frame.columns], dtype=object)
    dated = names_dates(names).to_numpy()
    others = [frame[c] for c, d in zip(frame.columns, dated, strict=True) if not d]
    labelled = any(is_text(column) for column in others)  # a country, an indicator
    labels_only = all(is_text(column) or column.isna().all() for column in others)
    return list(names[dated]) if labelled and dated.sum() >= 3 and (
        dated.mean() >= 0.8 or labels_only) else []


def _turned(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """A file with the dates across (`_dates_across`: a row per series, a column per date,
    as the World Bank, Eurostat and the OECD publish) or the steps across (`_steps_across`:
    M4's V2, V3 ..., M5's d_1, d_2 ...) turned into one with a 'date' (or 'step') column
    and a column per series, with a note; `frame` as it is, and no note, otherwise.

    The series are named by the first text column whose values name every row once (a
    country), else by the text columns joined with '/' where that names every row once
    (a country and an indicator: 'Norway/Fertility rate'); where nothing does, the file is
    left for the reader to refuse with how to turn it. With the steps across, the names
    must be ids (a column named as one, `ID_NAMES`, or numbered as M4's V1): a note per
    row of a wide file ('x1,x2,x3,note') is no series' name. Where the rows give each
    series' first date as M3's do ('Starting Year' and 'Starting Month' or 'Starting
    Quarter', `_starting_dates`), the steps are dated: each series from its own start, on
    one grid. The other columns are left out.
    """
    across = set(_dates_across(frame))
    if across:
        kind, dated = "date", [c for c in frame.columns if str(c).strip() in across]
        labels: list[object] = [str(c).strip() for c in dated]
    else:
        kind, steps = "step", _steps_across(frame)
        dated, labels = list(steps), list(steps.values())
    if not dated:
        return frame, []
    original = frame
    frame, below = _notes_below(frame, dated)
    text = [c for c in frame.columns if c not in dated and is_text(frame[c])]
    naming = next(([c] for c in text if frame[c].notna().all()
                   and not frame[c].astype(str).str.strip().duplicated().any()), text)
    if not naming or frame[naming].isna().any(axis=None):
        return original, []
    names = frame[naming].astype(str).apply(lambda row: "/".join(v.strip() for v in row),
                                            axis=1)
    turned = frame[dated].T.reset_index(drop=True)
    turned.columns = list(names)
    turned.attrs = dict(frame.attrs)
    if kind == "date" and not names.duplicated().any() and "year" not in set(names):
        # a year by month: Jan ... down, the years across
        table = turned.copy()
        table.insert(0, "year", labels)
        joined, notes = join_months_across(table)
        if notes:
            part = "month" if "monthly" in notes[0] else "quarter"
            return joined, [f"turned the file: a row per {part} ({names.iloc[0]!r} ...) with "
                            f"the years across ({labels[0]} ... {labels[-1]}), read as one "
                            "series 'value'"] + [n.replace("nor the year", "nor a year")
                                                 .replace("column", "row")
                                                 for n in notes[1:]] + below
    if names.duplicated().any() or written_as_dates(names) or \
            names.str.lower().str.rstrip(".").isin(MONTH_NAMES).any() or (
                kind == "date" and part_of_a_date(names)):
        return original, []  # rows named by dates, months or weeks: a table of a year by month
    if kind == "step" and not (len(naming) == 1 and (
            str(naming[0]).strip().lower() in ID_NAMES
            or re.fullmatch(r"[^\W\d]*_?\d+", str(naming[0]).strip()))):
        return original, []  # 'x1,x2,x3,note': a note per step of a wide file, not series ids
    if any(named_like_a_date(n) for n in names):
        return original, []  # a series named 'date' or 'month' would be taken for the dates
    used: list[str] = []
    started = _starting_dates(frame) if kind == "step" else None
    if started is not None:  # M3's series each from its own start: on one grid of dates
        starts, freq, used = started
        steps = np.asarray(labels, dtype=np.int64) - int(labels[0])
        offset = freq_offset(freq)
        grid = pd.date_range(starts.min(), starts.max() + int(steps[-1]) * offset, freq=freq)
        table = np.full((len(grid), len(names)), np.nan)
        values = turned.to_numpy(dtype=float)
        for i, at in enumerate(grid.get_indexer(starts)):
            table[at + steps, i] = values[:, i]
        held = np.flatnonzero(~np.isnan(table).all(axis=1))  # to the latest series' end
        end = int(held[-1]) + 1 if len(held) else len(grid)
        turned = pd.DataFrame(table[:end], columns=list(names))
        turned.attrs = dict(frame.attrs)
        kind, labels = "date", list(grid[:end])
    column = kind if kind not in turned.columns else f"_{kind}"
    turned.insert(0, column, labels)
    if kind == "date":  # newest first, as some offices write them: oldest first here
        try:
            order = parse_dates(turned[column], column)
        except ValidationError:
            order = None
        if order is not None and len(order) > 1 and order.is_monotonic_decreasing:
            turned = turned.iloc[::-1].reset_index(drop=True)
    left = [c for c in frame.columns if c not in dated and c not in naming and c not in used
            and not (str(c).startswith("Unnamed: ") and frame[c].isna().all())]
    undated = _undated_start(frame) if kind == "step" and started is None else []
    across = "steps" if used else f"{kind}s"
    dating = "" if started is None else (
        f", dated {freq_words(started[1])} from each series' "
        + " and ".join(repr(c) for c in used if str(c).lower() not in _FREQ_COLUMNS)
        + "".join(f" ({c!r} says {freq_words(started[1])})" for c in used
                  if str(c).lower() in _FREQ_COLUMNS))
    return turned, [f"turned the file: a row per series (named by "
                    f"{' and '.join(map(repr, naming))}) with the {across} across "
                    f"({str(dated[0]).strip()} ... {str(dated[-1]).strip()}){dating}, read as "
                    f"a {kind} column and a column per series"] + [
        f"column {c!r} left out: neither a {kind} nor the series' name" for c in left] + \
        undated + below


def _undated_start(frame: pd.DataFrame) -> list[str]:
    """A note where the rows give a first year (`_STARTS`) that dates no step (M3's 'Other'
    series start at 0): why the steps stay numbered."""
    year = next((c for name, c in _plain_names(frame).items() if name in _STARTS["year"]),
                None)
    if year is None:
        return []
    return [f"the steps stay numbered: {year!r} ({_cell(frame[year].iloc[0])} ...) with the "
            "columns beside it gives no first date of each series (a year from 1000 to 2999, "
            "with a month or quarter that all rows' frequency agrees with), as M3's 'Other' "
            "series give none"]


def _notes_below(frame: pd.DataFrame, dated: list) -> tuple[pd.DataFrame, list[str]]:
    """`frame` (a row per series, the `dated` columns across) without the rows below its
    series that hold no value across and one cell at most: blank lines and lines of notes
    ('Data from database: World Development Indicators', 'Last Updated: 12/19/2023' under
    the World Bank DataBank's downloads), and a note naming the notes dropped."""
    empty = frame[dated].isna().all(axis=1).to_numpy()
    filled = frame.notna().sum(axis=1).to_numpy()
    end = len(frame)
    while end > 1 and empty[end - 1] and filled[end - 1] <= 1:
        end -= 1
    said = [str(frame.iloc[r].dropna().iloc[0]).strip() for r in range(end, len(frame))
            if filled[r]]
    shown = ", ".join(repr(c) for c in said[:3]) + (" ..." if len(said) > 3 else "")
    return frame.iloc[:end], ([f"dropped {len(said)} row(s) below the data ({shown}): notes, "
                               "not series"] if said else [])


_STARTS = {"year": ("starting year", "start year"),
           "month": ("starting month", "start month"),
           "quarter": ("starting quarter", "start quarter")}
"""Names of the columns giving the date of each series' first step, as M3's files do."""
_FREQ_COLUMNS = ("frequency", "freq", "period")
"""Names of a column giving each series' frequency (1, 4, 12 or yearly, quarterly ...)."""
_FREQ_VALUES = {"1": "YS", "yearly": "YS", "year": "YS", "annual": "YS",
                "4": "QS", "quarterly": "QS", "quarter": "QS",
                "12": "MS", "monthly": "MS", "month": "MS"}


def _starting_dates(frame: pd.DataFrame) -> tuple[pd.DatetimeIndex, str, list[str]] | None:
    """The date of each row's first step, its frequency and the columns giving them, where
    a file with the steps across gives them as M3's do: 'Starting Year' (1000-2999), with
    'Starting Month' (1-12, monthly) or 'Starting Quarter' (1-4, quarterly), else yearly;
    a column of the frequency (`_FREQ_COLUMNS`: 12, 'MONTHLY' ...), if there is one, must
    say the same of every row. None otherwise (M3's 'Other' series, a start of 0, a
    frequency column that says another or several): the steps stay numbered."""
    named = _plain_names(frame)
    found = {part: next((named[n] for n in names if n in named), None)
             for part, names in _STARTS.items()}
    if found["year"] is None or (found["month"] is not None and found["quarter"] is not None):
        return None
    part = "month" if found["month"] is not None else \
        "quarter" if found["quarter"] is not None else None
    used = [found["year"]] + ([found[part]] if part else [])
    numbers = frame[used].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    if not all_whole(numbers):
        return None
    years = numbers[:, 0].astype(int)
    within = numbers[:, 1].astype(int) if part else np.ones(len(frame), dtype=int)
    top = {"month": 12, "quarter": 4, None: 1}[part]
    if not ((years >= 1000) & (years <= 2999)).all() or \
            not ((within >= 1) & (within <= top)).all():
        return None
    freq = {"month": "MS", "quarter": "QS", None: "YS"}[part]
    stated = next((named[n] for n in _FREQ_COLUMNS if n in named), None)
    if stated is not None:
        said = frame[stated].astype(str).str.strip().str.lower().str.replace(
            r"\.0$", "", regex=True).map(_FREQ_VALUES)
        if said.isna().any() or said.nunique() != 1 or said.iloc[0] != freq:
            return None
        used.append(stated)
    months = within if part != "quarter" else (within - 1) * 3 + 1
    starts = pd.to_datetime(pd.DataFrame({"year": years, "month": months, "day": 1}))
    return pd.DatetimeIndex(starts), freq, used


def _plain_names(frame: pd.DataFrame) -> dict[str, object]:
    """`frame`'s columns by their names lower-cased, with '_' and runs of spaces as one
    space ('Starting_Year' and 'starting  year' are 'starting year')."""
    return {" ".join(str(c).lower().replace("_", " ").split()): c for c in frame.columns}


def _steps_across(frame: pd.DataFrame) -> dict[object, int]:
    """The columns named as numbered steps (a common prefix and 1, 2, 3 ... in order: M4's
    V2 ... V29, M5's d_1 ... d_1941), by column, with their numbers: three at least, every
    one holding numbers or nothing, and no other column of numbers among or after them
    (M3's N, NF, Starting Year and Starting Month come before its steps 1, 2, 3 ...); {}
    otherwise."""
    found = {c: re.fullmatch(r"([^\W\d]*_?)(\d+)", str(c).strip()) for c in frame.columns}
    numbered = {c: m for c, m in found.items() if m and not is_text(frame[c])}
    stems = {m.group(1) for m in numbered.values()}
    if len(stems) != 1 or len(numbered) < 3:
        return {}
    others = [c for c in frame.columns if c not in numbered and not (
        is_text(frame[c]) or frame[c].isna().all())]
    numbers = [int(m.group(2)) for m in numbered.values()]
    columns = list(frame.columns)
    start = min(columns.index(c) for c in numbered)
    if any(columns.index(c) > start for c in others) or \
            numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return {}
    return dict(zip(numbered, numbers, strict=True))


def _date_part(column: pd.Series, name: str, index: pd.Index) -> bool:
    """Whether `column`, named as a part of a date (year, quarter, month, week, day), holds
    that part of the dates `index` (1, 2, ... 12 for 'month'), as a file may write it out
    for people beside the dates: no series."""
    if not isinstance(index, pd.DatetimeIndex) or not pd.api.types.is_integer_dtype(column):
        return False
    parts = {"year": index.year, "quarter": index.quarter, "month": index.month,
             "day": index.day, "week": index.isocalendar().week}
    written = str(name).strip().lower()
    part = next((parts[p] for p, names in DATE_PART_NAMES.items() if written in names), None)
    return part is not None and np.array_equal(np.asarray(part, dtype=np.int64),
                                                column.to_numpy(dtype=np.int64))


def _wide(frame: pd.DataFrame, date_column: str | None, value_column: str | None,
          covariates: list[str], freq: str | None, rows: np.ndarray, day_first: bool
          ) -> tuple[pd.Index, list[str], np.ndarray, np.ndarray | None, list[str]]:
    """A wide table: its dates (or steps), series names, values and shared covariates
    (`rows`: each row's position in the file, for messages; `day_first`: how ambiguous
    dates are read, `parse_dates`' `usual_day_first`)."""
    date = date_column or detect_date_column(frame)
    notes: list[str] = []
    if date is not None:
        index = parse_dates(frame[date], date, freq, rows, usual_day_first=day_first)
        notes = date_notes(frame[date], date, index)
    elif across := _dates_across(frame):
        raise ValidationError(
            f"The columns are named by dates ({', '.join(across[:3])}"
            f"{f' ... {across[-1]}' if len(across) > 3 else ''}): the "
            "file holds one row per series with the dates across. Turn it so that each "
            "series is a column and each date a row (or write it long: id,date,value).")
    else:
        described = _description_rows(frame, value_column, covariates)
        if described:
            frame, rows = frame.iloc[described].reset_index(drop=True), rows[described]
            period = " and first quarter or month" if described.start == 3 else ""
            notes.append(f"dropped the first {described.start} rows: each series' length "
                         f"(the values below them) and first year{period}, as the tourism "
                         "competition's files write them; the series are read as steps 0, "
                         "1, 2 ... from their first value")
        if pd.api.types.is_integer_dtype(frame.index):
            index = pd.Index(frame.index.to_numpy(dtype=np.int64))
        else:
            index = pd.RangeIndex(len(frame))
    duplicated = index[index.duplicated()]
    if len(duplicated):
        shown = ", ".join(label_among(d, index) for d in duplicated.unique()[:5])
        part = next((c for c in frame.columns if c != date and _counts_within_a_year(frame[c])),
                    None)
        raise ValidationError(
            f"The dates must be unique; these appear more than once: {shown}"
            f"{' ...' if duplicated.nunique() > 5 else ''}. "
            + (f"The column {part!r} counts 1, 2, ... within each date, as months, "
               f"quarters or weeks do: if the dates are split over {date!r} and {part!r}, "
               "join them into one date column (such as '2021-01')." if part is not None
               and date else _SET_BACK if _clocks_set_back(index, duplicated) else
               _written_twice(frame, index, rows) or
               "If the file holds one row per series and date (long form), name its id "
               "column with `id_column` (--id-column" + _likely_ids(frame, date, index)
               + ")."))
    if not index.is_monotonic_increasing:
        # Exports newest first (a bank's, a web page's) and rows out of order: the dates are
        # unique, so their order is plain; the frequency is still checked on the sorted dates.
        steps = index.asi8 if isinstance(index, pd.DatetimeIndex) else index.to_numpy()
        where = int(np.argmax(np.diff(steps) < 0)) + 1
        notes.append("the rows are newest first: read oldest first"
                     if index.is_monotonic_decreasing else
                     f"the rows are not in date order (row {rows[where] + 1} of the data, "
                     f"{label(index[where])}, is older than the row above it, "
                     f"{label(index[where - 1])}): read sorted by date")
        order = np.argsort(steps, kind="stable")
        frame, rows, index = frame.iloc[order].reset_index(drop=True), rows[order], index[order]
    keep = [value_column] if value_column is not None else list(frame.columns)
    keep = [c for c in keep if c not in covariates and c != date]
    # 'month' beside 'date' (a part of the date, written out for people) is no series.
    calendar = [c for c in keep if c != value_column and _date_part(frame[c], c, index)]
    keep = [c for c in keep if c not in calendar]
    kinds = classify(frame, keep + covariates, lambda row: label(index[row]),
                     protect=tuple(covariates) + ((value_column,) if value_column else ()))
    targets = [c for c in kinds.numeric if c not in covariates]
    notes += [f"column {c!r} holds the {c.strip().lower()} of each date ({date!r}), not a "
              "series: left out" for c in calendar]
    notes += kinds.notes()
    notes += [f"column {c!r} is not numeric, not a series: left out" for c in kinds.text
              if c not in kinds.placeholders]
    if not targets:
        raise ValidationError(f"No numeric value column to forecast among {keep}"
                              + (" (the others are covariates)" if covariates else "") + ".")
    values = take(frame, targets)
    check_finite_float32(values, targets, lambda row: label(index[row]))
    shared = None
    if covariates:
        shared = take(frame, covariates)
        check_finite_float32(shared, covariates, lambda row: label(index[row]), "covariate")
    return index, targets, values, shared, notes


def _written_twice(frame: pd.DataFrame, index: pd.Index, rows: np.ndarray) -> str:
    """Advice for repeated dates (`index`, a row's each) where each repeat is a row written
    again, every cell as in a row above it (an export or a copy run twice); '' where a
    repeat differs."""
    again = frame.duplicated().to_numpy()
    if not again.any() or index[~again].duplicated().any():
        return ""
    shown = ", ".join(str(int(r) + 1) for r in rows[again][:5])
    return (f"Each repeat is a row written twice, every cell as in a row above it (row(s) "
            f"{shown}{' ...' if again.sum() > 5 else ''} of the data, the first below the "
            "header being 1): drop the repeated rows.")


def _likely_ids(frame: pd.DataFrame, date: str | None, index: pd.Index) -> str:
    """' NAME' (or ' NAME, one of [...]') naming the columns of `frame` that could name
    the series of a long file whose repeated dates (`index`) were read as a wide file's:
    whole numbers or text with few distinct values (each at least twice), no (value, date)
    pair twice, of which the one (if one) with as many values as the most rows of a date;
    '' for none. Numbers are never taken as the id unasked (a series of small
    counts would be), only named."""
    likely = []
    for column in frame.columns:
        values = frame[column]
        if column != date and may_name_series(values) and not pd.DataFrame(
                {"id": values.to_numpy(), "date": np.asarray(index)}).duplicated().any():
            likely.append(str(column))
    # One value per row of the most repeated date: the series' count, which values rarely
    # share ('store' of 1, 2, 3 beside 'sales' of whole numbers).
    most = int(pd.Series(np.asarray(index)).value_counts().max())
    exact = [c for c in likely if frame[c].nunique() == most]
    likely = exact if len(exact) == 1 else likely
    if len(likely) == 1:
        return f" {likely[0]}"
    return f" NAME, one of {likely}" if likely else ""


def _description_rows(frame: pd.DataFrame, value_column: str | None, covariates: list[str]
                      ) -> slice | None:
    """The rows below the first 2 or 3 of a table without a time axis whose top rows describe
    its series, as the tourism competition's files do: each series' length (the count of
    its values below), its first year, and (3 rows) its first quarter or month. None where
    the top rows are values."""
    columns = [value_column] if value_column else [c for c in frame.columns
                                                   if c not in covariates]
    numbers = frame[columns].apply(pd.to_numeric, errors="coerce")
    numbers = numbers.loc[:, numbers.notna().any()]
    if numbers.shape[1] == 0:
        return None
    for count in (3, 2):
        if len(numbers) <= count or numbers.iloc[:count].isna().any(axis=None):
            continue
        top = numbers.iloc[:count].to_numpy(dtype=float)
        if (top != np.round(top)).any():
            continue
        lengths = numbers.iloc[count:].notna().sum().to_numpy()
        periods_ok = count == 2 or ((top[2] >= 1) & (top[2] <= 12)).all()
        if (top[0] == lengths).all() and ((top[1] >= 1000) & (top[1] <= 2999)).all() \
                and periods_ok:
            return slice(count, None)
    return None


_SET_BACK = ("An hour written twice in a night is what clocks set back at the end of "
             "summer time write: give the times with their UTC offsets (02:00+02:00, then "
             "02:00+01:00) or in UTC.")


def _clocks_set_back(index: pd.Index, repeated: pd.Index) -> bool:
    """Whether the `repeated` times of hourly (or finer) `index` each fall between 1 and 3
    a.m. of a Sunday in March, April, October or November, at most one a year: when clocks
    go back an hour at the end of summer time (in the north or the south)."""
    if not isinstance(index, pd.DatetimeIndex) or len(repeated) == 0:
        return False
    steps = np.diff(index.unique().asi8)
    days = repeated.unique().normalize().unique()
    return bool(len(steps) and steps.min() <= pd.Timedelta(hours=1).value
                and (repeated.dayofweek == 6).all()
                and ((repeated.hour >= 1) & (repeated.hour <= 3)).all()
                and repeated.month.isin([3, 4, 10, 11]).all()
                and len(days) == len(set(days.year)))


def _long(frame: pd.DataFrame, layout: LongLayout, covariates: list[str], freq: str | None,
          rows: np.ndarray, day_first: bool
          ) -> tuple[pd.Index, list[str], np.ndarray, dict[str, np.ndarray], list[str]]:
    """A long table pivoted: its distinct dates, series names, values and covariates."""
    dates = parse_dates(frame[layout.date_column], layout.date_column, freq, rows,
                        usual_day_first=day_first)
    read_as = date_notes(frame[layout.date_column], layout.date_column, dates)
    ids = frame[layout.id_column]

    def where(row: int) -> str:
        return f"{label(dates[row])} of series {str(ids.iloc[row])!r}"

    used = [layout.value_column, *covariates]
    rest = [c for c in frame.columns if c not in (layout.id_column, layout.date_column, *used)]
    table = frame[used].copy()
    marked = classify(table, used, where, protect=tuple(used)).notes()
    values = table.to_numpy(dtype=float)
    check_finite_float32(values[:, :1], [layout.value_column], where)
    if covariates:
        check_finite_float32(values[:, 1:], covariates, where, "covariate")
    table[layout.id_column] = frame[layout.id_column].to_numpy()
    names, index, pivoted = pivot_long(table, layout, dates, used, frame[rest], rows)
    notes = read_as + marked + [f"column {c!r} of the long file is neither the value "
                       f"({layout.value_column!r}) nor a covariate: left out" for c in rest]
    return index, names, pivoted[layout.value_column], {c: pivoted[c] for c in covariates}, \
        notes


def _grid(index: pd.Index, freq: str | None, series: int = 1
          ) -> tuple[pd.Index, str | None, np.ndarray]:
    """The regular grid from the first to the last of the sorted, distinct `index` (of a
    table of `series` columns), its frequency, and where each date of `index` sits on it."""
    if isinstance(index, pd.DatetimeIndex):
        if freq is None:
            freq = infer_freq(index)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # pandas' notice that 'M' is now 'ME'
                grid = pd.date_range(index[0], index[-1], freq=freq)
        except ValueError as error:
            raise ValidationError(f"The 'freq' parameter {freq!r} is not a pandas frequency "
                                  f"({error}); e.g. 'MS', 'QS', 'YS', 'W-SUN', 'D', 'h'.") from None
        positions = grid.get_indexer(index)
        if (positions < 0).any():
            try:
                found = infer_freq(index)
                own = f" The dates are {describe_freq(found)}: pass {found!r}, or leave " \
                      "`freq` out to have it inferred."
            except ValidationError:
                own = " Pass the right `freq` (--freq)."
            first = grid[:2]
            form = "%Y-%m-%d" if (first == first.normalize()).all() else "%Y-%m-%d %H:%M"
            shown = f" ({', '.join(first.strftime(form))} ...)" if len(grid) else ""
            raise ValidationError(
                f"The dates do not follow the frequency {freq!r}{shown}: e.g. "
                f"{label(index[int(np.argmax(positions < 0))])}.{own}")
        return grid, grid.freqstr, positions
    steps = np.diff(index.to_numpy(dtype=np.int64))
    apart = int(np.gcd.reduce(steps)) if len(steps) else 1
    span = int(index[-1]) - int(index[0]) + 1
    if apart == 1 and span > SPARSEST * len(index) and span * series > LARGEST_SPARSE_GRID:
        raise ValidationError(_sparse_steps(f"the steps run from {int(index[0])} to "
                                            f"{int(index[-1])}", len(index), span))
    if apart > 1:
        raise ValidationError(
            f"The steps ({', '.join(str(v) for v in index[:3])} ...) are {apart} or a multiple "
            f"of {apart} apart; steps that are numbers are read 1 apart (1, 2, 3 ...), so "
            f"{apart - 1} of every {apart} would be missing. Number the steps 1, 2, 3 ..., or "
            "give dates.")
    grid = pd.RangeIndex(int(index[0]), int(index[-1]) + 1)
    return grid, None, index.to_numpy(dtype=np.int64) - int(index[0])


def months_on_a_day(index: pd.Index) -> tuple[pd.Index, list[str]]:
    """Dates all at midnight of one day of their months from the 2nd to the 28th (the 15th,
    as surveys date their months), read as the starts of those months, with a note; other
    dates as they are, with none. No pandas frequency steps by months from such a day, so
    they were refused as fitting no regular grid. Months dated some at their first day and
    some at their last (3 dates or more, each month once, some a month apart: exports that
    changed their convention) are read as those months too, with a note; no frequency fits
    them either, and the message asked for one."""
    if not isinstance(index, pd.DatetimeIndex) or len(index) < 2 or index.tz is not None \
            or not (index == index.normalize()).all():
        return index, []
    starts = index.to_period("M").to_timestamp()
    ends = np.asarray(index.is_month_end)
    if len(index) >= 3 and ends.any() and np.asarray(index.is_month_start)[~ends].all() \
            and not ends.all() and starts.is_unique \
            and np.diff(np.sort(starts.year * 12 + starts.month)).min() == 1:
        return starts, [f"the dates fall on the first day of some months and on the last day "
                        f"of others (e.g. {label(index[~ends][0])}, {label(index[ends][0])}): "
                        "read as those months, dated at their starts, as the forecasts are"]
    day = int(index[0].day)
    if not 2 <= day <= 28 or (index.day != day).any():
        return index, []
    return starts, [f"the dates fall on day {day} of their months ({label(index[0])} ...): "
                    f"read as those months, dated at their starts ({label(starts[0])} ...), "
                    "as the forecasts are"]


LARGEST_SPARSE_GRID = 50_000_000
"""The most cells (steps times series, 400 MB) a table of numbered steps may take where most
steps hold no value; below it, the gaps inside the series decide (`SPARSEST`), and series
far apart on the axis are no gaps."""


def _sparse_steps(where: str, held: int, steps: int) -> str:
    return (f"The data hold values at {held} of {steps} steps ({where}). Steps that are "
            "numbers are read one apart (1, 2, 3 ...), so most would be missing: number "
            "the steps 1, 2, 3 ..., give dates, or drop the blank rows between values.")


def _own_grids(index: pd.Index, values: np.ndarray, names: list[str]
               ) -> ValidationError | None:
    """Where the dates of several series fit no one grid, the error naming the grid each
    series follows when they follow regular grids of their own, not all the same (monthly
    series dated at the months' starts beside ones dated at their ends); else None."""
    if not isinstance(index, pd.DatetimeIndex) or len(names) < 2:
        return None
    own = {name: strict_freq(index[~np.isnan(values[:, k])]) for k, name in enumerate(names)}
    if None in own.values() or len(set(own.values())) < 2:
        return None
    listing = ", ".join(f"{name!r} {describe_freq(f)}" for name, f in list(own.items())[:6])
    return ValidationError(
        f"The series follow regular grids of their own, not one: {listing}"
        f"{' ...' if len(own) > 6 else ''}. Put the dates on one grid (every series dated "
        "at the start of its months, say), or forecast series of different grids in "
        "separate files.")


def _refuse_coarser_series(grid: pd.DatetimeIndex, freq: str, mask: np.ndarray,
                           holes: np.ndarray, names: list[str]) -> None:
    """Refuse series that are regular on a coarser grid of their own and hold values at
    fewer than half the dates of the grid `freq` within their spans: filling them would
    invent most of their values (weekly series on different weekdays share a daily grid; a
    quarterly series beside monthly ones; monthly data read with freq 'D'). Series with
    irregular gaps (trading hours) are left to the gap check and `fill`."""
    own: dict[str, str] = {}
    for column, name in enumerate(names):
        held = int(mask[:, column].sum())
        if held < 3 or holes[:, column].sum() <= held:
            continue
        found = strict_freq(grid[mask[:, column]])
        if found is not None and found != freq:
            own[name] = found
    if not own:
        return
    listing = ", ".join(f"{name!r} {describe_freq(f)}" for name, f in list(own.items())[:6])
    message = (f"The series {listing}{' ...' if len(own) > 6 else ''} are each regular on a "
               "grid of their own, and hold values at few of the dates of the grid "
               f"{describe_freq(freq)} "
               "within their spans: filling the others would invent most of their data.")
    if len(set(own.values())) == 1 and len(own) == len(names):
        message += (f" Pass their frequency ({next(iter(own.values()))!r}, --freq), or leave "
                    "--freq out to have it inferred.")
    else:
        weekly = any(f.startswith("W") for f in own.values())
        message += (" Put the dates on one grid"
                    + (" (weekly series on the same weekday, e.g. the start of each week)"
                       if weekly else "")
                    + ", or forecast series of different grids in separate files.")
    raise ValidationError(message)


def _spread(array: np.ndarray, positions: np.ndarray, length: int) -> np.ndarray:
    if len(positions) == length and (positions == np.arange(length)).all():
        return array
    full = np.full((length, *array.shape[1:]), np.nan)
    full[positions] = array
    return full


def _holes(mask: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Cells missing inside each column's span [first, last]."""
    rows = np.arange(len(mask))[:, None]
    return ~mask & (rows >= first) & (rows <= last)


def _fill_inside(table: np.ndarray, fill: str) -> np.ndarray:
    frame = pd.DataFrame(table)
    if fill == "interpolate":
        frame = frame.interpolate(method="linear", limit_area="inside")
    else:
        frame = frame.ffill(limit_area="inside")
    return frame.to_numpy()


def _fill_all(table: np.ndarray, fill: str) -> np.ndarray:
    """Covariates filled everywhere (inputs may be extended to the series' ends)."""
    frame = pd.DataFrame(table)
    if fill == "interpolate":
        return frame.interpolate(method="linear", limit_direction="both").to_numpy()
    return frame.ffill().bfill().to_numpy()


def _holes_message(holes: np.ndarray, grid: pd.Index, names: list[str], what: str) -> str:
    """`names`: the columns as they are shown (quoted)."""
    rows = np.flatnonzero(holes.any(axis=1))
    labels = [label(grid[r]) for r in rows]
    shown = ", ".join(labels[:10]) + (f" and {len(labels) - 10} more" if len(labels) > 10
                                      else "")
    columns = np.flatnonzero(holes.any(axis=0))
    where = ", ".join(names[c] for c in columns[:5]) + (" ..." if len(columns) > 5
                                                               else "")
    forward = _SET_FORWARD if _clocks_set_forward(grid, rows) else ""
    return (f"{len(labels)} {_unit(grid)}(s) are missing or have missing values: {shown} (in the "
            f"{what} {where}). {forward}Fill them with `fill='interpolate'` or `fill='ffill'` "
            "(--fill), or fix the data.")


_SET_FORWARD = ("An hour missing from a night is what clocks set forward at the start of "
                "summer time skip: give the times with their UTC offsets (01:00+01:00, then "
                "03:00+02:00) or in UTC, as the night its clocks are set back needs too. ")


def _clocks_set_forward(grid: pd.Index, rows: np.ndarray) -> bool:
    """Whether the missing `rows` of hourly (or finer) `grid` are one hour each night they
    fall in, between 1 and 3 a.m. of a Sunday in March, April, September or October, at
    most one such night a year: the hour clocks skip at the start of summer time (in the
    north or the south), written in local time without offsets."""
    if not isinstance(grid, pd.DatetimeIndex) or len(grid) < 2 or grid.tz is not None \
            or len(rows) == 0:
        return False
    step = grid[1] - grid[0]
    missing = grid[rows]
    nights = missing.normalize()
    hour = pd.Timedelta(hours=1)
    return bool(step <= hour and (missing.dayofweek == 6).all()
                and ((missing.hour >= 1) & (missing.hour < 3)).all()
                and missing.month.isin([3, 4, 9, 10]).all()
                and len(nights.unique()) == len(set(nights.year))
                and all((nights == night).sum() * step == hour for night in nights.unique()))


def _shared_covariates(table: np.ndarray, grid: pd.Index, covariates: list[str],
                       fill: str | None, ahead: tuple[str, ...] = ()
                       ) -> tuple[pd.DataFrame, np.ndarray]:
    """Covariates shared by every series: complete over the whole grid (filled at the ends
    too when `fill` is given). Returns the table and the rows that were filled. `ahead`:
    the covariates that hold values after the series end (`_covariates_ahead`)."""
    missing = np.isnan(table)
    empty = [c for c, blank in zip(covariates, missing.all(axis=0), strict=True) if blank]
    if empty and len(grid):
        raise _empty_covariate(empty[0], None, fill, empty[0] in ahead)
    if missing.any():
        if fill is None:
            raise ValidationError(_holes_message(
                missing, grid, [repr(c) for c in covariates], "covariate(s)"))
        table = _fill_all(table, fill)
    return pd.DataFrame(table, index=grid, columns=covariates), missing.any(axis=1)


def _empty_covariate(name: str, series: str | None, fill: str | None, later: bool = False
                     ) -> ValidationError:
    """The error for a covariate (of one series of a long file) that holds no value over
    the history (`later`: it holds some after the end, future values): no `fill` has
    anything to fill it from, and a model cannot learn from it."""
    of = f" of the series {series!r}" if series is not None else ""
    blank = ("over the history, only after its end: a covariate is an input the models "
             "learn from on the history, and its values over the forecast dates go in a "
             "file of their own (future_covariates, --future-covariates FILE)" if later
             else "(every cell is blank)")
    return ValidationError(
        f"The covariate {name!r}{of} holds no values {blank}"
        + (f", so fill={fill!r} has nothing to fill it from" if fill else "")
        + f". Give its values{of.replace(' of ', ' for ', 1)}"
        + (" over the history" if later else "")
        + f", or leave {name!r} out of `covariates` (--covariates).")


def _per_series_covariates(tables: dict[str, np.ndarray], grid: pd.Index, names: list[str],
                           first: np.ndarray, last: np.ndarray, fill: str | None,
                           ahead: tuple[str, ...] = ()) -> tuple[pd.DataFrame, np.ndarray]:
    """A long file's covariates: complete over each series' span, NaN outside it. Returns
    one column per (covariate, series) and the rows that were filled. `ahead`: the
    covariates that hold values after a series' end (`_covariates_ahead`)."""
    filled = np.zeros(len(grid), dtype=bool)
    blocks = []
    for name, table in tables.items():
        blank = np.isnan(table).all(axis=0)
        if blank.any():
            raise _empty_covariate(name, names[int(np.argmax(blank))], fill, name in ahead)
        missing = _holes(~np.isnan(table), first, last)
        if missing.any():
            if fill is None:
                raise ValidationError(_holes_message(
                    missing, grid, [f"{name!r} of {s!r}" for s in names], "covariate"))
            inside = _holes(np.zeros_like(missing), first, last)
            table = np.where(inside, _fill_all(table, fill), np.nan)
            filled |= missing.any(axis=1)
        blocks.append(table)
    columns = pd.MultiIndex.from_product([list(tables), names], names=["covariate", "series"])
    return pd.DataFrame(np.concatenate(blocks, axis=1), index=grid, columns=columns), filled


def prepare(data: Any, *, date_column: str | None = None, freq: str | None = None,
            fill: str | None = None, covariates: list[str] | None = None,
            season_length: int | None = None, min_length: int = 1,
            id_column: str | None = None, value_column: str | None = None,
            fitted_series: list[str] | None = None,
            fitted_columns: dict[str, Any] | None = None) -> SeriesData:
    """Check and regularise `data` (wide or long); see the module docstring.

    `date_column`, `id_column`, `value_column`: the columns holding the dates, the series
    ids and the values (detected when not given; naming `id_column` or `value_column`
    reads the data as long; `id_column` may name several, comma-separated: 'store,item'
    names each series 'CA_1/FOODS_1', `_joined_ids`). `freq`: the pandas frequency
    (inferred when not given). `fill`: 'interpolate' or 'ffill' to fill gaps inside a
    series. `covariates`: columns that are inputs, not series (one per series in a long
    file). `season_length`: the season (from the frequency when not given; for steps that
    are numbers, not dates, found in the data: `_season.season_in`). `min_length`:
    the fewest points a series may have. `fitted_series`: the series of a model the data
    are new data for, each of which must hold values (columns that hold none are otherwise
    left out with a note: a series not yet begun, a text column the fit left out, empty
    this time), and the one text column holding only their names is the id column
    (`_naming_column`).
    `fitted_columns`: those of the column options above that the data take from that model
    (the caller naming no other); a column they name that the data lack is refused as the
    model's (`_lacking_fitted_columns`), not as a parameter the caller gave.
    """
    if fill is not None and fill not in FILLS:
        raise ValidationError(f"The 'fill' parameter must be one of {list(FILLS)} or None; "
                              f"got {fill!r}.")
    if season_length is not None:
        check_int("season_length", season_length, "prepare", low=1, high=MAX_SEASON)
    _check_freq(freq)
    frame = _as_frame(data)
    day_first = bool(frame.attrs.get("day_first"))  # a ';' file: ambiguous dates day first
    if freq is None and len(frame) == 1 and isinstance(frame.index, pd.DatetimeIndex):
        freq = frame.index.freqstr  # one date shows no frequency; its index may carry one
    frame, index_column = _index_column(frame)
    frame, dropped = _row_numbers(frame)
    _lacking_fitted_columns(frame, fitted_columns or {})
    frame, emptied = _blank_columns(frame)
    dropped += emptied
    if len(frame) == 0:  # a header alone: nothing to forecast, nor a date to start from
        raise ValidationError(f"The data hold no rows (only the columns "
                              f"{list(frame.columns)[:10]}); at least one row of dates and "
                              "values is needed.")
    if id_column is None and value_column is None and fitted_series is not None \
            and len(fitted_series) > 1:
        id_column = _naming_column(frame, fitted_series)
    date_column = date_column if date_column is not None else index_column
    if date_column is not None and date_column not in frame.columns:
        raise ValidationError(f"The 'date_column' parameter names {date_column!r}, which is "
                              f"not a column; the columns are {list(frame.columns)}.")
    rows = np.arange(len(frame))  # the file's rows, counted in messages
    frame, rows, dropped_notes = _margins(frame, date_column, rows)
    dropped += dropped_notes
    if date_column is None:
        given = (id_column, value_column, *(covariates or []))
        frame, joined = join_date_parts(frame, given)
        if not joined and value_column is None and not covariates:
            frame, joined = join_months_across(frame, id_column)
            rows = np.arange(len(frame)) if joined else rows  # a row per month now
        dropped += joined
    dated = date_column is not None or id_column is not None or \
        detect_date_column(frame) is not None
    if not dated and value_column is None:
        frame, turned = _turned(frame)
        if turned:
            dropped += turned
            rows = np.arange(len(frame))
            dated = detect_date_column(frame) is not None
    if dated:  # without dates, a blank row is a gap
        frame, kept, blank = _blank_rows(frame)
        rows = rows[kept]
        dropped += blank
    check_covariates(covariates, "prepare")
    covariates = list(covariates or [])
    unknown = [c for c in covariates if c not in frame.columns or c == date_column]
    if unknown:
        raise ValidationError(f"The 'covariates' parameter names {unknown}, not columns of the "
                              f"data; the columns are "
                              f"{[c for c in frame.columns if c != date_column]}.")
    if id_column is not None and "," in id_column and id_column not in frame.columns:
        roles = {date_column: "date", value_column: "value", **{c: "covariate"
                                                                for c in covariates}}
        taken = [f"{p.strip()!r} (the {roles[p.strip()]} column)"
                 for p in id_column.split(",") if p.strip() in roles]
        if taken:
            raise ValidationError(f"The 'id_column' parameter names {taken[0]} among the "
                                  "columns that name each series; name other columns.")
    frame, id_column = _joined_ids(frame, id_column)
    layout = None
    if isinstance(data, pd.DataFrame) or isinstance(getattr(data, "index", None),
                                                    pd.MultiIndex):
        layout = detect_long(frame, date_column=date_column, id_column=id_column,
                             value_column=value_column, covariates=covariates)
    if layout is None:
        index, names, values, shared, notes = _wide(frame, date_column, value_column,
                                                    covariates, freq, rows, day_first)
        per_series: dict[str, np.ndarray] = {}
    else:
        if layout.value_column in covariates:
            raise ValidationError(f"The value column {layout.value_column!r} cannot also be a "
                                  "covariate.")
        index, names, values, per_series, notes = _long(frame, layout, covariates, freq,
                                                        rows, day_first)
        shared = None
    index, on_a_day = months_on_a_day(index)
    notes = dropped + notes + on_a_day
    try:
        grid, freq, positions = _grid(index, freq, len(names))
    except ValidationError as error:
        raise _own_grids(index, values, names) or error from None
    values = _spread(values, positions, len(grid))
    mask = ~np.isnan(values)
    has = mask.any(axis=0)
    if not has.all():
        empty = [n for n, h in zip(names, has, strict=True) if not h]
        spare = [n for n in empty if fitted_series is None or n not in fitted_series]
        if len(spare) < len(empty):  # new data: the model forecasts every fitted series
            raise ValidationError(
                f"The new data hold no values of the series "
                f"{[n for n in empty if n not in spare][:10]}, which the model was fitted on "
                "and forecasts. Give their latest values (or their whole history), or fit a "
                "new model without them.")
        if not has.any():
            raise ValidationError(f"The column(s) {empty[:10]} hold no values at all (all "
                                  "missing): nothing to forecast from.")
        # A series not yet begun (a new product) or a column left blank: the others are
        # forecast, and the note names it.
        notes.append(f"left out the column(s) {spare[:10]}"
                     f"{f' and {len(spare) - 10} more' if len(spare) > 10 else ''}: no values"
                     + (", and no series the model was fitted on" if fitted_series is not None
                        else " to forecast from"))
        names, values, mask = [n for n in names if n not in spare], values[:, has], mask[:, has]
        per_series = {c: t[:, has] for c, t in per_series.items()}
    first = mask.argmax(axis=0)
    last = len(mask) - 1 - mask[::-1].argmax(axis=0)
    # Rows before every series starts or after every series ends are not part of the data.
    keep, full = slice(int(first.min()), int(last.max()) + 1), len(grid)
    if keep.stop < full:
        notes.append(f"the last {full - keep.stop} {_unit(grid)}(s) ({label(grid[keep.stop])} "
                     f"on) hold no values: forecast from {label(grid[keep.stop - 1])}, where "
                     "the data end")
    ahead, ahead_notes = _covariates_ahead(shared, per_series, covariates, positions, grid,
                                           last, names)
    notes += ahead_notes
    grid, values, mask = grid[keep], values[keep], mask[keep]
    first, last = first - keep.start, last - keep.start
    filled_rows = np.zeros(len(grid), dtype=bool)
    holes = _holes(mask, first, last)
    if freq is None and holes.sum() > (SPARSEST - 1) * mask.sum():
        raise ValidationError(_sparse_steps("within the series' spans, counted per series",
                                            int(mask.sum()), int(mask.sum() + holes.sum())))
    if freq is not None:
        _refuse_coarser_series(grid, freq, mask, holes, names)
    if holes.any():
        if fill is None:
            raise ValidationError(_holes_message(holes, grid, [repr(n) for n in names],
                                                 "series"))
        values = _fill_inside(values, fill)
        filled_rows |= holes.any(axis=1)
    covariate_table = None
    if shared is not None:
        covariate_table, filled = _shared_covariates(
            _spread(shared, positions, full)[keep], grid, covariates, fill, ahead)
        filled_rows |= filled
    elif per_series:
        covariate_table, filled = _per_series_covariates(
            {c: _spread(t, positions, full)[keep] for c, t in per_series.items()}, grid,
            names, first, last, fill, ahead)
        filled_rows |= filled
    lengths = last - first + 1
    if lengths.min() < min_length:
        short = int(np.argmin(lengths))
        raise ValidationError(f"The series {names[short]!r} has {int(lengths[short])} points; "
                              f"at least {min_length} are needed.")
    table = pd.DataFrame(values, index=grid, columns=names)
    if season_length is not None:
        m = season_length
    elif freq is not None:
        m = season_length_of(freq)
    else:
        m = season_of_steps(table, notes)
    return SeriesData(values=table, covariates=covariate_table, freq=freq,
                      season_length=int(m), filled=[label(d) for d in grid[filled_rows]],
                      notes=notes, id_column=layout.id_column if layout else None,
                      season_found=season_length is None and freq is None)


def _covariates_ahead(shared: np.ndarray | None, per_series: dict[str, np.ndarray],
                      covariates: list[str], positions: np.ndarray, grid: pd.Index,
                      last: np.ndarray, names: list[str]) -> tuple[tuple[str, ...], list[str]]:
    """The covariates that hold values after the series end (each series' own end, for a
    long file's), and a note naming them: rows of future prices below the history, which a
    user may mean as their future values. They are not read so (a covariate in the data is
    a past input); those come from a file of their own (`read_future_covariates`)."""
    full = len(grid)
    after = np.arange(full)[:, None] > (last.max() if shared is not None else last)
    tables = {c: shared[:, [k]] for k, c in enumerate(covariates)} if shared is not None \
        else per_series
    held = {c: ~np.isnan(_spread(t, positions, full)) & after for c, t in tables.items()}
    ahead = [c for c, cells in held.items() if cells.any()]
    if not ahead:
        return (), []
    cells = np.any([held[c] for c in ahead], axis=0)
    rows = np.flatnonzero(cells.any(axis=1))
    ended = "the series end" if shared is not None else "the end of the series " + str(
        [n for n, h in zip(names, cells.any(axis=0), strict=True) if h][:5])
    return tuple(ahead), [
        f"the covariate(s) {ahead} hold values at {len(rows)} {_unit(grid)}(s) after "
        f"{ended} ({label(grid[rows[0]])} on), which are not read as their future values: "
        "give those in a file of their own (future_covariates, --future-covariates FILE)"]


def season_of_steps(table: pd.DataFrame, notes: list[str]) -> int:
    """The season of the series of `table` (a column each, their steps numbers), found in
    the data (`_season.season_in`), with a note in `notes`."""
    series = [table[c].dropna().to_numpy() for c in table]
    period, showing, tested = season_in(series)
    longest = max((len(y) - 1 for y in series), default=0)  # the differences tested
    periods = [p for p in CANDIDATES if longest >= 3 * p]
    if period > 1:
        notes.append(f"the steps are numbers, not dates: a season of {period} steps, found in "
                     f"the data (shown by {showing} of {tested} series); season_length "
                     "(--season-length) sets another, 1 for none")
    elif periods:
        notes.append("the steps are numbers, not dates, and the data show no season of "
                     f"{', '.join(map(str, periods))} steps: none assumed; season_length "
                     "(--season-length) gives one")
    else:
        notes.append(f"the steps are numbers, not dates, and the series are too short to "
                     f"show a season (that takes three seasons of {CANDIDATES[0]} steps or "
                     f"more: {3 * CANDIDATES[0] + 1} points): none assumed; season_length "
                     "(--season-length) gives one")
    return period


def _names_columns(cells: list[str]) -> bool:
    """Whether a row of `cells` reads as a header: every cell a name, none empty, a number
    or a date."""
    texts = pd.Series([cell.strip() for cell in cells], dtype=object)
    return bool(texts.str.len().gt(0).all() and pd.to_numeric(texts, errors="coerce").isna().all()
                and not names_dates(texts).any())


_SEPARATORS_AND_SPACE = str.maketrans("", "", ",;|\t\"' \r\n")


def _read_frame(path: str | Path, what: str, ids: tuple[str | None, ...] = ()
                ) -> pd.DataFrame:
    """The table of the CSV file `path` (UTF-8, distinct column names; spaces around names
    and before cells dropped). The columns named in `ids` or like an id (``unique_id``,
    ``sku`` ...) are read as text: ids such as '007' or '1.0' are names, not numbers ('7',
    '1')."""
    path = Path(path)
    # UTF-8 (or Excel's Windows-1252, with a note), no binary, no FIFO, the BOM dropped
    text, encoding = read_table_text(path, what)
    if not text.strip():  # pandas: 'No columns to parse from file'
        raise ValidationError(f"The {what} {path} is empty (blank lines at most); expected a "
                              "header naming the columns, then rows of values.")
    if is_jsonl(path) or text.lstrip().startswith("{"):
        # split at commas, its objects were "no numeric value column among ['{"date": ...']"
        raise ValidationError(f"The {what} {path} is JSON, not CSV: forecasting reads a CSV "
                              "table (a header naming the columns, e.g. date,sales, then a "
                              "row of values a line). Write it as CSV.")
    if not text.translate(_SEPARATORS_AND_SPACE):  # it read as columns without a name
        raise ValidationError(f"The {what} {path} holds separators alone (no name nor value "
                              "in any cell); expected a header naming the columns, then "
                              "rows of values.")
    named = {part.strip() for given in ids if given
             for part in given.replace(ID_SEPARATOR, ",").split(",")} | set(ids)
    # pandas would read one column of 'date;value' text; ids such as '10.001' stay names
    text, separated, separator = with_commas(text, str(path), {n.lower() for n in named if n}
                                             | {n.lower() for n in ID_NAMES})
    read_as = [note for note in (encoding, separated and f"{path.name}: {separated}")
               if note]
    text, preamble = _preamble(text)
    read_as += preamble
    text, repeated_header = _repeated_headers(text)
    read_as += repeated_header
    header, first = _first_rows(text, path)
    names = [name.strip() for name in header]
    repeated = sorted(name for name, count in Counter(filter(None, names)).items()
                      if count > 1)
    if repeated:  # pandas would quietly rename the second one 'name.1'
        raise ValidationError(f"{path} names column(s) {repeated} more than once; column "
                              f"names must be distinct.")
    if len(first) > 1 and sum(map(bool, names)) == 1 and names[0] and _names_columns(first):
        raise ValidationError(  # pandas would take a title for the one column's name
            f"The first line of {path} names one column ({names[0]!r}) above a line of "
            f"{len(first)} cells ({', '.join(first[:3])}{' ...' if len(first) > 3 else ''}): "
            "if it is a title, remove it; the first line must be the header that names the "
            "columns.")
    try:
        with warnings.catch_warnings():
            # Rows with one cell more than the header: pandas would quietly take the first
            # column as the index (every name then sits over the next column's values), or
            # with index_col=False drop the last cells; a trailing comma alone is dropped.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            text_columns = {raw: str for raw, name in zip(header, names, strict=True)
                            if name in named or name.lower() in ID_NAMES}
            # Date columns as text too: '01.2018' would be the number 1.2018 (and '10.2010'
            # 10.201); those holding only numbers are numbers again below.
            dated = {raw: str for raw, name in zip(header, names, strict=True)
                     if named_like_a_date(name) and raw not in text_columns}
            # Ids as written: pandas' missing-value markers ('NA', 'NULL', 'None' ...) are
            # names there (Namibia's code, a product called NULL); a blank cell is missing.
            frame = pd.read_csv(io.StringIO(text), low_memory=False, index_col=False,
                                skipinitialspace=True, dtype=dated or None,
                                converters={raw: _id_cell for raw in text_columns} or None)
        # 'unique_id , ds' names 'unique_id' and 'ds' (an empty name stays 'Unnamed: k').
        frame = frame.rename(columns=lambda name: name.strip() if isinstance(name, str)
                             else name)
        for raw in dated:
            frame[raw.strip()] = _numbers_unless_months(frame[raw.strip()], raw)
        if read_as:
            frame.attrs["read_as"] = read_as
        if separator == ";":  # Excel's CSV where the comma is the decimal mark
            frame.attrs["day_first"] = True
        return frame
    except pd.errors.ParserWarning:
        raise ValidationError(
            f"Could not read {str(path)!r} as CSV: its rows hold more cells than its header "
            f"names columns ({len(header)}: {header[:5]}{' ...' if len(header) > 5 else ''})."
            " Name every column in the header, or remove the extra cells.") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        if "EOF inside string" in str(error):  # pandas' words for a quote never closed
            row = re.search(r"starting at row (\d+)", str(error))
            raise ValidationError(
                f"Could not read {str(path)!r} as CSV: a quote (\") opened "
                + (f"in data row {row[1]} (the header is row 0) " if row else "")
                + "is never closed, so every line after it would be one cell; close it or "
                "remove it.") from None
        raise ValidationError(f"Could not read {str(path)!r} as CSV: "
                              f"{str(error).strip()}") from None


def _id_cell(cell: str) -> str | float:
    """An id cell as written, NaN where it is blank (a missing id)."""
    return cell if cell.strip() else np.nan


_NO_MONTHS = frozenset({"time", "zeit", "timestamp", "datetime", *DATE_PART_NAMES["day"],
                        *DATE_PART_NAMES["week"], *DATE_PART_NAMES["quarter"],
                        *DATE_PART_NAMES["year"]})
"""Names of a column whose cells like '08.00' or '01.18' are no months (times of day,
days, weeks, quarters, years): they stay numbers."""


def _numbers_unless_months(column: pd.Series, name: str) -> pd.Series:
    """A date column read as text: numbers again where every cell is one, as pandas would
    read them (years, YYYYMM, serial days), except months written '01.2018' or '01.18' in
    a column named neither for a time, a day, a week, a quarter nor a year: every first
    number a month, and the years not all '00' (08.00 may be eight o'clock)."""
    cells = column.dropna().astype(str).str.strip()
    parts = cells.str.extract(r"^(0?[1-9]|1[0-2])\.(\d{2}|\d{4})$")
    if len(cells) and parts[0].notna().all() and not parts[1].eq("00").all() and \
            name.strip().lower() not in _NO_MONTHS:
        return column
    numbers = pd.to_numeric(column, errors="coerce")
    return numbers if numbers.notna().sum() == column.notna().sum() else column


_PREAMBLE_LOOK = 30
"""The most lines read for lines of notes above a header (`_preamble`)."""


def _preamble(text: str) -> tuple[str, list[str]]:
    """CSV `text` without the short lines of notes above its header, and a note naming
    them: a title, or a source and a date as the World Bank writes above its tables
    ('"Data Source","World Development Indicators",'), which pandas would take for the
    header (then "Expected 3 fields in line 5, saw 68"). The header is the first row as
    wide as the widest of the first `_PREAMBLE_LOOK` with at least half its cells filled
    (a title padded with empty cells, 'Sales report,,,', is none), every row after it (of
    those) is as wide and its first cell names a column (no number, no date); the rows
    above it fill at most half as many cells. `text` as it is, and no
    note, otherwise."""
    # Lines end at '\n', '\r' or both only: a cell may hold a form feed or U+2028
    lines = io.StringIO(text[:200_000], newline="").readlines()[:_PREAMBLE_LOOK * 3]
    reader = csv.reader(lines, skipinitialspace=True)
    rows: list[tuple[int, list[str]]] = []  # (lines above the row, the row)
    try:
        above = 0
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((above, row))
            above = reader.line_num
            if len(rows) >= _PREAMBLE_LOOK:
                break
    except csv.Error:
        return text, []
    if len(rows) < 3:
        return text, []
    width = max(len(row) for _, row in rows)
    # A title padded with empty cells to the table's width, as Excel writes one ('Sales
    # report,,,'), is as wide as the header: the header is the first wide row half filled.
    at = next((k for k, (_, row) in enumerate(rows)
               if len(row) == width and 2 * sum(bool(c.strip()) for c in row) >= width), 0)
    line, header = rows[at]
    first = header[0].strip()
    filled = [sum(bool(c.strip()) for c in row) for _, row in rows[:at]]
    # A title (one cell a line), or a few cells set apart by a blank line as the World
    # Bank writes them: 'series,values' right above 'A,1,2,3,4' is a header with too few
    # names, which the reader refuses.
    apart = at > 0 and line > rows[at - 1][0] + 1
    if at == 0 or width < 2 or any(len(row) != width for _, row in rows[at:]) or not (
            all(n == 1 for n in filled) or (apart and all(2 * n <= width and n <= 2
                                                          for n in filled))) or \
            2 * sum(bool(c.strip()) for c in header) < width or not first or \
            _number(first) or bool(names_dates(pd.Series([first])).iloc[0]):
        return text, []
    shown = [row[0].strip() for _, row in rows[:at]]
    return text[sum(map(len, lines[:line])):], [
        f"skipped {line} line(s) above the header ({', '.join(map(repr, shown[:3]))}"
        f"{' ...' if len(shown) > 3 else ''}): notes, not columns"]


def _repeated_headers(text: str) -> tuple[str, list[str]]:
    """CSV `text` without the lines below its header that repeat it (files joined one after
    another, each with its header, as `cat` or a report's pages write them), which would
    make every column text and the header's date name a date that is no date; and a note
    saying how many. `text` as it is, and no note, where no line repeats the header. A
    repeat may start with a byte-order mark: the one each joined UTF-8 export of Excel
    begins with, which reading took off the first alone. A repeat may differ in case and
    in spaces around its names ('Date, Sales' under 'date,sales'), as exports of several
    tools or versions joined together do: it names the same columns."""
    start = len(text) - len(text.lstrip("\r\n"))
    end = min((at for at in (text.find("\n", start), text.find("\r", start)) if at >= 0),
              default=len(text))
    header = text[start:end].strip()
    names = _folded_names(header)
    if not header or names[0] not in text.lower()[end:]:
        return text, []
    lines = io.StringIO(text, newline="").readlines()
    first = next(k for k, line in enumerate(lines) if line.strip())
    repeats = {k for k, line in enumerate(lines)
               if k > first and names[0] in line.lower()
               and _folded_names(line.strip().lstrip("\ufeff")) == names}
    if not repeats:
        return text, []
    kept = [line for k, line in enumerate(lines) if k not in repeats]
    return "".join(kept), [f"dropped {len(repeats)} line(s) below the header that repeat it "
                           f"({header[:40]!r}): a header again, not data"]


def _folded_names(line: str) -> list[str]:
    """The cells of the CSV line `line`, without spaces around them and lower-cased."""
    try:
        return [cell.strip().lower() for cell in next(csv.reader([line]), [])] or [""]
    except csv.Error:  # a quote never closed: no header to compare with
        return [line.strip().lower()]


def _first_rows(text: str, path: Path) -> tuple[list[str], list[str]]:
    """The header and the first row of CSV `text`, split at commas (blank lines skipped)."""
    try:
        # Split as pandas will (skipinitialspace): names and cells alike lose the spaces
        # after a comma, so 'date, "sales"' names 'sales'.
        rows = (row for row in csv.reader(io.StringIO(text, newline=""),  # any line ending
                                          skipinitialspace=True)
                if any(cell.strip() for cell in row))  # blank lines, as pandas skips them
        return next(rows, []), next(rows, [])
    except csv.Error as error:  # e.g. a quote opened in the header and never closed
        raise ValidationError(f"Could not read the first lines of {str(path)!r} as CSV: "
                              f"{error}.") from None


def read_csv(path: str | Path, **options: Any) -> SeriesData:
    """Read a CSV file and `prepare` it (options: those of `prepare`: date_column, freq,
    fill, covariates, season_length, min_length, id_column, value_column). A file separated
    by semicolons, tabs or bars is read too (`_separators`), with a note."""
    path = check_path("path", path, "read_csv")
    frame = _read_frame(path, "data file", (options.get("id_column"),))
    data = prepare(frame, **options)
    data.notes[:0] = frame.attrs.get("read_as", [])
    return data


def _naming_column(frame: pd.DataFrame, names: list[str]) -> str | None:
    """The one text column of `frame` whose values are all among `names` (the series a
    model was fitted on): the id column of new long data whose layout alone does not show
    it, one row per series with dates that do not repeat (the latest month of each series,
    say). None where a fitted series is a column (a wide file, whose text columns are left
    out as ever), or no column or several hold only those names."""
    known = set(map(str, names))
    if known & {str(c).strip() for c in frame.columns}:
        return None
    found = [str(c) for c in frame.columns if is_text(frame[c])
             and set(frame[c].dropna().astype(str).str.strip()) <= known
             and frame[c].notna().any()]
    return found[0] if len(found) == 1 else None


def future_index(index: pd.Index, freq: str | None, horizon: int) -> pd.Index:
    """The `horizon` dates (or integer positions) after the end of `index`; a
    `ValidationError` where they pass the last date pandas can hold (2262-04-11)."""
    if freq is None:
        last = int(index[-1]) if len(index) else -1
        return pd.RangeIndex(last + 1, last + 1 + horizon)
    try:
        return pd.date_range(index[-1], periods=horizon + 1, freq=freq)[1:]
    except (pd.errors.OutOfBoundsDatetime, OverflowError):
        raise ValidationError(
            f"A horizon of {horizon} steps, {describe_freq(freq)}, after {index[-1]} passes "
            f"{pd.Timestamp.max.date()}, the last date pandas can hold; forecast fewer "
            f"steps.") from None


# -- inputs known ahead ------------------------------------------------------------------

_CALENDAR = {  # offset type -> (feature, its phase in [0, 1)) for dates of that frequency
    "Quarter": ("quarter",), "Month": ("month",), "Week": ("year",),
    "Day": ("weekday", "year"), "Hour": ("hour", "weekday"), "Minute": ("hour", "weekday"),
    "Second": ("hour",),
}


def _phase(index: pd.DatetimeIndex, feature: str) -> np.ndarray:
    if feature == "quarter":
        return (index.quarter.to_numpy() - 1) / 4
    if feature == "month":
        return (index.month.to_numpy() - 1) / 12
    if feature == "year":
        return (index.dayofyear.to_numpy() - 1) / 365.25
    if feature == "weekday":
        return index.dayofweek.to_numpy() / 7
    return (index.hour.to_numpy() + index.minute.to_numpy() / 60) / 24


def calendar_features(index: pd.Index, freq: str | None) -> pd.DataFrame:
    """Where each date sits in the calendar, as numbers in [-1, 1] (a sine and a cosine of
    each cycle, so December sits next to January).

    By frequency: quarterly data get the quarter of the year, monthly the month, weekly
    the time of year, daily (and business-daily) the day of the week and the time of year,
    hourly and finer the hour of the day and the day of the week. Yearly data and integer
    steps (`freq` None) have none: a frame with no columns. The rows are `index`.
    """
    frame = pd.DataFrame(index=index)
    if freq is None or not isinstance(index, pd.DatetimeIndex):
        return frame
    offset = pd.tseries.frequencies.to_offset(freq)
    name = type(offset).__name__
    kind = next((k for k in _CALENDAR if k in name), None)
    if kind is None:
        return frame
    features = _CALENDAR[kind]
    n = getattr(offset, "n", 1) or 1
    if kind == "Day" and n % 7 == 0:
        features = ("year",)  # every 7th day: the weekday never changes
    for feature in features:
        angle = 2 * np.pi * _phase(index, feature)
        frame[f"{feature}_sin"] = np.sin(angle)
        frame[f"{feature}_cos"] = np.cos(angle)
    return frame


@dataclass
class FutureCovariates:
    """Covariates' values over the horizon after each series' last date.

    ``table``: the values over the dates from the earliest series end + 1 to the latest
    series end + horizon: one column per covariate (shared by the series), or one per
    (covariate, series) pair when the file held a series id column. Use `of` for one
    series' rows. ``notes``: how the file was read (its separator or encoding where not
    commas and UTF-8, lines of notes skipped)."""

    table: pd.DataFrame
    names: list[str]
    horizon: int
    starts: dict[str, int]
    notes: list[str] = field(default_factory=list)

    def of(self, name: str) -> pd.DataFrame:
        """The `horizon` rows after the last date of the series `name` (one column per
        covariate)."""
        if name not in self.starts:
            raise ValidationError(f"No series named {name!r} among the future covariates' "
                                  f"series {list(self.starts)[:10]}.")
        start = self.starts[name]
        table = self.table
        if isinstance(table.columns, pd.MultiIndex):
            table = table.xs(name, axis=1, level=1)
        return table.iloc[start:start + self.horizon]


def read_future_covariates(source: str | Path | pd.DataFrame, data: SeriesData, horizon: int,
                           *, names: list[str] | None = None, date_column: str | None = None,
                           id_column: str | None = None) -> FutureCovariates:
    """Read the covariates' known future values (a CSV file, a DataFrame, or a Series
    named after its covariate) for `data`.

    The file holds a date column and one column per covariate (shared by every series),
    or, with a series id column (`id_column`, else the data's own id column when the file
    has it), one row per series and date. `names`: the covariates it gives (default: every
    column but the date and id); each must be a covariate of `data` (its past values train
    the model). Every series needs a value of each for each of the `horizon` dates after
    its own last date: missing dates, empty cells and unknown series are errors naming
    them; dates outside those horizons are ignored.
    """
    horizon = check_int("horizon", horizon, "read_future_covariates", low=1)
    if isinstance(source, (pd.DataFrame, pd.Series)):
        frame = _as_frame(source)
    elif isinstance(source, (str, Path)):
        frame = _read_frame(source, "future covariates file", (id_column, data.id_column))
    else:
        raise ValidationError(
            f"The future covariates (future_covariates) must be a CSV path, a pandas "
            f"DataFrame, or a Series named after its covariate, indexed by the dates; got "
            f"{type(source).__name__}.")
    read_as = list(frame.attrs.get("read_as", []))
    day_first = bool(frame.attrs.get("day_first"))  # a ';' file: ambiguous dates day first
    frame, index_column = _index_column(frame)
    # Read as the data are: without a saved index, empty columns, blank rows, or notes
    # and a totals row above or below the rows of dates.
    frame = _row_numbers(_blank_columns(frame)[0])[0]
    frame, rows, _ = _blank_rows(frame)
    frame, rows, margins = _margins(frame, date_column or index_column, rows)
    read_as += margins
    frame, id_column = _joined_ids(frame, id_column)
    parts = data.id_column.split(ID_SEPARATOR) if data.id_column is not None else []
    if id_column is None and all(part in frame.columns for part in parts):
        frame, id_column = _joined_ids(frame, data.id_column, split=ID_SEPARATOR)  # alike
    columns = list(frame.columns)
    for option, value in (("date_column", date_column), ("id_column", id_column)):
        if value is not None and value not in columns:
            raise ValidationError(f"The '{option}' parameter names {value!r}, which is not a "
                                  f"column of the future covariates; they are {columns}.")
    if id_column is None and data.id_column is not None and data.id_column in columns:
        id_column = data.id_column
    date = date_column or index_column or detect_date_column(
        frame, exclude=(id_column,) if id_column else ())
    others = [c for c in columns if c != id_column and c not in (names or data.covariate_names)]
    if date is None and len(others) == 1:
        date = others[0]  # the one column left: dates or step numbers
    if date is None:
        raise ValidationError(f"The future covariates' columns {columns} have no date column: "
                              "pass `date_column` (--date-column).")
    names = list(names) if names is not None else [c for c in columns
                                                    if c not in (date, id_column)]
    missing = [c for c in names if c not in columns]
    if missing:
        raise ValidationError(f"The future covariates lack the column(s) {missing}; their "
                              f"columns are {columns}.")
    unknown = [c for c in names if c not in data.covariate_names]
    if unknown:
        _refuse_misnamed(frame, unknown, data, id_column)
        raise ValidationError(
            f"The future covariates {unknown} are not covariates of the data "
            f"({data.covariate_names or 'it has none'}): name them with `covariates` "
            "(--covariates) so the model learns from their past values too.")
    if not names:
        raise ValidationError("The future covariates file holds no covariate column.")
    dates = months_on_a_day(parse_dates(frame[date], date, data.freq, rows,
                                        usual_day_first=day_first))[0]  # as the data's
    if (data.freq is None) != (not isinstance(dates, pd.DatetimeIndex)):
        raise ValidationError(
            f"The future covariates' column {date!r} holds "
            f"{'dates' if isinstance(dates, pd.DatetimeIndex) else 'step numbers'} but the "
            f"data's index holds {'step numbers' if data.freq is None else 'dates'}.")
    spans = data.spans
    index = data.values.index
    extended = index.append(future_index(index, data.freq, horizon))
    lasts = np.array([spans[n][1] for n in data.names])
    lo, hi = int(lasts.min()) + 1, int(lasts.max()) + horizon + 1
    grid = extended[lo:hi]
    starts = {n: int(last) + 1 - lo for n, last in zip(data.names, lasts, strict=True)}
    where = lambda row: label(dates[row])  # noqa: E731
    classify(frame, names, where, protect=tuple(names))  # numbers only (text converted)
    positions = grid.get_indexer(dates)
    between = (positions < 0) & np.asarray((dates >= grid[0]) & (dates <= grid[-1]))
    if between.any():
        raise ValidationError(
            f"The future covariates' date {label(dates[int(np.argmax(between))])} does not "
            f"follow the data's frequency, {describe_freq(data.freq)}: the horizon runs from "
            f"{label(grid[0])} to {label(grid[-1])}.")
    # Required cells: row r of the grid for series s when starts[s] <= r < starts[s] + H.
    steps = np.arange(len(grid))[:, None]
    first = np.array([starts[n] for n in data.names])
    needed = (steps >= first) & (steps < first + horizon)
    blocks = []
    if id_column is None:
        if pd.Index(dates).duplicated().any():
            shown = ", ".join(label_among(d, pd.Index(dates))
                              for d in pd.Index(dates)[pd.Index(dates).duplicated()][:5])
            raise ValidationError(f"The future covariates' dates must be unique; these appear "
                                  f"more than once: {shown}.")
        inside = positions >= 0
        values = np.full((len(grid), len(names)), np.nan)
        values[positions[inside]] = take(frame, names)[inside]
        check_finite_float32(values, names, lambda row: label(grid[row]), "covariate")
        required = needed.any(axis=1)
        for c, name in enumerate(names):
            gap = required & np.isnan(values[:, c])
            if gap.any():
                raise _future_gap(name, grid[gap], None, horizon)
        table = pd.DataFrame(values, index=grid, columns=names)
    else:
        layout = LongLayout(id_column, date, names[0])
        series, distinct, pivoted = pivot_long(frame, layout, dates, names, rows=rows)
        strange = [s for s in series if s not in starts]
        if strange:
            raise ValidationError(f"The future covariates name series the data does not "
                                  f"have: {strange[:5]}; the data's series are "
                                  f"{data.names[:10]}." + _zeros_apart(strange, data.names))
        order = pd.Index(series).get_indexer(data.names)
        lacking = [n for n, o in zip(data.names, order, strict=True) if o < 0]
        if lacking:
            raise ValidationError(f"The future covariates give no rows for the series "
                                  f"{lacking[:5]}{' ...' if len(lacking) > 5 else ''}; each "
                                  f"series needs its {horizon} future date(s).")
        at = grid.get_indexer(distinct)
        inside = at >= 0
        for name in names:
            values = np.full((len(grid), len(data.names)), np.nan)
            values[at[inside]] = pivoted[name][inside][:, order]
            check_finite_float32(values, data.names, lambda row: label(grid[row]), "series")
            gap = needed & np.isnan(values)
            if gap.any():
                s = int(np.flatnonzero(gap.any(axis=0))[0])
                raise _future_gap(name, grid[gap[:, s]], data.names[s], horizon)
            blocks.append(values)
        columns = pd.MultiIndex.from_product([names, data.names], names=["covariate", "series"])
        table = pd.DataFrame(np.concatenate(blocks, axis=1), index=grid, columns=columns)
    return FutureCovariates(table=table, names=names, horizon=horizon, starts=starts,
                            notes=[f"future covariates: {n}" for n in read_as])


def _zeros_apart(strange: list[str], names: list[str]) -> str:
    """Where ids of the future covariates (`strange`, none of the data's `names`) differ from
    the data's only by leading zeros ('7' for '007', as a spreadsheet drops them), a
    sentence saying so with the first pairs; else ''."""
    bare = {name.lstrip("0") or "0": name for name in names if name[:1].isdigit()}
    pairs = [(s, bare[s.lstrip("0") or "0"]) for s in strange
             if s[:1].isdigit() and (s.lstrip("0") or "0") in bare]
    if not pairs:
        return ""
    shown = ", ".join(f"{s!r} for {n!r}" for s, n in pairs[:3])
    return (f" {len(pairs)} of them differ from the data's only by leading zeros ({shown}"
            f"{' ...' if len(pairs) > 3 else ''}): write the ids as the data do (a "
            "spreadsheet may have dropped or added the zeros).")


def _refuse_misnamed(frame: pd.DataFrame, unknown: list[str], data: SeriesData,
                     id_column: str | None) -> None:
    """Refuse the future covariates' columns `unknown` (no covariates of `data`) that are
    misnamed rather than unknown: the id column under another name than the data's (it
    holds the data's series names), or a covariate written in another case ('Price' for
    'price': names are matched exactly, as the data's own options are)."""
    if id_column is None and data.id_column is not None:
        series = set(data.names)
        ids = [c for c in unknown if is_text(frame[c]) and frame[c].notna().any()
               and set(frame[c].dropna().astype(str).str.strip()) <= series]
        if ids:
            raise ValidationError(
                f"The future covariates have no id column {data.id_column!r} (the data's); "
                f"their column {ids[0]!r} holds the data's series names. Rename it "
                f"{data.id_column!r} in the future covariates file (or pass "
                f"id_column={ids[0]!r} to read_future_covariates).")
    cased = {c: k for c in unknown for k in data.covariate_names
             if str(k).lower() == str(c).lower()}
    if cased:
        shown = ", ".join(f"{c!r} (the data's {k!r})" for c, k in cased.items())
        raise ValidationError(
            f"The future covariates' column(s) {shown} differ from the data's covariates "
            "only in case; names are matched exactly: rename them as the data name them.")


def _future_gap(name: str, dates: pd.Index, series: str | None, horizon: int
                ) -> ValidationError:
    shown = ", ".join(label(d) for d in dates[:5]) + (" ..." if len(dates) > 5 else "")
    return ValidationError(
        f"The future covariates lack {name!r}{f' of series {series!r}' if series else ''} "
        f"at {len(dates)} date(s): {shown}. Give its value for each of the {horizon} "
        "date(s) after each series' last date.")
