"""umap_init: time and peak memory per call, every strategy."""

from rngbench.bench import datasets, strategies, suite
from rngbench.bench.workloads import umap_init

suite.prepare_process()


class UmapInitScanpy(suite.ScanpyBenchmark):
    """umap_init through scanpy's public API."""

    workload = "umap_init"
    param_names = ["dataset", "case", "strategy"]
    params = [datasets.names(), list(umap_init.CASES), list(strategies.NAMES)]


class UmapInitReference(suite.ReferenceBenchmark):
    """umap_init through rngbench's reference kernels."""

    workload = "umap_init"
    param_names = ["dataset", "case", "strategy"]
    params = [datasets.names(), list(umap_init.CASES), list(strategies.NAMES)]
