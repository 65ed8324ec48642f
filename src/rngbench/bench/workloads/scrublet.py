"""Scrublet: doublet simulation alone, and the full call with and without ``batch_key``.

Random sub-tasks inside one scrublet run: choosing the parent pairs of the
simulated doublets, and the arpack PCA of the manifold (plus, in scanpy, the
approximate kNN on large inputs).  With ``batch_key`` each batch is a separate
run.  Strategies:

- ``legacy``: one ``RandomState(0)`` for everything, in sequence.
- ``Generator``: what scanpy 1.13 does with ``rng=``: one child per batch
  (``rng.spawn(n_batches)``), inside a batch the Generator for the pairs and
  one spawned child for the PCA's ``RandomState``.
- ``spawn``: one child per batch and, inside it, one child per sub-task.
- ``reuse``: one Generator for every batch and sub-task, in sequence.
- ``keyed``: batch ``b`` (its position among the sorted batch labels; 0 without batches) is the
  item id and the sub-task its ``domain`` (:data:`SUB_TASK_DOMAINS`): stream (b, root, sub-task).

Reference kernel: the simulation is scanpy's algorithm (``sample_comb`` then
adding the two parents' counts), so it is checked equal to
``sc.pp.scrublet_simulate_doublets``.  The full call is a compact scrublet
(gene filter, normalise, top-dispersion genes, simulate, z-score, arpack PCA,
exact kNN, Wolock et al.'s doublet score): the same random sub-tasks, but not
scanpy's exact preprocessing or kNN, so its scores are not compared.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from rngbench.bench import strategies
from rngbench.bench.workloads._common import import_scanpy, quiet, scanpy_kwargs

NAME = "scrublet"
TRACK_GENERATORS = False  # a handful per call (1 + batches x sub-tasks): not worth a run
CASES = ("simulate", "full", "full_batch")
SIM_DOUBLET_RATIO = 2.0
N_PRIN_COMPS = 30
EXPECTED_DOUBLET_RATE = 0.05
THRESHOLD = 0.25  # fixed, so neither layer needs scikit-image's automatic threshold
# Exact kNN in both layers.  scanpy's default switches to pynndescent above 8192
# points (obs + simulated): on synthetic_10k (30,000 points, k=150) one call ran
# for over 5 minutes here without finishing, and with scipy's sparse arrays that
# path raises ('csr_array' object has no attribute 'getnnz', scanpy 1.13.0a2).
N_HVG = 1000
SUB_TASK_DOMAINS = {"pairs": 0, "pca": 1}


def inputs(adata, case: str) -> dict:
    if case not in CASES:
        raise ValueError(f"unknown scrublet case {case!r}")
    counts = sp.csr_matrix(adata.X, dtype=np.float32)
    batches = adata.obs["batch"].to_numpy() if case == "full_batch" else None
    return {"adata": adata, "x": counts, "case": case, "batches": batches}


# ---------------------------------------------------------------- reference kernel


def sample_pairs(n_obs: int, n_sim: int, rng) -> np.ndarray:
    """Distinct (i, j) parent pairs, drawn as scanpy's ``sample_comb`` draws them."""
    if isinstance(rng, np.random.RandomState):
        from sklearn.utils.random import sample_without_replacement

        idx = sample_without_replacement(n_obs * n_obs, n_sim, random_state=rng)
    else:
        idx = rng.choice(n_obs * n_obs, size=n_sim, replace=False)
    return np.vstack(np.unravel_index(idx, (n_obs, n_obs))).T


def simulate(x: sp.csr_matrix, rng, ratio: float = SIM_DOUBLET_RATIO) -> tuple[sp.csr_matrix, np.ndarray]:
    """Simulated doublet counts (sum of two random observed cells) and their parents."""
    pairs = sample_pairs(x.shape[0], int(x.shape[0] * ratio), rng)
    return x[pairs[:, 0]] + x[pairs[:, 1]], pairs


def _sub_task_rngs(strategy: str, rng, batch: int = 0) -> tuple:
    """(pair sampling rng, PCA RandomState) for one batch (``batch``: its id, used by ``keyed``)."""
    if strategy == "keyed":
        sim_rng, pca_rng = (strategies.keyed_generator(batch, rng, domain) for domain in SUB_TASK_DOMAINS.values())
        return sim_rng, np.random.RandomState(pca_rng.bit_generator)
    if strategy == "spawn":
        sim_rng, pca_rng = strategies.per_item(strategy, rng, 2)
        return sim_rng, np.random.RandomState(pca_rng.bit_generator)
    if strategy == "legacy":
        return rng, rng
    return rng, strategies.as_random_state(strategy, rng)


def _normalise(x: sp.csr_matrix, target: float | None = None) -> sp.csr_matrix:
    totals = np.asarray(x.sum(axis=1)).ravel()
    target = np.median(totals) if target is None else target
    return sp.diags(target / np.maximum(totals, 1)) @ x


def _score_batch(x: sp.csr_matrix, strategy: str, rng, batch: int = 0) -> np.ndarray:
    from sklearn.decomposition import PCA
    from sklearn.neighbors import NearestNeighbors

    sim_rng, pca_rs = _sub_task_rngs(strategy, rng, batch)
    x = x[:, np.asarray((x > 0).sum(axis=0)).ravel() >= 3]
    norm = _normalise(x)
    mean = np.asarray(norm.mean(axis=0)).ravel()
    var = np.asarray(norm.multiply(norm).mean(axis=0)).ravel() - mean**2
    genes = np.argsort(-(var / np.maximum(mean, 1e-12)))[: min(N_HVG, x.shape[1])]
    x = sp.csr_matrix(x[:, np.sort(genes)])
    sim, _ = simulate(x, sim_rng)
    obs_n, sim_n = _normalise(x, 1e6).toarray(), _normalise(sim, 1e6).toarray()
    mu, sd = obs_n.mean(axis=0), obs_n.std(axis=0)
    sd[sd == 0] = 1
    obs_z, sim_z = (obs_n - mu) / sd, (sim_n - mu) / sd
    k = min(N_PRIN_COMPS, min(obs_z.shape) - 1)
    pca = PCA(n_components=k, svd_solver="arpack", random_state=pca_rs).fit(obs_z)
    manifold = np.vstack([pca.transform(obs_z), pca.transform(sim_z)])
    n_obs, n_sim = obs_z.shape[0], sim_z.shape[0]
    k_adj = round(round(0.5 * np.sqrt(n_obs)) * (1 + n_sim / n_obs))
    _, idx = NearestNeighbors(n_neighbors=k_adj).fit(manifold).kneighbors(manifold[:n_obs])
    q = ((idx >= n_obs).sum(axis=1) + 1) / (k_adj + 2)
    r, rho = n_sim / n_obs, EXPECTED_DOUBLET_RATE
    return q * rho / r / (1 - rho - q * (1 - rho - rho / r))


def reference(inp: dict, strategy: str, rng=None):
    """Simulated counts (``simulate``) or doublet scores per cell (``full``, ``full_batch``)."""
    rng = strategies.make_rng(strategy) if rng is None else rng
    x = inp["x"]
    if inp["case"] == "simulate":
        return simulate(x, strategies.keyed_generator(0, rng) if strategy == "keyed" else rng)[0]
    if inp["batches"] is None:
        return _score_batch(x, strategy, rng)
    scores = np.empty(x.shape[0])
    labels = np.unique(inp["batches"])
    if strategy in ("Generator", "spawn"):
        per_batch = rng.spawn(len(labels))
    else:  # keyed: every batch passes the root on; its stream is keyed by the batch's id in _sub_task_rngs
        per_batch = strategies.per_item("reuse" if strategy == "keyed" else strategy, rng, len(labels))
    for batch, (label, batch_rng) in enumerate(zip(labels, per_batch)):
        mask = inp["batches"] == label
        scores[mask] = _score_batch(x[mask], strategy, batch_rng, batch)
    return scores


# ---------------------------------------------------------------- scanpy's API


def scanpy_function(case: str | None = None):
    sc = import_scanpy()
    return sc.pp.scrublet_simulate_doublets if case == "simulate" else sc.pp.scrublet


def scanpy_call(inp: dict, strategy: str, bit_generator=np.random.PCG64):
    func = scanpy_function(inp["case"])
    kwargs = scanpy_kwargs(func, strategy, bit_generator)
    with quiet():
        if inp["case"] == "simulate":
            return func(inp["adata"], sim_doublet_ratio=SIM_DOUBLET_RATIO, **kwargs).X
        batch_key = "batch" if inp["case"] == "full_batch" else None
        func(
            inp["adata"], batch_key=batch_key, threshold=THRESHOLD, use_approx_neighbors=False,
            verbose=False, **kwargs,
        )  # in place: the suite's setup hands every sample a fresh AnnData, so no copy is timed
    return inp["adata"].obs["doublet_score"].to_numpy()


def warm(adata) -> None:
    """One full call on a small dataset: loads sklearn's kNN and scanpy's numba helpers outside any timed region."""
    small = inputs(adata, "full")
    reference(small, "legacy")
    try:
        scanpy_call(small, "legacy")
    except ImportError:
        pass
