"""One self-contained HTML page for a run directory: opens in any browser, offline.

Figures are embedded as base64 PNG data URIs and the styles inline, so the page
loads nothing from the network. The verdict and key numbers (best epoch, final losses,
the recipe's result) come first; every record is a table, never raw JSON. A tiny inline script marks each figure once it has
decoded (``data-loaded``) and the page as ready (``body[data-ready]``), which
headless-browser tests read.
"""

from __future__ import annotations

import base64
import html
import io
import math
from pathlib import Path
from typing import Any

from seqlab._io import atomic_write
from seqlab.evaluate.diagnosis import majority
from seqlab.plots.curves import best_epoch, learning_curves
from seqlab.runs._directory import CURVES_FIGURE, close_figure, read_run_dir, record_file

__all__ = ["write_report", "render_report"]

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}
figure{margin:1em 0}img{max-width:100%;border:1px solid #eee}
#summary{background:#f7f9fc;border:1px solid #dde3ec;padding:.2em 1em 1em}
#summary .verdict{font-size:1.3em}.advice{margin-top:0}
.passed{color:#1a7f37;font-weight:bold}.failed{color:#c62828;font-weight:bold}
td table{margin:0}td>table td,td>table th{font-size:.9em}
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


def _value(value: Any) -> str:
    """HTML of one value: numbers to 6 significant digits, mappings as nested tables,
    lists of numbers or words inline, lists of records as a table; never raw JSON."""
    if isinstance(value, bool) or value is None:
        return html.escape(str(value).lower() if value is not None else "—")
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (int, str)):
        text = str(value)
        return html.escape(text if len(text) <= 300 else text[:297] + "...")
    if isinstance(value, dict):
        return _table(value) if value else "—"
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, dict) for v in value):
            return _records(list(value))
        if len(value) > 40:
            shown = ", ".join(_value(v) for v in value[:40])
            return f"{shown}, … ({len(value)} values)"
        return ", ".join(_value(v) for v in value) if value else "—"
    return html.escape(str(value))


def _table(rows: dict[str, Any], css: str = "") -> str:
    """A two-column table: name, value."""
    cells = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{_value(v)}</td></tr>"
                    for k, v in rows.items())
    return f'<table class="{css}">{cells}</table>' if css else f"<table>{cells}</table>"


def _records(records: list[dict[str, Any]], css: str = "") -> str:
    """A table with one row per record and one column per key (first-seen order)."""
    columns = list(dict.fromkeys(k for r in records for k in r))
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    rows = "".join("<tr>" + "".join(f"<td>{_value(r.get(c))}</td>" for c in columns) + "</tr>"
                   for r in records)
    attribute = f' class="{css}"' if css else ""
    return f"<table{attribute}><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _headline(metrics: dict[str, Any]) -> list[str]:
    """The result in a sentence or two: a recipe's metric and criterion, repeated scores'
    mean, a search's best configuration."""
    lines = []
    if "metric" in metrics and "value" in metrics:
        lines.append(f"{html.escape(str(metrics['metric']))}: <b>{_value(metrics['value'])}</b>"
                     + (f" (document: {_value(metrics['reference'])})"
                        if metrics.get("reference") is not None else ""))
    if "passed" in metrics:
        passed = bool(metrics["passed"])
        criterion = f"{_value(metrics['criterion'])}: " if metrics.get("criterion") else ""
        lines.append(f'{criterion}<span class="{"passed" if passed else "failed"}">'
                     f'{"PASSED" if passed else "FAILED"}</span>')
    if "mean" in metrics and "count" in metrics:
        label = html.escape(str(metrics.get("label") or metrics.get("metric") or "score"))
        lines.append(f"{label}: mean <b>{_value(metrics['mean'])}</b> ± "
                     f"{_value(metrics.get('std'))} over {_value(metrics['count'])} runs")
    if "best_label" in metrics:
        lines.append(f"best configuration: <b>{_value(metrics['best_label'])}</b>")
    return lines


def _run_numbers(index: int, history: Any, diagnosis: Any | None) -> dict[str, Any]:
    """One run's key numbers: epochs, best epoch (by val_loss, else loss), final losses,
    the verdict."""
    keys = history.keys()
    judged = "val_loss" if "val_loss" in keys else "loss" if "loss" in keys else None
    row: dict[str, Any] = {"run": index, "epochs": len(history)}
    if judged is not None:
        values = list(history[judged])
        best = best_epoch([math.nan if v is None else v for v in values])
        if best is not None:
            row["best epoch"] = best + 1
            row[f"best {judged}"] = float(values[best])
    last = history.last()
    for key in ("loss", "val_loss"):
        if key in last:
            row[f"final {key}"] = last[key]
    if diagnosis is not None:
        row["verdict"] = diagnosis.verdict
    return row


def _summary(record: Any, diagnoses: list[tuple[int, Any]]) -> list[str]:
    """The top of the page: verdict, advice and key numbers."""
    parts = ['<section id="summary">', "<h2>Summary</h2>"]
    if diagnoses:
        verdicts = [d for _, d in diagnoses]
        verdict = majority(verdicts)
        agree = sum(d.verdict == verdict for d in verdicts)
        first = next(d for d in verdicts if d.verdict == verdict)
        share = f" ({agree} of {len(verdicts)} runs)" if len(verdicts) > 1 else ""
        reason = f" — {first.reason}" if first.reason != verdict else ""
        parts.append(f'<p class="verdict {verdict}">{html.escape(verdict)}{share}'
                     f"{html.escape(reason)}</p>"
                     f'<p class="advice">{html.escape(first.advice)} '
                     f"{html.escape(' '.join(first.notes))}</p>")
    parts += [f"<p>{line}</p>" for line in _headline(record.metrics)]
    if record.histories:
        by_run = dict(diagnoses)
        rows = [_run_numbers(i, h, by_run.get(i))
                for i, h in zip(record.runs, record.histories, strict=True)]
        parts.append(_records(rows, "key-numbers"))
    parts.append("</section>")
    return parts


def render_report(run_dir: str | Path) -> str:
    """The HTML text of the report for `run_dir` (see `write_report`)."""
    record = read_run_dir(run_dir)
    title = str(record.config.get("recipe") or record.config.get("name") or record.path.name)
    diagnoses, undiagnosed = record.diagnoses()  # a diverged run: shown, undiagnosed
    problems = [*record.problems, *undiagnosed]
    parts = [f"<h1>seqlab run: {html.escape(title)}</h1>",
             f"<p>Run directory: <code>{html.escape(str(record.path))}</code></p>",
             *_summary(record, diagnoses)]
    parts += [f'<p class="problem">{html.escape(p)}</p>' for p in problems]
    if record.histories:
        parts.append("<h2>Learning curves</h2>")
        curves = record.path / CURVES_FIGURE
        png = curves.read_bytes() if curves.is_file() else _figure_png(
            learning_curves(record.histories))
        parts.append(_img(png, "train (blue) vs validation (orange) loss; a star marks each "
                               "run's best epoch"))
    if len(diagnoses) > 1:  # one run's diagnosis is the summary's
        parts.append("<h2>Diagnosis of each run</h2><ul>")
        for index, d in diagnoses:
            parts.append(
                f'<li>run {index}: <span class="verdict {d.verdict}">{d.verdict}</span> '
                f"({html.escape(d.reason)}) — {html.escape(d.advice)} "
                f"{html.escape(' '.join(d.notes))}</li>")
        parts.append("</ul>")
    if record.metrics:
        shown = {k: v for k, v in record.metrics.items() if k != "details"}
        parts += ["<h2>Final metrics</h2>", _table(shown, "metrics")]
    if record.histories:
        finals = [{"run": i, **{k: v for k, v in h.last().items() if k != "seconds"}}
                  for i, h in zip(record.runs, record.histories, strict=True)]
        parts += ["<h2>Last epoch</h2>", _records(finals, "last-epoch")]
    others = [f for f in record.figures if f.name != CURVES_FIGURE]
    if others:
        parts.append("<h2>Figures</h2>")
        parts += [_img(f.read_bytes(), f.name) for f in others]
    parts += ["<h2>Configuration</h2>", _table(record.config, "config")]
    details = record.metrics.get("details")
    if details:
        parts += ["<h2>Details</h2>", _value(details)]
    body = "\n".join(parts)
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>seqlab report: {html.escape(title)}</title><style>{_STYLE}</style>"
            f"</head>\n<body>\n{body}\n<script>{_SCRIPT}</script>\n</body></html>\n")


def write_report(run_dir: str | Path, out: str | Path | None = None) -> Path:
    """Write the report of `run_dir` (the verdict and key numbers first, then learning
    curves, diagnosis, final metrics, last epoch, every PNG found there, the config) as one self-contained HTML file; default ``RUN_DIR/report.html``."""
    path = Path(out) if out is not None else Path(run_dir) / "report.html"
    atomic_write(path, render_report(run_dir))
    if path.parent.resolve() == Path(run_dir).resolve():
        record_file(run_dir, path.name)  # the next run there replaces it with its records
    return path
