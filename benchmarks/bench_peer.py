"""scanpy's own downsampling benchmark method (dense pseudo-counts, in place), measured by our suite."""

from rngbench.bench import suite

suite.prepare_process()


class DownsamplePeerSemantics(suite.PeerSemantics):
    """sc.pp.downsample_counts as scanpy's PreprocessingCountsRngSuite calls it."""

    param_names = ["case", "rng_arg"]
    params = [["per_cell_3", "total_tenth"], ["random_state", "rng"]]
