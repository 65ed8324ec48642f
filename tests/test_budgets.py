"""Overhead budgets on stored asv result files (tests/data/asv_results, made by its make.sh)."""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from fixtures.markdown import table_rows
from fixtures.paths import DATA, REPO
from rngbench import budgets, config
from rngbench.asvio.results import Measurement, read_results
from rngbench.cli import main

TEST_BUDGETS = DATA / "budgets.toml"


def run(*args):
    return CliRunner().invoke(main, ["overhead", *map(str, args)], catch_exceptions=False)


def test_reader_flattens_parameters_and_keeps_samples():
    ms = read_results([DATA / "asv_results" / "pass"])
    spawn = [m for m in ms if m.param_values == {"dataset": "tiny", "case": "per_cell", "strategy": "spawn"}]
    assert len(spawn) == 1 and spawn[0].benchmark == "bench_tiny.DownsampleReference.time_run"
    assert len(spawn[0].samples) == 10 and spawn[0].unit == "seconds"
    skipped = [m for m in ms if m.param_values.get("case") == "total" and m.param_values.get("strategy") == "spawn"]
    assert skipped[0].skipped


def test_passing_results_pass(tmp_path):
    result = run(DATA / "asv_results" / "pass", "--budgets", TEST_BUDGETS, "--json", tmp_path / "o.json")
    assert result.exit_code == 0, result.output
    checks = json.loads((tmp_path / "o.json").read_text())
    by_name = {(c["budget"], c["row"]): c for c in checks}
    spawn = [c for c in checks if c["budget"] == "per-cell: spawn / reuse"]
    assert len(spawn) == 1 and spawn[0]["status"] == "pass" and 1 < spawn[0]["ratio"] < 40
    # Generator / legacy: one row per matching benchmark and free parameter combination (case x dataset)
    gl = [c for c in checks if c["budget"] == "Generator / legacy"]
    assert len(gl) == 3 and all(c["status"] == "pass" for c in gl)
    # spawn is n/a for the total case: listed, never a failure
    assert [c["status"] for c in checks if c["budget"].startswith("total")] == ["n/a"]
    assert len(by_name) == len(checks)


def test_failing_results_fail(tmp_path):
    # fail/ is spawn/reuse 83x (10 samples a side), but 2 of reuse's 10 samples are slow, so the 95 % interval
    # reaches down to 19x: against a limit of 40 that is noise, against the file's 15 the whole interval is above
    loose = tmp_path / "b.toml"
    loose.write_text(TEST_BUDGETS.read_text().replace("max = 15", "max = 40"))
    noise = run(DATA / "asv_results" / "fail", "--budgets", loose, "--json", tmp_path / "n.json")
    statuses = {c["budget"]: c["status"] for c in json.loads((tmp_path / "n.json").read_text())}
    assert noise.exit_code == 0 and statuses["per-cell: spawn / reuse"] == "within noise"
    result = run(DATA / "asv_results" / "fail", "--budgets", TEST_BUDGETS, "--markdown", tmp_path / "o.md")
    assert result.exit_code == 1, result.output
    assert "FAIL" in result.output
    rows = table_rows((tmp_path / "o.md").read_text())
    assert any(row[0] == "`per-cell: spawn / reuse`" and row[-1] == "FAIL" and row[-2] == "10, 10" for row in rows)


def test_the_same_budget_with_a_looser_limit_passes(tmp_path):
    loose = tmp_path / "b.toml"
    loose.write_text(TEST_BUDGETS.read_text().replace("max = 15", "max = 10000"))
    assert run(DATA / "asv_results" / "fail", "--budgets", loose).exit_code == 0


@pytest.mark.parametrize("text, message", [
    ("[[budget]]\nname = 'x'\n", "missing 'benchmark'"),
    ("[[budget]]\nname='x'\nbenchmark='b'\nnumerator={strategy='a'}\ndenominator={strategy='b'}\nmax=-1\n", "positive"),
    ("[[budget]]\nname='x'\nbenchmark='b'\nnumerator={strategy='a'}\ndenominator={strategy='a'}\nmax=2\n", "same"),
    ("[[budget]]\nname='x'\nbenchmark='b'\nnumerator={strategy='a'}\ndenominator={strategy='b'}\nmax=2\nlimit=3\n",
     "unknown key 'limit'"),
    ("not toml [", "budgets.toml"),
    ("", "no [[budget]]"),
])
def test_bad_budget_files_give_one_line(tmp_path, text, message):
    path = tmp_path / "budgets.toml"
    path.write_text(text)
    result = run(DATA / "asv_results" / "pass", "--budgets", path)
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1


def test_missing_results_give_one_line(tmp_path):
    result = run(tmp_path / "nowhere", "--budgets", TEST_BUDGETS)
    assert result.exit_code == 2 and "does not exist" in result.output


def test_the_project_budgets_load():
    loaded = config.load_budgets(REPO / "benchmarks" / "budgets.toml")
    names = [b.name for b in loaded]
    assert "per-cell downsampling: spawn / reuse" in names
    assert any("env.scanpy" in b.numerator for b in loaded)


def _m(strategy, value, scanpy, commit="c1"):
    return Measurement("bench_x.XScanpy.time_run", (("dataset", "'d'"), ("strategy", repr(strategy))), value,
                       None, None, "seconds",
                       env={"commit_hash": commit, "machine": "m", "env_name": f"env-{scanpy}",
                            "versions": {"scanpy": scanpy}})


def test_newest_over_previous_release_pairs_environments_within_one_run():
    budget = budgets.Budget("legacy newest/previous", "bench_*.*Scanpy.time_run",
                            {"strategy": "legacy", "env.scanpy": "newest"},
                            {"strategy": "legacy", "env.scanpy": "previous"}, 1.2)
    ms = [_m("legacy", 1.0, "1.12.4"), _m("legacy", 3.0, "1.13.0a2"), _m("legacy", 1.0, "1.11.5"),
          _m("Generator", 0.1, "1.13.0a2"),
          # another run (commit) is never paired with this one
          _m("legacy", 100.0, "1.14.0", commit="c2")]
    checks = budgets.evaluate([budget], ms)
    run1 = [c for c in checks if c.numerator and c.numerator.env["commit_hash"] == "c1"]
    assert len(run1) == 1
    # 1.13.0a2 (a pre-release) over 1.12.4; one point each: too few samples to break the budget
    assert run1[0].ratio == pytest.approx(3.0) and run1[0].status == "too few samples"
    assert all(c.status != "pass" or c.ratio < 1.2 for c in checks)


def test_failed_measurement_is_na_not_a_failure():
    budget = budgets.Budget("g/l", "bench_x.*", {"strategy": "Generator"}, {"strategy": "legacy"}, 1.5)
    checks = budgets.evaluate([budget], [_m("Generator", None, "1"), _m("legacy", 1.0, "1")])
    assert [c.status for c in checks] == ["n/a"]
    checks = budgets.evaluate([budget], [_m("Generator", math.nan, "1"), _m("legacy", 1.0, "1")])
    assert [c.status for c in checks] == ["n/a"]
    assert budgets.evaluate([budget], [])[0].status == "no data"
    assert budgets.broken(budgets.evaluate([budget], []), strict=True)


def test_rows_of_one_budget_in_several_environments_name_the_environment():
    budget = budgets.Budget("g/l", "bench_x.*", {"strategy": "Generator"}, {"strategy": "legacy"}, 1.5)
    ms = [_m("Generator", 1.0, "1.13.0a2"), _m("legacy", 1.0, "1.13.0a2"), _m("legacy", 1.0, "1.12.4")]
    labels = sorted(c.label for c in budgets.evaluate([budget], ms))
    assert labels == ["bench_x.XScanpy.time_run(dataset=d) [scanpy 1.12.4]",
                      "bench_x.XScanpy.time_run(dataset=d) [scanpy 1.13.0a2]"]


def _sampled(strategy, samples, commit="c1"):
    """A measurement with asv's recorded samples (value = their median, as asv stores it)."""
    import statistics

    return Measurement("bench_x.XReference.time_run", (("dataset", "'d'"), ("strategy", repr(strategy))),
                       statistics.median(samples), tuple(samples), None, "seconds",
                       env={"commit_hash": commit, "machine": "m", "env_name": "e", "versions": {"scanpy": "1"}})


SPAWN_REUSE = budgets.Budget("spawn/reuse", "bench_x.*", {"strategy": "spawn"}, {"strategy": "reuse"}, 1.2)
STEADY = [1.00, 1.01, 0.99, 1.02, 0.98, 1.00, 1.01, 0.99, 1.00, 1.02]  # 10 samples, ~1 % noise


def test_one_noisy_point_cannot_break_a_budget():
    # one sample of ten hit by another job (5x slower): the median and its interval stay under the limit
    noisy = [*STEADY[:-1], 5.0]
    [check] = budgets.evaluate([SPAWN_REUSE], [_sampled("spawn", noisy), _sampled("reuse", STEADY)])
    assert check.status == "pass" and check.samples == (10, 10)
    # a single point far above the limit (asv --quick) rests on one sample: it cannot break the budget
    [check] = budgets.evaluate([SPAWN_REUSE], [_sampled("spawn", [5.0]), _sampled("reuse", [1.0])])
    assert check.ratio == pytest.approx(5.0) and check.status == "too few samples"
    assert not budgets.broken([check])


def test_a_real_overhead_breaks_a_budget():
    slow = [1.5 * s for s in STEADY]  # every sample 1.5x: the whole interval is above 1.2
    [check] = budgets.evaluate([SPAWN_REUSE], [_sampled("spawn", slow), _sampled("reuse", STEADY)])
    assert check.status == "FAIL" and check.interval.low > SPAWN_REUSE.max and check.samples == (10, 10)
    assert budgets.broken([check]) == [check]


def test_a_ratio_above_the_limit_whose_interval_is_not_is_noise():
    wide = [0.6, 1.9, 0.7, 1.8, 1.3, 0.65, 1.95, 1.25, 1.4, 0.62]  # median 1.275, spread over 3x
    [check] = budgets.evaluate([SPAWN_REUSE], [_sampled("spawn", wide), _sampled("reuse", STEADY)])
    assert check.ratio > SPAWN_REUSE.max and check.interval.low <= SPAWN_REUSE.max
    assert check.status == "within noise" and not budgets.broken([check])


def test_the_probe_rounds_are_judged_paired():
    interval, status = budgets.judge([1.5 * s for s in STEADY], STEADY, 1.2, paired=True)
    assert status == "FAIL" and interval.paired and interval.samples == (10, 10)
