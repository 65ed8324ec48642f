"""umap_init: scanpy's public API and rngbench's reference kernels, every strategy (see rngbench.workloads.umap_init)."""

from rngbench.asv_suite import suite as _suite

UmapInitScanpy = _suite("umap_init", "scanpy")
UmapInitReference = _suite("umap_init", "reference")
