"""BatchedTrainer: each member ends where the same seed trained alone ends (issue 26).

Tolerance: weights within 1e-4 and logged losses within 1e-5 (relative) of a lone
`Trainer` after a few epochs; the members' recurrences run as batched matrix products
rather than torch's fused kernels, so only float rounding separates them.
"""

import math
import warnings

import numpy as np
import pytest
import torch

from seqlab.errors import DivergenceWarning, ValidationError
from seqlab.models import ModelSpec, build
from seqlab.train import Trainer, TrainerConfig
from seqlab.train.batched import BatchedTrainer, can_batch, train_members
from seqlab.train.callbacks import EarlyStopping

WEIGHTS, LOGS = 1e-4, 1e-5


def _data(seed, n=24, steps=4, features=2):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, steps, features)).astype(np.float32)
    y = (x[:, :, 0].sum(1, keepdims=True) * 0.3 + rng.normal(0, 0.05, (n, 1))).astype(
        np.float32)
    return x, y


def _alone(spec, config, seed, x, y, **fit):
    trainer = Trainer(build(spec, seed=seed), config.replace(seed=seed))
    trainer.fit(x, y, verbose=0, **fit)
    return trainer


def _same(member, alone):
    for (name, a), b in zip(member.model.state_dict().items(),
                            alone.model.state_dict().values(), strict=True):
        assert torch.allclose(a, b, atol=WEIGHTS), (name, (a - b).abs().max())
    assert len(member.history_) == len(alone.history_)
    for ours, theirs in zip(member.history_.records, alone.history_.records, strict=True):
        for key, value in theirs.items():
            if key != "seconds":
                assert math.isclose(ours[key], value, rel_tol=LOGS, abs_tol=1e-7), key


def test_stateless_members_match_their_seeds_trained_alone():
    spec = ModelSpec(2, 1, units=[6])
    x, y = _data(0)
    x_val, y_val = _data(1, n=10)
    config = TrainerConfig(lr=0.01)
    trainers = train_members(spec, [3, 4, 5], x, y, (x_val, y_val), config=config, epochs=4,
                             batch_size=5)
    for seed, member in zip([3, 4, 5], trainers, strict=True):
        _same(member, _alone(spec, config, seed, x, y, epochs=4, batch_size=5,
                             validation_data=(x_val, y_val)))


def test_evaluate_scores_each_member_as_its_trainer_alone():
    spec = ModelSpec(2, 1, units=[6, 5], return_sequences=False)
    x, y = _data(0)
    batched = BatchedTrainer(spec, [3, 4, 5], TrainerConfig(lr=0.01, metrics=["mae"]))
    batched.fit(x, y, epochs=2, batch_size=5)
    tests = [_data(10 + k, n=13) for k in range(3)]  # each member its own, 13 = 2 * 5 + 3
    scores = batched.evaluate([t[0] for t in tests], [t[1] for t in tests], batch_size=5)
    shared = batched.evaluate(*tests[0], batch_size=5)
    for k, trainer in enumerate(batched.trainers()):
        alone = trainer.evaluate(*tests[k], batch_size=5)
        assert set(scores[k]) == set(alone) == {"loss", "mae"}
        for key, value in alone.items():
            assert math.isclose(scores[k][key], value, rel_tol=LOGS, abs_tol=1e-7), key
            assert math.isclose(shared[k][key], trainer.evaluate(*tests[0], batch_size=5)[key],
                                rel_tol=LOGS, abs_tol=1e-7), key
    assert scores[0] != scores[1]  # each member scored with its own weights and data


def test_stateful_members_carry_their_own_state_as_alone():
    spec = ModelSpec(1, 1, cell="gru", units=[5, 4])
    series = np.sin(np.arange(61) * 0.3).astype(np.float32)
    x, y = series[:-1].reshape(-1, 1, 1), series[1:].reshape(-1, 1)
    config = TrainerConfig(stateful=True, optimizer="rmsprop", clip_grad_norm=0.5)
    trainers = train_members(spec, [0, 1], x, y, config=config, epochs=3, batch_size=4)
    for seed, member in zip([0, 1], trainers, strict=True):
        _same(member, _alone(spec, config, seed, x, y, epochs=3, batch_size=4))


def test_early_stopped_members_stop_alone_and_keep_their_best_weights():
    spec = ModelSpec(2, 1, units=[8])
    x, y = _data(0)
    x_val, y_val = _data(7, n=8)
    y_val = -y_val  # a validation set that training makes worse: stopping is certain
    config = TrainerConfig(lr=0.03)
    stop = EarlyStopping(patience=2, restore_best_weights=True)
    seeds = [0, 1, 2, 3]
    trainers = train_members(spec, seeds, x, y, (x_val, y_val), config=config, epochs=30,
                             batch_size=6, callbacks=[stop])
    lengths = set()
    for seed, member in zip(seeds, trainers, strict=True):
        alone = _alone(spec, config, seed, x, y, epochs=30, batch_size=6,
                       validation_data=(x_val, y_val),
                       callbacks=[EarlyStopping(patience=2, restore_best_weights=True)])
        assert len(alone.history_) < 30
        lengths.add(len(alone.history_))
        _same(member, alone)
    assert stop.stopped_epoch is None  # the template is copied per member, never used


def test_members_with_their_own_data_rates_and_epochs():
    spec = ModelSpec(2, 1, units=[4])
    data = [_data(seed) for seed in (10, 11, 12)]
    configs = [TrainerConfig(optimizer="sgd", momentum=0.9, l2=1e-3, lr=lr)
               for lr in (0.01, 0.03, 0.002)]
    batched = BatchedTrainer(spec, [0, 1, 2], configs)
    batched.fit([d[0] for d in data], [d[1] for d in data], epochs=[2, 4, 3], batch_size=8)
    for k, member in enumerate(batched.trainers()):
        alone = _alone(spec, configs[k], k, *data[k], epochs=[2, 4, 3][k], batch_size=8)
        _same(member, alone)
        assert member.lr == pytest.approx(alone.lr)


def test_a_diverging_member_is_rolled_back_alone():
    spec = ModelSpec(2, 1, units=[4])
    x, y = _data(0)
    y = y * 1e3
    configs = [TrainerConfig(optimizer="sgd", lr=lr, on_divergence="rollback",
                             spike_factor=4.0, max_rollbacks=6) for lr in (1e-5, 5.0)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        batched = BatchedTrainer(spec, [0, 1], configs)
        batched.fit(x, y, epochs=3, batch_size=8)
        alone = [_alone(spec, configs[k], k, x, y, epochs=3, batch_size=8) for k in (0, 1)]
    assert len(alone[1].events_) >= 2 and not alone[0].events_
    members = batched.trainers()
    _same(members[0], alone[0])  # untouched by its neighbour's roll-backs
    assert not members[0].events_
    # A diverging run is chaotic (weights of 1e3 with float rounding amplified), so the
    # diverging member is held to its first roll-back and to halving its own rate.
    first, lone_first = members[1].events_[0], alone[1].events_[0]
    assert first["epoch"] == lone_first["epoch"] and first["new_lr"] == lone_first["new_lr"]
    assert first["loss"] == pytest.approx(lone_first["loss"], rel=1e-3)
    assert members[1].lr == 5.0 / 2 ** len(members[1].events_)


def test_a_member_trainer_continues_as_the_lone_one_would():
    spec = ModelSpec(2, 1, units=[5])
    x, y = _data(3)
    config = TrainerConfig(optimizer="adam", lr=0.01)
    member = train_members(spec, [0, 1], x, y, config=config, epochs=2, batch_size=6)[1]
    alone = _alone(spec, config, 1, x, y, epochs=2, batch_size=6)
    member.fit(x, y, epochs=1, batch_size=6, verbose=0)
    alone.fit(x, y, epochs=1, batch_size=6, verbose=0)
    _same(member, alone)


def test_members_must_share_all_settings_but_seed_rate_and_epochs():
    spec = ModelSpec(2, 1, units=[4])
    with pytest.raises(ValidationError, match="'optimizer'"):
        BatchedTrainer(spec, [0, 1], [TrainerConfig(), TrainerConfig(optimizer="sgd")])
    encoder = ModelSpec(1, 1, architecture="encoder_decoder", units=[4], decoder_units=[4],
                        output_steps=2)
    assert not can_batch(encoder)
    x, y = np.zeros((6, 3, 1), np.float32), np.zeros((6, 2, 1), np.float32)
    trainers = train_members(encoder, [0, 1], x, y, epochs=1, batch_size=3)
    assert [len(t.history_) for t in trainers] == [1, 1]  # trained one at a time instead


@pytest.mark.parametrize("samples, split", [(40, 0.99), (1, 0.9)])
def test_a_validation_split_that_leaves_nothing_to_train_on_is_refused(samples, split):
    # It trained every member on zero samples and reported a loss of 0.0.
    x = np.zeros((samples, 5, 2), dtype=np.float32)
    with pytest.raises(ValidationError, match=r"'validation_split' parameter of "
                                              r"BatchedTrainer\.fit .* leaves none to train on"):
        BatchedTrainer(ModelSpec(2, 1, units=[4]), [0, 1]).fit(
            x, np.zeros(samples), epochs=1, validation_split=split)


def test_seeds_may_come_as_an_array_or_a_tensor():
    # BatchedTrainer(spec, torch.arange(2)) worked, then was refused as "not a list".
    spec = ModelSpec(2, 1, units=[4])
    assert BatchedTrainer(spec, torch.arange(2)).seeds == [0, 1]
    assert BatchedTrainer(spec, np.arange(2)).seeds == [0, 1]
    with pytest.raises(ValidationError, match=r"'seed' parameter of BatchedTrainer"):
        BatchedTrainer(spec, torch.tensor([1.5]))
    for seeds in (torch.tensor(3), {0: 1, 2: 3}, {0, 1}, "01"):  # a set has no order
        with pytest.raises(ValidationError, match=r"'seeds' parameter of BatchedTrainer "
                                                  r"must be a list"):
            BatchedTrainer(spec, seeds)
    assert BatchedTrainer(spec, (s for s in range(2))).seeds == [0, 1]
