"""Token files: a corpus encoded once, streaming, into memory-mapped ids."""

import numpy as np
import pytest

from seqlab.data import tokens
from seqlab.data.text import TextCorpus
from seqlab.data.tokens import TokenFile, encode_corpus
from seqlab.errors import ValidationError

TEXT = "Ünïcode straße — naïve café. " * 50 + "Δ末"


@pytest.mark.parametrize("chunk", [7, 1 << 22])  # 7 bytes splits multi-byte characters
@pytest.mark.parametrize("lower", [False, True])
def test_ids_equal_the_in_memory_encoding_whatever_the_chunking(tmp_path, monkeypatch, chunk,
                                                                lower):
    monkeypatch.setattr(tokens, "_CHUNK_BYTES", chunk)
    (tmp_path / "corpus.txt").write_bytes(b"\xef\xbb\xbf" + TEXT.encode())
    seen = []
    encoded = encode_corpus(tmp_path / "corpus.txt", tmp_path / "corpus",
                            lower=lower, progress=lambda done, total: seen.append((done, total)))
    reference = TextCorpus.from_text(TEXT, lower=lower)
    assert list(encoded.vocab.symbols) == list(reference.vocab.symbols)
    np.testing.assert_array_equal(encoded.ids, reference.ids)
    assert encoded.ids.dtype == np.uint8 and isinstance(encoded.ids, np.memmap)
    assert seen[-1][0] == seen[-1][1] == 2 * (tmp_path / "corpus.txt").stat().st_size
    reopened = TokenFile.open(tmp_path / "corpus")
    np.testing.assert_array_equal(reopened.ids, encoded.ids)
    train, held_out = reopened.split(0.1)
    assert len(held_out) == round(len(TEXT) * 0.1) and len(train) + len(held_out) == len(TEXT)


def test_many_symbols_take_wider_ids(tmp_path):
    text = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 300)) * 2
    (tmp_path / "wide.txt").write_text(text)
    encoded = encode_corpus(tmp_path / "wide.txt", tmp_path / "wide")
    assert encoded.ids.dtype == np.uint16 and len(encoded.vocab) == 300
    np.testing.assert_array_equal(encoded.ids, TextCorpus.from_text(text).ids)


@pytest.mark.parametrize("content,message", [
    (b"caf\xe9", "not valid UTF-8 near byte 3"),
    (b"ab\x00cd", "is binary"),
    (b"", "is empty"),
])
def test_bad_text_is_refused(tmp_path, content, message):
    (tmp_path / "bad.txt").write_bytes(content)
    with pytest.raises(ValidationError, match=message):
        encode_corpus(tmp_path / "bad.txt", tmp_path / "bad")
    assert not (tmp_path / "bad.bin").exists()


def test_a_token_file_whose_parts_disagree_is_refused(tmp_path):
    (tmp_path / "c.txt").write_text("abcabc")
    encode_corpus(tmp_path / "c.txt", tmp_path / "c")
    with open(tmp_path / "c.bin", "ab") as handle:
        handle.write(b"\x00")
    with pytest.raises(ValidationError, match="should hold 6 bytes"):
        TokenFile.open(tmp_path / "c")
    (tmp_path / "c.json").write_text('{"format": "other"}')
    with pytest.raises(ValidationError, match="not a seqlab token file"):
        TokenFile.open(tmp_path / "c")
