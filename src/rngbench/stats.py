"""The one confidence interval for a ratio of timings: a percentile bootstrap over interleaved samples.

Used by the headline probe (:mod:`rngbench.bench.probe`), the comparison's
comment (:mod:`rngbench.compare.comment`) and the peer table
(:mod:`rngbench.bench.peer`), so every "1.53× (95 % CI 1.41–1.66)" in this
project means the same thing.

Why a bootstrap: the ratio of two medians has no closed-form interval, and
this machine's timings are skewed (a slow tail from other jobs), so a normal
approximation would be wrong.  Why *paired* when both sides have as many
samples: the samples come from interleaved turns (:mod:`rngbench.compare.interleave`),
the i-th sample of each side was taken seconds apart, and resampling the
pairs together keeps the drift they share out of the interval.

Estimators (:data:`ESTIMATORS`): the median, the minimum, and the 20 %
trimmed mean.  Which one the probe reports is :data:`DEFAULT_ESTIMATOR`,
chosen by measuring each estimator's run-to-run spread on this machine
(``scripts/measure_estimators.py``; figures in docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

TRIM = 0.2  # fraction cut from each end by the trimmed mean


def _trimmed_mean(a: np.ndarray, axis: int = -1) -> np.ndarray:
    from scipy import stats  # here: importing scipy.stats takes seconds, and only this estimator needs it

    return stats.trim_mean(a, TRIM, axis=axis)


def _median(a: np.ndarray, axis: int | None = None) -> np.ndarray:
    """``np.median``, bit for bit (the same middle element, or the mean of the same two), by sorting: on the
    bootstrap's 4,000 short rows a sort is twice as fast as ``np.median``'s partition, and the comment bot
    computes an interval for each of up to 500 rows."""
    if axis is None:
        a, axis = np.ravel(a), 0
    ordered = np.sort(a, axis=axis)
    n = ordered.shape[axis]
    middle = np.take(ordered, [(n - 1) // 2, n // 2], axis=axis)
    return np.mean(middle, axis=axis)


ESTIMATORS: dict[str, Callable[..., np.ndarray]] = {
    "median": _median,
    "min": np.min,
    "trimmed_mean": _trimmed_mean,
}
DEFAULT_ESTIMATOR = "median"
LEVEL = 0.95
RESAMPLES = 4000


@dataclass(frozen=True)
class RatioInterval:
    """``numerator / denominator`` by one estimator, with its bootstrap interval and how many samples it rests on."""

    ratio: float
    low: float
    high: float
    level: float
    estimator: str
    samples: tuple[int, int]
    paired: bool

    def as_dict(self) -> dict:
        return {"ratio": self.ratio, "ci": [self.low, self.high], "level": self.level, "estimator": self.estimator,
                "samples": list(self.samples), "paired": self.paired}

    def text(self) -> str:
        """``1.53× (95 % CI 1.41–1.66)``, or ``1.53× (1 sample)`` when there is nothing to resample."""
        if min(self.samples) < 2:
            return f"{self.ratio:.2f}× ({min(self.samples)} sample{'s' if min(self.samples) != 1 else ''})"
        return f"{self.ratio:.2f}× ({self.level:.0%} CI {self.low:.2f}–{self.high:.2f})".replace("%", " %")


def estimate(samples: Sequence[float], estimator: str = DEFAULT_ESTIMATOR) -> float:
    return float(ESTIMATORS[estimator](np.asarray(samples, dtype=float)))


def ratio_interval(numerator: Sequence[float], denominator: Sequence[float], estimator: str = DEFAULT_ESTIMATOR,
                   level: float = LEVEL, resamples: int = RESAMPLES, seed: int = 0,
                   paired: bool | None = None) -> RatioInterval:
    """``estimator(numerator) / estimator(denominator)`` and its percentile bootstrap interval.

    ``paired`` (default: when both sides have as many samples) resamples the
    i-th samples of both sides together; otherwise each side is resampled on
    its own.  With fewer than two samples on a side the interval is the point
    itself (and :meth:`RatioInterval.text` says how many samples there were).
    The bootstrap is seeded: the same samples always give the same interval.
    """
    if estimator not in ESTIMATORS:
        raise ValueError(f"unknown estimator {estimator!r} (known: {', '.join(ESTIMATORS)})")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (got {level})")
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    if num.size == 0 or den.size == 0:
        raise ValueError("both sides need at least one sample")
    func = ESTIMATORS[estimator]
    point = float(func(num) / func(den))
    paired = (num.size == den.size) if paired is None else paired
    if paired and num.size != den.size:
        raise ValueError(f"paired samples need equal counts (got {num.size} and {den.size})")
    if min(num.size, den.size) < 2:
        return RatioInterval(point, point, point, level, estimator, (num.size, den.size), paired)
    idx_num, idx_den = _resample_indices(num.size, den.size, paired, resamples, seed)
    boot = func(num[idx_num], axis=1) / func(den[idx_den], axis=1)
    low, high = _percentiles(boot, level)
    return RatioInterval(point, low, high, level, estimator, (num.size, den.size), paired)


@cache
def _resample_indices(n_num: int, n_den: int, paired: bool, resamples: int, seed: int) -> tuple[np.ndarray, ...]:
    """The bootstrap's indices, drawn once per (sizes, seed): a seeded draw gives every call of the same shape the
    same indices, so a table of many rows draws them once.  Read-only, since they are shared."""
    rng = np.random.default_rng(seed)
    idx_num = rng.integers(0, n_num, size=(resamples, n_num))
    idx_den = idx_num if paired else rng.integers(0, n_den, size=(resamples, n_den))
    idx_num.flags.writeable = idx_den.flags.writeable = False
    return idx_num, idx_den


def interval(samples: Sequence[float], estimator: str = DEFAULT_ESTIMATOR, level: float = LEVEL,
             resamples: int = RESAMPLES, seed: int = 0) -> tuple[float, float, float]:
    """``(estimator(samples), low, high)``: the same seeded percentile bootstrap for one side alone."""
    values = np.asarray(samples, dtype=float)
    func = ESTIMATORS[estimator]
    point = float(func(values))
    if values.size < 2:
        return point, point, point
    rng = np.random.default_rng(seed)
    return (point, *_percentiles(func(values[rng.integers(0, values.size, size=(resamples, values.size))], axis=1),
                                 level))


def _percentiles(boot: np.ndarray, level: float) -> tuple[float, float]:
    tail = (1 - level) / 2
    low, high = np.quantile(boot, [tail, 1 - tail])
    return float(low), float(high)
