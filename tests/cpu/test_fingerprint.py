"""The complete platform fingerprint: every layer recorded, variants named from all of them, the stream store's
fields unchanged, and the module still runnable by the standalone stream recorder (Python 3.7, numpy only)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import numba  # noqa: F401  (its pool is part of the fingerprint once loaded)

from rngbench.platform import fingerprint

STREAM_FIELDS = {"machine", "cpu_vendor", "cpu_model", "simd", "blas", "blas_version", "blas_core",
                 "openblas_coretype", "libc", "byteorder"}
MODULE = Path(fingerprint.__file__)


def test_stream_fields_are_unchanged():
    assert set(fingerprint.fingerprint()) == STREAM_FIELDS  # stream_fixtures' manifests stay readable


def test_complete_records_every_layer():
    fp = fingerprint.complete("native")
    layers = fp["layers"]
    owners = {lib["owner"] for lib in layers["blas"]}
    assert {"numpy", "scipy"} <= owners, "both OpenBLAS copies (numpy's and scipy's) are fingerprinted"
    assert all(lib["core"] and lib["threads"] >= 1 for lib in layers["blas"])
    assert layers["numpy"]["baseline"] and set(layers["numpy"]["in_use"]) <= set(layers["numpy"]["dispatch"])
    assert layers["numba"]["cpu_name"] == layers["numba"]["host_cpu"]
    assert layers["glibc"]["version"].startswith("glibc")
    assert layers["threads"]["numba"] >= 1
    assert fp["profile"] == "native"


def test_variant_id_comes_from_every_layer():
    fp = fingerprint.complete("native")
    assert fingerprint.variant_id(fp).startswith(f"x86_64-{fp['blas_core'].lower()}-")
    other_numba = {**fp, "layers": {**fp["layers"], "numba": {**fp["layers"]["numba"], "cpu_name": "generic"}}}
    other_libm = {**fp, "layers": {**fp["layers"], "glibc": {**fp["layers"]["glibc"], "hwcaps": ["x86-64-v2"]}}}
    ids = {fingerprint.variant_id(x) for x in (fp, other_numba, other_libm)}
    assert len(ids) == 3


def test_a_profile_names_one_variant_on_every_cpu():
    a = {**fingerprint.complete(), "profile": "portable1"}
    b = {**a, "cpu_model": "another CPU", "simd": ["SSE2"], "layers": {}}
    assert fingerprint.variant_id(a) == fingerprint.variant_id(b) == "x86_64-portable1"


def test_old_fingerprints_keep_their_names():
    old = {"machine": "x86_64", "blas_core": "Haswell"}
    assert fingerprint.variant_id(old) == fingerprint.platform_id(old) == "x86_64-haswell"


def test_glibc_hwcaps_follow_the_tunables():
    env = {"GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX2,-FMA,-AVX512F", "PATH": "/usr/bin:/bin"}
    code = "from rngbench.platform import fingerprint as f; print(f.glibc()['hwcaps'])"
    masked = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    hwcaps = fingerprint.glibc()["hwcaps"]
    if hwcaps is None:  # glibc < 2.33 has no --list-diagnostics: nothing to compare
        return
    assert "x86-64-v3" not in masked.stdout and "x86-64-v4" not in masked.stdout


def test_standalone_recorder_can_import_it():
    """The stream recorder runs as a folder on Python 3.7 + numpy 1.16: its sibling is a link to this module."""
    sibling = Path(fingerprint.__file__).parents[1] / "streams" / "recorder" / "fingerprint.py"
    assert sibling.resolve() == MODULE.resolve()
    source = MODULE.read_text()
    ast.parse(source, feature_version=(3, 7))
    imported = {alias.name.split(".")[0] for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ImportFrom)
                 and n.module}
    assert imported <= set(sys.stdlib_module_names) | {"numpy", "__future__"}
