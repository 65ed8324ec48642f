"""The one reader (and writer) of asv result files: one :class:`Measurement` per benchmark and parameter combination.

Comparisons, comments and overhead budgets all work on single measurements
("``time_run`` for dataset X, case Y, strategy Z"), while asv stores one
record per benchmark with a cartesian product of parameters.  Reading goes
through :class:`asv.results.Results` (asv's own loader, so format versions
and upgrades are asv's business, not ours); parameter names and units come
from the ``benchmarks.json`` asv writes beside the results.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rngbench import envs
from rngbench.errors import RngbenchError
from rngbench.util import atomic


class ResultsError(RngbenchError):
    """A one-line reason why result files could not be read."""


@dataclass(frozen=True)
class Measurement:
    """One benchmark at one parameter combination, as asv measured it.

    ``value`` is asv's estimate (the median of ``samples``); ``None`` means the
    benchmark failed, NaN that it was skipped (n/a: asv's ``NotImplementedError``
    in ``setup``).
    """

    benchmark: str
    params: tuple[tuple[str, str], ...] = ()  # (parameter name, value as asv's repr)
    value: float | None = None
    samples: tuple[float, ...] | None = None
    stats: dict | None = None
    unit: str | None = None
    # result-file params (machine, python, ...), env_name, commit_hash, date, requirements, versions
    env: dict = field(default_factory=dict, compare=False, hash=False)
    index: int | None = field(default=None, compare=False)  # asv's parameter index (benchmark id "name-index")
    started_at: int | None = field(default=None, compare=False)  # asv's start time of the benchmark (ms since epoch)

    @property
    def key(self) -> tuple[str, tuple[tuple[str, str], ...]]:
        return (self.benchmark, self.params)

    @property
    def param_values(self) -> dict[str, str]:
        """Parameter values without asv's quotes: ``{'strategy': 'spawn'}``."""
        return {name: unquote(value) for name, value in self.params}

    @property
    def label(self) -> str:
        """asv's own spelling: ``name(value1, value2)``."""
        if not self.params:
            return self.benchmark
        return f"{self.benchmark}({', '.join(v for _, v in self.params)})"

    @property
    def failed(self) -> bool:
        return self.value is None

    @property
    def skipped(self) -> bool:
        return self.value is not None and math.isnan(self.value)


def unquote(value: str) -> str:
    """asv stores parameter values as reprs (``"'spawn'"``); budgets and tables want ``spawn``."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _optional_json(path: Path) -> dict:
    """A JSON file that may be absent ({}), but must be readable when present."""
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError, RecursionError) as exc:  # ValueError: not JSON or not UTF-8
        reason = "JSON nested too deeply" if isinstance(exc, RecursionError) else exc
        raise ResultsError(f"cannot read {path}: {reason}") from None


def _benchmark_info(results_dir: Path) -> dict:
    return _optional_json(results_dir / "benchmarks.json")


VERSIONS_FILE = "rngbench-envs.json"
"""Beside asv's results: ``{python: {package: version}}`` for environments rngbench built, keyed by the
interpreter asv records (asv records no requirements for ``-E existing`` environments)."""


def _env_versions(results_dir: Path) -> dict:
    return _optional_json(results_dir / VERSIONS_FILE)


_PYTHON_VERSIONS: dict[str, dict] = {}


def _versions_from_python(python: str) -> dict:
    """For ``-E existing`` results without rngbench's record: ask the environment, if it still exists."""
    if not python or "/" not in python or not Path(python).is_file():
        return {}
    if python not in _PYTHON_VERSIONS:
        try:
            _PYTHON_VERSIONS[python] = envs.installed_versions(python)
        except (envs.EnvError, ValueError):
            _PYTHON_VERSIONS[python] = {}
    return dict(_PYTHON_VERSIONS[python])


def read_result_file(path: Path, info: dict | None = None, versions: dict | None = None) -> list[Measurement]:
    """Every measurement in one asv result file (``<machine>/<commit>-<env>.json``)."""
    from asv import util
    from asv.results import Results

    path = Path(path)
    if info is None:
        info = _benchmark_info(path.parent.parent)
    if versions is None:
        versions = _env_versions(path.parent.parent)
    try:
        result = Results.load(str(path))
    except (OSError, util.UserError, ValueError, KeyError, TypeError, RecursionError) as exc:
        reason = ("JSON nested too deeply" if isinstance(exc, RecursionError) else
                  str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        raise ResultsError(f"{path} is not an asv result file: {reason}") from None
    env = dict(result.params)
    env["env_name"] = result.env_name
    env["commit_hash"] = result.commit_hash
    env["requirements"] = dict(result._requirements or {})
    env["date"] = result.date
    python = env.get("python", "")
    env["versions"] = dict(versions.get(python, {})) or _versions_from_python(python)
    out = []
    for key in sorted(result.get_all_result_keys()):
        params = result.get_result_params(key)
        meta = info.get(key, {})
        names = list(meta.get("param_names") or [f"param{i + 1}" for i in range(len(params))])
        values = result.get_result_value(key, params)
        stats = result.get_result_stats(key, params)
        samples = result.get_result_samples(key, params)
        combos = list(itertools.product(*params)) if params else [()]
        for i, combo in enumerate(combos):
            out.append(Measurement(
                benchmark=key,
                params=tuple(zip(names, combo)),
                value=values[i],
                samples=None if samples[i] is None else tuple(samples[i]),
                stats=stats[i],
                unit=meta.get("unit"),
                env=env,
                index=i if params else None,
                started_at=result.started_at.get(key),
            ))
    return out


def replace_measurements(results_dir: Path, replacements: dict) -> None:
    """Write ``{key: Measurement}`` over the matching entries of the asv result files under ``results_dir``.

    ``rngbench compare`` times ``time_`` benchmarks outside asv (interleaved
    turns); writing those samples back into asv's own files means every
    reader -- the comparison, ``rngbench overhead``, ``asv compare`` itself --
    sees the same numbers.  Goes through :class:`asv.results.Results`
    (load, set, save), so the file format stays asv's.
    """
    from asv.results import Results

    for path in result_files(results_dir):
        result = Results.load(str(path))
        changed = False
        for key, m in replacements.items():
            name = key[0]
            if name not in result._results or (m.index is None) != (not result.get_result_params(name)):
                continue
            i = m.index or 0
            size = len(result._results[name])
            if result._stats.get(name) is None:
                result._stats[name] = [None] * size
            if result._samples.get(name) is None:
                result._samples[name] = [None] * size
            result._results[name][i] = m.value
            result._stats[name][i] = m.stats
            result._samples[name][i] = None if m.samples is None else list(m.samples)
            changed = True
        if changed:
            result.save(str(results_dir))


NOT_RESULTS = ("machine.json", "envs.json")  # envs.json: the version sidecar of runs before rngbench-envs.json


def result_files(results_dir: Path) -> list[Path]:
    """asv result files under a results directory (not ``machine.json`` / ``benchmarks.json``)."""
    return sorted(p for p in Path(results_dir).glob("*/*.json") if p.name not in NOT_RESULTS)


def read_results(paths: Iterable[Path]) -> list[Measurement]:
    """Measurements from result files, or from every file under results directories."""
    out: list[Measurement] = []
    for path in map(Path, paths):
        if path.is_dir():
            files = result_files(path)
            if not files:
                raise ResultsError(f"no asv result files under {path}")
            info, versions = _benchmark_info(path), _env_versions(path)
            for file in files:
                out.extend(read_result_file(file, info, versions))
        elif path.is_file():
            out.extend(read_result_file(path))
        else:
            raise ResultsError(f"{path} does not exist")
    return out


def record_versions(results_dir: Path, python: Path | str, versions: dict[str, str]) -> None:
    """Keep ``versions`` of the environment ``python`` beside asv's results (merged with earlier records)."""
    path = Path(results_dir) / VERSIONS_FILE
    known = _optional_json(path)
    known[str(python)] = versions
    atomic.write_text(path, json.dumps(known, indent=1, sort_keys=True) + "\n")


def newest_per_environment(measurements: Iterable[Measurement]) -> list[Measurement]:
    """Only each environment's newest result file (older commits' runs of one environment would repeat rows)."""
    measurements = list(measurements)

    def where(m: Measurement) -> tuple:
        return m.env.get("machine"), m.env.get("env_name")

    def stamp(m: Measurement) -> tuple:
        return m.env.get("date") or 0, m.env.get("commit_hash") or ""

    newest: dict[tuple, tuple] = {}
    for m in measurements:
        newest[where(m)] = max(newest.get(where(m), stamp(m)), stamp(m))
    return [m for m in measurements if stamp(m) == newest[where(m)]]


def by_key(measurements: Iterable[Measurement]) -> dict:
    return {m.key: m for m in measurements}


def iter_labels(measurements: Iterable[Measurement]) -> Iterator[str]:
    for m in measurements:
        yield m.label
