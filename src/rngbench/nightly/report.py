"""``reports/nightly/``: the matrix's cells, the budgets per numpy version, and strategy times across versions.

Every table goes through :func:`rngbench.util.markdown.table`, every name
from a result through :func:`rngbench.util.markdown.code`.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path

from packaging.version import Version

from rngbench import budgets
from rngbench.asvio.driver import machine_info
from rngbench.asvio.results import Measurement
from rngbench.util import atomic
from rngbench.util.markdown import code, table


def timing_key(m: Measurement) -> tuple[str, str, str] | None:
    """(benchmark label without strategy, strategy, "numpy X / scanpy Y") of a time_ measurement with a value."""
    if ".time_" not in m.benchmark or m.value is None or math.isnan(m.value):
        return None
    params = m.param_values
    strategy = params.pop("strategy", "-")
    label = m.benchmark + ("(" + ", ".join(f"{k}={v}" for k, v in params.items()) + ")" if params else "")
    versions = budgets.env_versions(m)
    scanpy = f" / scanpy {versions['scanpy']}" if "scanpy" in versions else ""
    return label, strategy, f"numpy {versions.get('numpy', '?')}{scanpy}"


def timing_table(measurements: list[Measurement]) -> dict:
    """{benchmark label without strategy: {strategy: {"numpy/scanpy": median seconds}}} for time_ benchmarks."""
    out: dict = defaultdict(lambda: defaultdict(dict))
    for m in measurements:
        if (key := timing_key(m)) is not None:
            label, strategy, column = key
            out[label][strategy][column] = m.value
    return {k: {s: dict(v) for s, v in d.items()} for k, d in out.items()}


def column_key(column: str):
    parts = column.replace("numpy ", "").replace(" / scanpy ", " ").split()
    return tuple(Version(p) if p != "?" else Version("0") for p in parts)


def write_report(out: Path, statuses: list[dict], measurements: list[Measurement], checks: list[dict]) -> list[Path]:
    """reports/nightly/: README.md, nightly.json and one PNG per benchmark (strategy times across versions)."""
    out.mkdir(parents=True, exist_ok=True)
    timings = timing_table(measurements)
    written: list[Path] = []
    plots = _plots(out, timings)
    written += plots

    cells = [[code(s["cell"]), s.get("status"), code(s.get("numpy")), code(s.get("scanpy") or "-"),
              code(s.get("error", ""))] for s in sorted(statuses, key=lambda s: s["cell"])]
    budget_rows = [[code(c["numpy"]), code(c["budget"]), code(c["row"]),
                    "n/a" if c["ratio"] is None else f"{c['ratio']:.2f}", f"{c['max']:g}", c["status"]]
                   for c in checks]
    lines = ["# Nightly benchmark matrix", "", "## Cells (numpy × scanpy)", "",
             table(["cell", "status", "numpy", "scanpy", "detail"], cells), "",
             "## Overhead budgets (per numpy version; ratios within one run)", "",
             table(["numpy", "budget", "measurement", "ratio", "limit", "result"], budget_rows, "lllrrl"), "",
             "## Time per strategy across versions (medians)", ""]
    for label, by_strategy in sorted(timings.items()):
        columns = sorted({col for d in by_strategy.values() for col in d}, key=column_key)
        rows = [[code(strategy), *(_fmt(values.get(col)) for col in columns)]
                for strategy, values in sorted(by_strategy.items())]
        lines += [f"### {code(label)}", "", table(["strategy", *columns], rows, "l" + "r" * len(columns)), ""]
    for plot in plots:
        lines.append(f"![{plot.stem}]({plot.name})")
    machine = machine_info()
    if machine:
        lines += ["", "Machine: " + ", ".join(f"{k} {code(v)}" for k, v in sorted(machine.items())) + "."]
    md = out / "README.md"
    atomic.write_text(md, "\n".join(lines) + "\n")
    doc = {"schema": 1, "cells": statuses, "budgets": checks, "timings": timings, "machine": machine}
    js = out / "nightly.json"
    atomic.write_text(js, json.dumps(doc, indent=1, sort_keys=True) + "\n")
    return [md, js, *written]


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    from asv.util import human_value

    return human_value(value, "seconds")


def _plots(out: Path, timings: dict) -> list[Path]:
    """One PNG per benchmark: a panel per parameter combination, a line per strategy, versions along x."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    by_benchmark: dict[str, list[str]] = defaultdict(list)
    for label in timings:
        by_benchmark[label.split("(")[0]].append(label)
    paths = []
    for benchmark, labels in sorted(by_benchmark.items()):
        labels = sorted(labels)
        fig, axes = plt.subplots(len(labels), 1, figsize=(8, 2.6 * len(labels)), squeeze=False)
        for ax, label in zip(axes[:, 0], labels):
            by_strategy = timings[label]
            columns = sorted({c for d in by_strategy.values() for c in d}, key=column_key)
            for strategy, values in sorted(by_strategy.items()):
                ys = [values.get(c, float("nan")) for c in columns]
                ax.plot(range(len(columns)), ys, marker="o", label=strategy)
            ax.set_xticks(range(len(columns)), [c.replace(" / ", "\n") for c in columns], fontsize=7)
            ax.set_yscale("log")
            ax.set_ylabel("seconds (median)")
            ax.set_title(label[len(benchmark):] or benchmark, fontsize=8)
            ax.legend(fontsize=7)
        fig.suptitle(benchmark, fontsize=9)
        fig.tight_layout()
        path = out / f"{benchmark.replace('/', '_')}.png"
        with atomic.replacing(path) as tmp:
            fig.savefig(tmp, dpi=90)
        plt.close(fig)
        paths.append(path)
    return paths
