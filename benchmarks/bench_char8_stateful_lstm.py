"""char8-stateful-lstm: one epoch of the recipe's setup (Keras blog post 002, B5).

The lower-cased Nietzsche corpus (its first 90%), cut into non-overlapping 8-character
chunks with a target at every step (the next character), trimmed to a multiple of 64
and read as 64 contiguous streams: with ``L = chunks // 64``, batch ``k`` holds chunk
``i*L + k`` in row ``i`` (seqlab's `stateful_layout`), so row ``i`` of each batch
continues row ``i`` of the last. Embedding(42) → LSTM(512) returning every step →
Dense, Adam 1e-3 (Keras' epsilon 1e-7), batch 64; the state is carried from batch to
batch (detached: truncated backpropagation through time) and starts from zero at the
epoch's start. seqlab's stateful `Trainer` is built as the recipe builds it
(``on_divergence="rollback"``, ``spike_factor=1.5``); the hand-written PyTorch loop
views the chunks as ``(64, L, 8)``, takes column ``k`` as batch ``k`` and carries
``(h, c)`` itself.

Timing: seqlab's stateful `Trainer.fit` starts every call from a fresh state, so
feeding both contenders the epoch in interleaved chunks (as moving-square does) would
reset seqlab's state at each chunk boundary and change the math. Instead each contender
trains the whole epoch in one go, back to back, in two rounds in A-B-B-A order
(seqlab then PyTorch, then PyTorch then seqlab), each round starting again from the
same initial weights; linear drift in the machine's load then hits both alike. The
seconds reported are the mean over the rounds, i.e. one epoch. `--quick` times the
first 40 batches of the epoch (chunks ``i*L + k`` for ``k < 40``) the same way.
"""

from __future__ import annotations

import numpy as np
import torch
from common import BenchmarkResult, Stopwatch, keras_available
from torch import nn
from torch.nn import functional as F

from seqlab.data.text import sequence_windows
from seqlab.models import ModelSpec, build
from seqlab.problems.corpora import load_corpus
from seqlab.train import Trainer

NAME = "char8-stateful-lstm"
SEQ, STREAMS, UNITS, EMBEDDING = 8, 64, 512, 42
ROUNDS, QUICK_BATCHES = 2, 40


class StatefulCharLSTM(nn.Module):
    """What a user writes: embedding → LSTM over every step → dense layer (logits)."""

    def __init__(self, vocab_size: int):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, EMBEDDING)
        self.lstm = nn.LSTM(EMBEDDING, UNITS, batch_first=True)
        self.head = nn.Linear(UNITS, vocab_size)

    def forward(self, ids: torch.Tensor, state=None):
        h, state = self.lstm(self.embed(ids), state)
        return self.head(h), state


def _hand_written_epoch(model, optimizer, x: np.ndarray, y: np.ndarray, device) -> float:
    """One epoch over 64 contiguous streams, state carried and detached; mean batch loss."""
    model.train()
    xs = torch.as_tensor(x, device=device).view(STREAMS, -1, SEQ)  # stream i, step k
    ys = torch.as_tensor(y, device=device).view(STREAMS, -1, SEQ)
    steps = xs.shape[1]
    state = None  # a zero state at the epoch's start
    total = torch.zeros((), device=device)
    for k in range(steps):
        output, state = model(xs[:, k], state)
        loss = F.cross_entropy(output.reshape(-1, output.shape[-1]), ys[:, k].reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        state = tuple(s.detach() for s in state)
        total += loss.detach()
    return float(total) / steps


def _synced(result, device: str):
    """`result`, once the accelerator has finished the work queued for it."""
    if device != "cpu":
        torch.cuda.synchronize()
    return result


def _adam(parameters) -> torch.optim.Optimizer:
    # Keras' Adam epsilon (1e-7) and the fused kernel, as seqlab uses them.
    return torch.optim.Adam(parameters, lr=1e-3, eps=1e-7, fused=True)


def _copy_of(seqlab_model: nn.Module, vocab_size: int, device) -> StatefulCharLSTM:
    """The hand-written module holding the seqlab model's (initial) weights."""
    model = StatefulCharLSTM(vocab_size)
    model.embed.load_state_dict(seqlab_model.frontend.state_dict())
    model.lstm.load_state_dict(seqlab_model.recurrent[0].state_dict())
    model.head.load_state_dict(seqlab_model.head.state_dict())
    return model.to(device)


def _max_difference(seqlab_model: nn.Module, model: StatefulCharLSTM) -> float:
    pairs = [(seqlab_model.frontend, model.embed), (seqlab_model.recurrent[0], model.lstm),
             (seqlab_model.head, model.head)]
    return max(float((a.state_dict()[k] - b.state_dict()[k]).abs().max())
               for a, b in pairs for k in a.state_dict())


def _keras_seconds(x: np.ndarray, y: np.ndarray, vocab_size: int) -> float:
    """The blog post's stateful Keras model on the same batches (only with Keras)."""
    import time

    import keras

    model = keras.Sequential([
        keras.Input(batch_shape=(STREAMS, SEQ)),
        keras.layers.Embedding(vocab_size, EMBEDDING),
        keras.layers.LSTM(UNITS, return_sequences=True, stateful=True),
        keras.layers.Dense(vocab_size, activation="softmax"),
    ])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    # Keras reads batches in order: lay the streams out as seqlab's stateful_layout does.
    order = np.arange(len(x)).reshape(STREAMS, -1).T.reshape(-1)
    xb, yb = x[order], y[order]

    def reset() -> None:
        for layer in model.layers:
            if getattr(layer, "stateful", False):
                layer.reset_state()

    model.train_on_batch(xb[:STREAMS], yb[:STREAMS])
    reset()
    started = time.perf_counter()
    model.fit(xb, yb, batch_size=STREAMS, epochs=1, shuffle=False, verbose=0)
    return time.perf_counter() - started


def run(quick: bool = False, device: str = "cpu", seed: int = 0) -> BenchmarkResult:
    """Train both contenders over the same streams, alternately; return mean epoch times."""
    corpus = load_corpus("nietzsche", lower=True)
    train, _ = corpus.split(0.1)
    x, y = sequence_windows(np.ascontiguousarray(train), SEQ)
    keep = len(x) // STREAMS * STREAMS  # whole streams only, as the recipe trims
    x, y = x[:keep], y[:keep]
    if quick:  # the epoch's first batches: the first steps of every stream
        x = x.reshape(STREAMS, -1, SEQ)[:, :QUICK_BATCHES].reshape(-1, SEQ)
        y = y.reshape(STREAMS, -1, SEQ)[:, :QUICK_BATCHES].reshape(-1, SEQ)
    # Owned, writeable copies (the windows are read-only views), made before timing.
    x, y = np.array(x, order="C"), np.array(y, order="C")
    vocab_size = len(corpus.vocab)
    spec = ModelSpec(vocab_size, vocab_size, task="multiclass", cell="lstm", units=[UNITS],
                     keras_init=True, frontend="embedding", embedding_dim=EMBEDDING,
                     return_sequences=True, timesteps=SEQ)

    def recipe_trainer() -> Trainer:  # as recipes/text.py builds it (_lm_trainer)
        return Trainer(build(spec, seed=seed), task="multiclass", optimizer="adam", seed=seed,
                       device=device, on_divergence="rollback", spike_factor=1.5,
                       stateful=True)

    # Warm-up (kernels, allocator) on throwaway copies, so both timed runs start equal.
    warm_x, warm_y = x[: 2 * STREAMS], y[: 2 * STREAMS]
    warm = recipe_trainer()
    warm.fit(warm_x, warm_y, batch_size=STREAMS, verbose=0)
    spare = _copy_of(warm.model, vocab_size, device)
    _hand_written_epoch(spare, _adam(spare.parameters()), warm_x, warm_y, device)

    seqlab_clock, torch_clock = Stopwatch(), Stopwatch()
    seqlab_losses, hand_losses, differences, rollbacks = [], [], [], 0
    seqlab_laps, hand_laps = [], []  # each round's epoch time
    for round_ in range(ROUNDS):
        trainer = recipe_trainer()  # every round from the same initial weights
        model = _copy_of(trainer.model, vocab_size, device)
        optimizer = _adam(model.parameters())

        def seqlab_epoch(trainer=trainer) -> None:
            before = seqlab_clock.seconds
            history = seqlab_clock.time(
                lambda: _synced(trainer.fit(x, y, epochs=1, batch_size=STREAMS, verbose=0),
                                device))
            seqlab_losses.append(history["loss"][-1])
            seqlab_laps.append(round(seqlab_clock.seconds - before, 3))

        def hand_epoch(model=model, optimizer=optimizer) -> None:
            before = torch_clock.seconds
            hand_losses.append(torch_clock.time(
                lambda: _synced(_hand_written_epoch(model, optimizer, x, y, device), device)))
            hand_laps.append(round(torch_clock.seconds - before, 3))

        for contender in ((seqlab_epoch, hand_epoch) if round_ % 2 == 0
                          else (hand_epoch, seqlab_epoch)):
            contender()
        rollbacks += len(trainer.events_)
        # Same math: the two copies end the epoch with (nearly) the same weights.
        differences.append(_max_difference(trainer.model, model))
    keras_seconds = _keras_seconds(x, y, vocab_size) if keras_available() else None
    return BenchmarkResult(NAME, seqlab_clock.seconds / ROUNDS, torch_clock.seconds / ROUNDS,
                           keras_seconds, {
        "chunks": len(x), "batches": len(x) // STREAMS, "batch_size": STREAMS,
        "rounds": ROUNDS, "seqlab_round_seconds": seqlab_laps,
        "torch_round_seconds": hand_laps,
        "threads": torch.get_num_threads(), "device": device,
        "seqlab_mean_loss": float(np.mean(seqlab_losses)),
        "torch_mean_loss": float(np.mean(hand_losses)),
        "seqlab_rollbacks": rollbacks,
        "max_weight_difference": max(differences),
    })
