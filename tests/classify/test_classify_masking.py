"""A sequence's prediction does not depend on its padding or its batch mates."""

import numpy as np
import pytest
import torch
from torch import nn

from seqlab.classify.kernels import RandomKernelFeatures
from seqlab.classify.nets import MaskedRecurrent, build_network


def _batch(sequences, steps=None):
    steps = steps or max(len(s) for s in sequences)
    x = torch.zeros(len(sequences), steps, sequences[0].shape[1] + 1)
    for i, s in enumerate(sequences):
        x[i, :len(s), :-1] = torch.as_tensor(s)
        x[i, :len(s), -1] = 1.0
    return x


@pytest.mark.parametrize("name", ["lstm", "gru", "bilstm", "lstm-fcn"])
@pytest.mark.parametrize("seed", [0, 1])
def test_output_alone_equals_output_padded_among_longer_sequences(name, seed):
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    short = rng.normal(size=(7, 3)).astype(np.float32)
    mates = [rng.normal(size=(n, 3)).astype(np.float32) for n in (31, 19)]
    net = build_network(name, 3, 4, units=16).eval()
    if name == "lstm-fcn":  # running statistics away from the defaults, as after training
        for norm in net.norms:
            norm.running_mean.uniform_(-1, 1)
            norm.running_var.uniform_(0.5, 2)
    with torch.no_grad():
        alone, _ = net(_batch([short]))
        padded, _ = net(_batch([mates[0], short, mates[1]], steps=40))
        other_mates, _ = net(_batch([short, rng.normal(size=(50, 3)).astype(np.float32)]))
    assert torch.allclose(alone[0], padded[1], atol=1e-6, rtol=0)
    assert torch.allclose(alone[0], other_mates[0], atol=1e-6, rtol=0)
    # The padding is not ignored by accident: a longer version of the sequence differs.
    longer = np.concatenate([short, rng.normal(size=(5, 3)).astype(np.float32)])
    with torch.no_grad():
        grown, _ = net(_batch([longer]))
    assert not torch.allclose(alone, grown, atol=1e-4)


@pytest.mark.parametrize("cell,kind", [("lstm", nn.LSTM), ("gru", nn.GRU)])
def test_bidirectional_summary_and_gradients_equal_packed_sequences(cell, kind):
    torch.manual_seed(0)
    layer = MaskedRecurrent(2, 5, cell, bidirectional=True)
    packed_layer = kind(2, 5, batch_first=True, bidirectional=True)
    with torch.no_grad():
        for name, value in layer.forward_layer.named_parameters():
            getattr(packed_layer, name).copy_(value)
        for name, value in layer.backward_layer.named_parameters():
            getattr(packed_layer, name + "_reverse").copy_(value)
    lengths = torch.tensor([9, 4, 6])
    x = torch.randn(3, 9, 2) * (torch.arange(9)[None, :, None] < lengths[:, None, None])
    ours = layer(x, lengths)[1]
    packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True,
                                               enforce_sorted=False)
    _, state = packed_layer(packed)
    h = state[0] if cell == "lstm" else state
    theirs = torch.cat([h[0], h[1]], dim=1)
    assert torch.allclose(ours, theirs, atol=1e-6)
    ours.square().sum().backward()
    theirs.square().sum().backward()
    for name, value in layer.backward_layer.named_parameters():
        assert torch.allclose(value.grad, getattr(packed_layer, name + "_reverse").grad,
                              atol=1e-5)


def test_kernel_features_do_not_depend_on_padding_or_batch_mates():
    rng = np.random.default_rng(0)
    train = np.zeros((6, 50, 2))
    lengths = np.array([50, 30, 44, 21, 50, 35])
    for i, n in enumerate(lengths):
        train[i, :n] = rng.normal(size=(n, 2))
    kernels = RandomKernelFeatures(features=1000, seed=0).fit(train, lengths)
    short = rng.normal(size=(17, 2))
    alone = kernels.transform(short[None], np.array([17]))
    batch = np.zeros((3, 60, 2))
    batch[0, :60] = rng.normal(size=(60, 2))
    batch[1, :17] = short
    batch[2, :40] = rng.normal(size=(40, 2))
    padded = kernels.transform(batch, np.array([60, 17, 40]))
    np.testing.assert_allclose(alone[0], padded[1], atol=1e-6)
    assert alone.shape == (1, kernels.transform(train, lengths).shape[1])
