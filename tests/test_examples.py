"""The example scripts run and do what they say."""

import re
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_forecast_sine_forecasts_in_original_units():
    completed = subprocess.run(
        [sys.executable, str(EXAMPLES / "forecast_sine.py")],
        capture_output=True, text=True, timeout=300,
        env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"},
    )
    assert completed.returncode == 0, completed.stderr
    match = re.search(r"forecast (-?[\d.]+) vs actual (-?[\d.]+)", completed.stdout)
    assert match, completed.stdout
    forecast, actual = map(float, match.groups())
    # The series swings between 40 and 60: a forecast within 3 units has learned its shape.
    assert abs(forecast - actual) < 3.0
    assert "Total params" in completed.stdout
