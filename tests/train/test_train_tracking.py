"""Experiment tracking: TensorBoard event files read back (grouped scalars, the
train-vs-validation layout, hparams with final metrics) and the MLflow logger against a
fake `mlflow` module that records its calls (mlflow itself is an optional extra)."""

import sys

import numpy as np
import pytest

from fake_mlflow import FakeMlflow
from seqlab.errors import ValidationError
from seqlab.models import ModelSpec, build
from seqlab.train import TensorBoard, Trainer
from seqlab.train.tracking import MLflow, epoch_scalars, hparams_of, metric_tag


def _fit(callbacks, epochs=3, fits=1):
    rng = np.random.default_rng(0)
    x = rng.random((16, 4, 1), dtype=np.float32)
    y = x.sum(axis=1)
    trainer = Trainer(build(ModelSpec(1, 1, units=[3]), seed=0), callbacks=callbacks, seed=0,
                      lr=0.01)
    for _ in range(fits):
        trainer.fit(x, y, epochs=epochs, batch_size=8, validation_data=(x, y), verbose=0)
    return trainer


def _events(folder):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(folder))
    events.Reload()
    return events


def test_metric_tags_group_train_and_validation_of_one_metric():
    assert metric_tag("loss") == "loss/train"
    assert metric_tag("val_loss") == "loss/validation"
    assert metric_tag("val_accuracy") == "accuracy/validation"
    assert metric_tag("lr") == "lr"
    assert epoch_scalars({"epoch": 3, "seconds": 0.1, "loss": 1, "val_loss": float("nan"),
                          "stopped": True}) == {"loss/train": 1.0}


def test_tensorboard_writes_grouped_scalars_a_shared_chart_and_hparams(tmp_path):
    from tensorboard.plugins.custom_scalar import layout_pb2
    from tensorboard.plugins.hparams import plugin_data_pb2

    _fit([TensorBoard(tmp_path, hparams={"recipe": "toy", "options": {"a": 1}})], fits=2)
    events = _events(tmp_path)
    scalars = set(events.Tags()["scalars"])
    assert {"loss/train", "loss/validation", "lr"} <= scalars
    assert "loss" not in scalars and "val_loss" not in scalars
    assert [e.step for e in events.Scalars("loss/validation")] == [1, 2, 3, 4, 5, 6]  # two fits, one curve

    # The custom-scalars layout: one chart holds loss/train and loss/validation.
    layout = layout_pb2.Layout()
    layout.ParseFromString(events.Tensors("custom_scalars__config__")[0]
                           .tensor_proto.string_val[0])
    charts = {chart.title: list(chart.multiline.tag)
              for category in layout.category for chart in category.chart}
    assert charts["loss"] == ["loss/train", "loss/validation"]

    # HParams: the trainer's config, the spec and the extra options; the final metrics
    # are the run's own scalar tags.
    content = events.PluginTagToContent("hparams")
    start = plugin_data_pb2.HParamsPluginData.FromString(
        content["_hparams_/session_start_info"]).session_start_info
    assert start.hparams["lr"].number_value == pytest.approx(0.01)
    assert start.hparams["recipe"].string_value == "toy"
    assert start.hparams["options"].string_value == '{"a": 1}'
    assert start.hparams["spec.units"].string_value == "[3]"
    experiment = plugin_data_pb2.HParamsPluginData.FromString(
        content["_hparams_/experiment"]).experiment
    metrics = {info.name.tag for info in experiment.metric_infos}
    assert {"loss/train", "loss/validation"} <= metrics and metrics <= scalars


def test_mlflow_logs_params_and_grouped_metrics_through_the_callback_path(monkeypatch):
    fake = FakeMlflow()
    monkeypatch.setitem(sys.modules, "mlflow", fake)
    trainer = _fit([MLflow("file:./mlruns", experiment="seqlab", run_name="toy",
                           hparams={"recipe": "toy"})], epochs=2, fits=2)
    assert fake.named("set_tracking_uri")[0][0] == ("file:./mlruns",)
    assert fake.named("set_experiment")[0][0] == ("seqlab",)
    starts = fake.named("start_run")
    assert starts[0][1] == {"run_name": "toy"} and starts[1][1] == {"run_id": "run-1"}
    ((params,), _), = fake.named("log_params")  # once: params are fixed for a run
    assert params == hparams_of(trainer, {"recipe": "toy"}) and params["recipe"] == "toy"
    logged = fake.named("log_metrics")
    assert [kwargs["step"] for _, kwargs in logged] == [1, 2, 3, 4]
    assert {"loss/train", "loss/validation", "lr"} <= set(logged[0][0][0])
    assert len(fake.named("end_run")) == 2


def test_mlflow_missing_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "mlflow", None)  # import mlflow -> ImportError
    with pytest.raises(ValidationError, match=r"seqlab\[mlflow\]"):
        _fit([MLflow()], epochs=1)
