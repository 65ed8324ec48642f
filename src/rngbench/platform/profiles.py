"""Settings, as data, that pin each platform layer to code every x86-64 CPU runs the same way.

A *layer* is one place where a process picks floating-point code paths from the CPU it starts on
(``fingerprint``'s docstring lists them).  Each has a *portable* setting -- the code path of the x86-64
baseline, which every x86-64 CPU can run and runs identically -- and *alternatives* this machine can run,
which the attribution (``rngbench pipelines layers``) switches one at a time to measure what the layer
does to each result.  The *portable profile* is every layer's portable setting at once: the result
goldens are recorded under it and ``rngbench pipelines check`` runs under it by default.

Environment variables are read once, when a library loads, so a profile is applied to a *new* process
(:func:`environ`); the recorder re-executes itself under its profile before importing anything else.

*Masks* simulate older CPUs on this one (tests run ``pipelines check`` under them).  A mask can only go
down from the running CPU: code for a CPU this one cannot run dies with "Illegal instruction", so each
mask names the CPU flags (``/proc/cpuinfo``) it needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

VERSION = 1
"""Bumped when the portable profile changes: its records are then a new variant (``x86_64-portable1``)."""

DISPATCHED = "{numpy dispatch}"
"""Stands for every target the running numpy dispatches to (``__cpu_dispatch__``): numpy 2.5 names them
``X86_V3 X86_V4 AVX512_ICL AVX512_SPR``, numpy 1.26 ``SSE41 ... AVX512_SPR``, and numpy ignores (with a
message) names it does not dispatch, so the list is read from the numpy being recorded."""


@dataclass(frozen=True)
class Layer:
    name: str
    picks: str  # which code it picks per CPU, and why that moves results
    portable: Mapping[str, str]  # the setting that pins it to the x86-64 baseline
    alternatives: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # other settings, for attribution
    needs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # alternative -> CPU flags it needs


LAYERS = (
    Layer("blas", "OpenBLAS kernels and blocking; numpy's and scipy's copies both read OPENBLAS_CORETYPE",
          {"OPENBLAS_CORETYPE": "Prescott"},
          {"sandybridge": {"OPENBLAS_CORETYPE": "Sandybridge"}},
          {"sandybridge": ("avx",)}),
    Layer("numpy_simd", "numpy's dispatched loops (exp, log, sin, power ... have AVX2 / AVX-512 versions)",
          {"NPY_DISABLE_CPU_FEATURES": DISPATCHED},
          {"no_avx512": {"NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR"}}),
    Layer("numba", "the CPU llvmlite compiles numba code for (vector width reorders fastmath reductions)",
          {"NUMBA_CPU_NAME": "generic"},
          {"haswell": {"NUMBA_CPU_NAME": "haswell"}},
          {"haswell": ("avx2", "fma", "bmi2", "movbe")}),
    Layer("libm", "glibc's FMA / AVX2 variants of exp, log, pow, sin, cos (ifuncs keyed on the features it sees)",
          {"GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX512F,-AVX2,-FMA,-FMA4,-AVX"}),
    Layer("threads", "how BLAS and numba split work (a split sums in another order)",
          {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"},
          {"two": {"OPENBLAS_NUM_THREADS": "2", "OMP_NUM_THREADS": "2", "NUMBA_NUM_THREADS": "2"}}),
)
BY_NAME = {layer.name: layer for layer in LAYERS}
VARIABLES = tuple(sorted({v for layer in LAYERS for s in (layer.portable, *layer.alternatives.values()) for v in s}))
"""Every variable a layer reads: a profile starts from an environment without any of them."""

PROFILES = {
    "portable": {k: v for layer in LAYERS for k, v in layer.portable.items()},
    "native": {},  # whatever the CPU picks: what a user gets without settings
}
DEFAULT = "portable"

MASKS = {
    # simulated CPUs: name -> (settings, CPU flags they need)
    "x86-64-baseline": ({"NUMBA_CPU_NAME": "generic", "NPY_DISABLE_CPU_FEATURES": DISPATCHED,
                         "OPENBLAS_CORETYPE": "Prescott"}, ()),
    "haswell": ({"NUMBA_CPU_NAME": "haswell", "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR",
                 "OPENBLAS_CORETYPE": "Sandybridge", "GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX512F"},
                ("avx2", "fma", "bmi2", "movbe")),
}


@dataclass(frozen=True)
class Exemption:
    """A case the profile cannot make bit-identical on every CPU: why, and how large the difference measured."""

    case: str  # case id prefix
    layer: str
    reason: str
    measured: str


EXEMPTIONS: tuple[Exemption, ...] = ()
"""None measured: every case recorded under the profile was bit-identical natively and under every mask
(docs/pipelines.md, "The same results on any machine")."""


def expand(settings: Mapping[str, str], dispatch: list[str]) -> dict[str, str]:
    """``settings`` with :data:`DISPATCHED` replaced by the running numpy's dispatched targets."""
    return {k: (" ".join(dispatch) if v == DISPATCHED else v) for k, v in settings.items()}


def environ(profile: str, base: Mapping[str, str], dispatch: list[str], extra: Mapping[str, str] = ()) -> dict:
    """The environment of a process run under ``profile``: ``base``, then ``extra`` (a mask, or one layer's
    alternative), then the profile's settings, which win: under ``portable`` a mask the caller set (or a
    CPU it simulates) changes nothing, under ``native`` it is what the machine runs."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r} (known: {', '.join(PROFILES)})")
    return {**base, **expand(dict(extra), dispatch), **expand(PROFILES[profile], dispatch)}


def without_layers(base: Mapping[str, str]) -> dict:
    """``base`` without any variable a layer reads: the machine's own choices, for attribution."""
    return {k: v for k, v in base.items() if k not in VARIABLES}


def label(profile: str) -> str:
    """The profile as a fingerprint names it: ``portable1`` (with :data:`VERSION`), ``native``."""
    return profile if profile == "native" else f"{profile}{VERSION}"


def cpu_flags() -> set[str]:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return set(line.partition(":")[2].split())
    except OSError:
        pass
    return set()


def runnable(needs: tuple[str, ...], flags: set[str] | None = None) -> bool:
    """Whether this CPU has every flag ``needs`` names (a mask above the CPU dies with Illegal instruction)."""
    flags = cpu_flags() if flags is None else flags
    return all(f in flags for f in needs)
