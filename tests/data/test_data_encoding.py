import json

import numpy as np
import pytest

from seqlab.data import Vocabulary, one_hot, to_categorical
from seqlab.errors import ValidationError


def test_from_corpus_sorted_encode_decode():
    vocab = Vocabulary.from_corpus("hello world")
    assert vocab.symbols == (" ", "d", "e", "h", "l", "o", "r", "w")
    ids = vocab.encode("hello")
    assert ids.dtype == np.int64
    np.testing.assert_array_equal(ids, [3, 2, 4, 4, 5])
    assert vocab.decode(ids) == list("hello")
    assert vocab.decode_str(ids) == "hello"
    assert len(vocab) == 8 and "h" in vocab and "z" not in vocab
    assert vocab.id_of("w") == 7 and vocab.symbol_of(7) == "w"
    assert Vocabulary.fit("hello world") == vocab


def test_first_seen_order_and_words():
    vocab = Vocabulary.from_corpus(["the", "cat", "the", "mat"], sort=False)
    assert vocab.symbols == ("the", "cat", "mat")
    assert vocab.decode_str(vocab.encode(["cat", "the"]), sep=" ") == "cat the"


def test_unknown_symbol_mapping():
    vocab = Vocabulary(["<unk>", "a", "b"], unknown="<unk>")
    np.testing.assert_array_equal(vocab.encode(["a", "z", "b"]), [1, 0, 2])
    assert vocab.id_of("z") == 0
    added = Vocabulary.from_corpus("ab", unknown="?")
    assert "?" in added and added.encode("az")[1] == added.id_of("?")


def test_unseen_symbols_error_lists_positions():
    vocab = Vocabulary.from_corpus("abc")
    with pytest.raises(ValidationError, match=r"'x' at position 1, 'y' at position 3.*unknown="):
        vocab.encode("axcy")
    with pytest.raises(ValidationError, match=r"7 symbol.*and 2 more"):
        vocab.encode("zzzzzzz")


def test_invalid_vocabularies():
    with pytest.raises(ValidationError, match="duplicates 'a'"):
        Vocabulary(["a", "b", "a"])
    with pytest.raises(ValidationError, match="'unknown' parameter.*'<unk>'"):
        Vocabulary(["a"], unknown="<unk>")
    with pytest.raises(ValidationError, match="str or int"):
        Vocabulary([1.5])
    vocab = Vocabulary(["a", "b"])
    with pytest.raises(ValidationError, match=r"id 5 at position 1.*size 2"):
        vocab.decode([0, 5])
    with pytest.raises(ValidationError, match=r"'id' parameter.*\[0, 1\].*Got 2"):
        vocab.symbol_of(2)


def test_json_round_trip_str_and_int_symbols():
    for vocab in (Vocabulary(["<unk>", "x", "y"], unknown="<unk>"), Vocabulary([3, 1, 2])):
        restored = Vocabulary.from_dict(json.loads(json.dumps(vocab.to_dict())))
        assert restored == vocab
        assert restored.unknown == vocab.unknown


def test_int_symbols_accept_numpy_ints():
    vocab = Vocabulary.from_corpus(np.array([5, 3, 5, 9]))
    assert vocab.symbols == (3, 5, 9)
    np.testing.assert_array_equal(vocab.encode(np.array([9, 3])), [2, 0])


def test_one_hot_shapes_and_values():
    out = one_hot([0, 2, 1], 3)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[1, 0, 0], [0, 0, 1], [0, 1, 0]])
    grid = one_hot(np.array([[0, 1], [2, 3]]), 5, dtype=np.int64)
    assert grid.shape == (2, 2, 5)
    assert grid[1, 1, 3] == 1 and grid.sum() == 4
    assert to_categorical is one_hot
    np.testing.assert_array_equal(one_hot(np.array([1.0, 0.0]), 2), [[0, 1], [1, 0]])


def test_to_categorical_infers_the_classes_from_the_largest_id_as_keras_does():
    # to_categorical(y) without num_classes was a TypeError, where Keras takes max(y) + 1.
    np.testing.assert_array_equal(to_categorical([2, 0, 1, 2]), np.eye(3)[[2, 0, 1, 2]])
    assert to_categorical(np.array([[3.0], [1.0]])).shape == (2, 1, 4)
    assert to_categorical([0, 0]).shape == (2, 1)
    with pytest.raises(ValidationError, match="cannot infer 'num_classes' from no ids"):
        to_categorical([])
    with pytest.raises(ValidationError, match=r"id -1"):
        to_categorical([-1, 2])


def test_one_hot_errors():
    with pytest.raises(ValidationError, match=r"id 7 at index \(1,\).*num_classes=5"):
        one_hot([1, 7], 5)
    with pytest.raises(ValidationError, match=r"id -1"):
        one_hot([-1], 5)
    with pytest.raises(ValidationError, match="'num_classes' parameter of one_hot"):
        one_hot([1], 0)
    with pytest.raises(ValidationError, match="integer class ids"):
        one_hot([0.5], 2)
