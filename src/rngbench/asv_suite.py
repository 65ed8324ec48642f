"""One asv benchmark class per (workload, layer), so ``benchmarks/*.py`` stay two lines each.

Every class is parametrised over ``dataset x case x strategy`` and has
``time_run`` and ``peakmem_run``; workloads that spawn per item
(``TRACK_GENERATORS = True``: downsampling) also have
``track_generators`` (bit generators created per call -- what spawning
costs, as a count rather than a time).  For PCA and UMAP the count is fixed
(at most one child per solver call / sub-task) and not worth a run.  asv names results
``<file>.<Workload><Layer>.<method>``; :mod:`rngbench.bench_report` reads
them back through :data:`WORKLOADS`.

Untimed work happens in ``setup_cache`` (datasets built once per
environment, cached on disk by :mod:`rngbench.data`) and ``setup`` (load,
prepare inputs, decide n/a, warm numba).  An n/a combination raises
:class:`~rngbench.strategies.NotApplicable` (a ``NotImplementedError``) in
``setup``, which asv records as n/a rather than a failure.
"""

from __future__ import annotations

import sys
from importlib import import_module

from . import data, strategies
from .workloads._common import accepts_rng

WORKLOADS = ("downsample", "pca", "umap_init", "scrublet")
"""Workload modules under :mod:`rngbench.workloads`, in report order."""

CLASS_SUFFIX = {"scanpy": "Scanpy", "reference": "Reference"}

PREIMPORT = (
    "anndata", "sklearn.decomposition", "sklearn.neighbors", "sklearn.utils.random",
    "umap.umap_", "umap.spectral", "umap.layouts", "pynndescent",
)
"""Imported when the benchmark files are imported, i.e. once in asv's fork server:
scanpy alone takes ~9 s to import here, which every forked benchmark would
otherwise pay in ``setup``."""


def _preimport() -> None:
    for name in PREIMPORT:
        try:
            import_module(name)
        except ImportError:
            pass
    try:
        from .workloads._common import import_scanpy

        import_scanpy()
    except ImportError:
        pass


def _in_fork_server() -> bool:
    """True inside asv's fork server (``benchmark.py run_server ...``), false in discovery and ``asv check``."""
    return len(sys.argv) > 1 and sys.argv[1] == "run_server"


_warmed = False


def warm_once() -> None:
    """Run every workload's ``warm`` on a small in-memory dataset, once per process (forks inherit it)."""
    global _warmed
    if _warmed:
        return
    _warmed = True
    adata = data.warmup_data()
    for name in WORKLOADS:
        workload_module(name).warm(adata)


def warm_fork_server() -> None:
    """JIT-compile every workload once in asv's fork server, so forked benchmarks inherit the machine code.

    numba's on-disk cache (``cache=True``) does not cover umap-learn's,
    pynndescent's and some of scanpy's functions: without this every forked
    benchmark recompiled them in ``setup`` (measured 10 s for UMAP and 19 s
    for scrublet per parameter combination on this machine).  ``setup``
    still calls :func:`warm_once` -- then a no-op -- so nothing can compile
    inside a timed region.
    """
    if _in_fork_server():
        warm_once()


def workload_module(name: str):
    return import_module(f"rngbench.workloads.{name}")


def class_name(workload: str, layer: str) -> str:
    return "".join(p.capitalize() for p in workload.split("_")) + CLASS_SUFFIX[layer]


def not_applicable(module, case: str, layer: str, strategy: str) -> str | None:
    """Why ``strategy`` cannot run for this case and layer (or None): the n/a rules in one place."""
    if layer == "reference":
        return None
    if case in getattr(module, "NOT_IN_SCANPY", {}):
        return module.NOT_IN_SCANPY[case]
    try:
        strategies.scanpy_kwargs(strategy, accepts_rng(module.scanpy_function(case)))
    except strategies.NotApplicable as exc:
        return str(exc)
    return None


class _Suite:
    """Methods shared by every generated class (asv reads them through the subclass)."""

    module = None
    layer = "reference"
    param_names = ["dataset", "case", "strategy"]
    timeout = 900
    rounds = 1
    repeat = (3, 10, 5.0)  # at least 3 samples, at most 10, stop adding after 5 s
    number = 1
    warmup_time = 0.0  # numba is warmed in setup instead

    def setup_cache(self):
        return {name: str(data.ensure(name)) for name in data.names()}

    def setup(self, paths, dataset, case, strategy):
        reason = not_applicable(self.module, case, self.layer, strategy)
        if reason:
            raise strategies.NotApplicable(reason)
        import anndata as ad

        adata = ad.read_h5ad(paths[dataset])
        self.inp = self.module.inputs(adata, case)
        warm_once()  # a no-op when the fork server already warmed numba

    def _call(self, strategy, bit_generator=None):
        import numpy as np

        bit_generator = bit_generator or np.random.PCG64
        if self.layer == "scanpy":
            return self.module.scanpy_call(self.inp, strategy, bit_generator=bit_generator)
        return self.module.reference(self.inp, strategy, strategies.make_rng(strategy, bit_generator=bit_generator))

    def time_run(self, paths, dataset, case, strategy):
        self._call(strategy)

    def peakmem_run(self, paths, dataset, case, strategy):
        self._call(strategy)



def _track_generators(self, paths, dataset, case, strategy):
    strategies.CountingPCG64.reset()
    self._call(strategy, bit_generator=strategies.CountingPCG64)
    return strategies.CountingPCG64.created


_track_generators.unit = "generators"


def suite(workload: str, layer: str) -> type:
    """The asv class for one workload and layer, parametrised over datasets, cases and strategies."""
    module = workload_module(workload)
    _preimport()
    warm_fork_server()
    attrs = {
        "module": module,
        "layer": layer,
        "params": [data.names(), list(module.CASES), list(strategies.NAMES)],
        **({"track_generators": _track_generators} if getattr(module, "TRACK_GENERATORS", False) else {}),
        "__doc__": f"{workload} through {'scanpy’s public API' if layer == 'scanpy' else 'rngbench’s reference kernels'}.",
    }
    return type(class_name(workload, layer), (_Suite,), attrs)
