"""Catalogue of bad calls to the Python API: each raises a `SeqlabError` (a
`ValidationError` or `BundleError`) that names the parameter, what was received and what
was expected, never a bare TypeError, ValueError, KeyError or a torch internal error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from hardening_support import sine

from seqlab.bundle import load, save
from seqlab.classify import SequenceClassifier, classification_report
from seqlab.data import (
    MinMaxScaler,
    ScaleStep,
    StandardScaler,
    pad_sequences,
    series_to_supervised,
    windows,
)
from seqlab.errors import BundleError, SeqlabError, ValidationError
from seqlab.evaluate import summarize
from seqlab.forecast import Forecaster, backtest, prepare, read_csv
from seqlab.generate.feedback import closed_loop
from seqlab.generate.sampling import generate_ids, sample_next
from seqlab.lifecycle import ForecastConfig, train_forecaster, update
from seqlab.models import ModelSpec, build, summary
from seqlab.recipes.text_training import TextTrainingConfig, train_text
from seqlab.train import (
    EarlyStopping,
    LearningRateScheduler,
    ModelCheckpoint,
    ReduceLROnPlateau,
    Trainer,
)
from seqlab.train.batched import BatchedTrainer


def _model():
    return build(ModelSpec(1, 1, units=[4]), seed=0)


def _xy(n=8):
    x, y = windows(sine(n + 3), 3)
    return x, y


CASES = {
    "trainer-of-a-string": (lambda: Trainer("model"),
                            r"'model' parameter of Trainer must be a torch nn.Module.*str"),
    "trainer-negative-lr": (lambda: Trainer(_model(), lr=-1.0), r"'lr'"),
    "trainer-seed-beyond": (lambda: Trainer(_model(), seed=2**64), r"'seed' parameter of Trainer"),
    "build-of-a-partial-dict": (lambda: build({"units": [8]}),
                                r"needs the field\(s\) \['input_size', 'output_size'\]"),
    "build-of-a-string": (lambda: build("lstm"), r"'spec' parameter of build must be a ModelSpec"),
    "build-too-many-parameters": (lambda: build(ModelSpec(1, 1, units=[100_000])),
                                  r"too large: its spec describes 40,\d{3},\d{3},\d{3} param"),
    "build-googol-units": (lambda: build(ModelSpec(1, 1, units=[10**100])),
                           r"'units' parameter of ModelSpec must be an int in the range "
                           r"\[1, 16777216\]"),
    "build-huge-cnn-frames": (lambda: build(ModelSpec(
        3, 1, frontend="cnn", frame_shape=[2**24, 2**24, 3], conv_filters=2**24)),
                              r"features per frame is .* wide"),
    "build-seed-negative": (lambda: build(ModelSpec(1, 1), seed=-1), r"'seed' parameter of build"),
    "spec-hidden-not-a-list": (lambda: ModelSpec(1, 1, architecture="mlp_window", timesteps=3,
                                                 hidden="64").validate(),
                               r"'hidden' parameter of ModelSpec must be a list"),
    "spec-from-a-list": (lambda: ModelSpec.from_dict([1, 2]), r"must be a dict; got list"),
    "windows-ragged": (lambda: windows([[1, 2], [3]], 1),
                       r"'series' parameter of windows must be a rectangular array"),
    "windows-strings": (lambda: windows(["1", "2", "3"], 1),
                        r"'series' parameter of windows must hold numbers; got dtype <U1"),
    "windows-objects": (lambda: windows(np.array([object()] * 4), 1), r"got dtype object"),
    "windows-nan": (lambda: windows([1.0, np.nan, 2.0], 1), r"contains NaN or infinity"),
    "windows-n-in-zero": (lambda: windows(sine(), 0), r"'n_in'"),
    "fit-object-x": (lambda: Trainer(_model()).fit(np.array([["a"]] * 4, dtype=object),
                                                   np.zeros(4), verbose=0),
                     r"'x' parameter of Trainer must hold numbers; got dtype object"),
    "fit-ragged-x": (lambda: Trainer(_model()).fit([[[1.0]], [[1.0], [2.0]]], [1.0, 2.0],
                                                   verbose=0),
                     r"'x' parameter of Trainer must be a rectangular array"),
    "fit-split-leaves-nothing": (lambda: Trainer(_model()).fit(
        *[a[:1] for a in _xy()], validation_split=0.5, verbose=0),
                                 r"holds out 1 of 1 sample\(s\) and leaves none to train on"),
    "fit-beyond-float32": (lambda: Trainer(_model()).fit(_xy()[0] * 1e300, _xy()[1], verbose=0),
                           r"beyond what float32 holds"),
    "fit-epochs-zero": (lambda: Trainer(_model()).fit(*_xy(), epochs=0), r"'epochs'"),
    "fit-y-mismatch": (lambda: Trainer(_model()).fit(_xy()[0], np.zeros(3), verbose=0),
                       r"one target per sample"),
    "predict-nan": (lambda: Trainer(_model()).predict(np.full((2, 3, 1), np.nan)),
                    r"contains NaN or infinity"),
    "scaler-of-strings": (lambda: MinMaxScaler().fit(["a", "b"]),
                          r"'x' parameter of MinMaxScaler.fit must hold numbers"),
    "scaler-of-ragged": (lambda: StandardScaler().fit([[1.0], [1.0, 2.0]]),
                         r"must be a rectangular array"),
    "scaler-state-nan": (lambda: MinMaxScaler.from_dict({"type": "MinMaxScaler", "params": {},
                                                         "fitted": {a: [float("nan")] for a in (
                                                             "data_min_", "data_max_",
                                                             "data_range_", "scale_", "min_")}}),
                         r"fitted 'data_min_' must be a list of finite numbers"),
    "generate-seed-beyond": (lambda: generate_ids(_model(), [0], 3, seed=10**20),
                             r"'seed' parameter of generate_ids"),
    "text-config-seed": (lambda: TextTrainingConfig(seed=-1).validate(),
                         r"'seed' parameter of train-text"),
    "text-config-lower": (lambda: TextTrainingConfig(lower="yes").validate(),
                          r"'lower' parameter of train-text must be a bool"),
    "forecast-config-seed": (lambda: ForecastConfig(seed=10**30).validate(), r"'seed'"),
    "forecast-config-unknown": (lambda: ForecastConfig.from_dict({"epoch": 3}),
                                r"Unknown forecaster setting\(s\) \['epoch'\]"),
    # Each of the following was a raw TypeError, ValueError, IndexError or AttributeError,
    # or (where said) a bad value taken silently.
    "forecast-config-of-none": (lambda: ForecastConfig.from_dict(None),
                                r"ForecastConfig.from_dict takes a dict of settings; got "
                                r"NoneType"),
    "spec-from-bad-json": (lambda: ModelSpec.from_json("{bad"),
                           r"could not read the text as JSON"),
    "spec-from-json-none": (lambda: ModelSpec.from_json(None), r"reads a JSON text; got NoneType"),
    "spec-replace-unknown": (lambda: ModelSpec(1, 1).replace(foo=1),
                             r"Unknown ModelSpec field\(s\) \['foo'\]"),
    "supervised-dropnan-word": (lambda: series_to_supervised([1.0, 2.0, 3.0], dropnan="no"),
                                r"'dropnan' parameter of series_to_supervised must be True or "
                                r"False"),  # was taken as True
    "generate-unknown-id": (lambda: generate_ids(_id_model(), [999], 3),
                            r"The prime holds the id 999; this model's ids run from 0 to 4"),
    "generate-window-negative": (lambda: generate_ids(_id_model(), [1], 3, window=-1),
                                 r"'window' parameter of generate_ids"),  # was taken
    "generate-from-values-model": (lambda: generate_ids(_model(), [0], 3),
                                   r"needs a model that takes symbol ids"),
    "batched-float-seeds": (lambda: BatchedTrainer(ModelSpec(1, 1), [1.9, 2.9]),
                            r"'seed' parameter of BatchedTrainer .* Got 1.9"),  # became 1, 2
    "batched-one-seed-not-a-list": (lambda: BatchedTrainer(ModelSpec(1, 1), 3),
                                    r"'seeds' parameter of BatchedTrainer must be a list"),
    "batched-seeds-a-string": (lambda: BatchedTrainer(ModelSpec(1, 1), "01"),
                               r"'seeds' parameter of BatchedTrainer must be a list"),
    "batched-seeds-a-dict": (lambda: BatchedTrainer(ModelSpec(1, 1), {0: 1}),
                             r"'seeds' parameter of BatchedTrainer must be a list"),
    "batched-config-dict": (lambda: BatchedTrainer(ModelSpec(1, 1), [0, 1], {"lr": 0.1}),
                            r"'config' parameter of BatchedTrainer must be a TrainerConfig"),
    "batched-epochs-string": (lambda: BatchedTrainer(ModelSpec(1, 1, units=[4]), [0]).fit(
        *_xy(), epochs="12"), r"'epochs' parameter of BatchedTrainer.fit .* Got '12'"),
    "batched-batch-size-zero": (lambda: BatchedTrainer(ModelSpec(1, 1, units=[4]), [0]).fit(
        *_xy(), epochs=1, batch_size=0), r"'batch_size' parameter of BatchedTrainer.fit"),
    "evaluate-batch-size-zero": (lambda: Trainer(_model()).evaluate(*_xy(), batch_size=0),
                                 r"'batch_size' parameter of Trainer.evaluate"),  # ran with 32
    "backtest-methods-string": (lambda: backtest(pd.Series(sine(30)), 3, 2, methods="naive"),
                                r"got the string 'naive' \(write \['naive'\]\)"),
    "update-strategies-string": (lambda: update("nowhere", sine(30), sine(30),
                                                strategies="fresh-new"),
                                 r"'strategies' parameter of update must be a list"),
    "pad-symbols": (lambda: pad_sequences([["a", "b"], ["c"]]),
                    r"Element 0 of `sequences` passed to pad_sequences holds <U1 values"),
    "pad-value-word": (lambda: pad_sequences([[1, 2], [3]], value="x"),
                       r"'value' parameter of pad_sequences must be a number"),
    "scale-step-range-words": (lambda: ScaleStep(feature_range=("a", "b")),
                               r"'feature_range' parameter of ScaleStep"),
    "scale-step-range-string": (lambda: ScaleStep(feature_range="ab"),
                                r"'feature_range' parameter of ScaleStep"),  # was taken
    "scaler-unknown-param": (lambda: MinMaxScaler.from_dict(
        {"type": "MinMaxScaler", "params": {"foo": 1}}), r"'params' must be a dict of "
                                                         r"\['feature_range'\]"),
    "scaler-with-mean-word": (lambda: StandardScaler(with_mean="no"),
                              r"'with_mean' parameter of StandardScaler"),  # was taken as True
    "summary-of-a-number": (lambda: summary(5), r"summary takes a model .* got int"),
    # TypeError "'str' object is not callable", after the summary had been computed.
    "summary-print-fn-a-file-name": (lambda: summary(_model(), print_fn="summary.txt"),
                                     r"'print_fn' parameter of summary must be a function "
                                     r"taking a line .* got 'summary.txt'"),
    "set-other-weights": (lambda: Trainer(_model()).set_weights({"a": np.zeros(1)}),
                          r"The weights are not this model's: missing .* unknown \['a'\]"),
    "classifier-log-number": (lambda: SequenceClassifier(log=5).check_params(),
                              r"'log' parameter of SequenceClassifier must be a function"),
    # The largest seed was accepted, then Trainer refused the second member's seed,
    # 9223372036854776807, after the first model had trained.
    "classifier-member-seed-beyond-max": (
        lambda: SequenceClassifier(seed=2**63 - 1, members=2).check_params(),
        r"'seed' parameter of SequenceClassifier must be at most 9223372036854774807 for 2 "
        r"members .* Got 9223372036854775807"),
    "summarize-words": (lambda: summarize(["a"]), r"`scores` must be one or more finite"),
    "sample-no-logits": (lambda: sample_next(torch.zeros(0)), r"needs at least one logit"),
    "train-text-config-dict": (lambda: train_text("nowhere.txt", {"units": 16}),
                               r"'config' parameter of train_text must be a "
                               r"TextTrainingConfig"),
    "train-forecaster-words": (lambda: train_forecaster(["a", "b"] * 10,
                                                        ForecastConfig(n_in=2, epochs=1)),
                               r"'series' parameter of train_forecaster must hold numbers"),
    # TypeError "Value after * must be an iterable, not EarlyStopping" and AttributeError
    # "'object' object has no attribute 'set_trainer'".
    "fit-one-callback": (lambda: Trainer(_model()).fit(*_xy(), verbose=0,
                                                       callbacks=EarlyStopping("loss")),
                         r"'callbacks' parameter of Trainer.fit must be a list of callbacks; "
                         r"got a single EarlyStopping \(write \[EarlyStopping\(...\)\]\)"),
    "fit-callback-class": (lambda: Trainer(_model()).fit(*_xy(), verbose=0,
                                                         callbacks=[EarlyStopping]),
                           r"must hold seqlab.train.Callback instances; got the class "
                           r"EarlyStopping"),
    "trainer-callback-object": (lambda: Trainer(_model(), callbacks=[object()]),
                                r"'callbacks' parameter of Trainer must hold "
                                r"seqlab.train.Callback instances; got <object object"),
    # A bare KeyError after the first epoch (it still is one, as a ValidationError).
    "early-stopping-without-validation": (lambda: Trainer(_model()).fit(
        *_xy(), epochs=2, verbose=0, callbacks=[EarlyStopping()]),
                                          r"EarlyStopping monitors 'val_loss' but the epoch "
                                          r"logs only hold \['epoch', 'loss', 'lr', 'mae'"),
    "plateau-unknown-metric": (lambda: Trainer(_model()).fit(
        *_xy(), epochs=2, verbose=0, callbacks=[ReduceLROnPlateau("accuracy")]),
                               r"ReduceLROnPlateau monitors 'accuracy' but"),
    # TypeError "'int' object is not callable" and "<lambda>() takes 1 positional argument
    # but 2 were given" once training had begun; float()'s ValueError for a word.
    "schedule-a-number": (lambda: LearningRateScheduler(3),
                          r"'schedule' parameter of LearningRateScheduler must be a function"),
    "schedule-three-arguments": (lambda: LearningRateScheduler(lambda epoch, lr, other: lr),
                                 r"must take \(epoch, lr\) or \(epoch\); <lambda> takes "
                                 r"\(epoch, lr, other\)"),
    "schedule-returns-a-word": (lambda: Trainer(_model()).fit(
        *_xy(), verbose=0, callbacks=[LearningRateScheduler(lambda epoch, lr: "fast")]),
                                r"schedule of LearningRateScheduler must return a finite "
                                r"learning rate of 0 or more; for epoch 0 it returned 'fast'"),
    # AttributeError "'dict' object has no attribute 'validate'".
    "train-forecaster-config-dict": (lambda: train_forecaster(sine(30), {"n_in": 4}),
                                     r"'config' parameter of train_forecaster must be a "
                                     r"ForecastConfig .*ForecastConfig.from_dict.* got dict"),
    "train-forecaster-config-none": (lambda: train_forecaster(sine(30), None),
                                     r"'config' parameter of train_forecaster .* got NoneType"),
    # numpy's "could not convert string to float: 'a'" (ValueError).
    "forecaster-fit-words": (lambda: Forecaster(horizon=2, methods=["naive"]).fit(["a"] * 20),
                             r"'data' parameter must hold numbers .* got a list that is not "
                             r"one \(could not convert string to float: 'a'\)"),
    "forecaster-fit-ragged": (lambda: Forecaster(horizon=2, methods=["naive"]).fit(
        [[1.0, 2.0], [3.0]]), r"'data' parameter must hold numbers"),
    # covariates='price' named the columns 'p', 'r', 'i', 'c', 'e'; calendar='no' was taken
    # as True; progress=3 ended in TypeError "'int' object is not callable".
    "forecaster-covariates-string": (lambda: Forecaster(horizon=2, covariates="price").fit(
        pd.DataFrame({"sales": sine(30), "price": sine(30)})),
                                     r"'covariates' parameter of Forecaster must be a list of "
                                     r"column names; got the string 'price' \(write "
                                     r"\['price'\]\)"),
    "prepare-covariates-string": (lambda: prepare(pd.DataFrame({"sales": sine(30),
                                                                "price": sine(30)}),
                                                  covariates="price"),
                                  r"'covariates' parameter of prepare must be a list"),
    "forecaster-calendar-word": (lambda: Forecaster(horizon=2, calendar="no").fit(sine(30)),
                                 r"'calendar' parameter of Forecaster must be a bool. Got 'no'"),
    "forecaster-progress-number": (lambda: Forecaster(horizon=2, methods=["naive"]).fit(
        sine(30), progress=3), r"'progress' parameter of Forecaster.fit must be a function"),
    # Dates were fitted as their day numbers since 1970, complex numbers without their
    # imaginary part.
    "forecaster-fit-dates": (lambda: Forecaster(horizon=2, methods=["naive"]).fit(
        np.array(["2020-01-01", "2020-02-01", "2020-03-01"], dtype="datetime64[D]")),
                             r"'data' parameter must hold numbers .*\(dtype datetime64\[D\] is "
                             r"not one of real numbers"),
    "forecaster-fit-complex": (lambda: Forecaster(horizon=2, methods=["naive"]).fit(
        np.array([1 + 1j, 2, 3])), r"dtype complex128 is not one of real numbers"),
    # IndexError from numpy's add.at (lengths), KeyError '2' (a label not among classes),
    # TypeError (classes=None).
    "classification-report-lengths": (lambda: classification_report([0, 1], [0, 1, 1], [0, 1]),
                                      r"one predicted label per true label; got 2 true and 3 "
                                      r"predicted"),
    "classification-report-unknown": (lambda: classification_report([0, 2], [0, 1], [0, 1]),
                                      r"'true' parameter of classification_report holds "
                                      r"label\(s\) \['2'\] that are not among the classes"),
    "classification-report-no-classes": (lambda: classification_report([0], [0], None),
                                         r"'classes' parameter of classification_report must "
                                         r"be a list .* got NoneType"),
    # RuntimeError "Expected sequence length to be larger than 0 in RNN" from torch, and
    # numpy's ValueError for words.
    "closed-loop-no-steps": (lambda: closed_loop(_model(), np.zeros((0, 1)), 3),
                             r"'start' parameter of closed_loop must hold at least one row of "
                             r"at least one time step .* got shape \(0, 1\)"),
    "closed-loop-words": (lambda: closed_loop(_model(), [["a"], ["b"]], 3),
                          r"'start' parameter of closed_loop must hold numbers"),
    "closed-loop-nan": (lambda: closed_loop(_model(), [[1.0], [np.nan]], 3),
                        r"`start` contains NaN or infinity"),
    # The float 1.0 was said to be out of the ids' range 0 to 4.
    "generate-float-id": (lambda: generate_ids(_id_model(), [1.0], 3),
                          r"The prime holds the float 1.0; this model's ids, ints, run from 0 "
                          r"to 4"),
    "generate-prime-number": (lambda: generate_ids(_id_model(), 3, 3),
                              r"'prime' parameter of generate_ids must be a list of ids; got "
                              r"int"),
    # A number for a file: ModelCheckpoint wrote a file named '5', read_csv failed in pathlib.
    "checkpoint-path-number": (lambda: ModelCheckpoint(5),
                               r"'path' parameter of ModelCheckpoint must be a file path .*"
                               r"Got 5"),
    "checkpoint-path-empty": (lambda: ModelCheckpoint(""),
                              r"'path' parameter of ModelCheckpoint must be a file path"),
    "checkpoint-best-only-word": (lambda: ModelCheckpoint("w.safetensors", save_best_only="no"),
                                  r"'save_best_only' parameter of ModelCheckpoint must be True "
                                  r"or False"),
    "read-csv-number": (lambda: read_csv(5), r"'path' parameter of read_csv must be a file path"),
    "read-csv-none": (lambda: read_csv(None), r"'path' parameter of read_csv .*Got None"),
}


def _id_model():
    return build(ModelSpec(5, 5, units=[4], frontend="embedding", embedding_dim=3,
                           task="multiclass"), seed=0)


@pytest.mark.parametrize("call,message", CASES.values(), ids=CASES)
def test_bad_api_calls_raise_validation_errors_that_say_what_was_wrong(call, message):
    with pytest.raises(ValidationError, match=message):
        call()


def test_bundle_api_misuse_is_a_bundle_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(BundleError, match="exists and is not a bundle folder"):
        save(_model(), tmp_path / "file")
    with pytest.raises(BundleError, match="is a file; a bundle is a folder"):
        load(tmp_path / "file")
    with pytest.raises(BundleError, match="save needs a model built from a ModelSpec"):
        save(object(), tmp_path / "m")
    with pytest.raises(BundleError, match="not a seqlab bundle"):
        load(tmp_path)


def test_saving_something_else_than_a_fitted_model_is_a_bundle_error(tmp_path):
    # forecast.save and classify.save of None: AttributeError "'NoneType' object has no
    # attribute 'check_fitted'".
    from seqlab import classify, forecast

    with pytest.raises(BundleError, match=r"'forecaster' parameter of save must be a fitted "
                                          r"seqlab.forecast.Forecaster; got NoneType"):
        forecast.save(None, tmp_path / "f")
    with pytest.raises(BundleError, match=r"'classifier' parameter of save must be a fitted "
                                          r"seqlab.classify.SequenceClassifier; got Forecaster"):
        classify.save(Forecaster(horizon=2), tmp_path / "c")
    assert not (tmp_path / "f").exists() and not (tmp_path / "c").exists()


def test_forecast_of_a_single_value_names_what_it_needs(series_bundle):
    # TypeError "'float' object is not subscriptable" (a number) and IndexError "invalid
    # index to scalar variable" (a numpy number).
    predictor = load(series_bundle).predictor
    for value in (3.0, np.float64(3.0), None):
        with pytest.raises(ValidationError, match=r"'series' parameter of forecast must be the "
                                                  r"series' recent values, at least n_in=4"):
            predictor.forecast(value)
    assert predictor.forecast(list(sine(20))).shape == (1,)


def test_generate_ids_takes_a_numpy_prime_as_a_list():
    # ValueError "The truth value of an array with more than one element is ambiguous".
    model = _id_model()
    ids = np.array([1, 2, 3])
    assert generate_ids(model, ids, 4, seed=1) == generate_ids(model, [1, 2, 3], 4, seed=1)


def test_classification_report_takes_numpy_classes_as_plain_values():
    report = classification_report(np.array(["a", "b"]), np.array(["a", "a"]),
                                   np.array(["a", "b"]))
    assert report.classes == ["a", "b"] and report.confusion == [[1, 0], [1, 0]]
    assert all(type(c) is str for c in report.classes)


def test_predictor_refuses_nan_and_inf_as_training_does(series_bundle):
    predictor = load(series_bundle).predictor
    for bad in (np.nan, np.inf):
        series = sine(20)
        series[7] = bad
        with pytest.raises(ValidationError, match=r"`data` contains NaN or infinity \(first at "
                                                  r"index \(7,\)"):
            predictor.predict(series)
        # A pandas Series was told its values 'scale to values beyond float32'.
        with pytest.raises(ValidationError, match=r"`data` contains NaN or infinity \(first at "
                                                  r"index \(7,\)"):
            predictor.predict(pd.Series(series))
    with pytest.raises(ValidationError, match="scale to values beyond float32"):
        predictor.predict(sine(20) * 1e39)


def test_every_error_class_is_a_seqlab_error_with_an_exit_code():
    from seqlab import errors

    for name in errors.__all__:
        cls = getattr(errors, name)
        if isinstance(cls, type) and not issubclass(cls, Warning):
            assert issubclass(cls, SeqlabError) and cls.exit_code in (1, 2)


def test_regression_bundles_and_updates_name_what_is_wrong(series_bundle, tmp_path):
    # predict_classes said "predict_proba needs a classification model"; update with 2-D
    # new data for a one-column champion was numpy's broadcasting ValueError; backtest
    # with an unknown keyword was a TypeError from Forecaster.__init__.
    import shutil

    from seqlab.lifecycle import update

    predictor = load(series_bundle).predictor
    with pytest.raises(ValidationError, match=r"predict_classes needs a classification model"):
        predictor.predict_classes(sine(20))
    champion = tmp_path / "champion"
    shutil.copytree(series_bundle, champion)
    with pytest.raises(ValidationError, match=r"'new' parameter of update holds data of shape "
                                              r"\(30, 2\); the champion reads 1 column"):
        update(champion, sine(60), np.stack([sine(30)] * 2, axis=1), promote=False)
    with pytest.raises(ValidationError, match=r"backtest got unknown setting\(s\) \['foo'\]"):
        backtest(pd.Series(sine(30)), 3, 2, methods=["naive"], foo=1)


def test_a_recipe_run_into_a_file_is_refused_before_running(tmp_path):
    # FileExistsError from mkdir.
    from seqlab.recipes import run

    (tmp_path / "afile").write_text("keep")
    with pytest.raises(ValidationError, match=r"run directory path .*afile is a file"):
        run("echo", quick=True, out=tmp_path / "afile")
    assert (tmp_path / "afile").read_text() == "keep"


@pytest.mark.parametrize("seeds", [lambda: (s for s in [3, 4]), lambda: map(int, "34"),
                                   lambda: {3: "a", 4: "b"}.keys(), lambda: np.array([3, 4])])
def test_batched_trainer_takes_seeds_from_any_iterable(seeds):
    # A generator, map or dict keys were refused by the check that refuses a single seed.
    assert BatchedTrainer(ModelSpec(1, 1, units=[2]), seeds()).seeds == [3, 4]
