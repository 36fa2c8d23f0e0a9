"""Using a trained model to produce sequences: closed-loop generation of real values
(each prediction fed back as the next input) and sampling of symbols (greedy,
temperature, top-k) with carried state, and the share of real words in a sample."""

from seqlab.generate.feedback import closed_loop
from seqlab.generate.quality import known_word_share
from seqlab.generate.sampling import generate_ids, generate_text, sample_next

__all__ = ["closed_loop", "sample_next", "generate_ids", "generate_text", "known_word_share"]
