"""How long a command takes as a user waits for it: in a fresh process, imports included.

Used by the scripts that print the command-line figures (``scripts/measure_cli.py``, ``scripts/measure_comment.py``).
Wall time is what the user waits; CPU time (user + system of the child) is printed beside it because a shared
machine inflates it far less.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import time


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def median_seconds(argv: list[str], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``argv`` over ``runs`` fresh processes (stdout discarded; a failure raises)."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), _children_cpu_seconds()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        wall.append(time.perf_counter() - start)
        cpu.append(_children_cpu_seconds() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)
