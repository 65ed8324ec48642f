"""The benchmarks: RNG strategies x workloads x datasets, as asv suites, a headline probe and a report.

``strategies`` (the four columns), ``datasets`` (the inputs), ``workloads/``
(one module per workload), ``suite`` (the asv classes' machinery behind
``benchmarks/bench_*.py``), ``job`` (the main job: environments, asv runs),
``probe`` (the headline ratios, interleaved), ``report`` (``reports/benchmarks/``).
"""

# Other wings may import: the inputs, the strategies and the workloads (tests/golden/test_wings.py).
__all__: list[str] = ["datasets", "strategies", "workloads"]
