"""Safe access to the files of a bundle: name checks, size caps, strict JSON, fsync'd writes.

Every check names the file and what was expected, as a `BundleError`.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seqlab._io import fsync_dir
from seqlab.errors import BundleError

__all__ = ["Limits", "DEFAULT_LIMITS", "check_member_name", "member_path",
           "member_folder", "read_json", "sha256_of", "write_bytes",
           "write_json", "fsync_dir", "to_plain_json"]

_MEMBER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


@dataclass(frozen=True)
class Limits:
    """Caps that loading enforces before reading or allocating anything.

    ``max_json_bytes`` caps each JSON file, ``max_weights_bytes`` each safetensors file,
    ``max_header_bytes`` a safetensors header, ``max_elements`` the elements of all tensors of
    one file together, ``max_tensors`` their count and ``max_ndim`` each tensor's rank.
    """

    max_json_bytes: int = 64 * 2**20
    max_weights_bytes: int = 4 * 2**30
    max_header_bytes: int = 16 * 2**20
    max_elements: int = 2**30
    max_tensors: int = 100_000
    max_ndim: int = 8


DEFAULT_LIMITS = Limits()


def check_member_name(root: Path, name: Any, role: str) -> str:
    """`name` when it is a plain file name (no separators, no '..', not absolute), else raise."""
    if not isinstance(name, str) or not _MEMBER_NAME.match(name) or ".." in name:
        raise BundleError(
            f"The manifest names {name!r} as the {role} file: a bundle member must be a plain "
            f"file name inside the bundle folder (letters, digits, '.', '_', '-'; no path "
            f"separators, no '..', not absolute). Refusing to read outside {root}.", name)
    return name


def member_path(root: Path, name: Any, role: str) -> Path:
    """The path of bundle member `name` inside `root`, refused unless it is a plain file name
    (see :func:`check_member_name`) of an existing regular file that is not a link."""
    return _plain_member(root, name, role, folder=False)


def member_folder(root: Path, name: Any, role: str) -> Path:
    """The path of the folder `name` inside `root` (a bundle nested in another: a
    forecaster's LSTM members), refused unless it is a plain name of an existing folder
    that is not a link, so that nothing outside `root` is read through it."""
    return _plain_member(root, name, role, folder=True)


def _plain_member(root: Path, name: Any, role: str, *, folder: bool) -> Path:
    path = root / check_member_name(root, name, role)
    kind = "folder" if folder else "file"
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise BundleError(f"The bundle {root} lacks its {role} {kind} {name!r}.", path) from None
    if stat.S_ISLNK(info.st_mode) or not (stat.S_ISDIR if folder else stat.S_ISREG)(info.st_mode):
        raise BundleError(
            f"The {role} {kind} {path} is a link or not a regular {kind}; a bundle holds "
            f"plain {kind}s only.", path)
    if path.resolve().parent != root.resolve():
        raise BundleError(f"The {role} {kind} {path} resolves outside the bundle {root}.", path)
    return path


def _check_size(path: Path, cap: int, what: str) -> int:
    size = os.stat(path).st_size
    if size > cap:
        raise BundleError(
            f"{path} is {size} bytes, above the cap of {cap} bytes for {what}. If the file is "
            f"genuine, load with larger `limits`.", path)
    return size


def _no_constants(name: str) -> Any:
    raise ValueError(f"non-finite number {name} is not allowed")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text} overflows a float")
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > 19:  # beyond int64: no size, count or id in a bundle is
        raise ValueError(f"integer {text[:24]}... is too large")
    return int(text)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def read_json(path: Path, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Parse a JSON file strictly (size-capped, UTF-8, no NaN/Infinity, no duplicate keys)."""
    _check_size(path, limits.max_json_bytes, "a JSON file")
    try:
        text = path.read_bytes().decode("utf-8")
        return json.loads(text, parse_constant=_no_constants, parse_float=_finite_float,
                          parse_int=_bounded_int, object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise BundleError(f"{path} is not valid JSON: {error}.", path) from None


def sha256_of(path: Path) -> str:
    """The hex SHA-256 digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(2**20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to a new file and fsync it; an `OSError` (a full disk) names `path`."""
    try:
        with open(path, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        if error.filename is None and error.errno is not None:  # write() and fsync() name none
            raise OSError(error.errno, error.strerror, str(path)) from None
        raise


def to_plain_json(value: Any, where: str) -> Any:
    """`value` as JSON-plain data; callables and other objects are refused (non-finite floats
    become null, tuples lists, numpy scalars numbers)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        return to_plain_json(value.item(), where)
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise BundleError(f"{where}: key {key!r} is not a string; JSON keys must be.")
            out[key] = to_plain_json(item, f"{where}.{key}")
        return out
    if isinstance(value, (list, tuple)):
        return [to_plain_json(item, f"{where}[{i}]") for i, item in enumerate(value)]
    kind = "a callable" if callable(value) else f"a {type(value).__name__}"
    raise BundleError(
        f"{where} is {kind} ({value!r}); a bundle stores plain data only, never code. Use a "
        f"registered name (e.g. loss='mse') instead.")


def write_json(path: Path, value: Any) -> None:
    """Write JSON-plain `value` (indented, finite numbers only) and fsync."""
    text = json.dumps(value, indent=1, sort_keys=True, allow_nan=False)
    write_bytes(path, text.encode("utf-8"))
