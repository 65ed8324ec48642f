"""pca: time and peak memory per call, every strategy."""

from rngbench.bench import suite

suite.prepare_process()


class PcaScanpy(suite.ScanpyBenchmark):
    """pca through scanpy's public API."""

    workload = "pca"
    param_names = ["dataset", "case", "strategy"]
    params = suite.params(workload)


class PcaReference(suite.ReferenceBenchmark):
    """pca through rngbench's reference kernels."""

    workload = "pca"
    param_names = ["dataset", "case", "strategy"]
    params = suite.params(workload)
