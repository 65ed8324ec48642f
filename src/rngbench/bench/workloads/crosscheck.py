"""Run every reference kernel and scanpy's API on pbmc68k_reduced and say which outputs are equal.

Used by the tests to check the reference kernels against a scanpy version
other than the one in rngbench's own environment (scanpy 1.12.4 in a
benchmark environment)::

    PYTHONPATH=src <env>/bin/python -m rngbench.bench.workloads.crosscheck

prints one JSON object ``{"<workload>.<case>.<strategy>": "equal" | "differs" | "n/a"}``.
Only cases where scanpy runs the same algorithm as the reference are listed.
"""

from __future__ import annotations

import json
import sys
import warnings

import numpy as np
import scipy.sparse as sp

SAME_ALGORITHM = {
    "downsample": ("per_cell", "per_cell_3", "total"),
    "pca": ("arpack_dense", "arpack_sparse", "randomized_dense"),
    "umap_init": ("spectral", "random", "full_short"),
    "scrublet": ("simulate",),
}


def _equal(a, b) -> bool:
    if sp.issparse(a) or sp.issparse(b):
        return (sp.csr_matrix(a) != sp.csr_matrix(b)).nnz == 0
    return np.array_equal(np.asarray(a), np.asarray(b))


def main() -> int:
    warnings.simplefilter("ignore")
    from rngbench.bench import datasets, strategies
    from rngbench.bench.workloads import workload_module
    from rngbench.bench.workloads._common import fresh_inputs

    adata = datasets.load("pbmc68k_reduced")
    verdicts = {}
    for name, cases in SAME_ALGORITHM.items():
        module = workload_module(name)
        for case in cases:
            inp = module.inputs(adata, case)
            if name == "pca":
                inp["n_comps"] = 10
            for strategy in ("legacy", "Generator"):
                key = f"{name}.{case}.{strategy}"
                try:  # each call on a copy of its own: the workloads work in place
                    theirs = module.scanpy_call(fresh_inputs(inp), strategy)
                except strategies.NotApplicable:
                    verdicts[key] = "n/a"
                    continue
                ours = module.reference(fresh_inputs(inp), strategy)
                verdicts[key] = "equal" if _equal(ours, theirs) else "differs"
    print(json.dumps(verdicts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
