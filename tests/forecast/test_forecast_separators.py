"""Files separated by semicolons (with decimal commas), tabs or bars are read as the same
file separated by commas would be, with a note; the cells that leave a number open are
refused (tests/hardening/test_bad_forecast_data.py)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from seqlab._separators import as_commas, separator_of, with_commas
from seqlab.cli import app
from seqlab.errors import ValidationError
from seqlab.forecast import Forecaster
from seqlab.forecast.data import read_csv, read_future_covariates

DATES = pd.date_range("2018-01-01", periods=36, freq="MS")
VALUES = {"north": 1200 + 35 * np.sin(np.arange(36) / 2) + np.arange(36) * 4.25,
          "south": 80 + 7.5 * np.cos(np.arange(36) / 3)}


def _frame(dates: pd.Index = DATES) -> pd.DataFrame:
    return pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), **VALUES})


def _same_as_commas(tmp_path, written: str):
    plain = tmp_path / "plain.csv"
    _frame().to_csv(plain, index=False)
    path = tmp_path / "other.csv"
    path.write_text(written, encoding="utf-8")
    return read_csv(plain), read_csv(path)


def test_semicolons_with_decimal_commas_and_dotted_dates_read_as_the_comma_file(tmp_path):
    written = pd.DataFrame({"Datum": DATES.strftime("%d.%m.%Y"), **VALUES}).to_csv(
        sep=";", decimal=",", index=False)
    assert written.splitlines()[1].startswith("01.01.2018;1200,0;")
    plain, read = _same_as_commas(tmp_path, written)
    assert list(read.values.columns) == ["north", "south"]
    np.testing.assert_allclose(read.values.to_numpy(), plain.values.to_numpy())
    assert read.values.index.equals(plain.values.index) and read.freq == plain.freq
    assert read.notes[0] == "other.csv: read as separated by semicolons with decimal commas"


@pytest.mark.parametrize("separator, shown", [("\t", "tabs"), ("|", "'|'"),
                                              (";", "semicolons")])
def test_other_separators_with_decimal_points_read_as_the_comma_file(tmp_path, separator,
                                                                      shown):
    plain, read = _same_as_commas(tmp_path, _frame().to_csv(sep=separator, index=False))
    np.testing.assert_allclose(read.values.to_numpy(), plain.values.to_numpy())
    assert read.notes[0] == f"other.csv: read as separated by {shown}"


def test_thousands_dots_beside_decimal_commas_are_thousands(tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text("date;sales\n" + "".join(
        f"2020-{m:02d}-01;{1 + m // 7}.{37 * m:03d},5\n" for m in range(1, 13)))
    sales = read_csv(path).values["sales"].to_numpy()
    np.testing.assert_allclose(sales, [1000 * (1 + m // 7) + 37 * m + 0.5
                                       for m in range(1, 13)])


def test_long_file_with_semicolons_keeps_ids_as_text_and_quoted_separators(tmp_path):
    rows = ["unique_id;ds;y"] + [f'"{sid}";{d:%Y-%m-%d};{v:.2f}'.replace(".", ",")
                                 for sid, base in (("A;1", 10.0), ("007", 50.5))
                                 for d, v in zip(DATES[:24], base + np.arange(24) * 0.5,
                                                 strict=True)]
    path = tmp_path / "long.csv"
    path.write_text("\n".join(rows) + "\n")
    data = read_csv(path)
    assert sorted(data.values.columns) == ["007", "A;1"]
    np.testing.assert_allclose(data.values["007"].to_numpy(), 50.5 + np.arange(24) * 0.5)


def test_forecast_of_a_semicolon_file_equals_that_of_the_comma_file(tmp_path):
    plain = tmp_path / "plain.csv"
    _frame().to_csv(plain, index=False)
    semi = tmp_path / "semi.csv"
    semi.write_text(_frame().to_csv(sep=";", decimal=",", index=False))
    kwargs = {"horizon": 6, "methods": ["ets", "theta"], "seed": 0}
    one = Forecaster(**kwargs).fit(str(plain)).predict()
    two = Forecaster(**kwargs).fit(str(semi)).predict()
    pd.testing.assert_frame_equal(one, two, check_like=True)
    assert any("semicolons with decimal commas" in note for note in
               Forecaster(**kwargs).fit(str(semi)).report_.notes)


def test_future_covariates_file_with_semicolons_is_read(tmp_path):
    history = tmp_path / "history.csv"
    pd.DataFrame({"date": DATES.strftime("%Y-%m-%d"), "sales": VALUES["north"],
                  "price": np.linspace(9.5, 11, 36)}).to_csv(history, index=False)
    future = tmp_path / "future.csv"
    ahead = pd.date_range(DATES[-1], periods=4, freq="MS")[1:]
    future.write_text("date;price\n" + "".join(f"{d:%Y-%m-%d};11,{k}5\n"
                                               for k, d in enumerate(ahead)))
    data = read_csv(history, covariates=["price"])
    table = read_future_covariates(future, data, 3)
    np.testing.assert_allclose(table.table["price"].to_numpy(), [11.05, 11.15, 11.25])


def test_cli_forecast_notes_the_separator(tmp_path):
    path = tmp_path / "semi.csv"
    path.write_text(_frame().to_csv(sep=";", decimal=",", index=False))
    result = CliRunner().invoke(app, ["forecast", str(path), "--horizon", "3", "--methods",
                                      "theta"])
    assert result.exit_code == 0, result.output
    assert "note: semi.csv: read as separated by semicolons with decimal commas" in (
        result.output)


def test_separator_of_needs_the_header_and_first_row_to_agree():
    assert separator_of("date;sales\n2020-01-01;1,5\n") == ";"
    assert separator_of("\n\nid;v\n\n\"a;b\";2\n") == ";"  # blank lines, a quoted ';'
    assert separator_of("date\tsales\n2020-01-01\t1.5\n") == "\t"
    assert separator_of("date;sales\n") == ";"
    assert separator_of("1,5;0,25;0,75\n0,5;1,25;1,5\n") == ";"  # no header: commas split
    assert separator_of('name,value\n"a;b",1\n') is None  # a ';' inside a quoted cell
    assert separator_of("date,a;b\n2020-01-01,1\n") is None  # commas split it
    assert separator_of("date;a;b\n2020-01-01;1\n") is None  # the first row disagrees
    assert separator_of("sales\n1.5\n") is None
    assert separator_of("") is None


def test_as_commas_leaves_text_columns_and_converts_only_numbers():
    text, note = as_commas('date;name;v\n01.02.2020;"x, y";1.234,5\n02.02.2020;z;-7\n', ";",
                           "f.csv")
    assert text == 'date,name,v\n01.02.2020,"x, y",1234.5\n02.02.2020,z,-7\n'
    assert note == "read as separated by semicolons with decimal commas"


@pytest.mark.parametrize("cells, pattern", [
    (["1,5", "2.5"], r"'v' mixes decimal commas \('1,5'\) and decimal points \('2.5'\)"),
    (["1.500", "2"], r"'v' holds numbers like '1.500', which may be thousands \(1500\)"),
])
def test_as_commas_refuses_numbers_it_cannot_read_safely(cells, pattern):
    text = "v\n" + "\n".join(cells) + "\n"
    with pytest.raises(ValidationError, match=pattern):
        as_commas(text, ";", "f.csv")


def test_a_cell_over_128_kib_is_read_not_a_csv_error():
    text, note, separator = with_commas("id;text\n1;" + "x" * 200_000 + "\n", "f.csv")
    assert separator == ";"
    assert text == "id,text\n1," + "x" * 200_000 + "\n"
    assert note == "read as separated by semicolons"
    assert with_commas("id,text\n1,a;b\n", "f.csv") == ("id,text\n1,a;b\n", None, ",")


def _rows(header: str, cells: list[str]) -> str:
    return header + "\n" + "".join(f"2020-01-{d:02d}{c}\n" for d, c in
                                   enumerate(cells, start=1))


@pytest.mark.parametrize("text", [
    _rows("date,value\t", [",1.5\t", ",2.5\t", ",3.5\t"]),  # a tab at each line's end
    _rows("date,\tvalue", [",\t1.5", ",\t2.5", ",\t3.5"]),  # columns aligned by tabs
    _rows('date,value,"notes; comments"', [',1.5,"late; rain"', ",2.5,ok", ",3.5,ok"]),
    _rows("date,value|EUR", [",1.5", ",2.5", ",3.5"]),
])
def test_comma_files_holding_other_separators_stay_comma_files(text):
    assert separator_of(text) is None


def test_review_cases_read_as_meant(tmp_path):
    cases = {  # text -> the values read
        "\n" + _rows("date;value", [";1,5", ";2,5", ";3,5"]): [1.5, 2.5, 3.5],  # blank first
        _rows("date;value", [";1,5E+03", ";2,5", ";3,5"]): [1500.0, 2.5, 3.5],
        _rows('date; "value"', ['; "1,5"', '; "2,5"', '; "3,5"']): [1.5, 2.5, 3.5],
        _rows("date;p;q", [";1,5;0.125", ";2,5;0.225", ";3,5;0.325"]): [0.125, 0.225, 0.325],
        _rows("date\tvalue", ["\t0.125", "\t0.225", "\t0.325"]): [0.125, 0.225, 0.325],
    }
    for k, (text, expected) in enumerate(cases.items()):
        path = tmp_path / f"case{k}.csv"
        path.write_text(text)
        got = read_csv(path).values.iloc[:, -1].to_numpy()
        np.testing.assert_allclose(got, expected, err_msg=repr(text))


def test_a_missing_value_marker_leaves_the_column_read_with_decimal_commas(tmp_path):
    path = tmp_path / "gap.csv"
    path.write_text(_rows("date;value", [";1,5", ";NA", ";3,5", ";4,5"]))
    np.testing.assert_allclose(read_csv(path, fill="interpolate").values["value"],
                               [1.5, 2.5, 3.5, 4.5])


def test_id_columns_are_names_not_numbers_in_a_semicolon_file(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("unique_id;ds;y\n" + "".join(
        f"{sid};2020-01-{d:02d};{d},5\n" for sid in ("10.001", "10.002") for d in (1, 2, 3)))
    assert sorted(read_csv(path).values.columns) == ["10.001", "10.002"]


@pytest.mark.parametrize("text, pattern", [
    (_rows("date;value;note", [";1,5;x", ';2,5;"oops', ";3,5;x"]),
     r"as CSV separated by ';': unexpected end of data"),
    (_rows("date\tvalue", ["\t1,234", "\t2,500", "\t3,125"]),
     r"'value' holds numbers like '1,234', which may be thousands \(1234\)"),
])
def test_a_quote_never_closed_or_comma_thousands_in_a_tab_file_are_refused(tmp_path, text,
                                                                           pattern):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ValidationError, match=pattern):
        read_csv(path)


def test_an_excel_file_in_windows_1252_with_semicolons_is_read_with_two_notes(tmp_path):
    path = tmp_path / "umsatz.csv"
    path.write_bytes(("Datum;Umsatz (€);Kosten (€)\n" + "".join(
        f"{d:%d.%m.%Y};1.{k:03d}.{k:03d},5;{k},25\n" for k, d in enumerate(DATES))
    ).encode("cp1252"))
    data = read_csv(path)
    assert list(data.values.columns) == ["Umsatz (€)", "Kosten (€)"]
    np.testing.assert_allclose(data.values["Umsatz (€)"].iloc[:2], [1_000_000.5, 1_001_001.5])
    assert data.notes[:2] == [
        "umsatz.csv is not UTF-8: read as Windows-1252 (byte 0x80 at position 14 as '€'); "
        "re-save it as UTF-8 if that is not the character meant",
        "umsatz.csv: read as separated by semicolons with decimal commas"]


@pytest.mark.parametrize("header", ['Datum;"Menge, Stück"', "Datum;Menge, Stück",
                                    "Datum\tUmsatz (EUR, netto)"])
def test_a_comma_in_a_name_leaves_the_file_separated_by_its_separator(tmp_path, header):
    # The header's comma made the file a comma file: the digits after each decimal comma
    # were forecast as a series over step numbers (exit 0).
    separator = "\t" if "\t" in header else ";"
    path = tmp_path / "h.csv"
    path.write_text(header + "\n" + "".join(f"{d:%d.%m.%Y}{separator}1.{k:03d},5\n"
                                            for k, d in enumerate(DATES)))
    data = read_csv(path)
    assert data.freq == "MS" and len(data.names) == 1
    np.testing.assert_allclose(data.values.iloc[:3, 0], [1000.5, 1001.5, 1002.5])


@pytest.mark.parametrize("separator", ["\t", "|"])
def test_thousands_or_three_decimals_in_a_tab_or_bar_file_are_refused(tmp_path, separator):
    # '1.006' in a tab file beside German dates was read as 1.006, a thousandth of it.
    path = tmp_path / "t.csv"
    path.write_text(f"Datum{separator}Menge\n" + "".join(
        f"{d:%d.%m.%Y}{separator}{1 + k // 30}.{k * 37 % 1000:03d}\n"
        for k, d in enumerate(DATES)))
    with pytest.raises(ValidationError, match=r"'Menge' holds numbers like '1.000'"):
        read_csv(path)


@pytest.mark.parametrize("marker, missing", [("<NA>", True), ("#N/A", True), ("#NV", False),
                                             ("n.d.", False), (":", True), ("...", True),
                                             (".", True), ("..", True), ("-", False)])
def test_a_missing_value_marker_does_not_stop_its_column_being_read(tmp_path, marker,
                                                                     missing):
    # One '<NA>' let a column of '1.234' escape both the reading and the refusal (865 and
    # 1.072 in one series); one '#NV' made the message blame every good cell. pandas'
    # markers and those that say a value is not available (FRED's '.', the OECD's '..',
    # Eurostat's ':') are missing values; the others are named, alone.
    cells = [f"1.{k:03d},5" if k != 10 else marker for k in range(36)]
    path = tmp_path / "m.csv"
    path.write_text("Datum;Menge\n" + "".join(f"{d:%d.%m.%Y};{c}\n"
                                              for d, c in zip(DATES, cells, strict=True)))
    if not missing:
        with pytest.raises(ValidationError, match=re.escape(
                f"1 cell(s) that are not numbers: '{marker}' at 2018-11-01")):
            read_csv(path)
        return
    values = read_csv(path, fill="interpolate").values["Menge"].to_numpy()
    np.testing.assert_allclose(values[[0, 1, 10, 11]], [1000.5, 1001.5, 1010.5, 1011.5])


def test_sap_trailing_minus_and_swiss_apostrophes_are_read(tmp_path):
    sap = tmp_path / "sap.csv"
    sap.write_text("Datum;Betrag\n" + "".join(f"{d:%d.%m.%Y};{k}.{k:03d},10{'-' * (k % 2)}\n"
                                              for k, d in enumerate(DATES, start=1)))
    np.testing.assert_allclose(read_csv(sap).values["Betrag"].iloc[:2], [-1001.1, 2002.1])
    swiss = tmp_path / "swiss.csv"
    swiss.write_text("Datum;Umsatz\n" + "".join(f"{d:%d.%m.%Y};1'{k:03d}.90\n"
                                                for k, d in enumerate(DATES)))
    np.testing.assert_allclose(read_csv(swiss).values["Umsatz"].iloc[:2], [1000.9, 1001.9])


def test_backtest_reports_how_the_file_was_read(tmp_path):
    from seqlab.forecast import backtest

    path = tmp_path / "semi.csv"
    path.write_text(_frame().to_csv(sep=";", decimal=",", index=False))
    outcome = backtest(read_csv(path), 3, 2, methods=["naive"])
    assert outcome.notes[0] == "semi.csv: read as separated by semicolons with decimal commas"


def test_dates_that_read_both_ways_are_day_first_in_a_semicolon_file(tmp_path):
    # Twelve days of January written 01/01/2021 ... 12/01/2021 in a French ';' file were
    # read as the months of 2021, month first as in a comma file.
    days = pd.date_range("2021-01-01", periods=12, freq="D")
    for separator, decimal, first in ((";", ",", True), (",", ".", False)):
        path = tmp_path / f"d{first}.csv"
        pd.DataFrame({"date": days.strftime("%d/%m/%Y"), "valeur": np.arange(12) + 0.5}
                     ).to_csv(path, sep=separator, decimal=decimal, index=False)
        read = "day" if first else "month"
        with pytest.warns(UserWarning, match=f"they are read {read} first"):
            data = read_csv(path)
        assert data.freq == ("D" if first else "MS")


@pytest.mark.parametrize("space", [" ", "\u00a0", "\u202f"])
def test_spaces_between_thousands_beside_decimal_commas_are_read(tmp_path, space):
    # French Excel writes 10 062,9 (a no-break space between thousands): the column was
    # refused, every cell named.
    path = tmp_path / "ventes.csv"
    path.write_text("date;ventes\n" + "".join(f"{d:%d/%m/%Y};1{space}{k:03d},9\n"
                                              for k, d in enumerate(DATES)))
    np.testing.assert_allclose(read_csv(path).values["ventes"].iloc[:2], [1000.9, 1001.9])


def test_the_future_covariates_files_reading_is_told_in_the_fits_notes(tmp_path):
    # A ';' file of future prices was read, but only the data file's notes were shown.
    from seqlab.forecast import Forecaster
    from seqlab.forecast.data import read_csv, read_future_covariates

    dates = pd.date_range("2020-01-01", periods=40, freq="MS")
    data_path = tmp_path / "sales.csv"
    data_path.write_text("date,sales,price\n" + "".join(
        f"{d:%Y-%m-%d},{100 + k % 12},{1 + k % 3}\n" for k, d in enumerate(dates)))
    future_path = tmp_path / "future.csv"
    future_path.write_text("date;price\n" + "".join(
        f"{d:%Y-%m-%d};{1 + k % 3},5\n" for k, d in enumerate(
            pd.date_range("2023-05-01", periods=3, freq="MS"))))
    data = read_csv(data_path, covariates=["price"])
    covs = read_future_covariates(future_path, data, 3)
    assert covs.notes == ["future covariates: future.csv: read as separated by semicolons "
                          "with decimal commas"]
    assert list(covs.of("sales")["price"]) == [1.5, 2.5, 3.5]
    fitted = Forecaster(horizon=3, members=1, max_epochs=2, min_epochs=1, seed=0,
                        covariates=["price"]).fit(
        data, future_covariates=future_path)
    assert covs.notes[0] in fitted.summary()["notes"]


@pytest.mark.parametrize("title", ["Umsatz je Monat\n\n", "Umsatz, in Euro\n",
                                   "Umsatz je Monat\nQuelle: Kasse\n\n"])
@pytest.mark.parametrize("separator", [";", "\t"])
def test_a_title_above_a_file_of_another_separator_is_skipped_not_read_with_commas(
        tmp_path, title, separator):
    """A title line has no separator; it once made a ';' file a comma file, whose
    '2018-01-01;1200,0' split at the decimal comma (a series named '0', exit 0)."""
    table = pd.DataFrame({"Datum": DATES.strftime("%Y-%m-%d"), **VALUES}).to_csv(
        sep=separator, decimal="," if separator == ";" else ".", index=False)
    assert separator_of(title + table) == separator
    plain, other = _same_as_commas(tmp_path, title + table)
    assert list(other.values.columns) == ["north", "south"]
    np.testing.assert_allclose(other.values.to_numpy(), plain.values.to_numpy())
    assert other.values.index.equals(plain.values.index)
    assert any("above the header" in note for note in other.notes)


def test_lines_of_one_cell_above_a_comma_file_leave_it_a_comma_file():
    table = pd.DataFrame({"date": DATES.strftime("%Y-%m-%d"), **VALUES}).to_csv(index=False)
    assert separator_of("Sales by month\n\n" + table) is None
    # a file of one column is no title above a table: nothing to skip, commas
    assert separator_of("Umsatz\n1200,5\n1300,25\n") is None


def test_a_semicolon_header_over_names_with_a_comma_is_no_title():
    """Read with commas, 'Ort;Wert' is one cell above rows of three: skipping it as a title
    made the comma reading win (a series named '50'). Titles are skipped for the other
    separators' readings only."""
    text = "Ort;Wert\n" + "".join(f"Berlin, DE;12{k:02d},50\n" for k in range(12))
    assert separator_of(text) == ";"
    assert with_commas(text, "f.csv")[0].splitlines()[1] == '"Berlin, DE",1200.50'
