"""The documents' text corpora: found locally, or downloaded once into a cache and verified.

Lookup order for a corpus file: an explicit `path`; the folder named by the
``SEQLAB_DATA`` environment variable; ``../shared/data`` beside the current folder
(this project's layout); the cache (``$XDG_CACHE_HOME/seqlab`` or ``~/.cache/seqlab``);
finally a download of the published file, checked against its SHA-256 before use.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from seqlab.data.text import TextCorpus
from seqlab.errors import SeqlabError, UnknownNameError

__all__ = ["CORPORA", "CorpusSource", "corpus_path", "load_corpus"]


@dataclass(frozen=True)
class CorpusSource:
    """Where a corpus is published and the SHA-256 its bytes must have."""

    filename: str
    url: str
    sha256: str


CORPORA = {
    "nietzsche": CorpusSource(
        "nietzsche.txt",
        "https://s3.amazonaws.com/text-datasets/nietzsche.txt",
        "1f6258f517f66e336983f76bdb66d53614701e511100908b8eada9bccd1d1300",
    ),
    "tinyshakespeare": CorpusSource(
        "tinyshakespeare.txt",
        "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt",
        "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
    ),
}


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "seqlab"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def corpus_path(name: str, *, path: str | Path | None = None, download: bool = True) -> Path:
    """The local file of corpus `name`, downloading and verifying it when needed."""
    if name not in CORPORA:
        raise UnknownNameError("corpus", name, CORPORA)
    if path is not None:
        return Path(path)
    source = CORPORA[name]
    folders = [Path(os.environ["SEQLAB_DATA"])] if os.environ.get("SEQLAB_DATA") else []
    folders += [Path.cwd().parent / "shared" / "data", _cache_dir()]
    for folder in folders:
        candidate = folder / source.filename
        if candidate.is_file():
            return candidate
    if not download:
        raise SeqlabError(
            f"Corpus {name!r} is not in {', '.join(str(f) for f in folders)} and downloading "
            "is off. Pass path=... or set SEQLAB_DATA to the folder holding "
            f"{source.filename}."
        )
    return _download(name, source)


def _download(name: str, source: CorpusSource) -> Path:
    target = _cache_dir() / source.filename
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{source.filename}.", dir=target.parent)
    os.close(handle)
    temporary = Path(temporary)
    try:
        try:
            with urllib.request.urlopen(source.url, timeout=30) as response:
                temporary.write_bytes(response.read())
        except OSError as error:
            raise SeqlabError(
                f"Could not download corpus {name!r} from {source.url} ({error}), and it is not "
                f"cached at {target}. When offline, pass path=... or set SEQLAB_DATA."
            ) from None
        digest = _sha256(temporary)
        if digest != source.sha256:
            raise SeqlabError(
                f"The downloaded corpus {name!r} has SHA-256 {digest}, not the published "
                f"{source.sha256}; it was discarded."
            )
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def load_corpus(
    name: str, *, lower: bool = True, path: str | Path | None = None, download: bool = True
) -> TextCorpus:
    """Corpus `name` as a `TextCorpus` (Nietzsche is lower-cased by default, as in 000)."""
    return TextCorpus.from_file(corpus_path(name, path=path, download=download), lower=lower)
