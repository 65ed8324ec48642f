"""``rngbench nightly``: new numpy releases into the golden store, the numpy x scanpy matrix (:mod:`.matrix`), budgets,
and ``reports/nightly/`` (:mod:`.report`)."""

# Other wings import nothing of this wing (tests/golden/test_wings.py).
__all__: list[str] = []
