"""``rngbench comment ...``: the pull-request comment, rendered by this (trusted) rngbench from benchmark data."""

from __future__ import annotations

from pathlib import Path

import click

from rngbench.cli.options import InputFile, OutFile
from rngbench.errors import fail
from rngbench.util import atomic


@click.group(name="comment")
def comment_group() -> None:
    """Pull-request comments rendered by this rngbench from benchmark data."""


@comment_group.command(name="render")
@click.argument("compare_json", type=InputFile(missing_ok=True))
@click.option("--out", "out", type=OutFile(), required=True,
              help="Where to write the comment (markdown), in a folder that exists.")
@click.option("--run-url", default=None, help="The workflow run that measured the data, linked in the footer.")
def render_command(compare_json: Path, out: Path, run_url: str | None) -> None:
    """Render the comment for COMPARE_JSON (what `rngbench compare --json` wrote) into --out.

    COMPARE_JSON is treated as hostile: it must pass the schema shipped with rngbench, and anything else --
    missing, too big, not JSON, invalid -- gives a fixed comment with nothing from the file (a warning line,
    exit 0: the comment is still the one to post).  Exit 2 when COMPARE_JSON is there but not a regular file
    (a folder, a FIFO: refused without being opened), when --out cannot be written or --run-url is bad.
    """
    from rngbench.compare.trusted import RUN_URL, _log_safe, render_file

    if run_url is not None and not RUN_URL.fullmatch(run_url):
        fail(f"--run-url must look like https://github.com/OWNER/REPO/actions/runs/ID, got {_log_safe(run_url)}")
    text, problem = render_file(compare_json, run_url)
    try:
        atomic.write_text(out, text)
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror}")
    if problem:
        click.echo(f"warning: {compare_json} was not shown ({problem}); wrote the fixed comment to {out}", err=True)
    else:
        click.echo(f"wrote {out}")
