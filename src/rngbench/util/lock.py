"""Cross-process locks around shared folders (the golden-stream store, the environment cache).

Two runs at once (two terminals, a CI retry beside a nightly) must never
interleave writes to one store or delete an environment the other is
building.  The lock is a file beside what it guards (``filelock``: an OS
lock, released when the process dies, so a killed run never leaves a stale
lock behind).  Beside it a small note names the holder (pid, host, purpose),
so the one waiting can say whom it waits for.

``filelock`` is imported inside :func:`hold_lock`, not at module level: the
result-golden recorder imports the golden store's modules inside each matrix
environment, which pins only the recorded stack (no ``filelock``), and
recording never takes a lock -- only the ingest on rngbench's side does.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rngbench.errors import RngbenchError
from rngbench.util import atomic


class LockHeld(RngbenchError):
    """Someone else holds the lock and the caller asked not to wait."""


def _holder_path(lock_path: Path) -> Path:
    return lock_path.with_name(lock_path.name + ".holder")


def _holder(lock_path: Path) -> str:
    """Who holds the lock, as the holder wrote it ("pid 123 on host: purpose"), or "another process"."""
    try:
        doc = json.loads(_holder_path(lock_path).read_text())
        return f"pid {doc['pid']} on {doc['host']} ({doc['purpose']})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


@contextmanager
def hold_lock(lock_path: Path, purpose: str, wait: bool = True) -> Iterator[None]:
    """Hold the lock at ``lock_path`` for the block; ``purpose`` says why, for whoever waits.

    ``wait=True`` blocks until the lock is free, printing one line to stderr
    first; ``wait=False`` raises :class:`LockHeld` (one line) instead.
    """
    from filelock import FileLock, Timeout  # here, not at the top: see the module's docstring

    lock_path = Path(lock_path)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        holder = _holder(lock_path)
        if not wait:
            raise LockHeld(f"{lock_path} is held by {holder}; try again when it has finished") from None
        print(f"waiting for {lock_path}: held by {holder}", file=sys.stderr, flush=True)
        lock.acquire()
    try:
        note = {"pid": os.getpid(), "host": socket.gethostname(), "purpose": purpose}
        atomic.write_text(_holder_path(lock_path), json.dumps(note) + "\n")
        yield
    finally:
        try:
            _holder_path(lock_path).unlink()
        except FileNotFoundError:
            pass
        lock.release()
