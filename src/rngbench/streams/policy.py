"""NEP 19's promises as data, and the verdict on each observed change.

NEP 19 (https://numpy.org/neps/nep-0019-rng-policy.html):

- BitGenerator streams and SeedSequence ("bitgen") must not change;
- ``Generator.bytes/integers/random`` ("nep19-must") must stay stream-compatible;
- ``RandomState`` and the ``np.random.*`` functions ("legacy") are frozen, up to roundoff;
- other Generator distributions ("generator") may change as features in X.Y
  releases; correctness fixes may land in bugfix releases (flagged, not hidden).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from packaging.version import Version

STABLE_POLICIES = ("bitgen", "nep19-must", "legacy")
NEP19_MUST_METHODS = ("bytes", "integers", "random")
class Verdict(StrEnum):
    """What NEP 19 says of one change; shared by the store's history, the report, ``check`` and changes.json."""

    ALLOWED = "allowed"
    VIOLATION = "violation"
    BUGFIX_RELEASE = "bugfix-release"
    ROUNDOFF_ONLY = "roundoff-only"
    PLATFORM_DEPENDENT = "platform-dependent"


VERDICTS = tuple(Verdict)
FAILING_VERDICTS = (Verdict.VIOLATION, Verdict.BUGFIX_RELEASE)


@dataclass(frozen=True)
class Exemption:
    """A method whose stream NEP 19 lets depend on the platform, with why and where that is said."""

    cause: str  # "linalg": follows the BLAS/LAPACK kernel; "libm": follows the C maths library
    reason: str
    source: str


_LINALG = Exemption(
    "linalg",
    "factorises the covariance with numpy.linalg (svd; Generator also eigh / cholesky), so its output follows the "
    "LAPACK numpy is linked to and the BLAS kernel OpenBLAS picks for the CPU",
    "NEP 19, 'Supporting Unit Tests': multivariate_normal depends on numpy.linalg and may differ with the LAPACK "
    "it is linked to; numpy/random/_generator.pyx and mtrand.pyx call numpy.linalg.svd/eigh/cholesky",
)
_LIBM = Exemption(
    "libm",
    "computes floating output through the C library's transcendental functions (exp, log, log1p, expm1, pow, "
    "lgamma, sin/cos/tan/atan), whose last bit may differ between libm builds and CPU code paths (FMA); a "
    "last-bit difference can also flip an accept/reject decision and shift the rest of the stream",
    "NEP 19: 'builds on other platforms may differ in rare cases'; numpy/random/src/distributions/"
    "distributions.c, logfactorial.c and _legacy/distributions-boxmuller.c call libm for these methods",
)
# Methods whose algorithms never touch libm or linalg (integers, random, bytes, uniform, triangular (sqrt only,
# exact in IEEE), choice, shuffle, permutation, BitGenerators, SeedSequence) are not exempt: a difference on
# the same numpy version there is a violation on any platform.
PLATFORM_DEPENDENT = {
    "multivariate_normal": _LINALG,
    **{method: _LIBM for method in (
        "beta", "binomial", "chisquare", "dirichlet", "exponential", "f", "gamma", "geometric", "gumbel",
        "hypergeometric", "laplace", "logistic", "lognormal", "logseries", "multinomial",
        "multivariate_hypergeometric", "negative_binomial", "noncentral_chisquare", "noncentral_f", "normal",
        "pareto", "poisson", "power", "rayleigh", "standard_cauchy", "standard_exponential", "standard_gamma",
        "standard_normal", "standard_t", "vonmises", "wald", "weibull", "zipf", "randn",
    )},
}
LINALG_METHODS = tuple(sorted(m for m, e in PLATFORM_DEPENDENT.items() if e.cause == "linalg"))


def exemption(method: str) -> Exemption | None:
    return PLATFORM_DEPENDENT.get(method)


def platform_verdict(method: str, kind_if_versions_differed: str) -> Verdict:
    """Verdict on two records of the *same* numpy that differ (kind ``platform``).

    Exempt methods (and roundoff anywhere) are ``platform-dependent``: reported, never a breach.  Anything
    else is a ``violation``: NEP 19 promises those streams on every platform.
    """
    if exemption(method) is not None or kind_if_versions_differed == "roundoff":
        return Verdict.PLATFORM_DEPENDENT
    return Verdict.VIOLATION


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


def verdict(policy: str, kind: str, status_from: str, status_to: str, version_from: str, version_to: str) -> Verdict:
    """What NEP 19 says of one change between two releases (``from`` older than ``to``)."""
    if kind == "roundoff":
        return Verdict.ROUNDOFF_ONLY
    appeared = kind == "absent" and status_from == "absent"
    newly_accepted = kind == "raises" and status_from == "raises" and status_to == "ok"
    error_renamed = kind == "raises" and status_from == status_to == "raises"
    if appeared or newly_accepted or error_renamed:
        return Verdict.ALLOWED
    if policy in STABLE_POLICIES:
        return Verdict.VIOLATION
    return Verdict.BUGFIX_RELEASE if same_series(version_from, version_to) else Verdict.ALLOWED
