"""Figures a person would rather look at (matplotlib, drawn off-screen with the Agg backend)."""

import matplotlib

matplotlib.use("Agg")
