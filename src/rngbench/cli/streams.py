"""``rngbench streams ...``: the golden-stream store (stream_fixtures/) and NEP 19 verdicts."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from rngbench.cli.console import console as terminal
from rngbench.cli.console import echo_written, run_with_progress
from rngbench.cli.options import VersionType, jobs_option, out_folder_option, store_option
from rngbench.cli.stores import add_verify, open_store
from rngbench.errors import fail

DEFAULT_STORE = Path("stream_fixtures")
DEFAULT_STREAMS_REPORT = Path("reports/streams")


@click.group()
def streams() -> None:
    """The golden-stream store (stream_fixtures/) and NEP 19 verdicts."""


reading_store = store_option(DEFAULT_STORE, "the golden-stream store")
writing_store = store_option(DEFAULT_STORE, "the golden-stream store", write=True)


def _store(path: Path, *, verified: bool = False):
    """The store at ``path`` (checked by ``--store``'s type); with ``verified``, only past the readers' gate of
    `streams verify` (a truncated INDEX must not silently shift which release is "newest")."""
    from rngbench.streams.store import Store

    return open_store(Store, path, verified=verified)


@streams.command()
@reading_store
@click.option("--against", type=VersionType("newest", "all"), default="newest", show_default=True,
              help="A stored numpy version, 'newest', or 'all'.")
def check(store_path: Path, against: str) -> None:
    """Record the installed numpy in-process and compare it with the store.

    Exit 1 when it breaks NEP 19: a BitGenerator, SeedSequence, Generator.bytes/integers/random
    or legacy case changed beyond roundoff, or a Generator distribution changed inside an X.Y series.
    """
    from rich.table import Table

    from rngbench.streams import check as checking
    from rngbench.streams.store import StoreError

    store = _store(store_path, verified=True)
    started = time.perf_counter()
    try:
        versions = checking.targets(store, against)
        installed = checking.record_installed()
        rows = []
        chosen = {}
        for version in versions:
            found, chosen[version] = checking.compare_installed(store, installed, version)
            rows.extend(dict(r, against=version) for r in found)
    except StoreError as exc:
        fail(str(exc))
    console = terminal()
    for version, variant in list(chosen.items())[:3]:
        console.print(f"numpy {version}: compared with platform {variant.platform_id} ({variant.reason})")
    bad = checking.failing(rows)
    shown = [r for r in rows if not (r["kind"] == "absent" and r["verdict"] == "allowed")]
    if shown:
        table = Table(title=f"numpy {installed.version} against the store")
        for col in ("against", "case", "kind", "first index", "fraction", "max rel", "verdict"):
            table.add_column(col)
        for r in shown[:200]:
            style = "red" if r in bad else None
            table.add_row(r["against"], r["id"], r["kind"], str(r.get("first_index", "")),
                          "" if r.get("fraction") is None else f"{r['fraction']:.3f}",
                          "" if r.get("max_rel") is None else f"{r['max_rel']:.2g}", r["verdict"], style=style)
        console.print(table)
        if len(shown) > 200:
            console.print(f"… {len(shown) - 200} more rows")
    elapsed = time.perf_counter() - started
    new_variant = [r for r in shown if r["kind"] == "platform" and r["verdict"] == "platform-dependent"]
    if new_variant:
        console.print(f"{len(new_variant)} platform-dependent case(s) match no stored platform: this machine "
                      f"({installed.platform_id}) is a new platform variant; add it with `rngbench streams record "
                      f"DIR` then `rngbench streams ingest DIR`")
    against_what = ", ".join(versions) if len(versions) < 4 else f"{len(versions)} releases"
    summary = (f"numpy {installed.version} vs {against_what}: {len(installed.records)} cases, "
               f"{len(shown)} differences, {len(bad)} NEP 19 breaches ({elapsed:.1f} s)")
    console.print(summary)
    sys.exit(1 if bad else 0)


@streams.command()
@reading_store
@out_folder_option(DEFAULT_STREAMS_REPORT)
def report(store_path: Path, outdir: Path) -> None:
    """Write reports/streams/: README.md, heatmap.png and changes.json."""
    from rngbench.streams.history import build_changes
    from rngbench.streams.report import write_report
    from rngbench.streams.store import StoreError

    store = _store(store_path, verified=True)
    try:
        changes = build_changes(store)
        paths = write_report(changes, store, outdir)
    except StoreError as exc:
        fail(str(exc))
    echo_written(paths)


@streams.command()
@writing_store
@click.argument("versions", nargs=-1, type=VersionType())
@jobs_option
@click.option("--pre/--no-pre", default=False, help="Include pre-releases.")
def matrix(store_path: Path, versions: tuple[str, ...], jobs: int, pre: bool) -> None:
    """Record every numpy release from 1.16.0 on (or only VERSIONS) that the store lacks."""
    record_releases(store_path, versions, jobs, pre=pre)


def record_releases(store_path: Path, versions: tuple[str, ...], jobs: int, *, pre: bool) -> None:
    """The command line's face of the one stream-recording driver (`streams matrix`, `nightly`)."""
    from rngbench.streams import matrix as mx

    store = mx.record_missing(store_path, versions=list(versions), pre=pre, jobs=jobs, say=click.echo,
                              drive=lambda total, run: run_with_progress(total, "numpy", "releases", run))
    click.echo(f"store holds {len(store.releases())} releases")


@streams.command()
@click.argument("outdir", type=click.Path(path_type=Path, file_okay=False))
def record(outdir: Path) -> None:
    """Record the installed numpy into OUTDIR (what the matrix runs in each environment)."""
    from rngbench.streams.recorder import record as recorder

    recorder.write_record(str(outdir))
    click.echo(f"wrote {outdir}")


@streams.command()
@writing_store
@click.argument("recorded", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--create", is_flag=True, help="Start a new store if there is none at --store.")
def ingest(store_path: Path, recorded: Path, create: bool) -> None:
    """Add a recorder output directory (from `rngbench streams record OUTDIR`) to the store.

    A release the store lacks is added whole; for a stored release the output becomes a platform variant
    (only its platform-dependent cases may differ from the stored reference).
    """
    from rngbench.streams import matrix as mx

    click.echo(f"stored {mx.ingest_output(mx.writable_store(store_path, create=create), recorded)}")


add_verify(streams, reading_store, _store)
