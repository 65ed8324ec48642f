"""Is a change real?  asv's own answer, applied to two measurements.

We do not reinvent the statistics: the decision is
``asv.commands.compare._is_result_better`` -- the function behind ``asv
compare`` -- which flags a change only when the ratio is beyond ``factor``
*and* the samples differ significantly (Mann-Whitney U at p < 0.002 when
there are enough samples, otherwise non-overlapping 99% confidence intervals
of the median).  The branches below follow ``asv compare``'s table, so a row
here gets the same mark asv would give it.  Samples pooled from several
interleaved rounds get their median and confidence interval from
``asv_runner.statistics.compute_stats``, as asv computes them for one run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from asv.commands.compare import _is_result_better, _isna
from asv_runner.statistics import compute_stats

from rngbench.asvio.results import Measurement


class Change(StrEnum):
    """The mark of one row: what ``asv compare`` would say about it (the value is what JSON and tables show)."""

    REGRESSION = "regression"
    IMPROVEMENT = "improvement"
    UNCHANGED = "unchanged"
    FAILED = "failed"  # a side failed (asv: None)
    FIXED = "fixed"  # failed before, works after
    NA = "n/a"  # skipped on a side (NotImplementedError in setup) or missing on one side
    INCOMPARABLE = "incomparable"  # the benchmark's code changed (asv's benchmark version differs)


FLAGGED = (Change.REGRESSION, Change.IMPROVEMENT)

TEST_DESCRIPTION = (
    "asv's test (asv.commands.compare): a change is flagged only if the ratio of medians is beyond the factor "
    "and the samples differ significantly (Mann-Whitney U, p < 0.002; with too few samples for that, "
    "non-overlapping 99% confidence intervals of the median)"
)


@dataclass(frozen=True)
class Row:
    before: Measurement | None
    after: Measurement | None
    change: Change
    ratio: float | None  # after / before, None when n/a
    beyond_factor: bool  # ratio beyond the factor (asv prints "~" when this holds but the test says no)

    @property
    def measurement(self) -> Measurement:
        return self.after or self.before  # type: ignore[return-value]


def pooled(samples: list[float], number: int = 1) -> tuple[float | None, dict | None]:
    """asv's median and statistics for samples pooled from several rounds."""
    clean = [s for s in samples if s is not None and not math.isnan(s)]
    return compute_stats(clean, number)


def classify(before: Measurement | None, after: Measurement | None, factor: float, use_stats: bool = True) -> Row:
    """The change from ``before`` to ``after``, decided as ``asv compare`` decides it."""
    if factor <= 1:
        raise ValueError(f"factor must be above 1 (got {factor})")
    t1 = math.nan if before is None else before.value
    t2 = math.nan if after is None else after.value
    ratio = None
    if not _isna(t1) and not _isna(t2) and t1 != 0:
        ratio = t2 / t1
    beyond = ratio is not None and (ratio > factor or ratio < 1 / factor)
    ss1 = None if before is None else (before.stats, list(before.samples) if before.samples else None)
    ss2 = None if after is None else (after.stats, list(after.samples) if after.samples else None)
    if before is None or after is None:
        change = Change.NA
    elif t1 is not None and t2 is None:
        change = Change.FAILED
    elif t1 is None and t2 is not None:
        change = Change.FIXED
    elif t1 is None and t2 is None:
        change = Change.FAILED
    elif _isna(t1) or _isna(t2):
        change = Change.NA
    elif _is_result_better(t2, t1, ss2, ss1, factor, use_stats=use_stats):
        change = Change.IMPROVEMENT
    elif _is_result_better(t1, t2, ss1, ss2, factor, use_stats=use_stats):
        change = Change.REGRESSION
    else:
        change = Change.UNCHANGED
    return Row(before, after, change, ratio, beyond)


def compare(before: list[Measurement], after: list[Measurement], factor: float) -> list[Row]:
    """One row per benchmark and parameter combination found on either side."""
    b = {m.key: m for m in before}
    a = {m.key: m for m in after}
    keys = sorted(set(b) | set(a))
    return [classify(b.get(k), a.get(k), factor) for k in keys]
