"""Progress on long training: a rich bar per epoch (verbose=1), a line per epoch (2), or none (0).

Progress goes to standard error so a program's own output stays clean.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


def format_logs(logs: dict[str, Any]) -> str:
    """``loss: 0.4123 - accuracy: 1.0000`` from an epoch's logs."""
    parts = []
    for key, value in logs.items():
        if key in ("epoch", "seconds"):
            continue
        parts.append(f"{key}: {value:.4g}" if isinstance(value, float) else f"{key}: {value}")
    return " - ".join(parts)


class ProgressReporter:
    """Shows training progress at one of three verbosity levels."""

    def __init__(self, verbose: int, epochs: int, steps: int, console: Console | None = None):
        self.verbose = verbose
        self.epochs = epochs
        self.steps = steps
        self.console = console or Console(stderr=True)
        self._progress: Progress | None = None
        self._task = None

    def __enter__(self) -> ProgressReporter:
        if self.verbose == 1:
            self._progress = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), TextColumn("{task.fields[loss]}"),
                console=self.console, transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("", total=self.steps, loss="")
        return self

    def start_epoch(self, epoch: int) -> None:
        """Reset the bar for a new epoch."""
        if self._progress is not None:
            self._progress.reset(self._task, total=self.steps,
                                 description=f"Epoch {epoch + 1}/{self.epochs}", loss="")

    def update(self, step: int, loss: float | None = None) -> None:
        """Advance the bar to `step` batches done."""
        if self._progress is not None:
            text = "" if loss is None else f"loss: {loss:.4f}"
            self._progress.update(self._task, completed=step, loss=text)

    def end_epoch(self, epoch: int, logs: dict[str, Any]) -> None:
        """Print the epoch's line (verbose 1 and 2)."""
        if self.verbose >= 1:
            seconds = logs.get("seconds", 0.0)
            line = f"Epoch {epoch + 1}/{self.epochs} - {seconds:.2f}s - {format_logs(logs)}"
            # soft_wrap: one line per epoch, never folded at the console width.
            if self._progress is not None:
                self._progress.console.print(line, highlight=False, soft_wrap=True)
            else:
                self.console.print(line, highlight=False, soft_wrap=True)

    def __exit__(self, *exc: Any) -> None:
        if self._progress is not None:
            self._progress.stop()
