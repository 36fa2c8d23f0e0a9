"""The documents' text corpora, shipped inside the package and verified at first use.

Lookup order for a corpus file: an explicit `path`; the folder named by the
``SEQLAB_DATA`` environment variable; the cache (``$XDG_CACHE_HOME/seqlab`` or
``~/.cache/seqlab``), whose copy is checked against the published SHA-256 each time; the
compressed copy inside the package (Nietzsche and tiny-shakespeare are public domain and
ship with seqlab), unpacked into the cache and verified; finally a download of the
published file, verified the same way, for a corpus the package does not carry.
Nothing is read from outside these places, so an offline machine runs every text recipe.
"""

from __future__ import annotations

import bz2
import hashlib
import os
import tempfile
import urllib.request
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from seqlab._io import cache_dir
from seqlab.data.text import TextCorpus
from seqlab.errors import SeqlabError, UnknownNameError

__all__ = ["CORPORA", "CorpusSource", "corpus_path", "load_corpus"]


@dataclass(frozen=True)
class CorpusSource:
    """Where a corpus is published, the SHA-256 its bytes must have, and the compressed copy
    inside the package (``None`` when it is only downloaded)."""

    filename: str
    url: str
    sha256: str
    packaged: str | None = None


CORPORA = {
    "nietzsche": CorpusSource(
        "nietzsche.txt",
        "https://s3.amazonaws.com/text-datasets/nietzsche.txt",
        "1f6258f517f66e336983f76bdb66d53614701e511100908b8eada9bccd1d1300",
        packaged="nietzsche.txt.bz2",
    ),
    "tinyshakespeare": CorpusSource(
        "tinyshakespeare.txt",
        "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt",
        "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
        packaged="tinyshakespeare.txt.bz2",
    ),
}
_PACKAGED_DATA = "corpora_data"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _verified(path: Path, source: CorpusSource) -> bool:
    try:
        return _sha256(path.read_bytes()) == source.sha256
    except OSError:
        return False


def corpus_path(name: str, *, path: str | Path | None = None, download: bool = True) -> Path:
    """The local file of corpus `name`: given, found, unpacked from the package, or
    downloaded, and always checked against the published SHA-256 when seqlab wrote it."""
    if name not in CORPORA:
        raise UnknownNameError("corpus", name, CORPORA)
    if path is not None:
        return Path(path)
    source = CORPORA[name]
    if os.environ.get("SEQLAB_DATA"):
        candidate = Path(os.environ["SEQLAB_DATA"]) / source.filename
        if candidate.is_file():
            return candidate
    cached = cache_dir() / source.filename
    if cached.is_file() and _verified(cached, source):
        return cached
    packaged = _packaged_bytes(name, source)
    if packaged is not None:
        return _store(name, source, packaged)
    if not download:
        raise SeqlabError(
            f"Corpus {name!r} is not in SEQLAB_DATA or the cache {cached.parent}, and downloading "
            f"is off. Pass path=... or set SEQLAB_DATA to the folder holding {source.filename}.")
    return _store(name, source, _download(name, source, cached))


def _packaged_bytes(name: str, source: CorpusSource) -> bytes | None:
    if source.packaged is None:
        return None
    resource = resources.files(__package__).joinpath(_PACKAGED_DATA, source.packaged)
    if not resource.is_file():
        return None
    try:
        return bz2.decompress(resource.read_bytes())
    except (OSError, ValueError) as error:
        raise SeqlabError(f"The packaged copy of corpus {name!r} cannot be read ({error}); "
                          f"reinstall seqlab.") from None


def _download(name: str, source: CorpusSource, target: Path) -> bytes:
    try:
        with urllib.request.urlopen(source.url, timeout=30) as response:
            return response.read()
    except OSError as error:
        raise SeqlabError(
            f"Could not download corpus {name!r} from {source.url} ({error}), and it is not "
            f"cached at {target}. When offline, pass path=... or set SEQLAB_DATA.") from None


def _store(name: str, source: CorpusSource, data: bytes) -> Path:
    """Verify `data` and write it atomically into the cache (or a temporary folder when
    the cache cannot be written)."""
    digest = _sha256(data)
    if digest != source.sha256:
        raise SeqlabError(f"The corpus {name!r} has SHA-256 {digest}, not the published "
                          f"{source.sha256}; it was discarded.")
    for folder in (cache_dir(), Path(tempfile.gettempdir()) / f"seqlab-{getattr(os, 'getuid', int)()}"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f".{source.filename}.", dir=folder)
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(data)
                os.replace(temporary, folder / source.filename)
            finally:
                Path(temporary).unlink(missing_ok=True)
            return folder / source.filename
        except OSError:
            continue
    raise SeqlabError(f"Corpus {name!r} could not be written to {cache_dir()} or the "
                      f"temporary folder; set XDG_CACHE_HOME to a writable folder.")


def load_corpus(
    name: str, *, lower: bool = True, path: str | Path | None = None, download: bool = True
) -> TextCorpus:
    """Corpus `name` as a `TextCorpus` (Nietzsche is lower-cased by default, as in 000)."""
    return TextCorpus.from_file(corpus_path(name, path=path, download=download), lower=lower)
