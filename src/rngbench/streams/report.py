"""``reports/streams/``: the store's history as markdown, the changes figure and ``changes.json``.

Everything here is derived from the store alone, so ``rngbench streams report``
regenerates byte-identical text files from the same store.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402
from packaging.version import Version  # noqa: E402

from rngbench.streams import figure, grids  # noqa: E402
from rngbench.streams.history import regime_of  # noqa: E402
from rngbench.streams.store import Store  # noqa: E402
from rngbench.util import atomic, markdown  # noqa: E402
from rngbench.util.markdown import code  # noqa: E402

VERDICT_ORDER = ["violation", "bugfix-release", "allowed", "roundoff-only"]


COLUMNS = ["case", "method", "regime", "policy", "from", "to", "kind", "first_index", "fraction", "max_rel",
           "verdict", "platform"]


def changes_frame(changes: dict) -> pd.DataFrame:
    rows = []
    for case in changes["cases"]:
        for ch in case["changes"]:
            rows.append({
                "case": case["id"], "method": case["method"], "regime": regime_of(case["id"]), "policy": case["policy"],
                "from": ch["from"], "to": ch["to"], "kind": ch["kind"], "first_index": ch.get("first_index"),
                "fraction": ch.get("fraction"), "max_rel": ch.get("max_rel"), "verdict": ch["verdict"],
                "platform": ch["platforms"][1] if ch.get("platforms") else None,
            })
    return merge_legacy(pd.DataFrame(rows, columns=COLUMNS))


def merge_legacy(frame: pd.DataFrame) -> pd.DataFrame:
    """One row for ``RandomState.x`` and ``np.random.x`` when both changed alike (np.random.* runs RandomState's
    code, so listing both doubles every count without saying anything new)."""
    if frame.empty:
        return frame
    same = ["regime", "from", "to", "kind", "first_index", "fraction", "max_rel", "verdict", "platform"]
    key = frame[same].map(str).agg("|".join, axis=1)
    bare = frame["method"].str.replace(r"^(RandomState|np\.random)\.", "", regex=True)
    legacy = frame["method"].str.match(r"^(RandomState|np\.random)\.")
    signature = bare + "|" + key
    module = legacy & frame["method"].str.startswith("np.random.")
    has_twin = module & signature.isin(set(signature[legacy & frame["method"].str.startswith("RandomState.")]))
    twinned = set(signature[has_twin])
    out = frame[~has_twin].copy()
    merged = legacy & out["method"].str.startswith("RandomState.") & signature[out.index].isin(twinned)
    out.loc[merged, "method"] = out.loc[merged, "method"].str.replace(
        r"^RandomState\.(.*)$", r"RandomState.\1 / np.random.\1", regex=True)
    return out


def _sweep(frame: pd.DataFrame) -> pd.Series:
    return frame["regime"].str.startswith("sweep:")


def distinct_events(frame: pd.DataFrame) -> pd.DataFrame:
    """Changes counted once per (method, release transition, kind): not cases x bit generators x aliases."""
    if frame.empty:
        return frame.assign(cases=[])
    base = frame.assign(method=frame["method"].str.replace(r"^RandomState\.(\w+) / np\.random\.\w+$",
                                                           r"RandomState.\1", regex=True))
    return (base.groupby(["method", "from", "to", "kind", "verdict"], sort=False)
            .agg(cases=("case", "size")).reset_index())


def _appearances(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[(frame["kind"] == "absent") & (frame["verdict"] == "allowed")]


def platform_section(frame: pd.DataFrame) -> str:
    """Cases whose output differs between BLAS kernels: which, by how much, from which release on."""
    plat = frame[frame["kind"] == "platform"]
    if plat.empty:
        return "_No case differs between the recorded platforms._\n"
    plat = plat.assign(order=plat["from"].map(Version))
    grouped = (plat.sort_values("order").groupby(["method", "regime", "platform"], sort=True)
               .agg(first=("from", "first"), last=("from", "last"), releases=("from", "nunique"),
                    fraction=("fraction", "max"), max_rel=("max_rel", "max"), verdict=("verdict", "first"))
               .reset_index())
    headers = ["method", "regime", "platform (vs the reference)", "releases", "from … to", "max fraction", "max rel",
               "verdict"]
    rows = [[code(r.method), code(r.regime), code(r.platform), r.releases, f"{r.first} … {r.last}",
             f"{r.fraction:.3f}", _rel(r.max_rel), r.verdict] for r in grouped.itertuples(index=False)]
    return markdown.table(headers, rows, align="lllrlrrl") + "\n"


def _rel(x) -> str:
    return "" if pd.isna(x) else f"{x:.2g}"


def sweep_findings(frame: pd.DataFrame) -> pd.DataFrame:
    """Changes a sweep point found where no hand-picked regime of that method changed in the same transition."""
    real = frame[frame["kind"] != "platform"]
    method = real["method"].str.replace(r" / np\.random\.\w+$", "", regex=True)  # sweeps run RandomState only
    hand = ~_sweep(real)
    seen = set(zip(method[hand], real["from"][hand], real["to"][hand], real["kind"][hand]))
    keys = zip(method, real["from"], real["to"], real["kind"])
    return real[[_sweep(real).loc[i] and key not in seen for i, key in zip(real.index, keys)]]


def _table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "_none_\n"
    headers = ["method", "regime", "from → to", "kind", "first index", "fraction", "max rel", "verdict", "case"]
    rows = [[code(r["method"]), code(r["regime"]), f"{r['from']} → {r['to']}", r["kind"],
             "" if pd.isna(r["first_index"]) else str(int(r["first_index"])),
             "" if pd.isna(r["fraction"]) else f"{r['fraction']:.3f}", _rel(r["max_rel"]), r["verdict"],
             code(r["case"])]
            for r in frame.to_dict("records")]
    return markdown.table(headers, rows, align="llllrrrll") + "\n"


def grid_section(frame: pd.DataFrame) -> str:
    """Changes only the two-parameter sweeps found: the point, the release, where the streams part, which line
    reached the point and which one-parameter line passes through it (see ``streams.grids``)."""
    found = grids.describe(grids.grid_only_findings(frame))
    if found.empty:
        return "_none_\n"
    headers = ["method", "parameters", "from → to", "kind", "first index", "fraction", "verdict", "found by",
               "one-parameter line through the point"]
    rows = [[code(r["method"]), code(r["parameters"]), f"{r['from']} → {r['to']}", r["kind"],
             "" if pd.isna(r["first_index"]) else str(int(r["first_index"])),
             "" if pd.isna(r["fraction"]) else f"{r['fraction']:.3f}", r["verdict"], r["lines"], r["one_dimensional"]]
            for r in found.to_dict("records")]
    return markdown.table(headers, rows, align="lllllrrlll") + "\n"


def headlines(frame: pd.DataFrame) -> str:
    """NEP 19 breaches grouped by release and method: the short list a maintainer reads first."""
    bad = frame[frame["verdict"].isin(["violation", "bugfix-release"])]
    if bad.empty:
        return "_No NEP 19 breach in any release._\n"
    bad = bad.iloc[sorted(range(len(bad)), key=lambda i: (Version(bad["from"].iloc[i]), bad["method"].iloc[i]))]
    grouped = (bad.assign(step=bad["from"] + " → " + bad["to"])
               .groupby(["step", "method", "kind", "verdict"], sort=False)
               .agg(cases=("case", "size"), regimes=("regime", lambda r: ", ".join(sorted(set(r)))))
               .reset_index())
    rows = [[r.step, code(r.method), r.kind, r.verdict, r.cases, code(r.regimes)]
            for r in grouped.itertuples(index=False)]
    return markdown.table(["from → to", "method", "kind", "verdict", "cases", "regimes"], rows, align="llllrl") + "\n"


def render_markdown(changes: dict, store: Store) -> str:
    versions = changes["versions"]
    frame = changes_frame(changes)
    appear = _appearances(frame)
    everything = frame.drop(appear.index)
    real = everything[everything["kind"] != "platform"]
    events = distinct_events(real)
    verdicts = Counter(events["verdict"])
    found_by_sweeps = sweep_findings(everything)
    n_cases = len(changes["cases"])
    env = store.manifest(versions[-1])["env"] if versions else {}
    lines = [
        "# Golden streams: what numpy.random changed, release by release",
        "",
        "Generated by `rngbench streams report` from `stream_fixtures/`; do not edit by hand.",
        "",
        f"- {len(versions)} numpy releases, {versions[0]} … {versions[-1]}; {n_cases} cases "
        f"({', '.join(f'{k}: {v}' for k, v in sorted(Counter(c['policy'] for c in changes['cases']).items()))}).",
        f"- Recorded on {env.get('system', '?')} {env.get('machine', '?')}, byte order {env.get('byteorder', '?')}, "
        f"C long {env.get('c_long_bytes', '?')} bytes.",
        f"- Distinct changes (method × release transition × kind; appearances of new methods aside): {len(events)} — "
        + (", ".join(f"{v}: {verdicts[v]}" for v in VERDICT_ORDER if verdicts[v]) or "none")
        + f" (over {len(real)} case rows; `RandomState` and `np.random.*` listed once where they agree).",
        f"- Platforms: every release's reference is recorded under OpenBLAS's `{_reference_kernel(store, versions)}` "
        f"kernel, and the methods whose output follows linear algebra under every other kernel the recording CPU "
        f"runs (platforms recorded: {', '.join(_platform_ids(store, versions)) or 'none'}); "
        f"{frame[frame['kind'] == 'platform']['case'].nunique()} cases differ between platforms (below).",
        f"- Parameter sweeps: {sum(regime_of(c['id']).startswith('sweep:') for c in changes['cases'])} sweep points; "
        f"{len(distinct_events(found_by_sweeps))} distinct changes found only by them (below).",
        "",
        "Kinds: `stream` values differ beyond roundoff · `state` same values, different generator state after the call "
        "(a different number of raw draws consumed) · `roundoff` floats within a few ULP · `shape` dtype/shape · "
        "`raises` error behaviour · `absent` present on one side only · `platform` one release, two platforms "
        "(BLAS kernels) differ. "
        "Verdicts follow NEP 19: BitGenerators, SeedSequence, `Generator.bytes/integers/random` and the legacy "
        "`RandomState` / `np.random.*` must not change (`violation`); other Generator distributions may change in X.Y "
        "releases (`allowed`) but a change inside an X.Y series is flagged `bugfix-release`.",
        "",
        "![changed methods by release, coloured by kind](heatmap.png)",
        "",
        "## Headlines: NEP 19 breaches by release and method",
        "",
        headlines(real),
        "## Platform-dependent streams",
        "",
        "The same numpy release on two platforms: each platform variant against the release's reference record. "
        "`platform-dependent` is NEP 19's own exemption (linear algebra, libm; see `streams/policy.py`), never a "
        "breach; `streams check` compares a machine with the closest stored platform.",
        "",
        platform_section(everything),
        "## Changes found only by the parameter sweeps",
        "",
        "Sweep points (`sweep:<parameter>=<value>`) whose method changed in a release transition where no "
        "hand-picked regime of that method changed the same way.",
        "",
        _table(found_by_sweeps),
        "## Changes found only by the two-parameter sweeps",
        "",
        "Points that only grid or diagonal lines reach (`streams/recorder/catalogue.py`, `SWEEPS`), whose method "
        "changed in a release transition where no hand-picked regime and no one-parameter sweep point of that "
        "method changed the same way. *One-parameter line through the point*: a line of `SWEEPS` with every other "
        "parameter at this point's value, which a finer grid along it could have used to find the change; `none` "
        "means only a sweep over two parameters reaches it.",
        "",
        grid_section(everything),
        "## NEP 19 violations and bugfix-release changes, case by case",
        "",
        _table(real[real["verdict"].isin(["violation", "bugfix-release"])]),
        "## Every change",
        "",
        _table(real),
        "## Methods appearing",
        "",
    ]
    if appear.empty:
        lines.append("_none_")
    for version, group in appear.groupby("to", sort=False):
        methods = sorted(set(group["method"]))
        lines.append(f"- **{version}**: {len(group)} cases — {', '.join(f'`{m}`' for m in methods)}")
    lines.append("")
    return "\n".join(lines)


def _reference_kernel(store: Store, versions: list[str]) -> str:
    if not versions:
        return "?"
    reference, fingerprints = store.platforms(versions[-1])
    fp = fingerprints.get(reference, {})
    return fp.get("openblas_coretype") or fp.get("blas_core") or reference


def _platform_ids(store: Store, versions: list[str]) -> list[str]:
    ids: set[str] = set()
    for version in versions:
        ids.update(store.platforms(version).fingerprints)
    return sorted(ids)


def write_report(changes: dict, store: Store, outdir: Path) -> list[Path]:
    outdir = Path(outdir)
    paths = [outdir / "changes.json", outdir / "README.md", outdir / "heatmap.png"]
    atomic.write_text(paths[0], json.dumps(changes, indent=1, sort_keys=False) + "\n")
    atomic.write_text(paths[1], render_markdown(changes, store))
    figure.draw(changes_frame(changes), paths[2])  # changed methods by release (rngbench.streams.figure)
    return paths
