"""`rngbench nightly`: series planning, one real cell on the tiny suite (resumable), merge and report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from fixtures.markdown import table_rows
from fixtures.paths import DATA, REPO
from rngbench import config
from rngbench.cli import main
from rngbench.nightly import matrix as nl


def nightly(*args: str):
    return CliRunner().invoke(main, ["nightly", *args], catch_exceptions=False)


def test_newest_release_per_series_prefers_finals_and_keeps_pre_releases():
    versions = ["1.26.4", "2.0.2", "2.4.0", "2.4.6", "2.5.0rc1", "2.5.0", "2.6.0a1", "2.6.0b1", "2.7.0.dev0"]
    assert nl.newest_per_series(versions, "2.0") == {"2.0": "2.0.2", "2.4": "2.4.6", "2.5": "2.5.0", "2.6": "2.6.0b1"}


def test_cells_cross_numpy_with_scanpy_and_select_series():
    matrix = config.NightlyMatrix(scanpy=("1.12.4", "1.13.0a2"))
    todo = nl.cells(matrix, {"2.4": "2.4.6", "2.5": "2.5.0"}, ["2.5"])
    assert [c.name for c in todo] == ["numpy-2.5.0_scanpy-1.12.4", "numpy-2.5.0_scanpy-1.13.0a2"]
    assert todo[0].requirements == ["numpy==2.5.0", "scanpy==1.12.4"]
    with pytest.raises(nl.NightlyError, match="no numpy release series 3.1"):
        nl.cells(matrix, {"2.4": "2.4.6"}, ["3.1"])


def test_the_project_matrix_loads():
    matrix = config.load_nightly_matrix(REPO / "benchmarks" / "matrix.toml")
    assert matrix.scanpy and matrix.numpy_from


def _cell(results: Path, name: str, fixture: str, numpy: str) -> None:
    cell = results / name
    shutil.copytree(DATA / "asv_results" / fixture, cell / "results")
    python = json.loads(next((cell / "results").glob("*/*-*.json")).read_text())["params"]["python"]
    (cell / "results" / "rngbench-envs.json").write_text(json.dumps({python: {"numpy": numpy}}))
    (cell / "cell.json").write_text(json.dumps({"cell": name, "numpy": numpy, "scanpy": None, "status": "ok"}))


def test_report_from_merged_cells_checks_budgets_per_numpy(tmp_path):
    results = tmp_path / "merged"
    _cell(results / "series-2.4", "numpy-2.4.6", "pass", "2.4.6")  # CI artifacts land in per-series folders
    _cell(results / "series-2.5", "numpy-2.5.0", "fail", "2.5.0")
    (results / "numpy-2.6.0b1").mkdir()
    (results / "numpy-2.6.0b1" / "cell.json").write_text(json.dumps(
        {"cell": "numpy-2.6.0b1", "numpy": "2.6.0b1", "scanpy": None, "status": "environment failed",
         "error": "no wheel"}))
    out = tmp_path / "report"
    result = nightly("--only", "report", "--results", str(results), "--out", str(out),
                     "--budgets", str(DATA / "budgets.toml"))
    assert result.exit_code == 1, result.output  # numpy 2.5.0's spawn/reuse is over budget
    doc = json.loads((out / "nightly.json").read_text())
    spawn = {c["numpy"]: c["status"] for c in doc["budgets"] if c["budget"] == "per-cell: spawn / reuse"}
    assert spawn == {"2.4.6": "pass", "2.5.0": "FAIL"}
    assert {c["cell"]: c["status"] for c in doc["cells"]}["numpy-2.6.0b1"] == "environment failed"
    label = "bench_tiny.DownsampleReference.time_run(dataset=tiny, case=per_cell)"
    assert set(doc["timings"][label]["spawn"]) == {"numpy 2.4.6", "numpy 2.5.0"}
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert pngs == ["bench_tiny.DownsampleReference.time_run.png", "bench_tiny.PcaReference.time_run.png"]
    assert (out / pngs[0]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    readme = (out / "README.md").read_text()
    assert "Overhead budgets" in readme and "environment failed" in readme
    assert any(row[1] == "`per-cell: spawn / reuse`" and row[-1] == "FAIL" for row in table_rows(readme))


def test_one_cell_runs_and_a_second_run_resumes(tmp_path, monkeypatch):
    monkeypatch.setenv("RNGBENCH_CACHE", str(tmp_path / "cache"))  # the cell's environment, never the user's cache
    matrix = tmp_path / "matrix.toml"
    matrix.write_text(f'[nightly]\nnumpy = ["{np.__version__}"]\nscanpy = []\nbench = ["PcaReference"]\n')
    args = ["--only", "run", "--matrix", str(matrix), "--results", str(tmp_path / "results"),
            "--suite", str(DATA / "asv_suite"), "--work", str(tmp_path / "work")]
    result = nightly(*args)
    assert result.exit_code == 0, result.output
    done = tmp_path / "results" / f"numpy-{np.__version__}" / "cell.json"
    status = json.loads(done.read_text())
    assert status["status"] == "ok" and status["versions"]["numpy"] == np.__version__
    stamp = done.stat().st_mtime_ns
    result = nightly(*args)
    assert result.exit_code == 0 and done.stat().st_mtime_ns == stamp  # finished cells are not rerun
    statuses, ms = nl.read_cells(tmp_path / "results")
    assert {m.benchmark for m in ms} == {"bench_tiny.PcaReference.time_run"}
    assert status["versions"] and any((tmp_path / "cache" / "envs").glob("py*/.rngbench-ready"))  # paths.env_root


def test_list_series_from_an_explicit_matrix(tmp_path):
    matrix = tmp_path / "matrix.toml"
    matrix.write_text('[nightly]\nnumpy = ["2.4.6", "2.5.0rc1"]\n')
    result = nightly("--list-series", "--matrix", str(matrix))
    assert result.exit_code == 0 and json.loads(result.output) == ["2.4", "2.5"]


def test_bad_matrix_is_one_line(tmp_path):
    matrix = tmp_path / "matrix.toml"
    matrix.write_text("[nightly]\nnumpy_form = '2.0'\n")
    result = nightly("--list-series", "--matrix", str(matrix))
    assert result.exit_code == 2 and "unknown key 'numpy_form'" in result.output
