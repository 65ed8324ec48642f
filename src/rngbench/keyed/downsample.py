"""Per-cell downsampling in parallel numba, with the stream of each cell chosen by a keyed strategy.

Same semantics as rngbench's reference kernel (``rngbench.bench.workloads.downsample``):
every cell whose total is over ``target`` gets ``target`` of its counts drawn
without replacement.  The draw is exactly ``Generator.choice(total, target,
replace=False)`` -- numpy's Floyd sampling with a final shuffle for small
samples, a partial Fisher-Yates "tail shuffle" for large ones -- so a cell's
result is what numpy gives for the same stream, and the ``reuse`` and ``spawn``
kernels agree bit for bit with the reference kernel on a ``Philox`` Generator.
Drawing the same numbers as numpy also means drawing the same *number* of
numbers, which is what makes a reused or per-thread stream continue correctly
from one cell to the next.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numba import njit, prange

from . import keys, philox, streams

_FLOYD_MAX_POPULATION = 10_000
_TAIL_SHUFFLE_FRACTION = 50  # numpy's heuristic: tail-shuffle when the sample is over 1/50 of a large population
_EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)


@njit(cache=True)
def _mask_of(x):
    """Smallest all-ones bit mask >= x."""
    mask = np.uint64(x)
    for shift in (1, 2, 4, 8, 16, 32):
        mask |= mask >> np.uint64(shift)
    return mask


@njit(cache=True)
def _shuffle(state, values, first):
    """Fisher-Yates over ``values[first:]`` from the end, numpy's order and bounded draws."""
    for i in range(values.size - 1, first - 1, -1):
        j = philox.bounded(state, i)
        values[i], values[j] = values[j], values[i]


@njit(cache=True)
def sample_without_replacement(state, population, size):
    """``Generator.choice(population, size, replace=False)``: ``size`` distinct ints in [0, population)."""
    if population > _FLOYD_MAX_POPULATION and size > population // _TAIL_SHUFFLE_FRACTION:
        pool = np.arange(population)
        for i in range(population - 1, max(population - size, 1) - 1, -1):
            j = philox.bounded(state, i)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[population - size:].copy()
    # Floyd: draw j in [0, i] for the last `size` i; take i itself when j was already taken
    sample = np.empty(size, dtype=np.int64)
    mask = _mask_of(np.uint64(1.2 * size))
    taken = np.full(mask + np.uint64(1), _EMPTY)  # open-addressing set of the values taken so far
    for n, i in enumerate(range(population - size, population)):
        value = philox.bounded(state, i)
        slot = value & mask
        while taken[slot] != _EMPTY and taken[slot] != value:
            slot = (slot + np.uint64(1)) & mask
        if taken[slot] == value:
            value = np.uint64(i)
            slot = value & mask
            while taken[slot] != _EMPTY:
                slot = (slot + np.uint64(1)) & mask
        taken[slot] = value
        sample[n] = value
    _shuffle(state, sample, 1)
    return sample


@njit(cache=True)
def downsample_row(row, target, state):
    """Draw ``row`` (counts per gene) down to ``target`` counts in place, with ``state``'s stream."""
    cumcounts = np.empty(row.size, dtype=np.int64)
    total = 0
    for g in range(row.size):
        total += np.int64(row[g])
        cumcounts[g] = total
    sample = sample_without_replacement(state, total, target)
    sample.sort()
    redistribute(row, cumcounts, sample)


@njit(cache=True)
def redistribute(row, cumcounts, sample):
    """Counts per gene of the sorted ``sample`` of count indices (scanpy's inner loop), written into ``row``.

    The one copy of this loop: the reference kernels (``bench.workloads.downsample``) use it too.
    """
    row[:] = 0
    gene = 0
    for count in sample:
        while count >= cumcounts[gene]:
            gene += 1
        row[gene] += 1
    return row


@njit(parallel=True, cache=True)
def _downsample_rows(indptr, data, rows, ids, pick, states, root, domain, target):
    for k in prange(rows.size):
        r = rows[k]
        state = streams.item_state(pick, k, ids[k], root, domain, states)
        downsample_row(data[indptr[r]:indptr[r + 1]], target, state)


def _checked_ids(item_ids, n_cells: int) -> np.ndarray:
    """Item ids as uint64: one per cell, non-negative integers, all different (equal ids share a stream)."""
    ids = np.asarray(item_ids)
    if ids.shape != (n_cells,):
        raise ValueError(f"item_ids has {ids.size} ids for {n_cells} cells")
    if ids.size and (not np.issubdtype(ids.dtype, np.integer) or (ids.dtype.kind == "i" and ids.min() < 0)):
        raise ValueError("item_ids must be non-negative integers")
    if np.unique(ids).size != ids.size:
        raise ValueError("item_ids must be unique: two cells with one id would draw the same stream")
    return ids.astype(np.uint64)


def downsample(x, target: int, strategy: str = "keyed", root: int = 0, item_ids=None,
               threads: int | None = None, domain: int = 0, copy: bool = True) -> sp.csr_matrix:
    """The cells x genes counts ``x`` with every cell over ``target`` drawn down to it: a copy, or ``x`` itself.

    ``item_ids`` are the cells' stable ids (default: their row numbers), which
    key their streams; keep them when subsetting or chunking and each cell's
    result stays the same.  ``threads``: numba threads (``reuse`` always uses one).
    ``copy=False`` draws a float32 CSR ``x`` down in place, as scanpy's
    ``downsample_counts`` does by default (and as the benchmarks time it: the
    copy is not the call under test).
    """
    if copy:
        x = sp.csr_matrix(x, dtype=np.float32, copy=True)
    elif not (sp.issparse(x) and x.format == "csr" and x.dtype == np.float32):
        raise ValueError("copy=False needs a float32 CSR matrix (it is drawn down in place)")
    ids = np.arange(x.shape[0], dtype=np.uint64) if item_ids is None else _checked_ids(item_ids, x.shape[0])
    if int(target) < 0:
        raise ValueError(f"target must be >= 0, got {target}")
    totals = np.asarray(x.sum(axis=1)).ravel()
    rows = np.flatnonzero(totals > target).astype(np.int64)
    states = streams.table(strategy, root, ids[rows])
    pick = np.int64(streams.get(strategy).pick)
    with streams.numba_threads(streams.threads_for(strategy, threads)):
        _downsample_rows(x.indptr.astype(np.int64), x.data, rows, ids[rows], pick, states,
                         keys.root_word(root), np.uint64(domain), np.int64(target))
    x.eliminate_zeros()
    return x
