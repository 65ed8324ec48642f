"""Nothing lost, nothing left behind: kill -9 at every store rename, two writers at once, stray files found."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from rngbench.streams.store import Store

KEEP = 6  # cases in the small releases these tests write: enough for blobs, records, manifest and INDEX


def small_release(recorded: Path, out: Path, version: str, part: int = 0) -> Path:
    """The installed numpy's recording cut to a few cases with values (``part``: which few, so two releases
    differ and write their own blobs) and relabelled as ``version``."""
    shutil.copytree(recorded, out)
    doc = json.loads((out / "record.json").read_text())
    doc["cases"] = [c for c in doc["cases"] if "offset" in c][part * KEEP:(part + 1) * KEEP]
    doc["env"]["numpy"] = version
    (out / "record.json").write_text(json.dumps(doc))
    return out


# Runs `rngbench streams ingest` in a child whose os.replace SIGKILLs the process just before its Nth call:
# the exact point where a write has its temporary file complete but not yet renamed into place.
KILLER = textwrap.dedent("""
    import os, signal, sys
    limit = int(sys.argv[1])
    real = os.replace
    calls = [0]
    def replace(src, dst):
        calls[0] += 1
        if calls[0] == limit:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(src, dst)
    os.replace = replace
    from rngbench.cli import main
    main(sys.argv[2:])
""")


def ingest(store: Path, recorded: Path, kill_at: int | None = None) -> subprocess.CompletedProcess:
    args = ["streams", "ingest", "--create", "--store", str(store), str(recorded)]
    if kill_at is None:
        return subprocess.run([sys.executable, "-m", "rngbench.cli", *args], capture_output=True, text=True)
    return subprocess.run([sys.executable, "-c", KILLER, str(kill_at), *args], capture_output=True, text=True)


def leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob(".*") if p.is_file() and not p.name.startswith(".writer.lock")]


@pytest.fixture(scope="module")
def two_releases(recorded, tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("small")
    return small_release(recorded, base / "a", "1.26.0"), small_release(recorded, base / "b", "1.26.1", part=1)


def test_kill_9_at_every_rename_then_rerun_leaves_an_intact_store(two_releases, tmp_path):
    first, second = two_releases
    base = tmp_path / "base"
    assert ingest(base, first).returncode == 0
    kill_at = 0
    while True:  # every rename of one ingest: its blobs, records.jsonl, the manifest, INDEX (and the lock note)
        kill_at += 1
        store = tmp_path / f"store-{kill_at}"
        shutil.copytree(base, store)
        killed = ingest(store, second, kill_at=kill_at)
        if killed.returncode == 0:  # past the last rename: the ingest simply finished
            break
        assert killed.returncode == -9, killed.stderr[-500:]
        assert Store(store).releases() == ["1.26.0"], "a release killed before INDEX must not exist"
        rerun = ingest(store, second)
        assert rerun.returncode == 0, rerun.stderr
        assert Store(store).verify() == [], f"after a kill at rename {kill_at} and a rerun"
        assert Store(store).releases() == ["1.26.0", "1.26.1"]
        assert leftovers(store) == []
    assert kill_at > KEEP + 3, f"only {kill_at - 1} renames were killed"


def test_verify_names_stray_and_leftover_files(two_releases, tmp_path):
    store = tmp_path / "store"
    assert ingest(store, two_releases[0]).returncode == 0
    (store / "notes.txt").write_text("x")
    (store / "releases" / "1.26.0.json.bak").write_text("{}")
    (store / "releases" / ".1.26.1.abcd.json").write_text("{")
    stray_blob = store / "blobs" / "ff" / ("f" * 32 + ".z")
    stray_blob.parent.mkdir(exist_ok=True)
    stray_blob.write_bytes(b"x")
    problems = "\n".join(Store(store).verify())
    assert "notes.txt: unknown file at the store's root" in problems
    assert "1.26.0.json.bak: unknown file not listed in INDEX" in problems
    assert ".1.26.1.abcd.json: leftover temporary file" in problems
    assert f"{stray_blob.name}: unknown file in blobs/" in problems


@pytest.mark.parametrize("damage", ["cut mid-line", "empty", "last line dropped"])
def test_a_damaged_index_stops_check_and_report_with_one_line(two_releases, tmp_path, damage):
    store = tmp_path / "store"
    for rec in two_releases:
        assert ingest(store, rec).returncode == 0
    index = store / "INDEX"
    text = index.read_text()
    index.write_text({"cut mid-line": text[: len(text) - 20], "empty": "",
                      "last line dropped": text.splitlines(keepends=True)[0]}[damage])
    for command in (["streams", "check"], ["streams", "report", "--out", str(tmp_path / "out")]):
        result = subprocess.run([sys.executable, "-m", "rngbench.cli", *command, "--store", str(store)],
                                capture_output=True, text=True)
        assert result.returncode == 2, result.stdout
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


# Two `streams matrix` runs at once on one store, each with its own release set: the package index and the
# environments are faked (recordings made in advance), so the run is the real matrix code path with its lock.
MATRIX = textwrap.dedent("""
    import json, shutil, sys
    from pathlib import Path
    from rngbench.streams import matrix as mx
    recorded, versions, store = Path(sys.argv[1]), sys.argv[2].split(","), sys.argv[3]
    all_versions = sys.argv[4].split(",")
    mx.fetch_index = lambda url=None: {"releases": {v: [{"filename": f"numpy-{v}-cp313-cp313-manylinux_x86_64.whl"}]
                                                    for v in all_versions}}
    def record_release(job, workdir, env_root):
        out = workdir / job.version / "reference"
        shutil.copytree(recorded / job.version, out)
        return [out]
    mx.record_release = record_release
    from rngbench.cli import main
    main(["streams", "matrix", "--store", store, "-j", "1", *versions])
""")


def test_two_matrix_runs_at_once_both_land(recorded, tmp_path):
    sets = [["1.26.0", "1.26.1", "1.26.2"], ["2.0.0", "2.0.1", "2.0.2"]]
    recordings = tmp_path / "recordings"
    for version in sum(sets, []):
        small_release(recorded, recordings / version, version)
    store = tmp_path / "store"
    everything = ",".join(sum(sets, []))
    env = {**os.environ, "RNGBENCH_CACHE": str(tmp_path / "cache")}
    runs = [subprocess.Popen([sys.executable, "-c", MATRIX, str(recordings), ",".join(s), str(store), everything],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for s in sets]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert Store(store).releases() == sum(sets, [])
    assert Store(store).verify() == []
    assert leftovers(store) == []
    assert not any((tmp_path / "cache" / "matrix-scratch").glob("run-*")), "scratch folders left behind"


def test_a_killed_matrix_leaves_no_scratch_after_the_next_run(recorded, tmp_path):
    """kill -9 cannot clean up after itself: the scratch folder lives under the cache and the next run sweeps it."""
    recordings = tmp_path / "recordings"
    for version in ("1.26.0", "1.26.1"):
        small_release(recorded, recordings / version, version)
    store, cache = tmp_path / "store", tmp_path / "cache"
    env = {**os.environ, "RNGBENCH_CACHE": str(cache)}
    slow = MATRIX.replace("    out = workdir", "    import time; time.sleep(60 if job.version == '1.26.1' else 0)\n"
                                                "    out = workdir")
    assert slow != MATRIX
    args = [sys.executable, "-c", slow, str(recordings), "1.26.0,1.26.1", str(store), "1.26.0,1.26.1"]
    victim = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    scratch = cache / "matrix-scratch"
    for _ in range(600):  # until 1.26.0 is stored and 1.26.1 is being "recorded"
        if Store(store).releases() == ["1.26.0"] and any(scratch.glob("run-*")):
            break
        time.sleep(0.1)
    victim.kill()
    victim.wait()
    assert any(scratch.glob("run-*")), "the killed run's scratch folder should still be there"
    rerun = subprocess.run([sys.executable, "-c", MATRIX, *args[3:]], env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert Store(store).releases() == ["1.26.0", "1.26.1"] and Store(store).verify() == []
    assert not any(scratch.glob("run-*")) and leftovers(store) == []
