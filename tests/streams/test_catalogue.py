"""The catalogue covers every public method, and the recorder stays runnable on Python 3.7."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from rngbench.streams import catalogue

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
    sized = [c for c in cases if isinstance(c["params"].get("size"), int) and c["target"].startswith(("Generator[", "RandomState", "np.random"))]
    assert sized and sum(c["params"]["size"] >= catalogue.N for c in sized) / len(sized) > 0.8


def test_duplicate_ids_are_rejected():
    with pytest.raises(ValueError, match="duplicate"):
        catalogue.expand([("legacy", "normal", "x", {}), ("legacy", "normal", "x", {})])


@pytest.mark.parametrize("module", ["record.py", "catalogue.py"])
def test_standalone_modules_parse_as_python_37(module):
    source = (STREAMS / module).read_text()
    ast.parse(source, feature_version=(3, 7))
    tree = ast.parse(source)
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    allowed = {"numpy", "catalogue", "__future__", "ctypes", "hashlib", "json", "os", "platform", "shutil", "sys",
               "tempfile", "warnings"}
    assert imported <= allowed, f"{module} imports {sorted(imported - allowed)}"
