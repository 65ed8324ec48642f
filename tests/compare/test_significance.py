"""The verdict of a row: asv's test, made paired for interleaved samples (constructed samples, known answers)."""

from __future__ import annotations

import numpy as np
import pytest

from rngbench.asvio.results import Measurement
from rngbench.compare.significance import MIN_PAIRS, Change, classify, paired_p_value
from rngbench.compare.significance import pooled as asv_stats


def measured(samples) -> Measurement:
    value, stats = asv_stats(list(samples))
    return Measurement("b.C.time_run", (), value=value, samples=tuple(samples), stats=stats, index=None)


def drifting(n: int, effect: float, seed: int = 2) -> tuple[list[float], list[float]]:
    """Turn-by-turn samples on a machine whose speed moves by ~30 % from turn to turn, shared by both sides of a turn.

    30 % is the spread measured here during the noisy calibration run (docs/ci.md).
    """
    rng = np.random.default_rng(seed)
    drift = rng.lognormal(0, 0.3, n)  # the machine's speed, turn by turn
    base = drift * rng.lognormal(0, 0.01, n)
    head = effect * drift * rng.lognormal(0, 0.01, n)
    return list(base), list(head)


def test_a_real_slowdown_hidden_by_shared_drift_is_flagged_only_by_the_paired_test():
    base, head = drifting(40, 1.2)
    before, after = measured(base), measured(head)
    assert classify(before, after, 1.1).change == Change.UNCHANGED  # asv's unpaired test: the drift swamps it
    row = classify(before, after, 1.1, paired=True)
    assert row.change == Change.REGRESSION and row.ratio > 1.1
    faster = classify(after, before, 1.1, paired=True)
    assert faster.change == Change.IMPROVEMENT


def test_the_paired_test_does_not_flag_noise_or_a_ratio_within_the_factor():
    base, head = drifting(40, 1.0, seed=2)
    assert classify(measured(base), measured(head), 1.1, paired=True).change == Change.UNCHANGED
    base, head = drifting(40, 1.05, seed=3)  # significant, but within the factor
    assert paired_p_value(tuple(base), tuple(head)) < 1e-6
    assert classify(measured(base), measured(head), 1.1, paired=True).change == Change.UNCHANGED


def test_a_ratio_beyond_the_factor_without_a_consistent_per_turn_direction_is_not_significant():
    rng = np.random.default_rng(4)
    base = rng.lognormal(0, 0.5, 40)
    head = base * np.exp(rng.choice([-0.4, 0.4], 40))  # each turn 1.5x slower or faster at random
    p = paired_p_value(tuple(base), tuple(head))
    assert p > 0.002
    row = classify(measured(base), measured(head), 1.1, paired=True)
    assert row.change == Change.UNCHANGED or not row.beyond_factor


def test_too_few_or_unequal_pairs_fall_back_to_asvs_test():
    base, head = drifting(MIN_PAIRS - 1, 1.5, seed=5)
    assert paired_p_value(tuple(base), tuple(head)) is None
    few = classify(measured(base), measured(head), 1.1, paired=True)
    assert few.change == classify(measured(base), measured(head), 1.1).change
    assert paired_p_value((1.0, 2.0) * 10, (1.0,) * 19) is None
    assert paired_p_value((1.0,) * 20, (1.0,) * 20) == 1.0  # identical every turn: nothing to test


@pytest.mark.parametrize("n", [MIN_PAIRS, 40])
def test_min_pairs_is_the_fewest_that_can_reach_the_level(n):
    """With every turn in one direction, p is Wilcoxon's smallest: below 0.002 from MIN_PAIRS pairs, not before."""
    base = [1.0 + k / 100 for k in range(n)]
    head = [b * 1.3 for b in base]
    assert paired_p_value(tuple(base), tuple(head)) < 0.002
    from scipy.stats import wilcoxon
    assert wilcoxon(np.full(MIN_PAIRS - 1, 0.1) + np.arange(MIN_PAIRS - 1) / 1e3).pvalue >= 0.002


def test_batched_p_values_equal_one_test_per_row_with_ties_and_zeros():
    """paired_p_values batches rows by the method scipy picks for each alone; a batch that mixed tied and untied
    rows would move every p (scipy picks one method per call), so rounded samples (ties) and equal turns (zeros)
    of several sizes are compared with one test per row, exactly."""
    from rngbench.compare.significance import PERMUTATION_MAX, paired_p_values

    rng = np.random.default_rng(1)
    pairs = []
    for n in (MIN_PAIRS, PERMUTATION_MAX, PERMUTATION_MAX + 1, 20, 40, 60):
        for k in range(30):
            base = rng.lognormal(0, 0.1, n) + 0.5
            change = rng.lognormal(0.02 * (k % 5), 0.05, n)
            head = base * (np.round(change, 2) if k % 2 else change)  # rounded: tied |log ratios|
            if k % 7 == 0:
                head[:3] = base[:3]  # three turns with no change: zero differences
            pairs.append((tuple(base), tuple(head)))
    from scipy.stats import wilcoxon

    one_by_one = [float(wilcoxon(np.log(np.divide(h, b))).pvalue) for b, h in pairs]  # scipy alone, row by row
    tied = [np.unique(np.abs(np.log(np.divide(h, b)))).size < len(b) for b, h in pairs]
    assert 50 < sum(tied) < len(pairs) - 50  # both kinds, in every size
    assert sum(p is not None and p < 0.01 for p in one_by_one) > 10  # the set holds real changes too
    assert paired_p_values(pairs) == one_by_one
    assert [paired_p_value(b, h) for b, h in pairs] == one_by_one
