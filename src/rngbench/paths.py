"""Where rngbench keeps things, in one place: the cache, environments, scratch, the stores and the reports.

``RNGBENCH_CACHE`` moves the cache; unset or empty, it is ``~/.cache/rngbench``
(an empty variable means "not set", never the current folder).  Relative
defaults (stores, reports) are relative to the repository root, where every
command is run from.
"""

from __future__ import annotations

import os
from pathlib import Path

STREAM_STORE = Path("stream_fixtures")
PIPELINE_STORE = STREAM_STORE / "pipelines"  # nested in the stream store's tree; each store sweeps only its own files
STREAMS_REPORT = Path("reports/streams")
PIPELINES_REPORT = Path("reports/pipelines")


def cache_dir() -> Path:
    """The cache folder: datasets, environments, matrix scratch, pipeline inputs."""
    return Path(os.environ.get("RNGBENCH_CACHE") or Path.home() / ".cache" / "rngbench")


def env_root() -> Path:
    """Where the matrices build their uv environments."""
    return cache_dir() / "envs"


def scratch_root(what: str) -> Path:
    """Where a matrix run keeps its recorder outputs (100+ MB each): under the cache rather than /tmp."""
    return cache_dir() / f"{what}-scratch"
