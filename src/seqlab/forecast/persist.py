"""Saving and loading a fitted `Forecaster` as plain files, never running code from them.

A forecasting bundle is a folder::

    BUNDLE/
      forecast.json      settings, per-series transforms, validation errors (for the
                         intervals), the fit report and the fitted data (to forecast on
                         from the bundle alone); checked field by field on load
      members/0 ... k    one seqlab bundle per ensemble member (spec JSON + safetensors)

The folder is written beside the target and swapped in at the end, so a reader sees the
old bundle or the new one, never half of each.
"""

from __future__ import annotations

import math
import shutil
import uuid
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from seqlab import bundle as bundles
from seqlab._io import check_output_path
from seqlab.bundle import store
from seqlab.bundle.files import read_json, write_json
from seqlab.errors import BundleError
from seqlab.forecast.core import STRATEGIES, CoreSettings
from seqlab.forecast.data import SeriesData
from seqlab.forecast.forecaster import FitReport, Forecaster
from seqlab.forecast.transforms import SeriesTransform

__all__ = ["save", "load", "FORMAT", "FORMAT_VERSION"]

FORMAT = "seqlab-forecaster"
FORMAT_VERSION = 1
DOCUMENT = "forecast.json"
_PARAMS = ("horizon", "level", "members", "strategy", "seed", "date_column", "freq", "fill",
           "covariates", "season_length", "units", "window", "max_epochs", "patience", "min_epochs",
           "lr")


def _dates(index: pd.Index) -> list[Any]:
    if isinstance(index, pd.DatetimeIndex):
        return [d.isoformat() for d in index]
    return [int(i) for i in index]


def check_target(path: str | Path) -> Path:
    """Fail early, before fitting, when a forecasting bundle cannot be written at `path`:
    an unwritable place, a file, or a folder that is not a forecasting bundle (a user's
    folder is never replaced)."""
    path = check_output_path(path, "forecasting bundle", folder=True)
    if path.is_symlink() or path.is_file():
        raise BundleError(f"The bundle path {path} is a file (or a link); a forecasting bundle "
                          f"is a folder. Choose another path.", path)
    if path.is_dir() and not (path / DOCUMENT).is_file() and any(path.iterdir()):
        raise BundleError(f"The bundle path {path} is a folder that is not a forecasting "
                          f"bundle (no {DOCUMENT}); refusing to replace it. Choose a new path.",
                          path)
    return path


def save(forecaster: Forecaster, path: str | Path, *,
         timeout: float | None = store.DEFAULT_LOCK_TIMEOUT) -> Path:
    """Write `forecaster` (fitted) to the folder `path`, replacing the forecasting bundle
    there (never another folder). The new bundle is written beside it and swapped in under
    the bundle's writer lock, so two writers never interleave."""
    forecaster._check_fitted()
    path = check_target(path)
    f = forecaster
    sd = f.data_
    doc = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "params": {k: getattr(f, k) for k in _PARAMS},
        "freq": f.freq_,
        "season_length": f.season_length_,
        "start": f.start_,
        "series": f.series_names_,
        "covariates": f.covariate_names_,
        "covariate_stats": None if f.cov_stats_ is None else [list(v) for v in f.cov_stats_],
        "constant": f.constant_,
        "holt": f.holt_,
        "transforms": {k: t.to_dict() for k, t in f.transforms_.items()},
        "settings": {k: asdict(v) for k, v in f.settings_.items()},
        "residuals": np.asarray(f.residuals_, float).tolist(),
        "report": asdict(f.report_),
        "data": {
            "index": _dates(sd.values.index),
            "values": {k: sd.values[k].tolist() for k in sd.values.columns},
            "covariates": None if sd.covariates is None else
            {k: sd.covariates[k].tolist() for k in sd.covariates.columns},
        },
    }
    staging = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    staging.mkdir(parents=True)
    try:
        write_json(staging / DOCUMENT, doc)
        for strategy, models in f.models_.items():
            for k, model in enumerate(models):
                bundles.save(model, staging / "members" / strategy / str(k),
                             metadata={"role": "seqlab.forecast ensemble member",
                                       "strategy": strategy, "member": k})
        lock = store._lock(path, timeout)
        try:
            check_target(path)  # another writer may have put something there meanwhile
            if path.exists():
                old = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.old")
                path.rename(old)
                staging.rename(path)
                shutil.rmtree(old, ignore_errors=True)
            else:
                staging.rename(path)
        finally:
            lock.release()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return path


# ----------------------------------------------------------------------- loading
def _fail(where: Path, message: str) -> BundleError:
    return BundleError(f"{where}: {message}", str(where))


def _is_int(v: Any, low: int | None = None) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and (low is None or v >= low)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _names(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(s, str) for s in v) and len(set(v)) == len(v)


def _check(where: Path, ok: bool, field: str, value: Any, expected: str) -> None:
    if not ok:
        raise _fail(where, f"field {field!r} must be {expected}; got {str(value)[:100]!r}.")


def _check_params(where: Path, p: Any) -> dict[str, Any]:
    _check(where, isinstance(p, dict) and set(p) == set(_PARAMS), "params", p,
           f"an object with exactly {list(_PARAMS)}")
    _check(where, _is_int(p["horizon"], 1), "params.horizon", p["horizon"], "an int >= 1")
    _check(where, _is_num(p["level"]) and 0 < p["level"] < 1, "params.level", p["level"],
           "a number in (0, 1)")
    _check(where, _is_int(p["members"], 1), "params.members", p["members"], "an int >= 1")
    _check(where, p["strategy"] in ("auto", *STRATEGIES), "params.strategy", p["strategy"],
           f"auto or one of {list(STRATEGIES)}")
    _check(where, _is_int(p["seed"], 0), "params.seed", p["seed"], "an int >= 0")
    for key in ("date_column", "freq", "fill"):
        _check(where, p[key] is None or isinstance(p[key], str), f"params.{key}", p[key],
               "a string or null")
    _check(where, p["covariates"] is None or _names(p["covariates"]), "params.covariates",
           p["covariates"], "a list of names or null")
    for key in ("season_length", "window"):
        _check(where, p[key] is None or _is_int(p[key], 1), f"params.{key}", p[key],
               "an int >= 1 or null")
    for key in ("units", "max_epochs", "patience"):
        _check(where, _is_int(p[key], 1), f"params.{key}", p[key], "an int >= 1")
    _check(where, _is_int(p["min_epochs"], 0), "params.min_epochs", p["min_epochs"],
           "an int >= 0")
    _check(where, _is_num(p["lr"]) and p["lr"] > 0, "params.lr", p["lr"], "a positive number")
    return p


def _check_settings(where: Path, doc: Any) -> dict[str, CoreSettings]:
    _check(where, isinstance(doc, dict) and set(doc) <= set(STRATEGIES), "settings", doc,
           f"an object strategy ({', '.join(STRATEGIES)}) -> network settings")
    out = {k: _check_one_settings(where, v) for k, v in doc.items()}
    for k, v in out.items():
        _check(where, v.strategy == k, f"settings.{k}.strategy", v.strategy, repr(k))
    return out


def _check_one_settings(where: Path, s: Any) -> CoreSettings:
    names = {f.name for f in fields(CoreSettings)}
    _check(where, isinstance(s, dict) and set(s) == names, "settings", s,
           f"an object with exactly {sorted(names)}")
    for key in ("window", "horizon", "units", "batch_size", "max_epochs", "patience"):
        _check(where, _is_int(s[key], 1), f"settings.{key}", s[key], "an int >= 1")
    for key in ("covariates", "min_epochs"):
        _check(where, _is_int(s[key], 0), f"settings.{key}", s[key], "an int >= 0")
    _check(where, s["strategy"] in STRATEGIES, "settings.strategy", s["strategy"],
           f"one of {list(STRATEGIES)}")
    _check(where, s["cell"] in ("lstm", "gru", "rnn"), "settings.cell", s["cell"],
           "lstm, gru or rnn")
    _check(where, _is_num(s["lr"]) and s["lr"] > 0, "settings.lr", s["lr"], "a positive number")
    return CoreSettings(**s)


def _strategy_label(label: Any) -> bool:
    if not isinstance(label, str):
        return False
    parts = label.split("+")
    return all(p in STRATEGIES for p in parts) and len(set(parts)) == len(parts)


def _check_report(where: Path, r: Any) -> FitReport:
    names = {f.name for f in fields(FitReport)}
    _check(where, isinstance(r, dict) and set(r) == names, "report", r,
           f"an object with exactly {sorted(names)}")
    _check(where, isinstance(r["model"], str), "report.model", r["model"], "a string")
    _check(where, _strategy_label(r["strategy"]), "report.strategy", r["strategy"],
           f"one of {list(STRATEGIES)} or several joined by +")
    for key in ("window", "epochs", "members"):
        _check(where, _is_int(r[key], 0), f"report.{key}", r[key], "an int >= 0")
    _check(where, isinstance(r["validation_mae"], dict) and all(
        _strategy_label(k.removesuffix("+theta")) and _is_num(v)
        for k, v in r["validation_mae"].items()),
        "report.validation_mae", r["validation_mae"], "an object strategy -> number")
    _check(where, _is_num(r["theta_weight"]) and 0 <= r["theta_weight"] <= 1,
           "report.theta_weight", r["theta_weight"], "a number in [0, 1]")
    for key in ("naive_validation_mae", "seconds"):
        _check(where, _is_num(r[key]), f"report.{key}", r[key], "a finite number")
    _check(where, _names(r["notes"]) or (isinstance(r["notes"], list) and all(
        isinstance(s, str) for s in r["notes"])), "report.notes", r["notes"], "a list of strings")
    return FitReport(**r)


def _column(where: Path, field: str, v: Any, n: int) -> list[float]:
    _check(where, isinstance(v, list) and len(v) == n and all(_is_num(x) for x in v), field,
           v, f"a list of {n} finite numbers")
    return v


def load(path: str | Path) -> Forecaster:
    """Load a forecasting bundle written by `save`; refuses anything unexpected (BundleError)."""
    path = Path(path)
    where = path / DOCUMENT
    if not where.is_file():
        raise BundleError(f"{path}: not a forecasting bundle (no {DOCUMENT}).", str(path))
    doc = read_json(where)
    keys = {"format", "format_version", "params", "freq", "season_length", "start", "series",
            "holt",
            "covariates", "covariate_stats", "constant", "transforms", "settings", "residuals",
            "report", "data"}
    _check(where, isinstance(doc, dict) and set(doc) == keys, "(top level)",
           list(doc) if isinstance(doc, dict) else doc, f"an object with exactly {sorted(keys)}")
    _check(where, doc["format"] == FORMAT, "format", doc["format"], repr(FORMAT))
    _check(where, _is_int(doc["format_version"], 1) and doc["format_version"] <= FORMAT_VERSION,
           "format_version", doc["format_version"],
           f"an int in [1, {FORMAT_VERSION}] (a newer seqlab wrote this bundle?)")
    params = _check_params(where, doc["params"])
    f = Forecaster(**params)
    _check(where, doc["freq"] is None or isinstance(doc["freq"], str), "freq", doc["freq"],
           "a string or null")
    if doc["freq"] is not None:
        try:
            pd.tseries.frequencies.to_offset(doc["freq"])
        except ValueError:
            raise _fail(where, f"field 'freq' is not a pandas frequency: {doc['freq']!r}.") \
                from None
    _check(where, _is_int(doc["season_length"], 1), "season_length", doc["season_length"],
           "an int >= 1")
    _check(where, isinstance(doc["start"], str), "start", doc["start"],
           "the first fitted date (or step number) as a string")
    series, covs = doc["series"], doc["covariates"]
    _check(where, _names(series) and len(series) > 0, "series", series,
           "a non-empty list of unique names")
    _check(where, _names(covs), "covariates", covs, "a list of unique names")
    stats = doc["covariate_stats"]
    if covs:
        _check(where, isinstance(stats, list) and len(stats) == 2 and all(
            isinstance(v, list) and len(v) == len(covs) and all(_is_num(x) for x in v)
            for v in stats) and all(x > 0 for x in stats[1]), "covariate_stats", stats,
            "[means, positive stds], one each per covariate")
    else:
        _check(where, stats is None, "covariate_stats", stats, "null without covariates")
    constant, transforms = doc["constant"], doc["transforms"]
    _check(where, isinstance(constant, dict) and all(
        k in series and _is_num(v) for k, v in constant.items()), "constant", constant,
        "an object series -> number")
    _check(where, isinstance(transforms, dict) and set(transforms) | set(constant) == set(series)
           and not set(transforms) & set(constant), "transforms", list(transforms)
           if isinstance(transforms, dict) else transforms,
           "one transform per non-constant series")
    holt = doc["holt"]
    _check(where, isinstance(holt, dict) and set(holt) == set(transforms) and all(
        isinstance(v, list) and len(v) == 3 and all(_is_num(x) and 0 < x <= 1 for x in v)
        for v in holt.values()), "holt", holt,
        "an object series -> [alpha, beta, phi] in (0, 1], one per modelled series")
    f.holt_ = {k: [float(x) for x in holt[k]] for k in series if k in holt}
    f.transforms_ = {k: SeriesTransform.from_dict(transforms[k], f"{where} transforms.{k}")
                     for k in series if k in transforms}
    settings = _check_settings(where, doc["settings"])
    report = _check_report(where, doc["report"])
    residuals = doc["residuals"]
    _check(where, isinstance(residuals, list) and all(
        isinstance(r, list) and len(r) == params["horizon"] and all(_is_num(x) for x in r)
        for r in residuals), "residuals", residuals,
        f"a list of rows of {params['horizon']} finite numbers")
    if transforms and set(settings) != set(report.strategy.split("+")):
        raise _fail(where, f"field 'settings' holds {sorted(settings)} but the report's "
                    f"strategy is {report.strategy!r}.")
    data = doc["data"]
    _check(where, isinstance(data, dict) and set(data) == {"index", "values", "covariates"},
           "data", data if not isinstance(data, dict) else list(data),
           "an object with index, values and covariates")
    n = len(data["index"]) if isinstance(data["index"], list) else -1
    _check(where, n >= 1, "data.index", data["index"], "a non-empty list")
    if doc["freq"] is None:
        first = data["index"][0]
        _check(where, _is_int(first) and data["index"] == list(range(first, first + n)),
               "data.index", data["index"][:5], "consecutive step numbers for data without dates")
        index: pd.Index = pd.RangeIndex(first, first + n)
    else:
        _check(where, all(isinstance(d, str) for d in data["index"]), "data.index",
               data["index"][:5], "ISO date strings")
        try:
            index = pd.DatetimeIndex(pd.to_datetime(data["index"], format="ISO8601"))
        except (ValueError, TypeError):
            raise _fail(where, "field 'data.index' holds a value that is not a date.") from None
        _check(where, len(index) == len(pd.date_range(index[0], index[-1], freq=doc["freq"])),
               "data.index", data["index"][:3], f"regular dates at frequency {doc['freq']}")
    values = data["values"]
    _check(where, isinstance(values, dict) and list(values) == series, "data.values",
           list(values) if isinstance(values, dict) else values, "one column per series")
    table = pd.DataFrame({k: _column(where, f"data.values.{k}", values[k], n) for k in series},
                         index=index, dtype=float)
    cov_table = None
    if covs:
        cv = data["covariates"]
        _check(where, isinstance(cv, dict) and list(cv) == covs, "data.covariates", cv,
               "one column per covariate")
        cov_table = pd.DataFrame({k: _column(where, f"data.covariates.{k}", cv[k], n)
                                  for k in covs}, index=index, dtype=float)
    else:
        _check(where, data["covariates"] is None, "data.covariates", data["covariates"], "null")
    members: dict[str, list] = {}
    for strategy, settings_one in settings.items():
        folder = path / "members" / strategy
        members[strategy] = []
        for k in range(params["members"]):
            member = bundles.load(folder / str(k))
            spec = member.model.spec
            if (spec.input_size != 1 + settings_one.covariates
                    or spec.output_size != settings_one.outputs):
                raise _fail(folder / str(k), "the member's model does not match the settings "
                            f"(input {spec.input_size}, output {spec.output_size}).")
            members[strategy].append(member.model.eval())
    f.freq_ = doc["freq"]
    f.season_length_ = doc["season_length"]
    f.start_ = doc["start"]
    f.series_names_ = series
    f.covariate_names_ = covs
    f.cov_stats_ = None if not covs else (stats[0], stats[1])
    f.constant_ = {k: float(v) for k, v in constant.items()}
    f.settings_ = settings
    f.residuals_ = np.asarray(residuals, float).reshape(-1, params["horizon"])
    f.report_ = report
    f.models_ = members
    f.data_ = SeriesData(values=table, covariates=cov_table, freq=doc["freq"],
                         season_length=doc["season_length"], filled=[])
    return f
