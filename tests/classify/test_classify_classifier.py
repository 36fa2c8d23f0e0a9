"""SequenceClassifier learns from variable-length sequences, chooses by validation, scores,
and saves to JSON + safetensors that reload to the same predictions."""

import re
import warnings

import numpy as np
import pytest
import torch
from classify_sequences import shapes

from seqlab.classify import SequenceClassifier
from seqlab.classify.persist import load, save
from seqlab.errors import BundleError, NotFittedError, UnknownNameError, ValidationError


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_kernels_learn_a_shape_placed_anywhere(seed):
    x, y = shapes(30, seed=seed)
    x_test, y_test = shapes(30, seed=100 + seed)
    model = SequenceClassifier("rocket", seed=seed, features=2000, members=1).fit(x, y)
    assert model.model_ == "rocket"
    assert model.score(x_test, y_test) >= 0.9  # chance is 1/3


@pytest.mark.parametrize("seed", [0, 1])
def test_lstm_fcn_learns_the_shapes_too(seed):
    x, y = shapes(20, seed=seed, low=24, high=36)
    x_test, y_test = shapes(20, seed=7 + seed, low=24, high=36)
    model = SequenceClassifier("lstm-fcn", seed=seed, time_budget=300, epochs=12,
                               patience=5, members=1).fit(x, y)
    assert model.score(x_test, y_test) >= 0.8  # 1.0 on seeds 0-2 when written


def test_auto_names_its_choice_and_records_every_score():
    x, y = shapes(20, seed=3)
    lines = []
    model = SequenceClassifier(seed=0, features=2000, time_budget=5, log=lines.append).fit(x, y)
    assert model.model_ in model.validation_scores_
    assert model.validation_scores_[model.model_] == max(model.validation_scores_.values())
    assert any(line.startswith("chosen: " + model.model_) for line in lines)
    assert any("max length 80" in line for line in lines)


def test_probabilities_report_and_integer_labels():
    x, y = shapes(15, seed=4)
    codes = {"bump": 3, "dip": 10, "wiggle": 7}
    labels = [codes[v] for v in y]
    model = SequenceClassifier("rocket", features=1000, members=1).fit(x, labels)
    assert model.classes_.tolist() == [3, 7, 10]
    proba = model.predict_proba(x[:5])
    assert proba.shape == (5, 3) and np.allclose(proba.sum(1), 1, atol=1e-5)
    assert set(model.predict(x).tolist()) <= {3, 7, 10}
    report = model.report(x, labels)
    assert report.confusion and sum(map(sum, report.confusion)) == len(x)
    assert 0 <= report.balanced_accuracy <= 1 and set(report.recall) == {"3", "7", "10"}
    with pytest.raises(ValidationError, match=r"Label\(s\) '4' were not in the training data"):
        model.report(x[:2], [3, 4])


def test_unfitted_and_bad_parameters():
    with pytest.raises(NotFittedError, match="call `fit"):
        SequenceClassifier().predict([np.zeros((3, 1))])
    x, y = shapes(5, seed=0)
    with pytest.raises(ValidationError, match="'validation' parameter"):
        SequenceClassifier(validation=0.9).fit(x, y)
    with pytest.raises(ValidationError, match="Unknown 'model'"):
        SequenceClassifier("transformer").fit(x, y)


def test_classes_holding_a_comma_are_told_apart_in_the_unseen_label_error():
    # Classes 'a,b' and 'c' were listed "(classes: a,b, c)": three classes, or two?
    x, y = shapes(4, seed=0)
    labels = ["a,b" if v == "bump" else "c" for v in y]
    model = SequenceClassifier("rocket", features=1000, members=1).fit(x, labels)
    with pytest.raises(ValidationError, match=r"Label\(s\) 'd' were not in the training "
                                              r"data \(classes: 'a,b', 'c'\); "):
        model.report(x[:2], ["c", "d"])


def test_a_model_named_twice_is_refused():
    # 'rocket,rocket' fitted rocket twice and listed it once among the scores.
    x, y = shapes(3, seed=0)
    with pytest.raises(ValidationError, match=r"'model' parameter of SequenceClassifier names "
                                              r"'rocket' more than once; give each candidate "
                                              r"once \(got \['rocket', 'gru', 'rocket'\]\)\.$"):
        SequenceClassifier("rocket, gru,rocket").fit(x, y)


@pytest.mark.parametrize("model", ["LSTM", "rocket, Lstm-FCN"])
def test_a_capitalised_model_name_suggests_the_lower_case_one(model):
    # 'LSTM' said "Unknown 'model' ... 'LSTM'" and suggested nothing: names are lower case.
    wrong = model.split(", ")[-1]
    with pytest.raises(UnknownNameError, match=rf"Unknown 'model' of SequenceClassifier "
                                               rf"'{wrong}' \(names are lower case: "
                                               rf"'{wrong.lower()}'\)\. Valid names: auto,"):
        SequenceClassifier(model).check_params()


@pytest.mark.parametrize("model", ["rocket,", ", gru", "rocket,,gru", ["rocket", ""]])
def test_an_empty_model_name_in_a_list_is_refused_as_such(model):
    # 'rocket,' said "Unknown 'model' of SequenceClassifier ''", naming no model.
    with pytest.raises(ValidationError, match=rf"The 'model' parameter of SequenceClassifier "
                                              rf"must list model names separated by commas, "
                                              rf"none empty; got {re.escape(repr(model))}\. "
                                              r"Models: auto, rocket"):
        SequenceClassifier(model).check_params()


def test_word_tokens_on_numeric_sequences_are_refused():
    # tokens="word" split nothing on numbers and was silently ignored.
    x, y = shapes(3, seed=0)
    with pytest.raises(ValidationError, match=r"'tokens' parameter of SequenceClassifier is "
                                              r"'word', but `X` holds numeric sequences"):
        SequenceClassifier("rocket", tokens="word").fit(x, y)


@pytest.mark.parametrize("model", ["rocket", "gru"])
def test_saved_classifier_reloads_to_the_same_probabilities(tmp_path, model):
    x, y = shapes(10, seed=5, low=20, high=40)
    fitted = SequenceClassifier(model, features=1000, epochs=3, members=2,
                                time_budget=300).fit(x, y)
    assert len(fitted.members_) == 2  # a seed ensemble of two, averaged
    alone = fitted._network_proba(fitted.members_[0], fitted._encode(
        "values", x, "X")[0]) if model == "gru" else None
    save(fitted, tmp_path / "c.bundle", reader={"format": "wide"})
    loaded = load(tmp_path / "c.bundle")
    np.testing.assert_allclose(loaded.predict_proba(x), fitted.predict_proba(x), atol=1e-6)
    assert loaded.model_ == model and loaded.reader_ == {"format": "wide"}
    assert len(loaded.members_) == 2
    if alone is not None:
        assert not np.allclose(alone, fitted.predict_proba(x), atol=1e-4)
    next((tmp_path / "c.bundle").rglob("classifier.json")).write_text('{"format": "other"}')
    with pytest.raises(BundleError, match="not a seqlab classifier document"):
        load(tmp_path / "c.bundle")


def test_save_refuses_to_replace_a_folder_that_is_not_a_classifier(tmp_path):
    x, y = shapes(5, seed=0)
    fitted = SequenceClassifier("rocket", features=500, members=1).fit(x, y)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(BundleError, match="not a classifier bundle"):
        save(fitted, tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_a_version_folder_of_a_classifier_bundle_loads_and_is_never_written_into(tmp_path):
    x, y = shapes(5, seed=0)
    fitted = SequenceClassifier("rocket", features=500, members=1).fit(x, y)
    save(fitted, tmp_path / "c")
    version = next(p for p in (tmp_path / "c").iterdir() if p.name.startswith("v-"))
    np.testing.assert_allclose(load(version).predict_proba(x), fitted.predict_proba(x),
                               atol=1e-6)
    with pytest.raises(BundleError, match=r"is a version folder inside the bundle .*c; a save "
                                          r"adds its own version"):
        save(fitted, version)


def test_a_version_folder_named_from_inside_it_is_never_written_into(tmp_path, monkeypatch):
    # '.' in BUNDLE/v-... passed the check (its name is no version's) and the save, after
    # the fit, failed as 'a folder that is not a seqlab bundle store'.
    x, y = shapes(5, seed=0)
    fitted = SequenceClassifier("rocket", features=500, members=1).fit(x, y)
    save(fitted, tmp_path / "c")
    version = next(p for p in (tmp_path / "c").iterdir() if p.name.startswith("v-"))
    monkeypatch.chdir(version)
    for inside in (".", f"../{version.name}"):
        with pytest.raises(BundleError, match=rf"The bundle path {re.escape(inside)} is a "
                                              r"version folder inside the bundle .*c; a save"):
            save(fitted, inside)
    assert sorted(p.name for p in version.iterdir()) == ["classifier.json",
                                                          "weights.safetensors"]


def test_text_classification_by_characters():
    rng = np.random.default_rng(0)
    good = ["great", "lovely", "fine", "superb", "nice"]
    bad = ["awful", "dreadful", "poor", "terrible", "bleak"]
    texts, labels = [], []
    for _ in range(40):
        kind = rng.integers(2)
        texts.append(" ".join(rng.choice(good if kind else bad, size=rng.integers(1, 4))))
        labels.append("pos" if kind else "neg")
    model = SequenceClassifier("bilstm", tokens="word", epochs=30, time_budget=300,
                               members=1).fit(
        texts[:30], labels[:30])
    assert model.score(texts[30:], labels[30:]) >= 0.8


def test_characters_never_seen_in_training_are_named_in_a_warning():
    # A text of characters the classifier never saw was read as unknown tokens in silence.
    texts = ["great fun", "awful", "loved it", "so bad"] * 3
    fitted = SequenceClassifier("gru", epochs=1, members=1).fit(
        texts, ["pos", "neg", "pos", "neg"] * 3)
    with pytest.warns(UserWarning, match=r"^1 of the 3 texts to classify hold characters that "
                                         r"are not in the classifier's vocabulary of 17 \(those "
                                         r"of its training texts\): 3 distinct, 4 in all: 'ü' "
                                         r"\(2 times\), 'p', '♥'\. Each is read as the one "
                                         r"unknown token"):
        assert fitted.predict_proba(["süp ♥ü", "so bad", "great"]).shape == (3, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fitted.predict_proba(["so bad", "great fun"])  # all known: no warning


def test_candidates_due_after_the_time_budget_are_skipped():
    x, y = shapes(8, seed=1)
    lines = []
    model = SequenceClassifier("rocket,gru", features=500, time_budget=0,
                               log=lines.append).fit(x, y)
    assert model.model_ == "rocket" and list(model.validation_scores_) == ["rocket"]
    assert "gru: skipped (time budget of 0 s spent)" in lines


def test_sequences_longer_than_any_fitted_one_are_cut_with_a_warning():
    """They used to lose their last steps without a word; a max_length the user chose cuts
    as asked, silently."""
    x, y = shapes(10, seed=4, low=20, high=30)
    model = SequenceClassifier("rocket", seed=0, features=500, members=1).fit(x, y)
    longer, _ = shapes(3, seed=5, low=40, high=50)
    steps = model.max_length_
    assert steps == max(len(s) for s in x)
    with pytest.warns(UserWarning, match=rf"9 of the 9 sequences to classify are longer than the "
                                         rf"longest the classifier was fitted on \({steps} "
                                         rf"steps\); only their first {steps}"):
        model.predict(longer)
    model.predict(x)  # no longer than fitted: no warning (warnings are errors here)
    chosen = SequenceClassifier("rocket", seed=0, features=500, members=1,
                                max_length=25).fit(x, y)
    chosen.predict(longer)


@pytest.mark.parametrize("classes", [["1", "01", "2"], ["a-rather-long-class-name", "b"]])
def test_the_confusion_table_keeps_its_columns_under_their_headers(classes):
    import re

    from seqlab.classify.metrics import classification_report

    true = [c for c in classes for _ in range(3)]
    predicted = true[1:] + true[:1]
    header, *rows = classification_report(true, predicted, classes).table().splitlines()

    def right_edges(line: str, skip: int) -> list[int]:
        return [m.end() for m in re.finditer(r"\S+", line)][skip:]

    assert [row.split()[0] for row in rows] == classes
    for row in rows:  # each count and score ends where its column's name ends
        assert right_edges(row, 1) == right_edges(header, 3)  # after "true \ predicted"


def test_macro_f1_is_scikit_learns_with_a_class_absent_from_the_truth_or_the_predictions():
    # A class predicted but absent from the true labels was left out of the mean: 0.833
    # where scikit-learn's f1_score(average='macro') gives 5/9 (that class scores 0).
    from seqlab.classify.metrics import classification_report

    report = classification_report(list("aabb"), list("acbb"), ["a", "b", "c"])
    assert report.macro_f1 == pytest.approx((2 / 3 + 1 + 0) / 3)
    # a class absent from the predictions scores 0; one absent from both is no part of it
    report = classification_report(list("aabc"), list("aaaa"), ["a", "b", "c", "d"])
    assert report.macro_f1 == pytest.approx((2 / 3 + 0 + 0) / 3)
    assert report.balanced_accuracy == pytest.approx(1 / 3)  # over the true classes only


def test_the_confusion_plot_draws_labels_with_dollar_signs_as_written(tmp_path, monkeypatch):
    # '$' started matplotlib's math: '$\\frac$' failed with "unexpected ValueError ... a bug
    # in seqlab", and '$5-$10' was drawn as the math '5-'.
    import matplotlib.pyplot as plt

    from seqlab.classify import classification_report, plot_confusion

    drawn = []
    monkeypatch.setattr(plt, "close", drawn.append)
    classes = ["$\\frac$", "$5-$10", "cheap"]
    report = classification_report(classes, classes, classes)
    plot_confusion(report, tmp_path / "cm.png", title="$x$.csv: rocket")
    assert (tmp_path / "cm.png").read_bytes()[:4] == b"\x89PNG"
    axes = drawn[0].axes[0]
    for ticks in (axes.get_xticklabels(), axes.get_yticklabels()):
        assert [t.get_text() for t in ticks] == classes
        assert not any(t.get_parse_math() for t in ticks)
    assert not axes.title.get_parse_math() and axes.get_title() == "$x$.csv: rocket"


def test_the_confusion_table_shows_undefined_scores_as_a_dash_not_zero():
    # A class absent from the test labels and never predicted showed precision 0.000 and
    # recall 0.000, as if every such sequence had been missed.
    from seqlab.classify.metrics import classification_report

    table = classification_report(["up", "down", "down"], ["up", "down", "up"],
                                  ["down", "flat", "up"]).table()
    assert table.splitlines()[1:] == [
        "down                     1        0        1      1.000   0.500        2",
        "flat                     0        0        0          -       -        0",
        "up                       0        0        1      0.500   1.000        1"]


@pytest.mark.parametrize("change, message", [
    (lambda doc: doc["classes"].append("extra"), r"'classes' lists 3 classes, but the weights "
     r"of member 0 score 2"),
    (lambda doc: doc.update(max_length=0), r"'max_length' is 0; expected a whole number"),
    (lambda doc: doc.update(scale=[0.0]), r"'scale' finite numbers above 0"),
    # Each loaded as finite and predicted with overflow warnings, confidently wrong.
    (lambda doc: doc.update(mean=[1e300]), r"classifier\.json: 'mean' holds 1e\+300, beyond "
     r"what float32 holds"),
    (lambda doc: doc.update(scale=[1e-300]), r"classifier\.json: 'scale' holds 1e-300; a fit "
     r"keeps every scale above 1e-12 and within what float32 holds"),
    (lambda doc: doc.update(scale=[1e300]), r"'scale' holds 1e\+300"),
    # An edited reader was blamed on a `format` option the user never gave (at predict),
    # and inspect showed it.
    (lambda doc: doc["reader"].update(format="pickle"), r"classifier\.json: 'reader' field "
     r"'format' is 'pickle'; expected one of auto, ts, arff, wide, long for a classifier of values"),
    (lambda doc: doc["reader"].update(format="text"), r"'format' is 'text'; expected one of "),
    (lambda doc: doc["reader"].update(layout="auto"), r"'layout' is 'auto'; expected one of "
     r"ts, arff, wide, long"),
    (lambda doc: doc["reader"].update(fill="bfill"), r"'fill' is 'bfill'; expected one of "
     r"ffill, zero, mean or null"),
    (lambda doc: doc["reader"].update(columns=True), r"'columns' is True; expected a whole "
     r"number or null"),
    (lambda doc: doc["reader"].update(label_at=0), r"'label_at' is 0; expected a whole "
     r"number, 1 or more"),
    (lambda doc: doc["reader"].update(channels=[1]), r"'channels' is \[1\]; expected a list "
     r"of names"),
    (lambda doc: doc.update(fit_seconds=-1), r"'fit_seconds' is -1; expected a number"),
    (lambda doc: doc.update(classes=["bump", "bump"]), r"'classes' names a class twice"),
    (lambda doc: doc.update(classes=["bump", 1]), r"'classes' must list .* all of one kind"),
    (lambda doc: doc.update(validation_accuracy={"rocket": "abc"}),
     r"'validation_accuracy' must map models to accuracies"),
    (lambda doc: doc.update(fit_seconds="1.5"), r"'fit_seconds' is '1.5'; expected a number"),
    # A setting no fit writes was a ValidationError naming a parameter, not the bundle.
    (lambda doc: doc["params"].update(units=0), r"classifier\.json: 'params' holds a setting "
     r"no fit writes \(The 'units' parameter of SequenceClassifier must be an int"),
    (lambda doc: doc["params"].update(tokens="byte"), r"classifier\.json: 'params' holds .*"
     r"Unknown 'tokens' of SequenceClassifier 'byte'"),
    # Each of these loaded: the dilations then failed at predict as 'unexpected
    # RuntimeError' (1e9 tried to allocate 16 TB), 2.7 was read as 2 and "12" as [1, 2].
    (lambda doc: doc["members"][0]["kernels"].update(dilations=[[1, 10**9], [1, 2]]),
     r"random kernels of member 0 have dilations \[1, 1000000000\].* from 1 to 2 "),
    (lambda doc: doc["members"][0]["kernels"].update(dilations=[[0, 2], [1, 2]]),
     r"random kernels of member 0 have dilations \[0, 2\]"),
    (lambda doc: doc["members"][0]["kernels"].update(dilations=[[1, 2.7], [1, 2]]),
     r"view 0's dilations are \[1, 2.7\], not a list of whole numbers"),
    (lambda doc: doc["members"][0]["kernels"].update(dilations="12"),
     r"view 0's dilations are '1', not a list"),
    (lambda doc: doc["members"][0]["kernels"].update(dilations=[[1, 2]]),
     r"random kernels of member 0 read 1 channels in 1 views, where the classifier reads 1 "
     r"in 2"),
    (lambda doc: doc.update(max_length=3), r"have dilations .* from 1 to 1 "),
    (lambda doc: doc.update(channels=2, mean=[0, 0], scale=[1, 1]), r"read 1 channels"),
    # 1e-300 gave NaN probabilities, every sequence the first class; "0.01" was read.
    (lambda doc: doc["members"][0]["ridge"].update(temperature=1e-300),
     r"ridge temperature of member 0 is 1e-300; a fit chooses one from 0.001 to 1000"),
    (lambda doc: doc["members"][0]["ridge"].update(temperature="0.01"),
     r"the ridge temperature is '0.01', not a number"),
    # Loaded: predict then read new files by the place of their channels, not these names.
    (lambda doc: doc["reader"].update(channels=["x", "y"]), r"'reader' field 'channels' "
     r"names 2 channel\(s\) \['x', 'y'\], but 'channels' is 1; expected one name per channel"),
    # 1.0 and true loaded as 1 (a kernels' channel count of True was described as such).
    (lambda doc: doc["members"][0]["kernels"].update(channels=1.0), r"member 0's 'kernels' "
     r"field 'channels' is 1\.0; expected a whole number, 1 or more"),
    (lambda doc: doc["members"][0]["ridge"].update(seed=True), r"member 0's 'ridge' field "
     r"'seed' is True; expected a whole number, 0 or more"),
    # Keys no fit writes loaded as if they were not there (model bundles and forecasting
    # bundles refuse them).
    (lambda doc: doc.update(threshold=0.9), r"the document holds unknown key\(s\) "
     r"\['threshold'\]; expected only format, format_version"),
    (lambda doc: doc["reader"].update(sep=";"), r"'reader' holds unknown key\(s\) \['sep'\]"),
    (lambda doc: doc["members"][0].update(weight=2), r"member 0 holds unknown key\(s\) "
     r"\['weight'\]; expected only kernels, ridge"),
    (lambda doc: doc["members"][0]["ridge"].update(bias=1), r"member 0's 'ridge' holds "
     r"unknown key\(s\) \['bias'\]"),
])
def test_a_classifier_document_that_disagrees_with_its_weights_is_refused(tmp_path, change,
                                                                         message):
    # Three class names for a two-class ridge wrote malformed predictions; a max_length or
    # a scale of 0 was accepted.

    x, y = shapes(4, seed=1, low=16, high=20)
    keep = [i for i, tag in enumerate(y) if tag != "wiggle"]
    fitted = SequenceClassifier("rocket", features=500, members=1).fit(
        [x[i] for i in keep], [y[i] for i in keep])
    _refused_once_changed(fitted, tmp_path / "c", change, message)


def _refused_once_changed(fitted, path, change, message):
    """Save `fitted` at `path`, check it loads, `change` its document; load refuses it."""
    import json

    save(fitted, path)
    load(path)
    document = next(path.rglob("classifier.json"))
    doc = json.loads(document.read_text())
    change(doc)
    document.write_text(json.dumps(doc))
    with pytest.raises(BundleError, match=message):
        load(path)


def test_a_reloaded_classifier_describes_its_fit_time_and_an_older_bundle_leaves_it_out(
        tmp_path):
    # The time was not saved: `seqlab inspect` showed 'fit_seconds: nan' for every bundle,
    # and its --json printed NaN, which strict JSON readers refuse.
    import json

    x, y = shapes(4, seed=2, low=16, high=20)
    fitted = SequenceClassifier("rocket", features=500, members=1).fit(x, y)
    save(fitted, tmp_path / "c")
    described = load(tmp_path / "c").describe()
    assert described["fit_seconds"] == pytest.approx(fitted.fit_seconds_, abs=1e-3)
    assert described["fit_seconds"] > 0
    document = next((tmp_path / "c").rglob("classifier.json"))
    doc = json.loads(document.read_text())
    del doc["fit_seconds"]
    document.write_text(json.dumps(doc))
    assert "fit_seconds" not in load(tmp_path / "c").describe()


def test_a_reloaded_text_classifier_describes_its_tokens_vocabulary_and_seeds(tmp_path):
    # `seqlab inspect` of a text classifier did not say whether it splits words or
    # characters (which decides how new texts are read), nor how many seeds it averages.
    texts = ["great fun", "awful film", "loved it", "so bad"] * 3
    fitted = SequenceClassifier("gru", tokens="word", epochs=1, members=2, time_budget=60).fit(
        texts, ["pos", "neg", "pos", "neg"] * 3)
    save(fitted, tmp_path / "c")
    described = load(tmp_path / "c").describe()
    assert (described["tokens"], described["vocabulary"], described["members"]) == (
        "word", 8, 2)
    x, y = shapes(4, seed=2, low=16, high=20)
    values = SequenceClassifier("rocket", features=500, members=1).fit(x, y).describe()
    assert values["members"] == 1 and "tokens" not in values and "vocabulary" not in values


def test_a_classifier_whose_weights_hold_nan_is_refused_on_load(tmp_path):
    # It loaded and predicted NaN probabilities, every sequence the first class.
    from safetensors.torch import load_file, save_file

    x, y = shapes(4, seed=3, low=16, high=20)
    save(SequenceClassifier("rocket", features=500, members=1).fit(x, y), tmp_path / "c")
    weights = next((tmp_path / "c").rglob("weights.safetensors"))
    tensors = load_file(weights)
    name = next(k for k, v in tensors.items() if v.is_floating_point() and v.numel() > 1)
    tensors[name].view(-1)[0] = float("nan")
    save_file(tensors, weights)
    with pytest.raises(BundleError, match=rf"the weights {re.escape(name)} hold NaN or "
                                          r"infinite values"):
        load(tmp_path / "c")


@pytest.mark.parametrize("change, message", [
    # Each loaded and predicted: a scale of 0 every sequence the first class, a negated one
    # every prediction flipped; the shapes failed at predict as 'unexpected RuntimeError'.
    (lambda t: t["m0.ridge.scale"].zero_(), r"scales a feature by 0.0; a fit keeps every "
     r"scale at 9.9e-09 or more"),
    (lambda t: t["m0.ridge.scale"].neg_(), r"scales a feature by -"),
    (lambda t: t.update({"m0.kernels.0.0.biases": t["m0.kernels.0.0.biases"].repeat(1, 2)}),
     r"have dilations .* and biases of shapes \{.*\}"),
    (lambda t: t.update({"m0.kernels.0.0.mask": torch.ones(84, 3)}),
     r"hold a channel mask of shape \(84, 3\)"),
    (lambda t: t["m0.kernels.0.0.mask"].mul_(0.5), r"masks of 0s and 1s"),
    (lambda t: t.update({k: t[k][:100].clone() for k in
                         ("m0.ridge.coef", "m0.ridge.mean", "m0.ridge.scale")}),
     r"make \d+ features, where the ridge weighs 100"),
    # float32 bytes declared int32 loaded as coefficients near 1e9, all finite.
    (lambda t: t.update({"m0.ridge.coef": t["m0.ridge.coef"].view(torch.int32)}),
     r"weights\.safetensors: tensor 'm0.ridge.coef' is torch.int32, where a fit writes "
     r"torch.float32"),
    # A second member's weights beside the one the document describes were ignored.
    (lambda t: t.update({"m1.ridge.coef": t["m0.ridge.coef"].clone()}),
     r"the weights m1.ridge.coef belong to none of the 1 member\(s\)"),
])
def test_classifier_weights_no_fit_makes_are_refused_on_load(tmp_path, change, message):
    from safetensors.torch import load_file, save_file

    x, y = shapes(4, seed=3, low=16, high=20)
    save(SequenceClassifier("rocket", features=500, members=1).fit(x, y), tmp_path / "c")
    load(tmp_path / "c")
    weights = next((tmp_path / "c").rglob("weights.safetensors"))
    tensors = load_file(weights)
    change(tensors)
    save_file(tensors, weights)
    with pytest.raises(BundleError, match=message):
        load(tmp_path / "c")


def test_probabilities_that_overflow_are_refused_not_read_as_the_first_class():
    x, y = shapes(4, seed=3, low=16, high=20)
    fitted = SequenceClassifier("rocket", features=500, members=1).fit(x, y)
    fitted.members_[0][1].coef_ = fitted.members_[0][1].coef_ * 1e38
    with pytest.raises(ValidationError, match=r"probabilities hold NaN or infinity"):
        fitted.predict(x)


def test_values_that_standardising_takes_beyond_float32_are_refused():
    # A channel nearly constant in training (scale 1e-11, just above the floor) and new
    # values far away: standardised, they overflowed float32 into inf/NaN inside the
    # kernels, and predict answered garbage with probabilities of 1.0.
    rng = np.random.default_rng(0)
    x = [1.0 + rng.normal(0, 1e-11, (8, 1)) for _ in range(12)]
    fitted = SequenceClassifier("rocket", features=500, members=1).fit(x, ["a", "b"] * 6)
    new = [np.ones((8, 1)), np.full((8, 1), 1e30)]
    assert fitted.beyond_range(new) == [1]
    with pytest.raises(ValidationError, match=r"^`X`: sequence 1 has 1e\+30 at step 1, channel "
                                              r"1: .* standard deviations from the mean the "
                                              r"classifier was fitted on \(1, standard deviation "
                                              r"[\d.]+e-1[12]\), beyond what its float32 models hold .* "
                                              r"\(1 sequence\(s\) have such values\)\.$"):
        fitted.predict(new)
    assert fitted.predict(new[:1]).shape == (1,)


def test_a_model_parameter_of_another_type_is_refused_by_name():
    with pytest.raises(ValidationError, match=r"'model' parameter of SequenceClassifier must "
                                              r"be a model's name or a list of names; got 5"):
        SequenceClassifier(5).check_params()


def test_boolean_labels_round_trip_through_a_bundle(tmp_path):
    # fit took True/False labels, save wrote them, and load refused the bundle it wrote.
    x, y = shapes(4, seed=4, low=16, high=20)
    flags = [tag == "bump" for tag in y]
    fitted = SequenceClassifier("rocket", features=500, members=1).fit(x, flags)
    save(fitted, tmp_path / "c")
    loaded = load(tmp_path / "c")
    assert loaded.classes_.tolist() == [False, True]
    assert loaded.predict(x).tolist() == fitted.predict(x).tolist()
    assert {type(v) for v in loaded.predict(x).tolist()} == {bool}


@pytest.mark.parametrize("as_array", [True, False])
def test_bytes_labels_are_read_as_text_and_round_trip_through_a_bundle(tmp_path, as_array):
    # numpy's S array trained, then save refused the bytes classes and the fit was lost;
    # a list of the same bytes was refused at fit.
    x, y = shapes(4, seed=4, low=16, high=20)
    encoded = [t.encode() for t in y]
    fitted = SequenceClassifier("rocket", features=500, members=1).fit(
        x, np.array(encoded) if as_array else encoded)
    save(fitted, tmp_path / "c")
    loaded = load(tmp_path / "c")
    assert loaded.classes_.tolist() == sorted(set(y))
    assert loaded.predict(x).tolist() == fitted.predict(x).tolist()
    assert set(fitted.predict(x).tolist()) <= set(y)


def test_bytes_labels_that_are_not_utf8_are_refused():
    x, y = shapes(4, seed=4, low=16, high=20)
    with pytest.raises(ValidationError, match=r"a bytes label that is not UTF-8 text"):
        SequenceClassifier("rocket", features=500, members=1).fit(
            x, np.array([b"\xff" + t.encode() for t in y]))


@pytest.mark.parametrize("labels, message", [
    (lambda y: [1 if t == "bump" else t for t in y], r"`y` mixes labels of 2 types \(.*int 1"),
    (lambda y: [None if t == "bump" else t for t in y], r"`y` holds a missing label \(None\)"),
    (lambda y: np.array([float("nan") if t == "bump" else t for t in y], dtype=object),
     r"`y` holds a missing label \(nan\)"),
    (lambda y: [[t] for t in y[:-1]] + [[y[-1], y[-1]]], r"a label of type list"),
    # A raw OverflowError ('Python int too large to convert to C long').
    (lambda y: [10**20 if t == "bump" else 0 for t in y], r"an integer label beyond 64 bits "
     r"\(100000000000000000000\); give such labels as strings"),
    (lambda y: [0.5 if t == "bump" else 1.0 for t in y], r"labels are strings, integers or "
     r"booleans"),
])
def test_labels_of_mixed_or_missing_kinds_are_refused(labels, message):
    # 1 beside 'a' became the class '1'; None became a class named 'None'.
    x, y = shapes(4, seed=5, low=16, high=20)
    with pytest.raises(ValidationError, match=message):
        SequenceClassifier("rocket", features=500, members=1).fit(x, labels(list(y)))


def test_integer_labels_given_as_objects_stay_integers():
    x, y = shapes(4, seed=6, low=16, high=20)
    codes = np.array([{"bump": 3, "dip": 10, "wiggle": 7}[t] for t in y], dtype=object)
    fitted = SequenceClassifier("rocket", features=500, members=1).fit(x, codes)
    assert fitted.classes_.tolist() == [3, 7, 10] and fitted.classes_.dtype.kind == "i"


@pytest.mark.parametrize("shape", [(0, 15, 2), (4, 0, 2), (4, 15, 0)])
def test_empty_arrays_are_refused_naming_their_shape(shape):
    # predict on (0, 15, 2) was numpy's 'zero-size array to reduction operation maximum';
    # fit on (20, 0, 2) a torch RuntimeError after numpy warnings.
    x, y = shapes(4, seed=7, low=16, high=20)
    fitted = SequenceClassifier("rocket", features=500, members=1).fit(x, y)
    with pytest.raises(ValidationError, match=rf"`X` has shape \({shape[0]}, {shape[1]}, "
                                              rf"{shape[2]}\); expected at least one sequence"):
        fitted.predict(np.zeros(shape))


def test_numpy_numbers_as_settings_save_and_reload(tmp_path):
    # SequenceClassifier(seed=np.int64(3)) fitted, then save raised json's TypeError.
    x, y = shapes(4, seed=8, low=16, high=20)
    fitted = SequenceClassifier("rocket", features=500, members=np.int64(1),
                                seed=np.int64(3)).fit(x, y)
    save(fitted, tmp_path / "c")
    loaded = load(tmp_path / "c")
    assert loaded.seed == 3 and type(loaded.seed) is int
    np.testing.assert_array_equal(loaded.predict_proba(x), fitted.predict_proba(x))


def test_a_data_frame_is_a_sequence_per_row():
    # Iterated, a DataFrame gave its column names: "15 sequence(s), but y has shape (20,)".
    import pandas as pd

    x, y = shapes(4, seed=9, low=16, high=16)
    frame = pd.DataFrame(np.stack([s[:, 0] for s in x]),
                         columns=[f"t{i}" for i in range(16)])
    by_frame = SequenceClassifier("rocket", features=500, members=1).fit(frame, y)
    by_array = SequenceClassifier("rocket", features=500, members=1).fit(frame.to_numpy(), y)
    np.testing.assert_array_equal(by_frame.predict_proba(frame), by_array.predict_proba(x))


def test_report_reads_sequences_from_a_generator():
    # 'object of type generator has no len()'.
    x, y = shapes(4, seed=10, low=16, high=20)
    fitted = SequenceClassifier("rocket", features=500, members=1).fit(x, y)
    assert fitted.report((s for s in x), y).accuracy == fitted.report(x, y).accuracy


def test_a_classifier_saved_over_another_can_keep_it_for_rollback(tmp_path):
    # seqlab classify --out onto a bundle deleted the classifier it replaced.
    from seqlab.bundle import rollback

    x, y = shapes(4, seed=11, low=16, high=20)
    first = SequenceClassifier("rocket", features=500, members=1, seed=0).fit(x, y)
    second = SequenceClassifier("rocket", features=500, members=1, seed=1).fit(x, y)
    save(first, tmp_path / "c")
    save(second, tmp_path / "c", keep_previous=True)
    assert load(tmp_path / "c").seed == 1
    rollback(tmp_path / "c")
    np.testing.assert_array_equal(load(tmp_path / "c").predict_proba(x), first.predict_proba(x))


@pytest.mark.parametrize("tokens, change, message", [
    # Each loaded: 5 and [1] were read as the words '5' and '[1]'; a word in a character
    # model never matched; a character vocabulary read as words predicted one class alone.
    ("char", lambda doc: doc["vocabulary"].append(5), r"distinct characters"),
    ("char", lambda doc: doc["vocabulary"].append("ab"), r"distinct characters"),
    ("char", lambda doc: doc["vocabulary"].append(doc["vocabulary"][0]), r"distinct"),
    ("char", lambda doc: doc["params"].update(tokens="word"), r"'vocabulary' must list "
     r"distinct words \(the classifier splits texts into word tokens\)"),
    ("word", lambda doc: doc["vocabulary"].append("Two words"), r"distinct words"),
])
def test_a_text_classifiers_vocabulary_is_checked_against_its_tokens(tmp_path, tokens,
                                                                     change, message):

    texts = ["Good film!", "bad film.", "GREAT cast", "poor plot"] * 3
    labels = ["pos", "neg", "pos", "neg"] * 3
    fitted = SequenceClassifier("bilstm", tokens=tokens, epochs=1, members=1).fit(texts,
                                                                                 labels)
    _refused_once_changed(fitted, tmp_path / "c", change, message)


def test_a_text_classifiers_bundle_read_as_values_is_refused(tmp_path):
    texts = ["Good film!", "bad film.", "GREAT cast", "poor plot"] * 3
    fitted = SequenceClassifier("bilstm", epochs=1, members=1).fit(
        texts, ["pos", "neg", "pos", "neg"] * 3)
    _refused_once_changed(fitted, tmp_path / "c", lambda doc: doc["reader"].update(
        format="wide"), r"'reader' field 'format' is 'wide'; expected one of auto, text for a "
                        r"classifier of text")


def test_an_array_with_fewer_steps_than_channels_is_fitted_with_a_warning_naming_its_axes():
    # aeon's (cases, channels, timepoints) array of one channel was read silently as
    # sequences of one step and 16 channels each.
    x, y = shapes(4, seed=11, low=16, high=16)
    channels_first = np.stack([s[:, 0] for s in x])[:, None, :]
    with pytest.warns(UserWarning, match=r"`X` has shape \(12, 1, 16\): read as 12 sequences "
                                         r"of 1 step\(s\) and 16 channels each .* If its axes "
                                         r"are aeon's .* pass X\.transpose\(0, 2, 1\)\."):
        fitted = SequenceClassifier("rocket", features=500, members=1).fit(channels_first, y)
    assert fitted.channels_ == 16 and fitted.max_length_ == 1
    # (sequences, steps, channels), steps first, fits without one
    fitted = SequenceClassifier("rocket", features=500, members=1).fit(
        channels_first.transpose(0, 2, 1), y)
    assert fitted.channels_ == 1 and fitted.max_length_ == 16


def test_a_network_classifier_document_edited_to_other_channels_names_the_field(tmp_path):
    # It was refused with torch's size-mismatch text cut short at 200 characters ('...
    # torch.Size([64, 2, 7]). s).'), naming no field of the document.
    x, y = shapes(4, seed=1, low=16, high=20)
    fitted = SequenceClassifier("gru", epochs=1, members=1, units=8).fit(x, y)
    _refused_once_changed(
        fitted, tmp_path / "c", lambda doc: doc.update(channels=2, mean=[0, 0], scale=[1, 1]),
        r"weights\.safetensors: tensor 'm0\.net\.[\w.]+' has shape \(\d+, 1\), where the gru "
        r"network of classifier\.json \('channels' 2, 3 'classes', 'units' 8\) takes "
        r"\(\d+, 2\); the document and the weights do not belong together\.$")
