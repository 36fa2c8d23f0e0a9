"""One side of the train-text-processes benchmark, run under torchrun by
bench_train_text_processes.py: trains train-text's model shape on tiny-shakespeare for a
fixed number of steps and prints, from rank 0, one JSON line with the global tokens a
second.

Usage: processes_worker.py STEPS STREAMS SEQ_LEN PRECISION
"""

import json
import sys
import time

from seqlab.data.text import TextCorpus, stream_chunks
from seqlab.models import ModelSpec, build
from seqlab.problems.corpora import corpus_path
from seqlab.recipes.text_training import TextTrainingConfig
from seqlab.train import Trainer

steps, streams, seq_len = (int(value) for value in sys.argv[1:4])
precision = sys.argv[4]
config = TextTrainingConfig()
corpus = TextCorpus.from_file(corpus_path("tinyshakespeare"))
x, y = stream_chunks(corpus.ids, seq_len, streams)
spec = ModelSpec(len(corpus.vocab), len(corpus.vocab), task="multiclass", units=[config.units],
                 return_sequences=True, frontend="embedding",
                 embedding_dim=config.embedding_dim, dropout=config.dropout,
                 input_dropout=config.input_dropout, timesteps=seq_len)
trainer = Trainer(build(spec, seed=0), optimizer="adamw", lr=config.lr,
                  weight_decay=config.weight_decay, stateful=True, seed=0,
                  clip_grad_norm=config.clip, device="cpu", precision=precision)
warm = streams * 2
trainer.fit(x[:warm], y[:warm], epochs=1, batch_size=streams, verbose=0)
timed = streams * steps
started = time.perf_counter()
trainer.fit(x[:timed], y[:timed], epochs=1, batch_size=streams, verbose=0)
seconds = time.perf_counter() - started
if trainer.world.main:
    print(json.dumps({"processes": trainer.world.size, "seconds": seconds,
                      "tokens_per_second": steps * streams * seq_len / seconds}))
