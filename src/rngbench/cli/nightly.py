"""``rngbench nightly``: new numpy releases into the golden store, the numpy x scanpy matrix, budgets, report.

Exit codes: 0 fine, 1 a broken budget, 2 bad input (one line on stderr).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from rngbench import paths
from rngbench.cli.console import console as terminal
from rngbench.cli.console import progress_bar
from rngbench.cli.options import InputFile, OutFolder, VersionType, jobs_option, store_option
from rngbench.cli.overhead import DEFAULT_BUDGETS
from rngbench.cli.streams import DEFAULT_STORE, record_releases
from rngbench.errors import fail


@click.command()
@click.option("--only", type=click.Choice(["record", "run", "report", "publish"]), default=None,
              help="One step (CI runs them in separate jobs); default: record, run, report. 'publish' writes the "
                   "history page (index.html in --out) from --results, --store and --pipelines.")
@click.option("--series", multiple=True, type=VersionType(),
              help="Only this numpy release series, e.g. 2.4 (repeatable).")
@click.option("--list-series", is_flag=True, help="Print the numpy release series of the matrix as JSON and stop.")
@click.option("--matrix", "matrix_path", type=InputFile(), default=Path("benchmarks/matrix.toml"),
              show_default=True, help="The version matrix ([nightly]: numpy series x scanpy versions).")
@click.option("--budgets", "budgets_path", type=InputFile(missing_ok=True), default=DEFAULT_BUDGETS, show_default=True,
              help="The overhead budgets checked on every numpy version's results.")
@click.option("--results", type=click.Path(path_type=Path), default=paths.WORK / paths.NIGHTLY, show_default=True,
              help="Where each cell's asv results go (kept: a stopped run resumes).")
@click.option("--out", type=OutFolder(), default=Path("reports/nightly"), show_default=True,
              help="Folder the report is written to (created if missing).")
@store_option(DEFAULT_STORE, "the golden-stream store new numpy releases are recorded into", write=True)
@click.option("--suite", type=click.Path(path_type=Path, file_okay=False), default=Path("."), show_default=True,
              help="Directory holding the suite's benchmarks/ (inside a git repository).")
@click.option("--suite-rev", default=None, help="Git revision of the suite to benchmark (default: the working tree).")
@click.option("--work", type=click.Path(path_type=Path, file_okay=False), default=paths.WORK, show_default=True,
              help="Working folder: --suite-rev's exported revisions (in WORK/suites). The environments are in "
                   "rngbench's cache (RNGBENCH_CACHE, default ~/.cache/rngbench).")
@jobs_option
@click.option("--pipelines", "pipelines_path", type=InputFile(missing_ok=True),
              default=Path("reports/pipelines/changes.json"), show_default=True,
              help="The result goldens' verdicts shown on the history page (--only publish).")
def nightly(only, series, list_series, matrix_path, budgets_path, results, out, store_path, suite, suite_rev, work,
            jobs, pipelines_path) -> None:
    """Record new numpy releases, run the numpy x scanpy benchmark matrix and the budgets, write reports/nightly/.

    Resumable: recorded releases and finished matrix cells are kept.  Exit 1 when a budget is broken.
    """
    from rngbench import budgets, config
    from rngbench.nightly import matrix as nl
    from rngbench.nightly import report as nightly_report

    if only == "publish":
        from rngbench.nightly import history_page

        click.echo(f"wrote {history_page.build(results, store_path, pipelines_path, budgets_path, out)}")
        return
    matrix = config.load_nightly_matrix(matrix_path)
    if list_series:
        click.echo(json.dumps(list(nl.numpy_versions(matrix))))
        return
    if only in (None, "record"):
        record_releases(store_path, (), jobs, pre=True)
    if only in (None, "run"):
        todo = nl.cells(matrix, nl.numpy_versions(matrix), list(series) or None)
        with progress_bar() as progress:
            task = progress.add_task("benchmark matrix", total=len(todo))

            def on_cell(cell, status):
                if status.get("status") != "ok":
                    progress.console.print(f"[red]{cell.name}: {status.get('status')}: {status.get('error', '')}")
                elif not progress.console.is_terminal:
                    progress.console.print(f"benchmarked {cell.name}")
                progress.update(task, advance=1, description=cell.name)

            nl.run(matrix, todo, results, suite, work, on_cell=on_cell, suite_rev=suite_rev)
    if only in (None, "report"):
        statuses, measurements = nl.read_cells(results)
        if not statuses:
            fail(f"no finished matrix cells under {results}")
        checks = nl.budget_checks(config.load_budgets(budgets_path), measurements)
        console = terminal()
        for path in nightly_report.write_report(out, statuses, measurements, checks):
            console.print(f"wrote {path}")
        bad = [c for c in checks if c["status"] == budgets.Status.FAIL]
        for c in bad:
            console.print(f"[red]budget broken (numpy {c['numpy']}): {c['budget']}: {c['row']}: "
                          f"{c['ratio']:.2f} > {c['max']:g}")
        sys.exit(1 if bad else 0)
