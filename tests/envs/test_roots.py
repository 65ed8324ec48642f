"""Every uv environment rngbench builds lives under one root, ``paths.env_root()``, and only ``paths`` names the
folders rngbench keeps things in."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.paths import REPO
from rngbench import envs, paths
from rngbench.bench import job, peer
from rngbench.compare.run import Settings
from rngbench.config import NightlyMatrix
from rngbench.nightly import matrix as nightly_matrix

FOLDER_NAMES = (".rngbench-cache", "uv-envs", '/ "envs"')


@pytest.fixture
def roots(tmp_path, monkeypatch) -> list[Path]:
    """The root of every environment build asked for; each build stops there (nothing is installed)."""
    monkeypatch.setenv("RNGBENCH_CACHE", str(tmp_path / "cache"))
    asked: list[Path] = []

    def build_env(requirements, python, root, **options):
        asked.append(Path(root).resolve())
        raise envs.EnvError("not built in this test")

    monkeypatch.setattr(envs, "build_env", build_env)
    monkeypatch.setattr(envs, "find_python", lambda spec: envs.Interpreter((3, 12, 1), "/usr/bin/python3.12"))
    return asked


def test_every_command_builds_its_environments_under_the_one_root(roots, tmp_path):
    for build in (lambda: job.build(("1.12.4",), log=lambda *_: None), lambda: peer.build_envs(("1.12.4",), log=print)):
        with pytest.raises(envs.EnvError):
            build()
    cell = nightly_matrix.Cell("2.4.6", None)
    status = nightly_matrix.run_cell(cell, tmp_path / "results", REPO, NightlyMatrix(numpy=("2.4.6",)),
                                     tmp_path / "work")
    assert status["status"] == "environment failed"
    expected = (tmp_path / "cache" / "envs").resolve()
    assert paths.env_root().resolve() == expected
    assert roots == [expected] * 3
    assert Settings(suite=REPO, defaults=[]).env_root.resolve() == expected  # compare's sides


def test_only_paths_names_rngbench_folders():
    named = [f"{p.relative_to(REPO)}: {name}" for p in sorted((REPO / "src" / "rngbench").rglob("*.py"))
             if p.name != "paths.py" for name in FOLDER_NAMES if name in p.read_text()]
    assert named == []
