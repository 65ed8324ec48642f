"""downsample: time, peak memory and bit generators created per call, every strategy; the parallel numba kernels."""

from rngbench.bench import datasets, strategies, suite
from rngbench.bench.workloads import downsample

suite.prepare_process()


class DownsampleScanpy(suite.CountsGenerators, suite.ScanpyBenchmark):
    """downsample through scanpy's public API."""

    workload = "downsample"
    param_names = ["dataset", "case", "strategy"]
    params = [datasets.names(), list(downsample.CASES), list(strategies.NAMES)]


class DownsampleReference(suite.CountsGenerators, suite.ReferenceBenchmark):
    """downsample through rngbench's reference kernels."""

    workload = "downsample"
    param_names = ["dataset", "case", "strategy"]
    params = [datasets.names(), list(downsample.CASES), list(strategies.NAMES)]


class DownsampleNumba(suite.NumbaBenchmark):
    """Per-cell downsampling in rngbench's parallel numba kernels (rngbench.keyed.downsample), 1 and 2 threads."""

    workload = "downsample"
    param_names = ["dataset", "case", "strategy", "threads"]
    params = [datasets.names(), list(downsample.NUMBA_CASES), list(strategies.NUMBA_NAMES), list(suite.THREADS)]
