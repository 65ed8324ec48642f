"""pca: time and peak memory per call, every strategy."""

from rngbench.bench import datasets, strategies
from rngbench.bench.suite import ReferenceBenchmark, ScanpyBenchmark, prepare_process
from rngbench.bench.workloads import pca

prepare_process()


class PcaScanpy(ScanpyBenchmark):
    """pca through scanpy's public API."""

    workload = "pca"
    param_names = ["dataset", "case", "strategy"]
    params = [datasets.names(), list(pca.CASES), list(strategies.NAMES)]


class PcaReference(ReferenceBenchmark):
    """pca through rngbench's reference kernels."""

    workload = "pca"
    param_names = ["dataset", "case", "strategy"]
    params = [datasets.names(), list(pca.CASES), list(strategies.NAMES)]
