"""downsample: time, peak memory and bit generators created per call, every strategy."""

from rngbench.bench import datasets, strategies
from rngbench.bench.suite import CountsGenerators, ReferenceBenchmark, ScanpyBenchmark, prepare_process
from rngbench.bench.workloads import downsample

prepare_process()


class DownsampleScanpy(CountsGenerators, ScanpyBenchmark):
    """downsample through scanpy's public API."""

    workload = "downsample"
    param_names = ["dataset", "case", "strategy"]
    params = [datasets.names(), list(downsample.CASES), list(strategies.NAMES)]


class DownsampleReference(CountsGenerators, ReferenceBenchmark):
    """downsample through rngbench's reference kernels."""

    workload = "downsample"
    param_names = ["dataset", "case", "strategy"]
    params = [datasets.names(), list(downsample.CASES), list(strategies.NAMES)]
