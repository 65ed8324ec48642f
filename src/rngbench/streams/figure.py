"""The golden-stream report's figure: which methods changed in which release, and how.

The store holds over two thousand cases; a cases x releases heatmap of all
of them cannot be read.  This figure keeps what a reader asks about: only
the methods that changed, only the releases they changed in, one labelled
marker per (method, release) coloured by the kind of change, the number of
cases beside it.  Where cases of one method changed in different ways in one
release, the marker shows the most severe kind (:data:`SEVERITY`).
Platform differences (two BLAS kernels, one release) and methods appearing
are not changes of a release and are left to the tables.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from packaging.version import Version  # noqa: E402

from rngbench.util import atomic  # noqa: E402

SEVERITY = ("raises", "shape", "stream", "state", "roundoff")
"""Kinds of change, most severe first (the marker of a method and release shows the first present)."""
KIND_COLOURS = {"raises": "#d7191c", "shape": "#7b3294", "stream": "#2c7bb6", "state": "#fdae61",
                "roundoff": "#bababa"}
VERDICT_MARKERS = {"violation": "X", "bugfix-release": "D", "allowed": "o", "roundoff-only": "."}


def changed(frame):
    """One row per (method, release): the most severe kind, its verdict, and how many cases changed."""
    real = frame[frame["kind"].isin(SEVERITY)].copy()
    real["rank"] = real["kind"].map(SEVERITY.index)
    real = real.sort_values("rank")
    grouped = real.groupby(["method", "to"], sort=False)
    first = grouped.first()[["kind", "verdict"]]
    first["cases"] = grouped.size()
    return first.reset_index()


def draw(frame, path: Path) -> None:
    """Write the figure of ``frame`` (:func:`rngbench.streams.report.changes_frame`) to ``path`` (PNG, atomically)."""
    cells = changed(frame)
    releases = sorted(cells["to"].unique(), key=Version) if len(cells) else []
    methods = sorted(cells["method"].unique(), key=lambda m: (m.split(".")[0], m)) if len(cells) else []
    fig, ax = plt.subplots(figsize=(max(7.0, 1.0 + 0.62 * len(releases)), max(3.0, 1.2 + 0.3 * len(methods))))
    x = {r: i for i, r in enumerate(releases)}
    y = {m: i for i, m in enumerate(methods)}
    for verdict, marker in VERDICT_MARKERS.items():
        part = cells[cells["verdict"] == verdict]
        ax.scatter([x[r] for r in part["to"]], [y[m] for m in part["method"]], s=90, marker=marker,
                   c=[KIND_COLOURS[k] for k in part["kind"]], edgecolors="#333333", linewidths=0.5, zorder=3)
    for row in cells.itertuples():
        ax.annotate(str(row.cases), (x[row.to], y[row.method]), xytext=(6, 3), textcoords="offset points",
                    fontsize=6, color="#333333")
    ax.set_xticks(range(len(releases)), releases, rotation=60, fontsize=8)
    ax.set_yticks(range(len(methods)), methods, fontsize=8)
    ax.set_xlim(-0.6, len(releases) - 0.4)
    ax.set_ylim(len(methods) - 0.5, -0.5)
    ax.grid(True, color="#e5e5e5", zorder=0)
    ax.set_xlabel("numpy release in which the output changed (against the release before it)")
    kinds = [plt.Line2D([], [], marker="s", linestyle="", markersize=8, color=c, label=k)
             for k, c in KIND_COLOURS.items() if k in set(cells["kind"])]
    verdicts = [plt.Line2D([], [], marker=m, linestyle="", markersize=8, color="#777777", label=v)
                for v, m in VERDICT_MARKERS.items() if v in set(cells["verdict"])]
    ax.legend(handles=kinds + verdicts, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8,
              title="kind (colour), verdict (marker)", title_fontsize=8)
    ax.set_title(f"numpy.random: {len(methods)} methods changed in {len(releases)} releases "
                 "(number: cases that changed)", fontsize=10)
    fig.tight_layout()
    with atomic.replacing(path, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=110, metadata={"Software": None})
    plt.close(fig)
