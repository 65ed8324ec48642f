"""The classifier on constructed inputs: identical, within tolerance, changed -- with the measured amounts."""

import numpy as np
import pytest

from rngbench.golden.blob import value_digest
from rngbench.pipelines import catalogue, classify, digests
from rngbench.pipelines.classify import Side, compare


def side(parts, status="ok", noise=None):
    return Side(status, None, {k: (value_digest(v), v) for k, v in parts.items()}, noise)


def test_identical_counts():
    x = np.random.default_rng(1).poisson(3, (50, 20))
    assert compare("counts", side(digests.counts(x)), side(digests.counts(x.copy()))).kind == "identical"


def test_changed_counts_report_the_fraction_of_cells():
    x = np.random.default_rng(1).poisson(3, (50, 20))
    y = x.copy()
    y[[3, 7, 11], 0] += 1
    y[20, :] = y[20, ::-1]  # same total, other genes: still a different cell
    out = compare("counts", side(digests.counts(x)), side(digests.counts(y)))
    assert out.kind == "changed"
    assert out.measures["cells_differ"] == pytest.approx(4 / 50)


def test_cell_hashes_ignore_the_sparse_format_but_not_the_gene():
    import scipy.sparse as sp

    x = np.random.default_rng(2).poisson(1, (30, 10))
    assert np.array_equal(digests.cell_hashes(sp.csr_matrix(x)), digests.cell_hashes(sp.csc_matrix(x)))
    moved = x.copy()
    moved[0] = np.roll(moved[0], 1)
    if not np.array_equal(moved[0], x[0]):
        assert digests.cell_hashes(moved)[0] != digests.cell_hashes(x)[0]


def _pca_parts(noise=0.0, rotate=0.0, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(300, 12)) * np.linspace(3, 0.5, 12)
    xc = x - x.mean(axis=0)
    _, _, vt = np.linalg.svd(xc, full_matrices=False)
    w = vt[:4].T.copy()
    if rotate:  # mix component 4 with the 5th direction: a different subspace by `rotate` radians
        w[:, 3] = np.cos(rotate) * vt[3] + np.sin(rotate) * vt[4]
    w = w + noise * rng.normal(size=w.shape)
    return digests.pca((xc @ w).astype(np.float32), x)


def test_pca_within_tolerance_for_roundoff_sized_noise():
    out = compare("pca", side(_pca_parts()), side(_pca_parts(noise=1e-7)))
    assert out.kind == "tolerance"
    assert out.measures["max_abs"] < catalogue.TOLERANCES["pca"].max_abs
    assert out.measures["max_angle_deg"] < 1e-3


def test_pca_rotated_subspace_is_changed_by_its_principal_angle():
    q, _ = np.linalg.qr(np.random.default_rng(5).normal(size=(20, 5)))
    a = q[:, :4].astype(np.float32)
    b = a.copy()
    t = np.radians(5)
    b[:, 3] = np.cos(t) * q[:, 3] - np.sin(t) * q[:, 4]  # component 4 tilted 5 degrees out of the subspace
    b[:, 0] *= -1  # and a sign flip, which is no change
    out = compare("pca", side({"scores_digest": a[:1], "loadings": a}), side({"scores_digest": b[:1], "loadings": b}))
    assert out.kind == "changed"
    assert out.measures["max_angle_deg"] == pytest.approx(5, abs=0.01)
    assert out.measures["max_abs"] == pytest.approx(np.abs(a[:, 3] - b[:, 3]).max(), rel=1e-5)


def test_pca_digest_is_invariant_to_component_signs():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(100, 8))
    scores = rng.normal(size=(100, 4)).astype(np.float32)
    flipped = scores * np.array([-1, 1, -1, -1], dtype=np.float32)
    a, b = digests.pca(scores, x), digests.pca(flipped, x)
    for part in a:
        assert value_digest(a[part]) == value_digest(b[part]), part
    assert not np.array_equal(scores, flipped)


def test_embedding_measures():
    rng = np.random.default_rng(4)
    e = rng.normal(size=(400, 2)).astype(np.float32)
    rot = np.array([[0, -1], [1, 0]], dtype=np.float32)
    same_shape = compare("embedding", side({"coords": e}), side({"coords": 2 * e @ rot + 1}))
    assert same_shape.kind == "changed"  # coordinates moved ...
    assert same_shape.measures["procrustes"] < 1e-10  # ... but only rotated and scaled
    assert same_shape.measures["knn_overlap"] == pytest.approx(1.0)
    shuffled = compare("embedding", side({"coords": e}), side({"coords": rng.permutation(e)}))
    assert shuffled.measures["knn_overlap"] < 0.2
    assert shuffled.measures["procrustes"] > 0.5
    tiny = compare("embedding", side({"coords": e}), side({"coords": e + np.float32(2e-6)}))
    assert tiny.kind == "tolerance"


def test_doublets_count_flipped_calls():
    scores = np.linspace(0, 0.5, 101)
    moved = scores.copy()
    moved[[49, 50]] += 0.02  # 0.245 -> 0.265 and 0.25 -> 0.27: two cells cross the 0.25 threshold
    out = compare("doublets", side(digests.doublets(scores, 0.25)), side(digests.doublets(moved, 0.25)))
    assert out.kind == "changed"
    assert out.measures["flipped_calls"] == 2
    assert out.measures["max_abs"] == pytest.approx(0.02)


def test_absent_raises_and_noise():
    parts = digests.doublets(np.linspace(0, 0.5, 11), 0.25)
    assert compare("doublets", side(parts), Side("absent")).kind == "absent"
    assert compare("doublets", side(parts), Side("n/a")).kind == "absent"
    assert compare("doublets", Side("n/a"), Side("n/a")).kind == "n/a"
    assert compare("doublets", side(parts), Side("raises", "ValueError: x")).kind == "raises"
    moved = digests.doublets(np.linspace(0, 0.5, 11) - 0.001, 0.25)  # no call crosses 0.25
    assert compare("doublets", side(parts), side(moved)).kind == "changed"
    noisy = side(moved, noise={"max_abs": 0.001})
    assert compare("doublets", side(parts), noisy).kind == "nondeterministic"


def test_every_kind_has_a_tolerance_and_measures():
    kinds = {w.kind for w in catalogue.WORKLOADS}
    assert kinds == set(catalogue.TOLERANCES) == set(classify.MEASURES)


def test_noise_does_not_excuse_flipped_calls():
    scores = np.linspace(0, 0.5, 11)
    a = side(digests.doublets(scores, 0.25))
    b = side(digests.doublets(scores + 0.001, 0.25), noise={"max_abs": 0.001, "flipped_calls": 0})
    out = compare("doublets", a, b)
    assert out.kind == "changed" and out.measures["flipped_calls"] == 1


def test_a_check_of_one_dataset_builds_only_that_dataset_s_inputs():
    from rngbench.pipelines.catalogue import DATASETS, datasets_of

    assert datasets_of(()) == DATASETS
    assert datasets_of(("pbmc68k_reduced:",)) == datasets_of(("pbmc",)) == ("pbmc68k_reduced",)
    assert datasets_of(("synthetic_10k:pca.arpack_dense:scanpy",)) == ("synthetic_10k",)
    assert datasets_of(("nosuch",)) == ()
