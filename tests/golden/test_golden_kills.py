"""kill -9 at every rename of every writer of both stores: readers still answer and name the debris, a rerun
completes and repairs, verify passes, and no temporary file is left in the store, the cache or the temp folder.

The kill is deterministic: a child process replaces ``os.replace`` with one that SIGKILLs the process just
before its Nth call -- the moment a write has its temporary file complete but not yet in place.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from fixtures import tiny_stores
from fixtures.paths import REPO
from rngbench.cli import main
from rngbench.pipelines.store import PipelineStore
from rngbench.streams.store import Store
from rngbench.util import atomic

KILLER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    limit = int(sys.argv[1])
    real = os.replace
    calls = [0]
    def replace(src, dst):
        calls[0] += 1
        if calls[0] == limit:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(src, dst)
    os.replace = replace
    from fixtures.tiny_stores import act
    sys.exit(act(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])))
""")
COUNTS: dict[str, dict[str, int]] = {}


def _base(kind: str, root: Path, inputs: Path) -> tuple[type, Path]:
    """A store holding one unit already, and the input the killed writer adds (or replaces it with)."""
    if kind.startswith("streams"):
        assert tiny_stores.act("streams ingest", root, tiny_stores.stream_output(inputs / "base", "1.26.0")) == 0
        if kind == "streams ingest":  # a platform variant of the stored release: must land atomically
            return Store, tiny_stores.stream_output(inputs / "new", "1.26.0", platform=tiny_stores.HASWELL,
                                                    linalg_shift=1e-12)
        return Store, tiny_stores.stream_output(inputs / "new", "1.26.1", seed=1)
    base = dict(tiny_stores.PIPELINE_VERSIONS, numpy="2.5.5")
    assert tiny_stores.act("pipelines ingest", root, tiny_stores.pipeline_output(inputs / "base", base)) == 0
    if kind == "pipelines ingest (replace)":  # the same environment again, other values: a manifest replaced
        return PipelineStore, tiny_stores.pipeline_output(inputs / "new", base, seed=1)
    return PipelineStore, tiny_stores.pipeline_output(inputs / "new", seed=1)


def _temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if atomic.temp_writer(p) is not None] if folder.exists() else []


def _reads_everything(store) -> None:
    for name in store.names():
        manifest = store.manifest(name)
        for key in store.keys_of(manifest):
            for digest in store.blobs_of(store.record(key)):
                store.blob(digest)


@pytest.mark.parametrize("kind", ["streams ingest", "streams matrix", "pipelines ingest",
                                  "pipelines ingest (replace)", "pipelines matrix"])
def test_kill_at_every_rename(kind, tmp_path, monkeypatch):
    counts = COUNTS.setdefault(kind, dict(kills=0, readable=0, repaired=0, debris_left=0))
    cache, tmp = tmp_path / "cache", tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("RNGBENCH_CACHE", str(cache))
    env = {**os.environ, "RNGBENCH_CACHE": str(cache), "TMPDIR": str(tmp),
           "PYTHONPATH": os.pathsep.join([str(REPO / "tests"), str(REPO / "src")])}
    base = tmp_path / "base"
    store_type, given = _base(kind, base, tmp_path / "inputs")
    wing, action = kind.split()[0], " ".join(kind.split()[:2])
    kill_at = 0
    while True:
        kill_at += 1
        root = tmp_path / f"store-{kill_at}"
        shutil.copytree(base, root)
        killed = subprocess.run([sys.executable, "-c", KILLER, str(kill_at), action, str(root), str(given)],
                                env=env, capture_output=True, text=True)
        if killed.returncode == 0:  # past the last rename: the writer simply finished
            break
        assert killed.returncode == -9, killed.stderr[-800:]
        counts["kills"] += 1
        # readers answer: nothing is damaged, everything listed reads, and every leftover is named as debris
        store = store_type(root)
        assert store.verify() == [], f"kill at rename {kill_at}"
        _reads_everything(store)
        result = CliRunner().invoke(main, [wing, "verify", "--store", str(root)])
        assert result.exit_code == 0, result.output
        for leftover in _temp_files(root):
            assert f"debris: {leftover}" in result.output, f"{leftover} not named as debris"
        counts["readable"] += 1
        # a rerun completes and repairs
        assert tiny_stores.act(action, root, given, patch=monkeypatch.setattr) == 0
        store = store_type(root)
        left = _temp_files(root) + _temp_files(cache) + list(tmp.iterdir()) + list(cache.glob("*-scratch/run-*"))
        assert store.verify() == [] and store.debris() == [] and left == [], (kill_at, store.debris(), left)
        counts["repaired"] += 1
        counts["debris_left"] += len(left) + len(store.debris())
        if kind == "streams ingest":
            assert len(store.platforms("1.26.0")[1]) == 2, "the variant landed"
        else:
            assert len(store.names()) == (1 if "replace" in kind else 2)
    assert counts["kills"] >= 4, f"only {counts['kills']} renames were killed"
    print(f"\n{kind}: {counts}")


def test_debris_stays_until_a_writer_or_the_sweep_removes_it(tmp_path):
    """Without the sweep, a dead writer's files would stay: this is what the kill tests rely on."""
    root = tmp_path / "store"
    assert tiny_stores.act("streams ingest", root, tiny_stores.stream_output(tmp_path / "a", "1.26.0")) == 0
    dead = root / "releases" / ".1.26.1.json.tmp999999999-abcdefgh.json"
    dead.write_text("{")
    assert Store(root).verify() == [] and any(str(dead) in line for line in Store(root).debris())
    result = CliRunner().invoke(main, ["streams", "verify", "--sweep", "--store", str(root)])
    assert result.exit_code == 0 and not dead.exists() and Store(root).debris() == []
