"""``python -m rngbench.cli ...``: the same as the ``rngbench`` command."""

from rngbench.cli import main

main()
