"""Which estimator holds still?  The run-to-run spread of each ratio estimator on one downsampling benchmark pair.

Times the reference kernel's per-cell downsampling on pbmc68k_reduced, spawn
against reuse, in-process and interleaved (one sample a side per round, the
probe's way): ``setup`` (a fresh copy of the data) untimed, the garbage
collector off during the call, as asv does.  Each of ``--runs`` runs gives a
ratio per estimator (median, minimum, 20 % trimmed mean) and per clock (wall:
``perf_counter``; process CPU: ``process_time``); the spread over runs --
(max - min) / median, and the relative standard deviation -- says which one
to report.  Figures in docs/benchmarks.md.

    .venv/bin/python scripts/measure_estimators.py --runs 5 --rounds 40
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time

for _key, _value in (("OMP_NUM_THREADS", "1"), ("NUMBA_THREADING_LAYER", "workqueue")):  # as benchmarks/__init__
    os.environ.setdefault(_key, _value)

import numpy as np  # noqa: E402

from rngbench import stats  # noqa: E402
from rngbench.bench import datasets, suite  # noqa: E402

CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


class _Reference(suite.ReferenceBenchmark):
    workload = "downsample"


def sample(bench, paths, strategy: str) -> dict[str, float]:
    bench.setup(paths, "pbmc68k_reduced", "per_cell", strategy)
    gc.disable()
    try:
        t0 = {k: c() for k, c in CLOCKS.items()}
        bench.time_run(paths, "pbmc68k_reduced", "per_cell", strategy)
        return {k: c() - t0[k] for k, c in CLOCKS.items()}
    finally:
        gc.enable()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args(argv)
    paths = {"pbmc68k_reduced": str(datasets.ensure("pbmc68k_reduced"))}
    bench = _Reference()
    bench.setup(paths, "pbmc68k_reduced", "per_cell", "reuse")  # warms numba (untimed)
    ratios: dict[tuple[str, str], list[float]] = {}
    for run in range(args.runs):
        got = {s: {k: [] for k in CLOCKS} for s in ("spawn", "reuse")}
        for r in range(args.rounds):
            for strategy in (("spawn", "reuse") if r % 2 == 0 else ("reuse", "spawn")):
                for clock, value in sample(bench, paths, strategy).items():
                    got[strategy][clock].append(value)
        for clock in CLOCKS:
            for est in stats.ESTIMATORS:
                ri = stats.ratio_interval(got["spawn"][clock], got["reuse"][clock], estimator=est, resamples=1000)
                ratios.setdefault((clock, est), []).append(ri.ratio)
        print(f"run {run + 1}: " + ", ".join(f"{c}/{e} {v[-1]:.3f}" for (c, e), v in ratios.items()), flush=True)
    print("\nclock  estimator      ratios over runs                       range/median  rel. std")
    for (clock, est), values in ratios.items():
        v = np.array(values)
        print(f"{clock:5}  {est:13}  {' '.join(f'{x:.3f}' for x in v):38}  {np.ptp(v) / np.median(v):11.1%}"
              f"  {v.std(ddof=1) / v.mean():8.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
