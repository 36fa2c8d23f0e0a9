"""Figures a person would rather look at, as `matplotlib.figure.Figure` objects.

Every figure is made without pyplot, so importing or using seqlab never changes a
user's matplotlib backend and never leaves figures open in pyplot's registry: save one
with ``figure.savefig(path)``. `learning_curves` (train vs validation, one run or many),
`boxplot` (repeated scores per configuration); the book's figures are in
`seqlab.plots.book`. Run directories and their HTML report are `seqlab.runs`.
"""

from seqlab.plots.boxplots import boxplot
from seqlab.plots.curves import learning_curves

__all__ = ["learning_curves", "boxplot"]
