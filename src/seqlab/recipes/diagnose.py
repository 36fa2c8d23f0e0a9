"""The diagnose-and-tune recipes of the book's chapter 12 (seed 003), on its toy data.

Train pairs 0.0→0.1 … 0.4→0.5, validation pairs 0.5→0.6 … 0.9→1.0 (extrapolation);
X is the first column as (5, 1, 1), y the second. LSTM(10) → Dense(1), MSE, Adam,
Keras initialisation, whole data set as one batch (Keras' default of 32), no shuffling.
The diagnose recipes report the verdict `seqlab.evaluate.diagnose` reads from the
curves (never from the recipe's name); the tune recipes report the best setting and
each setting's mean validation MSE beside the book's.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from typing import Any

import numpy as np

from seqlab.evaluate import diagnose, tune
from seqlab.models import ModelSpec, build
from seqlab.recipes.registry import Outcome, Recipe, RunContext, register
from seqlab.train import History, Trainer

SOURCE = "003 (LSTM book, chapter 12)"
TRAIN_PAIRS = [[0.0, 0.1], [0.1, 0.2], [0.2, 0.3], [0.3, 0.4], [0.4, 0.5]]
VALIDATION_PAIRS = [[0.5, 0.6], [0.6, 0.7], [0.7, 0.8], [0.8, 0.9], [0.9, 1.0]]


def toy_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The book's (X, y, val_X, val_y): X as (5, 1, 1), y as (5, 1)."""
    train, val = np.array(TRAIN_PAIRS, np.float32), np.array(VALIDATION_PAIRS, np.float32)
    return (train[:, :1].reshape(5, 1, 1), train[:, 1:], val[:, :1].reshape(5, 1, 1),
            val[:, 1:])


def toy_config(epochs: int = 500) -> dict[str, Any]:
    """The toy experiment as a `seqlab.evaluate.ConfigExperiment` config (what `seqlab
    tune` searches when no config file is given): LSTM(10), Adam, full batch, no shuffle,
    score = validation MSE."""
    x, y, x_val, y_val = toy_data()
    return {
        "name": "book toy problem (003, chapter 12)",
        "spec": {"input_size": 1, "output_size": 1, "units": [10], "timesteps": 1,
                 "keras_init": True},
        "trainer": {"optimizer": "adam", "loss": "mse"},
        "fit": {"epochs": epochs, "batch_size": 32, "shuffle": False},
        "data": {"train": {"x": x.tolist(), "y": y.tolist()},
                 "validation": {"x": x_val.tolist(), "y": y_val.tolist()}},
        "score": "val_loss",
    }


def fit_toy(seed: int, *, epochs: int, units: int = 10, loss: str = "mse",
            optimizer: str = "adam", batch_size: int = 32, validate: bool = True,
            callbacks: tuple | list = ()) -> tuple[Trainer, History]:
    """Train the book's LSTM(units) → Dense(1) on the toy data (shuffle off)."""
    x, y, x_val, y_val = toy_data()
    spec = ModelSpec(1, 1, units=[units], timesteps=1, keras_init=True)
    trainer = Trainer(build(spec, seed=seed), seed=seed, loss=loss, optimizer=optimizer)
    history = trainer.fit(x, y, epochs=epochs, batch_size=batch_size, shuffle=False,
                          validation_data=(x_val, y_val) if validate else None, verbose=0,
                          callbacks=callbacks)
    return trainer, history


def toy_score(params: dict[str, Any], seed: int) -> float:
    """Tuning objective: validation MSE after 500 epochs (``params`` may set units,
    batch_size, epochs), as the book's `fit_model`."""
    trainer, _ = fit_toy(seed, epochs=int(params.get("epochs", 500)),
                         units=int(params.get("units", 10)),
                         batch_size=int(params.get("batch_size", 32)), validate=False)
    _, _, x_val, y_val = toy_data()
    return trainer.evaluate(x_val, y_val)["loss"]


def _at_least_four_fifths(expected: str):
    def judge(outcomes: list[Outcome]) -> bool:
        hits = sum(o.value == expected for o in outcomes)
        return hits >= math.ceil(0.8 * len(outcomes))

    return judge


def _diagnose_recipe(expected: str, epochs: int, *, units: int = 10, loss: str = "mse",
                     optimizer: str = "adam", plot_from: int = 0):
    def run_once(context: RunContext) -> Outcome:
        from seqlab.plots import learning_curves

        n_epochs = context.epochs_or(epochs, epochs)
        _, history = fit_toy(context.seed, epochs=n_epochs, units=units, loss=loss,
                             optimizer=optimizer, callbacks=context.callbacks)
        context.record_history(history)
        result = diagnose(history)
        context.echo(f"  verdict: {result.verdict} ({result.reason}); book's picture: "
                     f"{expected}. {result.advice}")
        for note in result.notes:
            context.echo(f"  {note}")
        if context.out is not None:
            start = min(plot_from, n_epochs - 3)
            figure = learning_curves(history, start=start, verdict=result.verdict)
            context.save_figure(figure, f"learning_curves_seed{context.seed}.png")
        return Outcome(result.verdict, {**result.to_dict(), "expected": expected})

    return run_once


_DIAGNOSE = [
    ("diagnose-underfit", "underfit", 100, {}, 0,
     "LSTM(10), MSE, Adam, 100 epochs: validation loss still falling (figure 12.1).",
     "picture: underfit, more training to do"),
    ("diagnose-underfit-capacity", "underfit", 300,
     {"units": 1, "loss": "mae", "optimizer": "sgd"}, 0,
     "LSTM(1), MAE, SGD, 300 epochs: both curves level off apart (figure 12.2).",
     "picture: underfit, a larger model may be needed"),
    ("diagnose-good-fit", "good-fit", 800, {}, 0,
     "LSTM(10), MSE, Adam, 800 epochs: train and validation loss meet (figure 12.3).",
     "picture: good fit"),
    ("diagnose-overfit", "overfit", 1200, {}, 500,
     "LSTM(10), MSE, Adam, 1200 epochs, plotted from epoch 500: validation loss turns up "
     "(figure 12.4).",
     "picture: overfit, validation loss turns up"),
]

for _name, _expected, _epochs, _kw, _from, _description, _reference in _DIAGNOSE:
    register(
        Recipe(
            name=_name,
            source=SOURCE,
            description=_description,
            metric="verdict", categorical=True,
            reference=None,
            reference_text=_reference,
            criterion=f"the curves read as {_expected} in at least 4 of 5 repeats",
            run_once=_diagnose_recipe(_expected, _epochs, plot_from=_from, **_kw),
            passes=_at_least_four_fifths(_expected),
        )
    )


def _repeats(context: RunContext) -> Outcome:
    from seqlab.plots import learning_curves

    runs = 2 if context.quick else 5
    epochs = context.epochs_or(300, 300)
    seeds = [context.seed * runs + i for i in range(runs)]
    histories = [fit_toy(seed, epochs=epochs)[1] for seed in seeds]
    verdicts = [diagnose(h).verdict for h in histories]
    for history in histories:
        context.record_history(history)
    counts = Counter(verdicts)
    verdict = counts.most_common(1)[0][0]
    context.echo(f"  {runs} runs x {epochs} epochs, seeds {seeds}: verdicts {verdicts} -> "
                 f"{verdict}; book: underfit in all 5 (more epochs may help).")
    if context.out is not None:
        figure = learning_curves(histories, verdict=verdict)
        context.save_figure(figure, f"learning_curves_runs_seed{context.seed}.png")
    return Outcome(verdict, {"verdicts": verdicts, "seeds": seeds, "epochs": epochs})


def _repeats_pass(outcomes: list[Outcome]) -> bool:
    verdicts = [v for o in outcomes for v in o.details["verdicts"]]
    return sum(v == "underfit" for v in verdicts) >= math.ceil(0.8 * len(verdicts))


register(
    Recipe(
        name="diagnose-repeats",
        source=SOURCE,
        description="5 runs x 300 epochs of LSTM(10) on one plot, each diagnosed (figure 12.5).",
        metric="verdict", categorical=True,
        reference=None,
        reference_text="underfit in all 5 runs",
        criterion="at least 4 of every 5 runs read as underfit",
        run_once=_repeats,
        passes=_repeats_pass,
    )
)


def _tune_recipe(name: str, reference: dict[str, float], xlabel: str):
    def run_once(context: RunContext) -> Outcome:
        repeats = 2 if context.quick else 5
        epochs = context.epochs_or(500, 100)
        workers = context.option("workers", 1)
        values = [int(k) for k in reference]
        space = {xlabel: values, "epochs": [epochs]}
        result = tune(toy_score, space, repeats=repeats, seed=context.seed * repeats,
                      workers=workers, echo=context.echo if workers == 1 else None)
        means = {str(p[xlabel]): s.mean for p, s in zip(result.params, result.summaries,
                                                         strict=True)}
        table = result.table()
        # Columns are labelled "units=1,epochs=500"; show them by the tuned value only.
        for params, label in zip(result.params, result.labels, strict=True):
            table = table.replace(label, str(params[xlabel]).rjust(len(label)), 1)
        context.echo(f"  {xlabel}: {values}, {repeats} repeats, {epochs} epochs, "
                     f"score = validation MSE")
        for line in table.splitlines():
            context.echo("  " + line)
        context.echo("  document means: " + ", ".join(f"{k}: {v:g}" for k, v in
                                                      reference.items()))
        best = str(result.best[xlabel])
        context.echo(f"  best {xlabel}: {best}")
        if context.out is not None:
            figure = result.boxplot(title=f"{name}: validation MSE", ylabel="validation MSE")
            figure.axes[0].set_xticks(range(1, len(values) + 1), [str(v) for v in values])
            figure.axes[0].set_xlabel(xlabel)
            context.save_figure(figure, f"{name}_boxplot_seed{context.seed}.png")
        scores = {str(p[xlabel]): s for p, s in zip(result.params, result.scores, strict=True)}
        return Outcome(best, {"scores": scores, "repeats": repeats, "epochs": epochs,
                              "document_means": reference}, table=means)

    return run_once


def _decreasing(outcomes: list[Outcome]) -> bool:
    table = {k: statistics.fmean(o.table[k] for o in outcomes) for k in outcomes[0].table}
    means = list(table.values())
    return all(a > b for a, b in zip(means, means[1:], strict=False))


def _all_learn(outcomes: list[Outcome]) -> bool:
    return all(v < 0.01 for o in outcomes for v in o.table.values())


def _has_table(outcomes: list[Outcome]) -> bool:
    return all(o.table and all(math.isfinite(v) for v in o.table.values()) for o in outcomes)


register(
    Recipe(
        name="tune-cells",
        source=SOURCE,
        description="Grid search of LSTM memory cells 1, 5, 10: 5 repeats x 500 epochs each, "
        "score = validation MSE (listing 12.14). Option --workers N.",
        metric="best units", categorical=True,
        reference=None,
        reference_text="means 0.206372 / 0.095966 / 0.027577 for 1 / 5 / 10 cells",
        criterion="mean validation MSE decreases from 1 to 5 to 10 cells",
        run_once=_tune_recipe("tune-cells", {"1": 0.206372, "5": 0.095966, "10": 0.027577},
                              "units"),
        passes=_decreasing,
        quick_criterion=_has_table,
        options=("workers",),
    )
)

register(
    Recipe(
        name="tune-batch",
        source=SOURCE,
        description="Grid search of batch size 1, 2, 3 for LSTM(10): 5 repeats x 500 epochs "
        "each, score = validation MSE (listing 12.16). Option --workers N.",
        metric="best batch size", categorical=True,
        reference=None,
        reference_text="means 0.000797 / 0.001352 / 0.005631 for batch 1 / 2 / 3",
        criterion="every batch size learns the task: each mean validation MSE below 0.01",
        run_once=_tune_recipe("tune-batch", {"1": 0.000797, "2": 0.001352, "3": 0.005631},
                              "batch_size"),
        passes=_all_learn,
        quick_criterion=_has_table,
        options=("workers",),
    )
)
