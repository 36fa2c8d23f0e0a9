"""Training a character language model on any text file: seqlab's default recipe for it.

Beyond the documents: the corpus is read as 64 contiguous streams in 100-step chunks
with a target at every step (stateful many-to-many, so every character is a target once
per epoch), embedded input, LSTM(512), dropout 0.3 before the head, Adam with a cosine
learning-rate decay, gradient clipping at norm 1, and roll-back on divergence.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from seqlab._validation import check_choice, check_float, check_int
from seqlab.data.pipeline import EncodeStep, Pipeline
from seqlab.data.text import TextCorpus, sequence_windows
from seqlab.generate.sampling import generate_text
from seqlab.models import ModelSpec, build
from seqlab.train import Callback, LearningRateScheduler, Trainer

__all__ = ["TextTrainingConfig", "train_text", "text_pipeline"]


@dataclass
class TextTrainingConfig:
    """Settings of `train_text`; every field has the `seqlab train-text` option of its name."""

    cell: str = "lstm"
    units: int = 512
    layers: int = 1
    embedding_dim: int = 64
    seq_len: int = 100
    batch_size: int = 64
    epochs: int = 20
    lr: float = 2e-3
    dropout: float = 0.3
    clip: float = 1.0
    lower: bool = False
    val_fraction: float = 0.1
    minutes: float | None = None
    seed: int = 0
    sample_length: int = 200
    temperature: float = 0.5

    def validate(self) -> TextTrainingConfig:
        """Check every field, naming the first bad one."""
        owner = "train-text"
        check_choice("cell", self.cell, owner, ("lstm", "gru", "rnn"))
        for name in ("units", "layers", "embedding_dim", "seq_len", "batch_size", "epochs"):
            check_int(name, getattr(self, name), owner, low=1)
        check_float("lr", self.lr, owner, low=0.0, low_open=True)
        check_float("dropout", self.dropout, owner, low=0.0, high=0.9)
        check_float("clip", self.clip, owner, low=0.0, low_open=True)
        check_float("val_fraction", self.val_fraction, owner, low=0.0, high=0.5, low_open=True)
        if self.minutes is not None:
            check_float("minutes", self.minutes, owner, low=0.0, low_open=True)
        check_int("sample_length", self.sample_length, owner, low=0)
        check_float("temperature", self.temperature, owner, low=0.0)
        return self


def text_pipeline(corpus: TextCorpus) -> Pipeline:
    """The preprocessing a text bundle keeps: its vocabulary, as a fitted encode step."""
    step = EncodeStep()
    step.vocabulary_ = corpus.vocab
    return Pipeline([step])


class _EpochSamples(Callback):
    """After each epoch: held-out perplexity and a short sample, as the documents print."""

    def __init__(self, corpus: TextCorpus, config: TextTrainingConfig, echo, started: float):
        self.corpus, self.config, self.echo, self.started = corpus, config, echo, started

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        minutes = (time.perf_counter() - self.started) / 60
        self.echo(f"epoch {epoch + 1}: loss {logs['loss']:.4f}, held-out loss "
                  f"{logs['val_loss']:.4f} (perplexity {math.exp(logs['val_loss']):.2f}), "
                  f"{minutes:.1f} min")
        if self.config.sample_length:
            prime = self.corpus.text[:40]
            text = generate_text(self.trainer.model, self.corpus.vocab, prime,
                                 self.config.sample_length, temperature=self.config.temperature,
                                 seed=self.config.seed)
            self.echo(f"  sample at T={self.config.temperature}: {prime + text!r}")
        if self.config.minutes is not None and minutes >= self.config.minutes:
            self.echo(f"time budget of {self.config.minutes} min reached")
            self.trainer.stop_training = True


def train_text(
    path: str | Path, config: TextTrainingConfig | None = None, *,
    out: str | Path | None = None, echo: Callable[[str], None] = print,
) -> Trainer:
    """Train a character model on the UTF-8 file at `path`; save a bundle to `out`."""
    config = (config or TextTrainingConfig()).validate()
    corpus = TextCorpus.from_file(path, lower=config.lower)
    train, val = corpus.split(config.val_fraction)
    streams = config.batch_size

    def chunks(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x, y = sequence_windows(np.ascontiguousarray(ids), config.seq_len)
        keep = len(x) // min(streams, len(x)) * min(streams, len(x))
        return x[:keep], y[:keep]

    x, y = chunks(train)
    validation = chunks(val)
    spec = ModelSpec(len(corpus.vocab), len(corpus.vocab), task="multiclass", cell=config.cell,
                     units=[config.units] * config.layers, return_sequences=True,
                     frontend="embedding", embedding_dim=config.embedding_dim,
                     dropout=config.dropout, timesteps=config.seq_len)
    model = build(spec, seed=config.seed)
    trainer = Trainer(model, optimizer="adam", lr=config.lr, stateful=True, seed=config.seed,
                      clip_grad_norm=config.clip, on_divergence="rollback", spike_factor=1.5)
    echo(f"{len(corpus):,} characters, {len(corpus.vocab)} distinct; training on "
         f"{len(train):,}, holding out the last {len(val):,}")

    def cosine(epoch: int, lr: float) -> float:
        return config.lr * 0.5 * (1 + math.cos(math.pi * epoch / config.epochs))

    callbacks = [LearningRateScheduler(cosine),
                 _EpochSamples(corpus, config, echo, time.perf_counter())]
    trainer.fit(x, y, epochs=config.epochs, batch_size=streams, validation_data=validation,
                callbacks=callbacks, verbose=0)
    if out is not None:
        from seqlab.bundle import save

        save(trainer, out, pipeline=text_pipeline(corpus),
             metadata={"kind": "char-lm", "source": Path(path).name,
                       **{k: v for k, v in asdict(config).items() if v is not None}})
        echo(f"bundle written to {out}")
    return trainer
