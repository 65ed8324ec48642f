"""Benchmark workloads: one module per workload, each implementing every RNG strategy."""
