"""Where rngbench keeps things, in one place: the cache, environments, scratch, working folders, stores, reports.

Two roots, for two kinds of thing:

- the cache (:func:`cache_dir`), shared by every checkout on the machine:
  datasets, every uv environment rngbench builds (:func:`env_root`: the
  benchmark job, ``bench peer``, ``compare``, ``nightly`` and both golden
  matrices), matrix scratch, pipeline inputs.  ``RNGBENCH_CACHE`` moves it;
  unset or empty, it is ``~/.cache/rngbench`` (an empty variable means "not
  set", never the current folder);
- this checkout's working folder (:data:`WORK`, git-ignored): what a command
  keeps between runs of its own and never commits -- ``compare``'s exported
  revisions, runs and comment, ``nightly``'s cell results and exported suites,
  ``bench peer``'s downloaded sdists and unpacked suite.  ``--work`` moves it.

Environments live anywhere: asv runs against an environment's interpreter
(``-E existing:<python>``), never in a folder of its own.  Relative defaults
(working folder, stores, reports) are relative to the repository root, where
every command is run from.
"""

from __future__ import annotations

import os
from pathlib import Path

STREAM_STORE = Path("stream_fixtures")
PIPELINE_STORE = STREAM_STORE / "pipelines"  # nested in the stream store's tree; each store sweeps only its own files
STREAMS_REPORT = Path("reports/streams")
PIPELINES_REPORT = Path("reports/pipelines")

WORK = Path(".rngbench-cache")
COMPARE = "compare"  # in WORK: rngbench compare's exported revisions (suites/), asv runs (runs/), comment and JSON
NIGHTLY = "nightly"  # in WORK: rngbench nightly's asv results per matrix cell (kept: a stopped run resumes)
SUITES = "suites"  # in WORK: rngbench nightly --suite-rev's exported revisions of the suite
PEER = "peer"  # in WORK: bench peer's scanpy sdists (sdists/), their unpacked suites and its workers


def cache_dir() -> Path:
    """The cache folder: datasets, environments, matrix scratch, pipeline inputs."""
    return Path(os.environ.get("RNGBENCH_CACHE") or Path.home() / ".cache" / "rngbench")


def env_root() -> Path:
    """Where every uv environment rngbench builds lives (one folder per set of inputs, shared by every command)."""
    return cache_dir() / "envs"


def scratch_root(what: str) -> Path:
    """Where a matrix run keeps its recorder outputs (100+ MB each): under the cache rather than /tmp."""
    return cache_dir() / f"{what}-scratch"
