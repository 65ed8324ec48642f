"""The asv layer: n/a rules, class names, `asv check`, and the report's table layout."""

import ast
import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd

from fixtures.paths import REPO
from rngbench.asvio import driver
from rngbench.bench import job, strategies, suite
from rngbench.bench import report as bench_report
from rngbench.bench.workloads import WORKLOADS, workload_module


def test_class_names_and_na_rules():
    assert suite.class_name("umap_init", "scanpy") == "UmapInitScanpy"
    pca = workload_module("pca")
    assert suite.not_applicable(pca, "randomized_sparse", "scanpy", "legacy")
    assert suite.not_applicable(pca, "randomized_sparse", "reference", "spawn") is None
    assert suite.not_applicable(pca, "arpack_dense", "scanpy", "spawn")
    assert suite.not_applicable(pca, "arpack_dense", "scanpy", "legacy") is None


def test_benchmark_files_declare_their_classes_and_params_visibly():
    """Each benchmarks/bench_<workload>.py writes out both classes with params and param_names (read, not run)."""
    for workload in WORKLOADS:
        tree = ast.parse((REPO / "benchmarks" / f"bench_{workload}.py").read_text())
        classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
        assert set(classes) == {suite.class_name(workload, layer) for layer in ("scanpy", "reference")}
        for node in classes.values():
            assigned = {t.id for stmt in node.body if isinstance(stmt, ast.Assign) for t in stmt.targets}
            assert {"workload", "params", "param_names"} <= assigned, node.name


def test_asv_check_is_clean():
    out = subprocess.run(
        [sys.executable, "-m", "asv", "check", "-E", f"existing:{sys.executable}"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "No problems found" in out.stdout


def _fake_results(tmp_path: Path) -> Path:
    """A results directory in asv's own format (version 2), with the versions record the driver writes."""
    machine = tmp_path / "results" / "vm"
    machine.mkdir(parents=True)
    params = [["'pbmc68k_reduced'"], ["'per_cell'"], [f"'{s}'" for s in strategies.NAMES]]
    columns = ["result", "params", "version", "started_at", "duration", "stats_ci_99_a", "stats_ci_99_b",
               "stats_q_25", "stats_q_75"]
    results = {
        "bench_downsample.DownsampleScanpy.time_run": [
            [0.03, 0.02, math.nan, None], params, "v", 0, 1.0, None, None,
            [0.029, 0.019, None, None], [0.031, 0.021, None, None]],
        "bench_downsample.DownsampleReference.time_run": [
            [0.03, 0.02, 0.05, 0.02], params, "v", 0, 1.0, None, None, None, None],
    }
    doc = {"version": 2, "commit_hash": "abcdef1234", "env_name": "existing-py_nowhere_python", "date": 1,
           "python": "/nowhere/python", "params": {"python": "/nowhere/python", "machine": "vm"},
           "requirements": {}, "env_vars": {}, "durations": {}, "result_columns": columns, "results": results}
    (machine / "abcdef12-existing-py_nowhere_python.json").write_text(json.dumps(doc))
    driver.AsvRun(tmp_path, tmp_path, tmp_path, "abcdef1234").record_versions(
        "/nowhere/python", {"scanpy": "1.13.0a2", "numpy": "2.5"})
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

    pin = driver.ASV_RUNNER.split("==")[1]
    assert driver.ASV_RUNNER in job.requirements("1.12.4")
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    groups = [project["dependencies"], *project["optional-dependencies"].values()]
    every_pin = [d.split("#")[0].strip() for group in groups for d in group if d.startswith("asv_runner")]
    assert every_pin and set(every_pin) == {f"asv_runner=={pin}"}
    assert f"asv_runner=={pin}" in project["dependencies"]  # so the test environment has it too
    conf = _jsonc(REPO / "asv.conf.json")
    assert conf["matrix"]["req"]["asv_runner"] == [pin]
    assert {"1.12.4", "1.13.0a2"} <= set(conf["matrix"]["req"]["scanpy"])
    assert conf["default_benchmark_timeout"] >= 600  # the key asv reads (unknown keys are ignored)


def test_environment_requirements_pin_scanpy_and_optionally_numpy():
    assert job.requirements("1.13.0a2")[:2] == ["scanpy==1.13.0a2", "numpy"]
    assert job.requirements("1.12.4", "2.3.5")[1] == "numpy==2.3.5"


def test_every_workload_module_has_the_protocol_members():
    from rngbench.bench.workloads import Workload

    members = [name for name in dir(Workload) if not name.startswith("_")] + list(Workload.__annotations__)
    for name in WORKLOADS:
        module = workload_module(name)
        missing = [m for m in members if not hasattr(module, m)]
        assert missing == [], f"{name} lacks {missing}"
        assert module.NAME == name and module.CASES
