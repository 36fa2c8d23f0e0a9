"""Training a character language model on any text file: seqlab's default recipe for it.

Beyond the documents: the corpus is read as 32 contiguous streams in 32-step chunks
with a target at every step (stateful many-to-many: every character is a target once
per epoch and the state carries context past the chunk), embedded input, LSTM(512),
dropout 0.1 on its input and 0.3 before the head, AdamW at 5e-3 with weight decay 0.1
on the matrices, the learning rate decayed after every batch along a cosine
(over the epochs, or over `minutes` when that runs out first), gradient clipping at
norm 1, roll-back on divergence, and the weights of the best held-out epoch kept.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from seqlab._settings import Bool, Choice, Float, Int, check_fields, setting
from seqlab._validation import MAX_SEED
from seqlab.data.pipeline import EncodeStep, Pipeline
from seqlab.data.text import TextCorpus, stream_chunks
from seqlab.errors import ValidationError
from seqlab.generate.sampling import generate_text
from seqlab.models import ModelSpec, build
from seqlab.models.spec import CELLS
from seqlab.train import Callback, CosineDecay, Trainer
from seqlab.train.callbacks import KeepBest
from seqlab.train.precision import DEVICES, PRECISIONS

__all__ = ["HeldOutCheck", "TextTrainingConfig", "TextTrainingRun", "train_text",
           "text_pipeline"]


@dataclass
class TextTrainingConfig:
    """Settings of `train_text`; every field is the `seqlab train-text` option of its name
    (the options, their help and their checks come from the declarations below)."""

    cell: str = setting("lstm", Choice(CELLS), "lstm, gru or rnn.")
    units: int = setting(512, Int(1), "Units per recurrent layer.")
    layers: int = setting(1, Int(1), "Stacked recurrent layers.")
    embedding_dim: int = setting(64, Int(1), "Size of the character embedding.")
    seq_len: int = setting(32, Int(1), "Steps per training chunk (the state carries on "
                                       "past it).")
    batch_size: int = setting(32, Int(1), "Parallel streams per batch.")
    epochs: int = setting(8, Int(1), "Passes over the text.")
    lr: float = setting(5e-3, Float(0.0, low_open=True),
                        "Peak learning rate (cosine decay after every batch).")
    dropout: float = setting(0.3, Float(0.0, 0.9), "Dropout before the head.")
    input_dropout: float = setting(0.1, Float(0.0, 0.9), "Dropout on the embedded characters.")
    weight_decay: float = setting(0.1, Float(0.0), "AdamW's decoupled weight decay (on the "
                                                  "weight matrices).")
    clip: float = setting(1.0, Float(0.0, low_open=True), "Gradient norm clipping.")
    lower: bool = setting(False, Bool(), "Lower-case the text first.")
    val_fraction: float = setting(0.1, Float(0.0, 0.5, low_open=True),
                                  "Fraction held out at the end of the text.")
    minutes: float | None = setting(None, Float(0.0, low_open=True, optional=True),
                                    "Time budget: training stops when it or the epochs run "
                                    "out, whichever comes first (the last line says which).")
    seed: int = setting(0, Int(0, MAX_SEED), "Seed for weights, order and samples.")
    sample_length: int = setting(200, Int(0), "Characters per sample (0: none).")
    temperature: float = setting(0.5, Float(0.0), "Temperature of the samples printed after "
                                                  "each epoch.")
    checks_per_epoch: int = setting(4, Int(1), "Held-out checks per epoch.")
    device: str = setting("auto", Choice(DEVICES), "auto (a GPU when present), cpu, cuda or mps.")
    precision: str = setting("32", Choice(PRECISIONS), "32, bf16 (bfloat16 autocast: faster on "
                             "CPUs and GPUs with bf16 units) or 16 (CUDA only).")

    def validate(self) -> TextTrainingConfig:
        """Check every field, naming the first bad one."""
        check_fields(self, "train-text")
        return self


@dataclass(frozen=True)
class HeldOutCheck:
    """One held-out evaluation during `train_text`: where (in epochs), when, and the loss."""

    epoch: float
    minutes: float
    loss: float


@dataclass
class TextTrainingRun:
    """What `train_text` returns: the trainer (holding the best held-out weights), the
    corpus, every held-out check in order and the sample generated after each epoch
    (without its prime)."""

    trainer: Trainer
    corpus: TextCorpus
    checks: list[HeldOutCheck]
    samples: list[str]
    #: What ended training: "epochs" (all of them ran) or "minutes" (the time budget).
    stopped_by: str = "epochs"

    @property
    def best(self) -> HeldOutCheck:
        """The check with the lowest held-out loss (its weights are the ones kept)."""
        return min(self.checks, key=lambda check: check.loss)

    def first_at_or_below(self, loss: float) -> HeldOutCheck | None:
        """The earliest check whose held-out loss is at most `loss`, or None."""
        return next((check for check in self.checks if check.loss <= loss), None)


def text_pipeline(corpus: TextCorpus) -> Pipeline:
    """The preprocessing a text bundle keeps: its vocabulary, as a fitted encode step."""
    step = EncodeStep()
    step.vocabulary_ = corpus.vocab
    return Pipeline([step])


class _Progress(Callback):
    """Held-out loss `checks_per_epoch` times an epoch and a short sample after each, as
    the documents print; keeps the weights with the lowest held-out loss seen and restores
    them at the end (a language model on a small corpus starts to overfit before its
    schedule ends)."""

    def __init__(self, corpus: TextCorpus, config: TextTrainingConfig, validation,
                 steps_per_epoch: int, echo, started: float):
        self.corpus, self.config, self.validation = corpus, config, validation
        self.echo, self.started = echo, started
        self.check_every = max(1, steps_per_epoch // config.checks_per_epoch)
        self.steps_per_epoch = steps_per_epoch
        self.best = KeepBest()
        self.epoch, self.last_at = 0, ""
        self.stopped_by = "epochs"
        self.checks: list[HeldOutCheck] = []
        self.samples: list[str] = []

    def on_epoch_begin(self, epoch: int) -> None:
        self.epoch, self.batches = epoch, 0

    def on_batch_end(self, batch: int, logs: dict[str, Any]) -> None:
        self.batches += 1
        if self.batches % self.check_every == 0 and self.batches < self.steps_per_epoch:
            loss = self.trainer.evaluate(*self.validation, batch_size=self.config.batch_size)
            epoch = self.epoch + self.batches / self.steps_per_epoch
            self._check(f"{epoch:.2f}", epoch, loss["loss"])

    def _check(self, at: str, epoch: float, val_loss: float,
               train_loss: float | None = None) -> None:
        minutes = (time.perf_counter() - self.started) / 60
        self.checks.append(HeldOutCheck(epoch, minutes, val_loss))
        trained = "" if train_loss is None else f"loss {train_loss:.4f}, "
        self.echo(f"epoch {at}: {trained}held-out loss {val_loss:.4f} (perplexity "
                  f"{math.exp(val_loss):.2f}), {minutes:.1f} min, learning rate "
                  f"{self.trainer.lr:.2g}")
        self.last_at = at
        self.best.offer(val_loss, at, self.trainer)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        self._check(str(epoch + 1), epoch + 1, logs["val_loss"], logs["loss"])
        if self.config.sample_length:
            prime = self.corpus.text[:40]
            text = generate_text(self.trainer.model, self.corpus.vocab, prime,
                                 self.config.sample_length, temperature=self.config.temperature,
                                 seed=self.config.seed)
            self.samples.append(text)
            self.echo(f"  sample at T={self.config.temperature}: {prime + text!r}")
        if self.config.minutes is not None and (self.trainer.stop_training or
                                                epoch + 1 == self.config.epochs):
            # Whichever of the epochs and the time budget runs out first ends training.
            minutes = (time.perf_counter() - self.started) / 60
            if epoch + 1 < self.config.epochs:
                self.stopped_by = "minutes"
                self.echo(f"stopped after {epoch + 1} of {self.config.epochs} epoch(s): the "
                          f"time budget of {self.config.minutes:g} min ran out first")
            else:
                self.echo(f"stopped after all {self.config.epochs} epoch(s), {minutes:.1f} "
                          f"min into the time budget of {self.config.minutes:g} min")

    def on_train_end(self, logs: dict[str, Any]) -> None:
        if self.best.at != self.last_at and self.best.restore(self.trainer):
            self.echo(f"kept the weights of epoch {self.best.at} (held-out loss "
                      f"{self.best.value:.4f}), the best held out")


def train_text(
    path: str | Path, config: TextTrainingConfig | None = None, *,
    out: str | Path | None = None, echo: Callable[[str], None] = print,
) -> TextTrainingRun:
    """Train a character model on the UTF-8 file at `path`; save a bundle to `out`.

    Progress lines go to `echo`. The returned run's trainer holds the weights of the
    check with the lowest held-out loss; its checks and samples are what was printed.
    """
    config = (config or TextTrainingConfig()).validate()
    if out is not None:
        from seqlab.bundle import check_target

        check_target(out)
    started = time.perf_counter()
    corpus = TextCorpus.from_file(path, lower=config.lower)
    train, val = corpus.split(config.val_fraction)
    streams = config.batch_size

    for part, ids in (("training", train), ("held-out", val)):
        if len(ids) < streams * config.seq_len + 1:
            raise ValidationError(
                f"The {part} part of {str(path)!r} has {len(ids):,} characters; train-text "
                f"needs at least batch_size x seq_len + 1 = {streams * config.seq_len + 1:,} "
                f"(batch_size {streams}, seq_len {config.seq_len}, val_fraction "
                f"{config.val_fraction}). Use a longer text or smaller settings."
            )
    x, y = stream_chunks(train, config.seq_len, streams)
    validation = stream_chunks(val, config.seq_len, streams)
    from seqlab.bundle.store import live_version

    # What this run replaces: a bundle another run saves at `out` meanwhile is kept as the
    # previous version rather than lost (see seqlab.bundle.store).
    replaces = live_version(out) if out is not None else None
    spec = ModelSpec(len(corpus.vocab), len(corpus.vocab), task="multiclass", cell=config.cell,
                     units=[config.units] * config.layers, return_sequences=True,
                     frontend="embedding", embedding_dim=config.embedding_dim,
                     dropout=config.dropout, input_dropout=config.input_dropout,
                     timesteps=config.seq_len)
    model = build(spec, seed=config.seed)
    trainer = Trainer(model, optimizer="adamw", lr=config.lr, weight_decay=config.weight_decay,
                      stateful=True, seed=config.seed,
                      clip_grad_norm=config.clip, on_divergence="rollback", spike_factor=1.5,
                      device=config.device, precision=config.precision)
    echo(f"{len(corpus):,} characters, {len(corpus.vocab)} distinct; training on "
         f"{len(train):,}, holding out the last {len(val):,} (on {trainer.device.type}, "
         f"precision {config.precision})")

    steps_per_epoch = len(x) // streams
    progress = _Progress(corpus, config, validation, steps_per_epoch, echo, started)
    callbacks = [CosineDecay(total_steps=steps_per_epoch * config.epochs, minutes=config.minutes),
                 progress]
    trainer.fit(x, y, epochs=config.epochs, batch_size=streams, validation_data=validation,
                callbacks=callbacks, verbose=0)
    if out is not None:
        from seqlab.bundle import save

        save(trainer, out, pipeline=text_pipeline(corpus), replaces=replaces,
             metadata={"kind": "char-lm", "source": Path(path).name,
                       **{k: v for k, v in asdict(config).items() if v is not None}})
        echo(f"bundle written to {out}")
    return TextTrainingRun(trainer, corpus, progress.checks, progress.samples,
                           progress.stopped_by)
