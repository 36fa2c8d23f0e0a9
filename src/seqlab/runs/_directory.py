"""Run directories: every training run's config, history, metrics and figures as plain files.

Layout (all JSON is plain, all figures PNG)::

    RUN_DIR/
      config.json          what was run (command, recipe or spec, seed, options …)
      metrics.json         final metrics (a recipe's result object)
      history.json/.csv    per-epoch records of one run, or history-1.json/.csv, … for many
      diagnosis.json       the learning-curve verdict of each run (when there is val_loss)
      learning_curves.png  train vs validation loss of every run
      *.png                any other figure (recipes write theirs here)
      .seqlab-files.json   the files this run wrote, which the next run here removes
                           (and whether a run is under way: `begin_run`)

`seqlab report RUN_DIR` turns a run directory into one HTML page; `seqlab diagnose
RUN_DIR` prints the verdicts again.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seqlab._io import atomic_savefig, atomic_write, check_output_path, read_json_file
from seqlab.errors import ValidationError
from seqlab.evaluate.diagnosis import diagnosable, diagnose
from seqlab.plots.curves import learning_curves
from seqlab.train.history import History

__all__ = ["RunDir", "RunRecord", "write_run_dir", "read_run_dir", "CURVES_FIGURE",
           "close_figure", "check_run_folder", "clear_run_folder", "record_file",
           "RECORD_NAMES", "FILES_RECORD", "begin_run", "end_run"]

CURVES_FIGURE = "learning_curves.png"
FILES_RECORD = ".seqlab-files.json"
"""The files a run wrote in its directory, for the next run there to remove."""
_HISTORY_NAMES = r"(history(?:-\d+)?)\.(json|csv)"
"""A run's history file: its stem (history, history-3) and its suffix."""
_FIXED_NAMES = r"(config|metrics|diagnosis)\.json|" + _HISTORY_NAMES + r"|report\.html"
RECORD_NAMES = re.compile(_FIXED_NAMES + r"|.*\.png", re.IGNORECASE)
"""The names of the files a run (and its report) writes in its directory."""
RUN_COMMANDS = ("run", "repeat", "tune")
"""The commands that write run folders, as their config.json names them."""


def begin_run(folder: str | Path, *, fresh: bool = False) -> None:
    """Start a run in the run folder `folder`: the files the runs before it recorded
    become the earlier runs' (`clear_run_folder` removes them), and the files recorded from
    now on are this run's, until `RunDir.finish` (or `write_run_dir`) ends it. Without
    `fresh`, a run this process began there and has not ended (by `recipes.run` or a
    `RunDir`) goes on: its figures stay. A run begun by another process, one that stopped
    half-way, is an earlier run; so is any open run when `fresh` is given."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    record = _read_record(folder)
    if record["open"] and not fresh and record["owner"] == _OWNER:
        return
    earlier = set(record["earlier"]) | set(record["files"])
    _write_record(folder, {"files": [], "earlier": sorted(earlier), "open": True,
                           "owner": _OWNER})


def end_run(folder: str | Path) -> None:
    """End the run under way in `folder` (`begin_run`): the next run there starts anew,
    and the files recorded since are the earlier runs' to it."""
    record = _read_record(Path(folder))
    if record["open"]:
        _write_record(Path(folder), {**record, "open": False, "owner": None})


_OWNER = f"{os.getpid()}-{time.time_ns()}"
"""This process, as the owner of the runs it begins (a process id alone may come again)."""


def record_file(folder: str | Path, *names: str) -> None:
    """Add `names` to the `FILES_RECORD` of the run folder `folder`: the files the run
    wrote there, which the next run's `clear_run_folder` removes (and no other file)."""
    record = _read_record(Path(folder))
    record["files"] = sorted(set(record["files"]) | set(names))
    record["earlier"] = sorted(set(record["earlier"]) - set(names))
    _write_record(Path(folder), record)


def _read_record(folder: Path) -> dict[str, Any]:
    """The folder's record: this (or the last) run's `files`, the `earlier` runs' files not
    yet removed, whether a run is `open` and its `owner`. A record of an earlier version (a
    list) is its last run's files; a missing or damaged one, the records a seqlab run left
    there (`_seqlab_files`)."""
    try:
        listed = json.loads((folder / FILES_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        listed = None
    if isinstance(listed, list):
        listed = {"files": listed}
    if not isinstance(listed, dict) or "files" not in listed:  # none, or damaged: what a
        # seqlab run left there is its own
        listed = {"files": _seqlab_files(folder)}

    def names(key: str) -> list[str]:
        values = listed.get(key)
        return [n for n in values if isinstance(n, str) and Path(n).name == n
                and RECORD_NAMES.fullmatch(n)] if isinstance(values, list) else []

    return {"files": names("files"), "earlier": names("earlier"),
            "open": listed.get("open") is True, "owner": listed.get("owner")}


def _write_record(folder: Path, record: dict[str, Any]) -> None:
    atomic_write(folder / FILES_RECORD, json.dumps(record))


def clear_run_folder(folder: str | Path) -> None:
    """Remove the files the earlier runs wrote in `folder` (those its `FILES_RECORD` lists
    as theirs: see `begin_run`), so that their figures and diagnosis are not taken for this
    run's; the files this run wrote stay, and so does every file no run recorded (the
    user's own)."""
    folder = Path(folder)
    record = _read_record(folder)
    for name in set(record["earlier"]) - set(record["files"]):
        (folder / name).unlink(missing_ok=True)
    if (folder / FILES_RECORD).is_file():
        _write_record(folder, {**record, "earlier": []})


def check_run_folder(path: str | Path, *, inputs: tuple[str | Path | None, ...] = ()
                     ) -> Path:
    """`check_output_path` for a run directory, which must also not hold one of the
    command's `inputs` under a name a run writes (``repeat exp/config.json --out exp``
    replaced the experiment's config with the run's record), nor, unless an earlier seqlab
    run wrote it, any file of such a name (``run NAME --out .`` replaced a project's own
    config.json)."""
    path = check_output_path(path, "run directory", folder=True)
    for source in inputs:
        if source is None or not Path(source).is_file() or not path.is_dir():
            continue
        if Path(source).resolve().parent == path.resolve() and \
                RECORD_NAMES.fullmatch(Path(source).name):
            raise ValidationError(
                f"The run directory {path} holds the input {source}, which the run would "
                f"write over with its own {Path(source).name}; name another folder with "
                f"--out.")
    if path.is_dir():
        foreign = _foreign_records(path)
        if foreign:
            raise ValidationError(
                f"The folder {path} holds {', '.join(foreign)}, which a run would write "
                f"over, and is not the folder of an earlier seqlab run; move "
                f"{'them' if len(foreign) > 1 else 'it'} or name another folder with --out.")
    return path


def _foreign_records(folder: Path) -> list[str]:
    """The files in `folder` named as a run's records that no seqlab run wrote: those the
    folder's record (`_read_record`) does not list."""
    record = _read_record(folder)
    return sorted(f.name for f in folder.iterdir()
                  if f.is_file() and re.fullmatch(_FIXED_NAMES, f.name, re.IGNORECASE)
                  and f.name not in {*record["files"], *record["earlier"]})


def _seqlab_files(folder: Path) -> list[str]:
    """In a folder without a readable record (written before the record existed, or
    damaged since), the records a seqlab run left: if its config.json is seqlab's (an
    object naming the command that wrote it, one of `RUN_COMMANDS`), the files of its
    records' names and its learning curves (the recipes' own among them); else none."""
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not (isinstance(config, dict) and config.get("command") in RUN_COMMANDS):
        return []
    return sorted(f.name for f in folder.iterdir() if f.is_file() and re.fullmatch(
        _FIXED_NAMES + r"|learning_curves(_runs)?(_seed\d+)?\.png", f.name))  # as written


def close_figure(figure: Any) -> None:
    """Release a figure pyplot made (seqlab's own figures are not pyplot's: a no-op)."""
    import sys

    pyplot = sys.modules.get("matplotlib.pyplot")  # never import pyplot just to close
    if pyplot is not None:
        pyplot.close(figure)


def _plain(value: Any) -> Any:
    """JSON-safe copy: paths and other objects become strings."""
    return json.loads(json.dumps(value, default=str))


class RunDir:
    """Writer of one run directory (created on first use); reusable by any command."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.histories: list[History] = []
        begin_run(self.path)  # or go on with the run already begun there

    def write_config(self, config: Mapping[str, Any]) -> Path:
        """Write config.json."""
        return self._write_json("config.json", dict(config))

    def write_metrics(self, metrics: Mapping[str, Any]) -> Path:
        """Write metrics.json."""
        return self._write_json("metrics.json", dict(metrics))

    def add_histories(self, histories: Sequence[History]) -> None:
        """Write each history as JSON and CSV (history.* for one, history-K.* for many)."""
        self.histories.extend(histories)
        record = _read_record(self.path)
        for name in {*record["files"], *record["earlier"]}:  # a run's, never the user's
            if re.fullmatch(_HISTORY_NAMES, name):
                (self.path / name).unlink(missing_ok=True)
        many = len(self.histories) > 1
        written = []
        for index, history in enumerate(self.histories, start=1):
            stem = f"history-{index}" if many else "history"
            history.save_json(self.path / f"{stem}.json")
            history.save_csv(self.path / f"{stem}.csv")
            written += [f"{stem}.json", f"{stem}.csv"]
        if written:  # one write of the record, not one per file
            record_file(self.path, *written)

    def add_figure(self, figure: Any, name: str) -> Path:
        """Save a matplotlib figure as NAME.png (and close it, if pyplot made it)."""
        if Path(name).name != name or name in ("", ".", ".."):
            raise ValidationError(f"A figure's name is a file name in the run directory; "
                                  f"got {name!r}.")
        path = self.path / (name if name.endswith(".png") else f"{name}.png")
        atomic_savefig(figure, path, dpi=100, bbox_inches="tight")
        close_figure(figure)
        record_file(self.path, path.name)
        return path

    def finish(self) -> list[Any]:
        """Draw the learning curves and write diagnosis.json for histories with val_loss,
        and end the run (`end_run`); returns the diagnoses."""
        numbered, _ = _diagnosed(self.histories)  # a diverged run's curves stay, undiagnosed
        diagnoses = [d for _, d in numbered]
        if diagnoses:
            self._write_json("diagnosis.json", {"runs": [d.to_dict() for d in diagnoses]})
        if self.histories and any("loss" in h.keys() for h in self.histories):
            self.add_figure(learning_curves(self.histories), CURVES_FIGURE)
        end_run(self.path)
        return diagnoses

    def _write_json(self, name: str, data: Any) -> Path:
        path = self.path / name
        atomic_write(path, json.dumps(_plain(data), indent=1))
        record_file(self.path, name)
        return path


def write_run_dir(
    path: str | Path,
    *,
    config: Mapping[str, Any],
    metrics: Mapping[str, Any] | None = None,
    histories: Sequence[History] = (),
    figures: Mapping[str, Any] | None = None,
) -> Path:
    """Write a complete run directory in one call, replacing an earlier run's files there
    (`clear_run_folder`: the files recorded since the run began, by `recipes.run`, a
    `RunDir` or `begin_run`, are this run's and stay), and finish the run; returns its
    path."""
    run = RunDir(path)
    clear_run_folder(run.path)
    run.write_config(config)
    if metrics is not None:
        run.write_metrics(metrics)
    run.add_histories(list(histories))
    for name, figure in (figures or {}).items():
        run.add_figure(figure, name)
    run.finish()
    return run.path


@dataclass
class RunRecord:
    """A run directory read back."""

    path: Path
    config: dict[str, Any]
    metrics: dict[str, Any]
    histories: list[History] = field(default_factory=list)
    figures: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """Records that could not be read (a damaged config.json or metrics.json): the rest of
    the run is still shown and diagnosed."""
    runs: list[int] = field(default_factory=list)
    """The number of the run of each history, from its file's name (history-3.json is run
    3, history.json run 1): a run whose file is missing (a run stopped half-way) leaves a
    gap rather than giving its number to the next run's history."""

    def __post_init__(self) -> None:
        if not self.runs:  # numbered in order, from 1
            self.runs = list(range(1, len(self.histories) + 1))

    def diagnoses(self) -> tuple[list[tuple[int, Any]], list[str]]:
        """The diagnosis of each history that has one, numbered by its run (`runs`), and
        why a diagnosable one has none (a diverged run: NaN losses)."""
        return _diagnosed(self.histories, self.runs)


def _diagnosed(histories: Sequence[History], runs: Sequence[int] | None = None
               ) -> tuple[list[tuple[int, Any]], list[str]]:
    """Each diagnosable history's diagnosis, numbered by `runs` (from 1 as the histories
    are, by default), and why one has none though it has the curves (a diverged run: NaN
    losses)."""
    numbered, problems = [], []
    for i, history in zip(runs or range(1, len(histories) + 1), histories, strict=True):
        if diagnosable(history):
            try:
                numbered.append((i, diagnose(history)))
            except ValidationError as error:
                problems.append(f"run {i} is not diagnosed: {error}")
    return numbered, problems


def _numeric_curves(history: History, file: Path) -> History:
    """`history`, whose loss curves (``loss``, ``val_*``) must hold numbers (or nothing,
    for an epoch that did not record one): the report and the diagnosis compute on them."""
    for key in history.keys():
        if key == "loss" or key.startswith("val_"):
            bad = next((v for v in history[key] if v is not None and (
                isinstance(v, bool) or not isinstance(v, (int, float)))), None)
            if bad is not None:
                raise ValidationError(f"The history {file} is damaged: its {key!r} curve "
                                      f"holds {bad!r:.40}, not a number.")
    return history


def read_run_dir(path: str | Path) -> RunRecord:
    """Read config, metrics, histories and figure paths of a run directory. A run whose
    history JSON is missing is read from the CSV written beside it, with a note in
    `RunRecord.problems`."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ValidationError(f"{str(path)!r} is a file; a run directory is the folder a run "
                              f"wrote (seqlab run NAME --out FOLDER).")
    if not path.is_dir():
        raise ValidationError(f"Run directory {str(path)!r} does not exist.")
    history_files = _history_files(path)
    if not (path / "config.json").is_file() and not history_files:
        raise ValidationError(
            f"{str(path)!r} is not a run directory: it has no config.json or history*.json. "
            f"Create one with `seqlab run NAME --out {path}`."
        )

    problems: list[str] = []

    def load(name: str) -> dict[str, Any]:
        file = path / name
        try:
            doc = read_json_file(file, "run record") if file.exists() else {}
            if not isinstance(doc, dict):
                raise ValidationError(f"The run record {file} must hold a JSON object.")
        except ValidationError as error:
            problems.append(str(error))
            return {}
        return doc

    histories = []
    for _, file in history_files:
        if file.suffix.lower() == ".csv":  # its history.json was deleted or lost
            problems.append(f"{file.with_suffix('.json').name} is missing; its run was "
                            f"read from {file.name}.")
            history = History.load_csv(file)
        else:
            history = History.load(file)
        histories.append(_numeric_curves(history, file))
    figures = sorted(path.glob("*.png"))
    return RunRecord(path, load("config.json"), load("metrics.json"), histories, figures,
                     problems, [run for run, _ in history_files])


def _history_files(path: Path) -> list[tuple[int, Path]]:
    """The history file of each run in the run directory `path` with its run number
    (history.json is run 1, history-3.json run 3), in order: its JSON, or, where only
    the CSV written beside it is left, the CSV."""
    found: dict[str, Path] = {}
    for file in path.iterdir():
        match = re.fullmatch(_HISTORY_NAMES, file.name)
        if match and file.is_file() and (match.group(2) == "json"
                                         or match.group(1) not in found):
            found[match.group(1)] = file
    numbered = [(int(stem.partition("-")[2] or 1), stem, file)
                for stem, file in found.items()]
    return [(run, file) for run, _, file in sorted(numbered)]
