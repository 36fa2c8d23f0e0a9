"""Token files: a text encoded once, streaming, into a memory-mapped array of ids.

As nanoGPT does with its ``train.bin``: a corpus of any size is read in chunks twice
(once to find its symbols, once to write their ids) and never held in memory; training
then reads windows straight from the memory map. The ids are ``uint8`` for up to 256
symbols, ``uint16`` up to 65,536, else ``uint32``, so a 1 GB text of a few hundred
symbols needs 1-2 GB of disk and almost no memory.

A token file ``NAME`` is two files: ``NAME.bin`` (the ids, native little-endian) and
``NAME.json`` (the vocabulary, the id type, the length, the source's size). Both are
written under temporary names and renamed into place; opening checks that they agree.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from seqlab._io import atomic_write, check_not_utf16, read_json_file
from seqlab._validation import check_float, check_int
from seqlab.data.encoding import Vocabulary
from seqlab.data.text import no_text, plain_text
from seqlab.errors import OutputError, ValidationError

__all__ = ["TokenFile", "encode_corpus", "cached_token_file", "TOKEN_FORMAT"]

TOKEN_FORMAT = "seqlab-tokens"
TOKEN_FORMAT_VERSION = 1
_CHUNK_BYTES = 1 << 22
_DTYPES = {"uint8": np.uint8, "uint16": np.uint16, "uint32": np.uint32}


def _id_dtype(n_symbols: int) -> str:
    return "uint8" if n_symbols <= 256 else "uint16" if n_symbols <= 65_536 else "uint32"


def _chunks(source: Path, lower: bool, progress: Callable[[int, int], None] | None):
    """The text of `source` in pieces, decoded incrementally: line endings '\\r\\n' and
    '\\r' read as '\\n', as Python's text mode reads them (a Windows file trains the model
    a Unix one does, not one more symbol), and BOMs dropped, the leading one and any a
    concatenation left inside; progress is called with (bytes read, total bytes)."""
    total = source.stat().st_size
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    done = 0
    carry = ""  # a CR that ended the last piece: its LF may start the next
    with open(source, "rb") as handle:
        while True:
            block = handle.read(_CHUNK_BYTES)
            final = not block
            bom = 0
            if done == 0:
                check_not_utf16(block[:4096], source, "text file")
                bom = 3 if block.startswith(codecs.BOM_UTF8) else 0
            if b"\x00" in block:
                raise ValidationError(f"The text file {source} is binary (it holds NUL bytes "
                                      f"near byte {done + block.index(0)}); expected UTF-8 text.")
            pending = len(decoder.getstate()[0])  # bytes held back from the last block
            try:
                text = carry + decoder.decode(block, final=final)
            except UnicodeDecodeError as error:
                if final and error.reason == "unexpected end of data":
                    raise ValidationError(
                        f"The text file {source} is not valid UTF-8 near byte "
                        f"{done - pending + error.start + bom} (its end): it ends in the "
                        f"middle of a character (its last {error.end - error.start} "
                        "byte(s)), as a file cut short by `head -c` does (drop those bytes), "
                        "or it is in another encoding (re-save it as UTF-8).") from None
                raise ValidationError(
                    f"The text file {source} is not valid UTF-8 near byte "
                    f"{done - pending + error.start + bom}"
                    f"{_in_a_code_page(source, error.object[error.start])}") from None
            carry = "\r" if text.endswith("\r") and not final else ""
            text = text[:-1] if carry else text
            text = plain_text(text)
            done += len(block)
            if progress is not None:
                progress(done, total)
            if text:
                yield text.lower() if lower else text
            if final:
                return


def _not_a_text_file(source: Path) -> str:
    """Why `source`, which is no regular file, cannot be encoded, and what to do."""
    if source.is_dir():
        return (f"{source} is a folder, not a text file: join its files into one first "
                f"(cat {source}/*.txt > {source.name}.txt, say) and train on that.")
    if source.exists():
        return (f"The text file {source} is a pipe or a device: it is read twice (for its "
                f"characters, then to encode them), so save it to a file first and give that.")
    return f"The text file {source} does not exist."


def _in_a_code_page(source: Path, byte: int) -> str:
    """The end of the message refusing `source` at `byte`: the byte, the character it is
    in Windows-1252 (Latin-1's superset, the usual encoding of a Western-European text
    that is not UTF-8) where it is one, and how to convert the file."""
    try:
        char = bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return f" (byte {byte:#04x}); re-save it as UTF-8."
    where = "Windows-1252" if byte < 0xA0 else "Windows-1252 or Latin-1"
    return (f" (byte {byte:#04x}, {char!r} in {where}); re-save it as "
            f"UTF-8 (if that is its encoding: iconv -f cp1252 -t utf-8 {source.name} > "
            f"{source.stem}-utf8{source.suffix}).")


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def encode_corpus(source: str | Path, target: str | Path, *, lower: bool = False,
                  progress: Callable[[int, int], None] | None = None) -> TokenFile:
    """Encode the UTF-8 text file `source` into the token file `target` (``target.bin``
    and ``target.json``), streaming; returns it opened. `progress(done, total)` is called
    after each chunk of each of the two passes (bytes, with total = 2 x the file size)."""
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise ValidationError(_not_a_text_file(source))
    size = source.stat().st_size

    def step(offset: int) -> Callable[[int, int], None] | None:
        return None if progress is None else (lambda done, _: progress(offset + done, 2 * size))

    symbols: set[int] = set()
    length = 0
    for text in _chunks(source, lower, step(0)):
        points = _code_points(text)
        symbols.update(np.unique(points).tolist())
        length += len(points)
    if length == 0:
        raise no_text(f"The text file {source}", size)
    ordered = np.array(sorted(symbols), dtype=np.uint32)
    dtype = _id_dtype(len(ordered))
    ids_path = target.with_name(target.name + ".bin")
    temporary = ids_path.with_name(f".{ids_path.name}.{os.getpid()}.tmp")
    try:
        # Written with plain writes, not through a memory map: mapped pages being written
        # would count toward this process's memory until the kernel flushed them.
        written, changed = 0, False
        with open(temporary, "wb") as out:
            for text in _chunks(source, lower, step(size)):
                points = _code_points(text)
                ids = np.searchsorted(ordered, points)
                written += len(points)
                # More characters, or ones the first reading did not find: the file changed.
                changed = written > length or not np.array_equal(
                    ordered.take(ids, mode="clip"), points)
                if changed:
                    break
                out.write(ids.astype(_DTYPES[dtype]).tobytes())
        if changed or written != length or source.stat().st_size != size:
            raise ValidationError(
                f"The text file {source} changed while it was being encoded: its second "
                f"reading differed from the first ({length:,} characters). Is something still "
                f"writing it? Train on it once it is complete.")
        os.replace(temporary, ids_path)
    except OSError as error:
        raise OutputError(f"Could not write the token file {ids_path}: "
                          f"{error.strerror or error}.") from None
    finally:
        Path(temporary).unlink(missing_ok=True)
    meta = {"format": TOKEN_FORMAT, "format_version": TOKEN_FORMAT_VERSION,
            "symbols": [chr(c) for c in ordered], "dtype": dtype, "length": length,
            "lower": lower, "source": source.name, "source_bytes": size,
            "source_path": str(source.resolve())}
    atomic_write(target.with_name(target.name + ".json"), json.dumps(meta))
    return TokenFile.open(target)


@dataclass(frozen=True)
class TokenFile:
    """An encoded corpus: its vocabulary and its ids as a read-only memory map."""

    path: Path
    vocab: Vocabulary
    ids: np.ndarray
    meta: dict[str, Any]

    @classmethod
    def open(cls, path: str | Path) -> TokenFile:
        """Open the token file `path` (``path.json`` + ``path.bin``), checking that the
        two agree."""
        path = Path(path)
        meta = read_json_file(path.with_name(path.name + ".json"), "token file header")
        if not isinstance(meta, dict) or meta.get("format") != TOKEN_FORMAT:
            raise ValidationError(f"{path}.json is not a seqlab token file header.")
        if meta.get("format_version") != TOKEN_FORMAT_VERSION:
            raise ValidationError(f"{path}.json has format_version "
                                  f"{meta.get('format_version')!r}; this seqlab reads "
                                  f"{TOKEN_FORMAT_VERSION}.")
        dtype = meta.get("dtype")
        if dtype not in _DTYPES:
            raise ValidationError(f"{path}.json: dtype {dtype!r} is not one of {list(_DTYPES)}.")
        symbols = meta.get("symbols")
        length = check_int("length", meta.get("length"), f"{path}.json", low=1)
        if not isinstance(symbols, list) or not symbols:
            raise ValidationError(f"{path}.json: 'symbols' must be a non-empty list.")
        vocab = Vocabulary(symbols)
        if len(symbols) > np.iinfo(_DTYPES[dtype]).max + 1:
            raise ValidationError(f"{path}.json: {len(symbols)} symbols do not fit {dtype}.")
        ids_path = path.with_name(path.name + ".bin")
        expected = length * np.dtype(_DTYPES[dtype]).itemsize
        if not ids_path.is_file() or ids_path.stat().st_size != expected:
            actual = ids_path.stat().st_size if ids_path.is_file() else "no"
            raise ValidationError(f"{ids_path} should hold {expected} bytes ({length} ids of "
                                  f"{dtype}); it has {actual} bytes. Encode the corpus again.")
        ids = np.memmap(ids_path, dtype=_DTYPES[dtype], mode="r", shape=(length,))
        return cls(path, vocab, ids, meta)

    def __len__(self) -> int:
        return len(self.ids)

    def split(self, val_fraction: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
        """Training and held-out ids (views of the map), split by position: the last
        `val_fraction` is held out."""
        check_float("val_fraction", val_fraction, "TokenFile.split", low=0.0, high=0.5)
        n_val = int(round(len(self.ids) * val_fraction))
        return self.ids[: len(self.ids) - n_val], self.ids[len(self.ids) - n_val:]

    def decode(self, start: int, stop: int) -> str:
        """The text of ids ``start .. stop - 1``."""
        return self.vocab.decode_str(np.asarray(self.ids[start:stop]))


def cached_token_file(source: str | Path, folder: str | Path, *, lower: bool = False,
                      progress: Callable[[int, int], None] | None = None) -> TokenFile:
    """The token file of the text file `source` in `folder`, encoded on first use and
    reused while the source keeps its path, size, inode, and modification and change
    times; encoding it anew removes the older token files of that path."""
    source = Path(source)
    if not source.is_file():
        raise ValidationError(_not_a_text_file(source))
    stat = source.stat()
    # The inode and change time too: a file rewritten to the same size and given back its
    # modification time (cp -p, rsync -t, tar x) is another text. 'lf': line endings read
    # as '\n' (token files encoded before kept '\r').
    key = hashlib.sha256(f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|"
                         f"{stat.st_ino}|{stat.st_ctime_ns}|{lower}|lf"
                         .encode()).hexdigest()[:24]
    target = Path(folder) / key
    try:
        cached = TokenFile.open(target)
        if cached.meta.get("source_bytes") == stat.st_size:
            return cached
    except ValidationError:
        pass  # absent or torn: encode again
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        # A file where the cache or a folder above it should be: name it, not just errno's
        # "File exists" or "Not a directory".
        blocking = next((path for path in (Path(folder), *Path(folder).parents)
                         if path.exists() and not path.is_dir()), None)
        why = (f"{blocking} is a file, where a folder was expected (move or remove it)"
               if blocking is not None else error.strerror or error)
        raise OutputError(f"Could not create the token cache {folder}: {why}.") from None
    encoded = encode_corpus(source, target, lower=lower, progress=progress)
    _drop_older_encodings(Path(folder), key, encoded.meta)
    return encoded


def _drop_older_encodings(folder: Path, key: str, meta: dict) -> None:
    """Remove the cache's other token files of the same text (path and case): encodings
    of what the file held before, which would otherwise pile up, each as large as it."""
    for other in folder.glob("*.json"):
        if other.stem == key:
            continue
        try:
            doc = read_json_file(other, "token file")
        except (ValidationError, OSError):
            continue
        if isinstance(doc, dict) and doc.get("source_path") == meta["source_path"] \
                and doc.get("lower") == meta["lower"]:
            other.with_name(other.stem + ".bin").unlink(missing_ok=True)
            other.unlink(missing_ok=True)
