"""Figures: drawn without pyplot, and importing seqlab leaves the matplotlib backend alone."""


import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgba

from seqlab.errors import ValidationError
from seqlab.plots import boxplot, learning_curves, palette
from seqlab.train import History


def _history(n=10, shift=0.0):
    return History([{"epoch": i + 1, "loss": 1 / (i + 1) + shift, "val_loss": 1.2 / (i + 1)}
                    for i in range(n)])


def _curves(axes):
    """The drawn curves (solid lines), without the best-epoch markers."""
    return [line for line in axes.get_lines() if line.get_linestyle() == "-"]


def _stars(axes):
    return [line for line in axes.get_lines() if line.get_marker() == "*"]


def test_learning_curves_draw_train_and_validation_in_the_palettes_two_colours():
    figure = learning_curves([_history(), _history(shift=0.1)], start=2)
    lines = _curves(figure.axes[0])
    assert len(lines) == 4
    assert {line.get_color() for line in lines} == {palette.TRAIN, palette.VALIDATION}
    assert list(lines[0].get_xdata())[0] == 3
    assert len(_stars(figure.axes[0])) == 2  # one best epoch per run


def test_overfit_curves_spanning_decades_get_a_log_axis_and_their_upturn_marked():
    # The overfit recipe's shape: validation loss falls to 4.9e-6, then climbs to 9.6e-5.
    val = [1e-3, 1e-4, 2e-5, 4.9e-6, 1e-5, 3e-5, 9.6e-5]
    train = [1e-3, 1e-4, 1e-5, 3e-6, 1e-6, 5e-7, 2e-7]
    history = History([{"epoch": i + 1, "loss": t, "val_loss": v}
                       for i, (t, v) in enumerate(zip(train, val, strict=True))])
    axes = learning_curves(history).axes[0]
    assert axes.get_yscale() == "log"
    assert axes.get_ylabel().startswith("loss")
    (star,) = _stars(axes)
    assert list(star.get_xdata()) == [4] and list(star.get_ydata()) == [4.9e-6]
    assert to_rgba(star.get_markerfacecolor()) == to_rgba(palette.VALIDATION)
    texts = [t.get_text() for t in axes.get_legend().get_texts()]
    assert texts[:2] == ["train", "validation"]
    assert texts[2].startswith("best epoch 4 (val_loss 4.9e-06")


def test_curves_within_a_decade_or_not_positive_stay_linear_unless_asked():
    assert learning_curves(_history(n=5)).axes[0].get_yscale() == "linear"  # 1 .. 0.2
    centred = History([{"epoch": i + 1, "loss": v} for i, v in enumerate([1.0, -0.5, 0.001])])
    assert learning_curves(centred).axes[0].get_yscale() == "linear"
    assert learning_curves(_history(n=5), log=True).axes[0].get_yscale() == "log"
    assert learning_curves(_history(n=20), log=False).axes[0].get_yscale() == "linear"
    assert learning_curves(_history(n=20)).axes[0].get_yscale() == "log"  # 1 .. 0.05


def test_without_validation_the_best_epoch_is_the_lowest_training_loss():
    history = History([{"epoch": i + 1, "loss": v} for i, v in enumerate([3.0, 1.0, 2.0])])
    axes = learning_curves(history).axes[0]
    (star,) = _stars(axes)
    assert list(star.get_xdata()) == [2]
    assert to_rgba(star.get_markerfacecolor()) == to_rgba(palette.TRAIN)
    assert [t.get_text() for t in axes.get_legend().get_texts()] == [
        "train", "best epoch 2 (loss 1)"]


def test_boxplot_has_one_box_per_label_the_metric_on_its_axis_and_a_legend_for_the_mean():
    figure = boxplot({"1": [0.2, 0.3], "5": [0.1, 0.12], "10": [0.03, 0.02]}, ylabel="mse")
    axes = figure.axes[0]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["1", "5", "10"]
    assert axes.get_ylabel() == "mse"
    legend = axes.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["mean", "median"]
    mean_handle = legend.legend_handles[0]
    means = [line for line in axes.get_lines() if line.get_marker() == "^"]
    assert len(means) == 3 and mean_handle.get_marker() == "^"
    assert to_rgba(mean_handle.get_markerfacecolor()) == to_rgba(palette.MEAN)
    with pytest.raises(ValidationError):
        boxplot({})


def test_repeat_and_tune_box_plots_name_the_score_on_their_axis():
    from seqlab.evaluate import ConfigExperiment, RepeatResult, TuneResult, summarize

    class Experiment:
        metric = "val_accuracy"

        def __call__(self, seed):
            return 0.5 + seed / 10

    from seqlab.evaluate import repeat

    result = repeat(Experiment(), repeats=2)
    assert result.label == "val_accuracy"
    assert result.boxplot().axes[0].get_ylabel() == "val_accuracy"
    assert RepeatResult([1.0], [0], summarize([1.0])).boxplot().axes[0].get_ylabel() == "score"
    assert ConfigExperiment({"score": "mae"}).metric == "mae"
    assert ConfigExperiment({}).metric == "val_loss"
    tuned = TuneResult([{"units": 1}], [[0.1, 0.2]], [0, 1], metric="val_loss")
    assert tuned.boxplot().axes[0].get_ylabel() == "val_loss"
    assert tuned.to_dict()["metric"] == "val_loss"


def test_the_forecast_and_book_figures_use_the_palette():
    from seqlab.plots.book import damped_sine_figure

    figure = damped_sine_figure(np.zeros((1, 5)), np.ones((1, 2)), np.ones((1, 2)), n_show=1)
    colours = [line.get_color() for line in figure.axes[0].get_lines()]
    assert colours == [palette.CONTEXT, palette.TRUTH, palette.PREDICTION]


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
