"""The ``rngbench`` command: one module per command group, one place that turns errors into one line.

Errors the user can fix (bad version, corrupted store, no interpreter, a
broken config file) are :class:`rngbench.errors.RngbenchError`; the main
group catches them here, once, and prints ``error: <message>`` with exit
status 2.  A check that finds a NEP 19 breach, a significant regression or a
broken budget exits 1.
"""

from __future__ import annotations

import errno

import click

from rngbench.cli.bench import bench
from rngbench.cli.comment import comment_group
from rngbench.cli.compare import compare
from rngbench.cli.nightly import nightly
from rngbench.cli.overhead import overhead
from rngbench.cli.pipelines import pipelines
from rngbench.cli.streams import streams
from rngbench.errors import RngbenchError


class _Main(click.Group):
    """The main group: a :class:`RngbenchError` from any command ends as one line and exit status 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RngbenchError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(2)
        except click.UsageError as exc:  # a bad option value: one line naming it, not click's three
            if exc.ctx is None or isinstance(exc, click.NoSuchOption):
                raise
            click.echo(f"error: {_usage_line(exc)}", err=True)
            ctx.exit(2)
        except OSError as exc:  # the file system's errors a user can fix: full disk, read-only or missing paths
            if exc.errno not in _USER_ERRNOS:
                raise
            click.echo(f"error: {exc.filename + ': ' if exc.filename else ''}{exc.strerror or exc}", err=True)
            ctx.exit(2)


def _usage_line(exc: click.UsageError) -> str:
    """A value an option type refused: ``--jobs/-j: 0 is below 1``, the same words in every group; anything else
    click finds wrong with the command line keeps click's wording, after the command."""
    if type(exc) is click.BadParameter and exc.param is not None:
        name = "/".join(exc.param.opts) if isinstance(exc.param, click.Option) else exc.param.human_readable_name
        return f"{name}: {exc.message}"
    return f"{exc.ctx.command_path}: {exc.format_message()}"


_USER_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.EISDIR, errno.ENOENT,
                errno.EDQUOT}


@click.group(cls=_Main)
@click.version_option(package_name="rngbench")
def main() -> None:
    """rngbench: the cost of RNG strategies, and which numpy.random streams stayed the same."""


for command in (streams, bench, compare, overhead, nightly, comment_group, pipelines):
    main.add_command(command)
