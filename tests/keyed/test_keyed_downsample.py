"""The parallel kernels draw what numpy draws: per cell, per strategy, on both of numpy's sampling paths."""

from __future__ import annotations

import numpy as np
import pytest

from rngbench.bench.workloads import downsample as reference_workload
from rngbench.keyed import downsample as ds
from rngbench.keyed import keys, philox, properties, streams

ROOT = 7


@pytest.fixture(scope="module")
def counts():
    x, target = properties.small_counts()
    totals = np.asarray(x.sum(axis=1)).ravel()
    tail = (totals > 10_000) & (target > totals // 50)
    floyd = (totals > target) & ~tail
    assert tail.sum() >= 5 and floyd.sum() >= 100, "the data must exercise both of numpy's sampling paths"
    return x, target


@pytest.mark.parametrize("population,size", [
    (10, 0), (10, 10), (100, 3), (10_000, 9_000), (10_001, 200), (10_001, 201), (50_000, 50_000), (12_345, 6_000),
])
def test_sampling_matches_generator_choice_and_state(population, size):
    key = (population, size)
    state = philox.fresh(key)
    got = ds.sample_without_replacement(state, population, size)
    gen = np.random.Generator(np.random.Philox(key=key[0] | (key[1] << 64)))
    np.testing.assert_array_equal(got, gen.choice(population, size, replace=False))
    numpy_state = philox.from_numpy(gen.bit_generator)
    if state[philox.BUFFER_POS] == philox.BLOCK_WORDS:  # empty buffer: its stale contents are never read
        numpy_state[philox.BUFFER:philox.BUFFER + 4] = state[philox.BUFFER:philox.BUFFER + 4]
    np.testing.assert_array_equal(numpy_state, state)  # same position: the next draws agree too


def per_cell_reference(x, target, rng_of_cell):
    """rngbench's reference row kernel with a numpy Generator chosen per cell."""
    out = x.copy()
    totals = np.asarray(x.sum(axis=1)).ravel()
    for r in np.flatnonzero(totals > target):
        row = out.data[out.indptr[r]:out.indptr[r + 1]]
        reference_workload._downsample_row(row, target, rng_of_cell(r), replace=False)
    out.eliminate_zeros()
    return out


def assert_same(a, b):
    assert a.shape == b.shape
    np.testing.assert_array_equal(a.toarray(), b.toarray())


@pytest.mark.parametrize("strategy", ["reuse", "spawn"])
def test_reuse_and_spawn_equal_the_reference_kernel_on_philox(counts, strategy):
    x, target = counts
    inp = {"x": x.copy(), "target": target, "kind": "per_cell"}  # the reference downsamples in place
    expected = reference_workload.reference(inp, strategy, rng=np.random.Generator(np.random.Philox(ROOT)))
    assert_same(ds.downsample(x, target, strategy, root=ROOT, threads=1), expected)


def test_keyed_cell_equals_numpy_generator_of_its_key(counts):
    x, target = counts
    expected = per_cell_reference(x, target, lambda r: keys.numpy_generator(r, ROOT))
    assert_same(ds.downsample(x, target, "keyed", root=ROOT, threads=1), expected)
    assert (ds.downsample(x, target, "keyed", root=ROOT + 1, threads=1) != expected).nnz > 0


def test_seedseq_cell_equals_default_rng_of_id_and_root(counts):
    x, target = counts
    expected = per_cell_reference(
        x, target, lambda r: np.random.Generator(np.random.Philox(np.random.SeedSequence([int(r), ROOT]))))
    assert_same(ds.downsample(x, target, "seedseq", root=ROOT, threads=1), expected)


def test_keyed_first_draws_equal_numpy():
    ids = [0, 1, 5, 2**40, 2**64 - 1]
    got = streams.item_draws("keyed", ROOT, ids, n_draws=6, threads=1, domain=3)
    for row, i in zip(got, ids):
        np.testing.assert_array_equal(row, keys.numpy_generator(i, ROOT, domain=3).bit_generator.random_raw(6))


def test_counts_are_preserved_and_bounded(counts):
    x, target = counts
    out = ds.downsample(x, target, "keyed", root=ROOT)
    totals, new = np.asarray(x.sum(axis=1)).ravel(), np.asarray(out.sum(axis=1)).ravel()
    np.testing.assert_array_equal(new, np.minimum(totals, target))
    assert (out.toarray() <= x.toarray()).all()


def test_in_place_draws_the_same_as_a_copy_into_the_input_itself(counts):
    x, target = counts
    copied = ds.downsample(x, target, "keyed", root=ROOT)
    mine = x.astype(np.float32).tocsr()
    same = ds.downsample(mine, target, "keyed", root=ROOT, copy=False)
    assert same is mine
    np.testing.assert_array_equal(same.toarray(), copied.toarray())
    with pytest.raises(ValueError, match="copy=False needs a float32 CSR matrix"):
        ds.downsample(x.astype(np.float64).tocsr(), target, copy=False)
    with pytest.raises(ValueError, match="copy=False needs a float32 CSR matrix"):
        ds.downsample(x.toarray(), target, copy=False)


def test_bad_input_is_one_clear_error(counts):
    x, target = counts
    with pytest.raises(ValueError, match="item_ids has 3 ids"):
        ds.downsample(x, target, item_ids=[1, 2, 3])
    with pytest.raises(ValueError, match="item_ids must be unique"):
        ds.downsample(x, target, item_ids=np.zeros(x.shape[0], dtype=int))
    with pytest.raises(ValueError, match="non-negative integers"):
        ds.downsample(x, target, item_ids=np.arange(x.shape[0]) - 1)
    with pytest.raises(ValueError, match="unknown keyed strategy 'nope'"):
        ds.downsample(x, target, "nope")
    with pytest.raises(ValueError, match="cannot use 999 numba threads"):
        ds.downsample(x, target, "keyed", threads=999)
    with pytest.raises(ValueError, match=r"root seed must be in \[0, 2\*\*64\)"):
        keys.key(0, -1)
