"""Every import in src/ is declared in pyproject.toml, the README's one dependency table agrees with it, and the wheel
works without extras.

Why: scipy was imported by a dozen modules and declared nowhere, so `pip install .` gave a tool whose `--help`
failed; it only worked because the test extra pulled scipy in through scanpy.  The import walk below finds every
absolute import (module level and inside functions) with `ast`, maps it to its distribution with
`importlib.metadata.packages_distributions()` and asks pyproject for it.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "rngbench"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def declared() -> dict[str, set[str]]:
    """{"core": names, extra: names}: canonical distribution names, an extra's reference to rngbench itself left out."""
    out = {"core": {canonicalize_name(Requirement(r).name) for r in PYPROJECT["dependencies"]}}
    for extra, requirements in PYPROJECT["optional-dependencies"].items():
        out[extra] = {canonicalize_name(Requirement(r).name) for r in requirements} - {"rngbench"}
    return out


def imports(root: Path = SRC) -> list[tuple[str, Path, bool]]:
    """(top-level module, file, at module level?) of every absolute import that is neither stdlib nor rngbench.

    A name that is a sibling file or folder of the importing module is local: the stream recorder runs as a folder
    (`python recorder OUTDIR`) and imports its own modules by their bare names.
    """
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        module_level = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                local = (path.parent / f"{top}.py").exists() or (path.parent / top).is_dir()
                if top in sys.stdlib_module_names or top == "rngbench" or local:
                    continue
                found.append((top, path, _is_module_level(node, tree, module_level)))
    return found


def _is_module_level(node: ast.AST, tree: ast.Module, module_level: set[int]) -> bool:
    """At module level, also under a module-level `if` / `try` (those run at import time too)."""
    if id(node) in module_level:
        return True
    for top in tree.body:
        if isinstance(top, (ast.If, ast.Try)) and any(n is node for n in ast.walk(top)):
            inside_def = any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                             and any(m is node for m in ast.walk(n)) for n in ast.walk(top))
            return not inside_def
    return False


@functools.cache
def _packages_distributions() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


@functools.cache
def distribution(module: str) -> str:
    dists = _packages_distributions().get(module)
    assert dists, f"`import {module}` is not provided by any installed distribution"
    return canonicalize_name(dists[0])


def test_the_walk_finds_imports_at_module_level_and_inside_functions(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "sibling.py").write_text("")
    (pkg / "mod.py").write_text("import os\nimport numpy as np\nfrom scipy import stats\nimport sibling\n"
                                "from rngbench import stats as s\n"
                                "try:\n    import click\nexcept ImportError:\n    pass\n"
                                "def f():\n    import pandas\n    from sklearn.decomposition import PCA\n")
    found = {(name, level) for name, _, level in imports(pkg)}
    assert found == {("numpy", True), ("scipy", True), ("click", True), ("pandas", False), ("sklearn", False)}


def test_every_import_in_src_is_declared():
    deps = declared()
    extras = set().union(*(names for extra, names in deps.items() if extra != "core"))
    undeclared = sorted({(name, distribution(name)) for name, _, _ in imports()
                         if distribution(name) not in deps["core"] | extras})
    assert undeclared == [], f"imported in src/ but not in pyproject.toml: {undeclared}"


def test_an_optional_dependency_is_imported_only_inside_functions():
    """Without extras the tool must start: an extra's package is imported where it is used, never at module level."""
    core = declared()["core"]
    at_module_level = sorted({(name, str(path.relative_to(REPO))) for name, path, level in imports()
                              if level and distribution(name) not in core})
    assert at_module_level == [], f"an extra's package imported at module level: {at_module_level}"


def test_every_dependency_says_what_it_is_for():
    lines = (REPO / "pyproject.toml").read_text().splitlines()
    requirements = [*PYPROJECT["dependencies"], *(r for rs in PYPROJECT["optional-dependencies"].values() for r in rs)]
    for requirement in requirements:
        line = next(line for line in lines if line.strip().startswith(f'"{requirement}"'))
        assert re.search(r"#\s*\S", line), f"no comment saying what {requirement} is for"


# ----------------------------------------------------------------------------- the README's table


def readme_table() -> dict[str, set[str]]:
    """{"core" or extra: package names} from the README's dependency table (`| packages | in | for |`)."""
    text = (REPO / "README.md").read_text()
    section = text.split("\n## Dependencies", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|") and not re.match(r"\|\s*[-:]", line)][1:]
    out: dict[str, set[str]] = {}
    for row in rows:
        packages, where, for_what = (cell.strip() for cell in row.strip("|").split("|"))
        assert for_what, f"README dependency row without what it is for: {row}"
        key = "core" if where == "core" else re.fullmatch(r"`(\w+)` extra", where).group(1)
        names = {canonicalize_name(re.sub(r"[`\s]|\(.*\)", "", p)) for p in packages.split(",")}
        out.setdefault(key, set()).update(names)
    return out


def test_the_readme_dependency_table_is_pyproject():
    assert readme_table() == declared()


# ----------------------------------------------------------------------------- the wheel, without extras


@pytest.mark.wheel
def test_the_wheel_without_extras_runs_the_stream_commands(tmp_path):
    """Build the wheel, install it alone (plus the numpy pin) into a fresh uv venv, run the commands a user runs first.

    Run outside the repository (cwd = tmp_path), so nothing resolves through the source tree: the wheel does not
    carry stream_fixtures/, which is passed with --store.  uv's cache makes this about half a minute.
    """
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never", NO_COLOR="1")
    env.pop("VIRTUAL_ENV", None)
    uv = [sys.executable, "-m", "uv"]
    python = subprocess.run([sys.executable, str(SRC / "envs" / "interpreters.py"), "find-python", ">=3.12"],
                            capture_output=True, text=True, check=True).stdout.strip()

    def run(*cmd, **kw) -> subprocess.CompletedProcess:
        out = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env, cwd=tmp_path,
                             timeout=600, **kw)
        assert out.returncode == 0, f"{cmd}: {out.stdout[-2000:]}{out.stderr[-2000:]}"
        return out

    run(*uv, "build", "--wheel", "--quiet", "--out-dir", tmp_path / "dist", REPO)
    wheel, = (tmp_path / "dist").glob("rngbench-*.whl")
    run(*uv, "venv", "--quiet", "--python", python, tmp_path / "venv")
    venv_python = tmp_path / "venv" / "bin" / "python"
    run(*uv, "pip", "install", "--quiet", "--python", venv_python, "-c", REPO / "scripts" / "constraints.txt", wheel)
    installed = run(venv_python, "-c", "import importlib.metadata as m; print(*sorted(d.metadata['Name'].lower() "
                    "for d in m.distributions()))").stdout.split()
    assert "scanpy" not in installed and "pytest" not in installed, "extras were installed"
    rngbench = tmp_path / "venv" / "bin" / "rngbench"
    assert PYPROJECT["version"] in run(rngbench, "--version").stdout
    assert "store intact" in run(rngbench, "streams", "verify", "--store", REPO / "stream_fixtures").stdout
    check = run(rngbench, "streams", "check", "--store", REPO / "stream_fixtures").stdout
    assert "0 NEP 19 breaches" in check
