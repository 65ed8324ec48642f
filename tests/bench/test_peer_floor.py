"""The peer suite's preparation (no network, no timing) and the floor table."""

import tarfile

from rngbench.bench import floor, peer
from rngbench.bench import report as bench_report


def test_the_suite_is_restricted_to_pbmc68k_reduced():
    src = 'params = (\n    ["pbmc68k_reduced", "pbmc3k"],\n    ["rng", "random_state"],\n)\nX = ["pbmc3k", "bmmc"]'
    out = peer.restrict_to_dataset(src)
    assert '["pbmc68k_reduced"],' in out and '["rng", "random_state"]' in out and 'X = ["pbmc3k", "bmmc"]' in out


def _sdist(tmp_path, body: str):
    root = tmp_path / "scanpy-9.9.9"
    (root / "benchmarks" / "benchmarks").mkdir(parents=True)
    (root / "benchmarks" / "benchmarks" / "preprocessing_counts.py").write_text(body)
    (root / "benchmarks" / "benchmarks" / "__init__.py").write_text("")
    archive = tmp_path / "scanpy-9.9.9.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(root, arcname="scanpy-9.9.9")
    return archive


def test_unpack_takes_the_suite_only_when_it_has_the_rng_class(tmp_path):
    with_class = _sdist(tmp_path, 'class PreprocessingCountsRngSuite:\n    params = (["pbmc68k_reduced", "pbmc3k"],)\n')
    suite = peer.unpack_suite(with_class, tmp_path / "cache")
    assert '["pbmc68k_reduced"]' in (suite / "preprocessing_counts.py").read_text()
    assert (suite / "__init__.py").exists()
    (tmp_path / "old").mkdir()
    without = _sdist(tmp_path / "old", "class PreprocessingCountsSuite: pass\n")
    assert peer.unpack_suite(without, tmp_path / "cache2") is None


def test_floor_rows_divide_measured_time_by_draws_times_ns_per_draw():
    fl = {"ns_per_draw": {floor.DEFAULT_GENERATOR: 2.0, "RandomState(MT19937).randint": 4.0},
          "draws": {"d/per_cell_3": 1000}}
    rows = floor.rows(fl, {("reference", "d", "per_cell_3", "reuse", ""): 2e-5,
                           ("reference", "d", "per_cell_3", "legacy", ""): 4e-5,
                           ("numba", "d", "per_cell_3", "keyed", "2"): 1e-5})
    by_strategy = {(r[0].split()[0], r[3], r[4]): r for r in rows}
    assert by_strategy[("reference", "reuse", "1")][-1] == "10×"  # 2e-5 s / (1000 x 2 ns)
    assert by_strategy[("reference", "legacy", "1")][-1] == "10×"  # 4e-5 s / (1000 x 4 ns)
    assert by_strategy[("numba", "keyed", "2")][-1] == "5×"  # the numba layer held to the same floor, named


def test_a_one_sample_cell_says_so_instead_of_a_spread():
    import pandas as pd

    row = pd.Series({"status": "ok", "kind": "time", "median": 0.012, "spread": 0.0, "samples": 1})
    assert bench_report.cell(row) == "12 ms (1 sample)"
    assert "±" in bench_report.cell(pd.Series({**row, "samples": 5, "spread": 0.001}))


def test_peer_table_renders_both_suites_their_ratio_and_why(tmp_path):
    import json

    interval = {"ratio": 2.0, "ci": [1.8, 2.2], "level": 0.95, "estimator": "median", "samples": [40, 40],
                "paired": True}
    fig = {"figure": "legacy | per-cell", "theirs": interval, "ours": {**interval, "ratio": 1.6},
           "theirs_ms": [30.0, 15.0], "ours_ms": [48.0, 30.0], "ratio_of_the_two": 0.8, "why": "dense input"}
    (tmp_path / "peer.json").write_text(json.dumps({"versions": {"new": "1.13.0a2", "old": "1.12.4"},
                                                    "suite_from": "scanpy 1.13.0a2 sdist",
                                                    "dataset": "pbmc68k_reduced", "figures": [fig]}))
    text = "\n".join(peer.section(tmp_path))
    header = [c.strip() for c in text.split("\n\n")[2].splitlines()[0].strip("|").split("|")]
    assert header == peer.HEADER
    assert "**2.00×** (1.80–2.20; 30 vs 15 ms)" in text and "**1.60×**" in text and "| 0.80 " in text
    assert "dense input" in text and r"legacy \| per-cell" in text  # benchmark text escaped
    assert peer.section(tmp_path / "none") == []


def test_peer_needs_two_versions_and_says_so_in_one_line():
    from click.testing import CliRunner

    from rngbench.cli import main

    result = CliRunner().invoke(main, ["bench", "peer", "--scanpy", "1.12.4"])
    assert result.exit_code == 2 and result.output.strip().splitlines() == [
        "error: the peer table compares two scanpy versions (give --scanpy twice)"]


def test_our_peer_semantics_case_times_in_a_real_suite_worker(tmp_path):
    """The peer table's own-suite target (scanpy's method in our suite) loads and times through the compare worker."""
    import sys

    from fixtures.bench_data import cache_dir
    from fixtures.paths import REPO
    from rngbench.compare import interleave

    name, index = peer.FIGURES[1].ours
    assert (name, index) == ("bench_peer.DownsamplePeerSemantics.time_run", 0)  # per_cell_3, random_state=0
    env = interleave.worker_env({"RNGBENCH_CACHE": cache_dir()})
    worker = interleave.suite_worker("peer", sys.executable, REPO / "benchmarks", env, tmp_path)
    try:
        assert worker.call(op="load", name=name, index=index, repeat=2) == {"ok": True}
        timed = worker.call(op="run")
        assert len(timed["samples"]) == 2 and all(s > 0 for s in timed["samples"])
    finally:
        worker.close()


def test_report_floor_section_uses_the_reference_kernel_times_of_the_asv_results():
    import pandas as pd

    frame = pd.DataFrame([
        {"kind": "time", "status": "ok", "layer": "reference", "workload": "downsample.per_cell_3",
         "dataset": "d", "strategy": "reuse", "median": 2e-5},
        {"kind": "time", "status": "ok", "layer": "scanpy", "workload": "downsample.per_cell_3",
         "dataset": "d", "strategy": "legacy", "median": 9.0},  # scanpy layer: not in the floor table
        {"kind": "time", "status": "ok", "layer": "numba", "workload": "downsample.per_cell_3",
         "dataset": "d", "strategy": "keyed", "threads": "2", "median": 1e-5},
    ])
    probe = {"floor": {"ns_per_draw": {floor.DEFAULT_GENERATOR: 2.0, "RandomState(MT19937).randint": 4.0},
                       "draws": {"d/per_cell_3": 1000}}}
    text = "\n".join(bench_report.floor_section(frame, probe))
    assert "## Distance from the floor" in text and "| 10×" in text and "9000" not in text
    numba_row = next(line for line in text.splitlines() if line.startswith("| numba kernel"))
    assert "| keyed " in numba_row and "| 2 " in numba_row and "| 5×" in numba_row
    assert bench_report.floor_section(frame, {"lines": []}) == []
