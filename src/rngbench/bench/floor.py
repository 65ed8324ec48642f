"""Distance from the floor: how far each downsampling call is from the cost of its random draws alone.

Downsampling a cell to ``target`` counts needs at least ``target`` bounded
random integers (one per count kept), so a call's floor is *draws needed x
time per bounded draw of the bit generator*.  The time per draw is measured
in the benchmark environment itself, in the same run as the figures it is
compared with (a 2-core shared machine changes speed by tens of percent
between runs), by :data:`SNIPPET`: the fastest of several blocks of a million
bounded draws (process CPU time, the suite's clock), for ``Generator(PCG64).integers`` (the ``rng=`` paths) and
``RandomState(MT19937).randint`` (the legacy path).  The report shows each
measured time as a multiple of its floor: a multiple near 1 means the draws
are the call; a large one means the time goes elsewhere (per-cell seeding,
Python overhead per cell, sorting, the redistribution).
"""

from __future__ import annotations

import json
import subprocess

import numpy as np

from rngbench.bench import datasets
from rngbench.bench.workloads import downsample

SNIPPET = r"""
import json, time
import numpy as np
n, best = 1_000_000, {}
makers = {"Generator(PCG64).integers": lambda: np.random.Generator(np.random.PCG64(0)).integers,
          "RandomState(MT19937).randint": lambda: np.random.RandomState(0).randint}
for name, make in makers.items():
    draw = make()
    draw(0, 1000, size=1000)
    times = []
    for _ in range(7):
        t = time.process_time(); draw(0, 1000, size=n); times.append(time.process_time() - t)
    best[name] = min(times) / n * 1e9
print(json.dumps(best))
"""
"""Run by the environment's interpreter: ns per bounded draw (range 1000, the order of a cell's counts)."""

BIT_GENERATOR = {"legacy": "RandomState(MT19937).randint"}  # every other strategy draws from a Generator
DEFAULT_GENERATOR = "Generator(PCG64).integers"


def draws_needed(dataset: str, case: str) -> int:
    """Bounded draws a downsampling case needs at least: the counts kept, summed over the cells drawn down."""
    inp = downsample.inputs(datasets.load(dataset), case)
    if inp["kind"] == "total":
        return int(inp["target"])
    totals = np.asarray(inp["x"].sum(axis=1)).ravel()
    return int(inp["target"]) * int((totals > inp["target"]).sum())


def ns_per_draw(python: str) -> dict[str, float]:
    out = subprocess.run([str(python), "-c", SNIPPET], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def measure(python: str, dataset_names) -> dict:
    """The floor inputs of one run: ns per draw in the environment, draws needed per dataset and case."""
    return {
        "ns_per_draw": ns_per_draw(python),
        "draws": {f"{d}/{c}": draws_needed(d, c) for d in dataset_names for c in downsample.CASES},
    }


def rows(floor: dict, measured: dict[tuple, float]) -> list[list[str]]:
    """``layer | case | dataset | strategy | threads | draws needed | floor | measured | multiple`` per measured time.

    ``measured``: (layer, dataset, case, strategy, threads) -> seconds per call; ``threads`` is "" for the
    single-threaded reference layer.  Every layer is held to the same floor: the draws it cannot avoid.
    """
    out = []
    for (layer, dataset, case, strategy, threads), seconds in sorted(measured.items(), key=_order):
        draws = floor["draws"].get(f"{dataset}/{case}")
        if draws is None or not seconds:
            continue
        ns = floor["ns_per_draw"][BIT_GENERATOR.get(strategy, DEFAULT_GENERATOR)]
        floor_s = draws * ns * 1e-9
        out.append([LAYER_NAMES.get(layer, layer), case, dataset, strategy, str(threads or "1"), f"{draws:,}",
                    f"{floor_s * 1e3:.3g} ms", f"{seconds * 1e3:.3g} ms", f"{seconds / floor_s:,.0f}×"])
    return out


def _order(item) -> tuple:
    (layer, dataset, case, strategy, threads), _ = item
    return (case, dataset, list(LAYER_NAMES).index(layer) if layer in LAYER_NAMES else 9, strategy, str(threads))


LAYER_NAMES = {"reference": "reference kernel (numpy, one Generator object per stream)",
               "numba": "numba kernel (rngbench.keyed, parallel)"}
HEADER = ["layer", "case", "dataset", "strategy", "threads", "draws needed", "raw-draw floor", "measured",
          "multiple of the floor"]
