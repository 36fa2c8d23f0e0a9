import json
import warnings

import numpy as np
import pytest

from seqlab.data import StatefulLayout, stateful_layout
from seqlab.data.batching import minibatches, stream_segments
from seqlab.errors import StatefulLayoutError, ValidationError


def test_minibatches_cover_all_indices():
    batches = minibatches(10, 4, rng=0)
    assert [len(b) for b in batches] == [4, 4, 2]
    assert all(b.dtype == np.int64 for b in batches)
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(10))
    assert [len(b) for b in minibatches(10, 4, rng=0, drop_last=True)] == [4, 4]


def test_minibatches_seeded_repeatable_and_generator_advances():
    a = np.concatenate(minibatches(50, 8, rng=123))
    b = np.concatenate(minibatches(50, 8, rng=123))
    np.testing.assert_array_equal(a, b)
    gen = np.random.default_rng(1)
    first = np.concatenate(minibatches(50, 8, rng=gen))
    second = np.concatenate(minibatches(50, 8, rng=gen))
    assert not np.array_equal(first, second)


def test_minibatches_in_order():
    batches = minibatches(5, 2, shuffle=False)
    assert [b.tolist() for b in batches] == [[0, 1], [2, 3], [4]]
    assert minibatches(0, 3) == []


def test_minibatches_errors():
    with pytest.raises(ValidationError, match=r"'batch_size' parameter of minibatches.*Got 0"):
        minibatches(10, 0)
    with pytest.raises(ValidationError, match="'rng' parameter"):
        minibatches(10, 2, rng="seed")
    with pytest.raises(ValidationError, match="batch_size=8.*n_samples=5"):
        minibatches(5, 8, drop_last=True)


def test_stateful_layout_continuity():
    layout = stateful_layout(12, 3)
    assert (layout.batch_size, layout.steps_per_epoch, layout.n_used, layout.n_dropped) == (
        3,
        4,
        12,
        0,
    )
    np.testing.assert_array_equal(layout.batch_indices(0), [0, 4, 8])
    for k in range(1, layout.steps_per_epoch):
        prev, cur = layout.batch_indices(k - 1), layout.batch_indices(k)
        for i in range(layout.batch_size):
            assert cur[i] == prev[i] + 1
    order = layout.order()
    assert order.shape == (4, 3)
    for k in range(4):
        np.testing.assert_array_equal(order[k], layout.batch_indices(k))
    np.testing.assert_array_equal(np.sort(order.ravel()), np.arange(12))
    arranged = layout.arrange(np.arange(12) * 10)
    np.testing.assert_array_equal(arranged[3:6], [10, 50, 90])


def test_stateful_layout_trim_warns():
    with pytest.warns(UserWarning, match=r"n_samples \(10\).*batch_size \(3\).*dropping 1 .*tail"):
        layout = stateful_layout(10, 3)
    assert (layout.steps_per_epoch, layout.n_used, layout.n_dropped) == (3, 9, 1)
    assert layout.order().max() == 8
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stateful_layout(9, 3)


def test_stateful_layout_errors():
    with pytest.raises(StatefulLayoutError, match=r"n_samples \(10\).*batch_size \(4\).*2, 5"):
        stateful_layout(10, 4, on_remainder="error")
    with pytest.raises(
        StatefulLayoutError,
        match=r"batch_size \(8\) is larger than the number of samples \(5\): each of the 8",
    ):
        stateful_layout(5, 8)
    with pytest.raises(ValidationError, match=r"'k' parameter.*Got 3"):
        stateful_layout(6, 2).batch_indices(3)
    with pytest.raises(ValidationError, match="on_remainder"):
        stateful_layout(6, 2, on_remainder="pad")


def test_stateful_layout_round_trip_and_frozen():
    layout = stateful_layout(12, 4)
    assert StatefulLayout.from_dict(json.loads(json.dumps(layout.to_dict()))) == layout
    with pytest.raises(AttributeError):
        layout.batch_size = 2  # type: ignore[misc]
    with pytest.raises(ValidationError, match="inconsistent"):
        StatefulLayout.from_dict({**layout.to_dict(), "n_used": 5})


def test_stream_segments_layout():
    seq = np.arange(23)
    x, y = stream_segments(seq, 3, 3)
    # (23 - 1) // 3 = 7 steps per segment, trimmed to 6 = 2 chunks of 3.
    assert x.shape == y.shape == (2, 3, 3)
    np.testing.assert_array_equal(x[0], [[0, 1, 2], [6, 7, 8], [12, 13, 14]])
    np.testing.assert_array_equal(x[1], [[3, 4, 5], [9, 10, 11], [15, 16, 17]])
    np.testing.assert_array_equal(y, x + 1)
    for k in range(1, x.shape[0]):
        np.testing.assert_array_equal(x[k, :, 0], x[k - 1, :, -1] + 1)
    assert np.shares_memory(x, seq) and np.shares_memory(y, seq)


def test_stream_segments_features():
    seq = np.arange(40.0).reshape(20, 2)
    x, y = stream_segments(seq, 2, 4)
    assert x.shape == (2, 2, 4, 2)
    np.testing.assert_array_equal(x[1, 1, 0], seq[8 + 4])
    np.testing.assert_array_equal(y[1, 1, 0], seq[8 + 4 + 1])


def test_stream_segments_errors():
    with pytest.raises(ValidationError, match=r"'n_segments'.*at most 9 .*10 steps.*Got 12"):
        stream_segments(np.arange(10), 12, 1)
    with pytest.raises(ValidationError, match=r"'seq_len'.*at most 3.*Got 5"):
        stream_segments(np.arange(10), 3, 5)
