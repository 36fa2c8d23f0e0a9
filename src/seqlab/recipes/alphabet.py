"""The alphabet recipes of the stateful-LSTM tutorials (seeds 001, 004) and the course (000).

Every recipe trains on the letters' ids scaled by 1/26, predicts the next letter as
one of 26 classes and, as the documents do, measures accuracy on the training
patterns. Keras-style initialisation and Adam (lr 1e-3) keep the documents' setup.
"""

from __future__ import annotations

import statistics

import numpy as np

from seqlab.models import ModelSpec, build, mlp_window
from seqlab.problems.alphabet import (
    ALPHABET,
    CORRUPTED_PROBES,
    alphabet_vocabulary,
    alphabet_windows,
    pad_runs,
    scale_ids,
    variable_length_samples,
)
from seqlab.recipes.registry import (
    Outcome,
    Recipe,
    RunContext,
    median_at_least,
    median_between,
    register,
)
from seqlab.train import Trainer

SOURCE_001 = "001 (stateful LSTM tutorial, annotated)"
SOURCE_004 = "004 (stateful LSTM tutorial)"
SOURCE_000 = "000 (course notebook)"


def _train(
    x: np.ndarray,
    y: np.ndarray,
    spec: ModelSpec,
    context: RunContext,
    *,
    epochs: int,
    batch_size: int,
    shuffle: bool = True,
    stateful: bool = False,
) -> Trainer:
    model = build(spec, seed=context.seed)
    trainer = context.trainer(model, stateful=stateful)
    if stateful:
        # The tutorial's loop: one epoch at a time, state reset after each (fit does both).
        trainer.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)
    else:
        trainer.fit(x, y, epochs=epochs, batch_size=batch_size, shuffle=shuffle, verbose=0)
    return trainer


def _letters(ids) -> str:
    vocab = alphabet_vocabulary()
    return vocab.decode_str(np.asarray(ids).reshape(-1))


def _classifier(input_size: int, units: int, timesteps: int) -> ModelSpec:
    return ModelSpec(
        input_size,
        len(ALPHABET),
        task="multiclass",
        units=[units],
        timesteps=timesteps,
        keras_init=True,
    )


def _window_recipe(seq_length: int, as_features: bool, faithful_epochs: int = 500):
    def run_once(context: RunContext) -> Outcome:
        x, y = alphabet_windows(seq_length, as_features=as_features)
        spec = _classifier(x.shape[2], 32, x.shape[1])
        epochs = context.epochs_or(faithful_epochs, 150)
        trainer = _train(x, y, spec, context, epochs=epochs, batch_size=1)
        scores = trainer.evaluate(x, y)
        predicted = trainer.predict(x).argmax(-1)
        inputs = (np.rint(x.reshape(len(x), -1) * 26)).astype(int)
        shown = " ".join(
            f"{_letters(i)}->{_letters([p])}" for i, p in zip(inputs, predicted, strict=True)
        )
        context.echo(f"  {shown}")
        return Outcome(scores["accuracy"], {"loss": scores["loss"], "epochs": epochs})

    return run_once


register(
    Recipe(
        name="alphabet-one-char",
        source=SOURCE_004,
        description="One letter in, the next out: X (25,1,1), LSTM(32), 500 epochs, batch 1.",
        metric="accuracy",
        reference=None,
        reference_text="'difficult to learn' (no number printed)",
        criterion="median accuracy in [50%, 100%): a single scaled letter is a hard framing "
        "(the original article printed 84%)",
        run_once=_window_recipe(1, as_features=False),
        passes=median_between(0.5, 1.0),
        quick_criterion=median_at_least(0.2),
    )
)

register(
    Recipe(
        name="alphabet-two-char",
        source=SOURCE_004,
        description="Two letters as two time steps: X (24,2,1), LSTM(32), 500 epochs, batch 1. "
        "The document's 100% is one run; over repeats the median is 23 or 24 of 24.",
        metric="accuracy",
        reference=1.0,
        reference_text="100.00% (a single run)",
        criterion="median accuracy at least 95% (23 of 24 patterns)",
        run_once=_window_recipe(2, as_features=False),
        passes=median_at_least(0.95),
        quick_criterion=median_at_least(0.5),
    )
)

register(
    Recipe(
        name="alphabet-window-features",
        source=SOURCE_004,
        description="Three letters as ONE time step of 3 features: X (23,1,3), LSTM(32), 500 epochs.",
        metric="accuracy",
        reference=0.8696,
        reference_text="86.96%",
        criterion="median accuracy in [70%, 100%): below 100%, as the document found",
        run_once=_window_recipe(3, as_features=True),
        passes=median_between(0.7, 1.0),
        quick_criterion=median_at_least(0.2),
    )
)

register(
    Recipe(
        name="alphabet-window-timesteps",
        source=f"{SOURCE_004}; {SOURCE_000}",
        description="Three letters as 3 time steps of 1 feature: X (23,3,1), LSTM(32), 500 epochs "
        "(000 trains 400: loss 0.4123, 100%).",
        metric="accuracy",
        reference=1.0,
        reference_text="100.00%",
        criterion="median accuracy 100%",
        run_once=_window_recipe(3, as_features=False),
        passes=median_at_least(1.0),
        quick_criterion=median_at_least(0.5),
    )
)


def _batch_context(context: RunContext) -> Outcome:
    x, y = alphabet_windows(1)
    spec = _classifier(1, 16, 1)
    epochs = context.epochs_or(5000, 1500)
    ordered = _train(x, y, spec, context, epochs=epochs, batch_size=len(x), shuffle=False)
    control = _train(x, y, spec, context, epochs=epochs, batch_size=len(x), shuffle=True)
    ordered_acc = ordered.evaluate(x, y)["accuracy"]
    control_acc = control.evaluate(x, y)["accuracy"]
    rng = np.random.default_rng(context.seed)
    singles = rng.integers(0, len(x), 20)
    single_acc = float(np.mean(ordered.predict(x[singles]).argmax(-1) == y[singles]))
    context.echo(
        f"  in-order batch: {ordered_acc:.2%}; shuffled control: {control_acc:.2%}; "
        f"20 random letters predicted one at a time: {single_acc:.2%}. State never flows "
        f"between the samples of a batch, so order cannot matter: the score comes from "
        f"{epochs} epochs on a 25-entry lookup table."
    )
    return Outcome(ordered_acc, {"shuffled_control": control_acc, "single_letters": single_acc})


def _batch_context_passes(outcomes: list[Outcome]) -> bool:
    gaps = [abs(o.value - o.details["shuffled_control"]) for o in outcomes]
    # Within one pattern of 25: the shuffled control learns the same.
    return statistics.median(gaps) <= 1 / 25 + 1e-9


register(
    Recipe(
        name="alphabet-batch-context",
        source=SOURCE_001,
        description="One letter in, LSTM(16), the whole data set as one unshuffled batch, 5000 "
        "epochs; with a shuffled control that shows the batch gives no context.",
        metric="accuracy",
        reference=1.0,
        reference_text="100% (the document credits the batch with context)",
        criterion="the shuffled control scores within one pattern (4%) of the in-order run",
        run_once=_batch_context,
        passes=_batch_context_passes,
    )
)


def _stateful(context: RunContext) -> Outcome:
    x, y = alphabet_windows(1)
    spec = _classifier(1, 16, 1)
    epochs = context.epochs_or(300, 150)
    trainer = _train(x, y, spec, context, epochs=epochs, batch_size=1, stateful=True)
    accuracy = trainer.evaluate(x, y, batch_size=1)["accuracy"]

    def step(letter_id: int) -> int:
        return int(trainer.predict(scale_ids([[[letter_id]]])).argmax(-1)[0])

    trainer.reset_state()
    recital, letter = [], 0
    for _ in range(len(ALPHABET) - 1):
        letter = step(letter)
        recital.append(letter)
    recital_ok = recital == list(range(1, len(ALPHABET)))
    trainer.reset_state()
    cold = step(ALPHABET.index("K"))
    trainer.reset_state()
    for letter in range(ALPHABET.index("K")):
        step(letter)
    warm = step(ALPHABET.index("K"))
    trainer.reset_state()
    context.echo(
        f"  from 'A': {'A' + _letters(recital)}; cold 'K' -> '{_letters([cold])}'; "
        f"'K' after warming up on A..J -> '{_letters([warm])}'"
    )
    return Outcome(
        accuracy, {"recital_ok": recital_ok, "cold_k": _letters([cold]), "warm_k": _letters([warm])}
    )


def _stateful_passes(outcomes: list[Outcome]) -> bool:
    recited = sum(o.details["recital_ok"] for o in outcomes)
    warmed = sum(o.details["warm_k"] == "L" for o in outcomes)
    return (
        statistics.median(o.value for o in outcomes) >= 1.0
        and 2 * recited > len(outcomes)
        and 2 * warmed > len(outcomes)
    )


register(
    Recipe(
        name="alphabet-stateful",
        source=SOURCE_001,
        description="One letter in, stateful LSTM(16), batch 1, 300 epochs with a reset after each; "
        "recites A..Z, fails from a cold 'K', succeeds after warming up on A..J.",
        metric="accuracy",
        reference=1.0,
        reference_text="100%; from a cold 'K' the document's model says 'B'",
        criterion="median accuracy 100%, and most repeats recite A..Z and say 'L' after the warm-up",
        run_once=_stateful,
        passes=_stateful_passes,
        quick_criterion=median_at_least(0.6),
    )
)


def _variable_length(context: RunContext) -> Outcome:
    rng = np.random.default_rng(context.seed)
    n_samples = 200 if context.quick else 1000
    runs, y = variable_length_samples(n_samples, 5, rng)
    x = pad_runs(runs, 5)
    spec = _classifier(1, 32, 5)
    epochs = context.epochs_or(500, 20)
    trainer = _train(x, y, spec, context, epochs=epochs, batch_size=1)
    accuracy = trainer.evaluate(x, y)["accuracy"]
    probes = [list(range(s, e + 1)) for s, e in ((15, 19), (22, 22), (0, 3), (7, 9))]
    predicted = trainer.predict(pad_runs(probes, 5)).argmax(-1)
    context.echo(
        "  "
        + " ".join(
            f"{_letters(p)}->{_letters([q])}" for p, q in zip(probes, predicted, strict=True)
        )
    )
    return Outcome(accuracy, {"samples": n_samples, "epochs": epochs})


register(
    Recipe(
        name="alphabet-variable-length",
        source=SOURCE_001,
        description="1000 random runs of 1..5 letters, pre-padded to 5, LSTM(32), 500 epochs, batch 1 "
        "(slow: about 15 minutes per repeat on a laptop CPU).",
        metric="accuracy",
        reference=0.97,
        reference_text="training accuracy about 0.97 by epoch 350",
        criterion="median training accuracy at least 0.95",
        run_once=_variable_length,
        passes=median_at_least(0.95),
        quick_criterion=median_at_least(0.15),
    )
)


def _dense_window(context: RunContext) -> Outcome:
    x, y = alphabet_windows(3)
    spec = mlp_window(
        1,
        len(ALPHABET),
        timesteps=3,
        hidden=(30,),
        task="multiclass",
        keras_init=True,
        dense_init="normal",
    )
    epochs = context.epochs_or(1000, 300)
    trainer = _train(x, y, spec, context, epochs=epochs, batch_size=5)
    scores = trainer.evaluate(x, y)
    vocab = alphabet_vocabulary()
    probes = np.stack([vocab.encode(p) for p in CORRUPTED_PROBES])
    predicted = trainer.predict(scale_ids(probes).reshape(len(probes), 3, 1)).argmax(-1)
    shown = " ".join(
        f"{p}->{_letters([q])}" for p, q in zip(CORRUPTED_PROBES, predicted, strict=True)
    )
    context.echo(f"  corrupted inputs: {shown}")
    return Outcome(scores["accuracy"], {"loss": scores["loss"], "probes": shown})


register(
    Recipe(
        name="alphabet-dense-window",
        source=SOURCE_000,
        description="The MLP baseline: Dense(30, relu, normal init) -> Dense(26) on the 3-letter "
        "window, 1000 epochs, batch 5; plus the corrupted-input probe.",
        metric="accuracy",
        reference=0.61,
        reference_text="loss 1.8194, accuracy 0.61 (14/23)",
        criterion="median accuracy in [35%, 85%]: the MLP learns part of the window, as in the "
        "document",
        run_once=_dense_window,
        passes=median_between(0.35, 0.851),
        quick_criterion=median_at_least(0.1),
    )
)
