"""The schemas of a bundle's JSON files: every key known, every value of the right type.

Nothing in a bundle can name code: losses, optimizers and metrics are names looked up in
seqlab's own registries, and anything else (unknown keys, objects where numbers belong,
strings that are not registered names) is refused with the file and key named.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from seqlab.errors import BundleError
from seqlab.models.spec import TASKS
from seqlab.train.losses import DEFAULT_LOSS, LOSSES
from seqlab.train.metrics import METRICS
from seqlab.train.optimizers import DEFAULT_LR

__all__ = ["TRAINER_CONFIG_FIELDS", "check_trainer_config", "check_history", "check_metadata",
           "trainer_config_of"]


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _optional(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda v: v is None or check(v)


TRAINER_CONFIG_FIELDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "task": (lambda v: v in TASKS, f"one of {list(TASKS)}"),
    "loss": (_optional(lambda v: isinstance(v, str) and v in LOSSES),
             f"null or a registered loss name {sorted(LOSSES)}"),
    "optimizer": (lambda v: isinstance(v, str) and v in DEFAULT_LR,
                  f"a registered optimizer name {sorted(DEFAULT_LR)}"),
    "lr": (_optional(lambda v: _is_number(v) and v > 0), "null or a number > 0"),
    "momentum": (lambda v: _is_number(v) and 0 <= v <= 1, "a number in [0, 1]"),
    "weight_decay": (lambda v: _is_number(v) and v >= 0, "a number >= 0"),
    "metrics": (lambda v: isinstance(v, list) and all(isinstance(m, str) and m in METRICS
                                                      for m in v),
                f"a list of registered metric names {sorted(METRICS)}"),
    "stateful": (lambda v: isinstance(v, bool), "a bool"),
    "clip_grad_norm": (_optional(lambda v: _is_number(v) and v > 0), "null or a number > 0"),
    "seed": (_optional(lambda v: _is_int(v) and v >= 0), "null or an int >= 0"),
    "epochs": (_optional(lambda v: _is_int(v) and v >= 1), "null or an int >= 1"),
    "batch_size": (_optional(lambda v: _is_int(v) and v >= 1), "null or an int >= 1"),
    "shuffle": (_optional(lambda v: isinstance(v, bool)), "null or a bool"),
}
"""Key -> (check, expectation) for the training configuration a bundle stores."""


def check_trainer_config(config: Any, path: Path | str) -> dict[str, Any]:
    """`config` when every key is known and every value passes its check, else BundleError."""
    if not isinstance(config, dict):
        raise BundleError(f"{path} must hold a JSON object; got {type(config).__name__}.", path)
    unknown = sorted(set(config) - set(TRAINER_CONFIG_FIELDS))
    if unknown:
        raise BundleError(
            f"{path} has unknown training-config key(s) {unknown}; known keys are "
            f"{sorted(TRAINER_CONFIG_FIELDS)}. Bundles never carry code or custom objects.", path)
    for key, value in config.items():
        check, expected = TRAINER_CONFIG_FIELDS[key]
        if not check(value):
            raise BundleError(
                f"{path}: training-config key {key!r} must be {expected}; got {value!r}. Losses, "
                f"optimizers and metrics are resolved by name from seqlab's registries only.",
                path)
    return config


def check_history(data: Any, path: Path | str) -> list[dict[str, Any]]:
    """The records of a saved History: a list of {str: number, str or null} dicts."""
    ok = isinstance(data, dict) and set(data) == {"records"} and isinstance(data["records"], list)
    records = data["records"] if ok else []
    for record in records:
        if not isinstance(record, dict) or not all(
                isinstance(v, (int, float, str)) or v is None for v in record.values()):
            ok = False
            break
    if not ok:
        raise BundleError(
            f"{path} must hold {{'records': [per-epoch dicts of numbers]}}; got something else "
            f"({str(data)[:120]}).", path)
    return records


def check_metadata(data: Any, where: str) -> dict[str, Any]:
    """Free-form notes: a flat dict of str -> str, number, bool or null."""
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(
            isinstance(k, str) and (v is None or isinstance(v, (str, int, float, bool)))
            for k, v in data.items()):
        raise BundleError(
            f"{where}: metadata must be a flat dict of strings, numbers, bools or nulls; got "
            f"{str(data)[:120]}.", where)
    return dict(data)


def trainer_config_of(trainer: Any, **fit_args: Any) -> dict[str, Any]:
    """The configuration of a `Trainer` (plus fit arguments such as epochs, batch_size) as
    plain data; a trainer with a custom callable loss cannot be described and is refused."""
    loss = trainer.loss_name
    if loss is None and trainer.loss_fn is not LOSSES[DEFAULT_LOSS[trainer.task]]:
        raise BundleError(
            "The trainer uses a custom callable loss, which a bundle cannot store (bundles never "
            "carry code). Train with a registered loss name, or pass trainer_config= yourself.")
    config = {
        "task": trainer.task, "loss": loss, "optimizer": trainer.optimizer_name,
        "lr": trainer.lr, "metrics": list(trainer.metric_names), "stateful": trainer.stateful,
        "clip_grad_norm": trainer.clip_grad_norm, "seed": trainer.seed,
    }
    group = trainer.optimizer.param_groups[0]
    config["weight_decay"] = float(group.get("weight_decay", 0.0))
    config["momentum"] = float(group.get("momentum", 0.0))
    config.update({k: v for k, v in fit_args.items() if v is not None})
    return config
