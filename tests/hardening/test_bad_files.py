"""Catalogue of bad data files: CSV, JSON lines and text, read by the library and by the
command line. Each is refused with a `ValidationError` that names the problem and where it
is; the command line turns it into one `error:` line and exit status 2."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hardening_support import assert_one_line_error, write_csv

from seqlab.data.text import TextCorpus, load_text
from seqlab.errors import ValidationError
from seqlab.lifecycle import read_columns, read_sequences

GOOD_HEAD = b"t,sales\n0,1.5\n1,2.5\n"

CSV_CASES = {
    # Windows-1252 is read (test_a_windows_1252_table_is_read); a byte it lacks is not.
    "neither-utf8-nor-windows-1252": (b"t,sales\n0,caf\xe9\x81\n", ["sales"],
                                     r"not valid UTF-8 \(byte 0xe9"),
    "xlsx-workbook": (b"PK\x03\x04\x14\x00\x06\x00", ["sales"],
                      r"is a zip archive \(an Excel \.xlsx .*save the sheet as CSV UTF-8"),
    "xls-workbook": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ["sales"],
                     r"is an Excel 97-2003 workbook \(\.xls\), not text"),
    "parquet": (b"PAR1\x15\x04\x00PAR1", ["sales"], r"is a Parquet file, not text; write it as CSV"),
    "gzip": (b"\x1f\x8b\x08\x00", ["sales"], r"is compressed with gzip, not text"),
    "utf16": ("t,sales\n0,1\n".encode("utf-16"), ["sales"], r"is UTF-16 text"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00", None, r"is binary \(it holds NUL bytes"),
    "empty-file": (b"", ["sales"], r"is empty; expected a header"),
    "blank-lines-only": (b"\n\n\n", ["sales"], r"is empty; expected a header"),
    "header-only": (b"t,sales\n", ["sales"], r"holds no rows \(only a header\)"),
    # "name the one(s) to read with --column" where none holds numbers.
    "no-column-of-numbers": (b"a,b\nx,y\n", None, r"has no column of numbers \(its columns "
                             r"are \['a', 'b'\], and line 2 holds \['x', 'y'\]\)"),
    "columns-of-numbers": (b"t,sales\n0,1\n", None, r"has 2 columns of numbers \['t', "
                           r"'sales'\]; name the one\(s\) to read with --column"),
    # A gap or a word in the first row made the column 'no column of numbers'.
    "first-cell-empty": (b"date,sales\n2020-01,\n2020-02,2\n2020-03,3\n", None,
                         r"line 2, column 'sales' is empty"),
    "first-cell-a-word": (b"date,sales\n2020-01,NA\n2020-02,2\n2020-03,3\n", None,
                          r"line 2, column 'sales': 'NA' marks a missing value\. Fill or "
                          r"drop missing values first"),
    # ... while a column mostly blank is still not one to read (it was trained around).
    # ... and a value column mostly blank names its first gap, not 'no column of numbers'.
    "mostly-blank-values": (b"date,sales,note\n2020-01,1,x\n2020-02,,\n2020-03,,y\n"
                            b"2020-04,4,\n2020-05,,\n", None, r"line 3, column 'sales' is empty"),
    # A lone value column mostly blank, its values alike, is the series, not a flag.
    "lone-sparse-values": (b"date,sales\n2020-01,5\n2020-02,\n2020-03,\n", None,
                           r"line 3, column 'sales' is empty"),
    # A sparse value column beside a step column: which to read is asked, not guessed.
    "sparse-values-beside-steps": (b"step,sales\n1,5\n2,\n3,\n4,7\n5,\n", None,
                                   r"has 2 columns of numbers \['step', 'sales'\]"),
    "sparse-flag-beside": (b"date,sales,promo\n2020-01,1,\n2020-02,2,1\n2020-03,3,\n"
                           b"2020-04,,\n2020-05,5,\n", None, r"line 5, column 'sales' is empty"),
    # A one-column file's empty cell is a blank line: it was dropped, shifting the series.
    "one-column-blank-line": (b"sales\n1\n2\n\n4\n5\n\n", None,
                              r"line 4 is empty \(a missing value in column 'sales'\)"),
    "duplicate-columns": (b"t,sales,sales\n0,1,2\n", ["sales"],
                          r"names column\(s\) \['sales'\] more than once"),
    "headerless-one-column": (b"1.5\n2.5\n3.5\n", None, r"has no header: its first line"),
    "headerless-two-columns": (b"1,2\n3,4\n", None, r"has no header"),
    "unnamed-column": (b"t,\n0,1\n", None, r"column 2 of the header has no name"),
    "nan-cell": (GOOD_HEAD + b"2,nan\n", ["sales"],
                 r"line 4, column 'sales': 'nan' is not a finite number"),
    "inf-cell": (GOOD_HEAD + b"2,inf\n", ["sales"], r"line 4.*'inf' is not a finite number"),
    "minus-inf-cell": (GOOD_HEAD + b"2,-Infinity\n", ["sales"], r"not a finite number"),
    "empty-cell": (GOOD_HEAD + b"2,\n", ["sales"], r"line 4, column 'sales' is empty"),
    "text-cell": (GOOD_HEAD + b"2,abc\n", ["sales"], r"line 4, column 'sales': 'abc' is not a "
                                                     r"number"),
    "beyond-float32": (GOOD_HEAD + b"2,1e308\n", ["sales"],
                       r"line 4.*'1e308' is beyond what float32 holds"),
    "negative-beyond-float32": (GOOD_HEAD + b"2,-4e38\n", ["sales"], r"beyond what float32"),
    # float() reads it as inf: it was "not a finite number (NaN or infinity)", fill or drop.
    "beyond-float64": (GOOD_HEAD + b"2,-1e999\n", ["sales"],
                       r"line 4.*'-1e999' is beyond what float32 holds"),
    # A spreadsheet's thousands separators (quoted in a comma table): how to write them.
    "thousands-separators": (b'date,sales\n2020-01,"1,101.5"\n2020-02,"1,102.5"\n', None,
                             r"line 2 holds .*'1,101\.5' has commas between thousands: write "
                             r"it as 1101\.5"),
    "thousands-separators-named": (GOOD_HEAD + b'2,"1,234,567"\n', ["sales"],
                                   r"line 4, column 'sales': '1,234,567' is not a number\. "
                                   r"'1,234,567' has commas between thousands: write it as "
                                   r"1234567"),
    # Regression: float() read Python's '1_101' as 1101, without a word.
    "underscore-in-number": (b"date,sales\n2020-01,1_101\n2020-02,1102\n", None,
                             r"line 2, column 'sales': '1_101' is not a number: '_' between "
                             r"digits .*\(write '1101' if that is the number meant\)"),
    # French sheets group thousands with (no-break) spaces: "'5\xa0000' is not a number".
    "thousands-spaces": (GOOD_HEAD + "2,12\u00a0500\n".encode(), ["sales"],
                         r"line 4, column 'sales': '12\\xa0500' is not a number\. .* has "
                         r"spaces between thousands: write it as 12500"),
    # Some sheets and web pages write minus as U+2212: "'−5' is not a number", and no more.
    "typeset-minus": (GOOD_HEAD + "2,\u22125.5\n".encode(), ["sales"],
                      r"'−5\.5' is not a number\. Write its minus sign as '-' \('-5\.5'\)"),
    # Rows newest first were read as the series reversed: forecasts from its oldest end.
    "dates-newest-first": (b"date,sales\n2020-03-01,3\n2020-02-01,2\n2020-01-01,1\n", None,
                           r"line 3: column 'date' goes back in time \(2020-02-01 after "
                           r"2020-03-01\).*Sort the rows by 'date', oldest first"),
    # Times in UTC as APIs write them ('Z') were not taken for dates: read reversed unsaid.
    "utc-times-newest-first": (b"date,sales\n2020-01-02T00:00:00Z,2\n2020-01-01T00:00:00Z,1\n",
                               ["sales"], r"line 3: column 'date' goes back in time"),
    "offset-times-newest-first": (b"date,sales\n2020-01-01T10:00+01:00,2\n"
                                  b"2020-01-01T10:00+02:00,1\n", ["sales"],
                                  r"line 3: column 'date' goes back in time"),
    "long-row": (b"t,sales\n0,1,2\n", ["sales"], r"line 2 has 3 field\(s\); the header has 2"),
    "short-row": (b"t,sales\n0\n", ["sales"], r"line 2 has 1 field\(s\); the header has 2"),
    "missing-column": (GOOD_HEAD, ["price"], r"no column\(s\) \['price'\]; its columns are"),
    # Names only: the close name of a misspelling, and that a position is not one, are said.
    "misspelt-column": (GOOD_HEAD, ["Sale"], r"no column\(s\) \['Sale'\]; .*The closest name "
                                            r"to 'Sale' is 'sales'\."),
    "column-position": (GOOD_HEAD, ["2"], r"--column takes a column's name, not its position "
                                         r"\('2'\)"),
    "ambiguous-columns": (b"a,b\n1,2\n", None, r"name the one\(s\) to read with --column"),
    "repeated-request": (GOOD_HEAD, ["sales", "sales"], r"repeat a name"),
    # csv read every line after it as one cell: "'5\n6\n7\n' is not a number".
    "quote-never-closed": (b'sales\n"5\n6\n7\n', None, r"line 2: a quote \(\"\) opened there "
                                                     r"is never closed"),
    "quote-never-closed-two-columns": (b't,sales\n0,1\n1,"2\n2,3\n', ["sales"],
                                       r"line 3: a quote .* never closed"),
}


@pytest.mark.parametrize("content,columns,message", CSV_CASES.values(), ids=CSV_CASES)
def test_bad_csv_is_a_validation_error_naming_the_problem(tmp_path, content, columns, message):
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=message):
        read_columns(path, columns)


JSONL_CASES = {
    "ragged-lists": (b"[1, 2]\n[3]\n", r"line 2 is \[3\]; every line must be a list of 2"),
    "list-among-objects": (b'{"sales": 1}\n[1, 2]\n', r"line 2 is \[1, 2\]; every line must be "
                                                      r"an object"),
    "deeply-nested": (b"[" * 100_000 + b"]" * 100_000 + b"\n", r"line 1 is nested too deeply"),
    "not-json": (b'{"sales": 1}\n{"sales": \n', r"line 2 is not JSON"),
    "nan-literal": (b'{"sales": 1}\n{"sales": NaN}\n', r"line 2, field 'sales'.*not a finite"),
    "overflowing-literal": (b'{"sales": 1e400}\n', r"line 1.*not a finite number"),
    "string-value": (b'{"sales": 1}\n{"sales": "x"}\n', r"line 2, field 'sales': 'x' is not a "
                                                       r"number"),
    "bool-value": (b'{"sales": 1}\n{"sales": true}\n', r"True is not a number"),
    # Regression: CSV rows newest first were refused, JSON lines read as the series reversed.
    "dates-newest-first": (b'{"date": "2020-03-01", "sales": 3}\n{"date": "2020-02-01", '
                           b'"sales": 2}\n', r"line 2: field 'date' goes back in time "
                                               r"\(2020-02-01 after 2020-03-01\).*Sort the "
                                               r"rows by 'date', oldest first"),
    "underscore-in-string": (b'{"sales": 1}\n{"sales": "1_101"}\n',
                             r"line 2, field 'sales': '1_101' is not a number: '_' between"),
    "nested-value": (b'{"sales": 1}\n{"sales": [1]}\n', r"\[1\] is not a number"),
    "field-missing": (b'{"sales": 1}\n{"price": 2}\n', r"line 2 has no field 'sales'"),
    "no-rows": (b"\n\n", r"holds no rows"),
    "strings-in-list": (b'["a", "b"]\n', r"line 1: 'a' is not a number"),
    # Dropped, shifting the series, where the same blank line of a one-column CSV is refused.
    "blank-line-among-numbers": (b"1.5\n2.5\n\n3.5\n\n", r"line 3 is empty \(a missing "
                                                         r"value among rows of numbers\)"),
    "blank-line-among-lists": (b"[1, 2]\n\n[3, 4]\n", r"line 2 is empty"),
    # pandas' to_json(orient='records'): "line 1: {'sales': 1} is not a number".
    "array-of-objects": (b'[{"sales": 1}, {"sales": 2}]\n',
                         r"line 1 is an array of objects\. The file is read as JSON lines"),
    "pretty-printed-array": (b'[\n  {"sales": 1},\n  {"sales": 2}\n]\n',
                             r"line 1 is not JSON: .*The file is read as JSON lines"),
    # json.loads keeps the last value of a repeated key: 50 was read without a word.
    "repeated-key": (b'{"sales": 5}\n{"sales": 5, "sales": 50}\n',
                     r"data\.jsonl line 2 names the field 'sales' more than once"),
}


@pytest.mark.parametrize("content,message", JSONL_CASES.values(), ids=JSONL_CASES)
def test_bad_json_lines_are_a_validation_error(tmp_path, content, message):
    path = tmp_path / "data.jsonl"
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=message):
        read_columns(path, ["sales"] if b"{" in content else None)


SEQUENCE_CASES = {
    "empty-sequence": (b"[]\n", r"line 1: a sequence must be a non-empty list or string"),
    "number-not-sequence": (b'"ab"\n7\n', r"line 2: a sequence must be"),
    "object-without-field": (b'{"seq": [1]}\n', r"line 1 has no field 'sequence'"),
}


@pytest.mark.parametrize("content,message", SEQUENCE_CASES.values(), ids=SEQUENCE_CASES)
def test_bad_sequence_files_are_a_validation_error(tmp_path, content, message):
    path = tmp_path / "data.jsonl"
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=message):
        read_sequences(path)


TEXT_CASES = {
    "latin1-text": (b"caf\xe9 au lait", r"not valid UTF-8 \(byte 0xe9 at position 3\)"),
    "binary-text": (b"\x89PNG\r\n\x1a\n\x00\x00", r"is binary"),
    "zip-text": (b"PK\x03\x04\x00\x00", r"is a zip archive"),
    "empty-text": (b"", r"is empty"),
    # Regression: it was called "empty", though it is 3 bytes long.
    "bom-only-text": (b"\xef\xbb\xbf", r"holds no text: only a UTF-8 byte-order mark "
                                       r"\(BOM, 3 bytes\)\. Give a file of text\."),
    # Windows' "Unicode" text: its NUL bytes had it called binary.
    "utf16-text": ("caf\u00e9 au lait".encode("utf-16"),
                   r"is UTF-16 text \(it starts with a UTF-16 byte-order mark\); expected "
                   r"UTF-8\. Re-save it as UTF-8\."),
    "utf16-big-endian-text": (b"\xfe\xff" + "abc".encode("utf-16-be"), r"is UTF-16 text"),
    "utf32-text": ("abc".encode("utf-32"), r"is UTF-32 text"),
}


@pytest.mark.parametrize("content,message", TEXT_CASES.values(), ids=TEXT_CASES)
def test_bad_text_files_are_a_validation_error(tmp_path, content, message):
    path = tmp_path / "corpus.txt"
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=message):
        load_text(path)


@pytest.mark.parametrize("reader", [read_columns, load_text], ids=["table", "text"])
def test_missing_files_and_folders_are_named(tmp_path, reader):
    with pytest.raises(ValidationError, match="does not exist"):
        reader(tmp_path / "missing.csv")
    # Regression: "The input file ... is not a file.", not saying it is a folder nor what
    # to give instead.
    (tmp_path / "b.csv").write_text("x")
    (tmp_path / "a.csv").write_text("x")
    with pytest.raises(ValidationError, match=r"is a folder, not a file: name the file to "
                                              r"read \(it holds a\.csv, b\.csv\)\.$"):
        reader(tmp_path)


@pytest.mark.parametrize("reader", [read_columns, load_text], ids=["table", "text"])
def test_standard_input_is_named_with_what_to_do(tmp_path, reader):
    # Regression: `cat data.csv | seqlab predict B /dev/stdin` said only "... is not a
    # file", and `-` "does not exist", neither saying what to give instead.
    pipe = tmp_path / "data.fifo"
    os.mkfifo(pipe)
    with pytest.raises(ValidationError, match=r"is a pipe or a device, not a file: save what "
                                              r"it holds to a file first and give that\.$"):
        reader(pipe)
    with pytest.raises(ValidationError, match=r"The .* - does not exist \(seqlab reads no "
                                              r"standard input: save it to a file"):
        reader("-")


def test_a_byte_order_mark_is_dropped_not_read(tmp_path):
    table = tmp_path / "bom.csv"
    table.write_bytes(b"\xef\xbb\xbf" + GOOD_HEAD)
    values, names = read_columns(table, ["t"])  # the first column's name is intact
    assert names == ["t"] and values.tolist() == [0.0, 1.0]
    text = tmp_path / "bom.txt"
    text.write_bytes(b"\xef\xbb\xbfabcabc")
    corpus = TextCorpus.from_file(text)
    assert "\ufeff" not in corpus.vocab.symbols and corpus.text == "abcabc"
    assert "\ufeff" not in TextCorpus.from_text("\ufeffabc").vocab.symbols


def test_subnormal_values_are_numbers_not_reported_as_nan(tmp_path):
    from seqlab.data import MinMaxScaler, StandardScaler

    path = write_csv(tmp_path / "tiny.csv", [0.0, 0.0, 0.0])
    path.write_text("t,sales\n0,1e-318\n1,2e-318\n2,3e-318\n")
    values, _ = read_columns(path, ["sales"])
    for scaler in (MinMaxScaler(), StandardScaler()):
        assert np.isfinite(scaler.fit_transform(values)).all()


@pytest.mark.parametrize("written", ["t;sales\n0;1,5\n1;2,25\n2;1.003,5\n",
                                     "t\tsales\n0\t1.5\n1\t2.25\n2\t1003.5\n"],
                         ids=["semicolons-and-decimal-commas", "tabs"])
def test_a_table_separated_otherwise_reads_as_the_comma_table(tmp_path, written):
    path = tmp_path / "sales.csv"
    path.write_text(written)
    values, names = read_columns(path, ["sales"])
    assert names == ["sales"]
    np.testing.assert_array_equal(values, [1.5, 2.25, 1003.5])


def test_a_windows_1252_table_is_read(tmp_path):
    path = tmp_path / "mesures.csv"
    path.write_bytes("t;Température (°C)\n0;1,5\n1;2,5\n".encode("cp1252"))
    values, names = read_columns(path, ["Température (°C)"])
    assert names == ["Température (°C)"]
    np.testing.assert_array_equal(values, [1.5, 2.5])


CLI_FILE_CASES = {
    "train-not-utf8-nor-windows-1252": (b"t,sales\n0,\x81\n", "train", r"not valid UTF-8"),
    "train-duplicate-columns": (b"t,sales,sales\n0,1,2\n", "train", r"more than once"),
    "train-headerless": (b"1\n2\n3\n", "train", r"has no header"),
    "train-beyond-float32": (GOOD_HEAD + b"2,1e308\n", "train", r"beyond what float32"),
    "predict-nan-cell": (GOOD_HEAD * 1 + b"2,3\n3,nan\n4,5\n", "predict", r"not a finite"),
    "predict-inf-cell": (GOOD_HEAD + b"2,3\n3,inf\n4,5\n", "predict", r"not a finite"),
    "predict-text-cell": (GOOD_HEAD + b"2,3\n3,x\n4,5\n", "predict", r"'x' is not a number"),
    "predict-too-short": (b"t,sales\n0,1\n", "predict", r"holds 1 row\(s\); .* reads 4 to "
                                                          r"forecast \(its --n-in\)"),
}


@pytest.mark.parametrize("content,command,message", CLI_FILE_CASES.values(), ids=CLI_FILE_CASES)
def test_bad_files_at_the_command_line_are_one_line_and_exit_2(tmp_path, cli, series_bundle,
                                                               content, command, message):
    data = tmp_path / "data.csv"
    data.write_bytes(content)
    if command == "train":
        result = cli("train", data, "--column", "sales", "--epochs", 1,
                     "--out", tmp_path / "model")
        assert not (tmp_path / "model").exists()
    else:
        result = cli("predict", series_bundle, data)
    assert_one_line_error(result, 2, message)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_train_text_names_a_utf16_or_utf32_text_rather_than_calling_it_binary(tmp_path, cli,
                                                                              encoding):
    corpus = tmp_path / "corpus.txt"
    corpus.write_bytes(("abcdefgh " * 200).encode(encoding))
    result = cli("train-text", corpus, "--epochs", 1, "--seq-len", 8, "--batch-size", 4,
                 "--sample-length", 0, "--out", tmp_path / "lm")
    assert_one_line_error(result, 2, rf"corpus.txt is {encoding.upper()} text \(it starts with "
                                     rf"a {encoding.upper()} byte-order mark\); expected UTF-8")
    assert not (tmp_path / "lm").exists()


@pytest.mark.parametrize("byte,named", [(b"\xe9", r"'é' in Windows-1252 or Latin-1"),
                                        (b"\x80", r"'€' in Windows-1252")])
def test_train_text_names_the_byte_of_a_text_in_a_code_page_and_how_to_convert_it(
        tmp_path, cli, byte, named):
    # 'is not valid UTF-8 near byte 3; re-save it as UTF-8', naming neither the byte nor how.
    corpus = tmp_path / "corpus.txt"
    corpus.write_bytes(b"caf" + byte + b" au lait\n" * 200)
    result = cli("train-text", corpus, "--epochs", 1, "--seq-len", 8, "--batch-size", 4,
                 "--sample-length", 0, "--out", tmp_path / "lm")
    assert_one_line_error(result, 2, rf"corpus.txt is not valid UTF-8 near byte 3 \(byte "
                                     rf"{byte[0]:#04x}, {named}\); re-save it as UTF-8 \(if "
                                     r"that is its encoding: iconv -f cp1252 -t utf-8 "
                                     r"corpus.txt > corpus-utf8.txt\)\.$")
    assert not (tmp_path / "lm").exists()


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_named_not_called_binary(tmp_path, cli, encoding):
    # Windows tools that write 'Unicode' text without a BOM: "binary (NUL bytes near byte 1)".
    corpus = tmp_path / "corpus.txt"
    corpus.write_bytes(("Grüße, abcdefgh\n" * 200).encode(encoding))
    table = tmp_path / "train.csv"
    table.write_bytes("label,t0,t1\nup,0.5,1\ndown,1,0.5\n".encode(encoding))
    name = encoding.upper().replace("-LE", "LE").replace("-BE", "BE")
    message = rf"is {name} text without a byte-order mark \(every other byte NUL\)"
    result = cli("train-text", corpus, "--epochs", 1, "--seq-len", 8, "--batch-size", 4,
                 "--sample-length", 0, "--out", tmp_path / "lm")
    assert_one_line_error(result, 2, rf"corpus.txt {message}")
    assert_one_line_error(cli("classify", table), 2, rf"train.csv {message}")
    binary = tmp_path / "data.csv"
    binary.write_bytes(b"label,t0\nup,\x00\x01\x02\x03\n")  # NULs, but not every other byte
    assert_one_line_error(cli("classify", binary), 2, r"is binary \(it holds NUL bytes")


def test_a_table_cell_over_128_kib_is_read_not_a_crash(tmp_path):
    """csv refuses fields over 128 KiB by default: a long note beside the numbers ended
    `train` and `predict` with "unexpected Error ... a bug in seqlab" (exit 1)."""
    path = tmp_path / "notes.csv"
    path.write_text("a,note\n1," + "x" * 200_000 + "\n2,short\n")
    values, names = read_columns(path)
    assert names == ["a"] and list(values) == [1.0, 2.0]


def test_blank_lines_after_a_one_column_series_are_not_values(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(b"sales\n1\n2\n3\n\n\n")
    values, names = read_columns(path)
    assert names == ["sales"] and values.tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize("tail", [b",\r\n,\r\n", b"  \n\t\n", b" , \n"],
                         ids=["spreadsheet-commas", "spaces-and-tab", "blank-cells"])
def test_rows_of_blank_cells_at_the_end_are_dropped_as_blank_lines_are(tmp_path, tail):
    # A spreadsheet's export (",,") or an editor's trailing spaces were read as a missing
    # value: "line 4, column 't' is empty".
    table = tmp_path / "export.csv"
    table.write_bytes(GOOD_HEAD + b"2,3.5\n" + tail)
    values, names = read_columns(table, ["t", "sales"])
    assert names == ["t", "sales"] and values.tolist() == [[0, 1.5], [1, 2.5], [2, 3.5]]
    # One in the middle is still a missing value, named by its line.
    table.write_bytes(GOOD_HEAD + b",\n2,3.5\n" + tail)
    with pytest.raises(ValidationError, match=r"line 4, column 't' is empty"):
        read_columns(table, ["t", "sales"])


def test_one_column_written_with_decimal_commas_is_read(tmp_path):
    # Excel where ';' separates cells writes a one-column sheet with no separator at all:
    # it was refused as "line 2 has 2 field(s); the header has 1".
    table = tmp_path / "werte.csv"
    table.write_bytes("\ufeffWert\r\n1,5\r\n2\r\n1.234,75\r\n-0,25\r\n\r\n".encode())
    values, names = read_columns(table)
    assert names == ["Wert"] and values.tolist() == [1.5, 2.0, 1234.75, -0.25]
    # Decimal points beside decimal commas leave the numbers open: refused, as in ';' files.
    table.write_text("Wert\n1,5\n2.5\n")
    with pytest.raises(ValidationError, match=r"mixes decimal commas \('1,5'\) and decimal "
                                              r"points \('2\.5'\)"):
        read_columns(table)
    # A header of one name above rows of two other cells is no such column: still refused.
    table.write_text("Wert\n1,x\n2,y\n")
    with pytest.raises(ValidationError, match=r"line 2 has 2 field\(s\); the header has 1"):
        read_columns(table)
    # Only numbers like 1,234 (thousands, or three decimals?) stay refused.
    table.write_text("Wert\n1,234\n2,345\n")
    with pytest.raises(ValidationError, match=r"line 2 has 2 field\(s\); the header has 1"):
        read_columns(table)


def test_a_separator_ending_every_line_is_an_empty_column_dropped_with_a_note(tmp_path):
    # 'sales,' then '5,' ... (a sheet's empty last column) was refused: "column 2 of the
    # header has no name", where forecast drops that column with a note.
    table = tmp_path / "export.csv"
    table.write_text("t,sales,\n0,5,\n1,6,\n2,7,\n")
    notes: list[str] = []
    values, names = read_columns(table, ["sales"], notes=notes)
    assert names == ["sales"] and values.tolist() == [5.0, 6.0, 7.0]
    assert notes == ["export.csv: dropped 1 column(s) without a name or a value (a separator "
                     "at the end of each line)"]
    table.write_text("t,sales,\n0,5,\n1,6,x\n")  # a value under no name: still refused
    with pytest.raises(ValidationError, match=r"column 3 of the header has no name"):
        read_columns(table, ["sales"])


def test_train_and_predict_say_how_a_table_was_read(tmp_path, cli, series_bundle):
    # 6,5 read as 6.5 (or a Windows-1252 file read so) said nothing in train and predict,
    # where forecast and classify say it: the note was dropped by the reader.
    table = tmp_path / "werte.csv"
    table.write_text("sales\n5\n6,5\n7\n8,25\n9\n")
    result = cli("predict", series_bundle, table)
    assert result.code == 0
    assert "note: werte.csv: read as one column with decimal commas" in result.err
    assert "note:" not in result.out  # stdout holds the predictions' CSV alone
    table.write_bytes("sales,Température\n5,1\n6,2\n7,3\n8,4\n9,5\n10,6\n".encode("cp1252"))
    result = cli("train", table, "--column", "sales", "--epochs", 1, "--units", 4,
                 "--out", tmp_path / "model")
    assert result.code == 0
    assert "note: " in result.err and "read as Windows-1252" in result.err


@pytest.mark.parametrize("mark", ["NA", "#N/A", "null", "n/a"])
def test_a_missing_value_marker_is_named_as_one(tmp_path, mark):
    # 'NA' in the middle of a column was "'NA' is not a number", as if a typo.
    table = tmp_path / "gaps.csv"
    table.write_text("t,sales\n0,1.5\n1," + mark + "\n2,2.5\n")
    with pytest.raises(ValidationError, match=rf"gaps\.csv line 3, column 'sales': "
                                              rf"'{mark}' marks a missing value\. Fill or drop"):
        read_columns(table, ["sales"])
    lines = tmp_path / "gaps.jsonl"
    lines.write_text('{"sales": 1.5}\n{"sales": null}\n{"sales": 2.5}\n')
    with pytest.raises(ValidationError, match=r"line 2, field 'sales': null marks a missing"):
        read_columns(lines, ["sales"])
    table.write_text("t,sales\n0,1.5\n1,abc\n2,2.5\n")  # text is still not a number
    with pytest.raises(ValidationError, match=r"line 3, column 'sales': 'abc' is not a number"):
        read_columns(table, ["sales"])


def test_dates_in_order_or_not_dates_are_read_as_they_are(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"date,sales,code\n2020-01-31,1,2020-13-99\n2020-01-31 12:00,2,2019-01\n"
                     b"2020-02,3,2018-01\n")
    values, names = read_columns(path, ["sales"])
    assert names == ["sales"] and values.tolist() == [1.0, 2.0, 3.0]
