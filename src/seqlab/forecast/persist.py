"""Saving and loading a fitted `Forecaster` as plain files, never running code from them.

A forecasting bundle is a bundle store (`seqlab.bundle.store`: versions swapped in
atomically under the writer lock, stale staging removed); its live version holds::

    forecast.json      settings, the method chosen per series, the forecasts, the scaled
                       validation errors and half-widths of each interval group, the fit
                       report, the LSTM hybrids' settings and transforms, and the fitted data
                       (to forecast from the bundle alone); checked field by field on load.
                       Format 4; formats 2 (one interval group) and 3 (no noisy LSTM) are
                       still read
    members/0 ... k    the LSTM hybrid's ensemble members, one seqlab bundle each (spec
                       JSON + safetensors), when a series chose it
    noisy_members/...  the same of the hybrid trained on noisy copies (`lstm_noisy`)
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from seqlab import bundle as bundles
from seqlab.bundle import store
from seqlab.bundle.files import member_folder, member_path, read_json, write_json
from seqlab.errors import BundleError
from seqlab.forecast.data import FILLS, MAX_SEASON, SeriesData
from seqlab.forecast.forecaster import LABELS, METHODS, FitReport, Forecaster
from seqlab.forecast.lstm import LSTMHybrid
from seqlab.forecast.selection import FULL, SHORT
from seqlab.forecast.transforms import SeriesTransform

__all__ = ["save", "load", "check_target", "is_forecasting_bundle", "FORMAT",
           "FORMAT_VERSION"]

FORMAT = "seqlab-forecaster"
FORMAT_VERSION = 4
DOCUMENT = "forecast.json"
_PARAMS = ("horizon", "level", "methods", "members", "seed", "workers", "date_column", "freq",
           "fill", "covariates", "season_length", "id_column", "value_column", "calendar", "units",
           "window", "max_epochs", "patience", "min_epochs", "lr")
_LSTM = ("horizon", "window", "season_length", "members", "units", "lr", "max_epochs",
         "patience", "min_epochs", "seed", "noise", "epochs", "inputs", "input_stats")
_CHOICES = (*METHODS, *LABELS)
LOG_BOUND = 1500.0
"""The largest log-scale step or seasonal index a forecasting bundle's LSTM transform may
hold: the logs of float64 numbers lie between -745 and 710, so no fit makes more (a flat
series of values near 1e-23 has a step of 52, its mean log); beyond it only a crafted or
corrupted bundle."""
LOG_SCALE_FLOOR = 1e-30
"""The smallest log-scale step of such a transform: a fit makes none below 1e-12 (older
fits left the rounding of a flat series, 1e-17), and divided by it the logs stay within
float32, which the LSTM reads."""


def _dates(index: pd.Index) -> list[Any]:
    if isinstance(index, pd.DatetimeIndex):
        return [d.isoformat() for d in index]
    return [int(i) for i in index]


def is_forecasting_bundle(path: str | Path) -> bool:
    """Whether `path` holds a forecasting bundle (its live version has a forecast.json)."""
    return store.holds(path, DOCUMENT)


def check_target(path: str | Path) -> Path:
    """Fail early, before fitting, when a forecasting bundle cannot be written at `path`
    (see `seqlab.bundle.store.check_target`: a folder that is not a forecasting bundle is
    never replaced)."""
    return store.check_target(path, "forecasting bundle", DOCUMENT)


def _nullable(values: np.ndarray) -> list[float | None]:
    return [float(v) if math.isfinite(v) else None for v in np.asarray(values, float)]


def _hybrid_document(lstm: LSTMHybrid | None) -> dict[str, Any] | None:
    return None if lstm is None else {
        **{k: getattr(lstm, k) for k in _LSTM},
        "transforms": {k: t.to_dict() for k, t in lstm.transforms.items()}}


def _document(f: Forecaster) -> dict[str, Any]:
    sd = f.data_
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "params": {k: getattr(f, k) for k in _PARAMS},
        "freq": f.freq_,
        "season_length": f.season_length_,
        "series": f.series_names_,
        "future_covariates": list(f.future_names_),
        "methods": f.methods_,
        "weights": f.weights_,
        "arima": {k: None if v is None else {**v, "order": list(v["order"]),
                                             "seasonal_order": list(v["seasonal_order"])}
                  for k, v in f.arima_.items()},
        "paths": {k: [float(v) for v in f.paths_[k]] for k in f.series_names_},
        "scales": {k: float(f.scales_[k]) for k in f.series_names_},
        "nonnegative": {k: bool(f.nonnegative_[k]) for k in f.series_names_},
        "interval_groups": {k: f.interval_groups_[k] for k in f.series_names_},
        "errors": {g: [_nullable(row) for row in e] for g, e in f.errors_.items()},
        "unit_halfwidth": {g: [float(v) for v in u] for g, u in f.unit_halfwidth_.items()},
        "report": asdict(f.report_),
        "lstm": _hybrid_document(f.lstm_),
        "noisy_lstm": _hybrid_document(f.noisy_lstm_),
        "data": {"index": _dates(sd.values.index),
                 "values": {k: _nullable(sd.values[k].to_numpy(float))
                            for k in sd.values.columns if str(k) in f.series_names_}},
    }


def save(forecaster: Forecaster, path: str | Path, *,
         timeout: float | None = store.DEFAULT_LOCK_TIMEOUT) -> Path:
    """Write `forecaster` (fitted) to the bundle `path` (a new version swapped in atomically
    under the bundle's writer lock, so two writers never interleave; the version it
    replaces is kept, for `seqlab update BUNDLE --rollback`); never replaces a folder that
    is not a forecasting bundle."""
    if not isinstance(forecaster, Forecaster):
        raise BundleError(f"The 'forecaster' parameter of save must be a fitted "
                          f"seqlab.forecast.Forecaster; got {type(forecaster).__name__}.")
    forecaster.check_fitted()
    path = check_target(path)
    doc = _document(forecaster)
    models = {folder: [] if hybrid is None else hybrid.models
              for folder, hybrid in (("members", forecaster.lstm_),
                                     ("noisy_members", forecaster.noisy_lstm_))}

    def write(folder: Path) -> None:
        write_json(folder / DOCUMENT, doc)
        for name, members in models.items():
            for k, model in enumerate(members):
                bundles.save(model, folder / name / str(k),
                             metadata={"role": "seqlab.forecast LSTM hybrid member",
                                       "member": k})
        try:  # never a bundle that load refuses: the version is not swapped in
            _read_version(folder)
        except BundleError as error:
            raise BundleError(f"{path}: nothing was saved, as the bundle would not load "
                              f"({error}). This is a bug in seqlab; please report it.",
                              str(path)) from None

    store.write_version(path, write, keep_previous=True, timeout=timeout)
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


def _per_series(v: Any, series: list[str]) -> bool:
    """Whether `v` is an object with one entry per series (in any order: the document's keys
    are written sorted, the series in the file's order)."""
    return isinstance(v, dict) and len(v) == len(series) and set(v) == set(series)


def _check(where: Path, ok: bool, field: str, value: Any, expected: str) -> None:
    if not ok:
        raise _fail(where, f"field {field!r} must be {expected}; got {str(value)[:100]!r}.")


def _check_params(where: Path, p: Any) -> dict[str, Any]:
    _check(where, isinstance(p, dict) and set(p) == set(_PARAMS), "params", p,
           f"an object with exactly {list(_PARAMS)}")
    _check(where, _is_int(p["horizon"], 1), "params.horizon", p["horizon"], "an int >= 1")
    _check(where, _is_num(p["level"]) and 0 < p["level"] < 1, "params.level", p["level"],
           "a number in (0, 1)")
    _check(where, p["methods"] is None or (_names(p["methods"]) and p["methods"] and all(
        k in METHODS for k in p["methods"])), "params.methods", p["methods"],
        f"null or a list of {list(METHODS)}")
    _check(where, _is_int(p["members"], 1), "params.members", p["members"], "an int >= 1")
    _check(where, _is_int(p["seed"], 0), "params.seed", p["seed"], "an int >= 0")
    _check(where, p["workers"] is None or _is_int(p["workers"], 1), "params.workers",
           p["workers"], "null or an int >= 1")
    for key in ("date_column", "freq", "fill", "id_column", "value_column"):
        _check(where, p[key] is None or isinstance(p[key], str), f"params.{key}", p[key],
               "a string or null")
    # read with the new data: another fill was blamed on a --fill the user never gave
    _check(where, p["fill"] is None or p["fill"] in FILLS, "params.fill", p["fill"],
           f"null or one of {list(FILLS)}")
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
    _check(where, isinstance(p["calendar"], bool), "params.calendar", p["calendar"], "a bool")
    return p


def _check_report(where: Path, r: Any, series: list[str]) -> FitReport:
    names = {f.name for f in fields(FitReport)}
    _check(where, isinstance(r, dict) and set(r) == names, "report", r,
           f"an object with exactly {sorted(names)}")
    _check(where, isinstance(r["model"], str), "report.model", r["model"], "a string")
    _check(where, isinstance(r["methods"], dict) and set(r["methods"]) == set(series),
           "report.methods", r["methods"], "one method per series")
    _check(where, isinstance(r["weights"], dict) and set(r["weights"]) <= set(series),
           "report.weights", r["weights"], "an object series -> weights")
    _check(where, isinstance(r["validation"], dict) and all(
        k in series and isinstance(v, dict) and all(
            c in _CHOICES and _is_num(x) for c, x in v.items())
        for k, v in r["validation"].items()), "report.validation", r["validation"],
        "an object series -> {method: finite score}")
    _check(where, isinstance(r["windows"], dict) and all(
        k in series and _is_int(v, 0) for k, v in r["windows"].items()), "report.windows",
        r["windows"], "an object series -> int >= 0")
    _check(where, isinstance(r["lstm"], dict), "report.lstm", r["lstm"], "an object")
    _check(where, _is_num(r["seconds"]) and r["seconds"] >= 0, "report.seconds", r["seconds"],
           "a finite number >= 0")
    _check(where, isinstance(r["notes"], list) and all(isinstance(s, str) for s in r["notes"]),
           "report.notes", r["notes"], "a list of strings")
    # The document's keys are sorted: the per-series entries go back to the file's order.
    ordered = {k: {n: r[k][n] for n in series if n in r[k]}
               for k in ("methods", "validation", "windows", "weights")}
    return FitReport(**{**r, **ordered})


def _floats(where: Path, field: str, v: Any, n: int, *, nullable: bool = False,
            bound: float = 3.4e38) -> np.ndarray:
    ok = isinstance(v, list) and len(v) == n and all(
        (nullable and x is None) or (_is_num(x) and abs(x) <= bound) for x in v)
    _check(where, ok, field, v, f"a list of {n} numbers of magnitude at most {bound:g}"
           + (" or nulls" if nullable else ""))
    return np.array([np.nan if x is None else float(x) for x in v])


def _check_arima(where: Path, doc: Any, series: list[str]) -> dict[str, dict | None]:
    keys = {"order", "seasonal_order", "season_length", "include_mean", "include_drift"}

    def orders(v: Any) -> bool:
        return isinstance(v, list) and len(v) == 3 and all(_is_int(x, 0) and x <= 10 for x in v)

    _check(where, _per_series(doc, series) and all(
        v is None or (isinstance(v, dict) and set(v) == keys and orders(v["order"])
                      and orders(v["seasonal_order"]) and _is_int(v["season_length"], 1)
                      and v["season_length"] <= MAX_SEASON
                      and isinstance(v["include_mean"], bool)
                      and isinstance(v["include_drift"], bool))
        for v in doc.values()), "arima", doc,
        "one entry per series: null, or an ARIMA order (p, d, q up to 10), seasonal order, "
        "season length and the mean and drift flags")
    return {k: None if (v := doc[k]) is None else {**v, "order": tuple(v["order"]),
                                                   "seasonal_order": tuple(v["seasonal_order"])}
            for k in series}


def _check_lstm(where: Path, doc: Any, horizon: int, season_length: int, series: list[str],
                field: str = "lstm") -> LSTMHybrid:
    keys = {*_LSTM, "transforms"}
    _check(where, isinstance(doc, dict) and set(doc) == keys, field, doc,
           f"null or an object with exactly {sorted(keys)}")
    for key in _LSTM:
        low = 0 if key in ("min_epochs", "seed", "inputs") else 1
        if key == "input_stats":
            stats = doc[key]
            _check(where, (doc["inputs"] == 0 and stats == []) or (
                isinstance(stats, list) and len(stats) == 2 and all(
                    isinstance(v, list) and len(v) == doc["inputs"]
                    and all(_is_num(x) for x in v) for v in stats)
                and all(x > 0 for x in stats[1])), f"{field}.input_stats", stats,
                "[means, positive stds], one each per input ([] without inputs)")
        elif key == "lr":
            _check(where, _is_num(doc[key]) and doc[key] > 0, f"{field}.lr", doc[key],
                   "a positive number")
        elif key == "noise":  # the plain hybrid trains without noise, the noisy one with
            noisy = field == "noisy_lstm"
            _check(where, _is_num(doc[key]) and (doc[key] > 0 if noisy else doc[key] == 0),
                   f"{field}.noise", doc[key], "a positive number" if noisy else "0")
        else:
            _check(where, _is_int(doc[key], low), f"{field}.{key}", doc[key], f"an int >= {low}")
    _check(where, doc["horizon"] == horizon, f"{field}.horizon", doc["horizon"], str(horizon))
    _check(where, doc["season_length"] == season_length, f"{field}.season_length",
           doc["season_length"], f"the bundle's season length, {season_length}")
    transforms = doc["transforms"]
    _check(where, isinstance(transforms, dict) and transforms and set(transforms) <= set(series),
           f"{field}.transforms", transforms, "an object series -> transform")
    hybrid = LSTMHybrid(**{k: doc[k] for k in _LSTM})
    hybrid.transforms = {k: SeriesTransform.from_dict(v, f"{where} {field}.transforms.{k}")
                         for k, v in transforms.items()}
    for k, t in hybrid.transforms.items():
        _check(where, t.season_length == season_length, f"{field}.transforms.{k}.season_length",
               t.season_length, f"the bundle's season length, {season_length}")
        _check(where, not t.log or (LOG_SCALE_FLOOR <= t.scale <= LOG_BOUND and all(
            abs(v) <= LOG_BOUND for v in t.season)), f"{field}.transforms.{k}",
            {"scale": t.scale, "season": t.season[:3]},
            f"on the log scale, a scale in [{LOG_SCALE_FLOOR:g}, {LOG_BOUND:g}] and "
            f"seasonal indices of at most {LOG_BOUND:g} in size")
    return hybrid


def _load_hybrid(where: Path, folder: Path, doc: dict[str, Any], field: str, members: str,
                 method: str, weights: dict[str, dict[str, float]], H: int,
                 series: list[str]) -> LSTMHybrid | None:
    """The LSTM hybrid of `doc[field]` with its members from the folder `members`, checked
    against the series whose weights name `method`; None where the document has none."""
    users = [k for k, w in weights.items() if method in w]
    _check(where, doc[field] is not None or not users, field, None,
           f"the LSTM settings, since a series uses {method!r}")
    if doc[field] is None:
        return None
    hybrid = _check_lstm(where, doc[field], H, doc["season_length"], series, field)
    folder = member_folder(folder, members, "LSTM members")
    # A fit writes one folder per member, 0 to members - 1: with fewer members said, the
    # others were silently left out of the forecast (the median of fewer members).
    found = sorted((n for n in os.listdir(folder) if not n.startswith(".")),  # lock files
                   key=lambda n: (len(n), n))
    expected = [str(k) for k in range(hybrid.members)]
    if found != expected:
        raise _fail(where, f"field '{field}.members' is {hybrid.members}, but {folder} holds "
                    f"{found[:8]!r:.120}; expected one member folder each, named "
                    f"{', '.join(expected[:3])}{' ...' if len(expected) > 3 else ''}.")
    for k in range(hybrid.members):
        member_dir = member_folder(folder, str(k), "LSTM member")
        member = bundles.load(member_dir)
        spec = member.model.spec
        took = (spec.input_size, spec.output_size, spec.timesteps, spec.units)
        said = (1 + hybrid.inputs, H, hybrid.window, [hybrid.units])
        if took != said:
            raise _fail(member_dir, "the member's model takes "
                        f"{spec.input_size} input(s) a step over windows of {spec.timesteps} "
                        f"steps with units {spec.units} and forecasts {spec.output_size} "
                        f"steps, where {where.name}'s '{field}' says {said[0]} (1 + inputs "
                        f"{hybrid.inputs}), window {hybrid.window}, units [{hybrid.units}] "
                        f"and horizon {H}; the bundle is damaged.")
        hybrid.models.append(member.model.eval())
    missing = [k for k in users if k not in hybrid.transforms]
    _check(where, not missing, f"{field}.transforms", missing,
           f"a transform for every series forecast with {method!r}")
    return hybrid


def _read_version(folder: Path) -> Forecaster:
    if not os.path.lexists(folder / DOCUMENT):
        raise BundleError(f"{folder}: not a forecasting bundle (no {DOCUMENT}).", str(folder))
    where = member_path(folder, DOCUMENT, "forecasting document")
    doc = read_json(where)
    keys = {"format", "format_version", "params", "freq", "season_length", "series",
            "future_covariates", "methods", "weights", "arima", "paths", "scales",
            "nonnegative", "interval_groups", "errors", "unit_halfwidth", "report", "lstm",
            "noisy_lstm", "data"}
    if isinstance(doc, dict) and doc.get("format") == FORMAT and doc.get("format_version") == 1:
        raise _fail(where, "this forecasting bundle was written by an earlier seqlab (format "
                    "1); fit it again with `seqlab forecast DATA --horizon H --out BUNDLE`.")
    if (isinstance(doc, dict) and doc.get("format") == FORMAT
            and _is_int(doc.get("format_version")) and doc["format_version"] == 2
            and "interval_groups" not in doc):
        doc = _from_format_2(doc)
    if (isinstance(doc, dict) and doc.get("format") == FORMAT
            and _is_int(doc.get("format_version")) and doc["format_version"] == 3
            and "noisy_lstm" not in doc):
        doc = _from_format_3(doc)
    _check(where, isinstance(doc, dict) and set(doc) == keys, "(top level)",
           list(doc) if isinstance(doc, dict) else doc, f"an object with exactly {sorted(keys)}")
    _check(where, doc["format"] == FORMAT, "format", doc["format"], repr(FORMAT))
    _check(where, doc["format_version"] == FORMAT_VERSION, "format_version",
           doc["format_version"], f"{FORMAT_VERSION}, or 2 or 3 in the earlier formats' "
           "layouts (a newer seqlab wrote this bundle?)")
    params = _check_params(where, doc["params"])
    H = params["horizon"]
    f = Forecaster(**params)
    _check(where, doc["freq"] is None or isinstance(doc["freq"], str), "freq", doc["freq"],
           "a string or null")
    if doc["freq"] is not None:
        try:
            pd.tseries.frequencies.to_offset(doc["freq"])
        except ValueError:
            raise _fail(where, f"field 'freq' is not a pandas frequency: {doc['freq']!r}.") \
                from None
    _check(where, _is_int(doc["season_length"], 1) and doc["season_length"] <= MAX_SEASON,
           "season_length", doc["season_length"], f"an int in [1, {MAX_SEASON}]")
    series = doc["series"]
    _check(where, _names(series) and len(series) > 0, "series", series,
           "a non-empty list of unique names")
    methods = doc["methods"]
    _check(where, _per_series(methods, series) and all(
        v in _CHOICES for v in methods.values()), "methods", methods,
        f"one method per series, among {list(_CHOICES)}")
    weights = doc["weights"]
    _check(where, _per_series(weights, series) and all(
        isinstance(w, dict) and w and all(k in METHODS and _is_num(v) and 0 < v <= 1
                                          for k, v in w.items())
        and abs(sum(w.values()) - 1) < 1e-6 for w in weights.values()), "weights",
        weights, f"one object per series, model ({', '.join(METHODS)}) -> weight in (0, 1], "
        "summing to 1")
    _check(where, all(methods[k] == next(iter(w)) if len(w) == 1 else methods[k] in LABELS
                      for k, w in weights.items()), "methods", methods,
           "each series' model where its weights name one, else "
           + " or ".join(map(repr, LABELS)))
    f.arima_ = _check_arima(where, doc["arima"], series)
    for key in ("paths", "scales", "nonnegative"):
        _check(where, _per_series(doc[key], series), key,
               doc[key] if not isinstance(doc[key], dict) else list(doc[key]),
               "one entry per series")
    paths = {k: _floats(where, f"paths.{k}", doc["paths"][k], H) for k in series}
    scales = {k: float(_floats(where, f"scales.{k}", [doc["scales"][k]], 1)[0])
              for k in series}
    _check(where, all(v >= 0 for v in scales.values()), "scales", doc["scales"],
           "an object series -> number >= 0")
    _check(where, all(isinstance(v, bool) for v in doc["nonnegative"].values()),
           "nonnegative", doc["nonnegative"], "an object series -> bool")
    groups, err, unit = _check_intervals(where, doc, series, H)
    report = _check_report(where, doc["report"], series)
    _check(where, report.methods == {k: methods[k] for k in series}, "report.methods",
           report.methods, "the document's methods")
    _check(where, all(set(w) == set(weights[k]) and all(
        abs(v - weights[k][m]) <= 1e-5 for m, v in w.items())
        for k, w in report.weights.items()), "report.weights", report.weights,
        "the document's weights")
    f.lstm_ = _load_hybrid(where, folder, doc, "lstm", "members", "lstm", weights, H, series)
    f.noisy_lstm_ = _load_hybrid(where, folder, doc, "noisy_lstm", "noisy_members",
                                 "lstm_noisy", weights, H, series)
    if f.lstm_ is not None and f.noisy_lstm_ is not None:
        # A fit validates both on the same series and windows, with the same inputs.
        same = ("window", "inputs", "input_stats", "transforms")
        _check(where, all(doc["noisy_lstm"][k] == doc["lstm"][k] for k in same),
               "noisy_lstm", {k: doc["noisy_lstm"][k] for k in same[:2]},
               f"the same {', '.join(same)} as 'lstm' ({doc['lstm']['window']}, "
               f"{doc['lstm']['inputs']}, ...)")
    future = doc["future_covariates"]
    _check(where, _names(future) and set(future) <= set(params["covariates"] or []),
           "future_covariates", future, "a list of the covariates' names")
    f.future_names_ = list(future)
    f.data_ = _check_data(where, doc["data"], doc["freq"], doc["season_length"], series)
    f.freq_ = doc["freq"]
    f.season_length_ = doc["season_length"]
    f.series_names_ = series
    f.methods_ = {k: methods[k] for k in series}
    f.weights_ = {k: {m: float(v) for m, v in weights[k].items()} for k in series}
    f.paths_ = paths
    f.scales_ = scales
    f.nonnegative_ = {k: doc["nonnegative"][k] for k in series}
    f.interval_groups_ = groups
    f.errors_ = err
    f.unit_halfwidth_ = unit
    f.report_ = report
    return f


def _from_format_3(doc: dict[str, Any]) -> dict[str, Any]:
    """A format-3 document as format 4: no noisy LSTM, and the plain one without noise."""
    lstm = doc.get("lstm")
    if isinstance(lstm, dict) and "noise" not in lstm:
        lstm = {**lstm, "noise": 0.0}
    return {**doc, "format_version": FORMAT_VERSION, "lstm": lstm, "noisy_lstm": None}


def _from_format_2(doc: dict[str, Any]) -> dict[str, Any]:
    """A format-2 document as format 3 (which `_read_version` takes on to 4): its pooled
    errors and half-widths one group of every series (`selection.FULL`), as format 2
    calibrated them."""
    series = doc.get("series")
    return {**doc, "format_version": 3,
            "interval_groups": {k: FULL for k in series} if _names(series) else None,
            "errors": {FULL: doc.get("errors")},
            "unit_halfwidth": {FULL: doc.get("unit_halfwidth")}}


def _check_intervals(where: Path, doc: dict[str, Any], series: list[str], H: int
                     ) -> tuple[dict[str, str], dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The interval groups of the series, and each group's scaled validation errors and
    half-widths."""
    groups = doc["interval_groups"]
    _check(where, _per_series(groups, series) and all(g in (FULL, SHORT) for g in groups.values()),
           "interval_groups", groups, f"one group per series, {FULL!r} or {SHORT!r}")
    used = sorted(set(groups.values()))
    errors, units = doc["errors"], doc["unit_halfwidth"]
    for key, value in (("errors", errors), ("unit_halfwidth", units)):
        _check(where, isinstance(value, dict) and sorted(value) == used, key,
               list(value) if isinstance(value, dict) else value,
               f"an object with one entry per interval group, {used}")
    # Validation errors and half-widths are in units of each series' scale (MASE): beyond
    # a million scales they can only be a crafted or corrupted bundle.
    err, unit = {}, {}
    for g in used:
        rows = errors[g]
        _check(where, isinstance(rows, list), f"errors.{g}", rows, "a list of rows")
        err[g] = np.array([_floats(where, f"errors.{g}[]", row, H, nullable=True, bound=1e6)
                           for row in rows]).reshape(-1, H)
        unit[g] = _floats(where, f"unit_halfwidth.{g}", units[g], H, bound=1e6)
        _check(where, bool(np.all(unit[g] >= 0)), f"unit_halfwidth.{g}", units[g],
               "non-negative numbers")
    return {k: groups[k] for k in series}, err, unit


def _check_data(where: Path, data: Any, freq: str | None, m: int,
                series: list[str]) -> SeriesData:
    _check(where, isinstance(data, dict) and set(data) == {"index", "values"}, "data",
           data if not isinstance(data, dict) else list(data), "an object with index, values")
    n = len(data["index"]) if isinstance(data["index"], list) else -1
    _check(where, n >= 1, "data.index", data["index"], "a non-empty list")
    if freq is None:
        first = data["index"][0]
        _check(where, _is_int(first) and data["index"] == list(range(first, first + n)),
               "data.index", data["index"][:5], "consecutive step numbers for data without dates")
        index: pd.Index = pd.RangeIndex(first, first + n)
    else:
        _check(where, all(isinstance(d, str) for d in data["index"]), "data.index",
               data["index"][:5], "ISO date strings")
        try:
            index = pd.DatetimeIndex(pd.to_datetime(data["index"], format="ISO8601"))
        except (ValueError, TypeError, OverflowError, pd.errors.OutOfBoundsDatetime):
            raise _fail(where, "field 'data.index' holds a value that is not a date.") from None
        _check(where, index.tz is None, "data.index", data["index"][:3],
               "dates without a time zone, as seqlab writes them")
        try:  # built to the stored length: a crafted end never makes a longer grid
            regular = index.equals(pd.date_range(index[0], periods=n, freq=freq))
        except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
            regular = False
        _check(where, regular, "data.index", data["index"][:3],
               f"regular dates at frequency {freq}, each once and in order")
    values = data["values"]
    _check(where, _per_series(values, series), "data.values",
           list(values) if isinstance(values, dict) else values, "one column per series")
    table = pd.DataFrame({k: _floats(where, f"data.values.{k}", values[k], n, nullable=True)
                          for k in series}, index=index, dtype=float)
    empty = [k for k in series if table[k].isna().all()]
    _check(where, not empty, "data.values", empty, "at least one value per series")
    return SeriesData(values=table, covariates=None, freq=freq, season_length=m, filled=[])


def load(path: str | Path) -> Forecaster:
    """Load a forecasting bundle written by `save`; refuses anything unexpected (BundleError)."""
    path = Path(path)
    if not path.exists():
        raise BundleError(f"{path}: no such forecasting bundle.", str(path))
    store.refuse_another_kind(path, DOCUMENT, "forecasting bundle (written by seqlab "
                              "forecast --out)")
    return store.read_live(path, _read_version, document=DOCUMENT)
