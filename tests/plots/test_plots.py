"""Figures: drawn without pyplot, and importing seqlab leaves the matplotlib backend alone."""


import matplotlib.pyplot as plt
import pytest

from seqlab.errors import ValidationError
from seqlab.plots import boxplot, learning_curves
from seqlab.train import History


def _history(n=10, shift=0.0):
    return History([{"epoch": i + 1, "loss": 1 / (i + 1) + shift, "val_loss": 1.2 / (i + 1)}
                    for i in range(n)])


def test_learning_curves_draw_train_and_validation_in_two_colours():
    figure = learning_curves([_history(), _history(shift=0.1)], start=2)
    lines = figure.axes[0].get_lines()
    assert len(lines) == 4
    assert {line.get_color() for line in lines} == {"tab:blue", "tab:orange"}
    assert list(lines[0].get_xdata())[0] == 3
    plt.close(figure)


def test_boxplot_has_one_box_per_label():
    figure = boxplot({"1": [0.2, 0.3], "5": [0.1, 0.12], "10": [0.03, 0.02]}, ylabel="mse")
    assert [t.get_text() for t in figure.axes[0].get_xticklabels()] == ["1", "5", "10"]
    plt.close(figure)
    with pytest.raises(ValidationError):
        boxplot({})


def test_importing_seqlab_leaves_the_matplotlib_backend_alone():
    import subprocess
    import sys

    code = ("import matplotlib; matplotlib.use('svg'); import seqlab.recipes, seqlab.plots, "
            "seqlab.runs, seqlab.cli.app; from seqlab.recipes import names; names(); "
            "print(matplotlib.get_backend())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "svg"


def test_figures_are_not_left_in_pyplot():
    before = plt.get_fignums()
    learning_curves(_history())
    boxplot({"a": [1.0]})
    assert plt.get_fignums() == before
