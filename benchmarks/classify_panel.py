"""Score `SequenceClassifier`'s defaults beside aeon's MiniRocket and a hand-written PyTorch
LSTM on UCR/UEA sets, in one run.

    python benchmarks/classify_panel.py [--seeds 3] [--only NAME ...] [--extra] [--json]

The data sets are the ones aeon ships (read offline with
``aeon.datasets.load_classification``): GunPoint, ItalyPowerDemand and BasicMotions by
default; ``--extra`` adds ArrowHead, JapaneseVowels (multivariate, unequal lengths),
OSULeaf and PickupGestureWiimoteZ (unequal lengths). Each contender is fitted on the
published train split and scored on the test split, once per seed; accuracy and seconds
(fit + predict) are averaged over seeds. MiniRocket gets sequences padded with zeros to
one length where lengths differ (it needs equal lengths); its first call, where numba
compiles, is made once before the timed runs. The LSTM is the plain baseline:
64 units over post-padded sequences read at each one's last real step, Adam, early
stopping on a stratified fifth of the training set. Needs the ``classify-bench`` extra
(aeon). The last line printed with ``--json`` is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn

PANEL = ("GunPoint", "ItalyPowerDemand", "BasicMotions")
EXTRA = ("ArrowHead", "JapaneseVowels", "OSULeaf", "PickupGestureWiimoteZ")


def load(name: str) -> tuple[list[np.ndarray], np.ndarray, list[np.ndarray], np.ndarray]:
    """Train and test sequences as (steps, channels) arrays, and their labels."""
    from aeon.datasets import load_classification

    out = []
    for split in ("train", "test"):
        x, y = load_classification(name, split=split)
        sequences = [np.asarray(s, dtype=np.float64).T for s in x]  # (channels, steps) each
        out += [sequences, np.asarray(y)]
    return out[0], out[1], out[2], out[3]


def padded(sequences: list[np.ndarray], steps: int) -> np.ndarray:
    batch = np.zeros((len(sequences), steps, sequences[0].shape[1]))
    for i, s in enumerate(sequences):
        batch[i, :min(len(s), steps)] = s[:steps]
    return batch


def run_seqlab(data: tuple, seed: int) -> tuple[float, str]:
    from seqlab.classify import SequenceClassifier

    x, y, x_test, y_test = data
    model = SequenceClassifier(seed=seed).fit(x, y)
    return model.score(x_test, y_test), model.model_


def run_minirocket(data: tuple, seed: int) -> tuple[float, str]:
    from aeon.classification.convolution_based import MiniRocketClassifier

    x, y, x_test, y_test = data
    steps = max(len(s) for s in [*x, *x_test])
    model = MiniRocketClassifier(random_state=seed)
    model.fit(padded(x, steps).transpose(0, 2, 1), y)
    predicted = model.predict(padded(x_test, steps).transpose(0, 2, 1))
    return float((predicted == y_test).mean()), "minirocket"


class _LSTM(nn.Module):
    def __init__(self, channels: int, classes: int, units: int = 64):
        super().__init__()
        self.lstm = nn.LSTM(channels, units, batch_first=True)
        self.head = nn.Linear(units, classes)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(x)
        last = out[torch.arange(len(x)), lengths - 1]
        return self.head(last)


def run_lstm(data: tuple, seed: int, epochs: int = 100, patience: int = 15) -> tuple[float, str]:
    x, y, x_test, y_test = data
    classes = np.unique(y)
    target = torch.as_tensor(np.searchsorted(classes, y))
    stacked = np.concatenate(x)
    mean, scale = stacked.mean(0), stacked.std(0) + 1e-8
    steps = max(len(s) for s in x)

    def tensors(sequences):
        lengths = torch.as_tensor([min(len(s), steps) for s in sequences])
        return torch.as_tensor(padded([(s - mean) / scale for s in sequences], steps),
                               dtype=torch.float32), lengths

    inputs, lengths = tensors(x)
    rng = np.random.default_rng(seed)
    held = np.concatenate([rng.permutation(np.flatnonzero(target.numpy() == k))[
        :max(1, int(0.2 * (target.numpy() == k).sum()))] for k in range(len(classes))])
    train = np.setdiff1d(np.arange(len(x)), held)
    torch.manual_seed(seed)
    model = _LSTM(inputs.shape[2], len(classes))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    best, best_state, wait = np.inf, None, 0
    for _ in range(epochs):
        model.train()
        for idx in torch.as_tensor(rng.permutation(train)).split(32):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(inputs[idx], lengths[idx]), target[idx]).backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            loss = float(nn.functional.cross_entropy(model(inputs[held], lengths[held]),
                                                     target[held]))
        if loss < best:
            best, best_state, wait = loss, {k: v.clone() for k, v in model.state_dict().items()}, 0
        else:
            wait += 1
            if wait > patience:
                break
    model.load_state_dict(best_state)
    test_inputs, test_lengths = tensors(x_test)
    with torch.no_grad():
        predicted = model(test_inputs, test_lengths).argmax(1).numpy()
    return float((classes[predicted] == y_test).mean()), "lstm"


CONTENDERS = {"seqlab": run_seqlab, "minirocket": run_minirocket, "lstm": run_lstm}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=None, help="data set names")
    parser.add_argument("--extra", action="store_true", help="also the extra data sets")
    parser.add_argument("--contenders", nargs="*", default=list(CONTENDERS))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    names = args.only or [*PANEL, *(EXTRA if args.extra else ())]
    if "minirocket" in args.contenders:  # numba compiles on the first calls: not timed
        for warm_up in ("ItalyPowerDemand", "BasicMotions"):  # univariate and multivariate
            run_minirocket(load(warm_up), 0)
    results: dict[str, dict[str, dict]] = {}
    for name in names:
        data = load(name)
        results[name] = {}
        for contender in args.contenders:
            scores, seconds, models = [], [], []
            for seed in range(args.seeds):
                started = time.perf_counter()
                accuracy, model = CONTENDERS[contender](data, seed)
                seconds.append(time.perf_counter() - started)
                scores.append(accuracy)
                models.append(model)
            results[name][contender] = {"accuracy": statistics.mean(scores),
                                        "seconds": statistics.mean(seconds),
                                        "scores": scores, "models": models}
            print(f"{name:24s} {contender:10s} accuracy {statistics.mean(scores):.4f} "
                  f"{statistics.mean(seconds):7.1f} s  {' '.join(sorted(set(models)))}",
                  file=sys.stderr, flush=True)
    means = {c: {"accuracy": statistics.mean(results[n][c]["accuracy"] for n in names),
                 "seconds": statistics.mean(results[n][c]["seconds"] for n in names)}
             for c in args.contenders}
    print("| data set | " + " | ".join(f"{c} accuracy | {c} s" for c in args.contenders) + " |")
    print("|---" * (1 + 2 * len(args.contenders)) + "|")
    for name in [*names, "mean"]:
        row = means if name == "mean" else results[name]
        print(f"| {name} | " + " | ".join(f"{row[c]['accuracy']:.3f} | {row[c]['seconds']:.1f}"
                                           for c in args.contenders) + " |")
    if args.json:
        print(json.dumps({"benchmark": "classify-panel", "seeds": args.seeds,
                          "threads": args.threads, "datasets": results, "mean": means}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
