"""The nightly benchmark matrix: numpy release series x scanpy versions, one environment and asv run per cell.

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
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

from rngbench import budgets, envs, paths
from rngbench.asvio import driver
from rngbench.asvio.results import Measurement, read_results
from rngbench.compare import sides
from rngbench.config import NightlyMatrix
from rngbench.errors import RngbenchError
from rngbench.util import atomic
from rngbench.util.inputs import load_json

CELL_FILE = "cell.json"


class NightlyError(RngbenchError):
    """A one-line reason why the nightly run cannot go on."""


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


def numpy_versions(matrix: NightlyMatrix) -> dict[str, str]:
    """The numpy of each series: the matrix's explicit list, or the package index (pre-releases included)."""
    if matrix.numpy:
        return newest_per_series(list(matrix.numpy), "0")
    from rngbench.streams import matrix as mx  # the package index client of the stream matrix

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


def cells(matrix: NightlyMatrix, numpy_by_series: dict[str, str], series: list[str] | None = None) -> list[Cell]:
    if series:
        unknown = [s for s in series if s not in numpy_by_series]
        if unknown:
            raise NightlyError(f"no numpy release series {', '.join(unknown)} (known: {', '.join(numpy_by_series)})")
    chosen = [v for s, v in numpy_by_series.items() if not series or s in series]
    return [Cell(n, s) for n in chosen for s in (matrix.scanpy or (None,))]


def run_cell(cell: Cell, results: Path, suite: Path, matrix: NightlyMatrix, work: Path,
             suite_rev: str | None = None, env_root: Path | None = None) -> dict:
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
        suites = work.resolve() / paths.SUITES
        suite_dir = sides.export_revision(repo, commit, suites) / suite.resolve().relative_to(repo)
    status = {"cell": cell.name, "numpy": cell.numpy, "scanpy": cell.scanpy, "commit": commit}
    try:
        python = envs.find_python(matrix.python)
        root = (env_root or paths.env_root()).resolve()
        env = envs.build_env(cell.requirements + [driver.ASV_RUNNER], python, root)
    except envs.EnvError as exc:
        status.update(status="environment failed", error=str(exc))
        atomic.write_text(done, json.dumps(status, indent=1) + "\n")
        return status
    versions = envs.installed_versions(env.executable)
    asv = driver.AsvRun(out.resolve(), suite_dir / "benchmarks", repo, commit)
    asv.prepare()
    try:
        asv.run(env.executable, bench=list(matrix.bench))
        asv.record_versions(env.executable, versions)
        status.update(status="ok", versions=versions)
    except driver.RunError as exc:
        status.update(status="asv failed", error=str(exc), versions=versions)
    atomic.write_text(done, json.dumps(status, indent=1) + "\n")
    return status


def run(matrix: NightlyMatrix, todo: list[Cell], results: Path, suite: Path, work: Path,
        on_cell: Callable[[Cell, dict], None] | None = None, suite_rev: str | None = None,
        env_root: Path | None = None) -> list[dict]:
    """Every cell of ``todo`` (finished ones are read back); ``work``: the working folder (exported suites);
    environments under ``env_root`` (default :func:`rngbench.paths.env_root`)."""
    out = []
    for cell in todo:
        status = run_cell(cell, results, suite, matrix, work, suite_rev, env_root)
        out.append(status)
        if on_cell:
            on_cell(cell, status)
    return out


# ----------------------------------------------------------------------------- merge and report


def read_cells(results: Path) -> tuple[list[dict], list[Measurement]]:
    """Every finished cell under ``results`` (also from merged CI artifacts) and its measurements."""
    statuses, measurements = [], []
    for done in sorted(Path(results).glob(f"**/{CELL_FILE}")):
        status = load_json(done)
        if not isinstance(status, dict):
            raise RngbenchError(f"{done}: not a matrix cell's status (a JSON object)")
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
