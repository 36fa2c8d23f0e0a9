"""`FitProgress`: the progress of a command that trains many models (``repeat``, ``tune``,
``update``): one bar over the fits on a terminal, one line per fit elsewhere, never a line
per epoch of each fit.
"""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console
from rich.progress import Progress, TextColumn, TimeElapsedColumn

from seqlab.train.callbacks import Callback


def _scores(logs: dict[str, Any]) -> str:
    """``loss 0.0123, val_loss 0.0456`` from a fit's last epoch logs (losses only: a line
    per fit stays short)."""
    return ", ".join(f"{key} {value:.4g}" for key, value in logs.items()
                     if key.endswith("loss") and isinstance(value, float))


class FitProgress(Callback):
    """Counts the fits it watches (through `watch_training`) and reports each as it ends.

    Parameters
    ----------
    label:
        Starts every line (the command's name).
    detail:
        Also a line as each fit starts (samples, batches, epochs): ``--verbose``.
    console:
        Where to draw (standard error by default).
    """

    def __init__(self, label: str = "", *, detail: bool = False,
                 console: Console | None = None):
        self.label, self.detail = label, detail
        self.console = console or Console(stderr=True, highlight=False)
        self.fits = 0
        self._progress: Progress | None = None
        self._task: Any = None

    @property
    def watches_batches(self) -> bool:
        """Never: a fit's end is all this reporter needs."""
        return False

    def _prefix(self) -> str:
        return f"{self.label}: " if self.label else ""

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        """Count the fit; on a terminal, start the bar at the first."""
        self.fits += 1
        self.started = time.perf_counter()
        self.epochs = logs.get("epochs")
        if self.detail:
            self.console.print(f"{self._prefix()}fit {self.fits}: {logs.get('samples')} "
                               f"samples, {logs.get('steps')} batches, {self.epochs} epoch(s)")
        if self.console.is_terminal and self._progress is None:
            self._progress = Progress(TextColumn("{task.description}"), TimeElapsedColumn(),
                                      console=self.console)
            self._progress.start()
            self._task = self._progress.add_task(f"{self._prefix()}fit 1", total=None)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        """On the bar: the running fit's epoch."""
        if self._progress is not None:
            self._progress.update(self._task, description=(
                f"{self._prefix()}fit {self.fits}, epoch {epoch + 1}/{self.epochs}"))

    def on_train_end(self, logs: dict[str, Any]) -> None:
        """One line (off a terminal) or one step of the bar per finished fit."""
        seconds = time.perf_counter() - self.started
        epochs = len(self.trainer.history_) if hasattr(self, "trainer") else 0
        line = (f"{self._prefix()}fit {self.fits} done: {epochs} epoch(s)"
                + (f", {_scores(logs)}" if logs else "") + f" ({seconds:.1f} s)")
        if self._progress is not None:
            self._progress.update(self._task, description=(
                f"{self._prefix()}{self.fits} fit(s) done"))
        else:
            self.console.print(line)

    def close(self) -> None:
        """Stop the bar (when one was drawn)."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
