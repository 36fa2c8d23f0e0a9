"""The text recipes at the documents' settings (slow: tens of minutes each on a CPU).

Run with ``pytest -m slow tests/recipes/test_recipes_text_full.py``.
"""

import pytest

from seqlab.recipes import run

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("seed", [0, 1])
def test_char8_stateful_lstm_reaches_the_documents_loss_after_20_epochs(seed):
    # 002 (B5): 1.1314 after the first 20 epochs at 1e-3 (before 20 more at 1e-4).
    result = run("char8-stateful-lstm", seed=seed, epochs=20, echo=lambda _: None)
    losses = result.outcomes[0].details["train_losses"]
    assert len(losses) == 20
    assert losses[-1] <= 1.1314, losses


@pytest.mark.parametrize("name", ["char3-unrolled", "char8-rnn", "char8-stateful-rnn"])
def test_small_text_recipes_pass_at_faithful_settings(name):
    result = run(name, repeats=2, seed=0, echo=lambda _: None)
    assert result.passed, (result.values, [o.details["val_loss"] for o in result.outcomes])
