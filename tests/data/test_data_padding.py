import numpy as np
import pytest

from seqlab.data import pad_sequences
from seqlab.errors import UnknownNameError, ValidationError

SEQS = [[1, 2, 3, 4], [1, 2, 3], [1]]


def test_book_examples():
    out = pad_sequences(SEQS)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, [[1, 2, 3, 4], [0, 1, 2, 3], [0, 0, 0, 1]])
    np.testing.assert_array_equal(
        pad_sequences(SEQS, padding="post"), [[1, 2, 3, 4], [1, 2, 3, 0], [1, 0, 0, 0]]
    )
    np.testing.assert_array_equal(pad_sequences(SEQS, maxlen=2), [[3, 4], [2, 3], [0, 1]])
    np.testing.assert_array_equal(
        pad_sequences(SEQS, maxlen=2, truncating="post"), [[1, 2], [1, 2], [0, 1]]
    )


def test_value_dtype_and_empty_sequences():
    out = pad_sequences([[0.5, 1.5], []], maxlen=3, value=-1.0, dtype="float32")
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[-1, 0.5, 1.5], [-1, -1, -1]])
    assert pad_sequences([[], []]).shape == (2, 0)
    assert pad_sequences([]).shape == (0, 0)


def test_feature_vectors():
    seqs = [np.ones((2, 3)), np.full((4, 3), 2.0)]
    out = pad_sequences(seqs, dtype="float32", padding="post")
    assert out.shape == (2, 4, 3)
    np.testing.assert_array_equal(out[0, 2:], 0)
    np.testing.assert_array_equal(out[1], 2)
    with pytest.raises(ValidationError, match=r"sequence 1 has steps of shape \(2,\).*\(3,\)"):
        pad_sequences([np.ones((2, 3)), np.ones((2, 2))], dtype="float32")


def test_errors():
    with pytest.raises(UnknownNameError, match="'padding' of pad_sequences.*'middle'"):
        pad_sequences(SEQS, padding="middle")
    with pytest.raises(UnknownNameError, match="'truncating'.*Did you mean 'post'"):
        pad_sequences(SEQS, truncating="pots")
    with pytest.raises(ValidationError, match=r"'maxlen' parameter of pad_sequences.*Got 0"):
        pad_sequences(SEQS, maxlen=0)
    with pytest.raises(ValidationError, match="dtype='float32'"):
        pad_sequences([[0.5, 1.0]])
