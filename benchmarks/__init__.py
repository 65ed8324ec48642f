"""asv benchmarks: thin files, one per workload; the code lives in src/rngbench.

asv imports benchmarks from the working tree (not from the benchmarked
commit), so the working tree's ``src/`` goes first on ``sys.path``: the
benchmark environments then need scanpy and asv_runner only, and can never
run a stale installed copy of rngbench.
"""

import sys
from pathlib import Path

_SRC = str(Path(__file__).resolve().parents[1] / "src")
if _SRC not in sys.path:
    sys.path.insert(0, _SRC)
