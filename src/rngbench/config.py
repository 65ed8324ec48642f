"""The one typed loader for the project's TOML files: ``benchmarks/matrix.toml`` and ``benchmarks/budgets.toml``.

Each file's shape is declared once, as data (:data:`COMPARE_KEYS`,
:data:`NIGHTLY_KEYS`, :data:`BUDGET_KEYS`: key -> expected type and
default), and read by one function, so every mistake is reported the same
way -- one line naming the file, the key and the type it should have -- and
no caller ever sees a half-checked value.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from rngbench.errors import RngbenchError
from rngbench.util.inputs import InputError, read_text


class ConfigError(RngbenchError):
    """A one-line reason why a configuration file cannot be used (file, key, expected type)."""


REQUIRED = object()  # a default meaning "the key must be given"

STRINGS = "a list of strings"
STRING_TABLE = 'a table of strings, e.g. { strategy = "spawn" }'
POSITIVE = "a positive finite number"
VERSION = "a version, e.g. '2.0'"
VERSIONS = "a list of versions, e.g. ['1.12.4']"

COMPARE_KEYS = {"requirements": (STRINGS, ()), "python": (str, ">=3.12")}
NIGHTLY_KEYS = {"numpy_from": (VERSION, "2.0"), "numpy": (VERSIONS, ()), "scanpy": (VERSIONS, ()),
                "python": (str, ">=3.12"), "bench": (STRINGS, ())}
BUDGET_KEYS = {"name": (str, REQUIRED), "benchmark": (str, REQUIRED), "numerator": (STRING_TABLE, REQUIRED),
               "denominator": (STRING_TABLE, REQUIRED), "max": (POSITIVE, REQUIRED), "where": (STRING_TABLE, {}),
               "why": (str, "")}


def _fits(value: object, expected: object) -> bool:
    if expected is str:
        return isinstance(value, str)
    if expected == STRINGS:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if expected == VERSION:
        return isinstance(value, str) and is_version(value)
    if expected == VERSIONS:
        return isinstance(value, list) and all(isinstance(v, str) and is_version(v) for v in value)
    if expected == STRING_TABLE:
        return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    if expected == POSITIVE:
        return (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
                and value > 0)
    raise AssertionError(f"unknown expected type {expected!r}")


def _type_name(expected: object) -> str:
    return "a string" if expected is str else str(expected)


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(read_text(path))
    except InputError as exc:  # missing, a folder or a FIFO, not UTF-8
        raise ConfigError(str(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def typed_table(doc: object, keys: dict, where: str) -> dict:
    """``doc`` checked against ``keys`` (name -> (expected type, default)); defaults filled in."""
    if not isinstance(doc, dict):
        raise ConfigError(f"{where}: expected a table")
    unknown = sorted(set(doc) - set(keys))
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(keys))})")
    out = {}
    for key, (expected, default) in keys.items():
        if key not in doc:
            if default is REQUIRED:
                raise ConfigError(f"{where}: missing {key!r} ({_type_name(expected)})")
            out[key] = default
            continue
        value = doc[key]
        if not _fits(value, expected):
            raise ConfigError(f"{where}: {key!r} must be {_type_name(expected)} (got {value!r})")
        out[key] = tuple(value) if expected in (STRINGS, VERSIONS) else value
    return out


# ----------------------------------------------------------------------------- matrix.toml


@dataclass(frozen=True)
class CompareDefaults:
    """``[compare]``: both sides' requirements and Python unless a side pins a package itself."""

    requirements: tuple[str, ...] = ()
    python: str = ">=3.12"


@dataclass(frozen=True)
class NightlyMatrix:
    """``[nightly]``: numpy release series from ``numpy_from`` (or the explicit ``numpy``) x ``scanpy``."""

    numpy_from: str = "2.0"
    numpy: tuple[str, ...] = ()  # explicit versions instead of asking the package index
    scanpy: tuple[str, ...] = ()
    python: str = ">=3.12"
    bench: tuple[str, ...] = ()


def load_compare_defaults(path: Path) -> CompareDefaults:
    """``[compare]`` of a matrix file; no file or no table means the defaults."""
    if not Path(path).exists():
        return CompareDefaults()
    doc = _read(path).get("compare", {})
    return CompareDefaults(**typed_table(doc, COMPARE_KEYS, f"{path}: [compare]"))


def load_nightly_matrix(path: Path) -> NightlyMatrix:
    doc = _read(path)
    if "nightly" not in doc:
        raise ConfigError(f"{path}: no [nightly] table")
    return NightlyMatrix(**typed_table(doc["nightly"], NIGHTLY_KEYS, f"{path}: [nightly]"))


# ----------------------------------------------------------------------------- budgets.toml


@dataclass(frozen=True)
class Budget:
    """One ``[[budget]]``: ``numerator / denominator <= max`` on the measurements of ``benchmark``."""

    name: str
    benchmark: str
    numerator: dict[str, str]
    denominator: dict[str, str]
    max: float
    where: dict[str, str] = field(default_factory=dict)
    why: str = ""

    @property
    def selector_keys(self) -> set[str]:
        return set(self.numerator) | set(self.denominator) | set(self.where)


def load_budgets(path: Path) -> list[Budget]:
    """Every ``[[budget]]`` of a budgets file, checked; any mistake is one line naming the budget and the key."""
    entries = _read(path).get("budget")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{path}: no [[budget]] tables")
    budgets = []
    for i, entry in enumerate(entries, 1):
        name = entry.get("name", "unnamed") if isinstance(entry, dict) else "unnamed"
        values = typed_table(entry, BUDGET_KEYS, f"{path}: budget {i} ({name})")
        if values["numerator"] == values["denominator"]:
            raise ConfigError(f"{path}: budget {i} ({name}): numerator and denominator select the same measurement")
        values["max"] = float(values["max"])
        for side in ("numerator", "denominator", "where"):
            for key, value in values.get(side, {}).items():
                if key.startswith("env.") and value not in ("newest", "previous") and not is_version(value):
                    raise ConfigError(f"{path}: budget {i} ({name}): {side}.{key} must be 'newest', 'previous' or a "
                                      f"version, got {value!r}")
        budgets.append(Budget(**values))
    return budgets


VERSION_PATTERN = re.compile(r"[0-9][0-9A-Za-z.+!_-]*")
"""What a version from a file or the command line may contain: no whitespace (which ``packaging`` would strip),
no ``/``; ``..`` is refused too.  Versions become parts of paths and environment names."""


def is_version(text: str) -> bool:
    """``text`` is a version ``packaging`` reads, with nothing around it and nothing a path would interpret."""
    from packaging.version import InvalidVersion, Version

    if not VERSION_PATTERN.fullmatch(text) or ".." in text:
        return False
    try:
        Version(text)
    except InvalidVersion:
        return False
    return True
