"""Markdown for every report and comment: one escaper for untrusted text, one table renderer.

Benchmark names and parameters come from code anyone can put in a pull
request, and the comment is posted by a workflow with write access, so every
piece of text that did not come from rngbench itself goes through
:func:`code`: it becomes a GitHub code span, inside which GitHub renders no
links, no HTML, no @mentions and no emphasis.  What a code span cannot hold
is escaped before that: ``|`` (which would split a table cell; GitHub's
table parser un-escapes ``\\|`` inside code), newlines and other control
characters (shown as ``\\n``, ``\\x07``; a newline would end the table row),
and backticks (the span is fenced with more backticks than the text contains).

Every markdown table is rendered by :func:`table` (tabulate's ``pipe``
format, which GitHub reads), so alignment and escaping rules live here only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from tabulate import tabulate

MAX_TEXT = 300  # a longer name is cut: a comment has a size limit and a name this long is an attack or a bug

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")
_ALIGN = {"l": "left", "r": "right", "c": "center"}


def _control(match: re.Match) -> str:
    char = match.group(0)
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return named.get(char, f"\\x{ord(char):02x}" if ord(char) < 256 else f"\\u{ord(char):04x}")


def code(text: object) -> str:
    """``text`` as a GitHub code span that cannot break out of a table cell or render as markup."""
    s = str(text)
    if len(s) > MAX_TEXT:
        s = s[: MAX_TEXT - 1] + "…"
    s = _CONTROL.sub(_control, s)
    s = s.replace("|", "\\|")
    if not s:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", s)), default=0)
    fence = "`" * (longest + 1)
    # a span that starts or ends with a backtick (or a space) needs padding, which GitHub strips again
    pad = " " if s[0] in "` " or s[-1] in "` " else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], align: str = "") -> str:
    """A GitHub markdown table; ``align`` has one letter per column (``l``, ``r``, ``c``; default left).

    Cells are written as given (numbers are not re-formatted): callers format
    values and pass untrusted text through :func:`code` first.
    """
    colalign = [_ALIGN[a] for a in align.ljust(len(headers), "l")] if align else None
    return tabulate([[str(c) for c in row] for row in rows], headers=list(headers), tablefmt="pipe",
                    disable_numparse=True, colalign=colalign)
