"""pca: scanpy's public API and rngbench's reference kernels, every strategy (see rngbench.workloads.pca)."""

from rngbench.asv_suite import suite as _suite

PcaScanpy = _suite("pca", "scanpy")
PcaReference = _suite("pca", "reference")
