"""The task follows from a named loss, a loss that contradicts the model's task is an error,
and predict_classes answers as Keras' did."""

import numpy as np
import pytest
from torch import nn

from seqlab.errors import ValidationError
from seqlab.models import ModelSpec, build
from seqlab.train import Trainer


class _Own(nn.Module):
    """A user's module without a spec: 3 features in, 4 class scores out."""

    def __init__(self):
        super().__init__()
        self.dense = nn.Linear(3, 4)

    def forward(self, x, state=None):
        return self.dense(x[:, -1]), state


def test_a_named_loss_sets_the_task_of_a_model_without_a_spec():
    assert Trainer(_Own(), loss="categorical_crossentropy").task == "multiclass"
    assert Trainer(_Own(), loss="mae").task == "regression"
    with pytest.raises(ValidationError, match="required for a model without a `spec`"):
        Trainer(_Own())


def test_a_loss_that_contradicts_the_task_is_refused():
    regression = build(ModelSpec(1, 1, units=[4]), seed=0)
    with pytest.raises(ValidationError, match=r"'categorical_crossentropy' is for multiclass "
                                              r"models, but the model's spec says 'regression'"):
        Trainer(regression, loss="categorical_crossentropy")
    with pytest.raises(ValidationError, match=r"Trainer's task says 'binary'"):
        Trainer(_Own(), task="binary", loss="mse")


def test_predict_classes():
    x = np.random.default_rng(0).normal(size=(6, 2, 3)).astype(np.float32)
    trainer = Trainer(_Own(), loss="categorical_crossentropy")
    probabilities = trainer.predict(x)
    np.testing.assert_array_equal(trainer.predict_classes(x), probabilities.argmax(-1))
    binary = Trainer(build(ModelSpec(3, 1, task="binary", units=[4]), seed=0))
    classes = binary.predict_classes(x)
    assert classes.shape == (6,) and set(classes) <= {0, 1}
    np.testing.assert_array_equal(classes, (binary.predict(x)[:, 0] > 0.5).astype(int))
    with pytest.raises(ValidationError, match="predict_classes needs a classification model"):
        Trainer(build(ModelSpec(3, 1, units=[4]), seed=0)).predict_classes(x)
