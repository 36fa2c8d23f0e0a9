"""The book's models (003, chapters 6-11): echo, damped sine, moving square, addition,
cumulative sum and rectangles, each at the book's settings.

Every recipe keeps the book's data sizes, batch sizes and epochs, Keras-style weight
initialisation and Keras' Adam defaults (lr 1e-3, eps 1e-7); `--quick` shrinks the
problem or the sample count so a run takes seconds. Test data are always new samples
from a separate random stream. Figures go to `--out` as PNG.
"""

from __future__ import annotations

import statistics

import numpy as np

from seqlab.generate import closed_loop
from seqlab.models import ModelSpec, bidirectional, build, cnn_lstm, encoder_decoder, stacked
from seqlab.plots.book import (
    cumulative_sum_figure,
    damped_sine_figure,
    moving_square_figure,
    rectangles_figure,
)
from seqlab.problems.addition import ADDITION_ALPHABET, addition_examples, decode_addition
from seqlab.problems.cumulative_sum import cumulative_sum_examples
from seqlab.problems.damped_sines import damped_sine_examples
from seqlab.problems.echo import echo_examples
from seqlab.problems.moving_square import moving_square_batches, moving_square_examples
from seqlab.problems.rectangles import random_rectangles, rectangle_pairs, shape_error
from seqlab.recipes.registry import (
    Outcome,
    Recipe,
    RunContext,
    median_at_least,
    median_below,
    register,
)
from seqlab.train import Trainer

__all__: list[str] = []  # recipes register themselves; nothing here is imported by users

SOURCE = "003 (LSTMs with Python)"
TRAIN, TEST, SHOW = 0, 1, 2  # independent random streams of one run


def _rng(context: RunContext, stream: int) -> np.random.Generator:
    return np.random.default_rng([context.seed, stream])


def _trainer(spec: ModelSpec, context: RunContext, **options) -> Trainer:
    return context.trainer(build(spec, seed=context.seed), **options)


# --------------------------------------------------------------------- ch6: echo
def _echo(context: RunContext) -> Outcome:
    length, n_features, out_index = 5, 10, 2
    updates = 2_000 if context.quick else 10_000
    spec = ModelSpec(n_features, n_features, task="multiclass", units=[25], frontend="onehot",
                     timesteps=length, keras_init=True)
    trainer = _trainer(spec, context)
    x, y = echo_examples(updates, length=length, n_features=n_features, out_index=out_index,
                         seed=_rng(context, TRAIN))
    # One fresh sample per update, as the book's loop of fit(one sample) calls.
    epochs = context.epochs_or(1, 1)
    trainer.fit(x, y, epochs=epochs, batch_size=1, shuffle=False, verbose=0)
    x_test, y_test = echo_examples(100, length=length, n_features=n_features,
                                   out_index=out_index, seed=_rng(context, TEST))
    scores = trainer.evaluate(x_test, y_test)
    predicted = trainer.predict(x_test[:1]).argmax(-1)[0]
    context.echo(f"  Sequence: {x_test[0].tolist()}  Expected: {y_test[0]}  "
                 f"Predicted: {predicted}")
    return Outcome(scores["accuracy"], {"loss": scores["loss"], "updates": updates * epochs})


register(Recipe(
    name="echo",
    source=f"{SOURCE}, chapter 6",
    description="Echo the 3rd of 5 random ints 0..9 (one-hot): LSTM(25) -> Dense(10 softmax), "
    "3,860 params; 10,000 updates of one fresh sample each, Adam; accuracy on 100 new.",
    metric="accuracy",
    reference=1.0,
    reference_text="Accuracy: 100.000000 (100 new sequences)",
    criterion="median accuracy 100% on 100 new sequences",
    run_once=_echo,
    passes=median_at_least(1.0),
    quick_criterion=median_at_least(0.3),
))


# -------------------------------------------------------------- ch7: damped sine
def _damped_sine(context: RunContext) -> Outcome:
    length, n_out = 50, 5
    n_train = 3_000 if context.quick else 10_000
    spec = stacked(1, n_out, units=(20, 20), timesteps=length, keras_init=True)
    trainer = _trainer(spec, context, loss="mae", metrics=["mae"])
    x, y = damped_sine_examples(n_train, length=length, n_out=n_out, seed=_rng(context, TRAIN))
    trainer.fit(x, y, epochs=context.epochs_or(1, 1), batch_size=10, verbose=0)
    x_test, y_test = damped_sine_examples(1_000, length=length, n_out=n_out,
                                          seed=_rng(context, TEST))
    scores = trainer.evaluate(x_test, y_test)
    if context.out is not None:  # drawing costs a quarter second a repeat: only to keep
        shown = slice(0, 3)
        figure = damped_sine_figure(x_test[shown], y_test[shown],
                                    trainer.predict(x_test[shown]))
        context.save_figure(figure, f"damped-sine-seed{context.seed}.png")
    context.echo(f"  MAE on 1,000 new waves: {scores['mae']:.6f} (the book: 0.021665)")
    return Outcome(scores["mae"], {"train_examples": n_train})


register(Recipe(
    name="damped-sine",
    source=f"{SOURCE}, chapter 7",
    description="Forecast the next 5 steps of a damped sine wave from 50: LSTM(20, seq) -> "
    "LSTM(20) -> Dense(5), 5,145 params, MAE loss, 10,000 examples, batch 10, 1 epoch.",
    metric="mae",
    reference=0.021665,
    reference_text="MAE: 0.021665 (1,000 new waves)",
    criterion="median MAE at most 0.03 on 1,000 new waves",
    run_once=_damped_sine,
    passes=median_below(0.03 + 1e-9),
    quick_criterion=median_below(0.06),
))


# ------------------------------------------------------------ ch8: moving square
_CHUNK = 320  # clips made per step of training: 10 batches of 32, ~40 MB as uint8


def _moving_square(context: RunContext) -> Outcome:
    size = 20 if context.quick else 50
    n_train = 1_000 if context.quick else 5_000
    spec = cnn_lstm((size, size, 1), units=50, timesteps=size, keras_init=True)
    trainer = _trainer(spec, context)
    for _ in range(context.epochs_or(1, 1)):
        # The data set is made a chunk at a time and never held whole.
        for x, y in moving_square_batches(n_train, _CHUNK, size=size, seed=_rng(context, TRAIN)):
            trainer.fit(x, y, epochs=1, batch_size=32, verbose=0)
    x_test, y_test = moving_square_examples(100, size=size, seed=_rng(context, TEST))
    scores = trainer.evaluate(x_test, y_test)
    probability = float(trainer.predict(x_test[:1])[0, 0])
    figure = moving_square_figure(x_test[0], float(y_test[0, 0]), probability)
    context.save_figure(figure, f"moving-square-seed{context.seed}.png")
    expected = "Right" if y_test[0, 0] == 1 else "Left"
    context.echo(f"  loss: {scores['loss']:.6f}, acc: {scores['accuracy']:.2%}; "
                 f"Expected: {expected}, Predicted: {'Right' if probability > 0.5 else 'Left'}")
    return Outcome(scores["accuracy"], {"loss": scores["loss"], "size": size})


register(Recipe(
    name="moving-square",
    source=f"{SOURCE}, chapter 8",
    description="Left or right? 50 frames of 50x50 with a growing line: TimeDistributed "
    "Conv2D(2,(2,2)) -> MaxPool(2) -> Flatten -> LSTM(50) -> Dense(1 sigmoid), 240,661 "
    "params; 5,000 clips (made in uint8 chunks), batch 32, 1 epoch; accuracy on 100 new.",
    metric="accuracy",
    reference=1.0,
    reference_text="loss: 0.001120, acc: 100.000000 (100 new clips)",
    criterion="median accuracy at least 98% on 100 new clips",
    run_once=_moving_square,
    passes=median_at_least(0.98),
    quick_criterion=median_at_least(0.9),
))


# ---------------------------------------------------------------- ch9: addition
def _addition(context: RunContext) -> Outcome:
    n_terms, largest = (2, 10) if context.quick else (3, 10)
    n_train = 20_000 if context.quick else 75_000
    x, y = addition_examples(n_train, n_terms=n_terms, largest=largest,
                             seed=_rng(context, TRAIN))
    classes = len(ADDITION_ALPHABET)
    spec = encoder_decoder(classes, classes, y.shape[1], units=75, decoder_units=50,
                           frontend="onehot", timesteps=x.shape[1], keras_init=True)
    trainer = _trainer(spec, context, metrics=["accuracy", "sequence_accuracy"])
    trainer.fit(x, y, epochs=context.epochs_or(1, 1), batch_size=32, verbose=0)
    x_test, y_test = addition_examples(1_000, n_terms=n_terms, largest=largest,
                                       seed=_rng(context, TEST))
    scores = trainer.evaluate(x_test, y_test)
    questions, answers = decode_addition(x_test[:10]), decode_addition(y_test[:10])
    guesses = decode_addition(trainer.predict(x_test[:10]))
    for question, guess, answer in zip(questions, guesses, answers, strict=True):
        context.echo(f"  {question} = {guess} (expect {answer})")
    context.echo(f"  per-character accuracy {scores['accuracy']:.2%}, whole sums right "
                 f"{scores['sequence_accuracy']:.2%} (1,000 new)")
    return Outcome(scores["accuracy"], {"loss": scores["loss"],
                                        "sequence_accuracy": scores["sequence_accuracy"],
                                        "n_terms": n_terms})


register(Recipe(
    name="addition",
    source=f"{SOURCE}, chapter 9",
    description="Sum 3 terms in 1..10 written as characters ('10+10+10' -> '30'): LSTM(75) -> "
    "RepeatVector(2) -> LSTM(50, seq) -> TimeDistributed(Dense(12 softmax)), 52,212 params; "
    "75,000 examples, batch 32, 1 epoch. Also reports whole-sum exact match.",
    metric="accuracy",
    reference=1.0,
    reference_text="Loss: 0.128379, Accuracy: 100.000000 (per character); 9 of 10 printed "
    "sums right",
    criterion="median per-character accuracy at least 95% on 1,000 new sums",
    run_once=_addition,
    passes=median_at_least(0.95),
    quick_criterion=median_at_least(0.8),
))


# ---------------------------------------------------------- ch10: cumulative sum
DIRECTIONS = ("both", "forward", "backward")
MERGES = ("concat", "sum", "mul", "ave")


def _cumulative_sum_spec(n_timesteps: int, direction: str, merge: str) -> ModelSpec:
    options = {"return_sequences": True, "task": "binary", "timesteps": n_timesteps,
               "keras_init": True}
    if direction == "both":
        return bidirectional(1, 1, units=50, merge_mode=merge, **options)
    return ModelSpec(1, 1, units=[50], go_backwards=direction == "backward", **options)


def _cumulative_sum_run(
    context: RunContext, direction: str, merge: str, *, show: bool = True
) -> Outcome:
    n_timesteps = 10
    n_train = 6_000 if context.quick else 50_000
    spec = _cumulative_sum_spec(n_timesteps, direction, merge)
    trainer = _trainer(spec, context, metrics=["accuracy", "sequence_accuracy"])
    x, y = cumulative_sum_examples(n_train, n_timesteps=n_timesteps, seed=_rng(context, TRAIN))
    x_test, y_test = cumulative_sum_examples(1_000, n_timesteps=n_timesteps,
                                             seed=_rng(context, TEST))
    if direction == "backward":
        # A backward layer emits its steps in reverse time order (Keras' go_backwards);
        # reversed targets keep every output paired with the step it stands for.
        y, y_test = np.ascontiguousarray(y[:, ::-1]), np.ascontiguousarray(y_test[:, ::-1])
    trainer.fit(x, y, epochs=context.epochs_or(1, 1), batch_size=10, verbose=0)
    scores = trainer.evaluate(x_test, y_test)
    if show:
        probability = trainer.predict(x_test[:4])
        expected = y_test[:4]
        if direction == "backward":
            probability, expected = probability[:, ::-1], expected[:, ::-1]
        title = f"direction {direction}" + (f", merge {merge}" if direction == "both" else "")
        figure = cumulative_sum_figure(x_test[:4], expected, probability, title=title)
        variant = f"both-{merge}" if direction == "both" else direction
        context.save_figure(figure, f"cumulative-sum-{variant}-seed{context.seed}.png")
    return Outcome(scores["accuracy"], {"loss": scores["loss"],
                                        "sequence_accuracy": scores["sequence_accuracy"],
                                        "direction": direction, "merge": merge})


def _cumulative_sum(context: RunContext) -> Outcome:
    direction = context.option("direction", "both", DIRECTIONS)
    merge = context.option("merge", "concat", MERGES)
    outcome = _cumulative_sum_run(context, direction, merge)
    variant = f"direction both, merge {merge}" if direction == "both" else f"direction {direction}"
    context.echo(f"  {variant}: per-step accuracy "
                 f"{outcome.value:.2%}, whole sequences right "
                 f"{outcome.details['sequence_accuracy']:.2%} (1,000 new)")
    return outcome


register(Recipe(
    name="cumulative-sum",
    source=f"{SOURCE}, chapter 10",
    description="Tag each of 10 steps once the running sum passes 2.5: Bidirectional(LSTM(50, "
    "seq), concat) -> TimeDistributed(Dense(1 sigmoid)), 20,901 params; 50,000 examples, "
    "batch 10, 1 epoch. --merge concat|sum|mul|ave, --direction both|forward|backward.",
    metric="accuracy",
    reference=1.0,
    reference_text="Loss: 0.016752, Accuracy: 100.000000 (per step); 8 of 10 printed "
    "sequences right",
    criterion="median per-step accuracy at least 97% on 1,000 new sequences",
    run_once=_cumulative_sum,
    passes=median_at_least(0.97),
    quick_criterion=median_at_least(0.9),
    options=("merge", "direction"),
))


def _cumulative_sum_directions(context: RunContext) -> Outcome:
    rows = [("forward", "-"), ("backward", "-")] + [("both", m) for m in MERGES]
    results = {}
    for direction, merge in rows:
        outcome = _cumulative_sum_run(context, direction, merge if merge != "-" else "concat",
                                      show=False)
        results[f"{direction}/{merge}"] = outcome
    context.echo(f"  {'direction':<10}{'merge':<8}{'per-step acc':>14}{'sequences right':>17}")
    for key, outcome in results.items():
        direction, merge = key.split("/")
        context.echo(f"  {direction:<10}{merge:<8}{outcome.value:>14.2%}"
                     f"{outcome.details['sequence_accuracy']:>17.2%}")
    table = {key: {"accuracy": o.value, "sequence_accuracy": o.details["sequence_accuracy"]}
             for key, o in results.items()}
    return Outcome(results["both/concat"].value, {"table": table})


def _directions_pass(floor: float):
    def judge(outcomes: list[Outcome]) -> bool:
        def median(key: str) -> float:
            return statistics.median(o.details["table"][key]["accuracy"] for o in outcomes)

        # Reading forwards sees the prefix each tag depends on; reading only backwards does not.
        return median("both/concat") >= floor and median("forward/-") >= floor and (
            median("backward/-") < median("forward/-"))

    return judge


register(Recipe(
    name="cumulative-sum-directions",
    source=f"{SOURCE}, chapter 10 (its extensions)",
    description="The chapter's own extension: the cumulative-sum model read forward only, "
    "backward only, and bidirectionally with each merge mode (concat, sum, mul, ave); "
    "prints the table of per-step and whole-sequence accuracy.",
    metric="accuracy",
    reference=1.0,
    reference_text="bidirectional concat: Accuracy 100.000000 (other rows not run in the book)",
    criterion="median per-step accuracy at least 97% for bidirectional concat and for forward; "
    "backward-only below forward",
    run_once=_cumulative_sum_directions,
    passes=_directions_pass(0.97),
    quick_criterion=_directions_pass(0.9),
))


# ---------------------------------------------------------------- ch11: rectangles
def _rectangles(context: RunContext) -> Outcome:
    n_updates = 4_000 if context.quick else 25_000
    spec = ModelSpec(2, 2, units=[10], timesteps=1, keras_init=True)
    trainer = _trainer(spec, context, loss="mae", metrics=["mae"])
    x, y = rectangle_pairs(n_updates, seed=_rng(context, TRAIN))
    # Three rows per rectangle, in order: one update per rectangle, as the book's loop.
    trainer.fit(x, y, epochs=context.epochs_or(1, 1), batch_size=3, shuffle=False, verbose=0)
    model = trainer.model
    # The book's generation: from (0, 0), each predicted corner is the next input.
    book_shape = np.concatenate([[[0.0, 0.0]], closed_loop(model, [[0.0, 0.0]], 3)])
    # 100 more: prompted with a true bottom edge, the model draws the top two corners.
    truth = random_rectangles(100, seed=_rng(context, TEST))
    prompted = np.concatenate([truth[:, :2], closed_loop(model, truth[:, 1:2], 2)], axis=1)
    errors = shape_error(prompted)
    # Naive baseline: the best input-ignoring predictor under MAE (the median target).
    constant = np.median(y, axis=0)
    naive = np.concatenate([truth[:, :2], np.broadcast_to(constant, (100, 2, 2))], axis=1)
    baseline = shape_error(naive)
    book_error = float(shape_error(book_shape)[0])
    shapes = np.concatenate([book_shape[None], prompted[:4]])
    titles = [f"from (0,0): error {book_error:.3f}"] + [
        f"prompted: error {e:.3f}" for e in errors[:4]]
    figure = rectangles_figure(shapes, truth=[None, *truth[:4]], titles=titles)
    context.save_figure(figure, f"rectangles-seed{context.seed}.png")
    context.echo(f"  generated from (0,0): {np.round(book_shape, 3).tolist()}")
    context.echo(f"  shape error over 100 prompted rectangles: {errors.mean():.4f} "
                 f"(naive constant-corner baseline {baseline.mean():.4f})")
    return Outcome(float(errors.mean()), {"baseline": float(baseline.mean()),
                                          "book_rectangle_error": book_error,
                                          "book_rectangle": book_shape.round(4).tolist()})


def _below_baseline(fraction: float):
    def judge(outcomes: list[Outcome]) -> bool:
        value = statistics.median(o.value for o in outcomes)
        return value <= fraction * statistics.median(o.details["baseline"] for o in outcomes)

    return judge


register(Recipe(
    name="rectangles",
    source=f"{SOURCE}, chapter 11",
    description="Draw a rectangle corner by corner: LSTM(10) over one (x, y) step -> Dense(2), "
    "542 params, MAE; 25,000 updates of one rectangle (3 rows), no shuffling; generation "
    "feeds each predicted corner back. Shape error |bottom-top width| + |left-right height|.",
    metric="shape_error",
    reference=None,
    reference_text="plots of generated rectangles only (no number)",
    criterion="median shape error at most 1/4 of the naive constant-corner baseline's",
    run_once=_rectangles,
    passes=_below_baseline(0.25),
    quick_criterion=_below_baseline(0.7),
))
