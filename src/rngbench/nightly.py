"""The nightly run: new numpy releases into the golden store, the numpy x scanpy benchmark matrix, budgets, report.

The matrix is data (``[nightly]`` in ``benchmarks/matrix.toml``): for every
numpy release series from ``numpy_from`` on, the newest release of the
series (a pre-release while the series has none final), crossed with each
listed scanpy.  One *cell* is one environment and one asv run; its results
go to ``<results>/<cell>/`` with a ``cell.json`` written last, so a run that
was stopped resumes at the first unfinished cell and CI can run one series
per job and merge the directories afterwards.  Budgets are checked per
numpy version, since "newest scanpy / previous scanpy" must pair runs on
the same numpy.
"""

from __future__ import annotations

import json
import math
import tomllib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

from . import asvrun, atomic, budgets, envs, sides
from .benchresults import Measurement, read_results

CELL_FILE = "cell.json"


class NightlyError(RuntimeError):
    """A one-line reason why the nightly run cannot go on."""


@dataclass(frozen=True)
class Matrix:
    numpy_from: str = "2.0"
    numpy: tuple[str, ...] = ()  # explicit versions instead of asking the package index
    scanpy: tuple[str, ...] = ()
    python: str = ">=3.12"
    bench: tuple[str, ...] = ()


def load_matrix(path: Path) -> Matrix:
    try:
        doc = tomllib.loads(Path(path).read_text()).get("nightly")
    except FileNotFoundError:
        raise NightlyError(f"no matrix file at {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise NightlyError(f"{path}: {exc}") from None
    if not isinstance(doc, dict):
        raise NightlyError(f"{path}: no [nightly] table")
    unknown = set(doc) - {"numpy_from", "numpy", "scanpy", "python", "bench"}
    if unknown:
        raise NightlyError(f"{path}: unknown key {sorted(unknown)[0]!r} in [nightly]")
    return Matrix(str(doc.get("numpy_from", "2.0")), tuple(doc.get("numpy", ())), tuple(doc.get("scanpy", ())),
                  str(doc.get("python", ">=3.12")), tuple(doc.get("bench", ())))


def series_of(version: str) -> str:
    v = Version(version)
    return f"{v.major}.{v.minor}"


def newest_per_series(versions: list[str], oldest: str) -> dict[str, str]:
    """{series: newest release}, a final release preferred over any pre-release of the same series."""
    best: dict[str, Version] = {}
    for text in versions:
        v = Version(text)
        if v < Version(oldest) or v.is_devrelease:
            continue
        s = series_of(text)
        current = best.get(s)
        # a final release outranks every pre-release of its series; then the newest wins
        if current is None or (not v.is_prerelease, v) > (not current.is_prerelease, current):
            best[s] = v
    return {s: str(v) for s, v in sorted(best.items(), key=lambda kv: Version(kv[0]))}


def numpy_versions(matrix: Matrix) -> dict[str, str]:
    """The numpy of each series: the matrix's explicit list, or the package index (pre-releases included)."""
    if matrix.numpy:
        return newest_per_series(list(matrix.numpy), "0")
    from .streams import matrix as mx

    try:
        index = mx.fetch_index()
    except mx.MatrixError as exc:
        raise NightlyError(str(exc)) from None
    return newest_per_series(list(mx.releases(index, oldest=matrix.numpy_from, pre=True)), matrix.numpy_from)


@dataclass(frozen=True)
class Cell:
    numpy: str
    scanpy: str | None

    @property
    def name(self) -> str:
        return f"numpy-{self.numpy}" + (f"_scanpy-{self.scanpy}" if self.scanpy else "")

    @property
    def requirements(self) -> list[str]:
        return [f"numpy=={self.numpy}"] + ([f"scanpy=={self.scanpy}"] if self.scanpy else [])


def cells(matrix: Matrix, numpy_by_series: dict[str, str], series: list[str] | None = None) -> list[Cell]:
    if series:
        unknown = [s for s in series if s not in numpy_by_series]
        if unknown:
            raise NightlyError(f"no numpy release series {', '.join(unknown)} (known: {', '.join(numpy_by_series)})")
    chosen = [v for s, v in numpy_by_series.items() if not series or s in series]
    return [Cell(n, s) for n in chosen for s in (matrix.scanpy or (None,))]


def run_cell(cell: Cell, results: Path, suite: Path, matrix: Matrix, env_root: Path,
             suite_rev: str | None = None, work: Path | None = None) -> dict:
    """One environment, one asv run; ``cell.json`` last.  An environment that cannot be built is a result too."""
    out = results / cell.name
    done = out / CELL_FILE
    if done.exists():
        return json.loads(done.read_text())
    repo = sides.git_root(suite.resolve())
    suite_dir = suite.resolve()
    commit = sides.git(repo, "rev-parse", "HEAD")
    if suite_rev:
        commit = sides.resolve_revision(repo, suite_rev) or commit
        suites = (work or env_root.parent).resolve() / "suites"
        suite_dir = sides.export_revision(repo, commit, suites) / suite.resolve().relative_to(repo)
    status = {"cell": cell.name, "numpy": cell.numpy, "scanpy": cell.scanpy, "commit": commit}
    try:
        python = envs.find_python(matrix.python)
        env = envs.build_env(cell.requirements + [asvrun.ASV_RUNNER], python, env_root.resolve())
    except envs.EnvError as exc:
        status.update(status="environment failed", error=str(exc))
        atomic.write_text(done, json.dumps(status, indent=1) + "\n")
        return status
    versions = asvrun.installed_versions(env.executable)
    side = asvrun.AsvSide(cell.name, out.resolve(), suite_dir / "benchmarks", repo, env.executable, commit)
    side.prepare()
    try:
        side.run_round(list(matrix.bench), [])
        side.record_versions(versions)
        status.update(status="ok", versions=versions)
    except asvrun.RunError as exc:
        status.update(status="asv failed", error=str(exc), versions=versions)
    atomic.write_text(done, json.dumps(status, indent=1) + "\n")
    return status


def run(matrix: Matrix, todo: list[Cell], results: Path, suite: Path, env_root: Path,
        on_cell: Callable[[Cell, dict], None] | None = None, suite_rev: str | None = None) -> list[dict]:
    out = []
    for cell in todo:
        status = run_cell(cell, results, suite, matrix, env_root, suite_rev)
        out.append(status)
        if on_cell:
            on_cell(cell, status)
    return out


# ----------------------------------------------------------------------------- merge and report


def read_cells(results: Path) -> tuple[list[dict], list[Measurement]]:
    """Every finished cell under ``results`` (also from merged CI artifacts) and its measurements."""
    statuses, measurements = [], []
    for done in sorted(Path(results).glob(f"**/{CELL_FILE}")):
        status = json.loads(done.read_text())
        statuses.append(status)
        if status.get("status") == "ok":
            ms = read_results([done.parent / "results"])
            measurements.extend(ms)
    return statuses, measurements


def budget_checks(budget_list: list[budgets.Budget], measurements: list[Measurement]) -> list[dict]:
    """Budgets per numpy version: pairs (e.g. newest/previous scanpy) never mix numpy versions."""
    groups: dict[str, list[Measurement]] = defaultdict(list)
    for m in measurements:
        groups[budgets.env_versions(m).get("numpy", "?")].append(m)
    rows = []
    for numpy in sorted(groups, key=lambda v: Version(v) if v != "?" else Version("0")):
        for check in budgets.evaluate(budget_list, groups[numpy]):
            rows.append(dict(check.as_dict(), numpy=numpy))
    return rows


def timing_table(measurements: list[Measurement]) -> dict:
    """{benchmark label without strategy: {strategy: {"numpy/scanpy": median seconds}}} for time_ benchmarks."""
    table: dict = defaultdict(lambda: defaultdict(dict))
    for m in measurements:
        if ".time_" not in m.benchmark or m.value is None or math.isnan(m.value):
            continue
        params = m.param_values
        strategy = params.pop("strategy", "-")
        label = m.benchmark + ("(" + ", ".join(f"{k}={v}" for k, v in params.items()) + ")" if params else "")
        versions = budgets.env_versions(m)
        column = f"numpy {versions.get('numpy', '?')}" + (f" / scanpy {versions['scanpy']}" if "scanpy" in versions else "")
        table[label][strategy][column] = m.value
    return {k: {s: dict(v) for s, v in d.items()} for k, d in table.items()}


def _column_key(column: str):
    parts = column.replace("numpy ", "").replace(" / scanpy ", " ").split()
    return tuple(Version(p) if p != "?" else Version("0") for p in parts)


def write_report(out: Path, statuses: list[dict], measurements: list[Measurement], checks: list[dict]) -> list[Path]:
    """reports/nightly/: README.md, nightly.json and one PNG per benchmark (strategy times across versions)."""
    from .asvrun import machine_info
    from .comment import code

    out.mkdir(parents=True, exist_ok=True)
    timings = timing_table(measurements)
    written: list[Path] = []
    plots = _plots(out, timings)
    written += plots

    lines = ["# Nightly benchmark matrix", ""]
    lines += ["## Cells (numpy × scanpy)", "", "| cell | status | numpy | scanpy | detail |", "|---|---|---|---|---|"]
    for s in sorted(statuses, key=lambda s: s["cell"]):
        lines.append(f"| {code(s['cell'])} | {s.get('status')} | {code(s.get('numpy'))} | {code(s.get('scanpy') or '-')} "
                     f"| {code(s.get('error', ''))} |")
    lines += ["", "## Overhead budgets (per numpy version; ratios within one run)", "",
              "| numpy | budget | measurement | ratio | limit | result |", "|---|---|---|---:|---:|---|"]
    for c in checks:
        ratio = "n/a" if c["ratio"] is None else f"{c['ratio']:.2f}"
        lines.append(f"| {code(c['numpy'])} | {code(c['budget'])} | {code(c['row'])} | {ratio} | {c['max']:g} | {c['status']} |")
    lines += ["", "## Time per strategy across versions (medians)", ""]
    for label, by_strategy in sorted(timings.items()):
        columns = sorted({col for d in by_strategy.values() for col in d}, key=_column_key)
        lines += [f"### {code(label)}", "", "| strategy | " + " | ".join(columns) + " |",
                  "|---|" + "---:|" * len(columns)]
        for strategy, values in sorted(by_strategy.items()):
            cells_ = [_fmt(values.get(col)) for col in columns]
            lines.append(f"| {code(strategy)} | " + " | ".join(cells_) + " |")
        lines.append("")
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
            columns = sorted({c for d in by_strategy.values() for c in d}, key=_column_key)
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
