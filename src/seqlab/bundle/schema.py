"""The schemas of a bundle's JSON files: every key known, every value of the right type.

Nothing in a bundle can name code: losses, optimizers and metrics are names looked up in
seqlab's own registries, and anything else (unknown keys, objects where numbers belong,
strings that are not registered names) is refused with the file and key named.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from seqlab._settings import declared
from seqlab.errors import BundleError, ValidationError
from seqlab.train.config import TrainerConfig
from seqlab.train.history import History

__all__ = ["check_trainer_config", "check_history", "check_metadata", "trainer_config_of"]


def check_trainer_config(config: Any, path: Path | str) -> TrainerConfig:
    """The `TrainerConfig` in `config` when every key is known and every value passes the
    check its field declares, else BundleError naming the file and key. A config without a
    version (written before TrainerConfig had one) is read as version 1."""
    if not isinstance(config, dict):
        raise BundleError(f"{path} must hold a JSON object; got {type(config).__name__}.", path)
    known = TrainerConfig.fields()
    unknown = sorted(set(config) - {*known, "version"})
    if unknown:
        raise BundleError(
            f"{path} has unknown training-config key(s) {unknown}; known keys are "
            f"{sorted(known)}. Bundles never carry code or custom objects.", path)
    constraints = {f.name: constraint for f, constraint in declared(TrainerConfig)}
    for key, value in config.items():
        if key == "version":
            continue
        try:
            constraints[key].check(key, value, "TrainerConfig")
        except ValidationError:
            raise BundleError(
                f"{path}: training-config key {key!r} must be {constraints[key].describe()}; "
                f"got {value!r}. Losses, optimizers and metrics are resolved by name from "
                f"seqlab's registries only.", path) from None
    try:
        return TrainerConfig.from_dict(config)
    except ValidationError as error:
        raise BundleError(f"{path}: {error}", path) from None


def check_history(data: Any, path: Path | str) -> History:
    """The `History` in `data` (see `History.from_dict`), else BundleError naming the file."""
    try:
        return History.from_dict(data)
    except ValidationError:
        raise BundleError(
            f"{path} must hold {{'records': [per-epoch dicts of numbers]}}; got something else "
            f"({str(data)[:120]}).", path) from None


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


def trainer_config_of(trainer: Any, **fit_args: Any) -> TrainerConfig:
    """Kept for older callers: ``trainer.settings(**fit_args)``."""
    return trainer.settings(**fit_args)
