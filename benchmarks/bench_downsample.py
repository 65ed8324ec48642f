"""downsample: time, peak memory and bit generators created per call, every strategy; the parallel numba kernels."""

from rngbench.bench import suite

suite.prepare_process()


class DownsampleScanpy(suite.CountsGenerators, suite.ScanpyBenchmark):
    """downsample through scanpy's public API."""

    workload = "downsample"
    param_names = ["dataset", "case", "strategy"]
    params = suite.params(workload)


class DownsampleReference(suite.CountsGenerators, suite.ReferenceBenchmark):
    """downsample through rngbench's reference kernels."""

    workload = "downsample"
    param_names = ["dataset", "case", "strategy"]
    params = suite.params(workload)


class DownsampleNumba(suite.NumbaBenchmark):
    """Per-cell downsampling in rngbench's parallel numba kernels (rngbench.keyed.downsample), 1 and 2 threads."""

    workload = "downsample"
    param_names = ["dataset", "case", "strategy", "threads"]
    params = suite.numba_params(workload)
