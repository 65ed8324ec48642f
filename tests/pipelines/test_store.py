"""The result-golden store: content addressing, sharing between environments, tamper detection."""

import json

import numpy as np
import pytest

from rngbench.golden.store import StoreError
from rngbench.pipelines.store import PipelineStore, read_output

from .conftest import BASE, COUNTS, UMAP, base_arrays


def add(store, folder):
    doc, arrays = read_output(folder)
    return store.add(doc, arrays)


def test_environments_that_agree_share_records_and_blobs(tmp_path, recording):
    store = PipelineStore(tmp_path / "store")
    a = add(store, recording())
    b = add(store, recording(versions={**BASE, "numpy": "2.5.5"}))
    assert a != b and store.environments() == sorted([a, b])
    assert store.manifest(a)["records"] == store.manifest(b)["records"]
    assert len(store.records()) == 4
    assert store.verify() == []
    side = store.side(store.records_of(a)[UMAP])
    assert side.parts["coords"][1].shape == (200, 2)  # every value comes back, not a sample


def test_deterministic_files(tmp_path, recording):
    out = recording()
    one, two = PipelineStore(tmp_path / "one"), PipelineStore(tmp_path / "two")
    add(one, out)
    add(two, out)
    for rel in ("INDEX", "records.jsonl"):
        assert (tmp_path / "one" / rel).read_bytes() == (tmp_path / "two" / rel).read_bytes()


@pytest.mark.parametrize("target", ["manifest", "record", "blob", "index"])
def test_tampering_is_found(tmp_path, recording, target):
    store = PipelineStore(tmp_path / "store")
    name = add(store, recording())
    root = tmp_path / "store"
    if target == "manifest":
        path = root / "manifests" / f"{name}.json"
        path.write_text(path.read_text().replace('"scanpy": "1.12.4"', '"scanpy": "1.13.0"'))
    elif target == "record":
        path = root / "records.jsonl"
        path.write_text(path.read_text().replace('"same_twice": true', '"same_twice": false', 1))
    elif target == "blob":
        path = sorted((root / "blobs").rglob("*.z"))[0]
        data = bytearray(path.read_bytes())
        data[-3] ^= 0xFF
        path.write_bytes(bytes(data))
    else:
        (root / "INDEX").write_text("not a checksum line\n")
    problems = PipelineStore(root).verify()
    assert problems and all("\n" not in p for p in problems)


def test_unlisted_environment_is_found(tmp_path, recording):
    store = PipelineStore(tmp_path / "store")
    add(store, recording())
    (tmp_path / "store" / "manifests" / "stray.json").write_text("{}")
    assert any("not listed in INDEX" in p for p in PipelineStore(tmp_path / "store").verify())


def test_refuses_another_catalogue(tmp_path, recording):
    folder = recording()
    doc = json.loads((folder / "record.json").read_text())
    doc["catalogue"] = "0" * 16
    (folder / "record.json").write_text(json.dumps(doc))
    with pytest.raises(StoreError, match="catalogue"):
        add(PipelineStore(tmp_path / "store"), folder)


def test_counts_stored_as_cell_hashes(tmp_path, recording):
    store = PipelineStore(tmp_path / "store")
    name = add(store, recording())
    cells = store.side(store.records_of(name)[COUNTS]).parts["cells"][1]
    assert cells.dtype == np.uint64 and cells.shape == (200,)
    assert np.array_equal(cells, base_arrays()[COUNTS]["cells"])


def test_noise_measured_in_any_environment_explains_a_difference(tmp_path, recording):
    from rngbench.pipelines import digests
    from rngbench.pipelines.pairs import Comparer

    from .conftest import DOUBLETS

    store = PipelineStore(tmp_path / "store")
    a = add(store, recording())
    moved = base_arrays()
    moved[DOUBLETS] = digests.doublets(moved[DOUBLETS]["scores"] + 0.001, 0.25)
    b = add(store, recording(versions={**BASE, "numpy": "2.5.5"}, parts=moved))
    assert Comparer(store).outcome(a, b, DOUBLETS).kind == "changed"
    noisy = {DOUBLETS: {"threads": {"max_abs": 0.001, "flipped_calls": 0}}}
    add(store, recording(versions={**BASE, "numpy": "2.3.5"}, noise=noisy))
    assert Comparer(store).outcome(a, b, DOUBLETS).kind == "nondeterministic"
