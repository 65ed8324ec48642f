"""Why the per-cell legacy ratio differs between machines: each scanpy version's per-cell cost, in parts.

``sc.pp.downsample_counts(..., random_state=0)`` re-seeds for every cell it
draws down.  scanpy 1.12.4 does the whole row in one numba function
(``_downsample_array``: numba's ``np.random.seed``, ``np.random.choice``, the
sort and the walk over the cumulative counts); 1.13.0a2 does it in Python
(``_if_legacy_apply_global``: ``np.random.seed`` of numpy's global
``RandomState`` plus a wrapper per row, ``RandomState.choice``, then a numba
walk).  The ratio of the two is therefore a ratio of *different* costs --
numba's seeding against numpy's, Python dispatch against none -- and each of
them moves with the CPU differently.

:data:`PARTS` time each part alone, over the rows scanpy draws down, in the
environment of each version (so each version's own numpy, numba and scanpy
run them); the probe interleaves the two versions' workers on every part
(:func:`rngbench.bench.probe.breakdown`), as it does for the headline:

- ``call``: scanpy's own call, as ``DownsampleScanpy`` times it (the sum check);
- ``seeding``: the per-row re-seeding alone;
- ``draws``: the per-row ``choice`` alone, from a generator seeded once;
- ``bookkeeping``: everything else per row -- the row split, the cumulative
  counts, the sort, the walk, the Python loop and the calls into numba --
  with the draws made beforehand (untimed).

1.12.4's parts are re-statements of the steps of its one numba function (it
cannot be timed in parts otherwise), compiled by the environment's numba;
1.13.0a2's call scanpy's own helpers.
"""

from __future__ import annotations

import numpy as np

PARTS = ("call", "seeding", "draws", "bookkeeping")
CASES = ("per_cell", "per_cell_3")
DATASETS = ("pbmc68k_reduced",)
REPLACE = False  # sc.pp.downsample_counts's default, what the benchmarks call


def _jitted():
    """1.12.4's steps as numba functions (compiled on first use, cached on disk)."""
    import numba

    @numba.njit(cache=True)
    def seed_rows(n):
        for _ in range(n):
            np.random.seed(0)

    @numba.njit(cache=True)
    def draw_rows(totals, target, replace):
        for total in totals:
            np.random.choice(total, target, replace=replace)

    @numba.njit(cache=True)
    def book_row(col, sample):
        cumcounts = col.cumsum()
        col[:] = 0
        sample.sort()
        geneptr = 0
        for count in sample:
            while count >= cumcounts[geneptr]:
                geneptr += 1
            col[geneptr] += 1

    return seed_rows, draw_rows, book_row


def legacy_1_13() -> bool:
    """Whether the installed scanpy runs the legacy path in Python (1.13) rather than in one numba function."""
    from scanpy.preprocessing import _simple

    return hasattr(_simple, "_downsample_array_inner")


def _rows(x, target: int) -> tuple[list[np.ndarray], np.ndarray]:
    totals = np.asarray(x.sum(axis=1)).ravel()
    over = np.flatnonzero(totals > target)
    rows = np.split(x.data, x.indptr[1:-1])
    return [rows[i] for i in over], totals[over].astype(np.int_)


def prepare(inp: dict, part: str):
    """Untimed: the zero-argument callable that does ``part`` once over the cells (``inp``: downsample.inputs)."""
    from rngbench.bench.workloads import downsample

    if part == "call":
        return lambda: downsample.scanpy_call(inp, "legacy")
    x, target = inp["x"], int(inp["target"])
    rows, totals = _rows(x, target)
    draws = np.random.default_rng(0)
    samples = [draws.choice(int(t), target, replace=REPLACE) for t in totals]  # stand-ins for the draws
    if legacy_1_13():
        return _parts_1_13(part, x, target, totals, samples)
    return _parts_1_12(part, x, target, totals, samples)


def _parts_1_13(part, x, target, totals, samples):
    from scanpy._utils.random import _if_legacy_apply_global, _LegacyRng
    from scanpy.preprocessing._simple import _downsample_array_inner

    legacy = _LegacyRng(0)
    if part == "seeding":
        return lambda: [_if_legacy_apply_global(legacy) for _ in range(len(totals))]
    if part == "draws":
        wrapped = _if_legacy_apply_global(legacy)
        return lambda: [wrapped.choice(t, target, replace=REPLACE) for t in totals]

    def bookkeeping():
        rows, _ = _rows(x, target)
        for row, sample in zip(rows, samples):
            cumcounts = row.cumsum()
            sample.sort()
            _downsample_array_inner(row, cumcounts, sample, inplace=True)
        x.eliminate_zeros()

    return bookkeeping


def _parts_1_12(part, x, target, totals, samples):
    seed_rows, draw_rows, book_row = _jitted()
    if part == "seeding":
        return lambda: seed_rows(len(totals))
    if part == "draws":
        np.random.seed(0)
        return lambda: draw_rows(totals, target, REPLACE)

    def bookkeeping():
        rows, _ = _rows(x, target)
        for row, sample in zip(rows, samples):
            book_row(row, sample)
        x.eliminate_zeros()

    return bookkeeping


def warm(inp: dict) -> None:
    """Compile every part once on a few cells (numba), outside any timed region."""
    for part in PARTS:
        prepare(inp, part)()


def rows_drawn(inp: dict) -> int:
    """How many rows a call draws down (the per-row figures divide by this)."""
    return len(_rows(inp["x"], int(inp["target"]))[1])
