"""The life of a finalized model: train one from a raw series, watch its skill over time,
update it with new data (four strategies against a fair baseline), promote or roll back."""

from seqlab.lifecycle.forecaster import ForecastConfig, train_forecaster
from seqlab.lifecycle.skill import plot_skill, rmse, skill_over_time
from seqlab.lifecycle.tables import (  # noqa: F401  (the CLI's table helpers, not API)
    read_columns,
    read_sequences,
    write_rows,
)
from seqlab.lifecycle.updating import UpdateReport, update

# forecaster_spec, read_toml, train_candidate, forecast_errors, STRATEGIES and BASELINE
# serve the package's own modules; they stay importable from those modules.
__all__ = [
    "ForecastConfig",
    "train_forecaster",
    "update",
    "UpdateReport",
    "skill_over_time",
    "plot_skill",
    "rmse",
]
