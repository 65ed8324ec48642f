"""Both stores catch the same tamperings, the same way: damage stops readers, debris is named and swept."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from fixtures import tiny_stores
from rngbench.cli import main
from rngbench.pipelines.store import PipelineStore
from rngbench.streams.store import Store


def _stream_store(root: Path, inputs: Path) -> Store:
    for version, seed in (("1.26.0", 0), ("1.26.1", 1)):
        assert tiny_stores.act("streams ingest", root, tiny_stores.stream_output(inputs / version, version, seed)) == 0
    return Store(root)


def _pipeline_store(root: Path, inputs: Path) -> PipelineStore:
    for numpy, seed in (("2.3.5", 0), ("2.5.5", 1)):
        versions = dict(tiny_stores.PIPELINE_VERSIONS, numpy=numpy)
        output = tiny_stores.pipeline_output(inputs / numpy, versions, seed)
        assert tiny_stores.act("pipelines ingest", root, output) == 0
    return PipelineStore(root)


def _some_blob(store) -> Path:
    return sorted((store.root / "blobs").rglob("*.z"))[0]


def _cut_index(store) -> None:
    text = (store.root / "INDEX").read_text()
    (store.root / "INDEX").write_text(text[:-20])


def _edit_record(store) -> None:
    path = store.root / "records.jsonl"
    path.write_text(path.read_text().replace('"ok"', '"raises"', 1))


def _edit_manifest(store) -> None:
    path = store.unit_path(store.names()[0])
    path.write_text(path.read_text().replace("\n", "\n ", 1))


def _unreferenced_blob(store) -> None:
    stray = store.root / "blobs" / "ff" / ("f" * 32 + ".z")
    stray.parent.mkdir(exist_ok=True)
    stray.write_bytes(b"x")


def _duplicate_index_line(store) -> None:
    lines = (store.root / "INDEX").read_text().splitlines(keepends=True)
    (store.root / "INDEX").write_text("".join(lines + lines[:1]))


def _crlf(store) -> None:
    path = store.root / "INDEX"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))


def _symlinked_blob(store) -> None:
    blob = _some_blob(store)
    copy = store.root.parent / "elsewhere.z"
    shutil.copy(blob, copy)
    blob.unlink()
    os.symlink(copy, blob)


# (name, tampering, "damage" or "debris", words the first line must hold)
TAMPERINGS = [
    ("stray file", lambda s: (s.root / "notes.txt").write_text("x"), "damage", "unknown file"),
    ("stray dot-file", lambda s: (s.root / s.UNITS / ".DS_Store").write_text("x"), "damage", "unknown file"),
    ("stray folder", lambda s: (s.root / "blobs" / "zz").mkdir(), "damage", "unknown folder"),
    ("cut INDEX", _cut_index, "damage", "truncated"),
    ("edited record", _edit_record, "damage", "does not match its content"),
    ("edited manifest", _edit_manifest, "damage", "checksum does not match"),
    ("missing blob", lambda s: _some_blob(s).unlink(), "damage", "missing"),
    ("unreferenced blob", _unreferenced_blob, "debris", "no record references it"),
    ("unlisted manifest", lambda s: s.unit_path("9.9.9").write_text("{}"), "damage", "not listed in INDEX"),
    ("duplicated INDEX line", _duplicate_index_line, "damage", "listed twice"),
    ("CRLF line endings", _crlf, "damage", "CRLF"),
    ("symlinked blob", _symlinked_blob, "damage", "symbolic link"),
]


@pytest.mark.parametrize("name,tamper,kind,words", TAMPERINGS, ids=[t[0] for t in TAMPERINGS])
def test_both_stores_catch_the_same_tampering(tmp_path, name, tamper, kind, words):
    found = {}
    for make, wing in ((_stream_store, "streams"), (_pipeline_store, "pipelines")):
        store = make(tmp_path / wing / "store", tmp_path / wing / "inputs")
        assert store.verify() == [] and store.debris() == []
        tamper(store)
        fresh = type(store)(store.root)
        damage, debris = fresh.verify(), fresh.debris()
        result = CliRunner().invoke(main, [wing, "verify", "--store", str(store.root)])
        if kind == "damage":
            assert damage and words in damage[0], (wing, damage)
            assert result.exit_code == 1 and "error:" in result.output
        else:
            assert damage == [] and debris and words in debris[0], (wing, debris)
            assert result.exit_code == 0 and "debris:" in result.output
            assert fresh.sweep() and fresh.debris() == [] and fresh.verify() == []
        found[wing] = kind
    assert found["streams"] == found["pipelines"]


def test_attribute_refuses_a_store_verify_rejects(tmp_path):
    store = _pipeline_store(tmp_path / "store", tmp_path / "inputs")
    _edit_record(store)
    names = store.names()
    result = CliRunner().invoke(main, ["pipelines", "attribute", "--store", str(store.root), *names])
    assert result.exit_code == 2 and "damaged" in result.output and result.output.count("\n") == 1


def test_a_missing_pipelines_gitignore_is_noticed_by_both_verifies(tmp_path):
    streams = _stream_store(tmp_path / "sf", tmp_path / "in-s")
    pipelines = _pipeline_store(tmp_path / "sf" / "pipelines", tmp_path / "in-p")
    assert streams.verify() == [] and pipelines.verify() == []
    (pipelines.root / ".gitignore").unlink()
    assert any(".gitignore: missing" in p for p in Store(streams.root).verify())
    assert any(".gitignore: missing" in p for p in PipelineStore(pipelines.root).verify())
