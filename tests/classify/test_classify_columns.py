"""Which column of a labelled-sequence CSV holds the labels, the steps or the text: read
from the header where it says so, refused where a column would be misread, and told in a
note where the reader chose."""

import re

import numpy as np
import pytest

from seqlab.classify import read_labelled
from seqlab.errors import ValidationError

ROWS = [("bump", [0.1, 0.9, 0.2, 0.0]), ("dip", [0.0, -0.8, -0.1, 0.1]),
        ("bump", [0.2, 1.1, 0.3, 0.1]), ("dip", [0.1, -0.9, 0.0, 0.0])]


def _write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def _wide(header, label_last=False, label=lambda tag: tag):
    lines = [",".join(header)]
    for tag, values in ROWS:
        cells = [f"{v}" for v in values]
        lines.append(",".join(cells + [label(tag)] if label_last else [label(tag)] + cells))
    return "\n".join(lines) + "\n"


def test_a_label_name_above_numbered_steps_is_a_header(tmp_path):
    # 'label,400,410,...' (wavelengths) was a sequence labelled 'label'.
    data = read_labelled(_write(tmp_path, _wide(["label", "400", "410", "420", "430"])))
    assert data.labels == ["bump", "dip", "bump", "dip"] and data.label_column == "label"
    np.testing.assert_array_equal(data.sequences[0].ravel(), ROWS[0][1])


def test_a_first_row_whose_label_recurs_is_data(tmp_path):
    # Classes 'y' and 'n' without a header: the first row is a sequence of class 'y'.
    text = _wide(["y", "0.5", "0.5", "0.5", "0.5"]).replace("bump", "y").replace("dip", "n")
    data = read_labelled(_write(tmp_path, text))
    assert len(data) == 5 and data.labels[:3] == ["y", "y", "n"]


def test_the_one_column_named_unlike_the_steps_holds_the_labels(tmp_path):
    # 't0,...,t3,category' took 't0' for the labels and the classes for the last step.
    data = read_labelled(_write(tmp_path, _wide(["t0", "t1", "t2", "t3", "category"],
                                                label_last=True)))
    assert data.labels == ["bump", "dip", "bump", "dip"] and data.label_column == "category"
    np.testing.assert_array_equal(data.sequences[1].ravel(), ROWS[1][1])
    assert any("labels read from column 5 of 5 ('category')" in n for n in data.notes)


def test_the_one_column_of_words_holds_the_labels_whatever_its_name(tmp_path):
    # 'mon,...,fri,outcome' took 'mon' for the labels: "step 5: 'bump' is not a number".
    data = read_labelled(_write(tmp_path, _wide(["mon", "tue", "wed", "thu", "outcome"],
                                                label_last=True)))
    assert data.labels == ["bump", "dip", "bump", "dip"] and data.label_column == "outcome"
    np.testing.assert_array_equal(data.sequences[2].ravel(), ROWS[2][1])
    assert any("labels read from column 5 of 5 ('outcome')" in n for n in data.notes)
    # Classes coded as whole numbers last, fractions first: the fractions were read as the
    # labels (only a note said so) and the classes as the last step.
    numbers = read_labelled(_write(tmp_path, _wide(["mon", "tue", "wed", "thu", "outcome"],
                                                   label_last=True,
                                                   label=lambda t: str(len(t))), "n.csv"))
    assert numbers.label_column == "outcome" and numbers.labels == ["4", "3", "4", "3"]
    np.testing.assert_array_equal(numbers.sequences[0].ravel(), ROWS[0][1])
    assert any("labels read from column 5 of 5 ('outcome')" in n for n in numbers.notes)
    # A first column of whole numbers may be the classes: the first, as before.
    whole = _wide(["mon", "tue", "wed", "thu", "outcome"], label_last=True,
                  label=lambda t: str(len(t))).replace("0.2,", "2,").replace("0.1,", "1,")
    assert read_labelled(_write(tmp_path, whole, "w.csv")).label_column == "mon"
    # Measurements last (as many distinct values as rows) are no classes either.
    many = "a,b,c,d\n" + "".join(f"{k / 10 + 0.05},{k},{k + 1},{k * 7 % 13}\n" for k in range(12))
    assert read_labelled(_write(tmp_path, many, "m.csv")).label_column == "a"


def test_a_label_named_so_gives_no_note(tmp_path):
    data = read_labelled(_write(tmp_path, _wide(["label", "t0", "t1", "t2", "t3"])))
    assert data.labels == ["bump", "dip", "bump", "dip"] and data.notes == []


@pytest.mark.parametrize("extra", ["patient", "age"])
def test_a_column_beside_the_label_and_the_numbered_steps_is_refused(tmp_path, extra):
    # 'patient,label,0,1,...' read the patient's number as every sequence's first step.
    lines = [f"{extra},label,0,1,2,3"] + [f"{101 + k},{tag},{','.join(map(str, values))}"
                                          for k, (tag, values) in enumerate(ROWS)]
    with pytest.raises(ValidationError, match=rf"the column '{extra}' is neither a step "
                                              r"\(the steps are '0' \.\.\. '3'\) nor the label"):
        read_labelled(_write(tmp_path, "\n".join(lines) + "\n"))


@pytest.mark.parametrize("marker", ["NA", "nan", "N/A", "null"])
def test_a_missing_label_written_as_a_marker_is_refused_not_a_class(tmp_path, marker):
    text = _wide(["label", "t0", "t1", "t2", "t3"]).replace("dip", marker, 1)
    with pytest.raises(ValidationError, match=rf"line 3: the label is missing \(column 'label': "
                                              rf"'{marker}'\)"):
        read_labelled(_write(tmp_path, text))
    long = "sequence,step,value,label\n" + "".join(
        f"s{k},{t},{v},{marker if k == 1 else tag}\n" for k, (tag, values) in enumerate(ROWS)
        for t, v in enumerate(values))
    with pytest.raises(ValidationError, match=rf"line 6: the label is missing \('{marker}'\)"):
        read_labelled(_write(tmp_path, long, "long.csv"))
    # A class may be named 'NA' (North America, not applicable): the message said only
    # "missing", with no way to keep the class.
    with pytest.raises(ValidationError, match=rf"if '{re.escape(marker)}' names a class, "
                                              rf"write it otherwise in the file \(say "
                                              rf"'{re.escape(marker)}_'\)"):
        read_labelled(_write(tmp_path, text))
    text = "text,label\nhello there,x\nbye now," + marker + "\n"
    with pytest.raises(ValidationError, match=rf"line 3: the label is missing \('{marker}'\)\. "
                                              r".*names a class"):
        read_labelled(_write(tmp_path, text, "texts.csv"))


def test_an_empty_or_unknown_label_is_not_told_it_may_be_a_class(tmp_path):
    for marker in ["", "?"]:
        text = _wide(["label", "t0", "t1", "t2", "t3"]).replace("dip", marker, 1)
        with pytest.raises(ValidationError, match=r"the label is missing") as raised:
            read_labelled(_write(tmp_path, text))
        assert "names a class" not in str(raised.value)


def test_a_long_file_without_a_sequence_column_name_is_refused_not_read_as_wide(tmp_path):
    # 'subject,time,value,label' was read as wide: every row a sequence of 3 steps.
    text = "subject,time,value,label\n" + "".join(
        f"{k},{t},{v},{tag}\n" for k, (tag, values) in enumerate(ROWS)
        for t, v in enumerate(values))
    with pytest.raises(ValidationError, match=r"the column 'time' names the steps, so the file "
                                              r"looks long.*Rename the column that names each "
                                              r"sequence 'sequence'"):
        read_labelled(_write(tmp_path, text))
    renamed = read_labelled(_write(tmp_path, text.replace("subject", "sequence", 1), "ok.csv"))
    assert len(renamed) == 4 and renamed.lengths().tolist() == [4, 4, 4, 4]


def test_a_long_file_without_a_step_column_name_says_so(tmp_path):
    text = "id,t_ms,value,label\n" + "".join(
        f"s{k},{t},{v},{tag}\n" for k, (tag, values) in enumerate(ROWS)
        for t, v in enumerate(values))
    with pytest.raises(ValidationError, match=r"'id' repeats its values.*Rename the column "
                                              r"that orders the steps 'step'"):
        read_labelled(_write(tmp_path, text))
    with pytest.raises(ValidationError, match=r"needs a step column \(named step, time"):
        read_labelled(_write(tmp_path, text), format="long")


def test_a_long_file_read_as_wide_is_told_to_read_it_as_long(tmp_path):
    # --format wide on 'sequence,step,x,label' said no column was named as a step column.
    text = "sequence,step,x,label\n" + "".join(
        f"s{k},{t},{v},{tag}\n" for k, (tag, values) in enumerate(ROWS)
        for t, v in enumerate(values))
    with pytest.raises(ValidationError, match=r"'sequence' and 'step' name each row's sequence "
                                              r"and step: the file is a long CSV.*--format long"):
        read_labelled(_write(tmp_path, text), format="wide")
    assert len(read_labelled(_write(tmp_path, text))) == 4


@pytest.mark.parametrize("header", ["review,sentiment", "sentence,label", "text,target"])
def test_a_text_csv_is_read_by_its_text_columns_name(tmp_path, header):
    text = header + "\n" + "".join(f'"{words}",{tag}\n' for words, tag in [
        ("so slow, I hated it", "neg"), ("loved it, a delight", "pos"),
        ("dull and long", "neg"), ("great fun", "pos")])
    data = read_labelled(_write(tmp_path, text))
    assert data.kind == "text" and data.labels == ["neg", "pos", "neg", "pos"]
    assert data.sequences[0] == "so slow, I hated it"
    told = any("labels read from the column 'sentiment'" in n for n in data.notes)
    assert told == (header == "review,sentiment")


def test_classify_prints_how_it_read_the_files(tmp_path, capsys):
    from seqlab.cli.app import run_cli

    rows = ROWS * 4
    text = "t0;t1;t2;t3;category\n" + "".join(
        ";".join(f"{v}".replace(".", ",") for v in values) + f";{tag}\n" for tag, values in rows)
    path = _write(tmp_path, text)
    code = run_cli(["classify", str(path), "--model", "rocket", "--members", "1",
                    "--time-budget", "5"])
    shown = capsys.readouterr()
    assert code == 0, shown.err
    assert "note: data.csv: read as separated by semicolons with decimal commas" in shown.out
    assert "note: data.csv: labels read from column 5 of 5 ('category')" in shown.out


def test_predictions_of_a_long_file_name_its_sequences_by_their_ids(tmp_path, capsys):
    import csv

    from seqlab.cli.app import run_cli

    ids = ["u4", "u9", "u0", "u7"] * 3
    text = "sequence,step,value,label\n" + "".join(
        f"{name}{k},{t},{v},{tag}\n" for k, (name, (tag, values)) in
        enumerate(zip(ids, ROWS * 3, strict=True)) for t, v in enumerate(values))
    train, test = _write(tmp_path, text, "train.csv"), _write(tmp_path, text, "test.csv")
    out = tmp_path / "predictions.csv"
    code = run_cli(["classify", str(train), "--test", str(test), "--predictions", str(out),
                    "--model", "rocket", "--members", "1", "--time-budget", "5"])
    assert code == 0, capsys.readouterr().err
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    # The ids in the file's order, not 1, 2, 3 ... (which could not be joined back).
    assert [r["sequence"] for r in rows] == [f"{name}{k}" for k, name in enumerate(ids)]
    assert [r["true"] for r in rows] == [tag for tag, _ in ROWS * 3]


def test_a_ragged_headerless_file_takes_the_label_from_each_rows_end(tmp_path):
    # With --label -1 the label was sought in the longest row's last column: the first row
    # was taken for a header ("12 fields, more than the header's 11"), or a label missing.
    lines = [",".join(map(str, values[:3 + k % 2])) + f",{tag}" for k, (tag, values) in
             enumerate(ROWS)]
    data = read_labelled(_write(tmp_path, "\n".join(lines) + "\n"), label="-1")
    assert data.labels == ["bump", "dip", "bump", "dip"]
    assert data.lengths().tolist() == [3, 4, 3, 4]
    np.testing.assert_array_equal(data.sequences[1].ravel(), ROWS[1][1])


def test_a_headerless_file_of_numbers_ending_in_a_word_has_its_labels_last(tmp_path, capsys):
    # Its first line was taken for a header: "line 2, step 5: 'dip' is not a number".
    from seqlab.cli.app import run_cli

    lines = [",".join(map(str, values)) + f",{tag}" for tag, values in ROWS * 3]
    train = _write(tmp_path, "\n".join(lines) + "\n", "train.csv")
    data = read_labelled(train)
    assert len(data) == 12 and data.labels[:2] == ["bump", "dip"]
    np.testing.assert_array_equal(data.sequences[0].ravel(), ROWS[0][1])
    assert any("labels read from column 5 of 5 (no header)" in n for n in data.notes)
    bundle = tmp_path / "model"
    assert run_cli(["classify", str(train), "--model", "rocket", "--members", "1",
                    "--time-budget", "5", "--out", str(bundle)]) == 0
    new = _write(tmp_path, "\n".join(line.rsplit(",", 1)[0] for line in lines[:4]) + "\n",
                 "new.csv")
    for path, header in ((new, "sequence,label,p_bump,p_dip"),
                         (train, "sequence,label,true,p_bump,p_dip")):
        capsys.readouterr()
        assert run_cli(["predict", str(bundle), str(path)]) == 0
        shown = capsys.readouterr().out.splitlines()
        assert shown[0] == header and len(shown) == (5 if path == new else 13)


def test_labels_that_differ_only_in_case_are_two_classes_with_a_note(tmp_path):
    text = _wide(["label", "t0", "t1", "t2", "t3"]).replace("bump", "Bump", 1)
    data = read_labelled(_write(tmp_path, text))
    assert sorted(set(data.labels)) == ["Bump", "bump", "dip"]
    assert data.notes == ["data.csv: the labels 'Bump' and 'bump' differ only in case: they "
                          "are different classes"]


def test_a_missing_value_is_placed_by_line_or_by_id(tmp_path):
    # "sequence 2 ... step 4" left the user to count rows (or a long file's ids).
    text = _wide(["label", "t0", "t1", "t2", "t3"]).replace("-0.1", "", 1)
    with pytest.raises(ValidationError, match=r"sequence 2 \(line 3, label 'dip'\) has a "
                                              r"missing or non-finite value at step 3"):
        read_labelled(_write(tmp_path, text))
    long = "sequence,step,value,label\n" + "".join(
        f"s{k},{t},{'' if (k, t) == (2, 1) else v},{tag}\n"
        for k, (tag, values) in enumerate(ROWS) for t, v in enumerate(values))
    # (its step as the step column writes it, 1: the second of 0, 1, 2 ...)
    with pytest.raises(ValidationError, match=r"sequence 's2' \(label 'bump'\) has a missing "
                                              r"or non-finite value at step 1, channel "
                                              r"'value'"):
        read_labelled(_write(tmp_path, long, "long.csv"))


def test_a_quoted_decimal_comma_in_a_comma_file_is_refused_with_what_to_do(tmp_path):
    text = 'label,t0,t1\nup,"0,038","1,5"\ndown,"1,2","0,5"\n'
    with pytest.raises(ValidationError, match=r"line 2, step 1: '0,038' is not a number.*with "
                                              r"a decimal comma, separate the file's fields by "
                                              r"';'"):
        read_labelled(_write(tmp_path, text))


def test_columns_that_only_resemble_a_text_csv_or_a_header_are_read_as_before(tmp_path):
    # A label column named 'body' (a body part) made the file a text CSV of the labels.
    long = "id,time,x,body\n1,0,0.1,arm\n1,1,0.2,arm\n2,0,0.3,leg\n2,1,0.4,leg\n"
    data = read_labelled(_write(tmp_path, long), label="body")
    assert data.kind == "values" and data.labels == ["arm", "leg"]
    # Steps named by two patterns (acc1 ..., gyr1 ...) are steps, not columns to refuse.
    header = ["class"] + [f"acc{k}" for k in range(1, 3)] + [f"gyr{k}" for k in range(1, 3)]
    data = read_labelled(_write(tmp_path, _wide(header), "imu.csv"))
    assert data.labels == ["bump", "dip", "bump", "dip"] and data.lengths().tolist() == [4] * 4
    # A header naming its label with a word no row holds, last: a header, not a row.
    text = _wide(["400", "410", "420", "430", "variety"], label_last=True)
    data = read_labelled(_write(tmp_path, text, "spectra.csv"))
    assert len(data) == 4 and data.label_column == "variety"


def test_a_missing_label_at_the_end_stays_missing_with_the_label_given_last(tmp_path):
    # '1,2,3,4,' took 4 for the label and left a sequence of three steps.
    text = "0,1,2,3,0\n1,2,3,4,\n2,3,4,5,1\n1,1,1,1,1\n"
    with pytest.raises(ValidationError, match=r"line 2: the label is missing"):
        read_labelled(_write(tmp_path, text), label="-1")
    padded = "".join(f"{r},{r + 1},{r + 2},{'bump' if r % 2 else 'dip'},,\n" for r in range(4))
    data = read_labelled(_write(tmp_path, padded, "padded.csv"))
    assert data.labels == ["dip", "bump", "dip", "bump"] and data.lengths().tolist() == [3] * 4


def test_new_ragged_data_is_not_moved_when_it_holds_no_labels(tmp_path):
    from seqlab.classify.readers import read_wide_csv

    path = _write(tmp_path, "0.1,0.2,0.3,0.4\n0.5,0.6,0.7\n0.1,0.2,0.3,0.9\n")
    data = read_wide_csv(path, label="-1", labelled=False, columns=5)
    assert [s.ravel().tolist() for s in data.sequences][1] == [0.5, 0.6, 0.7]


def test_new_data_under_the_training_files_header_of_numbers_is_not_a_sequence(tmp_path,
                                                                              capsys):
    # 'seqlab predict' read a new file's header '400,410,...' as a sequence to classify.
    from seqlab.cli.app import run_cli

    steps = ["400", "410", "420", "430"]
    train = _write(tmp_path, _wide(["label", *steps]) + "".join(
        f"{tag}," + ",".join(map(str, values)) + "\n" for tag, values in ROWS * 2), "train.csv")
    bundle = tmp_path / "model"
    assert run_cli(["classify", str(train), "--model", "rocket", "--members", "1",
                    "--time-budget", "5", "--out", str(bundle)]) == 0
    rows = "".join(",".join(map(str, values)) + "\n" for _, values in ROWS)
    new = _write(tmp_path, ",".join(steps) + "\n" + rows, "new.csv")
    capsys.readouterr()
    assert run_cli(["predict", str(bundle), str(new)]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert shown[0] == "sequence,label,p_bump,p_dip" and len(shown) == 1 + 4
    # Without that header the same rows are four sequences too, and with a row of other
    # numbers above them, five: only the training file's names make a header.
    for text, count in ((rows, 4), ("1,2,3,4\n" + rows, 5)):
        capsys.readouterr()
        assert run_cli(["predict", str(bundle), str(_write(tmp_path, text, "plain.csv"))]) == 0
        assert len(capsys.readouterr().out.splitlines()) == 1 + count


def test_a_word_above_numbered_steps_names_the_label_column(tmp_path):
    # 'species,400,410,...' was a sequence of class 'species' (400, 410 ... its values).
    data = read_labelled(_write(tmp_path, _wide(["species", "400", "410", "420", "430"])))
    assert data.labels == ["bump", "dip", "bump", "dip"] and data.label_column == "species"
    # Without a header the first row's class recurs below it: a row of data.
    headerless = "".join(f"{tag}," + ",".join(map(str, values)) + "\n" for tag, values in ROWS)
    assert len(read_labelled(_write(tmp_path, headerless, "plain.csv"))) == 4


@pytest.mark.parametrize("label_last", [False, True])
@pytest.mark.parametrize("name", ["label", "Class", "y"])
def test_a_label_name_above_rising_sequences_is_a_header(tmp_path, name, label_last):
    # 'label,1,2,3,4' above sequences that all rise was a sequence of the class 'label'
    # (then refused as a class with a single example), its numbers taken for values.
    rows = [("up", [1, 3, 5, 7]), ("down", [2, 4, 6, 8]), ("up", [0, 1, 2, 3])]
    header = ["1", "2", "3", "4"]
    lines = [[*header, name] if label_last else [name, *header]] + [
        [*map(str, v), t] if label_last else [t, *map(str, v)] for t, v in rows]
    data = read_labelled(_write(tmp_path, "".join(",".join(r) + "\n" for r in lines)))
    assert data.labels == ["up", "down", "up"] and data.label_column == name
    assert data.steps == header
    np.testing.assert_array_equal(data.sequences[0].ravel(), rows[0][1])


@pytest.mark.parametrize("label_last", [False, True])
def test_a_first_row_of_a_class_found_once_is_data(tmp_path, label_last):
    # 'c,6.6,6.7,...' above rows of 'a' and 'b' was a header naming the label column 'c',
    # and the sequence was dropped (label last too: '6.6,6.7,...,c').
    rows = [("c", [6.6, 6.1, 6.9, 6.3])] + ROWS
    text = "".join(",".join([*map(str, v), t] if label_last else [t, *map(str, v)]) + "\n"
                   for t, v in rows)
    path = _write(tmp_path, text)
    data = read_labelled(path)
    assert data.labels == ["c", "bump", "dip", "bump", "dip"] and data.label_column is None
    np.testing.assert_array_equal(data.sequences[0].ravel(), rows[0][1])
    # New data to predict on, read as the training file's was: five sequences too
    from seqlab.classify.readers import read_wide_csv

    new = read_wide_csv(path, label=data.label_number, labelled=False, columns=5)
    assert len(new) == 5
    # Numbers rising above rows that rise too are one of them, not step names
    rising = "c,1,2,3,4\na,1,3,5,7\nb,2,4,6,8\na,0,1,2,3\n"
    assert len(read_labelled(_write(tmp_path, rising, "rising.csv"))) == 4


@pytest.mark.parametrize("name", ["comment", "text"])
def test_a_text_column_beside_numbered_steps_is_refused_naming_both_readings(tmp_path, name):
    # 'label,t0,...,t3,comment' was read as a text CSV of the comments: the steps were
    # left out without a word.
    rows = "".join(f"{tag},{','.join(map(str, values))},checked by the nurse today\n"
                   for tag, values in ROWS)
    path = _write(tmp_path, f"label,t0,t1,t2,t3,{name}\n" + rows)
    with pytest.raises(ValidationError, match=rf"the column '{name}' holds texts, but 4 other "
                       r"columns \('t0' \.\.\. 't3'\) hold numbers.*--format text"):
        read_labelled(path)
    assert read_labelled(path, format="text").kind == "text"
    # A text CSV with a number or two beside its texts (likes, a rating) is a text CSV
    few = "".join(f"{tag},{k},{k % 5},checked by the nurse today\n"
                  for k, (tag, _) in enumerate(ROWS))
    assert read_labelled(_write(tmp_path, f"label,likes,stars,{name}\n" + few,
                                "few.csv")).kind == "text"


@pytest.mark.parametrize("tags", [("sit", "walk"), ("0", "1")])
def test_a_y_channel_beside_x_and_z_is_no_label_column(tmp_path, tags):
    # 'id,time,x,y,z,activity' took the channel 'y' for the labels ("'sit' is not a number").
    rows = [f"{i},{k},{v},{v + 0.5 * k},{-v},{tags[i % 2]}" for i, (_, values) in
            enumerate(ROWS) for k, v in enumerate(values)]
    path = _write(tmp_path, "id,time,x,y,z,activity\n" + "\n".join(rows) + "\n")
    data = read_labelled(path)
    assert data.labels == [tags[0], tags[1]] * 2 and data.channels == ["x", "y", "z"]
    assert data.label_column == "activity" and any("'y' varies" in n for n in data.notes)
    # A 'y' with one value per sequence is the label still; --label chooses
    labelled = "id,time,x,y\n" + "".join(f"{i},{k},{v},{tags[i % 2]}\n" for i, (_, values)
                                          in enumerate(ROWS) for k, v in enumerate(values))
    assert read_labelled(_write(tmp_path, labelled, "y.csv")).labels == [*tags, *tags]
    with pytest.raises(ValidationError, match=r"column 'y' varies within a sequence.*"
                       r"'activity', 'subject' each have one value per sequence"):
        read_labelled(_write(tmp_path, "id,time,x,y,z,activity,subject\n" + "\n".join(
            f"{r},s{r[0]}" for r in rows) + "\n", "two.csv"))


def test_a_word_beyond_the_headers_columns_is_no_label_column(tmp_path):
    # A row longer than the header, ending in a word, raised an IndexError.
    text = "t1,gyr1,gyr2\n0.99,0.59,0.64\n0.89,0.57,0.1\nnan,1,5,bump\n-3,0.22,0.85\n"
    with pytest.raises(ValidationError):
        read_labelled(_write(tmp_path, text))


@pytest.mark.parametrize("header,repeated", [
    ("id,time,value,label,label", "'label'"),  # the second label was read as a channel
    ("id,time,v,v,label", "'v'"),  # two channels, both 'v'
    ("id,time,value,Label,label", "'Label', 'label'"),  # one name to the reader (a review)
])
def test_a_long_csv_naming_a_column_twice_is_refused(tmp_path, header, repeated):
    # Each was read: 'x' is not a number (the labels as a channel), or channels v and v.
    rows = "".join(f"{i},{k},{v},{v},{tag}\n" for i, (tag, values) in enumerate(ROWS)
                   for k, v in enumerate(values))
    with pytest.raises(ValidationError, match=rf"names column\(s\) \[{repeated}\] more "
                                              r"than once \(names are compared ignoring "
                                              r"case\); column names must be distinct"):
        read_labelled(_write(tmp_path, header + "\n" + rows))


def test_a_wide_or_text_csv_naming_a_column_twice_is_refused(tmp_path):
    wide = "label,t0,t1,t1\n" + "".join(f"{tag},{values[0]},{values[1]},{values[2]}\n"
                                         for tag, values in ROWS)
    with pytest.raises(ValidationError, match=r"names column\(s\) \['t1'\] more than once"):
        read_labelled(_write(tmp_path, wide))
    text = "text,label,label\ngreat fun,pos,x\nawful,neg,y\n"
    with pytest.raises(ValidationError, match=r"names column\(s\) \['label'\] more than once"):
        read_labelled(_write(tmp_path, text, "text.csv"), format="text")


@pytest.mark.parametrize("header_comma", [True, False])
def test_a_comma_at_the_end_of_a_long_csvs_lines_is_dropped(tmp_path, header_comma):
    # The wide reader dropped it; the long one read an unnamed channel (header too) or
    # refused every row for one field more than the header.
    rows = "".join(f"s{i},{k},{v},{tag},\n" for i, (tag, values) in enumerate(ROWS)
                   for k, v in enumerate(values))
    header = "id,time,x,label" + ("," if header_comma else "")
    data = read_labelled(_write(tmp_path, header + "\n" + rows))
    assert data.channels == ["x"] and data.labels == ["bump", "dip", "bump", "dip"]
    np.testing.assert_array_equal(data.sequences[1].ravel(), ROWS[1][1])
    # A value beyond the header's columns is no trailing comma: refused still
    with pytest.raises(ValidationError, match=r"line 2: 5 fields, but the header has 4"):
        read_labelled(_write(tmp_path, "id,time,x,label\n" + rows.replace("bump,", "bump,7", 1),
                             "extra.csv"))


def test_a_long_csvs_one_column_of_words_is_its_label_column_with_a_note(tmp_path):
    # 'id,time,x,activity' was refused ("no label column") unless a 'y' channel stood
    # beside it, though 'activity' is the one column that could hold labels.
    rows = [f"{i},{k},{v},{tag}" for i, (tag, values) in enumerate(ROWS)
            for k, v in enumerate(values)]
    data = read_labelled(_write(tmp_path, "id,time,x,activity\n" + "\n".join(rows) + "\n"))
    assert data.labels == ["bump", "dip", "bump", "dip"] and data.channels == ["x"]
    assert data.label_column == "activity"
    assert any("labels read from column 'activity'" in n for n in data.notes)
    # Two columns of words: neither is guessed, and the error says how to choose
    two = "id,time,x,activity,subject\n" + "".join(f"{r},p{r[0]}\n" for r in rows)
    with pytest.raises(ValidationError, match=r"no label column .* Name it with --label NAME "
                                              r"\(label= in the library\); the column\(s\) "
                                              r"'activity', 'subject' hold words"):
        read_labelled(_write(tmp_path, two, "two.csv"))
    # Numbers only: no column to guess, --label asked for
    numbers = "id,time,x,code\n" + "".join(f"{r.rsplit(',', 1)[0]},{i % 2}\n"
                                           for i, r in enumerate(rows))
    with pytest.raises(ValidationError, match=r"Name it with --label NAME \(label= in the "
                                              r"library\)\.$"):
        read_labelled(_write(tmp_path, numbers, "numbers.csv"))


@pytest.mark.parametrize("header", ["review,sentiment", "comment,label", "id,message,class"])
def test_short_texts_beside_labels_are_a_text_csv(tmp_path, header):
    # 'review,sentiment' of one- or two-word reviews was read as wide ("'pos' is not a
    # number"): only sentences of three words made the column texts.
    rows = [("great", "pos"), ("so bad", "neg"), ("loved it", "pos"), ("awful", "neg")]
    body = "".join((f"{k}," if header.startswith("id") else "") + f"{words},{tag}\n"
                   for k, (words, tag) in enumerate(rows))
    data = read_labelled(_write(tmp_path, header + "\n" + body))
    assert data.kind == "text" and data.sequences == [w for w, _ in rows]
    assert data.labels == [t for _, t in rows]


def test_short_texts_beside_numbers_are_read_as_wide_and_the_error_points_to_text(tmp_path):
    # A column of numbers beside them may be a wide CSV's step: detection keeps wide,
    # and the error says how to read the texts
    text = "review,sentiment,stars\ngreat,pos,5\nawful,neg,1\nso so,pos,3\n"
    with pytest.raises(ValidationError, match=r"'pos' is not a number .*; read as a wide "
                                              r"CSV\. If the column 'review' holds texts to "
                                              r"classify, give --format text"):
        read_labelled(_write(tmp_path, text))
    data = read_labelled(_write(tmp_path, text), format="text", label="sentiment")
    assert data.kind == "text" and data.labels == ["pos", "neg", "pos"]


@pytest.mark.parametrize("text, header, bad, columns", [
    ("pos,great fun\nneg,awful film\npos,loved it\n",
     " whose first line \\('pos,great fun'\\) is its header", "awful film", "label,text"),
    ("pos,1\nneg,awful film\n", "", "awful film", "label,text"),
    # the text first: a header 'label,text' would take the texts for labels
    ("great fun,pos\nawful film,neg\nloved it,pos\n",
     " whose first line \\('great fun,pos'\\) is its header", "neg", "text,label")])
def test_label_and_text_lines_without_a_header_point_to_the_header_a_text_csv_needs(
        tmp_path, text, header, bad, columns):
    # 'pos,great fun' a line: "line 2, step 1: 'awful film' is not a number", its first
    # line silently taken for a header and nothing said about texts.
    with pytest.raises(ValidationError, match=rf"'{bad}' is not a number .*; read as a "
                                              r"wide CSV" + header + r"\. If each line is a "
                                              r"label and a text to classify, give the file a "
                                              r"first line naming its columns in their order: "
                                              r"label,text \(or text,label\)\.$"):
        read_labelled(_write(tmp_path, text))
    data = read_labelled(_write(tmp_path, columns + "\n" + text))
    assert data.kind == "text" and data.labels[0] == "pos"


@pytest.mark.parametrize("label, label_at, first", [("-1", 5, True), (None, 1, False)])
def test_new_data_with_its_labels_in_another_column_than_trainings_is_told_so(
        tmp_path, label, label_at, first):
    # Trained on a headerless file, labels last (or first); new data, labels first (or
    # last): its first row was taken for a header and "line 2, step 1: 'dip' is not a
    # number" said nothing of the labels' place.
    from seqlab.classify.readers import read_wide_csv

    text = "".join(",".join([t, *map(str, v)] if first else [*map(str, v), t]) + "\n"
                   for t, v in ROWS)
    path = _write(tmp_path, text)
    where = "column 1" if first else "column 5"
    with pytest.raises(ValidationError, match=re.escape(
            f"{path}: {where} holds words on every row ('bump' on line 1), as a label column "
            f"does, but the classifier's training file had its labels in column {label_at} "
            f"of 5")):
        read_wide_csv(path, label=label, labelled=False, columns=5, label_at=label_at)
    # In the training file's place, the labels are read as before
    same = "".join(",".join([*map(str, v), t] if first else [t, *map(str, v)]) + "\n"
                   for t, v in ROWS)
    new = read_wide_csv(_write(tmp_path, same, "same.csv"), label=label, labelled=False,
                        columns=5, label_at=label_at)
    assert new.labels == [t for t, _ in ROWS] and len(new) == 4
