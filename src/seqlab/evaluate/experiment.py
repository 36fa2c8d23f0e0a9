"""`ConfigExperiment`: build, fit and score a model described by a plain JSON config.

A config file lets `seqlab repeat` and `seqlab tune` run a user's experiment
without writing Python::

    {
      "spec":    {"input_size": 1, "output_size": 1, "units": [10], "keras_init": true},
      "trainer": {"optimizer": "adam", "loss": "mse"},
      "fit":     {"epochs": 500, "batch_size": 32, "shuffle": false},
      "data":    {"train": {"x": [[[0.0]], [[0.1]]], "y": [0.1, 0.2]},
                  "validation": {"x": [[[0.5]]], "y": [0.6]}},
      "score":   "val_loss"
    }

``data`` is inline arrays (``train``/``validation`` with ``x`` and ``y``), an ``npz``
file with arrays ``x``, ``y``, ``x_val``, ``y_val`` (a relative path is read from the
config file's folder), or a ``series`` with a ``window`` length and a
``validation_fraction`` (the last fraction of windows is held out). ``score`` is
``val_loss`` or the name of a metric computed on the validation data. Tuning
overrides (`TUNABLE`) change one field of the spec, trainer, fit or data.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from pathlib import Path
from typing import Any

import numpy as np

from seqlab._io import read_config_file
from seqlab._validation import as_numeric_array, check_float, check_int
from seqlab.data import windows
from seqlab.errors import UnknownNameError, ValidationError
from seqlab.models import ModelSpec, build
from seqlab.train import History, Trainer, TrainerConfig

__all__ = ["ConfigExperiment", "load_config", "apply_overrides", "run_many", "TUNABLE"]

_FIT_KEYS = ("epochs", "batch_size", "shuffle")
#: The `TrainerConfig` fields a config's ``trainer`` section may set (the seed comes from
#: the repeat, the fit settings from the ``fit`` section).
_TRAINER_KEYS = tuple(k for k in TrainerConfig.fields() if k not in (*_FIT_KEYS, "seed"))
_SPEC_KEYS = tuple(f.name for f in dataclasses.fields(ModelSpec))
#: Every name a tuning override may use: ``units`` and ``layers`` shape the recurrent
#: stack, ``window`` re-frames a ``series``; the rest are ModelSpec, Trainer or fit fields.
#: Each name once: ``task`` is a field of both the Trainer and the spec (an override of it
#: goes to the trainer, which checks it against the spec's).
TUNABLE = tuple(dict.fromkeys(("units", "layers", "window", *_TRAINER_KEYS, *_FIT_KEYS,
                               *(k for k in _SPEC_KEYS if k != "units"))))


def load_config(path: str | Path) -> dict[str, Any]:
    """Read an experiment config: TOML, or JSON when the name ends in ``.json``; relative
    data paths are resolved from its folder."""
    path = Path(path)
    config = read_config_file(path, "config file")
    config.setdefault("base_dir", str(path.resolve().parent))
    return config


def apply_overrides(config: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """A copy of `config` with tuning `overrides` (names from `TUNABLE`) applied."""
    _check_sections(config)
    config = copy.deepcopy(config)
    spec = config.setdefault("spec", {})
    trainer = config.setdefault("trainer", {})
    fit = config.setdefault("fit", {})
    data = config.setdefault("data", {})
    for key, value in overrides.items():
        if key == "units":
            depth = len(spec.get("units", [32])) or 1
            spec["units"] = list(value) if isinstance(value, (list, tuple)) else [value] * depth
        elif key == "layers":
            continue  # applied after units, below
        elif key == "window":
            if "series" not in data:
                raise ValidationError(
                    "The 'window' override needs data given as a `series` (with `window`), "
                    "so seqlab can re-frame it; this config's data has no series."
                )
            data["window"] = value
        elif key in _TRAINER_KEYS:
            trainer[key] = value
        elif key in _FIT_KEYS:
            fit[key] = value
        elif key in _SPEC_KEYS:
            spec[key] = value
        else:
            raise UnknownNameError("tuning parameter", key, TUNABLE)
    if "layers" in overrides:
        width = (spec.get("units") or [32])[0]
        spec["units"] = [width] * check_int("layers", overrides["layers"], "tune", low=1)
    return config


def _check_sections(config: Any) -> None:
    """Refuse a config whose sections are not of their kind (``"spec": "lstm"``, a list for
    ``fit``, a number for ``score``), naming the section."""
    if not isinstance(config, dict):
        raise ValidationError(f"An experiment config is a table of sections (spec, trainer, "
                              f"fit, data, score); got {type(config).__name__}.")
    for section in ("spec", "trainer", "fit", "data"):
        if section in config and not isinstance(config[section], dict):
            raise ValidationError(f"The config's `{section}` section must be a table of "
                                  f"settings; got {config[section]!r:.40}.")
    if not isinstance(config.get("score", "val_loss"), str):
        raise ValidationError(f"The config's `score` must name a metric (val_loss, say); got "
                              f"{config['score']!r:.40}.")


def _check_fit(fit: dict[str, Any]) -> dict[str, Any]:
    """The ``fit`` section checked as `Trainer.fit` checks it, for the batched path too."""
    unknown = sorted(set(fit) - set(_FIT_KEYS))
    if unknown:
        raise UnknownNameError("fit setting", unknown[0], _FIT_KEYS)
    check_int("epochs", fit["epochs"], "the config's fit section", low=1)
    check_int("batch_size", fit["batch_size"], "the config's fit section", low=1)
    if fit.get("shuffle") is not None and not isinstance(fit["shuffle"], bool):
        raise ValidationError(f"The 'shuffle' parameter of the config's fit section must be "
                              f"true or false. Got {fit['shuffle']!r} instead.")
    return fit


def _numbers(values: Any, where: str) -> np.ndarray:
    return as_numeric_array(values, where, "the config").astype(np.float32)


def _arrays(part: Any, where: str) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(part, dict) or "x" not in part or "y" not in part:
        raise ValidationError(f"`data.{where}` must be an object with `x` and `y` arrays.")
    return _numbers(part["x"], f"data.{where}.x"), _numbers(part["y"], f"data.{where}.y")


@dataclasses.dataclass
class ConfigExperiment:
    """Callable ``experiment(seed) -> score``: one training run of a config (picklable).

    `overrides` are applied on top of `config` (see `apply_overrides`). Calling
    `run(seed)` also returns the training `History`.
    """

    config: dict[str, Any]
    overrides: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def metric(self) -> str:
        """The name of the score (the config's ``score``, ``val_loss`` by default)."""
        return str(self.config.get("score", "val_loss"))

    def __call__(self, seed: int) -> float:
        """Train once with `seed` and return the score (lower is better for losses)."""
        return self.run(seed)[0]

    def run(self, seed: int) -> tuple[float, History]:
        """Train once with `seed`; return (score, history)."""
        spec, trainer_config, fit, (x, y), validation = self._prepare(self.overrides, seed)
        trainer = Trainer(build(spec, seed=seed), trainer_config)
        history = trainer.fit(x, y, validation_data=validation, verbose=0, **fit)
        return self._score(history), history

    def run_seeds(self, seeds: list[int]) -> list[float]:
        """The score of a training with each of `seeds`, all trained together as one
        batched model (see `run_many`)."""
        return run_many(self.config, [(self.overrides, seed) for seed in seeds])

    def _prepare(self, overrides: dict[str, Any], seed: int) -> tuple[Any, ...]:
        """(spec, trainer config, fit settings, (x, y), validation pair) of one run."""
        config = apply_overrides(self.config, overrides)
        unknown = sorted(set(config) - {"spec", "trainer", "fit", "data", "score", "base_dir",
                                        "name"})
        if unknown:
            raise ValidationError(
                f"Unknown config section(s) {unknown}; known: spec, trainer, fit, data, score."
            )
        (x, y), (x_val, y_val) = self._data(config)
        spec_config = dict(config["spec"])
        spec_config.setdefault("input_size", int(x.shape[-1]))
        spec_config.setdefault("output_size", int(np.prod(y.shape[1:])) or 1)
        spec = ModelSpec.from_dict(spec_config)
        settings = config["trainer"]
        unknown = sorted(set(settings) - set(_TRAINER_KEYS)) if isinstance(settings, dict) else []
        if unknown:
            raise UnknownNameError("trainer setting", unknown[0], _TRAINER_KEYS)
        trainer_config = TrainerConfig.from_dict(settings).replace(seed=seed)
        fit = _check_fit({"epochs": 100, "batch_size": 32,  # null: the default
                          **{k: v for k, v in config["fit"].items() if v is not None}})
        return spec, trainer_config, fit, (x, y), (x_val, y_val)

    def _score(self, history: History) -> float:
        score_name = self.config.get("score", "val_loss")
        key = score_name if score_name.startswith("val_") else f"val_{score_name}"
        last = history.last()
        if key not in last:
            raise UnknownNameError("score", score_name,
                                   [k for k in last if k.startswith("val_")])
        return float(last[key])

    def _data(self, config: dict[str, Any]):
        data = config["data"]
        if "series" in data:
            series = _numbers(data["series"], "data.series")
            window = check_int("window", data.get("window", 1), "the config's data", low=1)
            if window + 1 > len(series):
                # windows() would name its own n_in/n_out, which a config does not have.
                raise ValidationError(
                    f"The config's data has window = {window} but its series has only "
                    f"{len(series)} value(s); each sample needs window + 1 = {window + 1} "
                    f"consecutive values (the window and the value after it). "
                    + (f"Use a window of at most {len(series) - 1}, or a longer series."
                       if len(series) > 1 else "Give a series of at least 2 values."))
            x, y = windows(series, window)
            fraction = check_float("validation_fraction", data.get("validation_fraction", 0.3),
                                   "the config's data", low=0.0, high=1.0, low_open=True,
                                   high_open=True)
            n_val = max(1, int(round(len(x) * fraction)))
            if n_val >= len(x):
                raise ValidationError(f"The config's series gives {len(x)} window(s) of "
                                      f"{window}; holding out {n_val} for validation leaves "
                                      f"none to train on.")
            return (x[:-n_val], y[:-n_val]), (x[-n_val:], y[-n_val:])
        if "npz" in data:
            path = Path(data["npz"])
            if not path.is_absolute():
                path = Path(config.get("base_dir", ".")) / path
            try:
                with np.load(path) as arrays:  # allow_pickle stays False: arrays only
                    return ((arrays["x"], arrays["y"]), (arrays["x_val"], arrays["y_val"]))
            except (OSError, ValueError, KeyError) as error:
                raise ValidationError(
                    f"The data file {path} must be an .npz archive holding the arrays x, y, "
                    f"x_val and y_val ({error}).") from None
        if "train" in data and "validation" in data:
            return _arrays(data["train"], "train"), _arrays(data["validation"], "validation")
        raise ValidationError(
            "`data` must hold `train` and `validation` ({x, y} arrays), an `npz` file, or a "
            f"`series` with a `window`; got keys {sorted(data)}."
        )


def run_many(config: dict[str, Any], jobs: list[tuple[dict[str, Any], int]]) -> list[float]:
    """The score of each ``(overrides, seed)`` job of `config`, in order.

    Jobs whose models share an architecture and every setting but the seed, learning
    rate and epochs (repeats; a grid over ``lr`` or ``epochs``) train together as members
    of one `seqlab.train.batched.BatchedTrainer`: the same scores as one by one, to float
    rounding. Other jobs train one at a time.
    """
    from seqlab.train.batched import MEMBER_SETTINGS, train_members

    experiment = ConfigExperiment(config)
    prepared = [experiment._prepare(overrides, seed) for overrides, seed in jobs]
    groups: dict[str, list[int]] = {}
    for index, (spec, trainer_config, fit, _, _) in enumerate(prepared):
        shared = {k: v for k, v in trainer_config.to_dict().items() if k not in MEMBER_SETTINGS}
        data = apply_overrides(config, jobs[index][0]).get("data")
        key = repr((spec.to_dict(), sorted(shared.items()),
                    sorted((k, v) for k, v in fit.items() if k != "epochs"), data))
        groups.setdefault(key, []).append(index)
    scores: list[float] = [math.nan] * len(jobs)
    for indices in groups.values():
        spec, _, fit, (x, y), validation = prepared[indices[0]]
        trainers = train_members(
            spec, [prepared[i][1].seed for i in indices], x, y, validation,
            config=[prepared[i][1] for i in indices],
            epochs=[prepared[i][2]["epochs"] for i in indices],
            batch_size=fit.get("batch_size"), shuffle=fit.get("shuffle"))
        for index, trainer in zip(indices, trainers, strict=True):
            scores[index] = experiment._score(trainer.history_)
    return scores
