"""The prepared datasets, handed to every environment as plain arrays.

Each benchmark environment has its own anndata (0.12 with scanpy 1.10, 0.13
later), whose h5ad files older releases may not read; and a result golden is
only meaningful if every environment starts from the same bytes.  So
rngbench's own environment prepares each dataset once (``rngbench.data``)
and writes its arrays to an ``.npz``; the recorder rebuilds an AnnData from
them with whatever anndata it has.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from rngbench import paths
from rngbench.util import atomic

_SPARSE = ("X", "lognorm", "connectivities", "distances")


def export(name: str, folder: Path) -> Path:
    """Write ``folder/<name>.npz`` (once) from ``rngbench.data.load(name)``; returns its path."""
    from rngbench.bench import datasets as data

    path = Path(folder) / f"{name}.npz"
    if path.exists():
        return path
    adata = data.load(name)
    mats = {"X": adata.X, "lognorm": adata.layers["lognorm"], "connectivities": adata.obsp["connectivities"],
            "distances": adata.obsp["distances"]}
    arrays = {"X_pca": np.asarray(adata.obsm["X_pca"]), "batch": adata.obs["batch"].astype(str).to_numpy(),
              "obs_names": np.asarray(adata.obs_names.astype(str)),
              "var_names": np.asarray(adata.var_names.astype(str))}
    for key, m in mats.items():
        m = sp.csr_matrix(m)
        arrays.update({f"{key}.data": m.data, f"{key}.indices": m.indices, f"{key}.indptr": m.indptr,
                       f"{key}.shape": np.asarray(m.shape)})
    with atomic.replacing(path) as tmp:
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, **{k: np.asarray(v, dtype=str) if v.dtype == object else v
                                       for k, v in arrays.items()})
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def load(path: Path):
    """An AnnData prepared as ``rngbench.data`` prepares it, from the arrays of :func:`export`."""
    import anndata as ad

    with np.load(path) as z:
        mats = {key: sp.csr_matrix((z[f"{key}.data"], z[f"{key}.indices"], z[f"{key}.indptr"]),
                                   shape=tuple(z[f"{key}.shape"])) for key in _SPARSE}
        adata = ad.AnnData(X=mats["X"].astype(np.float32))
        adata.obs_names = z["obs_names"].astype(str)
        adata.var_names = z["var_names"].astype(str)
        adata.obs["batch"] = z["batch"].astype(str)
        adata.layers["lognorm"] = mats["lognorm"]
        adata.obsm["X_pca"] = np.asarray(z["X_pca"])
    adata.obsp["connectivities"] = mats["connectivities"]
    adata.obsp["distances"] = mats["distances"]
    n_neighbors = int(np.diff(mats["distances"].indptr).max()) + 1
    adata.uns["neighbors"] = {
        "connectivities_key": "connectivities", "distances_key": "distances",
        "params": {"n_neighbors": n_neighbors, "method": "umap", "metric": "euclidean", "use_rep": "X_pca",
                   "random_state": 0},
    }
    return adata


def folder() -> Path:
    """Where the exported arrays live (beside rngbench's dataset cache)."""
    return paths.cache_dir() / "pipeline-inputs"
