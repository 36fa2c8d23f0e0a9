"""Per-feature scalers (min-max normalisation and standardisation) with scikit-learn semantics."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from seqlab._validation import as_numeric_array, check_finite
from seqlab.errors import NotFittedError, ValidationError

__all__ = ["MinMaxScaler", "StandardScaler"]


def _as_2d(x: Any, owner: str, method: str) -> tuple[np.ndarray, tuple[int, ...], np.dtype]:
    """Return `x` as float (samples, features), its original shape and the output dtype.

    A 1-D array is one feature; an N-D array has its features on the last axis.
    """
    arr = as_numeric_array(x, "x", f"{owner}.{method}")
    if arr.ndim == 0:
        raise ValidationError(
            f"`x` passed to {owner}.{method} must be an array with at least 1 dimension "
            f"(features on the last axis); got a scalar {arr!r}."
        )
    if arr.dtype.kind not in "biuf":
        raise ValidationError(
            f"`x` passed to {owner}.{method} must hold numbers; got dtype {arr.dtype}."
        )
    out_dtype = arr.dtype if arr.dtype.kind == "f" else np.dtype(np.float64)
    flat = arr.reshape(-1, 1) if arr.ndim == 1 else arr.reshape(-1, arr.shape[-1])
    return flat.astype(np.float64, copy=False), arr.shape, out_dtype


def _n_features(shape: tuple[int, ...]) -> int:
    return 1 if len(shape) == 1 else shape[-1]


class _Scaler:
    """Shared plumbing: fit checks, fitted-state checks, shape handling and serialisation."""

    fitted_attributes: tuple[str, ...] = ()
    """The statistics `fit` sets (what `to_dict` stores and a pipeline's state checks)."""

    def _check_fit_input(self, x: Any) -> np.ndarray:
        flat, _, _ = _as_2d(x, type(self).__name__, "fit")
        if flat.shape[0] == 0:
            raise ValidationError(
                f"`x` passed to {type(self).__name__}.fit has no samples (shape "
                f"{np.shape(x)}); fit needs at least one."
            )
        check_finite("x", flat.reshape(np.shape(x)))
        self.n_features_in_ = flat.shape[1]
        self.n_samples_seen_ = flat.shape[0]
        return flat

    def _check_fitted(self, method: str) -> None:
        if not hasattr(self, self.fitted_attributes[0]):
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with "
                f"the training data before using '{method}'."
            )

    def _prepare(self, x: Any, method: str) -> tuple[np.ndarray, tuple[int, ...], np.dtype]:
        self._check_fitted(method)
        flat, shape, dtype = _as_2d(x, type(self).__name__, method)
        if flat.shape[1] != self.n_features_in_:
            raise ValidationError(
                f"{type(self).__name__} was fitted on {self.n_features_in_} feature(s) but "
                f"`x` passed to {method} has {_n_features(shape)} (shape {shape}; features "
                f"are the last axis, a 1-D array is one feature)."
            )
        return flat, shape, dtype

    def _inconsistent(self) -> str:
        """The fitted statistics (read back, not fitted) that contradict one another, named;
        '' when they agree as `fit` computes them."""
        return ""

    def fit_transform(self, x: Any) -> np.ndarray:
        """Fit to `x`, then return it transformed."""
        return self.fit(x).transform(x)

    def get_params(self) -> dict[str, Any]:
        """Return the constructor parameters."""
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-plain description (parameters and fitted state, if fitted)."""
        fitted = None
        if hasattr(self, self.fitted_attributes[0]):
            fitted = {a: np.asarray(getattr(self, a)).tolist() for a in self.fitted_attributes}
            fitted["n_features_in_"] = int(self.n_features_in_)
            fitted["n_samples_seen_"] = int(self.n_samples_seen_)
        return {"type": type(self).__name__, "params": self.get_params(), "fitted": fitted}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        """Rebuild a scaler (fitted when it was) from :meth:`to_dict` output."""
        if not isinstance(data, dict) or data.get("type", cls.__name__) != cls.__name__:
            raise ValidationError(
                f"{cls.__name__}.from_dict expects the dict from {cls.__name__}.to_dict(). "
                f"Got {data!r} instead."
            )
        params = data.get("params", {})
        known = set(cls().get_params())
        if not isinstance(params, dict) or set(params) - known:
            raise ValidationError(
                f"{cls.__name__}.from_dict: 'params' must be a dict of {sorted(known)}. Got "
                f"{params!r:.80} instead.")
        obj = cls(**params)
        fitted = data.get("fitted")
        if fitted:
            missing = [a for a in cls.fitted_attributes if a not in fitted]
            if missing:
                raise ValidationError(
                    f"{cls.__name__}.from_dict: the 'fitted' entry lacks {', '.join(missing)}."
                )
            for a in cls.fitted_attributes:
                try:
                    value = np.asarray(fitted[a], dtype=np.float64)
                except (TypeError, ValueError, OverflowError):
                    value = None
                if value is None or value.ndim != 1 or not np.isfinite(value).all():
                    raise ValidationError(
                        f"{cls.__name__}.from_dict: the fitted {a!r} must be a list of finite "
                        f"numbers, one per feature. Got {str(fitted[a])[:80]} instead.")
                setattr(obj, a, value)
            if len({len(getattr(obj, a)) for a in cls.fitted_attributes}) != 1:
                raise ValidationError(f"{cls.__name__}.from_dict: the fitted statistics "
                                      f"{list(cls.fitted_attributes)} differ in length.")
            if not np.all(obj.scale_ > 0):
                raise ValidationError(f"{cls.__name__}.from_dict: the fitted 'scale_' holds "
                                      f"{float(obj.scale_.min())!r}; a fit's scales are above 0 (0 "
                                      f"would divide by zero, a negative one flip the data).")
            disagree = obj._inconsistent()
            if disagree:
                raise ValidationError(f"{cls.__name__}.from_dict: the fitted {disagree} do not "
                                      f"follow from one another as a fit makes them.")
            first = fitted[cls.fitted_attributes[0]]
            obj.n_features_in_ = len(first)
            if fitted.get("n_features_in_", len(first)) != len(first):
                raise ValidationError(
                    f"{cls.__name__}.from_dict: 'n_features_in_' is "
                    f"{fitted['n_features_in_']!r} but the statistics cover {len(first)}.")
            seen = fitted.get("n_samples_seen_", 0)
            if not isinstance(seen, (int, np.integer)) or isinstance(seen, bool) or seen < 0:
                raise ValidationError(f"{cls.__name__}.from_dict: 'n_samples_seen_' is "
                                      f"{seen!r:.40}; expected a count, 0 or more.")
            obj.n_samples_seen_ = int(seen)
        return obj


def _check_feature_range(feature_range: Any, owner: str = "MinMaxScaler") -> tuple[float, float]:
    ok = (isinstance(feature_range, (tuple, list)) or isinstance(feature_range, np.ndarray)
          and feature_range.ndim == 1) and len(feature_range) == 2
    if ok:
        try:
            lo, hi = float(feature_range[0]), float(feature_range[1])
        except (TypeError, ValueError):
            ok = False
        else:
            ok = math.isfinite(lo) and math.isfinite(hi) and lo < hi
    if not ok:
        raise ValidationError(
            f"The 'feature_range' parameter of {owner} must be a (min, max) pair of finite "
            f"numbers with min < max. Got {feature_range!r} instead."
        )
    return lo, hi


def _disagreeing(checks: dict[str, tuple[np.ndarray, np.ndarray]]) -> str:
    """The names of `checks` (name -> stored, derived) whose stored values are not the
    derived ones, to float rounding; '' when all agree."""
    bad = [name for name, (stored, derived) in checks.items()
           if not np.allclose(stored, derived, rtol=1e-9, atol=1e-12 * np.abs(derived).max(
               initial=1.0))]
    return " and ".join(bad)


class MinMaxScaler(_Scaler):
    """Scale each feature to `feature_range` using the minimum and maximum seen in `fit`.

    ``transform(x) = x * scale_ + min_`` with ``scale_ = (hi - lo) / (data_max_ - data_min_)``
    and ``min_ = lo - data_min_ * scale_``; a constant feature gets a range of 1 (no division
    by zero). Features are on the last axis; a 1-D array is one feature and keeps its shape.

    Fitted attributes: ``data_min_``, ``data_max_``, ``data_range_``, ``scale_``, ``min_``,
    ``n_features_in_``, ``n_samples_seen_``.
    """

    fitted_attributes = ("data_min_", "data_max_", "data_range_", "scale_", "min_")

    def __init__(self, feature_range: tuple[float, float] = (0, 1)):
        self.feature_range = feature_range

    def get_params(self) -> dict[str, Any]:
        """Return the constructor parameters."""
        fr = self.feature_range
        return {"feature_range": list(fr) if isinstance(fr, (tuple, list)) else fr}

    def fit(self, x: Any) -> MinMaxScaler:
        """Learn each feature's minimum and maximum from `x`; return self."""
        lo, hi = _check_feature_range(self.feature_range)
        flat = self._check_fit_input(x)
        self.data_min_ = flat.min(axis=0)
        self.data_max_ = flat.max(axis=0)
        self.data_range_ = self.data_max_ - self.data_min_
        with np.errstate(divide="ignore", over="ignore"):
            too_small = ~np.isfinite((hi - lo) / self.data_range_)
        safe_range = np.where(too_small, 1.0, self.data_range_)
        self.scale_ = (hi - lo) / safe_range
        self.min_ = lo - self.data_min_ * self.scale_
        return self

    def _inconsistent(self) -> str:
        lo, hi = _check_feature_range(self.feature_range)
        span = self.data_max_ - self.data_min_
        scale = np.where(span > 0, (hi - lo) / np.where(span > 0, span, 1.0), hi - lo)
        checks = {"data_range_": (self.data_range_, span), "scale_": (self.scale_, scale),
                  "min_": (self.min_, lo - self.data_min_ * self.scale_)}
        return _disagreeing(checks)

    def transform(self, x: Any) -> np.ndarray:
        """Return `x` scaled with the fitted statistics (same shape as `x`)."""
        flat, shape, dtype = self._prepare(x, "transform")
        out = flat * self.scale_ + self.min_
        return out.reshape(shape).astype(dtype, copy=False)

    def inverse_transform(self, x: Any) -> np.ndarray:
        """Map scaled values back to the original units (same shape as `x`)."""
        flat, shape, dtype = self._prepare(x, "inverse_transform")
        out = (flat - self.min_) / self.scale_
        return out.reshape(shape).astype(dtype, copy=False)


class StandardScaler(_Scaler):
    """Standardise each feature to zero mean and unit variance using statistics from `fit`.

    ``transform(x) = (x - mean_) / scale_`` with ``scale_`` the population standard deviation
    (ddof=0, as scikit-learn); a constant feature gets a scale of 1. Features are on the last
    axis; a 1-D array is one feature and keeps its shape.

    Fitted attributes: ``mean_``, ``var_``, ``scale_``, ``n_features_in_``, ``n_samples_seen_``.
    """

    fitted_attributes = ("mean_", "var_", "scale_")

    def __init__(self, *, with_mean: bool = True, with_std: bool = True):
        for name, value in (("with_mean", with_mean), ("with_std", with_std)):
            if not isinstance(value, (bool, np.bool_)):
                raise ValidationError(f"The {name!r} parameter of StandardScaler must be True "
                                      f"or False. Got {value!r} instead.")
        self.with_mean = with_mean
        self.with_std = with_std

    def get_params(self) -> dict[str, Any]:
        """Return the constructor parameters."""
        return {"with_mean": bool(self.with_mean), "with_std": bool(self.with_std)}

    def fit(self, x: Any) -> StandardScaler:
        """Learn each feature's mean and variance from `x`; return self."""
        flat = self._check_fit_input(x)
        self.mean_ = flat.mean(axis=0)
        self.var_ = flat.var(axis=0)
        with np.errstate(divide="ignore", over="ignore"):
            constant = ~np.isfinite(1.0 / np.sqrt(self.var_)) | (flat.max(axis=0) == flat.min(axis=0))
        self.scale_ = np.where(constant, 1.0, np.sqrt(self.var_))
        if constant.any():  # exact statistics, so a constant feature maps to exactly 0
            self.mean_ = np.where(constant, flat[0], self.mean_)
            self.var_ = np.where(constant, 0.0, self.var_)
        return self

    def _inconsistent(self) -> str:
        if (self.var_ < 0).any():
            return "var_ (below 0)"
        scale = np.sqrt(self.var_)
        # A constant feature's scale is 1, its variance 0 (or, from an older fit, the
        # rounding error of its mean's square).
        constant = (self.var_ == 0) | (scale <= 1e-12 * np.abs(self.mean_))
        matches = np.isclose(self.scale_, scale, rtol=1e-9, atol=0) | \
            ((self.scale_ == 1.0) & constant)
        return "" if matches.all() else "var_ and scale_"

    def _center_scale(self) -> tuple[np.ndarray, np.ndarray]:
        center = self.mean_ if self.with_mean else np.zeros_like(self.mean_)
        scale = self.scale_ if self.with_std else np.ones_like(self.scale_)
        return center, scale

    def transform(self, x: Any) -> np.ndarray:
        """Return `x` standardised with the fitted statistics (same shape as `x`)."""
        flat, shape, dtype = self._prepare(x, "transform")
        center, scale = self._center_scale()
        out = (flat - center) / scale
        return out.reshape(shape).astype(dtype, copy=False)

    def inverse_transform(self, x: Any) -> np.ndarray:
        """Map standardised values back to the original units (same shape as `x`)."""
        flat, shape, dtype = self._prepare(x, "inverse_transform")
        center, scale = self._center_scale()
        out = flat * scale + center
        return out.reshape(shape).astype(dtype, copy=False)
