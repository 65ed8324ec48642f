"""Where a record was made: the facts that can change a stream while numpy stays the same.

NEP 19 admits that ``multivariate_normal`` follows the LAPACK numpy is linked to,
and that libm can move floating output in the last bits.  OpenBLAS picks its
kernels per CPU at run time (``OPENBLAS_CORETYPE`` forces one), so the same
numpy wheel gives other ``multivariate_normal`` values on an AVX-512 machine
than on an SSE-only one.  A record therefore carries:

- the CPU (vendor, model) and the SIMD features numpy itself detected
  (``__cpu_features__``; numpy < 1.20 has none, recorded as null);
- the BLAS/LAPACK library, its version and the kernel it chose, asked of the
  loaded OpenBLAS itself through ctypes (the same symbols threadpoolctl reads;
  the recorder must run with the standard library and numpy only);
- the C library (glibc) version, which provides libm.

:func:`platform_id` names a variant by what decides linear-algebra output: the
machine architecture and the BLAS kernel.  Python 3.7 syntax, standard library
and numpy only: this module runs inside every recorded numpy's environment.
"""
from __future__ import print_function

import ctypes
import importlib
import os
import platform
import sys

_CONFIG_SYMBOLS = ("openblas_get_config", "openblas_get_config64_", "scipy_openblas_get_config64_",
                   "scipy_openblas_get_config")
_CORE_SYMBOLS = ("openblas_get_corename", "openblas_get_corename64_", "scipy_openblas_get_corename64_",
                 "scipy_openblas_get_corename")


def cpu():
    """(vendor, model name) from /proc/cpuinfo; (None, None) where there is none."""
    vendor = model = None
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "vendor_id" and vendor is None:
                    vendor = value.strip()
                elif key == "model name" and model is None:
                    model = value.strip()
                if vendor and model:
                    break
    except OSError:
        pass
    return vendor or (platform.processor() or None), model


def simd_features():
    """The CPU features numpy detected and can dispatch to, sorted; None before numpy 1.20."""
    for name in ("numpy._core._multiarray_umath", "numpy.core._multiarray_umath"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        features = getattr(module, "__cpu_features__", None)
        if features:
            return sorted(k for k, v in features.items() if v)
    return None


def _loaded_libraries(fragment):
    """Paths of loaded shared objects whose file name contains ``fragment`` (Linux: /proc/self/maps)."""
    found = set()
    try:
        with open("/proc/self/maps") as fh:
            for line in fh:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                if fragment in os.path.basename(path).lower() and ".so" in path:
                    found.add(path)
    except OSError:
        pass
    return sorted(found)


def _call_string(lib, names):
    for name in names:
        func = getattr(lib, name, None)
        if func is None:
            continue
        func.restype = ctypes.c_char_p
        func.argtypes = []
        value = func()
        if value:
            return value.decode("utf-8", "replace").strip()
    return None


def openblas():
    """{library, version, core, config} of the OpenBLAS numpy loaded; {} when it is not OpenBLAS."""
    import numpy.linalg  # noqa: F401  (loads the LAPACK numpy links, if it was not loaded yet)

    for path in _loaded_libraries("openblas"):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        config = _call_string(lib, _CONFIG_SYMBOLS)
        core = _call_string(lib, _CORE_SYMBOLS)
        if config is None and core is None:
            continue
        words = (config or "").split()
        version = words[1] if len(words) > 1 and words[0].lower() == "openblas" else None
        return {"library": os.path.basename(path).split("-")[0].split(".so")[0], "version": version,
                "core": core, "config": config}
    return {}


def libc():
    name, version = platform.libc_ver()
    return ("%s %s" % (name, version)).strip() or None


def fingerprint(blas_lapack=None):
    """Everything above as one JSON-ready dict (keys sorted on writing, so records stay deterministic)."""
    vendor, model = cpu()
    blas = openblas()
    return {
        "machine": platform.machine(),
        "cpu_vendor": vendor,
        "cpu_model": model,
        "simd": simd_features(),
        "blas": blas.get("library") or (blas_lapack or {}).get("blas"),
        "blas_version": blas.get("version"),
        "blas_core": blas.get("core"),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE") or None,
        "libc": libc(),
        "byteorder": sys.byteorder,
    }


def platform_id(fp):
    """A short, readable name for a variant: ``x86_64-skylakex``, ``x86_64-haswell``, ``x86_64-katmai``.

    Only what decides linear-algebra output goes in: two machines with the same
    architecture and BLAS kernel give the same ``multivariate_normal``.
    """
    core = (fp.get("blas_core") or fp.get("openblas_coretype") or "unknown-blas").lower()
    return "%s-%s" % ((fp.get("machine") or "unknown").lower(), core.replace(" ", "_"))


def closeness(a, b):
    """How alike two fingerprints are for stream purposes (higher is closer): the kernel first, then the CPU."""
    weights = (("machine", 32), ("blas_core", 16), ("blas_version", 4), ("simd", 2), ("libc", 2),
               ("cpu_vendor", 1), ("cpu_model", 1))
    return sum(weight for key, weight in weights if a.get(key) is not None and a.get(key) == b.get(key))
