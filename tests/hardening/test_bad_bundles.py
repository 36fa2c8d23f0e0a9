"""Catalogue of crafted bundles: each is refused at `load` with a `BundleError` that names
the file and the problem, before any model is built from it, and `seqlab predict` says so
in one line with exit status 2. Tampered files are re-hashed into the manifest, so the
checks behind the checksum are the ones exercised."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from hardening_support import assert_one_line_error, sine, write_csv
from safetensors.torch import load_file, save_file

from bundle_tampering import rehash
from seqlab.bundle import load, save
from seqlab.errors import BundleError, ValidationError


def edit_json(name: str, change):
    def tamper(folder: Path) -> None:
        doc = json.loads((folder / name).read_text())
        change(doc)
        (folder / name).write_text(json.dumps(doc))
        rehash(folder)
    return tamper


def write_raw(name: str, text: str):
    def tamper(folder: Path) -> None:
        (folder / name).write_text(text)
        rehash(folder)
    return tamper


def poison_weights(value: float):
    def tamper(folder: Path) -> None:
        tensors = load_file(str(folder / "weights.safetensors"))
        first = sorted(tensors)[0]
        tensors[first] = tensors[first].clone()
        tensors[first].view(-1)[0] = value
        save_file(tensors, str(folder / "weights.safetensors"))
        rehash(folder)
    return tamper


def set_step(kind: str, **values):
    def change(doc: dict) -> None:
        step = next(s for s in doc["steps"] if s["type"] == kind)
        step["config"].update(values)
    return change


def set_scaler(**fitted):
    def change(doc: dict) -> None:
        step = next(s for s in doc["steps"] if s["type"] == "scale")
        step["state"]["fitted"].update(fitted)
    return change


def poison_optimizer(entry: str, value: float):
    def tamper(folder: Path) -> None:
        tensors = load_file(str(folder / "optimizer.safetensors"))
        name = next(k for k in sorted(tensors) if k.endswith("." + entry))
        tensors[name] = tensors[name].clone()
        tensors[name].view(-1)[0] = value
        save_file(tensors, str(folder / "optimizer.safetensors"))
        rehash(folder)
    return tamper


def set_group(**values):
    def change(doc: dict) -> None:
        doc["param_groups"][0].update(values)
    return change


def truncate_weights(folder: Path) -> None:
    data = (folder / "weights.safetensors").read_bytes()
    (folder / "weights.safetensors").write_bytes(data[: len(data) // 2])
    rehash(folder)


def pointer_to(name: str):
    def tamper(folder: Path) -> None:
        pointer = folder.parent / "CURRENT"
        doc = json.loads(pointer.read_text())
        doc["current"] = name
        pointer.write_text(json.dumps(doc))
    return tamper


SERIES_CASES = {
    "units-a-billion": (edit_json("spec.json", lambda d: d.update(units=[1_000_000_000])),
                        r"'units' parameter of ModelSpec must be an int in the range"),
    "units-googol": (write_raw("spec.json", '{"input_size": 1, "output_size": 1, "units": [1'
                               + "0" * 100 + "]}"), r"integer 1000.*is too large"),
    "units-too-many-parameters": (edit_json("spec.json", lambda d: d.update(units=[100_000])),
                                  r"too large: its spec describes 40,\d{3},\d{3},\d{3} param"),
    "units-as-string": (edit_json("spec.json", lambda d: d.update(units=["8"])),
                        r"'units' parameter of ModelSpec must be an int"),
    "units-empty": (edit_json("spec.json", lambda d: d.update(units=[])),
                    r"'units' parameter of ModelSpec must be a non-empty list"),
    "input-size-zero": (edit_json("spec.json", lambda d: d.update(input_size=0)),
                        r"'input_size' parameter"),
    "unknown-architecture": (edit_json("spec.json", lambda d: d.update(
        architecture="os.system")), r"unknown architecture 'os.system'"),
    "unknown-spec-field": (edit_json("spec.json", lambda d: d.update(__reduce__="x")),
                           r"Unknown ModelSpec field"),
    "spec-not-an-object": (write_raw("spec.json", "[1, 2]"), r"must hold a JSON object"),
    "spec-deeply-nested": (write_raw("spec.json", "[" * 50_000 + "]" * 50_000),
                           r"spec.json is not valid JSON"),
    "spec-nan-literal": (write_raw("spec.json", '{"input_size": NaN}'),
                         r"non-finite number NaN is not allowed"),
    "weights-nan": (poison_weights(float("nan")), r"holds NaN or infinity"),
    "weights-inf": (poison_weights(float("inf")), r"holds NaN or infinity"),
    "weights-truncated": (truncate_weights, r"weights.safetensors"),
    "window-disagrees-with-spec": (edit_json("pipeline.json", set_step("window", n_in=7)),
                                   r"windows of n_in=7 steps but the spec's model takes "
                                   r"timesteps=4"),
    "head-disagrees-with-pipeline": (edit_json("pipeline.json", set_step("window", n_out=3)),
                                     r"forecasts n_out=3 step\(s\) of 1 feature\(s\) but the "
                                     r"spec's head has output_size=1"),
    "columns-disagree-with-scaler": (edit_json("pipeline.json", lambda d: d.update(
        columns=["a", "b"])), r"names 2 column\(s\).*fitted on 1 feature"),
    # Loaded; predict then blamed the user's file: 'The columns to read from new.csv
    # repeat a name'.
    "columns-repeated": (edit_json("pipeline.json", lambda d: d.update(columns=["sales"] * 2)),
                         r"pipeline.json: not a valid pipeline: The 'columns' parameter of "
                         r"Pipeline names 'sales' twice"),
    "scaler-overflowing-number": (write_raw("pipeline.json", '{"x": 1e999}'),
                                  r"number 1e999 overflows"),
    "scaler-zero-scale": (edit_json("pipeline.json", set_scaler(scale_=[0.0])),
                          r"'scale_' holds 0"),
    "scaler-ragged-statistics": (edit_json("pipeline.json", set_scaler(min_=[0.0, 1.0])),
                                 r"differ in length"),
    # Each loaded: the copy scaled every input twice (silently wrong forecasts), the
    # unfitted step failed at predict with 'call Pipeline.fit'.
    "scale-step-repeated": (edit_json("pipeline.json", lambda d: d["steps"].insert(
        0, d["steps"][0])), r"pipeline step 1 \(scale\) repeats step 0"),
    "scale-step-unfitted": (edit_json("pipeline.json", lambda d: d["steps"][0].update(
        state=None)), r"pipeline step 0 \(scale\) is not fitted"),
    # Optimizer states that loaded and then diverged the next step ('lower the learning
    # rate'), or trained uphill (maximize), or passed -1 as a learning rate to torch.
    "optimizer-nan-moment": (poison_optimizer("exp_avg", float("nan")),
                             r"'state.0.exp_avg' holds NaN or infinity"),
    "optimizer-negative-square": (poison_optimizer("exp_avg_sq", -1.0),
                                  r"'state.0.exp_avg_sq' holds a negative value"),
    "optimizer-maximize": (edit_json("optimizer.json", set_group(maximize=True)),
                           r"param group sets maximize to True"),
    "optimizer-betas": (edit_json("optimizer.json", set_group(betas=[5.0, -1.0])),
                        r"param group sets betas to \[5.0, -1.0\]"),
    "optimizer-lr-negative": (edit_json("optimizer.json", set_group(lr=-1)),
                              r"optimizer.json: the optimizer's param group sets lr to -1"),
    # Each loaded, then resumed training failed at its first step: amsgrad with a KeyError
    # ('max_exp_avg_sq'), differentiable with a RuntimeError of torch's fused Adam.
    "optimizer-amsgrad": (edit_json("optimizer.json", set_group(amsgrad=True)),
                          r"param group sets amsgrad to True, outside what training uses"),
    "optimizer-differentiable": (edit_json("optimizer.json", set_group(differentiable=True)),
                                 r"param group sets differentiable to True"),
    # Indices 0.0, 1.0 ... (or true, false) equal 0, 1 ... and loaded as parameter numbers.
    "optimizer-float-indices": (edit_json("optimizer.json", lambda d: d["param_groups"][0].update(
        params=[float(i) for i in d["param_groups"][0]["params"]])),
        r"param group lists parameter 0\.0; expected parameter indices"),
    "optimizer-foreach-text": (edit_json("optimizer.json", set_group(foreach="yes")),
                               r"param group sets foreach to 'yes'"),
    "unknown-step": (edit_json("pipeline.json", lambda d: d["steps"].append(
        {"type": "pickle", "params": {}})), r"pipeline.json"),
    "duplicate-keys": (write_raw("trainer.json", '{"lr": 0.1, "lr": 0.2}'),
                       r"duplicate key 'lr'"),
    "history-not-records": (write_raw("history.json", '{"records": 5}'), r"history.json"),
    "newer-format": (edit_json("manifest.json", lambda d: d.update(format_version=99)),
                     r"newer"),
    "pointer-outside": (pointer_to("../../etc"), r"no paths"),
    "pointer-missing-version": (pointer_to("v-20990101T000000-deadbeef"),
                                r"names version 'v-20990101T000000-deadbeef', which is missing"),
}


@pytest.mark.parametrize("tamper,message", SERIES_CASES.values(), ids=SERIES_CASES)
def test_crafted_bundles_are_refused_at_load(series_bundle, copy_of, tamper, message):
    path, folder = copy_of(series_bundle)
    tamper(folder)
    with pytest.raises(BundleError, match=message):
        load(path)


@pytest.mark.parametrize("case", ["units-googol", "weights-nan", "window-disagrees-with-spec",
                                  "scaler-zero-scale", "pointer-outside"])
def test_crafted_bundles_are_one_line_errors_at_the_command_line(
        tmp_path, cli, series_bundle, copy_of, case):
    tamper, message = SERIES_CASES[case]
    path, folder = copy_of(series_bundle)
    tamper(folder)
    data = write_csv(tmp_path / "new.csv", sine(20))
    assert_one_line_error(cli("predict", path, data), 2, message)


def test_text_bundle_with_a_vocabulary_larger_than_the_model_is_refused(text_bundle, copy_of):
    path, folder = copy_of(text_bundle)

    def more_symbols(doc: dict) -> None:
        step = next(s for s in doc["steps"] if s["type"] == "encode")
        step["state"]["symbols"] += ["\u2603", "\u2604"]

    edit_json("pipeline.json", more_symbols)(folder)
    with pytest.raises(BundleError, match=r"vocabulary has \d+ symbols but the spec's model"):
        load(path)


@pytest.mark.parametrize("symbol", ["ab", 5, "\ud800"])
def test_a_character_models_vocabulary_holds_characters(text_bundle, copy_of, symbol):
    # 'ab' or 5 in place of a character loaded, and generate wrote them as text; a lone
    # surrogate loaded, and generate failed (exit 1) blaming the terminal's encoding.
    path, folder = copy_of(text_bundle)

    def replace_last(doc: dict) -> None:
        step = next(s for s in doc["steps"] if s["type"] == "encode")
        step["state"]["symbols"][-1] = symbol

    edit_json("pipeline.json", replace_last)(folder)
    with pytest.raises(BundleError, match=rf"the vocabulary of a character model holds "
                                          rf"{re.escape(repr(symbol))}, not one character"):
        load(path)


def test_predict_with_a_text_bundle_points_to_generate(text_bundle, cli, tmp_path):
    """A table given to `seqlab predict` with a character model was refused with the
    series models' "name the one(s) to read with --column"."""
    table = tmp_path / "table.csv"
    table.write_text("label,t0,t1\nup,1,2\ndown,3,4\n")
    assert_one_line_error(cli("predict", text_bundle, table), 2,
                          r"is a text model \(a character model from train-text\).*Use "
                          r"`seqlab generate")

    # A classifier of symbol sequences (encoded, padded, labelled) is no text model.
    from seqlab.data import EncodeStep, LabelStep, PadStep, Pipeline
    from seqlab.models import ModelSpec, build
    from seqlab.train import Trainer

    pipeline = Pipeline([EncodeStep(), PadStep(maxlen=3), LabelStep()])
    x, y = pipeline.fit_frame(["abc", "cba"] * 4, ["up", "down"] * 4)
    spec = ModelSpec(len(pipeline.encoder.vocabulary_), 2, task="multiclass", units=[4],
                     frontend="onehot")
    trainer = Trainer(build(spec, seed=0), seed=0)
    trainer.fit(x, y, epochs=1, batch_size=4, verbose=0)
    save(trainer, tmp_path / "words", pipeline=pipeline)
    words = tmp_path / "words.jsonl"
    words.write_text('"abc"\n"cba"\n')
    result = cli("predict", tmp_path / "words", words)
    assert result.code == 0 and result.out.splitlines()[0] == "label,p0,p1", result.err


def test_text_bundle_with_a_vocabulary_smaller_than_the_model_is_refused_on_load(
        text_bundle, copy_of, cli):
    """With the last symbols cut from the vocabulary, generate sampled ids it could not
    decode and failed after the whole text with Vocabulary.decode's 'got id 7 at position
    1, outside the vocabulary's range' (or printed text when no such id came up); it is
    refused when loaded, as the head scores ids the vocabulary cannot name."""
    path, folder = copy_of(text_bundle)

    def fewer_symbols(doc: dict) -> None:
        step = next(s for s in doc["steps"] if s["type"] == "encode")
        step["state"]["symbols"] = step["state"]["symbols"][:-3]

    edit_json("pipeline.json", fewer_symbols)(folder)
    for temperature in (0, 1):
        assert_one_line_error(cli("generate", path, "--prime", "a", "--temperature", temperature,
                                  "--length", 5), 2,
                              r"the spec's head scores 28 classes but the pipeline's "
                              r"vocabulary \(the ids decode to symbols\) names only 25")


def test_text_bundle_whose_output_overflows_is_refused_by_generate(text_bundle, copy_of, cli):
    """Finite head weights of 3e38 pass load's check for NaN and infinity, but the model's
    scores overflow: generate failed with torch.multinomial's 'probability tensor contains
    either inf, nan' as 'a bug in seqlab' (exit 1), and printed text at --temperature 0."""
    path, folder = copy_of(text_bundle)
    tensors = load_file(str(folder / "weights.safetensors"))
    tensors = {name: tensor.clone() for name, tensor in tensors.items()}
    tensors["head.weight"].fill_(3e38)
    save_file(tensors, str(folder / "weights.safetensors"))
    rehash(folder)
    for temperature in (0, 0.5):
        assert_one_line_error(cli("generate", path, "--temperature", temperature, "--length", 5),
                              2, r"The model's scores for the next symbol hold NaN or infinity")


def test_a_sound_bundle_still_loads_and_predicts_finite_values(series_bundle):
    bundle = load(series_bundle)
    assert torch.isfinite(torch.as_tensor(bundle.predictor.predict(sine(20)))).all()


def test_update_with_a_text_bundle_says_it_is_a_text_model(text_bundle, cli, tmp_path):
    """It said "name the one(s) to read with --column"; the real reason came only once a
    --column was given."""
    table = tmp_path / "s.csv"
    table.write_text("t,sales,other\n" + "".join(f"{i},{i % 5},{i % 3}\n" for i in range(30)))
    assert_one_line_error(cli("update", text_bundle, table, table), 2,
                          r"update works on series forecasters .* not one \(a text model: "
                          r"seqlab train-text trains it anew\)")


def _labelled_bundle(folder: Path, classes: list[str], head: int) -> Path:
    """A sequence classifier bundle: a label step fitted on `classes`, a head of `head`."""
    from seqlab.data import EncodeStep, LabelStep, PadStep, Pipeline
    from seqlab.models import ModelSpec, build
    from seqlab.train import Trainer

    pipeline = Pipeline([EncodeStep(), PadStep(maxlen=3), LabelStep()])
    x, y = pipeline.fit_frame(["abc", "cba", "bca"] * 4, (classes * 12)[:12])
    spec = ModelSpec(len(pipeline.encoder.vocabulary_), head, task="multiclass", units=[4],
                     frontend="onehot")
    trainer = Trainer(build(spec, seed=0), seed=0)
    trainer.fit(x, y, epochs=1, batch_size=4, verbose=0)
    save(trainer, folder, pipeline=pipeline)
    return folder


def test_a_label_step_naming_classes_the_head_never_scores_is_refused(tmp_path, copy_of):
    # Five names for a 3-way head loaded, and two of them were never predicted.
    path, folder = copy_of(_labelled_bundle(tmp_path / "made" / "words",
                                            ["up", "down", "flat"], 3))

    def relabel(doc: dict) -> None:
        step = next(s for s in doc["steps"] if s["type"] == "labels")
        step["state"]["symbols"] = ["a", "b", "c", "d", "e"]

    edit_json("pipeline.json", relabel)(folder)
    with pytest.raises(BundleError, match=r"the pipeline's label step names 5 classes but "
                                          r"the spec's head scores only 3"):
        load(path)


def test_a_head_sized_for_classes_the_data_lacked_saves_and_says_so_if_one_is_predicted(
        tmp_path):
    # A head of 5 for the 3 classes of this split was refused at save, after training,
    # and a predicted 4th class failed in Vocabulary.decode without naming the cause.
    path = _labelled_bundle(tmp_path / "words", ["up", "down", "flat"], 5)
    bundle = load(path)
    bias = list(bundle.model.parameters())[-1]  # the head's, one a class
    with torch.no_grad():
        bias[0] = 100.0
    assert set(bundle.predict(["abc", "cba"])) == {bundle.pipeline.labels.vocabulary_.symbols[0]}
    with torch.no_grad():
        bias[4] = 200.0
    with pytest.raises(ValidationError, match=r"The model predicted class id 4, which its "
                                              r"label step does not name: the head scores 5 "
                                              r"classes, the labels it was fitted on were 3"):
        bundle.predict(["abc"])


def test_a_bundle_saved_without_a_pipeline_refuses_data_of_another_shape(tmp_path, cli):
    # seqlab predict and Bundle.predict handed the rows of a column straight to the LSTM:
    # "unexpected ValueError: LSTM: Expected input to be 2D or 3D, got 1D", a bug report.
    from seqlab.models import ModelSpec, build

    path = save(build(ModelSpec(input_size=1, output_size=1, units=[2], timesteps=4)),
                tmp_path / "bare")
    bundle = load(path)
    assert bundle.predict(np.zeros((3, 4, 1))).shape == (3, 1)  # model-ready arrays pass
    shape = r"takes arrays of shape \(samples, timesteps, features\) with 1 feature\(s\); "
    with pytest.raises(ValidationError, match=shape + r"the data give shape \(3, 4, 2\)"):
        bundle.predict(np.zeros((3, 4, 2)))
    result = cli("predict", path, write_csv(tmp_path / "sales.csv", sine()), "--column", "sales")
    assert_one_line_error(result, 2, shape + r"the data give shape \(60,\)\. Its pipeline has "
                                             r"no window step")


def test_a_bundle_of_another_kind_given_to_the_classifier_loader_is_named_as_what_it_is(
        series_bundle):
    # It said 'The bundle .../v-... lacks its classifier document file', naming a version
    # folder the user never gave and not what the bundle is.
    from seqlab.classify import load as load_classifier

    with pytest.raises(BundleError, match=rf"^{re.escape(str(series_bundle))} is a model bundle "
                                          r"\(written by seqlab train .*\), not a classifier "
                                          r"bundle \(written by seqlab classify --out\)\.$"):
        load_classifier(series_bundle)


def test_a_pad_length_beyond_any_spec_is_refused_on_load(tmp_path, copy_of):
    # It loaded, and predict padded every sequence to 1e12 steps: 'ran out of memory. Use
    # a smaller model, batch or data file', blaming the user's data.
    from seqlab.data import LabelStep, PadStep, Pipeline
    from seqlab.models import ModelSpec, build

    pipeline = Pipeline([PadStep(), LabelStep()]).fit([[1.0, 2.0], [3.0]], ["x", "y"])
    save(build(ModelSpec(1, 2, task="multiclass", units=[2])), tmp_path / "saved" / "pad",
         pipeline=pipeline)
    path, folder = copy_of(tmp_path / "saved" / "pad")
    edit_json("pipeline.json", lambda d: d["steps"][0]["state"].update(maxlen_=10**12))(folder)
    with pytest.raises(BundleError, match=r"pipeline.json: the pipeline pads sequences to "
                                          r"maxlen_=1000000000000 steps, above the 16777216"):
        load(path)


def test_inspect_shows_control_characters_of_a_bundles_history_escaped(series_bundle, copy_of,
                                                                        cli):
    # A history.json holding ESC in a metric's name or value (strings are allowed there) was
    # printed raw by inspect: the bundle drove the user's terminal.
    path, folder = copy_of(series_bundle)
    edit_json("history.json", lambda d: d["records"][-1].update(
        {"\x1b[31mred": "\x1b]0;title\x07"}))(folder)
    shown = cli("inspect", path)
    assert shown.code == 0 and "\x1b" not in shown.out and "\x07" not in shown.out
    assert "\\x1b[31mred \\x1b]0;title\\x07" in shown.out
