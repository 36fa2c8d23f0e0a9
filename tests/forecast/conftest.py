"""CSV files for the forecasting tests."""

import pytest


@pytest.fixture
def write_csv(tmp_path):
    def write(text, name="data.csv"):
        path = tmp_path / name
        path.write_text(text)
        return path
    return write
