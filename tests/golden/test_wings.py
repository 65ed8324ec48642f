"""No wing imports another wing's private modules: only what that wing declares in its ``__init__``'s ``__all__``.

Wings are the command groups' packages; everything they share lives below them (``SHARED``), so a wing that
needs another wing's internals is a sign the mechanism belongs in the shared core.
"""

from __future__ import annotations

import ast

from fixtures.paths import REPO

PACKAGE = REPO / "src" / "rngbench"
WINGS = ("streams", "bench", "compare", "pipelines", "keyed", "nightly")
SHARED = ("golden", "platform", "envs", "paths", "util", "stats", "errors", "config", "asvio", "budgets")


def public(wing: str, package=PACKAGE) -> set[str]:
    """The names a wing's ``__init__`` declares in ``__all__`` (read, not imported)."""
    for node in ast.parse((package / wing / "__init__.py").read_text()).body:
        target = getattr(node, "target", None) or (node.targets[0] if isinstance(node, ast.Assign) else None)
        if isinstance(target, ast.Name) and target.id == "__all__":
            return set(ast.literal_eval(node.value))
    return set()


def crossings(package=PACKAGE) -> list[str]:
    """Every import of one wing's module by another wing that the imported wing does not declare public."""
    bad = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package).parts
        if parts[0] not in WINGS:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                targets = [(node.module.split("."), [a.name for a in node.names])]
            elif isinstance(node, ast.Import):
                targets = [(a.name.split("."), []) for a in node.names]
            else:
                continue
            for dotted, names in targets:
                if dotted[0] != "rngbench" or len(dotted) < 2 or dotted[1] not in WINGS or dotted[1] == parts[0]:
                    continue
                used = [dotted[2]] if len(dotted) > 2 else names
                private = any(p.startswith("_") for p in dotted[2:]) or not set(used) <= public(dotted[1], package)
                if private:
                    bad.append(f"{path.relative_to(package)}:{node.lineno}: {'.'.join(dotted)} {names}")
    return bad


def test_every_package_is_a_wing_or_shared():
    packages = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir() if not p.name.startswith("__")
                and (p.suffix == ".py" or (p / "__init__.py").exists())}
    assert packages - set(WINGS) - set(SHARED) == {"cli"}  # the command line stands above every wing


def test_no_wing_imports_another_wings_private_modules():
    assert crossings() == []


def test_the_check_finds_a_private_import(tmp_path):
    assert "matrix" in public("streams") and "store" not in public("streams")
    for wing in WINGS:
        (tmp_path / wing).mkdir()
        (tmp_path / wing / "__init__.py").write_text((PACKAGE / wing / "__init__.py").read_text())
    (tmp_path / "pipelines" / "store.py").write_text("from rngbench.streams.store import Store\n"
                                                     "from rngbench.streams import matrix\n"
                                                     "from rngbench.bench.workloads._common import quiet\n")
    assert crossings(tmp_path) == ["pipelines/store.py:1: rngbench.streams.store ['Store']",
                                   "pipelines/store.py:3: rngbench.bench.workloads._common ['quiet']"]
