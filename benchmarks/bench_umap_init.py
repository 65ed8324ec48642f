"""umap_init: time and peak memory per call, every strategy."""

from rngbench.bench import suite

suite.prepare_process()


class UmapInitScanpy(suite.ScanpyBenchmark):
    """umap_init through scanpy's public API."""

    workload = "umap_init"
    param_names = ["dataset", "case", "strategy"]
    params = suite.params(workload)


class UmapInitReference(suite.ReferenceBenchmark):
    """umap_init through rngbench's reference kernels."""

    workload = "umap_init"
    param_names = ["dataset", "case", "strategy"]
    params = suite.params(workload)
