"""Progress on long training, one style everywhere: `Trainer.fit(verbose=...)` and the
command line (through `watch_training`) use the same reporter.

- verbose 0: nothing.
- verbose 1: on a terminal, a live bar (epoch, batches, elapsed, time left, loss) with a
  line kept above it for each finished epoch; off a terminal (a log file, a pipe, CI),
  only the line per epoch, so logs stay readable.
- verbose 2: the line per epoch only, also on a terminal.

Progress goes to standard error so a program's own output (its result, its ``--json``)
stays clean. Given no `epochs`/`steps`, the reporter reads them from each fit's
``on_train_begin`` logs, so one reporter can watch every fit of a block.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

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
    """Shows training progress at one of three verbosity levels (see the module's doc).

    `label` starts every line (``moving-square: Epoch 1/1 - ...``); from a reporter's
    second fit on, the fit's number follows it (``moving-square (fit 2): ...``), so the
    phases of a recipe that trains several times can be told apart. With `detail`, a line
    also announces each fit (samples, batches, epochs). `fit` notifies the reporter after
    the divergence guard, validation and the history record.
    """

    def __init__(self, verbose: int, epochs: int | None = None, steps: int | None = None,
                 console: Console | None = None, *, label: str = "", detail: bool = False):
        self.verbose = verbose
        self.epochs, self.steps = epochs, steps
        self._given = (epochs, steps)
        self.console = console or Console(stderr=True, highlight=False)
        self.label, self.detail = label, detail
        self.fits = 0
        self._progress: Progress | None = None
        self._task = None

    @property
    def live(self) -> bool:
        """Whether a bar is drawn: verbose 1 on a terminal."""
        return self.verbose == 1 and self.console.is_terminal

    @property
    def watches_batches(self) -> bool:
        """Only the bar follows batches (batch logs cost a wait for the device)."""
        return self.live

    def _prefix(self) -> str:
        if not self.label:
            return ""
        return f"{self.label}: " if self.fits <= 1 else f"{self.label} (fit {self.fits}): "

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        """Start the bar (verbose 1 on a terminal)."""
        self.close()
        self.fits += 1
        self.epochs = self._given[0] or logs.get("epochs")
        self.steps = self._given[1] or logs.get("steps")
        if self.verbose and self.detail:
            self._print(f"{self._prefix()}training on {logs.get('samples', '?')} samples, "
                        f"{self.steps or '?'} batches an epoch, {self.epochs or '?'} epoch(s)")
        if self.live:
            self._progress = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
                TextColumn("{task.fields[loss]}"),
                console=self.console, transient=True,
                # Lines a command prints meanwhile go above the bar, where the bar shares
                # the screen with them; printed to a file, they stay in the file.
                redirect_stdout=_stdout_is_terminal(), redirect_stderr=False,
            )
            self._progress.start()
            self._task = self._progress.add_task("", total=self.steps, loss="")

    def on_epoch_begin(self, epoch: int) -> None:
        """Reset the bar for a new epoch."""
        if self._progress is not None:
            self._progress.reset(self._task, total=self.steps, loss="",
                                 description=f"{self._prefix()}Epoch {epoch + 1}/"
                                             f"{self.epochs or '?'}")

    def on_batch_end(self, batch: int, logs: dict[str, Any]) -> None:
        """Move the bar every `PROGRESS_EVERY` batches and at the epoch's last."""
        if batch % PROGRESS_EVERY == 0 or batch == (self.steps or 0) - 1:
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
            self._print(f"{self._prefix()}Epoch {epoch + 1}/{self.epochs or '?'} - "
                        f"{seconds:.2f}s - {format_logs(logs)}")

    def _print(self, line: str) -> None:
        # soft_wrap: one line per epoch, never folded at the console width.
        console = self._progress.console if self._progress is not None else self.console
        console.print(line, highlight=False, soft_wrap=True, markup=False)

    def on_train_end(self, logs: dict[str, Any]) -> None:
        """Stop the bar."""
        self.close()

    def close(self) -> None:
        """Stop the bar if it runs (also when training ends with an error)."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def _stdout_is_terminal() -> bool:
    import sys

    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False
