"""Losses and metrics against hand computations."""

from __future__ import annotations

import math

import pytest
import torch

from seqlab.errors import UnknownNameError, ValidationError
from seqlab.train import LOSSES, METRICS
from seqlab.train.losses import binary_crossentropy, categorical_crossentropy, get_loss, mae, mse
from seqlab.train.metrics import get_metric

# ------------------------------------------------------------------------ losses


def test_mse_and_mae_by_hand():
    output = torch.tensor([[1.0], [2.0], [4.0]])
    target = torch.tensor([0.0, 2.0, 1.0])  # (n,) against (n, 1) outputs
    assert mse(output, target).item() == pytest.approx((1 + 0 + 9) / 3)
    assert mae(output, target).item() == pytest.approx((1 + 0 + 3) / 3)


def test_categorical_crossentropy_by_hand():
    logits = torch.tensor([[2.0, 0.0, -1.0], [0.5, 0.5, 3.0]])
    ids = torch.tensor([0, 1])

    def nll(row, k):
        return -(row[k] - math.log(sum(math.exp(v) for v in row)))

    expected = (nll([2.0, 0.0, -1.0], 0) + nll([0.5, 0.5, 3.0], 1)) / 2
    assert categorical_crossentropy(logits, ids).item() == pytest.approx(expected, rel=1e-6)
    one_hot = torch.eye(3)[ids]
    assert categorical_crossentropy(logits, one_hot).item() == pytest.approx(expected, rel=1e-6)
    integer_rows = one_hot.long()
    assert categorical_crossentropy(logits, integer_rows).item() == pytest.approx(
        expected, rel=1e-6)


def test_categorical_crossentropy_with_soft_targets():
    logits = torch.tensor([[1.0, 2.0, 3.0]])
    soft = torch.tensor([[0.2, 0.3, 0.5]])
    log_p = torch.log_softmax(logits, -1)
    expected = -(soft * log_p).sum().item()
    assert categorical_crossentropy(logits, soft).item() == pytest.approx(expected, rel=1e-6)


def test_per_step_crossentropy_shapes():
    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(4, 5, 3, generator=generator)  # (N, T, C)
    ids = torch.randint(0, 3, (4, 5), generator=generator)  # (N, T)
    by_ids = categorical_crossentropy(logits, ids)
    assert by_ids.shape == ()
    by_rows = categorical_crossentropy(logits, torch.nn.functional.one_hot(ids, 3).float())
    manual = -torch.log_softmax(logits, -1).gather(-1, ids[..., None]).mean()
    assert by_ids.item() == pytest.approx(manual.item(), rel=1e-6)
    assert by_rows.item() == pytest.approx(manual.item(), rel=1e-6)


def test_binary_crossentropy_by_hand():
    logits = torch.tensor([[0.0], [2.0], [-1.0]])
    target = torch.tensor([1.0, 0.0, 0.0])

    def sigmoid(v):
        return 1 / (1 + math.exp(-v))

    expected = -(
        math.log(sigmoid(0.0)) + math.log(1 - sigmoid(2.0)) + math.log(1 - sigmoid(-1.0))
    ) / 3
    assert binary_crossentropy(logits, target).item() == pytest.approx(expected, rel=1e-6)
    # integer targets work as well
    assert binary_crossentropy(logits, target.long()).item() == pytest.approx(expected, rel=1e-6)


def test_binary_crossentropy_is_stable_for_large_logits():
    logits = torch.tensor([[100.0], [-100.0]])
    loss = binary_crossentropy(logits, torch.tensor([1.0, 0.0]))
    assert torch.isfinite(loss) and loss.item() < 1e-30


def test_loss_registry_and_aliases():
    assert get_loss("mean_squared_error") is mse
    assert get_loss("mean_absolute_error") is mae
    assert get_loss("sparse_categorical_crossentropy") is categorical_crossentropy
    assert get_loss("binary_crossentropy") is binary_crossentropy
    custom = lambda output, target: output.sum()  # noqa: E731
    assert get_loss(custom) is custom
    with pytest.raises(UnknownNameError, match="Unknown loss 'hinge'") as info:
        get_loss("hinge")
    for name in LOSSES:
        assert name in str(info.value)


def test_losses_give_gradients():
    output = torch.tensor([[0.3, -0.2]], requires_grad=True)
    categorical_crossentropy(output, torch.tensor([1])).backward()
    # d/dz of -log softmax_1 = softmax - one_hot
    expected = torch.softmax(output.detach(), -1) - torch.tensor([[0.0, 1.0]])
    assert torch.allclose(output.grad, expected, atol=1e-6)


# ----------------------------------------------------------------------- metrics


def ratio(result) -> float:
    total, count = result
    return float(total) / count


def test_multiclass_accuracy_with_ids_and_one_hot():
    logits = torch.tensor([[3.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    ids = torch.tensor([0, 1, 0, 0])
    accuracy = get_metric("accuracy", "multiclass")
    total, count = accuracy(logits, ids)
    assert (int(total), count) == (3, 4)
    assert ratio(accuracy(logits, torch.eye(3)[ids])) == 0.75
    assert ratio(accuracy(logits, torch.eye(3, dtype=torch.long)[ids])) == 0.75
    assert ratio(get_metric("acc", "multiclass")(logits, ids)) == 0.75


def test_sequence_accuracy_differs_from_per_step_accuracy():
    # 2 sequences x 3 steps, 2 classes. Sequence 0 all right; sequence 1 wrong at one step.
    predicted = torch.tensor([[0, 1, 1], [1, 1, 0]])
    target = torch.tensor([[0, 1, 1], [1, 0, 0]])
    logits = torch.nn.functional.one_hot(predicted, 2).float() * 5
    per_step = get_metric("accuracy", "multiclass")(logits, target)
    whole = get_metric("sequence_accuracy", "multiclass")(logits, target)
    assert (int(per_step[0]), per_step[1]) == (5, 6)
    assert (int(whole[0]), whole[1]) == (1, 2)
    assert ratio(per_step) == pytest.approx(5 / 6) and ratio(whole) == 0.5


def test_binary_accuracy_thresholds_the_sigmoid_at_one_half():
    logits = torch.tensor([[2.0], [-0.5], [0.1], [-3.0]])  # p > 0.5, <, >, <
    target = torch.tensor([1.0, 1.0, 0.0, 0.0])
    total, count = get_metric("accuracy", "binary")(logits, target)
    assert (int(total), count) == (2, 4)
    multi_label = torch.tensor([[1.0, -1.0], [1.0, 1.0]])
    labels = torch.tensor([[1.0, 0.0], [1.0, 0.0]])
    assert ratio(get_metric("accuracy", "binary")(multi_label, labels)) == 0.75
    assert ratio(get_metric("sequence_accuracy", "binary")(multi_label, labels)) == 0.5


def test_mae_and_mse_metrics():
    output = torch.tensor([[1.0, 2.0], [3.0, 5.0]])
    target = torch.tensor([[0.0, 2.0], [1.0, 1.0]])
    total, count = get_metric("mae", "regression")(output, target)
    assert (float(total), count) == (7.0, 4)
    total, count = get_metric("mse", "regression")(output, target)
    assert (float(total), count) == (21.0, 4)


def test_metric_sums_give_exact_averages_over_unequal_batches():
    mae_metric = get_metric("mae", "regression")
    first = mae_metric(torch.tensor([[1.0], [1.0], [1.0]]), torch.zeros(3))
    second = mae_metric(torch.tensor([[4.0]]), torch.zeros(1))
    combined = (float(first[0]) + float(second[0])) / (first[1] + second[1])
    assert combined == pytest.approx(7 / 4)  # not the mean of the batch means (2.5)


def test_metric_registry_errors():
    with pytest.raises(UnknownNameError, match=r"Unknown metric 'acuracy'.*'accuracy'"):
        get_metric("acuracy", "multiclass")
    for name in ("accuracy", "acc", "sequence_accuracy"):
        with pytest.raises(ValidationError, match="classification task.*'mae' or 'mse'"):
            get_metric(name, "regression")
    assert set(METRICS) >= {"accuracy", "acc", "sequence_accuracy", "mae", "mse"}
