"""scrublet: time and peak memory per call, every strategy."""

from rngbench.bench import suite

suite.prepare_process()


class ScrubletScanpy(suite.ScanpyBenchmark):
    """scrublet through scanpy's public API."""

    workload = "scrublet"
    param_names = ["dataset", "case", "strategy"]
    params = suite.params(workload)


class ScrubletReference(suite.ReferenceBenchmark):
    """scrublet through rngbench's reference kernels."""

    workload = "scrublet"
    param_names = ["dataset", "case", "strategy"]
    params = suite.params(workload)
