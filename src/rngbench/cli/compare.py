"""``rngbench compare``: BASE and HEAD on this machine, interleaved, judged by asv's test; ``--calibrate`` for A/A.

Exit codes: 0 fine, 1 a significant regression (or a failed calibration), 2 bad input (one line on stderr).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from rngbench import paths
from rngbench.cli.console import console as terminal
from rngbench.cli.console import progress_bar
from rngbench.cli.options import Number, OutFile, bench_option
from rngbench.compare import interleave
from rngbench.errors import fail
from rngbench.util import atomic

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")


def print_rows(report) -> None:
    from rich.table import Table

    from rngbench.compare.comment import CHANGE_LABEL, human
    from rngbench.compare.significance import FLAGGED, Change

    slower = Change.REGRESSION
    shown = [r for r in report.rows if r.change in FLAGGED]
    shown.sort(key=lambda r: (r.change != slower, -(r.ratio or 1) if r.change == slower else (r.ratio or 1)))
    table = Table(title=f"{report.base.label} → {report.head.label} (factor {report.factor:g}, asv's test)")
    for col in ("change", "before", "after", "ratio", "benchmark (parameter)"):
        table.add_column(col, overflow="fold")
    for r in shown:
        m = r.measurement
        table.add_row(CHANGE_LABEL[r.change], human(r.before.value, m.unit, r.before.stats),
                      human(r.after.value, m.unit, r.after.stats), f"{r.ratio:.2f}", m.label,
                      style="red" if r.change == slower else "green")
    console = terminal()
    if shown:
        console.print(table)
    counts = report.counts()
    console.print(", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "no benchmarks")


def _settings(suite: Path, with_: tuple[str, ...], python: str | None, bench: tuple[str, ...],
              attribute: tuple[str, ...], rounds: int, factor: float, work: Path):
    from rngbench import config
    from rngbench.compare.run import Settings

    defaults = config.load_compare_defaults(suite / "benchmarks" / "matrix.toml")
    return Settings(suite=suite, defaults=list(with_) if with_ else list(defaults.requirements),
                    python=python or defaults.python, bench=list(bench), attributes=list(attribute),
                    rounds=rounds, factor=factor, work=work / paths.COMPARE)


@click.command()
@click.argument("base", required=False)
@click.argument("head", required=False)
@click.option("--factor", type=Number(above=1), default=1.1, show_default=True,
              help="Flag a change only beyond this ratio (and if asv's test finds it significant).")
@click.option("--rounds", type=Number(at_least=1), default=interleave.DEFAULT_TURNS, show_default=True,
              help=f"Interleaved turns per benchmark and side ({interleave.TURN_SAMPLES} sample(s) each; fewer if a "
                   f"benchmark passes {interleave.MAX_SECONDS:g} s).")
@bench_option()
@click.option("--with", "with_", multiple=True,
              help="Requirement of both sides (default: [compare] in benchmarks/matrix.toml); repeatable.")
@click.option("--python", default=None, help="Python version spec for the environments (e.g. '>=3.12').")
@click.option("--attribute", "-a", multiple=True, help="asv benchmark attribute override, e.g. repeat=5.")
@click.option("--suite", type=click.Path(path_type=Path, file_okay=False), default=Path("."), show_default=True,
              help="Directory holding the suite's benchmarks/ (inside a git repository).")
@click.option("--suite-rev", default=None,
              help="Git revision of the suite for sides that name an environment (default: the working tree).")
@click.option("--work", type=click.Path(path_type=Path), default=paths.WORK, show_default=True,
              help="Working folder: exported revisions, asv runs, the comment (in WORK/compare). The environments "
                   "are in rngbench's cache (RNGBENCH_CACHE, default ~/.cache/rngbench).")
@click.option("--markdown", "md_out", type=OutFile(make_folders=True),
              help="Write the pull-request comment here [default: WORK/compare/comment.md].")
@click.option("--json", "json_out", type=OutFile(make_folders=True),
              help="Write the rows as JSON here [default: WORK/compare/compare.json].")
@click.option("--dataset", "datasets", multiple=True,
              help="Dataset to run on; repeatable [default: pbmc68k_reduced]; 'all' for every default dataset.")
@click.option("--threads", type=Number(at_least=0), default=1, show_default=True,
              help="Threads per benchmark process (OMP/OpenBLAS/MKL/numba); 0 leaves the libraries' defaults.")
@click.option("--calibrate", is_flag=True, help="A/A runs: measure this runner's noise and recommend a factor.")
@click.option("--runs", type=Number(at_least=1), default=3, show_default=True,
              help="With --calibrate: how many A/A comparisons.")
@click.option("--slowdown", type=Number(above=1), default=1.3, show_default=True,
              help="With --calibrate: HEAD's samples are multiplied by this and must be flagged.")
def compare(base, head, factor, rounds, bench, with_, python, attribute, suite, suite_rev, work, md_out, json_out,
            datasets, threads, calibrate, runs, slowdown) -> None:
    """Compare BASE and HEAD on this machine: git revisions of the suite, or environments.

    \b
    rngbench compare HEAD~1 HEAD                        two revisions of the suite, one environment
    rngbench compare scanpy==1.12.4 scanpy==1.13.0a2    two environments, the working tree's suite
    rngbench compare numpy==2.4.6 ./dist/numpy-*.whl    a wheel or a local checkout works too
    rngbench compare --calibrate                        A/A: this runner's noise and a factor for it

    Exit 1 when a benchmark got significantly slower (or started failing).
    """
    from rngbench.compare import calibrate as calibration
    from rngbench.compare import comment, sides
    from rngbench.compare.run import compare_sides

    settings = _settings(suite, with_, python, bench, attribute, rounds, factor, work)
    if threads:  # a shared 2-core runner: one thread per benchmark keeps other jobs' load from skewing one side
        settings.extra_env.update({name: str(threads) for name in THREAD_VARIABLES})
    settings.threads = threads  # 0: pools left unset, so the interleaved workers are not pinned
    settings.extra_env.update(dataset_env(datasets))
    if not calibrate:
        md_out = md_out or work / paths.COMPARE / "comment.md"
        json_out = json_out or work / paths.COMPARE / "compare.json"
    repo = sides.git_root(suite.resolve())
    if suite_rev:
        settings.suite_rev = sides.resolve_revision(repo, suite_rev)
        if settings.suite_rev is None:
            fail(f"--suite-rev {suite_rev!r} is not a git revision of the suite")
    if calibrate:
        spec = sides.parse(base, repo) if base else sides.SideSpec("working tree")
        if head:
            fail("--calibrate compares one side with itself: give at most one side")
    else:
        if not base or not head:
            fail("give BASE and HEAD (or --calibrate)")
        base_spec, head_spec = sides.parse(base, repo), sides.parse(head, repo)

    with progress_bar() as progress:
        task = progress.add_task("starting", total=None)

        def step(done: int, total: int | None, what: str, prefix: str = "") -> None:
            if not progress.console.is_terminal and (total is None or done in (0, total)):
                progress.console.print(f"{prefix}{what}")  # CI logs get the phases as lines
            progress.update(task, completed=done, total=total, description=f"{prefix}{what}"[:70])

        if calibrate:
            result = calibration.calibrate(spec, settings, runs, slowdown,
                                           progress=lambda run, done, total, what: step(
                                               done, total, what, prefix=f"A/A run {run + 1}/{runs}: "))
        else:
            report, _, _ = compare_sides(base_spec, head_spec, settings, progress=step)

    if calibrate:
        print_calibration(result)
        if json_out:
            atomic.write_text(json_out, json.dumps(result.as_dict(), indent=1, sort_keys=True) + "\n")
        ok = not any(result.aa_flagged) and all(f == n for f, n in result.slow_flagged)
        sys.exit(0 if ok else 1)

    text = comment.render(report)
    click.echo(text)
    print_rows(report)
    atomic.write_text(md_out, text)
    atomic.write_text(json_out, json.dumps(rows_json(report), indent=1) + "\n")
    terminal().print(f"wrote {md_out} and {json_out}")
    sys.exit(1 if report.regressed else 0)


def dataset_env(datasets: tuple[str, ...]) -> dict:
    """``RNGBENCH_DATASETS`` for the benchmark processes: the default dataset unless told otherwise."""
    from rngbench.bench import datasets as known

    if "all" in datasets:
        return {}
    try:
        names = known.parse_names(",".join(datasets or (known.DEFAULT,)))
    except ValueError as exc:
        fail(f"--dataset: {exc}")
    return {"RNGBENCH_DATASETS": ",".join(names)}


def rows_json(report) -> dict:
    def side(m):
        if m is None:
            return None
        return {"value": m.value if m.value is None or m.value == m.value else "n/a", "samples": m.samples}

    return {
        "base": {"label": report.base.label, "versions": report.base.versions, "commit": report.base.commit},
        "head": {"label": report.head.label, "versions": report.head.versions, "commit": report.head.commit},
        "factor": report.factor, "rounds": report.rounds, "machine": report.machine,
        "rows": [{"benchmark": r.measurement.benchmark, "params": dict(r.measurement.params), "change": r.change,
                  "ratio": r.ratio, "before": side(r.before), "after": side(r.after)} for r in report.rows],
    }


def print_calibration(result) -> None:
    import statistics

    from rich.table import Table

    console = terminal()
    table = Table(title=f"A/A spread per benchmark ({len(result.aa_flagged)} runs)")
    for col in ("benchmark (parameter)", "A/A ratios", "worst"):
        table.add_column(col, overflow="fold")
    for label, ratios in sorted(result.spread.items()):
        worst = max(max(r, 1 / r) for r in ratios)
        table.add_row(label, " ".join(f"{r:.3f}" for r in ratios), f"{worst:.3f}")
    console.print(table)
    all_ratios = [r for ratios in result.spread.values() for r in ratios]
    if all_ratios:
        console.print(f"A/A ratio median {statistics.median(all_ratios):.3f}, "
                      f"range {min(all_ratios):.3f}–{max(all_ratios):.3f}")
    console.print(f"A/A flagged per run (must be 0): {result.aa_flagged}")
    console.print(f"{result.slowdown:g}x slowdown flagged per run (must be all): "
                  f"{[f'{f}/{n}' for f, n in result.slow_flagged]}")
    console.print(f"recommended --factor for this runner: {result.recommended:g} (used: {result.factor:g})")
