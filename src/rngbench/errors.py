"""The one exception a user can act on.

Everything that fails because of the input or the machine (a bad version, a
corrupted store, no interpreter, a broken budgets file, a worker that died)
raises a subclass of :class:`RngbenchError` with a one-line message.  The
command line (:mod:`rngbench.cli`) catches it in one place and prints
``error: <message>`` with exit status 2 -- never a traceback.  Anything else
is a bug and keeps its traceback.

Standard library only: :mod:`rngbench.envs.interpreters` imports it and must
run under a bare ``python3`` before any environment exists.
"""

from __future__ import annotations

from typing import NoReturn


class RngbenchError(Exception):
    """A one-line, user-facing reason why a command cannot go on."""


def fail(message: str) -> NoReturn:
    """Stop the command with ``message`` (the CLI prints ``error: <message>`` and exits 2)."""
    raise RngbenchError(message)
