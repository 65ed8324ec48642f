"""``rngbench bench ...``: the benchmark main job and its parts.

Only :mod:`rngbench.bench.job` (paths and versions, cheap) is imported here; the probe, the peer suite and the
report (scipy, pandas, numba, matplotlib) are imported by the command that runs them, so ``--help`` is fast.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import click

from rngbench.bench import job
from rngbench.cli.options import Number, OutFolder, bench_option, benches, one_regex
from rngbench.util import atomic

REPORT_DIR = job.REPO / "reports" / "benchmarks"
MACHINES_DIR = REPORT_DIR / "machines"

scanpy_option = click.option("--scanpy", "versions", multiple=True, default=job.SCANPY_VERSIONS, show_default=True,
                             help="scanpy versions, one environment each; repeatable.")
numpy_option = click.option("--numpy", "numpy_version", default=None,
                            help="Pin numpy in every environment (default: newest each scanpy accepts).")


def _log(msg: str) -> None:
    click.echo(f"bench: {msg}", err=True)


@click.group()
def bench() -> None:
    """asv suites: legacy vs Generator vs spawn vs reuse vs keyed on downsampling, PCA, UMAP init, scrublet."""


@bench.command("envs")
@scanpy_option
@numpy_option
def envs_cmd(versions, numpy_version) -> None:
    """Build (or reuse) one uv environment per scanpy version and print its interpreter."""
    for be in job.build(versions, log=_log, numpy_version=numpy_version):
        click.echo(f"scanpy {be.scanpy}\tnumpy {be.versions['numpy']}\t{be.python}")


@bench.command("run")
@click.option("--main", "mode", flag_value="main", default=True,
              help="The main job: the cells of benchmarks/main.toml, with their samples [default].")
@click.option("--full", "mode", flag_value="full",
              help="Every workload x strategy x layer x dataset, 10 samples a cell (the nightly).")
@click.option("--quick", "mode", flag_value="quick", help="Every cell, asv --quick: one sample each, no intervals.")
@scanpy_option
@numpy_option
@bench_option()
@click.option("--rounds", type=Number(at_least=1), default=None,
              help="Rounds of the headline probe and cost breakdown [default: rngbench.bench.probe.ROUNDS].")
@click.option("--probe/--no-probe", default=True, show_default=True,
              help="Measure the headline ratios and the cost breakdown afterwards.")
@click.option("--report/--no-report", default=True, show_default=True, help="Write reports/benchmarks/ afterwards.")
@click.option("--nightly", is_flag=True, help="Add the nightly datasets (synthetic_100k); same as RNGBENCH_NIGHTLY=1.")
def run_cmd(mode, versions, numpy_version, bench, rounds, probe, report, nightly) -> None:
    """Build the environments, run asv in each, measure the headline ratios interleaved, write the report.

    Every figure is also recorded in this machine class's file, reports/benchmarks/machines/<id>.json.
    """
    from rngbench.bench import cells, machine
    from rngbench.bench import probe as headline
    from rngbench.bench import report as bench_report

    if nightly:
        os.environ["RNGBENCH_NIGHTLY"] = "1"  # read by rngbench.bench.datasets.names() in every asv process
    bench_regex = one_regex(bench)
    bench_envs = job.build(versions, log=_log, numpy_version=numpy_version)
    main = cells.load() if mode == "main" and not bench_regex else None
    samples = 0 if mode == "quick" else main.samples if main else cells.load().samples
    seconds = job.run_asv(bench_envs, quick=mode == "quick", bench=bench_regex, cells=main, samples=samples, log=_log)
    _log(f"asv run ({mode}): {seconds / 60:.1f} min for {len(bench_envs)} environment(s)")
    figures = None
    newest = bench_envs[-1]
    fp = machine.describe(newest.python)
    versions_seen = {"scanpy": " / ".join(be.scanpy for be in reversed(bench_envs)),
                     "numpy": newest.versions["numpy"], "rngbench": job.head()[:8]}
    if probe:
        rounds = rounds or headline.ROUNDS
        datasets = headline.DATASETS if mode == "full" else headline.MAIN_DATASETS
        figures = headline.interleaved(bench_envs, datasets=datasets, rounds=rounds, log=_log)
        if len(bench_envs) > 1:
            figures["breakdown"] = headline.breakdown(bench_envs, rounds=rounds, log=_log)
        figures["asv_minutes"] = {mode: round(seconds / 60, 2), "environments": len(bench_envs)}
        figures["machine_id"] = machine.class_id(fp)
        _write_probe(figures)
        for kind in ("floor", "breakdown"):
            if kind in figures:
                machine.record(MACHINES_DIR, fp, kind, figures[kind], versions_seen)
        headline_figures = {k: v for k, v in figures.items() if k not in ("floor", "breakdown", "lines", "machine_id")}
        path = machine.record(MACHINES_DIR, fp, "headline", headline_figures, versions_seen)
        _log(f"figures recorded in {path}")
    timings = bench_report.machine_timings(job.RESULTS)
    if timings:
        machine.record(MACHINES_DIR, fp, "timings", timings, versions_seen)
    if report:
        _report(figures)


@bench.command("peer")
@scanpy_option
@click.option("--turns", type=Number(at_least=1), default=40, show_default=True,
              help="Samples per side and suite for every figure.")
@bench_option(old_spelling="--only")
@click.option("--report/--no-report", default=True, show_default=True, help="Rewrite reports/benchmarks/ afterwards.")
def peer_cmd(versions, turns, bench, bench_old, report) -> None:
    """scanpy's own asv suite (from its sdist, downloaded now) beside ours, interleaved: the peer table.

    -b/--bench matches the figures' names.
    """
    from rngbench.bench import machine, peer

    result = peer.run(versions, turns=turns, block=min(10, turns), only=one_regex(benches(bench, bench_old)),
                      out_dir=REPORT_DIR, log=_log)
    path = machine.record(MACHINES_DIR, machine.describe(), "peer", result,
                          {"scanpy": " / ".join(result["versions"].values()), "numpy": result["numpy"]})
    _log(f"peer figures recorded in {path}")
    for fig in result["figures"]:
        _log(f"{fig['figure']}: scanpy's suite {fig['theirs']['ratio']:.2f}×, rngbench {fig['ours']['ratio']:.2f}×")
    if report and not job.RESULTS.exists():  # a fresh clone: the table is in peer.json until the main job has run
        _log(f"wrote {REPORT_DIR / 'peer.json'}; no asv results in {job.RESULTS} yet, so reports/benchmarks/README.md "
             "gets the peer table when `rngbench bench run` (or `rngbench bench report`) next writes it")
    elif report:
        _report(_read_probe(REPORT_DIR))


@bench.command("report")
@click.option("--results", type=click.Path(path_type=Path, file_okay=False), default=job.RESULTS,
              show_default=True, help="asv's results folder.")
@click.option("--out", type=OutFolder(), default=REPORT_DIR, show_default=True,
              help="Folder the report is written to (created if missing).")
def report_cmd(results, out) -> None:
    """Write reports/benchmarks/ (tables + charts) from the asv results already on disk."""
    _report(_read_probe(out), results, out)


def _probe_path(out: Path = REPORT_DIR) -> Path:
    return out / "headline.json"


def _write_probe(figures: dict, out: Path = REPORT_DIR) -> None:
    atomic.write_text(_probe_path(out), json.dumps(figures, indent=1) + "\n")


def _read_probe(out: Path) -> dict | None:
    from rngbench.util.inputs import load_json

    path = _probe_path(out)
    return load_json(path) if path.exists() else None


def _report(figures, results: Path = job.RESULTS, out: Path = REPORT_DIR) -> None:
    from rngbench.bench import report as bench_report

    start = time.perf_counter()
    written = bench_report.write_report(results, out, figures)
    _log(f"wrote {len(written)} files to {out} in {time.perf_counter() - start:.1f} s")

