"""Grid, random and Optuna search over any spec/trainer field, each configuration repeated.

The search space maps a name to its candidate values, e.g.
``{"units": [1, 5, 10], "batch_size": [1, 2, 3]}``. For random and Optuna search a
value may also be a range ``{"low": 1e-4, "high": 1e-1, "log": true}`` (ints stay ints).

The objective is either ``fn(params, seed) -> float`` (a module-level function for
workers > 1) or a JSON config (dict or `ConfigExperiment`) whose fields the params
override (`seqlab.evaluate.experiment.TUNABLE`). Lower scores are better unless
``direction="maximize"``; for a config the direction follows its score (accuracy is
maximized, losses and errors minimized).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from seqlab._io import strict_json
from seqlab._validation import check_choice, check_first_seed, check_int
from seqlab.errors import ValidationError
from seqlab.evaluate._parallel import run_jobs
from seqlab.evaluate.experiment import TUNABLE, ConfigExperiment, apply_overrides
from seqlab.evaluate.repeats import check_repeats
from seqlab.evaluate.stats import Summary, describe_table, summarize

__all__ = ["TuneResult", "tune", "grid", "sample", "label_of", "BACKENDS"]

BACKENDS = ("grid", "random", "optuna")


def label_of(params: Mapping[str, Any]) -> str:
    """A short column label for a configuration: ``"10"`` for one parameter, else
    ``"units=10,batch_size=2"``."""
    if len(params) == 1:
        return str(next(iter(params.values())))
    return ",".join(f"{k}={v}" for k, v in params.items())


def _check_space(space: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(space, Mapping) or not space:
        raise ValidationError(
            "The 'space' parameter of tune must be a non-empty mapping of name -> values, "
            f"e.g. {{'units': [1, 5, 10]}}. Got {space!r} instead."
        )
    checked = {}
    for name, values in space.items():
        if isinstance(values, Mapping):
            if not {"low", "high"} <= set(values):
                raise ValidationError(
                    f"The range for {name!r} must have 'low' and 'high'; got {dict(values)!r}."
                )
            checked[name] = dict(values)
        elif isinstance(values, (list, tuple)) and len(values) > 0:
            checked[name] = list(values)
        else:
            raise ValidationError(
                f"The values of {name!r} must be a non-empty list or a {{low, high}} range; "
                f"got {values!r}."
            )
    return checked


def grid(space: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the listed values, first name varying slowest."""
    space = _check_space(space)
    ranged = [name for name, values in space.items() if isinstance(values, dict)]
    if ranged:
        raise ValidationError(
            f"Grid search needs lists of values; {ranged} are ranges. Use backend 'random' or "
            f"'optuna' for ranges."
        )
    names = list(space)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*space.values())]


def _draw(values: Any, rng: random.Random) -> Any:
    if isinstance(values, list):
        return values[rng.randrange(len(values))]
    low, high = values["low"], values["high"]
    if values.get("log"):
        drawn = math.exp(rng.uniform(math.log(low), math.log(high)))
    else:
        drawn = rng.uniform(low, high)
    if isinstance(low, int) and isinstance(high, int):
        return int(round(drawn))
    return drawn


def sample(space: Mapping[str, Any], n: int, seed: int = 0) -> list[dict[str, Any]]:
    """`n` distinct random configurations (fewer when the space has fewer)."""
    space = _check_space(space)
    n = check_int("n_trials", n, "tune", low=1)
    rng = random.Random(seed)
    configs: list[dict[str, Any]] = []
    for _ in range(50 * n):
        params = {name: _draw(values, rng) for name, values in space.items()}
        if params not in configs:
            configs.append(params)
        if len(configs) == n:
            break
    return configs


@dataclass
class TuneResult:
    """Each configuration's params and repeated scores, summarised; `best` is the winner.

    Configurations are compared by mean score (lowest first for ``minimize``).
    """

    params: list[dict[str, Any]]
    scores: list[list[float]]
    seeds: list[int]
    direction: str = "minimize"
    storage: str | None = None
    study_name: str | None = None
    trials: dict[str, int] | None = None
    #: The name of the score (``val_loss``, a config's ``score``): the box plot's axis.
    metric: str = "score"
    summaries: list[Summary] = field(init=False)

    def __post_init__(self) -> None:
        self.summaries = [summarize(s) for s in self.scores]

    @property
    def labels(self) -> list[str]:
        """Column label of each configuration."""
        return [label_of(p) for p in self.params]

    @property
    def best_index(self) -> int:
        """Index of the configuration with the best mean score."""
        means = [s.mean for s in self.summaries]
        pick = min if self.direction == "minimize" else max
        return means.index(pick(means))

    @property
    def best(self) -> dict[str, Any]:
        """The best configuration's params."""
        return self.params[self.best_index]

    def means(self) -> dict[str, float]:
        """Label -> mean score."""
        return {label: s.mean for label, s in zip(self.labels, self.summaries, strict=True)}

    def table(self, reference: Mapping[str, float] | None = None) -> str:
        """A describe-style table (count, mean, std, min, quartiles, max per column), with
        an optional row of reference means."""
        return describe_table(dict(zip(self.labels, self.summaries, strict=True)),
                              dict(reference) if reference else None)

    def boxplot(self, title: str = "", ylabel: str | None = None) -> Any:
        """Box-and-whisker figure, one box per configuration; the y axis is named after
        the score (`metric`) unless `ylabel` says otherwise."""
        from seqlab.plots.boxplots import boxplot

        names = sorted({k for p in self.params for k in p})
        return boxplot(dict(zip(self.labels, self.scores, strict=True)), title=title,
                       ylabel=ylabel or self.metric, xlabel=", ".join(names))

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form (what `seqlab tune --json` prints); a non-finite number (the std
        of one repeat, say) is None, so the result dumps as strict JSON."""
        return strict_json({
            "best": self.best,
            "best_label": self.labels[self.best_index],
            "direction": self.direction,
            "metric": self.metric,
            "seeds": self.seeds,
            "table": self.means(),
            "configs": [{"params": p, "label": label, "scores": s, **summary.to_dict()}
                        for p, label, s, summary in zip(self.params, self.labels, self.scores,
                                                        self.summaries, strict=True)],
            "storage": self.storage,
            "study_name": self.study_name,
            "trials": self.trials,
        })


@dataclass
class _ConfigObjective:
    """fn(params, seed) for a JSON config (picklable)."""

    config: dict[str, Any]

    def __call__(self, params: dict[str, Any], seed: int) -> float:
        return ConfigExperiment(self.config, params)(seed)


def _metric_of(objective: Any) -> str:
    """The name of the objective's score, for the box plot's axis."""
    if isinstance(objective, Mapping):
        return str(objective.get("score", "val_loss"))
    return str(getattr(objective, "metric", None) or "score")


def _objective(objective: Any) -> Callable[[dict[str, Any], int], float]:
    if isinstance(objective, ConfigExperiment):
        return _ConfigObjective(apply_overrides(objective.config, objective.overrides))
    if isinstance(objective, Mapping):
        return _ConfigObjective(dict(objective))
    if callable(objective):
        return objective
    raise ValidationError(
        "The 'objective' parameter of tune must be fn(params, seed) -> float, a config dict "
        f"or a ConfigExperiment. Got {objective!r} instead."
    )


def _score_key(fn: Callable[..., Any]) -> str | None:
    """The epoch-log key a config is scored on (``val_loss``, ``val_accuracy`` …); None
    for a function, whose score seqlab cannot see."""
    if not isinstance(fn, _ConfigObjective):
        return None
    score = str(fn.config.get("score", "val_loss"))
    return score if score.startswith("val_") else f"val_{score}"


def _direction(direction: str | None, score_key: str | None) -> str:
    """The direction given, checked against the score; or the score's own direction."""
    # The rule of EarlyStopping's mode="auto": accuracies grow, losses and errors shrink.
    natural = "maximize" if score_key is not None and "acc" in score_key else "minimize"
    if direction is None:
        return natural
    direction = check_choice("direction", direction, "tune", ("minimize", "maximize"))
    if score_key is not None and direction != natural:
        raise ValidationError(
            f"The 'direction' parameter of tune is {direction!r}, but the config's score "
            f"{score_key} is best when it is {'high' if natural == 'maximize' else 'low'}: "
            f"that would look for the worst configuration. Leave the direction out (it "
            f"follows the score) or score on another metric.")
    return direction


def _fingerprint(fn: Callable[..., Any], seeds: list[int]) -> str:
    """A short hash of the problem (the config without where it was read from, or the
    function's name) and the seeds: trials with the same fingerprint compare."""
    if isinstance(fn, _ConfigObjective):
        problem: Any = {k: v for k, v in fn.config.items() if k != "base_dir"}
    else:
        problem = f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', repr(fn))}"
    text = json.dumps({"problem": problem, "seeds": seeds}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _study_name(fingerprint: str, space: Mapping[str, Any], direction: str) -> str:
    """The study name derived from the problem, the space and the direction: workers
    started with the same command share a study; a changed problem gets a new one."""
    text = json.dumps({"fingerprint": fingerprint, "space": space, "direction": direction},
                      sort_keys=True, default=str)
    return f"seqlab-{hashlib.sha256(text.encode()).hexdigest()[:10]}"


def _warmup(fn: Callable[..., Any]) -> int:
    """Epochs before pruning may stop a trial: the first quarter of a config's training
    (early epochs rank configurations poorly); none for a function."""
    if not isinstance(fn, _ConfigObjective):
        return 0
    fit = fn.config.get("fit") or {}
    epochs = fit.get("epochs") if isinstance(fit, Mapping) else None
    epochs = 100 if epochs is None else epochs  # null: the config's default, as fitted
    return int(epochs) // 4 if isinstance(epochs, (int, float)) else 0


def _check_names(fn: Callable[..., Any], space: Mapping[str, Any]) -> None:
    if isinstance(fn, _ConfigObjective):
        from seqlab.errors import UnknownNameError

        for name in space:
            if name not in TUNABLE:
                raise UnknownNameError("tuning parameter", name, TUNABLE)


def tune(
    objective: Any,
    space: Mapping[str, Any],
    *,
    backend: str = "grid",
    repeats: int = 5,
    seed: int = 0,
    n_trials: int | None = None,
    max_trials: int | None = None,
    workers: int = 1,
    direction: str | None = None,
    storage: str | None = None,
    study_name: str | None = None,
    prune: bool = True,
    echo: Callable[[str], None] | None = None,
    sequential: bool = False,
) -> TuneResult:
    """Search `space`, scoring each configuration with `repeats` runs (seeds seed, seed+1 …).

    ``backend="grid"`` tries every combination; ``"random"`` draws `n_trials` (default
    10). Every configuration uses the same seeds, so configurations are compared on equal
    footing. `workers` runs a configuration's repeats in parallel processes (see `repeat`).
    `direction` is ``"minimize"`` or ``"maximize"``; for a config it defaults to what its
    score needs, and contradicting the score is an error.

    ``backend="optuna"`` (needs the ``optuna`` extra) runs trials of an Optuna study (TPE
    sampler, median pruning) kept in `storage`: a SQLAlchemy URL, or a file path for
    SQLite (default ``sqlite:///seqlab-tune.db``). Processes on one or several machines
    that run with the same `storage` and `study_name` share the study, and running again
    resumes it. `study_name` defaults to a name derived from the problem, space, seeds and
    direction, so workers started with the same command meet in the same study.
    `n_trials` is how many trials this call trains (default 10); `max_trials` is the
    study's budget instead: this call runs trials until the study holds that many
    completed ones, whoever ran them. A configuration already completed or running in the
    study is not trained again. With `prune`, each trial's first repeat reports its
    validation score every epoch (``val_loss``, or the config's score) and trials worse
    than the median of earlier ones at that epoch are stopped (for a config, not in the
    first quarter of its epochs). The sampler is not seeded (workers sharing a study
    must draw differently, and their order is a matter of timing); each configuration's
    scores still come from the fixed seeds. The result holds every completed trial of the
    study; `TuneResult.trials` counts trials by outcome.

    For a config searched by grid or random with ``workers=1``, the runs whose
    configurations share an architecture (they differ only in seed, ``lr`` or ``epochs``)
    train together as one batched model (`seqlab.train.batched`: the same scores as one
    by one, to float rounding); `sequential` trains every run on its own instead.
    """
    backend = check_choice("backend", backend, "tune", BACKENDS)
    repeats = check_repeats(repeats, "tune")
    seed = check_first_seed(seed, repeats, "tune")
    if n_trials is not None:
        n_trials = check_int("n_trials", n_trials, "tune", low=1)
        if backend == "grid":
            raise ValidationError("The 'n_trials' parameter of tune draws configurations for "
                                  "the random or optuna backend; the grid tries every one.")
    if backend != "optuna" and (storage is not None or study_name is not None):
        raise ValidationError(f"The 'storage' and 'study_name' parameters of tune keep an "
                              f"Optuna study; backend {backend!r} keeps none.")
    if max_trials is not None:
        if backend != "optuna":
            raise ValidationError(
                f"The 'max_trials' parameter of tune is the budget of a shared Optuna study; "
                f"backend {backend!r} takes n_trials instead.")
        max_trials = check_int("max_trials", max_trials, "tune", low=1)
    fn = _objective(objective)
    space = _check_space(space)
    _check_names(fn, space)
    direction = _direction(direction, _score_key(fn))
    seeds = [seed + i for i in range(repeats)]
    if backend == "optuna":
        from seqlab.evaluate._optuna import optuna_search, storage_url

        url = storage_url(storage)
        fingerprint = _fingerprint(fn, seeds)
        if study_name is None:
            study_name = _study_name(fingerprint, space, direction)
        elif not isinstance(study_name, str) or not 0 < len(study_name.strip()) <= 512:
            raise ValidationError(
                "The 'study_name' parameter of tune must be a non-empty name of at most 512 "
                f"characters. Got {study_name!r} instead.")
        if n_trials is None and max_trials is None:
            n_trials = 10
        params, scores, counts = optuna_search(
            fn, space, seeds=seeds, n_trials=n_trials, max_trials=max_trials, workers=workers,
            direction=direction, storage=url, study_name=study_name, fingerprint=fingerprint,
            monitor=_score_key(fn) or "val_loss", prune=prune, warmup=_warmup(fn), echo=echo)
        if not params:
            raise ValidationError(
                f"Study {study_name!r} ({url}) has no completed trial yet: every trial so "
                f"far was pruned, skipped or failed ({counts}).")
        return TuneResult(params, scores, seeds, direction, url, study_name, counts,
                          _metric_of(objective))
    configs = grid(space) if backend == "grid" else sample(space, n_trials or 10, seed)
    jobs = [(params, s) for params in configs for s in seeds]

    def progress(index: int, score: Any) -> None:
        if echo is not None:
            params, s = jobs[index]
            echo(f"> {index % repeats + 1}/{repeats} {label_of(params)} seed={s}: "
                 f"score={float(score):.6g}")

    if isinstance(fn, _ConfigObjective) and workers == 1 and not sequential:
        from seqlab.evaluate._parallel import one_thread
        from seqlab.evaluate.experiment import run_many

        with one_thread():  # as run_jobs runs each job
            flat = run_many(fn.config, jobs)
        for index, score in enumerate(flat):
            progress(index, score)
    else:
        flat = run_jobs(fn, jobs, workers=workers, owner="tune", on_result=progress)
    scores = [[float(v) for v in flat[i * repeats:(i + 1) * repeats]]
              for i in range(len(configs))]
    return TuneResult(configs, scores, seeds, direction, metric=_metric_of(objective))
