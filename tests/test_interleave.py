"""The interleaved sampler: turns alternate between the sides, asv_runner semantics in the worker, problems reported."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from rngbench import interleave
from rngbench.benchresults import Measurement
from rngbench.interleave_worker import serve

SUITE = '''
import time

class Timed:
    params = [[1, 3]]
    param_names = ["ms"]
    repeat = (3, 10, 5.0)
    number = 1
    warmup_time = 0.0

    def setup(self, ms):
        self.ms = ms
        self.setups = getattr(self, "setups", 0) + 1

    def time_sleep(self, ms):
        time.sleep(ms / 1000)


class Skips:
    def setup(self):
        raise NotImplementedError("not on this version")

    def time_never(self):
        pass


def time_fails():
    raise ValueError("broken | on purpose")
'''


@pytest.fixture
def suite(tmp_path) -> Path:
    root = tmp_path / "benchmarks"
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "bench_w.py").write_text(SUITE)
    yield root
    for name in [m for m in sys.modules if m == "benchmarks" or m.startswith("benchmarks.")]:
        del sys.modules[name]  # another test's suite may also be called "benchmarks"


def talk(root: Path, *commands: dict) -> list[dict]:
    out = io.StringIO()
    serve(str(root), [json.dumps(c) + "\n" for c in commands], out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_worker_takes_asv_samples_per_turn_with_the_parameter_index(suite):
    load, first, second, unload = talk(suite, {"op": "load", "name": "bench_w.Timed.time_sleep", "index": 1, "repeat": 2},
                                       {"op": "run"}, {"op": "run"}, {"op": "unload"})
    assert load == {"ok": True} and unload == {"ok": True}
    assert len(first["samples"]) == len(second["samples"]) == 2 and first["number"] == 1
    assert all(0.003 <= s < 0.5 for s in first["samples"] + second["samples"])  # index 1 is ms=3


def test_worker_reports_skips_and_failures_in_one_line(suite):
    skipped, = talk(suite, {"op": "load", "name": "bench_w.Skips.time_never", "repeat": 2})
    assert skipped["skipped"]
    loaded, failed = talk(suite, {"op": "load", "name": "bench_w.time_fails", "repeat": 2}, {"op": "run"})
    assert loaded == {"ok": True}
    assert failed == {"error": "ValueError: broken | on purpose"}
    unknown, = talk(suite, {"op": "load", "name": "bench_w.Nope.time_x", "repeat": 2})
    assert "Could not find benchmark" in unknown["error"]


class FakeWorker:
    def __init__(self, name, log, value, fail_on_turn=None):
        self.name, self.log, self.value, self.fail_on_turn, self.turns = name, log, value, fail_on_turn, 0

    def call(self, **cmd):
        self.log.append((self.name, cmd["op"]))
        if cmd["op"] == "run":
            self.turns += 1
            if self.turns == self.fail_on_turn:
                return {"error": "RuntimeError: boom"}
            return {"samples": [self.value, self.value], "number": 1}
        return {"ok": True}


def test_turns_alternate_abba_and_pool_per_side():
    log: list = []
    workers = (FakeWorker("a", log, 1.0), FakeWorker("b", log, 2.0))
    key = ("x.time_y", ())
    got = interleave.sample(workers, [("x.time_y", None, key)], turns=4)
    runs = [name for name, op in log if op == "run"]
    assert runs == ["a", "b", "b", "a", "a", "b", "b", "a"]
    assert got[key].samples == ([1.0] * 8, [2.0] * 8) and got[key].problem == (None, None)
    assert [op for _, op in log[-2:]] == ["unload", "unload"]


def test_a_side_failing_mid_way_marks_that_side_failed_and_keeps_the_other():
    log: list = []
    key = ("x.time_y", (("p", "1"),))
    got = interleave.sample((FakeWorker("a", log, 1.0), FakeWorker("b", log, 1.0, fail_on_turn=2)),
                            [("x.time_y", 0, key)], turns=6)
    assert got[key].problem == (None, "failed: RuntimeError: boom")
    before = Measurement("x.time_y", (("p", "1"),), value=1.0, samples=(1.0,), index=0)
    after = interleave.apply([before], got, 1)[0]
    assert after.value is None and after.failed  # the comment lists it as failing on that side
    assert interleave.apply([before], got, 0)[0].value == 1.0  # asv's value kept on the side that worked


def test_only_time_benchmarks_with_values_on_both_sides_are_sampled():
    ok = Measurement("b.C.time_run", (("s", "'x'"),), value=1.0, index=0)
    na = Measurement("b.C.time_run", (("s", "'y'"),), value=float("nan"), index=1)
    mem = Measurement("b.C.peakmem_run", (), value=1e6)
    failed = Measurement("b.C.time_other", (), value=None)
    jobs = interleave.jobs([ok, na, mem, failed], [ok, na, mem, Measurement("b.C.time_other", (), value=2.0)])
    assert jobs == [("b.C.time_run", 0, ok.key)]


def test_probe_worker_answers_timings_and_errors_line_by_line(tmp_path):
    """The headline probe's worker speaks the same JSON-lines protocol through the same process class."""
    import os

    repo = Path(__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=str(repo / "src"))
    probe = interleave.JsonLinesProcess("probe", [sys.executable, "-m", "rngbench.bench_probe"], env, tmp_path,
                                        tmp_path / "probe.log")
    try:
        timed = probe.call(workload="downsample", case="per_cell_3", layer="reference", strategy="reuse",
                           dataset="pbmc68k_reduced")
        assert timed["seconds"] > 0
        wrong = probe.call(workload="downsample", case="nope", layer="reference", strategy="reuse",
                           dataset="pbmc68k_reduced")
        assert wrong["error"].startswith("ValueError: unknown downsample case")
    finally:
        probe.close()
    with pytest.raises(interleave.InterleaveError, match="the probe worker stopped"):
        probe.call(workload="downsample")
