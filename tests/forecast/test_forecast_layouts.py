"""Files laid out for people: lines of notes above the header are skipped, and a file with
the dates across (a row per series) is turned, each with a note."""

import numpy as np
import pandas as pd
import pytest

from seqlab.errors import ValidationError
from seqlab.forecast._reading import freq_words
from seqlab.forecast.data import read_csv

YEARS = list(range(1990, 2020))


def _across(names, header="country", starts=None):
    starts = starts or [0] * len(names)
    return f"{header}," + ",".join(map(str, YEARS)) + "\n" + "".join(
        f"{name}," + ",".join("" if y < start else str(100 + 10 * k + y)
                              for y in range(len(YEARS))) + "\n"
        for k, (name, start) in enumerate(zip(names, starts, strict=True)))


def test_a_file_with_the_dates_across_is_turned_into_a_column_per_series(write_csv):
    # It was refused ("the file holds one row per series with the dates across").
    data = read_csv(write_csv(_across(["Aruba", "Chad", "Peru"], starts=[0, 5, 2])))
    assert data.names == ["Aruba", "Chad", "Peru"] and data.freq.startswith("YS")
    assert list(data.values.index) == list(pd.date_range("1990", periods=30, freq="YS"))
    assert data.spans["Chad"][0] == 5 and data.values["Peru"].iloc[-1] == 100 + 20 + 29
    assert any(n.startswith("turned the file: a row per series (named by 'country')")
               for n in data.notes)


def test_a_few_dates_across_beside_several_columns_of_names_are_turned(write_csv):
    # The World Bank's layout with six years beside its four columns of names (and
    # Eurostat's with a unit column): fewer than four in five columns are dates, and the
    # years were forecast as six series over the row numbers, with no word of it.
    text = ("Country Name,Country Code,Indicator Name,Indicator Code," + ",".join(
        map(str, YEARS[:6])) + "\n" + "".join(
        f"{c},{c[:3].upper()},GDP (current US$),NY.GDP.MKTP.CD," + ",".join(
            str(100 * k + y) for y in range(6)) + "\n"
        for k, c in enumerate(["Aruba", "Chad", "Peru"], 1)))
    data = read_csv(write_csv(text))
    assert data.names == ["Aruba", "Chad", "Peru"] and data.freq.startswith("YS")
    assert list(data.values.index) == list(pd.date_range("1990", periods=6, freq="YS"))
    assert list(data.values["Chad"]) == [200, 201, 202, 203, 204, 205]
    assert "column 'Indicator Code' left out: neither a date nor the series' name" in \
        data.notes
    monthly = read_csv(write_csv("region,unit,2018-01,2018-02,2018-03,2018-04\n"
                                 "North,EUR,1,2,3,4\nSouth,EUR,5,6,7,8\n", "months.csv"))
    assert monthly.names == ["North", "South"] and monthly.freq == "MS"
    assert list(monthly.values["South"]) == [5, 6, 7, 8]


def test_years_headed_as_the_world_banks_databank_writes_them_are_dates_across(write_csv):
    # '2015 [YR2015]' ... was no date: the file was refused as 'named by dates' yet not
    # turned, or with a date column, its years forecast as series.
    text = ("Country Name,Country Code,Series Name,Series Code," + ",".join(
        f"{y} [YR{y}]" for y in YEARS[:5]) + "\n"
        "Aruba,ABW,GDP (current US$),NY.GDP.MKTP.CD,1,2,3,4,5\n"
        "Chad,TCD,GDP (current US$),NY.GDP.MKTP.CD,6,7,..,9,10\n")
    data = read_csv(write_csv(text), fill="interpolate")
    assert data.names == ["Aruba", "Chad"] and data.freq.startswith("YS")
    assert list(data.values.index) == list(pd.date_range("1990", periods=5, freq="YS"))
    assert list(data.values["Chad"]) == [6, 7, 8, 9, 10]


def test_a_databank_download_with_its_footer_is_turned_and_the_footer_dropped(write_csv):
    # DataBank ends its downloads with two blank lines, 'Data from database: ...' and
    # 'Last Updated: ...': the file was refused as 'named by dates', asked to be turned.
    text = ("Country Name,Country Code,Series Name,Series Code," + ",".join(
        f"{y} [YR{y}]" for y in YEARS[:5]) + "\n"
        "Aruba,ABW,GDP (current US$),NY.GDP.MKTP.CD,1,2,3,4,5\n"
        "Chad,TCD,GDP (current US$),NY.GDP.MKTP.CD,6,7,8,9,10\n,,,,,,,,\n,,,,,,,,\n"
        "Data from database: World Development Indicators,,,,,,,,\n"
        "Last Updated: 12/19/2023,,,,,,,,\n")
    data = read_csv(write_csv(text))
    assert data.names == ["Aruba", "Chad"] and list(data.values["Chad"]) == [6, 7, 8, 9, 10]
    assert "dropped 2 row(s) below the data ('Data from database: World Development " \
           "Indicators', 'Last Updated: 12/19/2023'): notes, not series" in data.notes
    # A series without a value, above the footer, is no note: left out as a series, named.
    empty = read_csv(write_csv(text.replace(
        "Chad,TCD,GDP (current US$),NY.GDP.MKTP.CD,6,7,8,9,10",
        "Chad,TCD,GDP (current US$),NY.GDP.MKTP.CD,,,,,"), "empty.csv"))
    assert empty.names == ["Aruba"]
    assert "left out the column(s) ['Chad']: no values to forecast from" in empty.notes


def test_series_named_by_two_columns_together_and_other_columns_left_out(write_csv):
    text = "country,indicator,code," + ",".join(map(str, YEARS)) + "\n" + "".join(
        f"{c},{i},{c[:2]}{i[:1]}," + ",".join(str(100 + y + len(i)) for y in range(30)) + "\n"
        for c in ("Aruba", "Chad") for i in ("gdp", "population"))
    data = read_csv(write_csv(text))
    # 'code' names every row once too: it names the series.
    assert data.names == ["Arg", "Arp", "Chg", "Chp"]
    without = text.replace(",code", "").replace(",Arg,", ",").replace(",Arp,", ",") \
        .replace(",Chg,", ",").replace(",Chp,", ",")
    data = read_csv(write_csv(without, "two.csv"))
    assert data.names == ["Aruba/gdp", "Aruba/population", "Chad/gdp", "Chad/population"]


def test_lines_of_notes_above_the_header_are_skipped(write_csv):
    # The World Bank's download: pandas failed "Expected 3 fields in line 5, saw 32".
    text = ('"Data Source","World Development Indicators",\n\n'
            '"Last Updated Date","2023-12-18",\n\n' + _across(["Aruba", "Chad"]))
    data = read_csv(write_csv(text))
    assert data.names == ["Aruba", "Chad"] and len(data.values) == 30
    assert data.notes[0] == ("skipped 4 line(s) above the header ('Data Source', 'Last "
                             "Updated Date'): notes, not columns")


def test_lines_repeating_the_header_below_it_are_dropped(write_csv):
    # Two files joined one after another ('cat jan.csv feb.csv'): refused as "The date
    # column 'ds' has values that are not dates: 'ds'".
    part = _long_text_of(["A", "B"], "2020-01-01", 12)
    later = _long_text_of(["A", "B"], "2021-01-01", 12)
    data = read_csv(write_csv(part + later))
    assert data.names == ["A", "B"] and data.freq == "MS" and len(data.values) == 24
    assert list(data.values["B"].iloc[10:14]) == [110, 111, 100, 101]
    assert "dropped 1 line(s) below the header that repeat it ('unique_id,ds,y'): a " \
        "header again, not data" in data.notes


def test_exports_joined_each_with_its_byte_order_mark_are_read_as_one(write_csv):
    # Excel's UTF-8 exports each start with a byte-order mark: joined, the second header
    # was read as data ("values that are not dates: '\ufeffunique_id'").
    part = _long_text_of(["A", "B"], "2020-01-01", 12)
    later = _long_text_of(["A", "B"], "2021-01-01", 12)
    data = read_csv(write_csv("\ufeff" + part + "\ufeff" + later))
    assert data.names == ["A", "B"] and len(data.values) == 24
    assert "dropped 1 line(s) below the header that repeat it ('unique_id,ds,y'): a " \
        "header again, not data" in data.notes


def test_a_repeated_header_differing_in_case_or_spaces_is_dropped_too(write_csv):
    # Exports of two tools joined: 'Unique_ID, DS, Y' under 'unique_id,ds,y' was refused
    # as "values that are not dates: 'DS'", where the same header written alike is dropped.
    part = _long_text_of(["A", "B"], "2020-01-01", 12)
    later = _long_text_of(["A", "B"], "2021-01-01", 12).replace("unique_id,ds,y",
                                                                  "Unique_ID, DS , Y")
    data = read_csv(write_csv(part + later))
    assert data.names == ["A", "B"] and len(data.values) == 24
    assert "dropped 1 line(s) below the header that repeat it ('unique_id,ds,y'): a " \
        "header again, not data" in data.notes


def _long_text_of(names, start, months):
    dates = pd.date_range(start, periods=months, freq="MS")
    return "unique_id,ds,y\n" + "".join(f"{n},{d:%Y-%m-%d},{100 * (n == 'B') + k}\n"
                                         for n in names for k, d in enumerate(dates))


def test_a_title_above_a_monthly_file_is_skipped(write_csv):
    months = pd.date_range("2020-01-01", periods=24, freq="MS")
    text = "Monthly sales report\ndate,sales\n" + "".join(f"{d:%Y-%m-%d},{k}\n"
                                                          for k, d in enumerate(months))
    data = read_csv(write_csv(text))
    assert data.names == ["sales"] and list(data.values.index) == list(months)
    assert "skipped 1 line(s) above the header ('Monthly sales report')" in data.notes[0]


@pytest.mark.parametrize("separator", [",", ";"])
def test_a_title_padded_to_the_tables_width_as_excel_writes_it_is_skipped(write_csv,
                                                                           separator):
    # Excel writes a title cell as 'Sales report,,,': as wide as the header, it was taken
    # for it, and the file was refused ('names one column ... if it is a title, remove it').
    months = pd.date_range("2020-01-01", periods=24, freq="MS")
    text = separator.join(["Sales report", "", "", ""]) + "\n" + separator.join(
        ["date", "north", "south", "east"]) + "\n" + "".join(
        separator.join([f"{d:%Y-%m-%d}", str(k), str(2 * k), str(3 * k)]) + "\n"
        for k, d in enumerate(months))
    data = read_csv(write_csv(text))
    assert data.names == ["north", "south", "east"] and list(data.values.index) == list(months)
    assert "skipped 1 line(s) above the header ('Sales report')" in data.notes[-1]


@pytest.mark.parametrize("text", [
    "sales\n1,234\n2,345\n3,456\n",  # unquoted thousands: the rows' extra cells, no title
    "2020-01,5\n2020-02,6\n2020-03,7,8\n",  # a date first: no header to skip to
])
def test_what_is_no_title_is_not_skipped(write_csv, text):
    with pytest.raises(ValidationError) as caught:
        read_csv(write_csv(text))
    assert "skipped" not in str(caught.value)


def test_a_file_with_the_steps_across_is_turned_like_m4s_and_m5s(write_csv):
    # M4's training files: an id, then V2, V3 ... with each series ending where its
    # values do (its V28, V29 empty): refused as "columns that hold no values at all".
    m4 = '"V1",' + ",".join(f'"V{k}"' for k in range(2, 30)) + "\n" + "".join(
        f'"M{i}",' + ",".join(f'"{100 + k + i}"' if k < 20 + 2 * i else '""'
                              for k in range(28)) + "\n" for i in (1, 2, 3))
    data = read_csv(write_csv(m4))
    assert data.names == ["M1", "M2", "M3"] and data.freq is None
    assert {n: data.spans[n] for n in data.names} == {"M1": (0, 21), "M2": (0, 23),
                                                      "M3": (0, 25)}
    assert data.values["M2"].iloc[0] == 102
    # M5's sales: ids, then d_1 ... d_40: forecast as 40 'series' d_1 ... of 3 points.
    m5 = "id,item_id,store_id," + ",".join(f"d_{k}" for k in range(1, 41)) + "\n" + "".join(
        f"HOBBIES_{i}_CA_1,HOBBIES_{i},CA_1," + ",".join(str((k + i) % 5) for k in range(40))
        + "\n" for i in range(3))
    data = read_csv(write_csv(m5, "m5.csv"))
    assert data.names == ["HOBBIES_0_CA_1", "HOBBIES_1_CA_1", "HOBBIES_2_CA_1"]
    assert len(data.values) == 40 and list(data.values["HOBBIES_1_CA_1"].iloc[:3]) == [1, 2, 3]
    assert any("column 'store_id' left out" in n for n in data.notes)


def _m3(start="Starting Year,Starting Month", first=lambda i: f"{1990 + i},{i + 1}",
        lengths=(24, 30, 20)):
    """M3's layout: each series' length, horizon, category and start before its steps."""
    return f"Series,N,NF,Category,{start}," + ",".join(
        str(k) for k in range(1, 31)) + "\n" + "".join(
        f"N{1402 + i},{n},18,MICRO,{first(i)}," + ",".join(
            str(3000 + 10 * k + i) if k < n else "" for k in range(30)) + "\n"
        for i, n in enumerate(lengths))


def test_m3s_layout_with_numbers_before_the_steps_is_turned(write_csv):
    # M3's files give each series' length, horizon, start year and month before its steps
    # 1, 2, 3 ...: those columns of numbers kept the file from being turned, and it was read
    # as 34 series 'N', 'NF', '1' ... of 3 points each. (Its 'Other' series start at 0.)
    lengths = [24, 30, 20]
    data = read_csv(write_csv(_m3(first=lambda i: "0,0")))
    assert data.names == ["N1402", "N1403", "N1404"] and data.freq is None
    assert [data.spans[n][1] - data.spans[n][0] + 1 for n in data.names] == lengths
    assert data.values["N1403"].iloc[:2].tolist() == [3001, 3011]
    assert sum("left out" in n for n in data.notes) == 5  # N, NF, Category, the start
    assert any(n.startswith("the steps stay numbered: 'Starting Year' (0 ...)")
               for n in data.notes)  # it said nothing of why


@pytest.mark.parametrize("start, first, freq, begins", [
    ("Starting Year,Starting Month", lambda i: f"{1990 + i},{i + 1}", "MS",
     ["1990-01-01", "1991-02-01", "1992-03-01"]),
    ("Starting Year,Starting Quarter", lambda i: f"{1990 + i},{i + 2}", "QS",
     ["1990-04-01", "1991-07-01", "1992-10-01"]),
    ("Starting Year", lambda i: f"{1970 + i}", "YS", ["1970-01-01", "1971-01-01", "1972-01-01"]),
    ("Starting Year,Starting Month,Frequency", lambda i: f"{1990 + i},{i + 1},12", "MS",
     ["1990-01-01", "1991-02-01", "1992-03-01"]),
])
def test_m3s_series_are_dated_from_their_starting_year_and_month(write_csv, start, first,
                                                                   freq, begins):
    # Each M3 series' start was left out and its monthly values read as numbered steps:
    # no season of 12 assumed, forecasts numbered, not dated.
    data = read_csv(write_csv(_m3(start, first)))
    assert data.names == ["N1402", "N1403", "N1404"]
    assert freq_words(data.freq) == {"MS": "monthly", "QS": "quarterly", "YS": "yearly"}[freq]
    index = data.values.index
    assert [str(index[data.spans[n][0]].date()) for n in data.names] == begins
    assert [data.spans[n][1] - data.spans[n][0] + 1 for n in data.names] == [24, 30, 20]
    assert data.series("N1403").iloc[:2].tolist() == [3001, 3011]
    assert "dated" in data.notes[0] and "'Starting Year'" in data.notes[0]
    assert not any("Starting" in n for n in data.notes[1:])  # used, not left out
    assert data.season_length == {"MS": 12, "QS": 4, "YS": 1}[freq]
    # A frequency column saying another than the start columns: the steps stay numbered.
    said = read_csv(write_csv(_m3("Starting Year,Starting Month,Frequency",
                                  lambda i: f"{1990 + i},{i + 1},4"), "said.csv"))
    assert said.freq is None and "dated" not in said.notes[0]
    assert any(n.startswith("the steps stay numbered") for n in said.notes)
    # Numbers after the steps are no metadata of M3's: not turned.
    text = "id," + ",".join(f"V{k}" for k in range(1, 6)) + ",price\n" + "".join(
        f"s{i}," + ",".join(str(k + i) for k in range(5)) + f",{9.5 + i}\n" for i in range(3))
    assert read_csv(write_csv(text, "after.csv")).names != ["s0", "s1", "s2"]


def test_rows_named_by_months_are_the_steps_of_a_wide_file_not_series(write_csv):
    text = "month,s1,s2,s3\n" + "".join(f"{m},{k},{k + 1},{k + 2}\n" for k, m in enumerate(
        ["January", "February", "March", "April"]))
    with pytest.raises(ValidationError) as caught:
        read_csv(write_csv(text))
    assert "turned" not in str(caught.value)


@pytest.mark.parametrize("names", [
    ["Jan", "Feb", "Mar", "Apr"],  # a table of a year by month: one series, not four
    ["KW01", "KW02", "KW03", "KW04"],
    ["A", "B", "date", "C"],  # a series named 'date' would be taken for the dates
])
def test_rows_named_by_months_weeks_or_dates_are_not_turned(write_csv, names):
    with pytest.raises(ValidationError, match=r"columns are named by dates"):
        read_csv(write_csv(_across(names, header="")))


def test_dates_across_newest_first_are_read_oldest_first(write_csv):
    text = "country," + ",".join(map(str, YEARS[::-1])) + "\n" + "".join(
        f"{c}," + ",".join(str(100 + k + y) for y in range(30))[::1] + "\n"
        for k, c in enumerate(("Aruba", "Chad")))
    data = read_csv(write_csv(text))
    assert data.values.index[0] == pd.Timestamp("1990-01-01")
    assert data.values["Aruba"].iloc[0] == 100 + 29 and data.values["Aruba"].iloc[-1] == 100


def test_a_header_naming_fewer_columns_than_its_rows_is_not_skipped(write_csv):
    # 'series,values' above 'A,1,2,3,4': a header with too few names, not a line of notes.
    text = "series,values\n" + "".join(f"{s},{k},{k + 1},{k + 2},{k + 3}\n"
                                       for k, s in enumerate("ABC"))
    with pytest.raises(ValidationError, match=r"rows hold more cells than its header"):
        read_csv(write_csv(text))


def test_a_note_per_step_of_a_wide_file_is_no_series_name(write_csv):
    # 'x1,x2,x3,note' was turned into a series per note of three points each.
    text = "x1,x2,x3,note\n" + "".join(f"{k + 0.5},{k + 1.5},{k * 2.5},{note}\n" for k, note in
                                       enumerate(["start", "pump on", "valve open", "stop"]))
    data = read_csv(write_csv(text))
    assert data.names == ["x1", "x2", "x3"] and len(data.values) == 4


def test_a_total_row_under_months_down_is_left_out_with_a_note(write_csv):
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
              "Dec"]
    text = "Series,2019,2020,2021,2022\n" + "".join(
        f"{m},{k},{12 + k},{24 + k},{36 + k}\n" for k, m in enumerate(months)) \
        + "Total,66,210,354,498\n"
    data = read_csv(write_csv(text))
    assert list(data.values["value"]) == list(range(48))
    assert data.notes[0].startswith("turned the file: a row per month ('Jan' ...)")
    assert "row 'Total' left out: neither a month nor a year" in data.notes


@pytest.mark.parametrize("described", [2, 3])
def test_the_tourism_competitions_description_rows_are_dropped(write_csv, described):
    # Its files give each series' length, first year (and quarter or month) above the
    # values: those rows were read as values, a spike of 1995 in a series around 100.
    lengths = [20, 16, 24]
    columns = {}
    for k, n in enumerate(lengths):
        top = [n, 1995 + k, 1][:described]
        columns[f"Q{k + 1}"] = top + [100.5 + i + k for i in range(n)] + [np.nan] * (24 - n)
    data = read_csv(write_csv(pd.DataFrame(columns).to_csv(index=False)))
    assert data.names == ["Q1", "Q2", "Q3"]
    assert [data.spans[n][1] - data.spans[n][0] + 1 for n in data.names] == lengths
    assert data.values["Q2"].iloc[0] == 101.5 and data.values.index[0] == 0
    assert any(f"dropped the first {described} rows" in n for n in data.notes)
    # A length that does not count the values below: values, read as they are.
    columns["Q1"][0] = 21
    data = read_csv(write_csv(pd.DataFrame(columns).to_csv(index=False), "kept.csv"))
    assert data.values["Q1"].iloc[0] == 21
    assert not any("dropped the first" in n for n in data.notes)
