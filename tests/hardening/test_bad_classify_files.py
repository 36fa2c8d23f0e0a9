"""Catalogue of hostile labelled-sequence files for `seqlab classify` and `seqlab predict`
on a classifier bundle: each is refused with a `ValidationError` naming the file, the place
and what was expected, or read as the user meant, never read into nonsense."""

from __future__ import annotations

import numpy as np
import pytest
from hardening_support import assert_one_line_error

from seqlab.classify import SequenceClassifier, read_labelled
from seqlab.classify.readers import match_channels
from seqlab.errors import ValidationError

WIDE = "label,t0,t1,t2,t3\nup,0,1,2,3\ndown,3,2,1,0\nup,0,1,2,4\ndown,4,2,1,0\n"
FAST = ["--model", "rocket", "--members", "1", "--time-budget", "5"]


def _wide(rows: int = 12, steps: int = 12, header: str | None = None) -> str:
    """A wide CSV of rising ('up') and falling ('down') sequences."""
    rng = np.random.default_rng(0)
    lines = [header or "label," + ",".join(f"t{k}" for k in range(steps))]
    for i in range(rows):
        sign = 1 if i % 2 == 0 else -1
        values = sign * np.linspace(0, 1, steps) + rng.normal(0, 0.05, steps)
        lines.append(("up" if sign > 0 else "down") + "," + ",".join(f"{v:.3f}" for v in values))
    return "\n".join(lines) + "\n"


def _long(channels: tuple[str, ...] = ("x", "y"), rows: int = 8, steps: int = 10,
          names: tuple[str, str] = ("sequence", "step")) -> str:
    rng = np.random.default_rng(1)
    lines = [",".join([*names, *channels, "label"])]
    for i in range(rows):
        label = "up" if i % 2 == 0 else "down"
        for k in range(steps):
            values = {"x": (1 if label == "up" else -1) * k / steps, "y": 5.0, "z": 0.0}
            lines.append(",".join([str(i), str(k)] + [f"{values[c] + rng.normal(0, .01):.3f}"
                                                      for c in channels] + [label]))
    return "\n".join(lines) + "\n"


STAMPED = ("@timeStamps true\n@univariate true\n@equalLength true\n@classLabel true up down\n"
           "@data\n(2007-01-01 00:00:00,1.5),(2007-01-02 00:00:00,2.5):up\n"
           "(2007-01-01 00:00:00,3.5),(2007-01-02 00:00:00,0.5):down\n")

BAD_FILES = {
    # One value beyond float32 made the channel's standard deviation infinite: every value
    # standardised to 0 and the classifier predicted one class, with exit status 0.
    "beyond-float32": ("a.csv", WIDE.replace("up,0,1,2,3", "up,0,1e300,2,3"),
                       r"a\.csv, line 2, step 2: '1e300' is beyond what float32 holds"),
    "just-beyond-float32": ("a.csv", WIDE.replace("up,0,1,2,3", "up,0,1e39,2,3"),
                            r"line 2, step 2: '1e39' is beyond what float32"),
    # float('1e400') is inf: it was taken for a missing value (and filled with --fill).
    "overflowing-number": ("a.csv", WIDE.replace("up,0,1,2,3", "up,0,1,2,-1e400"),
                           r"line 2, step 4: '-1e400' is beyond what float32"),
    "beyond-float32-ts": ("a.ts", "@univariate true\n@classLabel true a b\n@data\n1,2:a\n"
                                  "1,5e38:b\n", r"a\.ts, line 5, channel 1, value 2: '5e38'"),
    # Files separated by semicolons are read (tests/classify/test_classify_separators.py),
    # except where their cells leave a number open.
    "semicolons-mixed-decimal-marks": (
        "a.csv", "label;t0;t1\nup;0,5;1.5\ndown;1,5;0,5\n",
        r"the column 't1' mixes decimal commas \('0,5'\) and decimal points \('1.5'\)"),
    # A long CSV whose sequences all have one step is a wide file with an id and a date
    # (each row read as a sequence of one step with every value a channel).
    "one-step-sequences": ("a.csv", "id,date,label,v0,v1\n1,2024-01-01,a,1,2\n"
                                    "2,2024-01-01,b,3,4\n",
                           r"every sequence \('id'\) has one step \('date'\)"),
    # Headerless, the label last (the MIT-BIH heartbeat files): 'Class(es) '-3.259e-02',
    # ... have a single example', hundreds of them.
    "measurements-taken-for-labels": (
        "a.csv", "".join(f"{k / 7 + 0.01:.4f},{k % 5},{k % 3},{k % 2}\n" for k in range(40)),
        r"the labels \(column 1\) are 40 distinct fractions .*--label"),
    # ... a small one (20 rows or fewer, labels repeated), its rows of their own lengths:
    # trained on, its first step taken for the labels and its labels for a step.
    "classes-last-in-a-small-ragged-file": (
        "a.csv", "".join(f"{k % 4 / 7 + 0.01:.4f},0.5{',0.25' * (k % 3)},{k % 2 + 1}\n"
                         for k in range(12)),
        r"without a header, the labels would be column 1, but it holds fractions \('0\.0100', "
        r"'0\.1529', '0\.2957' \.\.\.\) while every row ends in one of a few whole numbers "
        r"\(1, 2\), as a label column last does\. Give --label -1 .* or --label 1"),
    # A named row index (to_csv after index.name = 'id') was each sequence's first step.
    "a-named-index-column": ("a.csv", "id," + WIDE.replace("\nup", "\n0,up", 1).replace(
        "\ndown,3", "\n1,down,3").replace("\nup,0,1,2,4", "\n2,up,0,1,2,4").replace(
        "\ndown,4", "\n3,down,4"), r"the column 'id' names each row or sequence"),
    "pandas-index-in-a-long-csv": ("a.csv", "," + _long().replace("\n", "\n0,").rstrip("0,"),
                                   r"column 1 of the header has no name.*read as a channel"),
    # pandas' to_csv writes the row index as a first, unnamed column: it was read as each
    # sequence's first step.
    "pandas-index": ("a.csv", "," + WIDE.replace("\nup", "\n0,up", 1).replace(
        "\ndown,3", "\n1,down,3").replace("\nup,0,1,2,4", "\n2,up,0,1,2,4").replace(
        "\ndown,4", "\n3,down,4"), r"column 1 of the header has no name.*row index"),
    # @classLabel false in a training file: 'y must hold one label per sequence ... shape ()'.
    "ts-without-labels": ("a.ts", "@univariate true\n@classLabel false\n@data\n1,2,3\n4,5,6\n",
                          r"a\.ts: the header says @classLabel false, so its sequences have "
                          r"no class labels"),
    # A header naming the label column last above rows of different lengths, not padded:
    # "line 2: the label is missing (column 'label')", though the row ends in its label.
    "ragged-rows-under-a-header-label-last": (
        "a.csv", "t0,t1,t2,t3,label\n0,1,2,3,up\n0,1,up\n3,2,1,0,down\n2,1,down\n",
        r"a\.csv, line 3: 3 fields, but the label column 'label' is column 5 of 5, past the "
        r"row's end \(which is 'up'\)\. Pad shorter sequences with empty cells"),
    # Steps named 't0', 't1' ...: the error ended "name the right column with
    # `date_column` (--date-column)", an option of the forecast reader, not of classify.
    "steps-neither-numbers-nor-dates": (
        "a.csv", "id,step,x,label\n" + "".join(f"{i},t{k},{k * i},{'ab'[i % 2]}\n"
                                               for i in range(4) for k in range(3)),
        r"^[^`]*a\.csv: the steps of column 'step' are neither all numbers nor all dates "
        r"\(neither a number nor a date: 't0', 't1', 't2'\)\. Write each step as a number[^`]*$"),
    # The tidy layout, each row's channel named in a column: "line 2, column 'channel':
    # 'x' is not a number", with no word of the layout a long CSV needs instead.
    "channel-named-on-each-row": (
        "a.csv", "id,step,channel,value,label\n" + "".join(
            f"{i},{k},{c},{k * (i + 1)},{'ab'[i % 2]}\n" for i in range(4) for c in "xy"
            for k in range(3)),
        r"a\.csv: column 'channel' holds words \('x', 'y'\), not numbers: a long CSV has "
        r"one column of numbers per channel .*pivot_table\(index=\['id', 'step', 'label'\], "
        r"columns='channel', values='value'\)"),
}


@pytest.mark.parametrize("name,text,message", BAD_FILES.values(), ids=BAD_FILES)
def test_bad_labelled_files_are_a_validation_error(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ValidationError, match=message):
        read_labelled(path)


def test_integer_step_names_are_a_header_not_a_sequence(tmp_path):
    # pandas writes a frame with integer columns as 'label,0,1,2,3': the header was read as
    # a sequence labelled 'label' (and kept by seqlab predict).
    path = tmp_path / "a.csv"
    path.write_text(WIDE.replace("label,t0,t1,t2,t3", "label,0,1,2,3"))
    for labelled in (True, False):
        data = read_labelled(path, labelled=labelled)
        assert data.labels == ["up", "down", "up", "down"]
        np.testing.assert_array_equal(data.sequences[0][:, 0], [0, 1, 2, 3])
    # without a header, a first label spelled like a label column's name is a label
    path.write_text("y,1,2,3,4\nn,2,3,4,5\ny,1,2,3,3\nn,5,4,3,2\n")
    assert read_labelled(path).labels == ["y", "n", "y", "n"]


def test_a_long_csv_with_id_and_time_columns_is_read_as_long(tmp_path):
    # read_long_csv accepts id/time, but auto-detection wanted 'sequence' and 'step': the
    # file was read as wide, every row a three-step sequence (id, time, value).
    path = tmp_path / "a.csv"
    path.write_text(_long(("x",), names=("id", "time")))
    data = read_labelled(path)
    assert len(data) == 8 and [len(s) for s in data.sequences] == [10] * 8
    assert data.channels == ["x"]


def test_timestamped_ts_values_with_clock_times_are_read(tmp_path):
    # The ':' of 00:00:00 was taken for a channel separator: '5 channel(s) ... but 1'.
    path = tmp_path / "a.ts"
    path.write_text(STAMPED)
    data = read_labelled(path)
    assert data.labels == ["up", "down"]
    np.testing.assert_array_equal(data.sequences[0][:, 0], [1.5, 2.5])


def test_a_text_longer_than_the_csv_field_limit_is_read(tmp_path):
    # csv's 128 KiB field limit ended classify with 'unexpected Error ... a bug in seqlab'.
    path = tmp_path / "reviews.csv"
    path.write_text("text,label\n" + "good " * 40_000 + ",pos\nbad,neg\n")
    data = read_labelled(path)
    assert len(data.sequences[0]) == 200_000 and data.labels == ["pos", "neg"]


def test_test_channels_are_matched_to_trainings_by_name(tmp_path):
    train = tmp_path / "train.csv"
    train.write_text(_long(("x", "y")))
    trained = read_labelled(train)
    swapped = tmp_path / "swapped.csv"
    swapped.write_text(_long(("y", "x")))
    data = match_channels(read_labelled(swapped), "values", trained.channels, "train.csv")
    assert data.channels == ["x", "y"]
    np.testing.assert_allclose([s[:, 0] for s in data.sequences],
                               [s[:, 0] for s in trained.sequences], atol=0.05)
    other = tmp_path / "other.csv"
    other.write_text(_long(("x", "z")))
    with pytest.raises(ValidationError, match=r"other\.csv has channel\(s\) z where train\.csv "
                                              r"has y"):
        match_channels(read_labelled(other), "values", trained.channels, "train.csv")
    one = tmp_path / "one.csv"
    one.write_text(_long(("x",)))
    with pytest.raises(ValidationError, match=r"one\.csv has 1 channel\(s\) \(x\) but train\.csv "
                                              r"has 2 \(x, y\)"):
        match_channels(read_labelled(one), "values", trained.channels, "train.csv")


def test_unlabelled_new_data_keeps_its_first_step(tmp_path):
    # Predicting on 't0,t1,...' with a bundle trained on 'label,t0,...' took the first step
    # for a true label and classified the rest.
    path = tmp_path / "new.csv"
    path.write_text("t0,t1,t2\n1,2,3\n4,5,6\n")
    data = read_labelled(path, label="label", labelled=False)
    assert data.labels is None
    np.testing.assert_array_equal(data.sequences[0][:, 0], [1, 2, 3])
    headerless = tmp_path / "headerless.csv"
    headerless.write_text("1,2,3\n4,5,6\n")
    assert read_labelled(headerless, label="label", labelled=False).sequences[1].shape == (3, 1)
    labelled = tmp_path / "labelled.csv"
    labelled.write_text("up,1,2,3\ndown,4,5,6\n")
    assert read_labelled(labelled, label="label", labelled=False).labels == ["up", "down"]


def test_arrays_beyond_float32_are_refused_by_the_classifier():
    X = [np.zeros((5, 1)) for _ in range(4)]
    X[2][1, 0] = 1e300
    with pytest.raises(ValidationError, match=r"sequence 2 has 1e\+300 at step 2, channel 1, "
                                              r"beyond what float32 holds"):
        SequenceClassifier(model="rocket").fit(X, ["a", "a", "b", "b"])


def test_classify_refuses_huge_values_and_other_channels_before_training(tmp_path, cli):
    huge = tmp_path / "huge.csv"
    huge.write_text(_wide().replace("up,", "up,1e300,", 1).replace(",t0", ",t0,t00"))
    assert_one_line_error(cli("classify", huge, *FAST), 2, r"'1e300' is beyond what float32")
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    train.write_text(_long(("x", "y")))
    test.write_text(_long(("x",)))
    result = cli("classify", train, "--test", test, *FAST)
    assert_one_line_error(result, 2, r"test\.csv has 1 channel\(s\) \(x\) but .*train\.csv has 2")
    assert "validation accuracy" not in result.err  # refused before training


def test_predict_on_unlabelled_wide_data_with_a_classify_bundle(tmp_path, cli):
    train, bundle = tmp_path / "train.csv", tmp_path / "c.bundle"
    train.write_text(_wide())
    assert cli("classify", train, "--out", bundle, *FAST).code == 0
    new = tmp_path / "new.csv"
    new.write_text("".join(line.split(",", 1)[1] + "\n" for line in _wide(4).splitlines()))
    result = cli("predict", bundle, new, "--out", tmp_path / "p.csv")
    assert result.code == 0, result.err
    lines = (tmp_path / "p.csv").read_text().splitlines()
    assert lines[0] == "sequence,label,p_down,p_up"  # no 'true' column of first steps
    assert [line.split(",")[1] for line in lines[1:]] == ["up", "down", "up", "down"]
