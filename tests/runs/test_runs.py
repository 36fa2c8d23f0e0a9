"""Run directories and the HTML report's content."""

import base64
import re

import pytest

from seqlab.errors import ValidationError
from seqlab.plots import boxplot
from seqlab.runs import read_run_dir, write_report, write_run_dir
from seqlab.train import History


def _history(n=10, shift=0.0):
    return History([{"epoch": i + 1, "loss": 1 / (i + 1) + shift, "val_loss": 1.2 / (i + 1)}
                    for i in range(n)])


def test_run_dir_round_trips_and_report_embeds_every_figure(tmp_path):
    extra = boxplot({"a": [1.0, 2.0]})
    write_run_dir(tmp_path / "run", config={"recipe": "demo <b>", "seed": 0},
                  metrics={"value": 0.5}, histories=[_history(), _history()],
                  figures={"extra": extra})
    record = read_run_dir(tmp_path / "run")
    assert len(record.histories) == 2 and record.config["seed"] == 0
    assert {f.name for f in record.figures} == {"learning_curves.png", "extra.png"}
    assert (tmp_path / "run" / "history-1.csv").read_text().startswith("epoch,loss,val_loss")
    page = write_report(tmp_path / "run").read_text()
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 2
    assert all(base64.b64decode(i).startswith(b"\x89PNG") for i in images)
    assert "demo &lt;b&gt;" in page and "<b>" not in page.split("<body>")[1].split("<h1>")[0]
    assert "Diagnosis" in page and "http" not in page.replace("http-equiv", "")


def test_reading_a_folder_that_is_not_a_run_dir_says_how_to_make_one(tmp_path):
    with pytest.raises(ValidationError, match="seqlab run NAME --out"):
        read_run_dir(tmp_path)
