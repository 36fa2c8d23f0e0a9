"""The finalize and update recipes of 003 (chapters 13 and 14).

``finalize-save-load`` trains the book's toy model, saves it as a bundle and loads it in a
fresh Python process: the predictions must be identical, bit for bit. ``update-model``
runs the five-step update process on a series whose behaviour shifts (the update must
promote a model that beats the champion on data after the update) and on one that does
not (the champion must be kept).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

from seqlab.bundle import save
from seqlab.lifecycle import ForecastConfig, rmse, train_forecaster, update
from seqlab.models import ModelSpec, build
from seqlab.recipes.registry import Outcome, Recipe, RunContext, median_at_least, register

SOURCE = "003 (LSTMs with Python, chapters 13-14)"

_CHILD = """
import json, sys
import numpy as np, torch
torch.set_num_threads(int(sys.argv[3]))
from seqlab.bundle import load
bundle = load(sys.argv[1])
x = np.asarray(json.loads(sys.argv[2]), dtype=np.float64)
print(json.dumps([float(v).hex() for v in bundle.predict(x).ravel()]))
"""


def predict_in_fresh_process(bundle_path: Path, x: np.ndarray) -> np.ndarray:
    """Load the bundle in a new Python process and return its predictions for `x` (exact)."""
    completed = subprocess.run(
        [sys.executable, "-c", _CHILD, str(bundle_path), json.dumps(x.tolist()),
         str(torch.get_num_threads())],
        capture_output=True, text=True, timeout=300, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"The fresh process failed to load the bundle:\n{completed.stderr}")
    hexes = json.loads(completed.stdout.strip().splitlines()[-1])
    return np.array([float.fromhex(h) for h in hexes])


def _finalize(context: RunContext) -> Outcome:
    pairs = np.array([[0.0, 0.1], [0.1, 0.2], [0.2, 0.3], [0.3, 0.4], [0.4, 0.5]])
    x = pairs[:, 0].reshape(5, 1, 1).astype(np.float32)
    y = pairs[:, 1].reshape(5, 1).astype(np.float32)
    x_new = np.array([0.5, 0.6, 0.7, 0.8, 0.9], dtype=np.float32).reshape(5, 1, 1)
    spec = ModelSpec(1, 1, units=[10], timesteps=1, keras_init=True)
    model = build(spec, seed=context.seed)
    trainer = context.trainer(model)
    epochs = context.epochs_or(300, 50)
    trainer.fit(x, y, epochs=epochs, batch_size=5, shuffle=False, verbose=0)
    inputs = np.concatenate([x, x_new])
    in_memory = trainer.predict(inputs).astype(np.float64).ravel()
    with tempfile.TemporaryDirectory() as scratch:
        folder = context.out if context.out is not None else Path(scratch)
        path = folder / f"finalize-seed{context.seed}.bundle"
        save(model, path, trainer_config=trainer.settings(epochs=epochs, batch_size=5,
                                                          shuffle=False),
             history=trainer.history_, optimizer=trainer.optimizer, keep_previous=False)
        loaded = predict_in_fresh_process(path, inputs)
    difference = float(np.max(np.abs(loaded - in_memory)))
    context.echo(f"  in memory: {np.round(in_memory, 4).tolist()}")
    context.echo(f"  loaded in a fresh process: {np.round(loaded, 4).tolist()}")
    return Outcome(difference, {"epochs": epochs, "loss": trainer.history_.last()["loss"],
                                "predictions": in_memory.tolist()})


register(
    Recipe(
        name="finalize-save-load",
        source=SOURCE,
        description="Toy pairs X (5,1,1) -> y, LSTM(10) -> Dense(1), MSE, Adam, 300 epochs, "
        "shuffle off; save a bundle, load it in a fresh process, compare predictions.",
        metric="max_abs_difference",
        reference=0.0,
        reference_text="identical predictions (the book reloads the HDF5 file)",
        criterion="every repeat's predictions after loading in a fresh process equal the "
        "in-memory model's bit for bit (max abs difference 0.0)",
        run_once=_finalize,
        passes=lambda outcomes: all(o.value == 0.0 for o in outcomes),
    )
)


def _ar_series(phi: float, n: int, rng: np.random.Generator, start: float = 0.0,
               noise: float = 0.3, level: float = 10.0) -> np.ndarray:
    values = np.empty(n)
    previous = start
    for t in range(n):
        previous = phi * previous + rng.normal(0.0, noise)
        values[t] = previous
    return values + level


def update_scenario(seed: int, shifted: bool, *, quick: bool, folder: Path,
                    echo=print) -> dict:
    """One update run: champion on AR(0.8) data, new data AR(-0.6) (shifted) or AR(0.8);
    returns whether the decision was right and the scores."""
    rng = np.random.default_rng(seed)
    n_old, n_new, n_future = (300, 200, 150) if quick else (400, 300, 150)
    old = _ar_series(0.8, n_old, rng)
    phi_new = -0.6 if shifted else 0.8
    after = _ar_series(phi_new, n_new + n_future, rng, start=old[-1] - 10.0)
    new, future = after[:n_new], after[n_new - 3:]
    config = ForecastConfig(n_in=3, n_out=1, units=8, epochs=25 if quick else 80,
                            batch_size=32, lr=0.01, seed=seed)
    trainer, pipeline = train_forecaster(old, config)
    path = folder / f"update-{'shift' if shifted else 'same'}-{seed}.bundle"
    save(trainer, path, pipeline=pipeline,
         trainer_config=trainer.settings(epochs=config.epochs, batch_size=config.batch_size))
    champion_future = rmse(trainer.model, pipeline, future)
    # A 10% margin: the noise floor of this series is RMSE 0.3, and a gain smaller than that
    # from training on more of the same data is not worth a model change.
    report = update(path, old, new, repeats=2 if quick else 3, seed=seed, min_improvement=0.1,
                    plot=folder / f"update-{'shift' if shifted else 'same'}-{seed}.png")
    from seqlab.bundle import load

    live = load(path)
    live_future = rmse(live.model, live.pipeline, future)
    if shifted:
        right = report.promoted and live_future < champion_future
    else:
        right = not report.promoted
    means = {k: round(v, 4) for k, v in report.means().items()}
    echo(f"  {'shifted' if shifted else 'unshifted'}: champion recent RMSE "
         f"{report.champion_rmse:.4f}, candidates {means} -> "
         f"{'promoted ' + report.winner if report.promoted else 'kept'}; future RMSE "
         f"champion {champion_future:.4f}, live {live_future:.4f}")
    return {"right": bool(right), "promoted": report.promoted, "winner": report.winner,
            "champion_recent": report.champion_rmse, "means": means,
            "champion_future": champion_future, "live_future": live_future}


def _update(context: RunContext) -> Outcome:
    with tempfile.TemporaryDirectory() as scratch:
        folder = context.out if context.out is not None else Path(scratch)
        results = [update_scenario(context.seed, shifted, quick=context.quick, folder=folder,
                                   echo=context.echo) for shifted in (True, False)]
    value = statistics.fmean(1.0 if r["right"] else 0.0 for r in results)
    return Outcome(value, {"shifted": results[0], "unshifted": results[1]})


register(
    Recipe(
        name="update-model",
        source=SOURCE,
        description="Champion LSTM(8) forecaster on an AR(0.8) series; new data that shifts "
        "to AR(-0.6) or does not; strategies (a)-(d) x repeats vs the fair baseline; "
        "promote or keep, checked on data after the update.",
        metric="fraction_of_decisions_right",
        reference=None,
        reference_text="no numbers (the 5-step process, 14.3)",
        criterion="median fraction of right decisions is 1.0: shifted -> promoted model beats "
        "the champion on later data; unshifted -> champion kept",
        run_once=_update,
        passes=median_at_least(1.0),
    )
)
