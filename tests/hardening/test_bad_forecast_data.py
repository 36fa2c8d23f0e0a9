"""Catalogue of hostile forecasting inputs (issue 25): each file is refused by the library
with a `ValidationError` naming the column, the cell and the accepted range, and by
`seqlab forecast` with one `error:` line and exit status 2; the inputs that are valid data
(daylight-saving offsets, 10,000 series) are read, fast."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from hardening_support import assert_one_line_error

from seqlab.errors import ValidationError
from seqlab.forecast.data import read_csv


def _monthly(columns: dict[str, list[str]]) -> str:
    n = len(next(iter(columns.values())))
    dates = pd.date_range("2015-01-01", periods=n, freq="MS").strftime("%Y-%m-%d")
    rows = ["date," + ",".join(columns)]
    rows += [",".join([d, *(values[i] for values in columns.values())])
             for i, d in enumerate(dates)]
    return "\n".join(rows) + "\n"


_GOOD = [f"{100 + 10 * np.sin(i / 2):.3f}" for i in range(36)]


def _years_with(cell: str) -> str:
    """A column of years 1990-2001 beside sales, with `cell` where 1995 should be."""
    return "year,sales\n" + "".join(f"{cell if y == 1995 else y},{y - 1980}\n"
                                    for y in range(1990, 2002))


def _with(cells: dict[int, str], column: list[str] = _GOOD) -> list[str]:
    return [cells.get(i, v) for i, v in enumerate(column)]


FORECAST_DATA_CASES = {
    # A -1e308 cell used to reach the forecaster: exit 0 and forecasts of 4e303.
    "minus-1e308-cell": (_monthly({"sales": _with({20: "-1e308"})}),
                         r"-1e\+308 in 'sales' at 2016-09-01.*magnitude between 1.2e-38 and "
                         r"3.4e\+38"),
    # Series around 1e307 or 1e-310 gave flat forecasts with zero-width intervals.
    "series-near-1e307": (_monthly({"sales": [f"{1e307 * (1 + i / 100):.6g}"
                                              for i in range(36)]}),
                          r"36 value\(s\) that float32 cannot hold: 1e\+307 in 'sales' at "
                          r"2015-01-01"),
    "series-near-1e-310": (_monthly({"sales": [f"{1e-310 * (1 + i / 10):.6g}"
                                               for i in range(36)]}),
                           r"float32 cannot hold: 1e-310 in 'sales' at 2015-01-01"),
    "beyond-float32-in-a-covariate-free-second-series": (
        _monthly({"a": _GOOD, "b": _with({3: "5e38"})}), r"5e\+38 in 'b' at 2015-04-01"),
    # One text cell made its series vanish from the output without a note.
    "one-text-cell": (_monthly({"a": _GOOD, "b": _with({7: "n/a?"})}),
                      r"column 'b' holds numbers and 1 cell\(s\) that are not numbers: "
                      r"'n/a\?' at 2015-08-01"),
    "thousands-separator": (_monthly({"sales": _with({2: "1,204.5"})}).replace(
        "1,204.5", '"1,204.5"'), r"'sales' holds numbers.*'1,204.5' at 2015-03-01"),
    "long-duplicate-pairs": ("unique_id,ds,y\nA,2020-01-01,1\nA,2020-02-01,2\n"
                             "A,2020-01-01,3\nB,2020-01-01,4\n",
                             r"\('A', 2020-01-01\).*Drop or aggregate"),
    "long-text-values": ("unique_id,ds,y\nA,2020-01-01,1\nA,2020-02-01,two\n"
                         "B,2020-01-01,4\nB,2020-02-01,5\n",
                         r"'y' holds numbers and 1 cell.*'two' at 2020-02-01 of series 'A'"),
    # A header without rows ended in "unexpected IndexError" (exit 1, 'a bug in seqlab').
    "header-only": ("date,a,b\n", r"no rows \(only the columns \['date', 'a', 'b'\]\)"),
    "long-header-only": ("unique_id,ds,y\n", r"no rows"),
    # An unclosed quote in the header ended in "unexpected Error: field larger than field
    # limit" (exit 1).
    "unclosed-quote-in-header": ('date,"sales\n' + "2020-01-01,1\n" * 20_000,
                                 r"first lines of .*data.csv' as CSV: field larger than field limit"),
    # Semicolon files are read (tests/forecast/test_forecast_separators.py), except where
    # their cells leave the numbers open: decimal commas beside decimal points ...
    "semicolons-mixed-decimal-marks": (
        _monthly({"sales": _with({4: "104.5"})}).replace(",", ";").replace(
            ".", ",").replace("104,5", "104.5"),
        r"the column 'sales' mixes decimal commas \('100,000'\) and decimal points "
        r"\('104.5'\)"),
    # ... and, without a decimal comma anywhere, numbers like 1.234 (thousands or decimals).
    "semicolons-thousands-or-decimals": (
        "date;units\n" + "".join(f"2020-{m:02d}-01;{m}.{m * 37 % 1000:03d}\n"
                                 for m in range(1, 13)),
        r"the column 'units' holds numbers like '1.037', which may be thousands \(1037\)"),
    # One cell more on every row than the header names: pandas took the dates as the index,
    # and the message said the values 100.0, 104.79 ... were 'not dates'.
    "a-cell-more-on-every-row": ("date,sales\n" + "".join(
        f"2020-{m:02d}-01,{m},{2 * m}\n" for m in range(1, 13)),
        r"its rows hold more cells than its header names columns \(2: \['date', 'sales'\]\)"),
    # One empty cell in a column of years made pandas read it as floats, and the message
    # called every year 'not a date': "1990.0, 1991.0, 1992.0 ... and 1 empty cell(s)".
    "year-column-with-an-empty-cell": (
        _years_with(""), r"'year' has values that are not dates: 1 empty cell\(s\), the first "
                         r"in row 6 of the data \(the first below the header being 1\)\. Fix"),
    "year-column-with-a-fraction": (
        _years_with("1995.5"), r"'year' has values that are not dates: 1995\.5\. Fix them"),
    # An infinite year ended in pandas' IntCastingNaNError, "a bug in seqlab" (exit 1).
    "year-column-with-inf": (
        _years_with("inf"), r"'year' has values that are not dates: inf\. Fix them"),
    # A file of one row was taken as yearly (the first grid tried): a monthly figure was
    # forecast for the next years; exit 0.
    "one-date-and-no-freq": ("date,sales\n2020-03-01,5\n",
                             r"one date \(2020-03-01\), which shows no frequency; pass `freq`"),
    # Year beside H1, H2 (or BLS's M01 ... M12 with M13, the year's mean) was read as a
    # long file of yearly series named H1, H2; exit 0. Years beside months or quarters that
    # make dates are joined (tests/forecast/test_forecast_date_parts.py).
    "year-beside-half-year-labels": (
        "Year,Half,GDP\n" + "".join(f"{y},H{q},{y + q}\n" for y in range(2015, 2024)
                                    for q in range(1, 3)),
        r"'Half' holds periods of the year, not names of series: the dates seem split "
        r"over 'Year' and 'Half'"),
    "bls-series-year-period-with-annual-means": (
        "series_id,year,period,value\n" + "".join(
            f"{k},{y},M{m:02d},{y + m}\n" for k in ("CUUR0000SA0", "CUUR0000SA0E")
            for y in range(2018, 2021) for m in range(1, 14)),
        r"appear more than once.*'period' holds periods of the year: the dates seem split "
        r"over 'year' and 'period'\. Join them"),
    # store_id beside item_id: 'drop or aggregate the repeated rows' would have summed
    # the stores (or lost all but one).
    "two-id-columns": (
        "store_id,item_id,date,sales\n" + "".join(
            f"{s},{i},2018-{m:02d}-01,{m}\n" for s in ("CA_1", "TX_1") for i in ("F1", "F2")
            for m in range(1, 13)),
        r"'store_id' tells the repeated rows apart: if each \(store_id, item_id\) pair is a "
        r"series, name both as the id: id_column='store_id,item_id' \(--id-column "
        r"store_id,item_id\)"),
    # Stores named S1, S2 beside weekly dates were 'periods of the year' (halves) that the
    # dates seemed split over, though the dates are whole days: no year for a half to join.
    "stores-named-like-halves-beside-weekly-dates": (
        "store,item,week,sales\n" + "".join(
            f"{s},{i},{d.date()},{k}\n" for s in ("S1", "S2") for i in ("i1", "i2")
            for k, d in enumerate(pd.date_range("2022-01-03", periods=12, freq="W-MON"))),
        r"'store' tells the repeated rows apart: if each \(store, item\) pair is a series, "
        r"name both as the id: id_column='store,item'"),
    # Numbered stores beside items (Kaggle's store-item demand file): the stores were a
    # candidate value column, and the message asked for --value-column alone.
    "numbered-stores-beside-items": (
        "date,store,item,sales\n" + "".join(
            f"2018-{m:02d}-01,{s},{i},{10 * s + i + m}\n" for m in range(1, 13)
            for s in (1, 2, 3) for i in (1, 2)),
        r"repeats each \(item, date\) pair, and the column 'store' tells them apart: .*"
        r"--id-column store,item --value-column sales"),
    # A price that differs between the repeated rows is no second id: no advice to join.
    "repeated-rows-told-apart-by-a-price": (
        "unique_id,ds,y,price\n" + "".join(f"a,2020-01-{d:02d},{d},{d + 0.5}\n"
                                            for d in (1, 2, 3, 3, 4)),
        r"\('a', 2020-01-03\)\. Drop or aggregate the repeated rows\."),
    # Months without a year, or a week 53 that the year lacks: not dates.
    "days-of-one-month-without-a-year": (
        "date,v\n" + "".join(f"Jan-{d:02d},{d}\n" for d in range(1, 11)),
        r"'date' has values that are not dates: 'Jan-01', 'Jan-02'"),
    "a-week-53-the-year-lacks": (
        "date,v\n" + "".join(f"2021-W{w:02d},{w}\n" for w in range(50, 54)),
        r"'date' has values that are not dates: '2021-W53'"),
    "year-beside-week-numbers": (
        "year,week,sales\n" + "".join(f"{y},{w},{w}\n" for y in (2020, 2021)
                                      for w in range(1, 53)),
        r"'week' counts 1, 2, \.\.\. within each date, as months, quarters or weeks do"),
    # The World Bank's layout (a row per country, a column per year) forecast 30 'series'
    # named 1990 ... 2019 of 3 points each, over step numbers; exit 0. Turned where a
    # column names each row once (test_forecast_layouts.py); refused where none does.
    "dates-across-one-row-per-series": (
        "country," + ",".join(str(y) for y in range(1990, 2020)) + "\n" + "".join(
            f"{c}," + ",".join(str(100 + k + y) for y in range(30)) + "\n"
            for k, c in enumerate(("Aruba", "Chad", "Aruba"))),
        r"columns are named by dates \(1990, 1991, 1992 \.\.\. 2019\): the file holds one "
        r"row per series"),
    # Negatives in brackets, a spreadsheet's accounting zero ' - ' or a statistics office's
    # '..' in most cells: the column was left out as text (or 'no numeric value column').
    "negatives-in-brackets": (
        _monthly({"a": _GOOD, "profit": [f"({v})" if i % 3 else v for i, v in
                                        enumerate(_GOOD)]}),
        r"'profit' holds numbers and 24 cell\(s\).*write negatives with a minus sign"),
    "accounting-zeros": (
        _monthly({"a": _GOOD, "widgets": [" -  " if i % 4 else v for i, v in enumerate(_GOOD)]}),
        r"'widgets' holds numbers and 27 cell\(s\).*write 0 where '-' is a spreadsheet's "
        r"accounting zero"),
    "missing-values-marked-with-dots-inside-a-series": (
        _monthly({"a": _GOOD, "b": [".." if 3 <= i < 8 else v for i, v in enumerate(_GOOD)]}),
        r"5 date\(s\) are missing or have missing values: 2015-04-01.*\(in the series 'b'\)"),
    "gap-inside-a-ragged-series": ("date,a,b\n2020-01-01,1,\n2020-02-01,2,5\n2020-03-01,3,\n"
                                   "2020-04-01,4,7\n",
                                   r"1 date\(s\) are missing.*2020-03-01 \(in the series 'b'\)"),
}


@pytest.mark.parametrize("content,message", FORECAST_DATA_CASES.values(),
                         ids=FORECAST_DATA_CASES)
def test_bad_forecasting_data_is_refused_by_library_and_command(tmp_path, cli, content,
                                                                message):
    path = tmp_path / "data.csv"
    path.write_text(content)
    with pytest.raises(ValidationError, match=message):
        read_csv(path)
    assert_one_line_error(cli("forecast", path, "--horizon", 3), 2, message)


def test_daylight_saving_offsets_forecast_on_their_days(tmp_path, cli):
    # '+01:00' then '+02:00' in one column used to end in "unexpected ValueError: Mixed
    # timezones detected".
    stamps = pd.date_range("2021-02-20", periods=50, freq="D", tz="Europe/Berlin")
    values = 50 + 10 * np.sin(np.arange(50) * 2 * np.pi / 7)
    path = tmp_path / "load.csv"
    path.write_text("date,load\n" + "".join(f"{s.isoformat()},{v:.3f}\n"
                                            for s, v in zip(stamps, values, strict=True)))
    assert "+01:00" in path.read_text() and "+02:00" in path.read_text()
    result = cli("forecast", path, "--horizon", 2, "--members", 1)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("date,series,forecast")
    assert [line.split(",")[0] for line in lines[1:3]] == ["2021-04-11", "2021-04-12"]


@pytest.mark.parametrize("written, freq, first", [("%Y%m", "MS", "2020-01-01"),
                                                   ("%Y%m%d", "D", "2018-03-02")])
def test_yyyymm_and_yyyymmdd_dates_forecast_with_dates(tmp_path, cli, written, freq, first):
    # 201801 ... 201912 was refused for 'missing dates 201813 ...'; 20180101 ... was
    # forecast as step numbers, without dates.
    dates = pd.date_range("2018-01-01", periods=24 if freq == "MS" else 60, freq=freq)
    path = tmp_path / "export.csv"
    path.write_text("period,sales\n" + "".join(f"{d:{written}},{100 + i % 7}\n"
                                               for i, d in enumerate(dates)))
    result = cli("forecast", path, "--horizon", 3, "--methods", "theta")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("date,series,forecast")
    assert [line.split(",")[0] for line in lines[1:4]] == [
        f"{d:%Y-%m-%d}" for d in pd.date_range(first, periods=3, freq=freq)]


@pytest.mark.parametrize("layout", ["wide", pytest.param("long", marks=pytest.mark.slow)])
def test_ten_thousand_series_read_in_seconds(tmp_path, layout):
    # A wide file of 10,000 series showed nothing for minutes; the reading itself is
    # vectorised: about a second of CPU time for either layout.
    n, t = 10_000, 120
    dates = pd.date_range("2010-01-01", periods=t, freq="MS").strftime("%Y-%m-%d")
    values = np.round(np.random.default_rng(0).normal(100, 10, (t, n)), 1)
    if layout == "wide":
        header = "date," + ",".join(f"s{i}" for i in range(n))
        body = "\n".join(d + "," + ",".join(map(str, row)) for d, row in zip(
            dates, values.tolist(), strict=True))
    else:
        header = "unique_id,ds,y"
        ids = np.repeat([f"s{i}" for i in range(n)], t)
        body = "\n".join(f"{i},{d},{v}" for i, d, v in zip(
            ids, np.tile(dates, n), values.T.ravel().tolist(), strict=True))
    path = tmp_path / f"{layout}.csv"
    path.write_text(header + "\n" + body + "\n")
    start = time.process_time()  # CPU time: the bound holds on a busy machine
    data = read_csv(path)
    elapsed = time.process_time() - start
    assert data.values.shape == (t, n) and data.names[-1] == f"s{n - 1}"
    assert data.values.iloc[5, 7] == values[5, 7]
    assert elapsed < 6, elapsed
