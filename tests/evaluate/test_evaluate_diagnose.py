"""The learning-curve verdicts, on curves whose shape is known."""

import numpy as np
import pytest

from seqlab.errors import ValidationError
from seqlab.evaluate import diagnose, majority
from seqlab.evaluate.diagnosis import VERDICTS
from seqlab.train import History

EPOCHS = np.arange(1, 401)


def _history(train, val):
    return History([{"epoch": i + 1, "loss": float(t), "val_loss": float(v)}
                    for i, (t, v) in enumerate(zip(train, val, strict=True))])


def test_still_falling_validation_is_underfit_train_longer():
    d = diagnose(_history(0.5 * np.exp(-EPOCHS / 100), 0.9 * np.exp(-EPOCHS / 300)))
    assert (d.verdict, d.reason) == ("underfit", "still-improving")
    assert "epochs" in d.advice


def test_flat_curves_far_apart_are_underfit_for_capacity():
    train = 0.1 + 0.3 * np.exp(-EPOCHS / 10)
    val = 0.5 + 0.3 * np.exp(-EPOCHS / 10)
    d = diagnose(_history(train, val))
    assert (d.verdict, d.reason) == ("underfit", "plateau")
    assert "capacity" in d.advice


def test_curves_that_meet_and_settle_are_a_good_fit():
    d = diagnose(_history(0.01 + 0.5 * np.exp(-EPOCHS / 30), 0.012 + 0.8 * np.exp(-EPOCHS / 30)))
    assert d.verdict == "good-fit"
    assert d.turn_epoch is None


def test_validation_turning_up_is_overfit_with_the_turn_epoch():
    train = 0.5 * np.exp(-EPOCHS / 50)
    val = 0.6 * np.exp(-EPOCHS / 50) + 0.002 * np.maximum(0, EPOCHS - 200) / 10 + 0.01
    d = diagnose(_history(train, val))
    assert d.verdict == "overfit"
    assert 150 <= d.turn_epoch <= 230
    assert "inflection" in d.advice


def test_a_fresh_turn_is_a_note_not_a_verdict():
    train = 0.5 * np.exp(-EPOCHS / 50)
    val = 0.6 * np.exp(-EPOCHS / 50) + 0.002 * np.maximum(0, EPOCHS - 380) + 0.001
    d = diagnose(_history(train, val))
    assert d.verdict != "overfit"
    assert any("risen" in note for note in d.notes)


def test_noisy_minibatch_curves_still_read_right():
    rng = np.random.default_rng(0)
    train = 0.5 * np.exp(-EPOCHS / 50) * (1 + 0.2 * rng.standard_normal(400))
    val = 0.9 * np.exp(-EPOCHS / 400) * (1 + 0.02 * rng.standard_normal(400))
    assert diagnose(_history(np.abs(train), val)).verdict == "underfit"


def test_errors_name_what_is_missing():
    with pytest.raises(ValidationError, match="val_loss"):
        diagnose(History([{"loss": 1.0}, {"loss": 0.5}, {"loss": 0.4}]))
    with pytest.raises(ValidationError, match="one value per epoch"):
        diagnose(train=[1, 2, 3], val=[1, 2])
    with pytest.raises(ValidationError, match="patience"):
        diagnose(train=[1, 2, 3], val=[1, 2, 3], patience=2.0)


def test_majority_and_verdict_words():
    assert VERDICTS == ("underfit", "good-fit", "overfit")
    ds = [diagnose(train=[3, 2, 1, 0.5], val=[3, 2, 1, 0.5]) for _ in range(2)]
    assert majority(ds) in VERDICTS
