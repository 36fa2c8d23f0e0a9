"""Run independent jobs in order or in spawned worker processes, with identical results.

Every job runs with one torch thread, in the parent as in a worker, so a score does
not depend on how many workers computed it.
"""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

import torch

from seqlab._validation import check_int
from seqlab.errors import ValidationError


@contextmanager
def one_thread() -> Iterator[None]:
    """Run the body with one torch thread, restoring the previous count after."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


MAX_WORKERS = 256
"""More worker processes than this is a typo, not a machine: refused before spawning."""


def _init_worker() -> None:
    torch.set_num_threads(1)


def _call(fn: Callable[..., Any], args: tuple) -> Any:
    with one_thread():
        return fn(*args)


def run_jobs(
    fn: Callable[..., Any],
    jobs: Sequence[tuple],
    *,
    workers: int = 1,
    owner: str = "repeat",
    on_result: Callable[[int, Any], None] | None = None,
    single_thread: bool = True,
) -> list[Any]:
    """``[fn(*job) for job in jobs]``, in order; with ``workers > 1`` in spawned processes.

    `on_result(index, result)` is called as each job finishes (progress lines). In this
    process each job runs on one torch thread (scores then match those of workers) unless
    `single_thread` is False.
    """
    workers = check_int("workers", workers, owner, low=1, high=MAX_WORKERS)
    if workers == 1 or len(jobs) <= 1:
        results = []
        for index, job in enumerate(jobs):
            results.append(_call(fn, job) if single_thread else fn(*job))
            if on_result is not None:
                on_result(index, results[-1])
        return results
    try:
        pickle.dumps(fn)
    except Exception as error:  # pickling raises several types
        raise ValidationError(
            f"The experiment given to {owner} must be picklable to run with workers={workers} "
            f"(a module-level function or a seqlab experiment object, not a lambda or a local "
            f"function); pickling failed with: {error}. Use workers=1 to run it in this process."
        ) from error
    context = multiprocessing.get_context("spawn")
    results: list[Any] = [None] * len(jobs)
    with ProcessPoolExecutor(min(workers, len(jobs)), mp_context=context,
                             initializer=_init_worker) as pool:
        futures = {pool.submit(_call, fn, job): index for index, job in enumerate(jobs)}
        for future in _as_completed(futures):
            index = futures[future]
            results[index] = future.result()
            if on_result is not None:
                on_result(index, results[index])
    return results


def _as_completed(futures: dict) -> Iterator[Any]:
    from concurrent.futures import as_completed

    yield from as_completed(futures)
