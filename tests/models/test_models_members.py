"""StackedNet: K members in one module compute what each member computes alone."""

import pytest
import torch

from seqlab.models import ModelSpec, build
from seqlab.models.members import StackedNet, supports

K = 3

SPECS = {
    "lstm": ModelSpec(2, 3, units=[5]),
    "lstm-stack-sequences": ModelSpec(2, 3, units=[4, 5], return_sequences=True),
    "gru": ModelSpec(2, 3, cell="gru", units=[4, 5]),
    "rnn-backwards": ModelSpec(2, 3, cell="rnn", units=[5], go_backwards=True),
    "bidirectional-concat": ModelSpec(2, 3, units=[4, 5], bidirectional=True),
    "bidirectional-ave": ModelSpec(2, 3, cell="gru", units=[4, 5], bidirectional=True,
                                   merge_mode="ave", return_sequences=True),
    "bidirectional-mul": ModelSpec(2, 3, units=[4], bidirectional=True, merge_mode="mul"),
    "onehot": ModelSpec(7, 7, task="multiclass", units=[5], frontend="onehot"),
    "embedding": ModelSpec(7, 7, task="multiclass", units=[5], frontend="embedding",
                           embedding_dim=3),
    "cnn": ModelSpec(1, 2, units=[4], frontend="cnn", frame_shape=[6, 5, 1], conv_filters=2,
                     conv_kernel=2, pool_size=2),
    "mlp": ModelSpec(2, 3, architecture="mlp_window", timesteps=4, hidden=[6, 5]),
    "keras-init": ModelSpec(1, 26, task="multiclass", units=[8], keras_init=True),
}


def _inputs(spec, generator, batch=4, steps=4):
    if spec.takes_ids:
        return torch.randint(0, spec.input_size, (K, batch, steps), generator=generator)
    if spec.frontend == "cnn":
        return torch.rand(K, batch, steps, *spec.frame_shape, generator=generator)
    return torch.randn(K, batch, steps, spec.input_size, generator=generator)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_members_compute_what_each_model_computes_alone(name):
    spec = SPECS[name]
    generator = torch.Generator().manual_seed(1)
    models = [build(spec, seed=seed) for seed in range(K)]
    stacked = StackedNet.from_models(models)
    x = _inputs(spec, generator)
    y, _ = stacked(x)
    (y.square().sum()).backward()
    for k, model in enumerate(models):
        alone, _ = model(x[k])
        assert torch.allclose(y[k], alone, atol=1e-5), name
        alone.square().sum().backward()
        for pname, parameter in model.named_parameters():
            assert torch.allclose(stacked.grad(pname)[k], parameter.grad, atol=1e-5,
                                  rtol=1e-4), (name, pname)


@pytest.mark.parametrize("name", ["lstm", "gru", "bidirectional-concat"])
def test_carried_state_continues_each_member_as_alone(name):
    spec = SPECS[name]
    generator = torch.Generator().manual_seed(2)
    models = [build(spec, seed=seed) for seed in range(K)]
    stacked = StackedNet.from_models(models)
    first, second = _inputs(spec, generator), _inputs(spec, generator)
    _, state = stacked(first)
    y, _ = stacked(second, state)
    for k, model in enumerate(models):
        _, alone_state = model(first[k])
        alone, _ = model(second[k], alone_state)
        assert torch.allclose(y[k], alone, atol=1e-5)


def test_members_come_apart_as_ordinary_models_with_their_weights():
    spec = SPECS["bidirectional-concat"]
    models = [build(spec, seed=seed) for seed in range(K)]
    stacked = StackedNet.from_models(models)
    for k, model in enumerate(models):
        member = stacked.member(k)
        assert type(member) is type(model) and member.spec == spec
        for (name, a), (_, b) in zip(model.state_dict().items(),
                                     member.state_dict().items(), strict=True):
            assert torch.equal(a, b), name


def test_each_member_draws_its_own_dropout_masks():
    spec = ModelSpec(2, 3, units=[5], dropout=0.5, dropout_mask="sequence")
    model = build(spec, seed=0)
    stacked = StackedNet.from_models([model, model])  # identical members
    stacked.train()
    x = torch.randn(1, 8, 4, 2).expand(2, -1, -1, -1)
    y, _ = stacked(x)
    assert not torch.allclose(y[0], y[1])
    stacked.eval()
    y, _ = stacked(x)
    assert torch.allclose(y[0], y[1])


def test_the_encoder_decoder_is_not_stacked():
    spec = ModelSpec(1, 1, architecture="encoder_decoder", units=[4], decoder_units=[4],
                     output_steps=2)
    assert not supports(spec) and supports(SPECS["lstm"])
    with pytest.raises(Exception, match="encoder_decoder"):
        StackedNet(spec, 2)
