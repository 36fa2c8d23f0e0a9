"""Token files: a corpus encoded once, streaming, into memory-mapped ids."""

import os
import time

import numpy as np
import pytest

from seqlab.data import tokens
from seqlab.data.text import TextCorpus
from seqlab.data.tokens import TokenFile, cached_token_file, encode_corpus
from seqlab.errors import OutputError, ValidationError

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
    # Regression: a file holding only a BOM was called "empty", though it is 3 bytes long.
    (b"\xef\xbb\xbf", r"holds no text: only a UTF-8 byte-order mark \(BOM, 3 bytes\)"),
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


def test_windows_line_endings_and_stray_bom_read_as_the_unix_text(tmp_path, monkeypatch):
    # '\r\n' became '\r' plus '\n': one symbol more, and '\r' sampled into generated text.
    text = "one line\ntwo lines\n\nend\n" * 40
    unix = encode_corpus(_write(tmp_path / "u.txt", text.encode()), tmp_path / "u")
    monkeypatch.setattr(tokens, "_CHUNK_BYTES", 9)  # a CR at the end of a piece, its LF after
    for name, data in (("crlf", text.replace("\n", "\r\n").encode()),
                       ("cr", text.replace("\n", "\r").encode()),
                       ("bom", b"\xef\xbb\xbf" + text[:200].encode() + b"\xef\xbb\xbf"
                        + text[200:].encode())):
        read = encode_corpus(_write(tmp_path / f"{name}.txt", data), tmp_path / name)
        assert read.vocab.symbols == unix.vocab.symbols, name
        np.testing.assert_array_equal(np.asarray(read.ids), np.asarray(unix.ids))
        in_memory = TextCorpus.from_file(tmp_path / f"{name}.txt")  # the API reads alike
        assert in_memory.text == text, name


def test_a_text_cut_inside_a_character_and_a_bad_byte_after_a_bom_are_named(tmp_path):
    cut = "café ".encode() * 50 + "日".encode()[:2]
    with pytest.raises(ValidationError, match=r"near byte 300 \(its end\): it ends in the "
                                              r"middle of a character \(its last 2"):
        encode_corpus(_write(tmp_path / "cut.txt", cut), tmp_path / "cut")
    with pytest.raises(ValidationError, match="not valid UTF-8 near byte 6"):
        encode_corpus(_write(tmp_path / "b.txt", b"\xef\xbb\xbfabc\xffdef"), tmp_path / "b")


def test_a_text_rewritten_to_its_size_and_time_is_encoded_again(tmp_path):
    # cp -p, rsync -t or tar x give a changed file back its modification time.
    path = _write(tmp_path / "t.txt", b"abcabcabc " * 30)
    first = cached_token_file(path, tmp_path / "cache")
    stat = path.stat()
    time.sleep(0.05)  # change times are kept to a few milliseconds on older kernels
    path.write_bytes(b"xyzxyzxyz " * 30)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    again = cached_token_file(path, tmp_path / "cache")
    assert set(first.vocab.symbols) == set("abc ") and set(again.vocab.symbols) == set("xyz ")
    # the older encoding is removed, not left to pile up; another text's and case's stay
    other = cached_token_file(_write(tmp_path / "o.txt", b"other text"), tmp_path / "cache")
    lowered = cached_token_file(path, tmp_path / "cache", lower=True)
    kept = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert kept == sorted(f"{t.path.name}{suffix}" for t in (again, other, lowered)
                          for suffix in (".bin", ".json")), kept


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("change", ["appended", "rewritten"])
def test_a_text_that_changes_while_it_is_encoded_is_refused(tmp_path, change):
    # Regression: a text still being written (appended to between the two readings) left a
    # token file whose ids disagreed with its header ("... should hold 80 bytes ... Encode
    # the corpus again"), and one rewritten to the same size with a new character was
    # encoded silently with that character read as another.
    source, text = tmp_path / "text.txt", "abc abc\n" * 10
    source.write_text(text)

    def between_the_readings(done: int, total: int) -> None:
        if done == total // 2:  # the first reading is over
            source.write_text(text + "more" if change == "appended" else text.replace("a", "z"))

    with pytest.raises(ValidationError, match="changed while it was being encoded"):
        encode_corpus(source, tmp_path / "tokens", progress=between_the_readings)
    assert not list(tmp_path.glob("tokens*")) and not list(tmp_path.glob(".tokens*"))


@pytest.mark.parametrize("blocked", ["cache", "above"])
def test_a_file_where_the_token_cache_goes_is_named(tmp_path, blocked):
    # Regression: a file at the cache's path (or at a folder above it) gave only errno's
    # words: "Could not create the token cache ...: File exists."
    source = _write(tmp_path / "text.txt", b"abc abc\n" * 10)
    blocking = tmp_path / ("cache" if blocked == "cache" else "base")
    blocking.write_text("not a folder")
    folder = tmp_path / "cache" if blocked == "cache" else tmp_path / "base" / "seqlab" / "tokens"
    with pytest.raises(OutputError, match=rf"{blocking} is a file, where a folder was "
                                          rf"expected \(move or remove it\)\.$"):
        cached_token_file(source, folder)
