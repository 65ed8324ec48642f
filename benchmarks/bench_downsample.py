"""downsample: scanpy's public API and rngbench's reference kernels, every strategy (see rngbench.workloads.downsample)."""

from rngbench.asv_suite import suite as _suite

DownsampleScanpy = _suite("downsample", "scanpy")
DownsampleReference = _suite("downsample", "reference")
