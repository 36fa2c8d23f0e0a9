"""The progress reporter: one style for `fit(verbose=...)` and for the command line."""

import io

import numpy as np
from rich.console import Console

from seqlab.models import ModelSpec, build
from seqlab.train import ProgressReporter, Trainer
from seqlab.train.callbacks import watch_training


def _fit(epochs=3, fits=1, **reporter):
    x = np.random.default_rng(0).normal(size=(24, 4, 1)).astype("float32")
    y = x.mean(axis=1)
    trainer = Trainer(build(ModelSpec(1, 1, units=[4], timesteps=4), seed=0), seed=0)
    for _ in range(fits):
        trainer.fit(x, y, epochs=epochs, batch_size=8, verbose=0)
    return trainer


def _console(terminal):
    return Console(file=io.StringIO(), force_terminal=terminal, width=120)


def test_off_a_terminal_a_watcher_prints_one_line_per_epoch_of_every_fit():
    console = _console(False)
    reporter = ProgressReporter(1, console=console, label="recipe")
    with watch_training([reporter]):
        _fit(epochs=3, fits=2)
    lines = console.file.getvalue().splitlines()
    assert [line.split(" - ")[0] for line in lines] == [
        "recipe: Epoch 1/3", "recipe: Epoch 2/3", "recipe: Epoch 3/3",
        "recipe (fit 2): Epoch 1/3", "recipe (fit 2): Epoch 2/3", "recipe (fit 2): Epoch 3/3"]
    assert all("loss: " in line for line in lines)
    assert not reporter.watches_batches  # no bar: batch logs (a device wait each) are skipped


def test_on_a_terminal_the_bar_shows_time_left_and_the_loss():
    console = _console(True)
    reporter = ProgressReporter(1, console=console, label="train")
    assert reporter.watches_batches
    with watch_training([reporter]):
        _fit(epochs=2)
    shown = console.file.getvalue()
    assert "eta" in shown and "loss: " in shown and "3/3" in shown  # 24 samples, batch 8
    assert "train: Epoch 2/2 - " in shown


def test_detail_announces_each_fit_and_verbose_0_prints_nothing():
    console = _console(False)
    with watch_training([ProgressReporter(1, console=console, detail=True)]):
        _fit(epochs=1)
    assert console.file.getvalue().splitlines()[0] == (
        "training on 24 samples, 3 batches an epoch, 1 epoch(s)")
    silent = _console(True)
    with watch_training([ProgressReporter(0, console=silent)]):
        _fit(epochs=1)
    assert silent.file.getvalue() == ""
