"""Data preparation for sequence models: framing, encoding, scaling, padding and batching.

Everything here works on numpy arrays; nothing depends on pandas, scikit-learn or Keras.
"""

from seqlab.data.batching import StatefulLayout, stateful_layout
from seqlab.data.encoding import Vocabulary, one_hot, to_categorical
from seqlab.data.framing import series_to_supervised, windows
from seqlab.data.padding import pad_sequences
from seqlab.data.pipeline import EncodeStep, LabelStep, PadStep, Pipeline, ScaleStep, WindowStep
from seqlab.data.scaling import MinMaxScaler, StandardScaler

__all__ = [
    "windows",
    "series_to_supervised",
    "pad_sequences",
    "MinMaxScaler",
    "StandardScaler",
    "Vocabulary",
    "one_hot",
    "to_categorical",
    "stateful_layout",
    "StatefulLayout",
    "Pipeline",
    "ScaleStep",
    "EncodeStep",
    "WindowStep",
    "PadStep",
    "LabelStep",
]
