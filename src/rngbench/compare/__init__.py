"""``rngbench compare``: two sides (suite revisions or environments) timed in interleaved turns, judged by asv.

``sides`` (what BASE and HEAD mean), ``interleave`` + ``worker`` (the one
interleaving engine and its worker protocol), ``significance`` (asv's test,
the marks), ``run`` (a whole comparison), ``calibrate`` (A/A runs),
``comment`` (the pull-request comment).
"""

# Other wings may import: the interleaving engine and what BASE and HEAD mean (tests/golden/test_wings.py).
__all__: list[str] = ["interleave", "sides"]
