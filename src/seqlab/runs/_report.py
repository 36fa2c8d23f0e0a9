"""One self-contained HTML page for a run directory: opens in any browser, offline.

Figures are embedded as base64 PNG data URIs and the styles inline, so the page
loads nothing from the network. A tiny inline script marks each figure once it has
decoded (``data-loaded``) and the page as ready (``body[data-ready]``), which
headless-browser tests read.
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path
from typing import Any

from seqlab._io import atomic_write
from seqlab.evaluate.diagnose import diagnosable, diagnose
from seqlab.plots.curves import learning_curves
from seqlab.runs._directory import CURVES_FIGURE, close_figure, read_run_dir

__all__ = ["write_report", "render_report"]

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}
pre{background:#f6f6f6;padding:.8em;overflow:auto}
figure{margin:1em 0}img{max-width:100%;border:1px solid #eee}
.verdict{font-weight:bold}.underfit{color:#b35900}.good-fit{color:#1a7f37}.overfit{color:#c62828}
"""

_SCRIPT = """
window.addEventListener('load', function () {
  var images = document.querySelectorAll('img.figure');
  var ok = 0;
  images.forEach(function (img) {
    img.dataset.loaded = String(img.naturalWidth);
    if (img.complete && img.naturalWidth > 0) { ok += 1; }
  });
  document.body.dataset.figures = String(images.length);
  document.body.dataset.figuresOk = String(ok);
  document.body.dataset.ready = '1';
});
"""


def _img(png: bytes, caption: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure><img class="figure" alt="{html.escape(caption)}" '
            f'src="data:image/png;base64,{data}"><figcaption>{html.escape(caption)}'
            f"</figcaption></figure>")


def _figure_png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    close_figure(figure)
    return buffer.getvalue()


def _table(rows: dict[str, Any]) -> str:
    cells = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(_short(v))}</td></tr>"
        for k, v in rows.items())
    return f"<table>{cells}</table>"


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= 300 else text[:297] + "..."


def render_report(run_dir: str | Path) -> str:
    """The HTML text of the report for `run_dir` (see `write_report`)."""
    record = read_run_dir(run_dir)
    title = str(record.config.get("recipe") or record.config.get("name") or record.path.name)
    parts = [f"<h1>seqlab run: {html.escape(title)}</h1>",
             f"<p>Run directory: <code>{html.escape(str(record.path))}</code></p>",
             "<h2>Configuration</h2>",
             f"<pre>{html.escape(json.dumps(record.config, indent=1))}</pre>"]
    if record.metrics:
        shown = {k: v for k, v in record.metrics.items() if k != "details"}
        parts += ["<h2>Final metrics</h2>", _table(shown)]
    if record.histories:
        finals = {f"run {i}": {k: v for k, v in h.last().items() if k not in ("seconds",)}
                  for i, h in enumerate(record.histories, start=1)}
        parts += ["<h2>Last epoch</h2>", _table(finals)]
        parts.append("<h2>Learning curves</h2>")
        curves = record.path / CURVES_FIGURE
        png = curves.read_bytes() if curves.is_file() else _figure_png(
            learning_curves(record.histories))
        parts.append(_img(png, "train (blue) vs validation (orange) loss"))
        with_val = [h for h in record.histories if diagnosable(h)]
        if with_val:
            parts.append("<h2>Diagnosis</h2><ul>")
            for index, history in enumerate(with_val, start=1):
                d = diagnose(history)
                parts.append(
                    f'<li>run {index}: <span class="verdict {d.verdict}">{d.verdict}</span> '
                    f"({html.escape(d.reason)}) — {html.escape(d.advice)} "
                    f"{html.escape(' '.join(d.notes))}</li>")
            parts.append("</ul>")
    others = [f for f in record.figures if f.name != CURVES_FIGURE]
    if others:
        parts.append("<h2>Figures</h2>")
        parts += [_img(f.read_bytes(), f.name) for f in others]
    body = "\n".join(parts)
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>seqlab report: {html.escape(title)}</title><style>{_STYLE}</style>"
            f"</head>\n<body>\n{body}\n<script>{_SCRIPT}</script>\n</body></html>\n")


def write_report(run_dir: str | Path, out: str | Path | None = None) -> Path:
    """Write the report of `run_dir` (config, final metrics, learning curves, diagnosis,
    every PNG found there) as one self-contained HTML file; default ``RUN_DIR/report.html``."""
    path = Path(out) if out is not None else Path(run_dir) / "report.html"
    atomic_write(path, render_report(run_dir))
    return path
