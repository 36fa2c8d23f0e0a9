"""`seqlab classify`: labelled sequences from a file in, a classifier chosen by validation
out, scored on a test file."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer

from seqlab.cli._options import JSON_OPTION, refuse_folder_spelling
from seqlab.cli.output import Output, add_command, label_progress, side_notes, warn
from seqlab.errors import ValidationError


def prediction_rows(classifier: Any, data: Any) -> tuple[list[str], list[list[Any]]]:
    """The predictions CSV of `classifier` on read `data`: a row per sequence with its
    name (a long CSV's sequence id, a text CSV's id column; elsewhere its number, 1 the
    first), the predicted label, the true label when the file has one, then a probability
    per class (``p_<class>``, in the stored class order)."""
    probabilities = classifier.predict_proba(data.sequences)
    labels = classifier.classes_[probabilities.argmax(1)]
    header = ["sequence", "label"] + (["true"] if data.labels is not None else []) + \
        [f"p_{c}" for c in classifier.classes_.tolist()]
    rows = []
    for i, (label, row) in enumerate(zip(labels.tolist(), probabilities, strict=True)):
        true = [data.labels[i]] if data.labels is not None else []
        name = data.ids[i] if data.ids is not None else i + 1
        rows.append([name, label, *true, *(round(float(p), 6) for p in row)])
    return header, rows


def check_in_range(classifier: Any, data: Any) -> None:
    """Refuse, naming the file and its sequences, numeric sequences of read `data` that the
    classifier's standardising takes beyond float32 (it would predict garbage on them).
    `classifier` is a fitted `SequenceClassifier`, or the `Standardising` of its training
    data (to check a test file before training)."""
    if data.kind != "values":
        return
    beyond = classifier.beyond_range(data.sequences)
    if not beyond:
        return
    names = [repr(data.ids[i]) if data.ids is not None else str(i + 1) for i in beyond]
    lines = (f" (line(s) {', '.join(str(data.lines[i]) for i in beyond[:10])})"
             if data.lines is not None else "")
    more = f" and {len(beyond) - 10} more" if len(beyond) > 10 else ""
    raise ValidationError(
        f"{data.source}: sequence(s) {', '.join(names[:10])}{more}{lines}: sequence "
        f"{names[0]} {classifier.how_far(data.sequences[beyond[0]])}. Leave them out, or "
        f"train on data that covers such values.")


def unknown_labels(classes: list[Any], data: Any) -> str | None:
    """A warning naming the true labels of read `data` that are none of `classes` (those a
    classifier was fitted on), with how many sequences carry each, or None where there
    are none: the classifier never predicts them, so those sequences are wrong whatever
    it answers, and a label written another way ('01' for the class '1') is named so. A
    label left blank or missing ('?', NA) is no class: nothing to warn of."""
    from seqlab.classify.readers import no_label

    if data.labels is None:
        return None
    known = {str(c) for c in classes}
    counts = Counter(tag for tag in data.labels if tag not in known and not no_label(tag))
    if not counts:
        return None
    spelled = written_otherwise(list(counts), known)

    def named(tag: str) -> str:
        same = spelled.get(tag)
        return f"{tag!r} ({counts[tag]} time(s){f', written {same!r} in training' if same else ''})"

    shown = ", ".join(named(tag) for tag, _ in counts.most_common(10))
    more = f" and {len(counts) - 10} more" if len(counts) > 10 else ""
    return (f"{data.source}: {sum(counts.values())} of its {len(data)} sequences have a true "
            f"label the classifier was not trained on: {shown}{more}. It predicts only its "
            f"classes ({', '.join(map(repr, classes))}), so their predictions cannot match the "
            f"'true' column.")


def written_otherwise(tags: list[str], classes: Any) -> dict[str, str]:
    """Each of `tags` that writes the whole number of one of `classes` another way ('01'
    for the class '1'), with that class."""
    from seqlab.classify.readers import whole_number

    numbered = {whole_number(c): c for c in classes if whole_number(c) is not None}
    return {tag: numbered[whole_number(tag)] for tag in tags
            if whole_number(tag) is not None and whole_number(tag) in numbered}


def training_standardising(data: Any) -> Any:
    """The `Standardising` a classifier fitted on read numeric `data` will have, for
    `check_in_range` before training; None for texts, or for sequences that fit refuses
    (channels that differ, values missing, infinite or beyond float32), which fit names."""
    import numpy as np

    from seqlab._validation import FLOAT32_MAX
    from seqlab.classify.classifier import Standardising

    if data.kind != "values":
        return None
    channels = data.sequences[0].shape[1]
    if any(s.shape[1] != channels or not np.isfinite(s).all()
           or np.abs(s).max(initial=0.0) > FLOAT32_MAX for s in data.sequences):
        return None
    return Standardising.of(data.sequences)


def channel_means(channels: Any, mean: Any) -> dict[str, float] | None:
    """The training data's channel means (`mean`, in the order of the names `channels`)
    by name, for `read_labelled`'s `fill_means`; None where the names are unknown."""
    if not isinstance(channels, list) or mean is None or len(channels) != len(mean) or \
            not all(isinstance(c, str) for c in channels):
        return None
    return {c: float(m) for c, m in zip(channels, mean, strict=True)}


def predict_bundle(bundle: Path, data_file: Path) -> tuple[list[str], list[list[Any]]]:
    """Rows for `seqlab predict BUNDLE NEW` on a classifier bundle: NEW is read as the
    training file was (its labels, if any, are shown beside the predictions)."""
    from seqlab.classify import read_labelled
    from seqlab.classify.persist import load
    from seqlab.classify.readers import FILLS, match_channels

    classifier = load(bundle)
    reader = {k: v for k, v in classifier.reader_.items() if isinstance(v, (str, list))}
    # A wide CSV's label column as training's header named it: NEW lacking that column
    # has no labels, and its first column is a step, not a label.
    label = reader.get("label") or reader.get("label_column")
    # and the training file's width and label column's place: NEW has that layout, with
    # or without the label column
    columns, label_at = (classifier.reader_.get(k) for k in ("columns", "label_at"))
    steps = reader.get("steps")
    # A text classifier reads texts, whatever the file looks like (a bundle records the
    # format the user gave, most often auto)
    format = "text" if classifier.kind_ == "text" else reader.get("format", "auto")
    names = reader.get("channels")
    data = read_labelled(data_file, format=format,
                         label=label if isinstance(label, str) else None,
                         fill=reader.get("fill"), labelled=False,
                         columns=columns if isinstance(columns, int) else None,
                         steps=steps if isinstance(steps, list) and all(
                             isinstance(n, str) for n in steps) else None,
                         label_at=label_at if type(label_at) is int else None,
                         channels=classifier.channels_ if classifier.kind_ == "values" else None,
                         # predict has no --fill: it fills as training did, if at all
                         fill_advice=f"Fill them in the file: {bundle} was trained without "
                                     f"--fill, so predict does not fill them (a classifier "
                                     f"trained with classify --fill "
                                     f"{'/'.join(FILLS)} does).",
                         fill_means=channel_means(names, getattr(classifier, "mean_", None)))
    side_notes(data.notes)  # how NEW was read, as classify tells of its files
    known = (isinstance(names, list) and len(names) == classifier.channels_
             and all(isinstance(n, str) for n in names))
    layout = reader.get("layout")  # the format training's file was read as (newer bundles)
    data = match_channels(data, classifier.kind_, names if known else classifier.channels_,
                          f"the classifier bundle {bundle}",
                          layout=layout if isinstance(layout, str) else None)
    check_in_range(classifier, data)
    unknown = unknown_labels(classifier.classes_.tolist(), data)
    if unknown is not None:
        warn(unknown)
    return prediction_rows(classifier, data)


def _refuse_bundle_as_model(model: str) -> None:
    """--model names the models to choose among; a bundle given there (as forecast --model
    takes one) is named as what it is, with the command that reads new data with it (the
    message was 'Unknown model of SequenceClassifier', with no word of bundles)."""
    from seqlab.bundle import store
    from seqlab.classify.classifier import MODELS

    if all(name.strip() in MODELS for name in model.split(",")) or not Path(model).is_dir():
        return
    kind = store.describe(model)
    if kind is not None:
        bundle = model if kind == store.OTHER_KINDS["classifier.json"] else "BUNDLE"
        raise ValidationError(
            f"--model names the models to choose among ({', '.join(MODELS)}; or several, "
            f"comma-separated), not a bundle: {model} is {kind}. To classify new data with a "
            f"saved classifier bundle, run seqlab predict {bundle} NEW.")


def _classify(
    train: Annotated[Path, typer.Argument(help="Labelled sequences: .ts or .arff (UCR/UEA), wide CSV "
                                          "(label + one column per step), long CSV (sequence, "
                                          "step, channels..., label) or text CSV (text, "
                                          "label).")],
    test: Annotated[Path | None, typer.Option(help="Labelled sequences to score the "
                                              "classifier on (same format).",
                                              show_default="none")] = None,
    out: Annotated[Path | None, typer.Option(help="Save the classifier as a bundle folder "
                                             "(seqlab predict BUNDLE NEW uses it).",
                                             show_default="not saved")] = None,
    predictions: Annotated[Path | None, typer.Option(help="Write TEST's predictions here "
                                                     "(CSV: label, then a probability per "
                                                     "class).", show_default="none")] = None,
    format: Annotated[str, typer.Option(help="auto, ts, arff, wide, long or text.")] = "auto",
    label: Annotated[str | None, typer.Option(help="Label column of a CSV: its name, or in "
                                              "a file without a header its number (1 the "
                                              "first, -1 the last).",
                                              show_default="label/class/target/y, else the "
                                              "one column of words, else the first")] = None,
    fill: Annotated[str | None, typer.Option(help="Fill missing values: ffill, zero or mean.",
                                             show_default="none: an error naming the "
                                             "first")] = None,
    model: Annotated[str, typer.Option(help="auto (chosen by validation), rocket, lstm-fcn, "
                                       "lstm, gru or bilstm; or several, comma-separated.")]
    = "auto",
    max_length: Annotated[int | None, typer.Option(help="Steps kept per sequence.",
                                                   show_default="the longest training "
                                                   "sequence")] = None,
    truncating: Annotated[str, typer.Option(help="post keeps the first max-length steps, pre "
                                            "the last.")] = "post",
    tokens: Annotated[str, typer.Option(help="Text tokens: char or word.")] = "char",
    time_budget: Annotated[float, typer.Option(help="Seconds the model search may take (a "
                                               "candidate due after it is skipped).")] = 30.0,
    members: Annotated[int, typer.Option(help="Seeds of the chosen model averaged (those after "
                                         "the first only while the time budget lasts).")]
    = 3,
    seed: Annotated[int, typer.Option(help="Seed of the split, kernels and networks.")] = 0,
    plot: Annotated[Path | None, typer.Option(help="PNG of TEST's confusion matrix.",
                                              show_default="none")] = None,
    as_json: JSON_OPTION = False,
) -> None:
    """Train a sequence classifier on TRAIN and score it on --test.

    Sequences may differ in length: they are padded after their end and the models mask
    the padding. The model (random convolution kernels with a ridge classifier, LSTM-FCN,
    or a masked LSTM/GRU/bidirectional LSTM) is chosen on a stratified validation split of
    TRAIN, and named in the output. With --test: accuracy, balanced accuracy, macro F1,
    per-class precision and recall and the confusion matrix.
    """
    from seqlab._io import check_distinct_outputs, check_figure_path, check_table_path
    from seqlab.classify import SequenceClassifier, plot_confusion, read_labelled
    from seqlab.classify.persist import check_target, save
    from seqlab.classify.readers import match_channels
    from seqlab.lifecycle import write_rows

    started = time.monotonic()
    shown = Output(as_json)
    _refuse_bundle_as_model(model)
    if (predictions is not None or plot is not None) and test is None:
        raise ValidationError("--predictions and --plot describe the test file; give it with "
                              "--test TEST.")
    refuse_folder_spelling(predictions, ("--predictions",),
                           "the predictions are one table file", "predictions.csv")
    refuse_folder_spelling(plot, ("--plot",), "the plot is one picture file", "confusion.png")
    check_distinct_outputs({"--out": out, "--predictions": predictions, "--plot": plot})
    if predictions is not None:
        check_table_path(predictions, "predictions", inputs=(train, test))
    if plot is not None:
        check_figure_path(plot, "plot", inputs=(train, test))
    if out is not None:
        check_target(out)
    classifier = SequenceClassifier(model, max_length=max_length, truncating=truncating,
                                    tokens=tokens, time_budget=time_budget, members=members,
                                    seed=seed, log=shown.progress())
    classifier.check_params()  # before reading the files, which may take a while
    data = read_labelled(train, format=format, label=label, fill=fill)
    if data.kind == "values" and tokens == "word":  # an unknown choice: the classifier names it
        raise ValidationError(f"--tokens {tokens} splits texts, but {train} holds numeric "
                              f"sequences (read as {data.format or format}); drop --tokens.")
    # the test file's missing values filled as new data's are: by the training data's means
    standardising = training_standardising(data) if test else None
    # ... and its steps known by the training file's header's names (in another order:
    # read by name)
    test_data = read_labelled(test, format=format, label=label, fill=fill, fill_means=(
        channel_means(data.channels, standardising.mean if standardising else None)),
        steps=data.steps) if test else None
    for line in data.notes + (test_data.notes if test_data is not None else []):
        shown.note(f"note: {line}")  # how the files were read: separator, label column
    if test_data is not None:  # before training: the same kind, channels and classes
        test_data = match_channels(test_data, data.kind, data.channels, f"{train}",
                                   layout=data.format)
        unseen = sorted(set(test_data.labels or []) - set(data.labels or []))
        if unseen:
            otherwise = [f"{tag!r} is {same!r} there" for tag, same in
                         written_otherwise(unseen, set(data.labels or [])).items()]
            # the test file's labels taken from another column than training's, most often
            # a file without its label column (its first step then read as the labels)
            moved = (f" Its labels were read from its column {test_data.label_column!r}, "
                     f"but {train}'s are in {data.label_column!r}: give --test labelled "
                     f"sequences, with that column (to classify unlabelled ones, save the "
                     f"classifier with --out and run seqlab predict BUNDLE FILE)."
                     if data.label_column is not None and test_data.label_column
                     not in (None, data.label_column) else "")
            raise ValidationError(
                f"{test} has label(s) {', '.join(map(repr, unseen[:5]))} that {train} lacks "
                f"(its classes: {', '.join(map(repr, sorted(set(data.labels or []))))}"
                + (f"; written otherwise: {', '.join(otherwise[:3])}" if otherwise else "")
                + "); a classifier only predicts the classes it was trained on." + moved)
        # values so far beyond the training data's that no prediction can be made on them:
        # the scale they are standardised by is the training data's, known before training
        if standardising is not None:
            check_in_range(standardising, test_data)
    label_progress("classify")
    classifier.fit(data.sequences, data.labels)
    report = None
    if test_data is not None:
        report = classifier.report(test_data.sequences, test_data.labels)
        if predictions is not None:
            header, rows = prediction_rows(classifier, test_data)
            write_rows(predictions, header, rows)
        if plot is not None:
            plot_confusion(report, plot, title=f"{test.name}: {classifier.model_}, accuracy "
                                                f"{report.accuracy:.3f}")
    if out is not None:
        save(classifier, out, reader={"format": format, "label": label or data.label_number,
                                      "fill": fill,
                                      "label_column": data.label_column,
                                      "columns": data.columns, "steps": data.steps,
                                      "label_at": data.label_at,
                                      "channels": data.channels, "layout": data.format},
             keep_previous=True)
    seconds = time.monotonic() - started
    if as_json:
        shown.json({
            "train": str(train), "sequences": len(data), "classes": classifier.classes_.tolist(),
            "channels": data.channels,
            "max_length": classifier.max_length_, "model": classifier.model_,
            "members": len(classifier.members_),
            "validation_accuracy": classifier.validation_scores_,
            "test": None if test is None else str(test),
            "metrics": None if report is None else report.to_dict(),
            "bundle": None if out is None else str(out),
            "predictions": None if predictions is None else str(predictions),
            "seconds": seconds})
        return
    echo = shown.result
    seeds = len(classifier.members_)
    ensemble = f" x {seeds} seeds" if seeds > 1 else ""
    echo(f"model: {classifier.model_}{ensemble} (validation accuracy "
         f"{classifier.validation_scores_[classifier.model_]:.4f}; chosen among "
         f"{', '.join(f'{k} {v:.4f}' for k, v in classifier.validation_scores_.items())})")
    channels = data.channels or []
    echo(f"trained on {len(data)} sequences of {train}, {len(classifier.classes_)} classes, "
         f"max length {classifier.max_length_}"
         + (f", {len(channels)} channels ({', '.join(channels)})" if len(channels) > 1 else ""))
    if report is not None:
        echo(f"test {test}: accuracy {report.accuracy:.4f}, balanced accuracy "
             f"{report.balanced_accuracy:.4f}, macro F1 {report.macro_f1:.4f} "
             f"({len(test_data)} sequences)")
        echo(report.table())
    if predictions is not None:
        shown.note(f"predictions written to {predictions}")
    if plot is not None:
        shown.note(f"confusion matrix drawn in {plot}")
    if out is not None:
        shown.note(f"bundle written to {out} (seqlab predict {out} NEW.csv)")
    shown.note(f"{seconds:.1f} s")


def register(app: typer.Typer) -> None:
    """Add classify to the `seqlab` command."""
    add_command(app, "classify", _classify)
