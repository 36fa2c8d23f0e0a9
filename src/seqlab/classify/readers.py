"""Reading labelled sequences from the files users have: UCR/UEA ``.ts`` and ``.arff``,
wide CSV, long CSV and text CSV.

Every reader returns a `LabelledSequences`: one ``(steps, channels)`` float array per
sequence (or a string, for text) and one label per sequence. Problems are
`ValidationError`s that name the file, the line and what was expected; a missing value
(``?`` in ``.ts``, an empty or ``NaN`` cell in a CSV inside a sequence) is an error unless a
`fill` is given (see `fill_missing`).
"""

from __future__ import annotations

import dataclasses
import math
import re
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from seqlab._io import csv_rows_and_lines, read_table_text
from seqlab._separators import TITLE_ROWS, with_commas
from seqlab._validation import FLOAT32_MAX
from seqlab.errors import ValidationError

__all__ = ["LabelledSequences", "whole_number", "no_label", "read_labelled", "read_ts", "read_arff",
           "read_wide_csv", "read_long_csv", "read_text_csv", "fill_missing", "match_channels",
           "FORMATS", "FILLS"]

FORMATS = ("auto", "ts", "arff", "wide", "long", "text")
"""The file formats `read_labelled` reads (``auto``: from the extension and header)."""

FILLS = ("ffill", "zero", "mean")
"""Ways to fill missing values: carry the last value forward (the first ones backward),
zeros, or the channel's mean over the file (over the training file, for test data and
new data that seqlab classify and predict read)."""

_MISSING = {"", "?", "nan", "NaN", "NA", "N/A", "null"}
_PADDING = _MISSING - {"?"}
"""What pads a wide CSV's shorter sequence after its end, as R and numpy write them ('?'
stays a missing value, as in .ts files)."""


@dataclass
class LabelledSequences:
    """Sequences and their labels as read from a file.

    `sequences` holds ``(steps, channels)`` float arrays (lengths may differ) or, for text,
    strings; `labels` one label (str) per sequence, or None when the file has none;
    `source` the file; `kind` ``"values"`` or ``"text"``; `channels` the channel names;
    `label_column` the header's name of a wide or long CSV's label column (None without a
    header);
    `columns` a wide CSV's width (its label column included); `notes` how the file was read
    (its separator or encoding where not commas and UTF-8, a wide CSV's label column);
    `ids` each sequence's name in a long CSV's sequence column or a text CSV's id column
    (None elsewhere: a sequence is then known by its place in the file); `label_number` the
    label column of a wide CSV without a header that the reader found (its labels last:
    '-1'), for new data to be read alike; `lines` each sequence's line in a wide or text
    CSV, for messages; `steps` the names a wide CSV's header gives its steps, for new data
    to be known by (a header of numbers, such as wavelengths, is no sequence); `label_at`
    the place of a wide CSV's label column (1 the first), for new data without a header to
    be read alike; `times` each sequence's steps in a long CSV as its step column writes
    them, in order, for messages; `format` the format it was read as (one of `FORMATS` but
    auto).
    """

    sequences: list[Any]
    labels: list[str] | None
    source: str
    kind: str = "values"
    channels: list[str] | None = None
    label_column: str | None = None
    columns: int | None = None
    notes: list[str] = dataclasses.field(default_factory=list)
    ids: list[str] | None = None
    label_number: str | None = None
    lines: list[int] | None = None
    steps: list[str] | None = None
    label_at: int | None = None
    times: list[list[str]] | None = None
    format: str | None = None

    def __len__(self) -> int:
        return len(self.sequences)

    def lengths(self) -> np.ndarray:
        """The number of steps (characters, for text) of each sequence."""
        return np.array([len(s) for s in self.sequences], dtype=np.int64)


def _missing_label(where: str, tag: str, column: str | None = None) -> ValidationError:
    """The error for a label cell that is empty or a missing-value marker; a marker that
    is a word ('NA': North America, not applicable) may be a class, so it says how to
    keep it one."""
    said = (f"column {column!r}" + (f": {tag!r}" if tag else "") if column is not None
            else repr(tag) if tag else "")
    message = f"{where}: the label is missing{f' ({said})' if said else ''}."
    if tag.strip("?"):
        words = ", ".join(sorted(_PADDING - {""}))
        message += (f" {words} are read as missing values; if {tag!r} names a class, "
                    f"write it otherwise in the file (say {tag + '_'!r}).")
    return ValidationError(message)


def _float(text: str) -> float:
    """`text` as a number, as `float` reads it but for the underscores Python allows
    between digits ('1_000', '1_2'): a file's '1_2' is a code (a class 'group 1, level 2'),
    not the number 12, and no spreadsheet writes numbers so. A ValueError otherwise."""
    if "_" in text:
        raise ValueError(f"could not convert string to float: {text!r}")
    return float(text)


def _number(text: str, where: str) -> float:
    text = text.strip()
    if text in _MISSING:
        return math.nan
    try:
        value = _float(text)
    except ValueError:
        comma = re.fullmatch(r"[-+]?\d+,\d+", text) is not None  # '"0,038"' in a comma file
        raise ValidationError(f"{where}: {text[:40]!r} is not a number (expected a number, or "
                              f"'?' / an empty cell for a missing value)"
                              + ("; with a decimal comma, separate the file's fields by ';' "
                                 "(as spreadsheets save CSV where the comma is the decimal "
                                 "mark) or write a point" if comma else "") + ".") from None
    # '1e400' reads as inf but is a huge number, not the missing value 'inf' spells.
    if abs(value) > FLOAT32_MAX and (math.isfinite(value) or "inf" not in text.lower()):
        raise ValidationError(f"{where}: {text[:40]!r} is beyond what float32 holds "
                              f"(±{FLOAT32_MAX:.3g}); rescale the values first.")
    return value


def fill_missing(data: LabelledSequences, fill: str | None, advice: str | None = None,
                 means: dict[str, float] | None = None) -> LabelledSequences:
    """`data` with its missing values filled by `fill` (one of `FILLS`), or a
    `ValidationError` naming the first missing value when `fill` is None, ending in
    `advice` (by default: fill them with --fill, or clean the file). `means` are the
    channels' means ``mean`` fills with, by channel name (the training data's, for new
    data: else a sequence's filling would depend on the others in its file); by default,
    or where they name other channels, the file's own."""
    if data.kind != "values":
        return data
    if fill is not None and fill not in FILLS:
        raise ValidationError(f"The `fill` option must be one of {', '.join(FILLS)} (or none); "
                              f"got {fill!r}.")
    bad = [i for i, s in enumerate(data.sequences) if not np.isfinite(s).all()]
    if not bad:
        return data
    # channels without a value in any sequence: whatever the fill, one value throughout
    alike = len({s.shape[1] for s in data.sequences}) == 1
    void = [c for c in range(data.sequences[0].shape[1]) if alike
            and not any(np.isfinite(s[:, c]).any() for s in data.sequences)]
    void_names = ", ".join(_channel_name(data, c) for c in void)
    if fill is None:
        first = data.sequences[bad[0]]
        step, channel = (int(v) for v in np.argwhere(~np.isfinite(first))[0])
        name = repr(data.ids[bad[0]]) if data.ids is not None else str(bad[0] + 1)
        line = f"line {data.lines[bad[0]]}, " if data.lines is not None else ""
        # A long CSV's step as its step column writes it (101, a date) and its channel's
        # name; elsewhere the step's and channel's places (1 the first)
        at = f"step {step + 1}, channel {channel + 1}"
        if data.times is not None and data.channels is not None:
            at = f"step {data.times[bad[0]][step]}, channel {data.channels[channel]!r}"
        raise ValidationError(
            f"{data.source}: sequence {name} ({line}label {_label_of(data, bad[0])}) has a missing "
            f"or non-finite value at {at} ({len(bad)} "
            f"sequence(s) have some). " + (advice or f"Fill them with --fill {'/'.join(FILLS)} "
                                             f"(fill= in the library) or clean the file.")
            + (f" Channel(s) {void_names} hold(s) no value "
               "in any sequence: drop the column(s), which a fill would make constant."
               if void and advice is None else ""))  # (new data has the trained channels)
    out = [s.copy() for s in data.sequences]
    if fill == "mean":
        channel_means = _given_means(data, means)
        if channel_means is None:
            stacked = np.concatenate(out, axis=0)
            with np.errstate(invalid="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # an empty channel: noted below
                channel_means = np.nanmean(np.where(np.isfinite(stacked), stacked, np.nan),
                                           axis=0)
            channel_means = np.where(np.isfinite(channel_means), channel_means, 0.0)
    empty: list[str] = []  # channels of a sequence that ffill had no value to carry in
    for i in bad:
        s = out[i]
        missing = ~np.isfinite(s)
        if fill == "zero":
            s[missing] = 0.0
        elif fill == "mean":
            s[missing] = np.broadcast_to(channel_means, s.shape)[missing]
        else:
            for c in range(s.shape[1]):
                column = s[:, c]
                ok = np.flatnonzero(np.isfinite(column))
                if len(ok) == 0:
                    column[:] = 0.0
                    if c not in void:  # (told of below, once for the file)
                        empty.append(f"{_where(data, i)} (channel {_channel_name(data, c)})")
                    continue
                # Forward fill, then the leading gap takes the first value.
                index = np.maximum.accumulate(np.where(np.isfinite(column),
                                                       np.arange(len(column)), -1))
                column[:] = column[np.where(index < 0, ok[0], index)]
    notes = data.notes + ([
        f"{Path(data.source).name}: --fill ffill (fill= in the library) had no value to "
        f"carry in {', '.join(empty[:5])}{f' and {len(empty) - 5} more' if len(empty) > 5 else ''}"
        f", which hold(s) none in that channel: filled with 0 (--fill mean fills such a "
        f"channel with its mean)"] if empty else []) + ([
        f"{Path(data.source).name}: channel(s) {void_names} "
        f"hold(s) no value in any sequence: --fill {fill} (fill= in the library) fills them "
        "with one value throughout, a constant that tells the classes nothing; drop the "
        "column(s)"] if void else [])
    return dataclasses.replace(data, sequences=out, notes=notes)


def _channel_name(data: LabelledSequences, c: int) -> str:
    """Channel `c` (0 the first) of `data` for a message: its name, else its number."""
    names = data.channels
    return repr(names[c]) if names is not None and len(names) == data.sequences[0].shape[1] \
        else str(c + 1)


def _given_means(data: LabelledSequences, means: dict[str, float] | None) -> np.ndarray | None:
    """`means` in the order of `data`'s channels: by name, or by place where the names
    share none (a wide CSV's 'value', a .ts file's 'dim_0': as `match_channels` matches
    them); None without `means`, or where they are for other channels."""
    names = data.channels or []
    if means is None or len(names) != len(means):
        return None
    if set(names) == set(means):
        return np.array([means[c] for c in names], dtype=np.float64)
    return None if set(names) & set(means) else np.array(list(means.values()),
                                                         dtype=np.float64)


def match_channels(data: LabelledSequences, kind: str, channels: list[str] | int | None,
                   against: str, *, layout: str | None = None) -> LabelledSequences:
    """`data` checked against what a classifier was trained on (`against` names it): the
    same `kind`, and the same number of `channels` (names, or a count when the names are
    unknown). A long CSV's channel columns are matched by name: the same names in another
    order are put in the training order, and other names are an error where the training
    file was a long CSV too (`layout`, the format it was read as: its header named the
    channels, as `data`'s does). (Names that share nothing, such as a wide CSV's ``value``
    and a .ts file's ``dim_0``, come from different formats and are matched by position.)"""
    if data.kind != kind:
        raise ValidationError(f"{data.source} holds {data.kind} but {against} holds {kind}; "
                              f"give both in one format.")
    if kind != "values" or channels is None:
        return data
    names = list(data.channels or [])
    count = channels if isinstance(channels, int) else len(channels)
    width = data.sequences[0].shape[1] if data.sequences else len(names)
    if width != count:
        known = "" if isinstance(channels, int) else f" ({', '.join(channels)})"
        raise ValidationError(f"{data.source} has {width} channel(s) ({', '.join(names)}) but "
                              f"{against} has {count}{known}; give the same channels.")
    if isinstance(channels, int) or names == list(channels):
        return data
    if len(set(names)) != len(names) or len(set(channels)) != len(channels):
        return data
    if set(names) == set(channels):
        order = [names.index(c) for c in channels]
        return dataclasses.replace(data, sequences=[s[:, order] for s in data.sequences],
                                   channels=list(channels))
    # Both headers name their channels: names that differ (in part or in all) are other
    # channels, not the same ones in other words
    if set(names) & set(channels) or layout == data.format == "long":
        missing = [c for c in channels if c not in names]
        extra = [c for c in names if c not in channels]
        raise ValidationError(f"{data.source} has channel(s) {', '.join(extra)} where {against} "
                              f"has {', '.join(missing)}; give the channels it was trained "
                              f"on ({', '.join(channels)}).")
    return data


def _label_of(data: LabelledSequences, i: int) -> str:
    return repr(data.labels[i]) if data.labels is not None else "none"


def _lines(path: Path, notes: list[str] | None = None) -> list[str]:
    """The lines of `path`, UTF-8 or Excel's Windows-1252 (then with a note in `notes`)."""
    text, encoding = read_table_text(path, "data file")
    if not text.strip():
        raise ValidationError(f"The data file {path} is empty; expected labelled sequences.")
    if encoding and notes is not None:
        notes.append(encoding)
    # Line breaks as editors count them: str.splitlines would also break at form feeds and
    # Unicode's line separators, which scraped texts hold inside their quotes.
    lines = _LINE_BREAK.split(text)
    return lines[:-1] if lines[-1] == "" else lines  # the last line's break ends no line


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


# ------------------------------------------------------------------------------ .ts


_TS_COMMENTS = ("#", "%")
"""What starts a comment line in a ``.ts`` file: '#', or '%' as in the .arff files the
UEA archive's .ts files were converted from."""

_TUPLE = re.compile(r"\(([^()]*)\)")
_OUTSIDE_TUPLES = re.compile(r":(?![^()]*\))")
"""A ':' between channels, not one inside a ``(timestamp,value)`` tuple such as
``(2007-01-01 00:00:00,241.97)``."""


def _a_channel(field: str) -> bool:
    """Whether a field of a ``.ts`` line holds a channel's values, not a class label:
    several numbers (or '?') separated by commas, or ``(timestamp,value)`` tuples."""
    items = field.split(",")
    return field.lstrip().startswith("(") or (len(items) > 1 and all(map(_is_number, items)))


def read_ts(path: str | Path, *, labelled: bool = True,
            channels: int | None = None) -> LabelledSequences:
    """Read a UCR/UEA ``.ts`` file (the format of sktime and aeon): univariate or
    multivariate, equal or unequal length, ``?`` for missing values.

    The header's ``@dimensions``/``@univariate``, ``@equalLength``, ``@seriesLength`` and
    ``@classLabel`` are checked against every data line; lines starting with ``#`` or
    ``%`` are comments. With `labelled` False a line may lack its label (data to predict
    on): a line of one field more than the channels (``@dimensions``, ``@univariate``,
    else `channels`: those a classifier was trained on) ends in its label, unless that
    field holds several values, a channel (`_a_channel`).
    """
    path = Path(path)
    notes: list[str] = []
    lines = _lines(path, notes)
    header: dict[str, str] = {}
    start = None
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith(_TS_COMMENTS):
            continue
        if not line.startswith("@"):
            raise ValidationError(f"{path}, line {number}: expected a header line starting "
                                  f"with '@' (or '#' or '%' for a comment) before @data; got "
                                  f"{line[:40]!r}.")
        key, _, value = line[1:].partition(" ")
        key = key.lower()
        if key == "data":
            start = number
            break
        header[key] = value.strip()
    if start is None:
        raise ValidationError(f"{path} has no @data line; a .ts file has a header of @ lines, "
                              f"then @data, then one sequence a line.")
    if "targetlabel" in header and header["targetlabel"].split()[:1] == ["true"]:
        raise ValidationError(f"{path} is a regression .ts file (@targetLabel true); seqlab "
                              f"classify needs class labels (@classLabel true ...).")
    class_field = header.get("classlabel", "true").split()
    has_labels = class_field[:1] == ["true"]
    declared_classes = class_field[1:] if has_labels else []
    if labelled and not has_labels:
        raise ValidationError(f"{path}: the header says @classLabel {' '.join(class_field)}, so "
                              f"its sequences have no class labels; training and scoring need "
                              f"labelled sequences (@classLabel true, then the classes).")
    dims: int | None = None
    if "dimensions" in header:
        try:
            dims = int(header["dimensions"])
        except ValueError:
            raise ValidationError(f"{path}: @dimensions {header['dimensions']!r} is not a "
                                  f"whole number.") from None
    elif header.get("univariate", "").lower() == "true":
        dims = 1
    equal = header.get("equallength", "true").lower() != "false"
    declared_length = header.get("serieslength")
    timestamps = header.get("timestamps", "false").lower() == "true"
    expected = dims if dims is not None else channels  # a line of one field more: labelled
    sequences: list[np.ndarray] = []
    labels: list[str] = []
    for number in range(start + 1, len(lines) + 1):
        line = lines[number - 1].strip()
        if not line or line.startswith(_TS_COMMENTS):
            continue
        where = f"{path}, line {number}"
        fields = _OUTSIDE_TUPLES.split(line) if timestamps or "(" in line else line.split(":")
        if has_labels and (labelled or (expected is not None and len(fields) == expected + 1
                                        and not _a_channel(fields[-1]))):
            if len(fields) < 2:
                raise ValidationError(f"{where}: no class label (expected the values, then ':' "
                                      f"and the label, as @classLabel true says).")
            label = fields[-1].strip()
            fields = fields[:-1]
            if not label:
                raise ValidationError(f"{where}: the class label is empty.")
            if label == "?":  # the format's missing value: no class, on new data unknown
                if labelled:
                    raise _missing_label(where, label)
                label = ""
            elif declared_classes and label not in declared_classes:
                raise ValidationError(f"{where}: label {label!r} is not among the classes the "
                                      f"header declares ({' '.join(declared_classes)}).")
            labels.append(label)
        if dims is None:
            dims = len(fields)
        if len(fields) != dims:
            raise ValidationError(f"{where}: {len(fields)} channel(s) (fields separated by ':'), "
                                  f"but the file has {dims} (@dimensions or the first line); "
                                  f"every sequence needs the same channels.")
        channels = []
        for c, field in enumerate(fields):
            if timestamps or field.lstrip().startswith("("):
                items = [t.split(",")[-1] for t in _TUPLE.findall(field)]
            else:
                items = field.split(",")
            channels.append([_number(v, f"{where}, channel {c + 1}, value {k + 1}")
                             for k, v in enumerate(items)])
        lengths = {len(c) for c in channels}
        if len(lengths) != 1:
            raise ValidationError(f"{where}: its channels have different lengths "
                                  f"({', '.join(str(len(c)) for c in channels)}); the channels "
                                  f"of one sequence must have one length.")
        values = np.array(channels, dtype=np.float64).T.reshape(-1, dims)
        if not equal:  # variable length: '?' after a sequence's last value only pads it
            finite = np.flatnonzero(np.isfinite(values).any(axis=1))
            values = values[:finite[-1] + 1] if len(finite) else values
        sequences.append(values)
    if not sequences:
        raise ValidationError(f"{path} has no sequences after @data.")
    if labels and len(labels) != len(sequences):
        raise ValidationError(f"{path}: some lines have a class label and some do not; give "
                              f"every line its label (or none, to predict).")
    if equal:
        lengths = sorted({len(s) for s in sequences})
        if len(lengths) > 1:
            first = next(i for i, s in enumerate(sequences) if len(s) != len(sequences[0]))
            raise ValidationError(
                f"{path}: the header "
                + ("says @equalLength true" if "equallength" in header else
                   "has no @equalLength line (read as true)")
                + f", but sequences have {len(lengths)} "
                f"different lengths ({lengths[0]} to {lengths[-1]}; sequence {first + 1} has "
                f"{len(sequences[first])}, the first {len(sequences[0])}). Declare "
                f"@equalLength false for variable-length data.")
        if declared_length and declared_length.isdigit() and lengths[0] != int(declared_length):
            raise ValidationError(f"{path}: @seriesLength {declared_length}, but the sequences "
                                  f"have {lengths[0]} values.")
    return LabelledSequences(sequences, labels if labelled or any(labels) else None,
                             str(path), "values", [f"dim_{c}" for c in range(dims or 1)],
                             notes=notes, format="ts")


# ------------------------------------------------------------------------------ .arff


_ARFF_ATTRIBUTE = re.compile(r"""@attribute\s+('[^']*'|"[^"]*"|\S+)\s+(.*)""", re.IGNORECASE)
_ARFF_NUMERIC = ("numeric", "real", "integer")


def _arff_header(lines: list[str], path: Path) -> tuple[list[tuple[str, str]], int]:
    """The top-level attributes (name, type) of an ARFF file's header, a relational
    attribute's own attributes left out, and the number of the ``@data`` line."""
    attributes: list[tuple[str, str]] = []
    depth = 0
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("%"):
            continue
        keyword = line.split(None, 1)[0].lower()
        if keyword == "@data":
            return attributes, number
        if keyword == "@end":
            depth -= 1
        elif keyword == "@attribute":
            match = _ARFF_ATTRIBUTE.fullmatch(line)
            if match is None:
                raise ValidationError(f"{path}, line {number}: expected '@attribute NAME TYPE'; "
                                      f"got {line[:60]!r}.")
            if depth == 0:
                attributes.append((match[1].strip("'\""), match[2].strip()))
            depth += match[2].strip().lower() == "relational"
        elif keyword != "@relation":
            raise ValidationError(f"{path}, line {number}: expected an ARFF header line "
                                  f"(@relation, @attribute, @end, @data, or '%' for a comment) "
                                  f"before @data; got {line[:40]!r}.")
    raise ValidationError(f"{path} has no @data line; an ARFF file has a header of @relation "
                          f"and @attribute lines, then @data, then one sequence a line.")


def _arff_channels(cells: list[str], relational: bool, where: str) -> np.ndarray:
    """The ``(steps, channels)`` values of an ARFF data line's `cells` but its label: one
    numeric cell per step, or one `relational` cell holding a line of values per channel
    (the UEA archive writes them separated by ``\n``); a '?' after a sequence's last
    value pads it."""
    rows = cells[0].split("\\n") if relational else [",".join(cells)]
    channels = [[_number(v, f"{where}, channel {c + 1}, value {k + 1}")
                 for k, v in enumerate(row.split(","))] for c, row in enumerate(rows)]
    lengths = {len(c) for c in channels}
    if len(lengths) != 1:
        raise ValidationError(f"{where}: its channels have different lengths "
                              f"({', '.join(str(len(c)) for c in channels)}); the channels "
                              f"of one sequence must have one length.")
    values = np.array(channels, dtype=np.float64).T
    finite = np.flatnonzero(np.isfinite(values).any(axis=1))
    return values[:finite[-1] + 1] if len(finite) else values


def _arff_cells(line: str) -> list[str]:
    """The comma-separated values of an ARFF data line (or a nominal type's list of
    classes), each without the quotes, ' or ", that Weka puts around a value holding a
    space or a comma ('a,b': one value); a quote inside one escaped by a backslash. Other
    backslashes are kept: a relational value separates its channels by ``\n``."""
    cells: list[str] = []
    cell: list[str] = []
    quote = None
    chars = iter(line)
    for char in chars:
        if quote is not None:
            if char == "\\":
                following = next(chars, "")
                cell.append(following if following == quote else char + following)
            elif char == quote:
                quote = None
            else:
                cell.append(char)
        elif char in "'\"" and not "".join(cell).strip():
            quote, cell = char, []
        elif char == ",":
            cells.append("".join(cell).strip())
            cell = []
        else:
            cell.append(char)
    cells.append("".join(cell).strip())
    return cells


def read_arff(path: str | Path, *, labelled: bool = True) -> LabelledSequences:
    """Read a UCR/UEA ``.arff`` file (Weka's format, as the archives give it): univariate,
    one numeric attribute per step, or multivariate, one relational attribute holding
    each channel's values; the last attribute is the class label. ``?`` is a missing
    value (after a sequence's last value, padding). With `labelled` False (data to
    predict on) a label may be ``?``."""
    path = Path(path)
    notes: list[str] = []
    lines = _lines(path, notes)
    attributes, start = _arff_header(lines, path)
    types = [kind.lower() for _, kind in attributes[:-1]]
    relational = types == ["relational"]
    if len(attributes) < 2 or not relational and not all(t in _ARFF_NUMERIC for t in types):
        shown = ", ".join(f"{name} {kind}" for name, kind in attributes[:6])
        raise ValidationError(f"{path}: expected numeric attributes (one per step) or one "
                              f"relational attribute (the channels), then the class "
                              f"attribute last; the header has {len(attributes)} "
                              f"attribute(s) ({shown}{' ...' if len(attributes) > 6 else ''}).")
    name, kind = attributes[-1]
    declared = _arff_cells(kind.strip("{}")) if kind.startswith("{") else []
    sequences, labels, numbers = [], [], []
    for number in range(start + 1, len(lines) + 1):
        line = lines[number - 1].strip()
        if not line or line.startswith("%"):
            continue
        where = f"{path}, line {number}"
        if line.startswith("{"):
            raise ValidationError(f"{where}: a sparse ARFF line ({{index value, ...}}); give "
                                  f"every step's value, as the UCR/UEA archives do.")
        # Weka quotes a nominal value holding a space or a comma with either quote ('class
        # one', 'a,b'), and the relational value: the quotes are not part of the class
        cells = _arff_cells(line)
        if len(cells) != len(attributes):
            raise ValidationError(f"{where}: {len(cells)} values, but the header declares "
                                  f"{len(attributes)} attributes (the last, {name!r}, the "
                                  f"class).")
        tag = cells[-1].strip()
        if labelled and tag in _MISSING:
            raise _missing_label(where, tag, name)
        if declared and tag not in declared and tag != "?":
            raise ValidationError(f"{where}: label {tag!r} is not among the classes the "
                                  f"header declares for {name!r} ({', '.join(declared)}).")
        sequences.append(_arff_channels(cells[:-1], relational, where))
        labels.append("" if tag == "?" else tag)
        numbers.append(number)
    if not sequences:
        raise ValidationError(f"{path} has no sequences after @data.")
    channels = sequences[0].shape[1]
    odd = next((k for k, s in enumerate(sequences) if s.shape[1] != channels), None)
    if odd is not None:
        raise ValidationError(f"{path}, line {numbers[odd]}: {sequences[odd].shape[1]} "
                              f"channel(s), but the first sequence has {channels}; every "
                              f"sequence needs the same channels.")
    tags = [tag for tag in labels if tag]
    values = _floats(tags) if kind.lower() in _ARFF_NUMERIC else None
    fraction = next((tag for tag, v in zip(tags, values or [], strict=False)
                     if math.isfinite(v) and not v.is_integer()), None)
    if labelled and fraction is not None:  # (a regression file of the UEA archive)
        raise ValidationError(f"{path}: the class attribute {name!r} (the last) is {kind}, "
                              f"and holds fractions such as {fraction!r}: a regression "
                              f"target, not classes. Classification needs class labels: "
                              f"a nominal attribute ({{a,b}}) or whole-number codes.")
    has_labels = labelled or any(labels)
    return LabelledSequences(sequences, labels if has_labels else None, str(path), "values",
                             [f"dim_{c}" for c in range(channels)], notes=notes,
                             lines=numbers, format="arff")


# ------------------------------------------------------------------------------ CSV


def _rows(path: Path, notes: list[str] | None = None, blank: bool = False
          ) -> tuple[list[list[str]], list[int]]:
    """The non-blank rows of the CSV file `path` and the line each starts on (with `blank`,
    rows of blank cells between the first row and the last non-blank one too: a text's
    empty cell, '""' or spaces, not to be skipped unseen; an empty line is no row, except
    under a header of one column, where it is that column's empty cell); a file
    separated by semicolons (decimal commas read), tabs or bars is split by its separator
    (`seqlab._separators`), with a note in `notes`, as is a file read as Windows-1252. A
    title or notes above the table (`_titles`) are skipped with a note, unless a line of
    them is a label of the rows below: then it may be a sequence without values, and the
    file is refused."""
    # Labels and ids are kept as written ('1,5' a class); but 'y' may be a long CSV's
    # channel (x,y,z), whose decimal commas are numbers like x's
    text, separated, _ = with_commas("\n".join(_lines(path, notes)), str(path),
                                     set(_LABEL_NAMES + _INDEX_NAMES) - {"y"})
    if separated and notes is not None:
        notes.append(f"{path.name}: {separated}")
    read, numbers = csv_rows_and_lines(text, path)
    kept = [k for k, row in enumerate(read) if any(cell.strip() for cell in row)]
    if blank and kept:  # under a header of one column, an empty line is an empty cell
        one = len(read[kept[0]]) == 1
        kept = [k for k in range(kept[0], kept[-1] + 1) if read[k] or one]
    rows, lines = [read[k] for k in kept], [numbers[k] for k in kept]
    if not rows:
        raise ValidationError(f"The data file {path} is empty; expected labelled sequences.")
    titles = _titles(rows)
    if not titles:
        return rows, lines
    words = [rows[k][0].strip() for k in range(titles)]
    ends = set()
    for row in rows[titles:]:
        filled = [cell.strip().lower() for cell in row if cell.strip()]
        ends.update(filled[:1] + filled[-1:])  # where a label is: first or last
    label = next((k for k, word in enumerate(words) if word.lower() in ends), None)
    if label is not None:
        raise ValidationError(f"{path}: line {lines[label]} ({words[label]!r}) holds one cell "
                              f"above rows of {len(rows[titles])}, and it is a label of "
                              "theirs: a sequence without values, or a title? Give the "
                              "sequence its values, or delete the line.")
    if notes is not None:
        shown = "; ".join(repr(word[:40]) for word in words)
        notes.append(f"{path.name}: skipped line(s) "
                     f"{', '.join(str(k) for k in lines[:titles])} above the table ({shown}): "
                     "a title or notes")
    return rows[titles:], lines[titles:]


def _titles(rows: list[list[str]]) -> int:
    """How many of the first `rows` (at most `TITLE_ROWS`, as the separator's reading
    skips) are a title, a source line or such above a table: a first cell that is no number
    and no column name we know (`text`, `label` ...), the others empty (Excel writes
    'Title;;'), with two rows or more below them, each of two cells or more. 0 otherwise (a
    text file of one column whose text holds a comma, a header naming only the label
    column: ',,,label')."""
    def alone(row: list[str]) -> bool:
        first = row[0].strip()
        return bool(first) and not any(cell.strip() for cell in row[1:]) and \
            not _is_number(first) and first.lower() not in _COLUMN_NAMES

    count = 0
    while count < min(TITLE_ROWS, len(rows) - 1) and alone(rows[count]):
        count += 1
    table = rows[count:]
    return count if count and len(table) >= 2 and all(len(row) >= 2 for row in table) else 0


_LABEL_NAMES = ("label", "class", "target", "y")
_TEXT_NAMES = ("text", "review", "sentence", "comment", "content", "document", "message",
               "tweet", "body")
"""Names of a text CSV's text column (the first found)."""
_SEQUENCE_NAMES = ("sequence", "id", "series", "sequence_id", "series_id", "sample",
                   "sample_id", "case_id", "instance", "instance_id", "unique_id")
_STEP_NAMES = ("step", "time", "t", "timestep", "time_step", "timestamp", "reading_id", "ds",
               "date", "datetime", "measurement_number", "step_id", "time_idx", "time_index")
_INDEX_NAMES = _SEQUENCE_NAMES + ("index", "idx", "row", "row_id")
"""Names of a column that says which row or sequence it is: no step of a wide CSV."""
_COLUMN_NAMES = frozenset(_LABEL_NAMES + _TEXT_NAMES + _STEP_NAMES + _INDEX_NAMES)
"""The column names the readers look for: a header, never a title."""
_POSITION = re.compile(r"-?[1-9]\d*")
"""A label column given by position (1 the first, -1 the last) for a file without a header."""


def _find(header: list[str], names: tuple[str, ...], given: str | None, path: Path,
          what: str, required: bool = True) -> int | None:
    """The position of the column `given` (an error when absent, unless not `required`),
    else of the first of `names` in `header`, else None."""
    lowered = [h.strip().lower() for h in header]
    if given is not None:
        if given.lower() not in lowered:
            if not required:
                return None
            raise ValidationError(f"{path}: no {what} column {given!r}; the header has "
                                  f"{', '.join(header)}.")
        return lowered.index(given.lower())
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def _the_column_of_words(header: list[str], body: list[list[str]], width: int) -> int | None:
    """The one column of a wide CSV's rows that holds words where every other holds numbers
    (a label column with a name not among `_LABEL_NAMES`: 'outcome', 'species'), its cells
    all words and its name none of a step's, a sequence's or a row index's; else None."""
    def cells(k: int) -> list[str]:
        return [r[k].strip() for r in body if len(r) > k and r[k].strip()]

    worded = [k for k in range(width) if not all(_is_number(c) for c in cells(k))]
    if len(worded) != 1:
        return None
    at = worded[0]  # (`width` is the header's at most: every column has a name)
    if header[at].strip().lower() in _STEP_NAMES + _INDEX_NAMES or any(
            _is_number(c) and c not in _MISSING for c in cells(at)):
        return None
    return at


def _distinct_names(header: list[str], path: Path) -> None:
    """A `ValidationError` where `header` names a column more than once (blank names, a
    comma at the end of the line, aside): the readers find a column by its name, so the
    second would be read as a channel, a step or nothing, unseen (as `seqlab train`
    refuses such a file). Names are compared ignoring case, as the readers find the id,
    time and label columns ('Label' and 'label' are one name to them)."""
    names = [h.strip() for h in header if h.strip()]
    counts = Counter(name.lower() for name in names)
    repeated = sorted({name for name in names if counts[name.lower()] > 1})
    if repeated:
        raise ValidationError(f"{path} names column(s) {repeated} more than once (names are "
                              f"compared ignoring case); column names must be distinct.")


def _is_number(text: str) -> bool:
    try:
        _float(text)
    except ValueError:
        return text.strip() in _MISSING
    return True


def _split_plainly(rows: list[list[str]]) -> list[list[str]] | None:
    """`rows` of one field each re-split on tabs or runs of spaces (the UCR archive's .tsv
    and .txt files), where that gives every row two cells or more, all numbers but one
    (the label) after the first row; else None."""
    lines = [row[0].strip() for row in rows]
    for pattern in (r"\t", r"\s+"):
        split = [re.split(pattern, line) for line in lines]
        if all(len(cells) >= 2 for cells in split) and all(
                sum(not _is_number(c) for c in cells) <= 1 for cells in split[1:]):
            return split
    return None


def _label_position(label: str | None, width: int) -> int | None:
    """The position of a label column given by number (`_POSITION`), else None."""
    if label is None or not _POSITION.fullmatch(label.strip()):
        return None
    number = int(label)
    position = number - 1 if number > 0 else width + number
    if not 0 <= position < width:
        raise ValidationError(f"The label column number {number} is outside the file's "
                              f"{width} columns (1 the first, -1 the last).")
    return position


def _counts(cells: list[str], start: int) -> bool:
    """Whether `cells` are the whole numbers start, start + 1, ..."""
    return [c.strip() for c in cells] == [str(k) for k in range(start, start + len(cells))]


def _trailing_comma(rows: list[list[str]]) -> list[list[str]]:
    """`rows` without a last column that is empty on every row (a comma at the end of
    every line)."""
    width = max(len(r) for r in rows)
    if width > 1 and all(len(r) == width and not r[-1].strip() for r in rows):
        return [r[:-1] for r in rows]
    return rows


def read_wide_csv(path: str | Path, *, label: str | None = None,
                  labelled: bool = True, columns: int | None = None,
                  steps: list[str] | None = None, label_at: int | None = None
                  ) -> LabelledSequences:
    """Read a wide CSV: one sequence a row, a label column and one column per step; a
    shorter sequence ends with blank cells (or NA, nan: R and numpy pad so; '?' is a
    missing value).

    With `labelled` False (data to predict on), `columns` is the training file's width: the
    new file has the label column (as wide) or not (one column fewer), and any other width
    is refused but a wider one with a header (longer sequences, its label column the one
    named `label`, or as `_LABEL_NAMES`, if any); without a header naming the `label`
    column, the label is where the training file had it (`label_at`, 1 the first, or `label`
    given by number); a first row naming the training file's `steps` (with or without its
    label column) is a header, even of numbers ('400,410,420').

    The label column is `label` (a name; in a file without a header, or whose header has
    no such name, a number: 1 the first column, -1 the last), else a column named
    label/class/target/y, else the first column. A header row is optional (a first row
    whose step cells are not numbers, or are 0, 1, 2 ... beside a label column's name, or
    a row counting 0, 1, 2 ... or 1, 2, 3 ... over 9 columns or more). A blank cell
    followed by a value is a missing value, not the end of the sequence. Files of one
    field a line separated by tabs or spaces (the UCR archive's) are split on them.
    """
    path = Path(path)
    notes: list[str] = []
    rows, row_lines = _rows(path, notes)
    width = max(len(r) for r in rows)
    single = width < 2
    if single:
        plain = _split_plainly(rows)
        if plain is not None:
            rows, width = plain, max(len(r) for r in plain)
    rows = _trailing_comma(rows)
    guessed = label is None and labelled and _words_last(rows)
    label = "-1" if guessed else label  # a file without a header, its labels last
    if labelled:
        rows = _labels_from_the_end(rows, label, padded=guessed)
    width = max(len(r) for r in rows)
    joined = [",".join(r) for r in rows[:5]]
    if width < 2 or all(";" in line for line in joined) and \
            not all(_is_number(c) for c in rows[0]):
        # a label and no values: most often a file separated by ';' (decimal commas then
        # split its lines into a few fields)
        other = next((sep for sep in (";", "\t", "|") if sep in joined[0]), None)
        hint = (f"; its fields seem separated by {other!r}: re-save it with commas (and '.' "
                "as the decimal point)" if other == ";" else
                f"; its fields seem separated by {other!r}: re-save it with commas"
                if other else "")
        raise ValidationError(f"{path}: line {row_lines[0]} is {joined[0][:60]!r}"
                              + (" (every line a single field)" if single else "")
                              + f"; a wide CSV has a label column and one column per step, "
                              f"separated by commas{hint}.")
    first = rows[0]
    if label is not None and label.strip() == "0" and "0" not in [c.strip() for c in first]:
        raise ValidationError("The label column number 0 names no column: columns are "
                              "numbered from 1 (-1 the last).")
    # A header row has a step cell that is no number, or names the label column: step
    # columns named 0, 1, 2 ... (as pandas writes a frame's integer columns) beside a
    # label column's name are a header too, and so is a first row of 9 columns or more
    # counting 0, 1, 2 ... or 1, 2, 3 ... across every column (a frame read with
    # header=None, saved with its column numbers) or after a name ('species'), where a
    # sequence would rarely count so.
    counted = len(first) >= 9 and (_counts(first, 0) or _counts(first, 1) or (
        not _is_number(first[0]) and (_counts(first[1:], 0) or _counts(first[1:], 1))))
    named_label = label is not None and any(c.strip().lower() == label.strip().lower()
                                            for c in first)
    looks_named = counted or (_counts(first[1:], 0) and first[0].strip().lower()
                              in _LABEL_NAMES) or _labels_a_header(rows)
    by_number = None if named_label and (looks_named or not all(
        _is_number(c) for c in first)) else _label_position(label, width)
    trained_at = label_at - 1 if label_at is not None and not labelled and \
        columns == width and 0 < label_at <= width else None
    skip = next(k for k in (by_number, trained_at, 0) if k is not None)  # a label may be a word
    if not labelled and columns == width and not named_label and skip in (by_number, trained_at):
        _check_label_not_moved(rows, row_lines, skip, path)
    steps_named = not all(_is_number(c) for k, c in enumerate(first) if k != skip) and \
        not _a_row_of_a_class(rows)
    cells = [c.strip() for c in first]
    known = steps is not None and (cells == steps or (len(cells) == len(steps) + 1 and any(
        cells[:k] + cells[k + 1:] == steps for k in range(len(cells)))))
    has_header = (steps_named or looks_named or known
                  or (label is not None and by_number is None and labelled))
    header = first if has_header else [f"c{k}" for k in range(width)]
    if has_header:
        _distinct_names(header, path)
    body = rows[1:] if has_header else rows
    body_lines = row_lines[1:] if has_header else row_lines
    if not body:
        raise ValidationError(f"The data file {path} has a header but no sequences.")
    unlabelled = False
    if not labelled and columns is not None:
        # New data: the training file's layout, with or without its label column
        names_label = has_header and label is not None and by_number is None and any(
            h.strip().lower() == label.strip().lower() for h in header)
        read = len(header) if has_header else width
        if read == columns - 1 and not names_label:
            by_number, unlabelled = None, True  # new data without the label column
        elif read > columns and has_header:
            # Longer sequences than training's (the classifier reads their first or last
            # steps, as it truncates), the header saying whether the label column is
            # there: by its name, else one of _LABEL_NAMES
            at = _find(header, _LABEL_NAMES, None if by_number is not None else label, path,
                       "label", required=False)
            by_number, unlabelled = at, at is None
        elif read != columns:
            place = f"column {label}" if by_number is not None else (
                f"column {label_at}" if label_at is not None else None)
            raise ValidationError(
                f"{path} has {read} columns where the training file had {columns} (a label"
                + (f" in {place}" if place else "") + f" and {columns - 1} steps): "
                + ("give" if has_header or read < columns else "without a header, a file "
                   "of more columns does not say whether it holds the labels. Give")
                + f" new data {columns} columns (or {columns - 1}, without the labels), "
                "padding shorter sequences with empty cells"
                + ("." if has_header or read < columns else
                   "; or, for longer sequences, a first line naming the columns, the label "
                   "column as "
                   + (f"{label!r}" if label is not None and by_number is None else "'label'")
                   + " (left out where there are no labels)."))
        elif by_number is None and not names_label and trained_at is not None:
            by_number = trained_at  # a file without the header that named the label
    # Unlabelled data (to predict on) with a header that lacks the `label` column has no
    # labels; else the label is the first column.
    position = by_number if by_number is not None or unlabelled else _find(
        header, _LABEL_NAMES, label, path, "label", required=labelled)
    if position is None and not unlabelled and label is None:  # (a class row: no header)
        position = _the_column_of_words(header, body, min(width, len(header)))
    if position is None and not unlabelled and (label is None or not has_header and
                                                not all(_is_number(r[0]) for r in body)):
        position = 0  # (without a header, a first column of words is labels still)
        if label is None and has_header and _classes_last(body, min(width, len(header))):
            position = min(width, len(header)) - 1  # 'mon,tue,wed,outcome': 0, 1, 0 ...
    counter = position == 0 and _whole_and_distinct([r[0] for r in body])
    if has_header and not header[0].strip() and (position != 0 or counter) and \
            any(h.strip() for k, h in enumerate(header) if k not in (0, position)):
        raise ValidationError(f"{path}: column 1 of the header has no name while the step "
                              f"columns have names; it looks like a row index (pandas writes "
                              f"one unless index=False), which would be read as each "
                              f"sequence's first step. Drop the column.")
    if has_header and by_number is None and not unlabelled:
        position = _label_among_steps(header, position, label, path)
    named = [h for k, h in enumerate(header) if has_header and k != position
             and h.strip().lower() in _INDEX_NAMES]
    stepped = [h for k, h in enumerate(header) if has_header and k != position
               and h.strip().lower() in _STEP_NAMES]
    if named:
        at = header.index(named[0])
        cells = [r[at].strip() for r in body if len(r) > at]
        if len(set(cells)) < len(cells) and stepped:
            raise ValidationError(
                f"{path}: the columns {named[0]!r} and {stepped[0]!r} name each row's "
                "sequence and step: the file is a long CSV (one row per step), not a wide "
                "one. Read it as long (--format long, or leave --format out).")
        if len(set(cells)) < len(cells):  # 's0, s0, s1 ...': a long file's sequence column
            raise ValidationError(
                f"{path}: the column {named[0]!r} repeats its values, as a long CSV's sequence "
                f"column does (one row per step), but no column of its header "
                f"({', '.join(header)}) is named as a step column ({', '.join(_STEP_NAMES[:6])}"
                " ...). Rename the column that orders the steps 'step'.")
        raise ValidationError(f"{path}: the column {named[0]!r} names each row or sequence; "
                              f"in a wide CSV every column but the label is a step, so it "
                              f"would be read as one. Drop the column (pandas: "
                              f"to_csv(index=False)).")
    if stepped:
        raise ValidationError(
            f"{path}: the column {stepped[0]!r} names the steps, so the file looks long (one "
            f"row per step of a sequence), but no column of its header ({', '.join(header)}) "
            f"is named as a long CSV's sequence column ({', '.join(_SEQUENCE_NAMES[:6])} "
            "...). Rename the column that names each sequence 'sequence'; read as wide, every "
            "row would be a sequence of its cells.")
    if has_header and width > len(header):
        bad = next((i for i, r in enumerate(body)
                    if any(c.strip() not in _PADDING for c in r[len(header):])), None)
        if bad is not None:
            raise ValidationError(f"{path}, line {body_lines[bad]}: {len(body[bad])} fields, "
                                  f"more than the header's {len(header)}.")
        body = [r[:len(header)] for r in body]  # a comma at the end of lines, or NA
        width = len(header)
    # New data whose header names the training file's steps in another order ('t3,t2,t1'):
    # each step read where training had it, as a long CSV's channels are by their names
    given = [h.strip() for k, h in enumerate(header) if k != position] if has_header else []
    order = None
    if steps is not None and given != steps and sorted(given) == sorted(steps) and \
            len(set(steps)) == len(steps):
        order = [given.index(name) for name in steps]
        notes.append(f"{path.name}: its header names the training file's steps in another "
                     f"order ({', '.join(given[:4])}{' ...' if len(given) > 4 else ''}): each "
                     "step read by its name, in the training file's order")
    sequences, labels, lines = [], [], []
    for i, row in enumerate(body):
        where = f"{path}, line {body_lines[i]}"
        cells = list(row) + [""] * (width - len(row))
        tag = (cells.pop(position).strip() if position is not None and position < len(cells)
               else "")
        if order is not None:
            cells = [cells[k] for k in order]
        if labelled and tag in _MISSING and position is not None and len(row) <= position:
            # a shorter row not padded: its label is in the column of a step
            ended = next((c.strip() for c in reversed(row) if c.strip()), "")
            raise ValidationError(
                f"{where}: {len(row)} fields, but the label column {header[position]!r} is "
                f"column {position + 1} of {width}, past the row's end (which is {ended!r}). "
                f"Pad shorter sequences with empty cells up to the label column, so that "
                f"each label stays in its column (or put the label column first).")
        if labelled and tag in _MISSING:
            raise _missing_label(where, tag, header[position])
        while cells and cells[-1].strip() in _PADDING:
            cells.pop()  # blank or NA cells after the sequence's end
        if not cells:
            raise ValidationError(f"{where}: the sequence has no values.")
        try:
            values = [_number(v, f"{where}, step {k + 1}") for k, v in enumerate(cells)]
        except ValidationError as error:
            texts = [h.strip() for h in header if has_header and h.strip().lower() in
                     _TEXT_NAMES]
            if not texts and width == 2 and not _is_number(cells[0]):
                raise ValidationError(  # 'pos,great fun' a line: a text CSV without header
                    f"{str(error)[:-1]}; read as a wide CSV"
                    + (f" whose first line ({','.join(header)!r}) is its header"
                       if has_header else "") + ". If each line is a label and a text to "
                    "classify, give the file a first line naming its columns in their order: "
                    "label,text (or text,label).") \
                    from None
            if not texts:
                raise
            raise ValidationError(  # 'review,sentiment,stars': detection chose wide
                f"{str(error)[:-1]}; read as a wide CSV. If the column {texts[0]!r} holds "
                "texts to classify, give --format text (format='text' in the "
                "library).") from None
        sequences.append(np.array(values, dtype=np.float64).reshape(-1, 1))
        labels.append(tag)
        lines.append(body_lines[i])
    if labelled and label is None and _measured(labels) and not (
            has_header and header[position].strip().lower() in _LABEL_NAMES):
        raise ValidationError(
            f"{path}: the labels (column {position + 1}"
            + (f", {header[position]!r}" if has_header else "") + f") are "
            f"{len(set(labels))} distinct fractions such as {labels[0]!r}: measurements, not "
            f"classes. Name the label column with --label (a name, or for a file without a "
            f"header its number: -1 the last, as in the MIT-BIH heartbeat files).")
    # ... or fewer of them, with a few whole numbers ending every row, its own length
    ends = [next((c.strip() for c in reversed(r) if c.strip() not in _PADDING), "")
            for r in body]
    if labelled and label is None and not has_header and position == 0 and width >= 3 and \
            _fractions_then_classes(labels, ends):
        raise ValidationError(
            f"{path}: without a header, the labels would be column 1, but it holds "
            f"fractions ({', '.join(map(repr, labels[:3]))} ...) while every row ends in one "
            f"of a few whole numbers ({', '.join(sorted(set(ends), key=float)[:5])}), as a "
            f"label column last does. Give --label -1 (label='-1' in the library) to read "
            f"each row's last value as its label, or --label 1 to keep column 1.")
    has_labels = labelled or any(labels)
    if has_labels and position is not None and (label is None or guessed) and not (
            has_header and header[position].strip().lower() in _LABEL_NAMES):
        notes.append(f"{path.name}: labels read from column {position + 1} of {width}"
                     + (f" ({header[position]!r})" if has_header else " (no header)")
                     + "; --label names another (a name, or a number: -1 the last)")
    return LabelledSequences(sequences, labels if has_labels else None, str(path), "values",
                             ["value"], header[position] if has_header and position is not None
                             else None, width, notes, label_number="-1" if guessed else None,
                             lines=lines, steps=[h.strip() for k, h in enumerate(header)
                                                 if k != position] if has_header else None,
                             label_at=None if position is None else position + 1,
                             format="wide")


def _check_label_not_moved(rows: list[list[str]], lines: list[int], at: int,
                           path: Path) -> None:
    """Refuse new data whose one column of words on every row is not at `at`, where the
    training file had its labels: read so, its first row would be a header and its labels
    steps."""
    worded = {k for k, c in enumerate(rows[0]) if not _is_number(c)}
    if len(worded) != 1 or at in worded:
        return
    moved = worded.pop()
    if all(len(r) > moved and not _is_number(r[moved]) for r in rows):
        width = len(rows[0])
        raise ValidationError(
            f"{path}: column {moved + 1} holds words on every row ({rows[0][moved].strip()!r} "
            f"on line {lines[0]}), as a label column does, but the classifier's training file "
            f"had its labels in column {at + 1} of {width}"
            f"{' (the last)' if at == width - 1 else ''}. Move the labels there, or leave "
            "them out.")


def _words_last(rows: list[list[str]]) -> bool:
    """Whether every one of `rows` (two or more) is numbers ending in one word, its label
    ('0.1,0.5,0.2,bump'), the first row's a class of the others or its numbers no step
    names (`_names_steps`): a file without a header, its labels last (a header would name
    its steps by words too, or its label column by a word no row holds above numbers that
    name the steps)."""
    def ends_in_a_word(row: list[str]) -> bool:
        cells = [c.strip() for c in row]
        while cells and not cells[-1]:
            cells.pop()
        return len(cells) >= 2 and not _is_number(cells[-1]) and all(
            _is_number(c) for c in cells[:-1])
    def word(row: list[str]) -> str:
        return next(c.strip() for c in reversed(row) if c.strip())

    # a first row whose word is no class of the others is a header where its numbers name
    # steps: '400,410,420,variety'; numbers like the rows' below make it a row of a class
    # found once ('0.3,0.1,0.5,rare')
    if len(rows) < 2 or not all(ends_in_a_word(r) for r in rows):
        return False
    cells = [c.strip() for c in rows[0]]
    while not cells[-1]:
        cells.pop()
    numbers = _floats(cells[:-1])  # blanks and '?' are no numbers: ',,,label' is a header
    return word(rows[0]) in {word(r) for r in rows[1:]} or (
        numbers is not None and all(map(math.isfinite, numbers))
        and not _names_steps(cells, len(cells) - 1, rows[1:]))


def _labels_from_the_end(rows: list[list[str]], label: str | None, padded: bool = False
                         ) -> list[list[str]]:
    """`rows` of different lengths with a label given by a negative number (`-1`: the last)
    counted from each row's own last cell, moved to that place of the longest row (a
    ragged file, label last, whose shorter sequences end before it: '0.4,0.1,bump' beside
    '0.3,0.2,0.5,dip'); `rows` as they are otherwise. Blank cells after a row's label count
    only where `padded` (the labels are words, `_words_last`): in rows of one length a
    blank last cell is a missing label ('1,2,3,4,'), not a row whose label is its 4."""
    if label is None or not _POSITION.fullmatch(label.strip()) or int(label) > 0:
        return rows
    number = int(label)
    cut = [r[:max((k + 1 for k, c in enumerate(r) if c.strip()), default=0)] for r in rows]
    width = max(len(r) for r in cut)
    if len({len(r) for r in (cut if padded else rows)}) == 1 or any(
            len(r) < -number for r in cut):
        return cut if padded and width < max(len(r) for r in rows) else rows
    moved = []
    for row in cut:
        at = len(row) + number
        rest = row[:at] + row[at + 1:]
        rest += [""] * (width - 1 - len(rest))
        moved.append(rest[:width + number] + [row[at]] + rest[width + number:])
    return moved


def _a_row_of_a_class(rows: list[list[str]]) -> bool:
    """Whether the first of `rows` is a row of data, not a header, though it holds a word:
    numbers and one word, that word found again in its column below, where every row
    holds a word ('0.1,0.2,a,0.3' above '0.3,0.1,b,0.2': a class, in the middle of a file
    without a header). A header's name is not a value of its column."""
    first = [c.strip() for c in rows[0]]
    words = [k for k, c in enumerate(first) if not _is_number(c)]
    if len(words) != 1 or len(rows) < 2:
        return False
    at = words[0]
    below = [r[at].strip() for r in rows[1:] if len(r) > at]
    return len(below) == len(rows) - 1 and first[at] in below and \
        not any(_is_number(c) for c in below)


def _labels_a_header(rows: list[list[str]]) -> bool:
    """Whether the first of `rows` is a header naming its label column above numbered
    steps ('label,400,410 ...', 'species,0.5,1.0 ...'): one cell a word, every other a
    number, those numbers step names (`_names_steps`), and that word not found again in
    its column (a class 'y' or 'setosa' would be: a first row of data, in a file without a
    header) where the classes below it recur or the word is a label name (label, class,
    target, y). A word found once above numbers like the rows' below is a class found
    once, on a first row of data."""
    first = [c.strip() for c in rows[0]]
    words = [k for k, c in enumerate(first) if not _is_number(c) or c in _MISSING]
    if len(words) != 1:
        return False
    below = [r[words[0]].strip() for r in rows[1:] if len(r) > words[0]]
    # A name no row holds, where the rows' classes recur (a label name: wherever)
    return first[words[0]] not in below and (first[words[0]].lower() in _LABEL_NAMES
                                             or len(set(below)) < len(below)) and \
        _names_steps(first, words[0], rows[1:])


def _names_steps(cells: list[str], word: int, rows: list[list[str]]) -> bool:
    """Whether `cells` but the one at `word` (a label's place) are numbers that name steps
    (400, 410, 420 ...; 0.5, 1.0, 1.5 ...; 30, 20, 10 ...), not a sequence's values: two
    or more, strictly increasing or decreasing, where fewer than half the `rows` below are
    so ordered (in a file whose sequences rise, a rising first row is one of them) or the
    cell at `word` is a label column's name (label, class, target, y: a header's, above
    rising sequences too)."""
    def ordered(row: list[str]) -> bool:
        numbers = [_floats([c]) for k, c in enumerate(row) if k != word]  # blanks left out
        values = [v[0] for v in numbers if v is not None and math.isfinite(v[0])]
        steps = np.diff(values)
        return len(values) >= 2 and bool((steps > 0).all() or (steps < 0).all())

    named = cells[word].strip().lower() in _LABEL_NAMES
    return ordered(cells) and (named or 2 * sum(map(ordered, rows)) < len(rows))


def _numbered(name: str) -> bool:
    """Whether `name` holds a digit, as a step column's does ('t12', '400', 'acc_3')."""
    return re.search(r"\d", name) is not None


def _label_among_steps(header: list[str], position: int | None, label: str | None,
                       path: Path) -> int | None:
    """The label column of a wide CSV whose steps are named with numbers ('t0', 't1' ...,
    'acc1' ... 'gyr1' ..., or 400, 410 ...: `_numbered`, half the columns or more, three
    at least): the one column named without a digit where the label was found by neither
    `label` nor a label name (`position` is then the first column, the default); an error
    for any other column named without a digit ('patient'), which would be read as a
    step. `position` where the steps are not named with numbers."""
    numbered = [_numbered(h) for h in header]
    count = sum(numbered)
    if count < 3 or 2 * count < len(header):
        return position
    others = [k for k, n in enumerate(numbered) if not n  # ids: refused by the caller
              and header[k].strip().lower() not in _INDEX_NAMES]
    named = label is not None or (position is not None
                                  and header[position].strip().lower() in _LABEL_NAMES)
    if not named and len(others) == 1:
        return others[0]
    extra = [header[k] for k in others if k != position]
    if extra:
        steps = [h for k, h in enumerate(header) if numbered[k]]
        raise ValidationError(
            f"{path}: the column {extra[0]!r} is neither a step (the steps are "
            f"{steps[0]!r} ... {steps[-1]!r}) nor the label "
            + (f"({header[position]!r})" if position is not None else "")
            + "; in a wide CSV every column but the label is a step, so it would be read as "
            "one. Drop the column" + ("" if named else
                                      ", or name the label column with --label") + ".")
    return position


def _floats(cells: list[str]) -> list[float] | None:
    """`cells` as numbers, or None when one is not a number."""
    try:
        return [_float(c) for c in cells]
    except ValueError:
        return None


def _classes_last(body: list[list[str]], width: int) -> bool:
    """Whether a wide CSV's rows hold a label column last and not first, neither named: the
    first column holds fractions (a measurement) and the last only whole numbers, as few
    as `_FEW_CLASSES` distinct ones or half the rows (classes coded 0, 1, 2)."""
    return width >= 3 and _fractions_then_classes(
        [r[0] for r in body if r], [r[width - 1] for r in body if len(r) >= width])


def _fractions_then_classes(first: list[str], last: list[str]) -> bool:
    """Whether the cells `first` (blanks aside) hold fractions, a measurement, and the
    cells `last` only whole numbers, as few as `_FEW_CLASSES` distinct ones or half the
    rows (classes coded 0, 1, 2)."""
    firsts = _floats([c.strip() for c in first if c.strip()])
    lasts = _floats([c.strip() for c in last if c.strip()])
    if not firsts or not lasts or all(v.is_integer() for v in firsts):
        return False
    return all(v.is_integer() for v in lasts) and \
        len(set(lasts)) <= min(_FEW_CLASSES, max(2, len(lasts) // 2))


_FEW_CLASSES = 20
"""The most distinct whole numbers a column unnamed as the label may hold as classes
(`_classes_last`)."""


def _whole_and_distinct(cells: list[str]) -> bool:
    """Whether `cells` are distinct whole numbers (a row index), not labels."""
    values = _floats(cells)
    return values is not None and len(set(values)) == len(values) and all(
        v.is_integer() for v in values)


def _measured(labels: list[str]) -> bool:
    """Whether `labels` look like a column of measurements taken for labels: numbers, some
    of them fractions, more than half of them distinct (and more than 20)."""
    values = _floats(labels)
    if values is None:
        return False
    distinct = len(set(values))
    return distinct > 20 and 2 * distinct > len(values) and any(
        not v.is_integer() for v in values if math.isfinite(v))


def read_long_csv(path: str | Path, *, label: str | None = None,
                  labelled: bool = True) -> LabelledSequences:
    """Read a long CSV: a header ``sequence, step, <one column per channel>, label`` and one
    row per step (the sequence column may be named id, sample, case_id ..., the step column
    time, timestamp, reading_id ...: `_SEQUENCE_NAMES`, `_STEP_NAMES`). Steps are numbers
    or dates; rows of a sequence may come in any order (they are sorted by step); a
    sequence's label must be the same on all its rows that give one (the others may leave
    it empty, as where only a sequence's first row is labelled). A column ``y`` whose numbers vary
    within a sequence is a channel beside ``x`` (and ``z``), not the label: the label is
    then the one other column with one value per sequence (`_label_beside_y`)."""
    path = Path(path)
    notes: list[str] = []
    rows, row_lines = _rows(path, notes)
    rows = _trailing_comma(rows)  # a comma at the end of every line, the header's too
    header = [h.strip() for h in rows[0]]
    # ... or of the data lines only: the empty cells beyond the header's columns dropped
    rows = rows[:1] + [r[:len(header)] if len(r) > len(header) and not any(
        c.strip() for c in r[len(header):]) else r for r in rows[1:]]
    _distinct_names(header, path)
    seq_at = _find(header, _SEQUENCE_NAMES, None, path, "sequence")
    step_at = _find(header, _STEP_NAMES, None, path, "step")
    if seq_at is None or step_at is None:
        lacking = [f"a {what} column (named {', '.join(names[:8])} ...)" for what, names, at in
                   (("sequence", _SEQUENCE_NAMES, seq_at), ("step", _STEP_NAMES, step_at))
                   if at is None]
        raise ValidationError(f"{path}: a long CSV (sequence, step, <channels>, label) needs "
                              f"{' and '.join(lacking)}; the header has {', '.join(header)}. "
                              "Rename the column(s) that hold them.")
    if not header[0]:
        raise ValidationError(f"{path}: column 1 of the header has no name; it looks like a "
                              f"row index (pandas writes one unless index=False), which would "
                              f"be read as a channel. Drop the column.")
    label_at = _find(header, _LABEL_NAMES, label, path, "label", required=labelled)
    if label_at is None and labelled:
        label_at = _long_label_of_words(header, rows[1:], (seq_at, step_at), path, notes)
    if label is None and label_at is not None and header[label_at].lower() == "y":
        label_at = _label_beside_y(header, rows[1:], (seq_at, step_at, label_at), labelled,
                                   path, notes)
    # Which column was taken for the labels, for errors where the reader chose it
    chosen = "" if label is not None or label_at is None or header[label_at].lower() in \
        set(_LABEL_NAMES) - {"y"} else (f" (labels read from column {header[label_at]!r}; "
                                        "--label names another)")
    channel_at = [k for k in range(len(header)) if k not in (seq_at, step_at, label_at)]
    if not channel_at:
        raise ValidationError(f"{path}: no value columns besides sequence, step and label.")
    _check_no_channel_of_names(header, rows[1:], channel_at,
                               [k for k in (seq_at, step_at, label_at) if k is not None], path)
    groups: dict[str, list[tuple[str, list[float], str, int]]] = {}
    for i, row in zip(row_lines[1:], rows[1:], strict=True):
        where = f"{path}, line {i}"
        if len(row) != len(header):
            raise ValidationError(f"{where}: {len(row)} fields, but the header has "
                                  f"{len(header)}.")
        step = row[step_at].strip()
        if step in _MISSING:
            raise ValidationError(f"{where}: the step is missing.")
        if not row[seq_at].strip():  # (rows without one would be one sequence, unseen)
            raise ValidationError(f"{where}: the sequence is missing (column "
                                  f"{header[seq_at]!r} is empty); give each row the name of "
                                  f"its sequence.")
        tag = row[label_at].strip() if label_at is not None else ""
        try:
            values = [_number(row[k], f"{where}, column {header[k]!r}") for k in channel_at]
        except ValidationError as error:
            raise ValidationError(f"{error}{chosen}") from None
        groups.setdefault(row[seq_at].strip(), []).append((step, values, tag, i))
    if not groups:
        raise ValidationError(f"The data file {path} has a header but no rows.")
    order = _step_order([item for items in groups.values() for item in items], path,
                        header[step_at])
    sequences, labels, times = [], [], []
    for name, items in groups.items():
        keyed = sorted(((order[item[0]], item) for item in items), key=lambda pair: pair[0])
        steps = [key for key, _ in keyed]
        if len(set(steps)) != len(steps):
            dup = next(item[0] for key, item in keyed if steps.count(key) > 1)
            raise ValidationError(f"{path}: sequence {name!r} has step {dup} twice.")
        # A sequence's label may be written on one of its rows only, the others blank
        tags = {item[2] for item in items if item[2] not in _MISSING} or {items[0][2]}
        if labelled and tags <= _MISSING:
            raise _missing_label(f"{path}, line {items[0][3]}", items[0][2])
        if len(tags) > 1:
            raise ValidationError(f"{path}: sequence {name!r} has several labels "
                                  f"({', '.join(sorted(tags))}) in column "
                                  f"{header[label_at]!r}; a sequence has one label"
                                  + ("; --label names another column" if chosen else "") + ".")
        sequences.append(np.array([item[1] for _, item in keyed], dtype=np.float64))
        labels.append(tags.pop())
        times.append([item[0] for _, item in keyed])
    if len(sequences) > 1 and all(len(x) == 1 for x in sequences):
        raise ValidationError(
            f"{path}: every sequence ({header[seq_at]!r}) has one step ({header[step_at]!r}): "
            f"read as long, each row would be a sequence of one step. If each row is a "
            f"sequence with its steps across (a wide CSV), drop the "
            f"{header[seq_at]!r} and {header[step_at]!r} columns, or give --format wide.")
    notes += _skipped_steps(list(groups), times, order, path, header[step_at])
    notes += _ids_alike(list(groups), path, header[seq_at])
    has_labels = label_at is not None and (labelled or any(labels))
    return LabelledSequences(sequences, labels if has_labels else None, str(path), "values",
                             [header[k] for k in channel_at],
                             header[label_at] if label_at is not None else None,
                             notes=notes, ids=list(groups), times=times, format="long")


def _ids_alike(ids: list[str], path: Path, column: str) -> list[str]:
    """Notes naming the `ids` of a long CSV's sequence column `column` that write one whole
    number two ways ('1' and '01'), or differ only in case ('S1' and 's1'): they are read
    as different sequences, as written, yet may be one sequence whose id a spreadsheet
    stripped of its zeros, or a hand typed otherwise, on some rows."""
    notes = []
    for key, how in ((whole_number, "write the same number differently"),
                     (str.casefold, "differ only in case")):  # as the labels' note (_alike)
        alike = _alike_groups(ids, key)
        if alike:
            shown = "; ".join(" and ".join(map(repr, group)) for group in alike[:3])
            more = f" and {len(alike) - 3} more" if len(alike) > 3 else ""
            notes.append(f"{path.name}: the ids {shown}{more} of column {column!r} {how}: "
                         "they are read as different sequences (write each id one way if "
                         "they are one)")
    return notes


def _skipped_steps(names: list[str], times: list[list[str]], order: dict[str, float],
                   path: Path, column: str) -> list[str]:
    """A note naming the sequences of a long CSV whose steps (`times`, as written; `order`,
    their numbers) skip some of the file's (1, 2, 4 where the step is 1): their rows are
    read one after the other, as if contiguous, which the user should know. Only for
    steps that are whole numbers: dates and measured times may be spaced irregularly."""
    if not all(v.is_integer() for v in order.values()):
        return []
    gaps = [np.diff([order[t] for t in steps]) for steps in times]
    counts = Counter(float(d) for diffs in gaps for d in diffs)
    if not counts:
        return []
    usual = counts.most_common(1)[0][0]
    skipping = [(name, steps[k], steps[k + 1]) for name, steps, diffs
                in zip(names, times, gaps, strict=True)
                for k in np.flatnonzero(diffs > usual)[:1]]
    if not skipping:
        return []
    shown = ", ".join(f"{name!r} ({before} then {after})"
                      for name, before, after in skipping[:3])
    more = f" and {len(skipping) - 3} more" if len(skipping) > 3 else ""
    return [f"{path.name}: {len(skipping)} sequence(s) skip steps of column {column!r}, "
            f"whose step is {usual:g}: {shown}{more}; their rows are read one after the "
            "other, as if contiguous (add the missing rows, values empty, and --fill to "
            "fill them)"]


def _check_no_channel_of_names(header: list[str], rows: list[list[str]], channel_at: list[int],
                               keys: list[int], path: Path) -> None:
    """Refuse a column of words among a long CSV's channels (`channel_at`), most often one
    naming each row's channel (rows of sequence, step, channel, value: the tidy layout),
    saying how to give each channel its own column (`keys`: the sequence, step and label
    columns); a cell that is not a number in a column of numbers is left to the reader,
    which names its line."""
    rows = [r for r in rows if len(r) == len(header)]  # others: refused by the caller
    for k in channel_at:
        if not rows or _is_number(rows[0][k].strip()) or rows[0][k].strip() in _MISSING:
            continue
        cells = {r[k].strip() for r in rows} - _MISSING
        if any(_is_number(c) for c in cells):
            continue
        shown = ", ".join(map(repr, sorted(cells)[:5])) + (" ..." if len(cells) > 5 else "")
        values = [header[j] for j in channel_at if j != k]
        raise ValidationError(
            f"{path}: column {header[k]!r} holds words ({shown}), not numbers: a long CSV "
            f"has one column of numbers per channel ({', '.join(header[j] for j in keys[:2])}, "
            f"<channels>, label). If {header[k]!r} names each row's channel, give each "
            f"channel its own column (pandas: df.pivot_table(index="
            f"{[header[j] for j in keys]}, columns={header[k]!r}, values="
            f"{values[0] if len(values) == 1 else 'VALUE'!r}).reset_index()); else drop "
            f"the column.")


def _long_label_of_words(header: list[str], rows: list[list[str]], at: tuple[int, int],
                         path: Path, notes: list[str]) -> int:
    """The label column of a long CSV whose header names none (label, class, target, y):
    the one column besides the sequence and step columns (`at`) whose cells are words
    where every other column holds numbers ('id,time,x,activity'), with a note in `notes`;
    else an error that asks for --label, naming the columns of words if any."""
    rows = [r for r in rows if len(r) == len(header)]  # others: refused by the caller

    def words(k: int) -> bool:
        cells = [r[k].strip() for r in rows if r[k].strip() not in _MISSING]
        return bool(cells) and not any(_is_number(c) for c in cells)

    others = [k for k in range(len(header)) if k not in at]
    worded = [k for k in others if words(k)]
    if len(worded) == 1 and all(_is_number(r[k]) for k in others if k != worded[0]
                                for r in rows):
        notes.append(f"{path.name}: labels read from column {header[worded[0]]!r}, the one "
                     "column of words; --label names another")
        return worded[0]
    shown = ", ".join(repr(header[k]) for k in worded)
    raise ValidationError(
        f"{path}: no label column (named label, class, target or y) in the header "
        f"{', '.join(header)}. Name it with --label NAME (label= in the library)"
        + (f"; the column(s) {shown} hold words" if worded else "") + ".")


def _label_beside_y(header: list[str], rows: list[list[str]], at: tuple[int, int, int],
                    labelled: bool, path: Path, notes: list[str]) -> int | None:
    """The label column of a long CSV whose column ``y`` (`at`: the sequence, step and y
    columns) the label names chose: ``y`` where it has one value per sequence; else,
    ``y`` varying within a sequence (a channel beside x and z), the one other column with
    one value per sequence (with a note in `notes`; an error where there are none or
    several and the file is `labelled`; None, no labels, where it is not, unless that one
    column holds words)."""
    seq_at, _, y_at = at
    rows = [r for r in rows if len(r) == len(header)]  # others: refused by the caller
    def constant(k: int) -> bool:  # (blanks aside: a label may be on a first row only)
        seen: dict[str, str] = {}
        return all(seen.setdefault(r[seq_at].strip(), r[k].strip()) == r[k].strip()
                   for r in rows if r[k].strip() not in _MISSING)

    if constant(y_at):
        return y_at
    others = [k for k in range(len(header)) if k not in at and constant(k)]
    if len(others) == 1 and (labelled or not all(_is_number(r[others[0]]) for r in rows)):
        notes.append(f"{path.name}: labels read from column {header[others[0]]!r}: 'y' varies "
                     "within a sequence, a channel; --label names another")
        return others[0]
    if not labelled:
        return None
    raise ValidationError(
        f"{path}: the column 'y' varies within a sequence, a channel (beside "
        f"{', '.join(h for k, h in enumerate(header) if k not in at and k not in others)}), "
        "not the label, "
        + ("and no other column has one value per sequence, as a label does" if not others else
           f"and {', '.join(repr(header[k]) for k in others)} each have one value per "
           "sequence") + "; name the label column with --label.")


def _step_order(items: list[tuple[str, list[float], str, int]], path: Path,
                column: str) -> dict[str, float]:
    """Each distinct step (the first field of `items`) as a number to sort by: the number
    it is, or, where the steps are not all numbers, the time of the date it is, the whole
    column read one way (day first or month first: `seqlab.forecast.data.parse_dates`)."""
    distinct = list(dict.fromkeys(item[0] for item in items))
    try:
        numbers = {step: _float(step) for step in distinct}
    except ValueError:
        numbers = None
    if numbers is not None:
        bad = next((step for step, v in numbers.items() if not math.isfinite(v)), None)
        if bad is not None:
            line = next(item[3] for item in items if item[0] == bad)
            raise ValidationError(f"{path}, line {line}: the step is missing ({bad!r}).")
        return numbers
    import pandas as pd  # dates are the rarer case: pandas only then

    from seqlab.forecast.data import parse_dates

    try:
        times = parse_dates(pd.Series(distinct, dtype=object), column)
    except ValidationError as error:
        # named here: the forecast reader's message advises its own --date-column
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (pandas guessing each value's format)
            bad = [step for step in distinct if not _is_number(step)
                   and pd.isna(pd.to_datetime(step, errors="coerce"))]
        shown = ", ".join(map(repr, bad[:5])) + (" ..." if len(bad) > 5 else "")
        raise ValidationError(f"{path}: the steps of column {column!r} are neither all numbers "
                              f"nor all dates"
                              + (f" (neither a number nor a date: {shown})" if bad else f" ({error})")
                              + ". Write each step as a number (0, 1, 2 ...) or a date, which "
                              "put a sequence's rows in order.") from None
    return dict(zip(distinct, np.asarray(times.asi8, dtype=float), strict=True))


def read_text_csv(path: str | Path, *, label: str | None = None,
                  labelled: bool = True) -> LabelledSequences:
    """Read a text CSV: a header with a ``text`` column and a label column, one document a
    row (for sentiment-style tasks). A column named as `_INDEX_NAMES` (id, sequence,
    index ...) names each document: its cells are the sequences' `ids`."""
    path = Path(path)
    notes: list[str] = []
    # A row's place in the file names its prediction: a blank row is an empty text, an
    # error as in any row, never a row skipped that would renumber the rows after it
    rows, row_lines = _rows(path, notes, blank=True)
    header = [h.strip() for h in rows[0]]
    _distinct_names(header, path)
    text_at = _find(header, _TEXT_NAMES, None, path, "text")
    if text_at is None:
        raise ValidationError(f"{path}: a text CSV needs a text column (named "
                              f"{', '.join(_TEXT_NAMES)}); the header (line {row_lines[0]}) has "
                              f"{', '.join(map(repr, header))}. A file of texts without a "
                              f"header needs a first line naming its columns: text (or "
                              f"label,text).")
    label_at = _find(header, _LABEL_NAMES, label, path, "label", required=labelled)
    if label_at is None and label is None and labelled and len(header) == 2:
        label_at = 1 - text_at  # 'review,sentiment': the other column
        notes.append(f"{path.name}: labels read from the column {header[label_at]!r}, the "
                     "one beside the "
                     f"text ({header[text_at]!r})")
    if label_at is None and labelled:
        others = [h for k, h in enumerate(header) if k != text_at and h.lower() not in
                  _INDEX_NAMES]
        raise ValidationError(f"{path}: no label column (named label, class, target or y) in "
                              f"the header {', '.join(header)}. Name it with --label NAME "
                              f"(label= in the library)"
                              + (f": one of {', '.join(map(repr, others))}" if others else "")
                              + ".")
    # A column naming each row (id, sequence, index ...): its names are the predictions'
    id_at = next((k for k, h in enumerate(header) if k not in (text_at, label_at)
                  and h.lower() in _INDEX_NAMES), None)
    texts, labels, lines, ids = [], [], [], []
    for i, row in zip(row_lines[1:], rows[1:], strict=True):
        if not any(cell.strip() for cell in row):
            raise ValidationError(f"{path}, line {i}: the text is empty (the row is blank); "
                                  "give it its text, or delete the line.")
        if len(row) != len(header):
            raise ValidationError(f"{path}, line {i}: {len(row)} fields, but the header has "
                                  f"{len(header)} (quote texts that hold commas).")
        tag = row[label_at].strip() if label_at is not None else ""
        if labelled and tag in _MISSING:
            raise _missing_label(f"{path}, line {i}", tag)
        if not row[text_at].strip():
            raise ValidationError(f"{path}, line {i}: the text is empty.")
        texts.append(row[text_at])
        labels.append(tag)
        lines.append(i)
        ids.append(row[id_at].strip() if id_at is not None else "")
    if not texts:
        raise ValidationError(f"The data file {path} has a header but no rows.")
    if id_at is not None:  # the predictions name each row by its id: say where one cannot
        places: dict[str, list[int]] = {}
        for name, line in zip(ids, lines, strict=True):
            places.setdefault(name, []).append(line)
        repeated = [f"{name!r} (lines {', '.join(map(str, at[:5]))}"
                    f"{' ...' if len(at) > 5 else ''})" for name, at in places.items()
                    if len(at) > 1]
        if repeated:
            notes.append(f"{path.name}: the column {header[id_at]!r} gives several rows one "
                         f"name, so their predictions share it: {'; '.join(repeated[:3])}"
                         + (f" and {len(repeated) - 3} more" if len(repeated) > 3 else ""))
    has_labels = label_at is not None and (labelled or any(labels))
    return LabelledSequences(texts, labels if has_labels else None, str(path), "text", None,
                             notes=notes, lines=lines, format="text",
                             ids=ids if id_at is not None else None)


def detect_format(path: str | Path) -> str:
    """The format of `path`: ``ts`` or ``arff`` by extension, else ``text`` (a ``text`` column),
    ``long`` (a sequence column, named as `_SEQUENCE_NAMES`: sequence, id, sample ..., and
    a step column, named as `_STEP_NAMES`: step, time, timestamp ...) or ``wide`` by its
    CSV header. A text column beside columns of numbers that could be a wide CSV's steps
    is refused (`_text_beside_steps`): neither reading is chosen unseen."""
    path = Path(path)
    if path.suffix.lower() in (".ts", ".arff"):
        return path.suffix.lower()[1:]
    rows, _ = _rows(path)
    lowered = [h.strip().lower() for h in rows[0]]
    if "text" in lowered:
        return _text_beside_steps(path, rows, lowered.index("text"))
    # The names read_long_csv accepts: an 'id, time, ...' file is long too, not a wide file
    # whose rows are (id, time, value) sequences of three steps.
    if set(lowered) & set(_SEQUENCE_NAMES) and set(lowered) & set(_STEP_NAMES):
        return "long"
    # 'review,sentiment': a column so named that holds sentences (three words or more),
    # not a label or a note ('arm', 'ok') beside numbers
    worded = [k for k, h in enumerate(lowered) if h in _TEXT_NAMES]
    if worded and any(len(r) > worded[0] and len(r[worded[0]].split()) >= 3
                      for r in rows[1:6]):
        return _text_beside_steps(path, rows, worded[0])
    # ... or short texts ('great', 'so bad') where no column could be a wide CSV's steps
    if worded and _texts_without_steps(rows, worded[0]):
        return "text"
    return "wide"


def _texts_without_steps(rows: list[list[str]], text_at: int) -> bool:
    """Whether the column `text_at` of a CSV (named as a text column) holds words on each
    of the first rows while no other column but a label or row index (`_LABEL_NAMES`,
    `_INDEX_NAMES`) holds numbers only there: read as wide, a column of words beside
    labels would be a step that is no number, so the file can only be a text CSV."""
    header = [h.strip().lower() for h in rows[0]]
    shown = rows[1:6]
    if not shown or not all(len(r) > text_at and not _is_number(r[text_at]) for r in shown):
        return False
    return not any(all(len(r) > k and _is_number(r[k]) for r in shown)
                   for k, h in enumerate(header)
                   if k != text_at and h not in _LABEL_NAMES + _INDEX_NAMES)


def _text_beside_steps(path: Path, rows: list[list[str]], text_at: int) -> str:
    """``text`` for a CSV whose column `text_at` holds texts, or an error where three
    columns or more besides it (and besides a label or row index: `_LABEL_NAMES`,
    `_INDEX_NAMES`) hold numbers on the first rows, as a wide CSV's steps do
    ('label,t0,...,t5,comment'): read as text, those numbers would be left out unseen."""
    header = [h.strip() for h in rows[0]]
    shown = rows[1:6]
    numeric = [h for k, h in enumerate(header)
               if k != text_at and h.lower() not in _LABEL_NAMES + _INDEX_NAMES
               and all(len(r) > k and _is_number(r[k]) for r in shown)
               and any(r[k].strip() not in _MISSING for r in shown)]
    worded = any(len(r) > text_at and not _is_number(r[text_at]) for r in shown)
    if len(numeric) < 3 or not worded:  # (a 'text' column of numbers: read as before)
        return "text"
    raise ValidationError(
        f"{path}: the column {header[text_at]!r} holds texts, but {len(numeric)} other "
        f"columns ({numeric[0]!r} ... {numeric[-1]!r}) hold numbers, as a wide CSV's steps "
        f"do. Read as a text CSV, those numbers would be left out; read as wide, the texts "
        f"would be steps. Give --format text (format='text' in the library) to classify "
        f"the texts in {header[text_at]!r}, or drop that column to classify the numbers "
        f"as a wide CSV.")


def read_labelled(path: str | Path, *, format: str = "auto", label: str | None = None,
                  fill: str | None = None, labelled: bool = True,
                  columns: int | None = None, steps: list[str] | None = None,
                  label_at: int | None = None, channels: int | None = None,
                  fill_advice: str | None = None,
                  fill_means: dict[str, float] | None = None) -> LabelledSequences:
    """Read labelled sequences from `path` in `format` (one of `FORMATS`), with missing
    values filled by `fill` (see `fill_missing`). With `labelled` False, labels may be
    absent (data to predict on); `columns` is then the training file's width, `steps` its
    header's step names and `label_at` its label column's place, for a wide CSV
    (`read_wide_csv`; `steps` for test data too, whose header may name them in another
    order: read by name), and `channels` the channels a classifier was trained on, for a
    ``.ts`` file whose header does not say them (`read_ts`); `fill_advice` ends the error
    about a missing value where `fill` is None, instead of advising --fill, and
    `fill_means` the channel means `fill` ``mean`` fills with (the training data's, for
    new data and test data; by default the file's own: see `fill_missing`). A `label` for
    a labelled ``.ts`` or ``.arff`` file is refused: their labels have their own place;
    so is a `fill` for a labelled text CSV, which holds no numbers to fill."""
    if format not in FORMATS:
        raise ValidationError(f"The `format` option must be one of {', '.join(FORMATS)}; got "
                              f"{format!r}.")
    path = Path(path)
    own = path.suffix.lower()[1:]
    if format in ("wide", "long", "text") and own in ("ts", "arff"):
        # Read as a CSV, a .ts file's header said only "line 1: the sequence has no values".
        raise ValidationError(f"{path} is a .{own} file, which --format {format} (format= in "
                              f"the library) would read as a CSV; give --format {own}, or "
                              "leave --format out to read it by its extension.")
    if format == "auto":
        format = detect_format(path)
    if label is not None and labelled and format in ("ts", "arff"):
        raise _label_beside_own(path, format, label)
    if format == "ts":
        data = read_ts(path, labelled=labelled, channels=channels)
    elif format == "arff":
        data = read_arff(path, labelled=labelled)
    elif format == "wide":
        data = read_wide_csv(path, label=label, labelled=labelled, columns=columns,
                             steps=steps, label_at=label_at)
    elif format == "long":
        data = read_long_csv(path, label=label, labelled=labelled)
    else:
        data = read_text_csv(path, label=label, labelled=labelled)
    if fill is not None and labelled and data.kind == "text":
        raise ValidationError(f"--fill {fill} (fill= in the library) fills missing numbers, but "
                              f"{path} is read as a text CSV, which holds texts; --fill would "
                              f"be ignored. Drop it.")
    if data.labels is not None:
        data.labels = _whole_labels(data.labels)
        if labelled:  # (new data's labels are only shown: predict names unknown ones)
            _check_number_spellings(data)
        data.notes += _alike(data.labels, path)
    return fill_missing(data, fill, fill_advice, fill_means)


def _label_beside_own(path: Path, format: str, label: str) -> ValidationError:
    """The error for a label column named (`label`) for a .ts or .arff file (`format`),
    whose labels have their own place: it would be ignored."""
    own = "the field after each line's last ':'" if format == "ts" else "its last attribute"
    return ValidationError(f"--label {label} (label= in the library) names a CSV's label "
                           f"column, but {path} is read as a .{format} file, whose labels are "
                           f"{own}; --label would be ignored. Drop it.")


def _alike(labels: list[str], path: Path) -> list[str]:
    """A note naming the labels of `path` that differ only in case ('Bump', 'bump'): they
    are different classes, which a typing slip would make too."""
    alike = [sorted(group) for group in _alike_groups(labels, str.casefold)]
    return [f"{path.name}: the labels {' and '.join(map(repr, group))} differ only in case: "
            "they are different classes" for group in alike[:3]]


def _alike_groups(names: list[str], key: Callable[[str], Any]) -> list[list[str]]:
    """The distinct `names` grouped by `key` (a name whose key is None in no group), the
    groups of two or more, each in the order its names first come."""
    groups: dict[Any, dict[str, None]] = {}
    for name in names:
        k = key(name)
        if k is not None:
            groups.setdefault(k, {})[name] = None
    return [list(group) for group in groups.values() if len(group) > 1]


def _where(data: LabelledSequences, i: int) -> str:
    """Where sequence `i` (0 the first) of `data` is, for a message: its line where the
    reader kept lines, else its id (a long CSV), else its place in the file."""
    if data.lines is not None:
        return f"line {data.lines[i]}"
    if data.ids is not None:
        return f"sequence {data.ids[i]!r}"
    return f"sequence {i + 1}"


def no_label(tag: str) -> bool:
    """Whether the label cell `tag` gives no label: blank, or a missing value ('?', NA ...),
    as new data to predict on may leave some."""
    return tag.strip() in _MISSING


def whole_number(tag: str) -> int | None:
    """The whole number a label writes in ASCII digits, with one sign at most ('01', '-3',
    '+7'), else None ('1.5', 'a', '--1'): labels that write one number two ways are told."""
    digits = tag[1:] if tag[:1] in ("+", "-") else tag
    return int(tag) if digits.isascii() and digits.isdigit() else None


def _check_number_spellings(data: LabelledSequences) -> None:
    """Refuse labels of `data` that write one whole number two ways ('01' and '1', '007'
    and '7'), naming the spellings and where each first appears: as written they would be
    two classes, yet they may be one class typed two ways (a spreadsheet drops leading
    zeros), or codes whose zeros matter; which one only the user knows."""
    assert data.labels is not None
    spellings: dict[int, dict[str, int]] = {}
    for i, tag in enumerate(data.labels):
        number = whole_number(tag)
        if number is not None:
            spellings.setdefault(number, {}).setdefault(tag, i)
    clashes = [group for group in spellings.values() if len(group) > 1]
    if not clashes:
        return
    shown = "; ".join(" and ".join(f"{tag!r} ({_where(data, i)})" for tag, i in group.items())
                      for group in clashes[:3])
    more = f" and {len(clashes) - 3} more" if len(clashes) > 3 else ""
    raise ValidationError(
        f"{data.source}: the labels {shown}{more} write the same number differently, so they "
        f"would be different classes. Write each class one way in the label column (with "
        f"the leading zeros or without them everywhere).")


def _whole_labels(labels: list[str]) -> list[str]:
    """`labels` with whole numbers written as floats ('1.0', '2.0', as pandas writes an
    integer column that had a missing value) written as integers ('1', '2'), where every
    label is a number: else a file of 1.0/2.0 and one of 1/2 would hold different classes."""
    numbers = _floats(labels)
    if numbers is None:
        return labels
    return [str(int(v)) if v.is_integer() and not text.isdigit() else text
            for text, v in zip(labels, numbers, strict=True)]
