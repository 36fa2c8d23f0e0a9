"""Privacy and module structure, read from the source (docs/architecture.md, "Rules the tests
pin").

- An underscored module or name is private to the package that holds it: ``seqlab._io``
  serves all of seqlab, ``seqlab.train._progress`` only ``seqlab.train``. A module never
  imports another package's underscored names.
- An underscored attribute (``obj._thing``) is private to the module that defines it: code
  elsewhere uses the object's public members (a callback uses `TrainerView`, not
  ``trainer._evaluate``).
- No cycle among the files' imports, type-checking imports and deferred imports included.
"""

from __future__ import annotations

import ast
from pathlib import Path

import seqlab

ROOT = Path(seqlab.__file__).parent

# Uses kept on purpose, each with its reason.
ALLOWED_ATTRIBUTES = {
    # torch's multi-tensor kernels (what torch.optim itself runs on); no public spelling.
    ("seqlab.train.callbacks", "torch._foreach_copy_"),
    ("seqlab.train.callbacks", "torch._foreach_lerp_"),
}


def _module_name(file: Path) -> str:
    parts = list(file.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _package_of(module: str, file: Path) -> str:
    return module if file.name == "__init__.py" else module.rpartition(".")[0]


def _sources() -> list[tuple[str, Path, ast.Module]]:
    return [(_module_name(file), file, ast.parse(file.read_text(), str(file)))
            for file in sorted(ROOT.rglob("*.py"))]


MODULES = {name for name, _, _ in _sources()}


PACKAGES = {_module_name(file) for file in ROOT.rglob("__init__.py")}


def _owner(dotted: str) -> str | None:
    """The package an underscored path is private to: ``seqlab.train._progress.x`` and
    ``seqlab.bundle.store._CALL`` -> ``seqlab.train``, ``seqlab.bundle``; None when no
    part is underscored."""
    parts = dotted.split(".")
    for i, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            holder = ".".join(parts[:i])
            return holder if holder in PACKAGES else holder.rpartition(".")[0]
    return None


def _inside(module: str, package: str, scope: str) -> bool:
    return module == scope or package == scope or package.startswith(scope + ".")


def _imported_paths(tree: ast.Module) -> list[tuple[int, str, bool]]:
    """(line, dotted path, whether the path names a module) of every seqlab import."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, True) for alias in node.names
                      if alias.name.split(".")[0] == "seqlab"]
        elif (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
              and node.module.split(".")[0] == "seqlab"):
            for alias in node.names:
                path = f"{node.module}.{alias.name}"
                found.append((node.lineno, path, path in MODULES))
    return found


def test_no_module_imports_another_packages_private_names():
    reaching = []
    for module, file, tree in _sources():
        package = _package_of(module, file)
        for line, path, _ in _imported_paths(tree):
            owner = _owner(path)
            if owner is not None and not _inside(module, package, owner):
                reaching.append(f"{module}:{line} imports {path} (private to {owner})")
    assert not reaching, "\n".join(reaching)


def _defined_attributes(tree: ast.Module) -> set[str]:
    """Underscored names a module defines: functions, classes, class attributes and
    attributes it assigns (``self._x = ...``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return {name for name in names if name.startswith("_")}


def _module_aliases(tree: ast.Module) -> dict[str, str]:
    """Local name -> module for ``import x as y`` and ``from a import module``."""
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                path = f"{node.module}.{alias.name}"
                if path in MODULES:
                    aliases[alias.asname or alias.name] = path
    return aliases


def test_no_module_reaches_into_another_objects_private_attributes():
    reaching = []
    for module, file, tree in _sources():
        package = _package_of(module, file)
        own = _defined_attributes(tree)
        aliases = _module_aliases(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                continue
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
                continue
            text = ast.unparse(node)
            if (module, text) in ALLOWED_ATTRIBUTES:
                continue
            if isinstance(owner, ast.Name) and owner.id in aliases:
                path = f"{aliases[owner.id]}.{node.attr}"  # a module's underscored name
                scope = _owner(path)
                if path.startswith("seqlab") and _inside(module, package, scope):
                    continue
            elif node.attr in own:
                continue  # the module's own class (another instance of it, say)
            reaching.append(f"{module}:{node.lineno} uses {text}")
    assert not reaching, "\n".join(reaching)


def _file_graph() -> dict[str, set[str]]:
    """Module -> the seqlab modules it imports (an imported name that is not a module
    counts as an import of the module it comes from, its package's ``__init__``)."""
    graph: dict[str, set[str]] = {}
    for module, _, tree in _sources():
        targets = graph.setdefault(module, set())
        for _, path, is_module in _imported_paths(tree):
            target = path if is_module else path.rpartition(".")[0]
            while target not in MODULES and "." in target:
                target = target.rpartition(".")[0]
            if target != module:
                targets.add(target)
    return graph


def test_no_import_cycle_among_files():
    graph = _file_graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_the_scans_see_what_they_look_for():
    # The scans must find a reach into a private name when there is one.
    tree = ast.parse("from seqlab.models._inference import Stream\nx = trainer._evaluate\n")
    assert [p for _, p, _ in _imported_paths(tree)] == ["seqlab.models._inference.Stream"]
    assert _owner("seqlab.models._inference.Stream") == "seqlab.models"
    assert _owner("seqlab.bundle.store._CALL") == "seqlab.bundle"
    assert not _inside("seqlab.bundle.predictor", "seqlab.bundle", "seqlab.models")
    assert "_evaluate" not in _defined_attributes(tree)
    graph = _file_graph()
    assert "seqlab.train.trainer" in graph["seqlab.train"]
