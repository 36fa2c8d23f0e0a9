"""Files of many series: long and ragged wide layouts, hostile cells, calendar features and
future covariates."""

import re
import time
import warnings

import numpy as np
import pandas as pd
import pytest

from seqlab.errors import ValidationError
from seqlab.forecast._reading import parse_dates
from seqlab.forecast.data import (
    SeriesData,
    calendar_features,
    prepare,
    read_csv,
    read_future_covariates,
)


def _long_text(series: dict[str, list], freq: str = "MS", start: dict | None = None,
               header: str = "unique_id,ds,y") -> str:
    rows = [header]
    for name, values in series.items():
        first = (start or {}).get(name, "2020-01-01")
        dates = pd.date_range(first, periods=len(values), freq=freq).strftime("%Y-%m-%d")
        rows += [f"{name},{d},{v}" for d, v in zip(dates, values, strict=True)]
    return "\n".join(rows) + "\n"


# -- wide files whose series start and end at different dates -----------------------------

def test_ragged_wide_file_keeps_each_series_on_its_own_span(write_csv):
    text = ("date,early,late,middle\n"
            "2020-01-01,1,,\n2020-02-01,2,,5\n2020-03-01,3,7,6\n2020-04-01,,8,\n"
            "2020-05-01,,9,\n")
    data = read_csv(write_csv(text))
    assert data.names == ["early", "late", "middle"] and data.freq == "MS"
    assert len(data.values) == 5 and data.values.index[0] == pd.Timestamp("2020-01-01")
    assert data.spans == {"early": (0, 2), "late": (2, 4), "middle": (1, 2)}
    assert list(data.series("late")) == [7.0, 8.0, 9.0]
    assert data.series("late").index[0] == pd.Timestamp("2020-03-01")
    assert data.series("middle").notna().all() and len(data.series("middle")) == 2
    assert np.isnan(data.values.loc["2020-05-01", "early"])


def test_fill_stays_inside_each_series_and_gaps_inside_are_still_errors(write_csv):
    text = ("date,a,b\n2020-01-01,1,\n2020-02-01,,\n2020-03-01,3,10\n2020-04-01,4,\n"
            "2020-05-01,,14\n2020-06-01,,\n")
    path = write_csv(text)
    with pytest.raises(ValidationError, match=r"2 date\(s\) are missing.*2020-02-01, "
                                              r"2020-04-01.*'a', 'b'.*fill="):
        read_csv(path)
    data = read_csv(path, fill="interpolate")
    assert data.spans == {"a": (0, 3), "b": (2, 4)}  # not extended to the ends
    assert list(data.series("a")) == [1.0, 2.0, 3.0, 4.0]
    assert list(data.series("b")) == [10.0, 12.0, 14.0]
    assert len(data.values) == 5  # the last row, blank for every series, is dropped
    assert data.filled == ["2020-02-01", "2020-04-01"]
    assert list(read_csv(path, fill="ffill").series("b")) == [10.0, 10.0, 14.0]


def test_a_series_without_values_is_named(write_csv):
    data = read_csv(write_csv("date,a,empty\n2020-01-01,1,\n2020-02-01,2,\n"))
    assert data.names == ["a"]
    assert "left out the column(s) ['empty']: no values to forecast from" in data.notes
    data = prepare(pd.DataFrame({"a": [1.0, 2.0]}, index=pd.date_range("2020", periods=2,
                                                                          freq="D")))
    broken = SeriesData(values=data.values.assign(b=np.nan), covariates=None, freq="D",
                        season_length=7, filled=[])
    with pytest.raises(ValidationError, match=r"\['b'\] hold no values"):
        broken.series("a")
    with pytest.raises(ValidationError, match="No series named 'zz'"):
        data.series("zz")


def test_shared_covariates_cover_every_date_of_ragged_series(write_csv):
    path = write_csv("date,a,b,temp\n2020-01-01,1,,5\n2020-01-02,2,3,\n2020-01-03,,4,7\n")
    with pytest.raises(ValidationError, match=r"2020-01-02 \(in the covariate\(s\) 'temp'\)"):
        read_csv(path, covariates=["temp"])
    data = read_csv(path, covariates=["temp"], fill="interpolate")
    assert list(data.covariates["temp"]) == [5, 6, 7] and data.filled == ["2020-01-02"]
    assert list(data.covariates_of("b")["temp"]) == [6, 7]


def test_frames_and_series_from_python_read_like_files():
    index = pd.date_range("2021-01-01", periods=6, freq="W-SUN")
    frame = pd.DataFrame({"x": [1.0, 2, 3, 4, np.nan, np.nan],
                          "y": [np.nan, 5, 6, 7, 8, 9]}, index=index)
    data = prepare(frame)
    assert data.freq == "W-SUN" and data.spans == {"x": (0, 3), "y": (1, 5)}
    assert prepare(frame["y"]).spans == {"y": (0, 4)}
    long = pd.DataFrame({"who": ["p", "p", "q"], "when": index[[0, 1, 1]], "amount": [1, 2, 3]})
    data = prepare(long, id_column="who")
    assert data.names == ["p", "q"] and list(data.series("q")) == [3]
    with pytest.raises(ValidationError, match=r"'id_column' parameter names 'whom'"):
        prepare(long, id_column="whom")


@pytest.mark.parametrize("freq", ["YS", "QS", "MS", "W-SUN", "D", "h"])
def test_every_frequency_reads_ragged(write_csv, freq):
    dates = pd.date_range("2001-01-01", periods=12, freq=freq)
    frame = pd.DataFrame({"date": dates.strftime("%Y-%m-%d %H:%M"),
                          "x": np.arange(12.0), "y": np.r_[np.full(4, np.nan),
                                                           np.arange(6.0), [np.nan] * 2]})
    data = read_csv(write_csv(frame.to_csv(index=False)))
    assert len(data.values) == 12 and data.spans == {"x": (0, 11), "y": (4, 9)}
    assert pd.tseries.frequencies.to_offset(data.freq) == pd.tseries.frequencies.to_offset(
        freq) or (freq == "QS" and data.freq.startswith("QS"))


# -- long files ------------------------------------------------------------------------

def test_long_file_is_detected_and_pivoted_by_id(write_csv):
    text = _long_text({"A": [1, 2, 3, 4], "B": [5, 6], "C": [7, 8, 9]},
                      start={"B": "2020-03-01", "C": "2019-12-01"})
    data = read_csv(write_csv(text))
    assert data.names == ["A", "B", "C"] and data.id_column == "unique_id"
    assert data.freq == "MS" and data.values.index[0] == pd.Timestamp("2019-12-01")
    assert list(data.series("A")) == [1, 2, 3, 4] and list(data.series("B")) == [5, 6]
    assert data.series("B").index[-1] == pd.Timestamp("2020-04-01")
    assert data.spans["C"] == (0, 2)


def test_long_file_with_other_names_detected_or_named(write_csv):
    shuffled = ("when,store,sales\n2020-01-02,north,2\n2020-01-01,south,3\n"
                "2020-01-01,north,1\n2020-01-02,south,4\n2020-01-03,south,5\n")
    data = read_csv(write_csv(shuffled))  # one text column whose values repeat, dates repeat
    assert data.names == ["north", "south"] and data.freq == "D"
    assert list(data.series("north")) == [1, 2] and list(data.series("south")) == [3, 4, 5]
    named = ("k,t,v,w\nx,0,1,9\nx,1,2,9\ny,0,3,9\ny,1,4,9\ny,2,5,9\n")
    data = read_csv(write_csv(named, "named.csv"), id_column="k", date_column="t",
                    value_column="v")
    assert data.freq is None and data.names == ["x", "y"]
    assert list(data.series("y")) == [3, 4, 5] and data.notes[0] == (
        "column 'w' of the long file is neither the value ('v') nor a covariate: left out")
    assert data.season_length == 1 and "steps are numbers" in data.notes[1]


def test_long_file_with_integer_steps_and_numeric_ids(write_csv):
    text = "unique_id,ds,y\n" + "".join(f"{i},{t},{i * 10 + t}\n" for i in (7, 8)
                                        for t in range(2, 2 + 3 * i - 15))
    data = read_csv(write_csv(text))
    assert data.names == ["7", "8"] and data.freq is None
    assert list(data.values.index) == list(range(2, 11))
    assert list(data.series("7")) == [72.0, 73.0, 74.0, 75.0, 76.0, 77.0]
    assert data.spans["8"] == (0, 8)


@pytest.mark.parametrize("header", ["series,t,value", "id,step,y", "id,k,y"])
def test_a_long_files_steps_counted_per_series_are_its_time_axis(write_csv, header):
    # 'series,t,value' ('a,1 a,2 ... b,1 b,2 ...'): the steps, counted again in each series,
    # do not rise over the file, and the error was 'have no date column'.
    rows = [f"{name},{t},{t * n}" for n, name in enumerate(["a b", "c"], 1)
            for t in range(1, 5 + n)]
    data = read_csv(write_csv(header + "\n" + "\n".join(rows) + "\n"))
    assert data.names == ["a b", "c"] and data.freq is None
    assert list(data.values.index) == list(range(1, 7))
    assert list(data.series("c")) == [2.0, 4.0, 6.0, 8.0, 10.0, 12.0]
    unnamed = header.split(",")[0] + ",k,y\na,1,1\na,3,2\nb,1,3\nb,2,4\n"  # not by one
    with pytest.raises(ValidationError, match="have no date column"):
        read_csv(write_csv(unnamed, "skips.csv"))


def test_numeric_ids_named_id_with_steps_counted_per_series_are_a_long_file(write_csv):
    # 'id,t,y' of ids 1, 2, 3 read as a wide file of three series 'id', 't' and 'y',
    # forecast silently: numbers named like an id made a long file only beside repeated
    # dates, and the steps, counted again in each series, repeat without being found.
    text = "id,t,y\n" + "".join(f"{i},{t},{i * 10 + t}\n" for i in (1, 2, 3)
                                for t in range(1, 7))
    data = read_csv(write_csv(text))
    assert data.names == ["1", "2", "3"] and data.id_column == "id"
    assert list(data.values.index) == list(range(1, 7))
    assert list(data.series("3")) == [31.0, 32.0, 33.0, 34.0, 35.0, 36.0]
    rows = read_csv(write_csv("id,a,b\n1,5,6\n2,7,8\n3,9,9\n", "wide.csv"))  # no steps
    assert rows.names[-2:] == ["a", "b"]  # wide, as before


@pytest.mark.parametrize("header, form, freq", [("id,yyyymm,value", "%Y%m", "MS"),
                                                 ("store,ymd,sales", "%Y%m%d", "D")])
def test_whole_number_dates_counted_per_series_make_a_long_file(write_csv, header, form,
                                                                  freq):
    # 'id,yyyymm,value' of ids 1, 2, 3 was read as a wide file of three series 'id',
    # 'yyyymm' and 'value' over row numbers, forecast silently: 201812 to 201901 rises by
    # 89, so the months were no steps counted per series, and YYYYMM was read as dates only
    # under a date's name or rising over the whole file.
    dates = pd.date_range("2018-11-28", periods=6, freq=freq)  # over a year's, a month's end
    text = header + "\n" + "".join(f"{i},{d.strftime(form)},{i * 10 + k}\n"
                                   for i in (1, 2, 3) for k, d in enumerate(dates))
    data = read_csv(write_csv(text))
    assert data.names == ["1", "2", "3"] and data.id_column == header.split(",")[0]
    assert data.freq == freq and list(data.values.index) == list(dates)
    assert list(data.series("2")) == [20.0, 21.0, 22.0, 23.0, 24.0, 25.0]


@pytest.mark.parametrize("stores", [("x", "y", "z"), (1, 2, 3)])
def test_steps_counted_per_series_beside_an_unnamed_id_make_a_long_file(write_csv, stores):
    # 'store,t,sales' read as a wide file over row numbers: 't' (and the stores, as
    # numbers) forecast as series, silently, the store names left out.
    text = "store,t,sales\n" + "".join(f"{s},{t},{k * 10 + t}\n"
                                       for k, s in enumerate(stores) for t in range(1, 6))
    data = read_csv(write_csv(text))
    assert data.names == [str(s) for s in stores] and data.id_column == "store"
    assert list(data.values.index) == list(range(1, 6))
    assert list(data.series(str(stores[1]))) == [11.0, 12.0, 13.0, 14.0, 15.0]


def test_numeric_ids_beside_unnamed_steps_are_read_by_their_blocks_or_refused(write_csv):
    # 'store,k,sales' of stores 1, 2, 3 over k = 1 ... 40 read both ways (the stores
    # counting 1, 2, 3 in each step's rows), so it was read silently as a wide file:
    # 'store', 'k' and 'sales' each forecast as a series.
    rows = [(s, k, s * 100 + k) for s in (1, 2, 3) for k in range(1, 41)]
    grouped = "store,k,sales\n" + "".join(f"{s},{k},{v}\n" for s, k, v in rows)
    data = read_csv(write_csv(grouped))  # grouped by store, counting k in each block
    assert data.names == ["1", "2", "3"] and data.id_column == "store"
    assert list(data.values.index) == list(range(1, 41))
    assert list(data.series("2").iloc[:3]) == [201.0, 202.0, 203.0]
    by_step = "store,k,sales\n" + "".join(f"{s},{k},{v}\n" for s, k, v in
                                          sorted(rows, key=lambda r: (r[1], r[0])))
    with pytest.raises(ValidationError, match=r"\['store', 'k', 'sales'\] read either as a "
                                              r"long file.*--id-column store"):
        read_csv(write_csv(by_step, "by_step.csv"))
    data = read_csv(write_csv(by_step, "by_step.csv"), id_column="store")
    assert data.names == ["1", "2", "3"] and list(data.series("3").iloc[:2]) == [301.0, 302.0]


def test_ids_that_look_like_numbers_keep_their_text(write_csv):
    # pandas read '007' and '7' as the number 7 (one series, then "pairs appear more than
    # once"), and SKUs such as 00123 came out named '123'.
    data = read_csv(write_csv(_long_text({"007": [1, 2, 3], "7": [4, 5, 6], "1.0": [7, 8]})))
    assert data.names == ["007", "7", "1.0"] and list(data.series("007")) == [1, 2, 3]
    after_a_blank_line = "\n" + _long_text({"007": [1, 2, 3], "7": [4, 5, 6]})
    assert read_csv(write_csv(after_a_blank_line, "blank.csv")).names == ["007", "7"]
    text = _long_text({"00123": [1, 2], "00456": [3, 4]}, header="store,ds,y,price")
    text = text.replace(",1\n", ",1,9\n").replace(",2\n", ",2,9\n").replace(
        ",3\n", ",3,9\n").replace(",4\n", ",4,9\n")
    data = read_csv(write_csv(text), id_column="store", covariates=["price"])
    assert data.names == ["00123", "00456"]
    future = "store,ds,price\n00123,2020-03-01,5\n00456,2020-03-01,6\n"
    covs = read_future_covariates(write_csv(future, "future.csv"), data, 1)
    assert list(covs.of("00456")["price"]) == [6]
    # an empty id in the future covariates is named by its row, as in the data
    future = "store,ds,price\n00123,2020-03-01,5\n,,\n,2020-03-01,6\n"
    with pytest.raises(ValidationError, match=r"'store' has 1 empty cell\(s\), the first in "
                                              r"row 3 of the data .*, dated 2020-03-01"):
        read_future_covariates(write_csv(future, "empty.csv"), data, 1)


def test_ids_that_pandas_takes_for_missing_markers_are_names(write_csv):
    # pandas read the ids 'NA' (Namibia), 'NULL' and 'None' as missing: the file was refused
    # for "empty" id cells that held them. A blank id is still missing.
    data = read_csv(write_csv(_long_text({"NA": [1, 2, 3], "NULL": [4, 5, 6],
                                          "None": [7, 8, 9]})))
    assert data.names == ["NA", "NULL", "None"] and list(data.series("NA")) == [1, 2, 3]
    text = _long_text({"NA": [1, 2, 3]}, header="country,ds,y") + ",2020-04-01,4\n"
    with pytest.raises(ValidationError, match=r"'country' has 1 empty cell\(s\), the first "
                                              r"in row 4 of the data"):
        read_csv(write_csv(text, "blank.csv"), id_column="country")


@pytest.mark.parametrize("ours, theirs", [(("007", "012"), ("7", "12")),
                                          (("7", "12"), ("007", "012"))])
def test_future_ids_differing_by_leading_zeros_are_named_so(write_csv, ours, theirs):
    # '007' in the data and '7' in the future covariates (a spreadsheet dropped the zeros)
    # was refused as series the data does not have, with no word of why.
    text = "store,ds,y,price\n" + "".join(f"{s},2020-0{m}-01,{m},9\n" for s in ours
                                          for m in (1, 2))
    data = read_csv(write_csv(text), id_column="store", covariates=["price"])
    future = "store,ds,price\n" + "".join(f"{s},2020-03-01,5\n" for s in theirs)
    with pytest.raises(ValidationError, match=rf"2 of them differ from the data's only by "
                                              rf"leading zeros \('{theirs[0]}' for "
                                              rf"'{ours[0]}', '{theirs[1]}' for '{ours[1]}'\)"):
        read_future_covariates(write_csv(future, "future.csv"), data, 1)
    with pytest.raises(ValidationError) as caught:  # other ids: no such sentence
        read_future_covariates(write_csv("store,ds,price\n8,2020-03-01,5\n", "other.csv"),
                               data, 1)
    assert "leading zeros" not in str(caught.value)


def test_short_series_are_read_not_refused(write_csv):
    data = read_csv(write_csv(_long_text({"one": [5], "two": [1, 2], "long": list(range(30))})))
    assert list(data.series("one")) == [5] and list(data.series("two")) == [1, 2]
    single = read_csv(write_csv("date,v\n2020-01-01,3\n", "single.csv"), freq="MS")
    assert single.names == ["v"] and list(single.series("v")) == [3.0]


def test_duplicate_id_date_pairs_are_named(write_csv):
    text = _long_text({"A": [1, 2, 3], "B": [4, 5]}) + "A,2020-02-01,9\nB,2020-01-01,8\n"
    with pytest.raises(ValidationError, match=r"2 \(series, date\) pair\(s\) appear more than "
                                              r"once.*\('A', 2020-02-01\), \('B', 2020-01-01\)"):
        read_csv(write_csv(text))


def test_repeated_pairs_told_apart_by_a_store_number_name_it_as_a_second_id(write_csv):
    # Kaggle's store sales ('date,store_nbr,family,sales,onpromotion'): a numbered store
    # beside the family was no candidate, and the advice was to drop or aggregate the rows.
    text = "date,store_nbr,family,sales,onpromotion\n" + "".join(
        f"2017-01-{d:02d},{s},{f},{d * s},{d % 2}\n" for d in range(1, 11) for s in (1, 2, 3)
        for f in ("BEVERAGES", "GROCERY I"))
    with pytest.raises(ValidationError, match=r"The column 'store_nbr' tells the repeated "
                                              r"rows apart: .*\(--id-column store_nbr,family\)"):
        read_csv(write_csv(text), value_column="sales", covariates=["onpromotion"])
    data = read_csv(write_csv(text), id_column="store_nbr,family", value_column="sales",
                    covariates=["onpromotion"])
    assert data.names[:2] == ["1/BEVERAGES", "1/GROCERY I"] and len(data.names) == 6
    # Unnamed, the values are one of two columns, but the second id is clear: it was left
    # unsaid ('several numeric column(s) that could hold the values') until both were named.
    with pytest.raises(ValidationError, match=r"the column 'store_nbr' tells them apart: .*"
                                              r"--id-column store_nbr,family --value-column "
                                              r"NAME .*one of \['sales', 'onpromotion'\]"):
        read_csv(write_csv(text))


def test_a_midnight_among_hours_is_named_with_its_time_in_a_long_file(write_csv):
    # The wide file's repeated midnight was shown as '2023-10-02 00:00:00'; a long file's
    # (and its future covariates', and an empty id's date) as '2023-10-02', a day of 24 rows.
    hours = pd.date_range("2020-01-01", periods=30, freq="h").strftime("%Y-%m-%d %H:%M")
    text = "unique_id,ds,y\n" + "".join(f"{n},{h},{k}\n" for n in "AB"
                                         for k, h in enumerate(hours))
    with pytest.raises(ValidationError, match=r"\('A', 2020-01-02 00:00:00\)"):
        read_csv(write_csv(text + "A,2020-01-02 00:00,9\n"))
    with pytest.raises(ValidationError, match=r"row 25 of the data .*, dated 2020-01-02 "
                                              r"00:00:00;"):
        read_csv(write_csv(text.replace("A,2020-01-02 00:00,", ",2020-01-02 00:00,"),
                           "blank.csv"))
    data = read_csv(write_csv("ds,y,price\n" + "".join(f"{h},{k},1\n"
                                                       for k, h in enumerate(hours[:24])),
                              "wide.csv"), covariates=["price"])
    future = "ds,price\n2020-01-02 00:00,1\n2020-01-02 01:00,1\n2020-01-02 00:00,1\n"
    with pytest.raises(ValidationError, match=r"more than once: 2020-01-02 00:00:00\.$"):
        read_future_covariates(write_csv(future, "future.csv"), data, 2)


def test_ambiguous_long_files_ask_for_the_columns(write_csv):
    two_ids = ("region,product,ds,y\na,x,2020-01-01,1\na,y,2020-01-01,2\nb,x,2020-01-01,3\n"
               "b,y,2020-01-01,4\n")
    with pytest.raises(ValidationError, match=r"could each name the series.*--id-column"):
        read_csv(write_csv(two_ids))
    # Neither names each date once, both together do: the error said only to pass
    # --id-column, as if one of them would do.
    with pytest.raises(ValidationError, match=r"If each \(region, product\) combination is a "
                                              r"series, name them together: --id-column "
                                              r"region,product \(id_column='region,product'\)"):
        read_csv(write_csv(two_ids))
    assert read_csv(write_csv(two_ids), id_column="region,product", freq="MS").names == [
        "a/x", "a/y", "b/x", "b/y"]
    two_values = "unique_id,ds,sales,price\nA,2020-01-01,1,2\nA,2020-02-01,1,2\n"
    with pytest.raises(ValidationError, match=r"several numeric column.*\['sales', 'price'\]"
                                              r".*--value-column"):
        read_csv(write_csv(two_values, "values.csv"))
    data = read_csv(write_csv(two_values, "values.csv"), value_column="sales",
                    covariates=["price"])
    assert data.names == ["A"] and data.covariate_names == ["price"]
    repeated_dates = "date,a,b\n2020-01-01,1,2\n2020-01-01,3,4\n"
    with pytest.raises(ValidationError, match=r"unique.*2020-01-01.*id_column"):
        read_csv(write_csv(repeated_dates, "repeated.csv"))
    # A row written twice, every cell the same: the error said to name an id column, of a
    # file that has none.
    twice = "date,a,b\n2020-01-01,1,2\n2020-01-01,1,2\n2020-01-02,3,4\n2020-01-03,5,6\n"
    with pytest.raises(ValidationError, match=r"these appear more than once: 2020-01-01\. "
                                              r"Each repeat is a row written twice, every cell "
                                              r"as in a row above it \(row\(s\) 2 of the data, "
                                              r".*\): drop the repeated rows\.$"):
        read_csv(write_csv(twice, "twice.csv"))


def test_a_text_column_the_same_in_every_row_or_grouping_the_series_names_none(write_csv):
    # 'unit' (EUR throughout) or 'region' (over several stores) beside the stores' names:
    # refused as 'columns could each name the series', though only 'store' names one row
    # per date.
    text = "region,store,unit,date,sales\n" + "".join(
        f"{region},{store},EUR,2020-{m:02d}-01,{k * 10 + m}\n"
        for k, (region, store) in enumerate([("North", "Alpha"), ("North", "Beta"),
                                             ("South", "Gamma")])
        for m in range(1, 5))
    data = read_csv(write_csv(text))
    assert data.id_column == "store" and data.names == ["Alpha", "Beta", "Gamma"]
    assert list(data.values["Gamma"]) == [21, 22, 23, 24]
    assert "column 'region' of the long file is neither the value ('sales') nor a " \
        "covariate: left out" in data.notes


def test_stores_named_like_halves_of_the_year_beside_monthly_dates_are_the_ids(write_csv):
    # Stores S1, S2 beside the first days of months: refused as "holds periods of the
    # year, not names of series: the dates seem split over 'date' and 'store'", though
    # no date is a year for a half to complete.
    text = "store,date,sales\n" + "".join(f"{s},2021-{m:02d}-01,{k * 10 + m}\n"
                                          for k, s in enumerate(["S1", "S2"])
                                          for m in range(1, 13))
    data = read_csv(write_csv(text))
    assert data.id_column == "store" and data.names == ["S1", "S2"] and data.freq == "MS"
    assert list(data.values["S2"].iloc[:3]) == [11, 12, 13]
    # Beside years (1 January), S1 and S2 are still halves, the date split over two columns.
    yearly = "year,half,sales\n" + "".join(f"{y}-01-01,{h},{y % 7}\n"
                                           for y in range(2010, 2020) for h in ("S1", "S2"))
    with pytest.raises(ValidationError, match="holds periods of the year, not names of series"):
        read_csv(write_csv(yearly, "halves.csv"))


def test_eurostats_sdmx_csv_is_read_by_its_time_period_and_obs_value(write_csv):
    # The date of the last update (the same in every row) was taken for the dates, and the
    # file refused: "the date column 'LAST UPDATE' repeats".
    text = "DATAFLOW,LAST UPDATE,freq,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n" + "".join(
        f"ESTAT:PRC_HICP_MIDX(1.0),15/01/24 23:00:00,M,I15,{geo},2020-{m:02d},"
        f"{k * 10 + m},{'p' if m == 3 else ''}\n"
        for k, geo in enumerate(["AT", "BE"]) for m in range(1, 7))
    data = read_csv(write_csv(text))
    assert data.id_column == "geo" and data.names == ["AT", "BE"] and data.freq == "MS"
    assert list(data.values.index) == list(pd.date_range("2020-01", periods=6, freq="MS"))
    assert list(data.values["BE"]) == [11, 12, 13, 14, 15, 16]
    assert "column 'LAST UPDATE' of the long file is neither the value ('OBS_VALUE') nor a " \
        "covariate: left out" in data.notes


def test_a_code_beside_its_label_names_the_series_by_the_code(write_csv):
    # Newer SDMX files write each code's label beside it ('geo', 'Geopolitical entity
    # (reporting)'): two columns each naming the series, refused as ambiguous.
    text = "geo,Geopolitical entity (reporting),TIME_PERIOD,OBS_VALUE\n" + "".join(
        f"{geo},{name},2020-{m:02d},{k * 10 + m}\n"
        for k, (geo, name) in enumerate([("AT", "Austria"), ("BE", "Belgium")])
        for m in range(1, 7))
    data = read_csv(write_csv(text))
    assert data.id_column == "geo" and data.names == ["AT", "BE"]
    assert list(data.values["BE"]) == [11, 12, 13, 14, 15, 16]
    assert any("'Geopolitical entity (reporting)' of the long file is neither the value"
               in n for n in data.notes)
    # Two columns that pair their names otherwise from one date to another still ask.
    swapped = text.replace("AT,Austria,2020-05", "AT,Belgium,2020-05").replace(
        "BE,Belgium,2020-05", "BE,Austria,2020-05")
    with pytest.raises(ValidationError, match="could each name the series"):
        read_csv(write_csv(swapped, "swapped.csv"))


@pytest.mark.parametrize("week", ["2023-01-{:02d}", "{}"])
def test_a_long_files_numeric_id_column_is_named_where_the_dates_repeat(write_csv, week):
    # 'store,week,sales' with stores 1, 2, 3: numbers are never taken as the id unasked,
    # and the error said to pass --id-column without naming 'store'.
    text = "store,week,sales\n" + "".join(f"{s},{week.format(w)},{(s * w) % 5}\n"
                                          for s in (1, 2, 3) for w in range(1, 11))
    with pytest.raises(ValidationError, match=r"unique.*\(--id-column store\)\.$"):
        read_csv(write_csv(text))
    data = read_csv(write_csv(text), id_column="store")
    assert data.names == ["1", "2", "3"]


def test_long_value_column_of_text_is_an_error(write_csv):
    text = "unique_id,ds,y\nA,2020-01-01,low\nA,2020-02-01,high\n"
    with pytest.raises(ValidationError, match=r"'y' must hold numbers.*'low' at 2020-01-01 "
                                              r"of series 'A'"):
        read_csv(write_csv(text), value_column="y")


def test_the_long_files_value_column_named_as_a_covariate_is_refused(write_csv):
    # Regression: covariates ['y'] silently made 'price' the values forecast.
    path = write_csv("unique_id,ds,y,price\nA,2020-01-01,1,10\nA,2020-02-01,2,11\n"
                     "B,2020-01-01,3,20\nB,2020-02-01,4,21\n")
    with pytest.raises(ValidationError, match=r"names 'y', the long file's value column.*"
                                              r"cannot also be a covariate.*--value-column price"):
        read_csv(path, covariates=["y"])
    data = read_csv(path, covariates=["y"], value_column="price")  # asked for: so it is
    assert data.covariate_names == ["y"] and list(data.series("B")) == [20, 21]


def test_long_covariates_are_pivoted_per_series(write_csv):
    text = ("unique_id,ds,y,price\nA,2020-01-01,1,10\nA,2020-02-01,2,11\n"
            "B,2020-02-01,3,20\nB,2020-03-01,4,21\nB,2020-04-01,5,22\n")
    data = read_csv(write_csv(text), covariates=["price"])
    assert data.covariate_names == ["price"]
    assert list(data.covariates_of("A")["price"]) == [10, 11]
    assert list(data.covariates_of("B")["price"]) == [20, 21, 22]
    gap = text.replace("B,2020-03-01,4,21", "B,2020-03-01,4,")
    with pytest.raises(ValidationError, match=r"2020-03-01 \(in the covariate 'price' of 'B'"):
        read_csv(write_csv(gap, "gap.csv"), covariates=["price"])
    assert list(read_csv(write_csv(gap, "gap.csv"), covariates=["price"], fill="interpolate")
                .covariates_of("B")["price"]) == [20, 21, 22]


# -- hostile cells ---------------------------------------------------------------------

def test_daylight_saving_offsets_are_read(write_csv):
    daily = "date,v\n" + "".join(f"2021-03-{d}T00:00:00{'+01:00' if d < 28 else '+02:00'},{d}\n"
                                 for d in range(20, 31))
    data = read_csv(write_csv(daily))
    assert data.freq == "D" and data.values.index[0] == pd.Timestamp("2021-03-20")
    assert data.values.index[-1] == pd.Timestamp("2021-03-30") and data.values.index.tz is None
    stamps = pd.date_range("2021-10-30 22:00", periods=8, freq="h", tz="UTC").tz_convert(
        "Europe/Berlin")
    hourly = "time,load\n" + "".join(f"{s.isoformat()},{i}\n" for i, s in enumerate(stamps))
    data = read_csv(write_csv(hourly, "hourly.csv"))  # the autumn hour repeats in wall time
    assert data.freq == "h" and len(data.values) == 8
    assert data.values.index[0] == pd.Timestamp("2021-10-30 22:00")  # UTC
    frame = pd.DataFrame({"v": np.arange(8.0)}, index=stamps)
    assert prepare(frame).values.index.equals(data.values.index)
    # Few distinct dates, one of them the 23-hour day of the change: still days.
    long = ("unique_id,ds,y\nA,2021-03-27T00:00:00+01:00,1\nA,2021-03-28T00:00:00+01:00,2\n"
            "A,2021-03-29T00:00:00+02:00,3\nB,2021-03-29T00:00:00+02:00,4\n")
    data = read_csv(write_csv(long, "long.csv"))
    assert data.freq == "D" and data.values.index[-1] == pd.Timestamp("2021-03-29")


def test_day_first_dates_are_read_day_first(write_csv):
    # '13/01/2018' was read day first and '01/02/2018' month first in one column, so a
    # day-first daily file was refused as "not sorted" (2018-01-13 after 2018-12-01).
    dates = pd.date_range("2018-01-01", periods=40, freq="D")
    for written in ("%d/%m/%Y", "%d.%m.%Y", "%m/%d/%Y"):
        text = "date,v\n" + "".join(f"{d:{written}},{i}\n" for i, d in enumerate(dates))
        data = read_csv(write_csv(text))
        assert data.freq == "D" and list(data.values.index) == list(dates), written
        assert data.series("v").loc["2018-02-01"] == 31.0
    mixed = "date,v\n13/01/2018,1\n14/01/2018,2\n01/15/2018,3\n"
    with pytest.raises(ValidationError, match=r"'date' mixes day-first and month-first dates: "
                                              r"'13/01/2018' and '01/15/2018'"):
        read_csv(write_csv(mixed))


@pytest.mark.parametrize("written", ["%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"])
def test_ambiguous_monthly_and_quarterly_dates_over_years_are_day_first(write_csv, written):
    # Every date ambiguous ('01/02/2018' ... '01/07/2019') was read month first: a monthly
    # file became the first days of January of each year.
    months = pd.date_range("2018-02-01", periods=18, freq="MS")
    text = "date,v\n" + "".join(f"{d:{written}},{i}\n" for i, d in enumerate(months))
    data = read_csv(write_csv(text))
    assert data.freq == "MS" and list(data.values.index) == list(months)
    quarters = pd.date_range("2017-01-01", periods=8, freq="QS")
    text = "date,v\n" + "".join(f"{d:{written}},{i}\n" for i, d in enumerate(quarters))
    data = read_csv(write_csv(text, "quarterly.csv"))
    assert data.freq.startswith("QS") and list(data.values.index) == list(quarters)
    long = "unique_id,ds,y\n" + "".join(f"{k},{d:{written}},{i}\n" for k in "AB"
                                        for i, d in enumerate(months[9:13]))
    data = read_csv(write_csv(long, "long.csv"))  # repeated dates: one day of the month
    assert data.freq == "MS" and list(data.values.index) == list(months[9:13])


def test_dates_written_with_dots_are_day_first_without_a_warning():
    # '01.02.2021' ... '01.12.2021' (a year of months) were read as days of January.
    dates = pd.Series([f"01.{m:02d}.2021" for m in range(1, 13)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parsed = parse_dates(dates, "date")
    assert list(parsed) == list(pd.date_range("2021-01-01", periods=12, freq="MS"))
    days = parse_dates(pd.Series([f"{d:02d}.01.2021" for d in range(1, 11)]), "date")
    assert list(days) == list(pd.date_range("2021-01-01", periods=10))


@pytest.mark.parametrize("dates, read", [
    # ten days of January written month first, or the first days of ten months written
    # day first: read month first, as pandas does, with a warning
    ([f"01/{k:02d}/2020" for k in range(1, 11)], pd.date_range("2020-01-01", periods=10)),
    # with a time, both readings regular (ten days, or the first days of ten months)
    ([f"01/{d:02d}/2020 00:00" for d in range(1, 11)], pd.date_range("2020-01-01", periods=10)),
])
def test_dates_that_read_both_ways_within_a_year_are_month_first_with_a_warning(dates,
                                                                              read):
    with pytest.warns(UserWarning, match=r"read day first or month first alike.*'01/02/2020"):
        parsed = parse_dates(pd.Series(dates), "date")
    assert list(parsed) == list(read)


@pytest.mark.parametrize("written, freq", [
    ("%d/%m/%Y %H:%M", "h"),   # five days of hours, day first: month first, no grid
    ("%m/%d/%Y %H:%M", "h"),
    ("%d/%m/%Y", "D"),         # twelve days of March: month first, the 3rd of each month
    ("%m/%d/%Y", "D"),
])
def test_ambiguous_dates_take_the_reading_on_a_regular_grid_without_a_warning(written, freq):
    # Five days of hours written '01/03/2021 00:00' were read month first (the 3rd of
    # January ... May): 'could not infer the frequency', and --freq h then reported 2784
    # missing hours.
    dates = pd.date_range("2021-03-01", periods=120 if freq == "h" else 12, freq=freq)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parsed = parse_dates(pd.Series(dates.strftime(written)), "date")
        # Hours of two days (Jan 1 and 2, or Jan 1 and Feb 1): warned before, month first.
        hours = parse_dates(pd.Series([f"01/{d:02d}/2020 {h:02d}:00" for d in (1, 2)
                                       for h in range(24)]), "date")
    assert list(parsed) == list(dates)
    assert list(hours) == list(pd.date_range("2020-01-01", periods=48, freq="h"))


@pytest.mark.parametrize("written", ["%d/%m/%y", "%b-%y"])
def test_two_digit_years_of_the_last_century_stay_there(written):
    # '01/01/60' ... '01/12/74' was read as 2060 ... 2074, and 'Jan-60' ... 'Dec-74' as
    # 2060 ... 2068 then 1969: refused as unsorted.
    dates = pd.date_range("1960-01-01", periods=180, freq="MS")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = parse_dates(pd.Series(dates.strftime(written)), "date")
    assert list(parsed) == list(dates)
    recent = pd.date_range("2019-01-01", periods=24, freq="MS")  # this century's stay
    assert list(parse_dates(pd.Series(recent.strftime("%b-%y")), "date")) == list(recent)
    soon = pd.date_range("2029-01-01", periods=24, freq="MS")  # and the next few years'
    assert list(parse_dates(pd.Series(soon.strftime("%b-%y")), "date")) == list(soon)
    # decided for the column: 1940 ... 1979, where '40' ... '46' alone would stay 2040s
    old = pd.date_range("1940-01-01", periods=480, freq="MS")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = parse_dates(pd.Series(old.strftime(written)), "date")
    assert list(parsed) == list(old)


def test_ambiguous_dates_are_read_on_the_grid_of_a_given_freq():
    # New data for a model fitted on day-first months, within one year ('01/02/2021' ...,
    # which reads as ten days of January too), were read month first and refused for not
    # following the model's frequency, which --model does not let one change.
    written = [f"01/{m:02d}/2021" for m in range(1, 11)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        months = parse_dates(pd.Series(written), "date", "MS")
        days = parse_dates(pd.Series(written), "date", "D")
    assert list(months) == list(pd.date_range("2021-01-01", periods=10, freq="MS"))
    assert list(days) == list(pd.date_range("2021-01-01", periods=10, freq="D"))


@pytest.mark.parametrize("dates, read", [
    # the second number constant, the first varying: month first, monthly
    (["02/01/2018", "03/01/2018", "04/01/2018"], ["2018-02-01", "2018-03-01", "2018-04-01"]),
    # both varying: month first, pandas' default
    (["01/02/2018", "02/03/2018", "03/04/2018"], ["2018-01-02", "2018-02-03", "2018-03-04"]),
    # both constant (only the year varies): month first
    (["01/02/2018", "01/02/2019", "01/02/2020"], ["2018-01-02", "2019-01-02", "2020-01-02"]),
    (["01/02/2018"], ["2018-01-02"]),
    # the first number constant, the second and the year varying: day first
    (["01/11/2018", "01/12/2018", "01/01/2019"], ["2018-11-01", "2018-12-01", "2019-01-01"]),
    # a day above 12 decides, whatever stays constant
    (["13/01/2018", "13/02/2018"], ["2018-01-13", "2018-02-13"]),
    (["01/13/2018", "02/13/2018"], ["2018-01-13", "2018-02-13"])])
def test_ambiguous_dates_take_the_constant_number_as_the_day(dates, read):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the month-first cases warn (tested above)
        parsed = parse_dates(pd.Series(dates * 2), "date")  # repeated, as in a long file
    assert list(parsed) == [pd.Timestamp(d) for d in read * 2]


def test_yyyymm_and_yyyymmdd_integers_are_months_and_days(write_csv):
    # Statistical offices export months as 201801 and days as 20180101: read as step
    # numbers, 201801 ... 201912 was refused for 'missing dates 201813 ...', and days
    # became plain steps forecast without dates.
    months = pd.date_range("2018-01-01", periods=24, freq="MS")
    text = "period,v\n" + "".join(f"{d:%Y%m},{i}\n" for i, d in enumerate(months))
    data = read_csv(write_csv(text))
    assert data.freq == "MS" and list(data.values.index) == list(months)
    floats = text.replace(",", ".0,").replace("period.0,", "period,")  # 201801.0 ...
    data = read_csv(write_csv(floats, "floats.csv"))
    assert data.freq == "MS" and list(data.values.index) == list(months)
    days = pd.date_range("2018-01-20", periods=40, freq="D")  # across a month's end
    text = "date,v\n" + "".join(f"{d:%Y%m%d},{i}\n" for i, d in enumerate(days))
    data = read_csv(write_csv(text, "daily.csv"))
    assert data.freq == "D" and list(data.values.index) == list(days)
    long = "unique_id,ds,y\n" + "".join(f"{k},{d:%Y%m},{i}\n" for k in "AB"
                                        for i, d in enumerate(months[:5]))
    data = read_csv(write_csv(long, "long.csv"))
    assert data.freq == "MS" and list(data.values.index) == list(months[:5])


@pytest.mark.parametrize("values", [
    [1, 2, 3], [0, 5, 10],  # steps
    [200001, 200002, 200013],  # 6 digits, not all months 01-12
    [300001, 300002], [99912, 100001],  # 6 digits, a year outside 1000-2999 (or 5 digits)
    [201801, 20180101],  # 6 and 8 digits together
    [20180228, 20180229],  # 8 digits, not every one a calendar date
    [10000000, 10000001]])
def test_other_integers_stay_step_numbers(values):
    parsed = parse_dates(pd.Series(values), "t")
    assert not isinstance(parsed, pd.DatetimeIndex) and list(parsed) == values
    floats = parse_dates(pd.Series(values, dtype=float), "t")
    assert not isinstance(floats, pd.DatetimeIndex) and list(floats) == values


def test_integer_dates_keep_years_and_refuse_empty_cells():
    assert list(parse_dates(pd.Series([1999, 2000, 1999]), "year")) == [
        pd.Timestamp("1999"), pd.Timestamp("2000"), pd.Timestamp("1999")]
    assert list(parse_dates(pd.Series([201812.0, 201901.0]), "period")) == [
        pd.Timestamp("2018-12-01"), pd.Timestamp("2019-01-01")]
    with pytest.raises(ValidationError, match=r"'period' has values that are not dates: "
                                              r"201901\.5 and 1 empty cell\(s\)"):
        parse_dates(pd.Series([201812.0, 201901.5, np.nan]), "period")


@pytest.mark.parametrize("cell, shown", [("-1e308", "-1e+308"), ("1e39", "1e+39"),
                                         ("1e-310", "1e-310"), ("-2e-39", "-2e-39")])
def test_values_float32_cannot_hold_are_refused(write_csv, cell, shown):
    text = f"date,a,b\n2020-01-01,1,2\n2020-02-01,3,{cell}\n2020-03-01,5,6\n"
    shown = re.escape(shown)
    with pytest.raises(ValidationError, match=rf"{shown} in 'b' at 2020-02-01.*magnitude "
                                              r"between 1.2e-38 and 3.4e\+38 \(or 0\)"):
        read_csv(write_csv(text))
    long = f"unique_id,ds,y\nA,2020-01-01,1\nA,2020-02-01,{cell}\n"
    with pytest.raises(ValidationError, match=rf"{shown} in 'y' at 2020-02-01 of series 'A'"):
        read_csv(write_csv(long, "long.csv"))


def test_values_at_the_edges_of_float32_and_zeros_are_kept(write_csv):
    data = read_csv(write_csv("date,v\n2020-01-01,3e38\n2020-02-01,0\n2020-03-01,-2e-38\n"))
    assert list(data.series("v")) == [3e38, 0.0, -2e-38]


def test_text_cells_in_a_numeric_column_are_named(write_csv):
    text = ("date,a,b,note\n2020-01-01,1,2,ok\n2020-02-01,3,n.a.,fine\n2020-03-01,5,6,odd\n"
            "2020-04-01,7,1 000,ok\n")
    with pytest.raises(ValidationError, match=r"'b' holds numbers and 2 cell\(s\) that are not "
                                              r"numbers: 'n.a.' at 2020-02-01, '1 000' at "
                                              r"2020-04-01"):
        read_csv(write_csv(text))
    fine = text.replace("n.a.", "4").replace("1 000", "8")
    data = read_csv(write_csv(fine, "fine.csv"))
    assert data.names == ["a", "b"]
    assert data.notes == ["column 'note' is not numeric, not a series: left out"]


# -- speed -----------------------------------------------------------------------------

def test_many_series_read_fast_wide_and_long(tmp_path):
    rng = np.random.default_rng(0)
    n, t = 2000, 120
    dates = pd.date_range("2010-01-01", periods=t, freq="MS").strftime("%Y-%m-%d")
    values = rng.normal(100, 10, (t, n)).round(2)
    values[: t // 2, ::3] = np.nan  # every third series starts halfway
    wide = pd.DataFrame(values, columns=[f"s{i}" for i in range(n)])
    wide.insert(0, "date", dates)
    wide.to_csv(tmp_path / "wide.csv", index=False)
    present = ~np.isnan(values.T.ravel())
    long = pd.DataFrame({"unique_id": np.repeat(wide.columns[1:], t)[present],
                         "ds": np.tile(dates, n)[present], "y": values.T.ravel()[present]})
    long.to_csv(tmp_path / "long.csv", index=False)
    for name in ("wide", "long"):
        start = time.process_time()  # CPU time: the bound holds on a busy machine
        data = read_csv(tmp_path / f"{name}.csv")
        elapsed = time.process_time() - start
        assert data.values.shape == (t, n) and data.spans["s3"] == (t // 2, t - 1)
        assert elapsed < 3, (name, elapsed)  # about 0.2 s


@pytest.mark.parametrize("written", ["%d/%m/%Y", "%m/%d/%Y"])
def test_ambiguous_dates_over_decades_read_fast(tmp_path, written):
    # Thirty years of months written '01/02/1990' (day first) or '2/1/1990' (month first)
    # read in 20 s and 7.6 GB: the other reading was tried on a grid of seconds over decades.
    dates = pd.date_range("1990-01-01", periods=360, freq="MS")
    text = "date,v\n" + "".join(f"{d.strftime(written)},{k}\n" for k, d in enumerate(dates))
    (tmp_path / "data.csv").write_text(text)
    start = time.process_time()
    data = read_csv(tmp_path / "data.csv")
    elapsed = time.process_time() - start
    assert list(data.values.index) == list(dates) and elapsed < 2, elapsed  # about 0.05 s


# -- calendar features -----------------------------------------------------------------

@pytest.mark.parametrize("freq, columns", [
    ("MS", ["month_sin", "month_cos"]), ("ME", ["month_sin", "month_cos"]),
    ("QS", ["quarter_sin", "quarter_cos"]), ("W-SUN", ["year_sin", "year_cos"]),
    ("D", ["weekday_sin", "weekday_cos", "year_sin", "year_cos"]),
    ("B", ["weekday_sin", "weekday_cos", "year_sin", "year_cos"]),
    ("h", ["hour_sin", "hour_cos", "weekday_sin", "weekday_cos"]), ("YS", []), ("YE", [])])
def test_calendar_features_follow_the_frequency(freq, columns):
    # 400 years would pass pandas 2's last date (2262)
    index = pd.date_range("2020-01-01", periods=40 if freq.startswith("Y") else 400, freq=freq)
    features = calendar_features(index, freq)
    assert list(features.columns) == columns and features.index.equals(index)
    assert ((features >= -1) & (features <= 1)).all().all()
    if columns:
        assert features.std().min() > 0.1  # each feature varies over 400 steps


def test_calendar_features_place_months_and_weekdays():
    months = calendar_features(pd.date_range("2020-01-01", periods=13, freq="MS"), "MS")
    assert months.iloc[0].tolist() == pytest.approx([0.0, 1.0])  # January
    assert months.iloc[12].tolist() == pytest.approx(months.iloc[0].tolist())  # a year on
    assert months["month_sin"].iloc[3] == pytest.approx(1.0)  # April: a quarter round
    days = calendar_features(pd.date_range("2024-01-01", periods=14, freq="D"), "D")
    assert days.iloc[0, :2].tolist() == pytest.approx([0.0, 1.0])  # Monday
    assert days.iloc[7, :2].tolist() == pytest.approx(days.iloc[0, :2].tolist())
    assert calendar_features(pd.RangeIndex(10), None).shape == (10, 0)


# -- future covariates -----------------------------------------------------------------

@pytest.fixture
def ragged_with_price(write_csv):
    text = ("date,a,b,price\n2020-01-01,1,5,1\n2020-02-01,2,6,2\n2020-03-01,3,,3\n")
    return read_csv(write_csv(text, "past.csv"), covariates=["price"])


def test_future_covariates_cover_each_series_horizon(write_csv, ragged_with_price):
    data = ragged_with_price
    path = write_csv("date,price\n2020-03-01,30\n2020-04-01,40\n2020-05-01,50\n"
                     "2020-06-01,60\n", "future.csv")
    future = read_future_covariates(path, data, 2)
    assert list(future.of("b")["price"]) == [30, 40]  # b ends in February
    assert list(future.of("a")["price"]) == [40, 50]
    assert future.of("a").index[0] == pd.Timestamp("2020-04-01")
    short = write_csv("date,price\n2020-03-01,30\n2020-04-01,40\n", "short.csv")
    with pytest.raises(ValidationError, match=r"lack 'price' at 1 date\(s\): 2020-05-01"):
        read_future_covariates(short, data, 2)
    blank = write_csv("date,price\n2020-03-01,30\n2020-04-01,\n2020-05-01,50\n", "blank.csv")
    with pytest.raises(ValidationError, match=r"lack 'price' at 1 date\(s\): 2020-04-01"):
        read_future_covariates(blank, data, 2)
    with pytest.raises(ValidationError, match=r"lack the column\(s\) \['promo'\]"):
        read_future_covariates(path, data, 2, names=["promo"])
    other = write_csv("date,promo\n2020-04-01,1\n2020-05-01,1\n", "other.csv")
    with pytest.raises(ValidationError, match=r"\['promo'\] are not covariates of the data"):
        read_future_covariates(other, data, 2)
    huge = write_csv("date,price\n2020-03-01,30\n2020-04-01,1e300\n2020-05-01,50\n", "huge.csv")
    with pytest.raises(ValidationError, match="float32 cannot hold: 1e\\+300 in 'price'"):
        read_future_covariates(huge, data, 2)
    with pytest.raises(ValidationError, match="'horizon' parameter"):
        read_future_covariates(path, data, 0)
    # saved by pandas or a spreadsheet: an index, a trailing comma, blank rows
    saved = write_csv(",date,price,\n0,2020-03-01,30,\n1,2020-04-01,40,\n,,,\n2,2020-05-01,50,\n"
                      ",,,\n", "saved.csv")
    assert list(read_future_covariates(saved, data, 2).of("a")["price"]) == [40, 50]
    off = write_csv("date,price\n2020-03-01,30\n2020-04-15,40\n2020-05-01,50\n", "off.csv")
    with pytest.raises(ValidationError, match="2020-04-15 does not follow the data's "
                                              "frequency, monthly \\(MS\\): the horizon runs"):
        read_future_covariates(off, data, 2)


def test_future_covariates_may_be_a_named_series_and_other_types_are_refused(
        ragged_with_price):
    """A Series of prices indexed by their dates (as a frame's column is taken) failed with
    a TypeError from the file reader, as did an array."""
    dates = pd.date_range("2020-03-01", periods=4, freq="MS")
    price = pd.Series([30.0, 40, 50, 60], index=dates, name="price")
    future = read_future_covariates(price, ragged_with_price, 2)
    assert list(future.of("a")["price"]) == [40, 50]
    assert list(future.of("b")["price"]) == [30, 40]
    with pytest.raises(ValidationError, match=r"future covariates \(future_covariates\) must "
                                              r"be a CSV path, a pandas DataFrame, or a Series "
                                              r"named after its covariate.*; got ndarray"):
        read_future_covariates(price.to_numpy(), ragged_with_price, 2)


def test_true_false_covariates_are_ones_and_zeros(write_csv):
    text = "date,sales,promo\n2020-01-01,1,True\n2020-01-02,2,False\n2020-01-03,3,True\n"
    data = read_csv(write_csv(text), covariates=["promo"])
    assert list(data.covariates["promo"]) == [1.0, 0.0, 1.0] and data.notes == []
    assert read_csv(write_csv(text)).notes == [
        "column 'promo' is not numeric, not a series: left out"]
    steps = prepare(pd.DataFrame({"step": [0, 1, 2], "a": [1.0, 2, 3], "price": [5.0, 6, 7]}),
                    date_column="step", covariates=["price"])
    future = read_future_covariates(pd.DataFrame({"step": [3, 4], "price": [8, 9]}), steps, 2)
    assert list(future.of("a").index) == [3, 4] and list(future.of("a")["price"]) == [8, 9]


def test_future_covariates_per_series_in_long_files(write_csv):
    past = ("unique_id,ds,y,price\nA,2020-01-01,1,10\nA,2020-02-01,2,11\n"
            "B,2020-01-01,3,20\n")
    data = read_csv(write_csv(past), covariates=["price"])
    future = ("unique_id,ds,price\nA,2020-03-01,12\nB,2020-02-01,21\nB,2020-03-01,22\n"
              "A,2020-04-01,13\n")
    covs = read_future_covariates(write_csv(future, "future.csv"), data, 2)
    assert list(covs.of("A")["price"]) == [12, 13] and list(covs.of("B")["price"]) == [21, 22]
    missing_b = "unique_id,ds,price\nA,2020-03-01,12\nA,2020-04-01,13\nB,2020-02-01,21\n"
    with pytest.raises(ValidationError, match=r"lack 'price' of series 'B' at 1 date\(s\): "
                                              r"2020-03-01"):
        read_future_covariates(write_csv(missing_b, "b.csv"), data, 2)
    stranger = future + "C,2020-03-01,1\n"
    with pytest.raises(ValidationError, match=r"series the data does not have: \['C'\]"):
        read_future_covariates(write_csv(stranger, "c.csv"), data, 2)


def test_months_dated_on_one_day_past_the_first_are_read_as_months(write_csv):
    # Monthly dates on the 15th fit no pandas frequency: "Could not infer the frequency",
    # and --freq MS was refused as not followed. Long files, and future covariates dated
    # alike, are read the same way.
    days = pd.date_range("2020-01-01", periods=8, freq="MS") + pd.Timedelta(days=14)
    wide = read_csv(write_csv("date,sales\n" + "".join(f"{d.date()},{k}\n"
                                                       for k, d in enumerate(days))))
    assert wide.freq == "MS" and list(wide.values.index) == list(
        pd.date_range("2020-01-01", periods=8, freq="MS"))
    assert "the dates fall on day 15 of their months (2020-01-15 ...): read as those months, " \
        "dated at their starts (2020-01-01 ...), as the forecasts are" in wide.notes
    assert read_csv(write_csv("date,sales\n" + "".join(
        f"{d.date()},{k}\n" for k, d in enumerate(days)), "given.csv"), freq="MS").freq == "MS"
    rows = "".join(f"{i},{d.date()},{k},{k + 10}\n" for i in "ab" for k, d in enumerate(days))
    long = read_csv(write_csv("unique_id,ds,y,price\n" + rows, "long.csv"),
                    covariates=["price"])
    assert long.names == ["a", "b"] and long.freq == "MS"
    ahead = pd.date_range("2020-09-01", periods=2, freq="MS") + pd.Timedelta(days=14)
    future = "".join(f"{i},{d.date()},{20 + k}\n" for i in "ab" for k, d in enumerate(ahead))
    covs = read_future_covariates(write_csv("unique_id,ds,price\n" + future, "f.csv"),
                                  long, 2)
    assert list(covs.of("b")["price"]) == [20, 21]
    # Days that differ (the 15th, then the 16th), or the 29th to 31st, are not months.
    with pytest.raises(ValidationError, match="Could not infer the frequency"):
        read_csv(write_csv("date,sales\n2020-01-15,1\n2020-02-16,2\n2020-03-15,3\n"
                           "2020-04-15,4\n", "odd.csv"))


def test_months_dated_at_their_first_day_or_their_last_are_read_as_months(write_csv):
    # An export that dated some months at their ends and others at their starts fit no
    # frequency ("Pass `freq`"), and --freq MS was refused too: no answer could work.
    starts = pd.date_range("2020-01-01", periods=9, freq="MS")
    dates = [d + pd.offsets.MonthEnd(0) if k % 3 == 0 else d for k, d in enumerate(starts)]
    text = "date,sales\n" + "".join(f"{d.date()},{k}\n" for k, d in enumerate(dates))
    data = read_csv(write_csv(text))
    assert data.freq == "MS" and list(data.values.index) == list(starts)
    assert list(data.series("sales")) == list(range(9))
    assert "the dates fall on the first day of some months and on the last day of others " \
        "(e.g. 2020-02-01, 2020-01-31): read as those months, dated at their starts, as " \
        "the forecasts are" in data.notes
    # A month written twice (its first day and its last), or quarters, are not read so.
    for odd in ("2020-01-31\n2020-03-01\n2020-03-31\n2020-05-01\n",
                "2020-03-31\n2020-07-01\n2020-09-30\n2021-01-01\n"):
        with pytest.raises(ValidationError, match="Could not infer the frequency"):
            read_csv(write_csv("date,sales\n" + "".join(
                f"{d},{k}\n" for k, d in enumerate(odd.split())), "odd.csv"))


def test_notes_and_a_totals_row_around_future_covariates_are_dropped_as_the_datas(write_csv):
    # The data's 'Total' row was dropped with a note; the same row below the future
    # prices was refused: "The date column 'date' has values that are not dates: 'Total'".
    dates = pd.date_range("2020-01-01", periods=12, freq="MS").strftime("%Y-%m-%d")
    data = read_csv(write_csv("date,sales,price\n" + "".join(
        f"{d},{10 + k},{k % 3}\n" for k, d in enumerate(dates)) + "Total,186,12\n"),
        covariates=["price"])
    future = "date,price\nSource: price plan,\n2021-01-01,4\n2021-02-01,5\nTotal,9\n"
    covs = read_future_covariates(write_csv(future, "future.csv"), data, 2)
    assert list(covs.of("sales")["price"]) == [4, 5]
    assert covs.notes == ["future covariates: dropped 1 row(s) above the data ('Source: "
                          "price plan') and 1 row(s) below the data ('Total'): notes, not "
                          "dates in the column 'date'"]


def test_covariate_values_after_the_series_end_are_noted_as_no_future_values(write_csv):
    # Regression: rows of next months' prices below the history were dropped with a note
    # that said only that they held no values.
    dates = pd.date_range("2020-01-01", periods=8, freq="MS").strftime("%Y-%m-%d")
    wide = "date,sales,price\n" + "".join(
        f"{d},{i if i < 6 else ''},{10 + i}\n" for i, d in enumerate(dates))
    data = read_csv(write_csv(wide), covariates=["price"])
    assert data.values.index[-1] == pd.Timestamp("2020-06-01")
    assert data.notes[-1] == ("the covariate(s) ['price'] hold values at 2 date(s) after the "
                              "series end (2020-07-01 on), which are not read as their "
                              "future values: give those in a file of their own "
                              "(future_covariates, --future-covariates FILE)")
    long = "unique_id,ds,y,price\n" + "".join(
        f"{s},{d},{i if i < (8 if s == 'A' else 5) else ''},{i}\n"
        for s in "AB" for i, d in enumerate(dates))
    notes = read_csv(write_csv(long, "long.csv"), covariates=["price"]).notes
    assert any("values at 3 date(s) after the end of the series ['B'] (2020-06-01 on)" in n
               for n in notes), notes
    assert read_csv(write_csv(wide.replace(",16\n", ",\n").replace(",17\n", ",\n"),
                              "none.csv"), covariates=["price"]).notes == [
        "the last 2 date(s) (2020-07-01 on) hold no values: forecast from 2020-06-01, where "
        "the data end"]
    # Prices after the end alone, none over the history: the error said "every cell is
    # blank" of a column holding values (found by a review).
    only_after = "date,sales,price\n" + "".join(
        f"{d},{i if i < 6 else ''},{10 + i if i >= 6 else ''}\n" for i, d in enumerate(dates))
    for fill in (None, "ffill"):
        with pytest.raises(ValidationError, match=r"'price' holds no values over the history, "
                                                  r"only after its end.*--future-covariates "
                                                  r"FILE.*Give its values over the history"):
            read_csv(write_csv(only_after, "after.csv"), covariates=["price"], fill=fill)
    long_after = "unique_id,ds,y,price\n" + "".join(
        f"{s},{d},{i if i < 6 else ''},{i if i >= 6 or s == 'A' else ''}\n"
        for s in "AB" for i, d in enumerate(dates))
    with pytest.raises(ValidationError, match=r"'price' of the series 'B' holds no values "
                                              r"over the history, only after its end"):
        read_csv(write_csv(long_after, "long_after.csv"), covariates=["price"])


def test_future_covariates_named_otherwise_than_the_data_say_how(write_csv,
                                                                 ragged_with_price):
    # Regression: both were "not covariates of the data: name them with `covariates`",
    # which following could not fix.
    cased = write_csv("date,Price\n2020-03-01,30\n2020-04-01,40\n2020-05-01,50\n", "c.csv")
    with pytest.raises(ValidationError, match=r"'Price' \(the data's 'price'\) differ from the "
                                              r"data's covariates only in case"):
        read_future_covariates(cased, ragged_with_price, 2)
    data = read_csv(write_csv("unique_id,ds,y,price\nA,2020-01-01,1,10\nA,2020-02-01,2,11\n"
                              "B,2020-01-01,3,20\nB,2020-02-01,4,21\n"), covariates=["price"])
    future = write_csv("id,ds,price\nA,2020-03-01,12\nB,2020-03-01,22\n", "future.csv")
    with pytest.raises(ValidationError, match=r"no id column 'unique_id' \(the data's\); their "
                                              r"column 'id' holds the data's series names"):
        read_future_covariates(future, data, 1)
    covs = read_future_covariates(future, data, 1, id_column="id")  # as the message says
    assert list(covs.of("B")["price"]) == [22]


def test_several_id_columns_name_each_series_together(write_csv):
    # A store beside an item (M5's layout): refused as repeated (item, date) rows, with
    # advice to join the columns by hand.
    rows = ["store_id,item_id,date,sales"] + [
        f"{store},{item},2020-{m:02d}-01,{m + (5 if store == 'TX' else 0)}"
        for store in ("CA", "TX") for item in ("007", "F2") for m in range(1, 13)]
    path = write_csv("\n".join(rows) + "\n")
    data = read_csv(path, id_column="store_id,item_id")
    assert data.names == ["CA/007", "CA/F2", "TX/007", "TX/F2"]  # '007' kept as text
    assert data.series("TX/F2").iloc[0] == 6 and data.id_column == "store_id/item_id"
    with pytest.raises(ValidationError, match=r"\['shop'\] are not columns of the data"):
        read_csv(path, id_column="shop,item_id")
    with pytest.raises(ValidationError, match=r"'date' \(the date column\) among the columns"):
        read_csv(path, id_column="store_id,date", date_column="date")
    # an empty id cell is named as such (it crashed the check for names that clash)
    empty = write_csv("a,b,date,y\nA,x,2020-01-01,1\n,x,2020-02-01,2\n", "empty.csv")
    with pytest.raises(ValidationError, match=r"'a/b' has 1 empty cell\(s\), the first in row 2 .*"
                                              r", dated 2020-02-01"):
        read_csv(empty, id_column="a,b")
    # cells holding the separator would join two series into one name
    clash = write_csv("a,b,date,y\nA/B,C,2020-01-01,1\nA,B/C,2020-02-01,2\n", "clash.csv")
    with pytest.raises(ValidationError, match=r"join two series into one name 'A/B/C'"):
        read_csv(clash, id_column="a,b")
    # rows a third column tells apart: the advice names the three columns
    rows = ["dept,store_id,item_id,date,sales"] + [
        f"{d},CA,F1,2020-{m:02d}-01,{m}" for d in ("x", "y") for m in range(1, 13)]
    with pytest.raises(ValidationError, match=r"--id-column dept,store_id,item_id\)"):
        read_csv(write_csv("\n".join(rows) + "\n", "dept.csv"), id_column="store_id,item_id")
    # future covariates per series, with the same two columns
    rows = ["store_id,item_id,date,price,sales"] + [
        f"{store},{item},2020-{m:02d}-01,{m},{m}" for store in ("CA", "TX")
        for item in ("A", "B") for m in range(1, 13)]
    data = read_csv(write_csv("\n".join(rows) + "\n", "c.csv"), id_column="store_id,item_id",
                    covariates=["price"])
    future = write_csv("store_id,item_id,date,price\n" + "".join(
        f"{store},{item},2021-0{m}-01,{10 * m}\n" for store in ("CA", "TX") for item in "AB"
        for m in (1, 2)), "future.csv")
    assert list(read_future_covariates(future, data, 2).of("TX/B")["price"]) == [10, 20]


def test_a_step_column_with_a_missing_step_is_the_time_axis_not_a_series(write_csv):
    """'t' (or 'step' ...) skipping a step was read as a series of its own and forecast
    beside the values; it is the time axis, whose missing step is named (and filled on
    request) as a missing date is."""
    text = "t,sales\n" + "".join(f"{t},{10 + t % 3}\n" for t in range(1, 13) if t != 4)
    with pytest.raises(ValidationError, match=r"1 step\(s\) are missing or have missing "
                                              r"values: 4 \(in the series 'sales'\)"):
        read_csv(write_csv(text))
    data = read_csv(write_csv(text, "filled.csv"), fill="interpolate")
    assert data.names == ["sales"] and list(data.values.index) == list(range(1, 13))


@pytest.mark.parametrize("name", ["step", "time"])
def test_steps_that_count_by_more_than_one_are_refused_with_how_to_number_them(
        write_csv, name):
    text = f"{name},sales\n" + "".join(f"{10 * k},{k % 4}\n" for k in range(1, 9))
    with pytest.raises(ValidationError, match=r"\(10, 20, 30 \.\.\.\) are 10 or a multiple of "
                                              r"10 apart.*Number the steps 1, 2, 3"):
        read_csv(write_csv(text))


def test_a_first_column_counting_by_ten_under_another_name_is_still_a_series(write_csv):
    text = "x,y\n" + "".join(f"{10 * k},{k % 4}\n" for k in range(1, 9))
    data = read_csv(write_csv(text))
    assert data.names == ["x", "y"]


@pytest.mark.parametrize("text", [
    "t,value\n1,5\n2,6\n99999999999999,7\n",  # a grid of 1e14 rows: refused, not allocated
    "step,loss\n" + "".join(f"{s},{1 / (s + 1):.4f}\n" for s in range(0, 3000, 100))
    + "2999,0.0003\n",  # logged every 100 steps, then the last: most steps missing
])
def test_numbered_steps_mostly_missing_are_refused_not_filled(write_csv, text):
    with pytest.raises(ValidationError, match=r"hold values at \d+ of \d+ steps.*most would "
                                              r"be missing: number the steps 1, 2, 3"):
        read_csv(write_csv(text), fill="interpolate")


@pytest.mark.parametrize("second", [1000, 150_001])
def test_series_far_apart_on_a_numbered_axis_are_no_gaps(write_csv, second):
    text = "unique_id,ds,y\n" + "".join(f"A,{t},{t % 5}\n" for t in range(1, 21)) + "".join(
        f"B,{t},{t % 7}\n" for t in range(second, second + 21))
    data = read_csv(write_csv(text))
    assert data.spans["A"] == (0, 19) and len(data.series("B")) == 21


def test_a_step_counter_beside_year_and_month_leaves_them_to_date_the_rows(write_csv):
    text = "t,year,month,sales\n" + "".join(
        f"{t},{2020 + (t - 1) // 12},{(t - 1) % 12 + 1},{100 + t}\n" for t in range(1, 37)
        if t != 5)
    with pytest.raises(ValidationError, match=r"1 date\(s\) are missing.*2020-05-01"):
        read_csv(write_csv(text))
    filled = read_csv(write_csv(text, "filled.csv"), fill="interpolate")
    assert filled.freq == "MS" and filled.filled_notes("interpolate") == [
        "filled 1 missing date(s) with interpolate"]
    steps = read_csv(write_csv("t,sales\n1,1\n2,2\n3,3\n5,5\n6,6\n7,7\n", "steps.csv"),
                     fill="interpolate")
    assert steps.filled_notes("interpolate") == ["filled 1 missing step(s) with interpolate"]


@pytest.mark.parametrize("header, row", [
    ("t,year,month,y", lambda t: f"{t},{2018 + (t - 1) // 12},{(t - 1) % 12 + 1},{100 + t}"),
    ("year,month,t,y", lambda t: f"{2018 + (t - 1) // 12},{(t - 1) % 12 + 1},{t},{100 + t}"),
])
def test_a_step_counter_beside_the_date_parts_is_left_out_not_forecast(write_csv, header, row):
    data = read_csv(write_csv(header + "\n" + "".join(row(t) + "\n" for t in range(1, 37))))
    assert data.names == ["y"] and data.freq == "MS"
    assert "column 't' counts the steps beside those dates: left out" in data.notes


@pytest.mark.parametrize("header", ["t,month,y,year", "month,y,year", "t,y,month,year"])
def test_date_parts_after_the_values_are_joined_wherever_the_year_is(write_csv, header):
    """The joined dates took the year's position among all the columns, beyond the end of
    the columns kept where a part or a step counter came before it: an IndexError."""
    cols = header.split(",")
    rows = []
    for t in range(1, 37):
        cell = {"t": t, "year": 2018 + (t - 1) // 12, "month": (t - 1) % 12 + 1, "y": 100 + t}
        rows.append(",".join(str(cell[c]) for c in cols))
    data = read_csv(write_csv(header + "\n" + "\n".join(rows) + "\n"))
    assert data.names == ["y"] and data.freq == "MS"
    assert list(data.series("y")[:2]) == [101, 102]
