"""The life of a finalized model: train one from a raw series, watch its skill over time,
update it with new data (four strategies against a fair baseline), promote or roll back."""

from seqlab.lifecycle.forecaster import ForecastConfig, forecaster_spec, read_toml, train_forecaster
from seqlab.lifecycle.skill import forecast_errors, plot_skill, rmse, skill_over_time
from seqlab.lifecycle.tables import (  # noqa: F401  (the CLI's table helpers, not API)
    read_columns,
    read_sequences,
    write_rows,
)
from seqlab.lifecycle.updating import BASELINE, STRATEGIES, UpdateReport, train_candidate, update

__all__ = [
    "ForecastConfig",
    "train_forecaster",
    "forecaster_spec",
    "read_toml",
    "update",
    "UpdateReport",
    "STRATEGIES",
    "BASELINE",
    "train_candidate",
    "skill_over_time",
    "plot_skill",
    "forecast_errors",
    "rmse",
]
