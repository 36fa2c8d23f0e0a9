"""The synthetic problems and corpora of the source documents."""

from seqlab.problems.alphabet import (
    ALPHABET,
    CORRUPTED_PROBES,
    alphabet_vocabulary,
    alphabet_windows,
    scale_ids,
    variable_length_samples,
)

__all__ = [
    "ALPHABET",
    "CORRUPTED_PROBES",
    "alphabet_vocabulary",
    "alphabet_windows",
    "scale_ids",
    "variable_length_samples",
]
