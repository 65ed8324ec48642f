"""Interleaved wall-clock samples and their medians with bootstrap confidence intervals.

On a shared machine the load drifts during a run; timing variant A ten times
and then B ten times would put the drift into the A/B ratio.  Rounds that run
every variant once, in a rotating order, spread it over all variants alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

CONFIDENCE = 0.95
RESAMPLES = 2000


@dataclass(frozen=True)
class Estimate:
    median: float
    low: float
    high: float

    def __format__(self, spec: str) -> str:
        spec = spec or ".3g"
        return f"{self.median:{spec}} [{self.low:{spec}}, {self.high:{spec}}]"


def interleaved(variants: dict[str, Callable[[], object]], rounds: int, progress=None) -> dict[str, np.ndarray]:
    """Seconds per call of each variant, ``rounds`` samples each, one call of each per round (rotating order)."""
    names = list(variants)
    samples: dict[str, list[float]] = {n: [] for n in names}
    for r in range(rounds):
        for name in names[r % len(names):] + names[: r % len(names)]:
            start = time.perf_counter()
            variants[name]()
            samples[name].append(time.perf_counter() - start)
            if progress is not None:
                progress()
    return {n: np.asarray(s) for n, s in samples.items()}


def median(samples: np.ndarray, seed: int = 0) -> Estimate:
    """The median and its percentile-bootstrap interval (``rngbench.stats``, the one bootstrap)."""
    from rngbench import stats

    return Estimate(*stats.interval(samples, "median", level=CONFIDENCE, resamples=RESAMPLES, seed=seed))


def ratio(numerator: np.ndarray, denominator: np.ndarray, seed: int = 0) -> Estimate:
    """median(numerator) / median(denominator), both sides resampled on their own (``rngbench.stats``, the one
    bootstrap interval for ratios)."""
    from rngbench import stats

    got = stats.ratio_interval(numerator, denominator, "median", level=CONFIDENCE, resamples=RESAMPLES, seed=seed,
                               paired=False)
    return Estimate(got.ratio, got.low, got.high)
