"""pca: time and peak memory per call, every strategy."""

from rngbench.bench import datasets, strategies, suite
from rngbench.bench.workloads import pca

suite.prepare_process()


class PcaScanpy(suite.ScanpyBenchmark):
    """pca through scanpy's public API."""

    workload = "pca"
    param_names = ["dataset", "case", "strategy"]
    params = [datasets.names(), list(pca.CASES), list(strategies.NAMES)]


class PcaReference(suite.ReferenceBenchmark):
    """pca through rngbench's reference kernels."""

    workload = "pca"
    param_names = ["dataset", "case", "strategy"]
    params = [datasets.names(), list(pca.CASES), list(strategies.NAMES)]
