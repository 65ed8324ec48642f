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
from rngbench.cli.options import AtLeast, OutFolder, bench_option, benches, one_regex
from rngbench.util import atomic

REPORT_DIR = job.REPO / "reports" / "benchmarks"

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
@click.option("--quick/--full", default=True, show_default=True, help="asv --quick (one sample each) or the full run.")
@scanpy_option
@numpy_option
@bench_option()
@click.option("--rounds", type=AtLeast(1), default=None,
              help="Rounds of the interleaved headline probe [default: rngbench.bench.probe.ROUNDS].")
@click.option("--probe/--no-probe", default=True, show_default=True, help="Measure the headline ratios afterwards.")
@click.option("--report/--no-report", default=True, show_default=True, help="Write reports/benchmarks/ afterwards.")
@click.option("--nightly", is_flag=True, help="Add the nightly datasets (synthetic_100k); same as RNGBENCH_NIGHTLY=1.")
def run_cmd(quick, versions, numpy_version, bench, rounds, probe, report, nightly) -> None:
    """Build the environments, run asv in each, measure the headline ratios interleaved, write the report."""
    from rngbench.bench import probe as headline

    if nightly:
        os.environ["RNGBENCH_NIGHTLY"] = "1"  # read by rngbench.bench.datasets.names() in every asv process
    bench_envs = job.build(versions, log=_log, numpy_version=numpy_version)
    seconds = job.run_asv(bench_envs, quick=quick, bench=one_regex(bench), log=_log)
    _log(f"asv run{' --quick' if quick else ''}: {seconds / 60:.1f} min for {len(bench_envs)} environment(s)")
    figures = None
    if probe:
        figures = headline.interleaved(bench_envs, rounds=rounds or headline.ROUNDS, log=_log)
        figures["asv_minutes"] = {"quick" if quick else "full": round(seconds / 60, 2), "environments": len(bench_envs)}
        _write_probe(figures)
    if report:
        _report(figures)


@bench.command("peer")
@scanpy_option
@click.option("--turns", type=AtLeast(1), default=40, show_default=True,
              help="Samples per side and suite for every figure.")
@bench_option(old_spelling="--only")
@click.option("--report/--no-report", default=True, show_default=True, help="Rewrite reports/benchmarks/ afterwards.")
def peer_cmd(versions, turns, bench, bench_old, report) -> None:
    """scanpy's own asv suite (from its sdist, downloaded now) beside ours, interleaved: the peer table.

    -b/--bench matches the figures' names.
    """
    from rngbench.bench import peer

    result = peer.run(versions, turns=turns, block=min(10, turns), only=one_regex(benches(bench, bench_old)),
                      out_dir=REPORT_DIR, log=_log)
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

