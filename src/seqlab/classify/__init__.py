"""Sequence classification on users' own data.

``SequenceClassifier`` (scikit-learn shaped: fit / predict / predict_proba / score) chooses
among random-kernel features with a ridge classifier, LSTM-FCN and masked LSTM/GRU/
bidirectional networks by validation accuracy. `read_labelled` reads UCR/UEA ``.ts`` and
``.arff`` files and wide, long and text CSVs; `save` and `load` keep a fitted classifier as
JSON and safetensors (never pickle). The command line is ``seqlab classify``.
"""

from seqlab.classify.classifier import MODELS, TOKENS, TRUNCATING, SequenceClassifier
from seqlab.classify.metrics import ClassificationReport, classification_report, plot_confusion
from seqlab.classify.persist import load, save
from seqlab.classify.readers import (
    FILLS,
    FORMATS,
    LabelledSequences,
    read_labelled,
    read_long_csv,
    read_text_csv,
    read_ts,
    read_wide_csv,
)

__all__ = ["SequenceClassifier", "MODELS", "TOKENS", "TRUNCATING", "ClassificationReport",
           "classification_report", "plot_confusion", "LabelledSequences", "read_labelled",
           "read_ts", "read_wide_csv", "read_long_csv", "read_text_csv", "FORMATS", "FILLS",
           "save", "load"]
