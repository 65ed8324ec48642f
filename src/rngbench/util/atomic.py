"""Write files so that a reader never sees half of one.

Every file rngbench produces (store files, reports, plots) goes through here:
the bytes land in a temporary file in the same folder and are renamed over the
target, which POSIX makes atomic.  A run killed at any point leaves either the
old file or the new one, never a truncated mix.  (No fsync: it made the first
ingest of a release 3x slower, and guards against power loss, not against the
interrupted runs this is for.)

A temporary file is named ``.<target name>.tmp<pid>-<random><suffix>``: the
pid of the process writing it, so whoever finds one can tell a write in
flight (its writer alive) from a dead writer's debris (:func:`temp_writer`).
"""

from __future__ import annotations

import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()  # what open() would have given; mkstemp's 0600 would hide reports from others
_TEMP = re.compile(r"^\.(?P<target>.+)\.tmp(?P<pid>\d+)-[a-z0-9_]{8}(?P<suffix>\.[^.]*)?$")


def temp_prefix(path: Path) -> str:
    """The start of every temporary file name this process uses for ``path``."""
    return f".{Path(path).name}.tmp{os.getpid()}-"


def temp_writer(path: Path) -> int | None:
    """The pid that wrote the temporary file ``path``, or None when ``path`` is not one of ours."""
    match = _TEMP.match(Path(path).name)
    return int(match.group("pid")) if match else None


def temp_target(path: Path) -> Path | None:
    """The file the temporary file ``path`` was to replace, or None when ``path`` is not one of ours."""
    match = _TEMP.match(Path(path).name)
    return Path(path).with_name(match.group("target")) if match else None


def alive(pid: int) -> bool:
    """True when a process ``pid`` exists (someone else's counts: it may be writing)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_bytes(path: Path | str, data: bytes) -> None:
    with replacing(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: Path | str, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


@contextmanager
def replacing(path: Path | str, suffix: str = ""):
    """Yield a temporary path to write (e.g. for matplotlib's savefig); rename it into place on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path), suffix=suffix or path.suffix, dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
