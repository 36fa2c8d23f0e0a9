"""The HTML report in a real headless browser: loads offline, figures decode, no console errors.

Needs Chromium (scripts/bootstrap.sh installs it with apt-get when missing). This test
fails, never skips, when it is absent.
"""

import re
import shutil
import subprocess

from seqlab.plots import boxplot
from seqlab.runs import write_report, write_run_dir
from seqlab.train import History


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise AssertionError(
        "Chromium is needed for the HTML report test. Install it with "
        "`apt-get update && apt-get install -y chromium` (or run scripts/bootstrap.sh)."
    )


def test_report_opens_in_headless_chromium_with_figures_and_no_console_errors(tmp_path):
    # An overfit run: validation loss bottoms out at epoch 5, then climbs for 15 epochs.
    history = History([{"epoch": i + 1, "loss": 1 / (i + 1),
                        "val_loss": 1.3 / (i + 1) if i < 5 else 0.26 * 1.2 ** (i - 4)}
                       for i in range(20)])
    run_dir = write_run_dir(tmp_path / "run", config={"recipe": "browser-test",
                                                      "options": {"units": 4}},
                            metrics={"metric": "mse", "value": 0.1, "passed": True,
                                     "criterion": "median mse < 0.5", "values": [0.1]},
                            histories=[history],
                            figures={"scores": boxplot({"a": [1.0, 2.0, 3.0]})})
    page = write_report(run_dir)
    profile = tmp_path / "profile"
    profile.mkdir()
    completed = subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=5000", "--dump-dom", page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    dom = completed.stdout
    body = re.search(r"<body([^>]*)>", dom)
    assert body, dom[:500]
    assert 'data-ready="1"' in body.group(1), body.group(1)
    assert 'data-figures="2"' in body.group(1) and 'data-figures-ok="2"' in body.group(1)
    widths = [int(w) for w in re.findall(r'data-loaded="(\d+)"', dom)]
    assert len(widths) == 2 and all(w > 0 for w in widths)
    console = [line for line in completed.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console
    # What the reader needs first: the verdict and key numbers, above every figure.
    summary = dom.index('id="summary"')
    assert summary < dom.index("<img")
    verdict = re.search(r'<p class="verdict (\S+)">', dom)
    assert verdict and verdict.group(1) == "overfit" and verdict.start() > summary
    key_numbers = re.search(r'<table class="key-numbers">.*?</table>', dom, re.S).group(0)
    headers = re.findall(r"<th>([^<]+)</th>", key_numbers)
    assert headers[:4] == ["run", "epochs", "best epoch", "best val_loss"]
    assert re.findall(r"<td>([^<]+)</td>", key_numbers)[:4] == ["1", "20", "5", "0.26"]
    assert "PASSED" in dom[summary:dom.index("<img")]
    # Records are tables, never raw JSON: the last epoch has a column per metric.
    last = re.search(r'<table class="last-epoch">.*?</table>', dom, re.S).group(0)
    assert re.findall(r"<th>([^<]+)</th>", last) == ["run", "epoch", "loss", "val_loss"]
    assert "{&quot;" not in dom and '{"' not in dom.split("<script>")[0]
