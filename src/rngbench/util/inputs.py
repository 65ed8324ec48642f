"""Reading a user's input file: one place that turns every way it can be wrong into one line.

A configuration file, a results file or a report another command wrote is
input a user can get wrong (a binary file, a folder, a FIFO, JSON nested a
million deep); each of those ends here as an :class:`InputError` naming the
file, never as a ``UnicodeDecodeError`` or ``RecursionError`` traceback, and
a FIFO is refused by ``stat`` before it could be opened (opening one blocks).
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

from rngbench.errors import RngbenchError


class InputError(RngbenchError):
    """A one-line reason why an input file cannot be read (which file, and what is wrong with it)."""


def read_text(path: Path) -> str:
    """The UTF-8 text of the regular file at ``path``."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            raise InputError(f"{path} is a folder, not a file" if stat.S_ISDIR(mode) else
                             f"{path}: not a regular file (a FIFO, socket or device is never opened)")
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InputError(f"no file at {path}") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror}") from None


def load_json(path: Path) -> object:
    """The JSON document in the file at ``path`` (any nesting depth Python cannot follow is refused, not a crash)."""
    text = read_text(path)
    try:
        return json.loads(text)
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply") from None
    except ValueError as exc:
        raise InputError(f"{path}: not JSON ({exc})") from None
