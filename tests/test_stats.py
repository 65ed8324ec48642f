"""The bootstrap ratio interval on constructed samples whose answer is known."""

import numpy as np
import pytest

from rngbench import stats


def test_constant_samples_give_the_exact_ratio_and_a_zero_width_interval():
    got = stats.ratio_interval([2.0] * 20, [1.0] * 20)
    assert (got.ratio, got.low, got.high) == (2.0, 2.0, 2.0)


@pytest.mark.parametrize("estimator", ["median", "trimmed_mean"])
def test_interval_covers_the_true_ratio_about_95_percent_of_the_time(estimator):
    """Lognormal timings with a true ratio of 1.5 (symmetric noise: both estimators target it)."""
    rng = np.random.default_rng(1)
    trials, n, hits = 200, 40, 0
    for _ in range(trials):
        den = np.exp(rng.normal(0.0, 0.1, n))
        num = 1.5 * np.exp(rng.normal(0.0, 0.1, n))
        got = stats.ratio_interval(num, den, estimator=estimator, resamples=400, paired=False)
        hits += got.low <= 1.5 <= got.high
    assert 0.88 <= hits / trials <= 1.0


def test_minimum_of_shifted_samples_gives_the_ratio_of_the_floors():
    got = stats.ratio_interval(np.linspace(2.0, 3.0, 30), np.linspace(1.0, 2.0, 30), estimator="min")
    assert got.ratio == 2.0 and got.low <= 2.0 <= got.high


def test_median_interval_coverage_is_close_to_its_level():
    rng = np.random.default_rng(2)
    hits = 0
    for _ in range(300):
        num = 3.0 * np.exp(rng.normal(0.0, 0.2, 30))
        den = np.exp(rng.normal(0.0, 0.2, 30))
        got = stats.ratio_interval(num, den, resamples=500, paired=False)
        hits += got.low <= 3.0 <= got.high
    assert 0.88 <= hits / 300 <= 0.995


def test_pairing_removes_drift_shared_by_both_sides():
    """Each pair was taken in the same stretch of a drifting machine: paired, the interval is tight around 2."""
    drift = np.linspace(1.0, 1.5, 40)  # the machine slows by half during the run
    rng = np.random.default_rng(3)
    den = drift * (1 + rng.normal(0, 0.005, 40))
    num = 2.0 * drift * (1 + rng.normal(0, 0.005, 40))
    paired = stats.ratio_interval(num, den, estimator="median")
    unpaired = stats.ratio_interval(num, den, estimator="median", paired=False)
    assert paired.low <= 2.0 <= paired.high
    assert paired.high - paired.low < (unpaired.high - unpaired.low) / 2


def test_one_sample_is_said_not_given_a_spread():
    got = stats.ratio_interval([3.0], [1.5])
    assert got.ratio == 2.0 and got.text() == "2.00× (1 sample)"


def test_same_samples_same_interval_and_bad_input_refused():
    a, b = [1.0, 1.2, 1.1, 1.3], [1.0, 0.9, 1.1, 1.0]
    assert stats.ratio_interval(a, b) == stats.ratio_interval(a, b)
    with pytest.raises(ValueError):
        stats.ratio_interval(a, b, estimator="mode")
    with pytest.raises(ValueError):
        stats.ratio_interval([], b)
    with pytest.raises(ValueError):
        stats.ratio_interval(a, b[:3], paired=True)


@pytest.mark.parametrize("n", [1, 2, 3, 10, 39, 40])
def test_the_median_estimator_is_numpys_bit_for_bit(n):
    """The sort-based median (faster on the bootstrap's short rows) must not move any committed interval."""
    from rngbench.stats import ESTIMATORS

    values = np.random.default_rng(n).lognormal(size=(500, n))
    assert np.array_equal(ESTIMATORS["median"](values, axis=1), np.median(values, axis=1))
    assert ESTIMATORS["median"](values[0]) == np.median(values[0])
