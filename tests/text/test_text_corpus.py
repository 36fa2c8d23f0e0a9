"""Text corpora and their lazy framings."""

import dataclasses
import hashlib
import io
import urllib.request

import numpy as np
import pytest

from seqlab.data.text import TextCorpus, load_text, next_symbol_windows, sequence_windows
from seqlab.errors import SeqlabError, ValidationError
from seqlab.problems import corpora


def test_nietzsche_has_the_documents_size_and_alphabet():
    corpus = corpora.load_corpus("nietzsche")
    assert len(corpus) == 600_901
    assert len(corpus.vocab) == 59


def test_000_framing_has_200287_windows_as_views():
    corpus = corpora.load_corpus("nietzsche")
    x, y = next_symbol_windows(corpus.ids, maxlen=40, step=3)
    assert x.shape == (200_287, 40) and y.shape == (200_287,)
    assert np.shares_memory(x, corpus.ids) and np.shares_memory(y, corpus.ids)
    k = 1234
    assert corpus.vocab.decode_str(x[k]) == corpus.text[3 * k : 3 * k + 40]
    assert corpus.vocab.decode_str([y[k]]) == corpus.text[3 * k + 40]


def test_sequence_windows_target_every_step_one_later():
    ids = np.arange(20)
    x, y = sequence_windows(ids, 5)
    assert x.shape == (3, 5)
    np.testing.assert_array_equal(y, x + 1)
    overlapping, _ = sequence_windows(ids, 5, step=1)
    assert overlapping.shape == (15, 5)


def test_split_is_by_position():
    corpus = TextCorpus.from_text("abcdefghij" * 10)
    train, val = corpus.split(0.1)
    assert len(val) == 10 and len(train) == 90
    np.testing.assert_array_equal(np.concatenate([train, val]), corpus.ids)


def test_bad_inputs_are_clear_errors(tmp_path):
    with pytest.raises(ValidationError, match="does not exist"):
        load_text(tmp_path / "missing.txt")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(ValidationError, match="not valid UTF-8"):
        load_text(tmp_path / "latin1.txt")
    with pytest.raises(ValidationError, match="maxlen"):
        next_symbol_windows(np.arange(5), maxlen=5)
    with pytest.raises(ValidationError, match="integer ids"):
        next_symbol_windows(np.array([0.5, 1.5]), maxlen=1)


def test_lookup_order_prefers_seqlab_data_then_cache(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    (data / "nietzsche.txt").write_text("hello")
    monkeypatch.setenv("SEQLAB_DATA", str(data))
    monkeypatch.chdir(tmp_path)
    assert corpora.corpus_path("nietzsche") == data / "nietzsche.txt"
    monkeypatch.delenv("SEQLAB_DATA")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _unpackaged(monkeypatch)
    with pytest.raises(SeqlabError, match="downloading is off"):
        corpora.corpus_path("nietzsche", download=False)


def _unpackaged(monkeypatch):
    """Pretend the package carries no copy, so the download path is taken."""
    source = dataclasses.replace(corpora.CORPORA["nietzsche"], packaged=None)
    monkeypatch.setitem(corpora.CORPORA, "nietzsche", source)


def _offline(monkeypatch, tmp_path):
    monkeypatch.delenv("SEQLAB_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    published = corpora._packaged_bytes("nietzsche", corpora.CORPORA["nietzsche"])
    _unpackaged(monkeypatch)
    return published


def test_packaged_corpora_unpack_offline_into_the_cache_and_are_verified(tmp_path, monkeypatch):
    monkeypatch.delenv("SEQLAB_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

    def no_network(url, timeout):
        raise AssertionError("a packaged corpus must not be downloaded")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    for name, source in corpora.CORPORA.items():
        path = corpora.corpus_path(name, download=False)
        assert path == tmp_path / "cache" / "seqlab" / source.filename
        assert hashlib.sha256(path.read_bytes()).hexdigest() == source.sha256
    tinyshakespeare = corpora.load_corpus("tinyshakespeare", lower=False)
    assert len(tinyshakespeare) == 1_115_394


def test_a_tampered_cache_copy_is_replaced_by_the_verified_one(tmp_path, monkeypatch):
    monkeypatch.delenv("SEQLAB_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cached = tmp_path / "cache" / "seqlab" / "nietzsche.txt"
    cached.parent.mkdir(parents=True)
    cached.write_text("tampered")
    assert corpora.corpus_path("nietzsche") == cached
    assert hashlib.sha256(cached.read_bytes()).hexdigest() == corpora.CORPORA["nietzsche"].sha256


def test_a_packaged_copy_that_fails_its_checksum_is_refused(tmp_path, monkeypatch):
    _offline(monkeypatch, tmp_path)
    monkeypatch.setattr(corpora, "_packaged_bytes", lambda name, source: b"not the corpus")
    with pytest.raises(SeqlabError, match="SHA-256"):
        corpora.corpus_path("nietzsche")
    assert not (tmp_path / "cache" / "seqlab" / "nietzsche.txt").exists()


def test_download_is_verified_and_cached(tmp_path, monkeypatch):
    published = _offline(monkeypatch, tmp_path)
    calls = []

    def fake_urlopen(url, timeout):
        calls.append(url)
        return io.BytesIO(published)

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    path = corpora.corpus_path("nietzsche")
    assert path.read_bytes() == published and path.parent == tmp_path / "cache" / "seqlab"
    assert corpora.corpus_path("nietzsche") == path and len(calls) == 1  # cached


def test_download_with_wrong_checksum_is_discarded(tmp_path, monkeypatch):
    _offline(monkeypatch, tmp_path)
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout: io.BytesIO(b"evil"))
    with pytest.raises(SeqlabError, match="SHA-256"):
        corpora.corpus_path("nietzsche")
    cache = tmp_path / "cache" / "seqlab"
    assert not cache.exists() or not list(cache.iterdir())


def test_offline_and_not_cached_is_a_clear_error(tmp_path, monkeypatch):
    _offline(monkeypatch, tmp_path)

    def no_network(url, timeout):
        raise OSError("network unreachable")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    with pytest.raises(SeqlabError, match="When offline, pass path"):
        corpora.corpus_path("nietzsche")


def test_stream_chunks_drop_the_tail_to_whole_streams():
    from seqlab.data.text import stream_chunks

    ids = np.arange(101)
    x, y = stream_chunks(ids, 8, 4)  # 12 chunks of 8 -> 3 per stream
    assert x.shape == y.shape == (12, 8)
    assert np.array_equal(x[-1], np.arange(88, 96)) and np.array_equal(y[-1], np.arange(89, 97))
    with pytest.raises(ValueError, match="'streams'"):
        stream_chunks(ids, 8, 13)
