"""Reading series: dates detected, frequency inferred, every bad input a clear error."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from seqlab.errors import ValidationError
from seqlab.forecast import prepare, read_csv
from seqlab.forecast._reading import describe_freq, label
from seqlab.forecast.data import season_length_of


def _csv(dates, values, header="date,value"):
    return header + "\n" + "".join(f"{d},{v}\n" for d, v in zip(dates, values, strict=True))


def _loads(times):
    """A CSV of one reading (0, 1, 2 ...) per time, each written to the minute."""
    return _csv([f"{t:%Y-%m-%d %H:%M}" for t in times], range(len(times)), "time,load")


def test_date_column_detected_and_monthly_frequency_inferred(write_csv):
    dates = pd.date_range("2020-01-01", periods=30, freq="MS").strftime("%Y-%m-%d")
    data = read_csv(write_csv(_csv(dates, range(30), "when,sales")))
    assert data.freq == "MS" and data.season_length == 12
    assert list(data.values.columns) == ["sales"]
    assert data.values.index[0] == pd.Timestamp("2020-01-01")


@pytest.mark.parametrize("freq, m", [("QS", 4), ("YS", 1), ("W-SUN", 52), ("D", 7),
                                     ("h", 24), ("ME", 12), ("QE-DEC", 4)])
def test_season_length_follows_the_frequency(freq, m):
    assert season_length_of(freq) == m


def test_year_column_of_integers_is_yearly(write_csv):
    data = read_csv(write_csv(_csv(range(1900, 1940), np.arange(40.0) + 1, "year,flow")))
    assert data.freq.startswith("YS") and data.season_length == 1


def test_integer_steps_are_not_dates(write_csv):
    data = read_csv(write_csv(_csv(range(50), np.arange(50.0), "day,sales")))
    assert data.freq is None and data.values.index[0] == 0 and len(data.values) == 50


@pytest.mark.parametrize("times, freq, first", [
    (range(1990, 2020), "YS", pd.Timestamp("1990-01-01")),   # years, under any name
    (range(1960, 2020, 2), "2YS", pd.Timestamp("1960-01-01")),  # every other year
    (range(1, 31), None, 1),                                 # time steps
    ([int(d) for d in pd.date_range("2018-11-01", periods=30, freq="MS").strftime("%Y%m")],
     "MS", pd.Timestamp("2018-11-01")),                    # YYYYMM across a year's end
    ([int(d) for d in pd.date_range("2020-01-30", periods=30).strftime("%Y%m%d")], "D",
     pd.Timestamp("2020-01-30")),                           # YYYYMMDD across a month's end
])
def test_a_first_column_counting_steps_is_the_time_not_a_series(write_csv, times, freq,
                                                                 first):
    data = read_csv(write_csv(_csv(times, 100 + np.sin(np.arange(30.0)), "t,sales")))
    assert data.names == ["sales"] and data.values.index[0] == first
    assert (data.freq or "").startswith(freq or "") and (freq is not None) == bool(data.freq)


@pytest.mark.parametrize("first_column", [
    [1990 + k + (k % 3 == 0) for k in range(30)],    # rises unevenly
    [1990.5 + k for k in range(30)],                 # not whole numbers
    [2019 - k for k in range(30)],                   # falls
    [201811 + k * (k + 1) for k in range(30)],       # 6 digits rising unevenly, not months
    [10 * (k + 1) for k in range(30)],               # rises by 10: steps would miss 11-19
])
def test_a_first_column_that_does_not_count_steps_stays_a_series(write_csv, first_column):
    # (Named as steps, 't', a column rising unevenly or by 10 is the time axis, refused with
    # its missing steps or its step: test_forecast_reading.)
    data = read_csv(write_csv(_csv(first_column, 100 + np.sin(np.arange(30.0)), "x,sales")))
    assert data.names == ["x", "sales"] and data.values.index[0] == 0


def test_an_index_of_dates_written_as_text_is_the_dates():
    # pd.read_csv(path, index_col=0) without parse_dates leaves the dates as text: they
    # were dropped and the data read as steps 0, 1, 2 ...; a long frame indexed so had its
    # id column forecast as a series.
    months = [f"2020-{i:02d}" for i in range(1, 13)]
    data = prepare(pd.DataFrame({"a": np.arange(12.0), "b": np.arange(12.0) * 2},
                                index=pd.Index(months, name="month")))
    assert data.freq == "MS" and data.names == ["a", "b"]
    assert data.values.index[-1] == pd.Timestamp("2020-12-01")
    long = pd.DataFrame({"id": ["007"] * 12 + ["0012"] * 12, "value": np.arange(24.0)},
                        index=months * 2)
    data = prepare(long)
    assert data.names == ["007", "0012"] and list(data.series("0012"))[:2] == [12.0, 13.0]
    # text that is no dates stays the row order, as before
    assert list(prepare(pd.Series(np.arange(4.0), index=list("abcd"))).values.index) == \
        [0, 1, 2, 3]


def test_a_frame_indexed_by_id_and_date_is_the_long_form():
    # pandas' long form, set_index(["id", "date"]) or a groupby of both, was read as its
    # index alone: one series of 60 numbered steps, B's history run on after A's.
    months = pd.date_range("2020-01-01", periods=30, freq="MS")
    long = pd.DataFrame({"id": np.repeat(["A", "B"], 30), "date": np.tile(months, 2),
                         "y": np.arange(60.0)})
    for frame in (long.set_index(["id", "date"]), long.set_index(["date", "id"]),
                  long.groupby(["id", "date"]).sum(), long.set_index(["id", "date"])["y"],
                  long.set_index(["id", "date"]).rename_axis([None, None])):
        data = prepare(frame)
        assert data.names == ["A", "B"] and data.freq == "MS", frame.index.names
        assert list(data.series("B"))[:2] == [30.0, 31.0]
        assert data.values.index[-1] == months[-1]


def test_a_long_frame_indexed_by_its_ids_keeps_them():
    # set_index("id") dropped the ids with the index: "The dates must be unique ... name
    # its id column with `id_column`", a column the frame no longer had.
    months = pd.date_range("2020-01-01", periods=30, freq="MS")
    long = pd.DataFrame({"id": np.repeat(["A", "B"], 30), "date": np.tile(months, 2),
                         "y": np.arange(60.0)})
    data = prepare(long.set_index("id"))
    assert data.names == ["A", "B"] and data.id_column == "id" and data.freq == "MS"
    assert list(data.series("B"))[:2] == [30.0, 31.0]


def test_row_numbers_saved_with_a_table_are_dropped_not_forecast(write_csv):
    # A table saved with pandas' to_csv, index and all: ',date,sales,...' over 0, 1, 2 ...
    frame = pd.DataFrame({"date": pd.date_range("2015-01-01", periods=30, freq="MS"),
                          "sales": 100 + np.sin(np.arange(30.0)),
                          "returns": np.r_[[np.nan] * 10, np.arange(20.0)]})
    wide = read_csv(write_csv(frame.to_csv()))
    assert wide.names == ["sales", "returns"] and wide.freq == "MS"
    assert any("'Unnamed: 0'" in note and "row numbers" in note for note in wide.notes)
    long = pd.DataFrame({"unique_id": ["a"] * 30 + ["b"] * 30,
                         "ds": list(frame["date"]) * 2, "y": np.arange(60.0)})
    assert read_csv(write_csv(long.to_csv(), "long.csv")).names == ["a", "b"]
    # Numbers under an empty header that are not the rows' own are a series.
    kept = read_csv(write_csv(frame.set_index(np.arange(30) * 2).to_csv(), "kept.csv"))
    assert kept.names == ["Unnamed: 0", "sales", "returns"] and not kept.notes
    # Without dates, the steps are those of the file without the row numbers.
    steps = read_csv(write_csv(frame[["sales"]].to_csv(), "steps.csv"))
    assert steps.names == ["sales"] and steps.freq is None and steps.values.index[0] == 0


def test_blank_rows_and_a_trailing_comma_saved_by_a_spreadsheet_are_dropped(write_csv):
    # ',,,' rows under the data (rows once used) and a comma at the end of every line made
    # the date column 'have values that are not dates: 2 empty cell(s)'.
    dates = pd.date_range("2019-01-01", periods=24, freq="MS")
    lines = [f"{d:%Y-%m-%d},{k},{2 * k},\n" for k, d in enumerate(dates)]
    body = "".join(lines[:10]) + ",,,\n" + "".join(lines[10:]) + ",,,\n,,,\n"
    data = read_csv(write_csv("date,a,b,\n" + body))
    assert data.names == ["a", "b"] and list(data.values.index) == list(dates)
    assert data.series("b").tolist() == [2.0 * k for k in range(24)]
    assert any("'Unnamed: 3'" in n and "empty" in n for n in data.notes)
    assert any("dropped 3 empty row(s)" in n for n in data.notes)
    # Without dates a blank row is a missing step, reported as a gap, not closed up.
    with pytest.raises(ValidationError, match="missing"):
        read_csv(write_csv("a,b\n1,2\n2,3\n,\n4,5\n5,6\n", "steps.csv"))
    # A named column with nothing in it is a series without values: left out, and named
    # (it refused the whole file, the other series unforecast).
    named = read_csv(write_csv("date,a,c\n" + "".join(f"{d:%Y-%m-%d},{k},\n"
                                                      for k, d in enumerate(dates)), "c.csv"))
    assert named.names == ["a"] and any("['c']: no values" in n for n in named.notes)
    with pytest.raises(ValidationError, match="hold no rows"):
        read_csv(write_csv("date,a\n,\n,\n", "blank.csv"))


def test_the_dates_are_taken_from_the_column_written_as_dates_not_a_month_number(write_csv):
    # 'month,date,sales' took the month numbers (named like a date, and first) as the
    # dates: refused as duplicate dates; then 'month' became a series of its own.
    dates = pd.date_range("2018-01-01", periods=30, freq="MS")
    text = "month,date,sales\n" + "".join(f"{d.month},{d:%Y-%m-%d},{100 + k}\n"
                                          for k, d in enumerate(dates))
    data = read_csv(write_csv(text))
    assert data.names == ["sales"] and list(data.values.index) == list(dates)
    assert any("'month' holds the month of each date ('date')" in n for n in data.notes)
    named = read_csv(write_csv(text, "named.csv"), value_column="month", date_column="date")
    assert data.freq == named.freq == "MS" and named.names == ["month"]
    # A series that only bears such a name is forecast: numbers that are not the dates'
    # months, and floats.
    for values in ([(k * 7) % 12 + 1 for k in range(30)], [k + 0.5 for k in range(30)]):
        text = "date,month,sales\n" + "".join(f"{d:%Y-%m-%d},{v},{k}\n" for k, (d, v) in
                                              enumerate(zip(dates, values, strict=True)))
        assert read_csv(write_csv(text, "series.csv")).names == ["month", "sales"]
    week = pd.Series(np.arange(30.0), index=dates, name="week")
    assert prepare(week).names == ["week"]


@pytest.mark.parametrize("written", ["%b-%y", "%B-%y", "%b '%y", "%b/%y"])
def test_months_written_as_a_spreadsheet_shows_them_are_months(write_csv, written):
    # 'Jan-18' (Excel's mmm-yy) was refused as 'not dates' (or read as year 1, day 18).
    dates = pd.date_range("1998-07-01", periods=30, freq="MS")  # across 1999 -> 2000
    for header in ("month", "when"):  # named like a date, and detected by its values
        text = f"{header},sales\n" + "".join(f"{d.strftime(written)},{k}\n"
                                             for k, d in enumerate(dates))
        data = read_csv(write_csv(text))
        assert data.freq == "MS" and list(data.values.index) == list(dates), header
        assert data.names == ["sales"]


@pytest.mark.parametrize("written", ["%b %y", "%b. %Y"])
def test_months_with_a_space_before_the_year_are_months(write_csv, written):
    # 'Jan 18' with a space, as Excel shows mmm yy, was left out as text and the series
    # forecast over step numbers, without a season.
    dates = pd.date_range("2018-01-01", periods=30, freq="MS")
    text = "Monat,sales\n" + "".join(f"{d.strftime(written)},{k}\n"
                                     for k, d in enumerate(dates))
    data = read_csv(write_csv(text))
    assert data.freq == "MS" and list(data.values.index) == list(dates)


_MONTHS_IN = {  # a spreadsheet's months in other languages, Jan ... Dec
    "de": "Jan Feb Mrz Apr Mai Jun Jul Aug Sep Okt Nov Dez",
    "de-long": "Januar Februar März April Mai Juni Juli August September Oktober November "
               "Dezember",
    "fr": "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.",
    "es": "ene feb mar abr may jun jul ago sept oct nov dic",
    "it": "gen feb mar apr mag giu lug ago set ott nov dic",
    "nl": "jan feb mrt apr mei jun jul aug sep okt nov dec",
    "pt": "jan fev mar abr mai jun jul ago set out nov dez",
}


@pytest.mark.parametrize("language", list(_MONTHS_IN))
@pytest.mark.parametrize("year", ["%y", "%Y"])
def test_months_named_in_other_languages_are_months(write_csv, language, year):
    # 'Mrz 18' or 'janv. 2018' was left out as text: the series was forecast over step
    # numbers, without its season, exit 0.
    names = _MONTHS_IN[language].split()
    dates = pd.date_range("2018-01-01", periods=30, freq="MS")
    text = "Monat;Wert\n" + "".join(f"{names[d.month - 1]} {d.strftime(year)};{k},5\n"
                                    for k, d in enumerate(dates))
    data = read_csv(write_csv(text))
    assert data.freq == "MS" and list(data.values.index) == list(dates)
    np.testing.assert_allclose(data.values["Wert"].to_numpy()[:2], [0.5, 1.5])


def test_days_with_other_languages_month_names_are_days(write_csv):
    dates = pd.date_range("2021-03-01", periods=20, freq="D")
    text = "Datum,Wert\n" + "".join(f"{d.day}. {'März' if d.month == 3 else 'April'} "
                                    f"{d.year},{k}\n" for k, d in enumerate(dates))
    data = read_csv(write_csv(text))
    assert data.freq == "D" and list(data.values.index) == list(dates)


_SPANISH = ("enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
            "diciembre").split()
_POLISH = "sty lut mar kwi maj cze lip sie wrz paź lis gru".split()


@pytest.mark.parametrize("written, freq, first", [
    (lambda k: f"{(k % 12) + 1:02d}.{2009 + k // 12}", "MS", "2009-01-01"),  # 10.2010
    (lambda k: f"{k % 4 + 1}. Quartal {2015 + k // 4}", "QS-OCT", "2015-01-01"),
    (lambda k: f"KW{k + 1:02d} 2018", "W-MON", "2018-01-01"),
    (lambda k: f"KW {k + 1}/2018", "W-MON", "2018-01-01"),
    (lambda k: f"2018-KW{k + 1:02d}", "W-MON", "2018-01-01"),
    (lambda k: f"{2015 + k // 4}T{k % 4 + 1}", "QS-OCT", "2015-01-01"),      # INE
    (lambda k: f"{2015 + k // 4}-T{k % 4 + 1}", "QS-OCT", "2015-01-01"),     # INSEE
    (lambda k: f"T{k % 4 + 1}-{2015 + k // 4}", "QS-OCT", "2015-01-01"),
    (lambda k: f"{k % 4 + 1}{'er' if k % 4 == 0 else 'e'} trimestre {2015 + k // 4}", "QS-OCT",
     "2015-01-01"),
    (lambda k: f"{2015 + k // 4} {k % 4 + 1}e kwartaal", "QS-OCT", "2015-01-01"),  # CBS
    (lambda k: f"{_SPANISH[k % 12]} de {2018 + k // 12}", "MS", "2018-01-01"),
    (lambda k: f"{_POLISH[k % 12]} {2018 + k // 12}", "MS", "2018-01-01"),
    (lambda k: f"{k + 1} de marzo de 2021", "D", "2021-03-01"),
    (lambda k: f"{(k % 12) + 1:02d}.{18 + k // 12}", "MS", "2018-01-01"),  # 01.18
])
def test_german_months_quarters_and_calendar_weeks_are_dates(write_csv, written, freq, first):
    # '01.2018' was read as the number 1.2018 and refused as 'not dates' ('01.18' as the
    # months of 1800, or refused for an irregular grid); '1. Quartal 2015',
    # 'KW01 2018', Spanish 'enero de 2018' and INE's '2015T1' were refused too (INE's
    # quarters read as months, and '--fill' advised), CBS's '2015 1e kwartaal' and Polish
    # months left out as text, the series forecast over step numbers.
    text = "Monat,Wert\n" + "".join(f"{written(k)},{k}\n" for k in range(30))
    data = read_csv(write_csv(text))
    assert data.freq == freq and data.values.index[0] == pd.Timestamp(first)
    assert len(data.values) == 30


@pytest.mark.parametrize("header", ["Buchungsdatum", "Berichtsmonat"])
def test_german_compound_date_names_hold_serial_days_and_months(write_csv, header):
    # A column 'Buchungsdatum' of serial days, or 'Berichtsmonat' of 01.2018 ..., was
    # forecast as a second series over step numbers.
    dates = pd.date_range("2018-01-01", periods=30, freq="MS")
    cells = ((dates - pd.Timestamp("1899-12-30")).days.astype(str) if header.endswith("datum")
             else dates.strftime("%m.%Y"))
    text = f"{header},Wert\n" + "".join(f"{c},{k}\n" for k, c in enumerate(cells))
    data = read_csv(write_csv(text))
    assert data.names == ["Wert"] and list(data.values.index) == list(dates)


def test_numbers_like_a_month_and_year_are_dates_only_in_a_date_column(write_csv):
    text = "step,value\n" + "".join(f"{k + 1},{(k % 12) + 1}.{2018 + k // 12}\n"
                                    for k in range(24))
    data = read_csv(write_csv(text))
    assert data.names == ["value"] and data.values["value"].iloc[0] == pytest.approx(1.2018)


def test_words_like_a_month_name_are_not_read_as_dates():
    from seqlab.forecast._reading import _in_english

    texts = pd.Series(["Set 1", "mag", "out of stock", "Mai 2020", "Okt-19"])
    assert _in_english(texts).tolist() == ["Set 1", "mag", "out of stock", "May 2020",
                                           "Oct-19"]


def test_spreadsheet_serial_days_in_a_date_column_are_dates(write_csv):
    # A date column saved without its format holds days since 1899-12-30: daily files were
    # forecast as steps 43101, 43102 ..., and monthly ones refused for 1030 missing dates.
    for freq, count in (("D", 60), ("MS", 36)):
        dates = pd.date_range("2018-01-01", periods=count, freq=freq)
        serial = (dates - pd.Timestamp("1899-12-30")).days
        text = "date,sales\n" + "".join(f"{s},{k}\n" for k, s in enumerate(serial))
        data = read_csv(write_csv(text, f"{freq}.csv"))
        assert data.freq == freq and list(data.values.index) == list(dates)
        assert any("43101" in n and "spreadsheet serial days" in n and "2018-01-01" in n
                   for n in data.notes)
    # Other names ('time' counts steps or seconds as often), and numbers outside the range
    # of such days, stay step numbers.
    for name in ("t", "time"):
        text = f"{name},sales\n" + "".join(f"{43101 + k},{k}\n" for k in range(30))
        assert read_csv(write_csv(text, "t.csv")).values.index[0] == 43101
    text = "date,sales\n" + "".join(f"{k},{k}\n" for k in range(30))
    assert read_csv(write_csv(text, "steps.csv")).values.index[0] == 0


def test_spreadsheet_serial_days_with_a_time_of_day_are_dates_and_times(write_csv):
    # A date-and-time column saved without its format holds 44197.041667 for 01:00: it was
    # refused as "values that are not dates", the whole days of the same column read.
    hours = pd.date_range("2021-01-01", periods=48, freq="h")
    serial = (hours - pd.Timestamp("1899-12-30")) / pd.Timedelta(days=1)
    text = "date,load\n" + "".join(f"{s:.6f},{k}\n" for k, s in enumerate(serial))
    data = read_csv(write_csv(text))
    assert data.freq == "h" and list(data.values.index) == list(hours)
    assert "read the column 'date' (numbers 44197 to 44198.95833) as spreadsheet serial " \
        "days: 2021-01-01 to 2021-01-02 23:00:00" in data.notes
    # Measurements with decimals are no times of day, nor are numbers outside those days.
    for values in ([44197.123456 + k for k in range(30)], [1.5 + k for k in range(30)]):
        text = "date,load\n" + "".join(f"{v},{k}\n" for k, v in enumerate(values))
        with pytest.raises(ValidationError, match="values that are not dates"):
            read_csv(write_csv(text, "odd.csv"))


@pytest.mark.parametrize("header, unit, scale", [("timestamp", "seconds", 1),
                                                 ("time", "seconds", 1),
                                                 ("date", "milliseconds", 1000)])
def test_unix_times_in_a_date_column_are_dates(write_csv, header, unit, scale):
    # Logs and sensors write seconds (or milliseconds) since 1970: they were refused as
    # steps '86400 or a multiple of 86400 apart', to be renumbered by hand.
    for freq, count in (("D", 40), ("h", 72)):
        dates = pd.date_range("2020-01-01", periods=count, freq=freq)
        stamps = (dates - pd.Timestamp("1970-01-01")) // pd.Timedelta(seconds=1) * scale
        text = f"{header},load\n" + "".join(f"{v},{k % 24}\n" for k, v in enumerate(stamps))
        data = read_csv(write_csv(text, f"{freq}.csv"))
        assert data.freq == freq and list(data.values.index) == list(dates)
        assert any(f"Unix times in {unit}" in n and str(stamps[0]) in n and "UTC" in n
                   for n in data.notes)


def test_large_numbers_that_are_not_unix_times_stay_steps(write_csv):
    # Not named as a date, or not whole minutes apart, or outside 1980-2100: no times.
    cases = {"t": [1577836800 + 60 * k for k in range(30)],
             "time": [1577836800 + k for k in range(30)],
             "date": [3 * 10**10 + 60 * k for k in range(30)]}
    for header, values in cases.items():
        text = f"{header},load\n" + "".join(f"{v},{k}\n" for k, v in enumerate(values))
        try:
            data = read_csv(write_csv(text, f"{header}.csv"))
        except ValidationError as error:  # steps 60 apart: refused as steps, not dates
            assert "60 apart" in str(error) or "60 or a multiple" in str(error), header
        else:
            assert not isinstance(data.values.index, pd.DatetimeIndex), header
            assert not any("Unix" in n for n in data.notes), header


@pytest.mark.parametrize("header", ["month", "period", "Datum", "week"])
def test_serial_days_under_other_date_names_are_dates(write_csv, header):
    # 'month' of serial days was refused for '1030 missing dates', with --fill advised;
    # 'Datum' was forecast as a series.
    dates = pd.date_range("2018-01-01", periods=36, freq="MS")
    serial = (dates - pd.Timestamp("1899-12-30")).days
    text = f"{header},sales\n" + "".join(f"{v},{k}\n" for k, v in enumerate(serial))
    data = read_csv(write_csv(text))
    assert data.names == ["sales"] and data.freq == "MS" and list(data.values.index) == list(dates)


@pytest.mark.parametrize("written, freq, first", [
    (lambda d: f"{d.year} Q{d.quarter}", "QS", "2015-01-01"),     # ONS
    (lambda d: f"Q{d.quarter} {d.year}", "QS", "2015-01-01"),
    (lambda d: f"Q{d.quarter}-{d:%y}", "QS", "2015-01-01"),
    (lambda d: f"{d.year}:Q{d.quarter}", "QS", "2015-01-01"),
    (lambda d: f"{d.year}M{d.month:02d}", "MS", "2015-01-01"),    # Eurostat
    (lambda d: f"{d.year}m{d.month}", "MS", "2015-01-01"),        # Stata's %tm
    (lambda d: f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}", "W-MON", "2015-01-05"),
])
def test_periods_as_statistics_offices_write_them_are_dates(write_csv, written, freq, first):
    # Each was refused as 'not dates' under a date's name, and under another name left out
    # as text, the series then forecast over step numbers.
    dates = pd.date_range("2015-01-01", periods=30, freq=freq)
    for header in ("period", "when"):
        text = f"{header},sales\n" + "".join(f"{written(d)},{k}\n" for k, d in enumerate(dates))
        data = read_csv(write_csv(text))
        assert data.names == ["sales"] and list(data.values.index) == list(dates), header
        assert data.values.index[0] == pd.Timestamp(first) and data.season_length == {
            "QS": 4, "MS": 12, "W-MON": 52}[freq]


def test_trading_days_are_business_days_and_holidays_are_their_gaps(write_csv):
    # Prices on trading days were read as daily with every weekend missing, and --fill
    # (the advice) invented weekend prices, forecast for Saturdays too.
    days = pd.bdate_range("2023-11-01", periods=60)
    text = "Date,Close\n" + "".join(f"{d:%Y-%m-%d},{100 + k}\n" for k, d in enumerate(days))
    data = read_csv(write_csv(text))
    assert data.freq == "B" and data.season_length == 5 and len(data.values) == 60
    holidays = "".join(f"{d:%Y-%m-%d},{100 + k}\n" for k, d in enumerate(days)
                       if d != pd.Timestamp("2023-11-23"))
    with pytest.raises(ValidationError, match=r"1 date\(s\) are missing.*2023-11-23"):
        read_csv(write_csv("Date,Close\n" + holidays, "holidays.csv"))
    daily = pd.date_range("2023-11-01", periods=60)  # weekends held: still daily
    text = "Date,v\n" + "".join(f"{d:%Y-%m-%d},{k}\n" for k, d in enumerate(daily))
    assert read_csv(write_csv(text, "daily.csv")).freq == "D"


def test_row_names_of_r_and_of_a_filtered_frame_are_dropped(write_csv):
    # R's write.csv numbers its rows from 1, and a filtered pandas frame keeps its old
    # index (12, 13 ...): both were forecast as a series 'Unnamed: 0'.
    dates = pd.date_range("2018-01-01", periods=36, freq="MS")
    for first in (1, 12):
        text = '"","date","a"\n' + "".join(f'"{first + k}","{d:%Y-%m-%d}",{100 + k % 5}\n'
                                          for k, d in enumerate(dates))
        data = read_csv(write_csv(text, f"r{first}.csv"))
        assert data.names == ["a"] and any("'Unnamed: 0'" in n for n in data.notes), first


def test_what_only_resembles_a_title_row_numbers_or_dates_across_is_read_as_before(write_csv):
    # Unquoted thousands under a one-name header: the rows' extra cells, not a title.
    with pytest.raises(ValidationError, match="rows hold more cells than its header"):
        read_csv(write_csv("sales\n1,234\n2,345\n"))
    # Series named by years in a file of steps (no column of names): series.
    steps = read_csv(write_csv("2019,2020,2021\n" + "".join(f"{k / 3},{k + 1.5},{k % 4}\n"
                                                            for k in range(12)), "steps.csv"))
    assert steps.names == ["2019", "2020", "2021"] and steps.freq is None
    # A counter under an empty header that is not the first column: a series.
    dates = pd.date_range("2020-01-01", periods=12, freq="MS")
    text = "date,,sales\n" + "".join(f"{d:%Y-%m-%d},{100 + k},{k % 5}\n"
                                     for k, d in enumerate(dates))
    assert read_csv(write_csv(text, "counter.csv")).names == ["Unnamed: 1", "sales"]


def test_first_days_of_months_written_month_first_over_years_do_not_warn(write_csv):
    dates = pd.date_range("2018-01-01", periods=36, freq="MS")
    text = "date,sales\n" + "".join(f"{d.month}/1/{d.year},{k}\n" for k, d in enumerate(dates))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = read_csv(write_csv(text))
    assert data.freq == "MS" and list(data.values.index) == list(dates)


def test_dates_read_in_utc_say_so(write_csv):
    stamps = pd.date_range("2021-03-27 12:00", periods=30, freq="h", tz="Europe/Berlin")
    text = "time,load\n" + "".join(f"{s.isoformat()},{k}\n" for k, s in enumerate(stamps))
    data = read_csv(write_csv(text))
    assert data.freq == "h" and any("UTC" in n for n in data.notes)
    days = pd.date_range("2021-03-20", periods=20, freq="D", tz="Europe/Berlin")
    text = "time,load\n" + "".join(f"{s.isoformat()},{k}\n" for k, s in enumerate(days))
    assert not any("UTC" in n for n in read_csv(write_csv(text, "days.csv")).notes)
    utc = "time,load\n" + "".join(f"{s.tz_convert('UTC').isoformat()},{k}\n"
                                  for k, s in enumerate(stamps))
    assert not any("UTC" in n for n in read_csv(write_csv(utc, "utc.csv")).notes)


@pytest.mark.parametrize("header, cells, part", [
    ("Date,Time,Load", [(d.strftime("%Y-%m-%d"), d.strftime("%H:%M")) for d in
                        pd.date_range("2021-01-01", periods=72, freq="h")], "times of day"),
    ("year,period,sales", [(str(d.year), f"H{1 + d.month // 7}") for d in
                           pd.date_range("2018-01-01", periods=30, freq="6MS")],
     "periods of the year"),
])
def test_a_date_split_over_two_columns_is_refused_not_read_as_made_up_series(
        write_csv, header, cells, part):
    # The hours 00:00 ... 23:00 (or H1, H2) were read as the ids of 24 (2) series.
    text = header + "\n" + "".join(f"{a},{b},{k}\n" for k, (a, b) in enumerate(cells))
    with pytest.raises(ValidationError, match=f"holds {part}, not names of series.*Join"):
        read_csv(write_csv(text))


@pytest.mark.parametrize("cell", ['"1,{k:03d}"', "{k}%", "$ {k}.00", "1'{k:03d}.50"])
def test_numbers_written_for_people_are_refused_not_left_out(write_csv, cell):
    # A column of '1,234' (or 5%, $5.00) was left out with a note, and only the other
    # series forecast; one of Swiss 1'234.50 was 'no numeric column', naming no cell.
    text = "date,sales,visits\n" + "".join(
        f"2020-{m:02d}-01,{cell.format(k=m)},{m}\n" for m in range(1, 13))
    with pytest.raises(ValidationError, match=r"'sales' must hold numbers.*without thousands"):
        read_csv(write_csv(text))
    words = "date,sales,comment\n" + "".join(
        f"2020-{m:02d}-01,{m},{'fine' if m % 2 else 'so so'}\n" for m in range(1, 13))
    assert read_csv(write_csv(words, "words.csv")).names == ["sales"]  # text stays text


def test_repeated_dates_advise_an_id_column(write_csv):
    repeated = "date,sales\n" + "".join(f"2020-01-0{1 + k // 2},{k}\n" for k in range(6))
    with pytest.raises(ValidationError, match=r"appear more than once.*id_column"):
        read_csv(write_csv(repeated, "repeated.csv"))


def test_gap_is_an_error_that_lists_the_missing_dates(write_csv):
    dates = list(pd.date_range("2020-01-01", periods=30, freq="MS").strftime("%Y-%m-%d"))
    del dates[7], dates[12]
    path = write_csv(_csv(dates, range(28)))
    with pytest.raises(ValidationError, match=r"2 date\(s\) are missing.*2020-08-01.*"
                                              r"2021-02-01.*fill='interpolate'"):
        read_csv(path)
    filled = read_csv(path, fill="interpolate")
    assert len(filled.values) == 30 and filled.filled == ["2020-08-01", "2021-02-01"]
    assert filled.filled_notes("interpolate") == ["filled 2 missing date(s) with interpolate"]
    assert read_csv(write_csv(_csv(dates[:7], range(7)), "whole.csv")).filled_notes("ffill") == []
    assert filled.values.iloc[7, 0] == pytest.approx(6.5)
    assert read_csv(path, fill="ffill").values.iloc[7, 0] == 6


def test_missing_value_is_reported_with_its_date(write_csv):
    dates = pd.date_range("2020-01-01", periods=20, freq="MS").strftime("%Y-%m-%d")
    values = [str(v) for v in range(20)]
    values[5] = ""
    with pytest.raises(ValidationError, match="2020-06-01"):
        read_csv(write_csv(_csv(dates, values)))


def test_duplicate_dates_are_refused(write_csv):
    dates = ["2020-01-01", "2020-02-01", "2020-02-01", "2020-03-01"]
    with pytest.raises(ValidationError, match="unique.*2020-02-01"):
        read_csv(write_csv(_csv(dates, range(4))))


def test_dates_out_of_order_or_newest_first_are_read_sorted_with_a_note(write_csv):
    # Rows out of order were refused ("Sort the data by date"), and so were exports newest
    # first, though unique dates leave their order plain (a long file was sorted already).
    dates = ["2020-01-01", "2020-03-01", "2020-02-01", "2020-04-01"]
    data = read_csv(write_csv(_csv(dates, [10, 30, 20, 40])))
    assert list(data.values.index) == list(pd.date_range("2020-01-01", periods=4, freq="MS"))
    assert list(data.values.iloc[:, 0]) == [10, 20, 30, 40] and data.freq == "MS"
    assert any("not in date order (row 3 of the data, 2020-02-01, is older than the row "
               "above it, 2020-03-01): read sorted by date" in n for n in data.notes)
    newest = read_csv(write_csv(_csv(sorted(dates, reverse=True), [40, 30, 20, 10]),
                                "newest.csv"))
    assert list(newest.values.iloc[:, 0]) == [10, 20, 30, 40]
    assert any(n == "the rows are newest first: read oldest first" for n in newest.notes)
    # Sorted, they must still be regular: a day/month mix-up is not hidden by the sorting.
    with pytest.raises(ValidationError, match="2020-06-01|regular|frequency|missing"):
        read_csv(write_csv(_csv(["2020-01-01", "2020-06-01", "2020-02-01", "2020-03-01"],
                                range(4)), "gap.csv"))


def test_unparseable_dates_are_named(write_csv):
    dates = ["2020-01-01", "2020-02-01", "not a date", "2020-04-01"]
    with pytest.raises(ValidationError, match="'not a date'"):
        read_csv(write_csv(_csv(dates, range(4))))


def test_unreadable_files_and_repeated_columns_are_refused(write_csv, tmp_path):
    latin1 = tmp_path / "latin1.csv"  # 0x81 is no character of Windows-1252 either
    latin1.write_bytes(b"date,value\n2020-01-01,caf\xe9\x81\n")
    with pytest.raises(ValidationError, match=r"not valid UTF-8 \(byte 0xe9"):
        read_csv(latin1)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\x00\x01\x02")
    with pytest.raises(ValidationError, match="is binary"):
        read_csv(binary)
    with pytest.raises(ValidationError, match="is a folder, not a file: name the file to read"):
        read_csv(tmp_path)
    dates = pd.date_range("2020-01-01", periods=6, freq="MS").strftime("%Y-%m-%d")
    text = "date,sales,sales\n" + "".join(f"{d},{i},{i}\n" for i, d in enumerate(dates))
    with pytest.raises(ValidationError, match=r"\['sales'\] more than once"):
        read_csv(write_csv(text))


def test_old_mac_line_endings_are_read(write_csv):
    # Lines ended by a carriage return alone used to stop the header check with an
    # unexpected csv.Error ("new-line character seen in unquoted field").
    dates = pd.date_range("2020-01-01", periods=6, freq="MS").strftime("%Y-%m-%d")
    data = read_csv(write_csv(_csv(dates, range(6)).replace("\n", "\r")))
    assert data.names == ["value"] and data.freq == "MS" and list(data.series("value")) == \
        [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    with pytest.raises(ValidationError, match=r"names column\(s\) \['a'\] more than once"):
        read_csv(write_csv("date,a,a\r2020-01-01,1,2\r2020-02-01,1,2\r"))


def test_spaces_around_column_names_and_before_cells_are_dropped(write_csv):
    # 'date, sales' used to name a series ' sales', and '--value-column y' was refused for
    # a long file headed 'unique_id , ds , y' ("the columns are ['unique_id ', ' ds ' ...").
    dates = pd.date_range("2020-01-01", periods=6, freq="MS").strftime("%Y-%m-%d")
    wide = read_csv(write_csv("date, sales\n" + "".join(f"{d}, {i}\n"
                                                        for i, d in enumerate(dates))))
    assert wide.names == ["sales"] and list(wide.series("sales")) == [0, 1, 2, 3, 4, 5]
    rows = "".join(f"{k}, {d}, {i}\n" for k in ("a", "b") for i, d in enumerate(dates))
    long = read_csv(write_csv("unique_id , ds , y\n" + rows), id_column="unique_id",
                    date_column="ds", value_column="y")
    assert long.names == ["a", "b"] and long.freq == "MS"
    with pytest.raises(ValidationError, match=r"names column\(s\) \['a'\] more than once"):
        read_csv(write_csv("date,a, a\n2020-01-01,1,2\n2020-02-01,1,2\n"))
    # A quoted name after the space is split as pandas splits it: 'x,y' is one column.
    quoted = read_csv(write_csv('date, "x,y", "sales"\n' + "".join(
        f'{d}, {i}, "{2 * i}"\n' for i, d in enumerate(dates))))
    assert quoted.names == ["x,y", "sales"] and list(quoted.series("sales")) == \
        [0, 2, 4, 6, 8, 10]


def test_a_trailing_comma_on_every_row_is_dropped(write_csv):
    # It used to shift the columns (pandas took the dates as the index): "The date column
    # 'date' has values that are not dates: 0, 1, 2 ...".
    dates = pd.date_range("2020-01-01", periods=6, freq="MS").strftime("%Y-%m-%d")
    data = read_csv(write_csv(_csv(dates, range(6)).replace("\n", ",\n").replace(
        "value,", "value", 1)))
    assert data.names == ["value"] and data.freq == "MS" and data.series("value").iloc[-1] == 5.0


def test_an_all_missing_column_is_left_out_with_a_note_and_the_others_read(write_csv):
    # A series not yet begun (or a column left blank) refused the whole file: "Drop them".
    dates = pd.date_range("2020-01-01", periods=6, freq="MS").strftime("%Y-%m-%d")
    text = "date,a,b\n" + "".join(f"{d},{i},\n" for i, d in enumerate(dates))
    data = read_csv(write_csv(text))
    assert data.names == ["a"] and list(data.series("a")) == [0, 1, 2, 3, 4, 5]
    assert "left out the column(s) ['b']: no values to forecast from" in data.notes
    nothing = "date,a,b\n" + "".join(f"{d},,\n" for d in dates)
    with pytest.raises(ValidationError, match=r"\['a', 'b'\] hold no values at all"):
        read_csv(write_csv(nothing, "nothing.csv"))


def test_bad_options_name_what_was_given():
    frame = pd.DataFrame({"a": np.arange(10.0)},
                         index=pd.date_range("2020-01-01", periods=10, freq="D"))
    with pytest.raises(ValidationError, match="'fill'.*'zero'"):
        prepare(frame, fill="zero")
    with pytest.raises(ValidationError, match="covariates.*'temp'"):
        prepare(frame, covariates=["temp"])
    with pytest.raises(ValidationError, match="'date_column'.*'when'"):
        prepare(frame.reset_index(), date_column="when")


def test_numpy_input_has_positions_and_no_season():
    data = prepare(np.arange(24.0))
    assert data.freq is None and data.season_length == 1
    assert prepare(np.arange(24.0), season_length=12).season_length == 12


def test_covariates_are_kept_apart(write_csv):
    dates = pd.date_range("2020-01-01", periods=10, freq="D").strftime("%Y-%m-%d")
    text = "date,sales,temp\n" + "".join(f"{d},{i},{20 + i % 3}\n" for i, d in enumerate(dates))
    data = read_csv(write_csv(text), covariates=["temp"])
    assert list(data.values.columns) == ["sales"] and list(data.covariates.columns) == ["temp"]


def test_a_covariate_named_twice_is_refused(write_csv):
    # It was taken twice: "'promo' and 'promo' feed only the LSTM hybrid".
    dates = pd.date_range("2020-01-01", periods=10, freq="D").strftime("%Y-%m-%d")
    text = "date,sales,promo\n" + "".join(f"{d},{i},{i % 2}\n" for i, d in enumerate(dates))
    with pytest.raises(ValidationError, match=r"'covariates' parameter of prepare names "
                                              r"\['promo'\] more than once"):
        read_csv(write_csv(text), covariates=["promo", "promo"])


def test_a_typesetting_minus_sign_is_named_with_what_to_write(write_csv):
    # '−3' (U+2212, as typeset sheets and web pages write it) was only "not numbers".
    dates = pd.date_range("2020-01-01", periods=10, freq="D").strftime("%Y-%m-%d")
    minus = "\u2212"
    text = "date,sales\n" + "".join(f"{d},{minus if i % 2 else ''}{i}\n"
                                    for i, d in enumerate(dates))
    with pytest.raises(ValidationError, match=r"'sales' holds numbers and 5 cell\(s\).*write "
                                              r"minus signs as '-'"):
        read_csv(write_csv(text))


def test_a_covariate_of_yes_and_no_says_to_write_1_and_0(write_csv):
    # TRUE/FALSE are read as 1/0; yes/no were refused as "must hold numbers" without a word
    # on what to write instead.
    dates = pd.date_range("2020-01-01", periods=10, freq="D").strftime("%Y-%m-%d")
    text = "date,sales,promo\n" + "".join(f"{d},{i},{'yes' if i % 3 else 'no'}\n"
                                          for i, d in enumerate(dates))
    with pytest.raises(ValidationError, match=r"'promo' must hold numbers.*write yes as 1 "
                                              r"and no as 0"):
        read_csv(write_csv(text), covariates=["promo"])
    data = read_csv(write_csv(text.replace(",yes", ",TRUE").replace(",no", ",FALSE")),
                    covariates=["promo"])
    assert list(data.covariates["promo"].iloc[:3]) == [0, 1, 1]


@pytest.mark.parametrize("fill", [None, "ffill", "interpolate"])
def test_a_covariate_without_any_value_is_refused_by_name_whatever_the_fill(write_csv, fill):
    # Regression: with a fill it stayed NaN and reached the LSTM ("`x` contains NaN").
    dates = pd.date_range("2020-01-01", periods=8, freq="MS").strftime("%Y-%m-%d")
    wide = "date,sales,promo\n" + "".join(f"{d},{100 + 3 * i},\n" for i, d in enumerate(dates))
    with pytest.raises(ValidationError, match=r"covariate 'promo' holds no values.*leave "
                       r"'promo' out of `covariates`"):
        read_csv(write_csv(wide), covariates=["promo"], fill=fill)
    long = "unique_id,ds,y,price\n" + "".join(
        f"{s},{d},{100 + i},{10 + i % 3 if s == 'A' and i != 4 else ''}\n"
        for s in "AB" for i, d in enumerate(dates))
    with pytest.raises(ValidationError, match="covariate 'price' of the series 'B' holds no "
                       "values"):
        read_csv(write_csv(long, "long.csv"), covariates=["price"], fill=fill or "ffill")


def test_infinite_values_are_refused(write_csv):
    dates = pd.date_range("2020-01-01", periods=5, freq="MS").strftime("%Y-%m-%d")
    with pytest.raises(ValidationError, match="Infinite values at 2020-03-01"):
        read_csv(write_csv(_csv(dates, [1, 2, "inf", 4, 5])))


@pytest.mark.parametrize("name", ["series", "item", "id"])
def test_a_wide_series_named_like_an_id_is_a_series(write_csv, name):
    """Id-like columns are read as text (ids such as 007 keep their zeros); one whose
    values are numbers is a series all the same, repeats or not."""
    data = read_csv(write_csv(_csv(pd.date_range("2020-01-01", periods=6, freq="MS")
                                   .strftime("%Y-%m-%d"), [5, 3, 5, 4, 6, 5], f"date,{name}")))
    assert data.names == [name] and list(data.series(name)) == [5, 3, 5, 4, 6, 5]


@pytest.mark.parametrize("text, index, names", [
    ("time,value\n08.00,5\n09.00,7\n10.00,6\n11.00,8\n12.00,9\n", [8, 9, 10, 11, 12],
     ["value"]),                                       # hours, not August ... of 2000
    ("run,dia,load\n1,20,5.5\n2,21,6.1\n3,22,6.9\n4,23,7.4\n5,24,8.0\n", [1, 2, 3, 4, 5],
     ["dia", "load"]),                                 # a diameter, not days
    ("PAR1,PAR2\n1,2\n3,4\n5,6\n", [0, 1, 2], ["PAR1", "PAR2"]),  # a CSV, not Parquet
])
def test_ordinary_files_read_as_before_the_other_languages_came(write_csv, text, index, names):
    # Review of the international readers: each was misread or refused on the way.
    data = read_csv(write_csv(text))
    assert list(data.values.index) == index and data.names == names


@pytest.mark.parametrize("text", [
    "date,value\nJan 01,1\nFeb 01,2\nMar 01,3\nApr 01,4\nMay 01,5\nJun 01,6\n",  # days
    "date,value\n" + "".join(f"Mar {d},{d}\n" for d in range(25, 32)),
    "day,value\n01.10,5\n02.10,7\n03.10,6\n04.10,8\n05.10,9\n",  # day.month, no year
])
def test_days_without_a_year_stay_refused(write_csv, text):
    with pytest.raises(ValidationError, match="not dates"):
        read_csv(write_csv(text))


def test_a_utf8_file_with_one_latin1_byte_is_refused_not_misread(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes("unique_id,ds,y\nCafé,2020-01-01,1\nCafé,2020-01-02,2\n".encode()
                     + b"Z\xfcrich,2020-01-01,3\nZ\xfcrich,2020-01-02,4\n")
    with pytest.raises(ValidationError, match=r"not valid UTF-8 \(byte 0xfc"):
        read_csv(path)


@pytest.mark.parametrize("written", ["Montag, {d}. März 2021", "Mo, {d:02d}.03.2021",
                                     "lundi {d} mars 2021", "lunes, {d} de marzo de 2021"])
def test_long_dates_with_a_weekday_in_other_languages_are_dates(write_csv, written):
    # Excel's long date formats were refused as 'not dates' (the weekday is the same word
    # for every test row here: only its place is read).
    text = "Datum;Wert\n" + "".join(f"{written.format(d=d)};{d}\n" for d in range(1, 21))
    data = read_csv(write_csv(text))
    assert data.freq == "D" and data.values.index[0] == pd.Timestamp("2021-03-01")


def test_a_column_named_like_a_day_in_another_language_holding_numbers_is_a_series(write_csv):
    # 'dia' (day in Portuguese, a diameter in English) holding 1250, 1300 ... is no years.
    text = "run,dia,load\n" + "".join(f"{k},{1200 + 50 * k},{k}.5\n" for k in range(1, 7))
    data = read_csv(write_csv(text))
    assert data.names == ["dia", "load"] and list(data.values.index) == [1, 2, 3, 4, 5, 6]


def _weekly_long(starts: list[str]) -> str:
    rows = ["id,week,qty"]
    for k, start in enumerate(starts):
        rows += [f"S{k},{d.date()},{50 + k + i % 5}"
                 for i, d in enumerate(pd.date_range(start, periods=40, freq="7D"))]
    return "\n".join(rows) + "\n"


def test_weekly_series_on_different_weekdays_are_refused_naming_their_weekdays(write_csv):
    # They shared a daily grid: refused for 277 missing dates, and --fill, as advised,
    # invented six days of every seven and forecast daily dates.
    path = write_csv(_weekly_long(["2023-01-01", "2023-01-04", "2023-01-06"]))
    for fill in (None, "interpolate", "ffill"):
        with pytest.raises(ValidationError, match=r"'S0' weekly \(W-SUN\), 'S1' weekly \(W-WED\), 'S2' weekly \(W-FRI\) are "
                                                  r"each regular.*grid daily \(D\).*same weekday"):
            read_csv(path, fill=fill)
    # With a daily series beside them, the weekly ones are refused all the same.
    daily = "".join(f"D,{d.date()},{k}\n" for k, d in enumerate(
        pd.date_range("2023-01-01", periods=280, freq="D")))
    with pytest.raises(ValidationError, match=r"'S0' weekly \(W-SUN\), 'S1' weekly "
                                              r"\(W-WED\), 'S2' weekly \(W-FRI\)"):
        read_csv(write_csv(path.read_text() + daily, "with_daily.csv"), fill="ffill")
    # On one weekday they are read, each from its own start.
    data = read_csv(write_csv(_weekly_long(["2023-01-01", "2023-01-15", "2023-02-05"]),
                              "same.csv"))
    assert data.freq == "W-SUN" and data.names == ["S0", "S1", "S2"]


def test_series_on_grids_of_their_own_that_fit_no_one_grid_are_named(write_csv):
    # Monthly series dated at the months' starts beside ones dated at their ends fit no
    # one grid: the error said only that the frequency could not be inferred.
    starts = [("m", d.date(), 50 + k % 3) for k, d in enumerate(
        pd.date_range("2018-01-01", periods=24, freq="MS"))]
    ends = [("e", d.date(), 50 + k % 2) for k, d in enumerate(
        pd.date_range("2018-01-31", periods=24, freq="ME"))]
    path = write_csv("unique_id,ds,y\n" + "".join(f"{i},{d},{v}\n" for i, d, v in starts + ends))
    with pytest.raises(ValidationError, match=r"grids of their own, not one: 'm' monthly \(MS\), 'e' monthly \(ME\)\. "
                                              r"Put the dates on one grid"):
        read_csv(path)
    # Dates that fit no grid in one series keep the frequency error.
    with pytest.raises(ValidationError, match="Could not infer the frequency"):
        read_csv(write_csv("date,a,b\n2020-01-01,1,2\n2020-01-09,2,3\n2020-03-17,3,4\n"
                           "2020-03-20,4,5\n", "odd.csv"))


def test_spaces_around_an_id_are_no_part_of_it(write_csv):
    # Unquoted, ' padded ' was read 'padded ' (the spaces before a cell dropped, not those
    # after), and 'a ' was a series apart from ' a' and 'a'.
    dates = [d.date() for d in pd.date_range("2020-01-01", periods=12, freq="MS")]
    text = "unique_id,ds,y\n" + "".join(
        f"{name},{d},{j}\n" for j, d in enumerate(dates)
        for name in (" padded ", "a " if j % 2 else " a", '" b "' if j % 2 else "b"))
    data = read_csv(write_csv(text))
    assert sorted(data.names) == ["a", "b", "padded"]
    assert not data.values.isna().any().any()  # each one series, every month
    with pytest.raises(ValidationError, match=r"has 1 empty cell\(s\), the first in row 3 of "
                                              r"the data .*, dated 2020-02-01"):
        read_csv(write_csv('unique_id,ds,y\na,2020-01-01,1\nb,2020-01-01,2\n"  ",2020-02-01,3\n',
                           "blank.csv"))
    # Each date of a long file is many rows: the date alone ('first at 2020-01-01') did not
    # say which; the row, counted past a dropped note row, and how many do.
    text = ("Sales by store\n\nunique_id,ds,y\na,2020-01-01,1\n,2020-01-01,2\n"
            "b,2020-01-01,3\n,2020-02-01,4\na,2020-02-01,5\n")
    with pytest.raises(ValidationError, match=r"'unique_id' has 2 empty cell\(s\), the first in "
                                              r"row 2 of the data \(the first below the "
                                              r"header being 1\), dated 2020-01-01; every row"):
        read_csv(write_csv(text, "blanks.csv"))


def test_a_quarterly_series_beside_monthly_ones_is_refused_not_filled(write_csv):
    # The error advised --fill, which then invented two of every three of its months and
    # forecast it monthly.
    monthly = [("m", d.date(), 50 + k % 3) for k, d in enumerate(
        pd.date_range("2018-01-01", periods=24, freq="MS"))]
    quarterly = [("q", d.date(), 50 + k % 2) for k, d in enumerate(
        pd.date_range("2018-01-01", periods=12, freq="QS"))]
    path = write_csv("unique_id,ds,y\n" + "".join(f"{i},{d},{v}\n"
                                                  for i, d, v in monthly + quarterly))
    for fill in (None, "interpolate"):
        with pytest.raises(ValidationError, match=r"'q' quarterly \(QS-\w+\) are each regular on a grid "
                                                  r"of their own.*grid monthly \(MS\).*one grid, or "
                                                  r"forecast.*separate files"):
            read_csv(path, fill=fill)
    # A monthly series missing every other month is no grid of its own beside the others:
    # its gaps are listed, to fill or fix.
    gappy = [row for k, row in enumerate(monthly) if k % 2 == 0 or k > 18]
    other = [("n", d.date(), k) for k, d in enumerate(
        pd.date_range("2018-01-01", periods=24, freq="MS"))]
    with pytest.raises(ValidationError, match=r"date\(s\) are missing"):
        read_csv(write_csv("unique_id,ds,y\n" + "".join(f"{i},{d},{v}\n"
                                                        for i, d, v in gappy + other),
                           "gappy.csv"))


def test_a_frequency_far_finer_than_the_data_is_refused_even_with_fill(write_csv):
    # Monthly values read with freq 'D' and --fill were forecast as daily steps, 29 of
    # every 30 values invented.
    dates = pd.date_range("2020-01-01", periods=24, freq="MS")
    path = write_csv("date,sales\n" + "".join(f"{d.date()},{k}\n" for k, d in enumerate(dates)))
    with pytest.raises(ValidationError, match=r"'sales' monthly \(MS\) are each regular.*grid daily \(D\).*Pass "
                                              r"their frequency \('MS', --freq\)"):
        read_csv(path, freq="D", fill="interpolate")
    assert read_csv(path).freq == "MS"
    # Gaps without a grid of their own (trading hours, nights and weekends missing) are
    # filled when asked, as before.
    hours = [h for h in pd.date_range("2024-01-01", periods=24 * 28, freq="h")
             if h.dayofweek < 5 and 9 <= h.hour <= 15]
    text = "time,price\n" + "".join(f"{h},{k}\n" for k, h in enumerate(hours))
    data = read_csv(write_csv(text, "hours.csv"), freq="h", fill="ffill")
    assert data.freq == "h" and len(data.values) > 3 * len(hours)


def test_freds_dot_for_a_missing_value_is_read_as_missing_with_a_note(write_csv):
    # FRED writes '.' where a value is not available (holidays, the quarter not yet out):
    # such files were refused for 'cells that are not numbers'.
    dates = pd.date_range("2010-01-01", periods=24, freq="QS")
    cells = [str(100 + k) for k in range(23)] + ["."]
    text = "observation_date,GDP\n" + "".join(f"{d.date()},{c}\n" for d, c in zip(dates, cells, strict=True))
    data = read_csv(write_csv(text))
    assert data.spans["GDP"] == (0, 22) and data.values["GDP"].iloc[22] == 122
    assert "read 1 cell(s) of 'GDP' holding '.' as missing values" in data.notes
    # Inside a series they are gaps, filled only when asked.
    cells[10] = "."
    text = "observation_date,GDP\n" + "".join(f"{d.date()},{c}\n" for d, c in zip(dates, cells, strict=True))
    with pytest.raises(ValidationError, match=r"1 date\(s\) are missing.*2012-07-01"):
        read_csv(write_csv(text, "gap.csv"))
    filled = read_csv(write_csv(text, "gap.csv"), fill="interpolate")
    assert filled.values["GDP"].iloc[10] == 110
    # In a long file too, and a column of markers alone is no series.
    long = "id,date,value,flag\n" + "".join(
        f"{s},{d.date()},{'..' if k == 23 else 100 + k},..\n"
        for s in ("a", "b") for k, d in enumerate(dates))
    data = read_csv(write_csv(long, "long.csv"))
    assert data.names == ["a", "b"] and data.spans["b"] == (0, 22)
    assert any("holding '..' as missing values" in n for n in data.notes)


def test_a_frequency_the_dates_do_not_follow_names_the_one_they_do(write_csv):
    # Month starts given --freq M (month ends) were refused with 'pass the right freq', and
    # pandas' notice that 'M' is deprecated printed above it.
    dates = pd.date_range("2020-01-01", periods=24, freq="MS")
    path = write_csv("date,sales\n" + "".join(f"{d.date()},{k}\n" for k, d in enumerate(dates)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValidationError, match=r"frequency 'M' \(2020-01-31, 2020-02-29 "
                                                  r"\.\.\.\): e\.g\. 2020-01-01\. The dates "
                                                  r"are monthly \(MS\): pass 'MS'"):
            read_csv(path, freq="M")


@pytest.mark.parametrize("freq, says", [
    ("0D", r"'0D', a step of 0: the step from one date to the next must be forward, such "
           r"as 'D'\.$"),
    ("-1MS", r"'-1MS', a step of -1: .* such as 'MS'\.$"),
    ("W-FOO", r"'W-FOO', which is not a pandas frequency; e\.g\. 'MS', 'QS', 'YS', 'W-SUN', "
              r"'D', 'h'\.$")])
def test_a_frequency_pandas_does_not_know_or_that_steps_nowhere_is_refused_plainly(
        write_csv, freq, says):
    # '0D' crashed with a ZeroDivisionError building the grid of dates; '-1MS' was said not
    # to fit the dates; an unknown name showed pandas' nested ValueError and KeyError.
    dates = pd.date_range("2020-01-01", periods=24, freq="MS")
    path = write_csv("date,sales\n" + "".join(f"{d.date()},{k}\n" for k, d in enumerate(dates)))
    with pytest.raises(ValidationError, match=r"^The 'freq' parameter is " + says) as refused:
        read_csv(path, freq=freq)
    assert "Error" not in str(refused.value)


@pytest.mark.parametrize("text", ["", "\n\n\n", "\ufeff", " \r\n"])
def test_an_empty_file_is_named_as_such(write_csv, text):
    # pandas' 'Could not read ... as CSV: No columns to parse from file' was shown.
    path = write_csv(text, "empty.csv")
    with pytest.raises(ValidationError, match=r"^The data file .*empty\.csv is empty \(blank "
                                              r"lines at most\); expected a header naming the "
                                              r"columns, then rows of values\.$"):
        read_csv(path)


@pytest.mark.parametrize("text", [",,\n,,\n", ";;\n;;\n", ' , ,\n"",""\n', "|\t|\n"])
def test_a_file_of_separators_alone_is_named_as_such(write_csv, text):
    # 'No numeric value column to forecast among []' was shown (a review).
    path = write_csv(text, "commas.csv")
    with pytest.raises(ValidationError, match=r"^The data file .*commas\.csv holds separators "
                                              r"alone \(no name nor value in any cell\)"):
        read_csv(path)


@pytest.mark.parametrize("name", ["sales.jsonl", "sales.csv"])
def test_json_lines_are_named_as_json_not_read_as_csv(write_csv, name):
    # Split at commas, the objects were columns: "No numeric value column to forecast among
    # ['{"date": "2020-01-01"', 'sales: 0}']".
    path = write_csv("".join(f'{{"date": "2020-01-0{k}", "sales": {k}}}\n' for k in range(1, 9)),
                     name)
    with pytest.raises(ValidationError, match=r"^The data file .*sales\.(jsonl|csv) is JSON, "
                                              r"not CSV: forecasting reads a CSV table"):
        read_csv(path)


def test_a_quote_never_closed_is_named_as_such(write_csv):
    # pandas' "Error tokenizing data. C error: EOF inside string starting at row 3" was shown.
    path = write_csv('date,sales\n2020-01-01,1\n2020-01-02,2\n2020-01-03,"3\n2020-01-04,4\n')
    with pytest.raises(ValidationError, match=r"as CSV: a quote \(\"\) opened in data row 3 "
                                              r"\(the header is row 0\) is never closed"):
        read_csv(path)


def test_an_hour_written_twice_when_clocks_go_back_is_named_as_such(write_csv):
    # Local times repeat an hour at the end of summer time: the message advised naming an
    # id column, as for a long file.
    for day, repeated in (("2023-10-29", 2), ("2023-11-05", 1)):  # Europe, the US
        hours = list(pd.date_range(f"{day} 00:00", periods=48, freq="h"))
        hours.insert(repeated + 1, hours[repeated])
        text = "Datum,Last\n" + "".join(f"{h:%d.%m.%Y %H:%M},{k}\n" for k, h in enumerate(hours))
        with pytest.raises(ValidationError, match=r"appear more than once: .*0"
                                                  f"{repeated}:00:00\\. An hour written twice "
                                                  r"in a night .* UTC offsets"):
            read_csv(write_csv(text))
    # Repeated days are no clock change.
    days = list(pd.date_range("2023-10-01", periods=30, freq="D"))
    days.insert(5, days[4])
    text = "date,sales\n" + "".join(f"{d.date()},{k}\n" for k, d in enumerate(days))
    with pytest.raises(ValidationError, match="id_column") as caught:
        read_csv(write_csv(text, "days.csv"))
    assert "summer time" not in str(caught.value)
    # A repeated midnight among hours is shown with its time: '2023-10-02' alone named a
    # day of 24 rows.
    hours = list(pd.date_range("2023-10-01", periods=48, freq="h"))
    hours.insert(25, hours[24])
    text = _loads(hours)
    with pytest.raises(ValidationError, match=r"appear more than once: 2023-10-02 00:00:00\. "):
        read_csv(write_csv(text, "hours.csv"))


@pytest.mark.parametrize("freq", ["15min", "2h", "6h", "2D"])
def test_steps_of_several_units_with_a_gap_keep_their_own_step(write_csv, freq):
    # One reading missing: 15-minute and 6-hour steps fit no frequency ("Pass `freq`, e.g.
    # 'MS', 'QS', 'D'"); 2-hour and 2-day steps were read hourly and daily, every other
    # place missing, and with --fill half the series was interpolated.
    dates = list(pd.date_range("2021-01-04", periods=60, freq=freq))
    del dates[30]
    text = _loads(dates)
    with pytest.raises(ValidationError, match=r"^1 date\(s\) are missing"):
        read_csv(write_csv(text))
    data = read_csv(write_csv(text), fill="interpolate")
    assert data.freq == freq and len(data.values) == 60 and data.filled


def test_an_hour_skipped_when_clocks_go_forward_is_named_as_such(write_csv):
    # Local times skip an hour at the start of summer time: the message asked only to fill
    # it, and the same file's autumn night was then refused for its repeated hour.
    for zone, day in (("Europe/Berlin", "2021-03-28"), ("America/New_York", "2021-03-14")):
        hours = pd.date_range(f"{day} 00:00", periods=47, freq="h", tz=zone)
        text = _loads(hours)
        with pytest.raises(ValidationError, match=rf"missing or have missing values: {day} "
                                                  r"02:00:00 .*An hour missing from a night is "
                                                  r"what clocks set forward .* UTC offsets"):
            read_csv(write_csv(text))
    # An hour missing on another night is only missing.
    hours = list(pd.date_range("2021-03-25 00:00", periods=48, freq="h"))
    del hours[26]
    text = _loads(hours)
    with pytest.raises(ValidationError, match="missing or have missing values") as caught:
        read_csv(write_csv(text, "gap.csv"))
    assert "summer time" not in str(caught.value)


def test_id_and_value_columns_that_hold_the_wrong_kind_are_refused_plainly(write_csv):
    # --id-column naming the values gave '48 date(s) are missing ... in the series 47.5';
    # --value-column naming the dates blamed the values' column for not holding dates.
    dates = pd.date_range("2022-01-03", periods=12, freq="W-MON")
    text = "store,date,sales\n" + "".join(f"{s},{d.date()},{50 + k + s / 10 + 0.05}\n"
                                          for s in (1, 2) for k, d in enumerate(dates))
    path = write_csv(text)
    with pytest.raises(ValidationError, match=r"id column 'sales' holds decimals \(50\.15, "
                                              r"51\.15, 52\.15 \.\.\.\), not names of series"):
        read_csv(path, id_column="sales")
    with pytest.raises(ValidationError, match=r"'value_column' parameter names 'date', which "
                                              r"holds dates, not values"):
        read_csv(path, value_column="date")
    # --value-column naming the ids' words said "no text column names the series".
    named = write_csv(text.replace("\n1,", "\nnorth,").replace("\n2,", "\nsouth,"), "n.csv")
    with pytest.raises(ValidationError, match=r"'value_column' parameter names 'store', which "
                                              r"holds words \('north', 'south'\), not numbers"):
        read_csv(named, value_column="store")
    assert read_csv(named, value_column="sales").names == ["north", "south"]
    assert read_csv(path, id_column="store").names == ["1", "2"]
    # Codes with a decimal point that name many rows each are ids.
    coded = text.replace("store,", "section,").replace("\n1,", "\n1.1,").replace("\n2,",
                                                                                 "\n2.1,")
    assert read_csv(write_csv(coded, "coded.csv"), id_column="section").names == ["1.1", "2.1"]


def test_a_date_column_named_on_the_values_of_a_long_file_is_refused_as_such(write_csv):
    # --date-column sales took the dates for the ids and said the long file "has no
    # numeric column(s) that could hold the values", though 'sales' held them.
    dates = pd.date_range("2020-01-01", periods=12, freq="MS").strftime("%Y-%m-%d")
    text = "region,date,sales\n" + "".join(f"{r},{d},{100 + k + 0.5}\n" for r in ("north",
                                                                                "south")
                                          for k, d in enumerate(dates))
    with pytest.raises(ValidationError, match=r"'date_column' parameter names 'sales', which "
                                              r"holds decimals \(100\.5, 101\.5, 102\.5 "
                                              r"\.\.\.\), neither dates nor step numbers"):
        read_csv(write_csv(text), date_column="sales")
    assert read_csv(write_csv(text), date_column="date").names == ["north", "south"]


def test_a_date_off_the_grid_of_all_the_others_is_named(write_csv):
    # One Tuesday among weekly Mondays: 'they fit no regular grid', with no hint of which.
    for freq, stray in (("W-MON", pd.Timedelta(days=1)), ("MS", pd.Timedelta(days=14)),
                        ("h", pd.Timedelta(minutes=30))):
        dates = list(pd.date_range("2021-01-04", periods=60, freq=freq))
        dates[30] += stray
        text = "date,sales\n" + "".join(f"{d},{k}\n" for k, d in enumerate(dates))
        fit = re.escape(describe_freq(freq))
        with pytest.raises(ValidationError, match=f"All but 1 fit {fit}: "
                                                  f"{re.escape(label(dates[30]))} "):
            read_csv(write_csv(text, f"{freq}.csv"))
    # Dates on no grid at all get no such hint.
    rng = np.random.default_rng(0)
    days = pd.Timestamp("2021-01-01") + pd.to_timedelta(np.sort(rng.choice(3000, 40, False)),
                                                         unit="D") * 7 / 3
    text = "date,sales\n" + "".join(f"{d},{k}\n" for k, d in enumerate(days))
    with pytest.raises(ValidationError, match="no regular") as caught:
        read_csv(write_csv(text, "none.csv"))
    assert "All but" not in str(caught.value)


def test_the_reviews_edge_cases_of_the_new_reading_rules(write_csv):
    months = pd.date_range("2023-02-01", periods=10, freq="MS")
    ten = write_csv("date,sales\n" + "".join(f"{d.date()},{k}\n" for k, d in enumerate(months)))
    # A frequency none of whose dates falls in the data's span: no IndexError.
    with pytest.raises(ValidationError, match=r"do not follow the frequency 'YS': e\.g\. "
                                              r"2023-02-01\. The dates are monthly \(MS\): pass 'MS'"):
        read_csv(ten, freq="YS")
    # A placeholder column of '.' but for a few numbers is left out, as before.
    dates = pd.date_range("2020-01-01", periods=40, freq="MS")
    text = "date,sales,revised\n" + "".join(
        f"{d.date()},{100 + k},{1 if k in (3, 17, 30) else '.'}\n" for k, d in enumerate(dates))
    data = read_csv(write_csv(text, "placeholder.csv"))
    assert data.names == ["sales"]
    assert any("'revised' holds more cells that say a value is not available" in n
               for n in data.notes)
    # No column of numbers: no description rows, and the error counts every bad cell.
    text = "sales\n" + "".join(f'"1,{k:03d}"\n' for k in range(200, 208))
    with pytest.raises(ValidationError, match=r"8 cell\(s\) that are not numbers: '1,200' at 0"):
        read_csv(write_csv(text, "thousands.csv"))
    # A midnight repeated in January is no change of the clocks.
    hours = list(pd.date_range("2024-01-13 00:00", periods=48, freq="h"))
    hours.insert(25, hours[24])
    text = "time,load\n" + "".join(f"{h},{k}\n" for k, h in enumerate(hours))
    with pytest.raises(ValidationError, match="appear more than once") as caught:
        read_csv(write_csv(text, "overlap.csv"))
    assert "summer time" not in str(caught.value)
    # Product codes with a decimal point, a few rows each, are ids.
    codes = [f"{a}.{b}" for a in range(1, 6) for b in range(1, 6)]
    text = "id,date,value\n" + "".join(f"{c},{d.date()},{k + i}\n" for i, c in enumerate(codes)
                                       for k, d in enumerate(months[:2 + i % 2]))
    assert len(read_csv(write_csv(text, "codes.csv")).names) == 25


def test_dates_after_the_data_end_are_noted_with_where_the_forecast_starts():
    # A series ending in empty rows was forecast from its last value without a word.
    series = pd.Series([*np.arange(22.0), np.nan, np.nan],
                       index=pd.date_range("2020-01-01", periods=24, freq="MS"))
    assert prepare(series).notes == ["the last 2 date(s) (2021-11-01 on) hold no values: "
                                     "forecast from 2021-10-01, where the data end"]
    assert not any("hold no values" in n for n in prepare(series.iloc[:22]).notes)
