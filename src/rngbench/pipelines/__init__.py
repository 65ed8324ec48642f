"""Result goldens: does the same seed still give the same cells across numpy, numba and scanpy versions?

``catalogue`` (what is recorded), ``digests`` (what of an output is kept), ``recorder`` (runs inside each
benchmark environment), ``store`` (one manifest per environment, on :mod:`rngbench.golden`), ``migrate`` (a
store from before the golden core), ``classify`` (identical / tolerance / changed, with amounts),
``attribution`` (which package step changed a result), ``matrix`` (the environments), ``report`` and ``check``.
"""

# Other wings import nothing of this wing (tests/golden/test_wings.py).
__all__: list[str] = []
