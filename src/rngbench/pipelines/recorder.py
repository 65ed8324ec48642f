"""Record every case of the catalogue in the running environment (run inside each benchmark environment).

::

    PYTHONPATH=<rngbench>/src python -m rngbench.pipelines.recorder OUTDIR INPUTS_DIR [--profile=P] [--once] [PREFIX]

runs under a platform profile (``rngbench.platform.profiles``; default ``portable``: every layer pinned to
code any x86-64 CPU runs the same way).  Its settings are environment variables read when numpy, OpenBLAS,
numba and glibc load, so the recorder re-executes itself under them before it records anything.  It then
writes ``OUTDIR/record.json`` (versions, platform fingerprint, per case its
status, parts and determinism) and ``OUTDIR/values.bin`` (the parts' bytes).

Determinism is measured, not assumed: each case runs once with 1 thread
(BLAS through threadpoolctl, numba through ``set_num_threads``) -- that run is
the golden -- and once with 2.  If the two agree, the case gave the same
result twice and does not depend on the thread count.  If they differ, a
third run with 1 thread separates run-to-run noise from thread dependence,
and the measured amounts are kept (they are what tolerances are built from).
``--once`` records the golden run only: ``pipelines check`` compares results
with goldens, and the determinism the repeats measure is the matrix's job.
"""

from __future__ import annotations

import importlib.metadata
import json
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
from rngbench.platform import fingerprint as platform_fingerprint
from rngbench.platform import profiles

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
    """The entry for one case and the parts of its golden (1-thread) run (``n_threads`` 0: no repeats)."""
    from rngbench.bench import strategies

    started = time.perf_counter()
    try:
        first, error = _attempt(case, module, inp, 1)
    except strategies.NotApplicable as exc:
        return {"id": case.id, "status": "n/a", "error": str(exc)}, {}
    if error:
        return {"id": case.id, "status": "raises", "error": error}, {}
    entry = {"id": case.id, "status": "ok", "same_twice": None, "same_threads": None, "noise": None}
    if n_threads == 0:
        pass
    elif n_threads >= 2:
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


def record(outdir: Path, inputs_dir: Path, only: tuple[str, ...] = (), log=None, profile: str | None = None,
           once: bool = False) -> Path:
    """Record the catalogue (or the case ids starting with one of ``only``) into ``outdir``.

    ``profile`` names the profile this process was started under (it goes into the fingerprint, which
    names the variant); ``once``: the golden run only, no determinism repeats.
    """
    import numba  # noqa: F401  (its thread pool is part of the fingerprint)

    from rngbench.bench.workloads import workload_module

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    n_threads = 0 if once else max_threads()
    cases = [c for c in catalogue.cases() if not only or c.id.startswith(only)]
    platform_doc = platform_fingerprint.complete(profiles.label(profile) if profile else None)
    platform_doc["profile_settings"] = {k: os.environ[k] for k in profiles.VARIABLES if k in os.environ}
    doc = {"format": catalogue.FORMAT, "catalogue": catalogue.digest(), "env": versions(),
           "platform": platform_doc, "threads_compared": [1, n_threads] if n_threads else [1], "inputs": {},
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


def serve(inputs_dir: Path, lines=sys.stdin, out=sys.stdout) -> None:
    """Time one call of each case id read from ``lines`` (one per line), answering ``{"id", "seconds"}`` lines
    (seconds null where the case is n/a or raises).

    A warm process per profile, asked in turn, gives interleaved timings of the calls alone (no imports, no
    compilation): what ``rngbench pipelines layers --cost-rounds`` compares.
    """
    from rngbench.bench.workloads import workload_module

    datasets: dict[str, object] = {}
    prepared: dict[tuple[str, str, str], dict] = {}
    by_id = catalogue.by_id()
    for line in lines:
        case = by_id[line.strip()]
        if case.dataset not in datasets:
            datasets[case.dataset] = pipeline_inputs.load(Path(inputs_dir) / f"{case.dataset}.npz")
        module = workload_module(case.workload)
        key = (case.dataset, case.workload, case.case)
        if key not in prepared:
            prepared[key] = module.inputs(datasets[case.dataset], case.case)
            if case.kind == "pca":
                prepared[key]["n_comps"] = catalogue.PCA_COMPONENTS
        from rngbench.bench import strategies

        started = time.perf_counter()
        try:
            _, error = _attempt(case, module, prepared[key], 1)
        except strategies.NotApplicable:
            error = "n/a"
        seconds = None if error else time.perf_counter() - started
        print(json.dumps({"id": case.id, "seconds": seconds}), file=out, flush=True)


APPLIED = "RNGBENCH_PROFILE_APPLIED"
"""Set in the re-executed recorder: the profile its environment was built for (the layers read it at load)."""


def options(argv: list[str]) -> tuple[list[str], str, bool, dict[str, str]]:
    """(positional arguments, profile, once, extra settings) of the recorder's command line.

    ``--set=VAR=VALUE`` adds one setting under the profile's own (the attribution switches one layer so).
    """
    flags = [a for a in argv if a.startswith("--")]
    profile = next((f.partition("=")[2] for f in flags if f.startswith("--profile=")), profiles.DEFAULT)
    extra = dict(f[len("--set="):].split("=", 1) for f in flags if f.startswith("--set=") and "=" in f[6:])
    unknown = [f for f in flags if not f.startswith(("--profile=", "--set=")) and f != "--once"]
    if unknown or profile not in profiles.PROFILES:
        raise SystemExit(f"unknown option {' '.join(unknown) or profile} (known: --profile=P, --set=V=X, --once)")
    return [a for a in argv if not a.startswith("--")], profile, "--once" in flags, extra


def main(argv: list[str]) -> int:
    positional, profile, once, extra = options(argv)
    if len(positional) < 2:
        print("usage: python -m rngbench.pipelines.recorder OUTDIR INPUTS_DIR [--profile=P] [--set=VAR=VALUE] "
              "[--once] [CASE_PREFIX ...]", file=sys.stderr)
        return 2
    if os.environ.get(APPLIED) != profile:  # the layers read their variables at load: start again under them
        dispatch = list(getattr(np._core._multiarray_umath if hasattr(np, "_core") else np.core._multiarray_umath,
                                "__cpu_dispatch__", []))
        env = {**profiles.environ(profile, os.environ, dispatch, extra), APPLIED: profile}
        os.execve(sys.executable, [sys.executable, "-m", "rngbench.pipelines.recorder", *argv], env)
    if positional[0] == "serve":
        serve(Path(positional[1]))
        return 0
    verbose = os.environ.get("RNGBENCH_VERBOSE") == "1"
    record(Path(positional[0]), Path(positional[1]), tuple(positional[2:]),
           log=(lambda m: print(m, file=sys.stderr, flush=True)) if verbose else None, profile=profile, once=once)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
