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
