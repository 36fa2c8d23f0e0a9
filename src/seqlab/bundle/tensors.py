"""Read safetensors files safely: the header is parsed and checked before any tensor exists.

The format is an 8-byte little-endian header length, a JSON header naming each tensor's
dtype, shape and byte range, then the raw bytes. Checking that header ourselves (caps on
size, rank and element count, byte ranges that tile the file exactly) means a shape bomb
or a truncated file is refused before a single byte is allocated for it.
"""

from __future__ import annotations

import json
import math
import os
import struct
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file

from seqlab.bundle.files import DEFAULT_LIMITS, Limits
from seqlab.errors import BundleError

__all__ = ["read_header", "check_shapes", "load_tensors", "DTYPE_BYTES"]

DTYPE_BYTES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2,
               "I8": 1, "U8": 1, "BOOL": 1}


def _fail(path: Path, problem: str) -> BundleError:
    return BundleError(f"{path} is not a valid safetensors file: {problem}.", path)


def read_header(path: Path, limits: Limits = DEFAULT_LIMITS) -> dict[str, tuple[str, tuple]]:
    """Tensor name -> (dtype, shape) from the header of `path`, after checking every cap and
    that the byte ranges tile the data exactly (so truncation and padding are refused)."""
    size = os.stat(path).st_size
    if size > limits.max_weights_bytes:
        raise BundleError(
            f"{path} is {size} bytes, above the cap of {limits.max_weights_bytes} bytes for a "
            f"tensor file. If the file is genuine, load with larger `limits`.", path)
    with open(path, "rb") as handle:
        prefix = handle.read(8)
        if len(prefix) < 8:
            raise _fail(path, f"it has {size} bytes, fewer than the 8-byte header length")
        (header_len,) = struct.unpack("<Q", prefix)
        if header_len > limits.max_header_bytes:
            raise _fail(path, f"its header claims {header_len} bytes, above the cap of "
                              f"{limits.max_header_bytes}")
        if 8 + header_len > size:
            raise _fail(path, f"its header claims {header_len} bytes but the file has only "
                              f"{size - 8} after the length (truncated?)")
        raw = handle.read(header_len)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise _fail(path, f"its header is not JSON ({error})") from None
    except RecursionError:
        raise _fail(path, "its header nests deeper than any tensor table") from None
    if not isinstance(header, dict):
        raise _fail(path, "its header is not a JSON object")
    header.pop("__metadata__", None)
    if len(header) > limits.max_tensors:
        raise _fail(path, f"it holds {len(header)} tensors, above the cap of "
                          f"{limits.max_tensors}")
    data_len = size - 8 - header_len
    total = 0
    ranges = []
    result: dict[str, tuple[str, tuple]] = {}
    for name, entry in header.items():
        if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data_offsets"}:
            raise _fail(path, f"tensor {name!r} has entry {entry!r}; expected dtype, shape and "
                              f"data_offsets")
        dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
        if dtype not in DTYPE_BYTES:
            raise _fail(path, f"tensor {name!r} has dtype {dtype!r}; expected one of "
                              f"{sorted(DTYPE_BYTES)}")
        ok_shape = isinstance(shape, list) and all(
            isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape)
        if not ok_shape or len(shape) > limits.max_ndim:
            raise _fail(path, f"tensor {name!r} has shape {shape!r}; expected at most "
                              f"{limits.max_ndim} non-negative integer dimensions")
        numel = math.prod(shape)
        total += numel
        if total > limits.max_elements:
            raise BundleError(
                f"{path}: tensor {name!r} declares shape {shape} ({numel} elements), taking "
                f"the file's total to {total} elements, above the cap of "
                f"{limits.max_elements}. Refused before allocating anything.", path)
        ok_offsets = isinstance(offsets, list) and len(offsets) == 2 and all(
            isinstance(o, int) and not isinstance(o, bool) for o in offsets)
        if not ok_offsets or offsets[1] - offsets[0] != numel * DTYPE_BYTES[dtype]:
            raise _fail(path, f"tensor {name!r} has data_offsets {offsets!r}, which do not "
                              f"hold {numel} {dtype} values")
        ranges.append((offsets[0], offsets[1], name))
        result[name] = (dtype, tuple(shape))
    position = 0
    for begin, end, name in sorted(ranges):
        if begin != position:
            raise _fail(path, f"tensor {name!r} starts at byte {begin}, expected {position} "
                              f"(ranges overlap or leave gaps)")
        position = end
    if position != data_len:
        raise _fail(path, f"its tensors cover {position} data bytes but the file holds "
                          f"{data_len} (truncated or padded)")
    return result


def check_shapes(path: Path, header: dict[str, tuple[str, tuple]],
                 expected: dict[str, tuple], what: str) -> None:
    """Refuse a header whose tensor names or shapes differ from `expected`."""
    missing = sorted(set(expected) - set(header))
    extra = sorted(set(header) - set(expected))
    if missing or extra:
        raise BundleError(
            f"{path} does not match {what}: missing tensors {missing[:5]}, unexpected tensors "
            f"{extra[:5]}.", path)
    for name, shape in expected.items():
        if header[name][1] != tuple(shape):
            raise BundleError(
                f"{path}: tensor {name!r} has shape {list(header[name][1])} but {what} expects "
                f"{list(shape)}.", path)


def load_tensors(path: Path, limits: Limits = DEFAULT_LIMITS,
                 expected: dict[str, tuple] | None = None, what: str = "the model") -> dict[
                     str, torch.Tensor]:
    """Check the header (and the shapes against `expected`), then read the tensors on CPU."""
    header = read_header(path, limits)
    if expected is not None:
        check_shapes(path, header, expected, what)
    try:
        return load_file(str(path), device="cpu")
    except Exception as error:  # safetensors' own checks; never code execution
        raise _fail(path, f"safetensors refused it ({error})") from None


def tensor_summary(tensors: dict[str, Any]) -> dict[str, list[int]]:
    """Name -> shape, for messages and manifests."""
    return {k: list(v.shape) for k, v in tensors.items()}
