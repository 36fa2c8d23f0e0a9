"""Threads chosen from the work of a training step (issue 26, item 0)."""

import numpy as np
import torch

from seqlab.models import ModelSpec, build
from seqlab.train import Trainer
from seqlab.train import threads as threads_module
from seqlab.train.threads import PARALLEL_WORK, set_threads, step_work, threads_for, use_threads


def _alphabet_model():
    return build(ModelSpec(1, 26, task="multiclass", units=[32], timesteps=3), seed=0)


def _char_lm():
    return build(ModelSpec(85, 85, task="multiclass", units=[512], frontend="embedding",
                           embedding_dim=64, return_sequences=True), seed=0)


def test_tiny_models_train_on_one_thread_and_large_steps_on_the_idle_cores(monkeypatch):
    monkeypatch.setattr(threads_module.os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert step_work(_alphabet_model(), 1) < PARALLEL_WORK
    assert threads_for(_alphabet_model(), 1, cores=8) == 1
    assert threads_for(_alphabet_model(), 32, cores=8) == 1
    assert threads_for(_char_lm(), 32, cores=8) == 8


def test_large_steps_take_no_more_threads_than_idle_cores(monkeypatch):
    # A loaded machine: 6 of 8 cores busy leaves this process 3 (its own core counts).
    monkeypatch.setattr(threads_module.os, "getloadavg", lambda: (6.2, 0.0, 0.0))
    assert threads_for(_char_lm(), 32, cores=8) == 3
    monkeypatch.setattr(threads_module.os, "getloadavg", lambda: (40.0, 0.0, 0.0))
    assert threads_for(_char_lm(), 32, cores=8) == 1


def test_a_chosen_count_is_kept_and_the_automatic_one_restored(monkeypatch):
    before = torch.get_num_threads()
    monkeypatch.setattr(threads_module, "_TORCH_DEFAULT", 4)
    monkeypatch.setattr(threads_module, "_chosen", None)
    try:
        torch.set_num_threads(4)  # torch's own default: seqlab chooses
        restore = use_threads(_alphabet_model(), 1)
        assert torch.get_num_threads() == 1
        restore()
        assert torch.get_num_threads() == 4
        torch.set_num_threads(3)  # the user's choice: kept
        use_threads(_alphabet_model(), 1)()
        assert torch.get_num_threads() == 3
        set_threads(4)  # chosen explicitly, even when it is torch's default
        use_threads(_alphabet_model(), 1)
        assert torch.get_num_threads() == 4
    finally:
        set_threads(None)
        torch.set_num_threads(before)


def test_fit_runs_a_tiny_model_on_one_thread_and_restores_the_count(monkeypatch):
    before = torch.get_num_threads()
    monkeypatch.setattr(threads_module, "_TORCH_DEFAULT", 2)
    seen = []

    try:
        torch.set_num_threads(2)
        model = _alphabet_model()
        trainer = Trainer(model)
        x = np.zeros((4, 3, 1), np.float32)
        y = np.zeros(4, np.int64)
        original = model.forward
        model.forward = lambda x, state=None: (seen.append(torch.get_num_threads()),
                                               original(x, state))[1]
        trainer.fit(x, y, epochs=1, batch_size=2, verbose=0)
        # The first call checks the target's shape, before training starts.
        assert seen[1:] == [1, 1]
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
