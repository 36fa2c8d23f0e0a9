"""Random convolution-kernel features and a ridge classifier on them.

The idea is MiniRocket's (Dempster, Schmidt and Webb, 2021): convolve each sequence with
a fixed set of short kernels (length 9, weights -1 and 2, summing to zero) at
exponentially spaced dilations, and describe each (kernel, dilation, bias) by the
proportion of positive values (PPV) of the output. The biases are quantiles of the
outputs on training examples. A linear classifier on the standardised features is then
all the learning there is, which makes it fast and strong on many sequence sets.

This is seqlab's own version, written from the published description: PPV is taken over
each sequence's own steps only (padding and batch mates change nothing), multichannel
kernels add a random subset of channels, and half of the features come from the first
differences of the sequence (MultiRocket's second view).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

__all__ = ["RandomKernelFeatures", "RidgeClassifier"]

_GOLDEN = (math.sqrt(5) - 1) / 2


_COMBOS = torch.tensor(list(itertools.combinations(range(9), 3)))
"""The 84 ways to place the three taps of weight 2 among a kernel's nine."""

_TAPS = torch.full((84, 9), -1.0).scatter_(1, _COMBOS, 2.0)
"""Each kernel's nine weights: 2 at its three chosen taps, -1 elsewhere (summing to 0)."""


@dataclass
class _View:
    dilations: list[int]
    channel_masks: list[torch.Tensor] = field(default_factory=list)  # (84, C) per dilation
    biases: list[torch.Tensor] = field(default_factory=list)  # (84, n) per dilation


class RandomKernelFeatures:
    """MiniRocket-style features of padded sequences.

    Parameters
    ----------
    features:
        About how many features in all (split between the raw and differenced views).
    max_dilations:
        Most dilations per view.
    seed:
        Chooses the channel subsets, the training examples and the quantiles for the biases.
    """

    def __init__(self, features: int = 10_000, max_dilations: int = 32, seed: int = 0):
        self.features = features
        self.max_dilations = max_dilations
        self.seed = seed

    # -------------------------------------------------------------------------- fit
    def fit(self, x: np.ndarray, lengths: np.ndarray) -> RandomKernelFeatures:
        """Choose dilations, channel subsets and biases from training data `x` (padded
        ``(n, steps, channels)``, zeros after each sequence's `lengths`)."""
        rng = np.random.default_rng(self.seed)
        n, _, channels = x.shape
        self.channels_ = channels
        # Dilations span the longest sequence, as they would on data padded to one length.
        reference = int(max(9, np.max(lengths)))
        self.views_ = []
        for view in range(2):
            data, lens = self._view(x, lengths, view)
            ref = max(9, reference - view)
            top = math.log2(max(1.0, (ref - 1) / 8))
            count = min(self.max_dilations, int(top) + 1)
            dilations = sorted({int(2 ** e) for e in np.linspace(0, top, count)})
            per = max(1, (self.features // 2) // (84 * len(dilations)))
            state = _View(dilations)
            for d in dilations:
                size = np.floor(2 ** rng.uniform(0, math.log2(min(channels, 9) + 1))).astype(int)
                mask = torch.zeros(84, channels)
                for k in range(84):
                    mask[k, rng.choice(channels, size=min(channels, max(1, size)),
                                       replace=False)] = 1.0
                state.channel_masks.append(mask)
                examples = rng.integers(0, n, size=84)  # one training example per kernel
                quantiles = torch.as_tensor((np.arange(1, per + 1) * _GOLDEN + rng.uniform())
                                            % 1, dtype=torch.float32)
                biases = torch.empty(84, per)
                step = self._batch(data.shape[1])
                for first in range(0, 84, step):
                    ks = range(first, min(84, first + step))
                    out = self._convolve(torch.as_tensor(data[examples[list(ks)]],
                                                         dtype=torch.float32), d, mask)
                    for i, k in enumerate(ks):
                        valid = out[i, k, : max(1, int(lens[examples[k]]))]
                        biases[k] = torch.quantile(valid, quantiles)
                state.biases.append(biases)
            self.views_.append(state)
        return self

    @staticmethod
    def _view(x: np.ndarray, lengths: np.ndarray, view: int) -> tuple[np.ndarray, np.ndarray]:
        if view == 0:
            return x, lengths
        diff = np.diff(x, axis=1)
        lens = np.maximum(lengths - 1, 1)
        steps = np.arange(diff.shape[1])[None, :, None]
        diff = np.where(steps < (lengths - 1)[:, None, None], diff, 0.0)
        if diff.shape[1] == 0:
            diff = np.zeros((x.shape[0], 1, x.shape[2]))
        return diff, lens

    def _convolve(self, x: torch.Tensor, dilation: int, mask: torch.Tensor) -> torch.Tensor:
        # x (n, T, C) -> (n, 84, T): each kernel's output on the sum of its channel subset
        # (convolution is linear, so summing the channels first is the same and costs no
        # memory per channel). A kernel is 2 at three of its nine taps and -1 at the others,
        # so its output is 3 * (sum of its three shifted copies) - (sum of all nine).
        # "Same" zero padding: the steps after a sequence's end are zeros in the batch too,
        # so its valid outputs match those of the sequence alone.
        steps = x.shape[1]
        combined = torch.einsum("ntc,kc->knt", x, mask)  # (84, n, T)
        padded = F.pad(combined, (4 * dilation, 4 * dilation))
        out = torch.zeros_like(combined)
        for j in range(9):  # nine multiply-adds over views, no copies of the shifted data
            out.addcmul_(_TAPS[:, j, None, None],
                         padded[..., j * dilation: j * dilation + steps])
        return out.permute(1, 0, 2)

    @staticmethod
    def _batch(steps: int) -> int:
        # About 4 million outputs per dilation at once: (9 shifted copies) x 84 kernels x
        # batch x steps floats stay within a few hundred MB whatever the length.
        return int(max(1, min(256, 4_000_000 // (84 * max(1, steps)))))

    # -------------------------------------------------------------------- transform
    def transform(self, x: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """The features of padded `x` ``(n, steps, channels)`` with `lengths`: an
        ``(n, features)`` float32 array."""
        parts = []
        for view, state in enumerate(self.views_):
            data, lens = self._view(x, lengths, view)
            chunks = []
            batch = self._batch(data.shape[1])
            for start in range(0, len(data), batch):
                xb = torch.as_tensor(data[start:start + batch], dtype=torch.float32)
                lb = torch.as_tensor(lens[start:start + batch])
                padding = torch.arange(xb.shape[1])[None, None, :] >= lb[:, None, None]
                count = lb.clamp(min=1).float()[:, None, None]
                cols = []
                for d, mask, biases in zip(state.dilations, state.channel_masks, state.biases,
                                           strict=True):
                    with torch.no_grad():
                        out = self._convolve(xb, d, mask)  # (b, 84, T)
                        # Padded steps become -inf, below every bias, so they never count.
                        out = out.masked_fill(padding, -math.inf)
                        # Sorted once, each bias is a binary search (faster than comparing
                        # every output with every bias, even for a dozen biases).
                        ordered = out.sort(-1).values
                        above = out.shape[-1] - torch.searchsorted(
                            ordered, biases[None].expand(len(xb), -1, -1).contiguous(),
                            right=True)
                        ppv = above.float() / count
                    cols.append(ppv.reshape(len(xb), -1))
                chunks.append(torch.cat(cols, dim=1))
            parts.append(torch.cat(chunks, dim=0))
        return torch.cat(parts, dim=1).numpy()

    def state(self) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
        """Plain settings and named tensors that `from_state` rebuilds this from."""
        config = {"features": self.features, "max_dilations": self.max_dilations,
                  "seed": self.seed, "channels": self.channels_,
                  "dilations": [v.dilations for v in self.views_]}
        tensors = {}
        for i, view in enumerate(self.views_):
            for j in range(len(view.dilations)):
                tensors[f"kernels.{i}.{j}.mask"] = view.channel_masks[j]
                tensors[f"kernels.{i}.{j}.biases"] = view.biases[j]
        return config, tensors

    @classmethod
    def from_state(cls, config: dict[str, Any], tensors: dict[str, torch.Tensor]
                   ) -> RandomKernelFeatures:
        """The transform `state` described."""
        self = cls(config["features"], config["max_dilations"], config["seed"])
        self.channels_ = config["channels"]
        self.views_ = []
        for i, dilations in enumerate(config["dilations"]):
            if not isinstance(dilations, list) or not all(
                    isinstance(d, int) and not isinstance(d, bool) for d in dilations):
                raise ValueError(f"view {i}'s dilations are {dilations!r:.60}, not a list of "
                                 "whole numbers")
            view = _View(list(dilations))
            for j in range(len(dilations)):
                view.channel_masks.append(tensors[f"kernels.{i}.{j}.mask"].float())
                view.biases.append(tensors[f"kernels.{i}.{j}.biases"].float())
            self.views_.append(view)
        return self


class RidgeClassifier:
    """One-vs-rest ridge regression on ±1 targets, its penalty chosen by leave-one-out
    error (computed exactly from one eigendecomposition), features standardised first.

    Scores become probabilities by a softmax whose temperature minimises the leave-one-out
    log-loss. Above `max_gram` samples the Gram matrix would be too large, and a
    multinomial logistic regression is fitted by gradient steps instead.
    """

    alphas = tuple(np.logspace(-3, 3, 10))

    def __init__(self, max_gram: int = 5000, seed: int = 0):
        self.max_gram = max_gram
        self.seed = seed

    def fit(self, features: np.ndarray, y: np.ndarray, classes: int) -> RidgeClassifier:
        """Fit on `features` ``(n, f)`` and class ids `y` in ``[0, classes)``."""
        x = torch.as_tensor(features, dtype=torch.float64)
        self.mean_ = x.mean(0)
        self.scale_ = x.std(0).clamp(min=1e-8)
        x = (x - self.mean_) / self.scale_
        target = -torch.ones(len(y), classes, dtype=torch.float64)
        target[torch.arange(len(y)), torch.as_tensor(y)] = 1.0
        if len(y) > self.max_gram:
            self._fit_logistic(x.float(), torch.as_tensor(y), classes)
            return self
        y_mean = target.mean(0)
        yc = target - y_mean
        s, u = torch.linalg.eigh(x @ x.T)
        s = s.clamp(min=0)
        uy = u.T @ yc
        best = None
        for alpha in self.alphas:
            shrink = s / (s + alpha)
            fitted = u @ (shrink[:, None] * uy)
            leverage = (u**2) @ shrink + 1.0 / len(y)  # the intercept's share too
            residual = (yc - fitted) / (1 - leverage).clamp(min=1e-6)[:, None]
            error = float((residual**2).mean())
            if best is None or error < best[0]:
                best = (error, alpha, residual)
        _, alpha, residual = best
        self.alpha_ = float(alpha)
        self.coef_ = (x.T @ (u @ (uy / (s + alpha)[:, None]))).float()
        self.intercept_ = y_mean.float()
        loo_scores = (target - residual).float()
        self.temperature_ = self._temperature(loo_scores, torch.as_tensor(y))
        return self

    def _fit_logistic(self, x: torch.Tensor, y: torch.Tensor, classes: int) -> None:
        generator = torch.Generator().manual_seed(self.seed)
        linear = torch.nn.Linear(x.shape[1], classes)
        optimizer = torch.optim.Adam(linear.parameters(), lr=1e-3, weight_decay=1e-4)
        for _ in range(30):
            for idx in torch.randperm(len(y), generator=generator).split(256):
                optimizer.zero_grad()
                F.cross_entropy(linear(x[idx]), y[idx]).backward()
                optimizer.step()
        self.alpha_ = None
        self.coef_ = linear.weight.detach().T.contiguous()
        self.intercept_ = linear.bias.detach().clone()
        self.temperature_ = 1.0

    @staticmethod
    def _temperature(scores: torch.Tensor, y: torch.Tensor) -> float:
        best = (math.inf, 1.0)
        for t in np.logspace(-2, 1, 16):
            loss = float(F.cross_entropy(scores / float(t), y))
            if loss < best[0]:
                best = (loss, float(t))
        return best[1]

    def decision_function(self, features: np.ndarray) -> torch.Tensor:
        """Class scores ``(n, classes)``."""
        x = (torch.as_tensor(features, dtype=torch.float32) - self.mean_.float()) / \
            self.scale_.float()
        return x @ self.coef_ + self.intercept_

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Class probabilities ``(n, classes)``."""
        scores = self.decision_function(features)
        return torch.softmax(scores / self.temperature_, dim=1).numpy()

    def state(self) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
        """Plain settings and named tensors that `from_state` rebuilds this from."""
        config = {"alpha": self.alpha_, "temperature": self.temperature_,
                  "max_gram": self.max_gram, "seed": self.seed}
        tensors = {"ridge.mean": self.mean_.float(), "ridge.scale": self.scale_.float(),
                   "ridge.coef": self.coef_.float(), "ridge.intercept": self.intercept_.float()}
        return config, tensors

    @classmethod
    def from_state(cls, config: dict[str, Any], tensors: dict[str, torch.Tensor]
                   ) -> RidgeClassifier:
        """The classifier `state` described."""
        self = cls(config["max_gram"], config["seed"])
        temperature = config["temperature"]
        if not isinstance(temperature, (int, float)) or isinstance(temperature, bool):
            raise ValueError(f"the ridge temperature is {temperature!r:.40}, not a number")
        self.alpha_, self.temperature_ = config["alpha"], float(temperature)
        self.mean_, self.scale_ = tensors["ridge.mean"], tensors["ridge.scale"]
        self.coef_, self.intercept_ = tensors["ridge.coef"], tensors["ridge.intercept"]
        return self
