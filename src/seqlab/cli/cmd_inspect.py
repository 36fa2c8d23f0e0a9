"""`seqlab inspect` and `seqlab export`: look inside a bundle, or take its model elsewhere."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from seqlab.cli._options import JSON_OPTION, refuse_folder_spelling
from seqlab.cli.output import Output, add_command, shown_text
from seqlab.errors import ValidationError


def _inspect(
    bundle: Annotated[Path, typer.Argument(help="A bundle folder.")],
    history: Annotated[int | None, typer.Option(help="How many of the last epochs to show "
                                                "(model bundles).", show_default="5")] = None,
    as_json: JSON_OPTION = False,
) -> None:
    """Show a bundle: a model bundle's spec, layer summary, pipeline, training config and
    last epochs; a forecasting or classifier bundle's fit (methods, season, classes ...)."""
    from seqlab.bundle import load
    from seqlab.models import summary

    if history is not None and history < 0:
        raise ValidationError(f"The '--history' option must be 0 or more (epochs shown); got "
                              f"{history}.")
    if _inspect_fitted(bundle, as_json, history_given=history is not None):
        return
    history = 5 if history is None else history
    loaded = load(bundle)
    torch_count = summary(loaded.model, print_fn=None)
    keras = summary(loaded.model, keras_count=True, print_fn=None)
    records = loaded.history.records[-history:] if history > 0 else []
    config = loaded.trainer_config.to_dict() if loaded.trainer_config_kept else None
    screen = Output(as_json)
    if as_json:
        screen.json({
            "bundle": str(bundle), "version": loaded.folder.name,
            "created": loaded.manifest.get("created"),
            "seqlab_version": loaded.manifest.get("seqlab_version"),
            "spec": loaded.spec.to_dict(), "parameters": torch_count.total_params,
            "parameters_keras": keras.total_params, "pipeline": loaded.pipeline.to_dict(),
            "trainer_config": config, "history": records,
            "metadata": loaded.metadata}, default=str)
        return
    screen.result(f"bundle {bundle} (version {loaded.folder.name}, saved "
               f"{loaded.manifest.get('created')} by seqlab "
               f"{loaded.manifest.get('seqlab_version')})")
    screen.result("\nspec: " + json.dumps(loaded.spec.to_dict(), sort_keys=True))
    screen.result("\n" + str(torch_count))  # its last line gives Keras' count where it differs
    steps = ", ".join(repr(step) for step in loaded.pipeline.steps) or "(none: model-ready "\
                                                                        "arrays)"
    screen.result(f"\npipeline: {steps}; columns {loaded.pipeline.columns}")
    screen.result("training config: " + (json.dumps(config, sort_keys=True)
                                      if config else "(not kept)"))
    if records:
        screen.result(f"\nlast {len(records)} epoch(s) of {len(loaded.history.records)}:")
        for record in records:
            screen.result("  " + shown_text(", ".join(
                f"{k} {v:.6g}" if isinstance(v, float) else f"{k} {v}"
                for k, v in record.items())))
    if loaded.metadata:
        screen.result("\nnotes: " + json.dumps(loaded.metadata, sort_keys=True))


def _inspect_fitted(bundle: Path, as_json: bool, *, history_given: bool = False) -> bool:
    """Show a forecasting bundle's fit summary or a classifier bundle's description; False
    (nothing shown) for a bundle of neither kind. `history_given`: --history was, which
    such a bundle has no epochs for."""
    from seqlab.classify.persist import is_classifier_bundle
    from seqlab.forecast.persist import is_forecasting_bundle

    fitted = ("forecasting" if is_forecasting_bundle(bundle) else
              "classifier" if is_classifier_bundle(bundle) else None)
    if fitted and history_given:
        raise ValidationError(f"--history shows a model bundle's last epochs; {bundle} is a "
                              f"{fitted} bundle, which keeps no per-epoch history. Drop it.")
    if fitted == "forecasting":
        from seqlab.forecast import load as load_forecaster

        kind, facts = "forecasting", load_forecaster(bundle).summary()
    elif fitted == "classifier":
        from seqlab.classify import load as load_classifier

        kind, facts = "classifier", load_classifier(bundle).describe()
    else:
        return False
    screen = Output(as_json)
    if as_json:
        screen.json({"bundle": str(bundle), "type": kind, **facts}, default=str)
        return True
    screen.result(f"{kind} bundle {bundle}")
    for key, value in facts.items():
        if key in ("weights", "validation") and isinstance(value, dict) and len(value) > 1 \
                or isinstance(value, (dict, list)) and len(value) > 10:
            value = f"({len(value)} entries; --json shows them)"
        screen.result(f"  {key}: {value}")
    return True


def _export(
    bundle: Annotated[Path, typer.Argument(help="A bundle folder.")],
    format: Annotated[str, typer.Option(help="onnx or torchscript.")] = "onnx",
    out: Annotated[Path | None, typer.Option(
        help="File to write (not named for the other format: no .pt for onnx, no .onnx "
             "for torchscript).", show_default="BUNDLE.onnx or BUNDLE.pt")] = None,
) -> None:
    """Export a bundle's model (with its activation; a recurrent model's state as explicit
    inputs and outputs) for onnxruntime or TorchScript."""
    from seqlab.bundle.export import export

    refuse_folder_spelling(out, ("--out",), "an export is one file",
                           "model.onnx" if format == "onnx" else "model.pt")
    # Beside the bundle, named from its full path: '.' and '..' have no name of their own
    # (Path('.').with_name failed; '..' named the file '...onnx', inside the bundle).
    folder = bundle.resolve() if bundle.name in ("", "..") else bundle
    target = out or folder.with_name(folder.name + (".onnx" if format == "onnx" else ".pt"))
    Output().result(f"wrote {export(bundle, target, format=format)}")


def register(app: typer.Typer) -> None:
    """Add inspect and export to the `seqlab` command."""
    add_command(app, "inspect", _inspect)
    add_command(app, "export", _export)
