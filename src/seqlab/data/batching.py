"""Mini-batch index generation and the sample layouts that stateful RNN training needs."""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from seqlab._validation import check_choice, check_int
from seqlab.errors import StatefulLayoutError, ValidationError

__all__ = ["minibatches", "stateful_layout", "StatefulLayout", "stream_segments"]


def _as_rng(rng: Any, owner: str) -> np.random.Generator:
    """Return a numpy Generator from None (fresh entropy), an int seed or a Generator."""
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) and rng >= 0:
        return np.random.default_rng(int(rng))
    raise ValidationError(
        f"The 'rng' parameter of {owner} must be None, an int seed >= 0 or a "
        f"numpy.random.Generator. Got {rng!r} instead."
    )


def minibatches(
    n_samples: int,
    batch_size: int,
    *,
    shuffle: bool = True,
    rng: Any = None,
    drop_last: bool = False,
) -> list[np.ndarray]:
    """Split sample indices ``0 .. n_samples-1`` into batches of `batch_size` int64 indices.

    With ``shuffle`` the indices are a fresh permutation drawn from `rng` (a Generator, which
    advances, so each call gives a new order; or an int seed, which repeats the same order).
    The last batch is smaller when `batch_size` does not divide `n_samples`, unless
    ``drop_last`` drops it.
    """
    owner = "minibatches"
    n_samples = check_int("n_samples", n_samples, owner, low=0)
    batch_size = check_int("batch_size", batch_size, owner, low=1)
    if drop_last and 0 < n_samples < batch_size:
        raise ValidationError(
            f"minibatches with drop_last=True and batch_size={batch_size} larger than "
            f"n_samples={n_samples} would yield no batch. Use a batch_size <= {n_samples} "
            f"or drop_last=False."
        )
    if shuffle:
        order = _as_rng(rng, owner).permutation(n_samples).astype(np.int64)
    else:
        order = np.arange(n_samples, dtype=np.int64)
    stop = n_samples - n_samples % batch_size if drop_last else n_samples
    return [order[i : i + batch_size] for i in range(0, stop, batch_size)]


@dataclass(frozen=True)
class StatefulLayout:
    """How `n_samples` time-ordered samples are laid out in `batch_size` parallel streams.

    Stream ``i`` is the contiguous run of samples ``i*L .. i*L + L - 1`` with
    ``L = steps_per_epoch``; batch ``k`` holds sample ``i*L + k`` in row ``i``, so row ``i``
    of batch ``k+1`` continues row ``i`` of batch ``k`` and a stateful RNN can carry its
    state across batches. The last `n_dropped` samples (the tail) are not used.
    """

    n_samples: int
    batch_size: int
    steps_per_epoch: int
    n_used: int
    n_dropped: int

    def batch_indices(self, k: int) -> np.ndarray:
        """Return the int64 sample indices of batch `k` (row ``i`` is sample ``i*L + k``)."""
        k = check_int("k", k, "StatefulLayout.batch_indices", low=0, high=self.steps_per_epoch - 1)
        return np.arange(self.batch_size, dtype=np.int64) * self.steps_per_epoch + k

    def order(self) -> np.ndarray:
        """Return the (steps_per_epoch, batch_size) int64 array whose row ``k`` is batch ``k``."""
        return np.arange(self.n_used, dtype=np.int64).reshape(self.batch_size, -1).T.copy()

    def arrange(self, x: Any) -> np.ndarray:
        """Reorder the samples of `x` (first axis) so consecutive `batch_size` rows are batches.

        The result has ``n_used`` rows: rows ``k*batch_size .. (k+1)*batch_size - 1`` are batch
        ``k``, ready for unshuffled batching.
        """
        arr = np.asarray(x)
        if arr.ndim == 0 or arr.shape[0] != self.n_samples:
            raise ValidationError(
                f"StatefulLayout.arrange expects an array of {self.n_samples} samples on its "
                f"first axis; got shape {arr.shape}."
            )
        return arr[self.order().reshape(-1)]

    def to_dict(self) -> dict[str, int]:
        """Return a JSON-plain description; :meth:`from_dict` rebuilds an equal layout."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StatefulLayout:
        """Rebuild a layout from :meth:`to_dict` output, checking it is consistent."""
        n = check_int("n_samples", data.get("n_samples"), "StatefulLayout.from_dict", low=1)
        b = check_int("batch_size", data.get("batch_size"), "StatefulLayout.from_dict", low=1)
        layout = _layout(n, b)
        if layout.to_dict() != {k: data.get(k) for k in layout.to_dict()}:
            raise ValidationError(
                f"StatefulLayout.from_dict got inconsistent values {data!r}; expected "
                f"{layout.to_dict()!r} for n_samples={n}, batch_size={b}."
            )
        return layout


def _layout(n_samples: int, batch_size: int) -> StatefulLayout:
    steps = n_samples // batch_size
    used = steps * batch_size
    return StatefulLayout(n_samples, batch_size, steps, used, n_samples - used)


def _near_divisors(n: int, target: int, count: int = 3) -> list[int]:
    divisors = [d for d in range(1, n + 1) if n % d == 0]
    return sorted(sorted(divisors, key=lambda d: (abs(d - target), d))[:count])


def stateful_layout(
    n_samples: int, batch_size: int, *, on_remainder: str = "trim"
) -> StatefulLayout:
    """Plan `batch_size` parallel streams over `n_samples` time-ordered samples.

    Sample ``j`` must continue sample ``j-1`` in time. When `batch_size` does not divide
    `n_samples`, ``on_remainder='trim'`` drops the tail samples with a UserWarning and
    ``on_remainder='error'`` raises StatefulLayoutError suggesting batch sizes that divide.
    """
    owner = "stateful_layout"
    n_samples = check_int("n_samples", n_samples, owner, low=0)
    batch_size = check_int("batch_size", batch_size, owner, low=1)
    on_remainder = check_choice("on_remainder", on_remainder, owner, ("trim", "error"))
    if batch_size > n_samples:
        raise StatefulLayoutError(
            f"batch_size ({batch_size}) is larger than the number of samples ({n_samples}): "
            f"each of the {batch_size} parallel streams needs at least one sample."
        )
    layout = _layout(n_samples, batch_size)
    if layout.n_dropped:
        divisors = ", ".join(str(d) for d in _near_divisors(n_samples, batch_size))
        if on_remainder == "error":
            raise StatefulLayoutError(
                f"n_samples ({n_samples}) is not a multiple of batch_size ({batch_size}): "
                f"{layout.n_dropped} sample(s) would not fit the {batch_size} equal streams. "
                f"Use a batch_size that divides {n_samples} (near {batch_size}: {divisors}), "
                f"or on_remainder='trim' to drop the last {layout.n_dropped} sample(s)."
            )
        warnings.warn(
            f"stateful_layout: n_samples ({n_samples}) is not a multiple of batch_size "
            f"({batch_size}); dropping {layout.n_dropped} sample(s) from the tail (indices "
            f"{layout.n_used}..{n_samples - 1}) so each stream has {layout.steps_per_epoch}. "
            f"Batch sizes that divide {n_samples} near {batch_size}: {divisors}.",
            UserWarning,
            stacklevel=2,
        )
    return layout


def stream_segments(sequence: Any, n_segments: int, seq_len: int) -> tuple[np.ndarray, np.ndarray]:
    """Lay one long sequence out for stateful many-to-many training (the char-RNN layout).

    The sequence (length ``n``, optionally with trailing feature axes) is cut into `n_segments`
    contiguous segments of ``S = ((n - 1) // n_segments // seq_len) * seq_len`` steps, each
    split into ``n_chunks = S // seq_len`` chunks of `seq_len`. Returns ``(x, y)`` of shape
    ``(n_chunks, n_segments, seq_len, *features)`` with ``x[k, i]`` continuing ``x[k-1, i]``
    (batch ``k`` row ``i`` carries on from batch ``k-1`` row ``i``) and ``y`` being ``x``
    one step later: ``x[k, i, t] = sequence[i*S + k*seq_len + t]`` and
    ``y[k, i, t] = sequence[i*S + k*seq_len + t + 1]``. The tail that does not fill whole
    chunks is dropped. Both are views of `sequence` when it is a C-contiguous array.
    """
    owner = "stream_segments"
    n_segments = check_int("n_segments", n_segments, owner, low=1)
    seq_len = check_int("seq_len", seq_len, owner, low=1)
    arr = np.asarray(sequence)
    if arr.ndim == 0:
        raise ValidationError(
            f"The 'sequence' parameter of {owner} must be an array of steps (first axis is "
            f"time). Got {sequence!r} instead; encode text with Vocabulary first."
        )
    n = arr.shape[0]
    usable = n - 1  # targets are the inputs one step later
    if n_segments > usable:
        raise ValidationError(
            f"The 'n_segments' parameter of {owner} must be at most {usable} for a sequence "
            f"of {n} steps (inputs and targets are offset by one, so {usable} input steps "
            f"remain). Got {n_segments} instead."
        )
    seg = usable // n_segments
    if seq_len > seg:
        raise ValidationError(
            f"The 'seq_len' parameter of {owner} must be at most {seg}: a sequence of {n} "
            f"steps cut into {n_segments} segments gives {seg} input steps per segment. "
            f"Got {seq_len} instead; use a shorter seq_len or fewer segments."
        )
    n_chunks = seg // seq_len
    seg = n_chunks * seq_len
    total = n_segments * seg
    feat = arr.shape[1:]

    def lay(part: np.ndarray) -> np.ndarray:
        return part.reshape((n_segments, n_chunks, seq_len) + feat).swapaxes(0, 1)

    return lay(arr[:total]), lay(arr[1 : total + 1])
