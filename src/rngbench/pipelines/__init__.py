"""Result goldens: does the same seed still give the same cells across numpy, numba and scanpy versions?

``catalogue`` (what is recorded), ``fingerprint`` (what of an output is kept), ``recorder`` (runs inside each
benchmark environment), ``cas`` (content-addressed storage), ``store`` (one manifest per environment),
``classify`` (identical / tolerance / changed, with amounts), ``attribution`` (which package step changed a
result), ``matrix`` (the environments), ``report`` and ``check``.
"""
