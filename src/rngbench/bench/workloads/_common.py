"""What every workload module shares: signature detection and the scanpy keyword for a strategy."""

from __future__ import annotations

import inspect
import warnings
from contextlib import contextmanager

import numpy as np

from rngbench.bench import strategies


def accepts_rng(func) -> bool:
    """Whether the installed scanpy function takes ``rng=`` (1.13 does, 1.12 does not).

    Read from the signature (``functools.wraps`` makes decorated functions
    show the wrapped one's parameters), never from a version number.
    """
    try:
        return "rng" in inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False


def legacy_keyword(func) -> str:
    """``random_seed`` where the signature says so (scanpy 1.12.4's scrublet_simulate_doublets), else ``random_state``.

    scanpy 1.13 functions show only ``rng`` in their signature and take
    ``random_state`` through a decorator, so ``random_state`` is the default.
    """
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return "random_state"
    return "random_seed" if "random_seed" in params and "random_state" not in params else "random_state"


def scanpy_kwargs(func, strategy: str, bit_generator=np.random.PCG64) -> dict:
    """Keywords for ``func`` that express ``strategy``, or :class:`~rngbench.bench.strategies.NotApplicable`."""
    return strategies.scanpy_kwargs(
        strategy, accepts_rng(func), bit_generator=bit_generator, legacy_keyword=legacy_keyword(func)
    )


def import_scanpy():
    """scanpy, configured for this machine.

    scanpy's default ``settings.n_jobs`` (4) makes pynndescent call
    ``numba.set_num_threads(4)``, which raises on a 2-core machine ("The
    number of threads must be between 1 and 2"); scrublet's kNN takes that
    path above 8192 points.  Capping it at numba's thread count is what a
    user here would have to do too.
    """
    import numba
    import scanpy as sc

    sc.settings.n_jobs = max(1, min(sc.settings.n_jobs, numba.config.NUMBA_NUM_THREADS))
    return sc


@contextmanager
def quiet():
    """Silence the warnings scanpy emits on every call (they are not what is measured)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def fresh_inputs(inp: dict) -> dict:
    """A copy of a workload's inputs that one call may change in place.

    The workloads work in place, so that no copy is ever timed (the asv
    suite's ``setup`` hands every sample a fresh dataset).  Code that calls a
    workload several times on one prepared input outside asv -- the result
    goldens' recorder, the cross-check -- calls it on ``fresh_inputs(inp)``.
    """
    return {key: value.copy() if hasattr(value, "copy") and not isinstance(value, (str, bytes)) else value
            for key, value in inp.items()}
