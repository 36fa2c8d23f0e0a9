"""Save and load: exact predictions in a fresh process, resumable training, rollback."""

import numpy as np
import pytest

from seqlab.bundle import Predictor, load, rollback, save
from seqlab.data import EncodeStep, LabelStep, PadStep, Pipeline, ScaleStep, WindowStep
from seqlab.lifecycle import ForecastConfig, train_forecaster
from seqlab.models import ModelSpec, build
from seqlab.recipes.lifecycle import predict_in_fresh_process
from seqlab.train import Trainer


def _series(seed, n=120):
    rng = np.random.default_rng(seed)
    return 500 + 30 * np.sin(np.arange(n) / 4) + rng.normal(0, 1, n)


@pytest.mark.parametrize("seed", [0, 1])
def test_fresh_process_predictions_equal_in_memory_bit_for_bit(tmp_path, seed):
    series = _series(seed)
    trainer, pipeline = train_forecaster(
        series, ForecastConfig(n_in=4, n_out=2, units=6, epochs=3, seed=seed))
    save(trainer, tmp_path / "b", pipeline=pipeline, optimizer=trainer)
    in_memory = Predictor(trainer.model, pipeline).predict(series).ravel()
    loaded = predict_in_fresh_process(tmp_path / "b", series)
    assert loaded.tolist() == in_memory.tolist()  # exact, not approximately
    # ...and the predictions are the model's, unscaled back to the series' units.
    expected = pipeline.inverse_targets(trainer.predict(pipeline.transform(series))).ravel()
    assert np.array_equal(in_memory, expected)
    assert 400 < in_memory.mean() < 600


def test_manifest_records_versions_and_files(tmp_path):
    model = build(ModelSpec(1, 1, units=[3]), seed=0)
    folder = save(model, tmp_path / "b")
    bundle = load(tmp_path / "b")
    manifest = bundle.manifest
    assert manifest["format_version"] == 1
    assert manifest["seqlab_version"] and manifest["torch_version"]
    assert set(manifest["files"]) == {"spec", "weights"}
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", "spec.json",
                                                         "weights.safetensors"]
    assert bundle.spec == model.spec


# AdamW numbers its state matrices first, then biases: not the model's parameter order.
@pytest.mark.parametrize("optimizer, decay", [("adam", 0.0), ("adamw", 0.1)])
def test_optimizer_state_lets_training_resume_exactly(tmp_path, optimizer, decay):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 5, 1)).astype(np.float32)
    y = x.sum(axis=1)
    options = {"optimizer": optimizer, "weight_decay": decay, "seed": 3, "lr": 0.01}
    trainer = Trainer(build(ModelSpec(1, 1, units=[4, 3]), seed=0), **options)
    trainer.fit(x, y, epochs=3, batch_size=8, verbose=0)
    save(trainer, tmp_path / "b", optimizer=trainer,
         trainer_config=trainer.settings(epochs=3, batch_size=8))
    resumed = load(tmp_path / "b").trainer()
    assert type(resumed.optimizer) is type(trainer.optimizer)
    cold = Trainer(load(tmp_path / "b").model, **options)  # weights only, fresh optimizer
    for t in (trainer, resumed, cold):
        t.fit(x, y, epochs=2, batch_size=8, verbose=0)
    reference = trainer.get_weights()
    for name, value in resumed.get_weights().items():
        assert np.array_equal(value.numpy(), reference[name].numpy()), name
    assert any(not np.array_equal(v.numpy(), reference[k].numpy())
               for k, v in cold.get_weights().items())


def test_classifier_predicts_labels_from_raw_symbol_sequences(tmp_path):
    words = ["abc", "abd", "cba", "dba", "ab", "ba"] * 5
    labels = ["up" if w[0] < w[-1] else "down" for w in words]
    pipeline = Pipeline([EncodeStep(), PadStep(maxlen=3), LabelStep()])
    x, y = pipeline.fit_frame(words, labels)
    spec = ModelSpec(len(pipeline.encoder.vocabulary_), 2, task="multiclass", units=[8],
                     frontend="onehot")
    trainer = Trainer(build(spec, seed=0), seed=0, lr=0.05)
    trainer.fit(x, y, epochs=60, batch_size=10, verbose=0)
    save(trainer, tmp_path / "b", pipeline=pipeline)
    bundle = load(tmp_path / "b")
    probabilities = bundle.predict_proba(["abc", "dba"])
    assert probabilities.shape == (2, 2)
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert list(bundle.predict_classes(["abc", "dba"])) == ["up", "down"]
    assert list(bundle.predict(["abd", "cba"])) == ["up", "down"]


def test_stateful_model_warms_up_then_steps_like_one_stream(tmp_path):
    series = np.sin(np.arange(60) / 3)
    pipeline = Pipeline([ScaleStep(), WindowStep(1)])
    x, y = pipeline.fit_frame(series)
    trainer = Trainer(build(ModelSpec(1, 1, units=[5]), seed=0), stateful=True, seed=0)
    trainer.fit(x, y, epochs=2, batch_size=1, verbose=0)
    save(trainer, tmp_path / "b", pipeline=pipeline)
    predictor = load(tmp_path / "b").predictor
    whole = predictor.warm_up(series)
    head = predictor.warm_up(series[:40])
    tail = predictor.step(series[40:])
    assert np.array_equal(np.concatenate([head, tail]), whole)
    trainer.reset_state()
    assert np.allclose(pipeline.inverse_targets(trainer.predict(pipeline.transform(series))),
                       whole, atol=1e-5)
    with pytest.raises(Exception, match="stateful"):
        Predictor(build(ModelSpec(1, 1, units=[2])), pipeline).warm_up(series)


def test_keep_previous_and_rollback_switch_between_versions(tmp_path):
    first = build(ModelSpec(1, 1, units=[3]), seed=0)
    second = build(ModelSpec(1, 1, units=[3]), seed=1)
    x = np.ones((2, 3, 1), dtype=np.float32)
    save(first, tmp_path / "b")
    save(second, tmp_path / "b", keep_previous=True)
    as_first = Trainer(first).predict(x)
    as_second = Trainer(second).predict(x)
    assert np.array_equal(load(tmp_path / "b").predict(x), as_second)
    rollback(tmp_path / "b")
    assert np.array_equal(load(tmp_path / "b").predict(x), as_first)
    rollback(tmp_path / "b")  # a second rollback undoes the first
    assert np.array_equal(load(tmp_path / "b").predict(x), as_second)
    save(first, tmp_path / "b")  # without keep_previous: nothing to roll back to
    with pytest.raises(Exception, match="no previous version"):
        rollback(tmp_path / "b")
    assert len([p for p in (tmp_path / "b").iterdir() if p.name.startswith("v-")]) == 1


def test_every_training_setting_survives_a_save(tmp_path):
    options = {"l1": 1e-4, "l2": 1e-3, "on_divergence": "rollback", "spike_factor": 2.5,
               "max_rollbacks": 4, "clip_grad_norm": 0.5, "stateful": True, "seed": 1}
    trainer = Trainer(build(ModelSpec(1, 1, units=[2]), seed=0), **options)
    save(trainer, tmp_path / "b")
    loaded = load(tmp_path / "b")
    for key, value in options.items():
        assert getattr(loaded.trainer_config, key) == value, key
    assert loaded.trainer_config == trainer.settings()
    resumed = loaded.trainer()
    assert resumed.config == trainer.settings()


def test_a_bundle_written_before_trainer_config_still_loads():
    # Saved by seqlab before TrainerConfig (trainer.json without version, l1, l2 …).
    from pathlib import Path

    loaded = load(Path(__file__).parent / "data" / "before-trainer-config")
    config = loaded.trainer_config
    assert (config.optimizer, config.lr, config.momentum, config.clip_grad_norm) == (
        "sgd", 0.05, 0.9, 1.0)
    assert (config.epochs, config.batch_size, config.shuffle) == (2, 4, False)
    assert (config.l1, config.l2, config.on_divergence) == (0.0, 0.0, "raise")
    x = np.linspace(0, 1, 24, dtype=np.float32).reshape(8, 3, 1)
    assert np.allclose(loaded.predict(x[:2]).ravel(), [0.5157867670059204, 0.5128481388092041])
    assert type(loaded.trainer().optimizer).__name__ == "SGD"
