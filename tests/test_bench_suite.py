"""The asv layer: n/a rules, class names, `asv check`, and the report's table layout."""

import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd

from rngbench import asv_suite, bench_report, strategies

REPO = Path(__file__).resolve().parents[1]


def test_class_names_and_na_rules():
    assert asv_suite.class_name("umap_init", "scanpy") == "UmapInitScanpy"
    pca = asv_suite.workload_module("pca")
    assert asv_suite.not_applicable(pca, "randomized_sparse", "scanpy", "legacy")
    assert asv_suite.not_applicable(pca, "randomized_sparse", "reference", "spawn") is None
    assert asv_suite.not_applicable(pca, "arpack_dense", "scanpy", "spawn")
    assert asv_suite.not_applicable(pca, "arpack_dense", "scanpy", "legacy") is None


def test_asv_check_is_clean():
    out = subprocess.run(
        [sys.executable, "-m", "asv", "check", "-E", f"existing:{sys.executable}"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "No problems found" in out.stdout


def _fake_results(tmp_path: Path) -> Path:
    machine = tmp_path / "results" / "vm"
    machine.mkdir(parents=True)
    params = [["'pbmc68k_reduced'"], ["'per_cell'"], [f"'{s}'" for s in strategies.NAMES]]
    columns = ["result", "params", "version", "started_at", "duration", "stats_ci_99_a", "stats_ci_99_b", "stats_q_25", "stats_q_75"]
    results = {
        "bench_downsample.DownsampleScanpy.time_run": [[0.03, 0.02, math.nan, None], params, "v", 0, 1.0, None, None, [0.029, 0.019, None, None], [0.031, 0.021, None, None]],
        "bench_downsample.DownsampleReference.time_run": [[0.03, 0.02, 0.05, 0.02], params, "v", 0, 1.0, None, None, None, None],
    }
    doc = {"commit_hash": "abcdef1234", "python": "/nowhere/python", "params": {"python": "/nowhere/python"},
           "result_columns": columns, "results": results}
    (machine / "abcdef12-existing.json").write_text(json.dumps(doc).replace("NaN", "NaN"))
    (machine / "envs.json").write_text(json.dumps({"/nowhere/python": {"scanpy": "1.13.0a2", "numpy": "2.5"}}))
    return tmp_path / "results"


def test_report_tables_have_the_issue_layout_and_mark_n_a_and_failures(tmp_path):
    frame = bench_report.read_results(_fake_results(tmp_path))
    part = frame[(frame.layer == "scanpy") & (frame.kind == "time")]
    tab = bench_report.table(part)
    assert list(tab.columns) == ["dataset", "legacy", "Generator", "spawn", "reuse"]
    row = tab.iloc[0]
    assert row["legacy"].startswith("30 ms ± ") and row["spawn"] == "n/a" and row["reuse"] == "failed"


def test_report_writes_tables_and_one_chart_per_workload(tmp_path):
    written = bench_report.write_report(_fake_results(tmp_path), tmp_path / "out")
    names = {p.name for p in written}
    assert {"downsample.per_cell.png", "downsample.per_cell.scanpy-1.13.0a2.md", "README.md", "results.csv"} <= names
    assert (tmp_path / "out" / "downsample.per_cell.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list((tmp_path / "out").glob(".*"))  # atomic writes leave no temp files
    assert "spawn/reuse" in (tmp_path / "out" / "README.md").read_text()
    assert isinstance(pd.read_csv(tmp_path / "out" / "results.csv"), pd.DataFrame)


def _jsonc(path: Path) -> dict:
    import re

    return json.loads(re.sub(r"^\s*//.*$|\s+//[^\"\n]*$", "", path.read_text(), flags=re.M))


def test_asv_runner_is_pinned_to_one_version_everywhere():
    import tomllib

    from rngbench import bench_matrix

    pin = bench_matrix.ASV_RUNNER.split("==")[1]
    assert bench_matrix.ASV_RUNNER in bench_matrix.requirements("1.12.4")
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    every_pin = [d.split("#")[0].strip() for group in [project["dependencies"], *project["optional-dependencies"].values()]
                 for d in group if d.startswith("asv_runner")]
    assert every_pin and set(every_pin) == {f"asv_runner=={pin}"}
    assert f"asv_runner=={pin}" in project["dependencies"]  # so the test environment has it too
    conf = _jsonc(REPO / "asv.conf.json")
    assert conf["matrix"]["req"]["asv_runner"] == [pin]
    assert {"1.12.4", "1.13.0a2"} <= set(conf["matrix"]["req"]["scanpy"])
    assert conf["default_benchmark_timeout"] >= 600  # the key asv reads (unknown keys are ignored)


def test_environment_requirements_pin_scanpy_and_optionally_numpy():
    from rngbench import bench_matrix

    assert bench_matrix.requirements("1.13.0a2")[:2] == ["scanpy==1.13.0a2", "numpy"]
    assert bench_matrix.requirements("1.12.4", "2.3.5")[1] == "numpy==2.3.5"
