"""What the result goldens record, as data: workloads, strategies, datasets, output kinds and tolerances.

Every case is ``dataset:workload.case:layer:strategy`` -- the benchmark
suite's own workloads (``rngbench.bench.workloads``) and strategies
(``rngbench.bench.strategies``), run through scanpy's public API (``scanpy`` layer)
and through rngbench's reference kernels (``reference`` layer).  What is
recorded of an output depends on its *kind*:

=========  =====================================================================================
counts     downsampled / simulated counts, exactly: one 64-bit hash per cell (and the matrix digest)
pca        scores and loadings, each component's sign fixed (``fingerprint.pca``)
embedding  UMAP coordinates, every value
doublets   scrublet's doublet score per cell, and the call (score > the workload's threshold)
=========  =====================================================================================

Tolerances are not guessed: they come from the run-to-run and 1-vs-2-thread
noise every recording measures (``docs/pipelines.md`` has the numbers).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

FORMAT = 2  # bump when what a recording holds changes: every environment is then recorded again
# 2: recorded under a platform profile, with the complete platform fingerprint (rngbench.platform)

DATASETS = ("pbmc68k_reduced", "synthetic_10k")
CHECKED = ("pbmc68k_reduced",)
"""What ``pipelines check`` records unless told otherwise: every workload, case, layer and strategy, on the small
dataset.  synthetic_10k adds no code path, and its scrublet cases alone take minutes under the portable profile
(65 s a call on a loaded machine): ``--dataset synthetic_10k`` checks it too."""
LAYERS = ("scanpy", "reference")
STRATEGIES = {  # scanpy's API can express only legacy and Generator (rngbench.bench.strategies says why)
    "scanpy": ("legacy", "Generator"),
    "reference": ("legacy", "Generator", "spawn", "reuse"),
}
PCA_COMPONENTS = 10  # the suite times 50; 10 keep the store small and the subspace well separated from the rest


@dataclass(frozen=True)
class Workload:
    module: str  # rngbench.bench.workloads.<module>
    cases: tuple[str, ...]
    kind: str  # counts | pca | embedding | doublets
    numpy_methods: tuple[str, ...]  # numpy.random methods the seeded path draws from (links to the stream store)


WORKLOADS = (
    Workload("downsample", ("per_cell", "per_cell_3", "total"), "counts", ("choice", "permutation", "seed")),
    Workload("pca", ("arpack_dense", "arpack_sparse", "randomized_dense", "randomized_sparse"), "pca",
             ("uniform", "normal", "randint", "spawn")),
    Workload("umap_init", ("spectral", "random", "full_short"), "embedding",
             ("uniform", "normal", "randint", "spawn")),
    Workload("scrublet", ("simulate",), "counts", ("randint", "choice", "spawn")),
    Workload("scrublet", ("full", "full_batch"), "doublets", ("randint", "choice", "uniform", "spawn")),
)

SKIPPED = {
    # (dataset, workload, layer): why.  The reference scrublet is a compact re-implementation (not scanpy's
    # algorithm) and costs ~8 s a call on 10,000 cells; pbmc68k_reduced records it in every strategy.
    ("synthetic_10k", "scrublet.full", "reference"): "costly; recorded on pbmc68k_reduced",
    ("synthetic_10k", "scrublet.full_batch", "reference"): "costly; recorded on pbmc68k_reduced",
}


@dataclass(frozen=True)
class Tolerance:
    """Largest difference still called *within tolerance* (``docs/pipelines.md`` gives the measurements)."""

    max_abs: float  # on the kind's main values (loadings, coordinates, scores); 0 = must be identical
    max_rel: float = 0.0  # relative to the largest absolute value of the reference side
    flipped_calls: int = 0  # doublets only


TOLERANCES = {  # measured in docs/pipelines.md ("Tolerances, from measured noise")
    "counts": Tolerance(0.0),  # 424 recordings, none ever differed run to run or with 2 threads: exact
    "pca": Tolerance(1e-4),  # loadings (unit columns): 25x the worst thread noise (4.0e-6) and cross-version
    #                          roundoff (3.1e-6); a 1-degree rotation moves the largest loadings by ~1e-3
    "embedding": Tolerance(1e-5),  # coordinates in [0, 10]: no noise measured at all; ~10 float32 ULP at 10
    "doublets": Tolerance(1e-6, 0.0, 0),  # float64 scores: roundoff only; noise (up to 2.1e-2, quantised by kNN
    #                                       neighbour swaps) is classified as such, never as tolerance; no call flips
}


@dataclass(frozen=True)
class Case:
    dataset: str
    workload: str  # module name
    case: str
    layer: str
    strategy: str
    kind: str

    @property
    def id(self) -> str:
        return f"{self.dataset}:{self.workload}.{self.case}:{self.layer}:{self.strategy}"

    @property
    def task(self) -> str:
        """``workload.case``, as the report's rows name it."""
        return f"{self.workload}.{self.case}"


def datasets_of(prefixes: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The datasets whose cases the case-id ``prefixes`` can select (every dataset when there are none): a check of
    pbmc68k_reduced need not build synthetic_10k's inputs first."""
    if not prefixes:
        return DATASETS
    return tuple(d for d in DATASETS if any(f"{d}:".startswith(p) or p.startswith(f"{d}:") for p in prefixes))


def cases() -> list[Case]:
    out = []
    for dataset in DATASETS:
        for w in WORKLOADS:
            for case in w.cases:
                for layer in LAYERS:
                    if (dataset, f"{w.module}.{case}", layer) in SKIPPED:
                        continue
                    for strategy in STRATEGIES[layer]:
                        out.append(Case(dataset, w.module, case, layer, strategy, w.kind))
    return out


def by_id() -> dict[str, Case]:
    return {c.id: c for c in cases()}


def parse_id(case_id: str) -> Case:
    known = by_id()
    if case_id in known:
        return known[case_id]
    dataset, task, layer, strategy = case_id.split(":")
    module, case = task.split(".", 1)
    kind = next((w.kind for w in WORKLOADS if w.module == module and case in w.cases), "unknown")
    return Case(dataset, module, case, layer, strategy, kind)


def workload_of(module: str, case: str) -> Workload:
    return next(w for w in WORKLOADS if w.module == module and case in w.cases)


def digest() -> str:
    """Identity of what is recorded: a stored environment from another catalogue is recorded again."""
    text = json.dumps([FORMAT, PCA_COMPONENTS, [c.id for c in cases()]])
    return hashlib.sha256(text.encode()).hexdigest()[:16]
