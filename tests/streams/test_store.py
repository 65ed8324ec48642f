"""The store is deterministic, self-checking, and never half-written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rngbench.cli import main
from rngbench.streams.recorder import record
from rngbench.streams.store import Store, StoreError, read_recorder_output


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_recording_twice_gives_byte_identical_store(tmp_path, session_store):
    again = tmp_path / "again"
    record.write_record(str(again))
    doc, cases = read_recorder_output(again)
    second = tmp_path / "second"
    Store(second).add_release(doc, cases)
    first_files, second_files = tree_bytes(session_store), tree_bytes(second)
    assert first_files.keys() == second_files.keys()
    assert first_files == second_files
    # storing the same release again into the same store changes nothing either
    Store(second).add_release(doc, cases)
    assert tree_bytes(second) == first_files


def test_intact_store_verifies(session_store):
    assert Store(session_store).verify() == []


def _one_line_error(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def test_corrupted_blob_is_found(store_copy):
    blob = next((store_copy / "blobs").rglob("*.z"))
    data = bytearray(blob.read_bytes())
    data[-5] ^= 0xFF
    blob.write_bytes(bytes(data))
    problems = Store(store_copy).verify()
    assert len(problems) == 1 and blob.name in problems[0] and "corrupted" in problems[0]
    code, output = _one_line_error(["streams", "verify", "--store", str(store_copy)])
    assert code == 1
    assert output.strip().count("\n") == 0 and output.startswith("error:")


def test_edited_manifest_is_found(store_copy):
    manifest = next((store_copy / "releases").glob("*.json"))
    doc = json.loads(manifest.read_text())
    first = sorted(doc["cases"])[0]
    doc["cases"][first] = "0" * 32
    manifest.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
    problems = Store(store_copy).verify()
    assert problems and "checksum does not match" in problems[0]
    code, output = _one_line_error(["streams", "check", "--store", str(store_copy)])
    assert code == 2
    assert output.strip().count("\n") == 0 and "checksum does not match" in output


def test_edited_records_file_is_found(store_copy):
    path = store_copy / "records.jsonl"
    path.write_text(path.read_text().replace('"ok"', '"raises"', 1))
    assert any("records.jsonl" in p for p in Store(store_copy).verify())


def test_unlisted_manifest_is_found(store_copy):
    """A writer puts a manifest in place only after INDEX lists it: an unlisted one is damage, not debris."""
    manifest = next((store_copy / "releases").glob("*.json"))
    (store_copy / "releases" / "0.0.1.json").write_bytes(manifest.read_bytes())
    problems = Store(store_copy).verify()
    assert any("0.0.1.json" in p and "not listed" in p for p in problems)


@pytest.mark.parametrize("version,message", [
    ("9.9.9", "numpy 9.9.9 is not in the store"),
    ("not-a-version", "is not a numpy version"),
])
def test_unknown_version_is_a_one_line_error(session_store, version, message):
    code, output = _one_line_error(["streams", "check", "--store", str(session_store), "--against", version])
    assert code == 2
    assert output.strip().count("\n") == 0
    assert message in output
    with pytest.raises(StoreError):
        Store(session_store).resolve(version)


def test_missing_store_is_a_one_line_error(tmp_path):
    code, output = _one_line_error(["streams", "verify", "--store", str(tmp_path / "nowhere")])
    assert code == 2 and output.startswith("error: no store")


def test_blob_replaced_by_another_valid_blob_is_found(store_copy):
    """A well-formed blob under the wrong name (hand-edited store) is caught by its hash, not by a decode error."""
    import numpy as np

    from rngbench.golden import blob as blobs

    victim = next((store_copy / "blobs").rglob("*.z"))
    victim.write_bytes(blobs.encode(np.arange(10)))
    problems = Store(store_copy).verify()
    assert len(problems) == 1 and victim.name in problems[0] and "does not match its name" in problems[0]
