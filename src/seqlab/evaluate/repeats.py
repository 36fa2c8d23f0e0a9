"""Repeat an experiment with different seeds: the scores as a distribution, never one run.

An experiment is any callable ``experiment(seed) -> float``: a user's own
build/fit/score function (module-level, so worker processes can import it), a
`ConfigExperiment` (a JSON config) or a recipe (`seqlab.recipes.RecipeExperiment`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from seqlab._validation import check_first_seed, check_float, check_int
from seqlab.errors import ValidationError
from seqlab.evaluate._parallel import one_thread, run_jobs
from seqlab.evaluate.stats import Summary, summarize

__all__ = ["RepeatResult", "repeat", "each_seed", "MAX_REPEATS", "check_repeats"]

MAX_REPEATS = 10_000
"""The most repeats one call runs (`repeat`, `run`, `tune`, `update`): every seed's job is
planned up front, so a mistyped count (``--repeats 99999999999``) ran the machine out of
memory, without a word, before the first one trained."""


def check_repeats(repeats: Any, owner: str) -> int:
    """`repeats` as a whole number from 1 to `MAX_REPEATS` (a `ValidationError` naming it
    and `owner`, the call it was given to, otherwise)."""
    return check_int("repeats", repeats, owner, low=1, high=MAX_REPEATS)


def each_seed(
    run: Callable[[int], Any],
    *,
    repeats: int,
    seed: int = 0,
    workers: int = 1,
    on_result: Callable[[int, Any], None] | None = None,
    single_thread: bool = True,
    owner: str = "repeat",
) -> list[Any]:
    """``[run(seed), run(seed + 1), …]`` for `repeats` seeds, in seed order: the one repeat
    loop of seqlab (`repeat`, the recipe runner and `update`'s candidates use it).

    With ``workers > 1`` the runs happen in spawned processes (`run` must then pickle).
    `on_result(index, result)` is called as each finishes. `single_thread` runs each on one
    torch thread, as workers do, so results match whatever the worker count.
    """
    repeats = check_repeats(repeats, owner)
    return run_jobs(run, [(seed + i,) for i in range(repeats)], workers=workers, owner=owner,
                    on_result=on_result, single_thread=single_thread)


@dataclass
class RepeatResult:
    """The scores of n repeats, their seeds and their `Summary` (mean, CI, quartiles …)."""

    scores: list[float]
    seeds: list[int]
    summary: Summary
    label: str = "score"

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form (the object `seqlab repeat --json` prints)."""
        return {"label": self.label, "scores": self.scores, "seeds": self.seeds,
                **self.summary.to_dict()}

    def boxplot(self, title: str | None = None) -> Any:
        """A matplotlib box-and-whisker figure of the scores."""
        from seqlab.plots.boxplots import boxplot

        return boxplot({self.label: self.scores}, title=title or f"{self.summary.count} repeats",
                       ylabel=self.label)

    def __str__(self) -> str:
        return f"{self.label}: {self.summary}"


def repeat(
    experiment: Callable[[int], float],
    *,
    repeats: int = 30,
    seed: int = 0,
    workers: int = 1,
    confidence: float = 0.95,
    label: str | None = None,
    echo: Callable[[str], None] | None = None,
    sequential: bool = False,
) -> RepeatResult:
    """Run ``experiment(seed)`` for seeds seed, seed+1, …, seed+repeats-1 and summarise.

    With ``workers > 1`` the repeats run in that many spawned processes, each on one
    torch thread; the scores are the same as with ``workers=1`` (which also runs each
    repeat on one thread) and are returned in seed order. `echo` receives a progress
    line per finished repeat. `label` names the score (the box plot's axis); by default
    the experiment's ``metric`` attribute (`ConfigExperiment` and recipes have one), else
    ``"score"``.

    An experiment with a ``run_seeds(seeds) -> scores`` method (recipes and
    `ConfigExperiment`) trains all repeats together as one batched model
    (`seqlab.train.batched`: the same scores as one by one, to float rounding) when
    ``workers == 1``; `sequential` runs them one after another instead.
    """
    if not callable(experiment):
        raise ValidationError(
            f"The 'experiment' parameter of repeat must be a callable experiment(seed) -> "
            f"float. Got {experiment!r} instead."
        )
    repeats = check_repeats(repeats, "repeat")
    seed = check_first_seed(seed, repeats, "repeat")
    check_float("confidence", confidence, "repeat", low=0.0, high=1.0, low_open=True,
                high_open=True)  # summarize's check, before the training rather than after
    seeds = [seed + i for i in range(repeats)]
    label = label or str(getattr(experiment, "metric", None) or "score")

    def progress(index: int, score: Any) -> None:
        if echo is not None:
            echo(f"> {index + 1}/{repeats} seed={seeds[index]}: {label}={float(score):.6g}")

    together = getattr(experiment, "run_seeds", None)
    if together is not None and workers == 1 and repeats > 1 and not sequential:
        with one_thread():  # as each_seed runs each repeat
            raw = together(seeds)
        for index, score in enumerate(raw):
            progress(index, score)
    else:
        raw = each_seed(experiment, repeats=repeats, seed=seed, workers=workers,
                        on_result=progress)
    scores = []
    for s, value in zip(seeds, raw, strict=True):
        try:
            score = float(value)
        except (TypeError, ValueError) as error:
            raise ValidationError(
                f"The experiment must return a number; with seed {s} it returned {value!r}."
            ) from error
        if not math.isfinite(score):
            raise ValidationError(f"The experiment returned {score} with seed {s}.")
        scores.append(score)
    return RepeatResult(scores, seeds, summarize(scores, confidence), label)
