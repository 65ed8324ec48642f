"""The result-golden recorder runs inside each matrix environment, which holds the recorded stack and nothing of
rngbench's own dependencies; it must import there.

Why: ``golden.store`` once imported ``filelock`` at module level through ``util.lock``; the recorder imports the
store's output format, so every recording of the matrix failed with ``No module named 'filelock'`` while the
``default`` environment (rngbench's own ``.venv``) kept working and no test noticed.
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from rngbench.pipelines import matrix

REPO = Path(__file__).resolve().parents[2]

BLOCKER = """
import sys
class Blocked:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (not in a matrix environment)")
sys.meta_path.insert(0, Blocked())
import rngbench.pipelines.recorder
"""


def closure(names: set[str]) -> set[str]:
    """Canonical names of ``names`` and everything they require (unconditional requirements only)."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for text in requires:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return seen


def top_level_modules(distribution: str) -> set[str]:
    return {module for module, dists in importlib.metadata.packages_distributions().items()
            if canonicalize_name(distribution) in map(canonicalize_name, dists)}


def missing_in_matrix_environments() -> set[str]:
    """Modules of rngbench's own dependencies that a matrix environment does not install."""
    core = {canonicalize_name(Requirement(r).name)
            for r in tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]}
    env = closure({Requirement(r).name for r in matrix.MATRIX[0].requirements()})
    return set().union(*(top_level_modules(d) for d in core - env))


def test_the_blocked_set_holds_what_matrix_environments_lack():
    blocked = missing_in_matrix_environments()
    assert {"filelock", "click", "rich", "tabulate", "asv"} <= blocked
    assert not blocked & {"numpy", "scipy", "threadpoolctl", "numba"}


def test_the_recorder_imports_without_rngbench_s_own_dependencies():
    code = f"BLOCKED = {sorted(missing_in_matrix_environments())!r}\n" + BLOCKER
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr.strip().splitlines()[-1]


def test_the_blocker_does_block():
    """The test above could pass by blocking nothing: a module that does import click must fail under it."""
    code = "BLOCKED = ['click']\n" + BLOCKER.replace("rngbench.pipelines.recorder", "rngbench.cli")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert done.returncode != 0 and "not in a matrix environment" in done.stderr
