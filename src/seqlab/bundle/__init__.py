"""Bundles: a model with its preprocessing, training config and history as plain files.

``save(model, path, pipeline=...)`` writes JSON and safetensors files atomically, one
writer at a time (a lock file beside the bundle);
``load(path)`` rebuilds everything without executing anything from the files and returns
a `Bundle`, whose `Predictor` predicts on raw data in raw terms. ``rollback(path)`` makes
the version kept by ``save(..., keep_previous=True)`` live again.
"""

from seqlab.bundle.files import DEFAULT_LIMITS, Limits
from seqlab.bundle.loading import Bundle, load
from seqlab.bundle.predictor import Predictor
from seqlab.bundle.saving import FORMAT_VERSION, check_target, save  # noqa: F401  (CLI helper)
from seqlab.bundle.schema import trainer_config_of  # noqa: F401  (older callers)
from seqlab.bundle.store import rollback

__all__ = ["save", "load", "rollback", "Bundle", "Predictor", "Limits", "DEFAULT_LIMITS",
           "FORMAT_VERSION"]
