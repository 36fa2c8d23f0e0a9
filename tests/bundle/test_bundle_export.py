"""`seqlab export` and `seqlab inspect`: an exported model computes what the bundle does."""

import json

import numpy as np
import onnxruntime
import pytest
import torch
from typer.testing import CliRunner

from seqlab.bundle import load
from seqlab.bundle.export import export, state_shapes
from seqlab.cli import app
from seqlab.lifecycle import ForecastConfig, train_forecaster
from seqlab.recipes.text_training import TextTrainingConfig, train_text

runner = CliRunner()


@pytest.fixture(scope="module")
def char_lm(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lm")
    (folder / "corpus.txt").write_text("to be or not to be, that is the question. " * 30)
    config = TextTrainingConfig(units=16, layers=2, embedding_dim=8, seq_len=8, batch_size=4,
                                epochs=1, sample_length=0, checks_per_epoch=1)
    train_text(folder / "corpus.txt", config, out=folder / "lm", echo=lambda line: None)
    return folder / "lm"


def _torch_stream(bundle, chunks):
    """Next-character probabilities of the bundle's own model over chunks, state carried."""
    state, outputs = None, []
    with torch.no_grad():
        for chunk in chunks:
            logits, state = bundle.model(torch.as_tensor(chunk), state)
            outputs.append(torch.softmax(logits, -1).numpy())
    return outputs


def test_onnx_stateful_char_lm_matches_the_bundle_over_a_carried_stream(char_lm, tmp_path):
    bundle = load(char_lm)
    path = export(bundle, tmp_path / "lm.onnx")
    session = onnxruntime.InferenceSession(str(path))
    rng = np.random.default_rng(0)
    chunks = [rng.integers(0, bundle.spec.input_size, size=(3, n)) for n in (5, 1, 9)]
    state = [np.zeros(shape, np.float32) for shape in state_shapes(bundle.spec, batch=3)]
    assert len(state) == 4  # two LSTM layers, h and c each
    for chunk, expected in zip(chunks, _torch_stream(bundle, chunks), strict=True):
        y, *state = session.run(None, {"x": chunk, **{f"state_in_{i}": s
                                                       for i, s in enumerate(state)}})
        np.testing.assert_allclose(y, expected, atol=1e-5)
        np.testing.assert_allclose(y.sum(-1), 1.0, atol=1e-5)


def test_torchscript_export_matches_too(char_lm, tmp_path):
    bundle = load(char_lm)
    path = export(bundle, tmp_path / "lm.pt", format="torchscript")
    scripted = torch.jit.load(str(path))  # our own file, just written
    chunk = np.arange(12).reshape(2, 6) % bundle.spec.input_size
    state = [torch.zeros(shape) for shape in state_shapes(bundle.spec, batch=2)]
    with torch.no_grad():
        y = scripted(torch.as_tensor(chunk), *state)[0].numpy()
    np.testing.assert_allclose(y, _torch_stream(bundle, [chunk])[0], atol=1e-5)


def test_stateless_forecaster_exports_without_state(tmp_path):
    series = 10 + np.sin(np.arange(80) / 4)
    trainer, pipeline = train_forecaster(series, ForecastConfig(n_in=6, epochs=2))
    from seqlab.bundle import save

    save(trainer, tmp_path / "model", pipeline=pipeline)
    bundle = load(tmp_path / "model")
    result = runner.invoke(app, ["export", str(tmp_path / "model"), "--out",
                                 str(tmp_path / "f.onnx")])
    assert result.exit_code == 0, result.output
    session = onnxruntime.InferenceSession(str(tmp_path / "f.onnx"))
    x = bundle.predictor.transform(series)
    onnx_scaled = session.run(None, {"x": x.astype(np.float32)})[0]
    np.testing.assert_allclose(pipeline.inverse_targets(onnx_scaled), bundle.predict(series),
                               rtol=1e-5, atol=1e-4)
    assert [i.name for i in session.get_inputs()] == ["x"]


def test_inspect_shows_spec_counts_pipeline_config_and_history(char_lm):
    result = runner.invoke(app, ["inspect", str(char_lm)])
    assert result.exit_code == 0, result.output
    for expected in ('"units": [16, 16]', "Total params:", "(Keras convention: one bias per "
                     "gate)", "pipeline: ", "training config: ", "last 1 epoch(s) of 1"):
        assert expected in result.output
    assert result.output.count("one bias per gate") == 1  # it was said twice
    doc = json.loads(runner.invoke(app, ["inspect", str(char_lm), "--json"]).output)
    assert doc["parameters"] > doc["parameters_keras"] > 0
    assert doc["spec"]["units"] == [16, 16] and len(doc["history"]) == 1


def test_export_refuses_an_unknown_format(char_lm, tmp_path):
    from seqlab.errors import ValidationError

    with pytest.raises(ValidationError, match="Unknown 'format' of export 'tflite'"):
        export(char_lm, tmp_path / "x", format="tflite")


def _small_bundle(path):
    from seqlab.bundle import save

    trainer, pipeline = train_forecaster(10 + np.sin(np.arange(40) / 4),
                                         ForecastConfig(n_in=4, epochs=1, units=2))
    save(trainer, path, pipeline=pipeline)
    return path


def test_export_of_the_bundle_named_as_dot_or_dotdot_writes_beside_it(tmp_path, monkeypatch):
    # `export .` failed with "unexpected ValueError: PosixPath('.') has an empty name", and
    # `export ..` from a version folder wrote '...onnx' inside the bundle.
    bundle = _small_bundle(tmp_path / "model")
    monkeypatch.chdir(bundle)
    result = runner.invoke(app, ["export", "."])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "model.onnx").is_file()
    (tmp_path / "model.onnx").unlink()
    monkeypatch.chdir(next(bundle.glob("v-*")))
    result = runner.invoke(app, ["export", "..", "--format", "torchscript"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "model.pt").is_file()
    assert not list(bundle.rglob("*.onnx")) and not list(bundle.rglob("*.pt"))


def test_export_into_the_bundle_it_reads_is_refused(tmp_path):
    from seqlab.errors import ValidationError

    bundle = _small_bundle(tmp_path / "model")
    with pytest.raises(ValidationError, match=r"is inside .*model, which this command reads"):
        export(bundle, bundle / "model.onnx")
    assert not (bundle / "model.onnx").exists()


def test_an_out_file_named_for_the_other_format_is_refused_naming_both(tmp_path):
    # `export --format torchscript --out x.onnx` wrote TorchScript into x.onnx without a
    # word; onnxruntime then failed on it far from the cause.
    from seqlab.errors import ValidationError

    bundle = _small_bundle(tmp_path / "model")
    with pytest.raises(ValidationError, match=r"x.onnx ends in .onnx, the extension of an ONNX "
                                              r"file, but the 'format' of export \(--format\) "
                                              r"is 'torchscript': name a file ending in .pt, "
                                              r"or give --format onnx"):
        export(bundle, tmp_path / "x.onnx", format="torchscript")
    result = runner.invoke(app, ["export", str(bundle), "--out", str(tmp_path / "x.PT")])
    assert isinstance(result.exception, ValidationError)
    assert "x.PT ends in .PT, the extension of a TorchScript file, but the 'format' of " \
           "export (--format) is 'onnx'" in str(result.exception)
    assert not (tmp_path / "x.onnx").exists() and not (tmp_path / "x.PT").exists()
    assert export(bundle, tmp_path / "x.bin", format="torchscript").is_file()  # any other name
