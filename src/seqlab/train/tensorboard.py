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

    Parameters
    ----------
    log_dir:
        Folder for the event files; view with ``tensorboard --logdir LOG_DIR``.
    """

    def __init__(self, log_dir: str | Path):
        self.log_dir = str(log_dir)
        self.writer_: Any = None

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        """Open the event file."""
        Path(self.log_dir).mkdir(parents=True, exist_ok=True)
        self.writer_ = _summary_writer(self.log_dir)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        """Write the epoch's scalars (step = 1-based epoch)."""
        for key, value in logs.items():
            if key in ("epoch", "seconds") or isinstance(value, bool):
                continue
            if isinstance(value, (int, float)) and math.isfinite(value):
                self.writer_.add_scalar(key, float(value), epoch + 1)
        self.writer_.flush()

    def on_train_end(self, logs: dict[str, Any]) -> None:
        """Close the event file."""
        if self.writer_ is not None:
            self.writer_.close()
            self.writer_ = None
