"""One asv benchmark class per (workload, layer), so ``benchmarks/*.py`` stay two lines each.

Every class is parametrised over ``dataset x case x strategy`` and has the
same three measurements: ``time_run``, ``peakmem_run`` and
``track_generators`` (bit generators created per call -- what spawning
costs, as a count rather than a time).  asv names results
``<file>.<Workload><Layer>.<method>``; :mod:`rngbench.bench_report` reads
them back through :data:`WORKLOADS`.

Untimed work happens in ``setup_cache`` (datasets built once per
environment, cached on disk by :mod:`rngbench.data`) and ``setup`` (load,
prepare inputs, decide n/a, warm numba).  An n/a combination raises
:class:`~rngbench.strategies.NotApplicable` (a ``NotImplementedError``) in
``setup``, which asv records as n/a rather than a failure.
"""

from __future__ import annotations

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
        self.module.warm(adata)

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

    def track_generators(self, paths, dataset, case, strategy):
        strategies.CountingPCG64.reset()
        self._call(strategy, bit_generator=strategies.CountingPCG64)
        return strategies.CountingPCG64.created

    track_generators.unit = "generators"


def suite(workload: str, layer: str) -> type:
    """The asv class for one workload and layer, parametrised over datasets, cases and strategies."""
    module = workload_module(workload)
    _preimport()
    attrs = {
        "module": module,
        "layer": layer,
        "params": [data.names(), list(module.CASES), list(strategies.NAMES)],
        "__doc__": f"{workload} through {'scanpy’s public API' if layer == 'scanpy' else 'rngbench’s reference kernels'}.",
    }
    return type(class_name(workload, layer), (_Suite,), attrs)
