"""The main job's asv cells (``benchmarks/main.toml``): a named, representative subset of the suite.

The full suite -- every workload x strategy x layer x dataset in two
environments -- took 11.4 min with asv ``--quick`` (one sample a cell) on a
2-core machine, so it cannot be part of a main job of 10 minutes, and one
sample gives no interval.  The main job runs the cells listed in
``benchmarks/main.toml`` instead, each with enough samples for an interval
(``samples``); ``rngbench bench run --full`` runs everything (the nightly).

asv selects parameter combinations with ``--bench`` regexes matched against
``name(param1, param2, ...)`` (asv's own spelling, values as ``repr``), so each
cell becomes one exact regex per combination.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from rngbench.bench.job import BENCHMARKS
from rngbench.bench.suite import CLASS_SUFFIX, LAYER_PARAM_NAMES
from rngbench.errors import RngbenchError

MAIN = BENCHMARKS / "main.toml"
ENVIRONMENTS = ("every", "newest")


class CellsError(RngbenchError):
    """``benchmarks/main.toml`` is not what the main job can run."""


@dataclass(frozen=True)
class Cell:
    benchmark: str  # bench_<file>.<Class>.<method>
    environments: str  # "every" or "newest"
    values: dict[str, list]  # parameter -> values, in the class's parameter order
    why: str

    @property
    def layer(self) -> str:
        cls = self.benchmark.split(".")[-2]
        return next(layer for layer, suffix in CLASS_SUFFIX.items() if cls.endswith(suffix))

    def names(self) -> list[str]:
        """asv's names of every combination: ``bench_x.Class.time_run('pbmc68k_reduced', 'per_cell', 'legacy')``."""
        combos = itertools.product(*self.values.values())
        return [f"{self.benchmark}({', '.join(repr(v) for v in combo)})" for combo in combos]


@dataclass(frozen=True)
class MainCells:
    samples: int
    cells: tuple[Cell, ...]

    def regexes(self, newest: bool) -> list[str]:
        """asv ``--bench`` regexes for one environment (the newest runs the ``newest`` cells too)."""
        return [f"^{re.escape(name)}$" for cell in self.cells if newest or cell.environments == "every"
                for name in cell.names()]

    def selects(self, benchmark: str, values: tuple) -> bool:
        """Whether the main job ran ``benchmark`` at these parameter values (compared as text)."""
        return any(cell.benchmark == benchmark
                   and all(str(v) in map(str, allowed) for v, allowed in zip(values, cell.values.values()))
                   for cell in self.cells)

    def workloads(self) -> list[str]:
        """The workloads the cells time (what asv's fork server needs to JIT-warm)."""
        return sorted({cell.benchmark.split(".")[0].removeprefix("bench_") for cell in self.cells})


def load(path: Path = MAIN) -> MainCells:
    try:
        doc = tomllib.loads(Path(path).read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CellsError(f"{path}: {exc}") from None
    cells = []
    for i, entry in enumerate(doc.get("cell", []), 1):
        try:
            benchmark, environments = entry["benchmark"], entry.get("environments", "every")
            layer = next(layer for layer, suffix in CLASS_SUFFIX.items()
                         if benchmark.split(".")[-2].endswith(suffix))
        except (KeyError, IndexError, StopIteration, AttributeError):
            raise CellsError(f"{path}: cell {i} needs a benchmark bench_<file>.<Class><Layer>.<method>") from None
        names = LAYER_PARAM_NAMES[layer]
        if environments not in ENVIRONMENTS or set(entry) - {*names, "benchmark", "environments", "why"} \
                or any(not isinstance(entry.get(n), list) or not entry[n] for n in names):
            raise CellsError(f"{path}: cell {i} ({benchmark}) needs a list for each of {', '.join(names)} "
                             f"and environments one of {', '.join(ENVIRONMENTS)}")
        cells.append(Cell(benchmark, environments, {n: entry[n] for n in names}, entry.get("why", "")))
    if not cells or not isinstance(doc.get("samples"), int) or doc["samples"] < 2:
        raise CellsError(f"{path}: needs [[cell]] tables and samples >= 2")
    return MainCells(doc["samples"], tuple(cells))


def markdown_list(main: MainCells) -> list[str]:
    """The cells as the report lists them (what the main job ran)."""
    out = []
    for cell in main.cells:
        params = "; ".join(f"{k} {', '.join(map(str, v))}" for k, v in cell.values.items())
        where = "each scanpy version" if cell.environments == "every" else "the newest scanpy's environment"
        out.append(f"- `{cell.benchmark}` — {params} — in {where}: {cell.why}")
    return out
