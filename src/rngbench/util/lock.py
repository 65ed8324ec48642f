"""One writer at a time: a file lock that says who holds it.

Two ``streams matrix`` runs on one store, or two runs building the same
environment, must never interleave their writes.  ``filelock`` gives the lock
(released by the kernel when the holder dies, kill -9 included); beside it a
small ``<lock>.holder`` file names the holder (pid, command, start time), so a
second run can say in one line what it waits for.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from rngbench.errors import RngbenchError

POLL = 0.2  # seconds between tries while waiting


def _holder_path(lock_path: Path) -> Path:
    return lock_path.with_name(lock_path.name + ".holder")


def holder(lock_path: Path) -> str:
    """Who holds ``lock_path``, as recorded by the holder (or 'another process')."""
    try:
        return _holder_path(lock_path).read_text().strip() or "another process"
    except OSError:
        return "another process"


@contextmanager
def hold_lock(lock_path: Path, purpose: str, wait: bool = True) -> Iterator[None]:
    """Hold ``lock_path`` for ``purpose``; wait (saying once for whom) or refuse with one line."""
    lock_path = Path(lock_path)
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RngbenchError(f"cannot create {lock_path.parent} ({exc.strerror})") from None
    lock = FileLock(str(lock_path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if not wait:
            raise RngbenchError(f"{lock_path.parent} is in use by {holder(lock_path)}; try again later") from None
        print(f"waiting for {lock_path.parent}: in use by {holder(lock_path)}", file=sys.stderr, flush=True)
        lock.acquire(poll_interval=POLL)
    except OSError as exc:
        raise RngbenchError(f"cannot lock {lock_path} ({exc.strerror})") from None
    try:
        try:
            _holder_path(lock_path).write_text(
                f"pid {os.getpid()} ({purpose}, since {time.strftime('%H:%M:%S')})\n")
        except OSError:
            pass
        yield
    finally:
        _holder_path(lock_path).unlink(missing_ok=True)
        lock.release()
