"""Write files so that a reader never sees half of one.

Every file rngbench produces (store files, reports, plots) goes through here:
the bytes land in a temporary file in the same folder and are renamed over the
target, which POSIX makes atomic.  A run killed at any point leaves either the
old file or the new one, never a truncated mix.  (No fsync: it made the first
ingest of a release 3x slower, and guards against power loss, not against the
interrupted runs this is for.)
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()  # what open() would have given; mkstemp's 0600 would hide reports from others


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
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=suffix or path.suffix, dir=path.parent)
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
