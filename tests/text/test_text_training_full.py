"""train-text's defaults on the real Nietzsche corpus (slow: minutes per seed).

The time bars of issue 6 (held-out 1.45 within 3 minutes, 1.30 within 15, on a 2-core
CPU) are measured by `python benchmarks/run.py train-text`, beside the machine's speed;
here the same model is judged by what it learns per epoch, which does not depend on how
busy the machine is: 1.45 within two of its ten epochs and 1.30 by the end. Over seeds 0-4
the ten epochs ended between 1.2725 and 1.2866 and passed 1.45 by epoch 2 (1.4082 to
1.4299); the eight epochs of the earlier default ended between 1.2866 and 1.3059, seed 1
above the bar.
"""


import numpy as np
import pytest

from seqlab.generate import generate_text, known_word_share
from seqlab.problems.corpora import corpus_path
from seqlab.recipes.text_training import TextTrainingConfig, train_text

NIETZSCHE = corpus_path("nietzsche")


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_the_defaults_reach_the_bars_and_write_real_words(seed):
    run = train_text(NIETZSCHE, TextTrainingConfig(seed=seed), echo=lambda line: None)
    early = run.first_at_or_below(1.45)
    assert early is not None and early.epoch <= 2, run.checks
    assert run.best.loss <= 1.30, run.checks
    train, _ = run.corpus.split(0.1)
    training_text = run.corpus.decode(0, len(train))
    shares = [known_word_share(generate_text(run.trainer.model, run.corpus.vocab,
                                             "the meaning of", 400, temperature=0.5,
                                             seed=sample), training_text)
              for sample in range(5)]
    # Mostly real words: at least 85% of a sample's words occur in the training text.
    assert np.mean(shares) >= 0.85, shares
