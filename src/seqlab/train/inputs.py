"""Training data as the Trainer reads it: whole tensors, arrays converted batch by batch,
or an iterable of ready batches.

Float data is converted to one float32 tensor on the device up front (as before: the
fastest path when it fits). Integer data (symbol ids, ``uint8`` frames) stays a numpy
array, memory-mapped or not, and each batch is gathered and converted on its own: a
625 MB ``uint8`` frame array no longer becomes 2.5 GB of float32, and a token file of
any size is read a batch at a time.
"""

from __future__ import annotations

import mmap
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import torch

from seqlab.errors import ValidationError

__all__ = ["HostColumn", "rows_of", "take", "is_batch_iterable", "file_backed", "LazyBatches",
           "ArrayFeed", "IterableFeed"]


def file_backed(array: np.ndarray) -> bool:
    """Whether `array` is (a view of) a memory-mapped file: reading all of it would pull
    the whole file into memory, so it is checked batch by batch instead."""
    base: Any = array
    while base is not None:
        if isinstance(base, (np.memmap, mmap.mmap)):
            return True
        base = getattr(base, "base", None)
    return False


class HostColumn:
    """A numpy array kept where it is, whose batches become tensors of `dtype` on
    `device` when taken. With `id_limit`, every batch is checked to hold ids in
    ``[0, id_limit)`` (for arrays too large to scan up front)."""

    def __init__(self, array: np.ndarray, dtype: torch.dtype, device: torch.device,
                 name: str, id_limit: int | None = None):
        self.array, self.dtype, self.device = array, dtype, device
        self.name, self.id_limit = name, id_limit

    shape = property(lambda self: self.array.shape, doc="The array's shape.")

    def __len__(self) -> int:
        return len(self.array)

    def rows(self, selection: slice) -> HostColumn:
        """The rows in `selection`, still on the host."""
        return HostColumn(self.array[selection], self.dtype, self.device, self.name,
                          self.id_limit)

    def __getitem__(self, index: Any) -> torch.Tensor:
        """The rows at `index` (a slice, or an array of row numbers) as a device tensor."""
        if isinstance(index, torch.Tensor):
            index = index.cpu().numpy()
        batch = self.array[index]
        if not (batch.flags.writeable and batch.flags.c_contiguous):
            batch = np.array(batch, order="C")  # a view of read-only or strided rows
        if self.id_limit is not None and batch.size and (
                batch.min() < 0 or batch.max() >= self.id_limit):
            raise ValidationError(
                f"`{self.name}` holds ids outside [0, {self.id_limit}) in rows "
                f"{_describe(index)}: min {batch.min()}, max {batch.max()}.")
        return torch.from_numpy(batch).to(device=self.device, dtype=self.dtype)


def _describe(index: Any) -> str:
    if isinstance(index, slice):
        return f"{index.start}..{index.stop}"
    flat = np.asarray(index).reshape(-1)
    return f"{flat.min()}..{flat.max()}" if flat.size else "(none)"


def rows_of(column: torch.Tensor | HostColumn, selection: slice) -> torch.Tensor | HostColumn:
    """The rows in `selection` of a tensor or host column, of the same kind."""
    return column.rows(selection) if isinstance(column, HostColumn) else column[selection]


def take(column: torch.Tensor | HostColumn, index: np.ndarray) -> torch.Tensor:
    """The rows at `index` as a tensor on the column's device."""
    if isinstance(column, HostColumn):
        return column[index]
    return column[torch.as_tensor(index, device=column.device)]


def is_batch_iterable(data: Any) -> bool:
    """Whether `data` is an iterable of batches (a DataLoader, a generator, a list of
    pairs) rather than one array-like of samples."""
    if isinstance(data, (np.ndarray, torch.Tensor)) or hasattr(data, "__array__"):
        return False
    if isinstance(data, Sequence):  # a list of pairs, or a nested list of numbers
        return bool(data) and all(isinstance(item, (tuple, list)) and len(item) == 2
                                  and not _numeric(item[0]) for item in data[:3])
    return isinstance(data, Iterable)


def _numeric(item: Any) -> bool:
    return isinstance(item, (int, float, np.number))


class LazyBatches(Sequence):
    """Batches computed when asked for: ``batch(k)`` for k in ``range(n)`` (a stateful
    layout over millions of samples must not hold all its index arrays at once)."""

    def __init__(self, n: int, batch: Any):
        self.n, self.batch = n, batch

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, k: Any) -> Any:
        if isinstance(k, slice):
            return [self.batch(i) for i in range(*k.indices(self.n))]
        if not -self.n <= k < self.n:
            raise IndexError(k)
        return self.batch(k % self.n)


class ArrayFeed:
    """Batches of rows of two columns by a batch plan; each process takes its share of
    every batch's rows."""

    def __init__(self, world: Any, x: Any, y: Any, plan: Any):
        self.x, self.y, self.plan, self.world = x, y, plan, world
        self.samples = len(x)

    @property
    def steps(self) -> int:
        """Batches an epoch (asked by `fit` for progress; an evaluation never asks)."""
        return len(self.plan(None))

    def probe(self, batch_size: int) -> tuple[Any, Any]:
        """The first `batch_size` samples (the untrained model's loss is measured there)."""
        return rows_of(self.x, slice(0, batch_size)), rows_of(self.y, slice(0, batch_size))

    def epoch(self, batches: Sequence[Any], start: int) -> Iterator[tuple[int, Any, Any, int]]:
        """(step, x, y, rows over all processes) for the batches from `start` on."""
        for step in range(start, len(batches)):
            index = np.asarray(batches[step])
            n = len(index)
            if self.world.parallel:
                index = index[self.world.share(n)]
            yield step, take(self.x, index), take(self.y, index), n


class IterableFeed:
    """Batches from an iterable of (x, y) pairs, checked and converted one at a time (the
    first fully, against the model; the others for dtype, shape and finiteness) by
    ``prepare(x, y, name, check_shape) -> (x, y)``, the trainer's own input check."""

    samples = None

    def __init__(self, world: Any, data: Iterable[Any], epochs: int,
                 prepare: Callable[[Any, Any, str, bool], tuple[Any, Any]]):
        if isinstance(data, Iterator) and epochs > 1:
            raise ValidationError(
                f"Trainer.fit got a one-shot iterator of batches (a generator) with epochs="
                f"{epochs}; it can feed a single epoch. Pass a re-iterable such as a torch "
                f"DataLoader or a list, or epochs=1.")
        self.prepare, self.data, self.world = prepare, data, world
        self.steps = len(data) if hasattr(data, "__len__") else None
        self.checked = False

    def plan(self, rng: Any) -> Iterable[Any]:
        """The iterable itself: its order is its own."""
        return self.data

    def probe(self, batch_size: int) -> None:
        """None: an iterable is not read ahead of training."""
        return None

    def epoch(self, batches: Iterable[Any], start: int) -> Iterator[tuple[int, Any, Any, int]]:
        """(step, x, y, rows over all processes) for the batches from `start` on (earlier
        ones are read and skipped, so a resumed run sees the same batches)."""
        for step, batch in enumerate(batches):
            if step < start:
                continue
            if not isinstance(batch, (tuple, list)) or len(batch) != 2:
                raise ValidationError(
                    f"Batch {step} of the iterable given to Trainer.fit is a "
                    f"{type(batch).__name__}; each batch must be an (x, y) pair.")
            x, y = self.prepare(batch[0], batch[1], f"x of batch {step}", not self.checked)
            self.checked = True
            n = len(x)
            share = self.world.share(n) if self.world.parallel else slice(None)
            yield step, x[share], y[share], n
