"""Training: the Trainer, losses, metrics, history and callbacks."""

from seqlab.train.callbacks import (
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
from seqlab.train.losses import LOSSES, get_loss
from seqlab.train.metrics import METRICS, get_metric
from seqlab.train.trainer import Trainer, resolve_device

__all__ = [
    "Trainer",
    "TrainerConfig",
    "History",
    "Callback",
    "EarlyStopping",
    "ModelCheckpoint",
    "LearningRateScheduler",
    "CosineDecay",
    "ReduceLROnPlateau",
    "ResetState",
    "LOSSES",
    "METRICS",
    "get_loss",
    "get_metric",
    "resolve_device",
]
