"""Rows of notes above and below the data (metadata, sources, totals) are dropped with a
note; a row of words among the data is still refused."""

import pandas as pd
import pytest

from seqlab.errors import ValidationError
from seqlab.forecast.data import read_csv

MONTHS = pd.date_range("2015-01-01", periods=36, freq="MS")
DATA = "".join(f"{d:%Y-%m};{100 + k},5\n" for k, d in enumerate(MONTHS))


def _dropped(data):
    return [n for n in data.notes if n.startswith("dropped") and "notes, not dates" in n]


def test_metadata_above_the_data_is_dropped(write_csv):
    # INSEE's downloads: a label, the series' id, the update time and 'Période' above.
    text = ('"Libellé";"Indice des prix"\n"idBank";"001759970"\n'
            '"Dernière mise à jour";"15/01/2021 08:45"\n"Période";""\n' + DATA)
    data = read_csv(write_csv(text))
    assert list(data.values.index) == list(MONTHS)
    assert list(data.values["Indice des prix"]) == [100.5 + k for k in range(36)]
    assert _dropped(data) == ["dropped 3 row(s) above the data ('idBank', 'Dernière mise à "
                              "jour', 'Période'): notes, not dates in the column 'Libellé'"]


@pytest.mark.parametrize("footer", [
    "\nFuente: INE;\nNotas: datos provisionales;\n",
    "Total;3.654,0\n",
    ";\n;Quelle: Statistisches Bundesamt\n",  # a blank row, then a note in another column
    # Footnotes led by their marks: refused as "values that are not dates: '(1) break in
    # series 2016'".
    "* provisional figures;\n(1) break in series 2016;\n",
    "¹ Vorläufige Werte;\n[a] Seit 2016 neue Methode;\n",
])
def test_sources_and_totals_below_the_data_are_dropped(write_csv, footer):
    data = read_csv(write_csv("Monat;Umsatz\n" + DATA + footer))
    assert list(data.values.index) == list(MONTHS)
    assert list(data.values["Umsatz"]) == [100.5 + k for k in range(36)]
    assert len(_dropped(data)) == 1 and "below the data" in _dropped(data)[0]


def test_a_short_yearly_file_under_metadata_is_read(write_csv):
    # Too few dates among the rows for the first column to be detected as dates before.
    years = "".join(f"{y},{k}\n" for k, y in enumerate(range(2005, 2018)))
    text = "Series,Fertility rate\nCountry,Norway\nUnit,births per woman\n" \
           "Source,Statistics Norway\n" + years
    data = read_csv(write_csv(text))
    assert data.freq.startswith("YS") and len(data.values) == 13
    assert list(data.values["Fertility rate"]) == list(range(13))


def test_words_among_the_data_are_still_refused(write_csv):
    rows = DATA.splitlines(keepends=True)
    text = "Monat;Umsatz\n" + "".join(rows[:10]) + "Umstellung;5,0\n" + "".join(rows[10:])
    with pytest.raises(ValidationError, match=r"not dates: 'Umstellung'"):
        read_csv(write_csv(text))


def test_a_typo_in_the_last_date_is_refused_not_dropped(write_csv):
    with pytest.raises(ValidationError, match=r"not dates: '2017-13'"):
        read_csv(write_csv("Monat;Umsatz\n" + DATA + "2017-13;5,0\n"))


def test_a_column_of_month_names_alone_is_not_read_as_notes(write_csv):
    text = "month,sales\n" + "".join(f"{d:%B},{k}\n" for k, d in enumerate(MONTHS[:12]))
    try:
        data = read_csv(write_csv(text))
    except ValidationError as error:
        assert "dropped" not in str(error)
    else:
        assert len(data.values) == 12 and not _dropped(data)


def test_a_long_file_with_a_source_line_below_is_read(write_csv):
    rows = "".join(f"{s},{d:%Y-%m-%d},{k}\n" for s in "AB" for k, d in enumerate(MONTHS))
    data = read_csv(write_csv("unique_id,ds,y\n" + rows + "Source: company records,,\n"))
    assert data.names == ["A", "B"] and list(data.values.index) == list(MONTHS)
    assert "below the data ('Source: company records')" in _dropped(data)[0]


@pytest.mark.parametrize("form", ["%d-%b-%Y", "%b %d, %Y", "%d %B %Y"])
def test_dates_written_with_month_names_are_data_not_notes(write_csv, form):
    # Each such date held a word and read as no date to a test meant for column names:
    # the first and last 20 rows were dropped as notes.
    days = pd.date_range("2020-01-01", periods=60, freq="D")
    text = "date,sales\n" + "".join(f'"{d.strftime(form)}",{k}\n' for k, d in enumerate(days))
    data = read_csv(write_csv(text + "Total,1770\n"))
    assert list(data.values.index) == list(days) and data.values["sales"].iloc[-1] == 59
    assert "below the data ('Total')" in _dropped(data)[0]


def test_a_date_with_a_remark_is_refused_not_dropped(write_csv):
    with pytest.raises(ValidationError, match=r"not dates: '2017-12 \(provisional\)'"):
        read_csv(write_csv("Monat;Umsatz\n" + DATA + "2017-12 (provisional);5,0\n"))


def test_a_totals_row_without_a_label_is_dropped_as_one(write_csv):
    # ',3654' under the data (a spreadsheet's sum, its label cell left empty) was refused:
    # "the date column has values that are not dates: 1 empty cell(s)".
    text = "month,north,south\n" + "".join(f"{d:%Y-%m},{10 + k},{k % 5}\n"
                                           for k, d in enumerate(MONTHS))
    total = f",{sum(10 + k for k in range(36))},{sum(k % 5 for k in range(36))}\n"
    data = read_csv(write_csv(text + total))
    assert list(data.values.index) == list(MONTHS) and data.values["north"].iloc[-1] == 45
    assert "below the data ('total 990')" in _dropped(data)[0]


@pytest.mark.parametrize("values, last", [
    ([10 + k for k in range(36)], ",999\n"),
    ([10 + k for k in range(36)], ",0\n"),
    ([10 + k for k in range(36)], ",45\n"),
    # Each the sum of the values above, and data all the same (a review's cases).
    ([0] * 30 + [3, 0, 2, 0, 0, 0], ",5\n"),  # mostly zeros
    ([0] * 35 + [100], ",100\n"),  # a spike
    ([2 ** k for k in range(15)], ",32768\n"),  # doubling
])
def test_a_blank_date_beside_a_number_that_is_no_total_is_still_refused(write_csv, values,
                                                                          last):
    text = "month,sales\n" + "".join(f"{d:%Y-%m},{v}\n"
                                      for d, v in zip(MONTHS, values, strict=False))
    with pytest.raises(ValidationError, match=r"1 empty cell\(s\)"):
        read_csv(write_csv(text + last))


def test_a_totals_row_may_leave_columns_it_does_not_sum_blank(write_csv):
    # A price column left blank, and a long file's grand total under a blank id, were
    # refused once every column had to hold its sum; a cell that is no sum still is.
    text = "month,units,price\n" + "".join(f"{d:%Y-%m},{k},{k + 1}\n"
                                          for k, d in enumerate(MONTHS))
    assert "'total 630'" in _dropped(read_csv(write_csv(text + ",630,\n")))[0]
    with pytest.raises(ValidationError, match=r"1 empty cell\(s\)"):
        read_csv(write_csv(text + ",,5\n"))
    long = "id,month,sales\n" + "".join(f"{s},{d:%Y-%m},{k}\n" for s in "ab"
                                        for k, d in enumerate(MONTHS))
    data = read_csv(write_csv(long + ",,1260\n"))
    assert list(data.values.columns) == ["a", "b"] and "'total 1260'" in _dropped(data)[0]


@pytest.mark.parametrize("header, row, label", [
    ("id,month,sales", "Total,,1260", "Total"),
    ("id,month,sales", "All:,,1260", "All:"),
    ("month,sales,id", ",1260,Gesamt", "Gesamt"),
])
def test_a_long_files_totals_row_labelled_in_the_id_column_is_dropped(write_csv, header, row,
                                                                       label):
    # A wide file's 'Total' row (its label in the date column) was dropped with a note; a
    # long file's, labelled under the ids with its date left blank, was refused: "the date
    # column 'month' has values that are not dates: 1 empty cell(s), the first in row 73".
    cells = header.split(",")
    long = header + "\n" + "".join(
        ",".join({"id": s, "month": f"{d:%Y-%m}", "sales": str(k)}[c] for c in cells) + "\n"
        for s in "ab" for k, d in enumerate(MONTHS))
    data = read_csv(write_csv(long + row + "\n"))
    assert data.names == ["a", "b"] and list(data.values.index) == list(MONTHS)
    assert f"below the data ({label!r})" in _dropped(data)[0]
    with pytest.raises(ValidationError, match=r"1 empty cell\(s\), the first in row 73"):
        read_csv(write_csv(long + row.replace(label, "c") + "\n", "series.csv"))  # no label


def test_a_long_files_totals_row_under_years_is_dropped(write_csv):
    # Years with a blank read as numbers, which were never looked at for notes.
    text = "id,year,sales\n" + "".join(f"{s},{2000 + k},{k}\n" for s in "ab" for k in range(20))
    data = read_csv(write_csv(text + "Total,,380\n"))
    assert data.names == ["a", "b"] and data.values.index[-1] == pd.Timestamp("2019-01-01")
    assert "below the data ('Total')" in _dropped(data)[0]
