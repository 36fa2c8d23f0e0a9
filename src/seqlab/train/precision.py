"""Where a model trains and in which number format: devices and mixed precision.

``device="auto"`` takes a GPU when one is present (CUDA, then Apple's MPS), else the CPU;
naming one that this machine or this torch build lacks is a clear error, not torch's
assertion. ``precision`` is ``"32"`` (float32 throughout), ``"bf16"`` (matrix work under
bfloat16 autocast: recent x86 CPUs and every current GPU have bf16 units; weights,
optimizer state and the loss stay float32) or ``"16"`` (float16 autocast with a gradient
scaler, CUDA only: float16's narrow range needs the scaler to keep small gradients).
``"auto"`` is bf16 where the device has fast bf16 arithmetic (a GPU that supports it, an x86
CPU with AVX-512 BF16 or AMX) and float32 elsewhere, where emulated bf16 would be slower.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from contextvars import ContextVar

import torch
from torch import nn

from seqlab.errors import ValidationError

__all__ = ["PRECISIONS", "DEVICES", "resolve_device", "resolve_precision", "using_device",
           "Precision"]

PRECISIONS = ("32", "bf16", "16", "auto")
DEVICES = ("auto", "cpu", "cuda", "mps")


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


_AUTO_MEANS: ContextVar[str] = ContextVar("seqlab_auto_device", default="auto")


@contextlib.contextmanager
def using_device(device: str) -> Iterator[None]:
    """Within the block, ``device="auto"`` (every Trainer's default) means `device`: how a
    command's ``--device`` reaches the trainers that recipes, experiments and forecasters
    build inside the library. Checked at once; worker processes do not inherit it."""
    resolve_device(device)
    token = _AUTO_MEANS.set(device)
    try:
        yield
    finally:
        _AUTO_MEANS.reset(token)


def resolve_device(device: str | torch.device) -> torch.device:
    """The torch device for `device` (``auto``, ``cpu``, ``cuda``, ``cuda:N``, ``mps``),
    checked to exist here (``auto`` inside `using_device` is that block's device)."""
    if isinstance(device, torch.device):
        name = str(device)
    elif isinstance(device, str):
        name = device.strip().lower()
    else:
        raise ValidationError(f"The 'device' parameter must be one of {list(DEVICES)} (or "
                              f"cuda:N). Got {device!r} instead.")
    if name == "auto" and _AUTO_MEANS.get() != "auto":
        name = _AUTO_MEANS.get()
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps" if _mps_available() else "cpu")
    kind, _, index = name.partition(":")
    if kind not in DEVICES[1:] or (index and not index.isdigit()):
        raise ValidationError(f"The 'device' parameter must be one of {list(DEVICES)} (or "
                              f"cuda:N). Got {device!r} instead.")
    if kind == "cuda":
        if not torch.cuda.is_available():
            why = ("this torch build has no CUDA support" if torch.version.cuda is None
                   else "no CUDA GPU is visible (check CUDA_VISIBLE_DEVICES and the driver)")
            raise ValidationError(f"The device {name!r} is not available: {why}. Use "
                                  f"device='auto' to take a GPU only when there is one.")
        if index and int(index) >= torch.cuda.device_count():
            raise ValidationError(f"The device {name!r} is not available: this machine has "
                                  f"{torch.cuda.device_count()} CUDA device(s).")
    if kind == "mps" and not _mps_available():
        raise ValidationError("The device 'mps' is not available: it needs Apple silicon and "
                              "a torch build with MPS. Use device='auto'.")
    return torch.device(name)


def _cpu_has_fast_bf16() -> bool:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return bool(flags & {"avx512_bf16", "amx_bf16"})
    except OSError:
        pass
    return False


@functools.cache
def cpu_bf16_available() -> bool:
    """Whether torch's CPU recurrent kernels take bf16 on this machine: one small LSTM step
    forward and backward under bf16 autocast (oneDNN refuses bf16 on CPUs without
    AVX-512: "could not create a primitive descriptor")."""
    try:
        layer = nn.LSTM(2, 2, batch_first=True)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            out, _ = layer(torch.ones(1, 2, 2))
        out.float().sum().backward()
    except RuntimeError:
        return False
    return True


def resolve_precision(precision: str, device: torch.device) -> str:
    """`precision`, with ``auto`` made ``bf16`` where `device` computes in bf16 natively
    and ``32`` elsewhere."""
    if precision != "auto":
        return precision
    if device.type == "cuda":
        return "bf16" if torch.cuda.is_bf16_supported() else "32"
    if device.type == "cpu":
        return "bf16" if _cpu_has_fast_bf16() else "32"
    return "32"


class Precision:
    """Autocast and (for float16) gradient scaling for one device and precision."""

    def __init__(self, precision: str, device: torch.device):
        if precision not in PRECISIONS:
            raise ValidationError(f"The 'precision' parameter must be one of "
                                  f"{list(PRECISIONS)}. Got {precision!r} instead.")
        asked = precision
        precision = resolve_precision(precision, device)
        if precision == "16" and device.type != "cuda":
            raise ValidationError(
                f"precision '16' (float16 with a gradient scaler) needs a CUDA device; this "
                f"run is on {device.type}. Use precision='bf16' on the CPU.")
        if asked == "bf16" and device.type == "cpu" and not cpu_bf16_available():
            raise ValidationError(
                "precision 'bf16' is not available on this CPU: torch's recurrent kernels "
                "refuse bf16 without AVX-512. Use precision='32', or 'auto' (bf16 only where "
                "the CPU computes it natively).")
        self.name = precision
        self.device = device
        self.dtype = {"32": None, "bf16": torch.bfloat16, "16": torch.float16}[precision]
        self.scaler = torch.amp.GradScaler("cuda") if precision == "16" else None

    def autocast(self) -> contextlib.AbstractContextManager[None]:
        """The forward pass and loss in the reduced format (a no-op context at 32: this is
        entered once per batch)."""
        if self.dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=self.dtype)

    def step(self, loss: torch.Tensor, optimizer: torch.optim.Optimizer, model: nn.Module,
             clip: float | None, sync: Callable[[], None] | None = None) -> None:
        """Backward, `sync` (averaging the gradients over processes), optional clipping of
        the true gradients, and the optimizer step."""
        if self.scaler is None:
            loss.backward()
            if sync is not None:
                sync()
            if clip is not None:
                nn.utils.clip_grad_norm_(model.parameters(), clip)
            optimizer.step()
            return
        self.scaler.scale(loss).backward()
        if sync is not None:
            sync()
        if clip is not None:
            self.scaler.unscale_(optimizer)
            nn.utils.clip_grad_norm_(model.parameters(), clip)
        self.scaler.step(optimizer)
        self.scaler.update()
