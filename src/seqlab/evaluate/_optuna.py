"""The Optuna backend of `tune`: one study in an RDB storage, shared by any number of workers.

Workers (processes, machines) that open the same storage URL and study name share the
study. Three rules keep their work useful:

- **Budget.** With `max_trials`, a worker stops once the study holds that many completed
  trials, or once the trials other workers are running would reach it (a trial counts
  the running trials numbered below it: numbers follow creation order, so of two
  workers that start the last trial at once, the later one steps back).
- **No re-trained duplicates.** A trial whose parameters equal those of a finished
  trial (completed, pruned, or diverged), or of a running trial numbered below it, is
  not trained: it is closed as pruned with the user attribute ``duplicate_of``. The
  check runs again after training, so two workers that drew the same parameters at the
  same moment record one result.
- **Pruning.** The first repeat of each trial runs in this process and reports its
  validation score each epoch (``trial.report``); after a warm-up, a `MedianPruner`
  stops trials that are worse than the median of earlier trials at the same epoch. The other repeats of
  a trial that survives run as usual (in `workers` processes).

Each trial records its repeated ``scores`` and the ``worker`` (host:pid) that ran it. A
worker killed mid-trial leaves that trial running until its heartbeat is older than
`GRACE_PERIOD`; the next worker to start a trial marks it failed.
"""

from __future__ import annotations

import json
import math
import os
import random
import socket
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from seqlab.errors import ValidationError
from seqlab.evaluate._parallel import run_jobs
from seqlab.train.callbacks import Callback, watch_training

DEFAULT_STORAGE = "sqlite:///seqlab-tune.db"
HEARTBEAT_INTERVAL = 30
"""Seconds between a running trial's heartbeats in the storage."""
GRACE_PERIOD = 120
"""A running trial whose last heartbeat is older than this is failed by the next worker."""
MAX_DUPLICATES_IN_A_ROW = 20
"""A worker whose sampler keeps drawing tried configurations stops after this many."""
WORKER = f"{socket.gethostname()}:{os.getpid()}"


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


def storage_url(storage: str | None) -> str:
    """The SQLAlchemy URL of `storage`: a URL as given, a plain path as a SQLite file
    (``study.db`` -> ``sqlite:///study.db``), None as `DEFAULT_STORAGE`."""
    if storage is None:
        return DEFAULT_STORAGE
    if not isinstance(storage, str) or not storage.strip():
        raise ValidationError(
            "The 'storage' parameter of tune must be a database URL (sqlite:///study.db, "
            f"postgresql://user@host/db) or a file path. Got {storage!r} instead.")
    text = storage.strip()
    if "://" not in text:
        _check_sqlite_file(Path(text), text)
        return f"sqlite:///{text}"
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(text)
    except ArgumentError:
        raise ValidationError(
            f"The storage {text!r} is not a database URL: write dialect://user@host/database "
            f"(e.g. sqlite:///study.db or postgresql://user@host/db), or a plain file path "
            f"for SQLite.") from None
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise ValidationError(
                f"The storage {text!r} is an in-memory SQLite database, which other workers "
                f"cannot share and which is gone when this process ends; name a file, e.g. "
                f"sqlite:///study.db.")
        _check_sqlite_file(Path(url.database), text)
    return text


def _check_sqlite_file(path: Path, text: str) -> None:
    if path.is_dir():
        raise ValidationError(f"The storage {text!r} is a folder; name a database file in it.")
    if not path.parent.is_dir():
        raise ValidationError(
            f"The storage {text!r} is in a folder that does not exist "
            f"({str(path.parent)!r}); create it first.")


def _open_storage(optuna: Any, url: str) -> Any:
    """An `RDBStorage` with heartbeats (stale trials get failed); SQLite waits up to 60 s
    for a lock that another worker holds instead of failing after 5."""
    from sqlalchemy.engine import make_url

    safe = make_url(url).render_as_string(hide_password=True)
    engine = {"connect_args": {"timeout": 60}} if url.startswith("sqlite") else {}
    for attempt in range(5):
        try:
            with warnings.catch_warnings():  # heartbeats are "experimental" since optuna 2.9
                warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
                return optuna.storages.RDBStorage(url, engine_kwargs=engine,
                                                  heartbeat_interval=HEARTBEAT_INTERVAL,
                                                  grace_period=GRACE_PERIOD)
        except ImportError as error:
            raise ValidationError(
                f"The storage {safe!r} needs a database driver that is not installed: "
                f"{error}.") from None
        except Exception as error:  # SQLAlchemy raises many types; two workers may race
            if attempt == 4 or not _is_race(error):
                raise ValidationError(
                    f"Could not open the storage {safe!r}: "
                    f"{str(error).splitlines()[0]}") from None
            time.sleep(0.2 + random.random())
    raise AssertionError("unreachable")


def _is_race(error: Exception) -> bool:
    """Two workers creating the same database at once: one sees the other's tables."""
    text = str(error).lower()
    return any(s in text for s in ("already exists", "locked", "unique constraint"))


def _suggest(trial: Any, name: str, values: Any) -> Any:
    if isinstance(values, list):
        return trial.suggest_categorical(name, values)
    low, high, log = values["low"], values["high"], bool(values.get("log", False))
    if isinstance(low, int) and isinstance(high, int):
        return trial.suggest_int(name, low, high, log=log)
    return trial.suggest_float(name, float(low), float(high), log=log)


class _ReportEpochs(Callback):
    """Reports `monitor` after each epoch to the trial and prunes it when the pruner says
    so. Steps count epochs over every fit of the run, so a run that fits twice still
    reports each epoch once."""

    def __init__(self, optuna: Any, trial: Any, monitor: str):
        self.optuna, self.trial, self.monitor = optuna, trial, monitor
        self.step = 0

    def on_epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        value = logs.get(self.monitor)
        if value is None or not math.isfinite(float(value)):
            return
        self.trial.report(float(value), self.step)
        self.step += 1
        if self.trial.should_prune():
            raise self.optuna.TrialPruned(
                f"{self.monitor}={float(value):.6g} after epoch {self.step}")


def _open_study(optuna: Any, url: str, study_name: str, direction: str,
                space: dict[str, Any], fingerprint: str, warmup: int) -> Any:
    study = optuna.create_study(
        study_name=study_name, storage=_open_storage(optuna, url), direction=direction,
        load_if_exists=True, sampler=optuna.samplers.TPESampler(),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=warmup))
    stored = study.direction.name.lower()
    if stored != direction:
        raise ValidationError(
            f"Study {study_name!r} ({url}) was made to {stored} its score; this run would "
            f"{direction} it. Use the same direction, or another study name.")
    attrs = study.user_attrs
    mine = {"seqlab_space": json.dumps(space, sort_keys=True, default=str),
            "seqlab_objective": fingerprint}
    for key, what in (("seqlab_space", "search space"), ("seqlab_objective", "problem")):
        if key in attrs and attrs[key] != mine[key]:
            raise ValidationError(
                f"Study {study_name!r} ({url}) was made for another {what}; its trials would "
                f"not compare with this run's. Use another study name (or leave it out to "
                f"have one derived from the problem).")
        if key not in attrs:
            study.set_user_attr(key, mine[key])
    return study


def optuna_search(
    fn: Callable[[dict[str, Any], int], float],
    space: dict[str, Any],
    *,
    seeds: list[int],
    n_trials: int | None,
    max_trials: int | None,
    workers: int,
    direction: str,
    storage: str,
    study_name: str,
    fingerprint: str,
    monitor: str,
    prune: bool,
    warmup: int = 0,
    echo: Callable[[str], None] | None,
) -> tuple[list[dict[str, Any]], list[list[float]], dict[str, int]]:
    """Run trials of the shared study: `n_trials` new ones (trained, not skipped as
    duplicates), or until the study holds `max_trials` completed trials. Return every
    completed trial's params and scores (other workers' and earlier runs' included) and a
    count of trials by outcome. No trial is pruned in its first `warmup` epochs."""
    optuna = import_optuna()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = _open_study(optuna, storage, study_name, direction, space, fingerprint, warmup)
    state = optuna.trial.TrialState
    counted = (state.COMPLETE, state.RUNNING)

    def claimed(trial_number: int | None) -> int:
        """Completed trials plus running ones (those below `trial_number`, if given)."""
        trials = study.get_trials(deepcopy=False, states=counted)
        return sum(t.state == state.COMPLETE or trial_number is None
                   or t.number < trial_number for t in trials if t.number != trial_number)

    def tried() -> list[Any]:
        """Trials whose configuration is settled or being settled: completed, running,
        pruned, or failed with scores (training diverged); not those skipped."""
        return [t for t in study.get_trials(deepcopy=False)
                if t.params and not _skipped(t) and (
                    t.state in (state.COMPLETE, state.RUNNING, state.PRUNED)
                    or (t.state == state.FAIL and "scores" in t.user_attrs))]

    def twin(trial: Any, params: dict[str, Any]) -> Any:
        for other in tried():
            if other.number != trial.number and other.params == params and (
                    other.state != state.RUNNING or other.number < trial.number):
                return other
        return None

    def skip(trial: Any, key: str, value: Any, why: str) -> None:
        trial.set_user_attr(key, value)
        raise optuna.TrialPruned(why)

    def objective(trial: Any) -> float:
        trial.set_user_attr("worker", WORKER)
        if max_trials is not None and claimed(trial.number) >= max_trials:
            study.stop()
            skip(trial, "surplus", True, f"the study has its {max_trials} trials")
        params = {name: _suggest(trial, name, values) for name, values in space.items()}
        if (original := twin(trial, params)) is not None:
            skip(trial, "duplicate_of", original.number, f"same as trial {original.number}")
        rest = seeds
        scores: list[Any] = []
        if prune:
            with watch_training([_ReportEpochs(optuna, trial, monitor)]):
                scores += run_jobs(fn, [(params, seeds[0])], owner="tune")
            rest = seeds[1:]
        scores += run_jobs(fn, [(params, s) for s in rest], workers=workers, owner="tune")
        scores = [float(v) for v in scores]
        if (original := twin(trial, params)) is not None:  # drawn elsewhere meanwhile
            skip(trial, "duplicate_of", original.number, f"same as trial {original.number}")
        trial.set_user_attr("scores", scores)
        return sum(scores) / len(scores)

    size = _size(space)
    streak = [0]  # duplicates drawn in a row by this worker
    trained = [0]  # trials this call trained (skipped duplicates do not count)

    def exhausted() -> bool:
        if size is None:
            return False
        return len({json.dumps(t.params, sort_keys=True, default=str)
                    for t in tried()}) >= size

    def after(study: Any, trial: Any) -> None:
        say(_trial_line(trial, state))
        streak[0] = streak[0] + 1 if "duplicate_of" in trial.user_attrs else 0
        trained[0] += not _skipped(trial)
        if n_trials is not None and trained[0] >= n_trials:
            study.stop()
        elif max_trials is not None and claimed(None) >= max_trials:
            study.stop()
        elif exhausted():
            say(f"> every one of the {size} configurations is tried or being tried "
                f"({claimed(None)} completed or running; the others were pruned)")
            study.stop()
        elif streak[0] >= MAX_DUPLICATES_IN_A_ROW:
            say(f"> the sampler drew {streak[0]} configurations in a row that were already "
                f"tried: stopping this worker")
            study.stop()

    def say(line: str) -> None:
        if echo is not None:
            echo(line)

    if max_trials is not None and claimed(None) >= max_trials:
        say(f"> study {study_name!r} has its {max_trials} trials")
    elif exhausted():
        say(f"> every one of the {size} configurations is tried or being tried")
    else:
        study.optimize(objective, callbacks=[after])
    trials = study.get_trials(deepcopy=False)
    done = [t for t in trials if t.state == state.COMPLETE and "scores" in t.user_attrs]
    counts = {"complete": len(done),
              "pruned": sum(t.state == state.PRUNED and not _skipped(t) for t in trials),
              "duplicate": sum("duplicate_of" in t.user_attrs for t in trials),
              "failed": sum(t.state == state.FAIL for t in trials),
              "running": sum(t.state == state.RUNNING for t in trials)}
    return ([dict(t.params) for t in done], [list(t.user_attrs["scores"]) for t in done],
            counts)


def _size(space: dict[str, Any]) -> int | None:
    """How many configurations `space` holds; None when a float range makes it endless."""
    size = 1
    for values in space.values():
        if isinstance(values, list):
            size *= len(set(json.dumps(v, default=str) for v in values))
        elif isinstance(values["low"], int) and isinstance(values["high"], int):
            size *= values["high"] - values["low"] + 1
        else:
            return None
    return size


def _skipped(trial: Any) -> bool:
    return "duplicate_of" in trial.user_attrs or "surplus" in trial.user_attrs


def _trial_line(trial: Any, state: Any) -> str:
    head = f"> trial {trial.number} {trial.params}"
    if trial.state == state.COMPLETE:
        return f"{head}: mean={trial.value:.6g}"
    if "duplicate_of" in trial.user_attrs:
        return f"{head}: already tried in trial {trial.user_attrs['duplicate_of']}, skipped"
    if "surplus" in trial.user_attrs:
        return f"> trial {trial.number}: not needed, the study has its trials"
    if trial.state == state.PRUNED:
        steps = len(trial.intermediate_values)
        return f"{head}: pruned after epoch {steps}"
    return f"{head}: {trial.state.name.lower()}"
