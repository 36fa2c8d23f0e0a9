"""Closed-loop generation: every prediction is fed back as the model's next input.

This is how the book's chapter 11 draws rectangles point by point (its listing appends
a generator object instead of the point, a bug this function cannot have), and how a
forecaster rolls a one-step model forward over several steps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn

from seqlab._validation import as_numeric_array, check_finite, check_int, check_ndim
from seqlab.errors import ValidationError
from seqlab.models.inference import eval_mode

__all__ = ["closed_loop"]


@torch.no_grad()
def closed_loop(
    model: nn.Module,
    start: Any,
    steps: int,
    *,
    carry_state: bool = False,
    feedback: Callable[[torch.Tensor], torch.Tensor] | None = None,
) -> np.ndarray:
    """Generate `steps` new points from `start`, feeding each prediction back as input.

    Parameters
    ----------
    model:
        A module with ``forward(x, state=None) -> (y, state)`` whose output is the next
        point: ``(batch, features)``, or ``(batch, time, features)`` of which the last
        step is used. Its raw output is fed back (a regression head).
    start:
        The prompt, ``(timesteps, features)`` or ``(batch, timesteps, features)``; many
        rows generate many sequences at once.
    steps:
        How many points to generate.
    carry_state:
        False (default): every step re-reads a window of the last ``timesteps`` points
        (the prompt's length), as a stateless model was trained. True: the prompt is
        read once and each new point alone is fed with the carried state (stateful).
    feedback:
        Maps a prediction to the next input (e.g. rescaling); identity by default.

    Returns the generated points, ``(batch, steps, features)`` (or ``(steps, features)``
    for a 2-D `start`), as float32; the prompt is not included.
    """
    check_int("steps", steps, "closed_loop", low=1)
    array = as_numeric_array(start, "start", "closed_loop")
    check_finite("start", array)
    array = array.astype(np.float32)
    single = array.ndim == 2
    if single:
        array = array[None]
    check_ndim("start", array, 3, "(batch, timesteps, features)")
    if 0 in array.shape:
        raise ValidationError(f"The 'start' parameter of closed_loop must hold at least one "
                              f"row of at least one time step and one feature; got shape "
                              f"{np.asarray(start).shape}.")
    device = next(iter(model.parameters()), torch.zeros(())).device
    window = torch.as_tensor(array, device=device)
    with eval_mode(model):
        outputs = []
        state, inputs = None, window
        for _ in range(steps):
            y, new_state = model(inputs, state if carry_state else None)
            point = y[:, -1] if y.dim() == 3 else y
            if point.shape != window[:, -1].shape:
                raise ValidationError(
                    f"closed_loop needs a model whose output is the next input point: the "
                    f"prompt has {window.shape[-1]} features per step but the model outputs "
                    f"shape {tuple(point.shape)} per batch."
                )
            outputs.append(point)
            following = feedback(point) if feedback is not None else point
            if carry_state:
                state, inputs = new_state, following[:, None]
            else:
                window = torch.cat([window[:, 1:], following[:, None]], dim=1)
                inputs = window
    generated = torch.stack(outputs, dim=1).float().cpu().numpy()
    return generated[0] if single else generated
