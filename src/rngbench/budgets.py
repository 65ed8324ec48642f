"""Overhead budgets: limits on ratios of two measurements taken in the same run.

A maintainer changing RNG code wants to know "did spawning get more
expensive relative to reusing", not "is this runner fast today": ratios of
two measurements from one run cancel the machine out, absolute times do not.
So a budget (``benchmarks/budgets.toml``) names one benchmark (wildcards
allowed), a ``numerator`` and a ``denominator`` selector, and a ``max``
ratio.  Selectors match parameter values (``strategy = "spawn"``) and, with an
``env.`` prefix, package versions of the environment the result came from
(``"env.scanpy" = "newest"`` / ``"previous"`` / an exact version), which is
how "legacy path of the newest scanpy / legacy path of the previous release"
is written.  Parameters that no selector and no ``where`` mentions are free:
each of their combinations (every dataset, every workload a wildcard
matches) is checked as its own row.  Measurements are only ever paired
within one commit on one machine -- one run.

A budget is judged on samples, never on one point: asv's recorded samples
of each side (or the headline probe's interleaved rounds, :func:`judge`)
give the ratio of medians and its 95 % bootstrap interval
(:func:`rngbench.stats.ratio_interval`, the interval every figure of the
project uses).  A budget breaks only when the *whole* interval lies above
its ``max``: one slow sample moves a median little and widens the interval,
so noise cannot break a budget, while a real overhead moves every sample and
breaks it.  A side with fewer than :data:`MIN_SAMPLES` samples (asv
``--quick``) cannot break anything: its row says so.
"""

from __future__ import annotations

import fnmatch
import math
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from packaging.version import InvalidVersion, Version

from rngbench import stats
from rngbench.asvio.results import Measurement
from rngbench.config import Budget

MIN_SAMPLES = 2
"""Samples a side needs for an interval; fewer, and the row is "too few samples" (never a failure)."""


class Status(StrEnum):
    """The result of one budget row (the value is what tables and JSON show)."""

    PASS = "pass"
    FAIL = "FAIL"  # the whole confidence interval is above the limit
    NOISE = "within noise"  # the ratio is above the limit, its interval is not: not a failure
    FEW = "too few samples"  # a side has fewer than MIN_SAMPLES samples: no interval, never a failure
    NA = "n/a"  # a side is n/a or failed: listed, never a failure
    NO_DATA = "no data"  # the budget matched no measurement


@dataclass(frozen=True)
class Check:
    budget: Budget
    label: str  # the benchmark and the free parameters of this row
    ratio: float | None
    status: Status
    numerator: Measurement | None = None
    denominator: Measurement | None = None
    interval: stats.RatioInterval | None = None

    @property
    def samples(self) -> tuple[int, int] | None:
        """How many samples the verdict rests on, numerator and denominator."""
        return self.interval.samples if self.interval else None

    def as_dict(self) -> dict:
        return {"budget": self.budget.name, "row": self.label, "ratio": self.ratio, "max": self.budget.max,
                "status": self.status, "ci": [self.interval.low, self.interval.high] if self.interval else None,
                "samples": list(self.samples) if self.samples else None}


def judge(numerator, denominator, limit: float, paired: bool = False) -> tuple[stats.RatioInterval, Status]:
    """The ratio of medians of two sides' samples, its 95 % interval, and the verdict against ``limit``.

    ``paired``: the samples were taken in interleaved rounds (the probe), so
    the i-th of each side belong together; asv's samples of two benchmarks
    were taken minutes apart, so they are resampled independently.
    """
    interval = stats.ratio_interval(numerator, denominator, paired=paired)
    if min(interval.samples) < MIN_SAMPLES:
        return interval, Status.FEW
    if interval.low > limit:
        return interval, Status.FAIL
    return interval, Status.PASS if interval.ratio <= limit else Status.NOISE


def samples_of(m: Measurement) -> list[float]:
    """asv's recorded samples of a measurement; the value alone when asv kept none (one point, no interval)."""
    return list(m.samples) if m.samples else [m.value]


def env_versions(m: Measurement) -> dict[str, str]:
    """Package versions of the environment a measurement came from (asv's requirements, or rngbench's record)."""
    versions = dict(m.env.get("versions") or {})
    for key, value in (m.env.get("requirements") or {}).items():
        versions.setdefault(key.removeprefix("req-"), str(value).lstrip("="))
    return versions


def _resolve(value: str, package: str, pool: list[Measurement]) -> str | None:
    """``newest`` / ``previous`` among the versions of ``package`` present in this run."""
    if value not in ("newest", "previous"):
        return value
    found = set()
    for m in pool:
        v = env_versions(m).get(package)
        if v:
            try:
                found.add(Version(v))
            except InvalidVersion:
                continue
    ordered = sorted(found)
    index = -1 if value == "newest" else -2
    return str(ordered[index]) if len(ordered) >= -index else None


def _matches(m: Measurement, selector: dict[str, str], pool: list[Measurement]) -> bool:
    params = m.param_values
    for key, want in selector.items():
        if key.startswith("env."):
            package = key[4:]
            resolved = _resolve(want, package, pool)
            have = env_versions(m).get(package)
            if resolved is None or have is None or Version(have) != Version(resolved):
                return False
        elif params.get(key) != want:
            return False
    return True


def _row_key(m: Measurement, budget: Budget) -> tuple:
    free = tuple((k, v) for k, v in m.param_values.items() if k not in budget.selector_keys)
    uses_env = any(k.startswith("env.") for k in budget.selector_keys)
    env = () if uses_env else (m.env.get("env_name", ""),)
    return (m.benchmark, free, *env)


def _env_labels(run: list[Measurement]) -> dict[str, str]:
    """A short name per environment of a run: the package versions that differ between its environments."""
    by_env: dict[str, dict[str, str]] = {}
    for m in run:
        by_env.setdefault(m.env.get("env_name", ""), env_versions(m))
    if len(by_env) < 2:
        return {name: "" for name in by_env}
    packages = sorted({p for v in by_env.values() for p in v})
    varying = [p for p in packages if len({v.get(p) for v in by_env.values()}) > 1]
    return {name: ", ".join(f"{p} {v[p]}" for p in varying if p in v) or name for name, v in by_env.items()}


def _label(key: tuple, env_labels: dict[str, str]) -> str:
    benchmark, free = key[0], key[1]
    inner = ", ".join(f"{k}={v}" for k, v in free)
    env_label = env_labels.get(key[2], key[2]) if len(key) > 2 else ""
    env = f" [{env_label}]" if env_label else ""
    return f"{benchmark}({inner}){env}" if inner else f"{benchmark}{env}"


def _usable(m: Measurement | None) -> bool:
    return m is not None and m.value is not None and not math.isnan(m.value) and m.value > 0


def evaluate(budgets: list[Budget], measurements: list[Measurement]) -> list[Check]:
    """One check per budget and free-parameter combination, per run (commit and machine)."""
    runs: dict[tuple, list[Measurement]] = defaultdict(list)
    for m in measurements:
        runs[(m.env.get("commit_hash", ""), m.env.get("machine", ""))].append(m)
    checks: list[Check] = []
    for budget in budgets:
        found = False
        for run in runs.values():
            env_labels = _env_labels(run)
            pool = [m for m in run if fnmatch.fnmatchcase(m.benchmark, budget.benchmark)
                    and _matches(m, budget.where, run)]
            rows: dict[tuple, dict[str, Measurement]] = defaultdict(dict)
            for m in pool:
                for side, selector in (("num", budget.numerator), ("den", budget.denominator)):
                    if _matches(m, selector, pool):
                        rows[_row_key(m, budget)][side] = m
            for key in sorted(rows, key=str):
                found = True
                num, den = rows[key].get("num"), rows[key].get("den")
                interval = None
                if _usable(num) and _usable(den):
                    interval, status = judge(samples_of(num), samples_of(den), budget.max)
                    ratio = interval.ratio
                else:
                    ratio, status = None, Status.NA
                checks.append(Check(budget, _label(key, env_labels), ratio, status, num, den, interval))
        if not found:
            checks.append(Check(budget, budget.benchmark, None, Status.NO_DATA))
    return checks


def broken(checks: list[Check], strict: bool = False) -> list[Check]:
    bad = {Status.FAIL, Status.NO_DATA} if strict else {Status.FAIL}
    return [c for c in checks if c.status in bad]
