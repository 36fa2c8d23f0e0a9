"""Read learning curves like the book does: underfit, good fit or overfit, with advice.

The verdict comes from the training and validation loss curves alone:

1. **overfit** — validation loss reached its best at some epoch, has not been better
   for at least `patience` (a fraction of the epochs shown), and is now at least
   `min_rise` (relative) above that best while the training loss did not rise.
2. **underfit, still improving** — validation loss fell by more than `tol` of the
   curves' range over the last `tail` fraction of epochs: more training would help.
3. **underfit, plateau** — no real progress any more, but validation loss sits
   above training loss by more than `gap` of the range (or training loss never fell
   to half its start): the model lacks capacity.
4. **good fit** — otherwise: both curves have levelled off around the same point.

Curves are smoothed with a running median (window ``n // 50``) so minibatch noise
does not read as a turn. "Range" is max − min over both curves, so thresholds
are scale-free. A validation loss that only recently turned up is reported as a
note on a good fit rather than as overfitting.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from seqlab._validation import check_float, check_int
from seqlab.errors import ValidationError

__all__ = ["VERDICTS", "ADVICE", "Diagnosis", "diagnose", "diagnose_many", "majority"]

#: The three verdicts, as `Diagnosis.verdict` and recipes' JSON report them.
VERDICTS = ("underfit", "good-fit", "overfit")

#: The book's advice (chapter 12.2) for each reason.
ADVICE = {
    "still-improving": "Underfit: validation loss is still falling. Performance may be "
                       "improved by increasing the number of training epochs.",
    "plateau": "Underfit: both curves have levelled off with the validation loss well above "
               "the training loss. The model appears under-provisioned; performance may be "
               "improved by increasing its capacity, such as the number of memory cells in a "
               "hidden layer or the number of hidden layers.",
    "good-fit": "Good fit: training and validation loss decreased and stabilised around the "
                "same point. This is the fit to aim for.",
    "overfit": "Overfit: validation loss improved to a point and then began to degrade while "
               "training loss kept improving. This may be a sign of too many training "
               "epochs: stop training at the inflection point (EarlyStopping on val_loss with "
               "restore_best_weights=True), or increase the number of training examples; "
               "regularisation (dropout, weight penalties) also helps.",
}


@dataclass
class Diagnosis:
    """What the learning curves show.

    `verdict` is one of `VERDICTS`; `reason` is ``still-improving``, ``plateau``,
    ``good-fit`` or ``overfit``; `turn_epoch` is the (1-based) epoch where validation
    loss was best when it later rose; `advice` is the book's advice in words.
    """

    verdict: str
    reason: str
    advice: str
    epochs: int
    best_epoch: int
    turn_epoch: int | None
    final_loss: float
    final_val_loss: float
    best_val_loss: float
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return asdict(self)

    def __str__(self) -> str:
        text = (f"{self.verdict} ({self.reason}) after {self.epochs} epochs: loss "
                f"{self.final_loss:.4g}, val_loss {self.final_val_loss:.4g} (best "
                f"{self.best_val_loss:.4g} at epoch {self.best_epoch}). {self.advice}")
        return " ".join([text, *self.notes])


def _running_median(values: np.ndarray, window: int) -> np.ndarray:
    if window <= 1:
        return values.copy()
    half = window // 2
    padded = np.pad(values, half, mode="edge")
    view = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)
    return np.median(view, axis=1)


def _curve(history: Any, key: str, given: Any) -> np.ndarray:
    if given is not None:
        values = given
    else:
        if history is None:
            raise ValidationError("diagnose needs a History, or `train` and `val` sequences.")
        try:
            values = history[key]
        except KeyError as error:
            keys = history.keys() if hasattr(history, "keys") else []
            raise ValidationError(
                f"The history has no {key!r} curve (recorded: {list(keys)}). Train with "
                f"validation data (validation_data= or validation_split=) to diagnose."
            ) from error
    values = list(np.asarray(values, dtype=object).reshape(-1))
    missing = [epoch for epoch, v in enumerate(values, start=1) if v is None]
    if missing:
        raise ValidationError(f"The {key!r} curve was not recorded at {len(missing)} of "
                              f"{len(values)} epochs (first at epoch {missing[0]}); cannot "
                              f"diagnose it.")
    words = [v for v in values if isinstance(v, (str, bytes))]
    if words:
        raise ValidationError(f"The {key!r} curve holds {words[0]!r}, not a number; cannot "
                              f"diagnose it.")
    array = np.asarray(values, dtype=float)
    if not np.isfinite(array).all():
        first = int(np.flatnonzero(~np.isfinite(array))[0]) + 1
        raise ValidationError(f"The {key!r} curve holds NaN or infinity (first at epoch "
                              f"{first}); cannot diagnose it.")
    return array


def diagnose(
    history: Any = None,
    *,
    train: Sequence[float] | None = None,
    val: Sequence[float] | None = None,
    train_key: str = "loss",
    val_key: str = "val_loss",
    start: int = 0,
    patience: float = 0.2,
    min_rise: float = 0.5,
    tol: float = 0.01,
    gap: float = 0.1,
    tail: float = 0.1,
) -> Diagnosis:
    """Diagnose a `History` (or `train`/`val` loss sequences) as underfit, good fit or overfit.

    `start` skips the first epochs (as the book plots its overfit curve from epoch 500).
    The order in which the verdicts are tried and what the thresholds `patience`,
    `min_rise`, `tol`, `gap` and `tail` mean are explained in the documentation of the
    module `seqlab.evaluate.diagnosis` (``help(seqlab.evaluate.diagnosis)``).
    """
    owner = "diagnose"
    t_all, v_all = _curve(history, train_key, train), _curve(history, val_key, val)
    if len(t_all) != len(v_all):
        raise ValidationError(
            f"The training and validation curves must have one value per epoch each; got "
            f"{len(t_all)} and {len(v_all)}."
        )
    start = check_int("start", start, owner, low=0, high=max(0, len(t_all) - MIN_EPOCHS))
    check_float("patience", patience, owner, low=0.0, high=1.0, low_open=True)
    check_float("min_rise", min_rise, owner, low=0.0, low_open=True)
    check_float("tol", tol, owner, low=0.0)
    check_float("gap", gap, owner, low=0.0)
    check_float("tail", tail, owner, low=0.0, high=1.0, low_open=True)
    t_raw, v_raw = t_all[start:], v_all[start:]
    n = len(t_raw)
    if n < MIN_EPOCHS:
        raise ValidationError(
            f"diagnose needs at least {MIN_EPOCHS} epochs of curves; got {n}.")
    window = max(1, n // 50) | 1
    t, v = _running_median(t_raw, window), _running_median(v_raw, window)
    scale = float(max(t.max(), v.max()) - min(t.min(), v.min())) or (abs(float(v.max())) or 1.0)
    best = int(np.argmin(v))
    since_best = n - 1 - best
    rise = (v[-1] - v[best]) / v[best] if v[best] > 0 else math.inf * (v[-1] > v[best])
    train_rose = t[-1] > t[best] * (1.0 + min_rise) and t[-1] - t[best] > tol * scale
    k = max(1, math.ceil(tail * n))
    notes: list[str] = []
    turned = rise >= min_rise and v[-1] > v[best]
    if turned and since_best >= max(1, math.ceil(patience * n)) and not train_rose:
        reason = "overfit"
    elif v[max(0, n - 1 - k)] - v[-1] > tol * scale and since_best < k:
        reason = "still-improving"
    elif v[-1] - t[-1] > gap * scale or t[-1] > 0.5 * t[0]:
        reason = "plateau"
    else:
        reason = "good-fit"
    if turned and reason != "overfit":
        notes.append(f"Note: validation loss has risen {rise:.0%} above its best (epoch "
                     f"{start + best + 1}) over the last {since_best} epochs; watch for "
                     f"overfitting if training continues.")
    if turned and train_rose:
        notes.append("Note: training loss rose as well, which points at unstable training "
                     "(try a lower learning rate) rather than overfitting.")
    verdict = {"still-improving": "underfit", "plateau": "underfit"}.get(reason, reason)
    return Diagnosis(
        verdict=verdict,
        reason=reason,
        advice=ADVICE[reason],
        epochs=len(t_all),
        best_epoch=start + best + 1,
        turn_epoch=start + best + 1 if reason == "overfit" else None,
        final_loss=float(t_raw[-1]),
        final_val_loss=float(v_raw[-1]),
        best_val_loss=float(v_raw.min()),
        notes=notes,
    )


MIN_EPOCHS = 3
"""The fewest epochs of curves `diagnose` reads."""


def diagnosable(history: Any, val_key: str = "val_loss") -> bool:
    """Whether `diagnose` can read `history`: it has a validation curve (`val_key`) over at
    least `MIN_EPOCHS` epochs. Run directories, the report and ``seqlab diagnose`` ask this."""
    return val_key in history.keys() and len(history) >= MIN_EPOCHS


def diagnose_many(histories: Sequence[Any], **options: Any) -> list[Diagnosis]:
    """`diagnose` each history of repeated runs (options as for `diagnose`)."""
    if not histories:
        raise ValidationError("diagnose_many needs at least one history.")
    return [diagnose(history, **options) for history in histories]


def majority(diagnoses: Sequence[Diagnosis]) -> str:
    """The most common verdict (ties go to the first seen)."""
    if not diagnoses:
        raise ValidationError("majority needs at least one Diagnosis.")
    return Counter(d.verdict for d in diagnoses).most_common(1)[0][0]
