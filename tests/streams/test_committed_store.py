"""The committed store and report: complete, intact, small, reproducible, and passing for this numpy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict

import numpy as np
import pytest
from click.testing import CliRunner
from packaging.version import Version

from fixtures.paths import COMMITTED_STORE, REPO
from rngbench.cli import main
from rngbench.streams import matrix as mx
from rngbench.streams import policy
from rngbench.streams.history import build_changes
from rngbench.streams.recorder import catalogue
from rngbench.streams.report import render_markdown
from rngbench.streams.store import Store, method_of

REPORT = REPO / "reports" / "streams"
KINDS = {"roundoff", "stream", "state", "shape", "absent", "raises", "platform"}
VERDICTS = {"allowed", "violation", "bugfix-release", "roundoff-only", "platform-dependent"}
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
        prefixes = {"Generator", "RandomState", "SeedSequence", "np", *catalogue.BIT_GENERATORS}
        assert case["method"].split(".")[0] in prefixes
        for ch in case["changes"]:
            assert set(ch) == {"from", "to", "kind", "first_index", "fraction", "max_rel", "verdict", "platforms"}
            assert ch["kind"] in KINDS and ch["verdict"] in VERDICTS
            if ch["kind"] == "platform":
                assert ch["from"] == ch["to"] and len(ch["platforms"]) == 2
                assert ch["verdict"] == "platform-dependent", f"{case['id']} differs between platforms"
            else:
                assert (ch["from"], ch["to"]) in consecutive and ch["platforms"] is None
            if ch["kind"] == "stream":
                assert 0 <= ch["first_index"] and 0 < ch["fraction"] <= 1


def test_report_is_reproducible_from_the_store():
    store = Store(COMMITTED_STORE)
    changes = build_changes(store)
    assert json.dumps(changes, indent=1) + "\n" == (REPORT / "changes.json").read_text()
    assert render_markdown(changes, store) == (REPORT / "README.md").read_text()
    assert (REPORT / "heatmap.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_releases_from_1_17_are_recorded_on_several_kernels_and_differ_only_where_exempt():
    store = Store(COMMITTED_STORE)
    for version in store.releases():
        reference, platforms = store.platforms(version)
        assert platforms[reference]["openblas_coretype"] == mx.KERNELS_REFERENCE
        if Version(version) >= Version("1.17.0"):
            assert len(platforms) >= 2, f"numpy {version} has one platform"
        for case_id in store.variant_records(version):
            assert policy.exemption(method_of(case_id)) is not None, case_id


# OpenBLAS kernels with the CPU flags they need: the reference (Prescott), every kernel the store was recorded
# under, and Nehalem, which it was not (its output must match a stored variant or count as a new one)
FORCED_KERNELS = {"Prescott": (), "Nehalem": ("sse4_2", "popcnt"), "Sandybridge": ("avx",),
                  "Haswell": ("avx2", "fma"), "SkylakeX": ("avx512f", "avx512bw", "avx512dq", "avx512vl")}


@pytest.mark.parametrize("kernel", list(FORCED_KERNELS))
def test_check_passes_under_every_kernel_this_cpu_runs(kernel):
    """Another CPU picks other OpenBLAS kernels: the committed store must pass there too."""
    if not all(flag in mx.cpu_flags() for flag in FORCED_KERNELS[kernel]):
        pytest.skip(f"this CPU cannot run OpenBLAS's {kernel} kernels")
    env = {**os.environ, "OPENBLAS_CORETYPE": kernel}
    result = subprocess.run([sys.executable, "-m", "rngbench.cli", "streams", "check", "--store", str(COMMITTED_STORE)],
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 NEP 19 breaches" in result.stdout and "compared with platform" in result.stdout


def test_installed_numpy_passes_check():
    result = CliRunner().invoke(main, ["streams", "check", "--store", str(COMMITTED_STORE)])
    assert result.exit_code == 0, result.output
    assert f"numpy {np.__version__}" in result.output
