"""``downsample_counts``: per cell (one random draw per cell over target) and in total (one draw).

This is where the spawn-vs-reuse argument started: per-cell downsampling draws
once per cell, so spawning a child Generator per cell (~15-20 µs each) is
paid thousands of times per call.

Reference kernel, as scanpy does it: for a row with counts ``col``, draw
``target`` of its ``total`` counts without replacement, sort them, and walk
the cumulative counts (a numba kernel, same as scanpy's).  Seed paths:

- ``legacy``: ``RandomState(0)`` *re-seeded for every cell* -- what scanpy's
  ``random_state=0`` does (1.12.4 in numba's RNG, 1.13 in numpy's global one).
- ``Generator``: one Generator, drawn from cell after cell (scanpy 1.13's ``rng=``).
- ``spawn``: one child Generator per downsampled cell.
- ``reuse``: one Generator for every cell, in sequence (= ``Generator`` here).
- ``keyed``: cell ``r`` (its row number, its stable id) draws ``keys.numpy_generator(r, root)``;
  ``total`` is one item, id 0.  The numba path for keyed / spawn / per-thread / reuse, in parallel,
  is :mod:`rngbench.keyed.downsample` (:func:`numba_kernel`, the ``DownsampleNumba`` benchmarks).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from rngbench.bench import strategies
from rngbench.bench.workloads._common import import_scanpy, quiet, scanpy_kwargs
from rngbench.keyed.downsample import redistribute

NAME = "downsample"
TRACK_GENERATORS = True  # spawn is per item here: the count grows with the data
CASES = ("per_cell", "per_cell_3", "total")
"""``per_cell``: every cell over half the median cell total is drawn down to it (the work is in the draws).
``per_cell_3``: every cell drawn down to 3 counts -- the target scanpy's own asv benchmark uses, where each
cell's draw is tiny and the seed path's fixed cost per cell dominates (this is where 1.13's legacy path
regressed).  ``total``: the whole matrix drawn down to half its total in one draw."""

FIXED_PER_CELL_TARGET = {"per_cell_3": 3}


def _downsample_row(col: np.ndarray, target: int, rng, replace: bool) -> None:
    cumcounts = col.cumsum()
    total = np.int_(cumcounts[-1])
    sample = rng.choice(total, target, replace=replace)
    sample.sort()
    redistribute(col, cumcounts, sample)


def inputs(adata, case: str) -> dict:
    """Untimed preparation: the CSR counts and the target (half the median cell total, or half the total)."""
    x = sp.csr_matrix(adata.X, dtype=np.float32)
    totals = np.asarray(x.sum(axis=1)).ravel()
    if case in FIXED_PER_CELL_TARGET:
        target = FIXED_PER_CELL_TARGET[case]
    elif case == "per_cell":
        target = int(np.median(totals) // 2)
    elif case == "total":
        target = int(totals.sum() // 2)
    else:
        raise ValueError(f"unknown downsample case {case!r}")
    kind = "total" if case == "total" else "per_cell"
    return {"x": x, "target": target, "case": case, "kind": kind, "adata": adata}


def reference(inp: dict, strategy: str, rng=None) -> sp.csr_matrix:
    """Downsample ``inp["x"]`` in place with ``strategy`` (inputs are fresh per sample: no copy is timed)."""
    rng = strategies.make_rng(strategy) if rng is None else rng
    x = inp["x"]
    target = inp["target"]
    if inp["kind"] == "total":
        if x.sum() >= target:
            [item_rng] = strategies.per_item(strategy, rng, 1)
            if strategy == "legacy":
                item_rng.seed(strategies.SEED)
            _downsample_row(x.data, target, item_rng, replace=False)
    else:
        totals = np.asarray(x.sum(axis=1)).ravel()
        over = np.flatnonzero(totals > target)
        rows = np.split(x.data, x.indptr[1:-1])
        per_cell = strategies.per_item(strategy, rng, len(over), item_ids=over)
        for row, item_rng in zip((rows[i] for i in over), per_cell):
            if strategy == "legacy":
                item_rng.seed(strategies.SEED)  # scanpy reseeds for every cell
            _downsample_row(row, target, item_rng, replace=False)
    x.eliminate_zeros()
    return x


NUMBA_CASES = ("per_cell", "per_cell_3")
"""Cases the parallel numba kernels run (``total`` is one draw: nothing to run in parallel)."""


def numba_kernel(inp: dict, strategy: str, threads: int) -> sp.csr_matrix:
    """Per-cell downsampling in :mod:`rngbench.keyed.downsample`'s ``prange`` kernel, cells keyed by row, in place
    on ``inp["x"]`` (fresh per sample, like the reference kernel's)."""
    from rngbench.keyed import downsample as kernels

    return kernels.downsample(inp["x"], inp["target"], strategy, strategies.SEED, threads=threads, copy=False)


def scanpy_function(case: str | None = None):
    sc = import_scanpy()
    return sc.pp.downsample_counts


def scanpy_call(inp: dict, strategy: str, bit_generator=np.random.PCG64):
    """``sc.pp.downsample_counts`` in place on ``inp["adata"]`` with the strategy's keyword; returns its ``X``."""
    func = scanpy_function()
    kwargs = scanpy_kwargs(func, strategy, bit_generator)
    key = "counts_per_cell" if inp["kind"] == "per_cell" else "total_counts"
    with quiet():
        func(inp["adata"], **{key: inp["target"]}, **kwargs)
    return inp["adata"].X


def warm(adata) -> None:
    """Compile the numba kernels (ours and scanpy's) on a few cells, outside any timed region."""
    small = adata[:20].copy()
    for case in CASES:
        inp = inputs(small, case)
        reference(inp, "reuse")
        if case in NUMBA_CASES:
            from rngbench.keyed import streams

            for name in streams.KERNEL_NAMES:
                numba_kernel(inp, name, threads=1)
        try:
            scanpy_call(inp, "legacy")
        except ImportError:
            pass
