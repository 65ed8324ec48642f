"""The terminal every command prints to, and its one progress bar: a terminal gets its own width, logs and
pipes get wide lines (so CI logs do not truncate case ids)."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from rngbench.errors import RngbenchError


def console():
    """A rich ``Console`` (rich is imported here, not at start-up: ``--help`` stays fast)."""
    from rich.console import Console

    return Console() if sys.stdout.isatty() else Console(width=200)


def progress_bar():
    """The progress bar of every long command (description, bar, done/total, elapsed), on :func:`console`."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console())


def run_with_progress(total: int, what: str, plural: str,
                      run: Callable[[Callable[[str, str | None], None]], list[str]]) -> None:
    """Drive a matrix run (``run(on_done)``, returning the items that failed) with a progress bar on a terminal,
    one line per item in logs; failures end as one line (the run is resumable, so: rerun).

    ``what`` prefixes an item in log lines ("numpy"); ``plural`` names items in the failure line ("releases").
    """
    with progress_bar() as progress:
        task = progress.add_task("recording", total=total)

        def on_done(item: str, error: str | None) -> None:
            if error:
                progress.console.print(f"[red]{error}")
            elif not progress.console.is_terminal:  # logs (CI, nightly) get one line per item instead of a bar
                progress.console.print(" ".join(filter(None, ("recorded", what, item))))
            progress.update(task, advance=1, description=f"recorded {item}")

        failed = run(on_done)
    if failed:
        raise RngbenchError(f"{len(failed)} {plural} failed ({', '.join(failed)}); rerun to retry them")


def echo_written(paths) -> None:
    """One ``wrote PATH`` line per file a report command wrote."""
    for path in paths:
        click.echo(f"wrote {path}")
