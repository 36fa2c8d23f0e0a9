"""train-text: time to a good character model with `seqlab train-text`'s defaults.

Trains on the Nietzsche corpus that ships with seqlab (its capitals kept, the last 10% held out) with
`TextTrainingConfig()`'s defaults, as ``seqlab train-text FILE`` does, and reports the
minutes until the held-out loss first reaches 1.45 and 1.30 nats a character (issue 6's
bars: 3 and 15 minutes on a 2-core CPU), the best held-out loss, and the share of words
in the last sample (temperature 0.5) that occur in the training text.

The machine's speed is measured in the same run: a hand-written PyTorch loop (embedding,
dropout, LSTM, dropout, dense; AdamW; clipping) trains the same shape of model on the same
batches for a fixed number of steps just before and just after the run. Its characters
a second, beside train-text's (held-out checks and samples included), tell a reader how
fast the machine was: the same minutes on a machine twice as busy mean something else.
`--quick` runs one epoch of LSTM(64) instead (the targets are then out of reach).
"""

from __future__ import annotations

import sys
import time

import torch
from common import TimeToLossResult
from torch import nn
from torch.nn import functional as F

from seqlab.data.text import TextCorpus, stream_chunks
from seqlab.generate import known_word_share
from seqlab.problems.corpora import corpus_path
from seqlab.recipes.text_training import TextTrainingConfig, train_text
from seqlab.train.precision import resolve_precision

NAME = "train-text"
TARGETS = (1.45, 1.30)
CORPORA = {
    "nietzsche": {"targets": (1.45, 1.30), "settings": {}},
    # nanoGPT's character model reaches 1.4697 on the same split (its last 10%) after
    # about 3 minutes on an A100; the goal here is 1.40 within 10 minutes on 2 CPU cores.
    "tinyshakespeare": {"targets": (1.47, 1.40), "settings": {"minutes": 10.0, "epochs": 40}},
}
"""Each corpus's target held-out losses and the settings its run uses beyond the
defaults. Tiny-shakespeare: a 10-minute budget, the schedule planned over the whole
epochs that fit in it rather than over the defaults' 10. The defaults themselves are the
settings this benchmark found best (one dropout mask per stream and chunk, a peak rate
of 8e-3, a moving average of the weights with decay 0.998 as what is evaluated and kept,
one held-out check an epoch; bf16 where the CPU has it)."""
REFERENCE_STEPS, QUICK_REFERENCE_STEPS = 80, 10


class LockedDropout(nn.Module):
    """What a user writes for one dropout mask per sequence and feature."""

    def __init__(self, rate: float):
        super().__init__()
        self.rate = rate

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return h
        mask = h.new_empty(h.shape[0], 1, h.shape[2]).bernoulli_(1 - self.rate)
        return h * mask / (1 - self.rate)


class HandWrittenCharModel(nn.Module):
    """What a user writes: embedding → dropout → LSTM over every step → dropout → dense
    (logits), with the config's kind of dropout mask."""

    def __init__(self, vocab_size: int, config: TextTrainingConfig):
        super().__init__()
        dropout = LockedDropout if config.dropout_mask == "sequence" else nn.Dropout
        self.embed = nn.Embedding(vocab_size, config.embedding_dim)
        self.input_dropout = dropout(config.input_dropout)
        self.lstm = nn.LSTM(config.embedding_dim, config.units, config.layers, batch_first=True)
        self.dropout = dropout(config.dropout)
        self.head = nn.Linear(config.units, vocab_size)

    def forward(self, ids: torch.Tensor, state=None):
        h, state = self.lstm(self.input_dropout(self.embed(ids)), state)
        return self.head(self.dropout(h)), state


def reference_chars_per_second(corpus: TextCorpus, config: TextTrainingConfig,
                               steps: int) -> float:
    """Training characters a second of a hand-written loop over the first `steps` batches."""
    train, _ = corpus.split(config.val_fraction)
    x, y = stream_chunks(train, config.seq_len, config.batch_size)
    # Owned copies (the chunks are read-only views); stream i, chunk k.
    xs = torch.tensor(x).view(config.batch_size, -1, config.seq_len)
    ys = torch.tensor(y).view(config.batch_size, -1, config.seq_len)
    torch.manual_seed(config.seed)
    model = HandWrittenCharModel(len(corpus.vocab), config)
    decayed = [p for p in model.parameters() if p.dim() >= 2]
    spared = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decayed, "weight_decay": config.weight_decay},
                                   {"params": spared, "weight_decay": 0.0}], lr=config.lr)
    weights = [p.detach() for p in model.parameters()]
    average = [w.clone() for w in weights] if config.ema else None
    state = None
    started = 0.0
    # The same number format as train-text's run ("auto" is bf16 on CPUs that have it).
    bf16 = resolve_precision(config.precision, torch.device("cpu")) == "bf16"
    for k in range(steps + 2):  # the first two steps warm up and are not timed
        if k == 2:
            started = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            output, state = model(xs[:, k], state)
            loss = F.cross_entropy(output.reshape(-1, output.shape[-1]), ys[:, k].reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), config.clip)
        optimizer.step()
        if average is not None:  # AverageWeights' update, its warm-up included
            decay = min(config.ema, (1 + k) / (10 + k)) if config.ema_warmup else config.ema
            torch._foreach_lerp_(average, weights, 1 - decay)
        state = tuple(s.detach() for s in state)
    return steps * config.batch_size * config.seq_len / (time.perf_counter() - started)


def run(quick: bool = False, device: str = "cpu", seed: int = 0,
        corpus: str = "nietzsche") -> TimeToLossResult:
    """Train with the defaults (and the corpus's settings); minutes to each target beside
    the machine's measured speed."""
    if device != "cpu":
        raise ValueError(f"The train-text benchmark runs on the CPU only (got device {device!r}).")
    if corpus not in CORPORA:
        raise ValueError(f"--corpus must be one of {sorted(CORPORA)}; got {corpus!r}.")
    targets, settings = CORPORA[corpus]["targets"], CORPORA[corpus]["settings"]
    config = TextTrainingConfig(seed=seed, **settings)
    if quick:
        config = TextTrainingConfig(units=64, epochs=1, seed=seed)
    steps = QUICK_REFERENCE_STEPS if quick else REFERENCE_STEPS
    name = corpus
    corpus = TextCorpus.from_file(corpus_path(name), lower=config.lower)
    before = reference_chars_per_second(corpus, config, steps)
    started = time.perf_counter()
    result = train_text(corpus_path(name), config,
                        echo=lambda line: print(line, file=sys.stderr, flush=True))
    seconds = time.perf_counter() - started
    after = reference_chars_per_second(corpus, config, steps)
    train, _ = corpus.split(config.val_fraction)
    epochs_run = len(result.trainer.history_)
    trained = epochs_run * len(stream_chunks(train, config.seq_len, config.batch_size)[0]) \
        * config.seq_len
    reached = {target: result.first_at_or_below(target) for target in targets}
    return TimeToLossResult(
        NAME if name == "nietzsche" else f"{NAME} {name}", {target: None if check is None else check.minutes
               for target, check in reached.items()},
        result.best.loss, seconds / 60, trained / seconds, (before + after) / 2, {
            "epochs_to": {f"{target:.2f}": None if check is None else check.epoch
                          for target, check in reached.items()},
            "torch_chars_per_second_before": round(before),
            "torch_chars_per_second_after": round(after),
            "known_word_share": round(known_word_share(result.samples[-1], corpus.text), 3),
            "last_sample": result.samples[-1],
            "checks": [(round(c.epoch, 2), round(c.minutes, 2), round(c.loss, 4))
                       for c in result.checks],
            "threads": torch.get_num_threads(), "config": vars(config), "corpus": name,
        })
