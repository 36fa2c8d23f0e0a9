"""Reading labelled sequences: .ts (written by hand to the format's spec), wide, long and
text CSV, and the clear errors bad files get."""

import re
import warnings

import numpy as np
import pytest

from seqlab.classify import SequenceClassifier, read_labelled
from seqlab.errors import ValidationError

UNIVARIATE = """# A comment line
@problemName Tiny
@timeStamps false
@missing false
@univariate true
@equalLength true
@seriesLength 4
@classLabel true up down
@data
1,2,3,4:up
4,3,2,1:down
0.5,1.5,2.5,3.5:up
"""

MULTIVARIATE = """@problemName TinyMulti
@timeStamps false
@missing true
@univariate false
@dimensions 2
@equalLength false
@classLabel true 1 2
@data
1,2,3:4,5,6:1
1,?,3,4,5:6,7,8,9,10:2
7,8:9,10:1
"""


def _write(path, text):
    path.write_text(text)
    return path


def test_ts_univariate_equal_length(tmp_path):
    data = read_labelled(_write(tmp_path / "a.ts", UNIVARIATE))
    assert data.labels == ["up", "down", "up"]
    assert [s.shape for s in data.sequences] == [(4, 1)] * 3
    np.testing.assert_array_equal(data.sequences[1][:, 0], [4, 3, 2, 1])


def test_ts_comment_lines_may_start_with_a_percent_sign(tmp_path):
    # The UEA archive's .ts files, converted from .arff, keep its '%' comments: refused
    # with "expected a header line starting with '@'".
    text = "% Converted from ARFF\n%\n" + UNIVARIATE.replace("@data\n", "@data\n% rows\n")
    data = read_labelled(_write(tmp_path / "a.ts", text))
    assert data.labels == ["up", "down", "up"]
    np.testing.assert_array_equal(data.sequences[1].ravel(), [4, 3, 2, 1])


@pytest.mark.parametrize("form", ["wide", "long", "text"])
def test_a_ts_file_forced_to_a_csv_format_says_so(tmp_path, form):
    # --format wide on a .ts file said only "line 1: the sequence has no values".
    path = _write(tmp_path / "a.ts", UNIVARIATE)
    with pytest.raises(ValidationError, match=rf"a\.ts is a \.ts file, which --format {form} "
                                              r".*would read as a CSV; give --format ts"):
        read_labelled(path, format=form)
    assert read_labelled(path, format="ts").labels == ["up", "down", "up"]


def test_new_ts_data_of_more_channels_is_not_read_as_labelled(tmp_path):
    # For a classifier of one channel, new data of two without @dimensions was read as one
    # channel and a label ('4,5,6' in the predictions' 'true' column).
    path = _write(tmp_path / "n.ts", "@problemName N\n@data\n1,2,3:4,5,6\n1,2,4:3,4,5\n")
    data = read_labelled(path, labelled=False, channels=1)
    assert data.labels is None and data.channels == ["dim_0", "dim_1"]
    np.testing.assert_array_equal(data.sequences[0], [[1, 4], [2, 5], [3, 6]])
    # one field more than the channels that is no channel's values is still a label
    path = _write(tmp_path / "l.ts", "@problemName N\n@data\n1,2,3:up\n1,2,4:7\n")
    assert read_labelled(path, labelled=False, channels=1).labels == ["up", "7"]


def test_a_ts_label_written_as_a_question_mark_is_missing_not_a_class(tmp_path):
    # New data whose labels are unknown ('?', the format's missing value) was refused:
    # "label '?' is not among the classes the header declares"; and where the header
    # declared none, training took '?' for a class.
    path = _write(tmp_path / "n.ts", UNIVARIATE.replace(":up\n4", ":?\n4"))
    assert read_labelled(path, labelled=False).labels == ["", "down", "up"]
    unknown = _write(tmp_path / "u.ts", UNIVARIATE.replace(":up", ":?").replace(":down", ":?"))
    assert read_labelled(unknown, labelled=False).labels is None
    for text in (path.read_text(), path.read_text().replace(" up down", "")):
        with pytest.raises(ValidationError, match=r"n\.ts, line 10: the label is missing "
                                                  r"\('\?'\)\.$"):
            read_labelled(_write(tmp_path / "n.ts", text))


def test_ts_multivariate_unequal_length_with_missing_values(tmp_path):
    path = _write(tmp_path / "m.ts", MULTIVARIATE)
    with pytest.raises(ValidationError, match=r"m\.ts: sequence 2 .*step 2, channel 1.*--fill"):
        read_labelled(path)
    data = read_labelled(path, fill="ffill")
    assert [s.shape for s in data.sequences] == [(3, 2), (5, 2), (2, 2)]
    np.testing.assert_array_equal(data.sequences[1][:, 0], [1, 1, 3, 4, 5])
    np.testing.assert_array_equal(data.sequences[1][:, 1], [6, 7, 8, 9, 10])
    assert read_labelled(path, fill="zero").sequences[1][1, 0] == 0


def test_ts_variable_length_question_marks_after_the_end_are_padding(tmp_path):
    text = MULTIVARIATE.replace("7,8:9,10:1", "7,8,?,?:9,10,?,?:1")
    data = read_labelled(_write(tmp_path / "p.ts", text), fill="ffill")
    assert data.sequences[2].shape == (2, 2)


def test_wide_csv_with_blank_cells_after_shorter_sequences(tmp_path):
    path = _write(tmp_path / "w.csv", "label,t0,t1,t2,t3\na,1,2,3,4\nb,5,6,,\n7,8,9,10,11\n")
    data = read_labelled(path)
    assert data.labels == ["a", "b", "7"]
    assert [len(s) for s in data.sequences] == [4, 2, 4]


def test_underscores_make_no_number_of_a_label_or_a_value(tmp_path):
    # Python's float reads '1_1' as 11: labels 1_1, 1_2, 2_1 became classes '11', '12',
    # '21' (one with a real '11'), and a value '1_000' was read as 1000.
    path = _write(tmp_path / "w.csv", "label,t0,t1\n1_1,1,2\n1_2,3,2\n11,1,3\n")
    assert read_labelled(path).labels == ["1_1", "1_2", "11"]
    path = _write(tmp_path / "v.csv", "label,t0,t1\na,1_000,2\nb,3,2\n")
    with pytest.raises(ValidationError, match=r"line 2, step 1: '1_000' is not a number"):
        read_labelled(path)


def test_a_headerless_wide_csv_with_its_labels_in_the_middle_keeps_its_first_row(tmp_path):
    # '0.1,0.2,a,0.3' on the first line was taken for a header (a step named 'a'): the
    # first sequence was lost without a word, the labels read from 'column 3 ('a')'.
    path = _write(tmp_path / "w.csv", "0.1,0.2,a,0.3\n0.3,0.1,b,0.2\n0.1,0.4,a,0.3\n"
                                      "0.2,0.2,b,0.1\n")
    data = read_labelled(path)
    assert data.labels == ["a", "b", "a", "b"] and data.steps is None
    np.testing.assert_array_equal(data.sequences[0][:, 0], [0.1, 0.2, 0.3])
    # a header naming the label column there is still a header
    named = read_labelled(_write(tmp_path / "h.csv", "t0,t1,kind,t2\n" + path.read_text()))
    assert named.labels == ["a", "b", "a", "b"] and named.steps == ["t0", "t1", "t2"]


def test_new_wide_data_naming_the_training_steps_in_another_order_is_read_by_name(tmp_path):
    # predict read a header 't2,t1,t0' (training's t0,t1,t2) in the file's order: every
    # sequence reversed, its prediction made on that, unseen.
    path = _write(tmp_path / "n.csv", "label,t2,t1,t0\na,3,2,1\nb,6,5,4\n")
    data = read_labelled(path, labelled=False, columns=4, steps=["t0", "t1", "t2"])
    assert [s[:, 0].tolist() for s in data.sequences] == [[1, 2, 3], [4, 5, 6]]
    assert data.notes == ["n.csv: its header names the training file's steps in another order "
                          "(t2, t1, t0): each step read by its name, in the training file's "
                          "order"]
    unlabelled = _write(tmp_path / "u.csv", "t1,t0,t2\n2,1,3\n")
    data = read_labelled(unlabelled, labelled=False, columns=4, steps=["t0", "t1", "t2"])
    assert data.sequences[0][:, 0].tolist() == [1, 2, 3]


def test_long_csv_sorts_steps_and_keeps_channels(tmp_path):
    path = _write(tmp_path / "l.csv", "sequence,step,x,y,label\ns1,1,2,20,up\ns1,0,1,10,up\n"
                  "s2,0,5,50,down\ns2,1,6,60,down\ns2,2,7,70,down\n")
    data = read_labelled(path)
    assert data.channels == ["x", "y"] and data.labels == ["up", "down"]
    np.testing.assert_array_equal(data.sequences[0], [[1, 10], [2, 20]])
    assert data.sequences[1].shape == (3, 2)


def test_a_long_csv_whose_steps_skip_some_is_read_with_a_note(tmp_path):
    # Steps 1, 2, 4 were read as three contiguous steps, silently.
    path = _write(tmp_path / "l.csv", "id,step,x,label\ns1,1,1,up\ns1,2,2,up\ns1,4,4,up\n"
                  "s2,1,5,down\ns2,2,6,down\ns2,3,7,down\n")
    data = read_labelled(path)
    assert data.sequences[0][:, 0].tolist() == [1, 2, 4]
    assert ["l.csv: 1 sequence(s) skip steps of column 'step', whose step is 1: 's1' (2 then "
            "4); their rows are read one after the other, as if contiguous (add the missing "
            "rows, values empty, and --fill to fill them)"] == data.notes
    # steps of 10 that skip none draw no note
    even = _write(tmp_path / "e.csv", "id,time,x,label\ns1,0,1,up\ns1,10,2,up\ns2,0,3,down\n"
                  "s2,10,4,down\ns2,20,5,down\n")
    assert read_labelled(even).notes == []


def test_long_csv_ids_that_write_one_number_two_ways_are_two_sequences_with_a_note(tmp_path):
    # Ids '1' and '01' were read as two sequences without a word: they may be one sequence
    # whose id lost its zero on some rows.
    path = _write(tmp_path / "l.csv", "id,step,x,label\n01,0,1,up\n01,1,2,up\n1,2,3,up\n"
                  "2,0,5,down\n2,1,6,down\n")
    data = read_labelled(path)
    assert data.ids == ["01", "1", "2"] and data.lengths().tolist() == [2, 1, 2]
    assert ["l.csv: the ids '01' and '1' of column 'id' write the same number differently: "
            "they are read as different sequences (write each id one way if they are one)"
            ] == data.notes


def test_long_csv_ids_that_differ_only_in_case_are_two_sequences_with_a_note(tmp_path):
    # Ids 'S1' and 's1' were read as two sequences without a word, though labels that
    # differ only in case drew a note: they may be one sequence typed two ways.
    path = _write(tmp_path / "l.csv", "id,step,x,label\nS1,0,1,up\nS1,1,2,up\ns1,2,3,up\n"
                  "s2,0,5,down\ns2,1,6,down\n")
    data = read_labelled(path)
    assert data.ids == ["S1", "s1", "s2"] and data.lengths().tolist() == [2, 1, 2]
    assert ["l.csv: the ids 'S1' and 's1' of column 'id' differ only in case: they are read "
            "as different sequences (write each id one way if they are one)"] == data.notes


def test_a_long_csv_row_without_its_sequence_is_refused(tmp_path):
    # Rows whose id cell was empty were read as one more sequence, named '', unseen.
    path = _write(tmp_path / "l.csv", "id,step,x,label\ns1,0,1,a\ns1,1,2,a\n,0,1,b\n,1,3,b\n"
                  "s2,0,1,b\ns2,1,3,b\n")
    with pytest.raises(ValidationError, match=r"l\.csv, line 4: the sequence is missing "
                                              r"\(column 'id' is empty\)"):
        read_labelled(path)


def test_a_long_csvs_missing_value_is_named_by_its_step_and_channel(tmp_path):
    # It said 'step 2, channel 1': places the file does not show, where its time column
    # says 101 and the channel is 'value' (the duplicate-step error named the time).
    path = _write(tmp_path / "l.csv", "id,time,pressure,value,label\ns1,100,1,5,up\n"
                  "s1,101,2,,up\ns1,102,3,7,up\ns2,100,4,8,down\ns2,101,5,9,down\n")
    with pytest.raises(ValidationError, match=r"sequence 's1' \(label 'up'\) has a missing or "
                                              r"non-finite value at step 101, channel 'value' "
                                              r"\(1 sequence\(s\) have some\)"):
        read_labelled(path)
    assert read_labelled(path, fill="ffill").sequences[0][1].tolist() == [2, 5]


def test_a_long_csv_labelled_on_one_row_of_each_sequence_is_read(tmp_path):
    # Only each sequence's first row carried its label: 'line 3: the label is missing'.
    path = _write(tmp_path / "l.csv", "id,step,value,label\ns1,0,1,up\ns1,1,2,\ns1,2,3,\n"
                  "s2,0,3,\ns2,1,2,\ns2,2,1,down\n")
    data = read_labelled(path)
    assert data.labels == ["up", "down"] and data.lengths().tolist() == [3, 3]
    # ... a label column named 'y' too, not taken for a channel that varies
    data = read_labelled(_write(tmp_path / "y.csv", "id,step,x,y\ns1,0,1,1\ns1,1,2,\n"
                                "s2,0,3,2\ns2,1,2,\n"))
    assert data.labels == ["1", "2"] and data.channels == ["x"]
    # A sequence with no label on any row, or with two, is still refused
    with pytest.raises(ValidationError, match=r"l\.csv, line 5: the label is missing"):
        read_labelled(_write(tmp_path / "l.csv", "id,step,value,label\ns1,0,1,up\n"
                             "s1,1,2,\ns1,2,3,\ns2,0,3,\ns2,1,2,\n"))
    with pytest.raises(ValidationError, match=r"sequence 's1' has several labels \(down, up\)"):
        read_labelled(_write(tmp_path / "l.csv", "id,step,value,label\ns1,0,1,up\n"
                             "s1,1,2,\ns1,2,3,down\ns2,0,3,down\n"))


def test_fill_means_given_fill_by_channel_name_else_by_place_else_the_files_own(tmp_path):
    path = _write(tmp_path / "l.csv", "id,step,x,y,label\ns1,0,1,,up\ns1,1,,20,up\n"
                  "s2,0,3,40,down\ns2,1,5,60,down\n")
    by_name = read_labelled(path, fill="mean", fill_means={"y": -2.0, "x": -1.0})
    np.testing.assert_array_equal(by_name.sequences[0], [[1, -2], [-1, 20]])
    by_place = read_labelled(path, fill="mean", fill_means={"a": 7.0, "b": 8.0})
    np.testing.assert_array_equal(by_place.sequences[0], [[1, 8], [7, 20]])
    own = read_labelled(path, fill="mean", fill_means={"x": 7.0, "z": 8.0})  # other channels
    np.testing.assert_array_equal(own.sequences[0], [[1, 40], [3, 20]])


@pytest.mark.parametrize("separator, suffix", [("\t", ".tsv"), ("  ", ".txt")])
def test_the_ucr_archives_tab_and_space_separated_files_are_read(tmp_path, separator, suffix):
    # The archive's own formats (2018: .tsv; 2015: .txt, spaces) were refused.
    lines = ["1\t0.5\t1.5\t2.5", "2\t3\t2\t1", "1\t0.25\t1\t2"]
    text = "\n".join(line.replace("\t", separator) for line in lines) + "\n"
    data = read_labelled(_write(tmp_path / f"u{suffix}", text))
    assert data.labels == ["1", "2", "1"]
    np.testing.assert_array_equal(data.sequences[0][:, 0], [0.5, 1.5, 2.5])


def test_a_tab_separated_file_with_a_header_and_labels_last_is_read(tmp_path):
    data = read_labelled(_write(tmp_path / "t.tsv", "t0\tt1\tlabel\n1\t2\tup\n3\t4\tdown\n"))
    assert data.labels == ["up", "down"] and data.label_column == "label"


@pytest.mark.parametrize("names", [("id", "timestamp"), ("series_id", "time"),
                                   ("sample", "t"), ("case_id", "reading_id"),
                                   # Kaggle's CareerCon robot files, refused as no long CSV
                                   ("series_id", "measurement_number")])
def test_long_csv_under_other_names_and_with_dates_as_steps(tmp_path, names):
    # 'id,timestamp,value,label' was read as a wide file: every row a 3-step sequence.
    rows = [f"{s},2024-01-0{k + 1} 00:00:00,{v + k},{lab}" for s, v, lab in
            (("a", 1, "up"), ("b", 9, "down")) for k in (2, 0, 1)]
    path = _write(tmp_path / "l.csv", ",".join([*names, "value", "label"]) + "\n"
                  + "\n".join(rows) + "\n")
    data = read_labelled(path)
    assert data.labels == ["up", "down"] and data.channels == ["value"]
    np.testing.assert_array_equal(data.sequences[0][:, 0], [1, 2, 3])  # sorted by date
    numeric = _write(tmp_path / "n.csv", "sample,reading_id,value,label\na,1,5,x\na,0,4,x\n")
    np.testing.assert_array_equal(read_labelled(numeric).sequences[0][:, 0], [4, 5])
    # dates written day first are read so as a column, not one by one (12/01 was Dec 1)
    day_first = _write(tmp_path / "d.csv", "id,date,value,label\na,12/01/2024,1,x\n"
                       "a,13/01/2024,2,x\na,01/02/2024,3,x\n")
    np.testing.assert_array_equal(read_labelled(day_first).sequences[0][:, 0], [1, 2, 3])


def test_wide_csv_headers_paddings_commas_and_labels_as_pandas_and_r_write_them(tmp_path):
    steps = ",".join(str(k) for k in range(1, 11))
    body = "".join(f"{'ab'[i % 2]},{','.join(str(i + k) for k in range(10))}\n"
                   for i in range(4))
    # step columns 1..10 (or 0..9) under any label name: a header, not a sequence
    for header in (f"species,{steps}", "0," + ",".join(str(k) for k in range(1, 11))):
        data = read_labelled(_write(tmp_path / "h.csv", header + "\n" + body))
        assert data.labels == ["a", "b", "a", "b"] and len(data) == 4, header
    # NA (R) or nan (numpy) after a shorter sequence's end pads it, as a blank does
    data = read_labelled(_write(tmp_path / "na.csv", "label,t0,t1,t2\na,1,2,NA\nb,1,nan,nan\n"))
    assert [len(x) for x in data.sequences] == [2, 1]
    # a comma at the end of every data line (not the header's)
    data = read_labelled(_write(tmp_path / "c.csv", "label,t0,t1\na,1,2,\nb,3,4,\n"))
    assert [len(x) for x in data.sequences] == [2, 2]
    # labels written 1.0, 2.0 (pandas, after a missing value) are the classes 1, 2
    data = read_labelled(_write(tmp_path / "f.csv", "1.0,1,2\n2.0,3,4\n1,5,6\n"))
    assert data.labels == ["1", "2", "1"]
    # the label last, by number, in a file without a header (words too, and commas after)
    data = read_labelled(_write(tmp_path / "l.csv", "0.5,1.5,0\n2.5,3.5,1\n"), label="-1")
    assert data.labels == ["0", "1"] and data.columns == 3
    np.testing.assert_array_equal(data.sequences[1][:, 0], [2.5, 3.5])
    data = read_labelled(_write(tmp_path / "w.csv", "0.1,0.2,up,\n0.3,0.4,down,\n"), label="-1")
    assert data.labels == ["up", "down"] and len(data) == 2
    # a number that is also a header's name is the name (pandas' header=None, saved)
    header = ",".join(str(k) for k in range(11))
    body = "".join(",".join(f"{k + j / 10:.1f}" for j in range(10)) + f",{k % 2}\n"
                   for k in range(4))
    data = read_labelled(_write(tmp_path / "p.csv", header + "\n" + body), label="10")
    assert data.labels == ["0", "1", "0", "1"] and data.label_column == "10"
    # an unnamed first column of labels (not a row index) is the label column
    data = read_labelled(_write(tmp_path / "u.csv", ",t0,t1\nup,1,2\ndown,3,4\n"))
    assert data.labels == ["up", "down"]
    # '?' after the last value stays a missing value, as in .ts files
    with pytest.raises(ValidationError, match="missing or non-finite value at step 3"):
        read_labelled(_write(tmp_path / "q.csv", "label,t0,t1,t2\na,1,2,?\n"))


def test_text_csv(tmp_path):
    path = _write(tmp_path / "t.csv", 'text,label\n"good, very good",pos\nbad film,neg\n')
    data = read_labelled(path)
    assert data.kind == "text" and data.sequences == ["good, very good", "bad film"]


def test_a_fill_for_a_text_csv_is_refused_not_ignored(tmp_path):
    # --fill mean was accepted and did nothing: a text CSV holds no numbers to fill.
    path = _write(tmp_path / "t.csv", 'text,label\ngood film,pos\nbad film,neg\n')
    with pytest.raises(ValidationError, match=r"--fill mean \(fill= in the library\) fills "
                                              r"missing numbers, but .*t\.csv is read as a "
                                              r"text CSV.*--fill would be ignored"):
        read_labelled(path, fill="mean")
    assert read_labelled(path, fill="mean", labelled=False).sequences == ["good film",
                                                                         "bad film"]


@pytest.mark.parametrize("name,text,message", [
    ("ragged.ts", UNIVARIATE.replace("4,3,2,1:down", "4,3,2:down"),
     r"ragged\.ts: the header says @equalLength true.*sequence 2 has 3"),
    # A header without @equalLength was said to declare it true.
    ("untold.ts", UNIVARIATE.replace("4,3,2,1:down", "4,3,2:down").replace(
        "@equalLength true\n", ""), r"untold\.ts: the header has no @equalLength line \(read "
                                     r"as true\), but .*sequence 2 has 3"),
    ("channels.ts", MULTIVARIATE.replace("7,8:9,10:1", "7,8:1"),
     r"channels\.ts, line 11: 1 channel\(s\).*the file has 2"),
    ("nolabel.ts", UNIVARIATE.replace("4,3,2,1:down", "4,3,2,1"),
     r"nolabel\.ts, line 11: no class label"),
    ("empty.csv", "", r"empty\.csv is empty"),
    ("gap.csv", "label,t0,t1,t2\na,1,,3\nb,1,2,3\n", r"gap\.csv: sequence 1 .*step 2"),
    ("nan.ts", UNIVARIATE.replace("1,2,3,4:up", "1,nan,3,4:up"), r"nan\.ts: sequence 1"),
    ("missing_label.csv", "label,t0,t1\na,1,2\n,3,4\n",
     r"missing_label\.csv, line 3: the label is missing"),
    ("two_labels.csv", "sequence,step,x,label\ns,0,1,a\ns,1,2,b\n",
     r"two_labels\.csv: sequence 's' has several labels"),
])
def test_bad_files_get_errors_that_name_the_file_and_place(tmp_path, name, text, message):
    with pytest.raises(ValidationError, match=message):
        read_labelled(_write(tmp_path / name, text))


def test_a_single_class_and_a_class_with_one_example_are_refused():
    five = [np.zeros((5, 1)) + i for i in range(5)]
    with pytest.raises(ValidationError, match=r"single class \('a' for all 5"):
        SequenceClassifier().fit(five, ["a"] * 5)
    with pytest.raises(ValidationError, match=r"Class\(es\) 'c' have a single example"):
        SequenceClassifier().fit(five, ["a", "a", "b", "b", "c"])


def test_inconsistent_channels_and_missing_values_in_arrays_are_refused():
    with pytest.raises(ValidationError, match=r"sequence 1 has 2 channel\(s\) but sequence 0 "
                                              r"has 1"):
        SequenceClassifier().fit([np.zeros((5, 1)), np.zeros((5, 2))] * 2, ["a", "a", "b", "b"])
    bad = [np.zeros((5, 1)) for _ in range(4)]
    bad[2][3, 0] = np.nan
    with pytest.raises(ValidationError, match=r"sequence 2 has a missing .* step 4"):
        SequenceClassifier().fit(bad, ["a", "a", "b", "b"])


def test_new_sequences_must_match_the_fitted_channels_and_be_finite():
    rng = np.random.default_rng(0)
    X = [rng.normal(size=(6, 2)) for _ in range(8)]
    fitted = SequenceClassifier(model="lstm", epochs=2, members=1, units=4).fit(
        X, ["a", "b"] * 4)
    with pytest.raises(ValidationError, match=r"`X`: sequence 1 has 3 channel\(s\) but the "
                                              r"classifier was fitted on 2"):
        fitted.predict([np.zeros((6, 2)), np.zeros((6, 3))])
    bad = [np.zeros((6, 2)), np.zeros((6, 2))]
    bad[1][4, 1] = np.inf
    with pytest.raises(ValidationError, match=r"sequence 1 has a missing or non-finite value "
                                              r"at step 5, channel 2"):
        fitted.predict(bad)


def test_channel_names_of_two_long_csvs_must_agree_those_of_other_formats_need_not(tmp_path):
    from seqlab.classify.readers import match_channels

    long = read_labelled(_write(tmp_path / "l.csv", "sequence,step,a,label\ns1,0,1,up\n"
                                "s1,1,2,up\ns2,0,3,down\n"))
    with pytest.raises(ValidationError, match=r"l\.csv has channel\(s\) a where training.csv "
                                              r"has x; give the channels it was trained on"):
        match_channels(long, "values", ["x"], "training.csv", layout="long")
    # a .ts file's dim_0 against a wide CSV's value: formats that name channels otherwise
    ts = read_labelled(_write(tmp_path / "a.ts", UNIVARIATE))
    assert match_channels(ts, "values", ["value"], "training.csv", layout="wide") is ts
    # a long CSV against training of another format (or a bundle that does not say)
    assert match_channels(long, "values", ["dim_0"], "training.ts", layout="ts") is long
    assert match_channels(long, "values", ["x"], "an older bundle") is long


@pytest.mark.parametrize("text", ['text\ngreat\n""\nawful\n', "text\ngreat\n   \nawful\n",
                                  "text,label\ngreat,pos\n,\nawful,neg\n",
                                  # one column: an empty line is its empty text (a review)
                                  "text\ngreat\n\nawful\n"])
def test_an_empty_text_is_refused_by_its_line_not_skipped(tmp_path, text):
    # New data 'text\ngreat\n""\nawful' read two texts: the empty one was dropped and
    # 'awful' predicted as row 2, where rows are named by their place in the file.
    path = _write(tmp_path / "new.csv", text)
    for labelled in (False, True) if "label" in text else (False,):
        with pytest.raises(ValidationError, match=r"new\.csv, line 3: the text is empty"):
            read_labelled(path, format="text", labelled=labelled)


def test_empty_lines_and_blank_rows_after_the_last_text_are_no_rows(tmp_path):
    path = _write(tmp_path / "t.csv", "text,label\ngreat,pos\n\nawful,neg\n,\n")
    assert read_labelled(path, format="text").sequences == ["great", "awful"]
    path = _write(tmp_path / "one.csv", "text\ngreat\nawful\n\n\n")
    assert read_labelled(path, format="text", labelled=False).sequences == ["great", "awful"]


def test_texts_without_a_header_are_told_the_first_line_a_text_csv_needs(tmp_path):
    # A file of one text a line (to predict on) said only "the header has great", without
    # saying that its first text had been taken for the header, nor what header to give.
    path = _write(tmp_path / "plain.txt", "great\nawful film\n")
    with pytest.raises(ValidationError, match=r"plain\.txt: a text CSV needs a text column "
                                              r"\(named text, .*\); the header \(line 1\) has "
                                              r"'great'\. A file of texts without a header "
                                              r"needs a first line naming its columns: text "
                                              r"\(or label,text\)\.$"):
        read_labelled(path, format="text", labelled=False)
    path.write_text("text\ngreat\nawful film\n")
    assert read_labelled(path, format="text", labelled=False).sequences == ["great",
                                                                            "awful film"]


def test_one_number_written_two_ways_as_labels_is_refused_naming_both(tmp_path):
    # '01' and '1' were two classes, silently: one class halved, or a slip never seen
    with pytest.raises(ValidationError, match=r"'01' \(line 2\) and '1' \(line 4\) write the "
                                              r"same number differently"):
        read_labelled(_write(tmp_path / "w.csv", "label,t0,t1\n01,1,2\n2,3,4\n1,5,6\n"))
    with pytest.raises(ValidationError, match=r"'007' \(line 3\) and '7' \(line 4\)"):
        read_labelled(_write(tmp_path / "t.csv", "text,label\nok,1\nfine,007\ngood,7\n"),
                      format="text")
    with pytest.raises(ValidationError, match=r"'02' \(sequence 'a'\) and '2' \(sequence 'b'\)"):
        read_labelled(_write(tmp_path / "l.csv", "sequence,step,x,label\na,0,1,02\n"
                                                 "a,1,2,02\nb,0,3,2\nb,1,4,2\n"))
    # zero-padded codes written one way each are classes as written
    data = read_labelled(_write(tmp_path / "z.csv", "label,t0,t1\n01,1,2\n02,3,4\n10,5,6\n"))
    assert data.labels == ["01", "02", "10"]


def test_a_text_csvs_id_column_names_its_texts(tmp_path):
    data = read_labelled(_write(tmp_path / "t.csv", "text,id,label\nfine,a7,1\ngood,b2,2\n"))
    assert data.ids == ["a7", "b2"] and data.labels == ["1", "2"]
    assert data.sequences == ["fine", "good"]
    assert read_labelled(_write(tmp_path / "u.csv", "text,label\nfine,1\ngood,2\n")).ids is None


def test_new_datas_labels_written_two_ways_are_shown_as_written(tmp_path):
    # data to predict on: its labels are only shown beside the predictions (predict names
    # those the classifier does not know), so '01' and '1' there are no error
    data = read_labelled(_write(tmp_path / "n.csv", "label,t0,t1\n01,1,2\n1,5,6\n"),
                         labelled=False)
    assert data.labels == ["01", "1"]


UNIVARIATE_ARFF = """% The UCR archive's .arff: a numeric attribute per step, the class last
@RELATION Tiny
@ATTRIBUTE att1 NUMERIC
@ATTRIBUTE att2 NUMERIC
@ATTRIBUTE att3 NUMERIC
@ATTRIBUTE att4 NUMERIC
@ATTRIBUTE target {up,down}

@DATA
1,2,3,4,up
4,3,?,?,down
0.5,?,2.5,3.5,up
"""

MULTIVARIATE_ARFF = """@relation TinyMulti
@attribute relationalAtt relational
  @attribute t1 numeric
  @attribute t2 numeric
  @attribute t3 numeric
@end relationalAtt
@attribute activity {Standing,Running}
@data
'1,2,3\\n4,5,6',Standing
'7,8,9\\n10,11,12',Running
"""


def test_arff_univariate_and_multivariate_as_the_ucr_and_uea_archives_write_them(tmp_path):
    # An .arff file was read as a CSV: "line 1: the sequence has no values".
    path = _write(tmp_path / "u.arff", UNIVARIATE_ARFF)
    with pytest.raises(ValidationError, match=r"u\.arff: sequence 3 \(line 12, label 'up'\) "
                                               r"has a missing .* step 2"):
        read_labelled(path)
    data = read_labelled(path, fill="ffill")
    assert data.format == "arff" and data.labels == ["up", "down", "up"]
    # '?' after the last value pads a shorter sequence
    assert [len(s) for s in data.sequences] == [4, 2, 4]
    np.testing.assert_array_equal(data.sequences[2][:, 0], [0.5, 0.5, 2.5, 3.5])
    multi = read_labelled(_write(tmp_path / "m.arff", MULTIVARIATE_ARFF))
    assert multi.labels == ["Standing", "Running"] and multi.channels == ["dim_0", "dim_1"]
    np.testing.assert_array_equal(multi.sequences[1], [[7, 10], [8, 11], [9, 12]])
    # New data to predict on may leave its class unknown ('?')
    new = read_labelled(_write(tmp_path / "n.arff", UNIVARIATE_ARFF.replace(
        ",up\n", ",?\n").replace(",down\n", ",?\n")), labelled=False, fill="zero")
    assert new.labels is None and len(new) == 3


@pytest.mark.parametrize("name, text, own", [("u.ts", UNIVARIATE, "after each line's last ':'"),
                                              ("u.arff", UNIVARIATE_ARFF, "its last attribute")])
def test_a_label_column_named_for_a_ts_or_arff_file_is_refused_not_ignored(tmp_path, name,
                                                                           text, own):
    # --label target was accepted and ignored: the labels came from the file's own place.
    path = _write(tmp_path / name, text)
    with pytest.raises(ValidationError, match=rf"--label target .*{re.escape(name)} is read as "
                                              rf"a \.{name[2:]} file, whose labels are .*"
                                              rf"{re.escape(own)}; --label would be ignored"):
        read_labelled(path, label="target", fill="zero")
    # New data read by a bundle trained on a CSV named its label column: no labels to name
    assert len(read_labelled(path, label="target", fill="zero", labelled=False)) == 3


@pytest.mark.parametrize("text, message", [
    (UNIVARIATE_ARFF.replace("4,3,?,?,down", "4,3,down"),
     r"line 11: 3 values, but the header declares 5 attributes \(the last, 'target'"),
    (UNIVARIATE_ARFF.replace("4,3,?,?,down", "4,3,?,?,left"),
     r"line 11: label 'left' is not among the classes the header declares for 'target'"),
    (UNIVARIATE_ARFF.replace("@ATTRIBUTE att2 NUMERIC", "@ATTRIBUTE att2 STRING"),
     r"expected numeric attributes .* \(att1 NUMERIC, att2 STRING"),
    (UNIVARIATE_ARFF.replace("@DATA\n", ""),
     r"line 9: expected an ARFF header line .* before @data; got '1,2,3,4,up'"),
    (UNIVARIATE_ARFF.split("@DATA")[0], r"has no @data line"),
    (MULTIVARIATE_ARFF.replace("'7,8,9\\n10,11,12'", "'7,8,9\\n10,11'"),
     r"line 10: its channels have different lengths \(3, 2\)"),
])
def test_a_bad_arff_file_is_refused_naming_the_line_and_what_was_expected(tmp_path, text,
                                                                          message):
    with pytest.raises(ValidationError, match=message):
        read_labelled(_write(tmp_path / "bad.arff", text), fill="zero")


def test_classify_trains_on_arff_and_predict_reads_arff_with_its_bundle(tmp_path, capsys):
    import csv

    from seqlab.cli.app import run_cli

    rows = "".join(f"'{a},{a + 1},{a + 2}\\n{b},{b},{b}',{tag}\n"
                   for k in range(4) for a, b, tag in ((k, 0, "Running"), (-k, 5, "Standing")))
    train = _write(tmp_path / "train.arff", MULTIVARIATE_ARFF.split("@data")[0] + "@data\n"
                   + rows)
    bundle, out = tmp_path / "bundle", tmp_path / "p.csv"
    code = run_cli(["classify", str(train), "--test", str(train), "--out", str(bundle),
                    "--model", "rocket", "--members", "1", "--time-budget", "5"])
    assert code == 0, capsys.readouterr().err
    assert "2 channels (dim_0, dim_1)" in capsys.readouterr().out
    assert run_cli(["predict", str(bundle), str(train), "--out", str(out)]) == 0
    with out.open() as handle:
        shown = list(csv.DictReader(handle))
    assert [r["true"] for r in shown] == ["Running", "Standing"] * 4


def test_a_text_csv_without_a_label_name_is_told_to_name_its_label_column(tmp_path):
    # 'id,review,sentiment,stars' said only "no label column (named label, class, target
    # or y) in the header ...", not how to name it nor which columns could be it.
    path = _write(tmp_path / "r.csv", "id,review,sentiment,stars\n1,great film really,pos,5\n"
                                      "2,awful boring mess,neg,1\n")
    with pytest.raises(ValidationError, match=r"in the header id, review, sentiment, stars\. "
                       r"Name it with --label NAME \(label= in the library\): one of "
                       r"'sentiment', 'stars'\.$"):
        read_labelled(path)
    assert read_labelled(path, label="sentiment").labels == ["pos", "neg"]


def _arff_with_classes(up: str, down: str) -> tuple[str, str]:
    """UNIVARIATE_ARFF with its classes written `up` and `down` (quoted as given), and the
    class list that declares them."""
    declared = f"{{{up},{down}}}"
    return UNIVARIATE_ARFF.replace("{up,down}", declared).replace(",up\n", f",{up}\n").replace(
        ",down\n", f",{down}\n"), declared


@pytest.mark.parametrize("up, down, expected", [
    ("'going up'", '"going down"', ["going up", "going down", "going up"]),
    ("'a,b'", '"c, d"', ["a,b", "c, d", "a,b"]),
])
def test_arff_labels_quoted_as_weka_writes_them_are_read_without_their_quotes(tmp_path, up,
                                                                              down, expected):
    # Weka quotes a class holding a space: "label "'class one'" is not among the classes
    # the header declares (class one, class two)", and without a declared list of classes
    # the quotes became part of each class's name. A class holding a comma: "1,2,3,4,'a,b'"
    # was split at the quoted comma: "6 values, but the header declares 5 attributes" (a
    # line starting with a quote was read with that quote only).
    text, declared = _arff_with_classes(up, down)
    data = read_labelled(_write(tmp_path / "q.arff", text), fill="zero")
    assert data.labels == expected
    undeclared = read_labelled(_write(tmp_path / "s.arff", text.replace(declared, "string")),
                               fill="zero")
    assert undeclared.labels == data.labels


def test_an_arff_quote_escaped_inside_a_quoted_class_is_part_of_it(tmp_path):
    text, declared = _arff_with_classes("'a,b'", '"c, d"')
    escaped = read_labelled(_write(tmp_path / "e.arff", text.replace(declared, "string").replace(
        "'a,b'", "'it\\'s'")), fill="zero")
    assert escaped.labels == ["it's", "c, d", "it's"]


def test_an_arff_regression_file_is_refused_not_read_as_a_class_per_value(tmp_path):
    # A numeric class attribute of fractions (the UEA regression archive's) became one
    # class per value: "Class(es) '0.53', ... have a single example".
    text = UNIVARIATE_ARFF.replace("{up,down}", "NUMERIC").replace(",up\n", ",0.53\n").replace(
        ",down\n", ",1.27\n")
    with pytest.raises(ValidationError, match=r"r\.arff: the class attribute 'target' \(the "
                                              r"last\) is NUMERIC, and holds fractions such as "
                                              r"'0\.53': a regression target, not classes\."):
        read_labelled(_write(tmp_path / "r.arff", text), fill="zero")
    codes = text.replace(",0.53\n", ",1\n").replace(",1.27\n", ",2\n")  # whole-number codes
    assert read_labelled(_write(tmp_path / "c.arff", codes), fill="zero").labels == ["1", "2", "1"]


def test_ffill_of_a_channel_with_no_value_at_all_says_it_filled_zeros(tmp_path):
    # A long CSV whose sequence 's2' lacks channel 'y' throughout: --fill ffill had nothing
    # to carry and wrote zeros, silently, though 0 may lie far from the channel's values.
    rows = "".join(f"s{i},{k},{k + i},{'' if i == 2 else 100 + k},{'ab'[i % 2]}\n"
                   for i in range(4) for k in range(3))
    path = _write(tmp_path / "l.csv", "id,step,x,y,label\n" + rows)
    data = read_labelled(path, fill="ffill")
    assert data.sequences[2][:, 1].tolist() == [0, 0, 0]
    assert any("--fill ffill (fill= in the library) had no value to carry in sequence 's2' "
               "(channel 'y')" in note and "--fill mean" in note for note in data.notes)
    # a channel with a value to carry: no such note
    assert not any("ffill" in note for note in read_labelled(
        _write(tmp_path / "m.csv", "id,step,x,y,label\n" + rows.replace("s2,1,3,,", "s2,1,3,7,")),
        fill="ffill").notes)


def test_a_text_csv_whose_id_column_repeats_a_name_says_so(tmp_path):
    # The predictions name each row by its id: rows sharing one could not be told apart
    # in them, without a word.
    text = "id,text,label\nr1,good film,pos\nr2,bad film,neg\nr1,fine film,pos\nr3,dull,neg\n"
    data = read_labelled(_write(tmp_path / "t.csv", text))
    assert data.ids == ["r1", "r2", "r1", "r3"]
    assert any("the column 'id' gives several rows one name, so their predictions share it: "
               "'r1' (lines 2, 4)" in note for note in data.notes)
    distinct = read_labelled(_write(tmp_path / "d.csv", text.replace("r1,fine", "r4,fine")))
    assert not any("several rows" in note for note in distinct.notes)


@pytest.mark.parametrize("fill", ["zero", "mean", "ffill"])
def test_a_channel_empty_in_every_sequence_is_filled_with_a_note(tmp_path, fill):
    # A long CSV's channel 'z' with no value anywhere became a constant channel under any
    # --fill without a word (and --fill mean printed numpy's "Mean of empty slice").
    rows = "".join(f"s{i},{k},{k + i},,{'ab'[i % 2]}\n" for i in range(4) for k in range(3))
    path = _write(tmp_path / "l.csv", "id,step,x,z,label\n" + rows)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = read_labelled(path, fill=fill)
    assert {float(v) for s in data.sequences for v in s[:, 1]} == {0.0}
    assert data.notes == [f"l.csv: channel(s) 'z' hold(s) no value in any sequence: --fill {fill} "
                          "(fill= in the library) fills them with one value throughout, a "
                          "constant that tells the classes nothing; drop the column(s)"]
    # ... and without --fill, the error says to drop it rather than fill it
    with pytest.raises(ValidationError, match=r"\(fill= in the library\) or clean the file\. "
                                              r"Channel\(s\) 'z' hold\(s\) no value in any "
                                              r"sequence: drop the column\(s\), which a fill "
                                              r"would make constant\.$"):
        read_labelled(path)
