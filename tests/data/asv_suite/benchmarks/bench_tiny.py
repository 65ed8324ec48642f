"""Tiny RNG workloads in the real suite's shape: per-item downsampling and a one-draw total.

Costs are real (numpy draws), small (a few ms) and ordered the way the real ones
are: spawning a Generator per item costs more than reusing one.  ``TINY_SPAWN_COST``
multiplies the spawn strategy's work, so a stored result set can break a budget.
"""

import os

import numpy as np


def _work(strategy, n_items, draws):
    if strategy == "legacy":
        for _ in range(n_items):
            np.random.RandomState(0).random_sample(draws)
    elif strategy == "spawn":
        for child in np.random.default_rng(0).spawn(n_items * int(os.environ.get("TINY_SPAWN_COST", "1"))):
            child.random(draws)
    else:  # Generator, reuse
        rng = np.random.default_rng(0)
        for _ in range(n_items):
            rng.random(draws)


class DownsampleReference:
    params = [["tiny"], ["per_cell", "total"], ["legacy", "Generator", "spawn", "reuse"]]
    param_names = ["dataset", "case", "strategy"]
    number = 1
    repeat = (10, 10, 5.0)
    rounds = 1
    warmup_time = 0.02

    def setup(self, dataset, case, strategy):
        if case == "total" and strategy == "spawn":
            raise NotImplementedError("one draw in total: nothing to spawn")
        self.n_items = 40 if case == "per_cell" else 1

    def time_run(self, dataset, case, strategy):
        _work(strategy, self.n_items, 50 if self.n_items > 1 else 10_000)


class PcaReference:
    params = [["tiny"], ["randomized"], ["legacy", "Generator", "spawn", "reuse"]]
    param_names = ["dataset", "case", "strategy"]
    number = 1
    repeat = (10, 10, 5.0)
    rounds = 1
    warmup_time = 0.02

    def time_run(self, dataset, case, strategy):
        _work(strategy, 4, 20_000)
