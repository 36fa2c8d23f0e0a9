"""`TensorBoard`: write each epoch's metrics where TensorBoard can watch them.

Needs the optional ``tensorboard`` package (``pip install 'seqlab[tensorboard]'``);
it is imported only when the callback starts, so seqlab works without it.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from seqlab.errors import ValidationError
from seqlab.train.callbacks import Callback

__all__ = ["TensorBoard"]


def _summary_writer(log_dir: str) -> Any:
    try:
        import tensorboard  # noqa: F401  (torch's writer needs it; fail with our message)
        from torch.utils.tensorboard import SummaryWriter
    except ImportError as error:
        raise ValidationError(
            "TensorBoard logging needs the tensorboard package: pip install "
            "'seqlab[tensorboard]' (or pip install tensorboard)."
        ) from error
    return SummaryWriter(log_dir=log_dir)


class TensorBoard(Callback):
    """Log every numeric epoch metric (loss, val_loss, accuracy, lr …) as a scalar.

    Epochs are numbered on across the fits of one trainer (a run that trains in phases
    or chunks draws one curve). A second trainer watched by the same callback logs into
    ``LOG_DIR/trainer-2`` (and so on), so candidates never mix into one curve.

    Parameters
    ----------
    log_dir:
        Folder for the event files; view with ``tensorboard --logdir LOG_DIR``.
    """

    def __init__(self, log_dir: str | Path):
        self.log_dir = str(log_dir)
        self.writer_: Any = None
        self._steps: dict[int, int] = {}  # id(trainer) -> epochs logged
        self._folders: dict[int, str] = {}
        self._trainers: list[Any] = []  # keeps ids unique while they are keys

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        """Open the event file (of this trainer's folder)."""
        key = id(self.trainer)
        if key not in self._folders:
            self._trainers.append(self.trainer)
            count = len(self._folders) + 1
            folder = Path(self.log_dir) if count == 1 else Path(self.log_dir) / f"trainer-{count}"
            self._folders[key], self._steps[key] = str(folder), 0
        Path(self._folders[key]).mkdir(parents=True, exist_ok=True)
        self.writer_ = _summary_writer(self._folders[key])

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        """Write the epoch's scalars (step = 1-based epoch, counted on across fits)."""
        key = id(self.trainer)
        self._steps[key] += 1
        for name, value in logs.items():
            if name in ("epoch", "seconds") or isinstance(value, bool):
                continue
            if isinstance(value, (int, float)) and math.isfinite(value):
                self.writer_.add_scalar(name, float(value), self._steps[key])
        self.writer_.flush()

    def on_train_end(self, logs: dict[str, Any]) -> None:
        """Close the event file."""
        if self.writer_ is not None:
            self.writer_.close()
            self.writer_ = None
