"""The strategies and their n/a rules, as data."""

import numpy as np
import pytest

from rngbench.bench import strategies as st


def test_columns_are_the_strategies_in_table_order_keyed_fifth():
    assert st.NAMES == ("legacy", "Generator", "spawn", "reuse", "keyed", "per-thread")


def test_numba_columns_are_the_strategies_with_a_parallel_kernel():
    from rngbench.keyed import streams

    assert set(st.NUMBA_NAMES) == set(streams.KERNEL_NAMES)
    assert "legacy" not in st.NUMBA_NAMES and "Generator" not in st.NUMBA_NAMES


def test_n_a_rules_for_keyed_and_per_thread_say_why():
    for name in ("keyed", "per-thread"):
        with pytest.raises(st.NotApplicable, match="scanpy"):
            st.scanpy_kwargs(name, accepts_rng=True)
    with pytest.raises(st.NotApplicable, match="numba kernel"):  # a Python loop cannot run per-thread
        st.make_rng("per-thread")
    assert isinstance(st.make_rng("keyed"), np.random.Generator)
    assert not st.get("keyed").why_not_reference


def test_keyed_items_draw_their_own_keyed_stream_by_id_not_by_position():
    from rngbench.keyed import keys

    rng = st.make_rng("keyed")
    root = int(keys.root_word(rng))
    got = [g.integers(0, 2**32, 3).tolist() for g in st.per_item("keyed", rng, 2, item_ids=[7, 3])]
    assert got[0] == keys.numpy_generator(7, root).integers(0, 2**32, 3).tolist()
    assert got[1] == keys.numpy_generator(3, root).integers(0, 2**32, 3).tolist()
    assert got[0] != got[1]
    st.CountingPCG64.reset()
    list(st.per_item("keyed", st.make_rng("keyed", bit_generator=st.CountingPCG64), 5))
    assert st.CountingPCG64.created == 6  # the root's PCG64 and five keyed Philox streams


def test_legacy_is_a_random_state_and_the_others_generators():
    assert isinstance(st.make_rng("legacy"), np.random.RandomState)
    for name in ("Generator", "spawn", "reuse"):
        assert isinstance(st.make_rng(name), np.random.Generator)


def test_unknown_strategy_is_an_error():
    with pytest.raises(ValueError, match="unknown strategy"):
        st.get("threads")


def test_spawn_gives_independent_children_and_reuse_the_same_object():
    rng = st.make_rng("spawn")
    children = list(st.per_item("spawn", rng, 3))
    assert len({id(c) for c in children}) == 3
    draws = [c.integers(0, 2**32, 4).tolist() for c in children]
    assert draws[0] != draws[1] != draws[2]
    reuse = st.make_rng("reuse")
    assert all(r is reuse for r in st.per_item("reuse", reuse, 3))


def test_a_random_state_cannot_spawn():
    with pytest.raises(st.NotApplicable):
        list(st.per_item("spawn", np.random.RandomState(0), 2))


def test_reuse_random_state_shares_the_callers_stream_but_generator_spawns():
    a, b = st.make_rng("reuse"), st.make_rng("reuse")
    st.as_random_state("reuse", a).random_sample(5)
    assert a.integers(0, 2**32) != b.integers(0, 2**32)  # a advanced, b did not
    c, d = st.make_rng("Generator"), st.make_rng("Generator")
    st.as_random_state("Generator", c).random_sample(5)
    assert c.integers(0, 2**32) == d.integers(0, 2**32)  # spawning leaves the caller's stream where it was
    e = st.make_rng("Generator")
    assert np.array_equal(st.as_random_state("Generator", e).random_sample(3),
                          np.random.RandomState(np.random.default_rng(0).bit_generator.spawn(1)[0]).random_sample(3))


def test_scanpy_api_n_a_rules():
    assert st.scanpy_kwargs("legacy", accepts_rng=False) == {"random_state": 0}
    assert isinstance(st.scanpy_kwargs("Generator", accepts_rng=True)["rng"], np.random.Generator)
    with pytest.raises(st.NotApplicable, match="does not accept rng"):
        st.scanpy_kwargs("Generator", accepts_rng=False)
    for name in ("spawn", "reuse"):
        with pytest.raises(NotImplementedError):  # asv turns NotImplementedError in setup into n/a
            st.scanpy_kwargs(name, accepts_rng=True)


def test_counting_bit_generator_counts_spawned_children():
    st.CountingPCG64.reset()
    rng = st.make_rng("spawn", bit_generator=st.CountingPCG64)
    list(st.per_item("spawn", rng, 7))
    assert st.CountingPCG64.created == 8


def test_legacy_keyword_and_rng_are_read_from_the_signature():
    from rngbench.bench.workloads import _common

    def old_simulate(adata, *, random_seed=0): ...
    def old_pca(adata, *, random_state=0): ...
    def new_pca(adata, *, rng=None): ...

    assert _common.scanpy_kwargs(old_simulate, "legacy") == {"random_seed": 0}
    assert _common.scanpy_kwargs(new_pca, "legacy") == {"random_state": 0}
    assert not _common.accepts_rng(old_pca) and _common.accepts_rng(new_pca)
    with pytest.raises(st.NotApplicable):
        _common.scanpy_kwargs(old_pca, "Generator")
