"""Reference records under the portable profile, native records as platform variants, and a check that is
strict on the first and informative (never failing) on the second."""

import numpy as np
from click.testing import CliRunner

from rngbench.cli import main
from rngbench.pipelines import check, digests, variants
from rngbench.pipelines.installed import load_recorded
from rngbench.pipelines.store import PipelineStore

from .conftest import BASE, COUNTS, PLATFORM, UMAP, base_arrays

PORTABLE = {**PLATFORM, "profile": "portable1", "layers": {}}
NATIVE_AVX512 = {**PLATFORM, "profile": "native", "layers": {"numba": {"cpu_name": "znver4"}}}
NATIVE_HERE = {**PLATFORM, "profile": "native", "layers": {"numba": {"cpu_name": "znver3"}}}


def run(*args):
    result = CliRunner().invoke(main, ["pipelines", *map(str, args)])
    return result.exit_code, result.output


def store_with_reference_and_variant(tmp_path, recording) -> PipelineStore:
    store = PipelineStore(tmp_path / "store")
    for platform, seed in ((PORTABLE, 0), (NATIVE_AVX512, 5)):
        parts = base_arrays(0)
        parts[UMAP] = base_arrays(seed)[UMAP]  # natively, the AVX-512 machine's UMAP differs
        code, out = run("ingest", "--store", store.root, recording(parts=parts, platform=platform))
        assert code == 0, out
    return store


def perturbed(case: str) -> dict:
    parts = base_arrays()
    if case == COUNTS:
        cells = parts[COUNTS]["cells"].copy()
        cells[17] ^= 1  # one cell's count hash
        parts[COUNTS] = {**parts[COUNTS], "cells": cells}
    else:
        coords = parts[UMAP]["coords"].copy()
        coords[3, 1] += np.float32(0.01)  # one float of an embedding
        parts[UMAP] = digests.embedding(coords)
    return parts


def test_reference_and_variant_are_stored_side_by_side(tmp_path, recording):
    store = store_with_reference_and_variant(tmp_path, recording)
    names = store.environments()
    assert len(names) == 2 and any(n.endswith("@x86_64-portable1") for n in names)
    assert variants.References(store.root).environments() == [n for n in names if n.endswith("portable1")]
    assert variants.variants_of(store, BASE) == [n for n in names if not n.endswith("portable1")]


def test_strict_under_the_profile_one_count_or_one_float_fails(tmp_path, recording):
    store = store_with_reference_and_variant(tmp_path, recording)
    code, out = run("check", "--store", store.root, "--recorded", recording(platform=PORTABLE))
    assert code == 0 and "0 failing" in out and "profile portable1" in out
    for case in (COUNTS, UMAP):
        code, out = run("check", "--store", store.root, "--recorded",
                        recording(parts=perturbed(case), platform=PORTABLE))
        assert code == 1, (case, out)
        assert "1 failing" in out


def test_native_distance_is_information_never_a_failure(tmp_path, recording):
    store = store_with_reference_and_variant(tmp_path, recording)
    installed = load_recorded(recording(platform=PORTABLE))
    native = load_recorded(recording(platform=NATIVE_HERE))  # the same UMAP as the reference, not the variant's
    result = check.run_check(store, installed, None, native)
    assert not any(r["fails"] for r in result["rows"])
    (platform,) = result["platform"]
    assert platform["profile"] == "native" and not platform["same_platform"]
    assert [cid for cid, _ in platform["differ"]] == [UMAP]
