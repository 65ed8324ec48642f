"""The asv benchmark classes' shared machinery; ``benchmarks/bench_*.py`` declare the classes themselves.

Each benchmark file declares, per workload, one class per layer --
``<Workload>Scanpy`` (scanpy's public API) and ``<Workload>Reference``
(rngbench's reference kernels) -- with its ``params`` / ``param_names``
written out (``dataset x case x strategy``), on top of :class:`ScanpyBenchmark`
or :class:`ReferenceBenchmark`, which give ``setup_cache``, ``setup``,
``time_run`` and ``peakmem_run``.  Workloads that spawn per item add
:class:`CountsGenerators` (``track_generators``: bit generators created per
call -- what spawning costs, as a count rather than a time).  asv names results
``<file>.<Workload><Layer>.<method>``; :mod:`rngbench.bench.report` reads them
back through :func:`class_name`.

Untimed work happens in ``setup_cache`` (datasets built once per
environment, cached on disk by :mod:`rngbench.bench.datasets`) and ``setup``
(load, prepare inputs, decide n/a, warm numba).

The timed region is the call under test and nothing else.  ``number = 1``
and asv re-runs ``setup`` before every sample, so each sample gets inputs of
its own -- a fresh copy of the dataset, made in ``setup`` -- and the workload
works on them *in place* (``copy=False``): no copy, data preparation or
mutation reset is timed (``tests/bench/test_suite.py`` proves it by counting
copies inside ``time_run``).  Garbage collection is left to asv, which
disables the collector for the timed call (``timeit``); the interleaved
probe and comparison take their samples through the same asv_runner code
(:mod:`rngbench.compare.worker`), so they time exactly this region too.  An n/a combination raises
:class:`~rngbench.bench.strategies.NotApplicable` (a ``NotImplementedError``) in
``setup``, which asv records as n/a rather than a failure.
"""

from __future__ import annotations

import os
import sys
import time
import timeit
from importlib import import_module

from rngbench.bench import datasets, strategies
from rngbench.bench.workloads import WORKLOADS, workload_module
from rngbench.bench.workloads._common import accepts_rng

PARAM_NAMES = ["dataset", "case", "strategy"]
NUMBA_PARAM_NAMES = [*PARAM_NAMES, "threads"]
THREADS = (1, 2)
"""numba thread counts of the parallel kernels: ``benchmarks/__init__`` starts numba with at least 2."""


def params(workload: str) -> list[list[str]]:
    """``[datasets, cases, strategies]`` of one workload, in :data:`PARAM_NAMES` order."""
    return [datasets.names(), list(workload_module(workload).CASES), list(strategies.NAMES)]


def numba_params(workload: str) -> list[list]:
    """``[datasets, cases, strategies, threads]`` of a workload's parallel numba kernel (:data:`NUMBA_PARAM_NAMES`)."""
    return [datasets.names(), list(workload_module(workload).NUMBA_CASES), list(strategies.NUMBA_NAMES),
            list(THREADS)]


CLASS_SUFFIX = {"scanpy": "Scanpy", "reference": "Reference", "numba": "Numba"}
LAYER_PARAM_NAMES = {"scanpy": PARAM_NAMES, "reference": PARAM_NAMES, "numba": NUMBA_PARAM_NAMES}

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
        from rngbench.bench.workloads._common import import_scanpy

        import_scanpy()
    except ImportError:
        pass


def _in_fork_server() -> bool:
    """True inside asv's fork server (``benchmark.py run_server ...``), false in discovery and ``asv check``."""
    return len(sys.argv) > 1 and sys.argv[1] == "run_server"


_warmed: set[str] = set()


def warm_once(names=WORKLOADS) -> None:
    """Run each named workload's ``warm`` on a small in-memory dataset, once per process (forks inherit it).

    asv's fork server warms every workload; a long-lived interleaving worker
    (probe, compare, peer) warms only the workload it sets up -- warming all
    of them took ~40 s per worker here, mostly UMAP and scrublet.
    """
    todo = [name for name in names if name not in _warmed]
    if not todo:
        return
    _warmed.update(todo)
    adata = datasets.warmup_data()
    for name in todo:
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
        only = os.environ.get("RNGBENCH_WARM")  # the main job's cells name the workloads they time
        warm_once(tuple(only.split(",")) if only else WORKLOADS)


def prepare_process() -> None:
    """Called by every benchmark file on import: pre-import the heavy modules, JIT-warm in asv's fork server."""
    _preimport()
    warm_fork_server()


def class_name(workload: str, layer: str) -> str:
    return "".join(p.capitalize() for p in workload.split("_")) + CLASS_SUFFIX[layer]


def not_applicable(module, case: str, layer: str, strategy: str, threads: int = 1) -> str | None:
    """Why ``strategy`` cannot run for this case and layer (or None): the n/a rules in one place."""
    if layer == "numba":
        from rngbench.keyed import streams

        if not strategies.get(strategy).numba_kernel:
            return f"{strategy} has no parallel numba kernel"
        if threads > 1 and not streams.get(strategy).parallel:
            return f"{strategy} must process items in order: it runs on one thread only"
        return None
    if layer == "reference":
        return strategies.get(strategy).why_not_reference or None
    if case in getattr(module, "NOT_IN_SCANPY", {}):
        return module.NOT_IN_SCANPY[case]
    try:
        strategies.scanpy_kwargs(strategy, accepts_rng(module.scanpy_function(case)))
    except strategies.NotApplicable as exc:
        return str(exc)
    return None


_loaded: dict[str, object] = {}


def fresh_dataset(path: str):
    """A copy of the dataset at ``path`` that the next timed call may change in place.

    The file is read once per process; every sample gets its own copy, made
    here in ``setup`` (untimed), because the workloads work in place.
    """
    if path not in _loaded:
        import anndata as ad

        _loaded[path] = ad.read_h5ad(path)
    return _loaded[path].copy()


class _Benchmark:
    """What every benchmark class shares (asv reads it through the subclass); subclasses set ``workload``."""

    workload = ""
    layer = "reference"
    param_names = PARAM_NAMES
    timeout = 900
    rounds = 1
    repeat = (3, 10, 5.0)  # at least 3 samples, at most 10, stop adding after 5 s
    number = 1
    warmup_time = 0.0  # numba is warmed in setup instead
    timer = staticmethod(time.process_time)
    """Process CPU time, not wall time: every call of the scanpy and reference layers is single-threaded
    (``OMP_NUM_THREADS=1``, numba's workqueue layer, no parallel kernels), and on this shared 2-core machine
    CPU time ignores the stretches in which other jobs hold the core.  Measured
    (``scripts/measure_estimators.py``, docs/benchmarks.md): the spawn/reuse ratio's run-to-run relative
    standard deviation is 0.8 % with CPU time and medians, 3.8 % with wall time.  A benchmark that runs
    threads must time wall-clock instead (``timeit.default_timer``, as :class:`NumbaBenchmark` does): CPU
    time adds up every thread's."""

    @property
    def module(self):
        return workload_module(self.workload)

    def setup_cache(self):
        return {name: str(datasets.ensure(name)) for name in datasets.names()}

    def setup(self, paths, dataset, case, strategy):
        reason = not_applicable(self.module, case, self.layer, strategy)
        if reason:
            raise strategies.NotApplicable(reason)
        self.inp = self.module.inputs(fresh_dataset(paths[dataset]), case)
        warm_once((self.workload,))  # a no-op when the fork server already warmed numba

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


class ScanpyBenchmark(_Benchmark):
    """The workload through scanpy's public API as installed."""

    layer = "scanpy"


class ReferenceBenchmark(_Benchmark):
    """The workload through rngbench's reference kernels."""

    layer = "reference"


class CountsGenerators:
    """Adds ``track_generators``: bit generators created per call (for workloads that spawn per item)."""

    def track_generators(self, paths, dataset, case, strategy):
        strategies.CountingPCG64.reset()
        self._call(strategy, bit_generator=strategies.CountingPCG64)
        return strategies.CountingPCG64.created

    track_generators.unit = "generators"


class NumbaBenchmark(_Benchmark):
    """A workload's parallel numba kernel (:mod:`rngbench.keyed`), with the numba thread count as a parameter.

    numba fixes its thread pool when it is first imported: ``benchmarks/__init__``
    sets ``NUMBA_NUM_THREADS`` to at least 2 before that.  The kernels are
    compiled with ``cache=True`` and warmed in ``setup`` (:func:`warm_once`).
    """

    layer = "numba"
    param_names = NUMBA_PARAM_NAMES
    timer = staticmethod(timeit.default_timer)  # wall time: with 2 threads, CPU time would add both threads' up

    def setup(self, paths, dataset, case, strategy, threads):
        import numba

        if threads > numba.config.NUMBA_NUM_THREADS:
            raise strategies.NotApplicable(f"numba started with {numba.config.NUMBA_NUM_THREADS} threads")
        reason = not_applicable(self.module, case, self.layer, strategy, threads)
        if reason:
            raise strategies.NotApplicable(reason)
        super().setup(paths, dataset, case, "reuse")

    def time_run(self, paths, dataset, case, strategy, threads):
        self.module.numba_kernel(self.inp, strategy, threads)

    def peakmem_run(self, paths, dataset, case, strategy, threads):
        self.module.numba_kernel(self.inp, strategy, threads)


PROPERTY_METHODS = {
    "track_threads": "threads", "track_subset": "subset", "track_chunks": "chunks", "track_overlap": "overlap",
    "track_task_append": "task-append", "track_task_insert": "task-insert",
}
"""``track_`` method -> property of :data:`rngbench.keyed.properties.PROPERTIES` (a test checks they match)."""


def _track_property(name: str):
    """One ``track_`` method of :class:`KeyedPropertiesBenchmark`: strategy -> its fraction for property ``name``."""

    def track(self, table, strategy):
        return table[strategy][name]

    track.__name__ = "track_" + name.replace("-", "_")
    track.unit = "fraction"
    return track


class KeyedPropertiesBenchmark:
    """The invariance properties of each keyed-stream strategy (:mod:`rngbench.keyed.properties`), as ``track_``.

    Measured once per environment in ``setup_cache`` (the property worker
    runs with 4 numba threads) on the deterministic small counts matrix;
    each ``track_`` returns one strategy's value, a fraction (1 = invariant,
    0 for ``overlap``).  The ``track_`` methods are made from
    :data:`PROPERTY_METHODS` (asv finds them as class attributes).
    """

    timeout = 600

    def setup_cache(self):
        from rngbench.keyed import properties

        return properties.measure().to_dict(orient="index")


for _method, _name in PROPERTY_METHODS.items():
    setattr(KeyedPropertiesBenchmark, _method, _track_property(_name))
del _method, _name

SETUP_SIZES = (10**3, 10**4, 10**5, 10**6)
SETUP_OBJECT_PER_ITEM_CAP = 10**5
"""``spawn`` and ``seedseq`` make a Python object per item (~10 µs each): above this they are n/a here
(``scripts/measure_keyed.py`` measures them at 10^6)."""


class KeyedSetupCostBenchmark:
    """Seconds to create ``n_items`` item streams and draw each item's first word (one thread)."""

    timeout = 600
    repeat = (3, 10, 5.0)
    number = 1
    warmup_time = 0.0

    def setup(self, n_items, strategy):
        from rngbench.keyed import streams

        if strategy in streams.OBJECT_PER_ITEM and n_items > SETUP_OBJECT_PER_ITEM_CAP:
            raise strategies.NotApplicable(f"{strategy} makes a Python object per item: capped at 10^5 items")
        import numpy as np

        streams.item_draws(strategy, 0, [0, 1, 2], n_draws=1, threads=1)  # compiled / loaded outside the timing
        self.ids = np.arange(n_items)

    def time_create_and_draw(self, n_items, strategy):
        from rngbench.keyed import streams

        streams.item_draws(strategy, 0, self.ids, n_draws=1, threads=1)


class BreakdownBenchmark:
    """One part of the per-cell legacy downsampling cost (:mod:`rngbench.bench.breakdown`), timed as the suite times.

    Process CPU time, a fresh copy of the data per sample made in ``setup``,
    the parts compiled once per process before the first sample.
    """

    timeout = 300
    repeat = _Benchmark.repeat
    number = 1
    warmup_time = 0.0
    timer = _Benchmark.timer

    def setup_cache(self):
        from rngbench.bench import breakdown

        return {name: str(datasets.ensure(name)) for name in breakdown.DATASETS}

    def setup(self, paths, dataset, case, part):
        from rngbench.bench import breakdown
        from rngbench.bench.workloads import downsample

        if "breakdown" not in _warmed:
            _warmed.add("breakdown")
            breakdown.warm(downsample.inputs(datasets.warmup_data(), case))
        self.work = breakdown.prepare(downsample.inputs(fresh_dataset(paths[dataset]), case), part)

    def time_run(self, paths, dataset, case, part):
        self.work()


_peer_compiled: set[str] = set()


class PeerSemantics:
    """scanpy's own ``PreprocessingCountsRngSuite`` method, re-stated in our suite so the difference is measured.

    scanpy's suite (``benchmarks/benchmarks/preprocessing_counts.py`` of its
    sdist) calls ``sc.pp.downsample_counts`` in place on data its ``setup``
    reads once per sample, with ``counts_per_cell=3`` or ``total_counts =
    X.sum() / 10``, ``random_state=0`` or ``rng=0``; its pbmc68k_reduced
    "counts" are the bundled ``.raw.X`` made *dense* (C order) -- log-normalised
    values, not counts.  This class does the same on the same matrix, so the
    peer table (:mod:`rngbench.bench.peer`) can tell the method (dense
    pseudo-counts) from the code under test.
    """

    timeout = 300
    repeat = (3, 10, 5.0)
    number = 1
    warmup_time = 0.0

    def setup_cache(self):
        return str(datasets.peer_dense_pbmc())

    def setup(self, path, case, rng_arg):
        from rngbench.bench.workloads._common import import_scanpy

        sc = import_scanpy()
        if rng_arg == "rng" and not accepts_rng(sc.pp.downsample_counts):
            raise strategies.NotApplicable("this scanpy has no rng= (as in scanpy's suite: skipped)")
        self.downsample = sc.pp.downsample_counts
        self.adata = fresh_dataset(path)
        self.kwargs = self._kwargs(self.adata, case, rng_arg)
        if case not in _peer_compiled:  # scanpy's numba kernel for this path, compiled once per process (untimed)
            _peer_compiled.add(case)
            small = fresh_dataset(path)[:20].copy()
            self.downsample(small, **self._kwargs(small, case, rng_arg))

    @staticmethod
    def _kwargs(adata, case: str, rng_arg: str) -> dict:
        """scanpy's suite's keywords: 3 counts per cell, or a tenth of the total; ``random_state=0`` or ``rng=0``."""
        if case == "per_cell_3":
            return {"counts_per_cell": 3, rng_arg: 0}
        return {"total_counts": adata.X.sum() / 10, rng_arg: 0}

    def time_run(self, path, case, rng_arg):
        self.downsample(self.adata, **self.kwargs)
