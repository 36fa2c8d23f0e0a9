"""`TensorBoard`: write each epoch's metrics, and the run's hyperparameters, where
TensorBoard can watch them.

Scalars are tagged ``loss/train``, ``loss/validation``, ``accuracy/train`` … (see
`seqlab.train.tracking.metric_tag`), so each metric's section holds both curves, and a
custom-scalars layout draws train and validation of a metric in one chart (the "Custom
Scalars" tab). The run's hyperparameters (its `TrainerConfig`, its model spec, the
command's options) and final metrics appear in the "HParams" tab, one row per run, so
runs of a sweep compare side by side.

Needs the optional ``tensorboard`` package (``pip install 'seqlab[tensorboard]'``);
it is imported only when the callback starts, so seqlab works without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from seqlab.errors import ValidationError
from seqlab.train.tracking import PerTrainer, epoch_scalars, hparams_of

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


class TensorBoard(PerTrainer):
    """Log every numeric epoch metric as a scalar, and the hyperparameters at the end.

    Epochs are numbered on across the fits of one trainer (a run that trains in phases
    or chunks draws one curve). A second trainer watched by the same callback logs into
    ``LOG_DIR/trainer-2`` (and so on), so candidates never mix into one curve.

    Parameters
    ----------
    log_dir:
        Folder for the event files; view with ``tensorboard --logdir LOG_DIR``.
    hparams:
        Extra hyperparameters recorded beside the trainer's config (a command's options:
        recipe, seed …).
    """

    def __init__(self, log_dir: str | Path, *, hparams: Mapping[str, Any] | None = None):
        super().__init__()
        self.log_dir = str(log_dir)
        self.hparams = dict(hparams or {})
        self.writer_: Any = None
        self._laid_out: set[int] = set()  # trainers whose chart layout is written
        self._described: set[int] = set()  # trainers whose hparams are written

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        """Open the event file (of this trainer's folder)."""
        number, _ = self._begin()
        folder = Path(self.log_dir) if number == 1 else Path(self.log_dir) / f"trainer-{number}"
        folder.mkdir(parents=True, exist_ok=True)
        self.writer_ = _summary_writer(str(folder))

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        """Write the epoch's scalars (step = 1-based epoch, counted on across fits)."""
        step = self._step()
        scalars = epoch_scalars(logs)
        for tag, value in scalars.items():
            self.writer_.add_scalar(tag, value, step)
        number = self._index[id(self.trainer)]
        if number not in self._laid_out:
            self._laid_out.add(number)
            self._write_layout(scalars)
        self.writer_.flush()

    def on_train_end(self, logs: dict[str, Any]) -> None:
        """Record the hyperparameters with the final metrics (once per trainer), then
        close the event file."""
        if self.writer_ is None:
            return
        number = self._index[id(self.trainer)]
        history = getattr(self.trainer, "history_", None)
        final = epoch_scalars(history.last()) if history is not None and len(history) else {}
        if number not in self._described and final:
            self._described.add(number)
            self._write_hparams(hparams_of(self.trainer, self.hparams), final)
        self.writer_.close()
        self.writer_ = None

    def _write_layout(self, scalars: Mapping[str, float]) -> None:
        """One custom-scalars chart per metric that has both a train and a validation curve."""
        charts = {}
        for tag in scalars:
            name, _, part = tag.rpartition("/")
            if part == "train" and f"{name}/validation" in scalars:
                charts[name] = ["Multiline", [f"{name}/train", f"{name}/validation"]]
        if charts:
            self.writer_.add_custom_scalars({"train vs validation": charts})

    def _write_hparams(self, hparams: dict[str, Any], final: dict[str, float]) -> None:
        """The HParams plugin's experiment and session records, in this run's own folder so
        its metric columns read the final values of the run's scalars (same tags)."""
        from torch.utils.tensorboard.summary import hparams as hparams_summaries

        experiment, start, end = hparams_summaries(hparams, final)
        for summary in (experiment, start, end):
            self.writer_.file_writer.add_summary(summary)
