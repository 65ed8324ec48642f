"""Record every numpy release into the store, each in its own uv environment.

Which releases exist and which CPython versions have wheels for each comes from
the package index's JSON API; for each release the newest installed interpreter
with a wheel records it (numpy 1.16 only has wheels up to CPython 3.7).  Work
runs in parallel over the cores; the store is written by this process alone,
one release at a time, so an interrupted run keeps every finished release and
the next run picks up the rest.
"""

from __future__ import annotations

import json
import os
import platform
import re
import signal
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from rngbench import envs, paths
from rngbench.envs import runner
from rngbench.envs.runner import MatrixError
from rngbench.streams import policy
from rngbench.streams.recorder import catalogue
from rngbench.streams.store import Store, StoreError, read_recorder_output, sort_versions

__all__ = ["KERNELS", "MatrixError", "fetch_index", "ingest", "ingest_output", "plan", "record_missing",
           "record_release", "releases", "run", "runnable_kernels", "writable_store"]

INDEX_URL = "https://pypi.org/pypi/numpy/json"
RECORD_TIMEOUT = 600  # seconds; a release whose recorder hangs is reported, not waited for forever
OLDEST = "1.16.0"
RECORDER = Path(__file__).with_name("recorder")  # run as a folder: python RECORDER OUTDIR
# OpenBLAS kernels each release is recorded under, and the CPU flags (/proc/cpuinfo) a kernel needs: a kernel the
# CPU cannot run dies with "Illegal instruction".  The reference kernel runs on every x86-64 CPU and records every
# case (it is the first); the others re-record only the methods whose output follows linear algebra
# (policy.LINALG_METHODS).
KERNELS = {
    "Prescott": (),
    "Sandybridge": ("avx",),
    "Haswell": ("avx2", "fma"),
    "Zen": ("avx2", "fma"),
    "SkylakeX": ("avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"),
}
KERNELS_REFERENCE = next(iter(KERNELS))
_CP_TAG = re.compile(r"-cp(\d)(\d+)-")


def fetch_index(url: str = INDEX_URL) -> dict:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return json.load(response)
    except (OSError, ValueError) as exc:
        raise MatrixError(f"cannot read the numpy release list from the package index ({exc})") from None


def wheel_pythons(files: list[dict], machine: str | None = None) -> set[tuple[int, int]]:
    """CPython (major, minor) pairs with a Linux wheel for this machine's architecture.

    Yanked files count: a yanked release (2.4.0 was, for a backward-compatibility
    bug) is still on the index, installable with ``==``, and what some users ran.
    """
    machine = machine or platform.machine()
    found = set()
    for f in files:
        name = f.get("filename", "")
        if not name.endswith(".whl") or "linux" not in name or machine not in name:
            continue
        match = _CP_TAG.search(name)
        if match:
            found.add((int(match.group(1)), int(match.group(2))))
    return found


def releases(index: dict, *, oldest: str = OLDEST, pre: bool = False) -> dict[str, set[tuple[int, int]]]:
    """{version: wheel pythons} for every release from ``oldest`` on (pre-releases only if asked)."""
    out = {}
    for version, files in index.get("releases", {}).items():
        try:
            parsed = Version(version)
        except InvalidVersion:
            continue
        if parsed < Version(oldest) or (parsed.is_prerelease and not pre) or parsed.is_devrelease:
            continue
        pythons = wheel_pythons(files)
        if pythons:
            out[version] = pythons
    return dict(sorted(out.items(), key=lambda kv: Version(kv[0])))


def pick_interpreter(pythons: set[tuple[int, int]], interpreters: list[envs.Interpreter]) -> envs.Interpreter | None:
    """The newest installed interpreter with a wheel: newest Pythons are the ones numpy tested most."""
    usable = [i for i in interpreters if i.minor in pythons]
    return usable[-1] if usable else None


@dataclass(frozen=True)
class Job:
    version: str
    python: envs.Interpreter


def plan(index: dict, store: Store, interpreters: list[envs.Interpreter], *, versions: list[str] | None = None,
         pre: bool = False) -> tuple[list[Job], list[str], list[str]]:
    """(jobs to run, versions already complete, versions with no usable interpreter)."""
    available = releases(index, pre=pre)
    if versions:
        unknown = [v for v in versions if v not in available]
        if unknown:
            raise MatrixError(f"numpy {', '.join(unknown)} has no wheel for this machine on the package index")
        available = {v: available[v] for v in versions}
    digest = catalogue.digest()
    jobs, done, unusable = [], [], []
    for version, pythons in available.items():
        if store.is_complete(version, digest):
            done.append(version)
            continue
        interp = pick_interpreter(pythons, interpreters)
        if interp is None:
            unusable.append(version)
        else:
            jobs.append(Job(version, interp))
    return jobs, done, unusable


def cpu_flags() -> set[str]:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.partition(":")[2].split())
    except OSError:
        pass
    return set()


def runnable_kernels(flags: set[str] | None = None) -> list[str]:
    """The kernels of ``KERNELS`` this CPU can run, reference first (x86-64 only; elsewhere none is forced)."""
    if platform.machine() not in ("x86_64", "AMD64"):
        return []
    flags = cpu_flags() if flags is None else flags
    return [k for k, need in KERNELS.items() if all(f in flags for f in need)]


def _run_recorder(env: envs.Environment, outdir: Path, version: str, kernel: str | None,
                  only: tuple[str, ...] = ()) -> Path:
    environ = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}  # one thread: kernels, not thread splits, decide
    environ.pop("OPENBLAS_CORETYPE", None)
    if kernel:
        environ["OPENBLAS_CORETYPE"] = kernel
    args = [str(env.executable), str(RECORDER), str(outdir)] + (["--only", ",".join(only)] if only else [])
    envs.run_recorder(args, timeout=RECORD_TIMEOUT, env=environ, what=f"numpy {version} ({kernel or 'default kernel'})")
    return outdir


def record_release(job: Job, workdir: Path, env_root: Path) -> list[Path]:
    """Build the release's environment and run the standalone recorder in it: every case under the reference
    kernel, then the linear-algebra methods under every other kernel this CPU runs."""
    env = envs.build_env([f"numpy=={job.version}"], job.python, env_root)
    kernels = runnable_kernels()
    reference = KERNELS_REFERENCE if kernels else None
    outs = [_run_recorder(env, workdir / job.version / "reference", job.version, reference)]
    for kernel in kernels[1:]:
        outs.append(_run_recorder(env, workdir / job.version / kernel, job.version, kernel, policy.LINALG_METHODS))
    return outs


def ingest(store: Store, outdirs: list[Path], expected_version: str) -> str:
    """Add a release: the first output is the reference record, the others its platform variants."""
    loaded = [read_recorder_output(outdir) for outdir in outdirs]
    for doc, _ in loaded:
        if doc["env"].get("numpy") != expected_version:
            raise MatrixError(f"asked for numpy {expected_version}, the environment had {doc['env']['numpy']}")
        if doc["catalogue"] != catalogue.digest():
            raise MatrixError("the recorder read a different catalogue than this rngbench")
    (doc, cases), variants = loaded[0], loaded[1:]
    return store.add_release(doc, cases, variants)


def run(jobs: list[Job], store: Store, *, workers: int, on_done: Callable[[str, str | None], None],
        env_root: Path | None = None) -> list[str]:
    """Record ``jobs`` in parallel; returns the versions that failed (each reported through ``on_done``)."""
    env_root = env_root or paths.env_root()
    failed = runner.run(jobs, label=lambda job: job.version, order=lambda job: Version(job.version),
                        record=lambda job, workdir: record_release(job, workdir, env_root),
                        ingest=lambda job, outdirs: ingest(store, outdirs, job.version),
                        scratch=paths.scratch_root("matrix"), workers=workers, on_done=on_done)
    return sort_versions(failed)


def ingest_output(store: Store, recorded: Path) -> str:
    """``streams ingest``: a release the store lacks is added whole; for a stored release the output becomes a
    platform variant (only its platform-dependent cases may differ from the stored reference).  Returns what
    was stored, in words."""
    doc, cases = read_recorder_output(recorded)
    if doc["catalogue"] != catalogue.digest():
        raise StoreError(f"{recorded} was recorded from another catalogue "
                         f"({doc['catalogue']}, this one is {catalogue.digest()})")
    if doc["env"].get("numpy") in store.releases():
        version, pid = store.add_variant(doc, cases)
        return f"platform {pid} of numpy {version}"
    return f"numpy {store.add_release(doc, cases)}"


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def writable_store(path: Path, *, create: bool) -> Store:
    """A store we are about to write: checked before any long work (a file, a read-only folder, a missing store)."""
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path} is a file, not a store")
    if not path.exists() and not create:
        raise StoreError(f"no store at {path} (pass --create to start a new one)")
    existing = path
    while not existing.exists():
        existing = existing.parent
    if not os.access(existing, os.W_OK | os.X_OK):
        raise StoreError(f"{existing} is not writable")
    return Store(path)


def record_missing(store_path: Path, *, versions: list[str] | None, pre: bool, jobs: int,
                   say: Callable[[str], None],
                   drive: Callable[[int, Callable[[Callable[[str, str | None], None]], list[str]]], None]) -> Store:
    """The one stream-recording driver (``streams matrix``, ``nightly``): every release (or only ``versions``)
    the store lacks, in ``jobs`` environments at once; ``drive(total, run)`` runs ``run(on_done)`` with progress
    and raises when some failed.  SIGTERM (a cancelled CI job) cleans up like Ctrl-C."""
    for version in versions or ():
        try:
            Version(version)
        except InvalidVersion:
            raise MatrixError(f"{version!r} is not a numpy version") from None
    signal.signal(signal.SIGTERM, _interrupt)
    store = writable_store(store_path, create=True)
    interpreters = envs.find_interpreters()
    if not interpreters:
        raise MatrixError("no Python interpreter found (searched pyenv's versions/, $PYENV_ROOT, python3.N and "
                          "python3 on PATH)")
    todo, done, unusable = plan(fetch_index(), store, interpreters, versions=versions or None, pre=pre)
    for version in unusable:
        say(f"warning: numpy {version}: no installed Python has a wheel for it; skipped")
    say(f"{len(done)} releases already stored, {len(todo)} to record with {jobs} workers")
    drive(len(todo), lambda on_done: run(todo, store, workers=jobs, on_done=on_done))
    return store
