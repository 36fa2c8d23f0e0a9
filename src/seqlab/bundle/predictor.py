"""`Predictor`: a model and its pipeline, predicting on raw data in raw terms."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from seqlab._validation import check_finite, check_int
from seqlab.data.pipeline import Pipeline
from seqlab.errors import ValidationError
from seqlab.models.inference import Stream, activate, eval_mode

__all__ = ["Predictor"]


class Predictor:
    """Predict on raw new data: the pipeline prepares it (scale, encode, window, pad,
    reshape) and the outputs come back in raw terms (unscaled values, decoded labels).

    Parameters
    ----------
    model:
        A module with ``forward(x, state=None) -> (y, state)`` and a ``spec``.
    pipeline:
        The fitted preprocessing (an empty pipeline: inputs are model-ready arrays).
    stateful:
        The model was trained statefully: :meth:`warm_up` and :meth:`step` carry its
        state from call to call, one sample after the other.
    batch_size:
        Rows per forward pass for stateless prediction.
    """

    def __init__(self, model: nn.Module, pipeline: Pipeline | None = None, *,
                 stateful: bool = False, batch_size: int = 256):
        self.model = model
        self.spec = model.spec
        self.task = self.spec.task
        self.pipeline = pipeline if pipeline is not None else Pipeline()
        self.stateful = bool(stateful)
        self.batch_size = check_int("batch_size", batch_size, "Predictor", low=1)
        self._stream = Stream(self.stateful)

    # ---------------------------------------------------------------- plumbing
    def transform(self, data: Any) -> np.ndarray:
        """The model inputs the pipeline makes of raw `data`; NaN or infinity in the data
        (or in what scaling makes of it) is refused, as training refuses it."""
        if self.pipeline.mode != "sequences" and (
                isinstance(data, (np.ndarray, list, tuple)) or hasattr(data, "to_numpy")):
            raw = np.asarray(data.to_numpy() if hasattr(data, "to_numpy") else data)
            if raw.dtype.kind in "fc":
                check_finite("data", raw)
        x = self.pipeline.transform(data)
        if self.pipeline.mode == "samples" and not self.spec.takes_ids:
            self._check_samples(np.asarray(x))
        if np.asarray(x).dtype.kind in "fc" and not np.isfinite(x).all():
            raise ValidationError(
                "The data scale to values beyond float32 (first at input index "
                f"{tuple(int(i) for i in np.argwhere(~np.isfinite(x))[0])}); they lie far "
                "outside the range the model was trained on.")
        return x

    def _check_samples(self, x: np.ndarray) -> None:
        """Refuse inputs of another shape than the model takes, where no window or pad step
        frames them (the pipeline passes the data's shape through): torch failed on them
        ("Expected input to be 2D or 3D"), or read a (rows, features) table as one
        sequence."""
        spec = self.spec
        if spec.frontend == "cnn":
            shapes, fits = "(samples, frames, height, width, channels)", x.ndim == 5
        elif spec.architecture == "mlp_window":
            shapes, fits = "(samples, features) or (samples, timesteps, features)", \
                x.ndim in (2, 3)
        else:
            shapes = f"(samples, timesteps, features) with {spec.input_size} feature(s)"
            fits = x.ndim == 3 and x.shape[-1] == spec.input_size
        if not fits:
            raise ValidationError(
                f"The model takes arrays of shape {shapes}; the data give shape {x.shape}. "
                f"Its pipeline has no window step to frame a series (the bundle was saved "
                f"without one), so the data go to the model as they are: frame them first, "
                f"or save the model with pipeline= holding a WindowStep.")

    def _device(self) -> torch.device:
        return next(self.model.parameters()).device

    def _tensor(self, x: np.ndarray) -> torch.Tensor:
        x = np.ascontiguousarray(x)
        dtype = torch.long if x.dtype.kind in "iu" else torch.float32
        return torch.as_tensor(x, dtype=dtype, device=self._device())

    def _forward(self, x: np.ndarray) -> np.ndarray:
        xt = self._tensor(x)
        if len(xt) == 0:
            raise ValidationError(f"No samples to predict: the inputs have shape {x.shape}.")
        with torch.no_grad(), eval_mode(self.model):
            output = self._stream.rows(self.model, xt, self.batch_size)
        return activate(self.task, output).cpu().numpy()

    def outputs(self, data: Any) -> np.ndarray:
        """The model's activated outputs for raw `data` (probabilities, or scaled values)."""
        return self._forward(self.transform(data))

    def _finish(self, out: np.ndarray) -> np.ndarray:
        if self.task == "regression":
            values = self.pipeline.inverse_targets(out)
            if not np.isfinite(values).all():
                raise ValidationError(
                    "The model's outputs are not finite in the original units (they overflow "
                    "when unscaled); the input lies far outside what it was trained on.")
            return values
        ids = self._class_ids(out)
        labels = self.pipeline.labels
        if labels is not None and labels.is_fitted() and ids.size and \
                int(ids.max()) >= len(labels.vocabulary_):
            raise ValidationError(
                f"The model predicted class id {int(ids.max())}, which its label step does not "
                f"name: the head scores "
                f"{out.shape[-1] if self.task == 'multiclass' else 2} classes, the labels it "
                f"was fitted on were {len(labels.vocabulary_)}. Fit the label step on every "
                f"class.")
        return self.pipeline.decode(ids)

    def _class_ids(self, out: np.ndarray) -> np.ndarray:
        if self.task == "multiclass":
            return out.argmax(-1)
        ids = (out > 0.5).astype(np.int64)
        return ids[..., 0] if ids.shape[-1] == 1 else ids

    # --------------------------------------------------------------------- API
    def predict(self, data: Any) -> np.ndarray:
        """Predictions in raw terms: values in the original units for regression, labels
        (or symbols) for classification.

        For a series pipeline, row ``i`` forecasts the ``n_out`` values that follow the
        window ``data[i : i + n_in]``; the last row forecasts beyond the end of `data`.
        """
        return self._finish(self.outputs(data))

    def predict_proba(self, data: Any) -> np.ndarray:
        """Class probabilities (classification models only)."""
        self._check_classifies("predict_proba")
        return self.outputs(data)

    def predict_classes(self, data: Any) -> np.ndarray:
        """The most likely class of each sample, decoded to its label or symbol."""
        self._check_classifies("predict_classes")
        return self._finish(self.outputs(data))

    def _check_classifies(self, method: str) -> None:
        if self.task == "regression":
            raise ValidationError(f"{method} needs a classification model; this one is a "
                                  f"regression model (use predict).")

    def forecast(self, series: Any) -> np.ndarray:
        """The `n_out` values that follow the end of `series` (series pipelines only)."""
        if self.pipeline.window is None:
            raise ValidationError(
                "forecast needs a pipeline with a window step (a series model); use predict.")
        n_in = self.pipeline.window.n_in
        if not hasattr(series, "__getitem__") or (  # a number, None, a 0-d array
                isinstance(series, (np.ndarray, np.generic)) and series.ndim == 0):
            raise ValidationError(
                f"The 'series' parameter of forecast must be the series' recent values, at "
                f"least n_in={n_in} of them (oldest first); got the single value {series!r}.")
        tail = series[-n_in:]
        return self.predict(tail)[-1]

    # ---------------------------------------------------------------- stateful
    @property
    def state_(self) -> Any:
        """The carried state (stateful models; None at a stream's start)."""
        return self._stream.state

    def reset_state(self) -> None:
        """Forget the carried state (the next call starts a new stream)."""
        self._stream.reset()

    def _require_stateful(self, method: str) -> None:
        if not self.stateful:
            raise ValidationError(
                f"{method} is for stateful models, whose state carries from sample to sample; "
                f"this model was trained stateless (each window stands alone): use predict.")

    def warm_up(self, history: Any) -> np.ndarray:
        """Start a new stream: reset the state, then read `history` in order (carrying the
        state) and return its predictions; :meth:`step` continues from there."""
        self._require_stateful("warm_up")
        self.reset_state()
        return self.step(history)

    def step(self, data: Any) -> np.ndarray:
        """Continue the stream with raw `data`, returning its predictions in raw terms."""
        self._require_stateful("step")
        return self._finish(self._forward(self.transform(data)))
