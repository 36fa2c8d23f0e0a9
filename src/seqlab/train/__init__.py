"""Training: the Trainer, losses, metrics, history and callbacks."""

from seqlab.train._progress import ProgressReporter
from seqlab.train.callbacks import (
    AverageWeights,
    Callback,
    CosineDecay,
    EarlyStopping,
    LearningRateScheduler,
    ModelCheckpoint,
    ReduceLROnPlateau,
    ResetState,
)
from seqlab.train.config import TrainerConfig
from seqlab.train.history import History
from seqlab.train.losses import LOSSES
from seqlab.train.metrics import METRICS
from seqlab.train.tensorboard import TensorBoard
from seqlab.train.tracking import MLflow
from seqlab.train.trainer import Trainer

__all__ = [
    "Trainer",
    "TrainerConfig",
    "History",
    "Callback",
    "AverageWeights",
    "EarlyStopping",
    "ModelCheckpoint",
    "LearningRateScheduler",
    "CosineDecay",
    "ProgressReporter",
    "ReduceLROnPlateau",
    "ResetState",
    "TensorBoard",
    "MLflow",
    "LOSSES",
    "METRICS",
]
