"""Peak memory of nietzsche-window training: the 000 framing (200,287 windows of 40
characters, one-hot over 59 symbols) would be 1.9 GB as a float32 array; seqlab keeps
the windows as views of the corpus and one-hot encodes one batch at a time."""

import os
import subprocess
import sys
import textwrap

import pytest

LIMIT_BYTES = 1.5e9

SCRIPT = textwrap.dedent("""
    import resource, sys
    from seqlab.recipes.registry import run
    from seqlab.train import Callback

    class StopAfter(Callback):
        def __init__(self, batches):
            self.batches, self.seen = batches, 0

        def on_batch_end(self, batch, logs):
            self.seen += 1
            if self.batches and self.seen >= self.batches:
                self.trainer.stop_training = True

    batches = int(sys.argv[1])
    run("nietzsche-window", epochs=1, echo=lambda line: None,
        callbacks=lambda seed: [StopAfter(batches)])
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)  # KiB on Linux
""")


def peak_bytes(batches: int) -> int:
    env = dict(os.environ, OMP_NUM_THREADS="1")
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(batches)], capture_output=True,
                          text=True, timeout=3600, env=env)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip().splitlines()[-1])


def test_training_on_the_whole_framing_stays_under_the_limit():
    # Every window of the corpus is handed to the trainer and the whole held-out part
    # is evaluated; the epoch is cut after 30 batches (memory does not grow with more).
    peak = peak_bytes(30)
    assert peak < LIMIT_BYTES, f"peak resident memory {peak / 1e9:.2f} GB"


@pytest.mark.slow
def test_a_whole_epoch_stays_under_the_limit():
    peak = peak_bytes(0)
    assert peak < LIMIT_BYTES, f"peak resident memory {peak / 1e9:.2f} GB"
