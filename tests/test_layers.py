"""Layers point down only: a module imports from its own layer or lower ones
(docs/architecture.md, "The layers"), and the packages' import graph has no cycles.

Every import counts, also those inside functions: a deferred import hides a cycle
from Python but not from a reader.
"""

import ast
from pathlib import Path

import seqlab

ROOT = Path(seqlab.__file__).parent

LAYERS = {
    0: ("__init__", "errors", "_validation", "_settings", "_io", "_separators"),
    1: ("data", "models"),
    2: ("train", "generate", "problems"),
    3: ("bundle", "evaluate", "plots"),
    4: ("forecast", "classify", "lifecycle", "runs"),
    5: ("recipes",),
    6: ("cli", "__main__"),
}
LAYER_OF = {unit: layer for layer, units in LAYERS.items() for unit in units}


def _unit(module: str) -> str:
    """``seqlab.train.trainer`` -> ``train``; ``seqlab`` -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports() -> list[tuple[str, str, str]]:
    """(importing file, importing unit, imported unit) for every seqlab import."""
    found = []
    for file in sorted(ROOT.rglob("*.py")):
        relative = file.relative_to(ROOT)
        unit = relative.parts[0].removesuffix(".py") if len(relative.parts) > 0 else "__init__"
        for node in ast.walk(ast.parse(file.read_text(), str(file))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                if name == "seqlab" or name.startswith("seqlab."):
                    found.append((str(relative), unit, _unit(name)))
    return found


def test_every_package_has_a_layer():
    units = {path.name.removesuffix(".py") for path in ROOT.iterdir()
             if path.suffix == ".py" or (path / "__init__.py").is_file()}
    missing = sorted(units - set(LAYER_OF))
    assert not missing, f"{missing} have no layer: place them in docs/architecture.md and LAYERS"


def test_no_module_imports_a_higher_layer():
    upward = [f"{file} (layer {LAYER_OF[unit]}) imports seqlab.{target} (layer "
              f"{LAYER_OF[target]})"
              for file, unit, target in _imports()
              if unit != target and LAYER_OF[target] > LAYER_OF[unit]]
    assert not upward, "\n".join(upward)


def test_packages_import_each_other_without_cycles():
    graph: dict[str, set[str]] = {}
    for _, unit, target in _imports():
        if unit != target:
            graph.setdefault(unit, set()).add(target)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for step in graph.get(start, ()):
            if step == goal or (step not in seen and reaches(step, goal, seen | {step})):
                return True
        return False

    cycles = sorted(f"{a} <-> {b}" for a in graph for b in graph[a] if reaches(b, a, {b}))
    assert not cycles, cycles
