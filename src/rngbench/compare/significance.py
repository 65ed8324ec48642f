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
from asv_runner.statistics import compute_stats

from rngbench.asvio.results import Measurement

# scipy.stats (Wilcoxon) and asv.commands.compare (asv's unpaired test) are imported where they are used: together
# they take 3 s to import on the 2-core runners, and a comment of interleaved rows that stay within the factor
# needs neither (the bot renders it in a fraction of that).


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


PERMUTATION_MAX = 13
"""scipy's ``wilcoxon(method="auto")`` runs a permutation test on a tied row of at most this many pairs (2**13
sign flips is fewer than its 9,999 resamples), the normal approximation above it."""


def paired_p_value(before: tuple[float, ...] | None, after: tuple[float, ...] | None) -> float | None:
    """Wilcoxon's signed-rank p for the per-turn log ratios; None when the samples are not ``MIN_PAIRS`` pairs."""
    return paired_p_values([(before, after)])[0]


def paired_p_values(pairs: list[tuple[tuple[float, ...] | None, tuple[float, ...] | None]]) -> list[float | None]:
    """:func:`paired_p_value` of many (before, after) sample pairs in one Wilcoxon call per sample count and
    method: scipy's overhead per call (about 1 ms) made the 5,000 rows of a big comparison take 10 s.  Rows are
    batched by the method scipy's ``auto`` would pick for each row alone, since in a batch it picks one method for
    all: without ties or zeros the exact test (up to 50 pairs), with them the normal approximation (above
    :data:`PERMUTATION_MAX` pairs; zeros are dropped row by row, ties corrected row by row).  A tied row of at most
    :data:`PERMUTATION_MAX` pairs, where scipy runs a permutation test, is a batch of its own."""
    out: list[float | None] = [None] * len(pairs)
    batches: dict[tuple, list[tuple[int, np.ndarray]]] = {}
    for i, (before, after) in enumerate(pairs):
        log_ratios = _log_ratios(before, after)
        if log_ratios is None:
            continue
        if not np.any(log_ratios):
            out[i] = 1.0  # identical in every turn
            continue
        untied = np.all(log_ratios != 0) and np.unique(np.abs(log_ratios)).size == log_ratios.size
        if untied:
            key = ("auto", log_ratios.size)
        elif log_ratios.size > PERMUTATION_MAX:
            key = ("asymptotic", log_ratios.size)
        else:
            key = ("auto", f"row {i}")  # scipy's permutation test: this row alone
        batches.setdefault(key, []).append((i, log_ratios))
    if batches:
        from scipy.stats import wilcoxon
    for (method, _), batch in batches.items():
        p_values = wilcoxon(np.stack([log_ratios for _, log_ratios in batch]), axis=1, method=method).pvalue
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
    ratio = _ratio(before, after)
    beyond = _beyond(ratio, factor)
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
    elif use_stats and paired and _log_ratios(before.samples, after.samples) is not None:
        change = Change.UNCHANGED  # within the factor nothing is flagged, whatever the test says: not run then
        if beyond:
            p = paired_p_value(before.samples, after.samples) if p_value is ... or p_value is None else p_value
            if p < P_VALUE:
                change = Change.REGRESSION if ratio > 1 else Change.IMPROVEMENT
    else:
        from asv.commands.compare import _is_result_better

        ss1 = (before.stats, list(before.samples) if before.samples else None)
        ss2 = (after.stats, list(after.samples) if after.samples else None)
        if _is_result_better(t2, t1, ss2, ss1, factor, use_stats=use_stats):
            change = Change.IMPROVEMENT
        elif _is_result_better(t1, t2, ss1, ss2, factor, use_stats=use_stats):
            change = Change.REGRESSION
        else:
            change = Change.UNCHANGED
    return Row(before, after, change, ratio, beyond)


def _isna(value: float | None) -> bool:
    """asv's "no number": None (failed) or NaN (skipped), as ``asv.commands.compare._isna`` has it."""
    return value is None or value != value  # NaN is the one value unequal to itself; no TypeError on odd input


def _ratio(before: Measurement | None, after: Measurement | None) -> float | None:
    """after / before, None when a side is missing, failed, skipped or zero."""
    if before is None or after is None or _isna(before.value) or _isna(after.value) or before.value == 0:
        return None
    return after.value / before.value


def _beyond(ratio: float | None, factor: float) -> bool:
    return ratio is not None and (ratio > factor or ratio < 1 / factor)


def compare(before: list[Measurement], after: list[Measurement], factor: float, paired: bool = False) -> list[Row]:
    """One row per benchmark and parameter combination found on either side (``paired``: see :func:`classify`)."""
    b = {m.key: m for m in before}
    a = {m.key: m for m in after}
    keys = sorted(set(b) | set(a))
    return classify_all([(b.get(k), a.get(k)) for k in keys], factor, paired=paired)


def classify_all(pairs: list[tuple[Measurement | None, Measurement | None]], factor: float,
                 paired: bool = False) -> list[Row]:
    """:func:`classify` of every (before, after) pair, the paired tests run together (:func:`paired_p_values`)
    and only for the rows beyond the factor, the only ones a test can flag."""
    p_values: list[float | None] = [None] * len(pairs)
    if paired:
        tested = [i for i, (b, a) in enumerate(pairs) if _beyond(_ratio(b, a), factor)]
        found = paired_p_values([(pairs[i][0].samples, pairs[i][1].samples) for i in tested])
        for i, p in zip(tested, found):
            p_values[i] = p
    return [classify(b, a, factor, paired=paired, p_value=p) for (b, a), p in zip(pairs, p_values)]
