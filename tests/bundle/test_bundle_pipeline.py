"""The Pipeline: fit/transform/inverse, JSON round trip, registry-only step types."""

import json

import numpy as np
import pytest

from seqlab.data import (
    EncodeStep,
    LabelStep,
    PadStep,
    Pipeline,
    ScaleStep,
    WindowStep,
)
from seqlab.data.pipeline import STEP_TYPES
from seqlab.errors import NotFittedError, UnknownNameError, ValidationError


def test_series_pipeline_frames_scales_and_inverts():
    series = np.arange(10.0) * 10 + 1000
    pipeline = Pipeline([ScaleStep("minmax"), WindowStep(3, 2)])
    x, y = pipeline.fit_frame(series)
    assert x.shape == (6, 3, 1) and y.shape == (6, 2)
    assert x.min() == 0.0 and np.isclose(y.max(), 1.0)
    assert np.allclose(pipeline.inverse_targets(y), [[1030, 1040], [1040, 1050], [1050, 1060],
                                                     [1060, 1070], [1070, 1080], [1080, 1090]])
    inputs = pipeline.transform(series)
    assert inputs.shape == (8, 3, 1)  # every window, the target-less last one included
    assert np.allclose(pipeline.inverse_targets(inputs[-1, :, 0]), [1070, 1080, 1090])


def test_json_round_trip_gives_identical_transforms():
    series = np.random.default_rng(0).normal(50, 5, size=(40, 2))
    pipeline = Pipeline([ScaleStep("standard"), WindowStep(4, 1, as_features=True)],
                        columns=["a", "b"])
    pipeline.fit(series)
    again = Pipeline.from_dict(json.loads(json.dumps(pipeline.to_dict())))
    assert np.array_equal(again.transform(series), pipeline.transform(series))
    assert again.transform(series).shape == (37, 1, 8)
    assert again.columns == ["a", "b"]


def test_symbols_encode_pad_and_decode():
    pipeline = Pipeline([EncodeStep(unknown="?"), PadStep(padding="post"), LabelStep()])
    x, y = pipeline.fit_frame(["ab", "abc", "c"], ["x", "y", "x"])
    vocab = pipeline.encoder.vocabulary_
    assert x.dtype == np.int64 and x.shape == (3, 3)
    assert vocab.decode(x[0][:2]) == ["a", "b"]
    assert y.tolist() == [0, 1, 0]
    assert pipeline.transform(["zz"])[0, :2].tolist() == [vocab.id_of("?")] * 2
    assert list(pipeline.decode([1, 0])) == ["y", "x"]


def test_next_symbol_pipeline_windows_ids():
    pipeline = Pipeline([EncodeStep(), WindowStep(2)])
    x, y = pipeline.fit_frame("abcabcabc")
    assert x.shape == (7, 2) and x.dtype == np.int64 and y.shape == (7,)
    assert "".join(pipeline.decode(y[:3])) == "cab"


def test_unfitted_pipeline_says_to_fit():
    with pytest.raises(NotFittedError, match="fit"):
        Pipeline([ScaleStep(), WindowStep(2)]).transform(np.arange(5.0))


def test_step_types_come_from_the_registry_only():
    assert set(STEP_TYPES) == {"scale", "encode", "window", "pad", "labels"}
    with pytest.raises(UnknownNameError, match="os.system"):
        Pipeline.from_dict({"steps": [{"type": "os.system", "config": {}}]})
    with pytest.raises(ValidationError, match="unknown key"):
        Pipeline.from_dict({"steps": [{"type": "scale", "config": {"method": "minmax",
                                                                   "factory": "eval"}}]})
    with pytest.raises(ValidationError, match="plain JSON value"):
        Pipeline.from_dict({"steps": [{"type": "window",
                                       "config": {"n_in": {"py/object": "os.system"}}}]})


def test_bad_orders_and_step_objects_are_refused():
    with pytest.raises(ValidationError, match="before the framing step"):
        Pipeline([WindowStep(2), ScaleStep()])
    with pytest.raises(ValidationError, match="at most one framing"):
        Pipeline([WindowStep(2), PadStep()])
    with pytest.raises(ValidationError, match="must be a Step"):
        Pipeline([lambda x: x])


def test_columns_that_do_not_name_the_datas_features_are_refused_at_fit():
    # A pipeline naming 2 columns was fitted on a 1-feature series; the bundle saved from it
    # could then not be loaded ("its scaler was fitted on 1 feature(s)").
    with pytest.raises(ValidationError, match=r"'columns' parameter of Pipeline names 2 "
                                              r"column\(s\) \['a', 'b'\] but the data have 1"):
        Pipeline([ScaleStep(), WindowStep(4)], columns=["a", "b"]).fit(np.arange(20.0))
    fitted = Pipeline([ScaleStep(), WindowStep(4)], columns=["a", "b"]).fit(
        np.c_[np.arange(20.0), np.arange(20.0)])
    assert fitted.window.n_in == 4


def test_save_refuses_a_pipeline_its_model_cannot_take_and_writes_nothing(tmp_path):
    # save wrote it and only load refused it: the training was lost with the bundle.
    from seqlab.bundle import load, save
    from seqlab.errors import BundleError
    from seqlab.models import ModelSpec, build

    pipeline = Pipeline([ScaleStep(), WindowStep(4)]).fit(np.c_[np.arange(20.0),
                                                                np.arange(20.0)])
    with pytest.raises(BundleError, match=r"Nothing was saved: .* gives the model 2 "
                                          r"feature\(s\) a step but the spec's input_size is 1"):
        save(build(ModelSpec(1, 1, units=[4])), tmp_path / "b", pipeline=pipeline)
    assert not (tmp_path / "b").exists()
    save(build(ModelSpec(2, 2, units=[4], timesteps=4)), tmp_path / "b", pipeline=pipeline)
    assert load(tmp_path / "b").pipeline.window.n_in == 4


def test_a_standard_scale_step_needs_no_range_and_a_range_may_be_an_array():
    # Bundles written with ScaleStep("standard", feature_range=None) stopped loading once
    # the range was checked, and a numpy range was refused.
    pipeline = Pipeline([ScaleStep("standard", feature_range=None), WindowStep(3)])
    pipeline.fit(np.sin(np.arange(40) / 3))
    again = Pipeline.from_dict(json.loads(json.dumps(pipeline.to_dict())))
    assert again.steps[0].feature_range is None
    np.testing.assert_array_equal(again.transform(np.arange(10.0)),
                                  pipeline.transform(np.arange(10.0)))
    assert ScaleStep(feature_range=np.array([-1, 1])).feature_range == [-1.0, 1.0]
    for bad in (None, np.array(3)):
        with pytest.raises(ValidationError, match=r"'feature_range' parameter of ScaleStep"):
            ScaleStep("minmax", feature_range=bad)


def test_save_refuses_an_unfitted_pipeline_and_writes_nothing(tmp_path):
    # It saved a bundle whose predict failed with 'call Pipeline.fit'.
    from seqlab.bundle import save
    from seqlab.errors import BundleError
    from seqlab.models import ModelSpec, build

    model = build(ModelSpec(input_size=1, output_size=1, units=[2], timesteps=3))
    pipeline = Pipeline([ScaleStep("minmax"), WindowStep(n_in=3)])
    with pytest.raises(BundleError, match=r"step 0 \(scale\) is not fitted"):
        save(model, tmp_path / "b", pipeline=pipeline)
    assert not (tmp_path / "b").exists()


def test_columns_naming_one_column_twice_are_refused():
    # A bundle whose pipeline named 'a' twice loaded; predict then blamed the user's file
    # ('The columns to read from new.csv repeat a name').
    with pytest.raises(ValidationError, match=r"'columns' parameter of Pipeline names 'a' twice"):
        Pipeline([ScaleStep(), WindowStep(n_in=2)], columns=["a", "b", "a"])
