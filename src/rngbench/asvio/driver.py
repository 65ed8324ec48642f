"""Run asv on a benchmark directory, in environments rngbench built: the one asv driver.

asv builds its own environments per commit and cannot compare package
versions or discover interpreters; it can, however, run a benchmark
directory in an *existing* environment and record results.  So every asv
run -- the main job's (one per scanpy version), each side of a comparison,
each nightly cell -- goes through :class:`AsvRun`: a generated asv config
(benchmark directory, results directory), an environment from
:func:`rngbench.envs.build_env`, and ``asv run -E existing:<python>``.
Known asv behaviour this relies on: results of ``-E existing`` are saved only
with ``--set-commit-hash``; a machine must be registered first (``asv machine
--yes``).  asv records no package versions for existing environments, so
:meth:`AsvRun.record_versions` keeps them beside the results.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from rngbench.asvio import results
from rngbench.errors import RngbenchError
from rngbench.util import atomic

ASV_RUNNER = f"asv_runner=={version('asv_runner')}"
"""Pinned in every benchmark environment (the runner's version changes timings); the pin is pyproject.toml's."""

SOME_FAILED = 2  # asv's exit status when some benchmarks failed: they are data ("failed" cells), not a stop


class RunError(RngbenchError):
    """A one-line reason why asv could not run."""


def machine_name() -> str:
    """The asv machine name of this host (one name for every run, so results of all commands line up)."""
    return socket.gethostname().split(".")[0] or "machine"


def machine_info() -> dict[str, str]:
    """What asv registers for this machine (cpu, cores, os, ram), for comments and reports."""
    path = Path.home() / ".asv-machine.json"
    try:
        info = json.loads(path.read_text()).get(machine_name(), {})
    except (OSError, json.JSONDecodeError):
        info = {}
    return {k: str(v) for k, v in info.items() if k in ("arch", "cpu", "num_cpu", "os", "ram")}


@dataclass
class AsvRun:
    """asv for one benchmark directory and one results directory: a generated config in ``workdir``."""

    workdir: Path  # holds the generated asv.conf.json (asv's working directory)
    benchmark_dir: Path
    repo: Path  # the git repository of the suite (asv wants one)
    commit: str  # the suite's commit the results are filed under
    results_dir: Path | None = None  # default: workdir / "results"

    def __post_init__(self) -> None:
        if self.results_dir is None:
            self.results_dir = self.workdir / "results"

    @property
    def config(self) -> Path:
        return self.workdir / "asv.conf.json"

    def prepare(self) -> None:
        """Write the config and register this machine with asv."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        conf = {
            "version": 1,
            "project": "rngbench",
            "project_url": "https://example.invalid/rngbench",
            "repo": str(self.repo),
            "branches": ["HEAD"],
            "benchmark_dir": str(self.benchmark_dir),
            "env_dir": str(self.workdir / "env"),
            "results_dir": str(self.results_dir),
            "html_dir": str(self.workdir / "html"),
            "environment_type": "existing",
            "build_command": [],
            "install_command": ["in-dir={env_dir} python -c pass"],
            "uninstall_command": ["in-dir={env_dir} python -c pass"],
            "default_benchmark_timeout": 900,
            "launch_method": "forkserver",  # import the suite once per run, fork per benchmark
        }
        atomic.write_text(self.config, json.dumps(conf, indent=1) + "\n")
        out = self._asv("machine", "--config", str(self.config), "--yes", "--machine", machine_name(), capture=True)
        if out.returncode != 0:
            raise RunError(f"asv machine failed: {_tail(out)}")

    def _asv(self, *args: str, env: dict | None = None, capture: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "asv", *args], capture_output=capture, text=True,
                              cwd=self.workdir, env=env)

    def run(self, python: Path | str, *, bench: list[str] = (), attributes: list[str] = (),
            extra_env: dict | None = None, quick: bool = False, samples: bool = True,
            capture: bool = True) -> subprocess.CompletedProcess:
        """One ``asv run`` in the environment of ``python``; raises :class:`RunError` when it saved no results.

        ``samples``: keep every sample and append to earlier results of the same
        commit (what comparisons judge); ``capture``: keep asv's output for the
        error message instead of showing it.
        """
        args = ["run", "--config", str(self.config), "-E", f"existing:{python}", "--set-commit-hash", self.commit,
                "--machine", machine_name(), "--show-stderr"]
        if samples:
            args += ["--record-samples", "--append-samples"]
        if quick:
            args.append("--quick")
        for regex in bench:
            args += ["--bench", regex]
        for attribute in attributes:
            args += ["-a", attribute]
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", **(extra_env or {}))
        started = time.time()
        out = self._asv(*args, env=env, capture=capture)
        fresh = [p for p in results.result_files(self.results_dir) if p.stat().st_mtime >= started - 1]
        if not fresh:
            raise RunError(f"asv run in {python} saved no results: {_tail(out)}")
        return out

    def record_versions(self, python: Path | str, versions: dict[str, str]) -> None:
        """asv records no package versions for existing environments: keep them beside its results."""
        results.record_versions(self.results_dir, python, versions)


def _tail(out: subprocess.CompletedProcess) -> str:
    text = (out.stderr or "") + (out.stdout or "")
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else f"exit status {out.returncode}"
