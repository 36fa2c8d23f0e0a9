"""Evaluate robustly: repeats with summary statistics, learning-curve diagnosis, tuning.

Neural networks are stochastic, so a result is a distribution over seeds
(`repeat`), a fit is read from its learning curves (`diagnose`), and a setting is
chosen by comparing repeated scores (`tune`). Each lives in a module of its own whose
documentation says more: `seqlab.evaluate.repeats`, `seqlab.evaluate.diagnosis` (how a
verdict is reached, its thresholds), `seqlab.evaluate.tuning`, `seqlab.evaluate.stats`,
`seqlab.evaluate.experiment` (the JSON config format).
"""

from seqlab.evaluate.diagnosis import Diagnosis, diagnose, diagnose_many, majority
from seqlab.evaluate.experiment import ConfigExperiment, load_config
from seqlab.evaluate.repeats import RepeatResult, repeat
from seqlab.evaluate.stats import Summary, summarize
from seqlab.evaluate.tuning import TuneResult, grid, sample, tune

# The helpers the CLI and the modules share (parse_space, apply_overrides, describe_table,
# VERDICTS, ADVICE, TUNABLE, BACKENDS) stay importable from their modules, not from here.
__all__ = [
    "repeat",
    "RepeatResult",
    "Summary",
    "summarize",
    "diagnose",
    "diagnose_many",
    "majority",
    "Diagnosis",
    "tune",
    "TuneResult",
    "grid",
    "sample",
    "ConfigExperiment",
    "load_config",
]
