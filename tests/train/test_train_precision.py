"""Devices and mixed precision: bf16 autocast learns as float32 does; unavailable devices and
precisions are clear errors."""

import numpy as np
import pytest
import torch

from seqlab.data.text import TextCorpus, stream_chunks
from seqlab.errors import ValidationError
from seqlab.models import ModelSpec, build
from seqlab.problems.corpora import corpus_path
from seqlab.train import Trainer, TrainerConfig
from seqlab.train.precision import cpu_bf16_available, resolve_device

TEXT = corpus_path("tinyshakespeare").read_text()[:40_000]


def _held_out_loss(precision: str, seed: int) -> float:
    corpus = TextCorpus.from_text(TEXT)
    train, held_out = corpus.split(0.1)
    x, y = stream_chunks(train, 32, 16)
    vx, vy = stream_chunks(held_out, 32, 4)
    spec = ModelSpec(len(corpus.vocab), len(corpus.vocab), task="multiclass", units=[64],
                     return_sequences=True, frontend="embedding", embedding_dim=16)
    trainer = Trainer(build(spec, seed=seed), optimizer="adam", lr=1e-2, stateful=True,
                      seed=seed, precision=precision, device="cpu")
    trainer.fit(x, y, epochs=3, batch_size=16, verbose=0)
    return trainer.evaluate(vx, vy, batch_size=4)["loss"]


BF16 = cpu_bf16_available()
"""Whether this CPU's recurrent kernels take bf16 (those without AVX-512 refuse it)."""


def test_bf16_on_a_cpu_without_it_is_a_clear_error():
    model = build(ModelSpec(1, 1, units=[8]), seed=0)
    if BF16:
        assert Trainer(model, precision="bf16", device="cpu").precision.name == "bf16"
    else:
        with pytest.raises(ValidationError, match="'bf16' is not available on this CPU"):
            Trainer(model, precision="bf16", device="cpu")


@pytest.mark.parametrize("seed", [0, 1])
def test_bf16_autocast_learns_what_float32_learns(seed):
    if not BF16:  # refused there (the test above); float32 must still learn
        assert _held_out_loss("32", seed) < 2.3
        return
    full, half = _held_out_loss("32", seed), _held_out_loss("bf16", seed)
    assert full < 2.3  # learned something (an untrained model is near ln(60 symbols) = 4.1)
    assert abs(half - full) < 0.03, (full, half)  # measured: within 0.003 for seeds 0-2


def test_bf16_predictions_come_back_as_float32():
    model = build(ModelSpec(1, 1, units=[8]), seed=0)
    trainer = Trainer(model, precision="bf16" if BF16 else "32", device="cpu")
    out = trainer.predict(np.ones((3, 4, 1), np.float32))
    assert out.dtype == np.float32 and out.shape == (3, 1)


def test_unavailable_devices_and_precisions_are_clear_errors():
    model = build(ModelSpec(1, 1, units=[8]), seed=0)
    if not torch.cuda.is_available():
        with pytest.raises(ValidationError, match="The device 'cuda' is not available"):
            Trainer(model, device="cuda")
        with pytest.raises(ValidationError, match="precision '16' .* needs a CUDA device"):
            Trainer(model, device="cpu", precision="16")
        assert resolve_device("auto").type in ("cpu", "mps")
    with pytest.raises(ValidationError, match="'device' parameter must be one of"):
        Trainer(model, device="tpu")
    with pytest.raises(ValidationError, match="Unknown 'precision'"):
        Trainer(model, device="cpu", precision="8")


def test_precision_is_a_setting_that_round_trips():
    config = TrainerConfig(precision="bf16")
    assert TrainerConfig.from_dict(config.to_dict()).precision == "bf16"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="the CUDA path needs a GPU")
@pytest.mark.parametrize("precision", ["32", "bf16", "16"])
def test_cuda_training_in_every_precision(precision):
    x = np.random.default_rng(0).normal(size=(64, 5, 1)).astype(np.float32)
    y = x.sum(axis=1)
    trainer = Trainer(build(ModelSpec(1, 1, units=[16]), seed=0), device="cuda",
                      precision=precision, lr=1e-2)
    history = trainer.fit(x, y, epochs=20, batch_size=16, verbose=0)
    assert history.records[-1]["loss"] < history.records[0]["loss"] / 2


@pytest.mark.parametrize("fast", [True, False])
def test_auto_precision_is_bf16_only_where_the_cpu_computes_it_natively(monkeypatch, fast):
    from seqlab.train import precision

    monkeypatch.setattr(precision, "_cpu_has_fast_bf16", lambda: fast)
    trainer = Trainer(build(ModelSpec(1, 1, units=[4]), seed=0), precision="auto", device="cpu")
    assert trainer.precision.name == ("bf16" if fast else "32")
    assert precision.resolve_precision("auto", torch.device("mps")) == "32"
    assert precision.resolve_precision("32", torch.device("cpu")) == "32"
