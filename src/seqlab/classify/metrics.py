"""Classification results a user can read: accuracy, balanced accuracy, macro F1, the
confusion matrix and per-class precision and recall."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from seqlab.errors import ValidationError

__all__ = ["ClassificationReport", "classification_report", "plot_confusion"]


@dataclass
class ClassificationReport:
    """Scores of predictions against true labels.

    `confusion[i][j]` counts sequences of class ``classes[i]`` predicted as ``classes[j]``.
    A class never predicted has precision 0 (and never present, recall 0). `macro_f1` is
    scikit-learn's: the mean F1 of the classes in the true labels or the predictions;
    `balanced_accuracy` the mean recall of the classes in the true labels.
    """

    classes: list[Any]
    confusion: list[list[int]]
    accuracy: float
    balanced_accuracy: float
    macro_f1: float
    precision: dict[str, float]
    recall: dict[str, float]
    support: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values."""
        return {"accuracy": self.accuracy, "balanced_accuracy": self.balanced_accuracy,
                "macro_f1": self.macro_f1, "classes": [str(c) for c in self.classes],
                "confusion": self.confusion, "precision": self.precision,
                "recall": self.recall, "support": self.support}

    def table(self) -> str:
        """The confusion matrix (rows: true class, columns: predicted) with each class's
        precision and recall, as aligned text; '-' where one is undefined (a class never
        predicted has no precision, one absent from the true labels no recall), not the 0
        that would read as every such sequence missed."""
        names = [str(c) for c in self.classes]
        corner = "true \\ predicted"
        first = max(len(corner), *(len(n) for n in names)) + 1
        width = max(8, *(len(n) for n in names)) + 1
        lines = [corner.ljust(first) + "".join(n.rjust(width) for n in names)
                 + "  precision  recall  support"]
        predicted = np.array(self.confusion).sum(0) if self.confusion else []
        for k, (name, row) in enumerate(zip(names, self.confusion, strict=True)):
            precision = f"{self.precision[name]:.3f}" if predicted[k] else "-"
            recall = f"{self.recall[name]:.3f}" if self.support[name] else "-"
            lines.append(name.ljust(first) + "".join(str(v).rjust(width) for v in row)
                         + f"  {precision:>9}  {recall:>6}  {self.support[name]:7d}")
        return "\n".join(lines)


def classification_report(true: Any, predicted: Any, classes: list[Any]) -> ClassificationReport:
    """Score `predicted` labels against `true` ones over `classes` (the stored order).

    `true` and `predicted` hold one label per sequence, each one of `classes`; otherwise
    a `ValidationError` names the argument and what it holds."""
    def labels(name: str, values: Any) -> list[Any]:
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            raise ValidationError(f"The {name!r} parameter of classification_report must be a "
                                  f"list or array of labels; got {type(values).__name__}.")
        values = values.tolist() if hasattr(values, "tolist") else list(values)
        return values

    classes = labels("classes", classes)
    if not classes:
        raise ValidationError("The 'classes' parameter of classification_report must name at "
                              "least one class; got none.")
    true, predicted = labels("true", true), labels("predicted", predicted)
    if len(true) != len(predicted):
        raise ValidationError(f"classification_report needs one predicted label per true "
                              f"label; got {len(true)} true and {len(predicted)} predicted.")
    index = {str(c): k for k, c in enumerate(classes)}
    for name, values in (("true", true), ("predicted", predicted)):
        unknown = sorted({str(v) for v in values if str(v) not in index})
        if unknown:
            raise ValidationError(f"The {name!r} parameter of classification_report holds "
                                  f"label(s) {unknown[:5]} that are not among the classes "
                                  f"{[str(c) for c in classes]}.")
    t = np.array([index[str(v)] for v in true], dtype=np.int64)
    p = np.array([index[str(v)] for v in predicted], dtype=np.int64)
    k = len(classes)
    confusion = np.zeros((k, k), dtype=np.int64)
    np.add.at(confusion, (t, p), 1)
    hits = np.diag(confusion).astype(float)
    predicted_count = confusion.sum(0)
    support = confusion.sum(1)
    precision = np.divide(hits, predicted_count, out=np.zeros(k), where=predicted_count > 0)
    recall = np.divide(hits, support, out=np.zeros(k), where=support > 0)
    f1 = np.divide(2 * precision * recall, precision + recall, out=np.zeros(k),
                   where=(precision + recall) > 0)
    present = support > 0
    # macro F1 as scikit-learn's f1_score(average='macro'): over the classes in the true
    # labels or the predictions, a class predicted but absent from the truth scoring 0
    scored = present | (predicted_count > 0)
    names = [str(c) for c in classes]
    return ClassificationReport(
        classes=list(classes), confusion=confusion.tolist(),
        accuracy=float(hits.sum() / max(1, len(t))),
        balanced_accuracy=float(recall[present].mean()) if present.any() else 0.0,
        macro_f1=float(f1[scored].mean()) if scored.any() else 0.0,
        precision=dict(zip(names, map(float, precision), strict=True)),
        recall=dict(zip(names, map(float, recall), strict=True)),
        support=dict(zip(names, map(int, support), strict=True)))


def plot_confusion(report: ClassificationReport, path: str | Path, title: str = "") -> Path:
    """Write the confusion matrix of `report` as a PNG at `path`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from seqlab._io import atomic_savefig

    matrix = np.array(report.confusion)
    names = [str(c) for c in report.classes]
    size = 2.5 + 0.45 * len(names)
    figure, axes = plt.subplots(figsize=(size + 1, size))
    image = axes.imshow(matrix, cmap="Blues")
    figure.colorbar(image, ax=axes)
    # Labels and file names as written: '$' would start matplotlib's math ('$5-$10' drawn
    # as math, '$\frac$' an error)
    axes.set_xticks(range(len(names)), names, rotation=45, ha="right", parse_math=False)
    axes.set_yticks(range(len(names)), names, parse_math=False)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    axes.set_title(title or f"accuracy {report.accuracy:.3f}", parse_math=False)
    limit = matrix.max() / 2 if matrix.size else 0
    for i in range(len(names)):
        for j in range(len(names)):
            axes.text(j, i, str(matrix[i, j]), ha="center", va="center",
                      color="white" if matrix[i, j] > limit else "black")
    figure.tight_layout()
    try:
        return atomic_savefig(figure, path)
    finally:
        plt.close(figure)
