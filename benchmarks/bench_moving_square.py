"""moving-square: the book's CNN-LSTM (chapter 8) on 5,000 clips, batch 32, one epoch.

seqlab's `Trainer` and a hand-written PyTorch loop train two copies of the same model
(same initial weights, same optimizer settings, same clips in the same batches, no
shuffling) side by side: the data arrive in chunks of 320 clips (uint8, as the recipe
makes them) and each chunk is given to one contender and then the other, so drift in
the machine's load hits both alike. `--quick` times the first 640 clips (20 batches).
"""

from __future__ import annotations

import numpy as np
import torch
from common import BenchmarkResult, Stopwatch, keras_available
from torch.nn import functional as F

from seqlab.models import build, cnn_lstm
from seqlab.problems import moving_square_batches
from seqlab.train import Trainer

NAME = "moving-square"
SIZE, BATCH, CHUNK = 50, 32, 320


def _hand_written_chunk(model, optimizer, x: np.ndarray, y: np.ndarray, device) -> float:
    """What a user writes by hand: forward, loss, backward, step, batch by batch."""
    model.train()
    x = torch.as_tensor(x, device=device).float()
    y = torch.as_tensor(y, device=device)
    total = torch.zeros((), device=device)
    for start in range(0, len(x), BATCH):
        output, _ = model(x[start : start + BATCH])
        loss = F.binary_cross_entropy_with_logits(output, y[start : start + BATCH])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        total += loss.detach() * len(output)
    return float(total)  # summed over clips


def _keras_seconds(chunks: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """The book's Keras model on the same chunks (only when Keras is installed)."""
    import time

    import keras

    model = keras.Sequential([
        keras.Input((None, SIZE, SIZE, 1)),
        keras.layers.TimeDistributed(keras.layers.Conv2D(2, (2, 2), activation="relu")),
        keras.layers.TimeDistributed(keras.layers.MaxPooling2D(pool_size=(2, 2))),
        keras.layers.TimeDistributed(keras.layers.Flatten()),
        keras.layers.LSTM(50),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.train_on_batch(chunks[0][0][:BATCH].astype("float32"), chunks[0][1][:BATCH])
    started = time.perf_counter()
    for x, y in chunks:
        model.fit(x.astype("float32"), y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    return time.perf_counter() - started


def run(quick: bool = False, device: str = "cpu", seed: int = 0) -> BenchmarkResult:
    """Train both contenders on the same clips; return their accumulated times."""
    n_clips = 2 * CHUNK if quick else 5_000
    spec = cnn_lstm((SIZE, SIZE, 1), units=50, timesteps=SIZE, keras_init=True)
    chunks = list(moving_square_batches(n_clips, CHUNK, size=SIZE, seed=seed))
    trainer = Trainer(build(spec, seed=seed), seed=seed, device=device)
    model = build(spec, seed=seed).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7, fused=True)

    # Warm-up (kernels, allocator) on throwaway copies, so both timed runs start equal.
    warm_x, warm_y = chunks[0][0][:BATCH], chunks[0][1][:BATCH]
    Trainer(build(spec, seed=seed), device=device).fit(warm_x, warm_y, batch_size=BATCH,
                                                       shuffle=False, verbose=0)
    spare = build(spec, seed=seed).to(device)
    _hand_written_chunk(spare, torch.optim.Adam(spare.parameters(), fused=True), warm_x, warm_y,
                        device)

    seqlab_clock, torch_clock = Stopwatch(), Stopwatch()
    seqlab_loss = hand_loss = 0.0
    for x, y in chunks:
        history = seqlab_clock.time(
            lambda x=x, y=y: trainer.fit(x, y, epochs=1, batch_size=BATCH, shuffle=False,
                                         verbose=0))
        seqlab_loss += history["loss"][-1] * len(x)
        hand_loss += torch_clock.time(
            lambda x=x, y=y: _hand_written_chunk(model, optimizer, x, y, device))
        if device != "cpu":
            torch.cuda.synchronize()
    hand_batches = sum(-(-len(x) // BATCH) for x, _ in chunks)
    # Same math: the two copies end with (nearly) the same weights.
    drift = max(float((a - b).abs().max()) for a, b in
                zip(trainer.model.state_dict().values(), model.state_dict().values(),
                    strict=True))
    keras_seconds = _keras_seconds(chunks) if keras_available() else None
    return BenchmarkResult(NAME, seqlab_clock.seconds, torch_clock.seconds, keras_seconds, {
        "clips": n_clips, "batches": hand_batches, "batch_size": BATCH,
        "threads": torch.get_num_threads(), "device": device,
        "seqlab_mean_loss": seqlab_loss / n_clips, "torch_mean_loss": hand_loss / n_clips,
        "max_weight_difference": drift,
    })
