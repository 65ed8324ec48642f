"""The timed region is the call under test: no copy of the input inside ``time_run``, fresh inputs every sample."""

import anndata
import numpy as np
import pytest
import scipy.sparse as sp

from fixtures.bench_data import pbmc
from rngbench.bench import datasets, suite

COPIES = [
    (anndata.AnnData, "copy"),
    (sp._data._data_matrix, "copy"),
    (sp._base._spbase, "copy"),
]


@pytest.fixture
def copy_counter(monkeypatch):
    """Counts every AnnData / scipy.sparse ``.copy()`` and ``np.copy`` made while it is switched on."""
    calls = {"n": 0, "on": False}

    def counting(original):
        def wrapper(*args, **kwargs):
            if calls["on"]:
                calls["n"] += 1
            return original(*args, **kwargs)
        return wrapper

    for owner, name in COPIES:
        monkeypatch.setattr(owner, name, counting(getattr(owner, name)))
    monkeypatch.setattr(np, "copy", counting(np.copy))
    return calls


def _benchmark(layer: str):
    class Downsample(suite.ScanpyBenchmark if layer == "scanpy" else suite.ReferenceBenchmark):
        workload = "downsample"

    return Downsample()


@pytest.mark.parametrize("layer", ["reference", "scanpy"])
@pytest.mark.parametrize("case", ["per_cell_3", "total"])
def test_time_run_copies_nothing_and_changes_its_fresh_input(copy_counter, monkeypatch, layer, case):
    monkeypatch.setattr(suite, "_warmed", set(suite.WORKLOADS))  # warming takes seconds; numba compiles on first call
    pbmc()  # the dataset is built (once) in the test cache
    paths = {"pbmc68k_reduced": str(datasets.ensure("pbmc68k_reduced"))}
    bench = _benchmark(layer)
    bench.setup(paths, "pbmc68k_reduced", case, "legacy")
    before = bench.inp["adata"].X.sum()
    copy_counter["on"] = True
    bench.time_run(paths, "pbmc68k_reduced", case, "legacy")
    copy_counter["on"] = False
    assert copy_counter["n"] == 0
    assert bench.inp["adata"].X.sum() < before  # the work happened, in place
    bench.setup(paths, "pbmc68k_reduced", case, "legacy")  # asv's setup before the next sample
    assert bench.inp["adata"].X.sum() == before  # ... gives it untouched data again


@pytest.mark.parametrize("strategy", ["keyed", "reuse"])
def test_the_numba_layer_draws_its_fresh_input_down_in_place(copy_counter, monkeypatch, strategy):
    """The parallel numba kernel works on ``inp["x"]`` itself: its sum drops, and nothing is copied."""
    monkeypatch.setattr(suite, "_warmed", set(suite.WORKLOADS))
    pbmc()
    paths = {"pbmc68k_reduced": str(datasets.ensure("pbmc68k_reduced"))}

    class DownsampleNumba(suite.NumbaBenchmark):
        workload = "downsample"

    bench = DownsampleNumba()
    bench.setup(paths, "pbmc68k_reduced", "per_cell", strategy, 1)
    x = bench.inp["x"]
    before = x.sum()
    copy_counter["on"] = True
    bench.time_run(paths, "pbmc68k_reduced", "per_cell", strategy, 1)
    copy_counter["on"] = False
    assert copy_counter["n"] == 0
    assert bench.inp["x"] is x and x.sum() < before  # the kernel drew the input itself down, not a copy
    bench.setup(paths, "pbmc68k_reduced", "per_cell", strategy, 1)
    assert bench.inp["x"].sum() == before


def test_the_counter_sees_a_copy(copy_counter):
    copy_counter["on"] = True
    sp.csr_matrix(np.eye(3)).copy()
    anndata.AnnData(np.eye(3)).copy()
    assert copy_counter["n"] >= 2
