"""The committed store and report: complete, intact, small, reproducible, and passing for this numpy."""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np
from click.testing import CliRunner
from packaging.version import Version

from fixtures.paths import COMMITTED_STORE, REPO
from rngbench.cli import main
from rngbench.streams import catalogue
from rngbench.streams.history import build_changes
from rngbench.streams.report import render_markdown
from rngbench.streams.store import Store

REPORT = REPO / "reports" / "streams"
KINDS = {"roundoff", "stream", "state", "shape", "absent", "raises"}
VERDICTS = {"allowed", "violation", "bugfix-release", "roundoff-only"}
POLICIES = {"bitgen", "nep19-must", "legacy", "generator"}


def test_store_is_intact():
    assert Store(COMMITTED_STORE).verify() == []


def test_store_holds_every_release_from_1_16_without_gaps():
    versions = Store(COMMITTED_STORE).releases()
    assert versions[0] == "1.16.0"
    assert Version(versions[-1]) >= Version("2.5.5")
    assert len(versions) >= 90
    series = defaultdict(list)
    for v in versions:
        parsed = Version(v)
        assert not parsed.is_prerelease, "pre-releases belong to nightly runs, not the release store"
        series[parsed.release[:2]].append(parsed.release[2])
    for minor, patches in series.items():
        assert sorted(patches) == list(range(max(patches) + 1)), f"numpy {minor}: missing patch releases"
    majors = sorted(series)
    for (a_major, a_minor), (b_major, b_minor) in zip(majors, majors[1:]):
        assert (b_major, b_minor) in {(a_major, a_minor + 1), (a_major + 1, 0)}, f"a gap after {a_major}.{a_minor}"


def test_every_release_was_recorded_from_the_current_catalogue():
    store = Store(COMMITTED_STORE)
    digest = catalogue.digest()
    stale = [v for v in store.releases() if store.manifest(v)["catalogue"] != digest]
    assert not stale, f"re-record with `rngbench streams matrix`: {stale[:5]}"


def test_store_is_small():
    size = sum(p.stat().st_size for p in COMMITTED_STORE.rglob("*") if p.is_file())
    assert size <= 50 * 1024 * 1024, f"store is {size / 2**20:.1f} MB"


def test_changes_json_follows_schema_and_matches_the_store():
    doc = json.loads((REPORT / "changes.json").read_text())
    assert doc["schema"] == 1
    assert doc["versions"] == Store(COMMITTED_STORE).releases()
    assert doc["versions"] == sorted(doc["versions"], key=Version)
    consecutive = set(zip(doc["versions"], doc["versions"][1:]))
    assert len(doc["cases"]) == len(catalogue.expand())
    for case in doc["cases"]:
        assert set(case) == {"id", "method", "policy", "params", "changes"}
        assert case["policy"] in POLICIES
        assert case["method"].split(".")[0] in {"Generator", "RandomState", "SeedSequence", "np", *catalogue.BIT_GENERATORS}
        for ch in case["changes"]:
            assert set(ch) == {"from", "to", "kind", "first_index", "fraction", "max_rel", "verdict"}
            assert (ch["from"], ch["to"]) in consecutive
            assert ch["kind"] in KINDS and ch["verdict"] in VERDICTS
            if ch["kind"] == "stream":
                assert 0 <= ch["first_index"] and 0 < ch["fraction"] <= 1


def test_report_is_reproducible_from_the_store():
    store = Store(COMMITTED_STORE)
    changes = build_changes(store)
    assert json.dumps(changes, indent=1) + "\n" == (REPORT / "changes.json").read_text()
    assert render_markdown(changes, store) == (REPORT / "README.md").read_text()
    assert (REPORT / "heatmap.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_installed_numpy_passes_check():
    result = CliRunner().invoke(main, ["streams", "check", "--store", str(COMMITTED_STORE)])
    assert result.exit_code == 0, result.output
    assert f"numpy {np.__version__}" in result.output
