"""Option checks shared by several commands: bad values are refused at once, before any long work."""

from __future__ import annotations

import re

import click


def regexes(ctx: click.Context, param: click.Parameter, value):
    """Callback for a regex option (one value or several): refuse a pattern that does not compile, naming it,
    rather than after environments were built (asv would only say it found nothing)."""
    for pattern in (value,) if isinstance(value, str) else (value or ()):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise click.BadParameter(f"{pattern!r} is not a regular expression ({exc})") from None
    return value
