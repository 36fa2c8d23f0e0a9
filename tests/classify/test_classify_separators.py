"""Labelled-sequence CSVs separated by semicolons (with decimal commas), tabs or bars are
read as the same file separated by commas; a column mixing decimal commas and points is
refused (tests/hardening/test_bad_classify_files.py)."""

import numpy as np
import pytest

from seqlab.classify import read_labelled
from seqlab.errors import ValidationError

COMMAS = "label,t0,t1,t2\nup,0.5,1.25,2\ndown,2.5,1.5,0.75\nup,0.25,1,2.5\n"


def _read(tmp_path, name, text, **options):
    path = tmp_path / name
    path.write_text(text)
    return read_labelled(path, **options)


def _same(one, two):
    assert one.labels == two.labels and one.channels == two.channels
    assert len(one) == len(two)
    for a, b in zip(one.sequences, two.sequences, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("separator, decimal", [(";", ","), (";", "."), ("\t", "."),
                                                ("|", ".")])
def test_wide_file_with_another_separator_reads_as_the_comma_file(tmp_path, separator,
                                                                   decimal):
    text = COMMAS.replace(",", separator).replace(".", decimal)
    _same(_read(tmp_path, "other.csv", text), _read(tmp_path, "plain.csv", COMMAS))


def test_headerless_semicolon_file_with_decimal_commas_and_the_label_last(tmp_path):
    text = "0,5;1,25;2;0\n2,5;1,5;0,75;1\n"
    data = _read(tmp_path, "beats.csv", text, label="-1")
    assert data.labels == ["0", "1"]
    np.testing.assert_array_equal(data.sequences[0].ravel(), [0.5, 1.25, 2.0])


def test_long_semicolon_file_with_decimal_commas(tmp_path):
    rows = ["sequence;step;value;label"] + [
        f"{s};{t};{s + t / 4:.2f};{'ab'[s % 2]}".replace(".", ",")
        for s in range(4) for t in range(3)]
    data = _read(tmp_path, "long.csv", "\n".join(rows) + "\n")
    assert data.labels == ["a", "b", "a", "b"]
    np.testing.assert_allclose(data.sequences[3].ravel(), [3.0, 3.25, 3.5])


def test_a_long_semicolon_files_channel_named_y_reads_its_decimal_commas(tmp_path):
    # 'sequence;step;x;y;label': 'y' is a label's name, so its column kept its decimal
    # commas and was refused: "column 'y': '0,25' is not a number ... separate the file's
    # fields by ';'", which they were.
    rows = ["sequence;step;x;y;label"] + [
        f"{s};{t};{s + t / 4:.2f};{t / 4:.2f};{'ab'[s % 2]}".replace(".", ",")
        for s in range(4) for t in range(3)]
    data = _read(tmp_path, "long.csv", "\n".join(rows) + "\n")
    assert data.channels == ["x", "y"] and data.labels == ["a", "b", "a", "b"]
    np.testing.assert_allclose(data.sequences[3], [[3.0, 0.0], [3.25, 0.25], [3.5, 0.5]])


def test_a_missing_value_in_a_semicolon_file_leaves_its_column_read(tmp_path):
    text = "label;t0;t1;t2\nup;0,5;1,25;2\ndown;2,5;?;0,75\nup;0,25;1;2,5\n"
    data = _read(tmp_path, "gap.csv", text, fill="zero")
    np.testing.assert_array_equal(data.sequences[0].ravel(), [0.5, 1.25, 2.0])
    np.testing.assert_array_equal(data.sequences[1].ravel(), [2.5, 0.0, 0.75])


def test_a_windows_1252_file_keeps_its_labels_letters(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_bytes("label;t0;t1\nMüll;0,5;1\nGlas;1,5;0\n".encode("cp1252"))
    assert read_labelled(path).labels == ["Müll", "Glas"]


def test_a_windows_1252_ts_file_is_noted_as_a_csv_is(tmp_path):
    # A .ts file read as Windows-1252 gave no note, unlike a CSV.
    path = tmp_path / "labels.ts"
    path.write_bytes("@problemName Müll\n@univariate true\n@classLabel true Müll Glas\n"
                     "@data\n0.5,1,2:Müll\n1.5,0,1:Glas\n".encode("cp1252"))
    data = read_labelled(path)
    assert data.labels == ["Müll", "Glas"]
    assert any("not UTF-8: read as Windows-1252" in n for n in data.notes)


def test_a_ucr_tab_file_of_three_decimals_reads_as_decimals(tmp_path):
    # Values such as 21.375 in a headerless tab file were refused as maybe thousands.
    text = "1\t21.375\t22.125\t23.500\n2\t20.250\t21.000\t22.750\n1\t19.875\t20.500\t21.125\n"
    data = _read(tmp_path, "ucr.tsv", text)
    assert data.labels == ["1", "2", "1"]
    np.testing.assert_array_equal(data.sequences[0].ravel(), [21.375, 22.125, 23.5])


def test_a_title_above_a_semicolon_file_is_skipped_with_a_note_not_read_as_a_sequence(
        tmp_path):
    path = tmp_path / "messreihe.csv"
    rows = ["Messreihe A", "", "t1;t2;t3;t4;label"] + [
        f"{k},5;{k + 1},25;{k},75;{k + 2},0;{'gut' if k % 2 else 'schlecht'}" for k in range(12)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    data = read_labelled(path)
    assert len(data) == 12 and data.labels[:2] == ["schlecht", "gut"]
    np.testing.assert_array_equal(data.sequences[1].ravel(), [1.5, 2.25, 1.75, 3.0])
    assert data.lines[:2] == [4, 5]  # the file's own lines, the title and blank counted
    assert any("skipped line(s) 1 above the table ('Messreihe A')" in note
               for note in data.notes), data.notes


@pytest.mark.parametrize("name, text, line", [
    ("wide.csv", "Sensor log March 2024\n\nlabel,t1,t2\nup,1,2\n\n\ndown,1,x\n", 7),
    ("long.csv", "Readings\nsequence,step,value,label\ns1,1,0.5,up\n\ns1,2,abc,up\n", 5),
    ("text.csv", 'Reviews 2024\ntext,label\n"good,\nvery good",pos\n"",neg\n', 5),
])
def test_a_title_is_skipped_and_errors_name_the_files_own_lines(tmp_path, name, text, line):
    """A title (one cell, set apart or not by blank lines) is skipped in every CSV layout,
    and an error names the line of the file, counting the title, blank lines and the lines
    of a quoted text that spans several."""
    with pytest.raises(ValidationError, match=rf"{name}, line {line}[:,]"):
        _read(tmp_path, name, text)


def test_a_header_naming_only_the_label_column_is_no_title(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text(",,,,label\n0.0,1.25,0.0,2,up\n0.5,2.25,0.75,3,down\n0.1,1.2,0.3,2,up\n",
                    encoding="utf-8")
    data = read_labelled(path)
    assert list(data.labels) == ["up", "down", "up"]


def test_a_text_of_one_column_with_a_comma_in_its_last_line_is_no_table_below_a_title(
        tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("text\nI love it\nmeh\nnot great, not terrible\n", encoding="utf-8")
    with pytest.raises(ValidationError) as error:
        read_labelled(path)
    assert "title" not in str(error.value)


def test_a_label_alone_above_sequences_is_refused_as_a_sequence_without_values(tmp_path):
    """A one-cell line that is a label of the rows below is no title to skip: it may be a
    sequence whose values are missing, which skipping would drop unseen."""
    path = tmp_path / "data.csv"
    path.write_text("\nup\nup,0.0,0.5,1.0\ndown,1.0,0.5,0.2\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"line 2 \('up'\) holds one cell above rows "
                                              "of 4, and it is a label of theirs: a sequence "
                                              "without values"):
        read_labelled(path)


@pytest.mark.parametrize("name, text, words", [
    # a label in the column before a trailing comma is a label all the same
    ("trailing.csv", "walk\n1,2,3,walk,\n4,5,6,run,\n7,8,9,walk,\n", ("line 1 ('walk')",)),
    # the line named is the one that is a label, not the title above it
    ("second.csv", "My data\nwalk\nwalk,1,2\nrun,3,4\nwalk,5,6\n", ("line 2 ('walk')",)),
])
def test_a_label_alone_is_refused_wherever_the_labels_are(tmp_path, name, text, words):
    with pytest.raises(ValidationError) as error:
        _read(tmp_path, name, text)
    assert all(word in str(error.value) for word in words), error.value
    assert "a label of theirs" in str(error.value)


def test_a_known_column_name_alone_is_a_header_not_a_title(tmp_path):
    """A one-column text file whose texts hold unquoted commas: the message is about the
    commas, not a title skipped to read 'hello, world' as the header."""
    with pytest.raises(ValidationError, match=r"line 2: 2 fields, but the header has 1 "
                                              r"\(quote texts that hold commas\)"):
        _read(tmp_path, "texts.csv", "text\nhello, world\nfoo, bar baz\n", format="text",
              labelled=False)


def test_an_excel_title_row_with_empty_cells_is_skipped(tmp_path):
    data = _read(tmp_path, "excel.csv", "Titel;;\nlabel;a;b\nx;1,5;2\ny;2,5;3\n")
    assert data.labels == ["x", "y"] and data.lines == [3, 4]
    np.testing.assert_array_equal(data.sequences[0].ravel(), [1.5, 2.0])
    assert any("skipped line(s) 1 above the table ('Titel')" in n for n in data.notes)


@pytest.mark.parametrize("separator", ["\u2028", "\x0c", "\x85"])
def test_line_numbers_count_only_the_line_breaks_editors_count(tmp_path, separator):
    """Unicode's line separators and form feeds inside a quoted text are no new lines
    (str.splitlines would count them)."""
    text = f'text,label\n"a{separator}b",pos\n"c",\n'
    with pytest.raises(ValidationError, match=r"line 3: the label is missing"):
        _read(tmp_path, "texts.csv", text)


def test_a_single_field_file_names_its_first_line_below_blank_ones(tmp_path):
    with pytest.raises(ValidationError, match=r"line 3 is 'A' \(every line a single field\)"):
        _read(tmp_path, "single.csv", "\n\nA\nB\nC\n")
