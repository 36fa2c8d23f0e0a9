"""Data preparation for sequence models: framing, encoding, scaling, padding and batching.

Everything here works on numpy arrays; nothing depends on pandas, scikit-learn or Keras.
"""

from seqlab.data.batching import StatefulLayout, minibatches, stateful_layout, stream_segments
from seqlab.data.encoding import Vocabulary, one_hot, to_categorical
from seqlab.data.framing import series_to_supervised, windows
from seqlab.data.padding import pad_sequences
from seqlab.data.pipeline import (
    STEP_TYPES,
    EncodeStep,
    LabelStep,
    PadStep,
    Pipeline,
    ScaleStep,
    Step,
    WindowStep,
)
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
    "minibatches",
    "stateful_layout",
    "StatefulLayout",
    "stream_segments",
    "Pipeline",
    "Step",
    "ScaleStep",
    "EncodeStep",
    "WindowStep",
    "PadStep",
    "LabelStep",
    "STEP_TYPES",
]
