"""The one matrix runner: record jobs in parallel environments, ingest each into a store as it finishes.

Both matrices (numpy releases into the stream store, scanpy stacks into the
result-golden store) are the same loop: a thread pool runs each job's
recording (building its environment, running a recorder into a scratch
folder), and this process alone ingests the outputs one at a time, so an
interrupted run keeps every finished job and the next run does the rest.
Scratch lives under the cache (``paths.scratch_root``), not /tmp; a run
killed with -9 cannot remove its own, so each run first removes the folders
of runs whose process is gone.  A job that fails is reported through
``on_done`` with its one-line reason, and the others go on.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path
from typing import TypeVar

from rngbench.errors import RngbenchError
from rngbench.util import atomic

Job = TypeVar("Job")


class MatrixError(RngbenchError):
    """One-line reason a matrix (or one of its jobs) cannot go on."""


def scratch_dir(root: Path) -> Path:
    """A fresh scratch folder for this run under ``root``, after removing those of dead runs."""
    root.mkdir(parents=True, exist_ok=True)
    for old in root.glob("run-*"):
        try:
            pid = int(old.name.split("-")[1])
        except (ValueError, IndexError):
            pid = None
        if pid is None or not atomic.alive(pid):
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"run-{os.getpid()}-", dir=root))


def run(jobs: Sequence[Job], *, label: Callable[[Job], str], record: Callable[[Job, Path], object],
        ingest: Callable[[Job, object], None], scratch: Path, workers: int,
        on_done: Callable[[str, str | None], None], order: Callable[[Job], object] | None = None) -> list[str]:
    """Run ``record(job, workdir)`` for every job in ``workers`` threads and ``ingest(job, what it returned)``
    here, one at a time (jobs finishing together in ``order``); returns the labels of the jobs that failed.

    ``record`` writes its outputs under ``workdir / label(job)``, removed once the job is ingested.
    """
    if workers < 1:
        raise MatrixError(f"--jobs must be at least 1, not {workers}")
    failed = []
    workdir = scratch_dir(scratch)
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        pending = {pool.submit(record, job, workdir): job for job in jobs}
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=lambda f: order(pending[f]) if order else 0):
                job = pending.pop(future)
                try:
                    ingest(job, future.result())
                    shutil.rmtree(workdir / label(job), ignore_errors=True)
                    on_done(label(job), None)
                except RngbenchError as exc:
                    failed.append(label(job))
                    on_done(label(job), str(exc))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        shutil.rmtree(workdir, ignore_errors=True)
    return failed
