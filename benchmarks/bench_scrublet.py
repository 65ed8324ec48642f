"""scrublet: time and peak memory per call, every strategy."""

from rngbench.bench import datasets, strategies
from rngbench.bench.suite import ReferenceBenchmark, ScanpyBenchmark, prepare_process
from rngbench.bench.workloads import scrublet

prepare_process()


class ScrubletScanpy(ScanpyBenchmark):
    """scrublet through scanpy's public API."""

    workload = "scrublet"
    param_names = ["dataset", "case", "strategy"]
    params = [datasets.names(), list(scrublet.CASES), list(strategies.NAMES)]


class ScrubletReference(ReferenceBenchmark):
    """scrublet through rngbench's reference kernels."""

    workload = "scrublet"
    param_names = ["dataset", "case", "strategy"]
    params = [datasets.names(), list(scrublet.CASES), list(strategies.NAMES)]
