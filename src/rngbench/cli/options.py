"""The options and value types every command group shares, each defined once.

One interface: the same option has the same name, type, range, default and
help in every group, and a bad value is refused while the command line is
parsed -- before any environment is built or any file is written -- as one
line, ``error: rngbench GROUP CMD: Invalid value for '--jobs' / '-j': ...``,
exit status 2 (the main group in :mod:`rngbench.cli` prints it).

- ``--store``: :class:`StorePath` -- a folder; for a command that only reads
  it, a store that exists and has its ``INDEX`` (an empty folder is "not an
  rngbench store"); for a writer, a folder (or a place for one) it may write.
- ``-j/--jobs``: an integer >= 1, default :data:`DEFAULT_JOBS` (this machine's
  CPU count) everywhere: recordings are separate processes, one CPU each.
- ``--out``: :class:`OutFolder` (a report folder, created if missing) or
  :class:`OutFile` (a file in a folder that must already exist: nothing is
  created by mistake, e.g. from a typo in a path).
- ``-b/--bench``: a regular expression, repeatable, checked when parsed.
- versions: :class:`VersionType` -- what ``packaging`` accepts *and* nothing
  it would strip or a path would interpret (whitespace, ``/``, ``..``).
- input files: :class:`InputFile` -- a regular file (a FIFO is refused by
  ``stat`` and never opened, so nothing can hang on it; a folder is refused).

Standard library and click only, so ``rngbench --help`` stays fast.
"""

from __future__ import annotations

import math
import os
import re
import stat
from pathlib import Path

import click

from rngbench.config import is_version
from rngbench.errors import fail

DEFAULT_JOBS = os.cpu_count() or 1
"""The one default of ``-j/--jobs``: every group records in separate processes, one CPU each."""

class VersionType(click.ParamType):
    """A package version as typed by a user (``2.3.5``, ``2.4.0rc1``), or one of ``words`` (``newest``)."""

    name = "version"

    def __init__(self, *words: str) -> None:
        self.words = words

    def convert(self, value, param, ctx):
        text = str(value)
        if text in self.words:
            return text
        if not is_version(text):
            self.fail(f"{text!r} is not a numpy version" if not self.words else
                      f"{text!r} is not a numpy version (or {', '.join(map(repr, self.words))})", param, ctx)
        return text


class Number(click.ParamType):
    """A number with a lower bound, refused as one line when it is not one.

    ``Number(at_least=1)``: a whole number >= 1 (``--jobs``, ``--rounds``: ``0``, ``-7`` and ``abc`` are refused
    alike).  ``Number(above=1)``: a finite number strictly above 1 (a factor: ``nan`` and ``inf`` are numbers to
    Python, not to a factor).
    """

    def __init__(self, *, at_least: int | None = None, above: float | None = None) -> None:
        if (at_least is None) == (above is None):
            raise TypeError("Number takes exactly one bound: at_least (a whole number) or above (a finite number)")
        self.whole = above is None
        self.name = "integer" if self.whole else "number"
        self.bound = at_least if self.whole else above
        self.kind = f"a whole number (at least {at_least})" if self.whole else "a number"

    def in_range(self, number) -> bool:
        return number >= self.bound if self.whole else math.isfinite(number) and number > self.bound

    def convert(self, value, param, ctx):
        try:
            number = (int if self.whole else float)(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not {self.kind}", param, ctx)
        if not self.in_range(number):
            self.fail(f"{value!r} is below {self.bound}" if self.whole else
                      f"{value!r} is not a finite number above {self.bound:g}", param, ctx)
        return number


class InputFile(click.ParamType):
    """An existing regular file.  Checked with ``stat`` only: a FIFO or a device is refused without being
    opened (opening a FIFO blocks until a writer comes), and so is a folder."""

    name = "file"

    def __init__(self, missing_ok: bool = False) -> None:
        self.missing_ok = missing_ok

    def convert(self, value, param, ctx):
        path = Path(value)
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            if self.missing_ok:
                return path
            self.fail(f"{path}: no such file", param, ctx)
        except OSError as exc:
            self.fail(f"{path}: {exc.strerror}", param, ctx)
        if not stat.S_ISREG(mode):
            self.fail(f"{path} is a folder, not a file" if stat.S_ISDIR(mode) else
                      f"{path}: not a regular file (a FIFO, socket or device is never opened)", param, ctx)
        return path


class OutFile(click.ParamType):
    """A file to write.  Its folder must exist unless ``make_folders`` (a missing folder is then created by the
    writer): a typo in a path is reported, not turned into new folders."""

    name = "file"

    def __init__(self, make_folders: bool = False) -> None:
        self.make_folders = make_folders

    def convert(self, value, param, ctx):
        path = Path(value)
        if path.is_dir():
            self.fail(f"{path} is a folder, not a file", param, ctx)
        existing = path.parent
        while self.make_folders and not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if not existing.is_dir():
            self.fail(f"{existing} is not a folder" + ("" if self.make_folders else " (create it first)"), param,
                      ctx)
        return path


class OutFolder(click.ParamType):
    """A report folder: created when missing, refused when it is a file."""

    name = "folder"

    def convert(self, value, param, ctx):
        path = Path(value)
        if path.exists() and not path.is_dir():
            self.fail(f"{path} is a file, not a folder", param, ctx)
        return path


class StorePath(click.ParamType):
    """A store folder.  A reader needs an existing store with its ``INDEX``; a writer needs a folder it can write
    (or a missing one it may create: whether it may is the command's ``--create`` rule).

    Refused while parsing, with the same words the stores use (an :class:`RngbenchError`, so the line is the same
    whichever group and command was given the path)."""

    name = "store"

    def __init__(self, *, write: bool) -> None:
        self.write = write

    def convert(self, value, param, ctx):
        path = Path(value)
        if path.exists() and not path.is_dir():
            fail(f"{path} is a file, not a store")
        if not self.write:
            if not path.exists():
                fail(f"no store at {path} (run from the repository root or pass --store)")
            if not (path / "INDEX").is_file():
                fail(f"{path}: not an rngbench store (no INDEX)")
            return path
        existing = path
        while not existing.exists():
            existing = existing.parent
        if not os.access(existing, os.W_OK | os.X_OK):
            fail(f"{existing} is not writable")
        return path


def regexes(ctx: click.Context, param: click.Parameter, value):
    """Callback for a regex option (one value or several): refuse a pattern that does not compile, naming it,
    rather than after environments were built (asv would only say it found nothing)."""
    for pattern in (value,) if isinstance(value, str) else (value or ()):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise click.BadParameter(f"{pattern!r} is not a regular expression ({exc})") from None
    return value


def one_regex(patterns: tuple[str, ...]) -> str | None:
    """Several ``-b`` patterns as the one regex a single-pattern consumer takes (any of them matches)."""
    return "|".join(f"(?:{p})" for p in patterns) if patterns else None


def store_option(default: Path, what: str, *, write: bool = False):
    """``--store``: ``what`` names the store in the help ("the golden-stream store")."""
    return click.option("--store", "store_path", type=StorePath(write=write), default=default, show_default=True,
                        help=f"{what[0].upper()}{what[1:]} (a folder).")


jobs_option = click.option("--jobs", "-j", type=Number(at_least=1), default=DEFAULT_JOBS, show_default=True,
                           help="Recordings run in parallel, each in its own process (default: the CPU count).")


def out_folder_option(default: Path, what: str = "Folder the report is written to"):
    return click.option("--out", "outdir", type=OutFolder(), default=default, show_default=True,
                        help=f"{what} (created if missing).")


def bench_option(old_spelling: str | None = None):
    """``-b/--bench REGEX`` (repeatable) into the parameter ``bench``; ``old_spelling`` (``--only`` in ``bench
    peer``) is still read, hidden from the help, into ``bench_old``: pass both to :func:`benches`."""

    def decorate(f):
        if old_spelling:
            f = click.option(old_spelling, "bench_old", multiple=True, callback=regexes, hidden=True,
                             help="Deprecated spelling of --bench.")(f)
        return click.option("--bench", "-b", "bench", multiple=True, callback=regexes,
                            help="Only benchmarks whose name matches this regular expression; repeatable.")(f)

    return decorate


def benches(bench: tuple[str, ...], bench_old: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The ``-b`` patterns, with any given under the old spelling."""
    return tuple(bench) + tuple(bench_old)
