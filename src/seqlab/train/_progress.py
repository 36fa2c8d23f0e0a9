"""Progress on long training: a rich bar per epoch (verbose=1), a line per epoch (2), or none (0).

Progress goes to standard error so a program's own output stays clean.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from seqlab.train.callbacks import Callback

PROGRESS_EVERY = 10
"""Batches between moves of the progress bar (each move redraws the line)."""


def format_logs(logs: dict[str, Any]) -> str:
    """``loss: 0.4123 - accuracy: 1.0000`` from an epoch's logs."""
    parts = []
    for key, value in logs.items():
        if key in ("epoch", "seconds"):
            continue
        parts.append(f"{key}: {value:.4g}" if isinstance(value, float) else f"{key}: {value}")
    return " - ".join(parts)


class ProgressReporter(Callback):
    """Shows training progress at one of three verbosity levels: a callback that `fit`
    notifies after the divergence guard, validation and the history record."""

    def __init__(self, verbose: int, epochs: int, steps: int, console: Console | None = None):
        self.verbose = verbose
        self.epochs = epochs
        self.steps = steps
        self.console = console or Console(stderr=True)
        self._progress: Progress | None = None
        self._task = None

    @property
    def watches_batches(self) -> bool:
        """Only the bar (verbose 1) follows batches."""
        return self.verbose == 1

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        """Start the bar (verbose 1)."""
        if self.verbose == 1:
            self._progress = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), TextColumn("{task.fields[loss]}"),
                console=self.console, transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("", total=self.steps, loss="")

    def on_epoch_begin(self, epoch: int) -> None:
        """Reset the bar for a new epoch."""
        if self._progress is not None:
            self._progress.reset(self._task, total=self.steps,
                                 description=f"Epoch {epoch + 1}/{self.epochs}", loss="")

    def on_batch_end(self, batch: int, logs: dict[str, Any]) -> None:
        """Move the bar every `PROGRESS_EVERY` batches and at the epoch's last."""
        if batch % PROGRESS_EVERY == 0 or batch == self.steps - 1:
            self.update(batch + 1, logs.get("loss"))

    def update(self, step: int, loss: float | None = None) -> None:
        """Advance the bar to `step` batches done."""
        if self._progress is not None:
            text = "" if loss is None else f"loss: {loss:.4f}"
            self._progress.update(self._task, completed=step, loss=text)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        """Print the epoch's line (verbose 1 and 2)."""
        if self.verbose >= 1:
            seconds = logs.get("seconds", 0.0)
            line = f"Epoch {epoch + 1}/{self.epochs} - {seconds:.2f}s - {format_logs(logs)}"
            # soft_wrap: one line per epoch, never folded at the console width.
            if self._progress is not None:
                self._progress.console.print(line, highlight=False, soft_wrap=True)
            else:
                self.console.print(line, highlight=False, soft_wrap=True)

    def on_train_end(self, logs: dict[str, Any]) -> None:
        """Stop the bar."""
        self.close()

    def close(self) -> None:
        """Stop the bar if it runs (also when training ends with an error)."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
