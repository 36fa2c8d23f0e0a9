"""Integer and one-hot encoding of symbols (characters, words, class labels)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from seqlab._validation import check_int
from seqlab.errors import ValidationError

__all__ = ["Vocabulary", "one_hot", "to_categorical"]

_MAX_LISTED = 5


def _plain_symbol(symbol: Any, where: str) -> str | int:
    """Return `symbol` as a JSON-plain str or int, or raise naming where it came from."""
    if isinstance(symbol, str):
        return str(symbol)
    if isinstance(symbol, (int, np.integer)) and not isinstance(symbol, (bool, np.bool_)):
        return int(symbol)
    raise ValidationError(
        f"Vocabulary symbols must be str or int (so the vocabulary saves to JSON). "
        f"Got {symbol!r} of type {type(symbol).__name__} in {where} instead."
    )


class Vocabulary:
    """An ordered set of symbols, each mapped to the integer id of its position.

    Parameters
    ----------
    symbols : sequence of str or int
        The symbols, in id order; duplicates are an error.
    unknown : str or int, optional
        A symbol of the vocabulary that unseen symbols are encoded as (e.g. ``'?'`` or
        ``'<unk>'``). Without it, encoding an unseen symbol raises ValidationError.

    Build one from data with :meth:`from_corpus` (alias :meth:`fit`), which collects the
    distinct symbols, sorted by default.
    """

    def __init__(self, symbols: Sequence[Any], unknown: Any = None):
        if isinstance(symbols, str) or not isinstance(symbols, Iterable):
            raise ValidationError(
                f"The 'symbols' parameter of Vocabulary must be a list of symbols. "
                f"Got {symbols!r} instead. To use the characters of a string, pass "
                f"list(text) or use Vocabulary.from_corpus(text)."
            )
        plain = [_plain_symbol(s, "symbols") for s in symbols]
        index: dict[str | int, int] = {}
        dupes: list[str | int] = []
        for i, s in enumerate(plain):
            if s in index:
                dupes.append(s)
            else:
                index[s] = i
        if dupes:
            shown = ", ".join(repr(s) for s in dupes[:_MAX_LISTED])
            raise ValidationError(
                f"The 'symbols' parameter of Vocabulary must not repeat symbols. "
                f"Got duplicates {shown} instead. Use Vocabulary.from_corpus to collect "
                f"distinct symbols."
            )
        if unknown is not None:
            unknown = _plain_symbol(unknown, "unknown")
            if unknown not in index:
                raise ValidationError(
                    f"The 'unknown' parameter of Vocabulary must be one of its symbols. "
                    f"Got {unknown!r} instead; add it to the symbols list."
                )
        self._symbols: tuple[str | int, ...] = tuple(plain)
        self._index = index
        self.unknown = unknown

    @classmethod
    def from_corpus(
        cls, corpus: Iterable[Any], *, sort: bool = True, unknown: Any = None
    ) -> Vocabulary:
        """Build a vocabulary of the distinct symbols of `corpus`.

        `corpus` is an iterable of symbols (a string is its characters). ``sort=True`` orders
        symbols sorted (ints and strings cannot be mixed then); ``sort=False`` keeps first-seen
        order. ``unknown``, when given and absent from the corpus, is added (sorted in, or
        appended last when ``sort=False``).
        """
        seen: dict[str | int, None] = {}
        for s in corpus:
            seen.setdefault(_plain_symbol(s, "the corpus"), None)
        if unknown is not None:
            seen.setdefault(_plain_symbol(unknown, "unknown"), None)
        symbols = list(seen)
        if sort:
            try:
                symbols.sort()
            except TypeError:
                raise ValidationError(
                    "Vocabulary.from_corpus cannot sort a corpus that mixes str and int "
                    "symbols. Pass sort=False to keep first-seen order."
                ) from None
        return cls(symbols, unknown=unknown)

    @classmethod
    def fit(cls, corpus: Iterable[Any], *, sort: bool = True, unknown: Any = None) -> Vocabulary:
        """Alias of :meth:`from_corpus`: a vocabulary of the distinct symbols of `corpus`."""
        return cls.from_corpus(corpus, sort=sort, unknown=unknown)

    @property
    def symbols(self) -> tuple[str | int, ...]:
        """The symbols in id order."""
        return self._symbols

    def __len__(self) -> int:
        return len(self._symbols)

    def __contains__(self, symbol: Any) -> bool:
        try:
            return symbol in self._index
        except TypeError:  # unhashable
            return False

    def __iter__(self):
        return iter(self._symbols)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Vocabulary):
            return NotImplemented
        return self._symbols == other._symbols and self.unknown == other.unknown

    def __hash__(self) -> int:
        return hash((self._symbols, self.unknown))

    def __repr__(self) -> str:
        head = ", ".join(repr(s) for s in self._symbols[:8])
        more = ", …" if len(self) > 8 else ""
        return f"Vocabulary([{head}{more}], size={len(self)}, unknown={self.unknown!r})"

    def _unseen_error(self, unseen: list[tuple[int | None, Any]]) -> ValidationError:
        shown = ", ".join(
            repr(s) if p is None else f"{s!r} at position {p}" for p, s in unseen[:_MAX_LISTED]
        )
        more = f" and {len(unseen) - _MAX_LISTED} more" if len(unseen) > _MAX_LISTED else ""
        return ValidationError(
            f"Cannot encode {len(unseen)} symbol(s) not in the vocabulary of {len(self)}: "
            f"{shown}{more}. Build the vocabulary from a corpus that contains them, or give "
            f"Vocabulary an unknown= symbol (e.g. unknown='<unk>') to map unseen symbols to."
        )

    def id_of(self, symbol: Any) -> int:
        """Return the id of `symbol` (the unknown id for an unseen one, when configured)."""
        try:
            return self._index[symbol]
        except (KeyError, TypeError):
            if self.unknown is not None:
                return self._index[self.unknown]
            raise self._unseen_error([(None, symbol)]) from None

    def symbol_of(self, id: int) -> str | int:
        """Return the symbol whose id is `id`."""
        i = check_int("id", id, "Vocabulary.symbol_of", low=0, high=len(self) - 1)
        return self._symbols[i]

    def encode(self, sequence: Iterable[Any]) -> np.ndarray:
        """Return the ids of the symbols of `sequence` as a 1-D int64 array.

        Unseen symbols map to the ``unknown`` id when configured; otherwise a
        ValidationError lists up to five of them with their positions.
        """
        index = self._index
        unk = index[self.unknown] if self.unknown is not None else None
        ids: list[int] = []
        unseen: list[tuple[int, Any]] = []
        for pos, s in enumerate(sequence):
            try:
                i = index.get(s)
            except TypeError:  # unhashable element
                i = None
            if i is None:
                if unk is None:
                    unseen.append((pos, s))
                    continue
                i = unk
            ids.append(i)
        if unseen:
            raise self._unseen_error(unseen)
        return np.asarray(ids, dtype=np.int64)

    def decode(self, ids: Any) -> list[str | int]:
        """Return the symbols of the 1-D integer array `ids`."""
        arr = np.asarray(ids)
        if arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
            raise ValidationError(
                f"The 'ids' parameter of Vocabulary.decode must be a 1-D array of ints. "
                f"Got an array of shape {arr.shape} and dtype {arr.dtype} instead."
            )
        bad = np.flatnonzero((arr < 0) | (arr >= len(self)))
        if bad.size:
            p = int(bad[0])
            raise ValidationError(
                f"Vocabulary.decode got id {int(arr[p])} at position {p}, outside the "
                f"vocabulary's range [0, {len(self) - 1}] (size {len(self)})."
            )
        return [self._symbols[i] for i in arr.tolist()]

    def decode_str(self, ids: Any, sep: str = "") -> str:
        """Return the symbols of `ids` joined into one string with `sep` (e.g. " " for words)."""
        return sep.join(str(s) for s in self.decode(ids))

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-plain description; :meth:`from_dict` rebuilds an equal vocabulary."""
        return {"type": "Vocabulary", "symbols": list(self._symbols), "unknown": self.unknown}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Vocabulary:
        """Rebuild a vocabulary from :meth:`to_dict` output."""
        if not isinstance(data, dict) or "symbols" not in data:
            raise ValidationError(
                f"Vocabulary.from_dict expects a dict with a 'symbols' list (from to_dict). "
                f"Got {data!r} instead."
            )
        return cls(data["symbols"], unknown=data.get("unknown"))


def one_hot(ids: Any, num_classes: int | None = None, dtype: Any = np.float32) -> np.ndarray:
    """Return the one-hot encoding of integer `ids`, adding a last axis of `num_classes`.

    `ids` may have any shape; floats are accepted only when they hold whole numbers.
    Every id must lie in ``[0, num_classes - 1]``. Without `num_classes`, the largest id
    plus one, as Keras' ``to_categorical`` infers it (a class above every id seen is then
    missing: pass `num_classes` where the ids may not show them all).
    """
    owner = "one_hot"
    if num_classes is not None:
        num_classes = check_int("num_classes", num_classes, owner, low=1)
    arr = np.asarray(ids)
    if arr.dtype.kind == "f" and arr.size and np.all(np.isfinite(arr)) and np.all(arr % 1 == 0):
        arr = arr.astype(np.int64)
    if arr.size == 0 and arr.dtype.kind not in "iu":
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "iu":
        raise ValidationError(
            f"The 'ids' parameter of one_hot must hold integer class ids. "
            f"Got dtype {arr.dtype} instead."
        )
    if num_classes is None:
        if arr.size == 0:
            raise ValidationError("one_hot cannot infer 'num_classes' from no ids; pass "
                                  "num_classes.")
        num_classes = max(int(arr.max()) + 1, 1)
    mask = (arr < 0) | (arr >= num_classes)
    if mask.any():
        pos = tuple(int(i) for i in np.unravel_index(int(np.argmax(mask)), mask.shape))
        raise ValidationError(
            f"one_hot got id {int(arr[pos])} at index {pos}, outside [0, {num_classes - 1}] "
            f"for num_classes={num_classes}. Pass a larger num_classes or fix the ids."
        )
    out = np.zeros(arr.shape + (num_classes,), dtype=dtype)
    np.put_along_axis(out, arr.astype(np.intp)[..., None], 1, axis=-1)
    return out


to_categorical = one_hot
"""Alias of :func:`one_hot` (the Keras name); `num_classes` is required."""
