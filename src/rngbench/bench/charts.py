"""The benchmark report's charts, every one drawn from samples and showing their interval.

- :func:`cells_chart`: one horizontal bar per asv cell that has at least
  :data:`MIN_SAMPLES` recorded samples (median, whiskers at the quartiles),
  each bar labelled where it stands (no legend, so no legend entry without
  its bar); a ``--quick`` cell (one sample) is never charted.
- :func:`headline_chart`: the interleaved headline ratios of every machine
  file, with their 95 % bootstrap intervals.
- :func:`breakdown_chart`: the per-cell legacy cost in parts, per scanpy
  version, µs per row with the interquartile range of the interleaved rounds.

Colours come from ``colours.toml`` beside this module: one colour per
(scanpy version, layer, strategy) in every chart.  Titles name the workload
and dataset, never a path.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd

from rngbench.util import atomic

MIN_SAMPLES = 10
"""Fewest asv samples a cell needs to be charted (and to show an interquartile range worth the name)."""
COLOURS = tomllib.loads((Path(__file__).with_name("colours.toml")).read_text())
UNLISTED = "#999999"
LAYER_NAMES = {"scanpy": "scanpy API", "reference": "reference kernel", "numba": "numba kernel"}


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def version_roles(versions) -> dict[str, str]:
    """``{version: "newest" | "previous"}``: the newest version present is "newest", every other "previous"."""
    from packaging.version import Version

    ordered = sorted(set(versions), key=Version)
    return {v: "newest" if v == ordered[-1] else "previous" for v in ordered}


def colour(layer: str, strategy: str, role: str) -> str:
    """The colour of (version role, layer, strategy) in every chart."""
    return COLOURS.get(layer, {}).get(strategy, {}).get(role, UNLISTED)


def _save(fig, path: Path) -> None:
    with atomic.replacing(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100, metadata={"Software": None})
    _plt().close(fig)


def chartable(frame: pd.DataFrame) -> pd.DataFrame:
    """The time cells with at least :data:`MIN_SAMPLES` samples."""
    t = frame[(frame.kind == "time") & (frame.status == "ok")]
    return t[pd.to_numeric(t["samples"], errors="coerce").fillna(0) >= MIN_SAMPLES]


def cells_chart(frame: pd.DataFrame, workload: str, path: Path) -> bool:
    """One panel per dataset, one labelled bar per cell; False (nothing written) when no cell has the samples."""
    from rngbench.bench import strategies

    sub = chartable(frame)
    sub = sub[sub.workload == workload]
    if sub.empty:
        return False
    plt = _plt()
    roles = version_roles(frame.scanpy.unique())
    datasets = sorted(sub.dataset.unique())
    order = {s: i for i, s in enumerate(strategies.NAMES)}
    heights = [len(sub[sub.dataset == d]) for d in datasets]
    fig, axes = plt.subplots(len(datasets), 1, figsize=(8.5, 1.2 + 0.32 * sum(heights) + 0.6 * len(datasets)),
                             squeeze=False, gridspec_kw={"height_ratios": heights})
    for ax, dataset in zip(axes[:, 0], datasets):
        part = sub[sub.dataset == dataset].copy()
        part["key"] = [(list(LAYER_NAMES).index(r.layer), order[r.strategy], str(r.threads), r.scanpy)
                       for r in part.itertuples()]
        part = part.sort_values("key", ascending=False)
        y = range(len(part))
        mids = part["median"] * 1e3
        low = ((part["median"] - part["q25"].fillna(part["median"])) * 1e3).clip(lower=0)
        high = ((part["q75"].fillna(part["median"]) - part["median"]) * 1e3).clip(lower=0)
        colours = [colour(r.layer, r.strategy, roles[r.scanpy]) for r in part.itertuples()]
        hatches = ["//" if str(r.threads) == "2" else "" for r in part.itertuples()]
        bars = ax.barh(list(y), mids, xerr=[low, high], color=colours, edgecolor="#333333", linewidth=0.4,
                       capsize=2)
        for bar, hatch in zip(bars, hatches):
            bar.set_hatch(hatch)
        labels = [f"{r.strategy} · {LAYER_NAMES[r.layer]}" + (f" · {r.threads} thr" if str(r.threads) else "")
                  + (f" · scanpy {r.scanpy}" if r.layer == "scanpy" else "") + f"  (n={int(r.samples)})"
                  for r in part.itertuples()]
        ax.set_yticks(list(y), labels, fontsize=8)
        ax.set_title(f"{workload} — {dataset}", fontsize=10)
        ax.set_xlabel("ms per call: median, whiskers at the quartiles of n asv samples", fontsize=8)
        ax.set_xlim(left=0)
    fig.tight_layout()
    _save(fig, path)
    return True


def headline_chart(docs: list[dict], path: Path) -> bool:
    """Each headline ratio on every machine that recorded it, with its 95 % interval; False if none has any."""
    rows = []
    for doc in docs:
        for fig in doc["runs"].get("headline", {}).get("data", {}).get("figures", []):
            rows.append((doc["id"], f"{fig['figure']}\n{fig['dataset']}", fig["ratio"], *fig["ci"],
                         fig["interval"]["samples"][0]))
    if not rows:
        return False
    plt = _plt()
    frame = pd.DataFrame(rows, columns=["machine", "figure", "ratio", "low", "high", "n"])
    figures = list(dict.fromkeys(frame.figure))
    machines = [d["id"] for d in docs if d["id"] in set(frame.machine)]
    palette = COLOURS["machines"]["palette"]
    fig, ax = plt.subplots(figsize=(9.5, 1.0 + 0.75 * len(figures) * max(1, len(machines)) / 2 + 0.8))
    width = 0.8 / len(machines)
    for i, name in enumerate(machines):
        part = frame[frame.machine == name].set_index("figure").reindex(figures)
        y = [k + (i - (len(machines) - 1) / 2) * width for k in range(len(figures))]
        ok = part.ratio.notna().to_numpy()
        ax.barh([v for v, good in zip(y, ok) if good], part.ratio[ok], height=width,
                xerr=[part.ratio[ok] - part.low[ok], part.high[ok] - part.ratio[ok]],
                color=palette[i % len(palette)], capsize=3, label=f"{name} (n={int(part.n[ok].max())} rounds)")
        for v, r in zip([v for v, good in zip(y, ok) if good], part.ratio[ok]):
            ax.text(r, v, f" {r:.2f}×", va="center", fontsize=7)
    ax.axvline(1.0, color="#333333", linewidth=0.6)
    ax.set_yticks(range(len(figures)), [f.replace(", scanpy 1.13.0a2 / 1.12.4", "\nscanpy 1.13.0a2 / 1.12.4")
                                        for f in figures], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("ratio of medians, interleaved rounds; whiskers: 95 % bootstrap interval")
    ax.set_title("Headline ratios by machine class")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    _save(fig, path)
    return True


def breakdown_chart(data: dict, machine_id: str, path: Path) -> bool:
    """µs per row of each part, previous vs newest scanpy, one panel per case; False when there are no parts."""
    parts = data.get("parts", [])
    if not parts:
        return False
    plt = _plt()
    frame = pd.DataFrame(parts)
    new, old = (v.strip() for v in data["versions"].split("/"))
    cases = list(dict.fromkeys(frame.case))
    fig, axes = plt.subplots(1, len(cases), figsize=(5.2 * len(cases), 3.8), squeeze=False)
    for ax, case in zip(axes[0], cases):
        part = frame[frame.case == case]
        x = range(len(part))
        for offset, (version, role, key) in zip((-0.2, 0.2), ((old, "previous", "old"), (new, "newest", "new"))):
            mid = part[f"{key}_us_per_row"]
            q = pd.DataFrame(part[f"{key}_iqr_us"].tolist(), columns=["q1", "q3"], index=part.index)
            ax.bar([k + offset for k in x], mid, 0.4, yerr=[(mid - q.q1).clip(lower=0), (q.q3 - mid).clip(lower=0)],
                   color=colour("scanpy", "legacy", role), capsize=3, edgecolor="#333333", linewidth=0.4,
                   label=f"scanpy {version}, legacy path")
        for k, r in zip(x, part.itertuples()):
            top = max(r.new_us_per_row, r.old_us_per_row)
            ax.text(k, top, f"{r.ratio:.2f}×", ha="center", va="bottom", fontsize=8)
        ax.set_xticks(list(x), part.part)
        ax.set_ylabel("µs per row drawn down (median, IQR)")
        ax.set_title(f"downsample {case} ({part.dataset.iloc[0]}, {int(part.rows.iloc[0])} rows)", fontsize=10)
        ax.legend(fontsize=7)
    fig.suptitle(f"Per-cell legacy cost in parts, {machine_id} (n={int(frame.samples.max())} interleaved rounds)",
                 fontsize=10)
    fig.tight_layout()
    _save(fig, path)
    return True
