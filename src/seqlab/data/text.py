"""Text corpora as symbol ids, and lazy framings of them for language models.

Framings return numpy views (or index arithmetic) over the id array: a window set is
never copied per window, and nothing is one-hot encoded here (models look ids up).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from seqlab._io import read_text
from seqlab._validation import check_float, check_int
from seqlab.data.encoding import Vocabulary
from seqlab.errors import ValidationError

__all__ = ["TextCorpus", "code_point", "load_text", "no_text", "plain_text",
           "unix_newlines", "next_symbol_windows", "sequence_windows", "stream_chunks"]


def code_point(char: str) -> str:
    """`char` as its code point and Unicode name (U+200B ZERO WIDTH SPACE), for a message
    naming a character that shows as nothing, or as another."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}{' ' + name if name else ''}"


def no_text(file: str, size: int) -> ValidationError:
    """The error for the text file `file` (as a message names it) that holds no text: it
    is empty, or holds only a byte-order mark (`size` bytes)."""
    return ValidationError(f"{file} is empty." if size == 0 else
                           f"{file} holds no text: only a UTF-8 byte-order mark (BOM, {size} "
                           f"bytes). Give a file of text.")


def plain_text(text: str) -> str:
    """`text` as a text file is read for training: line endings as `unix_newlines` reads
    them and byte-order marks dropped, so the same text trains the same model whatever
    saved it."""
    return unix_newlines(text).replace("\ufeff", "")


def unix_newlines(text: str) -> str:
    """`text` with its line endings '\\r\\n' and '\\r' as '\\n', as Python's text mode reads
    them."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_text(path: str | Path, *, lower: bool = False) -> str:
    """Read a UTF-8 text file as `plain_text` (line endings as '\\n', byte-order marks
    dropped); a missing, binary or undecodable file is a clear error."""
    text = plain_text(read_text(path, "text file"))
    if not text:
        raise no_text(f"Text file {str(path)!r}", Path(path).stat().st_size)
    return text.lower() if lower else text


@dataclass(frozen=True)
class TextCorpus:
    """A text, its vocabulary and the text as int64 ids."""

    text: str
    vocab: Vocabulary
    ids: np.ndarray

    @classmethod
    def from_text(
        cls, text: str, *, lower: bool = False, vocab: Vocabulary | None = None
    ) -> TextCorpus:
        """Encode `text` with `vocab` (built from the text's sorted characters when None)."""
        text = text.removeprefix("\ufeff")  # a byte-order mark is no symbol of the text
        if lower:
            text = text.lower()
        vocab = vocab or Vocabulary.from_corpus(text)
        return cls(text, vocab, vocab.encode(text))

    @classmethod
    def from_file(
        cls, path: str | Path, *, lower: bool = False, vocab: Vocabulary | None = None
    ) -> TextCorpus:
        """Load a UTF-8 file as a corpus."""
        return cls.from_text(load_text(path, lower=lower), vocab=vocab)

    def __len__(self) -> int:
        return len(self.ids)

    def split(self, val_fraction: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
        """Train and validation ids, split by position: the last `val_fraction` is validation."""
        check_float("val_fraction", val_fraction, "TextCorpus.split", low=0.0, high=0.5)
        n_val = int(round(len(self.ids) * val_fraction))
        return self.ids[: len(self.ids) - n_val], self.ids[len(self.ids) - n_val :]


def next_symbol_windows(ids: np.ndarray, maxlen: int, step: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Windows of `maxlen` ids every `step` ids and the id after each (000's framing).

    With ``step=maxlen`` the windows do not overlap. Returns views: ``x`` of shape
    ``(n, maxlen)`` and ``y`` of shape ``(n,)``, n = ceil((len(ids) - maxlen) / step).
    """
    ids = _ids(ids, "next_symbol_windows")
    maxlen = check_int("maxlen", maxlen, "next_symbol_windows", low=1)
    step = check_int("step", step, "next_symbol_windows", low=1)
    if maxlen >= len(ids):
        raise ValidationError(
            f"The 'maxlen' parameter of next_symbol_windows must be below the number of ids "
            f"({len(ids)}) so each window has a next symbol. Got {maxlen} instead."
        )
    x = sliding_window_view(ids[:-1], maxlen)[::step]
    return x, ids[maxlen::step][: len(x)]


def sequence_windows(ids: np.ndarray, seq_len: int, step: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Windows of `seq_len` ids with a target at every step (the ids one step later).

    ``step`` defaults to `seq_len` (non-overlapping). Returns views ``x`` and ``y`` of
    shape ``(n, seq_len)``: many-to-many training for any window model.
    """
    ids = _ids(ids, "sequence_windows")
    seq_len = check_int("seq_len", seq_len, "sequence_windows", low=1)
    step = seq_len if step is None else check_int("step", step, "sequence_windows", low=1)
    if seq_len >= len(ids):
        raise ValidationError(
            f"The 'seq_len' parameter of sequence_windows must be below the number of ids "
            f"({len(ids)}). Got {seq_len} instead."
        )
    x = sliding_window_view(ids[:-1], seq_len)[::step]
    y = sliding_window_view(ids[1:], seq_len)[::step]
    return x, y


def stream_chunks(ids: np.ndarray, seq_len: int, streams: int) -> tuple[np.ndarray, np.ndarray]:
    """`sequence_windows` without overlap, the tail dropped so the chunks divide evenly
    into `streams` contiguous streams: the input of a stateful many-to-many trainer."""
    x, y = sequence_windows(ids, seq_len)
    streams = check_int("streams", streams, "stream_chunks", low=1, high=len(x))
    keep = len(x) // streams * streams
    return x[:keep], y[:keep]


def _ids(ids: np.ndarray, owner: str) -> np.ndarray:
    array = np.asarray(ids)
    if array.ndim != 1 or array.dtype.kind not in "iu":
        raise ValidationError(
            f"{owner} needs a 1-D array of integer ids; got dtype {array.dtype} and shape "
            f"{array.shape}. Encode text with Vocabulary.encode first."
        )
    return array
