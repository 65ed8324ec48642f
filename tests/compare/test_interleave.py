"""The interleaved sampler: turns alternate between the sides, asv_runner semantics in the worker, problems reported."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.bench_data import cache_dir
from fixtures.paths import REPO
from rngbench.asvio.results import Measurement
from rngbench.bench import floor, job, probe
from rngbench.compare import interleave
from rngbench.compare.worker import serve
from rngbench.util.worker import WorkerError

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
    load, first, second, unload = talk(suite, {"op": "load", "name": "bench_w.Timed.time_sleep", "index": 1,
                                               "repeat": 2}, {"op": "run"}, {"op": "run"}, {"op": "unload"})
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
    got = interleave.sample(workers, [interleave.Job(key, (("x.time_y", None), ("x.time_y", None)))], turns=4)
    runs = [name for name, op in log if op == "run"]
    assert runs == ["a", "b", "b", "a", "a", "b", "b", "a"]
    assert got[key].samples == ([1.0] * 8, [2.0] * 8) and got[key].problem == (None, None)
    assert [op for _, op in log[-2:]] == ["unload", "unload"]


def test_a_side_failing_mid_way_marks_that_side_failed_and_keeps_the_other():
    log: list = []
    key = ("x.time_y", (("p", "1"),))
    got = interleave.sample((FakeWorker("a", log, 1.0), FakeWorker("b", log, 1.0, fail_on_turn=2)),
                            [interleave.Job(key, (("x.time_y", 0), ("x.time_y", 0)))], turns=6)
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
    assert jobs == [interleave.Job(ok.key, (("b.C.time_run", 0), ("b.C.time_run", 0)))]


def test_a_threads_parameter_sets_how_many_cpus_a_job_gets():
    two = Measurement("b.C.time_run", (("threads", "2"),), value=1.0, index=0)
    one = Measurement("b.C.time_run", (("case", "'x'"),), value=1.0, index=1)
    got = interleave.jobs([two, one], [two, one], threads=interleave.ALL_CPUS)
    assert [j.threads for j in got] == [2, interleave.ALL_CPUS]
    assert [j.threads for j in interleave.jobs([one], [one])] == [1]


CHILD_WITH_A_THREAD = "import threading, time; threading.Thread(target=time.sleep, args=(30,)).start(); " \
                      "print('up', flush=True); time.sleep(30)"


def _affinities(pid):
    return {int(t.name): os.sched_getaffinity(int(t.name)) for t in Path(f"/proc/{pid}/task").iterdir()}


def test_both_workers_and_all_their_threads_share_one_cpu_per_job_rotating():
    available = sorted(os.sched_getaffinity(0))
    children = [subprocess.Popen([sys.executable, "-c", CHILD_WITH_A_THREAD], stdout=subprocess.PIPE, text=True)
                for _ in range(2)]
    try:
        for c in children:
            assert c.stdout.readline().strip() == "up"
        workers = [type("W", (), {"pid": c.pid})() for c in children]
        seen = []
        for job_number in range(2):
            cpus = interleave.pin(workers, job_number, threads=1)
            assert cpus is not None and len(cpus) == 1 and cpus <= set(available)
            for c in children:
                tasks = _affinities(c.pid)
                assert len(tasks) >= 2 and all(a == cpus for a in tasks.values())  # the thread too
            seen.append(cpus)
        if len(available) > 1:
            assert seen[0] != seen[1]  # rotates: no CPU carries every job
        assert interleave.pin(workers, 0, threads=interleave.ALL_CPUS) == set(available)  # a later job gets them all
        assert all(a == set(available) for c in children for a in _affinities(c.pid).values())
        assert interleave.pin([type("Fake", (), {})()], 0, 1) is not None  # a worker without a process is skipped
    finally:
        for c in children:
            c.kill()
            c.wait()


def test_passes_split_the_turns_over_fresh_workers_and_keep_turn_order():
    started: list = []
    log: list = []

    def start():
        pair = (FakeWorker("a", log, 1.0 + len(started) / 10), FakeWorker("b", log, 2.0))
        pair[0].close = pair[1].close = lambda: log.append(("-", "close"))
        started.append(pair)
        return pair

    key = ("x.time_y", ())
    jobs_ = [interleave.Job(key, (("x.time_y", None), ("x.time_y", None)))]
    steps = []
    got = interleave.sample_in_passes(start, jobs_, turns=7, passes=3, on_job=lambda n, name: steps.append(n))
    assert len(started) == 3 and steps == [0, 1, 2]
    assert [w.turns for w, _ in started] == [3, 2, 2]  # 7 turns: the first pass takes the remainder
    a = got[key].samples[0]
    assert len(a) == 14 and a == sorted(a)  # 2 samples a turn, pass after pass, in order
    assert a[:6] == [1.0] * 6 and a[6:10] == [1.1] * 4 and a[10:] == [1.2] * 4
    closes = [i for i, entry in enumerate(log) if entry == ("-", "close")]
    assert len(closes) == 6 and log[closes[1] + 1][1] == "load"  # a pass's workers closed before the next loads


def test_a_job_failing_in_one_pass_is_not_tried_again():
    started: list = []

    def start():
        pair = (FakeWorker("a", [], 1.0), FakeWorker("b", [], 1.0, fail_on_turn=2 if not started else None))
        pair[0].close = pair[1].close = lambda: None
        started.append(pair)
        return pair

    ok, bad = ("ok", ()), ("bad", ())
    jobs_ = [interleave.Job(bad, (("b", None), ("b", None))), interleave.Job(ok, (("o", None), ("o", None)))]
    got = interleave.sample_in_passes(start, jobs_, turns=8, passes=2)
    assert got[bad].problem == (None, "failed: RuntimeError: boom")
    assert len(got[ok].samples[0]) == 16 and got[ok].problem == (None, None)


class OneSampleWorker:
    """A fake suite worker that honours ``repeat`` and times every benchmark at a fixed value per name."""

    def __init__(self, name, seconds):
        self.name, self.seconds, self.loaded, self.closed = name, seconds, [], False

    def call(self, **cmd):
        if cmd["op"] == "load":
            self.loaded.append((cmd["name"], cmd["index"]))
            self.repeat, self.current = cmd["repeat"], cmd["name"]
        if cmd["op"] == "run":
            return {"samples": [self.seconds[self.current]] * self.repeat, "number": 1}
        return {"ok": True}

    def close(self):
        self.closed = True


def test_probe_uses_the_interleaving_engine_one_sample_per_round(monkeypatch):
    """The headline probe times asv benchmarks through the compare engine: per-round ratios of single samples."""
    seconds = {"bench_downsample.DownsampleReference.time_run": 0.03,
               "bench_downsample.DownsampleScanpy.time_run": 0.02}
    started = []

    def fake_worker(name, python, benchmark_dir, env, workdir):
        assert benchmark_dir == job.BENCHMARKS and env["RNGBENCH_DATASETS"] == "pbmc68k_reduced"
        started.append(OneSampleWorker(name, seconds))
        return started[-1]

    monkeypatch.setattr(interleave, "suite_worker", fake_worker)
    envs_ = [job.BenchEnv(v, None, {}) for v in ("1.12.4", "1.13.0a2")]
    monkeypatch.setattr(job.BenchEnv, "python", property(lambda self: f"/envs/{self.scanpy}/bin/python"))
    monkeypatch.setattr(floor, "measure", lambda python, names: {"python": python, "datasets": list(names)})
    result = probe.interleaved(envs_, datasets=("pbmc68k_reduced",), rounds=5, log=lambda line: None)
    assert [f["ratio_median"] for f in result["figures"]] == [1.0, 1.0, 1.0]
    assert [f["ci"] for f in result["figures"]] == [[1.0, 1.0]] * 3  # constant samples: a zero-width interval
    assert result["floor"] == {"python": "/envs/1.13.0a2/bin/python", "datasets": ["pbmc68k_reduced"]}
    assert result["figures"][0]["numerator_median_s"] == 0.03
    assert len(started) == 3 * 2 * interleave.PASSES and all(w.closed for w in started)  # fresh pair per pass
    spawn = probe.target(dict(workload="downsample", case="per_cell", layer="reference", strategy="spawn",
                              dataset="pbmc68k_reduced"), ("pbmc68k_reduced",))
    assert spawn == ("bench_downsample.DownsampleReference.time_run", 2)  # (dataset, case, strategy) product order
    assert spawn in started[0].loaded


def test_probe_targets_run_in_a_real_suite_worker(tmp_path):
    """A probe target loads and times in the real suite through the compare worker; a dead worker is one line."""
    target = probe.target(dict(workload="downsample", case="per_cell_3", layer="reference", strategy="reuse",
                               dataset="pbmc68k_reduced"), ("pbmc68k_reduced",))
    env = interleave.worker_env({"RNGBENCH_DATASETS": "pbmc68k_reduced", "RNGBENCH_CACHE": cache_dir()})
    worker = interleave.suite_worker("probe", sys.executable, REPO / "benchmarks", env, tmp_path)
    try:
        assert worker.call(op="load", name=target[0], index=target[1], repeat=1) == {"ok": True}
        timed = worker.call(op="run")
        assert len(timed["samples"]) == 1 and timed["samples"][0] > 0
        assert worker.call(op="unload") == {"ok": True}
        wrong = worker.call(op="load", name=target[0], index=999, repeat=1)
        assert "error" in wrong
    finally:
        worker.close()
    with pytest.raises(WorkerError, match="the probe worker stopped"):
        worker.call(op="run")
