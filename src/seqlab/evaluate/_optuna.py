"""The Optuna backend of `tune`: a study in an RDB storage, resumable and shareable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from seqlab.errors import ValidationError
from seqlab.evaluate._parallel import run_jobs

DEFAULT_STORAGE = "sqlite:///seqlab-tune.db"


def import_optuna() -> Any:
    """Import optuna, or say which extra installs it."""
    try:
        import optuna
    except ImportError as error:
        raise ValidationError(
            "The 'optuna' backend needs the optuna package: pip install 'seqlab[optuna]' "
            "(or pip install optuna)."
        ) from error
    return optuna


def _suggest(trial: Any, name: str, values: Any) -> Any:
    if isinstance(values, list):
        return trial.suggest_categorical(name, values)
    low, high, log = values["low"], values["high"], bool(values.get("log", False))
    if isinstance(low, int) and isinstance(high, int):
        return trial.suggest_int(name, low, high, log=log)
    return trial.suggest_float(name, float(low), float(high), log=log)


def optuna_search(
    fn: Callable[[dict[str, Any], int], float],
    space: dict[str, Any],
    *,
    seeds: list[int],
    n_trials: int,
    workers: int,
    direction: str,
    storage: str | None,
    study_name: str,
    echo: Callable[[str], None] | None,
) -> tuple[list[dict[str, Any]], list[list[float]], str]:
    """Run `n_trials` new trials; return every completed trial's params and scores
    (earlier trials of a resumed study included) and the storage URL."""
    optuna = import_optuna()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = storage or DEFAULT_STORAGE
    study = optuna.create_study(study_name=study_name, storage=storage, direction=direction,
                                load_if_exists=True,
                                sampler=optuna.samplers.TPESampler(seed=seeds[0]))
    for _ in range(n_trials):
        trial = study.ask()
        params = {name: _suggest(trial, name, values) for name, values in space.items()}
        scores = [float(v) for v in
                  run_jobs(fn, [(params, s) for s in seeds], workers=workers, owner="tune")]
        trial.set_user_attr("scores", scores)
        study.tell(trial, sum(scores) / len(scores))
        if echo is not None:
            echo(f"> trial {trial.number}: {params} mean={sum(scores) / len(scores):.6g}")
    done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE
            and "scores" in t.user_attrs]
    return [dict(t.params) for t in done], [list(t.user_attrs["scores"]) for t in done], storage
