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
    ("Generator", "bytes", "length-1001", {"length": 1001}),
    ("Generator", "integers", "int64-small-range", {"low": 0, "high": 10, "size": N}),
    # ---- Generator: distributions -------------------------------------------------------------------
    ("Generator", "normal", "standard", {"loc": 0.0, "scale": 1.0, "size": N}),
    ("Generator", "binomial", "inversion-small-mean", {"n": 10, "p": 0.3, "size": N}),
    ("Generator", "binomial", "btpe-large-mean", {"n": 1000, "p": 0.4, "size": N}),
    ("Generator", "shuffle", "1d", {POSITIONAL: [{ARANGE: 1000}]}),
    ("Generator", "permuted", "2d-axis-1", {POSITIONAL: [{ARANGE: [100, 50]}], "axis": 1}),
    # ---- legacy RandomState and np.random.* ---------------------------------------------------------
    ("legacy", "random_sample", "float64", {"size": N}),
    ("legacy", "randint", "int64-small-range", {"low": 0, "high": 10, "size": N}),
    ("legacy", "normal", "standard", {"loc": 0.0, "scale": 1.0, "size": N}),
    ("legacy", "binomial", "inversion-small-mean", {"n": 10, "p": 0.3, "size": N}),
    ("legacy", "binomial", "btpe-large-mean", {"n": 1000, "p": 0.4, "size": N}),
    ("legacy", "shuffle", "1d", {POSITIONAL: [{ARANGE: 1000}]}),
]


def case_id(target, method, regime):
    return "%s.%s[%s]" % (target, method, regime)


def expand(lines=None):
    """The concrete cases, in catalogue order, each with a unique id."""
    cases = []
    seen = set()
    for line in CASES if lines is None else lines:
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
