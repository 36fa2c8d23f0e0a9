"""`--tensorboard DIR` and `--mlflow URI` for every training command, in one place.

`tracked(command)` adds both options to a command and runs its body inside
`seqlab.train.callbacks.watch_training`, so every `Trainer.fit` the command makes (its
own, a recipe's, a library function's) is logged: scalars grouped ``loss/train`` and
``loss/validation``, hyperparameters with final metrics. `trackers` builds the callbacks
for commands that want one log folder per run (`seqlab run`, per seed).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from seqlab._io import check_distinct_outputs, check_output_path
from seqlab.cli._options import with_options
from seqlab.errors import ValidationError
from seqlab.train.callbacks import Callback, watch_training

__all__ = ["TensorBoardDir", "MLflowURI", "tracked", "trackers", "check_trackers"]

TensorBoardDir = Annotated[Path | None, typer.Option(
    "--tensorboard", help="Log every epoch's metrics (loss/train beside loss/validation) and "
    "the hyperparameters here for TensorBoard (needs the tensorboard extra).",
    show_default="none")]
MLflowURI = Annotated[str | None, typer.Option(
    "--mlflow", envvar="SEQLAB_MLFLOW", help="Log params and every epoch's metrics to this "
    "MLflow tracking URI, e.g. file:./mlruns (needs the mlflow extra).",
    show_default="none")]


def check_trackers(tensorboard: Path | None, mlflow: str | None, workers: int = 1) -> None:
    """Fail before any training: an unwritable TensorBoard folder, mlflow missing, or
    worker processes (which the callbacks cannot follow)."""
    if tensorboard is not None:
        check_output_path(tensorboard, "TensorBoard folder", folder=True)
    if mlflow is not None:
        from seqlab.train.tracking import require_mlflow

        require_mlflow()
    if workers > 1 and (tensorboard is not None or mlflow is not None):
        raise ValidationError(
            "--tensorboard and --mlflow log the training of this process; with --workers "
            f"{workers} the runs happen in worker processes. Use --workers 1 to log them."
        )


def trackers(tensorboard: Path | None, mlflow: str | None, *, name: str,
             hparams: Mapping[str, Any] | None = None) -> list[Callback]:
    """The callbacks that log to TensorBoard folder `tensorboard` and MLflow URI `mlflow`
    (either may be None); `name` names the MLflow run."""
    callbacks: list[Callback] = []
    if tensorboard is not None:
        from seqlab.train.tensorboard import TensorBoard

        callbacks.append(TensorBoard(tensorboard, hparams=hparams))
    if mlflow is not None:
        from seqlab.train.tracking import MLflow

        callbacks.append(MLflow(mlflow, run_name=name, hparams=hparams))
    return callbacks


def _options(command: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The command's own options as hyperparameters (``repeat.seed`` …): a trainer's
    settings keep their plain names, so the command's are prefixed."""
    plain = {}
    for key, value in arguments.items():
        if isinstance(value, Path):
            value = str(value)
        if isinstance(value, (bool, int, float, str)) and key not in ("as_json", "out"):
            plain[f"{command}.{key}"] = value
    return plain


def tracked(command: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: give a training command `--tensorboard` and `--mlflow`, and log every
    fit made while it runs."""

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(function, eval_str=True)

        @functools.wraps(function)
        def command_with_tracking(*args: Any, tensorboard: Path | None = None,
                                  mlflow: str | None = None, **kwargs: Any) -> Any:
            check_trackers(tensorboard, mlflow, int(kwargs.get("workers", 1) or 1))
            bound = signature.bind_partial(*args, **kwargs).arguments
            # The bundle a command saves after training: never the folder logged into.
            check_distinct_outputs({"--out": bound.get("out"), "--tensorboard": tensorboard})
            callbacks = trackers(tensorboard, mlflow, name=command,
                                 hparams=_options(command, bound))
            with watch_training(callbacks):
                return function(*args, **kwargs)

        added = [inspect.Parameter("tensorboard", inspect.Parameter.KEYWORD_ONLY, default=None,
                                   annotation=TensorBoardDir),
                 inspect.Parameter("mlflow", inspect.Parameter.KEYWORD_ONLY, default=None,
                                   annotation=MLflowURI)]
        return with_options(command_with_tracking, function, added)

    return decorate
