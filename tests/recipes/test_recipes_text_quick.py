"""The text recipes in their --quick form (a 30,000-character slice), over two seeds."""

import math

import pytest

TEXT_RECIPES = ["nietzsche-window", "nietzsche-gru", "char3-unrolled", "char8-rnn",
                "char8-stateful-rnn", "char8-stateful-lstm"]


@pytest.mark.parametrize("name", TEXT_RECIPES)
def test_quick_text_recipe_learns_beyond_guessing(name, quick_result):
    result, lines = quick_result(name, 2)
    assert result.passed, result.values
    for outcome in result.outcomes:
        # Guessing uniformly among 59 characters costs ln(59) = 4.08 nats.
        assert outcome.value < 0.8 * math.log(59)
        assert outcome.details["val_loss"] < 0.85 * math.log(59)
        assert all(isinstance(t, str) and t for t in outcome.details["samples"].values())
    assert any("held-out loss" in line for line in lines)


def test_window_recipe_samples_at_the_documents_four_temperatures(quick_result):
    result, _ = quick_result("nietzsche-window", 2)
    samples = result.outcomes[0].details["samples"]
    assert list(samples) == ["T=0.2", "T=0.5", "T=1.0", "T=1.2"]
    assert all(len(text) == 100 for text in samples.values())


def test_phases_are_one_history_of_the_run_and_callbacks_see_them():
    from seqlab.recipes import run
    from seqlab.train import Callback

    class CountBatches(Callback):
        batches = 0

        def on_batch_end(self, batch, logs):
            CountBatches.batches += 1

    # char8-rnn's quick form trains two one-epoch phases (1e-3, then 1e-4).
    lines: list[str] = []
    result = run("char8-rnn", quick=True, echo=lines.append,
                 callbacks=lambda seed: [CountBatches()])
    progress = [line.split(":")[0].strip() for line in lines if line.startswith("  epoch ")]
    assert progress == ["epoch 1", "epoch 2"]  # one line per epoch, numbered across phases
    (history,) = result.outcomes[0].histories  # what --out writes to the run directory
    assert history["epoch"] == [1, 2]
    assert history["lr"] == pytest.approx([1e-3, 1e-4])
    assert CountBatches.batches == 2 * -(-(30_000 - 8) // 512)
