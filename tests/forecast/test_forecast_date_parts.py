"""Dates written over a year column and a month or quarter column are joined into one."""

import pandas as pd
import pytest

from seqlab.errors import ValidationError
from seqlab.forecast.data import prepare, read_csv

MONTHS = pd.date_range("2018-01-01", periods=30, freq="MS")


def _file(header, rows):
    return header + "\n" + "".join(",".join(map(str, row)) + "\n" for row in rows)


@pytest.mark.parametrize("header, month", [
    ("year,month,sales", lambda d: d.month),
    ("Year,Month,Sales", lambda d: d.strftime("%b")),
    ("year,month,sales", lambda d: d.strftime("%B")),
    ("year,period,sales", lambda d: f"M{d.month:02d}"),  # the US BLS's months
    ("Jahr,Monat,Umsatz", lambda d: ["Jan", "Feb", "Mrz", "Apr", "Mai", "Jun", "Jul", "Aug",
                                     "Sep", "Okt", "Nov", "Dez"][d.month - 1]),
])
def test_a_year_beside_a_month_is_read_as_monthly_dates(write_csv, header, month):
    # Before, the months repeated within each year were refused as duplicate dates, or read
    # as twelve series named by the months.
    data = read_csv(write_csv(_file(header, [(d.year, month(d), k)
                                             for k, d in enumerate(MONTHS)])))
    year, part, value = header.split(",")
    assert data.freq == "MS" and list(data.values.index) == list(MONTHS)
    assert data.names == [value] and list(data.values[value]) == list(range(30))
    assert any(f"joined the dates from the columns {year!r} and {part!r}" in n
               for n in data.notes)


@pytest.mark.parametrize("quarter", ["{q}", "Q{q}", "T{q}", "Qtr {q}"])
def test_a_year_beside_a_quarter_is_read_as_quarterly_dates(write_csv, quarter):
    rows = [(y, quarter.format(q=q), 10 * y + q) for y in range(2015, 2022) for q in range(1, 5)]
    data = read_csv(write_csv(_file("year,quarter,gdp", rows)))
    assert data.freq.startswith("QS") and data.values.index[0] == pd.Timestamp("2015-01-01")
    assert data.values.index[-1] == pd.Timestamp("2021-10-01") and len(data.values) == 28


def test_a_year_a_month_and_a_day_are_read_as_daily_dates_in_a_semicolon_file(write_csv):
    days = pd.date_range("2021-01-01", periods=60, freq="D")
    text = "Jahr;Monat;Tag;Umsatz\n" + "".join(f"{d.year};{d.month};{d.day};{k},5\n"
                                               for k, d in enumerate(days))
    data = read_csv(write_csv(text))
    assert data.freq == "D" and list(data.values.index) == list(days)
    assert list(data.values["Umsatz"]) == [k + 0.5 for k in range(60)]


def test_a_long_file_with_split_dates_is_read_per_series(write_csv):
    rows = [(store, d.year, d.month, k + (100 if store == "B" else 0))
            for store in "AB" for k, d in enumerate(MONTHS)]
    data = read_csv(write_csv(_file("store,year,month,sales", rows)))
    assert data.names == ["A", "B"] and list(data.values.index) == list(MONTHS)
    assert list(data.values["B"]) == [k + 100 for k in range(30)]


def test_parts_written_out_beside_a_date_column_stay_out_of_the_dates(write_csv):
    rows = [(d.strftime("%Y-%m-%d"), d.year, d.month, k) for k, d in enumerate(MONTHS)]
    data = read_csv(write_csv(_file("date,year,month,sales", rows)))
    assert list(data.values.index) == list(MONTHS) and data.names == ["sales"]
    assert not any("joined" in n for n in data.notes)


@pytest.mark.parametrize("rows, message", [
    # February 30th is no date: the months are not joined, and the repeats are refused.
    ([(2020, 2, day, day) for day in range(1, 31)], r"appear more than once"),
    # Weeks are numbered by different rules (ISO or from January 1st): left to the user.
    ([(y, w, w) for y in (2020, 2021) for w in range(1, 53)], r"'week' counts 1, 2"),
    # A month 13 (the US BLS's annual mean) makes no date.
    ([(y, f"M{m:02d}", m) for y in (2019, 2020) for m in range(1, 14)],
     r"'period' holds periods of the year"),
])
def test_parts_that_make_no_date_are_refused_as_before(write_csv, rows, message):
    header = {3: "year,period,sales", 4: "year,month,day,sales"}[len(rows[0])]
    if "'week'" in message:
        header = "year,week,sales"
    with pytest.raises(ValidationError, match=message):
        read_csv(write_csv(_file(header, rows)))


def test_a_frame_with_split_dates_is_joined_like_a_file():
    frame = pd.DataFrame({"year": MONTHS.year, "month": MONTHS.month, "y": range(30)})
    data = prepare(frame)
    assert data.freq == "MS" and list(data.values.index) == list(MONTHS)
    assert list(frame.columns) == ["year", "month", "y"]  # the caller's frame untouched


@pytest.mark.parametrize("text, names", [
    # Terminals T1 ... T4 (or M4's ids M1, M2) are series, not quarters (or months).
    ("year,terminal,passengers\n" + "".join(f"{y},T{t},{t * 100 + y}\n" for y in (2018, 2019)
                                            for t in (1, 2, 3, 4)), ["T1", "T2", "T3", "T4"]),
    ("unique_id,year,y\n" + "".join(f"M{i},{y},{i * y % 7}\n" for i in (1, 2)
                                    for y in range(2018, 2022)), ["M1", "M2"]),
    # One row a year: the year is the date, and the month of the peak a series.
    ("year,month,max_temp\n" + "".join(f"{y},{y * 7 % 12 + 1},{30 + y % 5}\n"
                                       for y in range(1990, 2020)), ["month", "max_temp"]),
])
def test_columns_that_only_resemble_parts_of_dates_are_left_as_they_were(write_csv, text,
                                                                         names):
    data = read_csv(write_csv(text))
    assert data.names == names and data.freq.startswith("YS")
    assert not any("joined" in n for n in data.notes)


def test_a_quarter_written_out_beside_year_and_month_is_left_out(write_csv):
    rows = [(d.year, d.quarter, d.month, k) for k, d in enumerate(MONTHS)]
    data = read_csv(write_csv(_file("year,quarter,month,sales", rows)))
    assert data.names == ["sales"] and list(data.values.index) == list(MONTHS)


def test_days_without_their_day_column_are_not_joined_into_repeated_months(write_csv):
    rows = [(2020, 1 + k // 10, k) for k in range(30)]  # ten rows a month, no day
    with pytest.raises(ValidationError, match=r"these appear more than once: 2020-01-01\.") \
            as caught:
        read_csv(write_csv(_file("year,month,sales", rows)))
    assert "2020-02-01" not in str(caught.value)  # dates the file never wrote, once joined


MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
               "Dec"]


def test_a_year_by_month_table_is_one_monthly_series(write_csv):
    # 'Year,Jan,...,Dec,Annual' (the US BLS's tables, Box and Jenkins' airline table) was
    # forecast as 13 yearly series named Jan ... Dec and Annual; exit 0.
    text = "Year," + ",".join(MONTH_NAMES) + ",Annual\n" + "".join(
        f"{y}," + ",".join(str(12 * (y - 2000) + k) for k in range(12)) + ",0\n"
        for y in range(2000, 2010))
    data = read_csv(write_csv(text))
    assert data.names == ["value"] and data.freq == "MS"
    assert list(data.values.index) == list(pd.date_range("2000-01-01", periods=120, freq="MS"))
    assert list(data.values["value"]) == list(range(120))
    assert any("column 'Annual' left out" in n for n in data.notes)
    # The same table turned (a row per month, the years across) reads alike.
    turned = "," + ",".join(map(str, range(2000, 2010))) + "\n" + "".join(
        f"{m}," + ",".join(str(12 * (y - 2000) + k) for y in range(2000, 2010)) + "\n"
        for k, m in enumerate(MONTH_NAMES))
    data = read_csv(write_csv(turned, "turned.csv"))
    assert data.names == ["value"] and list(data.values["value"]) == list(range(120))


def test_quarters_across_with_a_country_per_row_are_a_quarterly_series_each(write_csv):
    text = "country,year,Q1,Q2,Q3,Q4\n" + "".join(
        f"{c},{y}," + ",".join(str(100 * k + 4 * (y - 2015) + q) for q in range(4)) + "\n"
        for k, c in enumerate(("Chad", "Peru")) for y in range(2015, 2020))
    data = read_csv(write_csv(text))
    assert data.names == ["Chad", "Peru"] and data.freq.startswith("QS")
    assert list(data.values["Peru"]) == [100 + i for i in range(20)]


@pytest.mark.parametrize("text, names", [
    # Station ids 1001, 1002 in a first column named 'id' are no years (1001 crashed).
    ("id," + ",".join(MONTH_NAMES) + "\n" + "".join(
        f"{1001 + r}," + ",".join(str(r + k) for k in range(12)) + "\n" for r in range(3)),
     ["id", *MONTH_NAMES]),
    # Income quintiles Q1 ... Q5 are no quarters.
    ("year,Q1,Q2,Q3,Q4,Q5\n" + "".join(f"{y},1,2,3,4,5\n" for y in range(2010, 2020)),
     ["Q1", "Q2", "Q3", "Q4", "Q5"]),
])
def test_what_only_resembles_a_year_by_month_table_is_read_as_before(write_csv, text, names):
    assert read_csv(write_csv(text)).names == names


def test_a_value_column_of_a_year_by_month_table_is_read_as_named(write_csv):
    text = "Year," + ",".join(MONTH_NAMES) + ",Annual\n" + "".join(
        f"{y}," + ",".join(str(k) for k in range(12)) + f",{y}\n" for y in range(2010, 2020))
    data = read_csv(write_csv(text), value_column="Annual")
    assert data.names == ["Annual"] and data.freq.startswith("YS")
    assert read_csv(write_csv(text, "by_id.csv")).names == ["value"]
