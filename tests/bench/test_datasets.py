"""pbmc68k counts rebuilt from the raw layer, calibrated synthetic data, and the on-disk cache."""

import numpy as np
import pytest
import scipy.sparse as sp

from fixtures.bench_data import cache_dir, pbmc
from rngbench.bench import datasets as data


def _reference():
    import scanpy as sc

    return sc.datasets.pbmc68k_reduced()


def test_rebuild_counts_round_trips_a_known_matrix():
    counts = sp.csr_matrix(np.array([[0, 3, 1, 10], [5, 0, 0, 2]], dtype=float))
    totals = np.array([14.0, 7.0])
    lognorm = counts.copy()
    lognorm.data = np.round(np.log1p(lognorm.data * np.repeat(1e4 / totals, np.diff(lognorm.indptr))), 3)
    rebuilt, worst = data.rebuild_counts(lognorm, totals)
    assert np.array_equal(rebuilt.toarray(), counts.toarray())
    assert worst < 0.05


def test_pbmc68k_counts_are_integers_that_reproduce_the_stored_normalised_values():
    ref = _reference()
    n_counts = ref.obs["n_counts"].to_numpy()
    counts, worst = data.rebuild_counts(ref.raw.X, n_counts)
    assert worst < 0.25  # every value was unambiguously next to an integer
    assert counts.dtype == np.int32 and counts.nnz == sp.csr_matrix(ref.raw.X).nnz
    x = counts.astype(np.float64)
    x.data = np.log1p(x.data * np.repeat(1e4 / n_counts, np.diff(x.indptr)))
    assert np.abs(x.toarray() - ref.raw.X.toarray()).max() < 2e-3  # raw is stored to 3 decimals
    if "counts" in ref.layers:  # scanpy 1.13 ships the counts too: they must agree
        assert np.array_equal(counts.toarray(), sp.csr_matrix(ref.layers["counts"]).toarray())


def test_synthetic_data_is_deterministic_and_calibrated_to_pbmc68k():
    base = data.pbmc68k_counts()
    calib = data.calibrate(base.X, base.obs["cluster"].to_numpy(), base.var_names.to_numpy())
    a = data.synthesize(calib, 3000, n_batches=3)
    b = data.synthesize(calib, 3000, n_batches=3)
    assert (a.X != b.X).nnz == 0
    zeros = lambda x: 1 - x.nnz / np.prod(x.shape)  # noqa: E731
    assert abs(zeros(a.X) - zeros(base.X)) < 0.03
    mean_a, mean_b = np.asarray(a.X.mean(axis=0)).ravel(), np.asarray(base.X.mean(axis=0)).ravel()
    assert np.corrcoef(np.log1p(mean_a), np.log1p(mean_b))[0, 1] > 0.97
    assert sorted(a.obs["batch"].unique()) == ["b0", "b1", "b2"]


def test_datasets_default_and_nightly():
    assert data.names(nightly=False) == ["pbmc68k_reduced", "synthetic_10k"]
    assert "synthetic_100k" in data.names(nightly=True)


def test_rngbench_datasets_picks_the_datasets_every_asv_process_sees(monkeypatch):
    monkeypatch.setenv("RNGBENCH_DATASETS", "synthetic_100k, pbmc68k_reduced")
    assert data.names() == data.names(nightly=False) == ["synthetic_100k", "pbmc68k_reduced"]
    monkeypatch.setenv("RNGBENCH_DATASETS", "pbmc68k_reduced,pbmc3k")
    with pytest.raises(ValueError, match="unknown dataset pbmc3k"):
        data.names()


def test_load_builds_once_and_caches_on_disk():
    adata = pbmc()
    path = data.cache_path("pbmc68k_reduced")
    assert path.exists() and str(path).startswith(cache_dir())
    stamp = path.stat().st_mtime_ns
    assert data.ensure("pbmc68k_reduced") == path and path.stat().st_mtime_ns == stamp
    assert not list(path.parent.glob(".*.h5ad"))  # no temp file left behind
    assert adata.shape == (700, 765)
    assert {"lognorm"} <= set(adata.layers) and adata.obsm["X_pca"].shape == (700, data.N_PCS)
    assert adata.obsp["connectivities"].shape == (700, 700)
