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
from rngbench.bench import datasets, job, strategies, suite
from rngbench.bench import report as bench_report
from rngbench.bench.workloads import WORKLOADS, workload_module


def test_class_names_and_na_rules():
    assert suite.class_name("umap_init", "scanpy") == "UmapInitScanpy"
    pca = workload_module("pca")
    assert suite.not_applicable(pca, "randomized_sparse", "scanpy", "legacy")
    assert suite.not_applicable(pca, "randomized_sparse", "reference", "spawn") is None
    assert suite.not_applicable(pca, "arpack_dense", "scanpy", "spawn")
    assert suite.not_applicable(pca, "arpack_dense", "scanpy", "legacy") is None
    assert "numba kernel" in suite.not_applicable(pca, "arpack_dense", "reference", "per-thread")
    assert suite.not_applicable(pca, "arpack_dense", "reference", "keyed") is None
    assert "scanpy" in suite.not_applicable(pca, "arpack_dense", "scanpy", "keyed")


def test_numba_layer_n_a_rules_reuse_runs_on_one_thread_only():
    ds = workload_module("downsample")
    assert suite.class_name("downsample", "numba") == "DownsampleNumba"
    for strategy in strategies.NUMBA_NAMES:
        assert suite.not_applicable(ds, "per_cell", "numba", strategy, threads=1) is None
    assert "one thread" in suite.not_applicable(ds, "per_cell", "numba", "reuse", threads=2)
    for strategy in ("keyed", "spawn", "per-thread"):
        assert suite.not_applicable(ds, "per_cell", "numba", strategy, threads=2) is None
    assert "no parallel numba kernel" in suite.not_applicable(ds, "per_cell", "numba", "legacy", threads=1)


def _classes(path: Path) -> dict:
    tree = ast.parse(path.read_text())
    return {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}


def _assigned(node) -> dict:
    return {t.id: stmt.value for stmt in node.body if isinstance(stmt, ast.Assign) for t in stmt.targets}


def test_numba_and_keyed_benchmark_classes_declare_the_thread_and_strategy_parameters():
    numba_class = _classes(REPO / "benchmarks" / "bench_downsample.py")["DownsampleNumba"]
    names = ast.literal_eval(_assigned(numba_class)["param_names"])
    assert names == suite.NUMBA_PARAM_NAMES == ["dataset", "case", "strategy", "threads"]
    assert suite.numba_params("downsample")[2:] == [list(strategies.NUMBA_NAMES), [1, 2]]
    assert ast.unparse(_assigned(numba_class)["params"]) == "suite.numba_params(workload)"
    keyed = _classes(REPO / "benchmarks" / "bench_keyed.py")
    assert set(keyed) == {"KeyedProperties", "KeyedSetupCost"}
    assert ast.literal_eval(_assigned(keyed["KeyedProperties"])["param_names"]) == ["strategy"]
    assert ast.literal_eval(_assigned(keyed["KeyedSetupCost"])["param_names"]) == ["n_items", "strategy"]


def test_one_track_method_per_invariance_property():
    from rngbench.keyed import properties

    assert sorted(suite.PROPERTY_METHODS.values()) == sorted(p.name for p in properties.PROPERTIES)
    for method in suite.PROPERTY_METHODS:
        assert getattr(suite.KeyedPropertiesBenchmark, method).unit == "fraction"
    table = {"keyed": {"threads": 1.0, "overlap": 0.0}}
    assert suite.KeyedPropertiesBenchmark().track_overlap(table, "keyed") == 0.0


def test_benchmark_files_declare_their_classes_and_params_visibly():
    """Each benchmarks/bench_<workload>.py writes out both classes with params and param_names (read, not run)."""
    for workload in WORKLOADS:
        classes = _classes(REPO / "benchmarks" / f"bench_{workload}.py")
        layers = ("scanpy", "reference", "numba") if hasattr(workload_module(workload), "NUMBA_CASES") else (
            "scanpy", "reference")
        assert set(classes) == {suite.class_name(workload, layer) for layer in layers}
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
    from rngbench.keyed import streams

    params = [["'pbmc68k_reduced'"], ["'per_cell'"], [f"'{s}'" for s in strategies.NAMES]]
    numba_params = [["'pbmc68k_reduced'"], ["'per_cell'"], [f"'{s}'" for s in strategies.NUMBA_NAMES], ["1", "2"]]
    columns = ["result", "params", "version", "started_at", "duration", "stats_ci_99_a", "stats_ci_99_b",
               "stats_q_25", "stats_q_75", "stats_repeat"]
    results = {
        "bench_downsample.DownsampleScanpy.time_run": [
            [0.03, 0.02, math.nan, None, math.nan, math.nan], params, "v", 0, 1.0, None, None,
            [0.029, 0.019, None, None, None, None], [0.031, 0.021, None, None, None, None],
            [10, 10, None, None, None, None]],  # 10 samples: charted
        "bench_downsample.DownsampleReference.time_run": [
            [0.03, 0.02, 0.05, 0.02, 0.05, math.nan], params, "v", 0, 1.0, None, None, None, None, None],
        # numba: strategy x threads, reuse n/a at 2 threads
        "bench_downsample.DownsampleNumba.time_run": [
            [0.01, 0.006, 0.02, math.nan, 0.012, 0.0061, 0.011, 0.006], numba_params, "v", 0, 1.0, None, None,
            None, None, None],
        "bench_keyed.KeyedProperties.track_threads": [
            [1.0, 1.0, 1.0, 0.25, 1.0, 1.0], [[f"'{s}'" for s in streams.NAMES]], "v", 0, 1.0, None, None,
            None, None, None],
        "bench_keyed.KeyedProperties.track_overlap": [
            [0.0, 0.0, 0.0, 0.0, 0.0, 0.999], [[f"'{s}'" for s in streams.NAMES]], "v", 0, 1.0, None, None,
            None, None, None],
        "bench_keyed.KeyedSetupCost.time_create_and_draw": [
            [1e-2, 1e-5, 1e-1, 1e-4], [["1000", "100000"], ["'spawn'", "'keyed'"]], "v", 0, 1.0, None, None,
            [0.9e-2, 0.9e-5, 0.9e-1, 0.9e-4], [1.1e-2, 1.1e-5, 1.1e-1, 1.1e-4], None],
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
    assert list(tab.columns) == ["dataset", "legacy", "Generator", "spawn", "reuse", "keyed", "per-thread"]
    row = tab.iloc[0]
    assert row["legacy"].startswith("30 ms ± ") and row["spawn"] == "n/a" and row["reuse"] == "failed"
    assert row["keyed"] == "n/a" and row["per-thread"] == "n/a"
    ref = bench_report.table(frame[(frame.layer == "reference") & (frame.kind == "time")]).iloc[0]
    assert ref["keyed"].startswith("50 ms") and ref["per-thread"] == "n/a"


def test_report_numba_table_has_a_row_per_thread_count_and_reuse_n_a_at_2(tmp_path):
    frame = bench_report.read_results(_fake_results(tmp_path))
    tab = bench_report.table(frame[(frame.layer == "numba") & (frame.kind == "time")])
    assert list(tab.columns) == ["dataset", "threads", *strategies.NUMBA_NAMES]
    two = tab.set_index("threads").loc["2"]
    assert two["reuse"] == "n/a" and two["keyed"].startswith("6.1 ms")


def test_report_renders_the_property_table_and_links_the_one_setup_cost_plot(tmp_path):
    written = bench_report.write_report(_fake_results(tmp_path), tmp_path / "out")
    names = {p.name for p in written}
    assert "keyed.properties.md" in names and not any("setup_cost" in n for n in names)
    text = (tmp_path / "out" / "keyed.properties.md").read_text()
    keyed_row = next(line for line in text.splitlines() if line.startswith("| keyed "))
    assert "yes (1.000)" in keyed_row and "yes (0.000)" in keyed_row
    per_thread = next(line for line in text.splitlines() if line.startswith("| per-thread "))
    assert "no (0.250)" in per_thread
    seed_i = next(line for line in text.splitlines() if line.startswith("| seed+i "))
    assert "no (0.999)" in seed_i
    readme = (tmp_path / "out" / "README.md").read_text()
    assert "keyed.properties.md" in readme and "keyed/README.md" in readme


def test_report_writes_tables_and_one_chart_per_workload(tmp_path):
    written = bench_report.write_report(_fake_results(tmp_path), tmp_path / "out")
    names = {p.name for p in written}
    assert {"downsample.per_cell.png", "downsample.per_cell.scanpy-1.13.0a2.md", "README.md", "results.csv"} <= names
    assert (tmp_path / "out" / "downsample.per_cell.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list((tmp_path / "out").glob(".*"))  # atomic writes leave no temp files
    index = (tmp_path / "out" / "README.md").read_text()
    assert "spawn/reuse" in index and bench_report.ASV_RATIOS_NOTE in index  # asv ratios labelled as cross-checks
    assert bench_report._samples(1, 1) == "; 1 sample each" and bench_report._samples(3, 10) == "; 3–10 samples"
    assert bench_report._samples(None, float("nan")) == ""
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


def test_every_workload_benchmark_takes_its_parameters_from_the_suite():
    """The benchmark files name no parameter list of their own: ``suite.params`` / ``suite.numba_params`` decide."""
    for name in WORKLOADS:
        for cls_name, node in _classes(REPO / "benchmarks" / f"bench_{name}.py").items():
            helper = "numba_params" if cls_name.endswith("Numba") else "params"
            assert ast.unparse(_assigned(node)["params"]) == f"suite.{helper}(workload)", cls_name
            assert ast.literal_eval(_assigned(node)["workload"]) == name
    assert suite.params("pca") == [datasets.names(), list(workload_module("pca").CASES), list(strategies.NAMES)]
