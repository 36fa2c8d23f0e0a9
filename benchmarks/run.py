"""Speed of seqlab against hand-written PyTorch (and Keras when installed).

    python benchmarks/run.py NAME [--quick] [--json] [--threads N] [--device cpu|cuda]

Each NAME is a module ``benchmarks/bench_*.py`` with a ``NAME`` string and
``run(quick, device, seed)`` returning a result with ``summary()``, ``details`` and
``line()``; adding a benchmark is adding such a module. The last line printed is always
one JSON object: for the speed benchmarks ``{"benchmark", "seqlab_seconds",
"torch_seconds", "ratio", "keras_seconds"}`` (``keras_seconds`` is null when Keras is
absent); for train-text, a time-to-quality run, the minutes to each target held-out loss
beside the machine's speed measured in the same run. With ``--json`` the details go to
stderr and only that line to stdout.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


def benchmarks() -> dict[str, object]:
    """Every benchmark module by its NAME."""
    found = {}
    for info in pkgutil.iter_modules([str(HERE)]):
        if info.name.startswith("bench_"):
            module = importlib.import_module(info.name)
            found[module.NAME] = module
    return found


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run one benchmark, print its result line last."""
    available = benchmarks()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("name", choices=sorted(available), help="which benchmark")
    parser.add_argument("--quick", action="store_true", help="time a fixed small subset")
    parser.add_argument("--json", action="store_true", help="only the JSON line on stdout")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpus", default=None,
                        help="train-text only: nietzsche (default) or tinyshakespeare")
    args = parser.parse_args(argv)
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    extra = {} if args.corpus is None else {"corpus": args.corpus}
    if extra and args.name != "train-text":
        parser.error("--corpus applies to the train-text benchmark only")
    result = available[args.name].run(quick=args.quick, device=args.device, seed=args.seed,
                                      **extra)
    report = sys.stderr if args.json else sys.stdout
    print(result.summary(), file=report)
    print(json.dumps(result.details), file=report)
    print(json.dumps(result.line()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
