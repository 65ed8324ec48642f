"""Benchmark inputs: pbmc68k_reduced's counts rebuilt, and synthetic counts calibrated to them.

Nothing here touches the network.  ``pbmc68k_reduced`` ships inside scanpy;
its ``.raw`` holds ``log1p(counts / n_counts * 10_000)`` rounded to three
decimals, so the integer counts come back as ``expm1(raw) * n_counts / 1e4``
rounded -- :func:`rebuild_counts` returns how far from an integer the worst
value was, so a test can check the rebuild really is integral.

The synthetic datasets copy pbmc68k's per-cluster gene means, per-gene
negative-binomial dispersions and library-size spread (and so its sparsity)
at 10,000 cells (default) and 100,000 cells (nightly).  They are generated
from a fixed seed, so every machine gets the same matrix, and cached on disk
(``RNGBENCH_CACHE``, default ``~/.cache/rngbench``) by :func:`load`, which asv
calls from ``setup_cache`` -- never inside a timed region.

Every dataset is returned *prepared*: ``X`` raw counts (float32 CSR),
``layers["lognorm"]`` (normalised to 1e4 + log1p), ``obsm["X_pca"]`` and a
UMAP neighbour graph in ``obsp`` built with exact kNN (deterministic and
independent of the installed scanpy), and ``obs["batch"]`` for scrublet.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from rngbench import paths
from rngbench.util import atomic

FORMAT = 1  # bump when what load() returns changes: old cache files are then ignored
SYNTH_SEED = 20240613
N_PCS = 30
N_NEIGHBORS = 15
TARGET_SUM = 1e4


@dataclass(frozen=True)
class Dataset:
    name: str
    source: str  # "pbmc68k" or "synthetic"
    n_cells: int | None = None
    n_batches: int = 2
    nightly: bool = False


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset("pbmc68k_reduced", "pbmc68k", n_batches=2),
        Dataset("synthetic_10k", "synthetic", 10_000, n_batches=4),
        Dataset("synthetic_100k", "synthetic", 100_000, n_batches=8, nightly=True),
    )
}


DEFAULT = "pbmc68k_reduced"
"""The default dataset: the one a comparison runs on unless told otherwise (it ships with scanpy)."""


def names(nightly: bool | None = None) -> list[str]:
    """Dataset names for a run: the default ones, plus the nightly ones if asked (or ``RNGBENCH_NIGHTLY=1``).

    ``RNGBENCH_DATASETS`` (comma-separated) overrides both: ``rngbench compare``
    sets it so that asv's discovery and every benchmark process see the same
    parameter list.
    """
    chosen = os.environ.get("RNGBENCH_DATASETS", "").strip()
    if chosen:
        return parse_names(chosen)
    if nightly is None:
        nightly = os.environ.get("RNGBENCH_NIGHTLY", "") not in ("", "0")
    return [d.name for d in DATASETS.values() if nightly or not d.nightly]


def parse_names(text: str) -> list[str]:
    """``"a,b"`` -> ``["a", "b"]``, each a known dataset; ValueError names the unknown one."""
    wanted = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in DATASETS]
    if unknown or not wanted:
        raise ValueError(f"unknown dataset {', '.join(unknown) or repr(text)} (known: {', '.join(DATASETS)})")
    return list(dict.fromkeys(wanted))


# ---------------------------------------------------------------- pbmc68k_reduced


def rebuild_counts(raw_lognorm: sp.spmatrix, n_counts: np.ndarray, target_sum: float = TARGET_SUM):
    """Integer counts from ``log1p(counts / n_counts * target_sum)``; returns ``(counts, worst_deviation)``.

    ``worst_deviation`` is the largest distance of an un-rounded value from its
    integer: well below 0.5 means the rebuild is unambiguous.
    """
    x = sp.csr_matrix(raw_lognorm, dtype=np.float64, copy=True)
    scale = np.repeat(np.asarray(n_counts, dtype=np.float64) / target_sum, np.diff(x.indptr))
    values = np.expm1(x.data) * scale
    rounded = np.rint(values)
    worst = float(np.abs(values - rounded).max()) if values.size else 0.0
    x.data = rounded
    x.eliminate_zeros()
    return x.astype(np.int32), worst


def lognormalise(counts: sp.spmatrix, target_sum: float = TARGET_SUM) -> sp.csr_matrix:
    """``log1p(counts / total * target_sum)`` per cell, as scanpy's normalize_total + log1p."""
    x = sp.csr_matrix(counts, dtype=np.float64, copy=True)
    totals = np.asarray(x.sum(axis=1)).ravel()
    x.data = np.log1p(x.data * np.repeat(target_sum / np.maximum(totals, 1), np.diff(x.indptr)))
    return x.astype(np.float32)


def pbmc68k_counts():
    """pbmc68k_reduced (bundled with scanpy) with integer counts in ``X`` and clusters in ``obs``."""
    import anndata as ad
    import scanpy as sc

    ref = sc.datasets.pbmc68k_reduced()
    counts, worst = rebuild_counts(ref.raw.X, ref.obs["n_counts"].to_numpy())
    if worst > 0.25:
        raise ValueError(f"pbmc68k_reduced raw layer did not rebuild to integers (worst deviation {worst:.3f})")
    adata = ad.AnnData(
        X=counts.astype(np.float32),
        obs={"cluster": ref.obs["louvain"].astype(str).to_numpy()},
        var={"gene": ref.raw.var_names.to_numpy()},
    )
    adata.obs_names = ref.obs_names.to_numpy()
    adata.var_names = ref.raw.var_names.to_numpy()
    return adata


# ---------------------------------------------------------------- calibration and synthesis


@dataclass(frozen=True)
class Calibration:
    """What a synthetic dataset copies from pbmc68k: enough to match means, dispersions and sparsity."""

    cluster_weights: np.ndarray  # (k,)
    cluster_means: np.ndarray  # (k, genes): mean counts at the mean library size
    inv_dispersion: np.ndarray  # (genes,): NB size parameter r
    log_libsize_mean: float
    log_libsize_sd: float
    genes: np.ndarray

    def digest(self) -> str:
        h = hashlib.sha256()
        for arr in (self.cluster_weights, self.cluster_means, self.inv_dispersion):
            h.update(np.ascontiguousarray(arr, dtype=np.float64).round(10).tobytes())
        h.update(f"{self.log_libsize_mean:.10f}{self.log_libsize_sd:.10f}".encode())
        return h.hexdigest()[:12]


def calibrate(counts: sp.spmatrix, clusters: np.ndarray, genes: np.ndarray) -> Calibration:
    """Fit per-cluster gene means, per-gene NB dispersions (moments) and the library-size spread."""
    x = sp.csr_matrix(counts, dtype=np.float64)
    totals = np.asarray(x.sum(axis=1)).ravel()
    size = totals / totals.mean()
    labels, codes = np.unique(np.asarray(clusters), return_inverse=True)
    weights = np.bincount(codes, minlength=len(labels)) / len(codes)
    normed = sp.diags(1 / size) @ x
    means = np.vstack([np.asarray(normed[codes == k].mean(axis=0)).ravel() for k in range(len(labels))])
    expected = size[:, None] * means[codes]  # dense (cells, genes): pbmc68k is small
    dense = x.toarray()
    excess = ((dense - expected) ** 2 - expected).sum(axis=0)
    phi = np.clip(excess / np.maximum((expected**2).sum(axis=0), 1e-12), 1e-3, 1e3)
    log_tot = np.log(totals)
    return Calibration(weights, means, 1 / phi, float(log_tot.mean()), float(log_tot.std()), np.asarray(genes))


def synthesize(calib: Calibration, n_cells: int, n_batches: int, seed: int = SYNTH_SEED, chunk: int = 10_000):
    """A deterministic synthetic count matrix (CSR float32) with clusters and batches, from ``calib``."""
    import anndata as ad

    rng = np.random.Generator(np.random.PCG64(seed))
    codes = rng.choice(len(calib.cluster_weights), size=n_cells, p=calib.cluster_weights)
    mean_total = np.exp(calib.log_libsize_mean + calib.log_libsize_sd**2 / 2)
    size = np.exp(rng.normal(calib.log_libsize_mean, calib.log_libsize_sd, n_cells)) / mean_total
    r = calib.inv_dispersion
    blocks = []
    for start in range(0, n_cells, chunk):
        stop = min(start + chunk, n_cells)
        m = size[start:stop, None] * calib.cluster_means[codes[start:stop]]
        block = rng.negative_binomial(r, r / (r + np.maximum(m, 1e-12)))
        blocks.append(sp.csr_matrix(block.astype(np.float32)))
    x = sp.vstack(blocks, format="csr")
    adata = ad.AnnData(X=x, obs={"cluster": codes.astype(str)})
    adata.obs_names = [f"cell{i}" for i in range(n_cells)]
    adata.var_names = calib.genes.astype(str)
    adata.obs["batch"] = np.array([f"b{i % n_batches}" for i in range(n_cells)])
    return adata


# ---------------------------------------------------------------- preparation and cache


def prepare(adata, n_batches: int):
    """Add lognorm, PCA and an exact-kNN UMAP graph: the inputs PCA / UMAP / scrublet workloads start from."""
    from sklearn.decomposition import PCA
    from sklearn.neighbors import NearestNeighbors
    from umap.umap_ import fuzzy_simplicial_set

    if "batch" not in adata.obs:
        adata.obs["batch"] = np.array([f"b{i % n_batches}" for i in range(adata.n_obs)])
    lognorm = lognormalise(adata.X)
    adata.layers["lognorm"] = lognorm
    pcs = PCA(n_components=N_PCS, svd_solver="arpack", random_state=0).fit_transform(lognorm)
    adata.obsm["X_pca"] = pcs.astype(np.float32)
    nn = NearestNeighbors(n_neighbors=N_NEIGHBORS).fit(pcs)
    dists, idx = nn.kneighbors(pcs)
    graph, _, _ = fuzzy_simplicial_set(
        pcs, N_NEIGHBORS, random_state=np.random.RandomState(0), metric="euclidean",
        knn_indices=idx, knn_dists=dists.astype(np.float32),
    )
    n = adata.n_obs
    indptr = np.arange(0, n * (N_NEIGHBORS - 1) + 1, N_NEIGHBORS - 1)
    distances = sp.csr_matrix((dists[:, 1:].ravel(), idx[:, 1:].ravel(), indptr), shape=(n, n))
    adata.obsp["connectivities"] = sp.csr_matrix(graph)
    adata.obsp["distances"] = distances
    adata.uns["neighbors"] = {
        "connectivities_key": "connectivities",
        "distances_key": "distances",
        "params": {"n_neighbors": N_NEIGHBORS, "method": "umap", "metric": "euclidean", "use_rep": "X_pca",
                   "random_state": 0},
    }
    return adata


def warmup_data(n_cells: int = 300):
    """A small prepared dataset built in memory (no cache): enough to JIT-compile every workload's numba code."""
    base = pbmc68k_counts()[:n_cells].copy()
    return prepare(base, n_batches=2)


def cache_dir() -> Path:
    return paths.cache_dir() / "data"


def _build(name: str):
    spec = DATASETS[name]
    base = pbmc68k_counts()
    if spec.source == "pbmc68k":
        return prepare(base, spec.n_batches), {}
    calib = calibrate(base.X, base.obs["cluster"].to_numpy(), base.var_names.to_numpy())
    adata = synthesize(calib, spec.n_cells, spec.n_batches)
    return prepare(adata, spec.n_batches), {"calibration": calib.digest()}


def cache_path(name: str) -> Path:
    spec = DATASETS[name]
    key = hashlib.sha256(json.dumps([FORMAT, SYNTH_SEED, N_PCS, N_NEIGHBORS, spec.__dict__]).encode()).hexdigest()[:10]
    return cache_dir() / f"{name}-{key}.h5ad"


def ensure(name: str) -> Path:
    """Build ``name`` once and cache it on disk (written to a temp file, then renamed); return the path."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r} (known: {', '.join(DATASETS)})")
    path = cache_path(name)
    if path.exists():
        return path
    adata, meta = _build(name)
    adata.uns["rngbench"] = {"dataset": name, "format": FORMAT, **meta}
    with atomic.replacing(path) as tmp:
        adata.write_h5ad(tmp)
    return path


def load(name: str):
    """The prepared AnnData for ``name`` (built and cached on first use)."""
    import anndata as ad

    return ad.read_h5ad(ensure(name))


def peer_dense_pbmc() -> Path:
    """pbmc68k_reduced as scanpy's own benchmark suite prepares its "counts": ``.raw.X`` dense, C order.

    These are scanpy's bundled log-normalised values, not counts (scanpy's
    suite says so itself); :class:`rngbench.bench.suite.PeerSemantics` runs
    on them so that its figures and scanpy's suite's measure the same input.
    """
    path = cache_dir() / f"peer_dense_pbmc68k_reduced-{FORMAT}.h5ad"
    if path.exists():
        return path
    import anndata as ad
    import scanpy as sc

    ref = sc.datasets.pbmc68k_reduced()
    adata = ad.AnnData(X=np.ascontiguousarray(ref.raw.X.toarray()), obs=ref.obs.copy(), var=ref.raw.var.copy())
    with atomic.replacing(path) as tmp:
        adata.write_h5ad(tmp)
    return path
