"""``rngbench nightly``: new numpy releases into the golden store, the numpy x scanpy matrix (:mod:`.matrix`), budgets,
and ``reports/nightly/`` (:mod:`.report`)."""
