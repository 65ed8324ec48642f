"""A comparison: both sides on this machine, interleaved benchmark by benchmark, judged by asv's test.

Shared CI runners drift (other jobs, thermal state, noisy neighbours; this
machine's speed moves by 30-50 % over seconds), so measuring all of BASE and
then all of HEAD turns drift into a fake change -- and so, measured here, did
pooling whole asv rounds run alternately (ABBA).  asv therefore runs each
side once, quickly (failures, n/a, memory and ``track_`` values, the result
files), and the ``time_`` samples are taken by :mod:`rngbench.compare.interleave`:
for each benchmark, short turns alternate between the two sides' workers, so
drift lands on both sides alike.  The verdict per benchmark is asv's (see
:mod:`rngbench.compare.significance`).  :mod:`rngbench.compare.calibrate`
runs the same machinery with both sides identical (A/A).
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from rngbench import envs, paths
from rngbench.asvio import driver
from rngbench.asvio.results import Measurement, read_results, replace_measurements
from rngbench.compare import interleave, sides
from rngbench.compare.comment import Report, Side
from rngbench.compare.significance import compare, pooled
from rngbench.errors import RngbenchError
from rngbench.util import atomic


class CompareError(RngbenchError):
    """A one-line reason why the comparison cannot run."""


@dataclass
class Settings:
    suite: Path  # the suite's directory (holds benchmarks/), in a git repository
    defaults: list[str]  # requirements of both sides unless a side pins the package itself
    python: str = ">=3.12"
    bench: list[str] = field(default_factory=list)  # asv --bench regexes
    attributes: list[str] = field(default_factory=list)  # asv -a overrides, e.g. repeat=3
    rounds: int = interleave.DEFAULT_TURNS  # turns per benchmark and side
    factor: float = 1.1
    work: Path = paths.WORK / paths.COMPARE  # exported revisions, asv runs
    env_root: Path = field(default_factory=paths.env_root)
    extra_env: dict = field(default_factory=dict)  # environment variables for the benchmark processes
    suite_rev: str | None = None  # the suite revision for sides that name an environment (None: working tree)
    threads: int = 1  # --threads: CPUs a benchmark without a threads parameter uses (0: all)


@dataclass
class Prepared:
    """One side ready to run: its asv setup, its environment's interpreter, and how the comment names it."""

    name: str  # "base" / "head"
    asv: driver.AsvRun
    python: Path
    benchmark_dir: Path
    side: Side


def prepare(name: str, spec: sides.SideSpec, settings: Settings, run_dir: Path) -> Prepared:
    """Benchmark code and environment for one side; asv registered and configured."""
    suite = settings.suite.resolve()
    repo = sides.git_root(suite)
    relative = suite.relative_to(repo)
    revision = spec.revision or settings.suite_rev
    if revision:
        suite_dir = sides.export_revision(repo, revision, settings.work.resolve() / "suites") / relative
        commit = revision
    else:
        suite_dir = suite
        commit = sides.git(repo, "rev-parse", "HEAD")
    bench_dir = suite_dir / "benchmarks"
    if not bench_dir.is_dir():
        raise CompareError(f"{spec.label}: no benchmarks/ directory in {suite_dir}")
    requirements = sides.merge_requirements(settings.defaults, spec.requirements)
    requirements = [r for r in requirements if sides.requirement_name(r) != "asv-runner"] + [driver.ASV_RUNNER]
    python = envs.find_python(settings.python)
    only_binary = not any(sides.is_local(r) for r in requirements)
    env = envs.build_env(requirements, python, settings.env_root.resolve(), only_binary=only_binary)
    versions = envs.installed_versions(env.executable)
    asv = driver.AsvRun(run_dir / name, bench_dir, repo, commit)
    asv.prepare()
    return Prepared(name, asv, env.executable, bench_dir, Side(spec.label, versions, commit))


Progress = Callable[[int, int | None, str], None]  # (steps done, steps in all if known, what now)


def measure(base: Prepared, head: Prepared, settings: Settings, run_dir: Path,
            progress: Progress | None = None) -> tuple[list[Measurement], list[Measurement]]:
    """asv once per side (``--quick``), then every ``time_`` benchmark timed in interleaved turns."""
    step = progress or (lambda done, total, what: None)
    for i, p in enumerate((base, head)):
        step(i, None, f"asv run --quick: {p.name}")
        p.asv.run(p.python, bench=settings.bench, attributes=settings.attributes, extra_env=settings.extra_env,
                  quick=True)
    for p in (base, head):
        p.asv.record_versions(p.python, p.side.versions)
    before, after = measurements(base), measurements(head)
    job_list = interleave.jobs(before, after, settings.threads)
    env = interleave.worker_env(settings.extra_env)
    total = 2 + interleave.PASSES * len(job_list)

    def start():
        return tuple(interleave.suite_worker(p.name, p.python, p.benchmark_dir, env, run_dir / "workers")
                     for p in (base, head))

    sampled = interleave.sample_in_passes(start, job_list, settings.rounds,
                                          on_job=lambda n, name: step(2 + n, total, name))
    step(total, total, "done")
    record = [{"benchmark": key[0], "params": dict(key[1]), "base": s.samples[0], "head": s.samples[1],
               "number": list(s.numbers), "problem": list(s.problem)} for key, s in sampled.items()]
    atomic.write_text(run_dir / "interleaved.json", json.dumps(record, indent=1) + "\n")
    for side, (p, ms) in enumerate(((base, before), (head, after))):
        replace_measurements(p.asv.results_dir, {m.key: m for m in interleave.apply(ms, sampled, side)
                                                 if m.key in sampled})
    return measurements(base), measurements(head)


def measurements(p: Prepared) -> list[Measurement]:
    return read_results([p.asv.results_dir])


def scaled(ms: list[Measurement], factor: float) -> list[Measurement]:
    """The same measurements with every sample multiplied by ``factor`` (the injected slowdown)."""
    out = []
    for m in ms:
        if m.value is None or math.isnan(m.value):
            out.append(m)
            continue
        if not m.samples:  # a track_ (or a single-sample) result: asv judges it by the factor alone
            stats = {k: (v * factor if k.startswith(("ci_", "q_")) else v) for k, v in (m.stats or {}).items()}
            out.append(replace(m, value=m.value * factor, stats=stats or m.stats))
            continue
        samples = tuple(s * factor for s in m.samples)
        value, stats = pooled(list(samples), (m.stats or {}).get("number") or 1)
        out.append(replace(m, samples=samples, value=value, stats=stats))
    return out


def new_run_dir(work: Path) -> Path:
    path = work.resolve() / "runs" / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
    path.mkdir(parents=True, exist_ok=False)
    return path


def compare_sides(base_spec: sides.SideSpec, head_spec: sides.SideSpec, settings: Settings,
                  progress: Progress | None = None,
                  slowdown: float = 1.0) -> tuple[Report, list[Measurement], list[Measurement]]:
    run_dir = new_run_dir(settings.work)
    base = prepare("base", base_spec, settings, run_dir)
    head = prepare("head", head_spec, settings, run_dir)
    before, after = measure(base, head, settings, run_dir, progress)
    if slowdown != 1.0:
        after = scaled(after, slowdown)
    rows = compare(before, after, settings.factor, paired=True)  # the time_ samples come from interleaved turns
    note = f"calibration: HEAD's samples multiplied by {slowdown:g} after measurement" if slowdown != 1.0 else ""
    report = Report(rows, base.side, head.side, settings.factor, driver.machine_info(), settings.rounds, note)
    return report, before, after
