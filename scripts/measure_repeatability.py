"""Run the README's main command N times, each on a fresh clone, and print how far its headline ratios move.

Issue 10's test of the benchmark figures: three consecutive runs of
``./scripts/bootstrap`` on clean clones must give every headline ratio
within 10 % of the median of the runs.  Each run clones the repository's
committed ``HEAD`` into ``WORK/run-K`` (so nothing of this working tree, its
caches or its environments is reused), runs the main command there, and keeps
its ``reports/benchmarks/headline.json``; the table lists every ratio with its
95 % interval per run, the median of the runs and the largest deviation from
it.  Timing figures: run on an otherwise idle machine.

    .venv/bin/python scripts/measure_repeatability.py --runs 3 --work /tmp/repeat     # ~45 min
    .venv/bin/python scripts/measure_repeatability.py --summarize run1.json run2.json run3.json
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import click
from tabulate import tabulate

REPO = Path(__file__).resolve().parents[1]
TOLERANCE = 0.10


def one_run(k: int, work: Path) -> Path:
    clone = work / f"run-{k}"
    if clone.exists():
        shutil.rmtree(clone)
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    start = time.monotonic()
    with open(work / f"run-{k}.log", "w") as log:
        done = subprocess.run(["./scripts/bootstrap"], cwd=clone, stdout=log, stderr=subprocess.STDOUT)
    minutes = (time.monotonic() - start) / 60
    if done.returncode != 0:
        raise click.ClickException(f"run {k}: ./scripts/bootstrap exited {done.returncode} (see {work}/run-{k}.log)")
    kept = work / f"headline-{k}.json"
    shutil.copy(clone / "reports" / "benchmarks" / "headline.json", kept)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=clone, capture_output=True, text=True)
    click.echo(f"run {k}: {minutes:.1f} min, commit {commit.stdout.strip()}")
    return kept


def summarize(paths: list[Path]) -> bool:
    """Print the table; True when every ratio is within TOLERANCE of its median over the runs."""
    runs = [json.loads(p.read_text()) for p in paths]
    figures: dict[tuple[str, str], list[dict]] = {}
    for run in runs:
        for fig in run["figures"]:
            figures.setdefault((fig["figure"], fig["dataset"]), []).append(fig)
    rows, ok = [], True
    for (name, dataset), found in figures.items():
        ratios = [f["ratio"] for f in found]
        median = statistics.median(ratios)
        worst = max(abs(r / median - 1) for r in ratios)
        ok &= worst <= TOLERANCE and len(found) == len(runs)
        cells = [f"{f['ratio']:.3f} ({f['ci'][0]:.3f}–{f['ci'][1]:.3f})" for f in found]
        rows.append([f"{name}, {dataset}", *cells, f"{median:.3f}", f"{worst:.1%}"])
    header = ["figure", *[f"run {k + 1} (95 % CI)" for k in range(len(runs))], "median", "max deviation"]
    click.echo(tabulate(rows, header, tablefmt="github"))
    click.echo(f"every ratio within {TOLERANCE:.0%} of its median: {'yes' if ok else 'NO'}")
    return ok


@click.command()
@click.option("--runs", type=click.IntRange(min=2), default=3, show_default=True)
@click.option("--work", type=click.Path(path_type=Path), default=Path("/tmp/rngbench-repeat"), show_default=True,
              help="where the clones go (outside the repository)")
@click.option("--summarize", "summarize_only", is_flag=True, help="only print the table of the headline.json given")
@click.argument("headlines", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def main(runs: int, work: Path, summarize_only: bool, headlines: tuple[Path, ...]) -> None:
    if summarize_only:
        if len(headlines) < 2:
            raise click.UsageError("--summarize needs two or more headline.json files")
        sys.exit(0 if summarize(list(headlines)) else 1)
    if work.resolve().is_relative_to(REPO):
        raise click.UsageError("--work must be outside the repository (each run is a fresh clone)")
    work.mkdir(parents=True, exist_ok=True)
    kept = [one_run(k, work) for k in range(1, runs + 1)]
    sys.exit(0 if summarize(kept) else 1)


if __name__ == "__main__":
    main()
