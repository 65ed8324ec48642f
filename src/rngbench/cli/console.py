"""The terminal every command prints to: a terminal gets its own width, logs and pipes get wide lines
(so CI logs do not truncate case ids)."""

from __future__ import annotations

import sys
from collections.abc import Callable

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


def console() -> Console:
    return Console() if sys.stdout.isatty() else Console(width=200)


def run_with_progress(total: int, what: str, run: Callable[[Callable[[str, str | None], None]], list[str]]
                      ) -> list[str]:
    """Drive a matrix run (``run(on_done)``) with a progress bar on a terminal, one line per item in logs.

    ``what`` names an item ("numpy", "environment"); returns what ``run`` returns (the items that failed).
    """
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console()) as progress:
        task = progress.add_task("recording", total=total)

        def on_done(item: str, error: str | None) -> None:
            if error:
                progress.console.print(f"[red]{error}")
            elif not progress.console.is_terminal:  # logs (CI, nightly) get one line per item instead of a bar
                progress.console.print(" ".join(filter(None, ("recorded", what, item))))
            progress.update(task, advance=1, description=f"recorded {item}")

        return run(on_done)
