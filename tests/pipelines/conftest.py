"""Constructed recordings: recorder-format outputs written from arrays chosen by each test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rngbench.golden import output as recorder_output
from rngbench.pipelines import catalogue, digests

PLATFORM = {"machine": "x86_64", "blas_core": "Haswell", "blas_version": "0.3.test", "cpu_vendor": "TestCPU"}
BASE = {"python": "3.12.1", "numpy": "2.4.4", "numba": "0.68.1", "scipy": "1.18.1", "scikit-learn": "1.9.1",
        "umap-learn": "0.5.12", "scanpy": "1.12.4"}
COUNTS = "pbmc68k_reduced:downsample.per_cell:scanpy:legacy"
PCA = "pbmc68k_reduced:pca.arpack_dense:scanpy:legacy"
UMAP = "pbmc68k_reduced:umap_init.full_short:scanpy:legacy"
DOUBLETS = "pbmc68k_reduced:scrublet.full:scanpy:legacy"


def base_arrays(seed: int = 0) -> dict[str, dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    counts = rng.poisson(2.0, size=(200, 30)).astype(np.float32)
    x = rng.normal(size=(200, 30))
    xc = x - x.mean(axis=0)
    u, s, vt = np.linalg.svd(xc, full_matrices=False)
    scores = (u[:, :5] * s[:5]).astype(np.float32)
    return {
        COUNTS: digests.counts(counts),
        PCA: digests.pca(scores, x),
        UMAP: digests.embedding(rng.normal(size=(200, 2)).astype(np.float32)),
        DOUBLETS: digests.doublets(rng.uniform(0, 0.5, 200), 0.25),
    }


def write_recording(folder: Path, versions: dict, parts: dict[str, dict[str, np.ndarray]],
                    platform: dict | None = None, status: dict[str, str] | None = None,
                    noise: dict[str, dict] | None = None) -> Path:
    doc = {"format": catalogue.FORMAT, "catalogue": catalogue.digest(), "env": dict(versions),
           "platform": platform or PLATFORM, "threads_compared": [1, 2], "inputs": {}}
    results = []
    for case_id, p in parts.items():
        st = (status or {}).get(case_id, "ok")
        entry = {"id": case_id, "status": st, "error": "ValueError: boom" if st == "raises" else None,
                 "same_twice": True, "same_threads": (noise or {}).get(case_id) is None,
                 "noise": (noise or {}).get(case_id)}
        results.append((entry, p if st == "ok" else {}))
    return recorder_output.write(folder, doc, results)


@pytest.fixture
def recording(tmp_path):
    counter = iter(range(1000))

    def make(versions=None, parts=None, **kw):
        return write_recording(tmp_path / f"rec{next(counter)}", versions or BASE,
                               parts if parts is not None else base_arrays(), **kw)

    return make
