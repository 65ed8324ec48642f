"""The Python interpreters already on this machine, and the newest one matching a version spec.

Every comparison rngbench makes across numpy / scanpy versions runs each side in
its own uv environment, built from an interpreter that is already on the
machine: this workplace cannot download Pythons, and old numpy wheels exist
only for old Pythons.  Keeping that logic here means the stream matrix, the
benchmark matrix and the result goldens all pick interpreters the same way.

The module uses the standard library only, so ``scripts/bootstrap`` can run it
with whatever ``python3`` a fresh machine has, before any environment exists::

    python3 src/rngbench/envs/interpreters.py find-python ">=3.12"
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

try:
    from rngbench.errors import RngbenchError
except ImportError:  # run as a script by scripts/bootstrap, before rngbench is installed anywhere
    RngbenchError = Exception

_VERSION_RE = re.compile(r"Python (\d+)\.(\d+)\.(\d+)")


class EnvError(RngbenchError):
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
    print("usage: interpreters.py find-python SPEC | list", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
