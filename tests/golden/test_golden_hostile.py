"""Hostile recorder outputs: nothing written outside the store, bad outputs refused in one line before storing,
and one store's writer never touches the other store's files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from fixtures import tiny_stores
from fixtures.paths import REPO
from rngbench.cli import main
from rngbench.golden import output as recorder_output
from rngbench.pipelines.store import PipelineStore
from rngbench.streams.store import Store
from rngbench.util import atomic


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


def _edit(folder: Path, change) -> Path:
    doc = json.loads((folder / recorder_output.RECORD).read_text())
    change(doc)
    (folder / recorder_output.RECORD).write_text(json.dumps(doc))
    return folder


@pytest.mark.parametrize("wing,field", [("streams", "numpy"), ("pipelines", "numpy"), ("pipelines", "platform")])
def test_a_traversing_name_writes_nothing_outside_the_store(tmp_path, wing, field):
    """``env.numpy = "../../PWNED"`` (or a platform, which names a result-golden environment): one line, exit 2,
    no file outside the store."""
    work = tmp_path / "deep" / "er"
    store = work / "store"
    if wing == "streams":
        given = tiny_stores.stream_output(tmp_path / "given", "1.26.0")
        platform = lambda doc: doc["env"]["platform"]  # noqa: E731
        args = ["streams", "ingest", "--create", "--store", str(store), str(given)]
    else:
        given = tiny_stores.pipeline_output(tmp_path / "given")
        platform = lambda doc: doc["platform"]  # noqa: E731
        args = ["pipelines", "ingest", "--store", str(store), str(given)]
    if field == "numpy":
        _edit(given, lambda doc: doc["env"].__setitem__("numpy", "../../PWNED"))
    else:
        _edit(given, lambda doc: platform(doc).__setitem__("machine", "../../../PWNED"))
    before = _files(tmp_path)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and result.output.startswith("error: ") and result.output.count("\n") == 1, \
        result.output
    assert not [p for p in _files(tmp_path) - before if store not in p.parents and p != store], "wrote outside"
    assert not [p for p in tmp_path.rglob("*PWNED*")]


def _sparse(path: Path, size: int) -> None:
    with open(path, "wb") as fh:
        fh.truncate(size)


BAD_OUTPUTS = [
    ("2 GB all-zero values.bin", lambda f: _sparse(f / "values.bin", 2 * 2**30), "values.bin has"),
    ("all-zero values.bin", lambda f: _sparse(f / "values.bin", (f / "values.bin").stat().st_size), "all zeros"),
    ("truncated values.bin", lambda f: _sparse(f / "values.bin", 10), "truncated"),
    ("cases is a string", lambda f: _edit(f, lambda d: d.__setitem__("cases", "x")), "'cases' list"),
    ("a case is a number", lambda f: _edit(f, lambda d: d["cases"].__setitem__(0, 7)), "needs an 'id'"),
    ("shape of the wrong type", lambda f: _edit(f, lambda d: _slot(d).__setitem__("shape", "big")), "integers"),
    ("nbytes that lies", lambda f: _edit(f, lambda d: _slot(d).__setitem__("nbytes", 3)), "cannot hold"),
    ("object dtype", lambda f: _edit(f, lambda d: _slot(d).__setitem__("dtype", "|O")), "not numeric"),
    ("record.json not JSON", lambda f: (f / "record.json").write_text("{"), "not a usable recorder output"),
    ("record.json binary", lambda f: (f / "record.json").write_bytes(b"\xff\xfe\x00"), "not a usable"),
    ("record.json deeply nested", lambda f: (f / "record.json").write_text("[" * 100000 + "]" * 100000),
     "not a usable"),
    ("values.bin a folder", lambda f: ((f / "values.bin").unlink(), (f / "values.bin").mkdir()), "regular files"),
]


def _slot(doc: dict) -> dict:
    entry = doc["cases"][0]
    return entry if "offset" in entry else next(iter(entry["parts"].values()))


@pytest.mark.parametrize("wing", ["streams", "pipelines"])
@pytest.mark.parametrize("name,spoil,words", BAD_OUTPUTS, ids=[b[0] for b in BAD_OUTPUTS])
def test_a_bad_recorder_output_is_one_line_and_nothing_stored(tmp_path, wing, name, spoil, words):
    store = tmp_path / "store"
    if wing == "streams":
        given = tiny_stores.stream_output(tmp_path / "given", "1.26.0")
        args = ["streams", "ingest", "--create", "--store", str(store), str(given)]
    else:
        given = tiny_stores.pipeline_output(tmp_path / "given")
        args = ["pipelines", "ingest", "--store", str(store), str(given)]
    spoil(given)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and result.output.count("\n") == 1 and words in result.output, result.output
    assert not store.exists() or not list((store / "blobs").rglob("*.z")), "something was stored"


def test_the_stream_writer_leaves_the_nested_store_alone(tmp_path):
    """A write in flight in the nested pipelines store (its temporary file, its lock) survives a stream write."""
    root = tmp_path / "stream_fixtures"
    nested = root / "pipelines"
    assert tiny_stores.act("pipelines ingest", nested, tiny_stores.pipeline_output(tmp_path / "p")) == 0
    in_flight = nested / "manifests" / f".x.json.tmp{os.getpid()}-abcdefgh.json"
    in_flight.write_text("{")
    dead = nested / "blobs" / ".y.z.tmp999999999-abcdefgh.z"
    dead.write_text("")
    before = _files(nested)
    assert tiny_stores.act("streams ingest", root, tiny_stores.stream_output(tmp_path / "s", "1.26.0")) == 0
    assert _files(nested) == before, "the stream writer touched the nested store"
    assert Store(root).verify() == [] and PipelineStore(nested).verify() == []


WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from fixtures.tiny_stores import act
    for given in sys.argv[3:]:
        assert act(sys.argv[1], Path(sys.argv[2]), Path(given)) == 0, given
""")


def test_both_writers_at_once_on_one_tree(tmp_path):
    root = tmp_path / "stream_fixtures"
    streams = [tiny_stores.stream_output(tmp_path / f"s{i}", f"1.26.{i}", seed=i) for i in range(4)]
    pipelines = [tiny_stores.pipeline_output(tmp_path / f"p{i}", dict(tiny_stores.PIPELINE_VERSIONS, numpy=f"2.{i}.0"),
                                             seed=i) for i in range(4)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "tests"), str(REPO / "src")])}
    runs = [subprocess.Popen([sys.executable, "-c", WRITER, action, str(store), *map(str, given)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for action, store, given in (("streams ingest", root, streams),
                                         ("pipelines ingest", root / "pipelines", pipelines))]
    outputs = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert Store(root).releases() == [f"1.26.{i}" for i in range(4)] and Store(root).verify() == []
    assert len(PipelineStore(root / "pipelines").environments()) == 4
    assert PipelineStore(root / "pipelines").verify() == [] and (root / "pipelines" / ".gitignore").is_file()
    assert not [p for p in root.rglob("*") if atomic.temp_writer(p) is not None]
