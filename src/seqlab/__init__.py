"""seqlab: sequence prediction with recurrent neural networks on PyTorch.

The public API lives in the subpackages, each with an explicit ``__all__``:
``seqlab.data``, ``seqlab.models``, ``seqlab.train``, ``seqlab.recipes``; errors
are in ``seqlab.errors``.
"""

from seqlab.errors import (
    BundleError,
    DivergenceWarning,
    NotFittedError,
    SeqlabError,
    StatefulLayoutError,
    TrainingDivergedError,
    UnknownNameError,
    ValidationError,
)

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "SeqlabError",
    "ValidationError",
    "UnknownNameError",
    "NotFittedError",
    "StatefulLayoutError",
    "TrainingDivergedError",
    "BundleError",
    "DivergenceWarning",
]
