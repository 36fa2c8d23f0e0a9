"""MkDocs hook: the CLI reference, written from the `seqlab` command itself at build time.

The page ``reference/cli.md`` holds the marker ``<!-- seqlab-cli-reference -->``; this hook
replaces it with one section per command (usage, description, arguments and options with
their defaults), read from ``seqlab.cli.app`` through typer's click command. Nothing is
copied by hand, so the reference cannot drift from the commands.

typer vendors its own click, so the walk uses the command objects typer returns
(``typer.main.get_command``) and each parameter's ``get_help_record``.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path
from typing import Any

MARKER = "<!-- seqlab-cli-reference -->"
PAGE = "reference/cli.md"

# Document the checkout this file belongs to, not whichever seqlab is installed.
_SRC = Path(__file__).resolve().parents[2] / "src"
if str(_SRC) not in sys.path:
    sys.path.insert(0, str(_SRC))


def _cell(text: str) -> str:
    """Text safe inside a markdown table cell (no pipes, no HTML, one line)."""
    return html.escape(" ".join(text.split()), quote=False).replace("|", "\\|")


def _params_table(command: Any, ctx: Any, kind: str) -> list[str]:
    rows = []
    for param in command.params:
        if param.param_type_name != kind or getattr(param, "hidden", False):
            continue
        record = param.get_help_record(ctx)
        if record is None:
            continue
        names, help_text = record
        rows.append(f"| `{names}` | {_cell(help_text) or '&nbsp;'} |")
    if not rows:
        return []
    title = "Argument" if kind == "argument" else "Option"
    return ["", f"| {title} | Description |", "|---|---|", *rows]


def _usage(path: list[str], command: Any, ctx: Any) -> str:
    pieces = ["[OPTIONS]"] if any(
        p.param_type_name == "option" and not getattr(p, "hidden", False)
        for p in command.params) else []
    for param in command.params:
        if param.param_type_name == "argument":
            name = param.name.upper()
            pieces.append(name if param.required else f"[{name}]")
    if hasattr(command, "list_commands"):
        pieces.append("COMMAND [ARGS]...")
    elif getattr(command, "allow_extra_args", False) or command.context_settings.get(
            "allow_extra_args"):
        pieces.append("[ARGS]...")
    return " ".join([*path, *pieces])


def _section(path: list[str], command: Any, ctx: Any, level: int) -> list[str]:
    lines = [f"{'#' * level} `{' '.join(path)}`", "", "```text", _usage(path, command, ctx),
             "```", ""]
    if command.help:
        lines += [html.escape(command.help.strip(), quote=False), ""]
    lines += _params_table(command, ctx, "argument")
    lines += _params_table(command, ctx, "option")
    return [*lines, ""]


def render() -> str:
    """The whole reference as markdown."""
    import typer.main

    from seqlab.cli import app

    root = typer.main.get_command(app)
    root_ctx = root.make_context("seqlab", [], resilient_parsing=True)
    lines = _section(["seqlab"], root, root_ctx, 2)
    for name in root.list_commands(root_ctx):
        command = root.get_command(root_ctx, name)
        if command is None or getattr(command, "hidden", False):
            continue
        ctx = command.make_context(name, [], parent=root_ctx, resilient_parsing=True)
        lines += _section(["seqlab", name], command, ctx, 2)
    return "\n".join(lines)


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    """Fill the CLI reference page."""
    if page.file.src_uri != PAGE:
        return markdown
    if MARKER not in markdown:
        raise ValueError(f"{PAGE} lost its marker {MARKER!r}")
    return markdown.replace(MARKER, render())
