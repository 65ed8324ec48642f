"""The README's layout table names every package and module of src/rngbench, and its command table every group.

Why: the README is the newcomer's map; a package or command group added without a row is invisible to them.
"""

from __future__ import annotations

import re
from pathlib import Path

import click

from rngbench.cli import main

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text()


def section(title: str) -> str:
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_layout_names_every_package_and_module():
    layout = section("Layout")
    src = REPO / "src" / "rngbench"
    names = [f"src/rngbench/{p.name}/" for p in src.iterdir() if p.is_dir() and (p / "__init__.py").exists()]
    modules = [p.name for p in src.glob("*.py") if p.name != "__init__.py"]
    missing = [n for n in names if f"`{n}`" not in layout]
    missing += [m for m in modules if not re.search(rf"`(src/rngbench/)?{re.escape(m)}`", layout)]
    assert missing == [], f"README layout table lacks {missing}"
    for top in ("scripts/", "reports/", "docs/", "benchmarks/", "stream_fixtures/", "tests/"):
        assert f"`{top}`" in layout


def test_the_command_table_has_every_group():
    rows = [line for line in section("Commands").splitlines() if line.startswith("| ")]
    groups = {line.split("|")[1].strip() for line in rows} - {"", "group"}
    assert groups == set(main.list_commands(click.Context(main)))  # also when the groups load lazily
