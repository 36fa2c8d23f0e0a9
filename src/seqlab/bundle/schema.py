"""The schemas of a bundle's JSON files: every key known, every value of the right type.

Nothing in a bundle can name code: losses, optimizers and metrics are names looked up in
seqlab's own registries, and anything else (unknown keys, objects where numbers belong,
strings that are not registered names) is refused with the file and key named.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from seqlab._settings import declared
from seqlab.data.pipeline import PadStep, Pipeline, ScaleStep
from seqlab.errors import BundleError, ValidationError
from seqlab.models.spec import MAX_WIDTH, ModelSpec
from seqlab.train.config import TrainerConfig
from seqlab.train.history import History

__all__ = ["check_trainer_config", "check_history", "check_metadata", "trainer_config_of",
           "check_pipeline_fits"]


def check_trainer_config(config: Any, path: Path | str) -> TrainerConfig:
    """The `TrainerConfig` in `config` when every key is known and every value passes the
    check its field declares, else BundleError naming the file and key. A config without a
    version (written before TrainerConfig had one) is read as version 1."""
    if not isinstance(config, dict):
        raise BundleError(f"{path} must hold a JSON object; got {type(config).__name__}.", path)
    known = TrainerConfig.fields()
    unknown = sorted(set(config) - {*known, "version"})
    if unknown:
        raise BundleError(
            f"{path} has unknown training-config key(s) {unknown}; known keys are "
            f"{sorted(known)}. Bundles never carry code or custom objects.", path)
    constraints = {f.name: constraint for f, constraint in declared(TrainerConfig)}
    for key, value in config.items():
        if key == "version":
            continue
        try:
            constraints[key].check(key, value, "TrainerConfig")
        except ValidationError:
            raise BundleError(
                f"{path}: training-config key {key!r} must be {constraints[key].describe()}; "
                f"got {value!r}. Losses, optimizers and metrics are resolved by name from "
                f"seqlab's registries only.", path) from None
    try:
        return TrainerConfig.from_dict(config)
    except ValidationError as error:
        raise BundleError(f"{path}: {error}", path) from None


def check_history(data: Any, path: Path | str) -> History:
    """The `History` in `data` (see `History.from_dict`), else BundleError naming the file."""
    try:
        return History.from_dict(data)
    except ValidationError:
        raise BundleError(
            f"{path} must hold {{'records': [per-epoch dicts of numbers]}}; got something else "
            f"({str(data)[:120]}).", path) from None


def check_metadata(data: Any, where: str) -> dict[str, Any]:
    """Free-form notes: a flat dict of str -> str, number, bool or null."""
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(
            isinstance(k, str) and (v is None or isinstance(v, (str, int, float, bool)))
            for k, v in data.items()):
        raise BundleError(
            f"{where}: metadata must be a flat dict of strings, numbers, bools or nulls; got "
            f"{str(data)[:120]}.", where)
    return dict(data)


def trainer_config_of(trainer: Any, **fit_args: Any) -> TrainerConfig:
    """Kept for older callers: ``trainer.settings(**fit_args)``."""
    return trainer.settings(**fit_args)


def check_pipeline_fits(spec: ModelSpec, pipeline: Pipeline, file: Path) -> None:
    """Refuse a pipeline that would feed the model windows, features or ids of another
    shape than its spec was built for, or that cannot have come from a fit: a step left
    unfitted, or a scale step repeated (see `_check_fitted_steps`)."""
    _check_fitted_steps(pipeline, file)
    window = pipeline.window
    if window is not None and spec.timesteps is not None and window.n_in != spec.timesteps:
        raise BundleError(
            f"{file}: the pipeline frames windows of n_in={window.n_in} steps but the spec's "
            f"model takes timesteps={spec.timesteps}; the bundle is inconsistent.", file)
    pad = next((s for s in pipeline.steps if isinstance(s, PadStep)), None)
    if pad is not None and pad.maxlen_ is not None and pad.maxlen_ > MAX_WIDTH:
        # every sequence to predict on is padded to it: 1e12 steps ran out of memory
        raise BundleError(
            f"{file}: the pipeline pads sequences to maxlen_={pad.maxlen_} steps, above the "
            f"{MAX_WIDTH} steps a spec may name; the bundle is damaged.", file)
    features = len(pipeline.columns) if pipeline.columns else None
    for step in pipeline.steps:
        fitted = getattr(getattr(step, "scaler_", None), "n_features_in_", None)
        if isinstance(step, ScaleStep) and fitted is not None:
            if features is not None and fitted != features:
                raise BundleError(
                    f"{file}: the pipeline names {features} column(s) {pipeline.columns} but "
                    f"its scaler was fitted on {fitted} feature(s).", file)
            features = fitted
    if window is not None and features is not None and not spec.takes_ids:
        per_step = features * (window.n_in if window.as_features else 1)
        if per_step != spec.input_size:
            raise BundleError(
                f"{file}: the pipeline gives the model {per_step} feature(s) a step but the "
                f"spec's input_size is {spec.input_size}; the bundle is inconsistent.", file)
        one_head = spec.architecture != "encoder_decoder" and not spec.return_sequences
        if spec.task == "regression" and one_head and window.n_out * features != spec.output_size:
            raise BundleError(
                f"{file}: the pipeline forecasts n_out={window.n_out} step(s) of {features} "
                f"feature(s) but the spec's head has output_size={spec.output_size}.", file)
    encoder = pipeline.encoder
    if encoder is not None and encoder.is_fitted() and spec.takes_ids:
        symbols = len(encoder.vocabulary_)
        if symbols > spec.input_size:
            raise BundleError(
                f"{file}: the pipeline's vocabulary has {symbols} symbols but the spec's model "
                f"takes ids below input_size={spec.input_size}.", file)
    _check_classes_fit(spec, pipeline, file)


def _check_fitted_steps(pipeline: Pipeline, file: Path) -> None:
    """Refuse a pipeline with a step no fit left so: an unfitted one (predict failed with
    'call Pipeline.fit', a method a bundle's user never calls), or a scale step that
    repeats the one before it, config and statistics alike (a fit fits each scale step on
    the previous one's output, so a copy scaled the data twice, a silently wrong model)."""
    for i, step in enumerate(pipeline.steps):
        if not step.is_fitted():
            raise BundleError(
                f"{file}: pipeline step {i} ({step.type_name}) is not fitted; a bundle's "
                f"pipeline must be fitted on the training data (Pipeline.fit) before it is "
                f"saved, or its model cannot predict.", file)
        before = pipeline.steps[i - 1] if i else None
        if isinstance(step, ScaleStep) and isinstance(before, ScaleStep) and \
                step.to_dict() == before.to_dict():
            raise BundleError(
                f"{file}: pipeline step {i} (scale) repeats step {i - 1}, statistics and all; "
                f"a fit fits each scale step on the previous one's output, so the copy would "
                f"scale the data twice. Expected one such step; the bundle is damaged.", file)


def _check_classes_fit(spec: ModelSpec, pipeline: Pipeline, file: Path) -> None:
    """Refuse a classifier whose label step names classes the head never scores (they
    would never be predicted), or whose head scores ids its vocabulary cannot name (a next
    symbol would fail at predict). A head scoring more classes than its label step names
    is kept: it may be sized for classes the training data lacked (`Predictor` says so if
    one of them is predicted)."""
    if spec.task not in ("multiclass", "binary"):
        return
    step = pipeline.labels or (pipeline.encoder if spec.task == "multiclass" else None)
    if step is None or not step.is_fitted():
        return
    names = len(step.vocabulary_)
    scored = spec.output_size if spec.task == "multiclass" else 2
    what = "label step" if step is pipeline.labels else "vocabulary (the ids decode to symbols)"
    if names < scored and step is not pipeline.labels:
        raise BundleError(
            f"{file}: the spec's head scores {scored} classes but the pipeline's {what} names "
            f"only {names}; the bundle is inconsistent.", file)
    if step is pipeline.labels and names - (step.unknown is not None) > scored:
        raise BundleError(
            f"{file}: the pipeline's label step names {names} classes but the spec's head "
            f"scores only {scored}; the bundle is inconsistent.", file)
