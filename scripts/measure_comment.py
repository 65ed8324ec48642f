"""How long the comment bot takes to render a big comparison: ``rngbench comment render`` on 5,000 rows.

    .venv/bin/python scripts/measure_comment.py              # 5,000 rows, 5 runs
    .venv/bin/python scripts/measure_comment.py --rows 5000 --runs 9

The input is built from the committed example comparison (docs/examples/): one of its interleaved ``time_`` rows
(40 samples a side) repeated ``--rows`` times under other parameters, each row's samples scaled by its own seeded
noise and HEAD made 1.5x slower, so every row is a regression that needs its Wilcoxon test and its bootstrap
interval -- the worst case the bot can be handed (the schema allows 5,000 rows).  Each run is a fresh process (what
the workflow waits for: imports included).  Printed: median wall and CPU seconds with the load average, and the
comment's length in UTF-16 units against the limit.  The goal is <= 5 s (issue 23).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

from rngbench.util.processes import median_seconds

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "docs" / "examples" / "compare-scanpy-1.12.4-1.13.0a2.json"
GOAL = 5.0  # seconds


def comparison(rows: int, slower: float = 1.5, seed: int = 0) -> dict:
    """``rows`` paired regressions built from the example's first interleaved ``time_`` row."""
    doc = json.loads(EXAMPLE.read_text())
    row = next(r for r in doc["rows"] if ".time_" in r["benchmark"] and r["before"] and r["before"]["samples"])
    before = np.asarray(row["before"]["samples"])
    rng = np.random.default_rng(seed)
    out = []
    for i in range(rows):
        b = before * rng.lognormal(0, 0.05, before.size)
        a = b * slower * rng.lognormal(0, 0.05, before.size)
        out.append(dict(row, params={"dataset": f"'{i:05d}'"},
                        before={"value": float(np.median(b)), "samples": b.tolist()},
                        after={"value": float(np.median(a)), "samples": a.tolist()}))
    doc["rows"] = out
    return doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000, help="rows of the comparison (the schema allows 5,000)")
    parser.add_argument("--runs", type=int, default=5, help="fresh processes (the median is printed)")
    args = parser.parse_args()
    rngbench = Path(sys.executable).with_name("rngbench")
    from rngbench.compare import comment, trusted

    with tempfile.TemporaryDirectory() as tmp:
        source, out = Path(tmp) / "compare.json", Path(tmp) / "comment.md"
        source.write_text(json.dumps(comparison(args.rows)))
        print(f"{args.rows} rows, {source.stat().st_size / 1e6:.1f} MB; load average before "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        wall, cpu = median_seconds([str(rngbench), "comment", "render", str(source), "--out", str(out)], args.runs)
        text = out.read_text()
    print(f"render: median {wall:.2f} s wall, {cpu:.2f} s CPU over "
          f"{args.runs} runs (goal <= {GOAL:g} s); load average after {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"comment: {comment.utf16_len(text):,} UTF-16 units (limit {trusted.MAX_COMMENT:,}), "
          f"{text.count('<details>')} <details> opened, {text.count('</details>')} closed")


if __name__ == "__main__":
    main()
