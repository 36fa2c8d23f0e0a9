"""Every recipe's training is watched by the run's callbacks (`seqlab run --tensorboard`),
whether the recipe trains itself or inside a library function (update, tuning)."""

import json

import pytest
from typer.testing import CliRunner

from seqlab.cli.app import app
from seqlab.recipes import names, run
from seqlab.train import Callback


class _Epochs(Callback):
    def __init__(self):
        self.count = 0

    def on_epoch_end(self, epoch, logs):
        assert "loss" in logs
        self.count += 1


# One recipe of each way of training (its own trainer, stateful, text phases, curves read
# after 3 epochs, tuning in-process, library functions training for it); all in the slow run.
FAST = ("alphabet-stateful", "char8-rnn", "diagnose-underfit", "tune-batch", "update-model")


def _fast_or_slow(name):
    return name if name in FAST else pytest.param(name, marks=pytest.mark.slow)


@pytest.mark.parametrize("name", [_fast_or_slow(name) for name in names()])
def test_the_runs_callbacks_see_every_recipes_epochs(name):
    watcher = _Epochs()
    epochs = 3 if name.startswith(("diagnose", "tune")) else 1  # curves need 3 epochs
    run(name, quick=True, epochs=epochs, echo=lambda _: None,
        callbacks=lambda seed: [watcher])
    assert watcher.count >= 1


def test_run_tensorboard_writes_per_epoch_scalars(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    result = CliRunner().invoke(app, ["run", "echo", "--quick", "--epochs", "2", "--json",
                                      "--tensorboard", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1])["recipe"] == "echo"
    events = EventAccumulator(str(tmp_path / "echo-seed0"))
    events.Reload()
    steps = [event.step for event in events.Scalars("loss/train")]
    assert steps == [1, 2]
    assert {"loss/train", "accuracy/train", "lr"} <= set(events.Tags()["scalars"])
