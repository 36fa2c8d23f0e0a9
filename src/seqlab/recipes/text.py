"""The text recipes: character-level language models of the course notebook (000, A4/A5)
and the Keras recurrent-networks blog post (002, B1–B5), on the Nietzsche corpus.

Each trains on the first 90% of the corpus, reports the training loss beside the
document's (which trained on all of it), the held-out loss on the last 10%, and a
sample. Language models roll back to the last good epoch with a lower learning rate
when the loss diverges (000's run went from 1.38 to 7.67 at iteration 38).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import torch
from torch import nn

from seqlab.data.text import TextCorpus, next_symbol_windows, stream_chunks
from seqlab.generate.sampling import generate_text
from seqlab.models import ModelSpec, build
from seqlab.problems.corpora import load_corpus
from seqlab.recipes.registry import (
    Outcome,
    Recipe,
    RunContext,
    median_at_most,
    median_below,
    register,
)
from seqlab.train import Callback, History, Trainer

SOURCE_000 = "000 (course notebook)"
SOURCE_002 = "002 (Keras recurrent-networks blog post)"
QUICK_CHARS = 30_000


@lru_cache(maxsize=1)
def _nietzsche() -> TextCorpus:
    return load_corpus("nietzsche", lower=True)


def _split(context: RunContext) -> tuple[TextCorpus, np.ndarray, np.ndarray]:
    corpus = _nietzsche()
    train, val = corpus.split(0.1)
    if context.quick:
        train, val = train[:QUICK_CHARS], val[: QUICK_CHARS // 10]
    return corpus, np.ascontiguousarray(train), np.ascontiguousarray(val)


def _lm_trainer(model: nn.Module, context: RunContext, **options) -> Trainer:
    # `_phases` records the run's history itself (numbered on across phases).
    return context.trainer(model, record=False, task="multiclass", on_divergence="rollback",
                           spike_factor=1.5, **options)


class _EchoEpochs(Callback):
    """One line per epoch through the run's echo: these runs take minutes to hours."""

    def __init__(self, echo, first: int):
        self.echo, self.first = echo, first

    def on_epoch_end(self, epoch: int, logs) -> None:
        self.echo(f"  epoch {self.first + epoch}: loss {logs['loss']:.4f}, held-out loss "
                  f"{logs['val_loss']:.4f}, learning rate {self.trainer.lr:g}, "
                  f"{logs['seconds']:.0f} s")


def _phases(context: RunContext, trainer: Trainer, x, y, phases, *, batch_size,
            validation) -> list:
    """Train in phases of (epochs, learning rate), as the documents lower the rate by hand.

    The run's extra callbacks (``--tensorboard``) see every phase (the runner has every
    fit notify them); the phases' epochs, numbered on, go to the run directory as one
    history.
    """
    whole = History()
    progress = _EchoEpochs(context.echo, first=1)
    for epochs, lr in phases:
        trainer.lr = lr
        history = trainer.fit(x, y, epochs=epochs, batch_size=batch_size,
                              validation_data=validation,
                              callbacks=[progress], verbose=0)
        progress.first += len(history)
        for record in history.records:
            whole.append({**record, "epoch": len(whole) + 1})
    context.record_history(whole)
    return whole.records


def _report(context: RunContext, records: list, samples: dict[str, str]) -> Outcome:
    last = records[-1]
    context.echo(f"  training loss {last['loss']:.4f}, held-out loss {last['val_loss']:.4f} "
                 f"(perplexity {math.exp(last['val_loss']):.2f}) after {len(records)} epochs")
    for label, text in samples.items():
        context.echo(f"  [{label}] {text!r}")
    return Outcome(last["loss"], {"val_loss": last["val_loss"], "epochs": len(records),
                                  "train_losses": [r["loss"] for r in records],
                                  "samples": samples})


def _char_spec(vocab_size: int, cell: str, units: int, **options) -> ModelSpec:
    return ModelSpec(vocab_size, vocab_size, task="multiclass", cell=cell, units=[units],
                     keras_init=True, **options)


def _window_lm(cell: str):
    def run_once(context: RunContext) -> Outcome:
        corpus, train, val = _split(context)
        x, y = next_symbol_windows(train, 40, 3)
        validation = next_symbol_windows(val, 40, 3)
        model = build(_char_spec(len(corpus.vocab), cell, 128, frontend="onehot",
                                 timesteps=40), seed=context.seed)
        trainer = _lm_trainer(model, context, optimizer="rmsprop", lr=0.01)
        epochs = context.epochs_or(59, 1)
        records = _phases(context, trainer, x, y, [(epochs, 0.01)], batch_size=128,
                          validation=validation)
        start = int(np.random.default_rng(context.seed).integers(len(train) - 41))
        prime = corpus.vocab.decode_str(train[start : start + 40])
        length = 100 if context.quick else 400
        samples = {f"T={t}": generate_text(model, corpus.vocab, prime, length, temperature=t,
                                           seed=context.seed)
                   for t in (0.2, 0.5, 1.0, 1.2)}
        return _report(context, records, samples)

    return run_once


register(Recipe(
    name="nietzsche-window",
    source=SOURCE_000,
    description="One-hot windows of 40 characters every 3 (200,287 on the whole corpus), "
                "LSTM(128), RMSprop 0.01, batch 128, 59 one-epoch iterations; samples at "
                "temperatures 0.2/0.5/1.0/1.2 (slow: about a minute per epoch here).",
    metric="training loss",
    reference=1.3908,
    reference_text="1.3908 at iteration 19, 1.3830 at 32; diverged to 7.6662 at 38",
    criterion="median final training loss at most 1.45 and no unrecovered divergence",
    run_once=_window_lm("lstm"),
    passes=median_at_most(1.45),
    quick_criterion=median_below(3.2),
))

register(Recipe(
    name="nietzsche-gru",
    source=SOURCE_000,
    description="nietzsche-window with GRU(128) (the document never ran it).",
    metric="training loss",
    reference=None,
    reference_text="no number (not run in the document)",
    criterion="median final training loss at most 1.45",
    run_once=_window_lm("gru"),
    passes=median_at_most(1.45),
    quick_criterion=median_below(3.2),
))


class Char3Model(nn.Module):
    """002's hand-unrolled three-step network: one embedding and two dense layers shared
    across the steps, ``h = tanh(W_h h + relu(W_in e_t))``. Also an example of bringing
    your own module: it follows seqlab's ``forward(x, state=None) -> (y, state)``.

    The document's output layer has ``vocab_size - 1`` units (one class can never be
    predicted); this one has ``vocab_size``.
    """

    def __init__(self, vocab_size: int, n_factors: int = 42, n_hidden: int = 256):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, n_factors)
        self.input_layer = nn.Linear(n_factors, n_hidden)
        self.hidden_layer = nn.Linear(n_hidden, n_hidden)
        self.output_layer = nn.Linear(n_hidden, vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        steps = torch.relu(self.input_layer(self.embed(x)))  # (batch, 3, hidden)
        h = torch.tanh(self.hidden_layer(steps[:, 0]))
        for t in range(1, steps.shape[1]):
            h = torch.tanh(self.hidden_layer(h + steps[:, t]))
        return self.output_layer(h), None


def _char3(context: RunContext) -> Outcome:
    corpus, train, val = _split(context)
    x, y = next_symbol_windows(train, 3, step=3)
    validation = next_symbol_windows(val, 3, step=3)
    torch.manual_seed(context.seed)
    model = Char3Model(len(corpus.vocab))
    trainer = _lm_trainer(model, context, optimizer="adam", lr=0.01)
    records = _phases(context, trainer, x, y, [(context.epochs_or(3, 1), 0.01)], batch_size=512,
                      validation=validation)
    sample = generate_text(model, corpus.vocab, "for thos", 40, temperature=0,
                           window=3)
    return _report(context, records, {"greedy": "for thos" + sample})


register(Recipe(
    name="char3-unrolled",
    source=SOURCE_002,
    description="B1: a hand-unrolled 3-step network (a user's own nn.Module) over "
                "non-overlapping 3-character windows, embedding 42, Adam 0.01, batch 512, "
                "3 epochs.",
    metric="training loss",
    reference=1.9470,
    reference_text="1.9470 after 3 epochs",
    criterion="median final training loss at most 2.05",
    run_once=_char3,
    passes=median_at_most(2.05),
    quick_criterion=median_below(3.2),
))


def _char8_rnn(context: RunContext) -> Outcome:
    corpus, train, val = _split(context)
    x, y = next_symbol_windows(train, 8, step=1)
    validation = next_symbol_windows(val, 8, step=1)
    model = build(_char_spec(len(corpus.vocab), "rnn", 256, frontend="embedding",
                             embedding_dim=42, timesteps=8), seed=context.seed)
    trainer = _lm_trainer(model, context, optimizer="adam")
    phases = [(1, 1e-3), (1, 1e-4)] if context.quick else [(5, 1e-3), (3, 1e-4)]
    if context.epochs is not None:
        phases = [(context.epochs, 1e-3)]
    records = _phases(context, trainer, x, y, phases, batch_size=512, validation=validation)
    sample = generate_text(model, corpus.vocab, "for thos", 40, temperature=0)
    return _report(context, records, {"greedy": "for thos" + sample})


register(Recipe(
    name="char8-rnn",
    source=SOURCE_002,
    description="B2/B3: overlapping 8-character windows, Embedding(42) -> SimpleRNN(256) -> "
                "Dense, Adam 1e-3 batch 512 for 5 epochs, then 1e-4 for 3.",
    metric="training loss",
    reference=1.4175,
    reference_text="1.5102 after 5 epochs, 1.4175 after 3 more at 1e-4",
    criterion="median final training loss at most 1.50",
    run_once=_char8_rnn,
    passes=median_at_most(1.50),
    quick_criterion=median_below(3.2),
))


def _char8_stateful(cell: str, units: int, phases: list[tuple[int, float]]):
    def run_once(context: RunContext) -> Outcome:
        corpus, train, val = _split(context)
        # Non-overlapping 8-character chunks in text order; the stateful Trainer lays them
        # out as 64 contiguous streams (row i of each batch continues row i of the last).
        x, y = stream_chunks(train, 8, 64)
        validation = stream_chunks(val, 8, 64)
        model = build(_char_spec(len(corpus.vocab), cell, units, frontend="embedding",
                                 embedding_dim=42, return_sequences=True, timesteps=8),
                      seed=context.seed)
        trainer = _lm_trainer(model, context, optimizer="adam", stateful=True)
        plan = [(1, 1e-3), (1, 1e-4)] if context.quick else phases
        if context.epochs is not None:
            plan = [(context.epochs, 1e-3)]
        records = _phases(context, trainer, x, y, plan, batch_size=64, validation=validation)
        trainer.reset_state()
        sample = generate_text(model, corpus.vocab, "for thos", 40, temperature=0)
        return _report(context, records, {"greedy": "for thos" + sample})

    return run_once


register(Recipe(
    name="char8-stateful-rnn",
    source=SOURCE_002,
    description="B4: the corpus as 64 contiguous streams in 8-step chunks, a target at every "
                "step, stateful SimpleRNN(256), batch 64, reset each epoch; 8 epochs at 1e-3 "
                "then 3 at 1e-4.",
    metric="training loss",
    reference=1.4154,
    reference_text="1.4714 after 8 epochs, 1.4154 after 3 more at 1e-4",
    criterion="median final training loss at most 1.50",
    run_once=_char8_stateful("rnn", 256, [(8, 1e-3), (3, 1e-4)]),
    passes=median_at_most(1.50),
    quick_criterion=median_below(3.2),
))

register(Recipe(
    name="char8-stateful-lstm",
    source=SOURCE_002,
    description="B5: as char8-stateful-rnn with LSTM(512); 20 epochs at 1e-3 then 20 at 1e-4 "
                "(slow: tens of minutes on a laptop CPU).",
    metric="training loss",
    reference=1.0108,
    reference_text="1.1314 after 20 epochs, 1.0108 after 20 more at 1e-4",
    criterion="median final training loss at most 1.10",
    run_once=_char8_stateful("lstm", 512, [(20, 1e-3), (20, 1e-4)]),
    passes=median_at_most(1.10),
    quick_criterion=median_below(3.2),
))
