"""What the two golden-store command groups (``streams``, ``pipelines``) share: ``verify`` and its ``--sweep``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from rngbench.errors import fail


def open_store(kind: type, path: Path, *, verified: bool = False, must_exist: bool = True):
    """The store of type ``kind`` at ``path``; with ``verified``, only past the readers' gate (damage is one
    error line; debris one warning line naming the command that sweeps it)."""
    if path.exists() and not path.is_dir():
        fail(f"{path} is a file, not a store")
    if must_exist and not path.is_dir():
        fail(f"no store at {path} (run from the repository root or pass --store)")
    store = kind(path)
    note = store.readable() if verified else None
    if note:
        click.echo(f"warning: {note}", err=True)
    return store


def add_verify(group: click.Group, store_option, open_store: Callable[[Path], object]) -> None:
    """Register ``verify`` on ``group``: damage is an error (exit 1), debris is named with the command that
    sweeps it, and ``--sweep`` sweeps it first (under the store's lock, as the next writer would)."""

    @group.command()
    @store_option
    @click.option("--sweep", is_flag=True, help="First remove what an interrupted writer left (debris), under the "
                                                "store's lock.")
    def verify(store_path: Path, sweep: bool) -> None:
        """Check every store file against its hash; exit 1 with one line per problem (debris is named, not an
        error)."""
        out, err = open_store(store_path).verify_report(sweep)
        for line in err:
            click.echo(line, err=True)
        for line in out:
            click.echo(line)
        sys.exit(1 if any(line.startswith("error:") for line in err) else 0)
