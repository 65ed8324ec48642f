"""Is a result the same in two environments, and if not, by how much, in units a user understands?

=============  ==========================================================================================
identical      every recorded part has the same bytes
tolerance      differs, but no more than the kind's tolerance (``catalogue.TOLERANCES``)
nondeterministic  differs, but one side gave different results run to run (or 1 vs 2 threads) by as much
changed        differs beyond tolerance: the amounts say how (see ``MEASURES``)
absent         recorded on one side only (or n/a on one side)
raises         raised on one side, or raised differently
n/a            not expressible (or not recorded) on either side
=============  ==========================================================================================

Runs inside benchmark environments too (the recorder measures its own noise with it): numpy and scipy only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from rngbench.pipelines import catalogue

KINDS = ("identical", "tolerance", "nondeterministic", "changed", "absent", "raises", "n/a")
SEVERITY = {k: i for i, k in enumerate(("n/a", "identical", "tolerance", "nondeterministic", "changed", "absent",
                                        "raises"))}
MEASURES = {
    "counts": ("cells_differ",),
    "pca": ("max_abs", "max_angle_deg"),
    "embedding": ("max_abs", "procrustes", "knn_overlap"),
    "doublets": ("max_abs", "flipped_calls", "calls_differ"),
}
"""What each kind reports: fraction of cells whose counts differ; max |difference| of sign-aligned loadings
and the largest principal angle (degrees) between the PCA subspaces; max |difference| of coordinates,
Procrustes disparity and the mean fraction of each cell's 15 nearest neighbours kept; max |difference| of
doublet scores, number and fraction of cells whose doublet call flipped."""
KNN = 15


@dataclass
class Side:
    """One environment's record of one case: status, error, and {part: (value digest, array or None)}."""

    status: str  # ok | n/a | raises | absent
    error: str | None = None
    parts: dict[str, tuple[str, np.ndarray | None]] = field(default_factory=dict)
    noise: dict | None = None  # the side's own run-to-run / thread measures, when it was not deterministic


@dataclass
class Outcome:
    kind: str
    measures: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"kind": self.kind, **{k: _round(v) for k, v in self.measures.items()}}


def _round(v):
    """Four significant digits; nan / inf (a degenerate or reshaped output) become None, which JSON can hold."""
    if isinstance(v, float):
        return float(f"{v:.4g}") if np.isfinite(v) else None
    return v


def knn_overlap(a: np.ndarray, b: np.ndarray, k: int = KNN) -> float:
    """Mean fraction of each point's k nearest neighbours in ``a`` that are also among them in ``b``."""
    from scipy.spatial import cKDTree

    k = min(k, len(a) - 1)
    if k < 1:
        return 1.0
    na = cKDTree(a).query(a, k + 1)[1][:, 1:]
    nb = cKDTree(b).query(b, k + 1)[1][:, 1:]
    both = np.sort(np.concatenate([na, nb], axis=1), axis=1)
    shared = (both[:, 1:] == both[:, :-1]).sum(axis=1)
    return float(shared.mean() / k)


def measure(kind: str, a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> dict:
    """The amounts by which two recordings of one case differ (arrays by part name)."""
    if kind == "counts":
        ca, cb = a["cells"], b["cells"]
        if ca.shape != cb.shape:
            return {"cells_differ": 1.0}
        return {"cells_differ": float(np.mean(ca != cb))}
    if kind == "pca":
        from scipy.linalg import subspace_angles

        la, lb = a["loadings"].astype(np.float64), b["loadings"].astype(np.float64)
        if la.shape != lb.shape:
            return {"max_abs": float("inf"), "max_angle_deg": 90.0}
        lb = lb * np.where((la * lb).sum(axis=0) < 0, -1.0, 1.0)
        angles = subspace_angles(la, lb)
        return {"max_abs": float(np.abs(la - lb).max()), "max_angle_deg": float(np.degrees(angles.max()))}
    if kind == "embedding":
        from scipy.spatial import procrustes

        ea, eb = a["coords"].astype(np.float64), b["coords"].astype(np.float64)
        if ea.shape != eb.shape:
            return {"max_abs": float("inf"), "procrustes": 1.0, "knn_overlap": 0.0}
        try:
            disparity = float(procrustes(ea, eb)[2])
        except ValueError:  # a degenerate embedding (all points equal)
            disparity = float("nan")
        return {"max_abs": float(np.abs(ea - eb).max()), "procrustes": disparity, "knn_overlap": knn_overlap(ea, eb)}
    if kind == "doublets":
        sa, sb = a["scores"], b["scores"]
        if sa.shape != sb.shape:
            return {"max_abs": float("inf"), "flipped_calls": -1, "calls_differ": 1.0}
        flipped = int((a["calls"] != b["calls"]).sum())
        return {"max_abs": float(np.abs(sa - sb).max()), "flipped_calls": flipped, "calls_differ": flipped / len(sa)}
    raise ValueError(f"unknown output kind {kind!r}")


def within(kind: str, measures: dict, reference: dict[str, np.ndarray]) -> bool:
    """Whether ``measures`` stay inside the kind's tolerance (relative to ``reference``'s largest value)."""
    tol = catalogue.TOLERANCES[kind]
    if kind == "counts":
        return measures["cells_differ"] == 0
    main = {"pca": "loadings", "embedding": "coords", "doublets": "scores"}[kind]
    scale = float(np.abs(reference[main]).max()) if reference[main].size else 0.0
    ok = measures["max_abs"] <= max(tol.max_abs, tol.max_rel * scale)
    if kind == "doublets":
        ok = ok and 0 <= measures["flipped_calls"] <= tol.flipped_calls
    return bool(ok)


def _noise_covers(kind: str, measures: dict, noise: dict | None) -> bool:
    """A side that was not deterministic explains a difference no larger than its own (x2: two draws of noise)."""
    if not noise:
        return False
    if kind == "counts":
        return measures["cells_differ"] <= 2 * noise.get("cells_differ", 0)
    if kind == "doublets" and measures["flipped_calls"] > 2 * noise.get("flipped_calls", 0):
        return False  # a flipped call is what a user sees: noise explains it only if noise flipped calls too
    return measures.get("max_abs", np.inf) <= 2 * noise.get("max_abs", 0)


def compare(kind: str, a: Side, b: Side, load=lambda digest_array: digest_array) -> Outcome:
    """Classify ``b`` against ``a`` (``a`` is the before / the golden)."""
    if a.status in ("n/a", "absent") and b.status in ("n/a", "absent"):
        return Outcome("n/a")
    if "absent" in (a.status, b.status) or "n/a" in (a.status, b.status):
        return Outcome("absent", {"before": a.status, "after": b.status})
    if "raises" in (a.status, b.status):
        if a.status == b.status and a.error == b.error:
            return Outcome("identical")
        return Outcome("raises", {"before": a.error or a.status, "after": b.error or b.status})
    if set(a.parts) == set(b.parts) and all(a.parts[p][0] == b.parts[p][0] for p in a.parts):
        return Outcome("identical")
    arrays_a = {p: v[1] for p, v in a.parts.items() if v[1] is not None}
    arrays_b = {p: v[1] for p, v in b.parts.items() if v[1] is not None}
    measures = measure(kind, arrays_a, arrays_b)
    if within(kind, measures, arrays_a):
        return Outcome("tolerance", measures)
    if _noise_covers(kind, measures, a.noise) or _noise_covers(kind, measures, b.noise):
        return Outcome("nondeterministic", measures)
    return Outcome("changed", measures)
