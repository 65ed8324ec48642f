"""Shared, cached inputs for the benchmark tests (a helper module, not a conftest: the lead owns that).

The prepared pbmc68k_reduced is built once per test session into a private
cache directory, so tests never read or write the user's ~/.cache/rngbench.
"""

import functools
import os
import tempfile


@functools.cache
def cache_dir() -> str:
    path = tempfile.mkdtemp(prefix="rngbench-test-cache-")
    os.environ["RNGBENCH_CACHE"] = path
    return path


@functools.cache
def pbmc():
    from rngbench import data

    cache_dir()
    return data.load("pbmc68k_reduced")
