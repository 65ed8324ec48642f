"""Record every case of the catalogue in the running environment (run inside each benchmark environment).

::

    PYTHONPATH=<rngbench>/src python -m rngbench.pipelines.recorder OUTDIR INPUTS_DIR

writes ``OUTDIR/record.json`` (versions, platform fingerprint, per case its
status, parts and determinism) and ``OUTDIR/values.bin`` (the parts' bytes).

Determinism is measured, not assumed: each case runs once with 1 thread
(BLAS through threadpoolctl, numba through ``set_num_threads``) -- that run is
the golden -- and once with 2.  If the two agree, the case gave the same
result twice and does not depend on the thread count.  If they differ, a
third run with 1 thread separates run-to-run noise from thread dependence,
and the measured amounts are kept (they are what tolerances are built from).
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
import time
import traceback
import warnings
from pathlib import Path

import numpy as np

from rngbench.golden import blob as blobs
from rngbench.golden import output as recorder_output
from rngbench.pipelines import catalogue, classify, digests
from rngbench.pipelines import inputs as pipeline_inputs
from rngbench.streams.recorder import fingerprint as platform_fingerprint

PACKAGES = ("numpy", "numba", "scipy", "scikit-learn", "umap-learn", "scanpy", "anndata", "pandas", "pynndescent",
            "threadpoolctl", "llvmlite")
"""Versions a record carries; the first six and Python define an environment."""


def versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    return out


class Threads:
    """BLAS and numba limited to ``n`` threads inside the block."""

    def __init__(self, n: int):
        self.n = n

    def __enter__(self):
        import numba
        from threadpoolctl import threadpool_limits

        self._limits = threadpool_limits(limits=self.n)
        self._numba = numba.get_num_threads()
        numba.set_num_threads(min(self.n, numba.config.NUMBA_NUM_THREADS))
        return self

    def __exit__(self, *exc):
        import numba

        numba.set_num_threads(self._numba)
        self._limits.restore_original_limits()


def max_threads() -> int:
    import numba

    return min(2, numba.config.NUMBA_NUM_THREADS, os.cpu_count() or 1)


def run_case(case: catalogue.Case, module, inp: dict) -> dict[str, np.ndarray]:
    """One call of the case and its fingerprint parts (raises ``NotApplicable`` where it cannot run).

    The workloads work in place (no copy is timed in the asv suite), and a
    case is called more than once on one prepared input: each call gets a
    copy of its own.
    """
    from rngbench.bench.workloads import fresh_inputs

    inp = fresh_inputs(inp)
    if case.layer == "scanpy":
        out = module.scanpy_call(inp, case.strategy)
    else:
        out = module.reference(inp, case.strategy)
    if case.kind == "counts":
        return digests.counts(out)
    if case.kind == "pca":
        return digests.pca(np.asarray(out), inp["x"])
    if case.kind == "embedding":
        return digests.embedding(np.asarray(out))
    return digests.doublets(np.asarray(out), module.THRESHOLD)


def _digests(parts: dict[str, np.ndarray]) -> dict[str, str]:
    return {name: blobs.value_digest(values) for name, values in parts.items()}


def _attempt(case, module, inp, threads: int):
    """(parts, None) or (None, one-line error)."""
    from rngbench.bench import strategies

    try:
        with Threads(threads), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return run_case(case, module, inp), None
    except strategies.NotApplicable as exc:
        raise exc
    except Exception as exc:  # a raising case is data: the record says what it raised
        return None, f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}".strip()


def record_case(case: catalogue.Case, module, inp: dict, n_threads: int) -> tuple[dict, dict[str, np.ndarray]]:
    """The entry for one case and the parts of its golden (1-thread) run."""
    from rngbench.bench import strategies

    started = time.perf_counter()
    try:
        first, error = _attempt(case, module, inp, 1)
    except strategies.NotApplicable as exc:
        return {"id": case.id, "status": "n/a", "error": str(exc)}, {}
    if error:
        return {"id": case.id, "status": "raises", "error": error}, {}
    entry = {"id": case.id, "status": "ok", "same_twice": None, "same_threads": None, "noise": None}
    if n_threads >= 2:
        second, _ = _attempt(case, module, inp, n_threads)
        if second is not None and _digests(second) == _digests(first):
            entry.update(same_twice=True, same_threads=True)
        else:
            third, _ = _attempt(case, module, inp, 1)
            same = third is not None and _digests(third) == _digests(first)
            entry["same_twice"] = same
            noise = {}
            if not same and third is not None:
                noise["run"] = classify.measure(case.kind, first, third)
            if same and second is not None:
                entry["same_threads"] = False
                noise["threads"] = classify.measure(case.kind, first, second)
            entry["noise"] = noise or None
    else:
        again, _ = _attempt(case, module, inp, 1)
        entry["same_twice"] = again is not None and _digests(again) == _digests(first)
        if again is not None and not entry["same_twice"]:
            entry["noise"] = {"run": classify.measure(case.kind, first, again)}
    entry["seconds"] = round(time.perf_counter() - started, 2)
    return entry, first


def record(outdir: Path, inputs_dir: Path, only: tuple[str, ...] = (), log=None) -> Path:
    """Record the catalogue (or the case ids starting with one of ``only``) into ``outdir``."""
    from rngbench.bench.workloads import workload_module

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    n_threads = max_threads()
    cases = [c for c in catalogue.cases() if not only or c.id.startswith(only)]
    doc = {"format": catalogue.FORMAT, "catalogue": catalogue.digest(), "env": versions(),
           "platform": platform_fingerprint.fingerprint(), "threads_compared": [1, n_threads], "inputs": {},
           "cases": []}
    datasets: dict[str, object] = {}
    prepared: dict[tuple[str, str, str], dict] = {}
    results = []
    for case in cases:
        if case.dataset not in datasets:
            path = Path(inputs_dir) / f"{case.dataset}.npz"
            datasets[case.dataset] = pipeline_inputs.load(path)
            doc["inputs"][case.dataset] = pipeline_inputs.digest(path)
        module = workload_module(case.workload)
        key = (case.dataset, case.workload, case.case)
        if key not in prepared:
            prepared = {key: module.inputs(datasets[case.dataset], case.case)}  # one at a time: inputs are large
            if case.kind == "pca":
                prepared[key]["n_comps"] = catalogue.PCA_COMPONENTS
        try:
            entry, parts = record_case(case, module, prepared[key], n_threads)
        except Exception:  # the recorder itself failed on this case: say where, keep going
            entry, parts = {"id": case.id, "status": "raises",
                            "error": "recorder: " + traceback.format_exc().strip().splitlines()[-1][:200]}, {}
        results.append((entry, parts))
        if log:
            log(f"{case.id}: {entry['status']} {entry.get('seconds', '')}")
    recorder_output.write(outdir, doc, results)
    return outdir


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: python -m rngbench.pipelines.recorder OUTDIR INPUTS_DIR [CASE_PREFIX ...]", file=sys.stderr)
        return 2
    verbose = os.environ.get("RNGBENCH_VERBOSE") == "1"
    record(Path(argv[0]), Path(argv[1]), tuple(argv[2:]),
           log=(lambda m: print(m, file=sys.stderr, flush=True)) if verbose else None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
