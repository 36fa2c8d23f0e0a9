"""How much of a generated text is made of real words: a cheap check of a text model."""

from __future__ import annotations

import re

__all__ = ["words_of", "known_word_share"]

_WORD = re.compile(r"[^\W\d_]+")  # runs of letters, any alphabet


def words_of(text: str) -> list[str]:
    """The words of `text`: runs of letters, lower-cased."""
    return [word.lower() for word in _WORD.findall(text)]


def known_word_share(generated: str, reference: str | set[str]) -> float:
    """Share of the words in `generated` that occur in `reference` (a text or a word set).

    The first and last word are left out when there are more than two, as a sample may
    start or stop mid-word. Case is ignored. A text without words gives 0.0.
    """
    known = reference if isinstance(reference, set) else set(words_of(reference))
    words = words_of(generated)
    if len(words) > 2:
        words = words[1:-1]
    if not words:
        return 0.0
    return sum(word in known for word in words) / len(words)
