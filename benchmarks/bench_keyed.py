"""Keyed per-item streams: invariance properties per strategy (track_) and per-item setup cost (time_)."""

from rngbench.bench import suite
from rngbench.keyed import streams

suite.prepare_process()


class KeyedProperties(suite.KeyedPropertiesBenchmark):
    """Thread-count, subset, chunk, cross-run overlap and task-addition invariance, one value per strategy."""

    param_names = ["strategy"]
    params = [list(streams.NAMES)]


class KeyedSetupCost(suite.KeyedSetupCostBenchmark):
    """Create n item streams and draw each item's first word: spawn and seedseq pay a Python object per item."""

    param_names = ["n_items", "strategy"]
    params = [list(suite.SETUP_SIZES), list(streams.SETUP_COST_NAMES)]
