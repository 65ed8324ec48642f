"""The catalogue covers every public method, and the recorder stays runnable on Python 3.7."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pytest

from rngbench.streams.recorder import catalogue

STREAMS = Path(catalogue.__file__).parent
NOT_DRAWS = {"get_state", "set_state", "seed", "get_bit_generator", "set_bit_generator", "default_rng"}


def methods_of(target_prefix: str) -> set[str]:
    return {c["method"] for c in catalogue.expand() if c["target"].startswith(target_prefix)}


def public(obj) -> set[str]:
    return {n for n in dir(obj) if not n.startswith("_") and callable(getattr(obj, n))}


def test_every_generator_method_is_covered():
    missing = public(np.random.Generator) - {"bit_generator"} - methods_of("Generator[")
    assert not missing, f"Generator methods without a case: {sorted(missing)}"


def test_both_bit_generators_under_generator():
    assert methods_of("Generator[PCG64]") == methods_of("Generator[MT19937]")


def test_every_randomstate_method_is_covered():
    missing = public(np.random.RandomState) - NOT_DRAWS - methods_of("RandomState")
    assert not missing, f"RandomState methods without a case: {sorted(missing)}"


def test_every_np_random_function_is_covered():
    functions = {n for n in np.random.__all__ if n[0].islower() and callable(getattr(np.random, n))}
    missing = functions - NOT_DRAWS - methods_of("np.random")
    assert not missing, f"np.random functions without a case: {sorted(missing)}"


def test_every_bit_generator_is_covered():
    for bg in catalogue.BIT_GENERATORS:
        assert {"random_raw", "state", "jumped", "advance"} <= methods_of(bg)
    assert {"generate_state", "spawn"} <= methods_of("SeedSequence")


def test_ids_are_unique_and_distributions_draw_enough():
    cases = catalogue.expand()
    assert len({c["id"] for c in cases}) == len(cases)
    sized = [c for c in cases if isinstance(c["params"].get("size"), int)
             and c["target"].startswith(("Generator[", "RandomState", "np.random")) and "sweep:" not in c["regime"]]
    assert sized and sum(c["params"]["size"] >= catalogue.N for c in sized) / len(sized) > 0.8


def test_duplicate_ids_are_rejected():
    with pytest.raises(ValueError, match="duplicate"):
        catalogue.expand([("legacy", "normal", "x", {}), ("legacy", "normal", "x", {})])


def test_next_double_matches_math_nextafter():
    for x in (0.0, catalogue.TINY, 1.0 / 3.0, 0.1, 1.0, 1e-8, 1e300, -2.5):
        assert catalogue.next_double(x, True) == math.nextafter(x, math.inf)
        assert catalogue.next_double(x, False) == math.nextafter(x, -math.inf)


def test_one_parameter_span_has_range_ends_decades_and_both_sides_of_each_threshold():
    points = catalogue.span(catalogue.TINY, 1.0, (1.0 / 3.0,), one_minus_ks=(1, 2, 4, 8, 12, 15, 16))
    assert list(points) == sorted(set(points))
    assert points[0] == catalogue.TINY and points[-1] == 1.0
    third = 1.0 / 3.0
    assert {math.nextafter(third, 0.0), third, math.nextafter(third, 1.0)} <= set(points)
    assert 1e-4 in points and 1e-304 in points and 1e-20 in points  # every SWEEP_DECADE_STEP, and the inner range
    assert 1.0 - 1e-16 in points  # approaching 1 from below: where 1 - p cancels
    ints = catalogue.int_span(1, 10 ** 18, (60,))
    assert {59, 60, 61, 1, 10 ** 18} <= set(ints) and all(isinstance(p, int) for p in ints)


def test_sweeps_expand_to_readable_unique_cases():
    cases = [c for c in catalogue.expand() if c["regime"].startswith(catalogue.SWEEP_PREFIX)]
    ids = {c["id"] for c in cases}
    assert "Generator[PCG64].binomial[sweep:n=100,p=0.5]" in ids
    assert "RandomState.poisson[sweep:lam=10.0]" in ids
    one = next(c for c in cases if c["id"] == "Generator[PCG64].beta[sweep:a=1.0,b=1.0]")
    assert one["params"] == {"a": 1.0, "b": 1.0, "size": catalogue.SWEEP_N}
    assert all(c["params"]["size"] == catalogue.SWEEP_N for c in cases)
    methods = {(c["target"], c["method"]) for c in cases}
    assert len(methods) >= 38  # every distribution with a real shape parameter, on both APIs


@pytest.mark.parametrize("module", ["record.py", "catalogue.py", "fingerprint.py", "__main__.py"])
def test_standalone_modules_parse_as_python_37(module):
    source = (STREAMS / module).read_text()
    ast.parse(source, feature_version=(3, 7))
    tree = ast.parse(source)
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    allowed = {"numpy", "catalogue", "fingerprint", "record", "__future__", "ctypes", "hashlib", "importlib", "json",
               "math", "os", "pickle", "platform", "select", "shutil", "signal", "struct", "subprocess", "sys",
               "tempfile", "time", "warnings"}
    assert imported <= allowed, f"{module} imports {sorted(imported - allowed)}"
