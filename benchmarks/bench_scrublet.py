"""scrublet: scanpy's public API and rngbench's reference kernels, every strategy (see rngbench.workloads.scrublet)."""

from rngbench.asv_suite import suite as _suite

ScrubletScanpy = _suite("scrublet", "scanpy")
ScrubletReference = _suite("scrublet", "reference")
