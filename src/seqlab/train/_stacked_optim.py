"""The optimizers of `seqlab.train.optimizers` for stacked member weights (``(K, ...)``).

Adam, AdamW, SGD, RMSprop and Adagrad update every weight from its own gradient and
state, so running them on a stacked tensor is running them on each member's slice. What
torch's optimizers cannot do is what members need on their own: a learning rate each
(a tuning grid, a roll-back's halving), a step count each (Adam's bias correction after
a member paused), and no update at all for a member that has stopped. This module writes
torch's update formulas (same order of operations, Keras' epsilon 1e-7) over the member
axis with those three per-member vectors, and hands a member's state back in torch's own
``state`` layout (`member_state`), so the member's ordinary `Trainer` continues from it.
When every member has one rate and one step count and all are training (repeats in
lockstep), plain Adam runs in torch's fused kernel instead: one pass over the weights
rather than nine, the same formulas.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch.optim.adam import adam as _adam_kernels

from seqlab.errors import UnknownNameError
from seqlab.train.optimizers import DEFAULT_LR

__all__ = ["StackedOptimizer"]

_BETAS = (0.9, 0.999)
_EPS = 1e-7
_RMS_ALPHA = 0.9


def _per_member(vector: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """A (K,) vector shaped to broadcast over a stacked tensor ``(K, ...)``."""
    return vector.view(-1, *([1] * (like.dim() - 1))).to(like.dtype)


class StackedOptimizer:
    """One optimizer over stacked parameters, with per-member rates, steps and pausing.

    Parameters
    ----------
    name:
        adam, adamw, sgd, rmsprop or adagrad (as `make_optimizer`).
    params:
        ``(name, stacked parameter)`` pairs, each ``(K, ...)``.
    decay_masks:
        Per name, where AdamW's decoupled decay applies (the weight matrices, as
        `parameter_groups` does: a bool tensor broadcasting over one member's entries);
        names left out decay everywhere.
    lrs:
        Each member's learning rate (None: Keras' default for `name`).
    """

    def __init__(self, name: str, params: Sequence[tuple[str, torch.nn.Parameter]],
                 lrs: Sequence[float | None], momentum: float = 0.0, weight_decay: float = 0.0,
                 decay_masks: dict[str, torch.Tensor] | None = None):
        if name not in DEFAULT_LR:
            raise UnknownNameError("optimizer", name, DEFAULT_LR)
        self.name, self.momentum, self.weight_decay = name, momentum, weight_decay
        self.params = list(params)
        self.decay_masks = dict(decay_masks or {})
        device = self.params[0][1].device
        self.lr = torch.tensor([DEFAULT_LR[name] if lr is None else lr for lr in lrs],
                               dtype=torch.float64, device=device)
        self.steps = torch.zeros(len(lrs), dtype=torch.float64, device=device)
        self.state: dict[str, dict[str, torch.Tensor]] = {key: {} for key, _ in self.params}

    def zero_grad(self) -> None:
        """Forget the gradients."""
        for _, p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self, active: torch.Tensor | None = None) -> None:
        """One update of every member whose entry of `active` (a (K,) bool) is True (all
        when None); the others keep their weights, state and step count."""
        everyone = active is None or bool(active.all())
        self.steps += 1 if everyone else active.to(self.steps.dtype)
        for key, p in self.params:
            if p.grad is None or (everyone and self._fused_adam(key, p, p.grad)):
                continue
            old = None if everyone else (p.detach().clone(),
                                         {k: v.clone() for k, v in self.state[key].items()})
            self._update(key, p, p.grad)
            if old is not None:
                keep = _per_member(~active, p).bool()
                p.copy_(torch.where(keep, old[0], p))
                for k, v in self.state[key].items():
                    if k in old[1]:
                        v.copy_(torch.where(keep, old[1][k], v))
                    else:  # state born this step: a paused member's stays zero
                        v.masked_fill_(keep.expand_as(v), 0.0)

    def _fused_adam(self, key: str, p: torch.Tensor, grad: torch.Tensor) -> bool:
        """Plain Adam in torch's fused kernel (one pass instead of nine) when every member
        has one rate and one step count, as repeats in lockstep do; False otherwise."""
        if (self.name != "adam" or self.weight_decay or p.device.type != "cpu"
                or not bool((self.lr == self.lr[0]).all())
                or not bool((self.steps == self.steps[0]).all())):
            return False
        state = self.state[key]
        m = state.setdefault("exp_avg", torch.zeros_like(p))
        v = state.setdefault("exp_avg_sq", torch.zeros_like(p))
        step = torch.tensor(float(self.steps[0]) - 1.0)  # the kernel counts this step
        beta1, beta2 = _BETAS
        _adam_kernels([p], [grad], [m], [v], [], [step], fused=True, amsgrad=False,
                      beta1=beta1, beta2=beta2, lr=float(self.lr[0]), weight_decay=0.0,
                      eps=_EPS, maximize=False)
        return True

    def _update(self, key: str, p: torch.Tensor, grad: torch.Tensor) -> None:
        state, lr = self.state[key], _per_member(self.lr, p)
        name, decay = self.name, self.weight_decay
        if name == "adamw":
            if decay:  # matrices only, as parameter_groups
                mask = self.decay_masks.get(key)
                factor = 1 - lr * decay
                p.mul_(factor if mask is None else torch.where(mask, factor, 1.0))
        elif decay:
            grad = grad.add(p, alpha=decay)
        if name in ("adam", "adamw"):
            beta1, beta2 = _BETAS
            m = state.setdefault("exp_avg", torch.zeros_like(p))
            v = state.setdefault("exp_avg_sq", torch.zeros_like(p))
            m.lerp_(grad, 1 - beta1)
            v.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            # Corrections in float64, as torch computes them from a Python step count.
            correction1 = _per_member(1 - beta1 ** self.steps, p)
            correction2 = _per_member((1 - beta2 ** self.steps).sqrt(), p)
            denominator = v.sqrt().div_(correction2).add_(_EPS)
            p.sub_(m.div(denominator).mul_(lr / correction1))  # torch: addcdiv_(m, denom, -step)
        elif name == "sgd":
            if self.momentum:
                buffer = state.get("momentum_buffer")
                if buffer is None:
                    buffer = state["momentum_buffer"] = grad.clone()
                else:
                    buffer.mul_(self.momentum).add_(grad)
                grad = buffer
            p.sub_(lr * grad)
        elif name == "rmsprop":
            square = state.setdefault("square_avg", torch.zeros_like(p))
            square.mul_(_RMS_ALPHA).addcmul_(grad, grad, value=1 - _RMS_ALPHA)
            average = square.sqrt().add_(_EPS)
            if self.momentum:
                buffer = state.setdefault("momentum_buffer", torch.zeros_like(p))
                buffer.mul_(self.momentum).addcdiv_(grad, average)
                p.sub_(lr * buffer)
            else:
                p.sub_(lr * grad / average)
        else:  # adagrad
            total = state.setdefault("sum", torch.zeros_like(p))
            total.addcmul_(grad, grad, value=1)
            p.sub_(lr * grad / total.sqrt().add_(_EPS))

    # ------------------------------------------------------------ member views
    def snapshot(self) -> dict[str, Any]:
        """A copy of everything (to roll members back to)."""
        return {"lr": self.lr.clone(), "steps": self.steps.clone(),
                "state": {key: {k: v.clone() for k, v in s.items()}
                          for key, s in self.state.items()}}

    def restore_member(self, k: int, snapshot: dict[str, Any]) -> None:
        """Member `k`'s state and step count as in `snapshot` (its rate is left alone)."""
        self.steps[k] = snapshot["steps"][k]
        for key, state in self.state.items():
            saved = snapshot["state"][key]
            for name, value in state.items():
                value[k] = saved[name][k] if name in saved else 0.0

    def keep_member(self, k: int, snapshot: dict[str, Any]) -> None:
        """Write member `k`'s current state into `snapshot` (its good epoch)."""
        snapshot["steps"][k] = self.steps[k]
        for key, state in self.state.items():
            saved = snapshot["state"][key]
            for name, value in state.items():
                if name not in saved:
                    saved[name] = torch.zeros_like(value)
                saved[name][k] = value[k]

    def member_state(self, k: int, parameters: Sequence[tuple[torch.nn.Parameter, Any]]
                     ) -> dict[torch.nn.Parameter, dict[str, torch.Tensor]]:
        """Member `k`'s state in torch's layout: `parameters` pairs each parameter of the
        member's model with where its entries sit in member k's row of the (one) stacked
        tensor (a ``(start, stop)`` pair)."""
        steps = torch.tensor(float(self.steps[k]))
        out: dict[torch.nn.Parameter, dict[str, torch.Tensor]] = {}
        (key, _), = self.params
        for parameter, (start, stop) in parameters:
            state = {name: value[k, start:stop].detach().clone().view(parameter.shape)
                     .to(parameter.device) for name, value in self.state[key].items()}
            if self.name != "sgd" and state:
                state["step"] = steps.clone()
            if state:
                out[parameter] = state
        return out
