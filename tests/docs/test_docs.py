"""The documentation site: every tutorial's code runs, its shell commands exist, and the
site builds with warnings as errors.

Each page's ```python blocks run in order in one fresh namespace (the page is one
script), in a temporary working folder, with warnings as errors as everywhere in the
suite. Pages are written to take seconds: this whole module stays well under two minutes
on two cores.
"""

from __future__ import annotations

import importlib
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
TUTORIALS = [DOCS / "getting-started.md", *sorted((DOCS / "tutorials").glob("*.md"))]
FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```\s*$", re.S | re.M)


def blocks(page: Path, language: str) -> list[tuple[int, str]]:
    """The page's fenced blocks of `language` (top level only), with their first line."""
    text = page.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        if match.group(1) == language:
            line = text.count("\n", 0, match.start(2)) + 1
            found.append((line, match.group(2)))
    return found


def page_id(page: Path) -> str:
    return str(page.relative_to(DOCS))


# Every page with python code, tutorials or not: nothing on the site is left unrun.
RUNNABLE = [page for page in sorted(DOCS.rglob("*.md")) if blocks(page, "python")]


def test_every_tutorial_page_has_code():
    assert len(TUTORIALS) >= 14
    for page in TUTORIALS:
        assert blocks(page, "python"), f"{page_id(page)} has no python block"
        # A python block indented under a list or admonition would be skipped silently.
        assert not re.search(r"^[ \t]+```python", page.read_text(encoding="utf-8"), re.M), page


@pytest.mark.parametrize("page", RUNNABLE, ids=page_id)
def test_page_code_runs(page, tmp_path, monkeypatch, capsys):
    """The page's python blocks, in order, as one script."""
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__main__"}
    started = time.perf_counter()
    for line, source in blocks(page, "python"):
        # Line numbers in tracebacks are the page's own.
        code = compile("\n" * (line - 1) + source, str(page), "exec")
        exec(code, namespace)
    seconds = time.perf_counter() - started
    assert capsys.readouterr().out, f"{page_id(page)} prints nothing for its reader to see"
    assert seconds < 60, f"{page_id(page)} took {seconds:.1f} s; tutorial pages take seconds"


def _cli_commands():
    import typer.main

    from seqlab.cli import app

    root = typer.main.get_command(app)
    ctx = root.make_context("seqlab", [], resilient_parsing=True)
    options = lambda command: {o for p in command.params  # noqa: E731
                               for o in (*p.opts, *getattr(p, "secondary_opts", ()))
                               if o.startswith("-")}
    commands = {name: options(root.get_command(ctx, name)) for name in root.list_commands(ctx)}
    return options(root) | {"--help"}, commands


def test_shell_commands_in_the_docs_exist():
    """Every `seqlab ...` line in a bash block names a real command, real options and,
    for `run`, a real recipe with its own options."""
    from seqlab.recipes import get, names

    global_options, commands = _cli_commands()
    checked = 0
    for page in sorted(DOCS.rglob("*.md")):
        for line_no, source in blocks(page, "bash"):
            for offset, line in enumerate(source.splitlines()):
                line = line.split(" #")[0].strip()
                words = shlex.split(line) if "seqlab" in line else []
                if not words or not words[0].endswith("seqlab"):
                    continue
                where = f"{page_id(page)}:{line_no + offset}"
                command = next((w for w in words[1:] if w in commands), None)
                if command is None:
                    assert set(words[1:]) <= global_options, f"{where}: no command in {line!r}"
                    continue
                allowed = global_options | commands[command]
                if command == "run":
                    after = words[words.index("run") + 1:]
                    recipe = next(w for w in after if not w.startswith("-"))
                    assert recipe in names(), f"{where}: unknown recipe {recipe!r}"
                    allowed |= {"--" + o.replace("_", "-") for o in get(recipe).options}
                for word in words[1:]:
                    if word.startswith("--"):
                        assert word.split("=")[0] in allowed, f"{where}: {word} of {command}"
                checked += 1
    assert checked >= 20


def test_site_builds_strict(tmp_path):
    """`mkdocs build --strict`: API pages from the docstrings, the CLI page from the
    commands, and no warning anywhere (a broken link, a bad docstring, a missing page)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    site = tmp_path / "site"
    completed = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
         str(ROOT / "mkdocs.yml"), "--site-dir", str(site)],
        capture_output=True, text=True, timeout=300, env=env, cwd=ROOT)
    assert completed.returncode == 0, completed.stderr[-4000:]
    assert "WARNING" not in completed.stderr, completed.stderr[-4000:]
    cli = (site / "reference" / "cli" / "index.html").read_text(encoding="utf-8")
    _, commands = _cli_commands()
    for name in commands:
        assert f"seqlab {name}</code>" in cli, name
    # Each API page documents every public name of its package (its `__all__`), those
    # that share a name with their submodule (build, save, repeat …) included.
    documented = 0
    for page in sorted((DOCS / "reference").glob("*.md")):
        for package in re.findall(r"^::: (seqlab[\w.]*)\s*$", page.read_text(), re.M):
            html = (site / "reference" / page.stem / "index.html").read_text(encoding="utf-8")
            for name in importlib.import_module(package).__all__:
                if name.startswith("__"):
                    continue
                assert f'id="{package}.{name}"' in html, f"{package}.{name} not on {page.name}"
                documented += 1
    assert documented > 120
