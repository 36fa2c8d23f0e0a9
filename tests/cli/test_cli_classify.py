"""`seqlab classify` and `seqlab predict` on a classifier bundle, from the shell."""

import csv
import json
import re
import sys
import warnings

import numpy as np
import pytest
from typer.testing import CliRunner

from seqlab.cli import app
from seqlab.errors import ValidationError

sys.path.insert(0, str(__import__("pathlib").Path(__file__).parents[1] / "classify"))
from classify_sequences import shapes  # noqa: E402

runner = CliRunner()


def _wide(path, sequences, labels):
    width = max(len(s) for s in sequences)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["label"] + [f"t{k}" for k in range(width)])
        for s, label in zip(sequences, labels, strict=True):
            writer.writerow([label] + [f"{v:.4f}" for v in s[:, 0]])
    return path


def test_classify_then_predict_round_trip(tmp_path):
    sequences, labels = shapes(12, seed=0, low=30, high=50)
    train = _wide(tmp_path / "train.csv", sequences, labels)
    longest = max(len(s) for s in sequences)  # longer test sequences draw a warning
    test = _wide(tmp_path / "test.csv", *shapes(8, seed=1, low=30, high=longest))
    result = runner.invoke(app, ["classify", str(train), "--test", str(test), "--model",
                                 "rocket", "--out", str(tmp_path / "c.bundle"), "--predictions",
                                 str(tmp_path / "p.csv"), "--plot", str(tmp_path / "cm.png"),
                                 "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout.strip().splitlines()[-1])
    assert doc["model"] == "rocket" and doc["classes"] == ["bump", "dip", "wiggle"]
    assert doc["max_length"] == max(len(s) for s in sequences) and doc["metrics"]["accuracy"] >= 0.8
    assert len(doc["metrics"]["confusion"]) == 3
    assert (tmp_path / "cm.png").read_bytes()[:4] == b"\x89PNG"
    with open(tmp_path / "p.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["sequence", "label", "true", "p_bump", "p_dip", "p_wiggle"]
    assert len(rows) == 24
    again = runner.invoke(app, ["predict", str(tmp_path / "c.bundle"), str(test), "--out",
                                str(tmp_path / "again.csv")])
    assert again.exit_code == 0, again.output
    with open(tmp_path / "again.csv") as handle:
        assert list(csv.DictReader(handle)) == rows


def test_test_sequences_longer_than_the_training_ones_draw_one_warning(tmp_path):
    """The test set is encoded twice (scores, then predictions): one warning, not two, under
    Python's default filter (the CLI's)."""
    train = _wide(tmp_path / "train.csv", *shapes(8, seed=0, low=20, high=30))
    test = _wide(tmp_path / "test.csv", *shapes(4, seed=1, low=40, high=50))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        result = runner.invoke(app, ["classify", str(train), "--test", str(test), "--model",
                                     "rocket", "--predictions", str(tmp_path / "p.csv")])
    assert result.exit_code == 0, result.output
    cut = [w for w in caught if "sequences to classify are longer" in str(w.message)]
    assert len(cut) == 1 and "12 of the 12 sequences" in str(cut[0].message)


def test_classify_prints_the_model_and_the_confusion_table(tmp_path):
    train = _wide(tmp_path / "train.csv", *shapes(10, seed=2))
    result = runner.invoke(app, ["classify", str(train), "--test", str(train), "--model",
                                 "rocket"])
    assert result.exit_code == 0, result.output
    assert "model: rocket" in result.stdout and "true \\ predicted" in result.stdout
    assert "balanced accuracy" in result.stdout


@pytest.mark.parametrize("test_text,message", [
    ("label,t0,t1\nbump,1,2\n,3,4\n", "line 3: the label is missing"),
    # checked before training (it was after, the time budget spent)
    ("label,t0,t1\nbump,1,2\nsquare,3,4\n", "has label(s) 'square' that"),
])
def test_bad_test_files_are_clear_errors(tmp_path, test_text, message):
    train = _wide(tmp_path / "train.csv", *shapes(5, seed=2))
    (tmp_path / "test.csv").write_text(test_text)
    result = runner.invoke(app, ["classify", str(train), "--test", str(tmp_path / "test.csv"),
                                 "--model", "rocket"])
    assert result.exit_code != 0
    assert message in str(result.exception) + result.output
    assert "model:" not in result.output and "rocket:" not in result.output  # nothing trained


def _classify_with_test(tmp_path, classes, test_text):
    """`seqlab classify train.csv --test test.csv` on 8 training sequences labelled in turn
    by `classes`, and the test file `test_text`."""
    train = tmp_path / "train.csv"
    train.write_text("label,t0,t1,t2\n" + "".join(f"{classes[k % 2]},{k},{k % 3},{k % 2}\n"
                                                   for k in range(8)))
    (tmp_path / "test.csv").write_text(test_text)
    return runner.invoke(app, ["classify", str(train), "--test", str(tmp_path / "test.csv"),
                               "--model", "rocket"])


def test_test_labels_written_otherwise_than_trainings_are_named_as_such(tmp_path):
    # '01' in the test file against '1' in training got only "labels that train lacks".
    result = _classify_with_test(tmp_path, "12", "label,t0,t1,t2\n01,1,2,3\n2,3,2,1\n")
    assert result.exit_code != 0
    assert "has label(s) '01' that" in str(result.exception)
    assert "written otherwise: '01' is '1' there" in str(result.exception)


def test_classes_holding_a_comma_are_told_apart_in_the_test_files_unseen_label_error(
        tmp_path):
    # Classes 'a,b' and 'c' were listed "(its classes: a,b, c)": three classes, or two?
    result = _classify_with_test(tmp_path, ['"a,b"', "c"], "label,t0,t1,t2\nd,1,2,3\n")
    assert result.exit_code != 0
    assert "has label(s) 'd' that" in str(result.exception)
    assert "(its classes: 'a,b', 'c')" in str(result.exception)


def test_a_test_file_without_the_label_column_is_told_where_its_labels_were_read(tmp_path):
    # Its first step was read as its labels: "has label(s) '0.5', '1.5' that train.csv
    # lacks", as if the file held other classes, not that it holds none.
    result = _classify_with_test(tmp_path, "ab", "t0,t1,t2\n0.5,2,3\n1.5,2,1\n")
    assert isinstance(result.exception, ValidationError)
    assert re.search(r"Its labels were read from its column 't\d', but .*train\.csv's are "
                     r"in 'label': give --test labelled sequences", str(result.exception))


def test_predictions_onto_the_test_file_are_refused_and_the_file_kept(tmp_path):
    train = _wide(tmp_path / "train.csv", *shapes(8, seed=0))
    test = _wide(tmp_path / "test.csv", *shapes(4, seed=1))
    before = test.read_text()
    result = runner.invoke(app, ["classify", str(train), "--test", str(test), "--model",
                                 "rocket", "--predictions", str(test)])
    assert isinstance(result.exception, ValidationError)
    assert "is the input file" in str(result.exception)
    assert test.read_text() == before


def test_a_long_csvs_channels_are_named_in_the_output(tmp_path):
    # An id or a metadata column beside the values is read as one more channel: the output
    # says which columns were read as channels.
    sequences, labels = shapes(10, seed=3)
    rows = ["sample,time,value,subject,label"] + [
        f"{i},{k},{v:.4f},{i % 3},{label}" for i, (s, label) in
        enumerate(zip(sequences, labels, strict=True)) for k, v in enumerate(s[:, 0])]
    (tmp_path / "l.csv").write_text("\n".join(rows) + "\n")
    result = runner.invoke(app, ["classify", str(tmp_path / "l.csv"), "--model", "rocket"])
    assert result.exit_code == 0, result.output
    assert "2 channels (value, subject)" in result.stdout
    doc = runner.invoke(app, ["classify", str(tmp_path / "l.csv"), "--model", "rocket",
                              "--json"])
    assert json.loads(doc.stdout.strip().splitlines()[-1])["channels"] == ["value", "subject"]


def test_a_bundle_trained_with_the_label_last_by_number_predicts_new_data_with_or_without_it(
        tmp_path):
    # Trained with --label -1 on a headerless file, predict took the last value of
    # unlabelled new data for its label (and dropped it from the sequence).
    sequences, labels = shapes(8, seed=4, low=20, high=20)
    lines = [",".join(f"{v:.4f}" for v in s[:, 0]) + f",{label}"
             for s, label in zip(sequences, labels, strict=True)]
    (tmp_path / "train.csv").write_text("\n".join(lines) + "\n")
    (tmp_path / "new.csv").write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n")
    fitted = runner.invoke(app, ["classify", str(tmp_path / "train.csv"), "--label", "-1",
                                 "--model", "rocket", "--out", str(tmp_path / "b")])
    assert fitted.exit_code == 0, fitted.output
    for name, true in (("new.csv", [""] * len(lines)), ("train.csv", list(labels))):
        out = tmp_path / f"p-{name}"
        result = runner.invoke(app, ["predict", str(tmp_path / "b"), str(tmp_path / name),
                                     "--out", str(out)])
        assert result.exit_code == 0, result.output
        with open(out) as handle:
            rows = list(csv.DictReader(handle))
        assert [row.get("true", "") for row in rows] == true, name
    (tmp_path / "odd.csv").write_text("1,2,3\n4,5,6\n")
    odd = runner.invoke(app, ["predict", str(tmp_path / "b"), str(tmp_path / "odd.csv")])
    assert odd.exit_code != 0 and "where the training file had 21" in str(odd.exception)


def _quick_bundle(train, bundle):
    """Fit a classifier bundle on `train` as fast as the command allows (one rocket)."""
    fitted = runner.invoke(app, ["classify", str(train), "--model", "rocket", "--members", "1",
                                 "--time-budget", "5", "--out", str(bundle)])
    assert fitted.exit_code == 0, fitted.output
    return bundle


def _predicted(tmp_path, bundle, name, text):
    (tmp_path / name).write_text(text)
    result = runner.invoke(app, ["predict", str(bundle), str(tmp_path / name)])
    return result, list(csv.DictReader(result.stdout.splitlines()))


@pytest.mark.parametrize("header", [False, True])
def test_predict_reads_new_wide_data_in_the_training_files_layout(tmp_path, header):
    # Trained on 'label,t0..t15' (or the same rows without a header), predict read a new
    # file without a header as 17 steps (labels 0/1/2 its first), or 16 values without
    # labels as a label and 15 steps; a 'date,value' file was predicted on.
    sequences, labels = shapes(4, seed=5, low=16, high=16)
    labels = [str(("bump", "dip", "wiggle").index(tag)) for tag in labels]
    rows = [[tag] + [f"{v:.4f}" for v in s[:, 0]]
            for s, tag in zip(sequences, labels, strict=True)]
    head = "label," + ",".join(f"t{k}" for k in range(16)) + "\n" if header else ""
    (tmp_path / "train.csv").write_text(head + "".join(",".join(r) + "\n" for r in rows))
    bundle = _quick_bundle(tmp_path / "train.csv", tmp_path / "b")
    result, shown = _predicted(tmp_path, bundle, "new.csv",
                               "".join(",".join(r) + "\n" for r in rows))
    assert result.exit_code == 0 and [r["true"] for r in shown] == labels
    result, shown = _predicted(tmp_path, bundle, "plain.csv",
                               "".join(",".join(r[1:]) + "\n" for r in rows))
    assert result.exit_code == 0 and len(shown) == len(rows) and "true" not in shown[0]
    assert [r["label"] for r in shown] == [r["label"] for r in _predicted(
        tmp_path, bundle, "again.csv", "".join(",".join(r) + "\n" for r in rows))[1]]
    result, _ = _predicted(tmp_path, bundle, "dates.csv", "date,value\n2024-01-01,1\n"
                           "2024-01-02,2\n")
    assert result.exit_code != 0 and "2 columns where the training file had 17 (a label in " \
        "column 1 and 16 steps): give new data 17 columns" in str(result.exception)


def test_a_bundle_from_a_long_csv_predicts_new_data_without_its_label_column(tmp_path):
    # Trained on 'sequence,step,x,y,label', predict took the channel 'y' of unlabelled
    # 'sequence,step,x,y' for the labels ("sequence 's0' has several labels"; here, where
    # y holds one value per sequence, its labels): the bundle names the label column.
    sequences, labels = shapes(4, seed=6, low=14, high=14)
    rows = [(f"s{i}", k, v, i / 10, tag) for i, (s, tag) in
            enumerate(zip(sequences, labels, strict=True)) for k, v in enumerate(s[:, 0])]
    (tmp_path / "train.csv").write_text("sequence,step,x,y,label\n" + "".join(
        f"{name},{k},{x:.4f},{y:.4f},{tag}\n" for name, k, x, y, tag in rows))
    (tmp_path / "new.csv").write_text("sequence,step,x,y\n" + "".join(
        f"{name},{k},{x:.4f},{y:.4f}\n" for name, k, x, y, _ in rows))
    _quick_bundle(tmp_path / "train.csv", tmp_path / "b")
    result, shown = _predicted(tmp_path, tmp_path / "b", "new.csv",
                               (tmp_path / "new.csv").read_text())
    assert result.exit_code == 0, result.output
    assert [r["sequence"] for r in shown] == [f"s{i}" for i in range(len(labels))]
    assert "true" not in shown[0]


def test_a_bundle_from_a_ts_file_without_dimensions_predicts_on_it(tmp_path):
    # Without @dimensions (or @univariate), predict read each line's label as one more
    # channel ("its channels have different lengths (14, 14, 1)").
    sequences, labels = shapes(4, seed=7, low=14, high=14, channels=2)
    lines = [":".join(",".join(f"{v:.4f}" for v in s[:, c]) for c in range(2)) + f":{tag}"
             for s, tag in zip(sequences, labels, strict=True)]
    (tmp_path / "train.ts").write_text("@problemName shapes\n@classLabel true bump dip "
                                       "wiggle\n@data\n" + "\n".join(lines) + "\n")
    _quick_bundle(tmp_path / "train.ts", tmp_path / "b")
    result, shown = _predicted(tmp_path, tmp_path / "b", "same.ts",
                               (tmp_path / "train.ts").read_text())
    assert result.exit_code == 0, result.output
    assert [r["true"] for r in shown] == labels
    result, shown = _predicted(tmp_path, tmp_path / "b", "new.ts", "@data\n" + "\n".join(
        line.rsplit(":", 1)[0] for line in lines) + "\n")
    assert result.exit_code == 0 and len(shown) == len(lines) and "true" not in shown[0]


def test_long_csv_channels_of_other_names_than_trainings_are_refused(tmp_path):
    # 'sequence,step,a,b' beside training's 'sequence,step,x,y' was matched by position
    # without a word (names that partly agreed were refused): both headers name channels.
    sequences, labels = shapes(4, seed=6, low=14, high=14)
    rows = "".join(f"s{i},{k},{v:.4f},{i / 10:.4f},{tag}\n" for i, (s, tag) in
                   enumerate(zip(sequences, labels, strict=True)) for k, v in enumerate(s[:, 0]))
    (tmp_path / "train.csv").write_text("sequence,step,x,y,label\n" + rows)
    (tmp_path / "other.csv").write_text("sequence,step,a,b,label\n" + rows)
    message = r"other\.csv has channel\(s\) a, b where .* has x, y; give the channels it was " \
              r"trained on \(x, y\)"
    tested = runner.invoke(app, ["classify", str(tmp_path / "train.csv"), "--test",
                                 str(tmp_path / "other.csv"), "--model", "rocket"])
    assert isinstance(tested.exception, ValidationError)
    assert re.search(message, str(tested.exception))
    _quick_bundle(tmp_path / "train.csv", tmp_path / "b")
    result, _ = _predicted(tmp_path, tmp_path / "b", "other.csv",
                           (tmp_path / "other.csv").read_text())
    assert isinstance(result.exception, ValidationError)
    assert re.search(message, str(result.exception))
    # The same channels in another order are put in training's order
    (tmp_path / "swapped.csv").write_text("sequence,step,y,x,label\n" + "".join(
        ",".join([*cells[:2], cells[3], cells[2], cells[4]]) + "\n"
        for cells in (line.split(",") for line in rows.splitlines())))
    same, shown = _predicted(tmp_path, tmp_path / "b", "swapped.csv",
                             (tmp_path / "swapped.csv").read_text())
    kept, before = _predicted(tmp_path, tmp_path / "b", "train2.csv",
                              (tmp_path / "train.csv").read_text())
    assert same.exit_code == 0 and kept.exit_code == 0, same.output
    assert shown == before


AUTO_READER = {"format": "auto", "label": None, "fill": None, "label_column": None,
               "columns": None, "steps": None, "label_at": None, "channels": None}


def _text_classifier(bundle, model, reader=AUTO_READER):
    """Save a text classifier of `model` (one epoch on short reviews) at `bundle`, its
    reader recording how its data were read (by default, the format given as auto)."""
    from seqlab.classify import SequenceClassifier, save

    texts = ["great fun", "awful", "loved it", "so bad"] * 3
    fitted = SequenceClassifier(model, epochs=1, members=1).fit(
        texts, ["pos", "neg", "pos", "neg"] * 3)
    save(fitted, bundle, reader=reader)


def test_predict_with_a_text_classifier_reads_new_data_as_texts(tmp_path):
    # The bundle records the format given (auto), so new data were detected afresh:
    # 'review,stars' of short reviews was read as a wide CSV ("'5' ..." or "'great' is
    # not a number") though the classifier reads texts alone.
    _text_classifier(tmp_path / "b", "bilstm")
    result, shown = _predicted(tmp_path, tmp_path / "b", "new.csv",
                               "review,stars\ngreat,5\nawful,1\nso so,3\n")
    assert result.exit_code == 0, result.output
    assert [r["sequence"] for r in shown] == ["1", "2", "3"]
    assert shown[0]["label"] in ("pos", "neg") and "true" not in shown[0]


def test_word_tokens_on_a_numeric_file_are_refused_naming_it(tmp_path):
    # classify --tokens word on a wide CSV of numbers trained as if --tokens were not given.
    train = _wide(tmp_path / "train.csv", *shapes(4, seed=0, low=20, high=30))
    result = runner.invoke(app, ["classify", str(train), "--tokens", "word", "--model",
                                 "rocket", "--members", "1", "--out", str(tmp_path / "b")])
    assert result.exit_code != 0 and not (tmp_path / "b").exists()
    assert re.search(r"--tokens word splits texts, but .*train\.csv holds numeric sequences "
                     r"\(read as wide\); drop --tokens", str(result.exception))


def test_predict_with_a_text_classifier_names_the_characters_it_never_saw(tmp_path):
    # Characters unseen in training were read as the unknown token without a word.
    _text_classifier(tmp_path / "b", "gru", reader={"format": "text"})
    with pytest.warns(UserWarning, match=r"1 of the 2 texts to classify hold characters that "
                                         r"are not in the classifier's vocabulary of 17 .*: 2 "
                                         r"distinct, 2 in all: 'z', 'é'\. Each is read as the one "
                                         r"unknown token"):
        result, shown = _predicted(tmp_path, tmp_path / "b", "new.txt", "text\nzé\nso bad\n")
    assert result.exit_code == 0, result.output
    assert len(shown) == 2


def test_predict_refuses_new_values_far_beyond_the_training_data_naming_them(tmp_path):
    # A nearly constant training channel (scale 1e-11) and new values of 1e30: predict
    # wrote labels and probabilities of 1.0 computed from infinities, with only numpy's
    # "overflow encountered in cast" as a hint.
    rng = np.random.default_rng(0)
    rows = ["label," + ",".join(f"t{k}" for k in range(8))]
    rows += [f"{'ab'[i % 2]}," + ",".join(repr(float(1.0 + v)) for v in rng.normal(0, 1e-11, 8))
             for i in range(12)]
    train = tmp_path / "train.csv"
    train.write_text("\n".join(rows) + "\n")
    bundle = _quick_bundle(train, tmp_path / "b")
    new = "t0,t1,t2,t3,t4,t5,t6,t7\n" + "1,1,1,1,1,1,1,1\n" + "1e30,1,1,1,1,1,1,1\n" * 2
    result, shown = _predicted(tmp_path, bundle, "new.csv", new)
    assert result.exit_code != 0 and not shown
    assert re.match(r".*new\.csv: sequence\(s\) 2, 3 \(line\(s\) 3, 4\): sequence 2 has 1e\+30 "
                    r"at step 1, channel 1: .* standard deviations from the mean the classifier "
                    r"was fitted on .*\. Leave them out, or train on data that covers such "
                    r"values\.$", str(result.exception))


def test_bad_options_are_refused_before_the_files_are_read(tmp_path):
    # --members 0 was refused only after the training and test files were read (minutes
    # for a large file), and a file's error hid it.
    (tmp_path / "train.csv").write_text("label,t0\nup,x\n")
    result = runner.invoke(app, ["classify", str(tmp_path / "train.csv"), "--members", "0"])
    assert result.exit_code != 0
    assert re.match(r"The 'members' parameter of SequenceClassifier must be an int in the "
                    r"range \[1, 20\]\. Got 0 instead\.$", str(result.exception))


def test_a_missing_value_at_predict_is_not_met_with_advice_to_give_fill(tmp_path):
    # predict has no --fill, but its error said "Fill them with --fill ffill/zero/mean";
    # a bundle trained with --fill fills new data as training did.
    train = _wide(tmp_path / "train.csv", *shapes(4, seed=0, low=20, high=20))
    new = ",".join(f"t{k}" for k in range(20)) + "\n" + "1," * 19 + "?\n" + "1," * 19 + "1\n"
    result, _ = _predicted(tmp_path, _quick_bundle(train, tmp_path / "b"), "new.csv", new)
    assert result.exit_code != 0
    assert re.search(r"has a missing or non-finite value at step 20, channel 1 \(1 sequence\(s\) "
                     r"have some\)\. Fill them in the file: .*b was trained without --fill, so "
                     r"predict does not fill them \(a classifier trained with classify --fill "
                     r"ffill/zero/mean does\)\.$", str(result.exception))
    filled = runner.invoke(app, ["classify", str(train), "--model", "rocket", "--members", "1",
                                 "--fill", "ffill", "--out", str(tmp_path / "f")])
    assert filled.exit_code == 0, filled.output
    result, shown = _predicted(tmp_path, tmp_path / "f", "new.csv", new)
    assert result.exit_code == 0 and len(shown) == 2


def test_fill_mean_fills_new_and_test_data_with_the_training_means(tmp_path, monkeypatch):
    # A bundle trained with --fill mean filled new data with the new file's means: a
    # sequence's values (and prediction) hung on the other sequences beside it.
    from seqlab.classify import SequenceClassifier

    sequences, labels = shapes(4, seed=0, low=20, high=20)
    train = _wide(tmp_path / "train.csv", sequences, labels)
    fitted = runner.invoke(app, ["classify", str(train), "--model", "rocket", "--members", "1",
                                 "--fill", "mean", "--out", str(tmp_path / "b")])
    assert fitted.exit_code == 0, fitted.output
    mean = float(np.concatenate(sequences).mean())
    seen = []
    real = SequenceClassifier.predict_proba
    monkeypatch.setattr(SequenceClassifier, "predict_proba",
                        lambda self, x: seen.append(x) or real(self, x))
    gap = ",".join(f"t{k}" for k in range(20)) + "\n" + "1," * 19 + "?\n"
    for beside in ("", "50," * 19 + "50\n"):
        result, shown = _predicted(tmp_path, tmp_path / "b", "new.csv", gap + beside)
        assert result.exit_code == 0, result.output
        assert seen[-1][0][-1, 0] == pytest.approx(mean, abs=1e-3)  # not 1, nor 25.5
    # ... and so does --test
    test = tmp_path / "test.csv"
    test.write_text("label," + ",".join(f"t{k}" for k in range(20)) + "\n"
                    + "".join(f"{tag}," + "1," * 19 + "?\n" for tag in ("bump", "dip")))
    result = runner.invoke(app, ["classify", str(train), "--test", str(test), "--model",
                                 "rocket", "--members", "1", "--fill", "mean"])
    assert result.exit_code == 0, result.output
    assert seen[-1][0][-1, 0] == pytest.approx(mean, abs=1e-3)


def test_predict_names_true_labels_the_classifier_was_not_trained_on(tmp_path):
    # New data whose label column held a class never trained on were predicted without a
    # word: the 'true' column then disagreed with every prediction on them, unexplained.
    sequences, labels = shapes(6, seed=5, low=16, high=16)
    train = _wide(tmp_path / "train.csv", sequences, labels)
    bundle = _quick_bundle(train, tmp_path / "b")
    _wide(tmp_path / "new.csv", sequences[:4], ["bump", "square", "square", "circle"])
    result = runner.invoke(app, ["predict", str(bundle), str(tmp_path / "new.csv")])
    assert result.exit_code == 0, result.output
    assert "3 of its 4 sequences have a true label the classifier was not trained on: " \
        "'square' (2 time(s)), 'circle' (1 time(s))" in " ".join(result.stderr.split())
    shown = list(csv.DictReader(result.stdout.splitlines()))
    assert [r["true"] for r in shown] == ["bump", "square", "square", "circle"]
    clean = runner.invoke(app, ["predict", str(bundle), str(train)])
    assert clean.exit_code == 0 and "not trained on" not in clean.stderr


def test_unknown_labels_name_a_class_written_another_way():
    from seqlab.classify.readers import LabelledSequences
    from seqlab.cli.cmd_classify import unknown_labels

    data = LabelledSequences(["a", "b", "c"], ["01", "2", "01"], "new.csv", "text")
    line = unknown_labels(["1", "2"], data)
    assert "2 of its 3 sequences" in line and "'01' (2 time(s), written '1' in training)" in line
    assert unknown_labels(["01", "2"], data) is None
    # '--1' is no number (int() refuses it): named as written, not a crash
    signs = LabelledSequences(["a", "b"], ["--1", "+-2"], "new.csv", "text")
    assert "'--1' (1 time(s))" in unknown_labels(["1", "-2"], signs)
    # The classes in the classifier's order: -1, 2, 10 were listed as text sorts, -1, 10, 2.
    assert "It predicts only its classes (-1, 2, 10)" in unknown_labels([-1, 2, 10], data)
    # Classes 'a,b' and 'c' were listed "(a,b, c)": three classes, or two?
    assert "It predicts only its classes ('a,b', 'c')" in unknown_labels(["a,b", "c"], data)


def test_new_data_with_some_labels_left_blank_is_not_told_they_are_unknown_classes():
    # "1 of its 3 sequences have a true label the classifier was not trained on: ''": a
    # label left blank (or '?', NA) in data to predict on is no class at all.
    from seqlab.classify.readers import LabelledSequences
    from seqlab.cli.cmd_classify import unknown_labels

    data = LabelledSequences(["a", "b", "c", "d"], ["x", "", "?", "NA"], "new.csv", "text")
    assert unknown_labels(["x", "y"], data) is None
    data.labels = ["z", "", "x", "z"]
    assert "2 of its 4 sequences have a true label the classifier was not trained on: " \
        "'z' (2 time(s))." in unknown_labels(["x", "y"], data)


def test_predict_on_a_text_csv_keeps_its_id_column(tmp_path):
    # The rows of 'id,text,label' were named 1, 2, 3 in the predictions: the ids given
    # were lost, as a long CSV's sequence names are not.
    _text_classifier(tmp_path / "b", "gru")
    result, shown = _predicted(tmp_path, tmp_path / "b", "new.csv",
                               "id,text,label\nr7,great fun,pos\nr3,awful,neg\nr9,so bad,neg\n")
    assert result.exit_code == 0, result.output
    assert [r["sequence"] for r in shown] == ["r7", "r3", "r9"]
    assert [r["true"] for r in shown] == ["pos", "neg", "neg"]


def test_a_test_file_far_beyond_the_training_data_is_refused_before_training(tmp_path):
    # classify --test checked the test values against the training data's scale only
    # after training (the time budget spent); that scale is the training data's own.
    rng = np.random.default_rng(0)
    rows = ["label," + ",".join(f"t{k}" for k in range(8))]
    rows += [f"{'ab'[i % 2]}," + ",".join(repr(float(1.0 + v)) for v in rng.normal(0, 1e-11, 8))
             for i in range(12)]
    (tmp_path / "train.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "test.csv").write_text("label,t0,t1,t2,t3,t4,t5,t6,t7\na,1,1,1,1,1,1,1,1\n"
                                       "b,1e30,1,1,1,1,1,1,1\n")
    result = runner.invoke(app, ["classify", str(tmp_path / "train.csv"), "--test",
                                 str(tmp_path / "test.csv"), "--model", "rocket"])
    assert result.exit_code != 0
    assert re.match(r".*test\.csv: sequence\(s\) 2 \(line\(s\) 3\): sequence 2 has 1e\+30 at "
                    r"step 1, channel 1: .* standard deviations from the mean", str(
                        result.exception))
    assert "model:" not in result.output and "rocket:" not in result.output  # nothing trained


def test_predict_reads_longer_sequences_of_a_wider_file_with_a_header(tmp_path):
    # A wide file of longer sequences than training's was refused ("23 columns where the
    # training file had 17"), though the classifier reads any length (truncating, with a
    # warning, as it does long CSVs' sequences).
    sequences, labels = shapes(4, seed=5, low=16, high=16)
    bundle = _quick_bundle(_wide(tmp_path / "train.csv", sequences, labels), tmp_path / "b")
    longer, tags = shapes(1, seed=6, low=22, high=22)
    _wide(tmp_path / "new.csv", longer, tags)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = runner.invoke(app, ["predict", str(bundle), str(tmp_path / "new.csv")])
        assert result.exit_code == 0, result.output
        shown = list(csv.DictReader(result.stdout.splitlines()))
        assert [r["true"] for r in shown] == tags
        assert any("3 of the 3 sequences to classify are longer" in str(w.message)
                   for w in caught)  # the steps cut are said
        result, shown = _predicted(tmp_path, bundle, "plain.csv", "\n".join(
            [",".join(f"t{k}" for k in range(22))]
            + [",".join(f"{v:.4f}" for v in s[:, 0]) for s in longer]) + "\n")
        assert result.exit_code == 0 and len(shown) == 3 and "true" not in shown[0]
    # without a header the file cannot say whether its first column is the labels
    result, _ = _predicted(tmp_path, bundle, "bare.csv", "".join(
        ",".join(f"{v:.4f}" for v in s[:, 0]) + "\n" for s in longer))
    assert result.exit_code != 0
    assert "has 22 columns where the training file had 17 (a label in column 1 and 16 " \
        "steps): without a header" in str(result.exception)
    assert "a first line naming the columns, the label column as 'label'" in str(
        result.exception)


def test_predict_tells_how_it_read_the_new_file_as_classify_does(tmp_path):
    # classify printed its reader's notes (a file separated by semicolons, with decimal
    # commas, say) but predict on a classifier bundle printed none of them for NEW.
    train = _wide(tmp_path / "train.csv", *shapes(4, seed=0, low=16, high=16))
    bundle = _quick_bundle(train, tmp_path / "b")
    new = ";".join(f"t{k}" for k in range(16)) + "\n" + ";".join(["0,5"] * 16) + "\n"
    result, shown = _predicted(tmp_path, bundle, "new.csv", new)
    assert result.exit_code == 0, result.output
    assert len(shown) == 1  # the note on stderr, the predictions alone on stdout
    assert "note: new.csv: read as separated by semicolons with decimal commas" in result.stderr


def test_a_test_file_naming_the_training_steps_in_another_order_is_read_by_name(tmp_path):
    # --test read a header 't5 ... t0' (training's t0 ... t5) in the file's order: every
    # test sequence reversed, rising ones scored as falling ones.
    rng = np.random.default_rng(0)
    rows = [[tag] + [f"{k * (1 if tag == 'up' else -1) + rng.normal(0, 0.1):.3f}"
                     for k in range(6)] for tag in ("up", "down") * 6]
    names = [f"t{k}" for k in range(6)]
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    train.write_text("\n".join(",".join(r) for r in [["label", *names], *rows]) + "\n")
    test.write_text("\n".join(",".join([r[0], *r[:0:-1]]) for r in [["label", *names], *rows])
                    + "\n")
    result = runner.invoke(app, ["classify", str(train), "--test", str(test), "--model",
                                 "rocket", "--members", "1", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["metrics"]["accuracy"] == 1.0
    assert "note: test.csv: its header names the training file's steps in another order" \
        in result.stderr


def test_a_bundle_given_as_the_model_to_train_is_named_as_what_it_is(tmp_path, capsys):
    # classify --model BUNDLE (as forecast --model takes one) said "Unknown 'model' of
    # SequenceClassifier 'm'", with no word of bundles nor of the command that uses one.
    from seqlab.bundle import save
    from seqlab.cli.app import run_cli
    from seqlab.models import ModelSpec, build

    save(build(ModelSpec(1, 1, units=[2])), tmp_path / "m")
    train = _wide(tmp_path / "train.csv", *shapes(4, seed=0, low=30, high=40))
    assert run_cli(["classify", str(train), "--model", str(tmp_path / "m")]) == 2
    said = " ".join(capsys.readouterr().err.split())
    assert re.search(r"--model names the models to choose among \(auto, rocket, .*\), not a "
                     r"bundle: .*m is a model bundle \(written by seqlab train .*\)\. To "
                     r"classify new data with a saved classifier bundle, run seqlab predict "
                     r"BUNDLE NEW\.", said), said
