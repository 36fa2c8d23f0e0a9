"""`--device` on the commands that use a saved model: a device this machine lacks is one
clear error line, and cpu (or auto) answers as before."""

import numpy as np
import pytest
import torch

from seqlab.cli.app import run_cli
from seqlab.problems.corpora import corpus_path
from seqlab.recipes.text_training import TextTrainingConfig, train_text


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    folder = tmp_path_factory.mktemp("devices")
    text = folder / "play.txt"
    text.write_text(corpus_path("tinyshakespeare").read_text()[:6000])
    train_text(text, TextTrainingConfig(units=16, epochs=1, seq_len=16, batch_size=8,
                                        sample_length=0, device="cpu"),
               out=folder / "lm", echo=lambda line: None)
    series = folder / "series.csv"
    series.write_text("value\n" + "\n".join(f"{np.sin(i / 5):.5f}" for i in range(80)) + "\n")
    assert run_cli(["--quiet", "train", str(series), "--epochs", "2", "--out",
                    str(folder / "model"), "--device", "cpu"]) == 0
    return folder


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the error of a missing GPU")
@pytest.mark.parametrize("command", ["generate", "predict"])
def test_a_missing_device_is_one_clear_error(bundles, capsys, command):
    args = (["generate", str(bundles / "lm"), "--length", "5"] if command == "generate" else
            ["predict", str(bundles / "model"), str(bundles / "series.csv")])
    assert run_cli([*args, "--device", "cuda"]) == 2
    err = capsys.readouterr().err
    assert "device 'cuda' is not available" in err and "Traceback" not in err


@pytest.mark.parametrize("device", ["cpu", "auto"])
def test_cpu_and_auto_answer_the_same(bundles, capsys, device):
    assert run_cli(["generate", str(bundles / "lm"), "--length", "20", "--seed", "3",
                    "--device", device]) == 0
    generated = capsys.readouterr().out
    assert run_cli(["generate", str(bundles / "lm"), "--length", "20", "--seed", "3"]) == 0
    assert capsys.readouterr().out == generated
    assert run_cli(["predict", str(bundles / "model"), str(bundles / "series.csv"), "--last",
                    "--device", device]) == 0
    assert capsys.readouterr().out.startswith("step")


def test_every_command_that_trains_or_predicts_has_device():
    import typer.main

    from seqlab.cli import app

    root = typer.main.get_command(app)
    ctx = root.make_context("seqlab", [], resilient_parsing=True)
    for name in ("train", "train-text", "predict", "generate", "run", "repeat", "tune",
                 "update", "forecast", "backtest"):
        options = {o for p in root.get_command(ctx, name).params for o in p.opts}
        assert "--device" in options, name


def test_device_reaches_the_trainers_a_recipe_builds(capsys, monkeypatch):
    from seqlab.train import Trainer

    devices = []
    original = Trainer.__init__

    def record(self, *args, **kwargs):
        original(self, *args, **kwargs)
        devices.append(self.device.type)

    monkeypatch.setattr(Trainer, "__init__", record)
    assert run_cli(["--quiet", "run", "alphabet-window-timesteps", "--quick", "--device",
                    "cpu"]) == 0
    assert devices and set(devices) == {"cpu"}
    if not torch.cuda.is_available():
        assert run_cli(["run", "alphabet-window-timesteps", "--quick", "--device", "cuda"]) == 2
        assert "device 'cuda' is not available" in capsys.readouterr().err
    assert run_cli(["repeat", "alphabet-window-timesteps", "--workers", "2", "--device",
                    "cpu"]) == 2
    assert "--workers 1 with --device" in capsys.readouterr().err
