"""A benchmark worker for interleaved measurements: one process per environment, commands on stdin.

asv runs one environment after the other, so a ratio *between* environments
(scanpy 1.13.0a2 vs 1.12.4) mixes two stretches of a noisy machine.  The
headline figures are therefore measured by alternating single calls between
long-lived workers (scanpy imported and numba warmed once), round after
round, and taking medians -- see :func:`rngbench.bench_matrix.interleaved`.

Protocol: one JSON object per line in, one per line out.
``{"workload", "case", "layer", "strategy", "dataset"}`` -> ``{"seconds": float}``
(or ``{"error": str}``).  The worker runs with the environment's interpreter
and ``PYTHONPATH=<repo>/src``.
"""

from __future__ import annotations

import json
import sys
import time


def main() -> int:
    import anndata as ad

    from . import data, strategies
    from .asv_suite import warm_once, workload_module

    inputs: dict = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            cmd = json.loads(line)
            module = workload_module(cmd["workload"])
            key = (cmd["workload"], cmd["case"], cmd["dataset"])
            if key not in inputs:
                adata = ad.read_h5ad(data.ensure(cmd["dataset"]))
                warm_once()
                inputs[key] = module.inputs(adata, cmd["case"])
            inp = inputs[key]
            if cmd["layer"] == "scanpy":
                start = time.perf_counter()
                module.scanpy_call(inp, cmd["strategy"])
            else:
                rng = strategies.make_rng(cmd["strategy"])
                start = time.perf_counter()
                module.reference(inp, cmd["strategy"], rng)
            reply = {"seconds": time.perf_counter() - start}
        except Exception as exc:  # reported, not fatal: the coordinator marks the cell failed / n/a
            reply = {"error": f"{type(exc).__name__}: {exc}", "na": isinstance(exc, NotImplementedError)}
        print(json.dumps(reply), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
