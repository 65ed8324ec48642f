"""The benchmark main job's environments and asv runs: one uv environment per scanpy version, asv in each.

asv's own environment handling is not what the main job uses: asv cannot
discover interpreters (``pythons`` in asv.conf.json is a fixed list), and its
uv plugin installs with pip inside each environment.  Instead every
environment is built by :func:`rngbench.envs.build_env` from an interpreter
:func:`rngbench.envs.find_python` discovers, with ``asv_runner`` pinned, and
asv runs against it through the one driver, :class:`rngbench.asvio.driver.AsvRun`.
The benchmarks import rngbench from the working tree (``benchmarks/__init__``),
so the environments hold only scanpy, its dependencies and asv_runner.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from rngbench import envs, paths
from rngbench.asvio import driver

REPO = Path(__file__).resolve().parents[3]
BENCHMARKS = REPO / "benchmarks"
SCANPY_VERSIONS = ("1.12.4", "1.13.0a2")
PYTHON_SPEC = ">=3.12"  # scanpy >= 1.12 needs Python 3.12
RESULTS = REPO / ".asv" / "results"


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
    return [f"scanpy=={scanpy_version}", f"numpy=={numpy_version}" if numpy_version else "numpy", driver.ASV_RUNNER]


def build(scanpy_versions=SCANPY_VERSIONS, root: Path | None = None, log=print,
          numpy_version: str | None = None) -> list[BenchEnv]:
    """One cached uv environment per scanpy version, on the newest discovered Python >= 3.12, under ``root``
    (default: :func:`rngbench.paths.env_root`, where every environment rngbench builds lives).

    ``numpy_version`` pins numpy in every environment (the numpy axis of the
    matrix); by default each gets the newest numpy its scanpy accepts.
    """
    python = envs.find_python(PYTHON_SPEC)
    built = []
    for version in scanpy_versions:
        py = ".".join(map(str, python.version))
        log(f"environment: scanpy {version}, numpy {numpy_version or 'newest'}, Python {py}")
        env = envs.build_env(requirements(version, numpy_version), python, root or paths.env_root())
        built.append(BenchEnv(version, env, envs.installed_versions(env.executable)))
    return built


def head() -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True,
                          check=True).stdout.strip()


def run_asv(bench_envs: list[BenchEnv], *, quick: bool, bench: str | None = None, cells=None, samples: int = 0,
            log=print) -> float:
    """``asv run`` in each environment; returns the wall time in seconds.  Results land in .asv/results.

    ``cells`` (:class:`rngbench.bench.cells.MainCells`): only those cells, each
    environment its own, and only their workloads JIT-warmed in asv's fork
    server.  ``samples``: that many samples per cell (asv ``-a repeat``),
    recorded in the results (``--record-samples``) for the charts and budgets.
    """
    asv = driver.AsvRun(REPO / ".asv" / "run", BENCHMARKS, REPO, head(), results_dir=RESULTS)
    asv.prepare()
    start = time.perf_counter()
    extra_env = {"RNGBENCH_WARM": ",".join(cells.workloads())} if cells else None
    for i, be in enumerate(bench_envs):
        regexes = cells.regexes(newest=i == len(bench_envs) - 1) if cells else [bench] if bench else []
        log(f"asv run{' --quick' if quick else ''} with scanpy {be.scanpy} (numpy {be.versions['numpy']})"
            + (f": {len(regexes)} cells of benchmarks/main.toml" if cells else ""))
        out = asv.run(be.python, bench=regexes, quick=quick, samples=bool(samples), capture=False,
                      attributes=[f"repeat={samples}"] if samples else [], extra_env=extra_env)
        if out.returncode == driver.SOME_FAILED:
            log(f"asv: some benchmarks failed with scanpy {be.scanpy}; they are marked 'failed' in the report")
        asv.record_versions(be.python, be.versions)
    return time.perf_counter() - start
