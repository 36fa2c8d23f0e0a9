"""The recipe registry and runner: each seed experiment, run n times, judged by its criterion."""

from __future__ import annotations

import importlib
import pkgutil
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seqlab._io import atomic_savefig
from seqlab._validation import check_choice, check_first_seed, check_int
from seqlab.errors import UnknownNameError, ValidationError
from seqlab.evaluate.repeats import check_repeats, each_seed
from seqlab.train import Trainer, TrainerConfig
from seqlab.train.callbacks import Callback, watch_training
from seqlab.train.history import History


@dataclass
class RunContext:
    """What one run of a recipe gets: its seed, the size switches and where to report."""

    seed: int
    quick: bool = False
    epochs: int | None = None
    out: Path | None = None
    options: dict[str, Any] = field(default_factory=dict)
    echo: Callable[[str], None] = print
    histories: list[Any] = field(default_factory=list)
    #: Extra training callbacks from the command line (e.g. TensorBoard): every fit of
    #: the run notifies them, also fits inside library functions (see `run`).
    callbacks: list[Any] = field(default_factory=list)
    #: Set when the run's repeats train in lockstep (`seqlab.recipes._lockstep`): the
    #: trainers this context makes then train together with the other repeats'.
    lockstep: Any = None
    index: int = 0

    def trainer(self, model: Any, config: TrainerConfig | None = None, *, record: bool = True,
                **settings: Any) -> Trainer:
        """A `Trainer` for this run, seeded with the run's seed unless `settings` say
        otherwise. With `record`, its epochs (numbered on across its fits) go to the run as
        one history, so ``--out`` writes them with the learning curves."""
        settings.setdefault("seed", self.seed)
        callbacks = [_RecordEpochs(self)] if record else []
        if self.lockstep is not None:
            from seqlab.recipes._lockstep import GatheredTrainer

            return GatheredTrainer(model, config, callbacks=callbacks, lockstep=self.lockstep,
                                   index=self.index, **settings)
        return Trainer(model, config, callbacks=callbacks, **settings)

    def record_history(self, history: Any) -> None:
        """Hand a training `History` to the run, so `--out` writes it to the run directory
        (history files, learning curves, diagnosis)."""
        self.histories.append(history)

    def option(self, name: str, default: Any, choices: tuple | None = None) -> Any:
        """A recipe-specific option from the command line (``--merge sum``), or `default`.

        Values arrive as strings from the CLI and are converted to `default`'s type.
        """
        if name not in self.options:
            return default
        value = self.options[name]
        if default is not None and not isinstance(value, type(default)):
            try:
                value = type(default)(value)
            except ValueError as error:
                raise ValidationError(
                    f"Option --{name.replace('_', '-')} must be a {type(default).__name__}; "
                    f"got {value!r}."
                ) from error
        if choices is not None:
            check_choice(name, value, "this recipe", choices)
        return value

    def save_figure(self, figure: Any, filename: str) -> Path | None:
        """Write a matplotlib figure as PNG into the run's `out` folder (if one was given)."""
        if self.out is None:
            return None
        from seqlab.runs import record_file

        path = self.out / filename
        atomic_savefig(figure, path, dpi=100, bbox_inches="tight")
        record_file(self.out, path.name)
        return path

    def epochs_or(self, faithful: int, quick: int) -> int:
        """The epochs to train: the command line's, else the quick or faithful count."""
        if self.epochs is not None:
            return self.epochs
        return quick if self.quick else faithful


class _RecordEpochs(Callback):
    """Collects one trainer's epochs, over all its fits, as one history of the run."""

    def __init__(self, context: RunContext):
        self.context, self.history = context, History()

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        if not any(h is self.history for h in self.context.histories):
            self.context.record_history(self.history)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        self.history.append({**logs, "epoch": len(self.history) + 1})


@dataclass
class Outcome:
    """One run's result: the recipe's metric value and anything else worth reporting.

    `value` is a number, or a word for a categorical result (a verdict, a best setting).
    `table` maps settings to scores when the run compares several (shown in the JSON);
    `histories` are the training histories the run recorded (not part of the JSON).
    """

    value: float | str
    details: dict[str, Any] = field(default_factory=dict)
    table: dict[str, float] | None = None
    histories: list[Any] = field(default_factory=list, repr=False)


@dataclass(frozen=True)
class Recipe:
    """A named experiment of a source document.

    `run_once(context) -> Outcome` trains and evaluates once; `passes(outcomes)`
    judges all repeats together and `criterion` says in words what it checks.
    `options` names the recipe-specific options it reads with `RunContext.option`.
    """

    name: str
    source: str
    description: str
    metric: str
    reference: float | None
    reference_text: str
    criterion: str
    run_once: Callable[[RunContext], Outcome]
    passes: Callable[[list[Outcome]], bool]
    quick_criterion: Callable[[list[Outcome]], bool] | None = None
    options: tuple[str, ...] = ()
    categorical: bool = False
    """Whether the metric is a word (a verdict, a best setting), not a number."""


@dataclass
class RecipeResult:
    """All repeats of one recipe run, with the verdict."""

    recipe: Recipe
    outcomes: list[Outcome]
    passed: bool
    seconds: float
    quick: bool

    @property
    def values(self) -> list[float | str]:
        """The metric of each repeat."""
        return [o.value for o in self.outcomes]

    @property
    def value(self) -> float | str:
        """The median over repeats; for categorical (str) values, the most common one."""
        if any(isinstance(v, str) for v in self.values):
            return Counter(str(v) for v in self.values).most_common(1)[0][0]
        return float(statistics.median(self.values))

    @property
    def criterion(self) -> str:
        """What `passed` judged, in words: the recipe's criterion, or in a quick run with
        a reduced check of its own, that check (a quick run is not judged by the full
        criterion it prints beside)."""
        if self.quick and self.recipe.quick_criterion is not None:
            return (f"the quick form's reduced check (a full run is judged by: "
                    f"{self.recipe.criterion})")
        return self.recipe.criterion + (" (a quick run: the same rule, applied to the quick "
                                        "run's results)" if self.quick else "")

    @property
    def table(self) -> dict[str, float] | None:
        """Setting -> score of the repeats' tables (averaged over repeats), if any."""
        tables = [o.table for o in self.outcomes if o.table]
        if not tables:
            return None
        return {key: float(statistics.fmean(t[key] for t in tables if key in t))
                for key in tables[0]}

    def to_json(self) -> dict[str, Any]:
        """The JSON object `seqlab run --json` prints."""
        return {
            "recipe": self.recipe.name,
            "metric": self.recipe.metric,
            "value": self.value,
            "values": self.values,
            "reference": self.recipe.reference,
            "passed": self.passed,
            "seconds": round(self.seconds, 3),
            "criterion": self.criterion,
            "quick": self.quick,
            "details": [o.details for o in self.outcomes],
            **({"table": self.table} if self.table is not None else {}),
        }


_REGISTRY: dict[str, Recipe] = {}


def register(recipe: Recipe) -> Recipe:
    """Add a recipe to the registry (names are unique)."""
    if recipe.name in _REGISTRY:
        raise ValueError(f"Recipe {recipe.name!r} is registered twice.")
    _REGISTRY[recipe.name] = recipe
    return recipe


def names() -> list[str]:
    """Every recipe name, in registration order."""
    _load_all()
    return list(_REGISTRY)


def get(name: str) -> Recipe:
    """The recipe called `name`; an unknown name lists the close ones."""
    _load_all()
    if name not in _REGISTRY:
        raise UnknownNameError("recipe", name, _REGISTRY)
    return _REGISTRY[name]


def run(
    name: str,
    *,
    repeats: int = 1,
    seed: int = 0,
    quick: bool = False,
    epochs: int | None = None,
    out: str | Path | None = None,
    options: dict[str, Any] | None = None,
    echo: Callable[[str], None] = print,
    callbacks: Callable[[int], list[Any]] | None = None,
    sequential: bool = False,
) -> RecipeResult:
    """Run recipe `name` `repeats` times with seeds seed, seed+1, … and judge the results.

    `callbacks(seed)` returns extra training callbacks for the repeat with that seed; every
    fit of that repeat notifies them, those of library functions a recipe calls included
    (not those in worker processes).

    The repeats train together: each runs until its `Trainer.fit`, and the fits of all
    repeats that share an architecture and settings train as members of one
    `seqlab.train.batched.BatchedTrainer` (same results as one by one, to float
    rounding; see `seqlab.recipes._lockstep`). `sequential` runs them one after another
    instead (so do runs with `callbacks`).
    """
    recipe = get(name)
    repeats = check_repeats(repeats, "run")
    seed = check_first_seed(seed, repeats, "run")
    if epochs is not None:
        check_int("epochs", epochs, "run", low=1)
    for key in options or {}:
        if key not in recipe.options:
            raise UnknownNameError(f"option of recipe {name!r}", key, recipe.options or ["(none)"])
    out_dir = Path(out) if out is not None else None
    if out_dir is not None:
        from seqlab._io import check_output_path
        from seqlab.runs import begin_run

        check_output_path(out_dir, "run directory", folder=True)  # a file there, say
        out_dir.mkdir(parents=True, exist_ok=True)
        begin_run(out_dir, fresh=True)  # the figures it writes are this run's
    started = time.perf_counter()

    def run_once(run_seed: int, lockstep: Any = None) -> Outcome:
        context = RunContext(run_seed, quick, epochs, out_dir, dict(options or {}), echo,
                             lockstep=lockstep, index=run_seed - seed)
        if callbacks is not None:
            context.callbacks = list(callbacks(run_seed))
        with watch_training(context.callbacks):
            outcome = recipe.run_once(context)
        outcome.histories.extend(context.histories)
        return outcome

    def report(index: int, outcome: Outcome) -> None:
        shown = outcome.value if isinstance(outcome.value, str) else f"{outcome.value:.4f}"
        echo(f"[{name}] repeat {index + 1}/{repeats} (seed {seed + index}): "
             f"{recipe.metric} = {shown}")

    if repeats > 1 and not sequential and callbacks is None:
        from seqlab.recipes._lockstep import Lockstep

        lockstep = Lockstep()
        outcomes = lockstep.run([lambda s=seed + i: run_once(s, lockstep)
                                 for i in range(repeats)])
        for index, outcome in enumerate(outcomes):
            report(index, outcome)
    else:
        outcomes = each_seed(run_once, repeats=repeats, seed=seed, on_result=report,
                             single_thread=False, owner="run")
    judge = recipe.quick_criterion if quick and recipe.quick_criterion else recipe.passes
    return RecipeResult(recipe, outcomes, bool(judge(outcomes)), time.perf_counter() - started,
                        quick)


@dataclass(frozen=True)
class RecipeExperiment:
    """A recipe as ``experiment(seed) -> float`` for `seqlab.evaluate.repeat` (picklable,
    so repeats can run in worker processes). Needs a recipe with a numeric metric."""

    name: str
    quick: bool = False
    epochs: int | None = None
    options: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        recipe = get(self.name)
        if recipe.categorical:  # refused before training, not after it
            raise ValidationError(
                f"Recipe {self.name!r} reports a categorical {recipe.metric!r}, which cannot "
                f"be averaged over repeats; use `seqlab run {self.name} --repeats N` to count "
                f"its values.")

    @property
    def metric(self) -> str:
        """The name of the recipe's metric (what `repeat` labels its scores with)."""
        return get(self.name).metric

    def __call__(self, seed: int) -> float:
        """Run the recipe once with `seed` (quietly) and return its metric value."""
        return self.run_seeds([seed])[0]

    def run_seeds(self, seeds: list[int]) -> list[float]:
        """The metric of a run with each of `seeds` (consecutive), trained together (see
        `run`)."""
        result = run(self.name, repeats=len(seeds), seed=seeds[0], quick=self.quick,
                     epochs=self.epochs, options=dict(self.options), echo=lambda line: None)
        return [self._number(outcome.value) for outcome in result.outcomes]

    def _number(self, value: float | str) -> float:
        if isinstance(value, str):
            raise ValidationError(
                f"Recipe {self.name!r} reports a categorical {self.metric!r} "
                f"({value!r}), which cannot be averaged over repeats; use `seqlab run "
                f"{self.name} --repeats N` to count its values."
            )
        return float(value)


def median_at_least(threshold: float) -> Callable[[list[Outcome]], bool]:
    """Criterion: the median of the repeats' values is at least `threshold`."""
    return lambda outcomes: statistics.median(o.value for o in outcomes) >= threshold - 1e-9


def median_at_most(threshold: float) -> Callable[[list[Outcome]], bool]:
    """Criterion: the median of the repeats' values is at most `threshold` (losses, errors)."""
    return lambda outcomes: statistics.median(o.value for o in outcomes) <= threshold + 1e-9


def median_below(threshold: float) -> Callable[[list[Outcome]], bool]:
    """Criterion: the median of the repeats' values is below `threshold`."""
    return lambda outcomes: statistics.median(o.value for o in outcomes) < threshold - 1e-9


def median_between(low: float, high: float) -> Callable[[list[Outcome]], bool]:
    """Criterion: low <= median < high (a result the document describes as partial)."""
    def judge(outcomes: list[Outcome]) -> bool:
        median = statistics.median(o.value for o in outcomes)
        return low - 1e-9 <= median < high - 1e-9

    return judge


def _load_all() -> None:
    # Each module of this package other than the registry registers its recipes on import
    # (the folder is listed rather than the package imported: no cycle back through it).
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name != "registry":
            importlib.import_module(f"seqlab.recipes.{module.name}")
