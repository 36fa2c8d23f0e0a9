"""Optimizer state as plain files: tensors in safetensors, scalars and groups in JSON.

Saving it lets training resume exactly where it stopped (Adam's moments, step counts);
loading checks every name, shape and value against the model before torch sees it.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import torch
from torch import nn

from seqlab.bundle.files import to_plain_json
from seqlab.errors import BundleError, ValidationError
from seqlab.train.optimizers import DEFAULT_LR, make_optimizer, parameter_groups

__all__ = ["optimizer_name", "split_optimizer_state", "check_optimizer_doc",
           "check_optimizer_header", "restore_optimizer", "STATE_KEYS"]

_CLASSES = {torch.optim.Adam: "adam", torch.optim.AdamW: "adamw", torch.optim.SGD: "sgd",
            torch.optim.RMSprop: "rmsprop", torch.optim.Adagrad: "adagrad"}
STATE_KEYS = ("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq", "momentum_buffer",
              "square_avg", "grad_avg", "sum")
"""The per-parameter state entries a bundle may hold."""
_TENSOR_NAME = re.compile(r"^state\.(\d{1,6})\.([a-z_]{1,32})$")


def optimizer_name(optimizer: torch.optim.Optimizer) -> str:
    """The registry name of `optimizer` (adam, adamw, sgd, rmsprop, adagrad)."""
    name = _CLASSES.get(type(optimizer))
    if name is None:
        raise BundleError(
            f"Cannot save optimizer state of type {type(optimizer).__name__}; bundles hold the "
            f"state of seqlab's registered optimizers only ({', '.join(DEFAULT_LR)}).")
    return name


def split_optimizer_state(optimizer: torch.optim.Optimizer) -> tuple[dict[str, torch.Tensor],
                                                                      dict[str, Any]]:
    """(tensors, JSON document) describing `optimizer`'s full state."""
    state = optimizer.state_dict()
    tensors: dict[str, torch.Tensor] = {}
    scalars: dict[str, Any] = {}
    for index, entries in state["state"].items():
        for key, value in entries.items():
            if key not in STATE_KEYS:
                raise BundleError(f"Optimizer state entry {key!r} is not one a bundle can store.")
            if isinstance(value, torch.Tensor):
                tensors[f"state.{index}.{key}"] = value.detach().cpu().contiguous()
            else:
                scalars[f"{index}.{key}"] = to_plain_json(value, f"optimizer state {key}")
    groups = [to_plain_json(group, "optimizer param_groups") for group in state["param_groups"]]
    return tensors, {"name": optimizer_name(optimizer), "param_groups": groups, "scalars": scalars}


def _plain_value(value: Any) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    return isinstance(value, list) and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)


def check_optimizer_doc(doc: Any, model: nn.Module, path: Path) -> None:
    """Check the JSON half of the optimizer state against `model` (registered name, plain
    values, param groups that cover exactly the model's parameters)."""
    if not isinstance(doc, dict) or set(doc) != {"name", "param_groups", "scalars"}:
        raise BundleError(f"{path} must hold name, param_groups and scalars; got "
                          f"{str(doc)[:120]}.", path)
    if doc["name"] not in DEFAULT_LR:
        raise BundleError(f"{path}: optimizer {doc['name']!r} is not registered; expected one of "
                          f"{sorted(DEFAULT_LR)}.", path)
    params = list(model.parameters())
    groups = doc["param_groups"]
    seen: list[int] = []
    if not isinstance(groups, list) or not groups:
        raise BundleError(f"{path}: param_groups must be a non-empty list.", path)
    for group in groups:
        if not isinstance(group, dict) or not isinstance(group.get("params"), list):
            raise BundleError(f"{path}: each param group must be an object with 'params'.", path)
        for key, value in group.items():
            if not isinstance(key, str) or not _plain_value(value):
                raise BundleError(f"{path}: param group entry {key!r} = {value!r} is not a plain "
                                  f"number, bool, string or list of numbers.", path)
        odd = next((i for i in group["params"] if type(i) is not int), None)
        if odd is not None:  # 1.0 or true passed the check below as 1
            raise BundleError(f"{path}: a param group lists parameter {odd!r}; expected "
                              f"parameter indices, whole numbers from 0.", path)
        seen.extend(group["params"])
    if sorted(seen) != list(range(len(params))):
        raise BundleError(f"{path}: param groups cover parameters {sorted(seen)[:10]}, but the "
                          f"model has {len(params)} parameters.", path)
    scalars = doc["scalars"]
    if not isinstance(scalars, dict) or not all(_plain_value(v) for v in scalars.values()):
        raise BundleError(f"{path}: scalars must be a dict of plain numbers.", path)
    for name, value in scalars.items():
        _check_state_value(f"state.{name}", value, path)
    for group in groups:
        _check_group(group, path)


def _state_order(name: str, model: nn.Module) -> list[nn.Parameter]:
    """`model`'s parameters in the order optimizer `name` numbers them in its state."""
    groups = parameter_groups(name, list(model.parameters()))
    return [param for group, _ in groups for param in group]


def check_optimizer_header(header: dict[str, tuple[str, tuple]], model: nn.Module,
                           path: Path, name: str) -> None:
    """Check every tensor the safetensors half of optimizer `name`'s state declares (name,
    parameter index, shape) against `model` before anything is read."""
    params = _state_order(name, model)
    for tensor_name, (_, shape) in header.items():
        match = _TENSOR_NAME.match(tensor_name)
        if not match or match.group(2) not in STATE_KEYS or int(match.group(1)) >= len(params):
            raise BundleError(f"{path}: unexpected optimizer tensor {tensor_name!r}.", path)
        index, key = int(match.group(1)), match.group(2)
        want = () if key == "step" else tuple(params[index].shape)
        if tuple(shape) != want:
            raise BundleError(f"{path}: optimizer tensor {tensor_name!r} has shape {list(shape)} "
                              f"but parameter {index} needs {list(want)}.", path)


_NON_NEGATIVE = ("step", "exp_avg_sq", "max_exp_avg_sq", "square_avg", "sum")
"""State entries that training only ever makes 0 or more (counts and squares)."""
_GROUP_RANGES = {"lr": (0.0, False), "eps": (0.0, False), "weight_decay": (0.0, True),
                 "momentum": (0.0, True), "dampening": (0.0, True), "alpha": (0.0, True),
                 "lr_decay": (0.0, True), "initial_accumulator_value": (0.0, True)}
"""Number entries of a param group that must be above (False) or at least (True) a floor."""
_FLAGS_OFF = ("maximize", "amsgrad", "nesterov", "centered", "differentiable", "capturable")
"""Flags of a param group that seqlab's optimizers never set: false (or absent)."""
_FLAGS = ("foreach", "fused", "decoupled_weight_decay")
"""Flags of a param group that are true, false or null."""


def _check_state_value(name: str, value: Any, path: Path) -> None:
    """A state entry training could have made: finite, and 0 or more where it counts steps
    or sums squares (a NaN or a negative square diverged the next step)."""
    try:
        array = value.double() if isinstance(value, torch.Tensor) else torch.tensor(
            value, dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError):
        array = torch.tensor(math.nan)
    negative = name.rsplit(".", 1)[-1] in _NON_NEGATIVE and bool((array < 0).any())
    if negative or not bool(torch.isfinite(array).all()):
        raise BundleError(f"{path}: the optimizer state {name!r} holds "
                          f"{'a negative value' if negative else 'NaN or infinity'}, which no "
                          f"training makes; the bundle is damaged.", path)


def _check_group(group: dict[str, Any], path: Path) -> None:
    """A param group's settings within what seqlab trains with."""
    bad = [key for key, (floor, inclusive) in _GROUP_RANGES.items() if key in group and not (
        isinstance(group[key], (int, float)) and not isinstance(group[key], bool)
        and math.isfinite(group[key]) and (group[key] >= floor if inclusive else
                                          group[key] > floor))]
    betas = group.get("betas")
    if betas is not None and not (isinstance(betas, list) and len(betas) == 2 and all(
            isinstance(b, (int, float)) and not isinstance(b, bool) and 0 <= b < 1
            for b in betas)):
        bad.append("betas")
    # amsgrad without its max_exp_avg_sq, differentiable with fused: a KeyError or a
    # RuntimeError at the first step of resumed training
    bad += [key for key in _FLAGS_OFF if group.get(key, False) is not False]
    bad += [key for key in _FLAGS if not isinstance(group.get(key), (bool, type(None)))]
    if bad:
        raise BundleError(f"{path}: the optimizer's param group sets {bad[0]} to "
                          f"{group[bad[0]]!r:.40}, outside what training uses; the bundle is "
                          f"damaged.", path)


def restore_optimizer(doc: dict[str, Any], tensors: dict[str, torch.Tensor], model: nn.Module,
                      path: Path) -> torch.optim.Optimizer:
    """A registered optimizer over `model`'s parameters with the saved state loaded."""
    params = list(model.parameters())
    state: dict[int, dict[str, Any]] = {}
    check_optimizer_header({k: ("", tuple(v.shape)) for k, v in tensors.items()}, model, path,
                           doc["name"])
    for name, tensor in tensors.items():
        match = _TENSOR_NAME.match(name)
        state.setdefault(int(match.group(1)), {})[match.group(2)] = tensor
    for name, value in doc["scalars"].items():
        index, _, key = name.partition(".")
        if not index.isdigit() or int(index) >= len(params) or key not in STATE_KEYS:
            raise BundleError(f"{path}: unexpected optimizer scalar {name!r}.", path)
        state.setdefault(int(index), {})[key] = value
    for name, value in tensors.items():
        _check_state_value(name, value, path)
    group = doc["param_groups"][0]
    try:
        optimizer = make_optimizer(doc["name"], params, group.get("lr"),
                                   group.get("momentum", 0.0), group.get("weight_decay", 0.0))
    except ValidationError as error:
        raise BundleError(f"{path}: {error}", path) from None
    try:
        optimizer.load_state_dict({"state": state, "param_groups": doc["param_groups"]})
    except (ValueError, KeyError, TypeError, RuntimeError) as error:
        raise BundleError(f"{path}: the optimizer state does not fit the model ({error}).",
                          path) from None
    return optimizer
