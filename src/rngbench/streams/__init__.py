"""The golden-stream store: numpy.random streams recorded release by release, and NEP 19 verdicts.

``catalogue`` and ``record`` are standalone (Python 3.7, numpy only); the rest
(``store`` on :mod:`rngbench.golden`, ``classify``, ``policy``, ``matrix``, ``check``,
``history``, ``report``) run in rngbench's own environment.
"""

# Other wings may import (tests/golden/test_wings.py): the package-index client and the standalone recorder (its
# platform fingerprint); and, to read the store's verdicts (the nightly history page), the history of changes and
# the report's change tables.
__all__: list[str] = ["history", "matrix", "recorder", "report"]
