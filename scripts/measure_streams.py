#!/usr/bin/env python
"""Measure the golden-stream store's speed targets and print the figures.

Targets (issue 2): recording one release <= 20 s, `rngbench streams check`
<= 15 s, the whole matrix <= 15 min from cold and <= 5 min when environments
exist.  Timings are wall-clock on whatever machine runs this; run it on a quiet
machine and quote the medians it prints.

    .venv/bin/python scripts/measure_streams.py              # record + check (about a minute)
    .venv/bin/python scripts/measure_streams.py --matrix     # also the whole matrix, cold and warm (~20 min)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STORE = REPO / "stream_fixtures"


def timed(cmd: list[str], env: dict | None = None) -> float:
    started = time.perf_counter()
    result = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise SystemExit(f"error: {' '.join(cmd)} failed: {(result.stderr.strip().splitlines() or ['?'])[-1]}")
    return elapsed


def median_of(runs: int, cmd: list[str], env: dict | None = None) -> tuple[float, list[float]]:
    times = [timed(cmd, env) for _ in range(runs)]
    return statistics.median(times), times


def store_size(root: Path = STORE) -> tuple[int, int]:
    """(bytes in files, bytes on disk in 4 KiB blocks, as `du` counts) of the golden-stream store; pipelines/ (the
    result-golden store) is not part of it."""
    files = [p for p in root.rglob("*") if p.is_file() and "pipelines" not in p.relative_to(root).parts]
    sizes = [p.stat().st_size for p in files]
    return sum(sizes), sum(-(-s // 4096) * 4096 for s in sizes)


def load() -> str:
    return "load average %.2f %.2f %.2f" % os.getloadavg()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--matrix", action="store_true", help="also time the whole matrix, cold and warm")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--release", default="1.16.0", help="the release to time a single recording with")
    args = parser.parse_args()
    rngbench = str(BIN / "rngbench")
    rows = []
    load_before = load()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = dict(os.environ)
        # one release into a copy of the store without it: environment reused, recorder + ingest timed
        for version in (args.release, "newest"):
            store = tmp / f"store-{version}"
            shutil.copytree(STORE, store)
            index = (store / "INDEX").read_text().splitlines()
            if version == "newest":
                version = index[-1].split("releases/")[1][: -len(".json")]
            kept = [line for line in index if not line.endswith(f"releases/{version}.json")]
            (store / "INDEX").write_text("\n".join(kept) + "\n")
            (store / "releases" / f"{version}.json").unlink()
            timed([rngbench, "streams", "matrix", "--store", str(store), version], env)  # builds the env if needed
            times = []
            for _ in range(args.runs):
                (store / "INDEX").write_text("\n".join(kept) + "\n")
                (store / "releases" / f"{version}.json").unlink(missing_ok=True)
                times.append(timed([rngbench, "streams", "matrix", "--store", str(store), version], env))
            rows.append((f"record one release (numpy {version}, env exists)", statistics.median(times), times, 20.0))
        med, times = median_of(args.runs, [rngbench, "streams", "check"])
        rows.append(("rngbench streams check", med, times, 15.0))
        if args.matrix:
            cold_cache = tmp / "cache"
            env_cold = dict(env, RNGBENCH_CACHE=str(cold_cache))
            t = timed([rngbench, "streams", "matrix", "--store", str(tmp / "cold")], env_cold)
            rows.append(("whole matrix, no environments", t, [t], 15 * 60.0))
            t = timed([rngbench, "streams", "matrix", "--store", str(tmp / "warm")], env_cold)
            rows.append(("whole matrix, environments exist", t, [t], 5 * 60.0))
    print(f"{'measurement':45s} {'median s':>9s} {'target s':>9s}  runs")
    for name, med, times, target in rows:
        flag = "ok" if med <= target else "OVER"
        print(f"{name:45s} {med:9.1f} {target:9.0f}  {', '.join(f'{t:.1f}' for t in times)}  {flag}")
    print(f"machine: {os.cpu_count()} cores, {sys.platform}; {load_before} before, {load()} after")
    size, on_disk = store_size()
    print(f"store (stream_fixtures without pipelines/): {size / 1e6:.1f} MB in files, {on_disk / 1e6:.1f} MB on disk "
          f"(target 50 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
