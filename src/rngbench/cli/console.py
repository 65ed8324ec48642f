"""The terminal every command prints to: a terminal gets its own width, logs and pipes get wide lines
(so CI logs do not truncate case ids)."""

from __future__ import annotations

import sys

from rich.console import Console


def console() -> Console:
    return Console() if sys.stdout.isatty() else Console(width=200)
