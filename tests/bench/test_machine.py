"""Figures per machine: machine class ids, machine files, and the report rendering every machine side by side."""

from __future__ import annotations

import json

import pytest

from fixtures.markdown import table_rows
from rngbench.bench import cells, charts, machine, suite
from rngbench.bench import report as bench_report

AVX2 = {"cpu_vendor": "AuthenticAMD", "cpu_model": "AMD EPYC", "cpu_family": "25", "cpu_model_number": "1",
        "simd": ["SSE2", "AVX", "AVX2"], "cores": 2, "blas": "openblas", "blas_core": "Haswell"}
AVX512 = {**AVX2, "cpu_family": "26", "cpu_model_number": "2", "simd": [*AVX2["simd"], "AVX512F"],
          "blas_core": "SkylakeX"}


def _headline(ratio: float, low: float, high: float) -> dict:
    return {"figures": [{"figure": "legacy path, per-cell downsampling to 3 counts", "dataset": "pbmc68k_reduced",
                         "ratio": ratio, "ci": [low, high], "interval": {"samples": [40, 40]}},
                        {"figure": "spawn/reuse", "dataset": "pbmc68k_reduced", "ratio": 1.5, "ci": [1.45, 1.55],
                         "interval": {"samples": [40, 40]}}]}


def _peer(theirs: float, ours: float) -> dict:
    def iv(r):
        return {"ratio": r, "ci": [r * 0.99, r * 1.01], "samples": [40, 40]}

    return {"figures": [{"figure": "the same, on scanpy's suite's input (dense pseudo-counts, in place)",
                         "theirs": iv(theirs), "ours": iv(theirs * 1.003)},
                        {"figure": "legacy random_state=0, per-cell downsampling to 3 counts",
                         "theirs": iv(theirs), "ours": iv(ours)}]}


def test_machine_class_ids_name_vendor_family_model_and_simd_level():
    assert machine.class_id(AVX2) == "amd-25-1-avx2"
    assert machine.class_id(AVX512) == "amd-26-2-avx512"
    assert machine.class_id({"cpu_vendor": "GenuineIntel", "simd": None}) == "intel-x-x-unknown"


def test_this_machine_is_described_by_its_own_numpy():
    fp = machine.describe()
    assert fp["cores"] >= 1 and machine.class_id(fp).count("-") == 3
    assert machine.simd_level(fp["simd"]) in {"avx512", "avx2", "avx", "sse2", "unknown"}


def test_record_replaces_one_figure_kind_and_keeps_the_others(tmp_path):
    path = machine.record(tmp_path, AVX2, "headline", _headline(2.3, 2.25, 2.4), {"numpy": "2.5.5"})
    machine.record(tmp_path, AVX2, "peer", _peer(3.22, 2.36), {"numpy": "2.5.5"})
    machine.record(tmp_path, AVX2, "headline", _headline(2.31, 2.26, 2.41), {"numpy": "2.5.5"})
    doc = json.loads(path.read_text())
    assert path.name == "amd-25-1-avx2.json" and set(doc["runs"]) == {"headline", "peer"}
    assert doc["runs"]["headline"]["data"]["figures"][0]["ratio"] == 2.31
    assert len(doc["runs"]["headline"]["load_average"]) == 3 and doc["machine"]["simd_level"] == "avx2"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["amd-25-1-avx2.json"]


def test_a_broken_machine_file_is_one_line(tmp_path):
    (tmp_path / "x.json").write_text("{")
    with pytest.raises(machine.MachineError, match="not a machine file"):
        machine.read_all(tmp_path)


def test_report_renders_a_second_machine_side_by_side_with_spread_and_relations(tmp_path):
    machine.record(tmp_path, AVX2, "headline", _headline(2.30, 2.25, 2.40), {})
    machine.record(tmp_path, AVX2, "peer", _peer(3.22, 2.36), {})
    machine.record(tmp_path, AVX512, "headline", _headline(1.58, 1.57, 1.59), {})
    machine.record(tmp_path, AVX512, "peer", _peer(2.03, 1.48), {})
    text = "\n".join(machine.section(tmp_path))
    rows = table_rows(text)
    header = next(r for r in rows if r[0] == "figure")
    assert header[1:3] == ["`amd-25-1-avx2`", "`amd-26-2-avx512`"]
    legacy = next(r for r in rows if r[0].startswith("legacy path"))
    assert legacy[1].startswith("2.30×") and legacy[2].startswith("1.58×")
    assert "1.58–2.30×" in legacy[3] and "property of the machine" in legacy[4]
    spawn = next(r for r in rows if r[0].startswith("spawn/reuse"))
    assert "same on every machine" in spawn[-1]
    same = next(r for r in rows if r[0].startswith("same harness"))
    assert same[1] == same[2] == "1.00" and "holds on every machine" in same[3]
    simd = next(r for r in rows if r[0] == "SIMD level")
    assert simd[1:] == ["avx2", "avx512"]
    assert charts.headline_chart(machine.read_all(tmp_path), tmp_path / "h.png")
    assert (tmp_path / "h.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_keyed_timings_are_figures_of_their_machine_with_their_unit(tmp_path):
    """scripts/measure_keyed.py records its figures in the machine file; a time is not printed as a ratio."""
    for fp, (ratio, seconds) in ((AVX2, (0.99, 0.0104)), (AVX512, (0.97, 0.0081))):
        machine.record(tmp_path, fp, "keyed", {"figures": {
            "pbmc68k_reduced: keyed 1 thread / reuse": {"median": ratio, "ci95": [ratio - 0.02, ratio + 0.02],
                                                        "unit": "×"},
            "1e6 keyed streams (s)": {"median": seconds, "ci95": [seconds * 0.98, seconds * 1.02], "unit": " s"}}},
            {})
    rows = table_rows("\n".join(machine.section(tmp_path)))
    keyed = next(r for r in rows if r[0] == "keyed: pbmc68k_reduced: keyed 1 thread / reuse")
    assert keyed[1] == "0.99× (0.97–1.01)" and "same on every machine" in keyed[-1]
    streams = next(r for r in rows if r[0] == "keyed: 1e6 keyed streams (s)")
    assert streams[1] == "0.0104 s (0.0102–0.0106)" and "×" not in streams[3]
    assert "property of the machine" in streams[4]


def test_the_committed_report_holds_a_machine_file_that_renders():
    docs = machine.read_all(bench_report.BUDGETS.parents[1] / "reports" / "benchmarks" / "machines")
    assert docs and all(d["id"] == machine.class_id(d["machine"]) for d in docs)


def test_main_cells_are_asv_names_of_the_suite_and_newest_runs_more():
    main = cells.load()
    every, newest = main.regexes(newest=False), main.regexes(newest=True)
    assert set(every) < set(newest) and main.samples >= charts.MIN_SAMPLES
    name = "bench_downsample.DownsampleNumba.time_run('pbmc68k_reduced', 'per_cell_3', 'keyed', 2)"
    import re

    assert any(re.search(r, name) for r in newest) and not any(re.search(r, name) for r in every)
    for cell in main.cells:  # every value is one the suite declares
        params = dict(zip(suite.LAYER_PARAM_NAMES[cell.layer], _declared(cell.benchmark)))
        for key, values in cell.values.items():
            assert set(values) <= set(params[key]), (cell.benchmark, key)
    assert set(main.workloads()) == {"downsample", "pca"}


def _declared(benchmark: str) -> list[list]:
    from rngbench.bench import suite as s

    workload, cls = benchmark.split(".")[0].removeprefix("bench_"), benchmark.split(".")[1]
    return s.numba_params(workload) if cls.endswith("Numba") else s.params(workload)


def test_bad_main_cells_are_one_line(tmp_path):
    path = tmp_path / "main.toml"
    path.write_text('samples = 10\n[[cell]]\nbenchmark = "bench_x.XScanpy.time_run"\ndataset = "d"\n')
    with pytest.raises(cells.CellsError, match="needs a list"):
        cells.load(path)


def test_every_cell_the_suite_can_time_has_its_colour():
    from rngbench.bench import strategies

    for layer, names in (("scanpy", ("legacy", "Generator", "keyed")), ("reference", strategies.NAMES),
                         ("numba", strategies.NUMBA_NAMES)):
        for name in names:
            shades = {charts.colour(layer, name, role) for role in ("newest", "previous")}
            assert charts.UNLISTED not in shades and len(shades) == 2, (layer, name)
    every = [charts.colour(layer, name, role) for layer in ("scanpy", "reference", "numba")
             for name in charts.COLOURS[layer] for role in ("newest", "previous")]
    assert len(every) == len(set(every))  # no two (version, layer, strategy) share a colour


def test_after_the_main_job_the_report_keeps_its_cells_only():
    import pandas as pd

    rows = [{"workload": "downsample.per_cell_3", "layer": "numba", "kind": "time", "dataset": "pbmc68k_reduced",
             "strategy": "keyed", "threads": "2"},
            {"workload": "downsample.per_cell_3", "layer": "numba", "kind": "peakmem", "dataset": "pbmc68k_reduced",
             "strategy": "keyed", "threads": "2"},  # not a main-job cell: asv left it NaN
            {"workload": "downsample.total", "layer": "scanpy", "kind": "time", "dataset": "pbmc68k_reduced",
             "strategy": "legacy", "threads": ""},
            {"workload": "downsample.per_cell", "layer": "scanpy", "kind": "time", "dataset": "pbmc68k_reduced",
             "strategy": "Generator", "threads": ""}]
    kept = bench_report.main_job_only(pd.DataFrame(rows), cells.load())
    assert [(r.workload, r.kind, r.strategy) for r in kept.itertuples()] == [
        ("downsample.per_cell_3", "time", "keyed"), ("downsample.per_cell", "time", "Generator")]
