"""The committed result goldens and report agree with each other and with the code."""

import json
from pathlib import Path

from rngbench.pipelines import catalogue, matrix, report, variants
from rngbench.pipelines.store import PipelineStore

ROOT = Path(__file__).resolve().parents[2]
STORE = ROOT / "stream_fixtures" / "pipelines"
REPORT = ROOT / "reports" / "pipelines"


def test_committed_store_is_intact_and_holds_the_matrix():
    store = PipelineStore(STORE)
    assert store.verify() == []
    stored = set(report.labels(store).values())
    assert {s.label for s in matrix.MATRIX} <= stored
    profiled = [n for n in store.environments() if variants.profile_of(store.manifest(n))]
    assert all(store.manifest(n)["catalogue"] == catalogue.digest() for n in profiled), \
        "re-record with `rngbench pipelines matrix`"
    assert any(variants.is_reference(store.manifest(n)) for n in store.environments()), \
        "no reference record (portable profile): `rngbench pipelines matrix`"


def test_committed_report_matches_the_store():
    doc = json.loads((REPORT / "changes.json").read_text())
    assert doc["schema"] == report.CHANGES_SCHEMA
    assert {e["name"] for e in doc["environments"].values()} == set(variants.References(STORE).environments())
    assert len(doc["cases"]) == len(catalogue.cases())
    assert doc["tolerances"] == {k: vars(t) for k, t in catalogue.TOLERANCES.items()}, \
        "tolerances changed: rerun `rngbench pipelines report`"
    assert "random_state=0" in (REPORT / "README.md").read_text()
