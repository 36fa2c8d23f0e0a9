"""Summary statistics of repeated scores, with a t-distribution confidence interval.

scipy is not a dependency, so the Student t quantile is computed here: the t CDF is
written with the regularised incomplete beta function (Lentz's continued fraction,
accurate to ~1e-12) and inverted by bisection.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from seqlab._validation import check_float
from seqlab.errors import ValidationError

__all__ = ["Summary", "summarize", "t_quantile", "t_cdf", "describe_table"]


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    tiny, eps = 1e-300, 1e-15
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 500):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1.0) < eps:
            break
    return result


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t distribution with `df` degrees of freedom."""
    check_float("df", df, "t_cdf", low=0.0, low_open=True)
    tail = 0.5 * _incomplete_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


def t_quantile(p: float, df: float) -> float:
    """The value t with P(T <= t) = p for Student's t with `df` degrees of freedom.

    ``t_quantile(0.975, 4)`` is 2.7764 (the two-sided 95% critical value for 5 samples).
    """
    check_float("p", p, "t_quantile", low=0.0, high=1.0, low_open=True)
    if p >= 1.0:
        raise ValidationError(f"The 'p' parameter of t_quantile must be in (0, 1). Got {p!r}.")
    check_float("df", df, "t_quantile", low=0.0, low_open=True)
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        high *= 2.0
    for _ in range(200):
        mid = 0.5 * (low + high)
        if t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
        if high - low < 1e-12 * max(1.0, high):
            break
    return 0.5 * (low + high)


@dataclass(frozen=True)
class Summary:
    """Describe-style statistics of n scores, and a confidence interval of their mean.

    `std` is the sample standard deviation (ddof=1, as pandas' ``describe``); quartiles
    use linear interpolation. The interval is mean ± t(1 - (1 - confidence)/2, n - 1) ·
    std / sqrt(n); it is NaN-wide for a single score.
    """

    count: int
    mean: float
    std: float
    min: float
    q25: float
    median: float
    q75: float
    max: float
    ci_low: float
    ci_high: float
    confidence: float

    def to_dict(self) -> dict[str, float]:
        """Plain-JSON dict of every statistic."""
        return asdict(self)

    def __str__(self) -> str:
        return (
            f"mean {self.mean:.6g} ± {self.std:.3g} (n={self.count}); "
            f"min {self.min:.6g}, 25% {self.q25:.6g}, median {self.median:.6g}, "
            f"75% {self.q75:.6g}, max {self.max:.6g}; {self.confidence:.0%} CI of the mean "
            f"[{self.ci_low:.6g}, {self.ci_high:.6g}]"
        )


def summarize(scores: Sequence[float], confidence: float = 0.95) -> Summary:
    """`Summary` of `scores` (at least one finite number)."""
    check_float("confidence", confidence, "summarize", low=0.0, high=1.0, low_open=True)
    if confidence >= 1.0:
        raise ValidationError(
            f"The 'confidence' parameter of summarize must be in (0, 1). Got {confidence!r}."
        )
    scores = list(scores)
    try:
        values = np.asarray(scores, dtype=float)
    except (TypeError, ValueError):
        values = np.array([math.nan])
    if values.ndim != 1 or values.size == 0 or not np.isfinite(values).all():
        raise ValidationError(
            f"`scores` must be one or more finite numbers; got {scores!r:.80}."
        )
    n = int(values.size)
    mean = float(values.mean())
    std = float(values.std(ddof=1)) if n > 1 else math.nan
    if n > 1:
        half = t_quantile(1.0 - (1.0 - confidence) / 2.0, n - 1) * std / math.sqrt(n)
    else:
        half = math.nan
    q25, median, q75 = (float(q) for q in np.quantile(values, [0.25, 0.5, 0.75]))
    return Summary(n, mean, std, float(values.min()), q25, median, q75, float(values.max()),
                   mean - half, mean + half, confidence)


_ROWS = (("count", "count"), ("mean", "mean"), ("std", "std"), ("min", "min"),
         ("25%", "q25"), ("50%", "median"), ("75%", "q75"), ("max", "max"))


def describe_table(summaries: dict[str, Summary], reference: dict[str, float] | None = None
                   ) -> str:
    """pandas-``describe``-style text table: one column per label, one row per statistic.

    With `reference`, a last row shows the document's mean for each column.
    """
    labels = list(summaries)
    width = max([10, *(len(label) + 2 for label in labels)])
    lines = [" " * 10 + "".join(label.rjust(width) for label in labels)]
    for title, attribute in _ROWS:
        cells = []
        for label in labels:
            value = getattr(summaries[label], attribute)
            cells.append(f"{value:.6f}".rjust(width) if attribute != "count"
                         else f"{value:d}".rjust(width))
        lines.append(title.ljust(10) + "".join(cells))
    if reference:
        cells = [(f"{reference[label]:.6f}" if label in reference else "-").rjust(width)
                 for label in labels]
        lines.append("document".ljust(10) + "".join(cells))
    return "\n".join(lines)
