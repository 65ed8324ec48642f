"""``rngbench pipelines ...``: result goldens across numpy / numba / scanpy versions.

Registered on the main command by ``main.add_command(pipelines)`` in ``rngbench.cli``.
Errors the user can fix are :class:`rngbench.errors.RngbenchError` (one line on
stderr and exit status 2, printed by the main group); ``check`` exits 1 when a
result changed in a way a downstream CI should see.
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

import click

from rngbench import envs
from rngbench.cli.console import echo_written, run_with_progress
from rngbench.cli.options import InputFile, jobs_option, out_folder_option, store_option
from rngbench.cli.stores import add_verify, open_store
from rngbench.errors import fail

DEFAULT_STORE = Path("stream_fixtures/pipelines")
DEFAULT_REPORT = Path("reports/pipelines")
DEFAULT_STREAM_CHANGES = Path("reports/streams/changes.json")
STREAM_CHANGES_KEYS = {"schema", "versions", "cases"}  # the top level of what `streams report` writes


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


reading_store = store_option(DEFAULT_STORE, "the result-golden store")
writing_store = store_option(DEFAULT_STORE, "the result-golden store", write=True)
datasets_option = click.option("--dataset", "datasets", multiple=True,
                               help="Record only these datasets (default: all); repeatable.")


def _open_store(path: Path, verified: bool = False):
    from rngbench.pipelines.store import PipelineStore

    return open_store(PipelineStore, path, verified=verified, must_exist=False)


def _dataset_prefixes(datasets: tuple[str, ...]) -> tuple[str, ...]:
    """The case-id prefixes of ``--dataset`` values, refused when a name is not in the catalogue (recording
    nothing for a typo would look like success)."""
    from rngbench.pipelines import catalogue

    unknown = [d for d in datasets if d not in catalogue.DATASETS]
    if unknown:
        fail(f"unknown dataset {', '.join(unknown)} (known: {', '.join(catalogue.DATASETS)})")
    return tuple(f"{d}:" for d in datasets)


@click.group()
def pipelines() -> None:
    """Result goldens: does the same seed still give the same cells across numpy, numba and scanpy versions?"""


@pipelines.command()
@writing_store
@click.argument("labels", nargs=-1)
@jobs_option
@click.option("--list", "list_only", is_flag=True, help="Print the matrix and what is stored, record nothing.")
def matrix(store_path: Path, labels: tuple[str, ...], jobs: int, list_only: bool) -> None:
    """Record every environment of the matrix (or only LABELS) that the store lacks; resumable."""

    from rngbench.pipelines import matrix as mx

    signal.signal(signal.SIGTERM, _interrupt)
    store = _open_store(store_path)
    try:
        todo, done = mx.plan(store, mx.select(list(labels)), envs.find_interpreters())
    except (mx.MatrixError, envs.EnvError) as exc:
        fail(str(exc))
    if list_only:
        for s in mx.MATRIX:
            state = "stored" if s in done else "to record" if any(s == t for t, _ in todo) else "not selected"
            click.echo(f"{s.label:22} python {s.python}  {' '.join(f'{p}=={v}' for p, v in s.pins)}  [{state}]")
        return
    click.echo(f"{len(done)} environments already stored, {len(todo)} to record with {jobs} worker(s)")
    run_with_progress(len(todo), "", "environment(s)", lambda on_done: mx.run(todo, store, workers=jobs,
                                                                             on_done=on_done))
    click.echo(f"store holds {len(store.environments())} environments")


@pipelines.command()
@reading_store
@click.option("--against", default=None, help="A stored environment (name or matrix label); default: the closest.")
@click.option("--dataset", "datasets", multiple=True,
              help="Record these datasets (default: pbmc68k_reduced, every case; repeatable).")
@click.option("--recorded", type=click.Path(path_type=Path, exists=True, file_okay=False), default=None,
              help="Compare a recorder output directory (`pipelines record DIR`) instead of recording now.")
@click.option("--platform/--no-platform", "native", default=True, show_default=True,
              help="Also record natively and report the distance from the stored native variants (never fails).")
@click.option("--case", "case_prefixes", multiple=True,
              help="Record only the case ids starting with this (dataset:workload.case:layer:strategy); repeatable.")
def check(store_path: Path, against: str | None, datasets: tuple[str, ...], recorded: Path | None,
          native: bool, case_prefixes: tuple[str, ...]) -> None:
    """Record the installed stack under the portable profile and compare it strictly with the goldens (exit 1 on
    a real change); then natively, reported as `platform`."""
    from rngbench.cli.console import console as _console
    from rngbench.golden.store import StoreError
    from rngbench.pipelines import catalogue
    from rngbench.pipelines import check as checking
    from rngbench.pipelines.matrix import MatrixError

    _dataset_prefixes(datasets)  # an unknown dataset is refused before any recording
    store = _open_store(store_path, verified=True)
    only = tuple(f"{d}:" for d in datasets or catalogue.CHECKED)
    if case_prefixes:
        only = tuple(c for c in case_prefixes if not datasets or c.startswith(only))
        if not any(c.id.startswith(only) for c in catalogue.cases()):
            fail(f"no case id starts with {' or '.join(case_prefixes)} (e.g. {catalogue.cases()[0].id})")
    try:
        if against:
            checking.resolve(store, against)  # before minutes of recording
        if recorded:
            installed, natively = checking.load_recorded(recorded), None
        else:
            installed, natively = checking.record_both(only, native)
        result = checking.run_check(store, installed, against, natively)
    except (StoreError, MatrixError, envs.EnvError) as exc:
        fail(str(exc))
    console = _console()
    print_check(console, result)
    sys.exit(1 if any(r["fails"] for r in result["rows"]) else 0)


def print_check(console, result: dict) -> None:
    """What ``check`` found: the strict comparison, then the native run's distance from stored variants."""
    from rich.table import Table

    from rngbench.pipelines.report import _main_measure

    console.print(f"profile {result['profile'] or 'none'} (platform {result['installed_platform']}) compared "
                  f"with {result['golden']} (profile {result['golden_profile'] or 'none: recorded before profiles'})")
    if result["differing_versions"]:
        console.print("versions differ: " + "; ".join(result["differing_versions"]))
    if not result["same_platform"]:
        console.print(f"platform {result['installed_platform']} differs from the golden's: floating-point "
                      f"workloads are shown, only exact ones (counts) can fail")
    shown = [r for r in result["rows"] if r["outcome"].kind not in ("identical", "n/a")]
    if shown:
        table = Table(title="cases that are not identical")
        for col in ("case", "outcome", "amount", "fails"):
            table.add_column(col)
        for r in shown:
            table.add_row(r["case"], r["outcome"].kind, _main_measure(r["outcome"]) or str(r["outcome"].measures),
                          "yes" if r["fails"] else "", style="red" if r["fails"] else None)
        console.print(table)
    bad = [r for r in result["rows"] if r["fails"]]
    kinds = [r["outcome"].kind for r in result["rows"]]
    console.print(f"{len(kinds)} cases: {kinds.count('identical')} identical, {len(shown)} not identical, "
                  f"{kinds.count('n/a')} n/a (not expressible on either side), {len(bad)} failing the check")
    if result["platform"] is None:
        return
    if not result["platform"]:
        console.print(f"platform: native run on {result['native_platform']}; no stored native variant of these "
                      f"versions to compare with")
    for p in result["platform"]:
        worst = max(p["differ"], key=lambda d: catalogue_severity(d[1]), default=None)
        console.print(f"platform (information, never a failure): native run on {result['native_platform']} vs "
                      f"{p['variant']} ({p['profile']}): {p['identical']} of {p['cases']} identical"
                      + (f"; e.g. {worst[0]}: {worst[1].kind} {_main_measure(worst[1])}" if worst else ""))


def catalogue_severity(outcome) -> int:
    from rngbench.pipelines.classify import SEVERITY

    return SEVERITY[outcome.kind]


@pipelines.command()
@reading_store
@out_folder_option(DEFAULT_REPORT)
@click.option("--stream-changes", type=InputFile(missing_ok=True), default=DEFAULT_STREAM_CHANGES, show_default=True,
              help="The stream store's changes.json (`rngbench streams report`), linked from numpy steps; "
                   "the links are left out when it does not exist.")
def report(store_path: Path, outdir: Path, stream_changes: Path) -> None:
    """Write reports/pipelines/: README.md, heatmap.png and changes.json."""
    from rngbench.golden.store import StoreError
    from rngbench.pipelines.report import write

    _check_stream_changes(stream_changes)
    store = _open_store(store_path, verified=True)
    try:
        paths = write(store, outdir, stream_changes)
    except StoreError as exc:
        fail(str(exc))
    echo_written(paths)


def _check_stream_changes(path: Path) -> None:
    """``--stream-changes`` must be what `streams report` writes, or absent: a file of another kind (the
    pipelines' own changes.json, any other JSON) would silently drop every link."""
    from rngbench.util.inputs import load_json

    if not path.exists():
        return
    doc = load_json(path)
    cases = doc.get("cases") if isinstance(doc, dict) else None
    if not (isinstance(cases, list) and set(doc) == STREAM_CHANGES_KEYS
            and all(isinstance(c, dict) and {"method", "changes"} <= set(c) for c in cases)):
        fail(f"--stream-changes {path}: not a changes.json written by `rngbench streams report`")


@pipelines.command()
@click.argument("outdir", type=click.Path(path_type=Path, file_okay=False))
@datasets_option
def record(outdir: Path, datasets: tuple[str, ...]) -> None:
    """Record the installed stack into OUTDIR (what the matrix runs in each environment)."""
    from rngbench.pipelines import matrix as mx

    prefixes = _dataset_prefixes(datasets)
    try:
        mx.run_recorder(sys.executable, outdir, mx.export_inputs(), prefixes)
    except mx.MatrixError as exc:
        fail(str(exc))
    click.echo(f"wrote {outdir}")


@pipelines.command()
@writing_store
@click.argument("recorded", type=click.Path(path_type=Path, exists=True, file_okay=False))
def ingest(store_path: Path, recorded: Path) -> None:
    """Add a recorder output directory to the store (under its file lock)."""
    from rngbench.golden.store import StoreError
    from rngbench.pipelines import matrix as mx

    try:
        name = mx.ingest(_open_store(store_path), recorded)
    except (StoreError, mx.MatrixError) as exc:
        fail(str(exc))
    click.echo(f"stored {name}")


@pipelines.command()
@reading_store
@click.argument("before")
@click.argument("after")
def attribute(store_path: Path, before: str, after: str) -> None:
    """Every case that differs from BEFORE to AFTER (stored names or matrix labels) and the package step(s) that
    changed it, through stored environments that change one package at a time."""
    from rngbench.golden.store import StoreError
    from rngbench.pipelines import attribution
    from rngbench.pipelines.pairs import Comparer
    from rngbench.pipelines.report import labels

    store = _open_store(store_path, verified=True)
    by_label = {lab: name for name, lab in labels(store).items()}
    try:
        names = [by_label.get(x, x) for x in (before, after)]
        for given, name in zip((before, after), names):
            if name not in store.environments():
                raise StoreError(f"no stored environment {given} (stored: {', '.join(sorted(by_label))})")
        if names[0] == names[1]:
            fail(f"BEFORE and AFTER are the same environment ({names[0]}): nothing to attribute")
        comparer = Comparer(store)
        steps = attribution.chain(comparer, *names)
        found = attribution.attribute(comparer, *names)
    except StoreError as exc:
        fail(str(exc))
    click.echo("chain: " + " | ".join(s.label for s in steps))
    for item in found:
        measures = {k: v for k, v in item.items() if k not in ("case", "kind", "difference", "steps")}
        where = "; ".join(s["step"] for s in item["steps"]) or "no single step (changes cancel or combine)"
        click.echo(f"{item['case']}: {item['kind']} {measures} <- {where}")
    click.echo(f"{len(found)} case(s) not identical, {sum(i['difference'] for i in found)} of them changed")


@pipelines.command()
@click.option("--dataset", default="pbmc68k_reduced", show_default=True, help="The dataset recorded per setting.")
@out_folder_option(DEFAULT_REPORT)
@click.option("--cost-rounds", type=click.IntRange(min=0), default=0, show_default=True,
              help="Also time the portable profile against native per workload, interleaved, this many rounds.")
@click.option("--case", "case_prefixes", multiple=True,
              help="Record only the case ids starting with this (default: every case of the dataset); repeatable.")
@click.option("--cost-only", is_flag=True, help="Only time the profile (--cost-rounds), into an existing layers.json.")
def layers(dataset: str, outdir: Path, cost_rounds: int, case_prefixes: tuple[str, ...], cost_only: bool) -> None:
    """Record the catalogue with one platform layer switched at a time (and under every simulated CPU) and say,
    per workload, which layers change the result and by how much; writes OUT/layers.json."""
    from rngbench.pipelines import catalogue
    from rngbench.pipelines import layers as attribution_by_layer
    from rngbench.pipelines.matrix import MatrixError

    if dataset not in catalogue.DATASETS:
        fail(f"unknown dataset {dataset} (known: {', '.join(catalogue.DATASETS)})")

    def log(message: str) -> None:
        click.echo(message, err=True)

    try:
        existing = outdir / attribution_by_layer.OUT
        if cost_only:
            doc = json.loads(existing.read_text()) if existing.is_file() else {"dataset": dataset, "settings": {}}
        else:
            doc = attribution_by_layer.attribute(dataset, log, tuple(case_prefixes))
        if cost_rounds:
            doc["cost"] = attribution_by_layer.cost(dataset, cost_rounds, log)
    except (MatrixError, envs.EnvError) as exc:
        fail(str(exc))
    click.echo(attribution_by_layer.table(doc))
    echo_written([attribution_by_layer.write(doc, outdir)])


add_verify(pipelines, reading_store, _open_store)
