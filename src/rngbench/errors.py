"""The one base exception: anything a user can fix ends as one line on stderr and exit status 2.

The command line catches ``RngbenchError`` once (``rngbench.cli``); modules raise it (or a subclass naming
their subsystem) with a message that says what is wrong and, where it helps, what to do.
"""


class RngbenchError(Exception):
    """A one-line reason a command cannot go on."""
