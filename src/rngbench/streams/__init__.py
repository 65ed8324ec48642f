"""The golden-stream store: numpy.random streams recorded release by release, and NEP 19 verdicts.

``catalogue`` and ``record`` are standalone (Python 3.7, numpy only); the rest
(``store``, ``compare``, ``policy``, ``matrix``, ``check``, ``report``) run in
rngbench's own environment.
"""
