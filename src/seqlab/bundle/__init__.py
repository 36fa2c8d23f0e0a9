"""Bundles: a model with its preprocessing, training config and history as plain files.

``save(model, path, pipeline=...)`` writes JSON and safetensors files atomically, one
writer at a time (a lock file beside the bundle);
``load(path)`` rebuilds everything without executing anything from the files and returns
a `Bundle`, whose `Predictor` predicts on raw data in raw terms. ``rollback(path)`` makes
the version kept by ``save(..., keep_previous=True)`` live again.
"""

from seqlab.bundle.files import Limits
from seqlab.bundle.loading import Bundle, load
from seqlab.bundle.predictor import Predictor
from seqlab.bundle.saving import check_replaces_alike, check_target, save  # noqa: F401
from seqlab.bundle.schema import trainer_config_of  # noqa: F401  (older callers)
from seqlab.bundle.store import rollback

# DEFAULT_LIMITS (seqlab.bundle.files) and FORMAT_VERSION (seqlab.bundle.saving) stay
# importable from their modules.
__all__ = ["save", "load", "rollback", "Bundle", "Predictor", "Limits"]
