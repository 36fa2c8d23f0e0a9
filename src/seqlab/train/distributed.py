"""Data-parallel training over several processes with torch.distributed.

Launched with ``torchrun --nproc_per_node N -m seqlab …`` (or any launcher that sets
``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR`` and ``MASTER_PORT``), every `Trainer` joins the
process group: gloo on the CPU, NCCL on CUDA. Each batch is divided among the processes
by rows (for a stateful trainer, by streams: each process carries the state of its own
streams), each computes the gradient of its share, and the gradients are averaged
weighted by share, so a step over N processes equals one process's step over the whole
batch. Epoch losses and metrics are summed over the processes, so every process sees the
same history; only rank 0 writes files.

Leaving. The `seqlab` command calls `leave` before it returns: the processes meet at a
barrier and then each destroys the group, so they leave together. Left to interpreter
exit at different moments, gloo's threads were sometimes torn down while still running
("terminate called without an active exception"): a process aborted after its work was
done and torchrun failed the run. A process that dies or stalls mid-run makes the others
stop with a `ProcessGroupError` (a peer's closed connection, or no answer within the
collective timeout, ``SEQLAB_COLLECTIVE_TIMEOUT`` seconds, 30 minutes by default) instead
of waiting for ever.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

import torch
import torch.distributed as dist
from torch import nn

from seqlab.errors import ProcessGroupError, ValidationError

__all__ = ["World", "world", "is_main_process", "leave", "COLLECTIVE_TIMEOUT"]

COLLECTIVE_TIMEOUT = 1800.0
"""Seconds a process waits in a collective (an all-reduce, a barrier) for the others before
it gives up with a `ProcessGroupError`; ``SEQLAB_COLLECTIVE_TIMEOUT`` overrides it. Long
enough for rank 0 to encode a large text while the others wait at a barrier."""
T = TypeVar("T")


def _collective(what: str, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``call(*args, **kwargs)``, a collective: a peer that died (its connection closed) or
    stalled past the timeout ends it as a `ProcessGroupError` saying so."""
    try:
        return call(*args, **kwargs)
    except RuntimeError as error:  # torch's DistError, gloo's and NCCL's errors
        rank = dist.get_rank() if dist.is_initialized() else "?"
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        first = first.split(". This is typically")[0][:300]  # gloo's advice, not ours
        raise ProcessGroupError(
            f"Data-parallel process {rank} stopped: another process left the group during "
            f"{what} (it failed, was killed, or did not answer within the collective timeout "
            f"of {_timeout():g} s, SEQLAB_COLLECTIVE_TIMEOUT). The first error of the run is "
            f"in that process's output. Detail: {type(error).__name__}: {first}") from None


@dataclass(frozen=True)
class World:
    """This process's place among the training processes (rank 0 of 1 when alone)."""

    rank: int = 0
    size: int = 1
    device: str = "cpu"
    """Where the collectives' tensors live (cuda for NCCL)."""

    @property
    def parallel(self) -> bool:
        """Whether there is more than one process."""
        return self.size > 1

    @property
    def main(self) -> bool:
        """Whether this process writes files and prints (rank 0)."""
        return self.rank == 0

    def share(self, n: int) -> slice:
        """This process's rows of a batch of `n` rows (contiguous, sizes differing by at
        most one)."""
        return slice(self.rank * n // self.size, (self.rank + 1) * n // self.size)

    def average_gradients(self, model: nn.Module, weight: float) -> None:
        """Replace each gradient by the weighted average over the processes: this
        process's gradient times `weight` (its share of the batch) summed, in one
        all-reduce over a flat buffer."""
        params = [p for p in model.parameters() if p.requires_grad]
        grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in params]
        flat = torch.cat([g.reshape(-1) for g in grads]) * weight
        _collective("a gradient all-reduce", dist.all_reduce, flat)
        offset = 0
        for param, grad in zip(params, grads, strict=True):
            size = grad.numel()
            param.grad = flat[offset: offset + size].view_as(grad)
            offset += size

    def sum(self, values: torch.Tensor) -> torch.Tensor:
        """`values` summed over the processes (a no-op alone)."""
        if self.parallel:
            values = values.clone()
            _collective("a sum over the processes", dist.all_reduce, values)
        return values

    def any(self, *flags: int) -> list[int]:
        """For each flag, the largest value any process holds (stop and interrupt
        requests, so every process leaves the loop at the same batch)."""
        if not self.parallel:
            return list(flags)
        values = torch.tensor(flags, dtype=torch.int64, device=self.device)
        _collective("a stop check", dist.all_reduce, values, op=dist.ReduceOp.MAX)
        return [int(v) for v in values]

    def barrier(self) -> None:
        """Wait until every process gets here (a no-op alone)."""
        if self.parallel:
            _collective("a barrier", dist.barrier)

    def same_seed(self, seed: int | None) -> int | None:
        """`seed`, or with none given and several processes, one seed drawn by rank 0 for
        all (the processes must draw the same batch order)."""
        if seed is not None or not self.parallel:
            return seed
        value = torch.randint(0, 2**31 - 1, (1,), device=self.device)
        _collective("the seed's broadcast", dist.broadcast, value, 0)
        return int(value)

    def gather(self, tensor: torch.Tensor) -> list[torch.Tensor]:
        """`tensor` from every process, by rank (same shape on every process)."""
        if not self.parallel:
            return [tensor]
        parts = [torch.empty_like(tensor) for _ in range(self.size)]
        _collective("a gather", dist.all_gather, parts, tensor.contiguous())
        return parts

    def broadcast_module(self, module: nn.Module) -> None:
        """Give every process rank 0's weights."""
        if self.parallel:
            for tensor in module.state_dict().values():
                _collective("the weights' broadcast", dist.broadcast, tensor, 0)

    def broadcast_text(self, text: str | None) -> str | None:
        """Rank 0's `text` on every process (None stays None); a no-op alone. Sent as
        UTF-8 bytes in a tensor, never pickled."""
        if not self.parallel:
            return text
        data = b"" if text is None else text.encode("utf-8")
        size = torch.tensor([-1 if text is None else len(data)], dtype=torch.int64,
                            device=self.device)
        _collective("a broadcast", dist.broadcast, size, 0)
        if int(size) <= 0:
            return None if int(size) < 0 else ""
        buffer = torch.zeros(int(size), dtype=torch.uint8, device=self.device)
        if self.main:
            buffer.copy_(torch.frombuffer(bytearray(data), dtype=torch.uint8))
        _collective("a broadcast", dist.broadcast, buffer, 0)
        return bytes(buffer.cpu().tolist()).decode("utf-8")


def world(device: torch.device | None = None) -> World:
    """This process's `World`: joins the process group the launcher describes in the
    environment (``WORLD_SIZE`` > 1) on first use; alone otherwise."""
    if dist.is_available() and dist.is_initialized():
        return World(dist.get_rank(), dist.get_world_size(), _collective_device())
    size = int(os.environ.get("WORLD_SIZE", "1") or 1)
    if size <= 1:
        return World()
    if not dist.is_available():
        raise ValidationError("WORLD_SIZE is set for data-parallel training, but this torch "
                              "build has no torch.distributed.")
    missing = [k for k in ("RANK", "MASTER_ADDR", "MASTER_PORT") if k not in os.environ]
    if missing:
        raise ValidationError(
            f"WORLD_SIZE={size} asks for data-parallel training, but {', '.join(missing)} "
            f"is not set; launch with torchrun --nproc_per_node {size} -m seqlab ….")
    backend = "nccl" if device is not None and device.type == "cuda" else "gloo"
    if backend == "nccl":
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    dist.init_process_group(backend, timeout=timedelta(seconds=_timeout()))
    atexit.register(_destroy)  # for library users; the command leaves with `leave`
    return World(dist.get_rank(), dist.get_world_size(), _collective_device())


def _timeout() -> float:
    value = os.environ.get("SEQLAB_COLLECTIVE_TIMEOUT", "")
    try:
        seconds = float(value) if value else COLLECTIVE_TIMEOUT
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds < float("inf"):
        raise ValidationError(f"SEQLAB_COLLECTIVE_TIMEOUT must be a number of seconds > 0; "
                              f"got {value!r}.")
    return seconds


def leave(*, together: bool = True) -> None:
    """Leave the process group this process joined (a no-op when it joined none): with
    `together`, first wait at a barrier for every process to get here, so that they all
    destroy the group at the same moment and none exits while the others' collectives
    still run. A process leaving after an error passes ``together=False`` when the others
    may be inside another collective; they then stop on their own with a
    `ProcessGroupError`."""
    if not (dist.is_available() and dist.is_initialized()):
        return
    try:
        if together and dist.get_world_size() > 1:
            if dist.get_backend() == "gloo":  # names a process that does not arrive
                _collective("the final barrier", dist.monitored_barrier,
                            timeout=timedelta(seconds=_timeout()), wait_all_ranks=True)
            else:
                _collective("the final barrier", dist.barrier)
    finally:
        _destroy()


def _destroy() -> None:
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


def _collective_device() -> str:
    return "cuda" if dist.get_backend() == "nccl" else "cpu"


def is_main_process() -> bool:
    """Whether this process is rank 0 (or alone): the one that writes files and prints."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank() == 0
    return int(os.environ.get("RANK", "0") or 0) == 0
