"""The headline ratios of the benchmark report, each measured with both sides interleaved.

asv runs one environment after the other, so a ratio *between* environments
(scanpy 1.13.0a2 vs 1.12.4) -- and even one between two benchmarks of one
environment -- mixes stretches of a noisy machine.  The headline figures are
therefore taken by the comparison's interleaving engine
(:mod:`rngbench.compare.interleave`, the same workers and protocol): the
numerator's and the denominator's asv benchmark alternate one sample at a
time, round after round.  Each figure is the ratio of the two sides' medians
with a 95 % bootstrap interval over the paired rounds (:mod:`rngbench.stats`,
the same interval the comparison reports).  Many short turns (one sample a
side, :data:`ROUNDS` rounds) follow the machine's drift better than a few long
ones.  Every sample is asv's: ``setup`` (a fresh copy of the data) untimed,
the garbage collector off during the call, nothing but the call timed.
"""

from __future__ import annotations

import itertools
import statistics

from rngbench import stats
from rngbench.bench import breakdown as parts
from rngbench.bench import floor, strategies
from rngbench.bench.job import BENCHMARKS, REPO, BenchEnv
from rngbench.bench.suite import class_name
from rngbench.bench.workloads import workload_module
from rngbench.compare import interleave
from rngbench.errors import RngbenchError

DATASETS = ("pbmc68k_reduced", "synthetic_10k")
MAIN_DATASETS = ("pbmc68k_reduced",)
"""The main job's probe: the small real dataset only (synthetic_10k's ratios were within 3 % of it on both
machines recorded, and its calls take ten times as long); ``rngbench bench run --full`` probes both."""
ROUNDS = 40  # one sample a side per round: 40 pairs for the bootstrap, ~1 min for all figures on pbmc68k

HEADLINE = {
    # name: ((scanpy version or "newest", call), (..., call)); ratio = numerator / denominator, per round
    "spawn/reuse, per-cell downsampling (reference kernel)": (
        ("newest", dict(workload="downsample", case="per_cell", layer="reference", strategy="spawn")),
        ("newest", dict(workload="downsample", case="per_cell", layer="reference", strategy="reuse")),
    ),
    "legacy path random_state=0, per-cell downsampling, scanpy 1.13.0a2 / 1.12.4": (
        ("1.13.0a2", dict(workload="downsample", case="per_cell", layer="scanpy", strategy="legacy")),
        ("1.12.4", dict(workload="downsample", case="per_cell", layer="scanpy", strategy="legacy")),
    ),
    # counts_per_cell=3, as scanpy's own benchmark: the per-cell fixed cost of the seed path is what is left
    "legacy path random_state=0, per-cell downsampling to 3 counts, scanpy 1.13.0a2 / 1.12.4": (
        ("1.13.0a2", dict(workload="downsample", case="per_cell_3", layer="scanpy", strategy="legacy")),
        ("1.12.4", dict(workload="downsample", case="per_cell_3", layer="scanpy", strategy="legacy")),
    ),
}


class ProbeError(RngbenchError):
    """A headline benchmark could not be timed."""


def target(call: dict, datasets: tuple[str, ...]) -> interleave.Target:
    """The asv benchmark (``bench_<workload>.<Class>.time_run``) and parameter index of one call."""
    workload = call["workload"]
    name = f"bench_{workload}.{class_name(workload, call['layer'])}.time_run"
    combos = list(itertools.product(datasets, workload_module(workload).CASES, strategies.NAMES))
    return name, combos.index((call["dataset"], call["case"], call["strategy"]))


def interleaved(bench_envs: list[BenchEnv], datasets=DATASETS, rounds: int = ROUNDS, log=print) -> dict:
    """The headline ratios, each from one run: numerator and denominator alternate every round.

    Each figure's rounds are split over :data:`interleave.PASSES` pairs of
    fresh workers, so no single process's luck (memory layout) sets a figure.
    """
    by_version = {be.scanpy: be for be in bench_envs}
    by_version["newest"] = bench_envs[-1]
    env = interleave.worker_env({"RNGBENCH_DATASETS": ",".join(datasets)})

    def starter(num_version: str, den_version: str):
        def start():
            return tuple(interleave.suite_worker(f"probe-scanpy-{by_version[v].scanpy}-{slot}",
                                                 by_version[v].python, BENCHMARKS, env, REPO / ".asv" / "probe")
                         for slot, v in enumerate((num_version, den_version)))
        return start

    result = {"rounds": rounds, "estimator": stats.DEFAULT_ESTIMATOR, "passes": interleave.PASSES,
              "figures": [], "lines": []}
    for name, (num, den) in HEADLINE.items():
        if num[0] not in by_version or den[0] not in by_version:
            continue
        jobs = [interleave.Job(dataset, (target(dict(num[1], dataset=dataset), tuple(datasets)),
                                         target(dict(den[1], dataset=dataset), tuple(datasets))))
                for dataset in datasets]
        sampled = interleave.sample_in_passes(starter(num[0], den[0]), jobs, turns=rounds, max_seconds=float("inf"),
                                              turn_samples=1, min_turns=rounds)
        for dataset in datasets:
            got = sampled[dataset]
            if any(got.problem):
                raise ProbeError(f"{name} on {dataset}: {next(p for p in got.problem if p)}")
            fig = _figure(name, dataset, by_version[num[0]], by_version[den[0]], got.samples)
            result["figures"].append(fig)
            line = (f"- {name}, {dataset}: **{fig['ratio']:.2f}×** (95 % CI {fig['ci'][0]:.2f}–{fig['ci'][1]:.2f}, "
                    f"{stats.DEFAULT_ESTIMATOR}s of {len(got.samples[0])} interleaved rounds in "
                    f"{interleave.PASSES} worker processes a side, process CPU time; "
                    f"{fig['numerator_median_s'] * 1e3:.1f} ms vs {fig['denominator_median_s'] * 1e3:.1f} ms)")
            result["lines"].append(line)
            log(line)
    newest = bench_envs[-1]
    log(f"raw-draw floor: ns per bounded draw in the scanpy {newest.scanpy} environment")
    result["floor"] = floor.measure(newest.python, datasets)
    return result


BREAKDOWN_BENCHMARK = "bench_breakdown.LegacyPerCellParts.time_run"
BREAKDOWN_PASSES = 2
"""Pairs of fresh workers for the breakdown's rounds: two, not the headline's four -- each pair costs a scanpy
import per side (~10 s here), and the parts are a diagnosis, not a headline."""


def breakdown(bench_envs: list[BenchEnv], rounds: int = ROUNDS, log=print) -> dict:
    """Each part of the per-cell legacy cost (:mod:`rngbench.bench.breakdown`), newest vs previous scanpy, interleaved.

    One job per (dataset, case, part): the newest scanpy's worker and the
    previous one's alternate every round on the same part, as in the headline.
    """
    new, old = bench_envs[-1], bench_envs[0]
    env = interleave.worker_env({"RNGBENCH_DATASETS": ",".join(parts.DATASETS)})

    def start():
        return tuple(interleave.suite_worker(f"breakdown-scanpy-{be.scanpy}", be.python, BENCHMARKS, env,
                                             REPO / ".asv" / "probe") for be in (new, old))

    combos = list(itertools.product(parts.DATASETS, parts.CASES, parts.PARTS))
    jobs = [interleave.Job("/".join(c), ((BREAKDOWN_BENCHMARK, i), (BREAKDOWN_BENCHMARK, i)))
            for i, c in enumerate(combos)]
    sampled = interleave.sample_in_passes(start, jobs, turns=rounds, passes=BREAKDOWN_PASSES, max_seconds=float("inf"),
                                          turn_samples=1, min_turns=rounds)
    from rngbench.bench import datasets
    from rngbench.bench.workloads import downsample

    rows = {(d, c): parts.rows_drawn(downsample.inputs(datasets.load(d), c)) for d in parts.DATASETS
            for c in parts.CASES}
    out = {"rounds": rounds, "versions": f"{new.scanpy} / {old.scanpy}", "parts": []}
    for dataset, case, part in combos:
        got = sampled["/".join((dataset, case, part))]
        if any(got.problem):
            raise ProbeError(f"breakdown {part} ({case}, {dataset}): {next(p for p in got.problem if p)}")
        interval = stats.ratio_interval(*got.samples)
        n = rows[(dataset, case)]
        out["parts"].append({
            "dataset": dataset, "case": case, "part": part, "rows": n, "versions": out["versions"],
            "new_us_per_row": statistics.median(got.samples[0]) / n * 1e6,
            "old_us_per_row": statistics.median(got.samples[1]) / n * 1e6,
            "new_iqr_us": _quartiles_per_row(got.samples[0], n), "old_iqr_us": _quartiles_per_row(got.samples[1], n),
            "ratio": interval.ratio, "ci": [interval.low, interval.high], "samples": len(got.samples[0]),
        })
        log(f"breakdown {case} {part}: {out['parts'][-1]['old_us_per_row']:.2f} -> "
            f"{out['parts'][-1]['new_us_per_row']:.2f} µs per row ({interval.text()})")
    return out


def _quartiles_per_row(samples: list[float], rows: int) -> list[float]:
    q = statistics.quantiles(samples, n=4) if len(samples) > 1 else [samples[0]] * 3
    return [q[0] / rows * 1e6, q[2] / rows * 1e6]


def _figure(name: str, dataset: str, num: BenchEnv, den: BenchEnv, times: tuple[list[float], list[float]]) -> dict:
    interval = stats.ratio_interval(times[0], times[1])
    ratios = [a / b for a, b in zip(*times)]
    quartiles = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else [ratios[0]] * 3
    return {
        "figure": name, "dataset": dataset,
        "numerator_env": f"scanpy {num.scanpy}", "denominator_env": f"scanpy {den.scanpy}",
        "numerator_median_s": statistics.median(times[0]), "denominator_median_s": statistics.median(times[1]),
        "ratio": interval.ratio, "ci": [interval.low, interval.high], "interval": interval.as_dict(),
        "samples": {"numerator": list(times[0]), "denominator": list(times[1])},
        "ratio_median": statistics.median(ratios), "ratio_iqr": (quartiles[0], quartiles[2]),
    }
