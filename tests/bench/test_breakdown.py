"""The per-cell legacy cost in parts: each part runs on its own, and the bookkeeping part does scanpy's row work."""

from __future__ import annotations

import numpy as np
import pytest

from rngbench.bench import breakdown, datasets
from rngbench.bench.workloads import downsample


@pytest.fixture(scope="module")
def small():
    return datasets.warmup_data(60)


@pytest.mark.parametrize("case", breakdown.CASES)
def test_bookkeeping_draws_every_row_down_to_the_target(small, case):
    inp = downsample.inputs(small.copy(), case)
    before = np.asarray(inp["x"].sum(axis=1)).ravel()
    breakdown.prepare(inp, "bookkeeping")()
    after = np.asarray(inp["x"].sum(axis=1)).ravel()
    over = before > inp["target"]
    assert over.any() and np.all(after[over] == inp["target"]) and np.all(after[~over] == before[~over])
    assert breakdown.rows_drawn(downsample.inputs(small.copy(), case)) == int(over.sum())


@pytest.mark.parametrize("part", breakdown.PARTS)
def test_every_part_runs_in_the_installed_scanpy(small, part):
    inp = downsample.inputs(small.copy(), "per_cell_3")
    data = inp["x"].data.copy()
    breakdown.prepare(inp, part)()
    changed = not np.array_equal(inp["adata"].X.data if part == "call" else inp["x"].data, data)
    assert changed == (part in ("call", "bookkeeping"))  # seeding and draws leave the counts alone
