"""Where a record was made: every layer that picks floating-point code paths at run time.

NEP 19 admits that ``multivariate_normal`` follows the LAPACK numpy is linked to,
and that libm can move floating output in the last bits.  One numpy wheel on two
CPUs runs other code in five places, each chosen when the process starts:

- the BLAS: OpenBLAS picks its kernels per CPU (``OPENBLAS_CORETYPE`` forces
  one); numpy and scipy each load *their own* copy, of different versions;
- numpy's own loops: compiled for a baseline (``__cpu_baseline__``) plus
  dispatched targets (``__cpu_dispatch__``) chosen per CPU; numpy 2.5 names
  them by group (``X86_V3``, ``X86_V4``, ``AVX512_ICL``, ``AVX512_SPR``) and
  ``NPY_DISABLE_CPU_FEATURES`` turns them off;
- numba: llvmlite compiles for the host CPU's name and features unless
  ``NUMBA_CPU_NAME`` / ``NUMBA_CPU_FEATURES`` say otherwise (a wider vector
  unit reorders reductions);
- glibc: libm's ``exp``, ``log``, ``pow``, ``sin`` ... have FMA/AVX2 variants
  chosen by the CPU features glibc sees (``GLIBC_TUNABLES=glibc.cpu.hwcaps=-FMA,...``
  masks them); ``ld.so --list-diagnostics`` says which hwcaps levels are active;
- the thread count of every pool (a BLAS split differently sums differently).

:func:`fingerprint` is what the stream store records (its fields are kept as
they were, so ``stream_fixtures`` stays readable); :func:`complete` adds every
layer above for the result goldens, and :func:`variant_id` names a variant from
all of them.  Python 3.7 syntax, standard library and numpy only: this module
runs inside every recorded numpy's environment (the standalone stream recorder
imports it as a sibling through ``streams/recorder/fingerprint.py``, a symbolic
link to this file).
"""
from __future__ import print_function

import ctypes
import hashlib
import importlib
import json
import os
import platform
import subprocess
import sys

_CONFIG_SYMBOLS = ("openblas_get_config", "openblas_get_config64_", "scipy_openblas_get_config64_",
                   "scipy_openblas_get_config")
_CORE_SYMBOLS = ("openblas_get_corename", "openblas_get_corename64_", "scipy_openblas_get_corename64_",
                 "scipy_openblas_get_corename")
_THREAD_SYMBOLS = ("openblas_get_num_threads", "openblas_get_num_threads64_", "scipy_openblas_get_num_threads64_",
                   "scipy_openblas_get_num_threads")
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")


def cpuinfo(*keys):
    """The first value of each of ``keys`` in /proc/cpuinfo (None where absent, or no /proc/cpuinfo)."""
    found = dict.fromkeys(keys)
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                key = key.strip()
                if key in found and found[key] is None:
                    found[key] = value.strip()
                if all(v is not None for v in found.values()):
                    break
    except OSError:
        pass
    return tuple(found[k] for k in keys)


def cpu():
    """(vendor, model name) from /proc/cpuinfo; (None, None) where there is none."""
    vendor, model = cpuinfo("vendor_id", "model name")
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

    for path, _lib, config, core in _openblas_copies():
        return {"library": _library_name(path), "version": _openblas_version(config), "core": core, "config": config}
    return {}


def _openblas_copies():
    """(path, library handle, config string, core name) of every loaded OpenBLAS that answers."""
    for path in _loaded_libraries("openblas"):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        config = _call_string(lib, _CONFIG_SYMBOLS)
        core = _call_string(lib, _CORE_SYMBOLS)
        if config is not None or core is not None:
            yield path, lib, config, core


def _library_name(path):
    return os.path.basename(path).split("-")[0].split(".so")[0]


def _openblas_version(config):
    words = (config or "").split()
    return words[1] if len(words) > 1 and words[0].lower() == "openblas" else None


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
    architecture and BLAS kernel give the same ``multivariate_normal``.  What
    :func:`variant_id` gives a fingerprint without layers (the stream
    recorder's); both stores name platforms through ``rngbench.golden.variants``.
    """
    core = (fp.get("blas_core") or fp.get("openblas_coretype") or "unknown-blas").lower()
    return "%s-%s" % ((fp.get("machine") or "unknown").lower(), core.replace(" ", "_"))


def closeness(a, b):
    """How alike two fingerprints are for stream purposes (higher is closer): the kernel first, then the CPU."""
    weights = (("machine", 32), ("blas_core", 16), ("blas_version", 4), ("simd", 2), ("libc", 2),
               ("cpu_vendor", 1), ("cpu_model", 1))
    return sum(weight for key, weight in weights if a.get(key) is not None and a.get(key) == b.get(key))


def _numpy_core():
    for name in ("numpy._core._multiarray_umath", "numpy.core._multiarray_umath"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


def _call_int(lib, names):
    for name in names:
        func = getattr(lib, name, None)
        if func is not None:
            func.restype = ctypes.c_int
            func.argtypes = []
            return int(func())
    return None


def _owner(path):
    """Which package shipped a loaded library: the wheel folder it lives in (``numpy.libs``, ``scipy.libs``)."""
    parts = path.replace(os.sep, "/").lower().split("/")
    for package in ("numpy", "scipy"):
        if any(p == package + ".libs" or p == package or p.startswith(package + "_") for p in parts):
            return package
    return "other"


def openblas_libraries():
    """Every OpenBLAS loaded in this process, one dict each: owner, library, version, kernel, threads.

    numpy and scipy wheels each bundle their own copy; scipy's is loaded by ``scipy.linalg`` (imported
    here when scipy is installed, so the fingerprint does not depend on what ran before it).
    """
    import numpy.linalg  # noqa: F401
    try:
        importlib.import_module("scipy.linalg")  # optional: the stream recorders' environments have no scipy
    except ImportError:
        pass
    out = []
    for path, lib, config, core in _openblas_copies():
        out.append({"owner": _owner(path), "library": _library_name(path), "version": _openblas_version(config),
                    "core": core, "threads": _call_int(lib, _THREAD_SYMBOLS)})
    return sorted(out, key=lambda d: (d["owner"], d["library"]))


def numpy_simd():
    """numpy's compiled baseline, its dispatched targets, which of them this CPU has and which are in use.

    A target is in use when the CPU has it and ``NPY_DISABLE_CPU_FEATURES`` does not turn it off (numpy
    then reports it as absent in ``__cpu_features__``).  None before numpy 1.20.
    """
    core = _numpy_core()
    features = getattr(core, "__cpu_features__", None) if core else None
    if not features:
        return None
    dispatch = list(getattr(core, "__cpu_dispatch__", []) or [])
    return {"baseline": list(getattr(core, "__cpu_baseline__", []) or []), "dispatch": dispatch,
            "in_use": [t for t in dispatch if features.get(t)],
            "disabled": os.environ.get("NPY_DISABLE_CPU_FEATURES") or None}


def numba_target():
    """The CPU name and features llvmlite compiles numba code for (host, unless NUMBA_CPU_* override); None
    without llvmlite."""
    try:
        binding = importlib.import_module("llvmlite.binding")
    except ImportError:
        return None
    host = binding.get_host_cpu_name()
    try:
        host_features = binding.get_host_cpu_features().flatten()
    except RuntimeError:
        host_features = ""
    enabled = sorted(f[1:] for f in host_features.split(",") if f.startswith("+"))
    name = os.environ.get("NUMBA_CPU_NAME") or None
    return {"host_cpu": host, "host_features": enabled, "cpu_name": name or host,
            "cpu_features": os.environ.get("NUMBA_CPU_FEATURES") or (None if name else "host")}


def _dynamic_loader():
    for path in _loaded_libraries("ld-linux"):
        return path
    return None


def glibc():
    """glibc's version, the hwcaps levels it treats as active (what libm's FMA/AVX2 variants key on) and the
    tunables that masked them; hwcaps is None where ``ld.so --list-diagnostics`` is missing (glibc < 2.33)."""
    out = {"version": libc(), "tunables": os.environ.get("GLIBC_TUNABLES") or None, "hwcaps": None}
    loader = _dynamic_loader()
    if loader is None:
        return out
    try:
        text = subprocess.check_output([loader, "--list-diagnostics"], stderr=subprocess.STDOUT,
                                       universal_newlines=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return out
    values = {}
    for line in text.splitlines():
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip('"')
    subdirs = [s for s in values.get("dl_hwcaps_subdirs", "").split(":") if s]
    try:
        active = int(values.get("dl_hwcaps_subdirs_active", "0"), 16)
    except ValueError:
        return out
    out["hwcaps"] = [s for i, s in enumerate(subdirs) if active >> i & 1]  # bit i: the i-th listed level
    return out


def thread_pools():
    """Threads per pool: each OpenBLAS copy is in ``openblas_libraries``; numba's here, with the variables."""
    out = {"variables": {k: os.environ[k] for k in THREAD_VARIABLES if k in os.environ}}
    numba = sys.modules.get("numba")
    if numba is not None:
        out["numba"] = numba.get_num_threads()
        out["numba_max"] = numba.config.NUMBA_NUM_THREADS
    return out


def complete(profile=None):
    """:func:`fingerprint` plus every layer of this module's docstring, and the profile the process ran under."""
    fp = fingerprint()
    fp["layers"] = {"blas": openblas_libraries(), "numpy": numpy_simd(), "numba": numba_target(),
                    "glibc": glibc(), "threads": thread_pools()}
    fp["profile"] = profile
    return fp


def variant_id(fp):
    """The name of a result-golden variant, derived from every layer.

    Records made under a profile that pins every layer (``profile`` set, not ``native``) are one variant on
    every CPU: ``x86_64-portable1``.  A native record is named by its BLAS kernel, numba target and numpy's
    highest target in use, plus a hash of all layers (``x86_64-haswell-znver3-x86_v3-1a2b3c4d``).  A
    fingerprint without layers (recorded before they were) keeps its old name.
    """
    machine = (fp.get("machine") or "unknown").lower()
    profile = fp.get("profile")
    if profile and profile != "native":
        return "%s-%s" % (machine, profile)
    layers = fp.get("layers")
    if not layers:
        return platform_id(fp)
    numba = (layers.get("numba") or {}).get("cpu_name") or "nonumba"
    in_use = (layers.get("numpy") or {}).get("in_use") or ["baseline"]
    digest = hashlib.sha256(json.dumps(layers, sort_keys=True).encode()).hexdigest()[:8]
    core = (fp.get("blas_core") or "unknown-blas").lower().replace(" ", "_")
    return "%s-%s-%s-%s-%s" % (machine, core, numba.lower(), in_use[-1].lower(), digest)
