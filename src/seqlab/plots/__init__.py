"""Figures a person would rather look at (matplotlib, drawn off-screen with the Agg backend).

`learning_curves` (train vs validation, one run or many), `boxplot` (repeated scores
per configuration) and `write_report` (one self-contained HTML page of a run directory).
"""

import matplotlib

matplotlib.use("Agg")

from seqlab.plots.boxplot import boxplot  # noqa: E402
from seqlab.plots.curves import learning_curves  # noqa: E402
from seqlab.plots.report import write_report  # noqa: E402

__all__ = ["learning_curves", "boxplot", "write_report"]
