"""asv results -> ``reports/benchmarks/``: one markdown table per workload and scanpy version, one PNG per workload.

Layout of every table (the issue's)::

    dataset | legacy | Generator | spawn | reuse | keyed | per-thread   (cells: median ± spread, or n/a)

The parallel numba kernels' tables (layer ``numba``) have a row per dataset
and thread count and the strategies that have a kernel as columns.  The
keyed-stream benchmarks (``benchmarks/bench_keyed.py``) give the property
table (``keyed.properties.md``); the one per-item setup-cost plot is
``scripts/measure_keyed.py``'s (``keyed/setup_cost.png``, interleaved rounds
with bootstrap intervals), beside its measured targets.

Charts (:mod:`rngbench.bench.charts`) are drawn from samples only: asv cells
with at least :data:`rngbench.bench.charts.MIN_SAMPLES` samples, and the
interleaved probe's rounds.  Every figure is also in this machine's file
(:mod:`rngbench.bench.machine`), and the README renders every machine file
present side by side.

"spread" is half the interquartile range of asv's samples; a cell resting
on one sample (``--quick``) says "1 sample" instead of a spread it does not have.  A cell is *n/a* when the benchmark's
``setup`` raised NotImplementedError (the strategy cannot be expressed), and
*failed* when it raised anything else -- never left out.

Results are read through :mod:`rngbench.asvio.results` (asv's own loader);
which scanpy a result measured comes from the versions the driver recorded
beside the results, or from the environment's own interpreter.  Every file
is written atomically (:mod:`rngbench.util.atomic`), so an interrupted report
never leaves a half-written table.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from rngbench.asvio import results
from rngbench.bench import cells, charts, floor, machine, peer, strategies
from rngbench.bench.suite import LAYER_PARAM_NAMES, PROPERTY_METHODS, class_name
from rngbench.bench.workloads import WORKLOADS, workload_module
from rngbench.util import atomic, markdown

KINDS = {"time_run": ("time", "s"), "peakmem_run": ("peakmem", "bytes"), "track_generators": ("generators", "count")}
LAYERS = ("scanpy", "reference", "numba")
LAYER_LABELS = {"scanpy": "scanpy's public API", "reference": "rngbench reference kernels",
                "numba": "rngbench parallel numba kernels (rngbench.keyed), by thread count"}
PROPERTIES_CLASS = "KeyedProperties"


# ---------------------------------------------------------------- reading


def _benchmark_index() -> dict[str, tuple[str, str, str]]:
    """asv benchmark name suffix ``Class.method`` -> (workload, layer, kind)."""
    index = {}
    for workload in WORKLOADS:
        for layer in LAYERS:
            for method, (kind, _) in KINDS.items():
                index[f"{class_name(workload, layer)}.{method}"] = (workload, layer, kind)
    return index


def _cell_status(value) -> str:
    if value is None:
        return "failed"
    if isinstance(value, float) and math.isnan(value):
        return "n/a"
    return "ok"


def read_results(results_dir: Path) -> pd.DataFrame:
    """Every asv result under ``results_dir`` (each environment's newest run) as a tidy frame, one row per cell."""
    index = _benchmark_index()
    rows = []
    for m in results.newest_per_environment(results.read_results([results_dir])):
        key = ".".join(m.benchmark.split(".")[-2:])
        if key not in index:
            continue
        workload, layer, kind = index[key]
        params = dict(zip(LAYER_PARAM_NAMES[layer], m.param_values.values()))  # by position: no benchmarks.json
        stats = m.stats or {}
        lo, hi = stats.get("q_25"), stats.get("q_75")
        status = _cell_status(m.value)
        versions = m.env.get("versions") or {}
        rows.append({
            "scanpy": versions.get("scanpy", "unknown"), "numpy": versions.get("numpy", "unknown"),
            "workload": f"{workload}.{params['case']}", "layer": layer, "kind": kind,
            "dataset": params["dataset"], "strategy": params["strategy"], "threads": params.get("threads", ""),
            "status": status,
            "median": m.value if status == "ok" else None,
            "spread": (hi - lo) / 2 if lo is not None and hi is not None else 0.0, "q25": lo, "q75": hi,
            "samples": stats.get("repeat"),  # None when asv did not say
            "machine": m.env.get("machine", ""), "commit": (m.env.get("commit_hash") or "")[:8],
            "started_at": m.started_at,
        })
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- formatting


def _fmt(value: float, kind: str) -> str:
    if kind == "time":
        for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
            if abs(value) >= scale or unit == "µs":
                return f"{value / scale:.3g} {unit}"
    if kind == "peakmem":
        return f"{value / 2**20:.0f} MiB"
    return f"{value:g}"


def cell(row: pd.Series) -> str:
    if row["status"] != "ok":
        return row["status"]
    if row["kind"] != "time":  # one peak / one count per run: no spread to show
        return _fmt(row["median"], row["kind"])
    if row.get("samples") == 1:
        return f"{_fmt(row['median'], 'time')} (1 sample)"
    spread = _fmt(row["spread"], "time") if row["spread"] else "0"
    return f"{_fmt(row['median'], 'time')} ± {spread}"


def columns(layer: str) -> list[str]:
    """The strategy columns of a layer's tables: every strategy, or those with a numba kernel."""
    return list(strategies.NUMBA_NAMES if layer == "numba" else strategies.NAMES)


def table(frame: pd.DataFrame) -> pd.DataFrame:
    """``dataset | <strategies>`` (numba: ``dataset | threads | ...``) for one workload, layer, kind, scanpy."""
    cells = frame.assign(cell=frame.apply(cell, axis=1))
    layer = cells.layer.iloc[0] if "layer" in cells and len(cells) else "reference"
    index = ["dataset", "threads"] if layer == "numba" else ["dataset"]
    wide = cells.pivot_table(index=index, columns="strategy", values="cell", aggfunc="first")
    wide = wide.reindex(columns=columns(layer)).fillna("not run")
    wide.columns.name = None
    return wide.reset_index()


def to_markdown(frame: pd.DataFrame) -> str:
    return markdown.table([str(c) for c in frame.columns], frame.itertuples(index=False))


def markdown_for(frame: pd.DataFrame, workload: str, scanpy: str) -> str:
    sub = frame[(frame.workload == workload) & (frame.scanpy == scanpy)]
    numpy = ", ".join(sorted(sub.numpy.unique()))
    lines = [f"# {workload} — scanpy {scanpy} (numpy {numpy})", ""]
    titles = {"time": "Time per call", "peakmem": "Peak memory of the benchmark process",
              "generators": "Bit generators created per call"}
    for kind in ("time", "peakmem", "generators"):
        for layer in LAYERS:
            part = sub[(sub.kind == kind) & (sub.layer == layer)]
            if part.empty:
                continue
            lines += [f"## {titles[kind]} — {LAYER_LABELS[layer]}", "", to_markdown(table(part)), ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- keyed streams


def _keyed_measurements(results_dir: Path) -> list:
    return [m for m in results.newest_per_environment(results.read_results([results_dir]))
            if m.benchmark.split(".")[-2] == PROPERTIES_CLASS]


def read_properties(results_dir: Path) -> pd.DataFrame:
    """The ``KeyedProperties.track_*`` results as strategy x property (values agree across environments).

    An environment that measured another value than the rest (it should not:
    the properties are deterministic) makes that cell NaN, shown as "no".
    """
    values: dict[tuple[str, str], set] = {}
    for m in _keyed_measurements(results_dir):
        cls, method = m.benchmark.split(".")[-2:]
        if cls != PROPERTIES_CLASS or method not in PROPERTY_METHODS or m.value is None or math.isnan(m.value):
            continue
        [strategy] = m.param_values.values()  # by position: benchmarks.json may be absent
        values.setdefault((strategy, PROPERTY_METHODS[method]), set()).add(m.value)
    rows: dict[str, dict[str, float]] = {}
    for (strategy, prop), seen in values.items():
        rows.setdefault(strategy, {})[prop] = seen.pop() if len(seen) == 1 else math.nan
    if not rows:
        return pd.DataFrame()
    from rngbench.keyed import properties, streams

    names = [n for n in streams.NAMES if n in rows]
    return pd.DataFrame.from_dict(rows, orient="index").reindex(index=names, columns=[p.name for p in
                                                                                       properties.PROPERTIES])


def properties_markdown(props: pd.DataFrame) -> str:
    from rngbench.keyed import properties

    lines = ["# Keyed per-item streams: invariance properties per strategy", "",
             "From the `KeyedProperties.track_*` asv benchmarks (`benchmarks/bench_keyed.py`), measured by "
             "`rngbench.keyed.properties` on its deterministic small counts matrix. A property holds when its "
             "value is 1 (0 for `overlap`).", ""]
    lines += [f"- `{p.name}`: {p.meaning}" for p in properties.PROPERTIES]
    return "\n".join([*lines, "", properties.markdown(props), ""])


def write_keyed(results_dir: Path, out_dir: Path) -> list[Path]:
    """``keyed.properties.md`` from the keyed benchmarks' results (if any)."""
    props = read_properties(results_dir)
    if props.empty:
        return []
    md = out_dir / "keyed.properties.md"
    atomic.write_text(md, properties_markdown(props))
    return [md]


# ---------------------------------------------------------------- writing


LEGACY_HEADLINE = {
    "downsample.per_cell": "per-cell downsampling",
    "downsample.per_cell_3": "per-cell downsampling to 3 counts",
}


ASV_RATIOS_NOTE = ("Cross-checks, not headlines: each divides two asv medians taken minutes apart (not interleaved), "
                   "so they move with the machine from run to run; quote the interleaved figures above.")


def _samples(a, b) -> str:
    """How many samples two asv medians rest on, when asv said (``--quick``: one each)."""
    counts = {int(n) for n in (a, b) if n == n and n is not None}
    if not counts:
        return ""
    n = max(counts)
    return f"; {n} sample{'s' if n != 1 else ''} each" if len(counts) == 1 else f"; {min(counts)}–{n} samples"


def headline(frame: pd.DataFrame) -> list[str]:
    """The two figures the issue asks for, from the asv results (the interleaved probe adds its own)."""
    lines = []
    t = frame[(frame.kind == "time") & (frame.status == "ok")]
    if "samples" not in t.columns:
        t = t.assign(samples=None)
    ref = t[(t.workload == "downsample.per_cell") & (t.layer == "reference")]
    for (version, dataset), g in ref.groupby(["scanpy", "dataset"]):
        m = g.set_index("strategy")["median"]
        n = g.set_index("strategy")["samples"]
        if {"spawn", "reuse"} <= set(m.index):
            spawn, reuse = m["spawn"], m["reuse"]
            lines.append(f"- spawn/reuse, per-cell downsampling, reference kernel, {dataset}, scanpy {version} env: "
                         f"**{spawn / reuse:.2f}×** ({_fmt(spawn, 'time')} vs {_fmt(reuse, 'time')}"
                         f"{_samples(n['spawn'], n['reuse'])})")
    api = t[t.workload.isin(LEGACY_HEADLINE) & (t.layer == "scanpy") & (t.strategy == "legacy")]
    for (workload, dataset), g in api.groupby(["workload", "dataset"]):
        m = g.set_index("scanpy")["median"]
        count = g.set_index("scanpy")["samples"]
        new = [v for v in m.index if "a" in v or "rc" in v or v.startswith("1.13")]
        old = [v for v in m.index if v not in new]
        for n in new:
            for o in old:
                what = LEGACY_HEADLINE[workload]
                lines.append(f"- legacy path `random_state=0`, {what}, {dataset}: scanpy {n} / {o} = "
                             f"**{m[n] / m[o]:.2f}×** ({_fmt(m[n], 'time')} vs {_fmt(m[o], 'time')}; "
                             f"separate asv runs{_samples(count[n], count[o])})")
    return lines


def floor_section(frame: pd.DataFrame, probe: dict | None) -> list[str]:
    """Each downsampling time as a multiple of its raw-draw floor (:mod:`rngbench.bench.floor`), from the probe."""
    if not probe or "floor" not in probe:
        return []
    t = frame[(frame.kind == "time") & (frame.status == "ok") & frame.layer.isin(floor.LAYER_NAMES)
              & frame.workload.str.startswith("downsample.")]
    if "threads" not in t.columns:
        t = t.assign(threads="")
    measured = {(r.layer, r.dataset, r.workload.split(".", 1)[1], r.strategy, "" if r.threads != r.threads
                 else str(r.threads)): r.median for r in t.itertuples()}
    ns = ", ".join(f"{k} {v:.2f} ns" for k, v in probe["floor"]["ns_per_draw"].items())
    return ["## Distance from the floor (downsampling)", "",
            f"Raw-draw floor = draws needed × ns per bounded draw, measured in the same run ({ns}). Every layer "
            "is held to the same floor; the layer is named in every row (numba rows at 1 and 2 threads, wall "
            "time; reference rows one thread, process CPU time). asv medians.", "",
            markdown.table(floor.HEADER, floor.rows(probe["floor"], measured)), ""]


def machine_timings(results_dir: Path) -> list[dict]:
    """The downsampling cells of the reference and numba layers (the floor table's and keyed timings), per machine."""
    if not Path(results_dir).exists():
        return []
    frame = read_results(results_dir)
    if frame.empty:
        return []
    t = frame[(frame.kind == "time") & (frame.status == "ok") & frame.layer.isin(floor.LAYER_NAMES)
              & frame.workload.str.startswith("downsample.")]
    keep = ["workload", "layer", "dataset", "strategy", "threads", "scanpy", "median", "q25", "q75", "samples"]
    return [{k: (None if v != v else v) for k, v in row.items()} for row in t[keep].to_dict(orient="records")]


BUDGETS = Path(__file__).resolve().parents[3] / "benchmarks" / "budgets.toml"
LEGACY_BUDGET = "legacy path: newest scanpy / previous release"


def budgets_section(results_dir: Path, probe: dict | None) -> list[str]:
    """The overhead budgets judged on samples: asv's recorded samples, and the probe's rounds for the legacy path."""
    from rngbench import budgets, config
    from rngbench.cli.overhead import overhead_markdown

    loaded = config.load_budgets(BUDGETS)
    checks = budgets.evaluate(loaded, results.read_results([results_dir]))
    lines = ["## Overhead budgets, judged on samples", "",
             "A budget breaks only when the whole 95 % interval of its ratio is above the limit (`FAIL`); a ratio "
             "above the limit whose interval is not is `within noise`; a side with fewer than "
             f"{budgets.MIN_SAMPLES} samples cannot break anything (`too few samples`). Samples: numerator, "
             "denominator.", ""]
    limit = next((b for b in loaded if b.name == LEGACY_BUDGET), None)
    if probe and limit:
        rows = []
        for fig in probe.get("figures", []):
            if not fig["figure"].startswith("legacy path"):
                continue
            interval, status = budgets.judge(fig["samples"]["numerator"], fig["samples"]["denominator"], limit.max,
                                             paired=True)
            rows.append([markdown.code(f"{fig['figure']}, {fig['dataset']}"), f"{interval.ratio:.2f}",
                         f"{interval.low:.2f}–{interval.high:.2f}", f"{limit.max:g}",
                         f"{interval.samples[0]} interleaved rounds", status])
        if rows:
            lines += [f"`{LEGACY_BUDGET}` on the headline probe's interleaved rounds:", "",
                      markdown.table(["figure", "ratio", "95 % CI", "limit", "samples", "result"], rows), ""]
    lines += ["Every budget on the asv cells of this run (`rngbench overhead`):", "", overhead_markdown(checks)]
    return lines


def breakdown_section(probe: dict | None, machine_id: str, out_dir: Path) -> tuple[list[str], list[Path]]:
    """The per-cell legacy cost in parts (:mod:`rngbench.bench.breakdown`), a table and a chart."""
    data = (probe or {}).get("breakdown")
    if not data:
        return [], []
    png = out_dir / "breakdown.png"
    charts.breakdown_chart(data, machine_id, png)
    new, old = (v.strip() for v in data["versions"].split("/"))
    rows = [[p["case"], p["part"], f"{p['old_us_per_row']:.2f}", f"{p['new_us_per_row']:.2f}",
             f"{p['new_us_per_row'] - p['old_us_per_row']:+.2f}",
             f"{p['ratio']:.2f}× ({p['ci'][0]:.2f}–{p['ci'][1]:.2f})", str(p["samples"])] for p in data["parts"]]
    return ["## Why the per-cell legacy ratio differs between machines: the cost in parts", "",
            f"`sc.pp.downsample_counts(random_state=0)` per cell, on {data['parts'][0]['dataset']} "
            f"({data['parts'][0]['rows']} rows drawn down), on `{machine_id}`: scanpy {old} runs each row in one "
            f"numba function, {new} in Python around numpy's global `RandomState`. Each part was timed alone in "
            "each version's environment, the two versions' workers interleaved round by round "
            "(`rngbench.bench.breakdown`, `bench_breakdown.LegacyPerCellParts`); `call` is the whole call. "
            "A part whose ratio moves with the CPU moves the headline ratio with it.", "",
            markdown.table(["case", "part", f"scanpy {old} µs/row", f"scanpy {new} µs/row", "difference",
                            f"{new} / {old} (95 % CI)", "rounds"], rows), "",
            f"![cost in parts]({png.name})", ""], [png]


def main_job_only(frame: pd.DataFrame, main: cells.MainCells) -> pd.DataFrame:
    """The rows of the main job's cells: asv writes the combinations its ``--bench`` left out as NaN, which the
    tables would otherwise show as n/a ("cannot be expressed") -- they were not run, and say so."""
    method = {kind: m for m, (kind, _) in KINDS.items()}

    def ran(r) -> bool:
        workload = r.workload.split(".")[0]
        values = (r.dataset, r.workload.split(".", 1)[1], r.strategy) + ((r.threads,) if r.layer == "numba" else ())
        return main.selects(f"bench_{workload}.{class_name(workload, r.layer)}.{method[r.kind]}", values)

    return frame[[ran(r) for r in frame.itertuples()]] if len(frame) else frame


def write_report(results_dir: Path, out_dir: Path, probe: dict | None = None) -> list[Path]:
    """Write every table and chart; returns the paths written.

    After the main job (the probe says ``asv_minutes: {main: ...}``) only its cells are reported.
    """
    frame = read_results(results_dir)
    if probe and "main" in probe.get("asv_minutes", {}):
        frame = main_job_only(frame, cells.load())
    if frame.empty:
        raise results.ResultsError(f"no rngbench results under {results_dir}")
    written = []
    docs = machine.read_all(out_dir / "machines")
    this_machine = probe.get("machine_id", "this machine") if probe else "this machine"
    index = ["# Benchmarks: legacy vs Generator vs spawn vs reuse vs keyed (vs per-thread in numba kernels)", "",
             "Generated by `rngbench bench run` (the main job; `rngbench bench report` redraws it from the results on "
             "disk); cells are median ± half the IQR, `n/a` where the strategy cannot be expressed, `failed` where "
             "the call raised.", ""]
    if probe and probe.get("lines"):
        index += [f"## Headline (interleaved probe, one run on `{this_machine}`)", "", *probe["lines"], ""]
    index += machine.section(out_dir / "machines")
    if charts.headline_chart(docs, out_dir / "headline.png"):
        written.append(out_dir / "headline.png")
        index += ["![headline ratios by machine](headline.png)", ""]
    lines, pngs = breakdown_section(probe, this_machine, out_dir)
    index += lines
    written += pngs
    index += ["## From the asv runs", "", ASV_RATIOS_NOTE, "", *headline(frame), ""]
    index += floor_section(frame, probe) + budgets_section(results_dir, probe) + peer.section(out_dir)
    index += ["## The main job's asv cells", "",
              f"`rngbench bench run` (what `./scripts/bootstrap` runs) times these cells of `benchmarks/main.toml`, "
              f"{cells.load().samples} samples each; `rngbench bench run --full` times every cell (the nightly). "
              f"Charts show the cells with at least {charts.MIN_SAMPLES} samples.", "",
              *cells.markdown_list(cells.load()), ""]
    index += ["## Tables", ""]
    for workload in sorted(frame.workload.unique(), key=lambda w: (WORKLOADS.index(w.split(".")[0]), w)):
        png = out_dir / f"{workload}.png"
        drawn = charts.cells_chart(frame, workload, png)
        if drawn:
            written.append(png)
        links = []
        for version in sorted(frame[frame.workload == workload].scanpy.unique()):
            md = out_dir / f"{workload}.scanpy-{version}.md"
            atomic.write_text(md, markdown_for(frame, workload, version))
            written.append(md)
            links.append(f"[scanpy {version}]({md.name})")
        doc = (workload_module(workload.split(".")[0]).__doc__ or "").strip().splitlines()[0]
        chart = f"[chart]({png.name})" if drawn else f"no chart (no cell with {charts.MIN_SAMPLES} samples)"
        index.append(f"- **{workload}** — {doc} {' · '.join(links)} · {chart}")
    keyed = write_keyed(results_dir, out_dir)
    written += keyed
    props = out_dir / "keyed.properties.md"
    kept = [] if keyed or not props.exists() else [
        f"- [{props.name}]({props.name}) (from the last run that timed `KeyedProperties`, e.g. `--full`: the "
        "properties are deterministic, the same on every machine)"]
    index += ["", "## Keyed per-item streams", "",
              *[f"- [{p.name}]({p.name})" for p in keyed], *kept,
              "- measured targets and the per-item setup-cost plot (`.venv/bin/python scripts/measure_keyed.py`): "
              "[keyed/](keyed/README.md)"]
    csv = out_dir / "results.csv"
    with atomic.replacing(csv) as tmp:
        frame.to_csv(tmp, index=False)
    readme = out_dir / "README.md"
    atomic.write_text(readme, "\n".join(index) + "\n")
    return [*written, csv, readme]
