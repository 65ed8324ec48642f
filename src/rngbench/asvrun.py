"""Run asv for one side of a comparison, one round at a time, on an environment rngbench built.

asv builds its own environments per commit and cannot compare package
versions; it can, however, run a benchmark directory in an *existing*
environment and record samples.  Each side gets its own generated asv config
(its own benchmark directory and results directory), its environment comes
from :func:`rngbench.envs.build_env`, and every round is one ``asv run
--append-samples``, so the samples of all rounds pool into one result per
side -- what asv's statistics then see.  Known asv behaviour this relies on:
results of ``-E existing`` are saved only with ``--set-commit-hash``; a
machine must be registered first (``asv machine --yes``).
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from . import atomic
from .benchresults import VERSIONS_FILE

ASV_RUNNER = "asv_runner==0.3.2"  # pinned: the runner's version changes timings
REPORTED_PACKAGES = ("numpy", "scipy", "scanpy", "anndata", "numba", "scikit-learn", "asv_runner")


class RunError(RuntimeError):
    """A one-line reason why asv could not run."""


def machine_name() -> str:
    return "rngbench-" + re.sub(r"[^A-Za-z0-9_.-]", "_", platform.node() or "machine")


@dataclass
class AsvSide:
    """One side's asv setup: generated config, results directory, environment python, commit hash."""

    name: str  # "base" / "head"
    workdir: Path
    benchmark_dir: Path
    repo: Path
    python: Path
    commit: str

    @property
    def config(self) -> Path:
        return self.workdir / "asv.conf.json"

    @property
    def results_dir(self) -> Path:
        return self.workdir / "results"

    def write_config(self) -> None:
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
            "launch_method": "forkserver",  # import the suite once per round, fork per benchmark
        }
        atomic.write_text(self.config, json.dumps(conf, indent=1) + "\n")

    def _asv(self, *args: str, env: dict | None = None, timeout: float | None = None) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "asv", *args]
        return subprocess.run(cmd, capture_output=True, text=True, cwd=self.workdir, env=env, timeout=timeout)

    def prepare(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.write_config()
        out = self._asv("machine", "--config", str(self.config), "--yes", "--machine", machine_name())
        if out.returncode != 0:
            raise RunError(f"asv machine failed: {_tail(out)}")

    def run_round(self, bench: list[str], attributes: list[str], extra_env: dict | None = None,
                  timeout: float | None = None, quick: bool = False) -> subprocess.CompletedProcess:
        """One ``asv run`` whose samples are appended to this side's results (``quick``: one sample each)."""
        args = ["run", "--config", str(self.config), "-E", f"existing:{self.python}", "--set-commit-hash",
                self.commit, "--machine", machine_name(), "--record-samples", "--append-samples", "--show-stderr"]
        if quick:
            args.append("--quick")
        for regex in bench:
            args += ["--bench", regex]
        for attribute in attributes:
            args += ["-a", attribute]
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", **(extra_env or {}))
        out = self._asv(*args, env=env, timeout=timeout)
        if not [p for p in self.results_dir.glob("*/*.json") if p.name != "machine.json"]:
            raise RunError(f"asv run ({self.name}) saved no results: {_tail(out)}")
        return out

    def record_versions(self, versions: dict[str, str]) -> None:
        """asv records no package versions for existing environments: keep them beside its results."""
        names = {json.loads(p.read_text()).get("env_name") for p in self.results_dir.glob("*/*.json")
                 if p.name != "machine.json"}
        atomic.write_text(self.results_dir / VERSIONS_FILE,
                          json.dumps({n: versions for n in sorted(names) if n}, indent=1, sort_keys=True) + "\n")


def installed_versions(python: Path) -> dict[str, str]:
    """Versions of the packages a comment reports, as installed in the environment."""
    code = ("import json, sys, importlib.metadata as m\nout = {'python': sys.version.split()[0]}\n"
            f"for p in {list(REPORTED_PACKAGES)!r}:\n"
            "    try: out[p] = m.version(p)\n    except m.PackageNotFoundError: pass\nprint(json.dumps(out))")
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RunError(f"cannot read versions in {python}: {_tail(out)}")
    return json.loads(out.stdout)


def machine_info() -> dict[str, str]:
    """What asv registers for this machine (cpu, cores, os, ram), for the comment."""
    path = Path.home() / ".asv-machine.json"
    try:
        info = json.loads(path.read_text()).get(machine_name(), {})
    except (OSError, json.JSONDecodeError):
        info = {}
    return {k: str(v) for k, v in info.items() if k in ("arch", "cpu", "num_cpu", "os", "ram")}


def _tail(out: subprocess.CompletedProcess) -> str:
    text = (out.stderr or "") + (out.stdout or "")
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else f"exit status {out.returncode}"
