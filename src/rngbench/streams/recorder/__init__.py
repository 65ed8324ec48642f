"""The standalone recorder: standard library and numpy only, Python 3.7 syntax, runs in every numpy's environment.

``catalogue`` (what to record), ``record`` (recording it), ``fingerprint`` (where it was recorded).
"""
