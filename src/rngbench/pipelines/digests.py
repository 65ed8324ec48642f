"""What of an output is kept: the parts a comparison needs, invariant to what is not a change.

Each function returns ``{part name: array}``; a part named ``*_digest`` is only
hashed (its value digest decides identity), the others are stored in full.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit moves about half the output bits."""
    with np.errstate(over="ignore"):
        x = (x + _GOLDEN).astype(np.uint64)
        x = (x ^ (x >> np.uint64(30))) * _M1
        x = (x ^ (x >> np.uint64(27))) * _M2
        return x ^ (x >> np.uint64(31))


def cell_hashes(x) -> np.ndarray:
    """One 64-bit hash per row of a count matrix: equal rows hash equal, whatever the sparse format.

    Each non-zero (column, count) is mixed, and a row's mixes are summed (mod
    2^64) -- a cumulative sum, so empty rows hash to 0 without special cases.
    """
    x = sp.csr_matrix(x)
    x.sum_duplicates()
    x.eliminate_zeros()
    x.sort_indices()
    counts = np.rint(x.data).astype(np.int64)
    element = _mix((x.indices.astype(np.uint64) << np.uint64(32)) ^ counts.astype(np.uint64))
    with np.errstate(over="ignore"):
        cum = np.concatenate([[np.uint64(0)], np.cumsum(element, dtype=np.uint64)])
        return cum[x.indptr[1:]] - cum[x.indptr[:-1]]


def counts(x) -> dict[str, np.ndarray]:
    return {"cells": cell_hashes(x)}


def _centred_cross(x, scores: np.ndarray) -> np.ndarray:
    """``scores.T @ (x - mean(x))`` without densifying a sparse ``x``."""
    mean = np.asarray(x.mean(axis=0), dtype=np.float64).ravel()
    if sp.issparse(x):
        cross = np.asarray((x.T @ scores).T, dtype=np.float64)
    else:
        cross = scores.T @ np.asarray(x, dtype=np.float64)
    return cross - np.outer(scores.sum(axis=0), mean)


def sign_fixed(scores: np.ndarray) -> np.ndarray:
    """Each component's sign chosen so its largest-magnitude score is positive (first index on ties).

    A principal component is defined up to its sign; solvers and versions pick
    either.  Flipping a component's sign flips its every score exactly, so the
    largest magnitude stays at the same index and the result is bit-identical.
    """
    scores = np.asarray(scores, dtype=np.float64)
    top = np.argmax(np.abs(scores), axis=0)
    signs = np.where(scores[top, np.arange(scores.shape[1])] < 0, -1.0, 1.0)
    return scores * signs


def loadings(x, scores: np.ndarray) -> np.ndarray:
    """The loadings (genes x components) that produced ``scores`` from the centred ``x``.

    With ``S = Xc W`` and ``W`` the top right singular vectors, ``S^T Xc = S^T S W^T``,
    so ``W^T = (S^T S)^{-1} S^T Xc`` -- for scanpy's API and for the reference kernels
    alike, since neither layer's call returns loadings in every scanpy version.
    """
    gram = scores.T @ scores
    return np.linalg.solve(gram, _centred_cross(x, scores)).T


def pca(scores: np.ndarray, x) -> dict[str, np.ndarray]:
    fixed = sign_fixed(scores)
    return {"scores_digest": fixed.astype(np.float32), "loadings": loadings(x, fixed).astype(np.float32)}


def embedding(coords: np.ndarray) -> dict[str, np.ndarray]:
    return {"coords": np.ascontiguousarray(coords, dtype=np.float32)}


def doublets(scores: np.ndarray, threshold: float) -> dict[str, np.ndarray]:
    scores = np.asarray(scores, dtype=np.float64)
    return {"scores": scores, "calls": (scores > threshold).astype(np.uint8)}
