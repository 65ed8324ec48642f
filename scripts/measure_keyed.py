#!/usr/bin/env python
"""Measure the keyed-stream targets (issue 12), print them, and write reports/benchmarks/keyed/.

    .venv/bin/python scripts/measure_keyed.py            # about 5 minutes on 2 cores
    .venv/bin/python scripts/measure_keyed.py --quick    # fewer rounds and sizes (a smoke run, ~1 minute)

Every figure is a median over interleaved rounds (each round runs every variant
once, in rotating order) with a 95 % bootstrap interval; numba kernels are
compiled and warmed on a slice of the data before any timed call.  Targets:

- keyed per-cell downsampling on 1 thread <= 1.10x reuse (pbmc68k_reduced, synthetic 100k); spawn beside it;
- keyed on 2 threads >= 1.8x faster than on 1 (100k), and <= 1.10x the per-thread strategy;
- 10^6 keyed streams created and first-drawn in <= 0.1 s (spawn beside it);
- numba Philox <= 1.5x numpy's ns per raw draw.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
import numpy as np

from rngbench.keyed import streams, timing

REPO = Path(__file__).resolve().parents[1]
SETUP_STRATEGIES = streams.SETUP_COST_NAMES
OBJECT_PER_ITEM = streams.OBJECT_PER_ITEM  # a Python object per item: 10^7 of them would take minutes each
ROOT = 0
MACHINES = REPO / "reports" / "benchmarks" / "machines"


def datasets(quick: bool) -> dict:
    """name -> (counts, target): pbmc68k_reduced and the synthetic set (100k cells; 20k with --quick)."""
    from rngbench.bench import datasets as data
    from rngbench.bench.workloads import downsample as workload

    base = data.pbmc68k_counts()
    calib = data.calibrate(base.X, base.obs["cluster"].to_numpy(), base.var_names.to_numpy())
    n = 20_000 if quick else 100_000
    out = {}
    for name, adata in (("pbmc68k_reduced", base), (f"synthetic_{n // 1000}k", data.synthesize(calib, n, 8))):
        inp = workload.inputs(adata, "per_cell")
        out[name] = (inp["x"], inp["target"])
    return out


def measure_downsampling(sets: dict, rounds: int, tick) -> dict:
    from rngbench.keyed.downsample import downsample

    results = {}
    for name, (x, target) in sets.items():
        variants = {
            "reuse": lambda: downsample(x, target, "reuse", ROOT),
            "keyed 1 thread": lambda: downsample(x, target, "keyed", ROOT, threads=1),
            "spawn 1 thread": lambda: downsample(x, target, "spawn", ROOT, threads=1),
            "keyed 2 threads": lambda: downsample(x, target, "keyed", ROOT, threads=2),
            "per-thread 2 threads": lambda: downsample(x, target, "per-thread", ROOT, threads=2),
            "spawn 2 threads": lambda: downsample(x, target, "spawn", ROOT, threads=2),
        }
        for variant in variants.values():  # warm: compiled kernels loaded, caches and pages touched
            variant()
        results[name] = timing.interleaved(variants, rounds, tick)
    return results


def measure_setup(sizes: list[int], rounds_of, tick) -> dict:
    """Seconds to create n item streams and draw each item's first word, per strategy and n (one thread)."""
    for name in SETUP_STRATEGIES:
        streams.item_draws(name, ROOT, np.arange(10), n_draws=1, threads=1)
    out = {}
    for n in sizes:
        ids = np.arange(n)
        names = [s for s in SETUP_STRATEGIES if n <= 10**6 or s not in OBJECT_PER_ITEM]
        variants = {s: (lambda s=s: streams.item_draws(s, ROOT, ids, n_draws=1, threads=1)) for s in names}
        out[n] = timing.interleaved(variants, rounds_of(n), tick)
    return out


def measure_raw(rounds: int, tick, n: int = 10**6) -> dict:
    from rngbench.keyed import philox

    state = philox.fresh((12345, 678))
    philox.raw_fill(state, np.empty(8, np.uint64))
    bit_generator = np.random.Philox(key=12345 | (678 << 64))
    variants = {
        "numba Philox": lambda: philox.raw_fill(state, np.empty(n, np.uint64)),
        "numpy Philox": lambda: bit_generator.random_raw(n),
    }
    return {k: v / n for k, v in timing.interleaved(variants, rounds, tick).items()}


def cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return "unknown"
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "unknown")


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(down: dict, setup: dict, raw: dict, props, big: str) -> tuple[list[str], dict]:
    from rngbench.keyed import properties
    from rngbench.util.markdown import table

    rows, figures = [], {}

    def ratio_row(label, top, bottom, target, better_low=True):
        est = timing.ratio(top, bottom)
        ok = est.median <= target if better_low else est.median >= target
        rows.append([label, f"{est:.3f}", f"{'<=' if better_low else '>='} {target}", verdict(ok)])
        figures[label] = {"median": est.median, "ci95": [est.low, est.high], "unit": "×", "target": target, "met": ok}

    for name, s in down.items():
        ratio_row(f"{name}: keyed 1 thread / reuse", s["keyed 1 thread"], s["reuse"], 1.10)
        est = timing.ratio(s["spawn 1 thread"], s["reuse"])
        rows.append([f"{name}: spawn 1 thread / reuse (beside it)", f"{est:.3f}", "", ""])
        figures[f"{name}: spawn 1 thread / reuse"] = {"median": est.median, "ci95": [est.low, est.high], "unit": "×"}
    s = down[big]
    ratio_row(f"{big}: keyed speed-up 2 threads vs 1", s["keyed 1 thread"], s["keyed 2 threads"], 1.8,
              better_low=False)
    ratio_row(f"{big}: keyed 2 threads / per-thread 2 threads", s["keyed 2 threads"], s["per-thread 2 threads"],
              1.10)
    million = setup.get(10**6, {})
    if "keyed" in million:
        est = timing.median(million["keyed"])
        ok = est.median <= 0.1
        rows.append(["10^6 keyed streams created + first-drawn (s)", f"{est:.3g}", "<= 0.1", verdict(ok)])
        figures["1e6 keyed streams (s)"] = {"median": est.median, "ci95": [est.low, est.high], "unit": " s",
                                            "met": ok}
        spawn = timing.median(million["spawn"])
        rows.append(["10^6 spawn streams created + first-drawn (s, beside it)", f"{spawn:.3g}", "", ""])
        figures["1e6 spawn streams (s)"] = {"median": spawn.median, "ci95": [spawn.low, spawn.high], "unit": " s"}
    ratio_row("numba / numpy ns per raw Philox draw", raw["numba Philox"], raw["numpy Philox"], 1.5)
    for k, v in raw.items():
        rows.append([f"{k} ns per raw draw", f"{timing.median(v * 1e9):.3g}", "", ""])
    lines = ["## Targets", "", table(["figure", "median [95% CI]", "target", ""], rows)]

    lines += ["", "## Per-cell downsampling, seconds per call (median [95% CI])", ""]
    variants = list(next(iter(down.values())))
    lines += [table(["dataset", *variants],
                    [[name, *(f"{timing.median(s[v]):.3g}" for v in variants)] for name, s in down.items()])]

    lines += ["", "## Per-item setup cost: µs per item to create its stream and draw once (1 thread)", ""]
    lines += [table(["items", *SETUP_STRATEGIES], [
        [f"{n:.0e}", *(f"{timing.median(s[k] / n * 1e6):.3g}" if k in s else "not measured" for k in SETUP_STRATEGIES)]
        for n, s in setup.items()])]

    lines += ["", "## Invariance properties (measured on pbmc68k_reduced; fraction of cells / streams)", ""]
    lines += [properties.markdown(props)]
    return lines, figures


def plot_setup(setup: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from rngbench.bench import charts
    from rngbench.util import atomic

    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    for name in SETUP_STRATEGIES:
        sizes = [n for n in setup if name in setup[n]]
        est = [timing.median(setup[n][name] / n * 1e6) for n in sizes]
        mid = np.array([e.median for e in est])
        err = np.array([[e.median - e.low for e in est], [e.high - e.median for e in est]])
        ax.errorbar(sizes, mid, yerr=err, marker="o", capsize=3, label=name,
                    color=charts.colour("numba", name, "newest"))  # the numba kernels' colours in every chart
    ax.set(xscale="log", yscale="log", xlabel="items", ylabel="µs per item (create stream + first draw)",
           title="Per-item stream setup cost (median, 95% bootstrap CI)")
    ax.legend()
    fig.tight_layout()
    with atomic.replacing(path) as tmp:
        fig.savefig(tmp, dpi=120)
    plt.close(fig)


@click.command()
@click.option("--quick", is_flag=True, help="Fewer rounds and sizes: a smoke run, not the figures.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=REPO / "reports" / "benchmarks" / "keyed", show_default=True,
              help="Where README.md, results.json and setup_cost.png go.")
def main(quick: bool, out: Path) -> None:
    import numba
    from rich.progress import Progress

    from rngbench.keyed import properties
    from rngbench.util import atomic

    if numba.config.NUMBA_NUM_THREADS < 2:
        sys.exit("measure_keyed: needs 2 numba threads (set NUMBA_NUM_THREADS=2)")
    load_before = os.getloadavg()
    rounds = 3 if quick else 9
    sizes = [10**3, 10**4, 10**5] if quick else [10**3, 10**4, 10**5, 10**6, 10**7]
    rounds_of = (lambda n: rounds) if quick else (lambda n: 15 if n <= 10**5 else 5 if n <= 10**6 else 3)
    sets = datasets(quick)
    big = list(sets)[-1]
    total = (len(sets) * 6 * rounds + sum(rounds_of(n) * len(SETUP_STRATEGIES) for n in sizes)
             + 2 * 3 * rounds)
    with Progress(transient=True) as progress:
        task = progress.add_task("measuring (interleaved rounds)", total=total)
        tick = lambda: progress.advance(task)  # noqa: E731
        down = measure_downsampling(sets, rounds, tick)
        setup = measure_setup(sizes, rounds_of, tick)
        raw = measure_raw(3 * rounds, tick)
        props = properties.measure(*sets["pbmc68k_reduced"])
    load = {"before": list(load_before), "after": list(os.getloadavg())}
    lines, figures = report(down, setup, raw, props, big)
    from rngbench.bench import machine

    fingerprint = machine.describe()  # the figures belong to this machine class (reports/benchmarks/machines/)
    if not quick:
        machine.record(MACHINES, fingerprint, "keyed", {"figures": figures},
                       {"numba": numba.__version__, "numpy": np.__version__})
    header = [
        "# Keyed per-item streams: measured targets", "",
        f"`.venv/bin/python scripts/measure_keyed.py{' --quick' if quick else ''}` -- numba {numba.__version__}, "
        f"numpy {np.__version__}, {numba.config.NUMBA_NUM_THREADS} numba threads ({numba.threading_layer()}); "
        "wall-clock medians of interleaved rounds, 95% bootstrap intervals.", "",
        f"Machine class `{machine.class_id(fingerprint)}` (its figures beside every other class's: "
        "[../README.md](../README.md#machines-every-figure-with-the-machine-that-made-it)); "
        f"CPU: {cpu_model()}, {os.cpu_count()} cores; load average (1, 5, 15 min) before "
        f"{', '.join(f'{v:.2f}' for v in load['before'])}, after {', '.join(f'{v:.2f}' for v in load['after'])}"
        " -- other jobs shared the machine, so treat the figures as upper bounds on cost.", "",
    ]
    text = "\n".join(header + lines + ["", "![per-item setup cost](setup_cost.png)", ""])
    click.echo(text)
    atomic.write_text(out / "README.md", text)
    atomic.write_text(out / "results.json", json.dumps({
        "figures": figures, "properties": props.to_dict(orient="index"), "quick": quick, "load_average": load,
    }, indent=1) + "\n")
    plot_setup(setup, out / "setup_cost.png")


if __name__ == "__main__":
    main()
