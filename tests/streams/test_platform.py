"""Platform variants: the same numpy on two BLAS kernels is `platform`, never a stream change or a violation."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from rngbench.cli import main
from rngbench.streams import matrix as mx
from rngbench.streams import policy
from rngbench.streams.history import build_changes
from rngbench.streams.recorder import fingerprint
from rngbench.streams.store import Store, StoreError, method_of, read_recorder_output

RECORDER = Path(mx.RECORDER)


def record_under(kernel: str, out: Path, only: tuple[str, ...] = ()) -> Path:
    """The standalone recorder in a subprocess with OpenBLAS forced to ``kernel`` (as the matrix runs it)."""
    env = {**os.environ, "OPENBLAS_CORETYPE": kernel, "OPENBLAS_NUM_THREADS": "1"}
    args = [sys.executable, str(RECORDER), str(out)] + (["--only", ",".join(only)] if only else [])
    subprocess.run(args, check=True, env=env, capture_output=True)
    return out


def check_under(kernel: str, store: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "OPENBLAS_CORETYPE": kernel}
    return subprocess.run([sys.executable, "-m", "rngbench.cli", "streams", "check", "--store", str(store)],
                          env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def two_kernels(tmp_path_factory) -> tuple[Path, Path, Path]:
    """(reference recording under Prescott, linalg methods under Haswell, a store holding both)."""
    if "Haswell" not in mx.runnable_kernels():
        pytest.skip("this CPU cannot run OpenBLAS's Haswell kernels")
    base = tmp_path_factory.mktemp("kernels")
    reference = record_under("Prescott", base / "prescott")
    haswell = record_under("Haswell", base / "haswell", policy.LINALG_METHODS)
    root = base / "store"
    Store(root).add_release(*read_recorder_output(reference), [read_recorder_output(haswell)])
    return reference, haswell, root


def test_two_kernels_differ_only_on_platform_dependent_cases_and_as_kind_platform(two_kernels):
    _, _, root = two_kernels
    store = Store(root)
    version = store.releases()[0]
    reference, platforms = store.platforms(version)
    assert len(platforms) == 2 and reference in platforms
    variants = store.variant_records(version)
    assert variants, "Prescott and Haswell kernels give the same multivariate_normal: nothing to test"
    assert {method_of(case_id) for case_id in variants} == {"multivariate_normal"}
    entries = [ch for case in build_changes(store)["cases"] for ch in case["changes"]]
    assert entries and all(ch["kind"] == "platform" for ch in entries)
    assert all(ch["verdict"] == "platform-dependent" and ch["from"] == ch["to"] == version for ch in entries)
    assert all(ch["platforms"] == [reference, pid] for ch in entries for pid in [ch["platforms"][1]])
    assert all(ch["max_rel"] is not None and ch["max_rel"] < 1e-6 for ch in entries)
    assert store.verify() == []


@pytest.mark.parametrize("kernel", ["Prescott", "Haswell"])
def test_check_passes_against_either_kernel_and_names_it(two_kernels, kernel):
    _, _, root = two_kernels
    result = check_under(kernel, root)
    assert result.returncode == 0, result.stdout + result.stderr
    _, platforms = Store(root).platforms(Store(root).releases()[0])
    chosen = next(pid for pid, fp in platforms.items() if fp["openblas_coretype"] == kernel)
    assert f"compared with platform {chosen} (same BLAS kernel" in result.stdout
    assert "0 differences, 0 NEP 19 breaches" in result.stdout


def test_a_variant_may_not_differ_on_a_case_nep19_does_not_exempt(two_kernels, tmp_path):
    _, haswell, root = two_kernels
    scratch = tmp_path / "store"
    shutil.copytree(root, scratch)
    doc, cases = read_recorder_output(haswell)
    full_doc, full_cases = read_recorder_output(two_kernels[0])
    tampered = [(e, v + 1 if e["id"] == "Generator[PCG64].integers[int64-small-range]" else v)
                for e, v in full_cases]
    full_doc["env"] = doc["env"]
    with pytest.raises(StoreError, match="NEP 19 does not let depend on the platform"):
        Store(scratch).add_variant(full_doc, tampered)
    assert Store(scratch).verify() == []


def _relabelled_store(recorded: Path, tmp_path: Path, *, version: str, blas_core: str | None = None,
                      change: dict | None = None) -> Path:
    """A store of the installed numpy's recording as ``version``, optionally on another kernel and with
    some cases' values transformed (``{case id: function}``)."""
    rec = tmp_path / "rec"
    shutil.copytree(recorded, rec)
    doc = json.loads((rec / "record.json").read_text())
    doc["env"]["numpy"] = version
    if blas_core:
        doc["env"]["platform"]["blas_core"] = blas_core
    (rec / "record.json").write_text(json.dumps(doc))
    doc, cases = read_recorder_output(rec)
    change = change or {}
    cases = [(e, change[e["id"]](v) if e["id"] in change else v) for e, v in cases]
    root = tmp_path / "store"
    Store(root).add_release(doc, cases)
    return root


def _check(root: Path):
    return CliRunner().invoke(main, ["streams", "check", "--store", str(root)])


MVN = "RandomState.multivariate_normal[svd]"


def test_same_numpy_on_an_unknown_kernel_is_a_new_platform_variant_not_a_failure(recorded, tmp_path):
    root = _relabelled_store(recorded, tmp_path, version=np.__version__, blas_core="SomeOtherKernel",
                             change={MVN: lambda v: v * (1 + 1e-12)})
    result = _check(root)
    assert result.exit_code == 0, result.output
    assert "new platform variant" in result.output and "platform-dependent" in result.output
    assert "closest fingerprint" in result.output


def test_same_numpy_differing_on_a_stable_method_is_a_violation(recorded, tmp_path):
    root = _relabelled_store(recorded, tmp_path, version=np.__version__, blas_core="SomeOtherKernel",
                             change={"Generator[PCG64].integers[int64-small-range]": lambda v: v + 1})
    result = _check(root)
    assert result.exit_code == 1
    assert "platform" in result.output and "violation" in result.output


@pytest.mark.parametrize("blas_core", [None, "SomeOtherKernel"])
def test_a_real_change_of_an_exempt_method_across_versions_is_still_reported(recorded, tmp_path, blas_core):
    """Same kernel: like is compared with like. Unknown kernel but no stored spread: nothing explains it."""
    root = _relabelled_store(recorded, tmp_path, version="1.26.0", blas_core=blas_core,
                             change={MVN: lambda v: v + 1.0})
    result = _check(root)
    assert result.exit_code == 1, result.output
    assert "RandomState.multivariate_normal" in result.output and "violation" in result.output


def test_exemptions_carry_their_cause_reason_and_source():
    assert policy.exemption("multivariate_normal").cause == "linalg"
    assert policy.LINALG_METHODS == ("multivariate_normal",)
    for method, exemption in policy.PLATFORM_DEPENDENT.items():
        assert exemption.cause in ("linalg", "libm") and len(exemption.reason) > 40 and "NEP 19" in exemption.source
    for stable in ("integers", "random", "bytes", "random_raw", "uniform", "permutation", "choice", "shuffle"):
        assert policy.exemption(stable) is None
        assert policy.platform_verdict(stable, "stream") == "violation"
    assert policy.platform_verdict("poisson", "stream") == "platform-dependent"
    assert policy.platform_verdict("integers", "roundoff") == "platform-dependent"


def test_fingerprint_names_the_kernel_and_ranks_the_same_kernel_closest():
    fp = fingerprint.fingerprint()
    assert fp["machine"] and fp["libc"] is not None
    assert fingerprint.platform_id(fp).startswith(fp["machine"].lower() + "-")
    other = dict(fp, blas_core="SomethingElse")
    slower = dict(fp, machine="other")
    assert fingerprint.closeness(fp, fp) > fingerprint.closeness(fp, other) > fingerprint.closeness(fp, slower)


def test_recorder_watchdog_records_a_case_that_never_returns_and_carries_on():
    """Legacy zipf with a >= 1025 loops forever in C: no signal handler can stop it, the watchdog does."""
    from rngbench.streams.recorder import record

    cases = [
        {"id": "hang", "target": "RandomState", "method": "zipf", "params": {"a": 1e5, "size": 10}, "seed": 1},
        {"id": "after", "target": "RandomState", "method": "poisson", "params": {"lam": 3.0, "size": 10}, "seed": 1},
    ]
    results = list(record.record_all(cases, timeout=0.5))
    assert [r["status"] for r in results] == ["hangs", "ok"]
    assert np.array_equal(results[1]["values"], np.random.RandomState(1).poisson(3.0, 10))
