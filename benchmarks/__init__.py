"""asv benchmarks: thin files, one per workload; the code lives in src/rngbench.

asv imports benchmarks from the working tree (not from the benchmarked
commit), so the working tree's ``src/`` goes first on ``sys.path``: the
benchmark environments then need scanpy and asv_runner only, and can never
run a stale installed copy of rngbench.

asv forks every benchmark from a server process that has already imported
(and, see ``rngbench.bench.suite.warm_fork_server``, JIT-warmed) everything.
GNU OpenMP is not fork-safe: once the server has used an OpenMP thread
team (numba's default ``omp`` threading layer, sklearn's kNN), a forked
benchmark hangs or is terminated.  So, unless the caller chose otherwise,
the suite runs OpenMP single-threaded and numba on its fork-safe
``workqueue`` layer -- which also keeps timings steadier on a 2-core
machine shared with other work.  Both are set before numpy/numba load.

numba fixes its thread pool's size when it is imported: the numba-kernel
benchmarks take the thread count (1, 2) as a parameter, so the pool is
started with at least 2 threads (``NUMBA_NUM_THREADS``), here, before that.
"""

import os
import sys
from pathlib import Path

for _key, _value in (("OMP_NUM_THREADS", "1"), ("NUMBA_THREADING_LAYER", "workqueue")):
    os.environ.setdefault(_key, _value)

if int(os.environ.get("NUMBA_NUM_THREADS") or 0) < 2:
    os.environ["NUMBA_NUM_THREADS"] = "2"

_SRC = str(Path(__file__).resolve().parents[1] / "src")
if _SRC not in sys.path:
    sys.path.insert(0, _SRC)
