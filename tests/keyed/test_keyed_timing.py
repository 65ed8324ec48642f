"""Interleaved rounds rotate the order; medians and ratios come with intervals that contain them."""

from __future__ import annotations

import numpy as np

from rngbench.keyed import timing


def test_rounds_rotate_which_variant_goes_first():
    calls = []
    samples = timing.interleaved({n: (lambda n=n: calls.append(n)) for n in "abc"}, rounds=3)
    assert calls == list("abcbcacab")
    assert all(s.shape == (3,) and (s >= 0).all() for s in samples.values())


def test_estimates_contain_the_median_and_ratio():
    rng = np.random.default_rng(0)
    slow, fast = rng.normal(2.0, 0.1, 31), rng.normal(1.0, 0.05, 31)
    est = timing.median(slow)
    assert est.low <= est.median <= est.high and abs(est.median - 2.0) < 0.1
    ratio = timing.ratio(slow, fast)
    assert ratio.low <= ratio.median <= ratio.high and 1.8 < ratio.median < 2.2
    assert f"{ratio:.2f}".startswith(f"{ratio.median:.2f} [")
