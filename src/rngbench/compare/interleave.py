"""The interleaving engine: time benchmarks in two environments, alternating short turns between them.

Measured here (docs/ci.md): this machine's speed drifts by 30-50 % over a
few seconds, and an asv run of one environment takes minutes.  Pooling whole
asv rounds (ABBA) still left each side's samples of a benchmark in different
stretches of time, and A/A ratios came out anywhere between 0.74 and 1.2.
So every figure that divides two timings -- a comparison's BASE and HEAD,
and the main job's headline ratios (:mod:`rngbench.bench.probe`) -- is
sampled here: one long-lived worker per side (:mod:`rngbench.compare.worker`,
asv_runner in the side's own environment), and for every pair of benchmarks
both workers set theirs up, then take turns of ``turn_samples`` samples,
A B B A A B ..., so drift lands on both sides alike.  The samples stay asv's
(same setup, timer, ``number``) and are judged by asv's own test.

The turns of a measurement are split over :data:`PASSES` pairs of fresh
worker processes (:func:`sample_in_passes`).  Measured here (docs/ci.md):
two processes timing the same code on the same CPU can differ by 5-12 %
for the whole life of the process (memory layout; asv runs every benchmark
in two processes for the same reason), which one process per side turns
into a fake change.  With four processes a side, one unlucky process moves
the median by a fraction of that.

During a job both workers are pinned to the *same* CPU (:func:`pin`).
Measured here (docs/ci.md): left to the scheduler, each worker stays on its
own vCPU, and when a neighbour loads one vCPU for the length of a job, every
sample of one side is slow -- A/A ratios of 1.40 and 0.77 with all 40
samples shifted, flagged as changes by asv's test.  On one CPU such a
neighbour slows both sides alike.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from rngbench.asvio.results import Measurement
from rngbench.util.worker import JsonLinesProcess

WORKER = Path(__file__).with_name("worker.py")
TURN_SAMPLES = 1  # samples per turn: many short turns follow the drift best (a switch costs one JSON line)
DEFAULT_TURNS = 40  # turns per side and benchmark: 40 samples a side, what asv's test needs at this noise
MIN_TURNS = 10
MAX_SECONDS = 60.0  # per benchmark, both sides: stop adding turns after this (at least MIN_TURNS each)
PASSES = 4  # pairs of fresh worker processes the turns are split over (processes per side)


def suite_worker(name: str, python: Path | str, benchmark_dir: Path, env: dict, workdir: Path) -> JsonLinesProcess:
    """One side's benchmark process: asv_runner in the side's environment (:mod:`rngbench.compare.worker`)."""
    workdir.mkdir(parents=True, exist_ok=True)
    return JsonLinesProcess(name, [str(python), str(WORKER), str(benchmark_dir)], env, workdir,
                            workdir / f"worker-{name}.log")


def worker_env(extra: dict) -> dict:
    return dict(os.environ, PYTHONDONTWRITEBYTECODE="1", **extra)


Target = tuple[str, int | None]  # an asv benchmark name and its parameter index (None: not parametrised)


@dataclass(frozen=True)
class Job:
    """What to time on each side: the same benchmark (a comparison) or two (a ratio such as spawn / reuse)."""

    key: object  # how the caller finds the result again
    targets: tuple[Target, Target]
    threads: int = 1  # CPUs the benchmark uses; both workers are pinned to that many (ALL_CPUS: not pinned)


ALL_CPUS = 0


def job_threads(m: Measurement, default: int = 1) -> int:
    """The CPUs a benchmark uses: its ``threads`` parameter if it has one, else ``default``."""
    value = dict(m.params).get("threads")
    try:
        return int(str(value).strip("'\""))
    except ValueError:
        return default


def pin(workers, job_number: int, threads: int) -> set[int] | None:
    """Pin both workers (every thread of each) to the same ``threads`` CPUs, rotating by job; the CPUs, or None.

    A benchmark that needs every CPU (or ``ALL_CPUS``) gets them all; nothing
    is changed when this process may not set affinities (some containers).
    """
    try:
        available = sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return None
    if threads == ALL_CPUS or threads >= len(available):
        cpus = set(available)  # undo an earlier job's pinning
    else:
        start = (job_number * threads) % len(available)
        cpus = {available[(start + k) % len(available)] for k in range(threads)}
    pids = [getattr(w, "pid", None) for w in workers]
    try:
        for pid in pids:
            if pid is None:
                continue
            for task in Path(f"/proc/{pid}/task").iterdir():
                os.sched_setaffinity(int(task.name), cpus)
    except (OSError, ValueError):
        return None
    return cpus


@dataclass
class Sampled:
    """What the turns gave for one job: samples per side (in turn order), or why a side has none."""

    samples: tuple[list[float], list[float]]
    numbers: tuple[int, int]
    problem: tuple[str | None, str | None] = (None, None)  # per side: "failed: ..." / "skipped: ..."


def is_timed(m: Measurement) -> bool:
    """A ``time_`` benchmark that produced a value (asv's ``timeraw_`` run in their own process: left to asv)."""
    return m.benchmark.rsplit(".", 1)[-1].startswith("time_") and m.value is not None and m.value == m.value


def jobs(before: list[Measurement], after: list[Measurement], threads: int = 1) -> list[Job]:
    """A job for every ``time_`` measurement with a value on both sides (the same benchmark on each).

    ``threads``: the CPUs a benchmark without a ``threads`` parameter uses
    (``--threads``; ``ALL_CPUS`` when the thread pools are left unset).
    """
    theirs = {m.key: m for m in after}
    out = []
    for m in before:
        other = theirs.get(m.key)
        if other is not None and is_timed(m) and is_timed(other):
            out.append(Job(m.key, ((m.benchmark, m.index), (m.benchmark, m.index)), job_threads(m, threads)))
    return out


def sample(workers: tuple[JsonLinesProcess, JsonLinesProcess], job_list: list[Job], turns: int = DEFAULT_TURNS,
           max_seconds: float = MAX_SECONDS, on_job: Callable[[int, str], None] | None = None,
           turn_samples: int = TURN_SAMPLES, min_turns: int = MIN_TURNS, cpu_offset: int = 0) -> dict:
    """Alternate turns between the two workers, job by job; ``{job.key: Sampled}`` (one pass).

    ``cpu_offset`` shifts which CPU each job is pinned to (a later pass puts a
    job on another CPU than the first did).
    """
    results = {}
    for n, job in enumerate(job_list):
        if on_job:
            on_job(n, job.targets[0][0])
        loaded = [w.call(op="load", name=name, index=index, repeat=turn_samples)
                  for w, (name, index) in zip(workers, job.targets)]
        pin(workers, n + cpu_offset, job.threads)  # after load: threads a benchmark's setup starts are pinned too
        problem = [_problem(r) for r in loaded]
        samples: tuple[list[float], list[float]] = ([], [])
        numbers = [1, 1]
        start = time.monotonic()
        for turn in range(turns if not any(problem) else 0):
            for i in ((0, 1) if turn % 2 == 0 else (1, 0)):
                reply = workers[i].call(op="run")
                if "samples" not in reply:
                    problem[i] = _problem(reply)
                    break
                samples[i].extend(reply["samples"])
                numbers[i] = int(reply["number"])
            if any(problem) or (turn + 1 >= min_turns and time.monotonic() - start > max_seconds):
                break
        for w in workers:
            w.call(op="unload")
        results[job.key] = Sampled(samples, (numbers[0], numbers[1]), (problem[0], problem[1]))
    return results


StartWorkers = Callable[[], tuple[JsonLinesProcess, JsonLinesProcess]]


def sample_in_passes(start: StartWorkers, job_list: list[Job], turns: int = DEFAULT_TURNS, passes: int = PASSES,
                     max_seconds: float = MAX_SECONDS, on_job: Callable[[int, str], None] | None = None,
                     turn_samples: int = TURN_SAMPLES, min_turns: int = MIN_TURNS) -> dict:
    """:func:`sample` with the turns split over ``passes`` pairs of fresh workers from ``start()``.

    Every job gets ``turns`` turns in all (the first passes take the
    remainder), the samples of all passes in turn order; a job whose side
    failed or was skipped is not tried again.  ``on_job`` counts jobs across
    passes: ``passes * len(job_list)`` calls at most.  Every pass's workers are
    closed before the next starts.
    """
    passes = max(1, min(passes, turns))
    results: dict = {}
    pending = list(job_list)
    for k in range(passes):
        share = turns // passes + (1 if k < turns % passes else 0)
        step = (lambda n, name, k=k: on_job(k * len(job_list) + n, name)) if on_job else None
        workers = start()
        try:
            got = sample(workers, pending, share, max_seconds / passes, step, turn_samples,
                         math.ceil(min_turns / passes), cpu_offset=k)
        finally:
            for w in workers:
                w.close()
        for key, new in got.items():
            old = results.get(key)
            if old is not None:
                new = Sampled((old.samples[0] + new.samples[0], old.samples[1] + new.samples[1]), old.numbers,
                              new.problem)
            results[key] = new
        pending = [j for j in pending if not any(results[j.key].problem)]
    return results


def _problem(reply: dict) -> str | None:
    if "error" in reply:
        return f"failed: {reply['error']}"
    if "skipped" in reply:
        return f"skipped: {reply['skipped']}"
    return None


def apply(measurements: list[Measurement], sampled: dict, side: int) -> list[Measurement]:
    """The measurements with each interleaved ``time_`` result's samples in place of asv's single one."""
    from rngbench.compare.significance import pooled  # asv's statistics: lazy, so the CLI reads the defaults cheaply

    out = []
    for m in measurements:
        got = sampled.get(m.key)
        if got is None:
            out.append(m)
        elif got.problem[side]:
            skipped = got.problem[side].startswith("skipped")
            out.append(replace(m, value=float("nan") if skipped else None, samples=None, stats=None))
        elif got.problem[1 - side] or not got.samples[side]:
            out.append(m)  # the other side could not be sampled: its row says so; keep asv's value here
        else:
            value, stats = pooled(got.samples[side], got.numbers[side])
            out.append(replace(m, value=value, samples=tuple(got.samples[side]), stats=stats))
    return out
