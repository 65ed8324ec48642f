"""The nightly history page: one self-contained HTML file from the nightly results, the golden-stream store and the
result goldens.

Why a page of our own rather than ``asv publish``: asv's site plots one benchmark against commits of one project,
while the nightly matrix varies *other* packages (numpy × scanpy) at a fixed suite commit, and the page must also
carry the stream and result-golden verdicts, which asv knows nothing about.  Why one file with inline SVG and no
script: it opens from disk, from a CI artifact or from GitHub Pages alike, needs no CDN or network, and a headless
browser can check it (tests/nightly/test_history_page.py).

Sections: the matrix's cells; each benchmark's median per strategy over numpy × scanpy with asv's 99 % interval of
the median (a plot and a table); the overhead budgets per numpy version; the stream verdicts per numpy release
(distinct changes by NEP 19 verdict, as ``reports/streams/`` counts them); the result-golden verdicts per environment.
"""

from __future__ import annotations

import html
import io
import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version
from tabulate import tabulate

from rngbench.asvio.results import Measurement
from rngbench.errors import fail
from rngbench.nightly.report import column_key, timing_key
from rngbench.util import atomic

PAGE = "index.html"
# NEP 19 verdicts of a stream change, most severe first; the first two break NEP 19 (`rngbench streams check` exit 1)
VERDICTS = ["violation", "bugfix-release", "allowed", "roundoff-only", "platform-dependent"]
BREACHES = {"violation", "bugfix-release"}
VERDICT_COLOURS = {"violation": "#de2d26", "bugfix-release": "#fd8d3c", "allowed": "#6baed6",
                   "roundoff-only": "#c6dbef", "platform-dependent": "#74c476"}
# result-golden outcomes against the baseline environment, closest first (rngbench.pipelines.classify)
GOLDEN_KINDS = ["identical", "tolerance", "changed", "nondeterministic", "absent", "n/a"]

STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em auto; max-width: 1220px; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; border-bottom: 1px solid #ccc; margin-top: 1.6em; }
h3 { font-size: 0.95em; font-family: monospace; margin-bottom: 0.3em; }
nav a { margin-right: 1em; }
table { border-collapse: collapse; font-size: 0.8em; margin: 0.4em 0 1em; }
th, td { border: 1px solid #ddd; padding: 2px 6px; } th { background: #f3f3f3; }
.plots { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 0.8em; }
figure { margin: 0; } figure svg { width: 100%; height: auto; } figcaption { font-size: 0.8em; color: #555; }
.breach { color: #b00; font-weight: bold; } .note { font-size: 0.85em; color: #555; }
.scroll { max-height: 40em; overflow-y: auto; display: inline-block; }
"""


@dataclass(frozen=True)
class Interval:
    """A median and asv's 99 % interval of it (``ci_99_a``, ``ci_99_b``); both ends are the median without one."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, m: Measurement) -> Interval:
        stats = m.stats or {}
        low, high = stats.get("ci_99_a"), stats.get("ci_99_b")
        if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
            low = high = m.value
        return cls(m.value, min(low, m.value), max(high, m.value))

    def text(self) -> str:
        from asv.util import human_value

        if self.low == self.high:
            return human_value(self.median, "seconds")
        return (f"{human_value(self.median, 'seconds')} "
                f"[{human_value(self.low, 'seconds')}, {human_value(self.high, 'seconds')}]")


def benchmark_intervals(measurements: list[Measurement]) -> dict[str, dict[str, dict[str, Interval]]]:
    """{benchmark label: {strategy: {"numpy X / scanpy Y": Interval}}}, keyed as ``reports/nightly/`` keys medians."""
    out: dict = defaultdict(lambda: defaultdict(dict))
    for m in measurements:
        if (key := timing_key(m)) is not None:
            label, strategy, column = key
            out[label][strategy][column] = Interval.of(m)
    return {label: dict(by_strategy) for label, by_strategy in out.items()}


def stream_verdicts(changes: dict) -> list[dict]:
    """One row per numpy release, newest first: distinct changes into it per verdict (method × transition × kind).

    ``platform-dependent`` counts the release's own platform variants (one release, two BLAS kernels): shown, but
    not a change between releases, so it leaves the release's verdict alone.
    """
    from rngbench.streams.report import changes_frame, distinct_events

    counts: dict[str, Counter] = {v: Counter() for v in changes["versions"]}
    for row in distinct_events(changes_frame(changes)).itertuples():
        counts.setdefault(row.to, Counter())[row.verdict] += 1
    rows = []
    for version in sorted(counts, key=Version, reverse=True):
        c = counts[version]
        verdict = ("NEP 19 breach" if BREACHES & set(c) else "changed, allowed" if c["allowed"]
                   else "roundoff only" if c["roundoff-only"] else "unchanged")
        rows.append({"release": version, "verdict": verdict, **{v: c.get(v, 0) for v in VERDICTS}})
    return rows


def golden_verdicts(pipelines: dict) -> list[dict]:
    """One row per environment of the result goldens: its versions and how many cases compare how with the baseline."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for case in pipelines["cases"]:
        for env, outcome in case["versus_baseline"].items():
            counts[env][outcome["kind"]] += 1
    rows = []
    for env, info in pipelines["environments"].items():
        versions = info["versions"]
        rows.append({"environment": env, "scanpy": versions.get("scanpy", "?"), "numpy": versions.get("numpy", "?"),
                     "python": versions.get("python", "?"), **{k: counts[env].get(k, 0) for k in GOLDEN_KINDS}})
    return sorted(rows, key=lambda r: (Version(r["scanpy"]), Version(r["numpy"]), r["environment"]))


# ----------------------------------------------------------------------------- rendering


def _table(rows: list[dict] | list[list], headers, align: str | None = None) -> str:
    """An HTML table through tabulate (which escapes every cell)."""
    body = [list(r.values()) for r in rows] if rows and isinstance(rows[0], dict) else rows
    return tabulate(body, headers=headers, tablefmt="html", colalign=tuple(align) if align else None,
                    disable_numparse=True)


def _svg(fig) -> str:
    """The figure as inline SVG (the XML prologue dropped), its ids salted so that two plots never share one."""
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    return re.sub(r"<metadata>.*?</metadata>", "", text[text.index("<svg"):], flags=re.S)


def _benchmark_plot(label: str, by_strategy: dict[str, dict[str, Interval]], columns: list[str]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context({"svg.hashsalt": label, "font.size": 8}):
        fig, ax = plt.subplots(figsize=(5.6, 2.9))
        for offset, (strategy, values) in enumerate(sorted(by_strategy.items())):
            xs = [i + (offset - len(by_strategy) / 2) * 0.04 for i, c in enumerate(columns) if c in values]
            ivs = [values[c] for c in columns if c in values]
            ys = [iv.median * 1e3 for iv in ivs]
            err = [[(iv.median - iv.low) * 1e3 for iv in ivs], [(iv.high - iv.median) * 1e3 for iv in ivs]]
            ax.errorbar(xs, ys, yerr=err, marker="o", markersize=3.5, capsize=3, linewidth=1.2, label=strategy)
        ax.set_xticks(range(len(columns)), [c.replace(" / ", "\n") for c in columns])
        ax.set_xlim(-0.5, len(columns) - 0.5)
        ax.set_ylabel("ms (median, 99 % interval)")
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=7, ncols=min(len(by_strategy), 5), loc="lower center", bbox_to_anchor=(0.5, 1.0),
                  frameon=False)
        return _svg(fig)


def _streams_plot(rows: list[dict]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = rows[::-1]  # oldest on the left
    with matplotlib.rc_context({"svg.hashsalt": "streams", "font.size": 8}):
        fig, ax = plt.subplots(figsize=(12, 3.2))
        bottom = [0] * len(rows)
        for verdict in VERDICTS:
            heights = [r[verdict] for r in rows]
            ax.bar(range(len(rows)), heights, bottom=bottom, color=VERDICT_COLOURS[verdict], label=verdict, width=0.8)
            bottom = [b + h for b, h in zip(bottom, heights)]
        ax.set_xticks(range(len(rows)), [r["release"] for r in rows], rotation=90, fontsize=6)
        ax.set_xlim(-0.7, len(rows) - 0.3)
        ax.set_ylabel("distinct changes into the release")
        ax.legend(fontsize=7, ncols=len(VERDICTS), loc="upper left", frameon=False)
        return _svg(fig)


def render(statuses: list[dict], measurements: list[Measurement], checks: list[dict], stream_changes: dict,
           pipelines: dict | None) -> str:
    """The page's HTML."""
    esc = html.escape
    intervals = benchmark_intervals(measurements)
    parts = ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>rngbench nightly history</title>", f"<style>{STYLE}</style></head><body>",
             "<h1>rngbench nightly: benchmarks over numpy × scanpy, stream and result-golden verdicts</h1>",
             '<nav><a href="#cells">cells</a><a href="#benchmarks">benchmarks</a><a href="#budgets">budgets</a>'
             '<a href="#streams">stream verdicts</a><a href="#goldens">result goldens</a></nav>']
    commits = sorted({s.get("commit", "")[:12] for s in statuses if s.get("commit")})
    dates = sorted({m.env.get("date") for m in measurements if m.env.get("date")})
    if dates:
        from datetime import UTC, datetime

        when = datetime.fromtimestamp(dates[-1] / 1000, UTC).strftime("%Y-%m-%d")
        parts.append(f'<p class="note">Suite commit(s) {esc(", ".join(commits))} (dated {esc(when)}), '
                     f"{len(statuses)} cells.</p>")

    parts += ['<section id="cells"><h2>Matrix cells (numpy × scanpy)</h2>',
              _table([[s["cell"], s.get("status", "?"), s.get("numpy", ""), s.get("scanpy") or "-",
                       s.get("error", "")] for s in sorted(statuses, key=lambda s: s["cell"])],
                     ["cell", "status", "numpy", "scanpy", "detail"]), "</section>"]

    parts.append('<section id="benchmarks"><h2>Benchmarks: median per strategy, with asv\'s 99 % interval</h2>'
                 '<div class="plots">')
    tables = []
    for label, by_strategy in sorted(intervals.items()):
        columns = sorted({c for values in by_strategy.values() for c in values}, key=column_key)
        parts.append(f'<figure class="plot" data-benchmark="{esc(label)}"><h3>{esc(label)}</h3>'
                     f"{_benchmark_plot(label, by_strategy, columns)}</figure>")
        rows = [[strategy, *(values[c].text() if c in values else "-" for c in columns)]
                for strategy, values in sorted(by_strategy.items())]
        tables.append(f'<h3>{esc(label)}</h3><div class="benchmark-table">'
                      f'{_table(rows, ["strategy", *columns], "l" + "r" * len(columns))}</div>')
    parts += ["</div>", '<p class="note">Each cell: median [asv\'s 99 % interval of the median].</p>', *tables,
              "</section>"]

    parts += ['<section id="budgets"><h2>Overhead budgets (per numpy version)</h2>',
              _table([[c["numpy"], c["budget"], c["row"], "n/a" if c["ratio"] is None else f"{c['ratio']:.2f}",
                       f"{c['max']:g}", str(c["status"])] for c in checks],
                     ["numpy", "budget", "measurement", "ratio", "limit", "result"], "lllrrl"), "</section>"]

    rows = stream_verdicts(stream_changes)
    breaches = [r["release"] for r in rows if r["verdict"] == "NEP 19 breach"]
    parts += ['<section id="streams"><h2>Stream verdicts per numpy release</h2>',
              f'<p class="note">{len(rows)} numpy releases in the golden-stream store; distinct changes '
              f"(method × release transition × kind) into each from the release before, by NEP 19 verdict, and "
              f"the release's own platform variants (BLAS kernels; never a breach). "
              f'<span class="breach">{len(breaches)} releases broke NEP 19</span> (a violation, or a change inside '
              f"a bugfix series).</p>",
              f'<figure class="plot" data-streams="verdicts">{_streams_plot(rows)}</figure>',
              '<div class="scroll" id="stream-verdicts">',
              _table(rows, ["release", "verdict", *VERDICTS], "ll" + "r" * len(VERDICTS)), "</div>",
              "</section>"]

    parts.append('<section id="goldens"><h2>Result-golden verdicts per environment</h2>')
    if pipelines is None:
        parts.append('<p class="note">No result goldens were given.</p>')
    else:
        golden = golden_verdicts(pipelines)
        parts += [f'<p class="note">Every case against the baseline environment '
                  f'{esc(pipelines.get("baseline", "?"))}: identical bit for bit, within its tolerance, changed, '
                  f"nondeterministic, absent on one side, or not applicable.</p>",
                  '<div id="golden-verdicts">',
                  _table(golden, ["environment", "scanpy", "numpy", "python", *GOLDEN_KINDS],
                         "llll" + "r" * len(GOLDEN_KINDS)), "</div>",
                  "<h3>What changed, step by step</h3>",
                  _table([[s["step"], s["package"], s["from"], s["to"], str(len(s["changes"]))]
                          for s in pipelines.get("steps", [])], ["step", "package", "from", "to", "cases changed"],
                         "llllr")]
    parts += ["</section>", "</body></html>", ""]
    return "\n".join(parts)


def build(results: Path, store_path: Path, pipelines_path: Path | None, budgets_path: Path, out: Path) -> Path:
    """Read the nightly results, the store and the result goldens; write ``out/index.html`` (whole or not at all)."""
    from rngbench import config
    from rngbench.nightly import matrix as nl
    from rngbench.streams import history

    statuses, measurements = nl.read_cells(results)
    if not statuses:
        fail(f"no finished matrix cells under {results}")
    checks = nl.budget_checks(config.load_budgets(budgets_path), measurements)
    stream_changes = history.changes_at(store_path)
    pipelines = None
    if pipelines_path is not None:
        try:
            pipelines = json.loads(Path(pipelines_path).read_text())
        except (OSError, json.JSONDecodeError) as exc:
            fail(f"{pipelines_path}: not a result-golden changes.json ({exc})")
    page = render(statuses, measurements, checks, stream_changes, pipelines)
    out.mkdir(parents=True, exist_ok=True)
    path = out / PAGE
    atomic.write_text(path, page)
    return path
