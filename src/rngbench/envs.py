"""Interpreters and isolated environments for every version matrix.

Every comparison rngbench makes across numpy / scanpy versions runs each side in
its own uv environment, built from an interpreter that is already on the
machine: this workplace cannot download Pythons, and old numpy wheels exist
only for old Pythons.  Keeping that logic here means the stream matrix, the
benchmark matrix and the result goldens all pick interpreters the same way.

The module uses the standard library only, so ``scripts/bootstrap`` can run it
with whatever ``python3`` a fresh machine has, before any environment exists::

    python3 src/rngbench/envs.py find-python ">=3.12"
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

_VERSION_RE = re.compile(r"Python (\d+)\.(\d+)\.(\d+)")


class EnvError(RuntimeError):
    """A one-line reason why an environment could not be found or built."""


@dataclass(frozen=True, order=True)
class Interpreter:
    version: tuple[int, int, int]
    path: str

    @property
    def minor(self) -> tuple[int, int]:
        return self.version[:2]

    @property
    def tag(self) -> str:
        """The CPython wheel tag, e.g. ``cp37``."""
        return f"cp{self.version[0]}{self.version[1]}"


def _candidate_paths() -> list[Path]:
    """Every python executable we might use: pyenv's versions, then PATH."""
    found: list[Path] = []
    roots = []
    if os.environ.get("PYENV_ROOT"):
        roots.append(Path(os.environ["PYENV_ROOT"]))
    pyenv = shutil.which("pyenv")
    if pyenv:
        try:
            out = subprocess.run([pyenv, "root"], capture_output=True, text=True, timeout=20)
            if out.returncode == 0 and out.stdout.strip():
                roots.append(Path(out.stdout.strip()))
        except (OSError, subprocess.SubprocessError):
            pass
    roots.append(Path.home() / ".pyenv")
    for root in roots:
        versions = root / "versions"
        if versions.is_dir():
            for entry in sorted(versions.iterdir()):
                for name in ("python3", "python"):
                    exe = entry / "bin" / name
                    if exe.exists():
                        found.append(exe)
                        break
    for minor in range(7, 20):
        exe = shutil.which(f"python3.{minor}")
        if exe:
            found.append(Path(exe))
    exe = shutil.which("python3")
    if exe:
        found.append(Path(exe))
    return found


def _probe(path: Path) -> tuple[int, int, int] | None:
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    match = _VERSION_RE.search(out.stdout + out.stderr)
    if not match:
        return None
    return tuple(int(g) for g in match.groups())  # type: ignore[return-value]


def find_interpreters() -> list[Interpreter]:
    """All distinct CPython 3 interpreters on the machine, one per minor version, oldest first.

    Where several executables share a minor version the newest patch wins, so a
    matrix never depends on which of two 3.12 builds happened to be found first.
    """
    best: dict[tuple[int, int], Interpreter] = {}
    seen: set[str] = set()
    for path in _candidate_paths():
        real = os.path.realpath(path)
        if real in seen:
            continue
        seen.add(real)
        version = _probe(path)
        if version is None or version[0] != 3:
            continue
        interp = Interpreter(version, str(path))
        current = best.get(interp.minor)
        if current is None or interp.version > current.version:
            best[interp.minor] = interp
    return sorted(best.values())


def _parse_spec(spec: str) -> list[tuple[str, tuple[int, ...]]]:
    clauses = []
    for part in spec.split(","):
        part = part.strip()
        match = re.fullmatch(r"(>=|<=|==|<|>)?\s*(\d+(?:\.\d+)*)", part)
        if not match:
            raise EnvError(f"cannot read Python version spec {spec!r} (use e.g. '>=3.12' or '3.7')")
        clauses.append((match.group(1) or "==", tuple(int(x) for x in match.group(2).split("."))))
    return clauses


def satisfies(version: tuple[int, ...], spec: str) -> bool:
    for op, want in _parse_spec(spec):
        have = tuple(version[: len(want)])
        ok = {
            "==": have == want,
            ">=": have >= want,
            "<=": have <= want,
            ">": have > want,
            "<": have < want,
        }[op]
        if not ok:
            return False
    return True


def find_python(spec: str, interpreters: list[Interpreter] | None = None) -> Interpreter:
    """The newest interpreter matching ``spec`` (e.g. ``">=3.12"``)."""
    pool = find_interpreters() if interpreters is None else interpreters
    matching = [i for i in pool if satisfies(i.version, spec)]
    if not matching:
        have = ", ".join(".".join(map(str, i.version)) for i in pool) or "none"
        raise EnvError(f"no Python {spec} on this machine (found: {have})")
    return matching[-1]


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
    from rngbench.util.lock import hold_lock  # not at the top: bootstrap runs this module with the bare stdlib

    root.mkdir(parents=True, exist_ok=True)
    path = root / f"py{python.minor[0]}{python.minor[1]}-{env_key(python, requirements)}"
    marker = path / ".rngbench-ready"
    env = Environment(path, python, tuple(requirements))
    if marker.exists() and env.executable.exists():
        return env
    with hold_lock(path.with_name(path.name + ".lock"), f"building {' '.join(requirements)}"):
        if marker.exists() and env.executable.exists():  # built by whoever held the lock before us
            return env
        return _build(env, marker, only_binary, extra_args)


def _build(env: Environment, marker: Path, only_binary: bool, extra_args: list[str] | None) -> Environment:
    path, python, requirements = env.path, env.python, env.requirements
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
    cmd = [*uv, "pip", "install", "--quiet", "--python", str(env.executable)]
    if only_binary:
        cmd += ["--only-binary", ":all:"]
    cmd += list(extra_args or []) + list(requirements)
    out = subprocess.run(cmd, capture_output=True, text=True, env=run_env)
    if out.returncode != 0:
        shutil.rmtree(path, ignore_errors=True)
        raise EnvError(f"installing {' '.join(requirements)} on Python {'.'.join(map(str, python.version))} failed: {_last_line(out.stderr)}")
    marker.write_text(json.dumps({"python": python.path, "requirements": list(requirements)}) + "\n")
    return env


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def _main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "find-python":
        try:
            print(find_python(argv[1]).path)
        except EnvError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        return 0
    if argv == ["list"]:
        for interp in find_interpreters():
            print(".".join(map(str, interp.version)), interp.path)
        return 0
    print("usage: envs.py find-python SPEC | list", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
