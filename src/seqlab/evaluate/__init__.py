"""Evaluate robustly: repeats with summary statistics, learning-curve diagnosis, tuning.

Neural networks are stochastic, so a result is a distribution over seeds
(`repeat`), a fit is read from its learning curves (`diagnose`), and a setting is
chosen by comparing repeated scores (`tune`). Each lives in a module of its own whose
documentation says more: `seqlab.evaluate.repeats`, `seqlab.evaluate.diagnosis` (how a
verdict is reached, its thresholds), `seqlab.evaluate.tuning`, `seqlab.evaluate.stats`,
`seqlab.evaluate.experiment` (the JSON config format).
"""

from seqlab.evaluate.diagnosis import (
    ADVICE,
    VERDICTS,
    Diagnosis,
    diagnose,
    diagnose_many,
    majority,
)
from seqlab.evaluate.experiment import TUNABLE, ConfigExperiment, apply_overrides, load_config
from seqlab.evaluate.repeats import RepeatResult, repeat
from seqlab.evaluate.search_space import parse_param, parse_space
from seqlab.evaluate.stats import Summary, describe_table, summarize
from seqlab.evaluate.tuning import BACKENDS, TuneResult, grid, sample, tune

__all__ = [
    "repeat",
    "RepeatResult",
    "Summary",
    "summarize",
    "describe_table",
    "diagnose",
    "diagnose_many",
    "majority",
    "Diagnosis",
    "VERDICTS",
    "ADVICE",
    "tune",
    "TuneResult",
    "grid",
    "sample",
    "parse_param",
    "parse_space",
    "BACKENDS",
    "ConfigExperiment",
    "load_config",
    "apply_overrides",
    "TUNABLE",
]
