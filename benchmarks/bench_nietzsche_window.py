"""nietzsche-window: one epoch of the recipe's setup (course notebook 000, A4).

The lower-cased Nietzsche corpus (its first 90%, as the recipe trains on), windows of
40 characters every 3 with the next character as target (180,257 windows), one-hot
input → LSTM(128) → Dense, RMSprop lr 0.01 (Keras' rho 0.9 and epsilon 1e-7), batch
128, no shuffling so both contenders see the same batches.

seqlab's `Trainer` is built as the recipe builds it (``on_divergence="rollback"``,
``spike_factor=1.5``) and a hand-written PyTorch loop (`F.one_hot` of the batch into
`nn.LSTM` → last step → `nn.Linear`, cross-entropy, `torch.optim.RMSprop` with the same
hyper-parameters) trains a copy with the same initial weights. The windows arrive in
chunks of 20 batches and each chunk is given to both contenders, one after the other
(seqlab first on even chunks, PyTorch first on odd ones), so drift in the machine's
load hits both alike; the two copies end the epoch with (nearly) the same weights.
Each chunk is one `Trainer.fit` call, so seqlab pays its once-per-fit work (input
checks, the spike guard's look at the first batch, two weight snapshots: about 2% of a
20-batch chunk here) once per chunk where the recipe pays it once per epoch.
`--quick` times the first 40 batches (two chunks).
"""

from __future__ import annotations

import numpy as np
import torch
from common import BenchmarkResult, Stopwatch, keras_available
from torch import nn
from torch.nn import functional as F

from seqlab.data.text import next_symbol_windows
from seqlab.models import ModelSpec, build
from seqlab.problems.corpora import load_corpus
from seqlab.train import Trainer

NAME = "nietzsche-window"
MAXLEN, STEP, UNITS, BATCH, LR = 40, 3, 128, 128, 0.01
CHUNK = 20 * BATCH  # windows per interleaved chunk
QUICK_BATCHES = 40


class CharLSTM(nn.Module):
    """What a user writes: one-hot ids → LSTM → the last step → a dense layer (logits)."""

    def __init__(self, vocab_size: int, units: int):
        super().__init__()
        self.vocab_size = vocab_size
        self.lstm = nn.LSTM(vocab_size, units, batch_first=True)
        self.head = nn.Linear(units, vocab_size)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        h, _ = self.lstm(F.one_hot(ids, self.vocab_size).float())
        return self.head(h[:, -1])


def _hand_written_chunk(model, optimizer, x: np.ndarray, y: np.ndarray, device) -> float:
    """Forward, loss, backward, step, batch by batch; returns the loss summed over windows."""
    model.train()
    x = torch.as_tensor(x, device=device)
    y = torch.as_tensor(y, device=device)
    total = torch.zeros((), device=device)
    for start in range(0, len(x), BATCH):
        output = model(x[start : start + BATCH])
        loss = F.cross_entropy(output, y[start : start + BATCH])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        total += loss.detach() * len(output)
    return float(total)


def _synced(result, device: str):
    """`result`, once the accelerator has finished the work queued for it."""
    if device != "cpu":
        torch.cuda.synchronize()
    return result


def _rmsprop(parameters) -> torch.optim.Optimizer:
    # Keras' RMSprop defaults (rho 0.9 is torch's alpha, epsilon 1e-7), as seqlab uses them.
    return torch.optim.RMSprop(parameters, lr=LR, alpha=0.9, eps=1e-7)


def _copy_of(seqlab_model: nn.Module, vocab_size: int, device) -> CharLSTM:
    """The hand-written module holding the seqlab model's (initial) weights."""
    model = CharLSTM(vocab_size, UNITS)
    model.lstm.load_state_dict(seqlab_model.recurrent[0].state_dict())
    model.head.load_state_dict(seqlab_model.head.state_dict())
    return model.to(device)


def _max_difference(seqlab_model: nn.Module, model: CharLSTM) -> float:
    pairs = [(seqlab_model.recurrent[0].state_dict(), model.lstm.state_dict()),
             (seqlab_model.head.state_dict(), model.head.state_dict())]
    return max(float((a[k] - b[k]).abs().max()) for a, b in pairs for k in a)


def _keras_seconds(chunks: list[tuple[np.ndarray, np.ndarray]], vocab_size: int) -> float:
    """The notebook's Keras model on the same chunks (only when Keras is installed)."""
    import time

    import keras

    model = keras.Sequential([
        keras.Input((MAXLEN, vocab_size)),
        keras.layers.LSTM(UNITS),
        keras.layers.Dense(vocab_size, activation="softmax"),
    ])
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.RMSprop(learning_rate=LR))
    eye = np.eye(vocab_size, dtype="float32")
    model.train_on_batch(eye[chunks[0][0][:BATCH]], chunks[0][1][:BATCH])
    started = time.perf_counter()
    for x, y in chunks:
        model.fit(eye[x], y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    return time.perf_counter() - started


def run(quick: bool = False, device: str = "cpu", seed: int = 0) -> BenchmarkResult:
    """Train both contenders on the same windows; return their accumulated times."""
    corpus = load_corpus("nietzsche", lower=True)
    train, _ = corpus.split(0.1)
    x, y = next_symbol_windows(np.ascontiguousarray(train), MAXLEN, STEP)
    if quick:
        x, y = x[: QUICK_BATCHES * BATCH], y[: QUICK_BATCHES * BATCH]
    n_windows, vocab_size = len(x), len(corpus.vocab)
    # Owned, writeable chunks (the windows are a read-only view), made before timing.
    chunks = [(np.array(x[i : i + CHUNK], order="C"), np.array(y[i : i + CHUNK], order="C"))
              for i in range(0, n_windows, CHUNK)]
    spec = ModelSpec(vocab_size, vocab_size, task="multiclass", cell="lstm", units=[UNITS],
                     keras_init=True, frontend="onehot", timesteps=MAXLEN)

    def recipe_trainer() -> Trainer:  # as recipes/text.py builds it (_lm_trainer)
        return Trainer(build(spec, seed=seed), task="multiclass", optimizer="rmsprop", lr=LR,
                       seed=seed, device=device, on_divergence="rollback", spike_factor=1.5)

    trainer = recipe_trainer()
    model = _copy_of(trainer.model, vocab_size, device)
    optimizer = _rmsprop(model.parameters())

    # Warm-up (kernels, allocator) on throwaway copies, so both timed runs start equal.
    warm_x, warm_y = chunks[0][0][: 2 * BATCH], chunks[0][1][: 2 * BATCH]
    recipe_trainer().fit(warm_x, warm_y, batch_size=BATCH, shuffle=False, verbose=0)
    spare = _copy_of(trainer.model, vocab_size, device)
    _hand_written_chunk(spare, _rmsprop(spare.parameters()), warm_x, warm_y, device)

    seqlab_clock, torch_clock = Stopwatch(), Stopwatch()
    seqlab_loss = hand_loss = 0.0
    rollbacks = 0
    for index, (xc, yc) in enumerate(chunks):

        def seqlab_chunk(xc=xc, yc=yc) -> None:
            nonlocal seqlab_loss, rollbacks
            history = seqlab_clock.time(lambda: _synced(
                trainer.fit(xc, yc, epochs=1, batch_size=BATCH, shuffle=False, verbose=0),
                device))
            seqlab_loss += history["loss"][-1] * len(xc)
            rollbacks += len(trainer.events_)

        def hand_chunk(xc=xc, yc=yc) -> None:
            nonlocal hand_loss
            hand_loss += torch_clock.time(lambda: _synced(
                _hand_written_chunk(model, optimizer, xc, yc, device), device))

        # A-B then B-A: who goes first alternates, so steady drift hits both alike.
        for contender in ((seqlab_chunk, hand_chunk) if index % 2 == 0
                          else (hand_chunk, seqlab_chunk)):
            contender()
    keras_seconds = _keras_seconds(chunks, vocab_size) if keras_available() else None
    return BenchmarkResult(NAME, seqlab_clock.seconds, torch_clock.seconds, keras_seconds, {
        "windows": n_windows, "batches": -(-n_windows // BATCH), "batch_size": BATCH,
        "chunks": len(chunks), "threads": torch.get_num_threads(), "device": device,
        "seqlab_mean_loss": seqlab_loss / n_windows, "torch_mean_loss": hand_loss / n_windows,
        "seqlab_rollbacks": rollbacks,
        # Same math: the two copies end with (nearly) the same weights.
        "max_weight_difference": _max_difference(trainer.model, model),
    })
