"""`rngbench pipelines check` passes on the installed stack under CPUs simulated on this one.

A mask only goes down from the running CPU (code for a CPU it cannot run dies with "Illegal instruction"):
a mask whose CPU flags this machine lacks is skipped, with the flags it needs.  A subset of the catalogue,
one or two cases per workload on pbmc68k_reduced, keeps this under a minute once the numba cache is warm.
"""

import os
import subprocess
import sys

import numpy as np
import pytest

from fixtures.paths import REPO
from rngbench.platform import profiles

SUBSET = (
    "pbmc68k_reduced:downsample.per_cell:scanpy:legacy",
    "pbmc68k_reduced:downsample.total:reference:spawn",
    "pbmc68k_reduced:pca.arpack_dense:scanpy:legacy",
    "pbmc68k_reduced:pca.randomized_sparse:reference:Generator",
    "pbmc68k_reduced:umap_init.spectral:reference:legacy",
    "pbmc68k_reduced:umap_init.full_short:reference:spawn",
    "pbmc68k_reduced:scrublet.simulate:scanpy:legacy",
)


def numpy_dispatch() -> list[str]:
    return list(np._core._multiarray_umath.__cpu_dispatch__)


@pytest.mark.parametrize("mask", sorted(profiles.MASKS))
def test_check_passes_on_a_simulated_cpu(mask):
    settings, needs = profiles.MASKS[mask]
    if not profiles.runnable(needs):
        pytest.skip(f"this CPU lacks {', '.join(needs)}: the {mask} mask would die with Illegal instruction")
    env = {**os.environ, **profiles.expand(settings, numpy_dispatch())}
    args = [sys.executable, "-m", "rngbench.cli", "pipelines", "check", "--no-platform"]
    for case in SUBSET:
        args += ["--case", case]
    result = subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(SUBSET)} cases: {len(SUBSET)} identical" in result.stdout
    assert "profile portable1" in result.stdout
