"""UMAP initialisation (spectral, random) without the layout optimisation, plus one short full run.

UMAP has two random sub-tasks: the initial embedding (uniform noise, or the
spectral layout plus a little Gaussian noise) and the optimisation (its
``rng_state`` seeds the negative sampling).  umap-learn only takes a
``RandomState``, so: ``legacy`` and ``reuse`` use one RandomState for both
sub-tasks (``reuse`` wraps the caller's Generator without spawning);
``Generator`` wraps one spawned child for both (what scanpy 1.13 does);
``spawn`` gives each sub-task its own child; ``keyed`` gives each sub-task the
keyed stream of its fixed id (:data:`SUB_TASK_IDS`), so a sub-task added later
(scanpy #3983's ``spawn(2)`` debate) leaves these two streams unchanged.

Reference kernel = umap-learn's own building blocks (``spectral_layout``,
``noisy_scale_coords``, ``optimize_layout_euclidean``) in the order
``simplicial_set_embedding`` calls them, so ``legacy`` / ``Generator`` equal
``sc.tl.umap``'s output.  scanpy's API has no "initialise only": the scanpy
layer calls ``sc.tl.umap(maxiter=0)``, whose layout step then runs zero epochs.
"""

from __future__ import annotations

import numpy as np

from rngbench.bench import strategies
from rngbench.bench.workloads._common import import_scanpy, quiet, scanpy_kwargs

NAME = "umap_init"
CASES = ("spectral", "random", "full_short")
SHORT_EPOCHS = 30
SPREAD, MIN_DIST = 1.0, 0.5  # scanpy's defaults
SUB_TASK_IDS = {"init": 0, "optimise": 1}


def inputs(adata, case: str) -> dict:
    if case not in CASES:
        raise ValueError(f"unknown umap case {case!r}")
    return {
        "adata": adata,
        "data": np.asarray(adata.obsm["X_pca"]),
        "graph": adata.obsp["connectivities"],
        "init": "spectral" if case == "full_short" else case,
        "n_epochs": SHORT_EPOCHS if case == "full_short" else 0,
    }


def _sub_task_states(strategy: str, rng) -> tuple[np.random.RandomState, np.random.RandomState]:
    """(initialisation, optimisation) RandomStates for ``strategy``."""
    if strategy == "spawn":
        init_rng, opt_rng = strategies.per_item(strategy, rng, 2)
        return np.random.RandomState(init_rng.bit_generator), np.random.RandomState(opt_rng.bit_generator)
    if strategy == "keyed":
        init_rng, opt_rng = strategies.per_item(strategy, rng, 2, item_ids=SUB_TASK_IDS.values())
        return np.random.RandomState(init_rng.bit_generator), np.random.RandomState(opt_rng.bit_generator)
    rs = strategies.as_random_state(strategy, rng)
    return rs, rs


def reference(inp: dict, strategy: str, rng=None) -> np.ndarray:
    from umap.layouts import optimize_layout_euclidean
    from umap.spectral import spectral_layout
    from umap.umap_ import INT32_MAX, INT32_MIN, find_ab_params, make_epochs_per_sample, noisy_scale_coords

    rng = strategies.make_rng(strategy) if rng is None else rng
    init_rs, opt_rs = _sub_task_states(strategy, rng)
    graph = inp["graph"].tocoo(copy=True)
    graph.sum_duplicates()
    n = graph.shape[0]
    n_epochs = inp["n_epochs"]
    default_epochs = 500 if n <= 10000 else 200
    graph.data[graph.data < graph.data.max() / float(n_epochs if n_epochs > 10 else default_epochs)] = 0.0
    graph.eliminate_zeros()
    if inp["init"] == "random":
        emb = init_rs.uniform(low=-10.0, high=10.0, size=(n, 2)).astype(np.float32)
    else:
        emb = spectral_layout(inp["data"], graph, 2, init_rs, metric="euclidean", metric_kwds={})
        emb = noisy_scale_coords(emb, init_rs, max_coord=10, noise=0.0001)
    emb = (10.0 * (emb - np.min(emb, 0)) / (np.max(emb, 0) - np.min(emb, 0))).astype(np.float32, order="C")
    if n_epochs == 0:
        return emb
    rng_state = opt_rs.randint(INT32_MIN, INT32_MAX, 3).astype(np.int64)
    a, b = find_ab_params(SPREAD, MIN_DIST)
    return optimize_layout_euclidean(
        emb, emb, graph.row, graph.col, n_epochs, n, make_epochs_per_sample(graph.data, n_epochs),
        a, b, rng_state, 1.0, 1.0, 5.0, parallel=False, verbose=False, densmap=False,
        densmap_kwds={}, tqdm_kwds={"disable": True}, move_other=True,
    )


def scanpy_function(case: str | None = None):
    sc = import_scanpy()
    return sc.tl.umap


def scanpy_call(inp: dict, strategy: str, bit_generator=np.random.PCG64) -> np.ndarray:
    func = scanpy_function()
    kwargs = scanpy_kwargs(func, strategy, bit_generator)
    with quiet():
        # in place: the suite's setup hands every sample a fresh AnnData, so no copy is timed
        func(inp["adata"], init_pos=inp["init"], maxiter=inp["n_epochs"], **kwargs)
    return inp["adata"].obsm["X_umap"]


def warm(adata) -> None:
    """Compile umap-learn's numba layout code on a small dataset (with its own graph), outside any timed region."""
    inp = inputs(adata, "full_short")
    inp["n_epochs"] = 11
    reference(inp, "legacy")
    try:
        scanpy_call(inp, "legacy")
    except ImportError:
        pass
