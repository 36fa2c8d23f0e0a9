"""The synthetic problems and corpora of the source documents."""

from seqlab.problems.addition import (
    ADDITION_ALPHABET,
    addition_examples,
    addition_lengths,
    decode_addition,
    encode_addition,
)
from seqlab.problems.alphabet import (
    ALPHABET,
    alphabet_vocabulary,
    alphabet_windows,
    scale_ids,
    variable_length_samples,
)
from seqlab.problems.cumulative_sum import cumulative_sum_examples
from seqlab.problems.damped_sines import damped_sine, damped_sine_examples
from seqlab.problems.echo import echo_examples
from seqlab.problems.moving_square import moving_square_batches, moving_square_examples
from seqlab.problems.rectangles import random_rectangles, rectangle_pairs, shape_error

__all__ = [
    "ALPHABET",
    "alphabet_vocabulary",
    "alphabet_windows",
    "scale_ids",
    "variable_length_samples",
    "echo_examples",
    "damped_sine",
    "damped_sine_examples",
    "moving_square_examples",
    "moving_square_batches",
    "ADDITION_ALPHABET",
    "addition_lengths",
    "addition_examples",
    "encode_addition",
    "decode_addition",
    "cumulative_sum_examples",
    "random_rectangles",
    "rectangle_pairs",
    "shape_error",
]
