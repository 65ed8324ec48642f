"""Invariance properties of each stream strategy, measured rather than asserted.

For every strategy in :data:`streams.STRATEGIES` this runs the per-cell
downsampling kernel (and, for stream identity, the raw draws of each item) and
records a number per property:

``threads``      fraction of downsampled cells bitwise equal with 2 and 4 threads to the 1-thread result
``subset``       fraction of cells unchanged when the other cells are removed and the rest reordered
``chunks``       fraction of cells unchanged when the matrix is processed as separate calls on 3 chunks
``overlap``      fraction of the item streams of root r that root r+1 also has (0 is safe; ``seed+i`` ~1)
``task-append``  fraction of existing sub-tasks whose draws are unchanged when a sub-task is added last
``task-insert``  the same when the new sub-task runs first (UMAP's ``spawn(2)`` gaining a step)

A property *holds* when its value is 1 (0 for ``overlap``).  ``reuse`` keeps
``threads`` only by never using more than one thread (its items must run in
order), which the table's ``parallel`` column says.  Sub-tasks have
fixed ids (:data:`TASK_IDS`): an id is given to a task when it is introduced,
never taken from its position, which is what lets keyed streams ignore the
order tasks run in; position-based strategies (``spawn``, ``reuse``,
``per-thread``) see only the order.  Chunks and subsets keep the cells' ids.

Thread counts up to 4 need a process started with ``NUMBA_NUM_THREADS >= 4``
(numba fixes its pool size at start); :func:`measure` re-runs itself in such
a process when the current one has fewer threads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numba
import numpy as np
import pandas as pd
import scipy.sparse as sp

from rngbench.util.markdown import table as markdown_table

from . import streams
from .downsample import downsample

THREAD_COUNTS = (1, 2, 4)
TASK_THREADS = 2
TASK_IDS = {"init": 0, "optimise": 1, "jitter": 2}
TASKS_BEFORE = ("init", "optimise")
TASKS_APPENDED = ("init", "optimise", "jitter")
TASKS_INSERTED = ("jitter", "init", "optimise")
OVERLAP_ITEMS = 1000
ROOT = 0


@dataclass(frozen=True)
class Property:
    name: str
    meaning: str
    holds_at: float  # the value that means "invariant" / "safe"


PROPERTIES: tuple[Property, ...] = (
    Property("threads", "bitwise identical with 1, 2 and 4 threads (fraction of cells)", 1.0),
    Property("subset", "cell unchanged when other cells are removed / reordered (fraction)", 1.0),
    Property("chunks", "cell unchanged when processed in 3 separate chunk calls (fraction)", 1.0),
    Property("overlap", "item streams shared between root r and r+1 (fraction; 0 is safe)", 0.0),
    Property("task-append", "existing sub-tasks unchanged when a sub-task is appended (fraction)", 1.0),
    Property("task-insert", "existing sub-tasks unchanged when a sub-task is inserted first (fraction)", 1.0),
)


def small_counts(n_cells: int = 400, n_genes: int = 80, seed: int = 0) -> tuple[sp.csr_matrix, int]:
    """A deterministic counts matrix and target; a few large cells take numpy's tail-shuffle path."""
    rng = np.random.default_rng(seed)
    dense = rng.negative_binomial(2, 0.25, size=(n_cells, n_genes)).astype(np.float32)
    big = rng.choice(n_cells, n_cells // 20, replace=False)
    dense[big] = rng.negative_binomial(50, 0.25, size=(big.size, n_genes))  # totals ~ 12,000
    totals = dense.sum(axis=1)
    return sp.csr_matrix(dense), int(np.median(totals) // 2)


def _rows_equal(a: sp.spmatrix, b: sp.spmatrix) -> np.ndarray:
    return np.all(a.toarray() == b.toarray(), axis=1)


def _downsampled(x: sp.spmatrix, target: int) -> np.ndarray:
    return np.flatnonzero(np.asarray(x.sum(axis=1)).ravel() > target)


def thread_invariance(name: str, x, target: int) -> float:
    cells = _downsampled(x, target)
    one = downsample(x, target, name, ROOT, threads=1)
    many = [downsample(x, target, name, ROOT, threads=n) for n in THREAD_COUNTS[1:]]
    return float(min(_rows_equal(one[cells], other[cells]).mean() for other in many))


def subset_invariance(name: str, x, target: int) -> float:
    full = downsample(x, target, name, ROOT, threads=1)
    keep = np.random.default_rng(1).permutation(x.shape[0])[: x.shape[0] // 2]
    part = downsample(x[keep], target, name, ROOT, item_ids=keep, threads=1)
    cells = _downsampled(x[keep], target)
    return float(_rows_equal(full[keep][cells], part[cells]).mean())


def chunk_invariance(name: str, x, target: int, n_chunks: int = 3) -> float:
    full = downsample(x, target, name, ROOT, threads=1)
    bounds = np.linspace(0, x.shape[0], n_chunks + 1).astype(int)
    parts = [
        downsample(x[a:b], target, name, ROOT, item_ids=np.arange(a, b), threads=1)
        for a, b in zip(bounds[:-1], bounds[1:])
    ]
    cells = _downsampled(x, target)
    return float(_rows_equal(full[cells], sp.vstack(parts, format="csr")[cells]).mean())


def cross_run_overlap(name: str, n_items: int = OVERLAP_ITEMS) -> float:
    """Fraction of root-r item streams (identified by their first 4 words) that root r+1 also draws."""
    ids = np.arange(n_items)
    first = streams.item_draws(name, ROOT, ids, n_draws=4, threads=1)
    second = streams.item_draws(name, ROOT + 1, ids, n_draws=4, threads=1)
    later = {row.tobytes() for row in second}
    return float(np.mean([row.tobytes() in later for row in first]))


def task_addition(name: str, tasks_after: tuple[str, ...], n_draws: int = 8) -> float:
    """Fraction of :data:`TASKS_BEFORE` whose draws are unchanged when the tasks become ``tasks_after``."""
    def draws(tasks):
        ids = [TASK_IDS[t] for t in tasks]
        out = streams.item_draws(name, ROOT, ids, n_draws=n_draws, threads=TASK_THREADS)
        return dict(zip(tasks, out))

    before, after = draws(TASKS_BEFORE), draws(tasks_after)
    return float(np.mean([np.array_equal(before[t], after[t]) for t in TASKS_BEFORE]))


def _measure_here(x, target: int, names) -> pd.DataFrame:
    rows = {}
    for name in names:
        rows[name] = {
            "threads": thread_invariance(name, x, target),
            "subset": subset_invariance(name, x, target),
            "chunks": chunk_invariance(name, x, target),
            "overlap": cross_run_overlap(name),
            "task-append": task_addition(name, TASKS_APPENDED),
            "task-insert": task_addition(name, TASKS_INSERTED),
        }
    return pd.DataFrame.from_dict(rows, orient="index")[[p.name for p in PROPERTIES]]


def measure(x=None, target: int | None = None, names=streams.NAMES) -> pd.DataFrame:
    """The strategy x property table of measured values (see the module docstring), rows in ``names`` order."""
    if x is None:
        x, target = small_counts()
    if numba.config.NUMBA_NUM_THREADS >= max(THREAD_COUNTS):
        return _measure_here(x, target, names)
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = Path(tmp) / "x.npz", Path(tmp) / "table.json"
        sp.save_npz(inp, sp.csr_matrix(x))
        src = str(Path(__file__).resolve().parents[2])  # rngbench may be on sys.path only (asv environments)
        pythonpath = os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "NUMBA_NUM_THREADS": str(max(THREAD_COUNTS)), "PYTHONPATH": pythonpath}
        args = [sys.executable, "-m", "rngbench.keyed.properties", str(inp), str(target), str(out), *names]
        done = subprocess.run(args, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"property worker failed: {done.stderr.strip().splitlines()[-1:]}")
        return pd.DataFrame(json.loads(out.read_text())).T.loc[list(names), [p.name for p in PROPERTIES]]


def holds(table: pd.DataFrame) -> pd.DataFrame:
    """True where a measured value is the invariant one."""
    return pd.DataFrame({p.name: table[p.name] == p.holds_at for p in PROPERTIES}, index=table.index)


def markdown(table: pd.DataFrame) -> str:
    """The table as markdown: whether the strategy runs in parallel, then "yes"/"no" with each measured value."""
    ok = holds(table)
    rows = []
    for name in table.index:
        cells = [f"{'yes' if ok.loc[name, p.name] else 'no'} ({table.loc[name, p.name]:.3f})" for p in PROPERTIES]
        rows.append([name, "yes" if streams.get(name).parallel else "no (serial)", *cells])
    return markdown_table(["strategy", "parallel", *(p.name for p in PROPERTIES)], rows)


def _worker(argv: list[str]) -> None:
    """``python -m rngbench.keyed.properties X.npz TARGET OUT.json NAME...`` (run by :func:`measure`)."""
    x_path, target, out_path, *names = argv
    table = _measure_here(sp.load_npz(x_path), int(target), names)
    out = Path(out_path)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(table.T.to_json())
    os.replace(tmp, out)


if __name__ == "__main__":
    _worker(sys.argv[1:])
