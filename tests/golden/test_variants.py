"""Platform variants, the one mechanism both stores use: platform ids from fingerprints, the reference chosen by
the wing's criterion, variants kept only where they differ, the platform a machine is compared with."""

from __future__ import annotations

import json

import pytest

from fixtures.paths import COMMITTED_STORE
from rngbench.golden.variants import Platforms, Records, platform_id
from rngbench.pipelines import variants as pipeline_variants
from rngbench.pipelines.store import PipelineStore
from rngbench.streams.store import Store

HASWELL = {"machine": "x86_64", "blas_core": "Haswell", "cpu_vendor": "AuthenticAMD", "simd": ["AVX2"]}
PRESCOTT = {"machine": "x86_64", "blas_core": "Prescott", "cpu_vendor": "AuthenticAMD", "simd": ["AVX2"]}
SKYLAKEX = {"machine": "x86_64", "blas_core": "SkylakeX", "cpu_vendor": "GenuineIntel", "simd": ["AVX512F"]}
NATIVE = {**HASWELL, "profile": "native", "layers": {"numba": {"cpu_name": "znver3"}, "numpy": {"in_use": ["AVX2"]}}}
PORTABLE = {**HASWELL, "profile": "portable1", "layers": {"numba": {"cpu_name": "x86-64"}}}


def test_platform_ids_from_fingerprints():
    assert platform_id(HASWELL) == "x86_64-haswell"  # the stream recorder's fingerprint: the BLAS kernel
    assert platform_id({**HASWELL, "blas_core": None, "openblas_coretype": "Prescott"}) == "x86_64-prescott"
    assert platform_id(PORTABLE) == platform_id({**PORTABLE, "cpu_vendor": "GenuineIntel"}) == "x86_64-portable1"
    native = platform_id(NATIVE)
    assert native.startswith("x86_64-haswell-znver3-avx2-") and native != platform_id(HASWELL)
    other_layer = {**NATIVE, "layers": {**NATIVE["layers"], "glibc": {"hwcaps": ["x86-64-v2"]}}}
    assert platform_id(other_layer) != native  # every layer goes into a native id


def test_the_wings_criterion_chooses_the_reference():
    fps = {"x86_64-haswell": HASWELL, "x86_64-portable1": PORTABLE, "x86_64-skylakex": SKYLAKEX}
    group = Platforms.choose(fps, lambda pid: fps[pid].get("profile") == "portable1")
    assert group.reference == "x86_64-portable1"
    assert group.variants() == {"x86_64-haswell": HASWELL, "x86_64-skylakex": SKYLAKEX}
    none = Platforms.choose(fps, lambda pid: False)
    assert none.reference is None and none.variants() == fps  # until one is recorded, every platform is a variant
    reference, fingerprints = group  # a pair, as the stream store's callers read it
    assert reference == "x86_64-portable1" and fingerprints is fps


def test_a_machine_is_compared_with_its_own_platform_else_the_closest():
    group = Platforms("x86_64-prescott", {"x86_64-prescott": PRESCOTT, "x86_64-skylakex": SKYLAKEX})
    assert group.closest(SKYLAKEX) == ("x86_64-skylakex", True)
    assert group.closest({**SKYLAKEX, "blas_core": "SapphireRapids"}) == ("x86_64-skylakex", False)  # same CPU
    tie = {"machine": "x86_64", "blas_core": "Zen"}  # as close to both: the reference
    assert group.closest(tie) == ("x86_64-prescott", False)
    assert Platforms("x86_64-skylakex", group.fingerprints).closest(tie) == ("x86_64-skylakex", False)


def test_a_variant_is_kept_only_where_it_differs():
    reference = {"a": "k1", "b": "k2", "c": "k3"}
    group = Records(reference, {})
    assert group.differing({"a": "k1", "b": "x2", "c": "x3"}) == ["b", "c"]
    group.merge("haswell", {"a": "k1", "b": "x2", "c": "x3"})
    assert group.variants == {"b": {"haswell": "x2"}, "c": {"haswell": "x3"}}
    group.merge("skylakex", {"b": "y2"})
    group.merge("haswell", {"c": "k3"})  # re-recorded: now the same as the reference, and b kept from before
    assert group.variants == {"b": {"haswell": "x2", "skylakex": "y2"}}
    group.merge("prescott", {"a": "z1"}, is_reference=True)  # the reference's own platform adds nothing
    assert group.variants == {"b": {"haswell": "x2", "skylakex": "y2"}} and group.reference is reference


@pytest.mark.parametrize("wing", ["streams", "pipelines"])
def test_both_committed_stores_name_their_platforms_by_the_one_rule(wing):
    if wing == "streams":
        store = Store(COMMITTED_STORE)
        pairs = [(pid, fp) for v in store.releases() for pid, fp in store.platforms(v).fingerprints.items()]
        # and the stored layout is the shared one: a variant's record only where it differs from the reference
        for version in store.releases():
            manifest = json.loads((COMMITTED_STORE / "releases" / f"{version}.json").read_text())
            rebuilt = Records(manifest["cases"], {})
            for pid in manifest["platforms"]:
                seen = {cid: per.get(pid, key) for cid, key in manifest["cases"].items()
                        for per in [manifest["variants"].get(cid, {})]}
                rebuilt.merge(pid, seen, is_reference=pid == manifest["reference"])
            assert rebuilt.variants == manifest["variants"], version
    else:
        store = PipelineStore(COMMITTED_STORE / "pipelines")
        pairs = [(store.manifest(n)["platform_id"], store.manifest(n)["platform"]) for n in store.environments()]
        assert all(name.endswith("@" + store.manifest(name)["platform_id"]) for name in store.environments())
    assert pairs and all(pid == platform_id(fp) for pid, fp in pairs)


def test_the_pipelines_wing_groups_its_manifests_by_versions():
    store = PipelineStore(COMMITTED_STORE / "pipelines")
    groups = pipeline_variants.groups(store)
    assert sum(len(g.names) for g in groups.values()) == len(store.environments())
    for group in groups.values():
        ref = group.platforms.reference
        assert ref is None or pipeline_variants.is_reference(group.manifests[ref])
        assert not any(pipeline_variants.is_reference(group.manifests[pid]) for pid in group.platforms.variants())
