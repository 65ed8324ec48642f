"""One module per workload, each the same shape (:class:`Workload`); :data:`WORKLOADS` lists them in report order.

To add a workload, write a module here that satisfies :class:`Workload`, add
its name to :data:`WORKLOADS` and a ``benchmarks/bench_<name>.py`` with its two
asv classes.
"""

from __future__ import annotations

from importlib import import_module
from typing import Protocol

from rngbench.bench.workloads._common import fresh_inputs

__all__ = ["WORKLOADS", "Workload", "fresh_inputs", "workload_module"]

WORKLOADS = ("downsample", "pca", "umap_init", "scrublet")
"""Workload modules under :mod:`rngbench.bench.workloads`, in report order."""


class Workload(Protocol):
    """What the asv suite, the probe and the report need from a workload module.

    Optional module attributes: ``NOT_IN_SCANPY`` (case -> why scanpy's API
    cannot run it: n/a), ``TRACK_GENERATORS`` (True: the suite counts the
    bit generators each call creates), and ``NUMBA_CASES`` with
    ``numba_kernel(inp, strategy, threads)`` (a parallel numba kernel for the
    strategies of ``strategies.NUMBA_NAMES``: a ``<Name>Numba`` asv class on
    ``suite.NumbaBenchmark``).
    """

    NAME: str
    CASES: tuple[str, ...]

    def inputs(self, adata, case: str) -> dict:
        """Untimed preparation of one case's inputs from a prepared dataset."""

    def reference(self, inp: dict, strategy: str, rng=None):
        """rngbench's reference kernel, with the strategy's rng."""

    def scanpy_function(self, case: str | None = None):
        """The scanpy function the case calls (its signature decides ``rng=`` support)."""

    def scanpy_call(self, inp: dict, strategy: str, bit_generator=None):
        """The same work through scanpy's public API; raises NotApplicable where it cannot be expressed."""

    def warm(self, adata) -> None:
        """JIT-compile the workload's numba code on a small dataset (outside any timed region)."""


def workload_module(name: str) -> Workload:
    return import_module(f"rngbench.bench.workloads.{name}")
