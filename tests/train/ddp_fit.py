"""A small fit run by test_train_distributed under torchrun (or alone): prints, from rank
0, one JSON line with the process count, the epoch losses and a digest of the weights.

Usage: ddp_fit.py stateful|shuffled whole|interrupt|resume CHECKPOINT_FOLDER
"""

import json
import os
import signal
import sys

import numpy as np
import torch

from seqlab.errors import TrainingInterrupted
from seqlab.models import ModelSpec, build
from seqlab.train import Callback, Trainer

layout, mode, folder = sys.argv[1:4]
torch.set_num_threads(1)
rng = np.random.default_rng(0)
ids = rng.integers(0, 12, size=(256, 8))
following = np.roll(ids, -1, axis=1)
spec = ModelSpec(12, 12, task="multiclass", units=[16], return_sequences=True,
                 frontend="embedding", embedding_dim=4)
trainer = Trainer(build(spec, seed=0), optimizer="adamw", lr=5e-3, seed=0, device="cpu",
                  stateful=layout == "stateful")


class TermAt(Callback):
    """Every process sends itself SIGTERM after batch 5 of epoch 2."""

    def on_epoch_begin(self, epoch):
        self.epoch = epoch

    def on_batch_end(self, batch, logs):
        if (self.epoch, batch) == (1, 5):
            os.kill(os.getpid(), signal.SIGTERM)


callbacks = [TermAt()] if mode == "interrupt" else []
try:
    history = trainer.fit(ids, following, epochs=3, batch_size=8, verbose=0,
                          validation_data=(ids[:32], following[:32]), callbacks=callbacks,
                          checkpoint=folder if mode != "whole" else None,
                          resume_from=folder if mode == "resume" else None)
except TrainingInterrupted as stopped:
    if trainer.world.main:
        print(json.dumps({"interrupted": stopped.exit_code}))
    sys.exit(0)
if trainer.world.main:
    digest = float(sum(p.double().abs().sum() for p in trainer.model.parameters()))
    print(json.dumps({"processes": trainer.world.size, "loss": history["loss"],
                      "val_loss": history["val_loss"], "digest": digest}))
