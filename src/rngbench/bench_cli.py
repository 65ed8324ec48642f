"""``rngbench bench ...``: the benchmark main job and its parts.

Registered on the main command by ``main.add_command(bench)`` in cli.py.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import click

from . import bench_matrix, bench_report

REPORT_DIR = bench_matrix.REPO / "reports" / "benchmarks"


def _log(msg: str) -> None:
    click.echo(f"bench: {msg}", err=True)


@click.group()
def bench() -> None:
    """asv suites: legacy vs Generator vs spawn vs reuse on downsampling, PCA, UMAP init and scrublet."""


@bench.command("envs")
@click.option("--scanpy", "versions", multiple=True, default=bench_matrix.SCANPY_VERSIONS, show_default=True)
@click.option("--numpy", "numpy_version", default=None, help="pin numpy in every environment (default: newest each scanpy accepts)")
def envs_cmd(versions, numpy_version) -> None:
    """Build (or reuse) one uv environment per scanpy version and print its interpreter."""
    for be in bench_matrix.build(versions, log=_log, numpy_version=numpy_version):
        click.echo(f"scanpy {be.scanpy}\tnumpy {be.versions['numpy']}\t{be.python}")


@bench.command("run")
@click.option("--quick/--full", default=True, show_default=True, help="asv --quick (one sample each) or the full run")
@click.option("--scanpy", "versions", multiple=True, default=bench_matrix.SCANPY_VERSIONS, show_default=True)
@click.option("--numpy", "numpy_version", default=None, help="pin numpy in every environment (default: newest each scanpy accepts)")
@click.option("--bench", "bench_regex", default=None, help="only benchmarks matching this regex (asv --bench)")
@click.option("--rounds", default=15, show_default=True, help="rounds of the interleaved headline probe (0 skips it)")
@click.option("--report/--no-report", default=True, show_default=True, help="write reports/benchmarks/ afterwards")
@click.option("--nightly", is_flag=True, help="add the nightly datasets (synthetic_100k); same as RNGBENCH_NIGHTLY=1")
def run_cmd(quick, versions, numpy_version, bench_regex, rounds, report, nightly) -> None:
    """Build the environments, run asv in each, measure the headline ratios interleaved, write the report."""
    if nightly:
        os.environ["RNGBENCH_NIGHTLY"] = "1"  # read by rngbench.data.names() in every asv process
    bench_envs = bench_matrix.build(versions, log=_log, numpy_version=numpy_version)
    seconds = bench_matrix.run_asv(bench_envs, quick=quick, bench=bench_regex, log=_log)
    _log(f"asv run{' --quick' if quick else ''}: {seconds / 60:.1f} min for {len(bench_envs)} environment(s)")
    probe = None
    if rounds > 0:
        probe = bench_matrix.interleaved(bench_envs, rounds=rounds, log=_log)
        probe["asv_minutes"] = {"quick" if quick else "full": round(seconds / 60, 2), "environments": len(bench_envs)}
        _write_probe(probe)
    if report:
        _report(probe)


@bench.command("report")
@click.option("--results", type=click.Path(path_type=Path), default=bench_matrix.RESULTS, show_default=True)
@click.option("--out", type=click.Path(path_type=Path), default=REPORT_DIR, show_default=True)
def report_cmd(results, out) -> None:
    """Write reports/benchmarks/ (tables + charts) from the asv results already on disk."""
    _report(_read_probe(out), results, out)


def _probe_path(out: Path = REPORT_DIR) -> Path:
    return out / "headline.json"


def _write_probe(probe: dict, out: Path = REPORT_DIR) -> None:
    out.mkdir(parents=True, exist_ok=True)
    path = _probe_path(out)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(probe, indent=1) + "\n")
    os.replace(tmp, path)


def _read_probe(out: Path) -> dict | None:
    path = _probe_path(out)
    return json.loads(path.read_text()) if path.exists() else None


def _report(probe, results: Path = bench_matrix.RESULTS, out: Path = REPORT_DIR) -> None:
    start = time.perf_counter()
    written = bench_report.write_report(results, out, probe)
    _log(f"wrote {len(written)} files to {out} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":  # `python -m rngbench.bench_cli run --quick` works before cli.py registers the group
    bench()
