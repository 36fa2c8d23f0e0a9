"""Reading users' files and writing results safely, with errors that name the file.

`read_text` reads a user's text file: UTF-8 (a byte-order mark is dropped, not read as
a character), never a binary file (workbooks, Parquet and gzip files named as such), and
every failure a `ValidationError` that says what was wrong and where. `read_table_text`
reads a CSV file the same way, or as Windows-1252 (with a note) where Excel wrote it so.

Every file seqlab writes for a user (tables, figures, reports, run records) goes through
`atomic_write`: the bytes land in a temporary file beside the target, are flushed to
disk, and replace the target in one rename. A full disk, a missing folder or a killed
process therefore leave the old file (or none), never a truncated or empty one.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from seqlab.errors import OutputError, ValidationError

__all__ = ["read_text", "read_table_text", "csv_rows", "csv_rows_and_lines",
           "fields_as_long_as", "check_not_utf16", "read_json_file",
           "fsync_dir", "read_toml_file", "read_config_file", "atomic_write", "atomic_savefig",
           "check_figure_path", "FIGURE_FORMATS", "umask_mode", "replace_atomically",
           "check_table_path", "TABLE_FORMATS", "is_jsonl",
           "check_output_path", "check_distinct_outputs", "cache_dir", "strict_json",
           "BUNDLE_POINTER", "BUNDLE_STORE_FORMAT"]


def read_text(path: str | Path, what: str = "input file") -> str:
    """The text of the UTF-8 file `path`, without a leading byte-order mark."""
    path = Path(path)
    data = _text_bytes(path, what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _not_utf8(path, what, data, error) from None


def read_table_text(path: str | Path, what: str = "data file") -> tuple[str, str | None]:
    """The text of the CSV file `path` and a note: UTF-8 as `read_text` reads it (no
    note), or, where it is not UTF-8 but is Windows-1252 (what Excel's "CSV (Comma
    delimited)" writes on Western-European Windows: 'Umsatz (€)', 'Température'), that,
    with a note naming the first character read so. Digits, separators and signs are the
    same bytes in both, so no number is read differently; only letters beyond ASCII could
    be, in a file of another code page."""
    path = Path(path)
    data = _text_bytes(path, what)
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        failure = error
    if _UTF8_SEQUENCE.search(data):  # UTF-8 and another encoding mixed: neither reads it
        raise _not_utf8(path, what, data, failure)
    try:
        text = data.removeprefix(b"\xef\xbb\xbf").decode("cp1252")
    except UnicodeDecodeError:
        raise _not_utf8(path, what, data, failure) from None
    at = failure.start
    shown = data[at:at + 1].decode("cp1252")  # one byte is one character in Windows-1252
    return text, (f"{path.name} is not UTF-8: read as Windows-1252 (byte {data[at]:#04x} at "
                  f"position {at} as {shown!r}); re-save it as UTF-8 if that is not the "
                  "character meant")


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                            rb"|[\xf0-\xf4][\x80-\xbf]{3}")
"""A character of two to four bytes in UTF-8: a file holding one is no Windows-1252 file
(where 'Ã©' would be two characters of the same bytes, rarely written)."""
_FORMATS = ((b"PK\x03\x04", "a zip archive (an Excel .xlsx or OpenDocument .ods workbook is "
                             "one)", "save the sheet as CSV UTF-8"),
            (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook (.xls)",
             "save the sheet as CSV UTF-8"),
            (b"PAR1", "a Parquet file", "write it as CSV (pandas: frame.to_csv(path))"),
            (b"\x1f\x8b", "compressed with gzip", "decompress it first (gunzip)"),
            (b"SQLite format 3\x00", "an SQLite database", "export the table as CSV"))
"""Binary formats users give for a text file: (first bytes, what the file is, advice)."""


def _files_in(folder: Path, shown: int = 3) -> str:
    """The first `shown` files of `folder` (not hidden ones), as a hint (nothing where it
    holds none or cannot be listed)."""
    try:
        names = sorted(entry.name for entry in folder.iterdir()
                       if entry.is_file() and not entry.name.startswith("."))
    except OSError:
        return ""
    if not names:
        return ""
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return f" (it holds {', '.join(names[:shown])}{more})"


def _text_bytes(path: Path, what: str) -> bytes:
    """The bytes of the text file `path`: it exists, is a readable file, and is no UTF-16,
    UTF-32 or binary file (a workbook, Parquet or gzip file is named as such)."""
    if not path.exists():
        stdin = " (seqlab reads no standard input: save it to a file and give that)" \
            if str(path) == "-" else ""
        raise ValidationError(f"The {what} {path} does not exist{stdin}.")
    if path.is_dir():
        raise ValidationError(f"The {what} {path} is a folder, not a file: name the file to "
                              f"read{_files_in(path)}.")
    if not path.is_file():
        raise ValidationError(f"The {what} {path} is a pipe or a device, not a file: save what "
                              f"it holds to a file first and give that.")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ValidationError(f"The {what} {path} cannot be read: "
                              f"{error.strerror or error}.") from None
    check_not_utf16(data[:4096], path, what)
    for magic, kind, advice in _FORMATS:
        # (A Parquet file ends as it starts; a CSV may start 'PAR1,PAR2'.)
        if data.startswith(magic) and (magic != b"PAR1" or data.endswith(magic)):
            raise ValidationError(f"The {what} {path} is {kind}, not text; {advice}.")
    if b"\x00" in data:
        raise ValidationError(f"The {what} {path} is binary (it holds NUL bytes, first at byte "
                              f"{data.index(0)}); expected UTF-8 text.")
    return data


def _utf16_without_mark(head: bytes) -> str | None:
    """'UTF-16LE' or 'UTF-16BE' where the bytes `head` (a file's first, 2 or more) are
    mostly Latin text so encoded without a byte-order mark: NUL at nearly every odd (or
    even) position and nowhere else; None otherwise."""
    even, odd = head[0::2], head[1::2]
    if len(odd) < 2:
        return None
    for nul, other, name in ((odd, even, "UTF-16LE"), (even, odd, "UTF-16BE")):
        if nul.count(0) >= 0.9 * len(nul) and other.count(0) == 0:
            return name
    return None


def _not_utf8(path: Path, what: str, data: bytes, error: UnicodeDecodeError
              ) -> ValidationError:
    return ValidationError(
        f"The {what} {path} is not valid UTF-8 (byte {data[error.start]:#04x} at position "
        f"{error.start}); re-save it as UTF-8.")


_WIDE_MARKS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
               (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def csv_rows(text: str, path: str | Path) -> list[list[str]]:
    """The rows of CSV `text` (read from `path`), any line ending, fields of any length
    (`fields_as_long_as`). A malformed file is a `ValidationError`."""
    return csv_rows_and_lines(text, path)[0]


def csv_rows_and_lines(text: str, path: str | Path) -> tuple[list[list[str]], list[int]]:
    """`csv_rows`, and the line of `text` (from 1) on which each row starts: a quoted field
    may hold line breaks, so rows and lines need not match one to one."""
    rows, lines = [], []
    try:
        with fields_as_long_as(text):
            reader = csv.reader(io.StringIO(text, newline=""))
            start = 1
            for row in reader:
                rows.append(row)
                lines.append(start)
                start = reader.line_num + 1
    except csv.Error as error:
        raise ValidationError(f"{path} is not a readable CSV file: {error}.") from None
    return rows, lines


@contextmanager
def fields_as_long_as(text: str) -> Iterator[None]:
    """csv refuses a field over 128 KiB (a long review, a huge cell), which `text`, read
    whole already, may hold: within this block the limit is its length."""
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        yield
    finally:
        csv.field_size_limit(limit)


def check_not_utf16(head: bytes, path: str | Path, what: str) -> None:
    """Refuse a file whose first bytes `head` (a few thousand, for the second case) are a
    UTF-16 or UTF-32 byte-order mark (as Windows' Notepad and PowerShell write 'Unicode'
    text), or UTF-16 text without one (`_utf16_without_mark`), naming the encoding: its NUL
    bytes would otherwise have it called binary."""
    for mark, encoding in _WIDE_MARKS:
        if head.startswith(mark):
            raise ValidationError(f"The {what} {path} is {encoding} text (it starts with a "
                                  f"{encoding} byte-order mark); expected UTF-8. Re-save it "
                                  f"as UTF-8.")
    wide = _utf16_without_mark(head) if b"\x00" in head else None
    if wide:
        raise ValidationError(f"The {what} {path} is {wide} text without a byte-order mark "
                              "(every other byte NUL); expected UTF-8. Re-save it as UTF-8.")


def read_json_file(path: str | Path, what: str = "JSON file") -> Any:
    """The JSON document in the user's file `path`; a `ValidationError` naming the file
    when it is missing, not text, or not JSON."""
    text = read_text(path, what)
    try:
        return json.loads(text)
    except RecursionError:
        raise ValidationError(f"The {what} {path} is nested too deeply.") from None
    except ValueError as error:
        raise ValidationError(f"The {what} {path} is not valid JSON: {error}.") from None


def read_toml_file(path: str | Path, what: str = "config file") -> dict[str, Any]:
    """The top-level table of the user's TOML file `path` (read with tomllib: data only,
    never code); a `ValidationError` naming the file when it cannot be read."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        raise ValidationError("Reading a TOML config needs Python 3.11 or newer (tomllib); "
                              "pass the settings as options, or write the config as "
                              ".json.") from None
    text = read_text(path, what)
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise ValidationError(f"The {what} {path} is nested too deeply.") from None
    except tomllib.TOMLDecodeError as error:
        raise ValidationError(f"The {what} {path} is not valid TOML: {error}.") from None


def read_config_file(path: str | Path, what: str = "config file") -> dict[str, Any]:
    """A config file as a dict: TOML (seqlab's config format), or JSON when its name ends
    in ``.json`` (or, named neither .toml nor .json, when it starts with ``{``). Either way
    the top level must be a table (an object)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".json" or (suffix != ".toml" and
                             read_text(path, what).lstrip().startswith("{")):
        config = read_json_file(path, what)
        if not isinstance(config, dict):
            raise ValidationError(f"The {what} {path} must hold a JSON object.")
        return config
    return read_toml_file(path, what)


def check_output_path(path: str | Path, what: str = "output", *, folder: bool = False,
                      inputs: tuple[str | Path | None, ...] = ()) -> Path:
    """Fail early, before any work, when `path` cannot be written: its folder is missing,
    is not a folder, or is not writable; or `path` itself is a folder; or it is one of the
    command's `inputs` (writing there would replace the user's data). With `folder`, the
    result is a folder that may exist and whose missing parents are made later. The error
    is a `ValidationError`: the path given is bad input. An input that is a folder (a
    bundle the command reads) takes no output inside it either."""
    path = Path(path)
    for source in inputs:
        if source is not None and path.exists() and Path(source).exists() \
                and path.resolve() == Path(source).resolve():
            kind = "folder" if Path(source).is_dir() else "file"
            raise ValidationError(f"The {what} path {path} is the input {kind} {source}; "
                                  "writing there would replace your data. Name another file.")
        if source is not None and Path(source).is_dir() \
                and path.resolve().is_relative_to(Path(source).resolve()):
            raise ValidationError(f"The {what} path {path} is inside {source}, which this "
                                  "command reads; writing there would damage it. Name a path "
                                  "outside it.")
    if not folder and not is_stream(path) and os.path.islink(path):
        # A link is written through (`replace_atomically`): its target is what is checked.
        check_output_path(os.path.realpath(path), what, inputs=inputs)
        return path
    if not folder and is_stream(path):  # /dev/stdout, a pipe: nothing is made beside it
        if not os.access(path, os.W_OK):
            raise ValidationError(f"Cannot write the {what} {path}: it is not writable.")
        return path
    parent = path.parent if str(path.parent) else Path(".")
    bundle = None if folder else _bundle_around(parent)
    if bundle is not None:
        raise ValidationError(f"The {what} path {path} is inside the seqlab bundle {bundle}; "
                              "writing there would damage it. Name a path outside it.")
    if path.is_dir() and not folder:
        raise ValidationError(f"The {what} path {path} is a folder; name a file to write.")
    if folder and path.exists() and not path.is_dir():
        raise ValidationError(f"The {what} path {path} is a file; name a folder to write "
                              f"into.")
    existing = parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise ValidationError(f"Cannot write the {what} {path}: {existing} is not a folder.")
    if not folder and existing != parent:
        raise ValidationError(f"Cannot write the {what} {path}: the folder {parent} does not "
                              f"exist. Create it first.")
    try:  # a real write: permission bits do not tell root (or /proc, or a read-only mount)
        handle, probe = tempfile.mkstemp(prefix=".seqlab-probe-", dir=existing)
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        raise ValidationError(f"Cannot write the {what} {path}: the folder {existing} does "
                              f"not take new files ({error.strerror or error}).") from None
    return path


BUNDLE_POINTER = "CURRENT"
"""The file of a bundle folder that names its live version (`seqlab.bundle.store.POINTER`)."""
BUNDLE_STORE_FORMAT = "seqlab-bundle-store"
"""The format a bundle's pointer file states (`seqlab.bundle.store.STORE_FORMAT`)."""


def _bundle_around(folder: Path) -> Path | None:
    """The seqlab bundle (a folder whose CURRENT names its versions) that `folder` is, or
    lies inside, else None: a file written there would replace or sit among its files
    (``--out other.bundle/CURRENT`` left that bundle unreadable)."""
    here = Path(os.path.abspath(folder))  # named as the user wrote it, not resolved
    for candidate in (here, *here.parents):
        pointer = candidate / BUNDLE_POINTER
        try:
            if pointer.is_file() and pointer.stat().st_size < 65536 \
                    and BUNDLE_STORE_FORMAT in pointer.read_text(errors="replace"):
                return candidate.relative_to(Path.cwd()) \
                    if candidate.is_relative_to(Path.cwd()) else candidate
        except OSError:
            continue
    return None


def check_distinct_outputs(paths: dict[str, str | Path | None]) -> None:
    """Fail early, before any work, where two of a command's outputs (option -> path; None
    where not given) name one place, or one lies inside the other (a table inside the
    bundle folder being written): the second write would replace or damage the first, after
    all the work was done."""
    given = [(option, Path(path)) for option, path in paths.items() if path is not None]
    for k, (first, a) in enumerate(given):
        for second, b in given[k + 1:]:
            a_at, b_at = a.resolve(), b.resolve()
            if a_at == b_at or a_at.is_relative_to(b_at) or b_at.is_relative_to(a_at):
                raise ValidationError(
                    f"The {first} path {a} and the {second} path {b} "
                    + ("name one place" if a_at == b_at else "lie one inside the other")
                    + "; the second written would replace or damage the first. Give each "
                    "its own path.")


def umask_mode(folder: bool = False) -> int:
    """The mode a file (or `folder`) made with `open` (or `mkdir`) gets under the process's
    umask: what the temporary files and folders written in place of them, which
    `tempfile` makes private (0600, 0700), are given before they take their place."""
    return (0o777 if folder else 0o666) & ~_umask()


_UMASK_LOCK = threading.Lock()


def _umask() -> int:
    """The process's umask. Linux reports it in /proc; elsewhere it can only be read by
    setting it, so it is set back at once, under a lock against this module's other
    readers (a file another thread creates in that instant would get the mode 0)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0)
        os.umask(mask)
    return mask


def is_stream(path: str | Path) -> bool:
    """Whether `path` exists and is neither a regular file nor a folder (after links): a
    terminal, a pipe, /dev/stdout or /dev/null, written to as it is rather than replaced."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    if stat.S_ISDIR(mode):
        return False
    # /dev/stdout redirected to a file is a link, through /proc, to that regular file: a
    # rename would replace the link and the output would go nowhere.
    named = [os.path.abspath(path)]
    if os.path.islink(path):
        named.append(os.path.join(os.path.dirname(named[0]), os.readlink(path)))
    return not stat.S_ISREG(mode) or any(n.startswith(("/dev/", "/proc/")) for n in named)


def replace_atomically(path: str | Path, write: Callable[[str], object]) -> None:
    """Run ``write(temporary)`` on a temporary file beside `path`, flush it to disk, give
    it `path`'s mode (a private file stays private) or, for a new file, the mode `open`
    would give it (not `tempfile`'s 0600), then rename it onto `path` (onto the file a link
    at `path` points to: the link stays): a reader sees the old file or the new one, never
    part of either. Errors propagate as they are raised;
    the temporary file never stays."""
    path = Path(path)
    if is_stream(path):  # /dev/stdout, a named pipe: written through, never replaced by a
        write(str(path))  # file (as root, a rename replaced /dev/stdout and printed nothing)
        return
    if os.path.islink(path):  # written through, as the shell's '>' writes: the link stays
        path = Path(os.path.realpath(path))
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                         dir=path.parent if str(path.parent) else ".")
    os.close(handle)
    try:
        write(temporary)
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        try:
            mode = path.stat().st_mode & 0o777
        except OSError:
            mode = umask_mode()
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def atomic_write(path: str | Path, data: bytes | str) -> Path:
    """Write `data` (text is UTF-8) to `path` all at once (`replace_atomically`); raise
    `OutputError` naming the file when it cannot be written, leaving no partial file
    behind."""
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        replace_atomically(path, lambda temporary: Path(temporary).write_bytes(payload))
    except OSError as error:
        reason = error.strerror or str(error)
        raise OutputError(f"Could not write {path}: {reason}. Nothing was written.") from None
    return path


def is_jsonl(path: str | Path) -> bool:
    """True for .jsonl / .ndjson / .json files (read and written as JSON lines)."""
    return Path(path).suffix.lower() in (".jsonl", ".ndjson", ".json")


TABLE_FORMATS = (".csv", ".txt", ".jsonl", ".ndjson")
"""The extensions a table of results may be written as (none means CSV): CSV, or JSON
lines (one object per row) for .jsonl and .ndjson."""


def check_table_path(path: str | Path, what: str = "output", *,
                     inputs: tuple[str | Path | None, ...] = ()) -> Path:
    """`check_output_path` for a table of results, whose extension must name one of
    `TABLE_FORMATS` (or be absent: CSV), checked before any work: CSV text in a .xlsx,
    or JSON lines in a .json (not JSON once there are two rows), misleads every reader."""
    path = check_output_path(path, what, inputs=inputs)
    suffix = path.suffix.lower()
    if suffix and suffix not in TABLE_FORMATS:
        raise ValidationError(f"The {what} {path} is a table, which seqlab writes as CSV "
                              f"or as JSON lines (one object per row"
                              f"{', not one JSON document' if suffix == '.json' else ''}); "
                              f"name a file ending in {', '.join(TABLE_FORMATS)}.")
    return path


FIGURE_FORMATS = ("png", "pdf", "svg", "svgz", "jpg", "jpeg", "eps", "ps", "tif", "tiff",
                  "webp")
"""The extensions a figure may be written in (matplotlib's formats; none means PNG)."""


def check_figure_path(path: str | Path, what: str = "plot", *,
                      inputs: tuple[str | Path | None, ...] = ()) -> Path:
    """`check_output_path` for a figure, whose extension must also name one of
    `FIGURE_FORMATS` (or be absent: PNG), checked before any work."""
    path = check_output_path(path, what, inputs=inputs)
    suffix = path.suffix.lstrip(".").lower()
    if suffix and suffix not in FIGURE_FORMATS:
        raise ValidationError(f"The {what} path {path} ends in .{suffix}, which is no picture "
                              f"format; name a .png file (or {', '.join(FIGURE_FORMATS[1:4])} "
                              "...).")
    return path


def atomic_savefig(figure: Any, path: str | Path, **options: Any) -> Path:
    """Render a matplotlib `figure` in memory, then write it with `atomic_write`; the
    format follows the file's extension (PNG when it has none)."""
    buffer = io.BytesIO()
    fmt = Path(path).suffix.lstrip(".").lower() or "png"
    figure.savefig(buffer, format=fmt, **options)
    return atomic_write(path, buffer.getvalue())


def fsync_dir(path: str | Path) -> None:
    """Flush a folder's entries to disk (so a rename inside it survives a crash); a no-op
    where folders cannot be opened or synced."""
    try:
        handle = os.open(path, os.O_RDONLY)
    except OSError:  # not supported on this platform: the renames still hold
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def cache_dir() -> Path:
    """seqlab's cache folder: ``$XDG_CACHE_HOME/seqlab`` or ``~/.cache/seqlab`` (corpora
    unpacked from the package, encoded token files)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "seqlab"


def strict_json(value: Any) -> Any:
    """`value` with every non-finite float (NaN, infinities) as None and numpy scalars and
    arrays as plain Python, so that it dumps as strict JSON (``null``, never ``NaN``)."""
    if isinstance(value, dict):
        return {str(k): strict_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict_json(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        return strict_json(value.tolist())  # numpy arrays and scalars
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
