"""The golden-stream case catalogue: one line per case, data only.

A line is ``(target, method, regime, params)`` with an optional fifth element
``{"seed": ...}``.  ``target`` is a group or a concrete target:

- ``"Generator"``   -> the case runs over ``Generator(PCG64(seed))`` and ``Generator(MT19937(seed))``
- ``"legacy"``      -> the case runs over ``RandomState(seed)`` and the ``np.random.*`` functions after ``np.random.seed(seed)``
- ``"RandomState"``, ``"np.random"``, ``"Generator[PCG64]"``, ... , a BitGenerator name, ``"SeedSequence"``

``regime`` names the code path the parameters reach (thresholds come from
numpy's C sources, ``numpy/random/src/distributions/*.c`` and
``numpy/random/_legacy/*.c``); ``params`` are passed to the method as keywords.
``{"*": [...]}`` gives positional arguments; ``{"$arange": shape}`` builds ``np.arange`` reshaped to ``shape`` (for
``shuffle``/``permutation``/``permuted``/``choice``).  Methods listed in
``PSEUDO_METHODS`` are not plain calls: see ``record.call_pseudo_method``.

Every case starts from a fresh generator, so a changed stream cannot cascade
into later cases.  Distributions draw ``N`` values: enough to reach rejection
branches deep in the stream.

This module is imported by the standalone recorder, so it must stay valid
Python 3.7 with no imports beyond the standard library.
"""
import hashlib
import json
import math
import struct

N = 20000  # draws per distribution case
SEED = 20191121  # the default seed for every case (the day NEP 19 was accepted... near enough)
KAT_SEEDS = (0xDEADBEAF, 0)  # the seeds of numpy's published known-answer vectors

GENERATOR_BIT_GENERATORS = ("PCG64", "MT19937")
BIT_GENERATORS = ("MT19937", "PCG64", "PCG64DXSM", "Philox", "SFC64")
GROUPS = {
    "Generator": tuple("Generator[%s]" % b for b in GENERATOR_BIT_GENERATORS),
    "legacy": ("RandomState", "np.random"),
    "bitgen": BIT_GENERATORS,
}
PSEUDO_METHODS = ("state", "jumped", "advance", "spawn", "generate_state")
ARANGE = "$arange"
POSITIONAL = "*"  # params["*"] is a list of positional arguments (old numpy's shuffle/permutation take no keywords)

CASES = [
    # ---- BitGenerators -----------------------------------------------------------------------------
    ("bitgen", "random_raw", "default-seed", {"size": N}),
    ("bitgen", "random_raw", "kat-0xdeadbeaf", {"size": 1000}, {"seed": 0xDEADBEAF}),
    ("bitgen", "random_raw", "kat-0", {"size": 1000}, {"seed": 0}),
    ("bitgen", "state", "after-seeding", {}),
    ("bitgen", "jumped", "jumps-1", {"jumps": 1, "size": 1000}),
    ("bitgen", "jumped", "jumps-3", {"jumps": 3, "size": 1000}),
    ("bitgen", "advance", "delta-12345", {"delta": 12345, "size": 1000}),
    ("bitgen", "advance", "delta-2**100", {"delta": 2 ** 100, "size": 1000}),
    ("bitgen", "spawn", "children-3", {"n_children": 3, "n_words": 8}),
    # ---- SeedSequence ------------------------------------------------------------------------------
    ("SeedSequence", "generate_state", "small-seed-uint32", {"entropy": 0, "n_words": 64, "dtype": "uint32"}),
    ("SeedSequence", "generate_state", "small-seed-uint64", {"entropy": 12345, "n_words": 64, "dtype": "uint64"}),
    ("SeedSequence", "generate_state", "large-seed-uint32", {"entropy": 2 ** 200 + 12345, "n_words": 64, "dtype": "uint32"}),
    ("SeedSequence", "generate_state", "large-seed-uint64", {"entropy": 2 ** 200 + 12345, "n_words": 64, "dtype": "uint64"}),
    ("SeedSequence", "generate_state", "list-seed", {"entropy": [1, 2, 3, 2 ** 64 - 1], "n_words": 64}),
    ("SeedSequence", "generate_state", "spawn-key", {"entropy": 12345, "spawn_key": [7, 8], "n_words": 64}),
    ("SeedSequence", "spawn", "children-4", {"entropy": 12345, "n_children": 4, "n_words": 8}),
    ("SeedSequence", "spawn", "large-seed-children-4", {"entropy": 2 ** 200 + 12345, "n_children": 4, "n_words": 8}),
    # ---- Generator: the NEP 19 must-stay-stable methods -------------------------------------------
    ("Generator", "random", "float64", {"size": N}),
    ("Generator", "random", "float32", {"size": N, "dtype": "float32"}),
    ("Generator", "random", "seed-0", {"size": N}, {"seed": 0}),
    ("Generator", "random", "seed-list", {"size": N}, {"seed": [1, 2, 3]}),
    ("Generator", "bytes", "length-1001", {POSITIONAL: [1001]}),
    ("Generator", "bytes", "length-0", {POSITIONAL: [0]}),
    ("Generator", "bytes", "length-3", {POSITIONAL: [3]}),
    ("Generator", "bytes", "length-4", {POSITIONAL: [4]}),
    ("Generator", "spawn", "children-3", {"n_children": 3, "n_words": 8}),
    # ---- Generator.integers: Lemire's method; one C fill function per dtype ----------------------------
    # int8 (buffered 8-bit draws)
    ("Generator", "integers", "int8-small-range", {"low": 0, "high": 10, "size": N, "dtype": "int8"}),
    ("Generator", "integers", "int8-pow2-range", {"low": 0, "high": 64, "size": N, "dtype": "int8"}),
    ("Generator", "integers", "int8-half-plus-one", {"low": -64, "high": 65, "size": N, "dtype": "int8"}),
    ("Generator", "integers", "int8-full-range", {"low": -128, "high": 128, "size": N, "dtype": "int8"}),
    ("Generator", "integers", "int8-full-range-endpoint", {"low": -128, "high": 127, "size": N, "dtype": "int8", "endpoint": True}),
    ("Generator", "integers", "int8-degenerate", {"low": 5, "high": 6, "size": N, "dtype": "int8"}),
    ("Generator", "integers", "int8-degenerate-endpoint", {"low": 5, "high": 5, "size": N, "dtype": "int8", "endpoint": True}),
    ("Generator", "integers", "int8-top-boundary", {"low": 100, "high": 128, "size": N, "dtype": "int8"}),
    ("Generator", "integers", "int8-bottom-boundary", {"low": -128, "high": -100, "size": N, "dtype": "int8"}),
    # int16 (buffered 16-bit draws)
    ("Generator", "integers", "int16-small-range", {"low": 0, "high": 10, "size": N, "dtype": "int16"}),
    ("Generator", "integers", "int16-pow2-range", {"low": 0, "high": 1024, "size": N, "dtype": "int16"}),
    ("Generator", "integers", "int16-half-plus-one", {"low": -16384, "high": 16385, "size": N, "dtype": "int16"}),
    ("Generator", "integers", "int16-full-range", {"low": -32768, "high": 32768, "size": N, "dtype": "int16"}),
    ("Generator", "integers", "int16-full-range-endpoint", {"low": -32768, "high": 32767, "size": N, "dtype": "int16", "endpoint": True}),
    ("Generator", "integers", "int16-degenerate", {"low": 5, "high": 6, "size": N, "dtype": "int16"}),
    # int32 (32-bit draws)
    ("Generator", "integers", "int32-small-range", {"low": 0, "high": 10, "size": N, "dtype": "int32"}),
    ("Generator", "integers", "int32-pow2-range", {"low": 0, "high": 2 ** 20, "size": N, "dtype": "int32"}),
    ("Generator", "integers", "int32-half-plus-one", {"low": -2 ** 30, "high": 2 ** 30 + 1, "size": N, "dtype": "int32"}),
    ("Generator", "integers", "int32-full-range", {"low": -2 ** 31, "high": 2 ** 31, "size": N, "dtype": "int32"}),
    ("Generator", "integers", "int32-full-range-endpoint", {"low": -2 ** 31, "high": 2 ** 31 - 1, "size": N, "dtype": "int32", "endpoint": True}),
    ("Generator", "integers", "int32-degenerate", {"low": 5, "high": 6, "size": N, "dtype": "int32"}),
    ("Generator", "integers", "int32-top-boundary", {"low": 2 ** 31 - 1000, "high": 2 ** 31, "size": N, "dtype": "int32"}),
    # int64 (32-bit draws while the range fits in 32 bits, 64-bit draws above)
    ("Generator", "integers", "int64-small-range", {"low": 0, "high": 10, "size": N}),
    ("Generator", "integers", "int64-small-range-endpoint", {"low": 0, "high": 10, "size": N, "dtype": "int64", "endpoint": True}),
    ("Generator", "integers", "int64-rng-below-2**32-1", {"low": 0, "high": 3 * 10 ** 9, "size": N, "dtype": "int64"}),
    ("Generator", "integers", "int64-rng-2**32-1", {"low": 0, "high": 2 ** 32, "size": N, "dtype": "int64"}),
    ("Generator", "integers", "int64-rng-2**32", {"low": 0, "high": 2 ** 32 + 1, "size": N, "dtype": "int64"}),
    ("Generator", "integers", "int64-pow2-range", {"low": 0, "high": 2 ** 40, "size": N, "dtype": "int64"}),
    ("Generator", "integers", "int64-half-plus-one", {"low": -2 ** 62, "high": 2 ** 62 + 1, "size": N, "dtype": "int64"}),
    ("Generator", "integers", "int64-full-range", {"low": -2 ** 63, "high": 2 ** 63, "size": N, "dtype": "int64"}),
    ("Generator", "integers", "int64-full-range-endpoint", {"low": -2 ** 63, "high": 2 ** 63 - 1, "size": N, "dtype": "int64", "endpoint": True}),
    ("Generator", "integers", "int64-degenerate", {"low": 5, "high": 6, "size": N, "dtype": "int64"}),
    ("Generator", "integers", "int64-bottom-boundary", {"low": -2 ** 63, "high": -2 ** 63 + 1000, "size": N, "dtype": "int64"}),
    ("Generator", "integers", "int64-scalar", {"low": 0, "high": 1000}),
    # uint8
    ("Generator", "integers", "uint8-small-range", {"low": 0, "high": 10, "size": N, "dtype": "uint8"}),
    ("Generator", "integers", "uint8-pow2-range", {"low": 0, "high": 128, "size": N, "dtype": "uint8"}),
    ("Generator", "integers", "uint8-half-plus-one", {"low": 0, "high": 129, "size": N, "dtype": "uint8"}),
    ("Generator", "integers", "uint8-full-range", {"low": 0, "high": 256, "size": N, "dtype": "uint8"}),
    ("Generator", "integers", "uint8-full-range-endpoint", {"low": 0, "high": 255, "size": N, "dtype": "uint8", "endpoint": True}),
    ("Generator", "integers", "uint8-degenerate", {"low": 5, "high": 6, "size": N, "dtype": "uint8"}),
    ("Generator", "integers", "uint8-top-boundary", {"low": 200, "high": 256, "size": N, "dtype": "uint8"}),
    # uint16
    ("Generator", "integers", "uint16-small-range", {"low": 0, "high": 10, "size": N, "dtype": "uint16"}),
    ("Generator", "integers", "uint16-pow2-range", {"low": 0, "high": 4096, "size": N, "dtype": "uint16"}),
    ("Generator", "integers", "uint16-half-plus-one", {"low": 0, "high": 32769, "size": N, "dtype": "uint16"}),
    ("Generator", "integers", "uint16-full-range", {"low": 0, "high": 65536, "size": N, "dtype": "uint16"}),
    ("Generator", "integers", "uint16-full-range-endpoint", {"low": 0, "high": 65535, "size": N, "dtype": "uint16", "endpoint": True}),
    ("Generator", "integers", "uint16-degenerate", {"low": 5, "high": 6, "size": N, "dtype": "uint16"}),
    # uint32
    ("Generator", "integers", "uint32-small-range", {"low": 0, "high": 10, "size": N, "dtype": "uint32"}),
    ("Generator", "integers", "uint32-pow2-range", {"low": 0, "high": 2 ** 31, "size": N, "dtype": "uint32"}),
    ("Generator", "integers", "uint32-half-plus-one", {"low": 0, "high": 2 ** 31 + 1, "size": N, "dtype": "uint32"}),
    ("Generator", "integers", "uint32-full-range", {"low": 0, "high": 2 ** 32, "size": N, "dtype": "uint32"}),
    ("Generator", "integers", "uint32-full-range-endpoint", {"low": 0, "high": 2 ** 32 - 1, "size": N, "dtype": "uint32", "endpoint": True}),
    ("Generator", "integers", "uint32-degenerate", {"low": 5, "high": 6, "size": N, "dtype": "uint32"}),
    # uint64
    ("Generator", "integers", "uint64-small-range", {"low": 0, "high": 10, "size": N, "dtype": "uint64"}),
    ("Generator", "integers", "uint64-rng-2**32-1", {"low": 0, "high": 2 ** 32, "size": N, "dtype": "uint64"}),
    ("Generator", "integers", "uint64-rng-2**32", {"low": 0, "high": 2 ** 32 + 1, "size": N, "dtype": "uint64"}),
    ("Generator", "integers", "uint64-pow2-range", {"low": 0, "high": 2 ** 63, "size": N, "dtype": "uint64"}),
    ("Generator", "integers", "uint64-half-plus-one", {"low": 0, "high": 2 ** 63 + 1, "size": N, "dtype": "uint64"}),
    ("Generator", "integers", "uint64-full-range", {"low": 0, "high": 2 ** 64, "size": N, "dtype": "uint64"}),
    ("Generator", "integers", "uint64-full-range-endpoint", {"low": 0, "high": 2 ** 64 - 1, "size": N, "dtype": "uint64", "endpoint": True}),
    ("Generator", "integers", "uint64-degenerate", {"low": 5, "high": 6, "size": N, "dtype": "uint64"}),
    ("Generator", "integers", "uint64-top-boundary", {"low": 2 ** 64 - 1000, "high": 2 ** 64, "size": N, "dtype": "uint64"}),
    ("Generator", "integers", "uint64-top-boundary-endpoint", {"low": 2 ** 64 - 10, "high": 2 ** 64 - 1, "size": N, "dtype": "uint64", "endpoint": True}),
    # bool (one bit per draw from a buffered 32-bit word)
    ("Generator", "integers", "bool-full-range", {"low": 0, "high": 2, "size": N, "dtype": "bool"}),
    ("Generator", "integers", "bool-full-range-endpoint", {"low": 0, "high": 1, "size": N, "dtype": "bool", "endpoint": True}),
    ("Generator", "integers", "bool-degenerate-false", {"low": 0, "high": 1, "size": N, "dtype": "bool"}),
    ("Generator", "integers", "bool-degenerate-true", {"low": 1, "high": 2, "size": N, "dtype": "bool"}),
    ("Generator", "integers", "bool-degenerate-endpoint", {"low": 1, "high": 1, "size": N, "dtype": "bool", "endpoint": True}),
    # array bounds: the broadcast path (one bounded draw per element, mask recomputed per range)
    ("Generator", "integers", "int8-array-bounds", {"low": -128, "high": [1, 2, 3, 5, 8, 13, 21, 34, 55, 127], "size": [2000, 10], "dtype": "int8"}),
    ("Generator", "integers", "uint8-array-bounds", {"low": 0, "high": [1, 2, 3, 5, 8, 13, 21, 34, 129, 256], "size": [2000, 10], "dtype": "uint8"}),
    ("Generator", "integers", "int16-array-bounds", {"low": [-32768, 0], "high": [32768, 1000], "size": [10000, 2], "dtype": "int16"}),
    ("Generator", "integers", "uint16-array-bounds", {"low": 0, "high": [10, 65536], "size": [10000, 2], "dtype": "uint16"}),
    ("Generator", "integers", "int32-array-bounds", {"low": [-2 ** 31, 0], "high": [2 ** 31, 2 ** 31 - 1], "size": [10000, 2], "dtype": "int32"}),
    ("Generator", "integers", "uint32-array-bounds", {"low": 0, "high": [10, 2 ** 31 + 1, 2 ** 32], "size": [5000, 3], "dtype": "uint32"}),
    ("Generator", "integers", "int64-array-bounds", {"low": [0, -2 ** 63, 0, 0], "high": [10, 2 ** 63 - 1, 2 ** 32, 2 ** 32 + 1], "size": [5000, 4], "dtype": "int64"}),
    ("Generator", "integers", "int64-array-bounds-endpoint", {"low": 0, "high": [0, 1, 10, 2 ** 32 - 1, 2 ** 32], "size": [4000, 5], "dtype": "int64", "endpoint": True}),
    ("Generator", "integers", "uint64-array-bounds", {"low": 0, "high": [10, 2 ** 32, 2 ** 32 + 1, 2 ** 63, 2 ** 64 - 1], "size": [4000, 5], "dtype": "uint64"}),
    ("Generator", "integers", "bool-array-bounds", {"low": 0, "high": [1, 2], "size": [10000, 2], "dtype": "bool"}),
    # ---- Generator.choice: integers / random for replace=True; Floyd vs tail shuffle without ----------
    # without replacement and p: tail shuffle when pop > 10000 and size > pop // cutoff
    # (cutoff 50 with shuffle=True, 20 with shuffle=False), Floyd's algorithm otherwise
    ("Generator", "choice", "int-a-replace", {"a": 1000, "size": N}),
    ("Generator", "choice", "array-a-replace", {"a": {ARANGE: 1000}, "size": N}),
    ("Generator", "choice", "p-replace", {"a": 5, "size": N, "p": [0.1, 0.2, 0.3, 0.25, 0.15]}),
    ("Generator", "choice", "p-with-zeros-replace", {"a": 5, "size": N, "p": [0.1, 0.0, 0.3, 0.6, 0.0]}),
    ("Generator", "choice", "p-no-replace", {"a": 100, "size": 50, "replace": False, "p": [0.01] * 100}),
    ("Generator", "choice", "p-with-zeros-no-replace", {"a": 5, "size": 3, "replace": False, "p": [0.1, 0.0, 0.3, 0.6, 0.0]}),
    ("Generator", "choice", "no-replace-small-pop-floyd", {"a": 1000, "size": 500, "replace": False}),
    ("Generator", "choice", "no-replace-pop-10000-floyd", {"a": 10000, "size": 5000, "replace": False}),
    ("Generator", "choice", "no-replace-pop-10001-tail", {"a": 10001, "size": 5000, "replace": False}),
    ("Generator", "choice", "no-replace-large-pop-floyd", {"a": 100000, "size": 2000, "replace": False}),
    ("Generator", "choice", "no-replace-large-pop-tail", {"a": 100000, "size": 2001, "replace": False}),
    ("Generator", "choice", "no-replace-full-pop-tail", {"a": 20000, "size": 20000, "replace": False}),
    ("Generator", "choice", "no-replace-noshuffle-floyd", {"a": 100000, "size": 5000, "replace": False, "shuffle": False}),
    ("Generator", "choice", "no-replace-noshuffle-tail", {"a": 100000, "size": 5001, "replace": False, "shuffle": False}),
    ("Generator", "choice", "2d-axis-0", {"a": {ARANGE: [200, 50]}, "size": 100, "axis": 0}),
    ("Generator", "choice", "2d-axis-1", {"a": {ARANGE: [50, 200]}, "size": 100, "axis": 1}),
    ("Generator", "choice", "2d-axis-1-no-replace", {"a": {ARANGE: [50, 200]}, "size": 100, "axis": 1, "replace": False}),
    # ---- Generator.permutation / shuffle / permuted ---------------------------------------------------
    ("Generator", "permutation", "int", {POSITIONAL: [1000]}),
    ("Generator", "permutation", "1d", {POSITIONAL: [{ARANGE: 1000}]}),
    ("Generator", "permutation", "2d-axis-0", {POSITIONAL: [{ARANGE: [100, 50]}]}),
    ("Generator", "permutation", "2d-axis-1", {POSITIONAL: [{ARANGE: [100, 50]}], "axis": 1}),
    ("Generator", "shuffle", "1d", {POSITIONAL: [{ARANGE: 1000}]}),
    ("Generator", "shuffle", "1d-int8", {POSITIONAL: [{ARANGE: 100, "dtype": "int8"}]}),
    ("Generator", "shuffle", "list", {POSITIONAL: [{ARANGE: 1000, "list": True}]}),
    ("Generator", "shuffle", "2d-axis-0", {POSITIONAL: [{ARANGE: [100, 50]}]}),
    ("Generator", "shuffle", "2d-axis-1", {POSITIONAL: [{ARANGE: [100, 50]}], "axis": 1}),
    ("Generator", "permuted", "1d", {POSITIONAL: [{ARANGE: 1000}]}),
    ("Generator", "permuted", "2d-axis-none", {POSITIONAL: [{ARANGE: [100, 50]}]}),
    ("Generator", "permuted", "2d-axis-0", {POSITIONAL: [{ARANGE: [100, 50]}], "axis": 0}),
    ("Generator", "permuted", "2d-axis-1", {POSITIONAL: [{ARANGE: [100, 50]}], "axis": 1}),
    # ---- Generator: distributions -------------------------------------------------------------------
    # normal: ziggurat (float64 and float32 tables)
    ("Generator", "standard_normal", "float64", {"size": N}),
    ("Generator", "standard_normal", "float32", {"size": N, "dtype": "float32"}),
    ("Generator", "normal", "standard", {"loc": 0.0, "scale": 1.0, "size": N}),
    ("Generator", "normal", "scale-0", {"loc": 3.0, "scale": 0.0, "size": N}),
    ("Generator", "normal", "array-loc", {"loc": [0.0, 1.0, -1.0, 100.0], "scale": [1.0, 2.0, 0.5, 10.0], "size": [5000, 4]}),
    ("Generator", "lognormal", "standard", {"mean": 0.0, "sigma": 1.0, "size": N}),
    # exponential: ziggurat ("zig") or inversion ("inv")
    ("Generator", "standard_exponential", "zig-float64", {"size": N}),
    ("Generator", "standard_exponential", "zig-float32", {"size": N, "dtype": "float32"}),
    ("Generator", "standard_exponential", "inv-float64", {"size": N, "method": "inv"}),
    ("Generator", "standard_exponential", "inv-float32", {"size": N, "dtype": "float32", "method": "inv"}),
    ("Generator", "exponential", "scale-2", {"scale": 2.0, "size": N}),
    ("Generator", "exponential", "scale-0", {"scale": 0.0, "size": N}),
    # gamma: shape == 1 exponential, shape == 0 zero, shape < 1 Johnk-like rejection, shape > 1 Marsaglia-Tsang
    ("Generator", "standard_gamma", "shape-lt-1", {"shape": 0.5, "size": N}),
    ("Generator", "standard_gamma", "shape-tiny", {"shape": 1e-3, "size": N}),
    ("Generator", "standard_gamma", "shape-1", {"shape": 1.0, "size": N}),
    ("Generator", "standard_gamma", "shape-0", {"shape": 0.0, "size": N}),
    ("Generator", "standard_gamma", "shape-gt-1", {"shape": 3.0, "size": N}),
    ("Generator", "standard_gamma", "shape-lt-1-float32", {"shape": 0.5, "size": N, "dtype": "float32"}),
    ("Generator", "standard_gamma", "shape-1-float32", {"shape": 1.0, "size": N, "dtype": "float32"}),
    ("Generator", "standard_gamma", "shape-gt-1-float32", {"shape": 3.0, "size": N, "dtype": "float32"}),
    ("Generator", "gamma", "shape-gt-1", {"shape": 5.0, "scale": 2.0, "size": N}),
    # beta: a, b <= 1 Johnk (log-space fallback on underflow), else gammas.  The a, b < 3e-103 branch
    # (one uniform) is not catalogued: Johnk loops forever there before numpy 2.0
    ("Generator", "beta", "johnk", {"a": 0.5, "b": 0.5, "size": N}),
    ("Generator", "beta", "johnk-a-b-1", {"a": 1.0, "b": 1.0, "size": N}),
    ("Generator", "beta", "johnk-underflow", {"a": 1e-3, "b": 1e-3, "size": N}),
    ("Generator", "beta", "gamma-ratio", {"a": 2.0, "b": 3.0, "size": N}),
    ("Generator", "beta", "mixed-a-lt-1-b-gt-1", {"a": 0.5, "b": 2.0, "size": N}),
    # binomial: min(p, 1-p) * n <= 30 inversion, else BTPE; p > 0.5 flips
    ("Generator", "binomial", "inversion-small-mean", {"n": 10, "p": 0.3, "size": N}),
    ("Generator", "binomial", "btpe-large-mean", {"n": 1000, "p": 0.4, "size": N}),
    ("Generator", "binomial", "inversion-np-30", {"n": 60, "p": 0.5, "size": N}),
    ("Generator", "binomial", "btpe-np-30.5", {"n": 61, "p": 0.5, "size": N}),
    ("Generator", "binomial", "inversion-p-gt-half", {"n": 10, "p": 0.8, "size": N}),
    ("Generator", "binomial", "btpe-p-gt-half", {"n": 1000, "p": 0.9, "size": N}),
    ("Generator", "binomial", "n-0", {"n": 0, "p": 0.5, "size": N}),
    ("Generator", "binomial", "p-0", {"n": 100, "p": 0.0, "size": N}),
    ("Generator", "binomial", "p-1", {"n": 100, "p": 1.0, "size": N}),
    ("Generator", "binomial", "btpe-huge-n", {"n": 10 ** 9, "p": 0.4, "size": N}),
    ("Generator", "binomial", "inversion-huge-n-tiny-p", {"n": 10 ** 9, "p": 1e-9, "size": N}),
    ("Generator", "binomial", "array-n-p", {"n": [5, 10, 100, 1000], "p": [0.5, 0.9, 0.2, 0.4], "size": [5000, 4]}),
    ("Generator", "negative_binomial", "integer-n", {"n": 5, "p": 0.5, "size": N}),
    ("Generator", "negative_binomial", "real-n-small-p", {"n": 0.5, "p": 0.1, "size": N}),
    ("Generator", "negative_binomial", "p-1", {"n": 5, "p": 1.0, "size": N}),
    # poisson: lam < 10 multiplication, lam >= 10 PTRS, lam == 0 zero
    ("Generator", "poisson", "mult-small-lam", {"lam": 0.5, "size": N}),
    ("Generator", "poisson", "mult-lam-9.99", {"lam": 9.99, "size": N}),
    ("Generator", "poisson", "ptrs-lam-10", {"lam": 10.0, "size": N}),
    ("Generator", "poisson", "ptrs-lam-1000", {"lam": 1000.0, "size": N}),
    ("Generator", "poisson", "ptrs-huge-lam", {"lam": 1e12, "size": N}),
    ("Generator", "poisson", "lam-0", {"lam": 0.0, "size": N}),
    ("Generator", "poisson", "array-lam", {"lam": [0.0, 1.0, 9.99, 10.0, 100.0], "size": [4000, 5]}),
    # geometric: p >= 1/3 search, below inversion (clipped at INT64_MAX since 1.25)
    ("Generator", "geometric", "search", {"p": 0.5, "size": N}),
    ("Generator", "geometric", "search-p-1/3", {"p": 1.0 / 3.0, "size": N}),
    ("Generator", "geometric", "inversion", {"p": 0.3, "size": N}),
    ("Generator", "geometric", "p-1", {"p": 1.0, "size": N}),
    ("Generator", "geometric", "inversion-tiny-p", {"p": 1e-12, "size": N}),
    ("Generator", "geometric", "inversion-overflow-p", {"p": 1e-20, "size": N}),
    # hypergeometric: 10 <= nsample <= total - 10 HRUA, otherwise sequential sampling
    ("Generator", "hypergeometric", "sample-small", {"ngood": 20, "nbad": 30, "nsample": 5, "size": N}),
    ("Generator", "hypergeometric", "sample-9", {"ngood": 20, "nbad": 30, "nsample": 9, "size": N}),
    ("Generator", "hypergeometric", "hrua-sample-10", {"ngood": 20, "nbad": 30, "nsample": 10, "size": N}),
    ("Generator", "hypergeometric", "hrua-sample-total-minus-10", {"ngood": 20, "nbad": 30, "nsample": 40, "size": N}),
    ("Generator", "hypergeometric", "sample-total-minus-9", {"ngood": 20, "nbad": 30, "nsample": 41, "size": N}),
    ("Generator", "hypergeometric", "hrua-good-gt-bad", {"ngood": 300, "nbad": 100, "nsample": 150, "size": N}),
    ("Generator", "hypergeometric", "hrua-large-pop", {"ngood": 10 ** 8, "nbad": 2 * 10 ** 8, "nsample": 10 ** 6, "size": N}),
    ("Generator", "hypergeometric", "nsample-0", {"ngood": 20, "nbad": 30, "nsample": 0, "size": N}),
    ("Generator", "hypergeometric", "nsample-total", {"ngood": 20, "nbad": 30, "nsample": 50, "size": N}),
    ("Generator", "hypergeometric", "ngood-0", {"ngood": 0, "nbad": 30, "nsample": 20, "size": N}),
    # logseries: V >= p returns 1, else q = 1 - (1-p)^U decides 1, 2 or the log formula
    ("Generator", "logseries", "p-0.1", {"p": 0.1, "size": N}),
    ("Generator", "logseries", "p-0.5", {"p": 0.5, "size": N}),
    ("Generator", "logseries", "p-0.9", {"p": 0.9, "size": N}),
    ("Generator", "logseries", "p-0.99", {"p": 0.99, "size": N}),
    ("Generator", "logseries", "p-near-1", {"p": 0.999999, "size": N}),
    ("Generator", "logseries", "p-0", {"p": 0.0, "size": N}),
    # zipf: rejection from a truncated power law, U drawn from (Umin, 1] since 2.1 (a >= 1025 returns 1
    # since 2.1 but loops forever before, so it is not catalogued)
    ("Generator", "zipf", "a-near-1", {"a": 1.001, "size": N}),
    ("Generator", "zipf", "a-2", {"a": 2.0, "size": N}),
    ("Generator", "zipf", "a-4", {"a": 4.0, "size": N}),
    ("Generator", "zipf", "a-large", {"a": 1000.0, "size": N}),
    # chi-square family
    ("Generator", "chisquare", "df-lt-2", {"df": 0.5, "size": N}),
    ("Generator", "chisquare", "df-10", {"df": 10.0, "size": N}),
    ("Generator", "noncentral_chisquare", "nonc-0", {"df": 3.0, "nonc": 0.0, "size": N}),
    ("Generator", "noncentral_chisquare", "df-lt-1", {"df": 0.5, "nonc": 2.0, "size": N}),
    ("Generator", "noncentral_chisquare", "df-1", {"df": 1.0, "nonc": 2.0, "size": N}),
    ("Generator", "noncentral_chisquare", "df-gt-1", {"df": 3.0, "nonc": 2.0, "size": N}),
    ("Generator", "noncentral_chisquare", "large-nonc", {"df": 3.0, "nonc": 1e4, "size": N}),
    ("Generator", "f", "standard", {"dfnum": 5.0, "dfden": 10.0, "size": N}),
    ("Generator", "noncentral_f", "standard", {"dfnum": 5.0, "dfden": 10.0, "nonc": 2.0, "size": N}),
    ("Generator", "noncentral_f", "dfnum-lt-1", {"dfnum": 0.5, "dfden": 3.0, "nonc": 1.0, "size": N}),
    ("Generator", "standard_t", "df-1", {"df": 1.0, "size": N}),
    ("Generator", "standard_t", "df-5", {"df": 5.0, "size": N}),
    ("Generator", "standard_cauchy", "standard", {"size": N}),
    # location-scale and simple transforms of a uniform / exponential
    ("Generator", "uniform", "wide", {"low": -5.0, "high": 5.0, "size": N}),
    ("Generator", "uniform", "low-eq-high", {"low": 2.0, "high": 2.0, "size": N}),
    ("Generator", "laplace", "standard", {"loc": 0.0, "scale": 1.0, "size": N}),
    ("Generator", "logistic", "standard", {"loc": 0.0, "scale": 1.0, "size": N}),
    ("Generator", "gumbel", "standard", {"loc": 0.0, "scale": 1.0, "size": N}),
    ("Generator", "rayleigh", "scale-2", {"scale": 2.0, "size": N}),
    ("Generator", "pareto", "a-3", {"a": 3.0, "size": N}),
    ("Generator", "power", "a-0.5", {"a": 0.5, "size": N}),
    ("Generator", "weibull", "a-0", {"a": 0.0, "size": N}),
    ("Generator", "weibull", "a-2", {"a": 2.0, "size": N}),
    # vonmises: kappa < 1e-8 uniform, < 1e-5 Taylor s, <= 1e6 Best-Fisher, > 1e6 wrapped normal (1.21+)
    ("Generator", "vonmises", "kappa-0", {"mu": 0.0, "kappa": 0.0, "size": N}),
    ("Generator", "vonmises", "kappa-lt-1e-8", {"mu": 0.0, "kappa": 1e-9, "size": N}),
    ("Generator", "vonmises", "kappa-lt-1e-5", {"mu": 0.0, "kappa": 1e-6, "size": N}),
    ("Generator", "vonmises", "kappa-1", {"mu": 0.0, "kappa": 1.0, "size": N}),
    ("Generator", "vonmises", "kappa-1-mu-wraps", {"mu": 3.0, "kappa": 1.0, "size": N}),
    ("Generator", "vonmises", "kappa-gt-1e6", {"mu": 1.0, "kappa": 1e7, "size": N}),
    ("Generator", "wald", "standard", {"mean": 1.0, "scale": 1.0, "size": N}),
    ("Generator", "wald", "large-scale", {"mean": 1.0, "scale": 1e6, "size": N}),
    ("Generator", "triangular", "interior-mode", {"left": 0.0, "mode": 0.5, "right": 1.0, "size": N}),
    ("Generator", "triangular", "left-eq-mode", {"left": 0.0, "mode": 0.0, "right": 1.0, "size": N}),
    ("Generator", "triangular", "mode-eq-right", {"left": 0.0, "mode": 1.0, "right": 1.0, "size": N}),
    # ---- Generator: multivariate ----------------------------------------------------------------------
    ("Generator", "multinomial", "1d-pvals", {"n": 100, "pvals": [0.1, 0.2, 0.3, 0.25, 0.15], "size": 10000}),
    ("Generator", "multinomial", "pvals-with-zeros", {"n": 100, "pvals": [0.5, 0.0, 0.5, 0.0], "size": 10000}),
    ("Generator", "multinomial", "large-n", {"n": 10 ** 6, "pvals": [0.001, 0.099, 0.4, 0.5], "size": 10000}),
    ("Generator", "multinomial", "many-categories", {"n": 1000, "pvals": [0.01] * 100, "size": 500}),
    ("Generator", "multinomial", "2d-pvals", {"n": 100, "pvals": [[0.2, 0.3, 0.5], [0.9, 0.05, 0.05]], "size": [5000, 2]}),
    ("Generator", "multinomial", "array-n", {"n": [10, 100, 1000], "pvals": [0.2, 0.3, 0.5], "size": [5000, 3]}),
    ("Generator", "multivariate_normal", "svd", {"mean": [0.0, 1.0, -1.0], "cov": [[2.0, 0.5, 0.1], [0.5, 1.0, 0.2], [0.1, 0.2, 0.5]], "size": 10000}),
    ("Generator", "multivariate_normal", "eigh", {"mean": [0.0, 1.0, -1.0], "cov": [[2.0, 0.5, 0.1], [0.5, 1.0, 0.2], [0.1, 0.2, 0.5]], "size": 10000, "method": "eigh"}),
    ("Generator", "multivariate_normal", "cholesky", {"mean": [0.0, 1.0, -1.0], "cov": [[2.0, 0.5, 0.1], [0.5, 1.0, 0.2], [0.1, 0.2, 0.5]], "size": 10000, "method": "cholesky"}),
    ("Generator", "multivariate_normal", "svd-singular-cov", {"mean": [0.0, 0.0], "cov": [[1.0, 1.0], [1.0, 1.0]], "size": 10000}),
    ("Generator", "multivariate_hypergeometric", "count", {"colors": [10, 20, 30], "nsample": 15, "size": 5000}),
    ("Generator", "multivariate_hypergeometric", "count-more-than-half", {"colors": [10, 20, 30], "nsample": 45, "size": 5000}),
    ("Generator", "multivariate_hypergeometric", "count-nsample-0", {"colors": [10, 20, 30], "nsample": 0, "size": 5000}),
    ("Generator", "multivariate_hypergeometric", "marginals", {"colors": [10, 20, 30], "nsample": 15, "size": 5000, "method": "marginals"}),
    ("Generator", "multivariate_hypergeometric", "marginals-large", {"colors": [10 ** 6, 2 * 10 ** 6, 3 * 10 ** 6, 5], "nsample": 5000, "size": 5000, "method": "marginals"}),
    # dirichlet: max(alpha) < 0.1 stick-breaking with betas (1.19+), otherwise normalised gammas
    ("Generator", "dirichlet", "gamma-normalise", {"alpha": [0.5, 1.0, 2.0], "size": 5000}),
    ("Generator", "dirichlet", "stick-breaking-small-alpha", {"alpha": [0.05, 0.05, 0.05], "size": 5000}),
    ("Generator", "dirichlet", "stick-breaking-alpha-0.099", {"alpha": [0.099, 0.05, 0.01], "size": 5000}),
    ("Generator", "dirichlet", "gamma-alpha-0.1", {"alpha": [0.1, 0.05, 0.01], "size": 5000}),
    ("Generator", "dirichlet", "alpha-with-zero", {"alpha": [0.0, 1.0, 2.0], "size": 5000}),
    # ---- legacy RandomState and np.random.* ---------------------------------------------------------
    # uniforms, seeding, raw words
    ("legacy", "random_sample", "float64", {"size": N}),
    ("legacy", "random_sample", "seed-0", {"size": N}, {"seed": 0}),
    ("legacy", "random_sample", "seed-2**32-1", {"size": N}, {"seed": 2 ** 32 - 1}),
    ("legacy", "random_sample", "seed-list", {"size": N}, {"seed": [1, 2, 3]}),
    ("legacy", "random", "float64", {"size": N}),
    ("np.random", "ranf", "float64", {"size": N}),
    ("np.random", "sample", "float64", {"size": N}),
    ("legacy", "rand", "2d", {POSITIONAL: [100, 200]}),
    ("legacy", "randn", "2d", {POSITIONAL: [100, 200]}),
    ("legacy", "randn", "odd-count-cached-gauss", {POSITIONAL: [20001]}),
    ("RandomState", "tomaxint", "size-n", {"size": N}),
    ("legacy", "bytes", "length-1001", {POSITIONAL: [1001]}),
    ("legacy", "bytes", "length-0", {POSITIONAL: [0]}),
    ("legacy", "bytes", "length-3", {POSITIONAL: [3]}),
    # ---- legacy randint: masked rejection sampling; one C fill function per dtype -----------------------
    ("legacy", "randint", "int64-small-range", {"low": 0, "high": 10, "size": N}),
    ("legacy", "randint", "scalar", {"low": 0, "high": 1000}),
    ("legacy", "randint", "int8-small-range", {"low": 0, "high": 10, "size": N, "dtype": "int8"}),
    ("legacy", "randint", "int8-pow2-range", {"low": 0, "high": 64, "size": N, "dtype": "int8"}),
    ("legacy", "randint", "int8-half-plus-one", {"low": -64, "high": 65, "size": N, "dtype": "int8"}),
    ("legacy", "randint", "int8-full-range", {"low": -128, "high": 128, "size": N, "dtype": "int8"}),
    ("legacy", "randint", "int8-degenerate", {"low": 5, "high": 6, "size": N, "dtype": "int8"}),
    ("legacy", "randint", "int8-top-boundary", {"low": 100, "high": 128, "size": N, "dtype": "int8"}),
    ("legacy", "randint", "int8-bottom-boundary", {"low": -128, "high": -100, "size": N, "dtype": "int8"}),
    ("legacy", "randint", "int16-small-range", {"low": 0, "high": 10, "size": N, "dtype": "int16"}),
    ("legacy", "randint", "int16-full-range", {"low": -32768, "high": 32768, "size": N, "dtype": "int16"}),
    ("legacy", "randint", "int16-degenerate", {"low": 5, "high": 6, "size": N, "dtype": "int16"}),
    ("legacy", "randint", "int32-small-range", {"low": 0, "high": 10, "size": N, "dtype": "int32"}),
    ("legacy", "randint", "int32-half-plus-one", {"low": -2 ** 30, "high": 2 ** 30 + 1, "size": N, "dtype": "int32"}),
    ("legacy", "randint", "int32-full-range", {"low": -2 ** 31, "high": 2 ** 31, "size": N, "dtype": "int32"}),
    ("legacy", "randint", "int32-degenerate", {"low": 5, "high": 6, "size": N, "dtype": "int32"}),
    ("legacy", "randint", "int64-rng-below-2**32-1", {"low": 0, "high": 3 * 10 ** 9, "size": N, "dtype": "int64"}),
    ("legacy", "randint", "int64-rng-2**32-1", {"low": 0, "high": 2 ** 32, "size": N, "dtype": "int64"}),
    ("legacy", "randint", "int64-rng-2**32", {"low": 0, "high": 2 ** 32 + 1, "size": N, "dtype": "int64"}),
    ("legacy", "randint", "int64-pow2-range", {"low": 0, "high": 2 ** 40, "size": N, "dtype": "int64"}),
    ("legacy", "randint", "int64-half-plus-one", {"low": -2 ** 62, "high": 2 ** 62 + 1, "size": N, "dtype": "int64"}),
    ("legacy", "randint", "int64-full-range", {"low": -2 ** 63, "high": 2 ** 63, "size": N, "dtype": "int64"}),
    ("legacy", "randint", "int64-degenerate", {"low": 5, "high": 6, "size": N, "dtype": "int64"}),
    ("legacy", "randint", "int64-bottom-boundary", {"low": -2 ** 63, "high": -2 ** 63 + 1000, "size": N, "dtype": "int64"}),
    ("legacy", "randint", "uint8-small-range", {"low": 0, "high": 10, "size": N, "dtype": "uint8"}),
    ("legacy", "randint", "uint8-half-plus-one", {"low": 0, "high": 129, "size": N, "dtype": "uint8"}),
    ("legacy", "randint", "uint8-full-range", {"low": 0, "high": 256, "size": N, "dtype": "uint8"}),
    ("legacy", "randint", "uint8-degenerate", {"low": 5, "high": 6, "size": N, "dtype": "uint8"}),
    ("legacy", "randint", "uint16-small-range", {"low": 0, "high": 10, "size": N, "dtype": "uint16"}),
    ("legacy", "randint", "uint16-full-range", {"low": 0, "high": 65536, "size": N, "dtype": "uint16"}),
    ("legacy", "randint", "uint16-degenerate", {"low": 5, "high": 6, "size": N, "dtype": "uint16"}),
    ("legacy", "randint", "uint32-small-range", {"low": 0, "high": 10, "size": N, "dtype": "uint32"}),
    ("legacy", "randint", "uint32-half-plus-one", {"low": 0, "high": 2 ** 31 + 1, "size": N, "dtype": "uint32"}),
    ("legacy", "randint", "uint32-full-range", {"low": 0, "high": 2 ** 32, "size": N, "dtype": "uint32"}),
    ("legacy", "randint", "uint32-degenerate", {"low": 5, "high": 6, "size": N, "dtype": "uint32"}),
    ("legacy", "randint", "uint64-small-range", {"low": 0, "high": 10, "size": N, "dtype": "uint64"}),
    ("legacy", "randint", "uint64-rng-2**32", {"low": 0, "high": 2 ** 32 + 1, "size": N, "dtype": "uint64"}),
    ("legacy", "randint", "uint64-half-plus-one", {"low": 0, "high": 2 ** 63 + 1, "size": N, "dtype": "uint64"}),
    ("legacy", "randint", "uint64-full-range", {"low": 0, "high": 2 ** 64, "size": N, "dtype": "uint64"}),
    ("legacy", "randint", "uint64-degenerate", {"low": 5, "high": 6, "size": N, "dtype": "uint64"}),
    ("legacy", "randint", "uint64-top-boundary", {"low": 2 ** 64 - 1000, "high": 2 ** 64, "size": N, "dtype": "uint64"}),
    ("legacy", "randint", "bool-full-range", {"low": 0, "high": 2, "size": N, "dtype": "bool"}),
    ("legacy", "randint", "bool-degenerate", {"low": 0, "high": 1, "size": N, "dtype": "bool"}),
    # array bounds: broadcasting arrived in 1.17, 1.16 only takes scalars (raises TypeError)
    ("legacy", "randint", "int64-array-bounds", {"low": [0, -2 ** 63, 0, 0], "high": [10, 2 ** 63 - 1, 2 ** 32, 2 ** 32 + 1], "size": [5000, 4], "dtype": "int64"}),
    ("legacy", "randint", "uint8-array-bounds", {"low": 0, "high": [1, 2, 3, 5, 8, 13, 21, 34, 129, 256], "size": [2000, 10], "dtype": "uint8"}),
    ("legacy", "randint", "bool-array-bounds", {"low": 0, "high": [1, 2], "size": [10000, 2], "dtype": "bool"}),
    ("legacy", "random_integers", "small-range", {"low": 1, "high": 10, "size": N}),
    ("legacy", "random_integers", "high-none", {"low": 10, "size": N}),
    ("legacy", "random_integers", "degenerate", {"low": 5, "high": 5, "size": N}),
    # ---- legacy choice / permutation / shuffle ------------------------------------------------------
    ("legacy", "choice", "int-a-replace", {"a": 1000, "size": N}),
    ("legacy", "choice", "array-a-replace", {"a": {ARANGE: 1000}, "size": N}),
    ("legacy", "choice", "int-a-scalar", {"a": 1000}),
    ("legacy", "choice", "p-replace", {"a": 5, "size": N, "p": [0.1, 0.2, 0.3, 0.25, 0.15]}),
    ("legacy", "choice", "p-with-zeros-replace", {"a": 5, "size": N, "p": [0.1, 0.0, 0.3, 0.6, 0.0]}),
    ("legacy", "choice", "no-replace-permutation", {"a": 1000, "size": 500, "replace": False}),
    ("legacy", "choice", "no-replace-large-pop", {"a": 100000, "size": 5000, "replace": False}),
    ("legacy", "choice", "p-no-replace", {"a": 100, "size": 50, "replace": False, "p": [0.01] * 100}),
    ("legacy", "choice", "p-with-zeros-no-replace", {"a": 5, "size": 3, "replace": False, "p": [0.1, 0.0, 0.3, 0.6, 0.0]}),
    ("legacy", "permutation", "int", {POSITIONAL: [1000]}),
    ("legacy", "permutation", "1d", {POSITIONAL: [{ARANGE: 1000}]}),
    ("legacy", "permutation", "2d", {POSITIONAL: [{ARANGE: [100, 50]}]}),
    ("legacy", "shuffle", "1d", {POSITIONAL: [{ARANGE: 1000}]}),
    ("legacy", "shuffle", "1d-int8", {POSITIONAL: [{ARANGE: 100, "dtype": "int8"}]}),
    ("legacy", "shuffle", "list", {POSITIONAL: [{ARANGE: 1000, "list": True}]}),
    ("legacy", "shuffle", "2d", {POSITIONAL: [{ARANGE: [100, 50]}]}),
    # ---- legacy distributions: Box-Muller gauss, -log(1-U) exponential, legacy_* C code -----------------
    ("legacy", "standard_normal", "even-size", {"size": N}),
    ("legacy", "standard_normal", "odd-size-cached-gauss", {"size": N + 1}),
    ("legacy", "normal", "standard", {"loc": 0.0, "scale": 1.0, "size": N}),
    ("legacy", "normal", "array-loc", {"loc": [0.0, 1.0, -1.0, 100.0], "scale": [1.0, 2.0, 0.5, 10.0], "size": [5000, 4]}),
    ("legacy", "lognormal", "standard", {"mean": 0.0, "sigma": 1.0, "size": N}),
    ("legacy", "standard_exponential", "standard", {"size": N}),
    ("legacy", "exponential", "scale-2", {"scale": 2.0, "size": N}),
    ("legacy", "standard_gamma", "shape-lt-1", {"shape": 0.5, "size": N}),
    ("legacy", "standard_gamma", "shape-tiny", {"shape": 1e-3, "size": N}),
    ("legacy", "standard_gamma", "shape-1", {"shape": 1.0, "size": N}),
    ("legacy", "standard_gamma", "shape-0", {"shape": 0.0, "size": N}),
    ("legacy", "standard_gamma", "shape-gt-1", {"shape": 3.0, "size": N}),
    ("legacy", "gamma", "shape-gt-1", {"shape": 5.0, "scale": 2.0, "size": N}),
    ("legacy", "beta", "johnk", {"a": 0.5, "b": 0.5, "size": N}),
    ("legacy", "beta", "johnk-underflow", {"a": 1e-3, "b": 1e-3, "size": N}),
    ("legacy", "beta", "gamma-ratio", {"a": 2.0, "b": 3.0, "size": N}),
    ("legacy", "beta", "mixed-a-lt-1-b-gt-1", {"a": 0.5, "b": 2.0, "size": N}),
    ("legacy", "binomial", "inversion-small-mean", {"n": 10, "p": 0.3, "size": N}),
    ("legacy", "binomial", "btpe-large-mean", {"n": 1000, "p": 0.4, "size": N}),
    ("legacy", "binomial", "inversion-np-30", {"n": 60, "p": 0.5, "size": N}),
    ("legacy", "binomial", "btpe-np-30.5", {"n": 61, "p": 0.5, "size": N}),
    ("legacy", "binomial", "inversion-p-gt-half", {"n": 10, "p": 0.8, "size": N}),
    ("legacy", "binomial", "btpe-p-gt-half", {"n": 1000, "p": 0.9, "size": N}),
    ("legacy", "binomial", "n-0", {"n": 0, "p": 0.5, "size": N}),
    ("legacy", "binomial", "p-0", {"n": 100, "p": 0.0, "size": N}),
    ("legacy", "binomial", "p-1", {"n": 100, "p": 1.0, "size": N}),
    ("legacy", "binomial", "btpe-huge-n", {"n": 10 ** 9, "p": 0.4, "size": N}),
    ("legacy", "binomial", "inversion-huge-n-tiny-p", {"n": 10 ** 9, "p": 1e-9, "size": N}),
    ("legacy", "negative_binomial", "integer-n", {"n": 5, "p": 0.5, "size": N}),
    ("legacy", "negative_binomial", "real-n-small-p", {"n": 0.5, "p": 0.1, "size": N}),
    ("legacy", "poisson", "mult-small-lam", {"lam": 0.5, "size": N}),
    ("legacy", "poisson", "mult-lam-9.99", {"lam": 9.99, "size": N}),
    ("legacy", "poisson", "ptrs-lam-10", {"lam": 10.0, "size": N}),
    ("legacy", "poisson", "ptrs-lam-1000", {"lam": 1000.0, "size": N}),
    ("legacy", "poisson", "ptrs-huge-lam", {"lam": 1e12, "size": N}),
    ("legacy", "poisson", "lam-0", {"lam": 0.0, "size": N}),
    ("legacy", "geometric", "search", {"p": 0.5, "size": N}),
    ("legacy", "geometric", "search-p-1/3", {"p": 1.0 / 3.0, "size": N}),
    ("legacy", "geometric", "inversion", {"p": 0.3, "size": N}),
    ("legacy", "geometric", "p-1", {"p": 1.0, "size": N}),
    ("legacy", "geometric", "inversion-tiny-p", {"p": 1e-12, "size": N}),
    # legacy hypergeometric: nsample <= 10 HYP, nsample > 10 HRUA
    ("legacy", "hypergeometric", "hyp-sample-small", {"ngood": 20, "nbad": 30, "nsample": 5, "size": N}),
    ("legacy", "hypergeometric", "hyp-sample-10", {"ngood": 20, "nbad": 30, "nsample": 10, "size": N}),
    ("legacy", "hypergeometric", "hrua-sample-11", {"ngood": 20, "nbad": 30, "nsample": 11, "size": N}),
    ("legacy", "hypergeometric", "hrua-sample-gt-half", {"ngood": 20, "nbad": 30, "nsample": 40, "size": N}),
    ("legacy", "hypergeometric", "hyp-good-gt-bad", {"ngood": 300, "nbad": 100, "nsample": 8, "size": N}),
    ("legacy", "hypergeometric", "hrua-good-gt-bad", {"ngood": 300, "nbad": 100, "nsample": 150, "size": N}),
    ("legacy", "hypergeometric", "hrua-large-pop", {"ngood": 10 ** 8, "nbad": 2 * 10 ** 8, "nsample": 10 ** 6, "size": N}),
    ("legacy", "hypergeometric", "nsample-total", {"ngood": 20, "nbad": 30, "nsample": 50, "size": N}),
    ("legacy", "logseries", "p-0.1", {"p": 0.1, "size": N}),
    ("legacy", "logseries", "p-0.5", {"p": 0.5, "size": N}),
    ("legacy", "logseries", "p-0.99", {"p": 0.99, "size": N}),
    ("legacy", "logseries", "p-near-1", {"p": 0.999999, "size": N}),
    ("legacy", "logseries", "p-0", {"p": 0.0, "size": N}),
    # legacy zipf has no Umin: a close to 1 rejects most draws (a >= 1025 never terminates)
    ("legacy", "zipf", "a-near-1", {"a": 1.001, "size": N}),
    ("legacy", "zipf", "a-2", {"a": 2.0, "size": N}),
    ("legacy", "zipf", "a-large", {"a": 1000.0, "size": N}),
    ("legacy", "chisquare", "df-lt-2", {"df": 0.5, "size": N}),
    ("legacy", "chisquare", "df-10", {"df": 10.0, "size": N}),
    ("legacy", "noncentral_chisquare", "nonc-0", {"df": 3.0, "nonc": 0.0, "size": N}),
    ("legacy", "noncentral_chisquare", "df-lt-1", {"df": 0.5, "nonc": 2.0, "size": N}),
    ("legacy", "noncentral_chisquare", "df-1", {"df": 1.0, "nonc": 2.0, "size": N}),
    ("legacy", "noncentral_chisquare", "df-gt-1", {"df": 3.0, "nonc": 2.0, "size": N}),
    ("legacy", "f", "standard", {"dfnum": 5.0, "dfden": 10.0, "size": N}),
    ("legacy", "noncentral_f", "standard", {"dfnum": 5.0, "dfden": 10.0, "nonc": 2.0, "size": N}),
    ("legacy", "standard_t", "df-1", {"df": 1.0, "size": N}),
    ("legacy", "standard_t", "df-5", {"df": 5.0, "size": N}),
    ("legacy", "standard_cauchy", "standard", {"size": N}),
    ("legacy", "uniform", "wide", {"low": -5.0, "high": 5.0, "size": N}),
    ("legacy", "uniform", "low-eq-high", {"low": 2.0, "high": 2.0, "size": N}),
    ("legacy", "laplace", "standard", {"loc": 0.0, "scale": 1.0, "size": N}),
    ("legacy", "logistic", "standard", {"loc": 0.0, "scale": 1.0, "size": N}),
    ("legacy", "gumbel", "standard", {"loc": 0.0, "scale": 1.0, "size": N}),
    ("legacy", "rayleigh", "scale-2", {"scale": 2.0, "size": N}),
    ("legacy", "pareto", "a-3", {"a": 3.0, "size": N}),
    ("legacy", "power", "a-0.5", {"a": 0.5, "size": N}),
    ("legacy", "weibull", "a-0", {"a": 0.0, "size": N}),
    ("legacy", "weibull", "a-2", {"a": 2.0, "size": N}),
    # legacy vonmises: kappa < 1e-8 uniform, < 1e-5 Taylor s, else Best-Fisher (no wrapped-normal branch)
    ("legacy", "vonmises", "kappa-0", {"mu": 0.0, "kappa": 0.0, "size": N}),
    ("legacy", "vonmises", "kappa-lt-1e-8", {"mu": 0.0, "kappa": 1e-9, "size": N}),
    ("legacy", "vonmises", "kappa-lt-1e-5", {"mu": 0.0, "kappa": 1e-6, "size": N}),
    ("legacy", "vonmises", "kappa-1-mu-wraps", {"mu": 3.0, "kappa": 1.0, "size": N}),
    ("legacy", "vonmises", "kappa-gt-1e6", {"mu": 1.0, "kappa": 1e7, "size": N}),
    ("legacy", "wald", "standard", {"mean": 1.0, "scale": 1.0, "size": N}),
    ("legacy", "wald", "large-scale", {"mean": 1.0, "scale": 1e6, "size": N}),
    ("legacy", "triangular", "interior-mode", {"left": 0.0, "mode": 0.5, "right": 1.0, "size": N}),
    ("legacy", "triangular", "left-eq-mode", {"left": 0.0, "mode": 0.0, "right": 1.0, "size": N}),
    ("legacy", "triangular", "mode-eq-right", {"left": 0.0, "mode": 1.0, "right": 1.0, "size": N}),
    # ---- legacy multivariate --------------------------------------------------------------------------
    ("legacy", "multinomial", "1d-pvals", {"n": 100, "pvals": [0.1, 0.2, 0.3, 0.25, 0.15], "size": 10000}),
    ("legacy", "multinomial", "pvals-with-zeros", {"n": 100, "pvals": [0.5, 0.0, 0.5, 0.0], "size": 10000}),
    ("legacy", "multinomial", "large-n", {"n": 10 ** 6, "pvals": [0.001, 0.099, 0.4, 0.5], "size": 10000}),
    ("legacy", "multinomial", "many-categories", {"n": 1000, "pvals": [0.01] * 100, "size": 500}),
    ("legacy", "multivariate_normal", "svd", {"mean": [0.0, 1.0, -1.0], "cov": [[2.0, 0.5, 0.1], [0.5, 1.0, 0.2], [0.1, 0.2, 0.5]], "size": 10000}),
    ("legacy", "multivariate_normal", "svd-singular-cov", {"mean": [0.0, 0.0], "cov": [[1.0, 1.0], [1.0, 1.0]], "size": 10000}),
    ("legacy", "dirichlet", "gamma-normalise", {"alpha": [0.5, 1.0, 2.0], "size": 5000}),
    ("legacy", "dirichlet", "small-alpha", {"alpha": [0.05, 0.05, 0.05], "size": 5000}),
]


# ---- parameter sweeps -------------------------------------------------------------------------------
# The hand-picked regimes above put one point in each code path; precision changes (log vs log1p, 1 - p for
# tiny p, cancellation next to a branch threshold) only show at extreme parameters, and many of numpy's branch
# conditions (numpy/random/src/distributions/*.c, _legacy/*.c) are on a *combination* of parameters: binomial
# switches from inversion to BTPE at n * min(p, 1 - p) > 30, and inversion's exp(n * log(1 - p)) loses all of
# p below 1.1e-16 only when n is large enough for n * p to matter.  A sweep line is data: a method, the APIs it
# runs on, a set of values per swept parameter (every combination is a point: a grid), optionally one parameter
# derived from the others (a diagonal: constant product, ratio, share), and fixed parameters.  Each point is one
# case, named by its parameters (``RandomState.binomial[sweep:n=1e9,p=3e-08]``); a point two lines reach is one
# case.  Branch conditions read from the C sources, per method (G: Generator, L: legacy RandomState):
#
#   binomial        p == 0 or n == 0 -> 0; p > 0.5 works on q = 1 - p and returns n - X; n * min(p, q) <= 30
#                   inversion (qn = exp(n log q) in L and G < 2.4, exp(n log1p(-p)) in G >= 2.4; bound
#                   min(n, np + 10 sqrt(npq + 1))), else BTPE (squeeze when 20 < |y - m| < nrq / 2 - 1, Stirling
#                   terms there corrected in G 2.5)
#   hypergeometric  G: 10 <= nsample <= total - 10 HRUA, else sequential sampling of min(nsample, total - nsample);
#                   ngood, nbad < 1e9.  L: nsample > 10 HRUA, 1 <= nsample <= 10 HYP
#   negative_binomial  poisson(gamma(n, (1 - p) / p)): gamma shape n (== 1, < 1 branches), Poisson lam = the gamma
#                   draw (< 10 multiplication, >= 10 PTRS); G raises when (1 - p) / p * (n + 10 sqrt n) > ~9.2e18
#   beta            a <= 1 and b <= 1 Johnk (log-space fallback when X or Y underflows; G >= 2.0 one uniform when
#                   both < 3e-103), else gamma(a) / (gamma(a) + gamma(b)); both tiny loops for ever in old releases
#   gamma           standard_gamma(shape) * scale: shape == 1, == 0, < 1 (Johnk-like), > 1 (Marsaglia-Tsang)
#   wald            X = mean (1 - 2 / (1 + sqrt(1 + 4 scale / (mean N^2)))): precision follows scale / mean
#   vonmises        kappa < 1e-8 uniform, < 1e-5 Taylor s, G: <= 1e6 Best-Fisher, > 1e6 wrapped normal; mu wraps
#   noncentral_chisquare  nonc == 0 chisquare(df); df > 1 chisquare(df - 1) + (N + sqrt nonc)^2; else
#                   chisquare(df + 2 poisson(nonc / 2)) (PTRS from nonc >= 20)
#   noncentral_f    noncentral_chisquare(dfnum, nonc) * dfden / (chisquare(dfden) * dfnum)
#   f               chisquare ratio; triangular  U <= (mode - left) / (right - left)
#   multinomial     one binomial per category on the remaining n and renormalised p
#
# Where old numpy never returns, the recorder's watchdog records "hangs" at the cost of its timeout on every
# release, so a line keeps at most one point inside such a region and ``skip`` drops the rest: Generator beta
# with a, b <= 1e-20 and dirichlet with alpha <= 1e-20 (1.17-1.2x), Generator vonmises with kappa >= 1e36,
# Generator zipf with a <= 1 + 1e-9; legacy Johnk beta below 1e-3, legacy zipf at a >= 1025, legacy vonmises
# above ~1e36.  No point may be slow but finite: legacy zipf at a = 1 + 1e-6 takes ~2 s for 2,000 draws, so zipf
# stops at 1 + 1e-3 (and Generator jumps to 1 + 1e-9, which never returns before the Umin fix and is fast after).
SWEEP_N = 400  # draws per sweep point: a precision change shows in the first values or in the state after the call
SWEEP_PREFIX = "sweep:"
SWEEP_DECADE_STEP = 20  # beyond 1e-20 ... 1e20: one point every 20 decades, 5e-324, 1e-303, ..., 1e-23
SWEEP_INNER_STEP = 20  # between 1e-20 and 1e20 as well: one per decade does not fit the 50 MB store (see README)
INNER = 20  # the inner decades: -INNER ... INNER
TINY = 5e-324  # the smallest positive double
SWEEP_TARGETS = {"Generator": "Generator[PCG64]", "legacy": "RandomState"}  # numerics do not depend on the bit
# generator, and np.random.* runs RandomState's code: one target per API keeps the store small
BOTH = ("Generator", "legacy")
PI = math.pi


def next_double(x, up):
    """The neighbouring double of ``x`` (math.nextafter is Python 3.9+; the recorder runs on 3.7)."""
    if x == 0.0:
        return TINY if up else -TINY
    bits = struct.unpack("<q", struct.pack("<d", x))[0]
    bits += 1 if (up == (x > 0)) else -1
    return struct.unpack("<d", struct.pack("<q", bits))[0]


# ---- axis values: small builders, so a line reads like the C source's conditions ----------------------------
def decades(low, high, step=1):
    """10**k as doubles for k = low, low + step, ..., high."""
    return tuple(float("1e%d" % k) for k in range(low, high + 1, step))


def int_decades(low, high, step=1):
    """10**k as integers (integer parameters: binomial n, hypergeometric counts)."""
    return tuple(10 ** k for k in range(low, high + 1, step))


def around(*values):
    """Each value and the doubles either side of it: both outcomes of a ``<=`` / ``<`` test."""
    out = []
    for t in values:
        out.extend((next_double(t, False), t, next_double(t, True)))
    return tuple(out)


def one_minus(*ks):
    """1 - 10**-k: approaching 1 from below, where 1 - p cancels."""
    return tuple(1.0 - 10.0 ** -k for k in ks)


def span(low, high, thresholds=(), one_minus_ks=(), extra=()):
    """A one-parameter range: every SWEEP_DECADE_STEP decades from the low end, every SWEEP_INNER_STEP decades
    inside 1e-20 ... 1e20, the range ends, each threshold with its neighbouring doubles, and further exact points."""
    points = set([low, high])
    ladder = range(int(math.floor(math.log10(low))), int(math.log10(high)) + 1, SWEEP_DECADE_STEP)
    inner = range(-INNER, INNER + 1, SWEEP_INNER_STEP)
    points.update(v for v in (float("1e%d" % k) for k in set(ladder) | set(inner)) if low <= v <= high)
    points.update(v for v in around(*thresholds) if low <= v <= high)
    points.update(v for v in one_minus(*one_minus_ks) if low <= v <= high)
    points.update(extra)
    return tuple(sorted(points))


def int_span(low, high, thresholds=()):
    """An integer range: every power of ten, the ends, and each threshold with its integer neighbours."""
    points = set([low, high]) | set(v for v in int_decades(0, len(str(high))) if low <= v <= high)
    points.update(t + d for t in thresholds for d in (-1, 0, 1) if low <= t + d <= high)
    return tuple(sorted(points))


# ---- derived parameters: a diagonal holds a combination constant -------------------------------------------
# (name, constant, values of the "of" parameters) -> the derived value, or None when it leaves the domain
DERIVE = {
    "product": lambda c, xs: c / _product(xs),  # derived * x = c        (binomial n * p = 30)
    "complement_product": lambda c, xs: 1.0 - c / _product(xs),  # (1 - derived) * x = c   (n * q = 30)
    "ratio": lambda c, xs: c * _product(xs),  # derived / x = c          (wald scale / mean)
    "nb_mean": lambda c, xs: xs[0] / (xs[0] + c),  # n (1 - p) / p = c  (negative binomial mean)
    "count": lambda c, xs: int(c),  # an absolute count                 (nsample = 10)
    "share": lambda c, xs: int(round(c * sum(xs))),  # a share of the total   (nsample = total / 2)
    "total_minus": lambda c, xs: sum(xs) - int(c),  # total - c         (nsample = total - 10)
}


def _product(xs):
    out = 1
    for x in xs:
        out = out * x
    return out


def sweep(method, apis=BOTH, fixed=None, derive=None, skip=None, **axes):
    """One sweep line: every combination of ``axes`` values (a grid; one axis is a one-dimensional sweep).

    ``derive=(name, rule, of, constants, within, neighbours)`` adds parameter ``name`` computed by ``DERIVE[rule]``
    from each constant and the values of the ``of`` parameters, kept only ``within`` (low, high), and with its
    neighbouring doubles if ``neighbours``.  ``fixed`` parameters are passed as they are; a string "$x" inside a
    fixed value (e.g. a list) is replaced by the point's x.  ``skip={param: limit}`` drops the points where every
    listed parameter is at or below its limit (a region where old releases never return).
    """
    return {"method": method, "apis": tuple(apis), "axes": axes, "fixed": fixed or {}, "derive": derive,
            "skip": skip or {}}


def diagonal(method, name, rule, of, constants, within=None, neighbours=False, **kw):
    """A sweep whose parameter ``name`` keeps ``rule`` constant along the ``of`` axes (see ``sweep``)."""
    return sweep(method, derive=(name, rule, tuple(of), tuple(constants), within, neighbours), **kw)


SWEEPS = [
    # ---- one parameter: the lines the hand-picked regimes started from, at their fixed values -----------
    sweep("standard_gamma", shape=span(TINY, 1e300, (1.0,), extra=(0.0,))),
    sweep("beta", ("Generator",), a=span(1e-20, 1e300, (1.0,)), fixed={"b": "$a"}),
    sweep("beta", ("legacy",), a=span(1e-3, 1e300, (1.0,)), fixed={"b": "$a"}),
    sweep("beta", ("Generator",), a=span(1e-20, 1e300, (1.0,)), fixed={"b": 2.0}),
    sweep("beta", ("legacy",), a=span(1e-3, 1e300, (1.0,)), fixed={"b": 2.0}),
    sweep("binomial", p=span(TINY, 1.0, (0.3, 0.5), one_minus_ks=(1, 2, 4, 8, 12, 15, 16)), fixed={"n": 100}),
    sweep("binomial", p=span(TINY, 1.0, (3e-8, 0.5), one_minus_ks=(1, 2, 4, 8, 12, 15, 16)), fixed={"n": 10 ** 9}),
    sweep("binomial", n=int_span(1, 10 ** 18, (60, 61)), fixed={"p": 0.5}),
    sweep("poisson", lam=span(TINY, 1e18, (10.0,), extra=(0.0,))),
    sweep("geometric", p=span(TINY, 1.0, (1.0 / 3.0,), one_minus_ks=(1, 2, 4, 8, 12, 15, 16))),
    sweep("logseries", p=span(TINY, 0.9, one_minus_ks=(1, 2, 4, 8, 12, 15, 16), extra=(0.0,))),
    sweep("negative_binomial", p=span(1e-300, 1.0, one_minus_ks=(1, 2, 4, 8, 12, 15, 16)), fixed={"n": 5}),
    sweep("zipf", ("Generator",), a=span(10.0, 1000.0, (2.0,), extra=tuple(1 + 10.0 ** -k for k in (1, 3, 9)))),
    sweep("zipf", ("legacy",), a=span(10.0, 1000.0, (2.0,), extra=tuple(1 + 10.0 ** -k for k in (1, 3)))),
    sweep("vonmises", ("Generator",), kappa=span(TINY, 1e36, (1e-8, 1e-5, 1e6), extra=(0.0,)), fixed={"mu": 1.0}),
    sweep("vonmises", ("legacy",), kappa=span(TINY, 1e16, (1e-8, 1e-5), extra=(0.0,)), fixed={"mu": 1.0}),
    sweep("wald", scale=span(1e-300, 1e300), fixed={"mean": 1.0}),
    sweep("standard_t", df=span(1e-300, 1e300)),
    sweep("chisquare", df=span(1e-300, 1e300, (2.0,))),
    sweep("noncentral_chisquare", nonc=span(TINY, 1e300, extra=(0.0,)), fixed={"df": 3.0}),
    sweep("noncentral_chisquare", df=span(1e-300, 1e300, (1.0,)), fixed={"nonc": 2.0}),
    sweep("pareto", a=span(1e-300, 1e300)),
    sweep("power", a=span(1e-300, 1e300)),
    sweep("weibull", a=span(1e-300, 1e300, extra=(0.0,))),
    sweep("lognormal", sigma=span(1e-300, 1e300, extra=(0.0,)), fixed={"mean": 0.0}),
    sweep("dirichlet", ("Generator",), alpha=span(1e-20, 1e300, (0.1,)), fixed={"alpha": ["$alpha"] * 3}),
    sweep("dirichlet", ("legacy",), alpha=span(1e-300, 1e300, (0.1,)), fixed={"alpha": ["$alpha"] * 3}),
    sweep("hypergeometric", ("Generator",), nsample=int_span(1, 10 ** 8, (10,)), fixed={"ngood": 10 ** 8, "nbad": 10 ** 8}),
    sweep("hypergeometric", ("legacy",), nsample=int_span(1, 10 ** 8, (10, 11)), fixed={"ngood": 10 ** 8, "nbad": 10 ** 8}),
    # ---- two parameters: grids, diagonals of the C sources' combinations, their thresholds ------------------
    # binomial: n x p; n * p and n * (1 - p) held at the inversion/BTPE switch and either side of it
    sweep("binomial", n=int_decades(0, 18, 3), p=decades(-20, -2, 3) + (0.5,) + one_minus(2, 8, 16)),
    diagonal("binomial", "p", "product", ("n",), (0.1, 1.0, 10.0, 30.0, 1000.0), (0.0, 1.0), n=int_decades(0, 18)),
    diagonal("binomial", "p", "complement_product", ("n",), (1.0, 30.0), (0.5, 1.0), n=int_decades(0, 18)),
    diagonal("binomial", "p", "product", ("n",), (30.0,), (0.0, 1.0), True, n=(60, 1000, 10 ** 9, 10 ** 15)),
    sweep("binomial", n=(61, 10 ** 9), p=around(0.5)),
    # hypergeometric: populations x nsample at the HRUA switches (G: 10 and total - 10; L: 10 / 11) and shares
    diagonal("hypergeometric", "nsample", "count", ("ngood", "nbad"), (9, 10, 11), (0, 2 * 10 ** 9),
             ngood=int_decades(0, 8, 4) + (10 ** 9 - 1,), nbad=int_decades(0, 8, 4)),
    diagonal("hypergeometric", "nsample", "share", ("ngood", "nbad"), (0.5,), (0, 2 * 10 ** 9),
             ngood=int_decades(0, 8, 4) + (10 ** 9 - 1,), nbad=int_decades(0, 8, 4)),
    diagonal("hypergeometric", "nsample", "total_minus", ("ngood", "nbad"), (10, 9), (0, 2 * 10 ** 9), apis=("Generator",),
             ngood=int_decades(0, 8, 4) + (10 ** 9 - 1,), nbad=int_decades(0, 8, 4)),
    # legacy HRUA with a sample 9 or 10 short of a population of 1e8 or more takes ~0.4 s for 400 draws: slow but
    # finite, so on a loaded machine the watchdog would record "hangs" now and then; its populations stop at 1e4 bad
    diagonal("hypergeometric", "nsample", "total_minus", ("ngood", "nbad"), (10, 9), (0, 2 * 10 ** 9), apis=("legacy",),
             ngood=int_decades(0, 8, 4) + (10 ** 9 - 1,), nbad=int_decades(0, 4, 4)),
    # negative binomial: gamma shape n x p; the mean n (1 - p) / p at the Poisson PTRS switch and far above it
    sweep("negative_binomial", n=decades(-20, 20, 20) + around(1.0), p=decades(-20, -5, 5) + (0.5,) + one_minus(4, 16)),
    diagonal("negative_binomial", "p", "nb_mean", ("n",), (10.0, 1e6), (0.0, 1.0), n=decades(-20, 20, 5)),
    # beta: a x b (Johnk when both <= 1); both tiny never returns in old releases
    sweep("beta", ("Generator",), a=decades(-20, 20, 5), b=decades(-20, 20, 5), skip={"a": 1e-8, "b": 1e-8}),
    sweep("beta", ("legacy",), a=decades(-20, 20, 5), b=decades(-20, 20, 5), skip={"a": 1e-3, "b": 1e-3}),
    sweep("beta", a=around(1.0), b=(1e-3, 0.5, 1.0, 2.0)),
    # gamma: shape branches x scale
    sweep("gamma", shape=(1e-20, 0.5) + around(1.0) + (1e20,), scale=(1e-300, 1.0, 1e300)),
    # wald: mean x scale, and scale / mean held constant from 1e-300 to 1e300
    sweep("wald", mean=decades(-20, 20, 10), scale=decades(-20, 20, 10)),
    diagonal("wald", "scale", "ratio", ("mean",), (1e-8, 1.0, 1e8), (1e-300, 1e300), mean=decades(-300, 300, 100)),
    # vonmises: mu (wrapping) x kappa thresholds
    sweep("vonmises", ("Generator",), mu=(-PI, PI, 10.0),
          kappa=decades(-20, 30, 10) + around(1e-8, 1e-5, 1e6)),
    sweep("vonmises", ("legacy",), mu=(-PI, PI, 10.0), kappa=decades(-20, 10, 10) + around(1e-8, 1e-5)),
    # noncentral chi-square: df (around 1) x nonc (0; 20 = the Poisson PTRS switch)
    sweep("noncentral_chisquare", df=decades(-20, 20, 20) + around(1.0), nonc=(0.0,) + decades(-20, 20, 10)),
    sweep("noncentral_chisquare", df=(0.5, 1.0), nonc=around(20.0)),
    sweep("noncentral_f", dfnum=(1e-10,) + around(1.0) + (1e10,), dfden=(1.0, 1e10), nonc=(20.0, 1e10)),
    sweep("f", dfnum=(1e-300,) + decades(-20, 20, 20) + (1e300,), dfden=(1e-300,) + decades(-20, 20, 20) + (1e300,)),
    sweep("triangular", mode=(0.0,) + decades(-20, 0, 5), fixed={"left": 0.0, "right": 1.0}),
    # multinomial: n x the first category's p (one binomial per category)
    sweep("multinomial", n=int_decades(0, 18, 6), p=decades(-20, -2, 6), fixed={"pvals": ["$p", 0.0]}),
]


def _fill(template, point):
    if isinstance(template, str) and template.startswith("$"):
        return point[template[1:]]
    if isinstance(template, list):
        return [_fill(t, point) for t in template]
    return template


def _skipped(point, skip):
    return bool(skip) and all(point.get(k, math.inf) <= limit for k, limit in skip.items())


def line_points(line):
    """The parameter sets of one sweep line, in order: {parameter: value}, before ``fixed`` is applied."""
    names = list(line["axes"])
    combos = [{}]
    for name in names:
        combos = [dict(c, **{name: v}) for c in combos for v in line["axes"][name]]
    out = []
    for point in combos:
        if line["derive"] is None:
            candidates = [point]
        else:
            name, rule, of, constants, within, neighbours = line["derive"]
            candidates = []
            for c in constants:
                value = DERIVE[rule](c, [point[k] for k in of])
                values = around(value) if neighbours else (value,)
                candidates.extend(dict(point, **{name: v}) for v in values
                                  if within is None or within[0] <= v <= within[1])
        out.extend(p for p in candidates if not _skipped(p, line["skip"]))
    return out


def format_value(value):
    """Short, exact, readable: integers with trailing zeros as 1e9 / 3e10, floats by repr, lists as 3x0.1 or
    (1e-20,0.0) (a case id's regime is what follows its last "[", so it holds no brackets)."""
    if isinstance(value, list):
        if len(value) > 1 and all(v == value[0] for v in value):
            return "%dx%s" % (len(value), format_value(value[0]))
        return "(%s)" % ",".join(format_value(v) for v in value)  # no brackets: ids end at the last "["
    if isinstance(value, bool) or not isinstance(value, int):
        return repr(value)
    digits = str(abs(value))
    zeros = len(digits) - len(digits.rstrip("0"))
    if value and zeros >= 3:
        return "%s%se%d" % ("-" if value < 0 else "", digits[:len(digits) - zeros], zeros)
    return str(value)


def point_params(line, point):
    """The keyword arguments of one point: swept and derived values, then ``fixed`` (with "$x" filled in).

    A value that only fills a list (multinomial's ``pvals=["$p", 0.0]``) is not a keyword itself; one copied
    whole (beta's ``b="$a"``) is.
    """
    params = dict((k, v) for k, v in point.items() if k not in line["fixed"] and not _in_list(line, k))
    for k, template in line["fixed"].items():
        params[k] = _fill(template, point)
    return params


def _in_list(line, name):
    return any(isinstance(t, list) and _mentions(t, name) for t in line["fixed"].values())


def _mentions(template, name):
    if isinstance(template, list):
        return any(_mentions(t, name) for t in template)
    return template == "$" + name


def point_regime(params):
    """``sweep:n=1e9,p=3e-08``: parameters in alphabetical order, so two lines reaching a point name it alike."""
    return SWEEP_PREFIX + ",".join("%s=%s" % (k, format_value(params[k])) for k in sorted(params))


def line_label(line):
    """How a report names a sweep line: ``binomial n x p``, ``binomial p: n*p in {0.1, 1, ...} along n``."""
    axes = " x ".join(line["axes"])
    fixed = ", ".join("%s=%s" % (k, format_value(v) if not isinstance(v, (list, str)) else _template_text(v))
                      for k, v in sorted(line["fixed"].items()))
    text = "%s %s" % (line["method"], axes)
    if line["derive"] is not None:
        name, rule, of, constants, _, neighbours = line["derive"]
        text += "; %s by %s(%s) = %s%s" % (name, rule, ",".join(of), "/".join(format_value(c) for c in constants),
                                          " and neighbouring doubles" if neighbours else "")
    if fixed:
        text += "; " + fixed
    if line["apis"] != BOTH:
        text += " (%s)" % "/".join(line["apis"])
    return text


def _template_text(template):
    if isinstance(template, list):
        return "[%s]" % ",".join(_template_text(t) for t in template)
    return str(template) if isinstance(template, str) else format_value(template)


def is_grid(line):
    """Two or more parameters varying together (a grid or a diagonal), as opposed to a one-parameter sweep."""
    return len(line["axes"]) + (line["derive"] is not None) >= 2


def sweep_cases(sweeps=None):
    """Every sweep point once, as {id-less case fields} with the labels of every line that reaches it.

    Returns a list of (target, method, regime, params, labels) in line order; a point two lines reach is listed
    at its first line, with both labels.
    """
    found = {}
    order = []
    for line in SWEEPS if sweeps is None else sweeps:
        label = line_label(line)
        for api in line["apis"]:
            target = SWEEP_TARGETS[api]
            for point in line_points(line):
                params = point_params(line, point)
                key = (target, line["method"], point_regime(params))
                if key not in found:
                    found[key] = (dict(params, size=SWEEP_N), [])
                    order.append(key)
                if label not in found[key][1]:
                    found[key][1].append(label)
    return [key + found[key] for key in order]


def sweep_lines(sweeps=None):
    """Sweep points as ordinary catalogue lines."""
    return [(target, method, regime, params) for target, method, regime, params, _ in sweep_cases(sweeps)]


def sweep_origins(sweeps=None):
    """{case id: [labels of the sweep lines reaching it]}: which line found a change."""
    return dict((case_id(t, m, r), labels) for t, m, r, _, labels in sweep_cases(sweeps))


def one_dimensional_through(case, sweeps=None):
    """Labels of the one-parameter lines that pass through this case's point: same method and API, every
    parameter but the swept one at the line's fixed value.  Such a line *could* have found a change there
    with a finer grid; ``reached`` says whether its grid actually holds the point."""
    out = []
    api = next(a for a, t in SWEEP_TARGETS.items() if t == case["target"])
    for line in SWEEPS if sweeps is None else sweeps:
        if line["method"] != case["method"] or api not in line["apis"] or is_grid(line):
            continue
        (swept,) = list(line["axes"])
        sample = point_params(line, {swept: case["params"].get(swept, 1.0)})
        others = dict((k, v) for k, v in sample.items() if not _mentions_any(line, k, swept))
        given = dict((k, v) for k, v in case["params"].items() if k != "size")
        if set(given) == set(sample) and all(given.get(k) == v for k, v in others.items()) \
                and _consistent(line, swept, given):
            out.append(line_label(line))
    return out


def _mentions_any(line, key, swept):
    return key == swept or _mentions(line["fixed"].get(key), swept)


def _consistent(line, swept, given):
    """Parameters filled from the swept value (beta's b = "$a") must agree with it."""
    value = given.get(swept)
    if value is None:
        for k, template in line["fixed"].items():
            if _mentions(template, swept) and isinstance(given.get(k), list) and given[k]:
                value = given[k][0]
    sample = point_params(line, {swept: value})
    return all(given.get(k) == v for k, v in sample.items())


def case_id(target, method, regime):
    return "%s.%s[%s]" % (target, method, regime)


def expand(lines=None, sweeps=None):
    """The concrete cases, in catalogue order (hand-picked regimes, then sweeps), each with a unique id."""
    cases = []
    seen = set()
    all_lines = (CASES if lines is None else lines) + (sweep_lines(sweeps) if lines is None or sweeps else [])
    for line in all_lines:
        if len(line) not in (4, 5):
            raise ValueError("catalogue line needs 4 or 5 fields: %r" % (line,))
        target, method, regime, params = line[:4]
        setup = line[4] if len(line) == 5 else {}
        for concrete in GROUPS.get(target, (target,)):
            cid = case_id(concrete, method, regime)
            if cid in seen:
                raise ValueError("duplicate case id %s" % cid)
            seen.add(cid)
            cases.append({"id": cid, "target": concrete, "method": method, "regime": regime,
                          "params": params, "seed": setup.get("seed", SEED)})
    return cases


def digest(lines=None):
    """A short hash of the expanded catalogue: records made from different catalogues do not mix."""
    text = json.dumps(expand(lines), sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
