"""Result lines and JSON objects of commands whose result is more than one value."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from seqlab.cli.output import Output


def report_text_training(run: Any, out: Path, as_json: bool) -> None:
    """The result of `seqlab train-text`: the best held-out check (whose weights the bundle
    keeps), what ended training, and where the bundle is."""
    best = run.best
    epochs = len(run.trainer.history_)
    screen = Output(as_json)
    if as_json:
        screen.json({"bundle": str(out), "characters": len(run.corpus),
                    "vocabulary": len(run.corpus.vocab), "epochs": epochs,
                    "stopped_by": run.stopped_by,
                    "best": {"epoch": best.epoch, "loss": best.loss,
                             "perplexity": math.exp(best.loss), "minutes": best.minutes},
                    "checks": [{"epoch": c.epoch, "loss": c.loss, "minutes": c.minutes}
                               for c in run.checks],
                    "samples": run.samples})
        return
    ended = {"minutes": "the time budget ran out", "steps": "--steps ran out"}.get(
        run.stopped_by, "all epochs ran")
    screen.result(f"trained {epochs} epoch(s) ({ended}): best held-out loss {best.loss:.4f} "
                  f"(perplexity {math.exp(best.loss):.2f}) at epoch {best.epoch:.2f}; bundle "
                  f"in {out}")
