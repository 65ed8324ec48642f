"""``rngbench streams ...``: the golden-stream store (stream_fixtures/) and NEP 19 verdicts."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import click

from rngbench import envs
from rngbench.cli.console import console as terminal
from rngbench.cli.console import echo_written, run_with_progress
from rngbench.cli.options import VersionType, jobs_option, out_folder_option, store_option
from rngbench.errors import fail

DEFAULT_STORE = Path("stream_fixtures")
DEFAULT_STREAMS_REPORT = Path("reports/streams")


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


@click.group()
def streams() -> None:
    """The golden-stream store (stream_fixtures/) and NEP 19 verdicts."""


reading_store = store_option(DEFAULT_STORE, "the golden-stream store")
writing_store = store_option(DEFAULT_STORE, "the golden-stream store", write=True)


def _store(path: Path, *, verified: bool = False):
    """The store at ``path`` (checked by ``--store``'s type); with ``verified``, only if it passes the same
    integrity gate as `streams verify` (a truncated INDEX must not silently shift which release is "newest")."""
    from rngbench.streams.store import Store

    store = Store(path)
    if verified:
        problems = store.verify()
        if problems:
            more = f" (and {len(problems) - 1} more: `rngbench streams verify`)" if len(problems) > 1 else ""
            fail(f"the store is damaged: {problems[0]}{more}")
    return store


def _writable_store(path: Path, *, create: bool):
    """A store we are about to write (``--store``'s type checked it is a writable folder or a place for one):
    a missing one only with ``create``."""
    from rngbench.streams.store import Store

    if not path.exists() and not create:
        fail(f"no store at {path} (pass --create to start a new one)")
    return Store(path)


@streams.command()
@reading_store
def verify(store_path: Path) -> None:
    """Check every store file against its checksum; exit 1 on any corruption."""
    store = _store(store_path)
    problems = store.verify()
    if problems:
        for line in problems[:20]:
            click.echo(f"error: {line}", err=True)
        if len(problems) > 20:
            click.echo(f"error: … and {len(problems) - 20} more", err=True)
        sys.exit(1)
    click.echo(f"store intact: {len(store.releases())} releases, {len(store.records())} distinct records")


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
    """The one stream recording driver (`streams matrix`, `nightly`): every release (or only ``versions``) the
    store lacks, in ``jobs`` processes, with a progress bar; a cancelled CI job (SIGTERM) cleans up like Ctrl-C."""
    from rngbench.streams import matrix as mx

    signal.signal(signal.SIGTERM, _interrupt)
    store = _writable_store(store_path, create=True)
    interpreters = envs.find_interpreters()
    if not interpreters:
        fail("no Python interpreter found (searched pyenv's versions/, $PYENV_ROOT, python3.N and python3 on PATH)")
    try:
        index = mx.fetch_index()
        todo, done, unusable = mx.plan(index, store, interpreters, versions=list(versions) or None, pre=pre)
    except (mx.MatrixError, envs.EnvError) as exc:  # the stream matrix's errors are not RngbenchErrors (yet)
        fail(str(exc))
    for version in unusable:
        click.echo(f"warning: numpy {version}: no installed Python has a wheel for it; skipped", err=True)
    click.echo(f"{len(done)} releases already stored, {len(todo)} to record with {jobs} workers")
    run_with_progress(len(todo), "numpy", "releases",
                      lambda on_done: mx.run(todo, store, workers=jobs, on_done=on_done))
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
    from rngbench.streams.recorder import catalogue
    from rngbench.streams.store import StoreError, read_recorder_output

    store = _writable_store(store_path, create=create)
    try:
        doc, cases = read_recorder_output(recorded)
        if doc["catalogue"] != catalogue.digest():
            fail(f"{recorded} was recorded from another catalogue "
                 f"({doc['catalogue']}, this one is {catalogue.digest()})")
        if doc["env"]["numpy"] in store.releases():
            version, pid = store.add_variant(doc, cases)
            click.echo(f"stored platform {pid} of numpy {version}")
            return
        version = store.add_release(doc, cases)
    except StoreError as exc:
        fail(str(exc))
    click.echo(f"stored numpy {version}")
