"""Nothing lost, nothing left behind: a damaged INDEX stops readers, two matrix runs at once, a killed matrix's
scratch, a second writer waiting (kill -9 at every rename and the tamperings: tests/golden)."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from rngbench.streams.store import Store
from rngbench.util import atomic

KEEP = 6  # cases in the small releases these tests write: enough for blobs, records, manifest and INDEX


def small_release(recorded: Path, out: Path, version: str, part: int = 0) -> Path:
    """The installed numpy's recording cut to a few cases with values (``part``: which few, so two releases
    differ and write their own blobs) and relabelled as ``version``."""
    out.mkdir(parents=True)
    doc = json.loads((recorded / "record.json").read_text())
    raw = (recorded / "values.bin").read_bytes()
    doc["cases"] = [dict(c) for c in doc["cases"] if "offset" in c][part * KEEP:(part + 1) * KEEP]
    offset = 0
    with open(out / "values.bin", "wb") as fh:  # only the kept cases' bytes: an output describes all of its file
        for case in doc["cases"]:
            fh.write(raw[case["offset"]: case["offset"] + case["nbytes"]])
            case["offset"], offset = offset, offset + case["nbytes"]
    doc["env"]["numpy"] = version
    (out / "record.json").write_text(json.dumps(doc))
    return out


def ingest(store: Path, recorded: Path) -> subprocess.CompletedProcess:
    args = ["streams", "ingest", "--create", "--store", str(store), str(recorded)]
    return subprocess.run([sys.executable, "-m", "rngbench.cli", *args], capture_output=True, text=True)


def leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if atomic.temp_writer(p) is not None]


@pytest.fixture(scope="module")
def two_releases(recorded, tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("small")
    return small_release(recorded, base / "a", "1.26.0"), small_release(recorded, base / "b", "1.26.1", part=1)


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


def test_a_second_writer_waits_for_the_first_and_says_for_whom(two_releases, tmp_path):
    from rngbench.util.lock import hold_lock

    store = tmp_path / "store"
    assert ingest(store, two_releases[0]).returncode == 0
    with hold_lock(store / ".writer.lock", "a test holding the store"):
        second = subprocess.Popen([sys.executable, "-m", "rngbench.cli", "streams", "ingest", "--store", str(store),
                                   str(two_releases[1])], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready, _, _ = select.select([second.stderr], [], [], 120)  # its one line, once it finds the lock held
        assert ready, "the second writer said nothing"
        said = second.stderr.readline()
        assert "waiting for" in said and "a test holding the store" in said
        time.sleep(1)
        assert second.poll() is None, "the second writer did not wait for the lock"
        assert Store(store).releases() == ["1.26.0"]
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert err == "", "one line while waiting, nothing else"
    assert Store(store).releases() == ["1.26.0", "1.26.1"] and Store(store).verify() == []
