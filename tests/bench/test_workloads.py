"""Each reference kernel equals scanpy's output where scanpy runs the same algorithm (same seed path)."""

import numpy as np
import pytest
import scipy.sparse as sp

from fixtures.bench_data import pbmc
from rngbench.bench import strategies
from rngbench.bench.workloads import _common, downsample, pca, scrublet, umap_init

GENERATOR_PATH = pytest.mark.skipif(
    not _common.accepts_rng(downsample.scanpy_function()), reason="installed scanpy has no rng= path"
)


def _equal(a, b):
    if sp.issparse(a) or sp.issparse(b):
        return (sp.csr_matrix(a) != sp.csr_matrix(b)).nnz == 0
    return np.array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.parametrize("case", downsample.CASES)
@pytest.mark.parametrize("strategy", ["legacy", pytest.param("Generator", marks=GENERATOR_PATH)])
def test_downsample_reference_equals_scanpy(case, strategy):
    # each call downsamples its inputs in place (the timed region holds no copy): fresh inputs per call
    ours = downsample.reference(downsample.inputs(pbmc(), case), strategy)
    assert _equal(ours, downsample.scanpy_call(downsample.inputs(pbmc(), case), strategy))


def test_downsample_every_strategy_hits_the_target_and_spawn_changes_the_draws():
    inp = downsample.inputs(pbmc(), "per_cell")
    out = {s: downsample.reference(downsample.inputs(pbmc(), "per_cell"), s) for s in strategies.NAMES
           if not strategies.get(s).why_not_reference}
    for s, x in out.items():
        assert set(np.asarray(x.sum(axis=1)).ravel()) == {inp["target"]}, s
    assert _equal(out["Generator"], out["reuse"])  # scanpy's rng= reuses one Generator per call
    assert not _equal(out["spawn"], out["reuse"]) and not _equal(out["keyed"], out["spawn"])


def test_downsample_numba_kernel_keyed_equals_the_reference_and_ignores_threads():
    """The keyed column means the same streams in the Python loop and in the numba kernel, on any thread count."""
    inp = downsample.inputs(pbmc(), "per_cell")
    reference = downsample.reference(inp, "keyed", strategies.make_rng("keyed"))
    # the reference keys by the root's SeedSequence word; the kernel by the int seed: compare like with like
    from rngbench.keyed import downsample as kernels
    from rngbench.keyed import keys

    root = int(keys.root_word(strategies.make_rng("keyed")))
    one = kernels.downsample(inp["x"], inp["target"], "keyed", root, threads=1)
    import numba

    two = kernels.downsample(inp["x"], inp["target"], "keyed", root, threads=min(2, numba.config.NUMBA_NUM_THREADS))
    assert _equal(one, two) and _equal(one, reference)


def test_downsample_to_3_counts_draws_every_cell_down_to_3():
    inp = downsample.inputs(pbmc(), "per_cell_3")
    totals = np.asarray(inp["x"].sum(axis=1)).ravel()
    assert inp["target"] == 3 and (totals > 3).all()
    out = downsample.reference(inp, "legacy")
    assert set(np.asarray(out.sum(axis=1)).ravel()) == {3}


def test_downsample_spawn_makes_one_generator_per_downsampled_cell():
    inp = downsample.inputs(pbmc(), "per_cell")
    over = int((np.asarray(inp["x"].sum(axis=1)).ravel() > inp["target"]).sum())
    strategies.CountingPCG64.reset()
    downsample.reference(inp, "spawn", strategies.make_rng("spawn", bit_generator=strategies.CountingPCG64))
    assert strategies.CountingPCG64.created == over + 1


@pytest.mark.parametrize("case", ["arpack_dense", "arpack_sparse", "randomized_dense"])
@pytest.mark.parametrize("strategy", ["legacy", pytest.param("Generator", marks=GENERATOR_PATH)])
def test_pca_reference_equals_scanpy(case, strategy):
    inp = pca.inputs(pbmc(), case)
    inp["n_comps"] = 10
    np.testing.assert_array_equal(pca.reference(inp, strategy), pca.scanpy_call(inp, strategy))


def test_pca_sparse_randomized_is_n_a_in_scanpy_and_a_real_pca_in_the_reference():
    inp = pca.inputs(pbmc(), "randomized_sparse")
    inp["n_comps"] = 5
    with pytest.raises(strategies.NotApplicable):
        pca.scanpy_call(inp, "legacy")
    exact = pca.inputs(pbmc(), "arpack_sparse")
    exact["n_comps"] = 5
    ours, arpack = pca.reference(inp, "reuse"), pca.reference(exact, "legacy")
    for k in range(3):  # leading components agree up to sign
        assert abs(np.corrcoef(ours[:, k], arpack[:, k])[0, 1]) > 0.99


@pytest.mark.parametrize("case", umap_init.CASES)
@pytest.mark.parametrize("strategy", ["legacy", pytest.param("Generator", marks=GENERATOR_PATH)])
def test_umap_reference_equals_scanpy(case, strategy):
    inp = umap_init.inputs(pbmc(), case)
    np.testing.assert_array_equal(umap_init.reference(inp, strategy), umap_init.scanpy_call(inp, strategy))


def test_umap_spawn_gives_initialisation_and_optimisation_their_own_streams():
    inp = umap_init.inputs(pbmc(), "random")
    spawn, reuse = umap_init.reference(inp, "spawn"), umap_init.reference(inp, "reuse")
    assert spawn.shape == reuse.shape == (700, 2) and not np.array_equal(spawn, reuse)


@pytest.mark.parametrize("strategy", ["legacy", pytest.param("Generator", marks=GENERATOR_PATH)])
def test_scrublet_simulation_equals_scanpy(strategy):
    inp = scrublet.inputs(pbmc(), "simulate")
    assert _equal(scrublet.reference(inp, strategy), scrublet.scanpy_call(inp, strategy))


@pytest.mark.parametrize("case", ["full", "full_batch"])
def test_scrublet_reference_scores_are_deterministic_probabilities(case):
    inp = scrublet.inputs(pbmc(), case)
    for strategy in (s for s in strategies.NAMES if not strategies.get(s).why_not_reference):
        a, b = scrublet.reference(inp, strategy), scrublet.reference(inp, strategy)
        assert np.array_equal(a, b) and a.shape == (700,)
        assert np.all((a >= 0) & (a <= 1)), strategy


def test_scanpy_layer_n_a_for_spawn_and_reuse():
    inp = downsample.inputs(pbmc(), "total")
    for strategy in ("spawn", "reuse"):
        with pytest.raises(NotImplementedError):
            downsample.scanpy_call(inp, strategy)


def test_reference_kernels_equal_scanpy_1_12_4_too():
    """The same check against scanpy 1.12.4 (random_state only), in a benchmark environment built with uv."""
    import json
    import os
    import subprocess
    from pathlib import Path

    from fixtures.bench_data import cache_dir
    from rngbench import envs
    from rngbench.bench import job

    pbmc()  # build the shared dataset cache first
    try:
        [be] = job.build(("1.12.4",), log=lambda *_: None)
    except envs.EnvError as exc:  # no package index reachable: nothing to compare against
        pytest.skip(f"cannot build a scanpy 1.12.4 environment: {exc}")
    repo = Path(job.REPO)
    env = dict(os.environ, PYTHONPATH=str(repo / "src"), RNGBENCH_CACHE=cache_dir())
    out = subprocess.run([be.python, "-m", "rngbench.bench.workloads.crosscheck"], capture_output=True, text=True,
                         env=env, cwd=repo, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    verdicts = json.loads(out.stdout.strip().splitlines()[-1])
    assert {k for k, v in verdicts.items() if v == "equal"} == {k for k in verdicts if k.endswith(".legacy")}
    assert all(v == "n/a" for k, v in verdicts.items() if k.endswith(".Generator"))  # 1.12.4 has no rng=
