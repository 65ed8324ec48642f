"""Attribution on constructed environments: which one-package step changed a result."""

import numpy as np

from rngbench.pipelines import attribution, digests
from rngbench.pipelines.pairs import Comparer
from rngbench.pipelines.store import PipelineStore, read_output

from .conftest import BASE, COUNTS, DOUBLETS, PCA, UMAP, base_arrays


def add(store, folder):
    doc, arrays = read_output(folder)
    return store.add(doc, arrays)


def test_change_attributed_to_the_scanpy_step_not_the_numpy_step(tmp_path, recording):
    store = PipelineStore(tmp_path / "store")
    old = add(store, recording(versions=BASE))  # scanpy 1.12.4, numpy 2.4.4
    mid_versions = {**BASE, "numpy": "2.5.5"}
    roundoff = base_arrays()
    roundoff[UMAP] = digests.embedding(roundoff[UMAP]["coords"] + np.float32(1e-6))
    add(store, recording(versions=mid_versions, parts=roundoff))  # numpy step: UMAP moves by roundoff only
    new_parts = base_arrays()
    new_parts[UMAP] = roundoff[UMAP]
    counts = np.random.default_rng(0).poisson(2.0, size=(200, 30)).astype(np.float32)
    counts[:50, 0] += 1  # a quarter of the cells
    new_parts[COUNTS] = digests.counts(counts)
    new = add(store, recording(versions={**mid_versions, "scanpy": "1.13.0a2"}, parts=new_parts,
                               status={DOUBLETS: "raises"}))
    comparer = Comparer(store)
    steps = attribution.chain(comparer, old, new)
    assert [s.label for s in steps] == ["numpy 2.4.4 → 2.5.5", "scanpy 1.12.4 → 1.13.0a2"]
    found = {a["case"]: a for a in attribution.attribute(comparer, old, new)}
    assert found[COUNTS]["kind"] == "changed" and found[COUNTS]["cells_differ"] == 0.25
    assert [s["step"] for s in found[COUNTS]["steps"]] == ["scanpy 1.12.4 → 1.13.0a2"]
    assert found[DOUBLETS]["kind"] == "raises"
    assert [s["step"] for s in found[DOUBLETS]["steps"]] == ["scanpy 1.12.4 → 1.13.0a2"]
    assert found[UMAP]["kind"] == "tolerance" and not found[UMAP]["difference"]
    assert [s["step"] for s in found[UMAP]["steps"]] == ["numpy 2.4.4 → 2.5.5"]
    assert PCA not in found  # identical all along


def test_without_intermediate_environment_the_direct_step_names_every_package(tmp_path, recording):
    store = PipelineStore(tmp_path / "store")
    old = add(store, recording(versions=BASE))
    new = add(store, recording(versions={**BASE, "numpy": "2.5.5", "scanpy": "1.13.0a2"}))
    [only] = attribution.chain(Comparer(store), old, new)
    assert only.label == "numpy 2.4.4 → 2.5.5, scanpy 1.12.4 → 1.13.0a2"


def test_numpy_step_links_the_stream_store_changes():
    changes = {"cases": [
        {"id": "Generator[PCG64].choice[x]", "method": "Generator.choice",
         "changes": [{"from": "2.4.6", "to": "2.5.0", "kind": "stream", "verdict": "allowed"}]},
        {"id": "RandomState.binomial[y]", "method": "RandomState.binomial",
         "changes": [{"from": "2.4.6", "to": "2.5.0", "kind": "stream", "verdict": "violation"}]},
        {"id": "Generator[PCG64].choice[z]", "method": "Generator.choice",
         "changes": [{"from": "1.26.4", "to": "2.0.0", "kind": "stream", "verdict": "allowed"}]},
    ]}
    step = attribution.Step("a", "b", (("numpy", "2.4.4", "2.5.5"),))
    link = attribution.numpy_link(step, COUNTS, changes)
    assert [c["stream"] for c in link["stream_changes"]] == ["Generator[PCG64].choice[x]"]
    none = attribution.numpy_link(attribution.Step("a", "b", (("numpy", "2.1.3", "2.2.6"),)), COUNTS, changes)
    assert none["stream_changes"] == [] and "no stream change" in none["summary"]
    assert attribution.numpy_link(attribution.Step("a", "b", (("scanpy", "1", "2"),)), COUNTS, changes) is None


def test_chain_goes_through_intermediate_releases_one_package_at_a_time(tmp_path, recording):
    store = PipelineStore(tmp_path / "store")
    start = add(store, recording(versions=BASE))  # numpy 2.4.4, scanpy 1.12.4
    add(store, recording(versions={**BASE, "numpy": "2.4.6"}))
    add(store, recording(versions={**BASE, "numpy": "2.5.5"}))
    add(store, recording(versions={**BASE, "numpy": "2.6.0"}))  # beyond the end: never on the way
    add(store, recording(versions={**BASE, "numpy": "2.4.5", "scanpy": "1.13.0a2"}))  # only two-package moves to it
    end = add(store, recording(versions={**BASE, "numpy": "2.5.5", "scanpy": "1.13.0a2"}))
    labels = [s.label for s in attribution.chain(Comparer(store), start, end)]
    assert labels == ["numpy 2.4.4 → 2.4.6", "numpy 2.4.6 → 2.5.5", "scanpy 1.12.4 → 1.13.0a2"]
