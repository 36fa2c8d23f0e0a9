"""Closed-loop generation feeds every prediction back as the next input."""

import numpy as np
import pytest
import torch
from torch import nn

from seqlab.errors import ValidationError
from seqlab.generate import closed_loop
from seqlab.models import ModelSpec, build


class AddOne(nn.Module):
    """Next point = last input point + 1, and counts how often it is called."""

    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(()))
        self.calls = []

    def forward(self, x, state=None):
        self.calls.append((tuple(x.shape), state))
        count = 0 if state is None else state
        return x[:, -1] + 1 + self.weight, count + 1


def test_each_prediction_becomes_the_next_input():
    model = AddOne()
    generated = closed_loop(model, [[0.0, 10.0]], 3)
    np.testing.assert_allclose(generated, [[1, 11], [2, 12], [3, 13]])
    assert [shape for shape, _ in model.calls] == [(1, 1, 2)] * 3


def test_window_slides_and_batches_generate_together():
    model = AddOne()
    start = np.zeros((4, 3, 1), dtype=np.float32)
    start[:, -1, 0] = np.arange(4)
    generated = closed_loop(model, start, 2)
    assert generated.shape == (4, 2, 1)
    np.testing.assert_allclose(generated[:, :, 0], [[1, 2], [2, 3], [3, 4], [4, 5]])
    assert all(shape == (4, 3, 1) for shape, _ in model.calls)


def test_carry_state_feeds_single_points_with_the_state():
    model = AddOne()
    closed_loop(model, np.zeros((5, 2)), 3, carry_state=True)
    assert [c[0] for c in model.calls] == [(1, 5, 2), (1, 1, 2), (1, 1, 2)]
    assert [c[1] for c in model.calls] == [None, 1, 2]


def test_real_model_is_left_in_its_mode_and_output_must_match_input():
    model = build(ModelSpec(2, 2, units=[4]), seed=0).train()
    out = closed_loop(model, np.zeros((1, 2)), 3)
    assert out.shape == (3, 2) and model.training
    with pytest.raises(ValidationError, match="next input point"):
        closed_loop(build(ModelSpec(2, 3, units=[4])), np.zeros((1, 2)), 2)
