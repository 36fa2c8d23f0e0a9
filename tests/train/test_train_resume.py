"""Checkpoints and resume: a fit interrupted at a random batch (by a real SIGINT or
SIGTERM) and resumed from its checkpoint ends with exactly the weights and history of a
fit that was never interrupted."""

import os
import re
import signal

import numpy as np
import pytest
import torch

from seqlab.errors import TrainingInterrupted, ValidationError
from seqlab.models import ModelSpec, build
from seqlab.train import AverageWeights, Callback, CosineDecay, EarlyStopping, Trainer

rng = np.random.default_rng(7)
IDS = rng.integers(0, 12, size=(96, 8))
NEXT = np.roll(IDS, -1, axis=1)
SERIES = rng.normal(size=(120, 6, 2)).astype(np.float32)
TARGET = SERIES.sum(axis=(1, 2))[:, None]


def _stateful_char_model(seed):
    spec = ModelSpec(12, 12, task="multiclass", units=[16], return_sequences=True,
                     frontend="embedding", embedding_dim=4, dropout=0.2, input_dropout=0.1)
    trainer = Trainer(build(spec, seed=seed), optimizer="adamw", lr=5e-3, weight_decay=0.1,
                      stateful=True, seed=seed, clip_grad_norm=1.0, device="cpu")
    data = dict(x=IDS, y=NEXT, epochs=3, batch_size=8, validation_data=(IDS[:16], NEXT[:16]))
    return trainer, data, lambda: [CosineDecay(total_steps=30),
                                   AverageWeights(0.9, warmup=True)]


def _shuffled_regressor(seed):
    spec = ModelSpec(2, 1, cell="gru", units=[8], dropout=0.3)
    trainer = Trainer(build(spec, seed=seed), lr=1e-2, seed=seed, device="cpu")
    data = dict(x=SERIES, y=TARGET, epochs=4, batch_size=16, validation_split=0.2)
    return trainer, data, lambda: [EarlyStopping(patience=5, restore_best_weights=True)]


class SignalAt(Callback):
    """Sends this process `signal_number` at the end of batch `batch` of epoch `epoch`."""

    def __init__(self, epoch, batch, signal_number=signal.SIGINT):
        self.at, self.signal_number = (epoch, batch), signal_number

    def on_epoch_begin(self, epoch):
        self.epoch = epoch

    def on_batch_end(self, batch, logs):
        if (self.epoch, batch) == self.at:
            os.kill(os.getpid(), self.signal_number)


@pytest.fixture(autouse=True)
def _ctrl_c_as_from_a_terminal():
    """A test runner started in the background of a script finds SIGINT ignored, and fit
    leaves an ignored signal alone; these tests need it as a terminal delivers it."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def _records(history):
    return [{k: v for k, v in record.items() if k != "seconds"} for record in history.records]


def _weights(trainer):
    return {k: v.clone() for k, v in trainer.model.state_dict().items()}


@pytest.mark.parametrize("make", [_stateful_char_model, _shuffled_regressor])
@pytest.mark.parametrize("draw", [0, 1, 2])
def test_a_run_interrupted_at_a_random_batch_resumes_to_identical_weights(tmp_path, make, draw):
    seed = 10 + draw
    whole, data, extra = make(seed)
    whole.fit(**data, callbacks=extra(), verbose=0)

    steps = {_stateful_char_model: 12, _shuffled_regressor: 6}[make]
    pick = np.random.default_rng(draw)
    epoch, batch = int(pick.integers(0, data["epochs"])), int(pick.integers(0, steps))
    first, _, _ = make(seed)
    with pytest.raises(TrainingInterrupted) as stopped:
        first.fit(**data, callbacks=[*extra(), SignalAt(epoch, batch)], verbose=0,
                  checkpoint=tmp_path / "ckpt")
    assert stopped.value.exit_code == 130 and "resume_from" in str(stopped.value)

    second, _, _ = make(seed)
    second.fit(**data, callbacks=[*extra(), SignalAt(-1, -1)], verbose=0,
               resume_from=tmp_path / "ckpt", checkpoint=tmp_path / "ckpt")
    for name, tensor in _weights(whole).items():
        assert torch.equal(tensor, second.model.state_dict()[name]), (name, epoch, batch)
    assert _records(second.history_) == _records(whole.history_)


def test_a_checkpoint_whose_average_has_no_step_count_still_resumes_exactly(tmp_path):
    """A checkpoint seqlab wrote before AverageWeights counted its steps (and had no
    warm-up) resumes to the weights of the run never interrupted."""
    import json

    def extra():
        return [CosineDecay(total_steps=30), AverageWeights(0.9)]

    whole, data, _ = _stateful_char_model(3)
    whole.fit(**data, callbacks=extra(), verbose=0)
    first, _, _ = _stateful_char_model(3)
    with pytest.raises(TrainingInterrupted):
        first.fit(**data, callbacks=[*extra(), SignalAt(1, 5)], verbose=0,
                  checkpoint=tmp_path / "ckpt")
    document = tmp_path / "ckpt" / "checkpoint.json"
    saved = json.loads(document.read_text())
    [average] = [entry for entry in saved["callbacks"] if entry["class"] == "AverageWeights"]
    for key in ("steps", "epoch_start_steps"):
        del average["state"]["dict"][key]
    document.write_text(json.dumps(saved))
    second, _, _ = _stateful_char_model(3)
    second.fit(**data, callbacks=[*extra(), SignalAt(-1, -1)], verbose=0,
               resume_from=tmp_path / "ckpt")
    for name, tensor in _weights(whole).items():
        assert torch.equal(tensor, second.model.state_dict()[name]), name
    assert _records(second.history_) == _records(whole.history_)


def test_sigterm_checkpoints_and_ends_with_143(tmp_path):
    trainer, data, extra = _stateful_char_model(0)
    with pytest.raises(TrainingInterrupted) as stopped:
        trainer.fit(**data, callbacks=[SignalAt(1, 3, signal.SIGTERM)], verbose=0,
                    checkpoint=tmp_path / "ckpt")
    assert stopped.value.exit_code == 143 and stopped.value.signal_number == signal.SIGTERM
    assert "SIGTERM at epoch 2, batch 4" in str(stopped.value)
    assert (tmp_path / "ckpt" / "checkpoint.json").is_file()
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # handlers put back


def test_without_a_checkpoint_ctrl_c_stays_a_keyboard_interrupt():
    trainer, data, _ = _stateful_char_model(0)
    with pytest.raises(KeyboardInterrupt):
        trainer.fit(**data, callbacks=[SignalAt(0, 2)], verbose=0)


def test_checkpoints_are_written_at_epoch_ends_and_every_n_batches(tmp_path):
    trainer, data, _ = _stateful_char_model(0)
    trainer.fit(**{**data, "epochs": 1}, verbose=0, checkpoint=tmp_path / "a",
                checkpoint_every=5)
    written = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert len(written) == 2 and written[1] == "checkpoint.json", written
    assert re.fullmatch(r"checkpoint-[0-9a-f]{16}\.safetensors", written[0]), written
    # A finished run's checkpoint resumes to nothing more to do.
    again, _, _ = _stateful_char_model(0)
    again.fit(**{**data, "epochs": 1}, verbose=0, resume_from=tmp_path / "a")
    assert _records(again.history_) == _records(trainer.history_)


def test_resuming_with_other_settings_names_what_differs(tmp_path):
    trainer, data, _ = _stateful_char_model(0)
    with pytest.raises(TrainingInterrupted):
        trainer.fit(**data, callbacks=[SignalAt(0, 3)], verbose=0, checkpoint=tmp_path / "c")
    other, _, _ = _stateful_char_model(0)
    with pytest.raises(ValidationError, match="epochs 3 then, 5 now"):
        other.fit(**{**data, "epochs": 5}, verbose=0, resume_from=tmp_path / "c")


def test_a_torn_or_missing_checkpoint_is_refused(tmp_path):
    trainer, data, _ = _stateful_char_model(0)
    with pytest.raises(ValidationError, match="no checkpoint"):
        trainer.fit(**data, verbose=0, resume_from=tmp_path / "none")
    trainer.fit(**{**data, "epochs": 1}, verbose=0, checkpoint=tmp_path / "c")
    tensors, = (tmp_path / "c").glob("checkpoint-*.safetensors")
    body = bytearray(tensors.read_bytes())
    body[len(body) // 2] ^= 0xFF
    tensors.write_bytes(bytes(body))
    fresh, _, _ = _stateful_char_model(0)
    with pytest.raises(ValidationError, match="incomplete"):
        fresh.fit(**{**data, "epochs": 1}, verbose=0, resume_from=tmp_path / "c")


def test_an_ignored_sigint_stays_ignored(tmp_path):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    seen = []

    class Look(Callback):
        def on_batch_end(self, batch, logs):
            seen.append(signal.getsignal(signal.SIGINT))

    trainer, data, _ = _stateful_char_model(0)
    trainer.fit(**{**data, "epochs": 1}, callbacks=[Look()], verbose=0,
                checkpoint=tmp_path / "c")
    assert seen and all(handler is signal.SIG_IGN for handler in seen)


def test_a_checkpoint_folder_removed_mid_write_is_written_again(tmp_path, monkeypatch):
    """A checkpoint folder removed by hand (or by a run of an older seqlab, which shared
    OUT.checkpoint) while a write is under way."""
    import shutil

    from seqlab.train import checkpoint

    folder, calls = tmp_path / "W.checkpoint", []
    original = checkpoint._write_pair

    def removed_by_the_other_run(*args):
        calls.append(1)
        if len(calls) == 1:
            folder.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(folder)
            raise FileNotFoundError(2, "No such file or directory")
        return original(*args)

    monkeypatch.setattr(checkpoint, "_write_pair", removed_by_the_other_run)
    checkpoint.write_checkpoint(folder, {"x": 1}, {"t": torch.zeros(2)})
    assert len(calls) == 2
    document, tensors = checkpoint.read_checkpoint(folder)
    assert document["x"] == 1 and torch.equal(tensors["t"], torch.zeros(2))
