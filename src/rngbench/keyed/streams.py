"""Which stream each item of a parallel kernel draws from, per strategy -- declared once, as data.

Every kernel in this package loops over items in a numba ``prange`` and asks
:func:`item_state` for the item's stream.  How that answer is found is the only
thing a strategy changes:

``keyed``        computed in the kernel from (item id, root): no table, no object per item
``seedseq``      ``SeedSequence([item id, root])`` per item (numpy's parallel guide), keys made up front
``spawn``        ``SeedSequence(root).spawn(n)``: one child per item *position*, made up front
``per-thread``   one spawned child per numba thread, picked by thread id (scanpy PR #4004)
``reuse``        one stream for all items, in item order (the kernel then runs on one thread)
``seed+i``       ``Philox(seed=root + item id)``: the pattern keyed streams replace

Tables hold :mod:`philox` state arrays (one row per stream); the kernel updates
them in place, which is how a per-thread or reused stream carries on from item
to item.  Every table-based stream is what ``Generator(Philox(seed=...))`` would
be for the same seed, so numpy can reproduce any item's draws.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import numba
import numpy as np
from numba import njit, prange

from . import keys, philox

KEYED, ROW, THREAD, SHARED = 0, 1, 2, 3
"""How a kernel finds item ``k``'s stream: from its key; table row ``k``; row ``thread id``; row 0."""


@dataclass(frozen=True)
class Strategy:
    name: str
    pick: int
    meaning: str
    parallel: bool = True  # False: items must be processed in order, so the kernel runs on one thread


STRATEGIES: tuple[Strategy, ...] = (
    Strategy("keyed", KEYED, "Philox keyed by (item id, root), derived in the kernel"),
    Strategy("seedseq", ROW, "SeedSequence([item id, root]) per item, made up front"),
    Strategy("spawn", ROW, "SeedSequence(root).spawn(n): a child per item position, made up front"),
    Strategy("per-thread", THREAD, "one spawned child per numba thread, picked by thread id"),
    Strategy("reuse", SHARED, "one stream for every item, in order", parallel=False),
    Strategy("seed+i", ROW, "Philox(seed=root + item id) per item"),
)
BY_NAME = {s.name: s for s in STRATEGIES}
NAMES = tuple(BY_NAME)
KERNEL_NAMES = ("keyed", "spawn", "per-thread", "reuse")
"""The strategies the benchmark tables compare (the others are in the property table as references)."""
SETUP_COST_NAMES = ("spawn", "seedseq", "keyed", "per-thread", "reuse")
"""The strategies whose per-item setup cost is measured (``scripts/measure_keyed.py``, ``KeyedSetupCost``)."""
OBJECT_PER_ITEM = frozenset({"spawn", "seedseq"})
"""Strategies that make a Python object per item (~10 µs each): their setup cost is measured on fewer items."""


def get(name: str) -> Strategy:
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown keyed strategy {name!r} (known: {', '.join(NAMES)})") from None


def _seeded(seed_sequences, row_words: int = philox.STATE_WORDS) -> np.ndarray:
    """States of ``Philox(seed=s)`` for each SeedSequence ``s``: a Philox key is two words of the sequence's state."""
    return philox.fresh_table([s.generate_state(2, np.uint64) for s in seed_sequences], row_words)


def table(name: str, root: int, item_ids: np.ndarray) -> np.ndarray:
    """The state rows a strategy needs for these items (in processing order), made before the kernel runs.

    This is where per-item Python objects are paid for (``seedseq``, ``spawn``,
    ``seed+i``).  ``keyed`` needs only a scratch row per thread, refilled for
    every item, so no memory is allocated per item either.  Rows that threads
    write concurrently are padded apart (:data:`philox.PADDED_WORDS`).
    """
    strategy = get(name)
    root = int(root)
    threads = numba.config.NUMBA_NUM_THREADS  # the pool's size: thread ids are below it
    if strategy.pick == KEYED:
        return philox.fresh_table(np.zeros((threads, 2)), philox.PADDED_WORDS)
    if name == "seedseq":
        return _seeded(np.random.SeedSequence([int(i), root]) for i in item_ids)
    if name == "seed+i":
        return _seeded(np.random.SeedSequence(root + int(i)) for i in item_ids)
    if name == "spawn":
        return _seeded(np.random.SeedSequence(root).spawn(len(item_ids)))
    if name == "per-thread":  # children are prefix-stable in their count: thread t's stream never depends on it
        return _seeded(np.random.SeedSequence(root).spawn(threads), philox.PADDED_WORDS)
    return _seeded([np.random.SeedSequence(root)])  # reuse


@njit(cache=True)
def item_state(pick, k, item_id, root, domain, states):
    """The stream of the ``k``-th item of a kernel (id ``item_id``): a keyed state, or a table row."""
    if pick == KEYED:
        state = states[numba.get_thread_id()]
        philox.init_state(state, np.uint64(item_id), root, np.uint64(0), np.uint64(0), np.uint64(0), domain)
        return state
    if pick == ROW:
        return states[k]
    if pick == THREAD:
        return states[numba.get_thread_id()]
    return states[0]


@contextmanager
def numba_threads(n: int | None):
    """Run the enclosed kernels on ``n`` numba threads (None: as set), restoring the previous count after."""
    if n is None:
        yield
        return
    limit = numba.config.NUMBA_NUM_THREADS
    if not 1 <= n <= limit:
        raise ValueError(f"cannot use {n} numba threads: this process has {limit} (set NUMBA_NUM_THREADS before start)")
    previous = numba.get_num_threads()
    numba.set_num_threads(n)
    try:
        yield
    finally:
        numba.set_num_threads(previous)


def threads_for(name: str, threads: int | None) -> int | None:
    """The thread count a strategy runs with: one for order-bound strategies, else as asked."""
    return threads if get(name).parallel else 1


@njit(parallel=True, cache=True)
def _draw_items(ids, pick, states, root, domain, out):
    for k in prange(ids.size):
        state = item_state(pick, k, ids[k], root, domain, states)
        for j in range(out.shape[1]):
            out[k, j] = philox.next64(state)
    return out


def item_draws(name: str, root: int, item_ids, n_draws: int = 4, threads: int | None = None, domain: int = 0):
    """The first ``n_draws`` raw words each item draws from its stream: ``(items, n_draws)`` uint64.

    Streams are created here (tables included), so timing this call with
    ``n_draws=1`` is the per-item setup cost: streams created and first-drawn.
    """
    ids = np.asarray(item_ids, dtype=np.uint64)
    states = table(name, root, ids)
    out = np.empty((ids.size, n_draws), dtype=np.uint64)
    with numba_threads(threads_for(name, threads)):
        return _draw_items(ids, np.int64(get(name).pick), states, keys.root_word(root), np.uint64(domain), out)
