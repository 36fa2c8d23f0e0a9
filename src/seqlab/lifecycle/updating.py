"""Update a finalized model with new data: the book's five steps (chapter 14).

1. collect new data (the caller's), 2. evaluate the champion on it (skill over time),
3. develop candidates with four strategies, 4. evaluate them with repeats on the same
recent data beside a fair baseline, 5. replace the champion only when a candidate is
robustly better, keeping the previous version for rollback.

Strategies: ``continue-new`` (a) the champion trained further on new data only,
``continue-all`` (b) further on old + new, ``fresh-new`` (c) a new model on new data,
``fresh-all`` (d) a new model on old + new. The fair ``baseline`` is the champion given
the same extra epochs on old data: a gain it matches comes from the epochs, not the data.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from torch import nn

from seqlab._io import atomic_savefig
from seqlab._validation import as_numeric_array, check_first_seed, check_float, check_int
from seqlab.bundle import load, save
from seqlab.bundle.loading import Bundle
from seqlab.data.pipeline import Pipeline
from seqlab.errors import ValidationError
from seqlab.evaluate.repeats import check_repeats, each_seed
from seqlab.lifecycle.skill import plot_skill, rmse, skill_over_time
from seqlab.models.building import build
from seqlab.train.config import TrainerConfig
from seqlab.train.history import History
from seqlab.train.trainer import Trainer

__all__ = ["update", "updatable", "UpdateReport", "STRATEGIES", "BASELINE", "train_candidate"]

STRATEGIES = {
    "continue-new": "(a) champion + extra epochs on new data",
    "continue-all": "(b) champion + extra epochs on old and new data",
    "fresh-new": "(c) new model trained on new data",
    "fresh-all": "(d) new model trained on old and new data",
}
"""Strategy name -> what it does."""
BASELINE = "baseline"


@dataclass
class UpdateReport:
    """What an update found and did.

    ``scores`` maps each candidate (and ``baseline``) to its RMSE over repeats on the same
    recent data; ``champion_rmse`` is the champion's there; ``promoted`` says whether the
    winner replaced it (``version`` then names the new version folder).
    """

    champion_rmse: float
    scores: dict[str, list[float]]
    winner: str
    promoted: bool
    reason: str
    skill: list[dict[str, float]] = field(default_factory=list)
    version: str | None = None
    figure: Any = None
    skipped: dict[str, str] = field(default_factory=dict)
    #: Whether the winner beat the champion and the baseline: it is promoted unless the
    #: update was a dry run (``promote=False``), which reports what it would have done.
    better: bool = False

    def means(self) -> dict[str, float]:
        """Mean RMSE of each candidate."""
        return {name: float(statistics.fmean(values)) for name, values in self.scores.items()}

    def to_dict(self) -> dict[str, Any]:
        """JSON-plain summary."""
        return {"champion_rmse": self.champion_rmse, "scores": self.scores,
                "means": self.means(), "winner": self.winner, "promoted": self.promoted,
                "reason": self.reason, "skill": self.skill, "version": self.version,
                "skipped": self.skipped, "better": self.better}


def _copy_of(bundle: Bundle, fresh: bool, seed: int) -> nn.Module:
    model = build(bundle.spec, seed=seed)
    if not fresh:
        model.load_state_dict(bundle.model.state_dict())
    return model


def train_candidate(bundle: Bundle, strategy: str, old: np.ndarray, new: np.ndarray, *,
                    epochs: int, extra_epochs: int, lr_factor: float,
                    seed: int) -> tuple[Trainer, Pipeline]:
    """Train one candidate of `strategy` (or the fair baseline); return its trainer and
    pipeline. Continued models keep the champion's fitted pipeline (their weights expect
    it); new models get the same steps refitted on their own training data."""
    config = bundle.trainer_config
    fresh = strategy.startswith("fresh")
    if strategy in ("continue-new", "fresh-new"):
        data = new
    elif strategy == BASELINE:
        data = old
    else:
        data = np.concatenate([old, new])
    pipeline = bundle.pipeline
    if fresh:
        pipeline = Pipeline.from_dict(pipeline.to_dict()).fit(data)
    x, y = pipeline.frame(data)
    model = _copy_of(bundle, fresh, seed)
    lr = config.lr
    if not fresh and lr is not None:
        lr = lr * lr_factor
    # The champion's optimizer and loss at this candidate's rate and seed; the rest stays
    # at the defaults, as update has always trained its candidates (a divergence policy
    # tuned for the champion's first fit would roll back a continued model's first epoch).
    trainer = Trainer(model, TrainerConfig(optimizer=config.optimizer, loss=config.loss,
                                           lr=lr, seed=seed))
    trainer.fit(x, y.reshape(len(y), -1), epochs=epochs if fresh else extra_epochs,
                batch_size=config.batch_size or 32, verbose=0)
    return trainer, pipeline


def updatable(bundle_path: str | Path) -> Any:
    """The bundle at `bundle_path`, loaded, where `update` can work on it: a series
    forecaster (a pipeline with a window step, regression); else a `ValidationError`."""
    champion = load(bundle_path)
    if champion.pipeline.window is None or champion.spec.task != "regression":
        kind = (" (a text model: seqlab train-text trains it anew)"
                if champion.pipeline.encoder is not None else "")
        raise ValidationError(
            f"update works on series forecasters (a pipeline with a window step, regression); "
            f"the bundle at {bundle_path} is not one{kind}.")
    return champion


def update(
    bundle_path: str | Path,
    old: Any,
    new: Any,
    *,
    holdout: float = 0.3,
    strategies: tuple[str, ...] = tuple(STRATEGIES),
    repeats: int = 3,
    epochs: int | None = None,
    extra_epochs: int | None = None,
    lr_factor: float = 0.1,
    min_improvement: float = 0.05,
    seed: int = 0,
    promote: bool = True,
    block: int = 50,
    plot: str | Path | None = None,
) -> UpdateReport:
    """Evaluate the champion at `bundle_path` on `new` data, train candidates, compare them on
    the most recent `holdout` fraction of `new`, and promote the best when it is better.

    Parameters
    ----------
    old, new:
        The series the champion was trained on, and the series collected since (raw units).
    holdout:
        Fraction of `new` (its most recent part) kept for evaluation; candidates train on the
        rest. Every model is scored on exactly these windows.
    strategies, repeats:
        Candidate strategies (see :data:`STRATEGIES`), each trained `repeats` times with
        seeds ``seed, seed+1, …``. The fair baseline always runs.
    epochs, extra_epochs, lr_factor:
        Epochs of a new model (default: the champion's), extra epochs when continuing
        (default: a fifth of that), and the learning-rate factor when continuing (a small
        rate adjusts the weights rather than replacing them).
    min_improvement:
        The winner must beat both the champion and the fair baseline by this fraction of
        their RMSE (mean over repeats) to be promoted.
    promote:
        False: report only. When promoted, the old version is kept for rollback.
    plot:
        PNG path for the skill-over-time and candidates figure.
    """
    owner = "update"
    check_float("holdout", holdout, owner, low=0.0, high=0.9, low_open=True)
    repeats = check_repeats(repeats, owner)
    seed = check_first_seed(seed, repeats, owner)
    # None means "the default"; 0 is refused rather than read as None (it trained the
    # default number of epochs without a word), and a negative count fails here, before the
    # champion is scored and the first candidates trained.
    if epochs is not None:
        epochs = check_int("epochs", epochs, owner, low=1)
    if extra_epochs is not None:
        extra_epochs = check_int("extra_epochs", extra_epochs, owner, low=1)
    check_float("lr_factor", lr_factor, owner, low=0.0, low_open=True)
    check_float("min_improvement", min_improvement, owner, low=0.0, high=0.99)
    if isinstance(strategies, str) or not strategies:
        raise ValidationError(f"The 'strategies' parameter of update must be a list of "
                              f"strategies among {list(STRATEGIES)}; got {strategies!r}.")
    for name in strategies:
        if name not in STRATEGIES:
            raise ValidationError(f"Unknown update strategy {name!r}; known: {list(STRATEGIES)}.")
    champion = updatable(bundle_path)
    window = champion.pipeline.window
    old = as_numeric_array(old, "old", "update").astype(np.float64)
    new = as_numeric_array(new, "new", "update").astype(np.float64)
    fitted = [getattr(getattr(step, "scaler_", None), "n_features_in_", None)
              for step in champion.pipeline.steps]
    width = len(champion.pipeline.columns or []) or next((w for w in fitted if w), 1)
    for name, data in (("old", old), ("new", new)):
        got = 1 if data.ndim == 1 else data.shape[-1] if data.ndim == 2 else None
        if got != width:
            raise ValidationError(f"The '{name}' parameter of update holds data of shape "
                                  f"{data.shape}; the champion reads {width} column(s) a step "
                                  f"({'a 1-D series' if width == 1 else f'(steps, {width})'}).")
    if len(new) < window.n_out:
        raise ValidationError(
            f"The new data has {len(new)} step(s); the champion forecasts n_out={window.n_out} "
            f"at once, so at least {window.n_out} new steps are needed to score anything. "
            f"Collect more data before updating.")
    if len(old) < window.n_in + window.n_out:
        # n_in give the first forecast of the new data its context; the fair baseline trains
        # on the old data alone, which needs one whole window (it failed after the other
        # candidates had trained, saying only that "`series` has only 3 time steps").
        raise ValidationError(
            f"The old data has {len(old)} step(s); at least n_in + n_out = {window.n_in} + "
            f"{window.n_out} = {window.n_in + window.n_out} are needed: n_in as the context of "
            f"the first forecast of the new data, and one whole window for the fair baseline, "
            f"which trains on the old data. Pass the series the champion was trained on.")
    n_eval = min(len(new), max(window.n_out, int(round(len(new) * holdout))))
    split = len(new) - n_eval
    new_train = new[:split]
    # The evaluation windows forecast the last n_eval new steps; their inputs may reach
    # back into the old data, so even a few new points can be scored.
    recent = np.concatenate([old, new])[len(old) + split - window.n_in:]
    skipped = {}
    if len(new_train) < window.n_in + window.n_out:
        for name in ("continue-new", "fresh-new"):
            if name in strategies:
                skipped[name] = (f"the {len(new_train)} new step(s) left for training are fewer "
                                 f"than the n_in + n_out = {window.n_in + window.n_out} one "
                                 f"window needs")
        strategies = tuple(name for name in strategies if name not in skipped)
        if not strategies:
            raise ValidationError(
                f"The new data has {len(new)} steps: after keeping {n_eval} for evaluation, too "
                f"few remain to train the '-new' strategies (one window needs "
                f"{window.n_in + window.n_out}), and no '-all' strategy was asked for. Add "
                f"continue-all or fresh-all, or collect more data.")
    base_epochs = epochs if epochs is not None else champion.trainer_config.epochs or 100
    extra = extra_epochs if extra_epochs is not None else max(1, base_epochs // 5)
    champion_rmse = rmse(champion.model, champion.pipeline, recent)
    skill = skill_over_time(champion.model, champion.pipeline, np.concatenate([old, new]),
                            block=block)
    scores: dict[str, list[float]] = {}
    best: dict[str, tuple[float, Trainer, Pipeline]] = {}
    for name in (*strategies, BASELINE):
        candidates = each_seed(
            lambda run_seed, name=name: train_candidate(
                champion, name, old, new_train, epochs=base_epochs, extra_epochs=extra,
                lr_factor=lr_factor, seed=run_seed),
            repeats=repeats, seed=seed, single_thread=False, owner=owner)
        scores[name] = []
        for trainer, pipeline in candidates:
            score = rmse(trainer.model, pipeline, recent)
            scores[name].append(score)
            if name not in best or score < best[name][0]:
                best[name] = (score, trainer, pipeline)
    means = {name: statistics.fmean(values) for name, values in scores.items()}
    winner = min(strategies, key=means.get)
    bar = (1 - min_improvement) * min(champion_rmse, means[BASELINE])
    better = means[winner] < bar
    if better:
        reason = (f"{winner} (mean RMSE {means[winner]:.4g}) beats the champion "
                  f"({champion_rmse:.4g}) and the fair baseline ({means[BASELINE]:.4g}) by more "
                  f"than {min_improvement:.0%}.")
    else:
        reason = (f"keep the champion: the best candidate {winner} (mean RMSE "
                  f"{means[winner]:.4g}) does not beat both the champion ({champion_rmse:.4g}) "
                  f"and the fair baseline ({means[BASELINE]:.4g}) by {min_improvement:.0%}.")
    version = None
    if better and promote:
        _, trainer, pipeline = best[winner]
        config = champion.trainer_config.replace(
            epochs=base_epochs if winner.startswith("fresh") else extra, lr=trainer.lr)
        folder = save(trainer.model, bundle_path, pipeline=pipeline,
                      trainer_config=config, history=History(trainer.history_.records),
                      optimizer=trainer.optimizer, keep_previous=True,
                      metadata={"updated_with": winner, "recent_rmse": best[winner][0],
                                "champion_recent_rmse": champion_rmse})
        version = folder.name
    figure = plot_skill(skill, boundary=len(old) - window.n_in, scores=scores,
                        champion=champion_rmse)
    if plot is not None:
        atomic_savefig(figure, plot, dpi=100, bbox_inches="tight")
    return UpdateReport(champion_rmse, scores, winner, better and promote, reason, skill,
                        version, figure, skipped, better)
