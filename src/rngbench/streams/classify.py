"""Classify how one case's record changed between two numpy releases.

Kinds, from most to least severe (the first that applies wins):

- ``absent``   the method exists on one side only;
- ``raises``   it raises on one side, or raises a different error type;
- ``shape``    dtype or shape of the output differs;
- ``stream``   values differ beyond roundoff;
- ``state``    values agree (exactly or to roundoff) but the generator state
               after the call differs: the method now consumes a different
               number of raw draws, which shifts every later draw;
- ``roundoff`` floating-point values differ by at most ``ROUNDOFF_ULP`` units in
               the last place, or by at most ``ROUNDOFF_SCALED`` of the output's
               largest magnitude (linear algebra such as ``multivariate_normal``
               cancels, so one element's own relative error can be large while
               the difference is still LAPACK roundoff), where exact values are
               kept; and the summary
               statistics (sum, sum |x|, min, max) agree to ``STATS_REL``
               (which is all that speaks for values past a sampled blob's head;
               ``max_rel`` / ``max_ulp`` are then left out as unmeasured).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from rngbench.golden.blob import COLLISION, Blob

ROUNDOFF_ULP = 1024  # a few ULP per operation, compounded through a transcendental chain
ROUNDOFF_SCALED = 1e-11  # |a - b| / max |a|: roundoff of a few operations on the output's scale
STATS_REL = 1e-9  # relative agreement of sum / sum|x| / min / max demanded for roundoff
class Kind(StrEnum):
    """How a case's record changed, most severe first (``platform``: one release on two platforms)."""

    ABSENT = "absent"
    RAISES = "raises"
    SHAPE = "shape"
    STREAM = "stream"
    STATE = "state"
    ROUNDOFF = "roundoff"
    PLATFORM = "platform"


KINDS = tuple(Kind)


@dataclass(frozen=True)
class Change:
    kind: Kind
    first_index: int | None = None
    fraction: float | None = None
    max_rel: float | None = None
    max_ulp: float | None = None


@dataclass(frozen=True)
class ValueDiff:
    first_index: int
    fraction: float
    max_rel: float | None
    max_ulp: float | None
    roundoff: bool


def _scaled_distance(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| over the largest finite magnitude of either side."""
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    with np.errstate(all="ignore"):
        finite = np.isfinite(a64) & np.isfinite(b64)
        if not finite.all() and (np.isnan(a64) != np.isnan(b64)).any():
            return math.inf
        scale = max(float(np.abs(a64[finite]).max(initial=0.0)), float(np.abs(b64[finite]).max(initial=0.0)))
        diff = float(np.abs(a64[finite] - b64[finite]).max(initial=0.0))
    return diff / scale if scale > 0 else (0.0 if diff == 0 else math.inf)


def _float_distance(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(max relative difference, max ULP distance) over values that differ."""
    a64 = a.astype(np.float64)
    b64 = b.astype(np.float64)
    with np.errstate(all="ignore"):
        scale = np.maximum(np.abs(a64), np.abs(b64))
        rel = np.where(scale > 0, np.abs(a64 - b64) / scale, 0.0)
        spacing = np.spacing(np.minimum(np.abs(a), np.abs(b)).astype(a.dtype)).astype(np.float64)
        ulp = np.abs(a64 - b64) / spacing
    both_nan = np.isnan(a64) & np.isnan(b64)
    rel = np.where(both_nan, 0.0, rel)
    ulp = np.where(both_nan, 0.0, ulp)
    max_rel = float(np.nanmax(rel)) if rel.size else 0.0
    max_ulp = float(np.nanmax(ulp)) if ulp.size else 0.0
    if np.isnan(rel).any() or np.isinf(ulp).any():
        max_rel = max_ulp = math.inf
    return max_rel, max_ulp


def _stats_agree(a: list[str], b: list[str]) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        fx, fy = float(x), float(y)
        if math.isnan(fx) and math.isnan(fy):
            continue
        if fx == fy:
            continue
        if not math.isclose(fx, fy, rel_tol=STATS_REL, abs_tol=0.0):
            return False
    return True


def diff_values(a: Blob, b: Blob, stats_a: list[str], stats_b: list[str]) -> ValueDiff:
    """Where and how much two outputs of the same dtype and shape differ."""
    n = a.size
    exact = min(a.exact.size, b.exact.size)
    ea, eb = a.exact[:exact], b.exact[:exact]
    exact_diff = ea.view(np.uint8).reshape(exact, -1) != eb.view(np.uint8).reshape(exact, -1)
    exact_diff = exact_diff.any(axis=1) if exact else np.zeros(0, dtype=bool)
    print_diff = a.prints[exact:] != b.prints[exact:]
    seen_past_head = int(print_diff.sum())
    if a.exact.size < n or b.exact.size < n:  # fingerprints miss COLLISION of the changed values
        seen_past_head = min(n - exact, round(seen_past_head / (1 - COLLISION)))
    differing = int(exact_diff.sum()) + seen_past_head
    if exact_diff.any():
        first = int(np.argmax(exact_diff))
    elif print_diff.any():
        first = exact + int(np.argmax(print_diff))
    else:  # every fingerprint collided: vanishingly rare, say "somewhere past the head"
        first, differing = exact, max(differing, 1)
    max_rel = max_ulp = None
    roundoff = False
    if np.dtype(a.dtype).kind == "f":
        # exact values measure the distance; past a sampled head only the statistics can vouch
        close = True
        if exact_diff.any():
            max_rel, max_ulp = _float_distance(ea[exact_diff], eb[exact_diff])
            close = max_ulp <= ROUNDOFF_ULP or _scaled_distance(ea, eb) <= ROUNDOFF_SCALED
        roundoff = close and _stats_agree(stats_a, stats_b)
    return ValueDiff(first, differing / n if n else 0.0, max_rel, max_ulp, roundoff)


def classify(a: dict, b: dict, load: Callable[[dict], Blob]) -> Change | None:
    """The change from record ``a`` to record ``b``, or None when they agree exactly.

    ``load`` turns a record into its :class:`Blob` (from the store, or from
    values in memory); it is called only when the value digests differ.
    """
    if a["status"] != b["status"]:
        kind = Kind.ABSENT if "absent" in (a["status"], b["status"]) else Kind.RAISES
        return Change(kind)
    if a["status"] == "absent":
        return None
    if a["status"] == "raises":
        return None if a.get("error") == b.get("error") else Change(Kind.RAISES)
    if a.get("dtype") != b.get("dtype") or a.get("shape") != b.get("shape"):
        return Change(Kind.SHAPE)
    state_same = a.get("state") == b.get("state")
    if a.get("values") == b.get("values"):
        return None if state_same else Change(Kind.STATE)
    diff = diff_values(load(a), load(b), a.get("stats", []), b.get("stats", []))
    if diff.roundoff:
        kind = Kind.ROUNDOFF if state_same else Kind.STATE
    else:
        kind = Kind.STREAM
    return Change(kind, diff.first_index, round(diff.fraction, 6), _short(diff.max_rel), _short(diff.max_ulp))


def _short(x: float | None) -> float | None:
    """Three significant digits; None for unmeasured or non-finite (changes.json is strict JSON)."""
    return None if x is None or not math.isfinite(x) else float(f"{x:.3g}")
