"""The version matrix picks interpreters from wheel tags, and resumes after an interruption."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rngbench import envs
from rngbench.streams import matrix as mx
from rngbench.streams.store import Store


def fake_index(versions: dict[str, list[str]]) -> dict:
    """A package-index JSON document with one manylinux wheel per (version, cpXY)."""
    return {"releases": {
        v: [{"filename": f"numpy-{v}-{tag}-{tag}-manylinux2014_x86_64.whl", "yanked": False} for tag in tags]
        for v, tags in versions.items()
    }}


INTERPRETERS = [envs.Interpreter((3, m, 0), f"/fake/python3.{m}") for m in (7, 8, 12, 13)]


def test_releases_and_interpreter_choice(monkeypatch):
    monkeypatch.setattr(mx.platform, "machine", lambda: "x86_64")
    index = fake_index({
        "1.15.4": ["cp37"], "1.16.0": ["cp36", "cp37"], "1.19.5": ["cp37", "cp38", "cp39"],
        "2.0.0rc1": ["cp312"], "2.5.5": ["cp312", "cp313", "cp314"], "1.2.0": [],
    })
    available = mx.releases(index)
    assert list(available) == ["1.16.0", "1.19.5", "2.5.5"]
    assert "2.0.0rc1" in mx.releases(index, pre=True)
    assert mx.pick_interpreter(available["1.16.0"], INTERPRETERS).minor == (3, 7)
    assert mx.pick_interpreter(available["1.19.5"], INTERPRETERS).minor == (3, 8)
    assert mx.pick_interpreter(available["2.5.5"], INTERPRETERS).minor == (3, 13)
    assert mx.pick_interpreter({(3, 5)}, INTERPRETERS) is None


def test_yanked_releases_are_recorded_too(monkeypatch):
    monkeypatch.setattr(mx.platform, "machine", lambda: "x86_64")
    index = fake_index({"2.4.0": ["cp312"]})
    for f in index["releases"]["2.4.0"]:
        f["yanked"] = True
    assert list(mx.releases(index)) == ["2.4.0"]


def test_plan_rejects_unknown_versions(tmp_path, monkeypatch):
    monkeypatch.setattr(mx.platform, "machine", lambda: "x86_64")
    index = fake_index({"1.16.0": ["cp37"]})
    with pytest.raises(mx.MatrixError, match="numpy 7.7.7"):
        mx.plan(index, Store(tmp_path), INTERPRETERS, versions=["7.7.7"])


def _fake_recording(recorded: Path, workdir: Path, version: str) -> list[Path]:
    """The installed numpy's recording, relabelled as ``version`` (values do not matter here): the reference only."""
    out = workdir / version / "reference"
    shutil.copytree(recorded, out)
    doc = json.loads((out / "record.json").read_text())
    doc["env"]["numpy"] = version
    (out / "record.json").write_text(json.dumps(doc))
    return [out]


def test_kernels_follow_the_cpu_flags(monkeypatch):
    monkeypatch.setattr(mx.platform, "machine", lambda: "x86_64")
    assert mx.runnable_kernels(set()) == ["Prescott"]
    assert mx.runnable_kernels({"avx"}) == ["Prescott", "Sandybridge"]
    assert mx.runnable_kernels({"avx", "avx2", "fma"}) == ["Prescott", "Sandybridge", "Haswell", "Zen"]
    monkeypatch.setattr(mx.platform, "machine", lambda: "aarch64")
    assert mx.runnable_kernels({"avx"}) == []


def test_interrupted_matrix_resumes_without_redoing(tmp_path, recorded, monkeypatch):
    monkeypatch.setattr(mx.platform, "machine", lambda: "x86_64")
    versions = ["1.16.0", "1.16.1", "1.16.2", "1.16.3"]
    index = fake_index({v: ["cp37"] for v in versions})
    store = Store(tmp_path / "stream_fixtures")
    calls: list[str] = []

    def interrupted(job, workdir, env_root):
        calls.append(job.version)
        if job.version == "1.16.2":
            raise KeyboardInterrupt
        return _fake_recording(recorded, workdir, job.version)

    monkeypatch.setattr(mx, "record_release", interrupted)
    jobs, done, _ = mx.plan(index, store, INTERPRETERS)
    assert [j.version for j in jobs] == versions and done == []
    with pytest.raises(KeyboardInterrupt):
        mx.run(jobs, store, workers=1, on_done=lambda v, e: None, env_root=tmp_path / "envs")
    stored = Store(store.root).releases()
    assert stored == ["1.16.0", "1.16.1"], "finished releases are stored in order up to the interruption"
    assert Store(store.root).verify() == []
    left = [p for p in store.root.rglob("*") if p.name.startswith(".") and not p.name.startswith(".writer.lock")]
    assert not left, "temporary files left behind"

    calls.clear()
    def recording(job, workdir, env_root):
        calls.append(job.version)
        return _fake_recording(recorded, workdir, job.version)

    monkeypatch.setattr(mx, "record_release", recording)
    fresh = Store(store.root)
    jobs, done, _ = mx.plan(index, fresh, INTERPRETERS)
    assert done == stored
    failed = mx.run(jobs, fresh, workers=2, on_done=lambda v, e: None, env_root=tmp_path / "envs")
    assert failed == [] and sorted(calls) == sorted(set(versions) - set(stored))
    assert Store(store.root).releases() == versions and Store(store.root).verify() == []


def test_interrupt_inside_a_store_write_leaves_no_half_release(tmp_path, recorded, monkeypatch):
    """Interrupted between writing blobs and committing INDEX: the release is simply not there."""
    from rngbench.golden import store as store_module
    from rngbench.streams.store import read_recorder_output

    store = Store(tmp_path / "stream_fixtures")
    doc, cases = read_recorder_output(recorded)
    real_write_text = store_module.atomic.write_text

    def dies_on_manifest(path, text):
        if Path(path).name == "INDEX":
            raise KeyboardInterrupt
        real_write_text(path, text)

    monkeypatch.setattr(store_module.atomic, "write_text", dies_on_manifest)
    with pytest.raises(KeyboardInterrupt):
        store.add_release(doc, cases)
    monkeypatch.setattr(store_module.atomic, "write_text", real_write_text)
    after = Store(store.root)
    assert after.releases() == []
    assert not after.is_complete(doc["env"]["numpy"], doc["catalogue"])
    after.add_release(doc, cases)
    assert after.verify() == [] and after.releases() == [doc["env"]["numpy"]]


def test_failed_recording_is_reported_not_fatal(tmp_path, recorded, monkeypatch):
    monkeypatch.setattr(mx.platform, "machine", lambda: "x86_64")
    index = fake_index({"1.16.0": ["cp37"], "1.16.1": ["cp37"]})
    store = Store(tmp_path / "s")

    def sometimes(job, workdir, env_root):
        if job.version == "1.16.0":
            raise envs.EnvError("installing numpy==1.16.0 failed: no wheel")
        return _fake_recording(recorded, workdir, job.version)

    monkeypatch.setattr(mx, "record_release", sometimes)
    jobs, _, _ = mx.plan(index, store, INTERPRETERS)
    messages = []
    failed = mx.run(jobs, store, workers=2, on_done=lambda v, e: messages.append((v, e)))
    assert failed == ["1.16.0"] and Store(store.root).releases() == ["1.16.1"]
    assert any(e and "no wheel" in e for _, e in messages)
