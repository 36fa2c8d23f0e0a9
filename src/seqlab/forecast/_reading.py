"""Parsing a table of series: dates, frequency, numbers, and the long (id, date, value) layout.

The pieces `seqlab.forecast.data.prepare` is made of. Everything works on whole columns at
once (numpy and pandas vectorised calls, dates parsed once per distinct value), so a file
of 10,000 series or a million rows reads in a second or two. Every problem is a
`ValidationError` that names the column, the cell and what was expected.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from seqlab._validation import FLOAT32_MAX
from seqlab.errors import ValidationError

DATE_PART_NAMES = {
    "year": ("year", "jahr", "année", "annee", "año", "anio", "anno", "jaar", "ano", "år"),
    "quarter": ("quarter", "quartal", "trimestre", "kwartaal"),
    "month": ("month", "monat", "mois", "mes", "mese", "maand", "mês", "måned", "månad"),
    "week": ("week", "woche", "semaine", "semana", "settimana", "uge", "vecka"),
    "day": ("day", "jour", "día", "dia", "giorno", "dag"),
}
"""Names of a column holding one part of a date, by the part, in English and in the
languages whose month names `_MONTH_WORDS` reads."""
PLAIN_DATE_NAMES = ("date", "ds", "time", "timestamp", "datetime", "period", "month", "week",
                    "day", "quarter", "year", "datum", "fecha", "time_period")
"""Names that make a column the date column whatever it holds ('TIME_PERIOD': SDMX's, in
the CSV files of Eurostat, the OECD, the ECB and the IMF)."""
DATE_NAMES = PLAIN_DATE_NAMES + ("zeit", "periode", "periodo", "zeitraum", "période") + tuple(
    name for names in DATE_PART_NAMES.values() for name in names)
"""Names of a date column. Those beyond `PLAIN_DATE_NAMES` (other languages' words, some
of them English abbreviations too: 'dia' for a diameter, 'ano' for an anomaly) make a
column the date column only where it holds dates (`holds_dates`)."""
ID_NAMES = ("unique_id", "id", "series", "series_id", "item_id", "sku", "ts_id", "key",
            "uid", "item", "series_name")
VALUE_NAMES = ("y", "value", "values", "target", "observation", "obs", "obs_value")

# float32 is what the models compute in: values beyond it overflow, values below its
# smallest normal number lose their precision and become flat forecasts.
FLOAT32_TINY = float(np.finfo(np.float32).tiny)
_RANGE = (f"numbers of magnitude between {FLOAT32_TINY:.2g} and {FLOAT32_MAX:.3g} (or 0), "
          "what float32 holds")


def label(value: object) -> str:
    """A date as 2020-03-01 (with its time when it has one); anything else as str."""
    if isinstance(value, pd.Timestamp):
        return str(value.date()) if value == value.normalize() else str(value)
    return str(value)


def label_among(value: object, dates: pd.Index) -> str:
    """`value`, one of `dates`, as `label` writes it, but with its time wherever any of
    `dates` has one: a midnight among hours is '2024-01-02 00:00:00', not '2024-01-02', a
    day of 24 rows."""
    if isinstance(dates, pd.DatetimeIndex) and bool((dates != dates.normalize()).any()):
        return str(value)
    return label(value)


def _listing(items: list[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


# -- dates -------------------------------------------------------------------------------

def _day_first(texts: pd.Series, name: str, freq: str | None = None,
               usual: bool = False) -> bool:
    """Whether numeric dates such as '13/01/2020' are written day first.

    Day first when some have a first number above 12 and none a second one; month first
    when some have a second number above 12 (both is an error naming one of each). Dates
    written with dots ('01.02.2021') are day first, as the countries that write them so
    read them. When every date is ambiguous ('01/02/2020', '01/03/2020' ...), the reading
    that puts the dates on a regular grid (of `freq` when given: new data for a fitted
    model; else `infer_freq`'s) where the other does not: five days of hours written
    '01/03/2021 00:00' ... are hourly day first, and the first days of Jan ... Dec in no
    order month first. Where both readings are regular, or neither,
    dates without a time whose first number stays the same while the second varies, over
    several years, are day first (read month first they would be the first days of
    January of each year), and those whose second number stays the same month first
    ('1/1/2018', '2/1/2018' ...). Otherwise `usual` (day first in a file separated by
    ';', as Excel writes CSV where dates are day first; else month first, pandas'
    default), with a warning where the two readings differ (a year of such dates may be
    either).
    """
    parts = texts.str.extract(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})(?:$|[ T])").dropna()
    if parts.empty:
        return False
    parts = parts.astype(int)
    over = parts[[0, 1]] > 12
    day_first, month_first = bool(over[0].any()), bool(over[1].any())
    if day_first and month_first:
        raise ValidationError(
            f"The date column {name!r} mixes day-first and month-first dates: "
            f"{texts[over[0].reindex(texts.index, fill_value=False)].iloc[0]!r} and "
            f"{texts[over[1].reindex(texts.index, fill_value=False)].iloc[0]!r}. Write "
            "them one way, best as YYYY-MM-DD.")
    if day_first or month_first:
        return day_first
    if texts[parts.index].str.match(r"^\d{1,2}\.\d{1,2}\.").all():
        return True  # 01.02.2021: dots are written day first (month first uses slashes)
    regular = [_regular(texts, first, freq) for first in (True, False)]
    if regular[0] != regular[1]:
        return regular[0]
    timed = texts.str.contains(r"\d[ T]\d", regex=True).any()
    if not timed and parts[2].nunique() > 1:
        if parts[0].nunique() == 1 and parts[1].nunique() > 1:
            return True
        if parts[1].nunique() == 1 and parts[0].nunique() > 1:
            return False  # 1/1/2018, 2/1/2018 ...: the first days of months, month first
    differ = (parts[0] != parts[1]).to_numpy()
    if differ.any():
        example = texts[parts.index[differ][0]]
        read, other = ("day", "month") if usual else ("month", "day")
        warnings.warn(f"The dates of column {name!r} read day first or month first alike "
                      f"(such as {example!r}); they are read {read} first. Write them as "
                      f"YYYY-MM-DD if they are {other} first.", UserWarning, stacklevel=2)
    return usual


SPARSEST = 4
"""The longest grid of dates or steps, in times the dates or steps it holds: a longer one
is mostly gaps (another frequency, or steps that are not one apart), and would take memory
in proportion."""


def _regular(texts: pd.Series, day_first: bool, freq: str | None = None) -> bool:
    """Whether `texts`, read day first or not, are dates on a regular grid, with some gaps
    (at most four times as long as the dates, as `infer_freq` allows): the grid of `freq`
    where given, else one `infer_freq` finds for three or more dates."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dates = pd.to_datetime(texts, errors="coerce", format="mixed", dayfirst=day_first,
                               utc=True)
    index = pd.DatetimeIndex(dates.dropna().unique()).sort_values().tz_localize(None)
    if freq is not None and len(index):
        try:
            grid = pd.date_range(index[0], index[-1], freq=freq)
        except ValueError:  # not a frequency: the grid check will say so
            return False
        return len(grid) <= SPARSEST * len(index) and bool(index.isin(grid).all())
    if len(index) < 3:
        return False
    try:
        infer_freq(index)
    except ValidationError:
        return False
    return True


_MONTH_YEAR = r"^([A-Za-z]{3,9})\.?(?:\s*[-/]\s*|\s*'|\s+)(\d{2})$"


def _month_year(texts: pd.Series) -> pd.Series:
    """Dates written as a month's name and a two-digit year ('Jan-18', 'Sept-18', "Jan
    '18", 'Jan 18': how spreadsheets show a column of months) as the first day of the
    month, NaT elsewhere. pandas reads 'Jan-18' as year 1, day 18, or not at all. ('Jan-01',
    'Jan-02', 'Jan-03' ..., one month's name throughout, may be its days: NaT; so may 'Jan
    01', 'Feb 01' ... with a space, unless the years change as months' would.)"""
    parts = texts.str.extract(_MONTH_YEAR)
    none = pd.Series(pd.NaT, index=texts.index, dtype="datetime64[ns, UTC]")
    if parts[0].dropna().str[:3].str.lower().nunique() == 1 and parts[1].nunique() > 2:
        return none
    # 'Jan 18' with a space may be the 18th of January: a month and a year only where a
    # year recurs with several months and the years change ('Jan 18' ... 'Dec 18', 'Jan
    # 19'); 'Jan 01', 'Feb 01' ... of one number, or 'Mar 25' ... 'Apr 08', are days.
    spaced = texts.str.contains(r"^[A-Za-z]{3,9}\.?\s+\d{2}$", regex=True)
    if spaced.any():
        found = parts[spaced].dropna()
        months_per_year = found.groupby(1)[0].nunique()
        if found[1].nunique() < 2 or months_per_year.max() < 2:
            parts[spaced] = np.nan
    names = parts[0].str.replace(r"^(?i:sept)$", "Sep", regex=True)
    joined = names.str.cat(parts[1], sep="-")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        short = pd.to_datetime(joined, format="%b-%y", errors="coerce", utc=True)
        long = pd.to_datetime(joined, format="%B-%y", errors="coerce", utc=True)
    return short.fillna(long)


_MONTH_WORDS = {
    "Jan": ("januar", "jänner", "jän", "janvier", "janv", "enero", "ene", "gennaio", "gen",
            "januari", "janeiro", "sty", "styczeń"),
    "Feb": ("februar", "février", "fevrier", "févr", "fevr", "fév", "febrero", "febbraio",
            "februari", "fevereiro", "fev", "lut", "luty"),
    "Mar": ("märz", "mär", "mrz", "mars", "marts", "marzo", "maart", "mrt", "março",
            "marzec"),
    "Apr": ("avril", "avr", "abril", "abr", "aprile", "kwi", "kwiecień"),
    "May": ("mai", "mayo", "maggio", "mag", "mei", "maio", "maj"),
    "Jun": ("juni", "juin", "junio", "giugno", "giu", "junho", "cze", "czerwiec"),
    "Jul": ("juli", "juillet", "juil", "julio", "luglio", "lug", "julho", "lip", "lipiec"),
    "Aug": ("août", "aout", "agosto", "ago", "augustus", "augusti", "sie", "sierpień"),
    "Sep": ("septembre", "septiembre", "setiembre", "settembre", "sett", "set", "setembro",
            "wrz", "wrzesień"),
    "Oct": ("oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro", "out", "paź",
            "październik"),
    "Nov": ("novembre", "noviembre", "novembro", "lis", "listopad"),
    "Dec": ("dezember", "dez", "décembre", "decembre", "déc", "diciembre", "dic", "dicembre",
            "dezembro", "desember", "des", "gru", "grudzień"),
}
"""Month names and abbreviations as spreadsheets in German, French, Spanish, Italian,
Dutch, Portuguese, Polish and the Scandinavian languages write them, by the English
abbreviation pandas reads (the names these languages share with English are left out)."""
MONTHS_IN_ENGLISH = {word: english for english, words in _MONTH_WORDS.items() for word in words}
"""Other languages' month words (lower case) by the English abbreviation pandas reads."""
_MONTH_WORD = re.compile(r"\b(" + "|".join(sorted(MONTHS_IN_ENGLISH, key=len, reverse=True))
                         + r")\b\.?", re.IGNORECASE)


_WEEKDAY = re.compile(
    r"^(?:(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|"
    r"mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|miercoles|jueves|"
    r"viernes|sábado|sabado|domingo|lunedì|lunedi|martedì|martedi|mercoledì|mercoledi|"
    r"giovedì|giovedi|venerdì|venerdi|sabato|domenica|maandag|dinsdag|woensdag|donderdag|"
    r"vrijdag|zaterdag|zondag|segunda(?:-feira)?|terça(?:-feira)?|quarta(?:-feira)?|"
    r"quinta(?:-feira)?|sexta(?:-feira)?)\.?,?|(?:mo|di|mi|do|fr|sa|so)\.?,)\s+(?=\d)",
    re.IGNORECASE)
"""A weekday's name before a date ('Montag, 1. März 2021', 'Mo, 01.03.2021', 'lundi 1
mars 2021'), as spreadsheets' long date formats write it in other languages."""


def _in_english(texts: pd.Series) -> pd.Series:
    """`texts` with other languages' month names (`_MONTH_WORDS`) written in English, and
    their weekdays' names (`_WEEKDAY`) dropped, where a text reads as a date: with a
    four-digit year ('März 2018', '1. März 2018', '15 janv. 2020') or as a month and a
    two-digit year ('Mrz 18', 'janv.-18'). Other texts are left as they are ('Set 1' stays
    a name)."""
    texts = texts.astype(str)
    translated = texts.str.replace(_WEEKDAY, "", regex=True).str.replace(
        _MONTH_WORD, lambda m: MONTHS_IN_ENGLISH[m.group(1).lower()], regex=True)
    # 'enero de 2018', '1 de marzo de 2021', '1er mars 2021': the words between go.
    translated = translated.where(translated.eq(texts), translated.str.replace(
        r"(?i)\b(?:de|del)\s+|(?<=\d)(?:er|º|°)(?=\s)", "", regex=True))
    datelike = texts.str.contains(r"\d{4}", regex=True) | \
        translated.str.strip().str.fullmatch(_MONTH_YEAR)
    return translated.where(datelike & translated.ne(texts), texts)


_OFFSET = r":\d\d(?:\.\d+)?\s*(?:Z|[+-]\d\d:?\d\d)$"
_UTC_OFFSET = r"(?:Z|[+-]00:?00)$"


def date_notes(column: pd.Series, name: str, index: pd.Index) -> list[str]:
    """What a user should know of how `parse_dates` read the column `name` as `index`:
    whole numbers read as spreadsheet serial days (`is_serial_day`) or Unix times
    (`unix_unit`), and dates with UTC
    offsets other than 0 read in UTC (steps shorter than a day), the forecasts' dates
    then in UTC too."""
    if not isinstance(index, pd.DatetimeIndex) or len(index) == 0:
        return []
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        whole = column.dropna().to_numpy()
        if is_serial_day(whole, name):
            kind = "whole numbers" if all_whole(whole) else "numbers"
            return [f"read the column {name!r} ({kind} {whole.min():.10g} to "
                    f"{whole.max():.10g}) as spreadsheet serial days: {label(index.min())} "
                    f"to {label(index.max())}"]
        unit = unix_unit(np.unique(whole).astype(np.int64), name) \
            if len(whole) and all_whole(whole) else None
        if unit is not None:
            return [f"read the column {name!r} (whole numbers {int(whole.min())} to "
                    f"{int(whole.max())}) as Unix times in {'milli' if unit == 'ms' else ''}"
                    f"seconds since 1970-01-01 UTC: {label(index.min())} to "
                    f"{label(index.max())}, the forecasts dated in UTC too"]
        return []
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        zoned = str(column.dtype.tz) not in ("UTC", "utc")
    elif is_text(column):
        texts = pd.Series(column.dropna().unique(), dtype=object).astype(str).str.strip()
        zoned = bool((texts.str.contains(_OFFSET, regex=True)
                      & ~texts.str.contains(_UTC_OFFSET, regex=True)).any())
    else:
        zoned = False
    if zoned and _intraday(index.dropna()):
        return [f"the dates of {name!r} carry UTC offsets: read in UTC, so that the steps "
                "stay regular across daylight-saving changes; the forecasts are dated in "
                "UTC too"]
    return []


_PERIOD_FORMS = (
    (r"^(?P<y>\d{4})\s*[-:/ ]?\s*[Qq](?P<q>[1-4])$", "quarter"),     # 2015 Q1, 2015:Q1
    (r"^[Qq](?P<q>[1-4])\s*[-/ ]?\s*(?P<y>\d{4})$", "quarter"),      # Q1 2015
    (r"^[Qq](?P<q>[1-4])\s*[-/ ']\s*(?P<yy>\d{2})$", "quarter"),     # Q1-15
    (r"^(?P<y>\d{4})\s*[Mm](?P<m>0?[1-9]|1[0-2])$", "month"),  # 2015M01 (Eurostat), 2015m1 (Stata)
    (r"^(?P<m>0?[1-9]|1[0-2])\.(?P<y>\d{4})$", "month"),             # 01.2018 (German)
    (r"^(?P<m>0[1-9]|1[0-2])\.(?P<yy>\d{2})$", "month"),             # 01.18
    (r"^(?P<y>\d{4})-?[Ww](?P<w>0[1-9]|[1-4]\d|5[0-3])$", "week"),   # 2020-W01 (ISO 8601)
    (r"^(?P<y>\d{4})\s*[-:/ ]?\s*[Tt](?P<q>[1-4])$", "quarter"),      # 2015T1 (INE, INSEE)
    (r"^[Tt](?P<q>[1-4])\s*[-/ ]?\s*(?P<y>\d{4})$", "quarter"),       # T1-2015
    (r"^(?P<q>[1-4])\s*[QqTt]\s*(?P<y>\d{4})$", "quarter"),          # 1T2015
    (r"^(?P<q>[1-4])(?:er|e|ème|º|°|o)?\.?\s*(?:Quartal|Qu\.?|[Tt]rimestre|[Kk]wartaal)"
     r"\s*(?:del?\s+)?(?P<y>\d{4})$", "quarter"),            # 1. Quartal 2015, 1er trimestre
    (r"^(?P<y>\d{4})\s+(?P<q>[1-4])(?:e|er|º|°)?\.?\s*(?:[Kk]wartaal|Quartal|[Tt]rimestre)$",
     "quarter"),                                                      # 2015 1e kwartaal (CBS)
    (r"^(?:KW|Kw|kw)\s*(?P<w>0?[1-9]|[1-4]\d|5[0-3])\s*[-/ ]?\s*(?P<y>\d{4})$",
     "week"),                                                         # KW01 2018, KW 1/2018
    (r"^(?P<y>\d{4})\s*[-/ ]?\s*(?:KW|Kw|kw)\s*(?P<w>0?[1-9]|[1-4]\d|5[0-3])$",
     "week"),                                                         # 2018-KW01
    (r"^(?P<y>\d{4})\s*\[YR(?P=y)\]$", "year"),                          # 2015 [YR2015]
)


def _periods(texts: pd.Series) -> pd.Series:
    """Quarters, months and ISO weeks as statistics offices write them ('2015 Q1',
    'Q1 2015', 'Q1-15', '2015M01', '2020-W01'), and years as the World Bank's DataBank
    heads its columns ('2015 [YR2015]'), as the first day of the period (an ISO week's
    Monday), NaT elsewhere; pandas reads none of them."""
    out = pd.Series(pd.NaT, index=texts.index, dtype="datetime64[ns, UTC]")
    for pattern, kind in _PERIOD_FORMS:
        parts = texts.str.extract(pattern).dropna(how="all")
        parts = parts[out.loc[parts.index].isna()] if len(parts) else parts
        if parts.empty:
            continue
        years = (parts["y"] if "y" in parts else "20" + parts["yy"]).astype(int)
        if kind == "week":
            text = years.astype(str) + "-W" + parts["w"].str.zfill(2) + "-1"
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                mondays = pd.to_datetime(text, format="%G-W%V-%u", errors="coerce", utc=True)
            # Week 53 of a year of 52 weeks would be week 1 of the next: not a date.
            real = mondays.dt.isocalendar().week.astype("float").to_numpy() == \
                parts["w"].astype(int).to_numpy()
            out[parts.index] = mondays.where(real)
            continue
        months = (parts["q"].astype(int) - 1) * 3 + 1 if kind == "quarter" else \
            parts["m"].astype(int) if kind == "month" else 1
        out[parts.index] = pd.to_datetime(pd.DataFrame({"year": years, "month": months,
                                                        "day": 1}), utc=True)
    return out


def _spelled_dates(texts: pd.Series) -> pd.Series:
    """The dates pandas does not read: `_month_year` and `_periods`; NaT elsewhere."""
    return _month_year(texts).fillna(_periods(texts))


def names_dates(texts: pd.Series) -> pd.Series:
    """Which of `texts` (column names) are dates: ISO 8601 ('1990', '2018-01') or spelled
    as `_spelled_dates` reads them ('2018M01', 'Jan-18'); never a plain number below 1000
    ('1', '12': series numbered)."""
    texts = texts.astype(str).str.strip()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        iso = pd.to_datetime(texts, format="ISO8601", errors="coerce", utc=True)
    return iso.notna() | _spelled_dates(_in_english(texts)).notna()


def _last_century(texts: pd.Series, parsed: pd.Series) -> pd.Series:
    """`parsed` with dates written with a two-digit year ('01/01/60', 'Jan-60') moved a
    century back where one of them fell more than `_FUTURE_YEARS` years after today: then
    every one after today is of the last century. pandas puts 00-68 in the 2000s, so a
    series from 1960 read as 2060 to 2068, then 1969 (and 'not sorted'). Data to forecast
    lie in the past (a future covariate's dates, in the next few years: 'Jan-30' stays
    2030)."""
    two_digit = ~texts.str.contains(r"\d{4}", regex=True).to_numpy()
    if not two_digit.any():
        return parsed
    now = pd.Timestamp.now(tz="UTC")
    if not (two_digit & (parsed > now + pd.DateOffset(years=_FUTURE_YEARS)).to_numpy()).any():
        return parsed
    # Decided for the column: with one such date, every two-digit date after today is of
    # the last century (1940 ... 1979 read as 2040 ... 2046, then 1947: unsorted).
    late = two_digit & (parsed > now).to_numpy()
    parsed = parsed.copy()
    parsed[late] = parsed[late] - pd.DateOffset(years=100)
    return parsed


_FUTURE_YEARS = 20


def _text_dates(texts: pd.Series, name: str = "date", freq: str | None = None,
                usual_day_first: bool = False) -> pd.DatetimeIndex:
    """Parse distinct date strings. Offsets such as +01:00/+02:00 (daylight saving) are
    resolved as the docstring of `parse_dates` says; numeric dates are all read day first
    or all month first (`_day_first`); other languages' month names are read
    (`_in_english`)."""
    texts = _in_english(texts.astype(str).str.strip())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(texts, errors="coerce", format="ISO8601", utc=True)
    retry = parsed.isna()
    if retry.any():
        parsed[retry] = _spelled_dates(texts[retry])
        retry = parsed.isna()
    if retry.any():  # '01/02/2020', 'Jan 2020', '1959Q1' ...
        day_first = _day_first(texts[retry], name, freq, usual_day_first)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed[retry] = pd.to_datetime(texts[retry], errors="coerce", format="mixed",
                                           dayfirst=day_first, utc=True)
    parsed = _last_century(texts, parsed)
    has_offset = texts.str.contains(_OFFSET, regex=True)
    utc = pd.DatetimeIndex(parsed).tz_localize(None)
    if not has_offset.any():
        return utc
    # The wall-clock time written in the file, the offset dropped.
    wall_texts = texts.str.replace(r"\s*(?:Z|[+-]\d\d:?\d\d)$", "", regex=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wall = pd.DatetimeIndex(pd.to_datetime(wall_texts, errors="coerce", format="mixed"))
    return utc if _intraday(utc.dropna()) else wall


def parse_dates(column: pd.Series, name: str, freq: str | None = None,
                rows: np.ndarray | None = None, *, usual_day_first: bool = False) -> pd.Index:
    """The dates of `column` as a DatetimeIndex (time-zone free).

    A column of years (integers 1000-2999) gives yearly dates, one of YYYYMM or YYYYMMDD
    integers (201801, 20180131) monthly or daily ones (`_integer_dates`); any other
    integer column (0, 1, 2 ...) gives plain step numbers (an integer Index). Dates with
    UTC offsets (``2021-03-28T00:00+01:00``, then ``+02:00`` after the change to summer
    time) are read as the wall-clock time written in the file when the data are daily or
    coarser (a series stamped at local midnight stays on its days), and converted to UTC
    when the steps are shorter than a day (hourly data then keep a regular grid across the
    changes, where wall-clock time would repeat or skip an hour). Dates that read day
    first or month first alike are read on the grid of `freq` where given (`_day_first`).
    `rows`: each cell's row in the file (its position by default), for the messages.
    `usual_day_first`: how dates that read both ways, and that nothing else decides, are
    read (day first in a file separated by ';': `_day_first`).
    Each distinct value is parsed once, so long files with repeated dates read fast.
    """
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        return _zoned(pd.DatetimeIndex(column))
    if pd.api.types.is_datetime64_any_dtype(column):
        return pd.DatetimeIndex(column)
    if pd.api.types.is_float_dtype(column):  # years, steps ... read as floats: 1959.0
        missing = column.isna().to_numpy()
        fractions = column[~missing & (~np.isfinite(column) | (column != column.round()))
                           .to_numpy()]  # 1959.5, inf
        if len(fractions) and not missing.any():
            times = _serial_times(column.to_numpy(), name)
            if times is not None:
                return times
        if missing.any() or len(fractions):
            _not_dates(name, list(dict.fromkeys(fractions)), missing, rows)
        column = column.astype(np.int64)
    if pd.api.types.is_integer_dtype(column):
        codes, uniques = pd.factorize(column)
        dates = _integer_dates(np.asarray(uniques, dtype=np.int64), name)
        if dates is None:
            return pd.Index(column.to_numpy(dtype=np.int64), name=None)
        return pd.DatetimeIndex(dates.to_numpy()[codes])
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    parsed = _text_dates(pd.Series(np.asarray(uniques, dtype=object)), name, freq,
                         usual_day_first)
    bad_uniques = [u for u, p in zip(uniques, parsed, strict=True) if pd.isna(p)]
    missing = codes < 0
    if bad_uniques or missing.any():
        _not_dates(name, bad_uniques, missing, rows)
    return pd.DatetimeIndex(parsed.to_numpy()[codes])


_DATE_ENDINGS = ("datum", "monat")
"""Endings of German compound names of a date column: Buchungsdatum, Berichtsmonat."""


def named_like_a_date(name: object, names: tuple[str, ...] = DATE_NAMES) -> bool:
    """Whether a column's `name` is one of `names` (`DATE_NAMES`), or a German compound
    ending in one of `_DATE_ENDINGS`."""
    written = str(name).strip().lower()
    return written in names or written.endswith(_DATE_ENDINGS)


_SERIAL_NAMES = tuple(name for name in DATE_NAMES if name not in (
    "time", "zeit", *DATE_PART_NAMES["year"], *DATE_PART_NAMES["quarter"]))
"""Names under which whole numbers may be spreadsheet serial days: not 'time', which as
often counts steps or seconds (21600 is 6 a.m.)."""
_SERIAL_RANGE = (20_000, 80_000)  # 1954-10-03 to 2119-01-11
_SERIAL_ORIGIN = pd.Timestamp("1899-12-30")


def is_serial_day(values: np.ndarray, name: str) -> bool:
    """Whether the integers `values` of the column `name` are spreadsheet serial days
    (days since 1899-12-30, what a date cell holds in Excel and LibreOffice, 43101 being
    2018-01-01): the column is named as a date (`_SERIAL_NAMES`) and every value lies in
    `_SERIAL_RANGE`. Saved without their date format, a column of dates becomes these."""
    return named_like_a_date(name, _SERIAL_NAMES) and len(values) > 0 and bool(
        ((values >= _SERIAL_RANGE[0]) & (values <= _SERIAL_RANGE[1])).all())


def _serial_times(values: np.ndarray, name: str) -> pd.DatetimeIndex | None:
    """Spreadsheet serial days with a fraction for the time of day (44197.041667 is
    2021-01-01 01:00, what a date-and-time cell saved without its format holds), read to
    the minute, where they are serial days (`is_serial_day`) and each lies within a second
    of a whole minute; None otherwise (measurements, which were and are refused)."""
    if not np.isfinite(values).all() or not is_serial_day(values, name):
        return None
    minutes = values * 1440
    whole = np.round(minutes)
    if (np.abs(minutes - whole) > 1 / 60).any():
        return None
    return pd.DatetimeIndex(_SERIAL_ORIGIN + pd.to_timedelta(whole, unit="min"))


_UNIX_SECONDS = (315_532_800, 4_102_444_800)  # 1980-01-01 to 2100-01-01
_UNIX_UNITS = {"s": (1, 60), "ms": (1000, 60_000)}
"""Unix times in seconds or milliseconds: their scale against `_UNIX_SECONDS`, and the
steps (a whole minute) every difference between them is a multiple of."""


def unix_unit(values: np.ndarray, name: str) -> str | None:
    """'s' or 'ms' where the integers `values` of the column `name` are Unix times (seconds
    or milliseconds since 1970-01-01 UTC, what logs, sensors and databases write): the
    column is named as a date (`DATE_NAMES`), every value lies in 1980-2100 and they are
    whole minutes apart (1577836800 and 1577923200: 2020-01-01 and a day later). None
    otherwise: step numbers, IDs."""
    if len(values) < 2 or not named_like_a_date(name):
        return None
    steps = np.diff(np.unique(values))
    for unit, (scale, minute) in _UNIX_UNITS.items():
        low, high = (bound * scale for bound in _UNIX_SECONDS)
        if ((values >= low) & (values <= high)).all() and (steps % minute == 0).all():
            return unit
    return None


def _integer_dates(values: np.ndarray, name: str = "") -> pd.DatetimeIndex | None:
    """Distinct integers read as dates, or None when they are step numbers.

    Years when every value is 1000-2999 (1959 is 1959-01-01); YYYYMM when every value has
    6 digits, a year 1000-2999 and a month 01-12 (201803 is 2018-03-01); YYYYMMDD when
    every value has 8 digits and is a calendar date (20180331); spreadsheet serial days and
    Unix times in a column named as a date (`is_serial_day`, `unix_unit`). Statistical offices export months and days
    so; read as step numbers, 201812 was followed by 'missing' 201813.
    """
    if is_serial_day(values, name):
        return pd.DatetimeIndex(_SERIAL_ORIGIN + pd.to_timedelta(values, unit="D"))
    unit = unix_unit(values, name)
    if unit is not None:
        return pd.DatetimeIndex(pd.to_datetime(values, unit=unit))
    if ((values >= 1000) & (values <= 2999)).all():
        form = "%Y"
    elif ((values >= 100_000) & (values <= 299_999)).all() and (
            (values % 100 >= 1) & (values % 100 <= 12)).all():
        form = "%Y%m"
    elif ((values >= 10_000_000) & (values <= 99_999_999)).all():
        form = "%Y%m%d"
    else:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(pd.Series(values.astype(str)), format=form, errors="coerce")
    return None if parsed.isna().any() else pd.DatetimeIndex(parsed)


def _not_dates(name: str, bad: list, missing: np.ndarray, rows: np.ndarray | None) -> None:
    """Raise the error naming the first `bad` values and the `missing` cells (a mask over
    the rows) of the date column `name`, with the row of the first empty one (its
    position, or its entry of `rows`)."""
    shown = ", ".join(repr(v) for v in bad[:5])
    count = int(missing.sum())
    first = int(np.argmax(missing))
    row = int(rows[first]) if rows is not None else first
    empty = (f"{count} empty cell(s), the first in row {row + 1} of the "
             "data (the first below the header being 1)") if count else ""
    raise ValidationError(
        f"The date column {name!r} has values that are not dates: "
        f"{shown}{' and ' if shown and count else ''}{empty}. Fix them, or name the right "
        "column with `date_column` (--date-column).")


def _zoned(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """A time-zone-aware index made naive by the rule of `parse_dates`."""
    utc = index.tz_convert("UTC").tz_localize(None)
    return utc if _intraday(utc) else index.tz_localize(None)


def _intraday(utc: pd.DatetimeIndex) -> bool:
    """Whether the typical step between the instants is well under a day (a day across a
    daylight-saving change lasts 23 or 25 hours: still a day)."""
    steps = np.diff(np.unique(utc.asi8))
    unit = pd.Timedelta(1, unit=utc.unit)
    return len(steps) > 0 and np.median(steps) < pd.Timedelta(hours=20) // unit


def detect_date_column(frame: pd.DataFrame, exclude: tuple[str, ...] = (),
                       steps: bool = True) -> str | None:
    """The column named like a date (``date``, ``ds`` ...; of several, the first written as
    dates, so that 'month, date' takes the dates, not the month numbers), else the first
    column whose values are datetimes or mostly parse as dates, else a first column of whole
    numbers rising by one, of years rising evenly or of rising YYYYMM or YYYYMMDD dates
    (`_is_time_axis`) beside others, unless `steps` is False; None when there is none."""
    columns = [c for c in frame.columns if c not in exclude]
    named = [c for c in columns if named_like_a_date(c) and (
        str(c).strip().lower() in PLAIN_DATE_NAMES or holds_dates(frame[c], c))]
    if named:
        return next((c for c in named if written_as_dates(frame[c])), named[0]) \
            if len(named) > 1 else named[0]
    written = next((c for c in columns if written_as_dates(frame[c])), None)
    if written is not None:
        return written
    return step_column(frame, exclude) if steps else None


def step_column(frame: pd.DataFrame, exclude: tuple[str, ...] = ()) -> str | None:
    """The first column but those of `exclude`, where it counts the time (`_is_time_axis`:
    't' holding 1, 2, 3 ..., 1990, 1991 ... or 201811, 201812, 201901 ...) beside others;
    None otherwise."""
    columns = [c for c in frame.columns if c not in exclude]
    if len(columns) >= 2 and _is_time_axis(frame[columns[0]], columns[0]):
        return columns[0]
    return None


def series_step_column(frame: pd.DataFrame, id_column: str, exclude: tuple[str, ...] = ()
                       ) -> str | None:
    """The first column but `id_column` and those of `exclude`, where it counts the time
    within each series of a long file: whole numbers rising by one in each series' rows
    ('a,1 a,2 a,3 b,1 b,2 ...'), rising YYYYMM or YYYYMMDD dates (`_integer_dates`:
    'a,201812 a,201901 ...'), or, named as steps (`STEP_NAMES`: t, step ...), rising;
    beside another column. None otherwise (a column rising over the whole file is
    `step_column`'s)."""
    columns = [c for c in frame.columns if c != id_column and c not in exclude]
    if len(columns) < 2 or len(frame) < 2:
        return None
    column = frame[columns[0]]
    if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return None
    values = column.to_numpy(dtype=float)
    if not all_whole(values):
        return None
    ids = frame[id_column]
    steps = pd.Series(values).groupby(ids.to_numpy(), sort=False).diff().dropna().to_numpy()
    named = str(columns[0]).strip().lower() in STEP_NAMES
    if not len(steps) or not (steps > 0).all():
        return None
    # Months and days as whole numbers (201801, 20180131) rise by more than one at a year's
    # or a month's end: dates all the same, as a statistical office writes them.
    if not named and not (steps == 1).all() and not (
            values.min() >= 100_000
            and _integer_dates(np.unique(values).astype(np.int64)) is not None):
        return None
    return columns[0] if named or ids.value_counts().min() >= 3 else None


STEP_NAMES = ("t", "step", "steps", "timestep", "time_step", "time_idx", "time_index", "tick")
"""Names that make a first column of rising whole numbers the time axis, even where they
skip some (missing steps, then named as such) or count by more than one (refused)."""


_SHORT_PARTS = frozenset({*DATE_PART_NAMES["month"], *DATE_PART_NAMES["week"],
                          *DATE_PART_NAMES["day"]})
"""Names of parts of a date shorter than a year, whose whole numbers are never dates."""


def holds_dates(column: pd.Series, name: object) -> bool:
    """Whether `column` holds dates: text that `written_as_dates`, or, unless `name` is a
    month's, a week's or a day's, whole numbers that `_integer_dates` reads as dates (years,
    YYYYMM, YYYYMMDD, serial days under `name`)."""
    if written_as_dates(column):
        return True
    if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column) or \
            str(name).strip().lower() in _SHORT_PARTS:  # 'dia' of 1200: a diameter, no years
        return False
    values = column.dropna().to_numpy(dtype=float)
    if len(values) == 0 or not all_whole(values):
        return False
    return _integer_dates(np.unique(values).astype(np.int64), str(name)) is not None


def written_as_dates(column: pd.Series) -> bool:
    """Whether `column` holds datetimes, or text of which most (over 90% of the first 200
    distinct values) parse as dates."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return True
    if not is_text(column):
        return False
    sample = pd.Series(column.dropna().unique()[:200], dtype=object).astype(str)
    if len(sample) == 0:
        return False
    sample = _in_english(sample.str.strip())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(sample, errors="coerce", format="mixed", utc=True)
    return bool(parsed.fillna(_spelled_dates(sample)).notna().mean() > 0.9)


def _is_time_axis(column: pd.Series, name: object = "") -> bool:
    """Whether a column holds whole numbers rising by one (years, time steps), years
    rising evenly (1960, 1965 ...), or rising YYYYMM or YYYYMMDD dates (`_integer_dates`):
    the time axis of a file, where no column is named or written like dates. Named as steps
    (`STEP_NAMES`: t, step ...), any rising whole numbers are. (Otherwise 10, 20, 30 ... is
    a series: as steps the grid would miss 11 to 19.) Unnamed, whole numbers rising by one
    count the time from 3 rows on; named, from one row."""
    if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return False
    values = column.to_numpy(dtype=float)
    if not len(values) or not all_whole(values):
        return False
    steps = np.diff(values)
    if str(name).strip().lower() in STEP_NAMES and (steps > 0).all():
        return True  # even in one or two rows: the latest steps, sent to a saved model
    if len(values) < 3:
        return False
    if (steps == 1).all():
        return True
    if not (steps > 0).all() or _integer_dates(values.astype(np.int64)) is None:
        return False
    return bool(values.min() >= 100_000 or (steps == steps[0]).all())  # years: evenly


_SHORTEST_STEP = {"YS": pd.Timedelta(days=365), "YE": pd.Timedelta(days=365),
                  "QS": pd.Timedelta(days=89), "QE": pd.Timedelta(days=89),
                  "MS": pd.Timedelta(days=28), "ME": pd.Timedelta(days=28),
                  "W": pd.Timedelta(days=7), "B": pd.Timedelta(days=7) / 5,
                  "D": pd.Timedelta(days=1), "h": pd.Timedelta(hours=1),
                  "min": pd.Timedelta(minutes=1), "s": pd.Timedelta(seconds=1)}
"""The shortest step of each of `_candidate_freqs` (a business day's on average: five a
week), which bounds the length of its grid over a span."""


def _candidate_freqs(first: pd.Timestamp) -> list[str]:
    month = first.strftime("%b").upper()
    q_anchor = pd.Timestamp(2000, (first.month - 1) % 3 + 1, 1).strftime("%b").upper()
    q_end = pd.Timestamp(2000, (first.month - 1) % 3 + 10, 1).strftime("%b").upper() \
        if (first.month - 1) % 3 + 10 <= 12 else "DEC"
    day = first.strftime("%a").upper()
    weekdays = ["B"] if first.dayofweek < 5 else []  # trading days: weekends never held
    return [f"YS-{month}", f"YE-{month}", f"QS-{q_anchor}", f"QE-{q_end}", "MS", "ME",
            f"W-{day}", *weekdays, "D", "h", "min", "s"]


_FREQ_WORDS = {"YearBegin": ("yearly", "years"), "YearEnd": ("yearly", "years"),
               "QuarterBegin": ("quarterly", "quarters"), "QuarterEnd": ("quarterly", "quarters"),
               "MonthBegin": ("monthly", "months"), "MonthEnd": ("monthly", "months"),
               "Week": ("weekly", "weeks"), "Day": ("daily", "days"),
               "BusinessDay": ("business-daily", "business days"),
               "Hour": ("hourly", "hours"), "Minute": ("every minute", "minutes"),
               "Second": ("every second", "seconds")}
"""Offset types by their step in words: once ('quarterly') and several times ('every 2
quarters')."""


def freq_words(freq: str | None) -> str | None:
    """The pandas frequency `freq` in words for people: 'QS-OCT' 'quarterly' (quarters from
    January, April, July and October: those of the calendar), '2MS' 'every 2 months', 'W-SUN'
    'weekly'; None for None (numbered steps) or a frequency without words here."""
    if freq is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            offset = pd.tseries.frequencies.to_offset(freq)
    except (TypeError, ValueError):
        return None
    words = _FREQ_WORDS.get(type(offset).__name__)
    if words is None:
        return None
    n = getattr(offset, "n", 1)
    return words[0] if n == 1 else f"every {n} {words[1]}"


def describe_freq(freq: str | None) -> str:
    """`freq` as messages show it: its words and its pandas name ('quarterly (QS-OCT)', the
    name being what `freq`, --freq, takes); the name quoted alone where it has no words."""
    words = freq_words(freq)
    return f"{words} ({freq})" if words is not None else repr(freq)


def infer_freq(index: pd.DatetimeIndex) -> str:
    """The frequency of sorted, distinct dates; gaps allowed (the coarsest regular grid that
    holds every date and is at most four times as long)."""
    if len(index) == 1:  # every grid holds one date: the first candidate would be chosen
        raise ValidationError(
            f"The data have one date ({label(index[0])}), which shows no frequency; pass "
            "`freq` (--freq), e.g. 'MS', 'QS', 'D', to say when the next values fall.")
    regular = strict_freq(index)
    if regular is not None:
        return regular
    for freq in _candidate_freqs(index[0]):
        if freq == "D" and (common := _common_step(index)) is not None:
            return common
        if _too_long(index[0], index[-1], freq, len(index)):
            continue
        try:
            grid = pd.date_range(index[0], index[-1], freq=freq)
        except ValueError:
            continue
        if len(grid) <= SPARSEST * len(index) and index.isin(grid).all():
            return freq
    raise ValidationError(
        f"Could not infer the frequency of the dates ({label(index[0])} ... "
        f"{label(index[-1])}, {len(index)} dates): they fit no regular yearly, quarterly, "
        "monthly, weekly, daily or hourly grid." + _strays(index)
        + " Pass `freq` (--freq), e.g. 'MS', 'QS', 'D'.")


def _common_step(index: pd.DatetimeIndex) -> str | None:
    """The most common gap between the sorted, distinct dates `index` as a frequency
    ('15min', '6h', '2D'), where it is shorter than a week and every date falls on its grid
    from the first (at most `SPARSEST` times as long as the dates), else None. Steps of
    several units with a gap fit the grids of one unit ('D', 'h') with most of their places
    empty (two days apart: every other day missing, or interpolated with `fill`), or not
    at all, too long ('min' under 15-minute readings): the coarser grid of their own step
    is tried before those."""
    stamps = index.asi8
    gaps, counts = np.unique(np.diff(stamps), return_counts=True)
    step = int(gaps[np.argmax(counts)])
    if step <= 0 or step >= pd.Timedelta(days=7).value:
        return None
    offsets = stamps - stamps[0]
    if (offsets % step).any() or offsets[-1] // step + 1 > SPARSEST * len(index):
        return None
    return pd.tseries.frequencies.to_offset(pd.Timedelta(step)).freqstr


def strict_freq(index: pd.DatetimeIndex) -> str | None:
    """The frequency of three or more sorted dates spaced without a gap (pandas'
    `infer_freq`), as a string; None where they are fewer or not evenly spaced."""
    if len(index) < 3:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas 3 announces an offset return type
        freq = pd.infer_freq(index)
    return freq if freq is None or isinstance(freq, str) else freq.freqstr


def _too_long(first: pd.Timestamp, last: pd.Timestamp, freq: str, dates: int) -> bool:
    """Whether the grid of `freq` from `first` to `last` would be longer than `SPARSEST`
    times the `dates` it is to hold, known from its shortest step before it is built
    (seconds over decades would take gigabytes)."""
    return (last - first) / _SHORTEST_STEP[freq.split("-")[0]] + 1 > SPARSEST * dates


def _strays(index: pd.DatetimeIndex) -> str:
    """Where all but a few of the dates `index` fit one regular grid (through the first date
    followed by the most common gap): that grid and the dates off it, else ''."""
    if len(index) < 10:
        return ""
    gaps = np.diff(index.asi8)
    anchor = index[int(np.argmax(gaps == pd.Series(gaps).mode().iloc[0]))]
    best, off = None, None
    for freq in _candidate_freqs(anchor):
        if _too_long(anchor, index[-1], freq, len(index)):
            continue
        try:
            grid = pd.date_range(anchor, index[-1], freq=freq).union(
                pd.date_range(end=anchor, periods=max(1, len(index)), freq=freq))
        except ValueError:
            continue
        if len(grid) > SPARSEST * len(index) + 1:
            continue
        outside = index[~index.isin(grid)]
        if 0 < len(outside) <= max(3, len(index) // 20) and (off is None
                                                             or len(outside) < len(off)):
            best, off = freq, outside
    if best is None:
        return ""
    shown = ", ".join(label(d) for d in off[:5])
    return (f" All but {len(off)} fit {describe_freq(best)}: {shown}{' ...' if len(off) > 5 else ''} "
            "(a date mistyped, or a row of another series?).")


# -- numbers -----------------------------------------------------------------------------

def is_text(column: pd.Series) -> bool:
    """Whether the column holds strings (object or string dtype)."""
    return pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)


@dataclass
class Columns:
    """The columns of a table sorted by what they hold, and the numeric columns' cells
    that said a value is not available (`NOT_AVAILABLE`), read as missing: by column, the
    markers and how many."""

    numeric: list[str]
    text: list[str]
    not_available: dict[str, tuple[list[str], int]] = field(default_factory=dict)
    placeholders: list[str] = field(default_factory=list)

    def notes(self) -> list[str]:
        """A note per numeric column whose markers were read as missing values, and per
        column of `text` that holds markers more than numbers (left out)."""
        return [f"read {count} cell(s) of {column!r} holding "
                f"{' or '.join(repr(m) for m in markers)} as missing values"
                for column, (markers, count) in self.not_available.items()] + [
            f"column {column!r} holds more cells that say a value is not available ('.', "
            "'..', ':') than numbers: not a series, left out" for column in self.placeholders]


_DRESSING = r"[,'’\s%$€£¥]"
"""What people write around numbers: thousands separators (commas, spaces, Swiss
apostrophes), %, currency signs."""
_BRACKETED = r"^\s*\(\s*([^()]*\d[^()]*?)\s*\)\s*$"
"""A negative number as accountants write it: (1,121.50)."""
NOT_AVAILABLE = frozenset({".", "..", "...", ":"})
"""Cells that say a value is not available, read as missing values in a column of numbers:
FRED's '.', the OECD's and the World Bank's '..', Eurostat's ':'."""
_MARKERS = frozenset({"-", "--", "?", "—", "–", "#DIV/0!", "#VALUE!", "#REF!", "#NUM!",
                      "#NAME?", "#NULL!"})
"""What files hold for a missing number besides an empty cell (pandas reads NA, n/a, NULL,
#N/A ... as missing itself) and `NOT_AVAILABLE`: a spreadsheet's errors, and '-', which a
spreadsheet's accounting format also shows for 0. Named in the error they raise."""


def classify(frame: pd.DataFrame, columns: list[str], where: Callable[[int], str],
             protect: tuple[str, ...] = ()) -> Columns:
    """Split `columns` of `frame` into numeric ones (text ones converted in place to float)
    and text ones.

    A text column that is at least half numbers is a numeric column with bad cells: an
    error that names the column and the first bad cells (``where(row)`` says where a row
    is). Columns in ``protect`` (covariates, a long file's value column) must be numeric.
    """
    numeric, text, placeholders = [], [], []
    not_available: dict[str, tuple[list[str], int]] = {}
    dtypes = frame.dtypes
    for column in columns:
        dtype = dtypes[column]
        if pd.api.types.is_bool_dtype(dtype):
            if column in protect:  # a true/false covariate (a holiday, a promotion) is 1/0
                frame[column] = frame[column].astype(float)
                numeric.append(column)
            else:
                text.append(column)
            continue
        if pd.api.types.is_numeric_dtype(dtype):
            numeric.append(column)  # the usual case, decided from the dtype alone
            continue
        series = frame[column]
        if not is_text(series):
            text.append(column)
            continue
        stated = series.astype(str).str.strip()
        unavailable = (series.notna() & stated.isin(NOT_AVAILABLE)).to_numpy()
        if unavailable.any():
            series = series.mask(unavailable)
        converted = pd.to_numeric(series, errors="coerce")
        present = series.notna().to_numpy()
        numbers = converted.notna().to_numpy()
        bad = present & ~numbers
        if not bad.any():
            # Mostly markers (a placeholder column, '.' but for a few numbers): no series.
            # (Not in a few rows: the latest values, one not yet available.)
            if column not in protect and unavailable.sum() >= max(numbers.sum(), 5):
                text.append(column)
                if numbers.any():
                    placeholders.append(column)
                continue
            frame[column] = converted.astype(float)
            numeric.append(column)
            if unavailable.any():
                not_available[column] = (sorted(set(stated[unavailable])),
                                         int(unavailable.sum()))
            continue
        # Numbers written for people ('1,234', '5%', '$5.00') are meant as numbers: such a
        # column is a series with bad cells, not text to leave out.
        # So are negatives in brackets, and a column of numbers and missing-value markers
        # ('..', ':', '-') is a series with missing values, however many.
        texts = series.astype(str)
        bracketed = texts.str.fullmatch(_BRACKETED).to_numpy() & bad
        dressed = pd.to_numeric(texts.str.replace(_BRACKETED, r"-\1", regex=True)
                                .str.replace(_DRESSING, "", regex=True),
                                errors="coerce").notna().to_numpy() & bad
        stripped = texts.str.strip()
        marked = stripped.isin(_MARKERS).to_numpy() & bad
        meant = numbers | dressed
        if column in protect or (meant.any() and 2 * meant.sum() >= (present & ~marked).sum()):
            rows = np.flatnonzero(bad)
            cells = ", ".join(f"{series.iloc[i]!r} at {where(i)}" for i in rows[:3])
            held = "holds numbers and" if numbers.any() else "must hold numbers; it has"
            advice = [text for text, given in (
                ("write numbers plainly, without thousands separators, % or currency signs "
                 "(1234.5, not '1,234.5')", (dressed & ~bracketed).any()),
                ("write negatives with a minus sign (-1121.5, not '(1121.5)')",
                 bracketed.any()),
                ("write 0 where '-' is a spreadsheet's accounting zero",
                 stripped.eq("-").to_numpy().any()),
                ("write minus signs as '-' (-5, not '\u22125' with the typesetting minus "
                 "U+2212)", texts[bad].str.contains("\u2212", regex=False).any()),
                # TRUE/FALSE read as 1/0; yes/no are words: say how to write them.
                ("write yes as 1 and no as 0 (a column of TRUE/FALSE is read so)",
                 stripped[bad].str.lower().isin(_YES_NO).all())) if given]
            raise ValidationError(
                f"The column {column!r} {held} {int(bad.sum())} cell(s) that are not "
                f"numbers: {cells}{' ...' if len(rows) > 3 else ''}. Fix or empty those "
                "cells (an empty cell is a missing value)"
                + "".join(f"; {text}" for text in advice) + ".")
        text.append(column)
    return Columns(numeric, text, not_available, placeholders)


_YES_NO = frozenset({"yes", "no", "y", "n"})
"""Cells of a flag written as words (a promotion on or off), which read as no number."""


def all_whole(values: np.ndarray) -> bool:
    """Whether every one of `values` (floats) is a finite whole number (an empty array's
    are)."""
    return bool(np.isfinite(values).all() and (values == np.round(values)).all())


def check_finite_float32(values: np.ndarray, columns: list[str], where: Callable[[int], str],
                         what: str = "column") -> None:
    """Refuse infinite values and values float32 cannot hold, naming the first ones.

    ``values``: (rows, columns) floats, NaN for missing; ``where(row)``: where a row is."""
    magnitude = np.abs(values)
    with np.errstate(invalid="ignore"):
        infinite = np.isinf(values)
        out = ~infinite & ((magnitude > FLOAT32_MAX) | ((magnitude > 0) &
                                                         (magnitude < FLOAT32_TINY)))
    if infinite.any():
        rows, cols = np.nonzero(infinite)
        shown = ", ".join(list(dict.fromkeys(where(r) for r in rows[:50]))[:5])
        raise ValidationError(
            f"Infinite values at {shown} (the {what} {columns[cols[0]]!r} first): forecasting "
            "needs finite numbers.")
    if out.any():
        rows, cols = np.nonzero(out)
        cells = ", ".join(f"{values[r, c]:.6g} in {columns[c]!r} at {where(r)}"
                          for r, c in list(zip(rows, cols, strict=True))[:3])
        raise ValidationError(
            f"The {what}s hold {len(rows)} value(s) that float32 cannot hold: {cells}. "
            f"Forecasting accepts {_RANGE}; rescale the data (e.g. to thousands or "
            "millions) or fix those cells.")


def take(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """The float array of `columns` (a slice when they are adjacent: a file of 10,000
    columns then reads without copying column by column)."""
    if not columns:
        return np.empty((len(frame), 0))
    positions = frame.columns.get_indexer(columns)
    if (np.diff(positions) == 1).all():
        return frame.iloc[:, positions[0]:positions[-1] + 1].to_numpy(dtype=float)
    return frame.iloc[:, positions].to_numpy(dtype=float)


# -- the long layout ---------------------------------------------------------------------

@dataclass
class LongLayout:
    """Which columns of a long file hold the series id, the date and the value."""

    id_column: str
    date_column: str
    value_column: str


def _named(columns: list[str], names: tuple[str, ...]) -> list[str]:
    return [c for c in columns if str(c).strip().lower() in names]


_FIRSTS = pd.date_range("2000-01-01", periods=12, freq="MS")
MONTH_NUMBERS = {**{first.strftime(form).lower(): first.month for first in _FIRSTS
                    for form in ("%b", "%B")},
                 **{word: _FIRSTS.strftime("%b").tolist().index(english) + 1
                    for word, english in MONTHS_IN_ENGLISH.items()}}
"""Months' names and abbreviations, lower case, in English and the languages
`MONTHS_IN_ENGLISH` reads, by number (1 January)."""
MONTH_NAMES = set(MONTH_NUMBERS)
"""The names of `MONTH_NUMBERS`."""


def _numbers_a_second_id(values: pd.Series, most: int) -> bool:
    """Whether whole numbers `values` may number a second id (stores beside items): they
    hold as many values as the largest group of rows repeating an (id, date) pair, `most`
    (above 1), where a measurement would hold many more."""
    return most > 1 and pd.api.types.is_integer_dtype(values) and values.nunique() == most


def _repeats_told_apart(others: pd.DataFrame | None, key: np.ndarray,
                        layout: LongLayout, dates: pd.Index) -> str:
    """What to do about repeated (id, date) pairs (`key`, one per row): where a column of
    `others` tells them apart, join it with the date (`part_of_a_date`: 'period' holding
    M01 ... beside 'year', where `completes` the `dates`) or, where it holds names that
    recur over the dates, with the id
    ('store_id' beside 'item_id': each pair is a series; numbers too, 'store_nbr' beside
    'family', where a pair's rows hold as many as the most repeated pair has rows, as
    `detect_long` tells a second id); otherwise drop or aggregate them."""
    most = int(pd.Series(key).value_counts().max()) if len(key) else 0
    for column in (others.columns if others is not None else []):
        values = others[column]
        if pd.DataFrame({"key": key, "told": values.to_numpy()}).duplicated().any():
            continue
        if is_text(values):
            part = part_of_a_date(values)
            if part is not None and completes(part, dates):
                return (f"The column {column!r} holds {part}: the dates seem split over "
                        f"{layout.date_column!r} and {column!r}. Join them into one date "
                        "column (such as '2021-01' or '2021Q1').")
            # Names that recur over the dates (a store beside an item), not numbers, dates
            # (a revision time) or a value unique to each row.
            if pd.to_numeric(values, errors="coerce").notna().any() or \
                    2 * values.nunique() > len(values) or written_as_dates(values):
                continue
        elif not _numbers_a_second_id(values, most):
            continue  # a measurement, not a store number
        both = f"{column},{layout.id_column.replace('/', ',')}"  # ids joined: their columns
        return (f"The column {column!r} tells the repeated rows apart: if each "
                f"({column}, {layout.id_column}) pair is a series, name both as the id: "
                f"id_column={both!r} (--id-column {both}).")
    return "Drop or aggregate the repeated rows."


def part_of_a_date(column: pd.Series) -> str | None:
    """'times of day', 'month names' or 'periods of the year' (`_PERIOD_LABEL`) when every
    value of the text `column` is one (a date written over two columns), else None."""
    values = column.dropna().astype(str).str.strip()
    if values.empty:
        return None
    if values.str.fullmatch(r"\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*([AaPp][Mm])?").all():
        return "times of day"
    if values.str.lower().str.rstrip(".").isin(MONTH_NAMES).all():
        return "month names"
    if values.str.fullmatch(_PERIOD_LABEL, case=False).all():
        return "periods of the year"
    return None


def completes(part: str, dates: pd.Index) -> bool:
    """Whether a column of `part` (`part_of_a_date`) may hold what `dates` leave out: times
    of day beside days (dates at midnight), months or periods of the year beside years
    (numbers, or dates on 1 January). Beside weekly dates, a 'store' column of S1, S2 is
    stores, not halves of the year."""
    if not isinstance(dates, pd.DatetimeIndex):
        return True  # numbered steps: years, or whatever the column completes
    if part == "times of day":
        return bool((dates == dates.normalize()).all())
    return bool(((dates.month == 1) & (dates.day == 1)
                 & (dates == dates.normalize())).all())


_PERIOD_LABEL = r"(?:Q|Qtr|Quarter|H|S|M|W|Wk|Week|KW)\s*\d{1,2}"
"""A quarter, half, month or week written without its year: Q1, Qtr1, H2, M01 (the US
Bureau of Labor Statistics' months), W02, KW02 (Kalenderwoche)."""


def may_name_series(column: pd.Series) -> bool:
    """Whether `column` could name the series of a long file: text or whole numbers, each
    value on two rows or more on average (no row numbers, no measurements)."""
    if pd.api.types.is_bool_dtype(column) or column.isna().any() or \
            2 * column.nunique() > len(column):
        return False
    if is_text(column):
        return True
    if not pd.api.types.is_numeric_dtype(column):
        return False
    values = column.to_numpy(dtype=float)
    return all_whole(values)


def _naming_each_date_once(frame: pd.DataFrame, text: list[str], date: str) -> list[str]:
    """Those of the text columns `text` that could each name the series of a long file by
    themselves: filled in every row, each of their values on a `date` once. A column the
    same in every row (Eurostat's 'DATAFLOW', 'unit'), or grouping the series (a region
    beside its stores), repeats dates within a value, so the one that names the series is
    plain."""
    return [c for c in text if frame[c].notna().all()
            and not frame[[c, date]].duplicated().any()]


def _one_to_one(frame: pd.DataFrame, columns: list[str]) -> bool:
    """Whether the `columns` of `frame` name the same things each its own way (a code and
    its label, as newer SDMX files write 'geo' beside 'Geopolitical entity (reporting)'):
    each value of one goes with one value of every other, and the reverse."""
    pairs = frame[columns].drop_duplicates()
    return all(frame[c].nunique() == len(pairs) for c in columns)


def _dates_or_none(column: pd.Series, name: str) -> pd.Index | None:
    """The dates of `column` (`parse_dates`), or None where they do not read: the date
    reader names what is wrong later."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # said when the dates are read for good
            return parse_dates(column, name)
    except ValidationError:
        return None


def _together(frame: pd.DataFrame, text: list[str], date: str) -> str:
    """Advice to name the text columns `text` together as the id, where no one of them
    names each date once but all of them do (a region and a product: each pair a series);
    '' otherwise."""
    if len(text) < 2 or frame[[*text, date]].duplicated().any():
        return ""
    both = ",".join(text)
    return (f" If each ({', '.join(text)}) combination is a series, name them together: "
            f"--id-column {both} (id_column={both!r}).")


def _in_blocks(column: pd.Series) -> bool:
    """Whether each value of `column` fills one unbroken run of rows (a file grouped by
    it: 1, 1, 1, 2, 2, 2 ..., not 1, 2, 3, 1, 2, 3 ...)."""
    return int((column != column.shift()).sum()) == column.nunique()


def _refuse_words_as_values(frame: pd.DataFrame, value_column: str) -> None:
    """Refuse a `value_column` of words (no digit in any cell) taken for the values of a
    long file: it is what names the series, which no other column then did."""
    if not is_text(frame[value_column]):
        return
    cells = frame[value_column].dropna().astype(str)
    if len(cells) and not cells.str.contains(r"\d").any():
        shown = ", ".join(repr(c) for c in cells.unique()[:3]) + (
            " ..." if cells.nunique() > 3 else "")
        raise ValidationError(
            f"The 'value_column' parameter names {value_column!r}, which holds words "
            f"({shown}), not numbers to forecast: name the column of values "
            "(--value-column); a column that names the series is the id column "
            "(--id-column).")


def detect_long(frame: pd.DataFrame, *, date_column: str | None, id_column: str | None,
                value_column: str | None, covariates: list[str]) -> LongLayout | None:
    """The long layout of `frame` (one row per series and date), or None for a wide file.

    Given `id_column` or `value_column`, the file is long. Otherwise it is long when a
    column is named like an id (``unique_id``, ``id``, ``series``, ``item_id``, ``sku``
    ...) and the dates repeat, it holds text that repeats or the steps are counted again
    in each of its series (`series_step_column`), when the dates repeat and exactly one
    column is text whose values repeat, or, with no date column, when exactly one of the
    first three columns names series (`may_name_series`) that each count steps starting
    again in each (`series_step_column`; of several, the one whose steps are named so,
    else the one written before its steps whose values run in unbroken blocks, `_in_blocks`;
    where still several read so, an error asking for `id_column`)."""
    columns = list(frame.columns)
    for option, name in (("id_column", id_column), ("value_column", value_column)):
        if name is not None and name not in columns:
            raise ValidationError(f"The '{option}' parameter names {name!r}, which is not a "
                                  f"column; the columns are {columns}.")
    if value_column is not None and written_as_dates(frame[value_column]):
        raise ValidationError(f"The 'value_column' parameter names {value_column!r}, which "
                              "holds dates, not values to forecast: name the column of values "
                              "(--value-column), and the dates' with `date_column` "
                              "(--date-column) if it is not found.")
    named_ids = [] if id_column is not None else [
        c for c in _named(columns, ID_NAMES)
        if c not in covariates and c not in (date_column, value_column)]
    date = date_column or detect_date_column(
        frame, exclude=tuple(c for c in (id_column, value_column, *named_ids) if c))
    dates_repeat = date is not None and bool(frame[date].duplicated().any())
    if id_column is None and named_ids:
        # A column named like an id is one when the dates repeat, or when it holds text
        # whose values repeat (not row numbers, nor a series that happens to be so named:
        # numbers read as text, as id-like columns are, are such a series), or when the
        # steps are counted again in each of its series ('id,t,y' of ids 1, 2, 3).
        repeating = [c for c in named_ids if dates_repeat or (
            is_text(frame[c]) and frame[c].duplicated().any()
            and pd.to_numeric(frame[c], errors="coerce").isna().any()) or (
            date is None and series_step_column(
                frame, c, (value_column, *covariates)) is not None)]
        if len(repeating) > 1:
            raise ValidationError(f"Columns {repeating} could each name the series; pass the "
                                  "one with `id_column` (--id-column).")
        id_column = repeating[0] if repeating else None
    if id_column is None and date is None:
        # 'store,t,sales' (a,1 a,2 ... b,1 b,2 ...): steps that start again in each series
        # of a column of names (text, or whole numbers each on several rows) repeat as a
        # long file's dates do. The id and the steps lead such a file: of its first three
        # columns (a wide file of thousands of columns is not grouped by each).
        leading = [c for c in columns if c not in (value_column, *covariates)][:3]
        counted = [(c, step) for c in leading if may_name_series(frame[c])
                   and (step := series_step_column(frame, c, (value_column, *covariates)))
                   is not None and frame[step].duplicated().any()]
        # 'store,t,sales' of stores 1, 2, 3 reads either way: the stores count 1, 2, 3 in
        # each step's rows; the steps are those named so.
        named_steps = [(c, step) for c, step in counted
                       if str(step).strip().lower() in STEP_NAMES]
        counted = named_steps if len(counted) > 1 and len(named_steps) == 1 else counted
        if len(counted) > 1:
            # Nor named so ('store,k,sales'): the file is grouped by its id, written first,
            # in unbroken blocks in each of which the steps count up (sorted by the steps,
            # 'k' would be in blocks and the stores counting: no reading is clear).
            counted = [(c, step) for c, step in counted if _in_blocks(frame[c])
                       and columns.index(c) < columns.index(step)] or counted
        if len(counted) > 1:
            pairs = " or ".join(f"series named in {c!r} with steps in {step!r}"
                                for c, step in counted)
            raise ValidationError(
                f"The columns {columns} read either as a long file ({pairs}) or as a wide "
                "file of a series per column, and nothing in the file decides which: name "
                "the column that names the series, "
                + " or ".join(f"--id-column {c} (id_column={c!r})" for c, _ in counted)
                + ".")
        if len(counted) == 1:
            id_column, date = counted[0]
    if id_column is None:
        if not dates_repeat:
            return None  # a wide file (`value_column`, if given, picks its series)
        text = [c for c in columns if c not in (date, value_column) and c not in covariates
                and is_text(frame[c]) and pd.to_numeric(frame[c], errors="coerce").isna().all()
                and frame[c].duplicated().any()]
        if len(text) > 1:
            text = _naming_each_date_once(frame, text, date) or text
        if len(text) > 1 and _one_to_one(frame, text):
            text = text[:1]  # a code and its label ('geo', 'Geopolitical entity'): one naming
        if len(text) != 1:
            if value_column is None and not text:
                return None  # repeated dates in a wide file: refused later, as duplicates
            if not text:
                _refuse_words_as_values(frame, value_column)
            raise ValidationError(
                f"The file looks long (one row per series and date: the date column {date!r} "
                "repeats) but "
                + (f"columns {text} could each name the series" if text else
                   "no text column names the series")
                + ": pass `id_column` (--id-column) and `value_column` (--value-column)."
                + _together(frame, text, date))
        id_column = text[0]
        part = part_of_a_date(frame[id_column])
        if part is not None and completes(part, _dates_or_none(frame[date], date)):
            raise ValidationError(
                f"The column {id_column!r} holds {part}, not names of series: the dates "
                f"seem split over {date!r} and {id_column!r}, which made the dates repeat. "
                "Join them into one date column (such as '2021-01-31 13:00' or '2021-01'), "
                "or, if the file does hold one row per series and date, name the id column "
                "with `id_column` (--id-column).")
    if date is None:
        date = series_step_column(frame, id_column, (value_column, *covariates))
    if date is None:
        others = [c for c in columns if c not in (id_column, value_column, *covariates)]
        if value_column is None or len(others) != 1:
            raise ValidationError(f"The long file's columns {columns} have no date column: "
                                  "pass `date_column` (--date-column).")
        date = others[0]  # the one column left: dates or step numbers
    if value_column is None:
        rest = [c for c in columns if c not in (id_column, date) and c not in covariates]
        named = _named(rest, VALUE_NAMES)
        # 'unique_id,ds,y,price' with covariates ['y']: 'price' would be forecast instead,
        # silently; only a value column named by the user makes 'y' an input.
        claimed = [c for c in _named([c for c in columns if c not in (id_column, date)],
                                     VALUE_NAMES) if c in covariates]
        if claimed and not named:
            numeric = [c for c in rest if pd.api.types.is_numeric_dtype(frame[c])]
            other = f" {numeric[0]}" if len(numeric) == 1 else " NAME"
            raise ValidationError(
                f"The 'covariates' parameter names {claimed[0]!r}, the long file's value "
                "column (named as one), which cannot also be a covariate. Leave it out of "
                "the covariates, or, to forecast another column with "
                f"{claimed[0]!r} as an input, name that column with `value_column` "
                f"(--value-column{other}).")
        numeric = [c for c in rest if pd.api.types.is_numeric_dtype(frame[c])
                   or (is_text(frame[c]) and pd.to_numeric(frame[c], errors="coerce")
                       .notna().any())]
        if len(named) == 1:
            value_column = named[0]
        elif len(numeric) == 1:
            value_column = numeric[0]
        else:
            # 'date,store,item,sales': a numeric column telling the repeated (item, date)
            # pairs apart is a second id, not a candidate value.
            # It holds as many values as the largest group of repeats (a store per row of
            # an item's date), where a value column would hold many more.
            keys = frame[[id_column, date]]
            most = int(keys.value_counts().max()) if len(keys) else 0
            told = [c for c in numeric if _numbers_a_second_id(frame[c], most)
                    and not pd.concat([keys, frame[c]], axis=1).duplicated().any()]
            if len(told) == 1:
                both = f"{told[0]},{id_column}"
                values = [c for c in numeric if c != told[0]]
                # Of several columns left, the values are the user's to name; the second
                # id is clear all the same ('date,item,store,sales,price').
                value = values[0] if len(values) == 1 else "NAME"
                raise ValidationError(
                    f"The long file (series in {id_column!r}, dates in {date!r}) repeats "
                    f"each ({id_column}, {date}) pair, and the column {told[0]!r} tells them "
                    f"apart: if each ({told[0]}, {id_column}) pair is a series, name both as "
                    f"the id and the values: --id-column {both} --value-column {value} "
                    + (f"(id_column={both!r}, value_column={value!r})." if len(values) == 1
                       else f"(id_column={both!r}, value_column=NAME), NAME one of {values}, "
                       "the others given as --covariates or left out."))
            given = frame[date] if date == date_column else None
            if not numeric and given is not None and pd.api.types.is_numeric_dtype(given) \
                    and not all_whole(given.dropna().to_numpy(dtype=float)):
                shown = ", ".join(f"{v:g}" for v in given.dropna().unique()[:3])
                raise ValidationError(
                    f"The 'date_column' parameter names {date!r}, which holds decimals "
                    f"({shown} ...), neither dates nor step numbers (the values, perhaps). "
                    "Name the column of dates (--date-column), or leave it out to have it "
                    "found.")
            raise ValidationError(
                f"The long file (series in {id_column!r}, dates in {date!r}) has "
                f"{'no' if not numeric else 'several'} numeric column(s) that could hold the "
                f"values{f': {numeric}' if numeric else ''}; pass `value_column` "
                "(--value-column) and name the other inputs with `covariates` (--covariates).")
    if value_column in (id_column, date) or id_column == date:
        raise ValidationError(f"The id, date and value columns must differ; got id "
                              f"{id_column!r}, date {date!r}, value {value_column!r}.")
    ids = frame[id_column].dropna()
    numbers = pd.to_numeric(ids, errors="coerce") if not pd.api.types.is_bool_dtype(ids) \
        else ids.astype(float)
    # Decimals that name a series a row, nearly all different, are measurements (codes such
    # as 3.1 name several rows each).
    if len(ids) >= 5 and numbers.notna().all() and (numbers != numbers.round()).any() \
            and ids.nunique() >= 0.9 * len(ids):
        shown = ", ".join(f"{v:g}" for v in numbers.unique()[:3])
        raise ValidationError(f"The id column {id_column!r} holds decimals ({shown} ...), not "
                              "names of series: name the column that names each row's series "
                              "with `id_column` (--id-column).")
    return LongLayout(id_column, date, value_column)


def pivot_long(frame: pd.DataFrame, layout: LongLayout, dates: pd.Index,
               columns: list[str], others: pd.DataFrame | None = None,
               rows: np.ndarray | None = None
               ) -> tuple[list[str], pd.Index, dict[str, np.ndarray]]:
    """Pivot the long `frame` (its dates parsed as `dates`) to one column per series.

    Returns the series names (ids as str, in order of first appearance), the sorted
    distinct dates, and for each of `columns` a (dates, series) array, NaN where a series
    has no row. Duplicate (id, date) pairs are an error naming the first few, and the
    column of `others` (the file's columns left out) that tells the repeated rows apart,
    if one does (`_repeats_told_apart`). Empty ids are an error naming how many and the
    row of the first (its entry of `rows`, the file's rows, else its position)."""
    ids = frame[layout.id_column]
    # Spaces around an id are no part of it (the reader drops those before a cell, not
    # after: ' padded ' was 'padded ', and ' a' one series with 'a' but 'a ' another).
    text = ids.astype(str).str.strip()
    blank = (ids.isna() | (text == "")).to_numpy()
    if blank.any():
        first = int(np.flatnonzero(blank)[0])
        row = int(rows[first]) if rows is not None else first
        raise ValidationError(
            f"The id column {layout.id_column!r} has {int(blank.sum())} empty cell(s), the "
            f"first in row {row + 1} of the data (the first below the header being 1), dated "
            f"{label_among(dates[first], dates)}; every row needs its series id.")
    id_codes, id_uniques = pd.factorize(text, sort=False)
    date_codes, date_uniques = pd.factorize(dates, sort=True)
    n_dates = len(date_uniques)
    key = id_codes.astype(np.int64) * n_dates + date_codes
    duplicated = pd.Series(key).duplicated().to_numpy()
    if duplicated.any():
        rows = np.flatnonzero(duplicated)
        pairs = list(dict.fromkeys((str(id_uniques[id_codes[r]]), label_among(date_uniques[
            date_codes[r]], date_uniques)) for r in rows))
        shown = _listing([f"({i!r}, {d})" for i, d in pairs])
        raise ValidationError(
            f"Each series may have one row per date; {len(pairs)} (series, date) pair(s) "
            f"appear more than once in columns {layout.id_column!r} and "
            f"{layout.date_column!r}: {shown}. "
            + _repeats_told_apart(others, key, layout, date_uniques))
    names = [str(v) for v in id_uniques]
    tables = {}
    for column in columns:
        table = np.full((n_dates, len(names)), np.nan)
        table[date_codes, id_codes] = frame[column].to_numpy(dtype=float)
        tables[column] = table
    return names, pd.Index(date_uniques), tables
