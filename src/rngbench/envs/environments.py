"""Cached uv environments with exactly the requirements asked for, built from interpreters on this machine.

Every version matrix (numpy releases for the stream store, scanpy versions
for the benchmarks, both sides of a comparison) runs in environments built
here, named by a hash of their inputs so the same inputs reuse one folder.
Builds hold a per-environment file lock (:func:`rngbench.util.lock.hold_lock`):
two runs sharing the cache never delete or half-install an environment the
other is using or building.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from rngbench.envs.interpreters import EnvError, Interpreter
from rngbench.util import atomic
from rngbench.util.lock import hold_lock

LOCKS = ".locks"  # beside the environments: one lock file per environment


def uv_command() -> list[str]:
    """How to call uv: the one beside this interpreter, on PATH, or as a module."""
    beside = Path(sys.executable).with_name("uv")
    if beside.exists():
        return [str(beside)]
    on_path = shutil.which("uv")
    if on_path:
        return [on_path]
    try:
        import uv  # type: ignore[import-not-found]

        return [uv.find_uv_bin()]
    except Exception:  # pragma: no cover - depends on the machine
        raise EnvError("uv is not installed (pip install uv)") from None


def _uv_env() -> dict[str, str]:
    env = dict(os.environ)
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env.setdefault("UV_NO_PROGRESS", "1")
    return env


def env_key(python: Interpreter, requirements: list[str]) -> str:
    """A stable name for an environment: the same inputs always reuse the same folder."""
    blob = json.dumps([python.tag, sorted(requirements)]).encode()
    return hashlib.sha256(blob).hexdigest()[:12]


@dataclass(frozen=True)
class Environment:
    path: Path
    python: Interpreter
    requirements: tuple[str, ...]

    @property
    def executable(self) -> Path:
        return self.path / "bin" / "python"

    def run(self, args: list[str], **kwargs) -> subprocess.CompletedProcess:
        """Run ``python args...`` inside the environment."""
        return subprocess.run([str(self.executable), *args], **kwargs)


def build_env(
    requirements: list[str],
    python: Interpreter,
    root: Path,
    *,
    only_binary: bool = True,
    extra_args: list[str] | None = None,
) -> Environment:
    """Create (or reuse) a uv environment with exactly ``requirements`` installed.

    A finished environment carries a ``.rngbench-ready`` marker written last, so
    an environment interrupted half-way is rebuilt rather than trusted.
    """
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"py{python.minor[0]}{python.minor[1]}-{env_key(python, requirements)}"
    marker = path / ".rngbench-ready"
    env = Environment(path, python, tuple(requirements))
    if marker.exists() and env.executable.exists():
        return env
    with hold_lock(root / LOCKS / f"{path.name}.lock", f"building {' '.join(requirements)}"):
        if marker.exists() and env.executable.exists():  # another run finished it while we waited
            return env
        _create(env, only_binary, extra_args)
    return env


def _create(env: Environment, only_binary: bool, extra_args: list[str] | None) -> None:
    """Build ``env`` from scratch (the caller holds its lock); the ready marker is written last."""
    path, python, requirements = env.path, env.python, list(env.requirements)
    marker = path / ".rngbench-ready"
    if path.exists():
        shutil.rmtree(path)
    uv = uv_command()
    run_env = _uv_env()
    out = subprocess.run(
        [*uv, "venv", "--quiet", "--python", python.path, str(path)],
        capture_output=True, text=True, env=run_env,
    )
    if out.returncode != 0:
        raise EnvError(f"uv venv failed for {python.path}: {_last_line(out.stderr)}")
    # .pyc files written now: with PYTHONDONTWRITEBYTECODE=1 (set on these machines) every recorder and benchmark
    # process would otherwise compile numpy, scipy and scanpy from source again (seconds per process)
    cmd = [*uv, "pip", "install", "--quiet", "--compile-bytecode", "--python", str(env.executable)]
    if only_binary:
        cmd += ["--only-binary", ":all:"]
    cmd += list(extra_args or []) + list(requirements)
    out = subprocess.run(cmd, capture_output=True, text=True, env=run_env)
    if out.returncode != 0:
        shutil.rmtree(path, ignore_errors=True)
        version = ".".join(map(str, python.version))
        raise EnvError(f"installing {' '.join(requirements)} on Python {version} failed: {_last_line(out.stderr)}")
    atomic.write_text(marker, json.dumps({"python": python.path, "requirements": list(requirements)}) + "\n")


def run_recorder(args: list[str], *, timeout: float, env: dict, what: str) -> subprocess.CompletedProcess:
    """Run a recorder (``python ... OUTDIR``) in an environment: a hang past ``timeout`` or a non-zero exit is
    one line naming ``what`` was being recorded and the recorder's last line of stderr."""
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        raise EnvError(f"recording {what} took over {timeout:g} s") from None
    if out.returncode != 0:
        raise EnvError(f"recording {what} failed: {_last_line(out.stderr)}")
    return out


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


