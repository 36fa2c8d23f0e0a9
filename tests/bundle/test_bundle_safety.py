"""Crafted bundles: tampered JSON, pickles, truncation, shape bombs, path traversal, code in
configs. Each is refused with a BundleError naming the file; nothing from a bundle runs."""

import builtins
import importlib
import json
import os
import pickle
import struct
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from bundle_tampering import rehash as _rehash
from seqlab.bundle import Limits, load, save
from seqlab.data import Pipeline, ScaleStep, WindowStep
from seqlab.errors import BundleError
from seqlab.models import ModelSpec, build
from seqlab.train import Trainer


@pytest.fixture
def bundle(tmp_path):
    """A small complete bundle: returns (bundle path, live version folder)."""
    series = np.linspace(0, 1, 30)
    pipeline = Pipeline([ScaleStep(), WindowStep(3)])
    x, y = pipeline.fit_frame(series)
    trainer = Trainer(build(ModelSpec(1, 1, units=[4]), seed=0), seed=0)
    trainer.fit(x, y, epochs=1, verbose=0)
    folder = save(trainer, tmp_path / "b", pipeline=pipeline, optimizer=trainer)
    return tmp_path / "b", folder


def _edit_json(folder: Path, name: str, change, rehash: bool = True) -> None:
    doc = json.loads((folder / name).read_text())
    change(doc)
    (folder / name).write_text(json.dumps(doc))
    if rehash and name != "manifest.json":
        _rehash(folder)


def _refused(path, match, **kwargs) -> BundleError:
    with pytest.raises(BundleError, match=match) as caught:
        load(path, **kwargs)
    return caught.value


def test_a_valid_bundle_loads(bundle):
    loaded = load(bundle[0])
    assert loaded.predict(np.linspace(0, 1, 10)).shape == (8, 1)
    assert loaded.optimizer is not None


# ------------------------------------------------------------ tampering and code in config
def test_json_changed_after_saving_is_refused_by_its_hash(bundle):
    _, folder = bundle
    spec = folder / "spec.json"
    text = spec.read_text()
    spec.write_text(text.replace('"cell": "lstm"', '"cell":  "gru"'))  # same size
    assert spec.read_text() != text
    error = _refused(bundle[0], "SHA-256")
    assert error.file.endswith("spec.json")


@pytest.mark.parametrize("architecture", ["os.system", "builtins.eval", "my_module:Net"])
def test_unknown_architecture_is_refused_not_imported(bundle, architecture, monkeypatch):
    imported = []
    original = importlib.import_module
    monkeypatch.setattr(importlib, "import_module",
                        lambda name, *a: imported.append(name) or original(name, *a))
    _edit_json(bundle[1], "spec.json", lambda d: d.update(architecture=architecture))
    _refused(bundle[0], "unknown architecture")
    assert imported == []


@pytest.mark.parametrize("file, change, match", [
    ("trainer.json", lambda d: d.update(loss="builtins.eval"), "loss"),
    ("trainer.json", lambda d: d.update(loss={"py/function": "os.system"}), "loss"),
    ("trainer.json", lambda d: d.update(callback="os:system"), "unknown training-config"),
    ("trainer.json", lambda d: d.update(optimizer="torch.optim.LBFGS"), "optimizer"),
    ("spec.json", lambda d: d.update(__reduce__=["os.system", ["touch x"]]), "Unknown ModelSpec"),
    ("spec.json", lambda d: d.update(cell="subprocess.Popen"), "cell"),
    ("pipeline.json", lambda d: d["steps"].append({"type": "lambda x: x", "config": {}}),
     "pipeline step type"),
    ("pipeline.json", lambda d: d["steps"][0]["config"].update(method="__import__('os')"),
     "method"),
    ("pipeline.json", lambda d: d["steps"][0].update(factory="pickle.loads"), "unknown key"),
    ("optimizer.json", lambda d: d["param_groups"][0].update(lr={"py/object": "x"}), "plain"),
    ("optimizer.json", lambda d: d.update(name="torch.optim.Adam"), "not registered"),
    ("manifest.json", lambda d: d.update(hook="os.system"), "unknown key"),
])
def test_code_references_in_configs_are_refused(bundle, file, change, match):
    _edit_json(bundle[1], file, change)
    error = _refused(bundle[0], match)
    assert error.file.endswith(file)


def test_nan_and_duplicate_keys_in_json_are_refused(bundle):
    path = bundle[1] / "trainer.json"
    path.write_text(path.read_text().replace('"lr": ', '"lr": NaN, "lr2": ', 1))
    _rehash(bundle[1])
    _refused(bundle[0], "not valid JSON")
    path.write_text('{"task": "regression", "task": "binary"}')
    _rehash(bundle[1])
    _refused(bundle[0], "duplicate key")


def test_newer_format_version_is_refused(bundle):
    _edit_json(bundle[1], "manifest.json", lambda d: d.update(format_version=99))
    _refused(bundle[0], "newer than this seqlab")


def test_saving_callables_is_refused(tmp_path):
    model = build(ModelSpec(1, 1, units=[2]))
    with pytest.raises(BundleError, match="callable"):
        save(model, tmp_path / "a", trainer_config={"task": "regression", "loss": len})
    trainer = Trainer(model, loss=lambda out, y: ((out - y) ** 2).mean())
    with pytest.raises(BundleError, match="custom callable loss"):
        save(trainer, tmp_path / "b")
    with pytest.raises(BundleError, match="never code"):
        save(model, tmp_path / "c", metadata={"hook": print})
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


# ------------------------------------------------------------------------- pickles
class _Payload:
    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').close()",))


def test_planted_pickle_payload_is_never_executed(bundle, tmp_path):
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Payload(marker))
    pickle.loads(payload)  # the payload is live: unpickling it creates the marker...
    assert marker.exists()
    marker.unlink()
    _, folder = bundle
    (folder / "weights.safetensors").write_bytes(payload)  # ...planted as the weights
    _rehash(folder)
    _refused(bundle[0], "safetensors")
    (folder / "model.pkl").write_bytes(payload)  # ...and as a pickle the manifest names
    _edit_json(folder, "manifest.json",
               lambda d: d["files"]["weights"].update(name="model.pkl"))
    _rehash(folder)
    _refused(bundle[0], "never pickles")
    torch.save(_Payload(marker), folder / "weights.safetensors")  # a torch.save zip pickle
    _edit_json(folder, "manifest.json",
               lambda d: d["files"]["weights"].update(name="weights.safetensors"))
    _rehash(folder)
    _refused(bundle[0], "safetensors")
    assert not marker.exists()


def test_loading_calls_no_unpickler_eval_exec_or_import(bundle, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("a loader code path tried to execute code")

    for module, name in [(pickle, "loads"), (pickle, "load"), (pickle, "Unpickler"),
                         (torch, "load"), (builtins, "eval"), (builtins, "exec"),
                         (importlib, "import_module")]:
        monkeypatch.setattr(module, name, forbidden)
    loaded = load(bundle[0])
    assert loaded.predict(np.linspace(0, 1, 5)).shape == (3, 1)


# ------------------------------------------------------------- truncation and shapes
def test_truncated_weights_are_refused(bundle):
    _, folder = bundle
    weights = folder / "weights.safetensors"
    weights.write_bytes(weights.read_bytes()[:-10])
    _refused(bundle[0], "manifest recorded")
    _rehash(folder)
    error = _refused(bundle[0], "truncated")
    assert error.file.endswith("weights.safetensors")
    weights.write_bytes(b"\x01\x02")
    _rehash(folder)
    _refused(bundle[0], "8-byte header")


def test_weights_of_another_shape_are_refused(bundle):
    other = build(ModelSpec(1, 1, units=[5]))
    save_file(other.state_dict(), str(bundle[1] / "weights.safetensors"))
    _rehash(bundle[1])
    _refused(bundle[0], r"has shape \[20, 1\] but the spec's model expects \[16, 1\]")


def test_spec_that_does_not_match_the_weights_is_refused(bundle):
    _edit_json(bundle[1], "spec.json", lambda d: d.update(units=[400]))
    _refused(bundle[0], "expects")


def _bomb(path: Path, shape, header_len=None) -> None:
    header = json.dumps({"recurrent.0.weight_ih_l0": {
        "dtype": "F32", "shape": shape, "data_offsets": [0, 4]}}).encode()
    length = len(header) if header_len is None else header_len
    path.write_bytes(struct.pack("<Q", length) + header + b"\0\0\0\0")


@pytest.mark.parametrize("shape, header_len, match", [
    ([2**20, 2**20], None, "above the cap of"),
    ([2**62, 2**62, 2**62], None, "above the cap of"),
    ([1] * 40, None, "at most 8"),
    ([-1, 4], None, "non-negative"),
    ([1], 2**40, "header claims"),
    ([4, 4], None, "do not hold"),
])
def test_shape_bombs_are_refused_before_allocating(bundle, shape, header_len, match):
    _bomb(bundle[1] / "weights.safetensors", shape, header_len)
    _rehash(bundle[1])
    _refused(bundle[0], match)


def test_a_header_nested_past_the_recursion_limit_is_refused(bundle):
    # json's RecursionError was "unexpected RecursionError ... a bug in seqlab".
    header = b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    (bundle[1] / "weights.safetensors").write_bytes(struct.pack("<Q", len(header)) + header)
    _rehash(bundle[1])
    _refused(bundle[0], "its header nests deeper than any tensor table")


def test_huge_spec_is_refused_before_building(bundle):
    # units=100000 would need 4e10 LSTM weights: counted from the spec, refused unbuilt.
    _edit_json(bundle[1], "spec.json", lambda d: d.update(units=[100_000]))
    _refused(bundle[0], r"too large: its spec describes 40,\d{3},\d{3},\d{3} parameters")


def test_limits_cap_file_sizes_and_elements(bundle):
    _refused(bundle[0], "above the cap of 50 bytes", limits=Limits(max_json_bytes=50))
    _refused(bundle[0], "above the limit of 20", limits=Limits(max_elements=20))
    _refused(bundle[0], "above the cap of 100 bytes", limits=Limits(max_weights_bytes=100))


# ------------------------------------------------------------------- path traversal
@pytest.mark.parametrize("name", ["../weights.safetensors", "/etc/passwd.json",
                                  "sub/spec.json", "..", "spec.json\u0000.json", "~/x.json"])
def test_manifest_paths_outside_the_bundle_are_refused(bundle, name):
    _edit_json(bundle[1], "manifest.json", lambda d: d["files"]["spec"].update(name=name))
    error = _refused(bundle[0], "plain file name")
    assert "Refusing to read outside" in str(error)


def test_links_inside_the_bundle_are_refused(bundle, tmp_path):
    outside = tmp_path / "elsewhere.json"
    outside.write_text((bundle[1] / "spec.json").read_text())
    (bundle[1] / "spec.json").unlink()
    os.symlink(outside, bundle[1] / "spec.json")
    _refused(bundle[0], "link")


@pytest.mark.parametrize("current", ["../b2", "/tmp", "v-../../x", 7])
def test_current_pointer_outside_the_bundle_is_refused(bundle, current):
    pointer = bundle[0] / "CURRENT"
    doc = json.loads(pointer.read_text())
    doc["current"] = current
    pointer.write_text(json.dumps(doc))
    _refused(bundle[0], "version folder name")


def test_missing_files_are_named(bundle):
    (bundle[1] / "pipeline.json").unlink()
    error = _refused(bundle[0], "lacks its pipeline file")
    assert error.file.endswith("pipeline.json")
    _refused(bundle[0].parent / "nowhere", "does not exist")
