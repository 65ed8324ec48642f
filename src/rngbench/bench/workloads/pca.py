"""PCA with the arpack and randomized solvers, on dense and sparse input (lognormalised counts).

Randomness enters once per solver call: arpack's start vector ``v0`` and the
randomized range finder's Gaussian test matrix.  sklearn's PCA only takes
``random_state``, so every strategy is turned into a ``RandomState``
(:func:`rngbench.bench.strategies.as_random_state`): ``legacy`` passes
``RandomState(0)``; ``Generator`` and ``spawn`` wrap one spawned child per
solver call (what scanpy 1.13's ``_legacy_random_state`` does); ``reuse``
wraps the caller's own bit generator; ``keyed`` wraps the solver call's
keyed stream (item 0).

Reference kernel = sklearn's PCA, exactly as scanpy calls it (so outputs are
equal), except sparse + randomized: sklearn cannot do that, scanpy silently
falls back to arpack (shown as n/a in the scanpy layer), and the reference
runs its own implicitly centred randomized SVD so the column still measures
a randomized solver.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from rngbench.bench import strategies
from rngbench.bench.workloads._common import import_scanpy, quiet, scanpy_kwargs

NAME = "pca"
CASES = ("arpack_dense", "arpack_sparse", "randomized_dense", "randomized_sparse")
N_COMPS = 50
NOT_IN_SCANPY = {"randomized_sparse": "scanpy runs arpack instead of randomized on sparse input"}


def _solver_and_format(case: str) -> tuple[str, bool]:
    solver, fmt = case.split("_")
    return solver, fmt == "sparse"


def inputs(adata, case: str) -> dict:
    solver, sparse = _solver_and_format(case)
    x = sp.csr_matrix(adata.layers["lognorm"], dtype=np.float32)
    n_comps = min(N_COMPS, min(x.shape) - 1)
    return {"x": x if sparse else x.toarray(), "solver": solver, "sparse": sparse, "n_comps": n_comps}


def _randomized_centred(x: sp.csr_matrix, k: int, rs: np.random.RandomState, n_oversamples=10, n_iter=4):
    """Randomized SVD of ``x - mean`` without densifying ``x`` (Halko et al.; sklearn's defaults)."""
    mu = np.asarray(x.mean(axis=0)).ravel()

    def xc(m):  # (x - 1 mu) @ m
        return x @ m - np.outer(np.ones(x.shape[0]), mu @ m)

    def xct(m):  # (x - 1 mu).T @ m
        return x.T @ m - np.outer(mu, m.sum(axis=0))

    q = xc(rs.normal(size=(x.shape[1], k + n_oversamples)))
    for _ in range(n_iter):
        q, _ = np.linalg.qr(xc(xct(q)))
    q, _ = np.linalg.qr(q)
    u_b, s, _ = np.linalg.svd(xct(q).T, full_matrices=False)
    return (q @ u_b[:, :k]) * s[:k]


def reference(inp: dict, strategy: str, rng=None) -> np.ndarray:
    """The PCA embedding (float32) for ``strategy``: one solver call, one RandomState."""
    from sklearn.decomposition import PCA

    rng = strategies.make_rng(strategy) if rng is None else rng
    [call_rng] = strategies.per_item(strategy, rng, 1)  # spawn: one child per solver call; keyed: item 0
    rs = strategies.as_random_state("reuse" if strategy in ("spawn", "keyed") else strategy, call_rng)
    if inp["sparse"] and inp["solver"] == "randomized":
        return _randomized_centred(inp["x"], inp["n_comps"], rs).astype(np.float32)
    pca = PCA(n_components=inp["n_comps"], svd_solver=inp["solver"], random_state=rs)
    return pca.fit_transform(inp["x"]).astype(np.float32)


def scanpy_function(case: str | None = None):
    sc = import_scanpy()
    return sc.pp.pca


def scanpy_call(inp: dict, strategy: str, bit_generator=np.random.PCG64) -> np.ndarray:
    if inp["sparse"] and inp["solver"] == "randomized":
        raise strategies.NotApplicable(NOT_IN_SCANPY["randomized_sparse"])
    func = scanpy_function()
    kwargs = scanpy_kwargs(func, strategy, bit_generator)
    with quiet():
        return func(inp["x"], n_comps=inp["n_comps"], svd_solver=inp["solver"], **kwargs)


def warm(adata) -> None:
    """PCA has no JIT; one small call loads sklearn's and scipy's lazily imported solvers."""
    inp = inputs(adata[:60].copy(), "arpack_dense")
    inp["n_comps"] = 5
    reference(inp, "legacy")
