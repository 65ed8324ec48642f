"""Time both sides of a comparison benchmark by benchmark, alternating short turns between them.

Measured here (docs/ci.md): this machine's speed drifts by 30-50 % over a
few seconds, and an asv run of one side takes minutes.  Pooling whole asv
rounds (ABBA) still left each side's samples of a benchmark in different
stretches of time, and A/A ratios came out anywhere between 0.74 and 1.2.
So a comparison now lets asv run each side once (``--quick``: failures, n/a,
``peakmem_`` and ``track_`` values, the result files) and takes the timing
samples here: one long-lived worker per side (:mod:`rngbench.interleave_worker`,
running asv_runner in the side's own environment), and for every ``time_``
benchmark both workers set it up, then take turns of ``TURN_SAMPLES`` samples,
A B B A A B ..., so drift lands on both sides alike.  The samples stay asv's
(same setup, timer, ``number``) and are judged by asv's own test.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from .benchresults import Measurement

WORKER = Path(__file__).with_name("interleave_worker.py")
TURN_SAMPLES = 2  # samples per turn: short enough to follow the drift, long enough to amortise the switch
DEFAULT_TURNS = 20  # turns per side and benchmark: 40 samples a side, what asv's test needs at this noise
MIN_TURNS = 5
MAX_SECONDS = 60.0  # per benchmark, both sides: stop adding turns after this (at least MIN_TURNS each)


class InterleaveError(RuntimeError):
    """A one-line reason why a worker could not run."""


class JsonLinesProcess:
    """A long-lived child process answering one JSON line with one JSON line; its stderr goes to a log file.

    Used for both kinds of benchmark worker: the side workers here and the
    headline probe's (:mod:`rngbench.bench_probe`).
    """

    def __init__(self, name: str, argv: list[str], env: dict, cwd: Path, log: Path):
        log.parent.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.log = log
        self._log_file = open(log, "w")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log_file,
                                     text=True, env=env, cwd=cwd)

    def call(self, **cmd) -> dict:
        try:
            self.proc.stdin.write(json.dumps(cmd) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        except (BrokenPipeError, OSError, ValueError):  # ValueError: the pipe was closed here
            line = ""
        if not line:
            raise InterleaveError(f"the {self.name} worker stopped ({self._tail()})")
        return json.loads(line)

    def _tail(self) -> str:
        if not self._log_file.closed:
            self._log_file.flush()
        lines = [x.strip() for x in self.log.read_text(errors="replace").splitlines() if x.strip()]
        return lines[-1] if lines else f"see {self.log}"

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._log_file.close()


def suite_worker(name: str, python: Path, benchmark_dir: Path, env: dict, workdir: Path) -> JsonLinesProcess:
    """One side's benchmark process: asv_runner in the side's environment (:mod:`rngbench.interleave_worker`)."""
    workdir.mkdir(parents=True, exist_ok=True)
    return JsonLinesProcess(name, [str(python), str(WORKER), str(benchmark_dir)], env, workdir,
                            workdir / f"worker-{name}.log")


@dataclass
class Sampled:
    """What the turns gave for one benchmark: samples per side, or why a side has none."""

    samples: tuple[list[float], list[float]]
    numbers: tuple[int, int]
    problem: tuple[str | None, str | None] = (None, None)  # per side: "failed: ..." / "skipped: ..."


def is_timed(m: Measurement) -> bool:
    """A ``time_`` benchmark that produced a value (asv's ``timeraw_`` run in their own process: left to asv)."""
    return m.benchmark.rsplit(".", 1)[-1].startswith("time_") and m.value is not None and m.value == m.value


def jobs(before: list[Measurement], after: list[Measurement]) -> list[tuple[str, int | None, tuple]]:
    """``(benchmark, parameter index, key)`` for every ``time_`` measurement with a value on both sides."""
    theirs = {m.key: m for m in after}
    out = []
    for m in before:
        other = theirs.get(m.key)
        if other is not None and is_timed(m) and is_timed(other):
            out.append((m.benchmark, m.index, m.key))
    return out


def sample(workers: tuple[JsonLinesProcess, JsonLinesProcess], job_list: list[tuple[str, int | None, tuple]], turns: int = DEFAULT_TURNS,
           max_seconds: float = MAX_SECONDS, on_job: Callable[[int, str], None] | None = None) -> dict:
    """Alternate turns between the two workers, benchmark by benchmark; ``{key: Sampled}``."""
    results = {}
    for n, (name, index, key) in enumerate(job_list):
        if on_job:
            on_job(n, name)
        loaded = [w.call(op="load", name=name, index=index, repeat=TURN_SAMPLES) for w in workers]
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
            if any(problem) or (turn + 1 >= MIN_TURNS and time.monotonic() - start > max_seconds):
                break
        for w in workers:
            w.call(op="unload")
        results[key] = Sampled(samples, (numbers[0], numbers[1]), (problem[0], problem[1]))
    return results


def _problem(reply: dict) -> str | None:
    if "error" in reply:
        return f"failed: {reply['error']}"
    if "skipped" in reply:
        return f"skipped: {reply['skipped']}"
    return None


def apply(measurements: list[Measurement], sampled: dict, side: int) -> list[Measurement]:
    """The measurements with each interleaved ``time_`` result's samples in place of asv's single one."""
    from .significance import pooled  # asv's statistics: imported here so the CLI can read the defaults cheaply

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


def worker_env(extra: dict) -> dict:
    return dict(os.environ, PYTHONDONTWRITEBYTECODE="1", **extra)
