"""Synthetic labelled sequences for the classification tests: the class is a shape placed
at a random position in noise, and lengths vary."""

import numpy as np


def shapes(n_per_class=30, seed=0, low=40, high=80, channels=1):
    """Three classes, each a shape somewhere in a noisy sequence of random length:
    a bump, a dip and a fast oscillation. Returns (sequences, labels)."""
    rng = np.random.default_rng(seed)
    sequences, labels = [], []
    for label in ("bump", "dip", "wiggle"):
        for _ in range(n_per_class):
            length = int(rng.integers(low, high + 1))
            x = rng.normal(0, 0.3, (length, channels))
            start = int(rng.integers(0, length - 12))
            t = np.arange(12)
            shape = {"bump": 2 * np.sin(np.pi * t / 11),
                     "dip": -2 * np.sin(np.pi * t / 11),
                     "wiggle": 1.5 * np.sign(np.sin(np.pi * t / 1.5))}[label]
            x[start:start + 12, 0] += shape
            sequences.append(x)
            labels.append(label)
    order = rng.permutation(len(labels))
    return [sequences[i] for i in order], [labels[i] for i in order]
