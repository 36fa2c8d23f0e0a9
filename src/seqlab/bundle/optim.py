"""Optimizer state as plain files: tensors in safetensors, scalars and groups in JSON.

Saving it lets training resume exactly where it stopped (Adam's moments, step counts);
loading checks every name, shape and value against the model before torch sees it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import torch
from torch import nn

from seqlab.bundle.files import to_plain_json
from seqlab.errors import BundleError
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
        seen.extend(group["params"])
    if sorted(seen) != list(range(len(params))):
        raise BundleError(f"{path}: param groups cover parameters {sorted(seen)[:10]}, but the "
                          f"model has {len(params)} parameters.", path)
    scalars = doc["scalars"]
    if not isinstance(scalars, dict) or not all(_plain_value(v) for v in scalars.values()):
        raise BundleError(f"{path}: scalars must be a dict of plain numbers.", path)


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
    group = doc["param_groups"][0]
    optimizer = make_optimizer(doc["name"], params, group.get("lr"), group.get("momentum", 0.0),
                               group.get("weight_decay", 0.0))
    try:
        optimizer.load_state_dict({"state": state, "param_groups": doc["param_groups"]})
    except (ValueError, KeyError, TypeError, RuntimeError) as error:
        raise BundleError(f"{path}: the optimizer state does not fit the model ({error}).",
                          path) from None
    return optimizer
