"""How long the command line takes to start: ``rngbench --help``, ``--version`` and every group's ``--help``.

    .venv/bin/python scripts/measure_cli.py            # 9 runs each
    .venv/bin/python scripts/measure_cli.py --runs 21

Each command runs in a fresh process (what a user waits for), ``--runs`` times; the median wall time is printed
with the load average, since a shared machine's figures mean little without it, and beside it the median CPU time
(user + system) of the process, which a busy machine inflates far less.  The goal is <= 1 s each
(issue 20); tests/test_cli.py checks the cause (no heavy import at start-up) without timing anything.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from rngbench.util.processes import median_seconds

GOAL = 1.0  # seconds


def rngbench() -> list[str]:
    """The installed ``rngbench`` beside this interpreter, else ``python -m rngbench.cli``."""
    script = Path(sys.executable).with_name("rngbench")
    return [str(script)] if script.exists() else [sys.executable, "-m", "rngbench.cli"]


def invocations() -> list[list[str]]:
    import click

    from rngbench.cli import main

    groups = sorted(name for name, cmd in main.commands.items() if isinstance(cmd, click.Group))
    commands = sorted(name for name, cmd in main.commands.items() if not isinstance(cmd, click.Group))
    return [["--help"], ["--version"], *([g, "--help"] for g in groups), *([c, "--help"] for c in commands)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs per command (the median is printed)")
    args = parser.parse_args()
    base = rngbench()
    print(f"{shutil.which(base[0]) or base[0]}: median of {args.runs} runs, load average before "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    worst = 0.0
    print("   wall     CPU  command")
    for argv in invocations():
        seconds, cpu = median_seconds([*base, *argv], args.runs)
        worst = max(worst, seconds)
        print(f"  {seconds:5.2f} s {cpu:5.2f} s  rngbench {' '.join(argv)}")
    print(f"slowest {worst:.2f} s (goal <= {GOAL:g} s); load average after "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
