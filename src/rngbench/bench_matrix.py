"""Build the scanpy benchmark environments and run asv (and the interleaved headline probe) in them.

asv's own environment handling is not what the main job uses: asv cannot
discover interpreters (``pythons`` in asv.conf.json is a fixed list), and its
uv plugin installs with pip inside each environment.  Instead every
environment is built by :func:`rngbench.envs.build_env` from an interpreter
:func:`rngbench.envs.find_python` discovers, with ``asv_runner`` pinned, and
asv runs against it with ``-E existing:<python> --set-commit-hash <HEAD>``
(with ``existing`` environments asv saves results only when given a hash).
The benchmarks import rngbench from the working tree (``benchmarks/__init__``),
so the environments hold only scanpy, its dependencies and asv_runner.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from . import envs
from .interleave import JsonLinesProcess

REPO = Path(__file__).resolve().parents[2]
SCANPY_VERSIONS = ("1.12.4", "1.13.0a2")
ASV_RUNNER = "asv_runner==0.3.2"  # keep equal to the pin in pyproject's bench extra and asv.conf.json
PYTHON_SPEC = ">=3.12"  # scanpy >= 1.12 needs Python 3.12
ENV_ROOT = REPO / ".asv" / "uv-envs"
RESULTS = REPO / ".asv" / "results"
FORK_SAFE_ENV = {"OMP_NUM_THREADS": "1", "NUMBA_THREADING_LAYER": "workqueue"}  # see benchmarks/__init__.py


@dataclass(frozen=True)
class BenchEnv:
    scanpy: str
    env: envs.Environment
    versions: dict

    @property
    def python(self) -> str:
        return str(self.env.executable)


def requirements(scanpy_version: str, numpy_version: str | None = None) -> list[str]:
    """scanpy pinned, numpy pinned or left free (uv picks the newest scanpy allows), asv_runner pinned."""
    return [f"scanpy=={scanpy_version}", f"numpy=={numpy_version}" if numpy_version else "numpy", ASV_RUNNER]


def _installed_versions(env: envs.Environment) -> dict:
    code = "import importlib.metadata as m, json; print(json.dumps({p: m.version(p) for p in ('scanpy', 'numpy', 'asv_runner')}))"
    out = env.run(["-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def build(scanpy_versions=SCANPY_VERSIONS, root: Path = ENV_ROOT, log=print, numpy_version: str | None = None) -> list[BenchEnv]:
    """One cached uv environment per scanpy version, on the newest discovered Python >= 3.12.

    ``numpy_version`` pins numpy in every environment (the numpy axis of the
    matrix); by default each gets the newest numpy its scanpy accepts.
    """
    python = envs.find_python(PYTHON_SPEC)
    built = []
    for version in scanpy_versions:
        log(f"environment: scanpy {version}, numpy {numpy_version or 'newest'}, Python {'.'.join(map(str, python.version))}")
        env = envs.build_env(requirements(version, numpy_version), python, root)
        built.append(BenchEnv(version, env, _installed_versions(env)))
    return built


def _asv() -> list[str]:
    return [sys.executable, "-m", "asv"]


def _head() -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()


def machine_name() -> str:
    return socket.gethostname().split(".")[0] or "machine"


def run_asv(bench_envs: list[BenchEnv], *, quick: bool, bench: str | None = None, log=print) -> float:
    """``asv run`` in each environment; returns the wall time in seconds.  Results land in .asv/results."""
    import time

    subprocess.run([*_asv(), "machine", "--yes", "--machine", machine_name()], cwd=REPO, check=True, capture_output=True)
    commit = _head()
    start = time.perf_counter()
    for be in bench_envs:
        cmd = [*_asv(), "run", "-E", f"existing:{be.python}", "--set-commit-hash", commit, "--machine", machine_name()]
        if quick:
            cmd.append("--quick")
        if bench:
            cmd += ["--bench", bench]
        log(f"asv run{' --quick' if quick else ''} with scanpy {be.scanpy} (numpy {be.versions['numpy']})")
        code = subprocess.run(cmd, cwd=REPO).returncode
        if code == 2:  # asv: some benchmarks failed -- they are data ("failed" cells), not a reason to stop
            log(f"asv: some benchmarks failed with scanpy {be.scanpy}; they are marked 'failed' in the report")
        elif code != 0:
            raise subprocess.CalledProcessError(code, cmd)
    _write_sidecar(bench_envs)
    return time.perf_counter() - start


def _write_sidecar(bench_envs: list[BenchEnv]) -> None:
    path = RESULTS / machine_name() / "envs.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    known = json.loads(path.read_text()) if path.exists() else {}
    known.update({be.python: be.versions for be in bench_envs})
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(known, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, path)


# ---------------------------------------------------------------- interleaved headline probe


class _Worker(JsonLinesProcess):
    """A probe worker (:mod:`rngbench.bench_probe`) in one benchmark environment."""

    def __init__(self, be: BenchEnv):
        env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
        env.update({k: env.get(k, v) for k, v in FORK_SAFE_ENV.items()})  # same threading as the asv runs
        self.be = be
        super().__init__(f"probe (scanpy {be.scanpy})", [be.python, "-m", "rngbench.bench_probe"], env, REPO,
                         REPO / ".asv" / "probe" / f"scanpy-{be.scanpy}.log")


HEADLINE = {
    # name: (env scanpy version or None for "the newest", call); ratio = numerator / denominator, per round
    "spawn/reuse, per-cell downsampling (reference kernel)": (
        ("newest", dict(workload="downsample", case="per_cell", layer="reference", strategy="spawn")),
        ("newest", dict(workload="downsample", case="per_cell", layer="reference", strategy="reuse")),
    ),
    "legacy path random_state=0, per-cell downsampling, scanpy 1.13.0a2 / 1.12.4": (
        ("1.13.0a2", dict(workload="downsample", case="per_cell", layer="scanpy", strategy="legacy")),
        ("1.12.4", dict(workload="downsample", case="per_cell", layer="scanpy", strategy="legacy")),
    ),
    # counts_per_cell=3, as scanpy's own benchmark: the per-cell fixed cost of the seed path is what is left
    "legacy path random_state=0, per-cell downsampling to 3 counts, scanpy 1.13.0a2 / 1.12.4": (
        ("1.13.0a2", dict(workload="downsample", case="per_cell_3", layer="scanpy", strategy="legacy")),
        ("1.12.4", dict(workload="downsample", case="per_cell_3", layer="scanpy", strategy="legacy")),
    ),
}


def interleaved(bench_envs: list[BenchEnv], datasets=("pbmc68k_reduced", "synthetic_10k"), rounds: int = 15, log=print) -> dict:
    """The headline ratios, each from one run: calls alternate between numerator and denominator every round."""
    by_version = {be.scanpy: be for be in bench_envs}
    by_version["newest"] = bench_envs[-1]
    workers = {v: _Worker(be) for v, be in by_version.items() if v != "newest"}
    workers["newest"] = workers[bench_envs[-1].scanpy]
    result = {"rounds": rounds, "figures": [], "lines": []}
    try:
        for name, (num, den) in HEADLINE.items():
            if num[0] not in workers or den[0] not in workers:
                continue
            for dataset in datasets:
                sides = [(workers[v], dict(call, dataset=dataset)) for v, call in (num, den)]
                for worker, call in sides:  # warm-up call: loads data, compiles numba
                    worker.call(**call)
                times = ([], [])
                for _ in range(rounds):
                    for i, (worker, call) in enumerate(sides):
                        reply = worker.call(**call)
                        if "seconds" not in reply:
                            raise RuntimeError(f"{name} on {dataset}: {reply.get('error')}")
                        times[i].append(reply["seconds"])
                ratios = [a / b for a, b in zip(*times)]
                fig = {
                    "figure": name, "dataset": dataset,
                    "numerator_env": f"scanpy {workers[num[0]].be.scanpy}", "denominator_env": f"scanpy {workers[den[0]].be.scanpy}",
                    "numerator_median_s": statistics.median(times[0]), "denominator_median_s": statistics.median(times[1]),
                    "ratio_median": statistics.median(ratios),
                    "ratio_iqr": _iqr(ratios),
                }
                result["figures"].append(fig)
                line = (f"- {name}, {dataset}: **{fig['ratio_median']:.2f}×** (median of {rounds} interleaved rounds, IQR "
                        f"{fig['ratio_iqr'][0]:.2f}–{fig['ratio_iqr'][1]:.2f}; {fig['numerator_median_s'] * 1e3:.1f} ms vs "
                        f"{fig['denominator_median_s'] * 1e3:.1f} ms)")
                result["lines"].append(line)
                log(line)
    finally:
        for v, w in workers.items():
            if v != "newest":
                w.close()
    return result


def _iqr(values: list[float]) -> tuple[float, float]:
    q = statistics.quantiles(values, n=4)
    return (q[0], q[2])
