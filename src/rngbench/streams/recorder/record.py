#!/usr/bin/env python
"""Standalone golden-stream recorder.

Runs every case of ``catalogue.py`` against the numpy it is imported with and
writes what came out.  It must run unchanged on Python 3.7 with numpy 1.16 (the
oldest release in the store, legacy API only) and on the newest Python and
numpy, with nothing but the standard library and numpy.  That is why it avoids
newer syntax and every third-party import, and why everything it cannot do in a
given numpy is recorded (as ``absent`` or ``raises``) rather than skipped.

Usage (from any environment that has numpy)::

    python record.py OUTDIR

writes ``OUTDIR/record.json`` (environment and per-case metadata) and
``OUTDIR/values.bin`` (the raw little-endian outputs, concatenated).  OUTDIR is
created via a temporary sibling and renamed into place, so a killed recorder
never leaves a half-written record behind.
"""
from __future__ import print_function

import ctypes
import hashlib
import json
import os
import pickle
import platform
import select
import shutil
import signal
import struct
import sys
import tempfile
import time
import warnings

import numpy as np

# Inside rngbench this is the package rngbench.streams.recorder; run as ``python path/to/recorder OUTDIR`` in a
# bare numpy environment, Python puts this folder first on sys.path itself, so the sibling modules import as
# top-level ones.  No sys.path edits either way.
try:
    from . import catalogue, fingerprint
except ImportError:
    import catalogue
    import fingerprint

RECORD_FORMAT = 2  # 2: environment carries the platform fingerprint; cases may be a subset (platform variants)
CASE_TIMEOUT = 3.0  # seconds one case may take before it is recorded as "hangs" (old numpy loops forever on some
# extreme parameters; the slowest finite case takes ~70 ms, so load cannot push one past 40x that)
POSITIONAL = catalogue.POSITIONAL
GENERATOR_PREFIX = "Generator["
BIT_GENERATORS = ("MT19937", "PCG64", "PCG64DXSM", "Philox", "SFC64")


class Absent(Exception):
    """The numpy under test does not have this class or method."""


# --------------------------------------------------------------------------
# canonical forms: the same object always gives the same bytes, on any numpy


def canonical_array(values):
    """A C-ordered little-endian copy, so bytes mean the same on every machine."""
    arr = np.ascontiguousarray(values)
    if arr.dtype.byteorder == ">" or (arr.dtype.byteorder == "=" and sys.byteorder == "big"):
        arr = arr.astype(arr.dtype.newbyteorder("<"))
    return arr


def canonical_text(obj):
    """A deterministic text form of a generator state (dicts, tuples, arrays, numbers)."""
    if isinstance(obj, dict):
        return "{" + ",".join(repr(str(k)) + ":" + canonical_text(obj[k]) for k in sorted(obj, key=str)) + "}"
    if isinstance(obj, (list, tuple)):
        return "[" + ",".join(canonical_text(v) for v in obj) + "]"
    if isinstance(obj, np.ndarray):
        arr = canonical_array(obj)
        return "a(%s,%s,%s)" % (arr.dtype.str, list(arr.shape), hashlib.sha256(arr.tobytes()).hexdigest())
    if isinstance(obj, np.generic):
        return canonical_text(obj.item())
    if isinstance(obj, bool):
        return "T" if obj else "F"
    if isinstance(obj, int):
        return str(obj)
    if isinstance(obj, float):
        return obj.hex()
    if isinstance(obj, bytes):
        return "b" + obj.hex() if hasattr(obj, "hex") else repr(obj)
    return repr(obj)


def state_digest(state):
    return hashlib.sha256(canonical_text(state).encode("utf-8")).hexdigest()[:32]


# --------------------------------------------------------------------------
# building the objects a case needs


def bit_generator(name, seed):
    cls = getattr(np.random, name, None)
    if cls is None:
        raise Absent(name)
    return cls(seed)


def build_argument(value):
    """Turn the catalogue's small constructors into numpy objects.

    ``{"$arange": SHAPE, "dtype": D}`` makes ``arange(prod(SHAPE))`` reshaped;
    with ``"list": True`` as well it is handed over as a (nested) Python list,
    a fresh one per case, so in-place shuffles never touch the catalogue's data;
    every other value is passed through unchanged.
    """
    if isinstance(value, dict) and "$arange" in value:
        shape = value["$arange"]
        shape = tuple(shape) if isinstance(shape, (list, tuple)) else (shape,)
        count = 1
        for dim in shape:
            count *= dim
        arr = np.arange(count, dtype=value.get("dtype", "int64")).reshape(shape)
        return arr.tolist() if value.get("list") else arr
    return value


def target_object(target, seed):
    """The fresh object a case calls into, and a function reading its state after."""
    if target.startswith(GENERATOR_PREFIX):
        if not hasattr(np.random, "Generator"):
            raise Absent("Generator")
        bitgen = bit_generator(target[len(GENERATOR_PREFIX):-1], seed)
        gen = np.random.Generator(bitgen)
        return gen, lambda: bitgen.state
    if target == "RandomState":
        rs = np.random.RandomState(seed)
        return rs, rs.get_state
    if target == "np.random":
        np.random.seed(seed)
        return np.random, np.random.get_state
    if target in BIT_GENERATORS:
        bitgen = bit_generator(target, seed)
        return bitgen, lambda: bitgen.state
    if target == "SeedSequence":
        if not hasattr(np.random, "SeedSequence"):
            raise Absent("SeedSequence")
        return None, None
    raise ValueError("unknown target %r" % (target,))


def _child_words(children, n_words):
    """Raw output of spawned children, concatenated: what spawning decides."""
    parts = []
    for child in children:
        if hasattr(child, "generate_state"):
            parts.append(child.generate_state(n_words, dtype=np.uint64))
        elif hasattr(child, "random_raw"):
            parts.append(child.random_raw(n_words))
        else:
            parts.append(child.bit_generator.random_raw(n_words))
    return np.concatenate(parts)


def call_pseudo_method(obj, target, method, params, seed):
    """Methods whose outcome is not simply 'the return value' (see catalogue.PSEUDO)."""
    if target == "SeedSequence":
        seq = np.random.SeedSequence(params["entropy"], spawn_key=tuple(params.get("spawn_key", ())))
        if method == "generate_state":
            dtype = np.uint64 if params.get("dtype", "uint32") == "uint64" else np.uint32
            return seq.generate_state(params["n_words"], dtype=dtype), seq.pool
        if method == "spawn":
            children = seq.spawn(params["n_children"])
            return _child_words(children, params.get("n_words", 4)), [c.spawn_key for c in children]
        raise ValueError("unknown SeedSequence method %r" % (method,))
    if method == "state":
        return None, None
    if method == "jumped":
        if not hasattr(obj, "jumped"):
            raise Absent(method)
        jumped = obj.jumped(params.get("jumps", 1))
        return jumped.random_raw(params["size"]), jumped.state
    if method == "advance":
        if not hasattr(obj, "advance"):
            raise Absent(method)
        obj.advance(params["delta"])
        return obj.random_raw(params["size"]), None
    if method == "spawn":
        if not hasattr(obj, "spawn"):
            raise Absent(method)
        return _child_words(obj.spawn(params["n_children"]), params.get("n_words", 4)), None
    raise ValueError("unknown pseudo-method %r" % (method,))


def run_case(case):
    """Record one case from a fresh generator: outputs and the state after the call.

    Returns a dict with ``status`` (ok / absent / raises), ``error`` (the
    exception type), ``values`` (a canonical ndarray or None) and ``state``
    (digest of the generator state after the call, or None).
    """
    result = {"id": case["id"], "status": "ok", "error": None, "values": None, "state": None}
    seed = case["seed"]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            obj, read_state = target_object(case["target"], seed)
            params = dict((k, build_argument(v)) for k, v in case["params"].items() if k != POSITIONAL)
            args = [build_argument(v) for v in case["params"].get(POSITIONAL, [])]
            extra_state = None
            if case["method"] in catalogue.PSEUDO_METHODS:
                out, extra_state = call_pseudo_method(obj, case["target"], case["method"], params, seed)
            else:
                func = getattr(obj, case["method"], None)
                if func is None:
                    raise Absent(case["method"])
                out = func(*args, **params)
                if out is None and args:  # shuffle works in place on its argument
                    out = args[0]
            state = read_state() if read_state is not None else None
            if extra_state is not None:
                state = [state, extra_state]
    except Absent:
        result["status"] = "absent"
        return result
    except Exception as exc:  # a case that raises is a finding, not a failure
        result["status"] = "raises"
        result["error"] = type(exc).__name__
        return result
    if out is not None:
        if isinstance(out, bytes):
            out = np.frombuffer(out, dtype=np.uint8)
        result["values"] = canonical_array(np.asarray(out))
    if state is not None:
        result["state"] = state_digest(state)
    return result


# --------------------------------------------------------------------------
# environment facts


def blas_lapack():
    """Which BLAS/LAPACK numpy was built with; the API for asking changed in 1.25."""
    config = getattr(np, "__config__", None)
    found = {}
    try:
        deps = getattr(config, "CONFIG", {}).get("Build Dependencies", {})
        for name in ("blas", "lapack"):
            info = deps.get(name) or {}
            if info:
                found[name] = "%s %s" % (info.get("name", "?"), info.get("version", "?"))
    except Exception:
        pass
    if not found and config is not None:
        for name in ("blas", "lapack"):
            for key in (name + "_opt_info", name + "_ilp64_opt_info", "openblas_info"):
                info = getattr(config, key, None)
                if info:
                    found[name] = ",".join(info.get("libraries", [])) or key
                    break
    return found


def environment():
    return {
        "numpy": np.__version__,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "system": platform.system(),
        "machine": platform.machine(),
        "byteorder": sys.byteorder,
        "c_long_bytes": ctypes.sizeof(ctypes.c_long),
        "blas_lapack": blas_lapack(),
        "platform": fingerprint.fingerprint(blas_lapack()),
    }


# --------------------------------------------------------------------------
# writing


def _send(fd, obj):
    data = pickle.dumps(obj, protocol=2)
    os.write(fd, struct.pack("<Q", len(data)))
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _receive(fd, deadline):
    """One message from the worker, or None when it died or missed ``deadline``."""
    chunks, need, header = [], 8, None
    while need:
        remaining = deadline - time.time()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            return None
        chunk = os.read(fd, min(need, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        need -= len(chunk)
        if header is None and not need:
            header = struct.unpack("<Q", b"".join(chunks))[0]
            chunks, need = [], header
            if not need:
                break
    return pickle.loads(b"".join(chunks))


def _isolated(cases, timeout):
    """Run cases in a forked worker; a case that does not return in ``timeout`` s (a C loop that never ends,
    which no signal handler can interrupt) or that kills the process is recorded as such, and a new worker
    carries on with the next case."""
    position = 0
    while position < len(cases):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # worker
            os.close(read_fd)
            try:
                for case in cases[position:]:
                    _send(write_fd, run_case(case))
            finally:
                os._exit(0)
        os.close(write_fd)
        reaped = False
        try:
            while position < len(cases):
                result = _receive(read_fd, time.time() + timeout)
                if result is None:
                    reaped = os.waitpid(pid, os.WNOHANG)[0] != 0
                    case = cases[position]
                    status = "crashes" if reaped else "hangs"
                    yield {"id": case["id"], "status": status, "error": None, "values": None, "state": None}
                    position += 1
                    break
                yield result
                position += 1
        finally:
            os.close(read_fd)
            if not reaped:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)


def record_all(cases=None, timeout=CASE_TIMEOUT):
    """Run every case; yields ``run_case`` results in catalogue order.

    With ``fork`` (Linux, macOS) cases run in a worker process under a per-case watchdog; elsewhere in-process.
    """
    cases = list(catalogue.expand() if cases is None else cases)
    if hasattr(os, "fork") and timeout:
        for result in _isolated(cases, timeout):
            yield result
    else:
        for case in cases:
            yield run_case(case)


def select_cases(only_methods=None):
    """All catalogue cases, or only those of the given method names (platform variants re-record only those)."""
    cases = catalogue.expand()
    if only_methods:
        cases = [c for c in cases if c["method"] in only_methods]
    return cases


def write_record(outdir, cases=None, subset=False):
    """Write OUTDIR/record.json and OUTDIR/values.bin, atomically as a directory.

    ``subset`` marks a record of only some cases (a platform variant of the platform-dependent methods).
    """
    outdir = os.path.abspath(outdir)
    parent = os.path.dirname(outdir)
    if not os.path.isdir(parent):
        os.makedirs(parent)
    tmp = tempfile.mkdtemp(prefix=".record-", dir=parent)
    try:
        entries = []
        offset = 0
        with open(os.path.join(tmp, "values.bin"), "wb") as blob:
            for res in record_all(cases):
                entry = {"id": res["id"], "status": res["status"], "error": res["error"], "state": res["state"]}
                values = res["values"]
                if values is not None:
                    data = values.tobytes()
                    blob.write(data)
                    entry.update({"dtype": values.dtype.str, "shape": list(values.shape),
                                  "offset": offset, "nbytes": len(data)})
                    offset += len(data)
                entries.append(entry)
        doc = {"format": RECORD_FORMAT, "catalogue": catalogue.digest(),
               "env": environment(), "subset": bool(subset), "cases": entries}
        with open(os.path.join(tmp, "record.json"), "w") as fh:
            json.dump(doc, fh, sort_keys=True)
        if os.path.exists(outdir):
            shutil.rmtree(outdir)
        os.rename(tmp, outdir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return outdir


USAGE = "usage: recorder OUTDIR [--only METHOD,METHOD...]"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    only = None
    if len(argv) == 3 and argv[1] == "--only":
        only = [m for m in argv[2].split(",") if m]
        argv = argv[:1]
    if len(argv) != 1 or (only is not None and not only):
        print(USAGE, file=sys.stderr)
        return 2
    write_record(argv[0], select_cases(only), subset=only is not None)
    return 0
