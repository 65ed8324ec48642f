"""umap_init: time and peak memory per call, every strategy."""

from rngbench.bench import datasets, strategies
from rngbench.bench.suite import ReferenceBenchmark, ScanpyBenchmark, prepare_process
from rngbench.bench.workloads import umap_init

prepare_process()


class UmapInitScanpy(ScanpyBenchmark):
    """umap_init through scanpy's public API."""

    workload = "umap_init"
    param_names = ["dataset", "case", "strategy"]
    params = [datasets.names(), list(umap_init.CASES), list(strategies.NAMES)]


class UmapInitReference(ReferenceBenchmark):
    """umap_init through rngbench's reference kernels."""

    workload = "umap_init"
    param_names = ["dataset", "case", "strategy"]
    params = [datasets.names(), list(umap_init.CASES), list(strategies.NAMES)]
