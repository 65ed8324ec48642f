"""NEP 19's promises as data, and the verdict on each observed change.

NEP 19 (https://numpy.org/neps/nep-0019-rng-policy.html):

- BitGenerator streams and SeedSequence ("bitgen") must not change;
- ``Generator.bytes/integers/random`` ("nep19-must") must stay stream-compatible;
- ``RandomState`` and the ``np.random.*`` functions ("legacy") are frozen, up to roundoff;
- other Generator distributions ("generator") may change as features in X.Y
  releases; correctness fixes may land in bugfix releases (flagged, not hidden).
"""

from __future__ import annotations

from packaging.version import Version

STABLE_POLICIES = ("bitgen", "nep19-must", "legacy")
NEP19_MUST_METHODS = ("bytes", "integers", "random")
VERDICTS = ("allowed", "violation", "bugfix-release", "roundoff-only")
FAILING_VERDICTS = ("violation", "bugfix-release")


def policy_of(target: str, method: str) -> str:
    if target.startswith("Generator["):
        return "nep19-must" if method in NEP19_MUST_METHODS else "generator"
    if target in ("RandomState", "np.random"):
        return "legacy"
    return "bitgen"  # BitGenerators and SeedSequence


def method_name(target: str, method: str) -> str:
    """The ``Class.method`` spelling of changes.json (``Generator.binomial``, ``np.random.normal``)."""
    if target.startswith("Generator["):
        return f"Generator.{method}"
    return f"{target}.{method}"


def same_series(a: str, b: str) -> bool:
    va, vb = Version(a), Version(b)
    return va.release[:2] == vb.release[:2]


def verdict(policy: str, kind: str, status_from: str, status_to: str, version_from: str, version_to: str) -> str:
    """What NEP 19 says of one change between two releases (``from`` older than ``to``)."""
    if kind == "roundoff":
        return "roundoff-only"
    appeared = kind == "absent" and status_from == "absent"
    newly_accepted = kind == "raises" and status_from == "raises" and status_to == "ok"
    error_renamed = kind == "raises" and status_from == status_to == "raises"
    if appeared or newly_accepted or error_renamed:
        return "allowed"
    if policy in STABLE_POLICIES:
        return "violation"
    return "bugfix-release" if same_series(version_from, version_to) else "allowed"
