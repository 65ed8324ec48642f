"""Is a change real?  asv's answer, made paired where the samples were taken in interleaved turns.

The ratio is asv's (ratio of medians, beyond ``factor`` or not) and, for
results that were not interleaved, so is the whole decision:
``asv.commands.compare._is_result_better`` -- the function behind ``asv
compare`` -- flags a change only when the ratio is beyond ``factor`` *and* the
samples differ significantly (Mann-Whitney U at p < 0.002 when there are
enough samples, otherwise non-overlapping 99% confidence intervals of the
median).  The branches below follow ``asv compare``'s table, so a row here
gets the same mark asv would give it.

Samples from :mod:`rngbench.compare.interleave` come in pairs: the i-th
sample of each side was taken in the same turn, seconds apart.  Mann-Whitney
ignores that, so drift the two sides share counts as noise: measured here
(docs/ci.md), a real 1.2x slowdown during a noisy minute (samples spread
25-30 %) got p = 0.003 and went unflagged.  For paired samples the test is
therefore the paired analogue at the same level: Wilcoxon's signed-rank test
on the per-turn log ratios, p < 0.002 (with at least :data:`MIN_PAIRS`
pairs, below which it cannot reach that level and asv's test decides).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from asv.commands.compare import _is_result_better, _isna
from asv_runner.statistics import compute_stats
from scipy.stats import wilcoxon

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

P_VALUE = 0.002  # asv's level for Mann-Whitney U, kept for the paired test
MIN_PAIRS = 10  # the fewest pairs with which Wilcoxon's exact two-sided p can fall below P_VALUE (2 / 2**10)

TEST_DESCRIPTION = (
    "a change is flagged only if the ratio of medians is beyond the factor and the samples differ significantly: "
    "for interleaved samples, Wilcoxon's signed-rank test on the per-turn ratios (p < 0.002); otherwise asv's test "
    "(Mann-Whitney U, p < 0.002, or with too few samples non-overlapping 99% confidence intervals of the median)"
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


def _log_ratios(before: tuple[float, ...] | None, after: tuple[float, ...] | None) -> np.ndarray | None:
    """The per-turn log ratios; None when the samples are not ``MIN_PAIRS`` positive finite pairs."""
    if not before or not after or len(before) != len(after) or len(before) < MIN_PAIRS:
        return None
    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b)) and np.all(a > 0) and np.all(b > 0)):
        return None
    return np.log(a / b)


def paired_p_value(before: tuple[float, ...] | None, after: tuple[float, ...] | None) -> float | None:
    """Wilcoxon's signed-rank p for the per-turn log ratios; None when the samples are not ``MIN_PAIRS`` pairs."""
    log_ratios = _log_ratios(before, after)
    if log_ratios is None:
        return None
    if not np.any(log_ratios):
        return 1.0  # identical in every turn
    return float(wilcoxon(log_ratios).pvalue)


def paired_p_values(pairs: list[tuple[tuple[float, ...] | None, tuple[float, ...] | None]]) -> list[float | None]:
    """:func:`paired_p_value` of many (before, after) sample pairs -- the same numbers -- in one Wilcoxon call per
    sample count: scipy's overhead per call (about 2 ms) made the 5,000 rows of a big comparison take 10 s.
    A row with tied or zero differences is tested on its own (there scipy's choice between the exact and the
    normal method would otherwise depend on the other rows of the batch)."""
    out: list[float | None] = [None] * len(pairs)
    batches: dict[int, list[tuple[int, np.ndarray]]] = {}
    for i, (before, after) in enumerate(pairs):
        log_ratios = _log_ratios(before, after)
        if log_ratios is None:
            continue
        if np.all(log_ratios != 0) and np.unique(np.abs(log_ratios)).size == log_ratios.size:
            batches.setdefault(log_ratios.size, []).append((i, log_ratios))
        else:
            out[i] = paired_p_value(before, after)
    for batch in batches.values():
        p_values = wilcoxon(np.stack([log_ratios for _, log_ratios in batch]), axis=1).pvalue
        for (i, _), p in zip(batch, np.atleast_1d(p_values)):
            out[i] = float(p)
    return out


def classify(before: Measurement | None, after: Measurement | None, factor: float, use_stats: bool = True,
             paired: bool = False, p_value: float | None = ...) -> Row:
    """The change from ``before`` to ``after``, decided as ``asv compare`` decides it.

    ``paired``: the i-th samples of both sides were taken in the same
    interleaved turn, so the paired test decides significance (module doc).
    ``p_value``: that test's p when the caller computed it for many rows at once (:func:`paired_p_values`).
    """
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
    elif use_stats and paired and (p := paired_p_value(before.samples, after.samples) if p_value is ... else
                                   p_value) is not None:
        change = Change.UNCHANGED
        if beyond and p < P_VALUE:
            change = Change.REGRESSION if ratio > 1 else Change.IMPROVEMENT
    elif _is_result_better(t2, t1, ss2, ss1, factor, use_stats=use_stats):
        change = Change.IMPROVEMENT
    elif _is_result_better(t1, t2, ss1, ss2, factor, use_stats=use_stats):
        change = Change.REGRESSION
    else:
        change = Change.UNCHANGED
    return Row(before, after, change, ratio, beyond)


def compare(before: list[Measurement], after: list[Measurement], factor: float, paired: bool = False) -> list[Row]:
    """One row per benchmark and parameter combination found on either side (``paired``: see :func:`classify`)."""
    b = {m.key: m for m in before}
    a = {m.key: m for m in after}
    keys = sorted(set(b) | set(a))
    return classify_all([(b.get(k), a.get(k)) for k in keys], factor, paired=paired)


def classify_all(pairs: list[tuple[Measurement | None, Measurement | None]], factor: float,
                 paired: bool = False) -> list[Row]:
    """:func:`classify` of every (before, after) pair, the paired tests run together (:func:`paired_p_values`)."""
    samples = [(b.samples if b else None, a.samples if a else None) for b, a in pairs]
    p_values = paired_p_values(samples) if paired else [None] * len(pairs)
    return [classify(b, a, factor, paired=paired, p_value=p) for (b, a), p in zip(pairs, p_values)]
