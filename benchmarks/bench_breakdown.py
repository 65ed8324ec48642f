"""The per-cell legacy downsampling cost in parts (seeding, draws, bookkeeping), per scanpy version."""

from rngbench.bench import breakdown, suite

suite.prepare_process()


class LegacyPerCellParts(suite.BreakdownBenchmark):
    """sc.pp.downsample_counts(random_state=0) per cell: the whole call, and its seeding, draws and bookkeeping."""

    param_names = ["dataset", "case", "part"]
    params = [list(breakdown.DATASETS), list(breakdown.CASES), list(breakdown.PARTS)]
