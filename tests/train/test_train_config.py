"""TrainerConfig: constraints declared once, a JSON round trip, and the Trainer built from it."""

import json

import pytest

from seqlab.errors import UnknownNameError, ValidationError
from seqlab.models import ModelSpec, build
from seqlab.train import Trainer, TrainerConfig
from seqlab.train.config import TRAINER_CONFIG_VERSION


def test_round_trip_through_json_keeps_every_field():
    config = TrainerConfig(task="regression", loss="mae", optimizer="sgd", lr=0.1, momentum=0.9,
                           metrics=["mae", "mse"], stateful=True, clip_grad_norm=1.0, seed=3,
                           l1=1e-4, l2=1e-3, on_divergence="rollback", spike_factor=2.0,
                           max_rollbacks=5, epochs=7, batch_size=4, shuffle=False)
    data = json.loads(json.dumps(config.to_dict()))
    assert data["version"] == TRAINER_CONFIG_VERSION
    assert set(data) == {"version", *TrainerConfig.fields()}
    assert TrainerConfig.from_dict(data) == config


def test_a_dict_without_version_is_version_one():
    assert TrainerConfig.from_dict({"optimizer": "sgd"}).optimizer == "sgd"


@pytest.mark.parametrize("data, match", [
    ({"optimiser": "adam"}, r"Unknown TrainerConfig field\(s\) \['optimiser'\]"),
    ({"version": 99}, "version 99"),
    ({"lr": 0}, r"'lr' parameter of TrainerConfig must be a finite float in the range \(0.0"),
    ({"l1": -1.0}, "'l1' parameter of TrainerConfig"),
    ({"stateful": 1}, "'stateful' parameter of TrainerConfig must be a bool"),
    ({"on_divergence": "ignore"}, "on_divergence"),
    ({"spike_factor": 1.0}, "spike_factor"),
    ({"max_rollbacks": 1.5}, "max_rollbacks"),
])
def test_bad_values_are_refused_with_the_field_named(data, match):
    with pytest.raises(ValidationError, match=match):
        TrainerConfig.from_dict(data)


def test_registry_names_keep_their_own_message():
    with pytest.raises(UnknownNameError, match="Unknown metric 'acuracy'"):
        TrainerConfig(metrics=["acuracy"]).validate()


def test_trainer_takes_a_config_and_keyword_overrides():
    model = build(ModelSpec(1, 1, units=[2]), seed=0)
    base = TrainerConfig(optimizer="sgd", lr=0.1, l2=1e-3)
    trainer = Trainer(model, base, lr=0.2, spike_factor=3.0)
    assert trainer.config == base.replace(task="regression", lr=0.2, spike_factor=3.0)
    assert trainer.lr == pytest.approx(0.2) and trainer.l2 == 1e-3
    with pytest.raises(ValidationError, match=r"Unknown Trainer parameter\(s\) \['learning_rate'\]"):
        Trainer(model, learning_rate=0.1)
    with pytest.raises(ValidationError, match="'l2' parameter of Trainer must be"):
        Trainer(model, l2=-1.0)


def test_fit_takes_epochs_and_batch_size_from_the_config():
    import numpy as np

    x = np.zeros((10, 2, 1), dtype=np.float32)
    trainer = Trainer(build(ModelSpec(1, 1, units=[2]), seed=0), epochs=3, batch_size=5)
    assert len(trainer.fit(x, x[:, 0], verbose=0)) == 3
    assert len(trainer.fit(x, x[:, 0], epochs=1, verbose=0)) == 1
