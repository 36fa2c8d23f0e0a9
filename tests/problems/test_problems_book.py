"""The book's problems (003, chapters 6-11): definitions, shapes, seeds and errors."""

import numpy as np
import pytest

from seqlab.errors import ValidationError
from seqlab.problems import (
    ADDITION_ALPHABET,
    addition_examples,
    addition_lengths,
    cumulative_sum_examples,
    damped_sine,
    damped_sine_examples,
    decode_addition,
    echo_examples,
    encode_addition,
    moving_square_batches,
    moving_square_examples,
    random_rectangles,
    rectangle_pairs,
    shape_error,
)


# ------------------------------------------------------------------------ echo
def test_echo_target_is_the_element_at_out_index():
    x, y = echo_examples(50, length=6, n_features=7, out_index=4, seed=0)
    assert x.shape == (50, 6) and x.dtype == np.int64
    assert x.min() >= 0 and x.max() <= 6
    np.testing.assert_array_equal(y, x[:, 4])


def test_echo_one_hot_is_the_books_encoding():
    x, y = echo_examples(3, seed=1, as_one_hot=True)
    ids, _ = echo_examples(3, seed=1)
    assert x.shape == (3, 5, 10) and x.dtype == np.float32
    np.testing.assert_array_equal(x.argmax(-1), ids)
    assert np.all(x.sum(-1) == 1)


def test_echo_is_repeatable_and_checks_out_index():
    np.testing.assert_array_equal(echo_examples(5, seed=3)[0], echo_examples(5, seed=3)[0])
    with pytest.raises(ValidationError, match=r"'out_index'.*\[0, 4\].*Got 5"):
        echo_examples(5, out_index=5)


# ----------------------------------------------------------------- damped sine
def test_damped_sine_follows_the_books_formula():
    wave = damped_sine(30, period=12, decay=0.05)
    i = np.arange(30)
    np.testing.assert_allclose(wave, 0.5 + 0.5 * np.sin(2 * np.pi * i / 12) * np.exp(-0.05 * i),
                               rtol=1e-6)


def test_damped_sine_examples_split_one_wave_into_input_and_future():
    x, y = damped_sine_examples(200, length=20, n_out=3, seed=0)
    assert x.shape == (200, 20, 1) and y.shape == (200, 3)
    assert x.dtype == y.dtype == np.float32
    assert 0.0 <= x.min() and x.max() <= 1.0
    # Every sample is some damped sine with an integer period in [10, 20]: check one.
    whole = np.concatenate([x[0, :, 0], y[0]])
    fits = [np.abs(damped_sine(23, p, d) - whole).max()
            for p in range(10, 21) for d in np.linspace(0.01, 0.1, 901)]
    assert min(fits) < 2e-3


def test_damped_sine_checks_its_ranges():
    with pytest.raises(ValidationError, match="'period_range'"):
        damped_sine_examples(2, period_range=(20, 10))
    with pytest.raises(ValidationError, match="'decay_range'.*pair"):
        damped_sine_examples(2, decay_range=0.1)


# --------------------------------------------------------------- moving square
def test_moving_square_draws_one_column_per_frame_in_the_labelled_direction():
    x, y = moving_square_examples(40, size=12, seed=0)
    assert x.shape == (40, 12, 12, 12, 1) and x.dtype == np.uint8
    assert y.shape == (40, 1) and set(np.unique(y)) <= {0.0, 1.0}
    assert set(np.unique(x)) == {0, 1}
    assert 0 < y.mean() < 1
    for clip, label in zip(x[..., 0], y[:, 0], strict=True):
        # Frame t holds t + 1 pixels, each earlier frame contained in the next.
        assert [int(f.sum()) for f in clip] == list(range(1, 13))
        assert np.all(clip[1:] >= clip[:-1])
        cols = [int(np.argwhere(clip[t] - (clip[t - 1] if t else 0))[0][1]) for t in range(12)]
        assert cols == (list(range(12)) if label == 1 else list(range(11, -1, -1)))
        rows = clip[-1].argmax(0)  # the line's row in each column
        assert np.abs(np.diff(rows)).max() <= 1  # the row moves at most one pixel a frame


def test_moving_square_fewer_frames_and_chunks():
    x, _ = moving_square_examples(3, size=10, frames=4, seed=0)
    assert x.shape == (3, 4, 10, 10, 1)
    chunks = list(moving_square_batches(25, 10, size=8, seed=0))
    assert [len(c[0]) for c in chunks] == [10, 10, 5]
    with pytest.raises(ValidationError, match=r"'frames'.*\[1, 10\].*Got 11"):
        moving_square_examples(3, size=10, frames=11)


# -------------------------------------------------------------------- addition
def test_addition_lengths_are_the_books():
    assert addition_lengths(3, 10) == (8, 2)
    assert addition_lengths(2, 10) == (5, 2)
    assert addition_lengths(3, 99) == (8, 3)


def test_addition_encoding_and_its_inverse():
    x, y = encode_addition(np.array([[10, 10, 10], [1, 2, 3]]))
    assert decode_addition(x) == ["10+10+10", "   1+2+3"]
    assert decode_addition(y) == ["30", " 6"]
    assert ADDITION_ALPHABET.index(" ") == 11 and len(ADDITION_ALPHABET) == 12


def test_addition_examples_are_correct_sums_in_ids_or_one_hot():
    x, y = addition_examples(300, seed=0)
    assert x.shape == (300, 8) and y.shape == (300, 2)
    for question, answer in zip(decode_addition(x), decode_addition(y), strict=True):
        terms = [int(t) for t in question.split("+")]
        assert len(terms) == 3 and all(1 <= t <= 10 for t in terms)
        assert sum(terms) == int(answer)
    hot_x, hot_y = addition_examples(300, seed=0, as_one_hot=True)
    assert hot_x.shape == (300, 8, 12) and hot_y.shape == (300, 2, 12)
    assert decode_addition(hot_y) == decode_addition(y)


def test_addition_rejects_terms_out_of_range():
    with pytest.raises(ValidationError, match=r"\[1, largest=10\]"):
        encode_addition(np.array([[0, 3]]))


# -------------------------------------------------------------- cumulative sum
def test_cumulative_sum_tags_steps_once_the_running_sum_reaches_a_quarter():
    x, y = cumulative_sum_examples(500, seed=0)
    assert x.shape == y.shape == (500, 10, 1)
    expected = (np.cumsum(x[..., 0].astype(np.float64), axis=1) >= 2.5).astype(np.float32)
    np.testing.assert_array_equal(y[..., 0], expected)
    assert np.all(np.diff(y[..., 0], axis=1) >= 0)  # once 1, always 1
    _, y_high = cumulative_sum_examples(50, n_timesteps=10, threshold=100.0, seed=0)
    assert y_high.sum() == 0


# ------------------------------------------------------------------- rectangles
def test_rectangles_pairs_are_consecutive_corners():
    points = random_rectangles(4, seed=0)
    assert points.shape == (4, 4, 2)
    np.testing.assert_array_equal(points[:, 0], 0.0)
    x, y = rectangle_pairs(4, seed=0)
    assert x.shape == (12, 1, 2) and y.shape == (12, 2)
    np.testing.assert_array_equal(x[:3, 0], points[0, :3])
    np.testing.assert_array_equal(y[:3], points[0, 1:])


def test_shape_error_is_zero_for_rectangles_and_measures_skew():
    assert np.allclose(shape_error(random_rectangles(10, seed=1)), 0.0)
    skewed = np.array([[0, 0], [1, 0], [0.7, 0.5], [0, 0.4]])
    # |1 - 0.7| + |0.4 - 0.5|
    assert shape_error(skewed)[0] == pytest.approx(0.4)
    with pytest.raises(ValidationError, match=r"\(n, 4, 2\)"):
        shape_error(np.zeros((2, 3, 2)))
