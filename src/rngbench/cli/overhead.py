"""``rngbench overhead``: the ratio budgets of ``benchmarks/budgets.toml`` on asv results.

Exit codes: 0 every budget kept, 1 a broken budget, 2 bad input (one line on stderr).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from rngbench.cli.console import console as terminal
from rngbench.cli.options import InputFile, OutFile
from rngbench.util import atomic

DEFAULT_BUDGETS = Path("benchmarks/budgets.toml")
DEFAULT_RESULTS = Path(".asv/results")


def overhead_checks(results: list[Path], budgets_path: Path):
    from rngbench import budgets, config
    from rngbench.asvio.results import read_results

    return budgets.evaluate(config.load_budgets(budgets_path), read_results(results))


def overhead_markdown(checks) -> str:
    from rngbench.util.markdown import code, table

    rows = [[code(c.budget.name), code(c.label), "n/a" if c.ratio is None else f"{c.ratio:.2f}", _ci(c),
             f"{c.budget.max:g}", _samples(c), c.status] for c in checks]
    return table(["Budget", "Measurement", "Ratio", "95 % CI", "Limit", "Samples", "Result"], rows,
                 "llrlrrl") + "\n"


def _ci(c) -> str:
    return "" if c.interval is None or min(c.interval.samples) < 2 else f"{c.interval.low:.2f}–{c.interval.high:.2f}"


def _samples(c) -> str:
    """What the verdict rests on: samples of numerator and denominator."""
    return "" if c.samples is None else f"{c.samples[0]}, {c.samples[1]}"


def print_overhead(checks, verbose: bool = False) -> None:
    from rich.table import Table

    from rngbench.budgets import Status

    table = Table(title="Overhead budgets (ratios within one run)")
    for col in ("budget", "measurement", "ratio", "95 % CI", "limit", "samples", "result"):
        table.add_column(col, justify="right" if col in ("ratio", "limit", "samples") else "left", overflow="fold")
    for c in checks:
        style = {Status.FAIL: "red", Status.PASS: "green"}.get(c.status, "dim")
        ratio = "n/a" if c.ratio is None else f"{c.ratio:.2f}"
        name = c.budget.name + (f"\n[dim]{c.budget.why}" if verbose and c.budget.why else "")
        table.add_row(name, c.label, ratio, _ci(c), f"≤ {c.budget.max:g}", _samples(c), c.status, style=style)
    terminal().print(table)


@click.command()
@click.argument("results", nargs=-1, type=click.Path(path_type=Path))
@click.option("--budgets", "budgets_path", type=InputFile(missing_ok=True), default=DEFAULT_BUDGETS,
              show_default=True, help="The budgets file ([[budget]] tables).")
@click.option("--json", "json_out", type=OutFile(make_folders=True), help="Also write the checks as JSON.")
@click.option("--markdown", "md_out", type=OutFile(make_folders=True), help="Also write the table as markdown.")
@click.option("--strict", is_flag=True, help="A budget that matches no measurement fails too.")
@click.option("--verbose", "-v", is_flag=True, help="Show why each budget exists.")
def overhead(results: tuple[Path, ...], budgets_path: Path, json_out: Path | None, md_out: Path | None,
             strict: bool, verbose: bool) -> None:
    """Check the overhead budgets on asv RESULTS (result files or results directories; default .asv/results).

    Each budget is a ratio of two measurements from the same run (same commit and machine), e.g. spawn/reuse for
    per-cell downsampling, judged on asv's recorded samples: exit 1 when the whole 95 % interval of a ratio is
    above its limit (one sample a side, as with --quick, never breaks a budget).
    """
    from rngbench import budgets
    from rngbench.budgets import Status

    checks = overhead_checks(list(results) or [DEFAULT_RESULTS], budgets_path)
    print_overhead(checks, verbose)
    bad = budgets.broken(checks, strict)
    if json_out:
        atomic.write_text(json_out, json.dumps([c.as_dict() for c in checks], indent=1) + "\n")
    if md_out:
        atomic.write_text(md_out, overhead_markdown(checks))
    passed = sum(c.status == Status.PASS for c in checks)
    terminal().print(f"{passed} within budget, {len(bad)} broken, {len(checks) - passed - len(bad)} n/a or no data")
    sys.exit(1 if bad else 0)
