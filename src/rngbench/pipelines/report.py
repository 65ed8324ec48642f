"""``reports/pipelines/``: what changed, where, by how much, and which step changed it -- from the store alone.

- ``README.md``: the plain answer per workload to "does ``random_state=0`` on scanpy 1.13.0a2 reproduce
  scanpy 1.12.4?", every one-package step and what it changed (numpy steps linked to the stream store),
  non-determinism per environment, and the (workload x strategy) x environment table;
- ``heatmap.png``: cases x environments, coloured by the outcome against the baseline environment;
- ``changes.json``: the same, machine-readable (schema in ``docs/pipelines.md``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from rngbench.golden.store import StoreError
from rngbench.pipelines import attribution, catalogue, layers, variants
from rngbench.pipelines.classify import SEVERITY, Outcome
from rngbench.pipelines.matrix import MATRIX
from rngbench.pipelines.pairs import Comparer, is_difference
from rngbench.pipelines.store import DEFINING, PipelineStore
from rngbench.util import atomic
from rngbench.util.markdown import code, table

CHANGES_SCHEMA = 1
BASELINE = "sc1.12-np2.5"  # scanpy 1.12.4 with the newest numpy: what "reproduce scanpy 1.12.4" compares with
QUESTION = "sc1.13-np2.5"  # scanpy 1.13.0a2, same numpy and everything else
SYMBOL = {"identical": "=", "tolerance": "≈", "nondeterministic": "~", "changed": "Δ", "absent": "∅", "raises": "!",
          "n/a": "n/a"}
COLOURS = {"n/a": "#ffffff", "identical": "#4c9a2a", "tolerance": "#a4d17a", "nondeterministic": "#f2d64b",
           "changed": "#d9534f", "absent": "#bbbbbb", "raises": "#6a1b9a"}


def labels(store: PipelineStore) -> dict[str, str]:
    """{stored environment: matrix label (or the environment's own name)}, in matrix order."""
    out = {}
    for s in MATRIX:
        for name in store.environments():
            v = store.versions(name)
            if all(v.get(p) == val for p, val in s.pins) and v["python"].startswith(s.python + ".") and name not in out:
                out[name] = s.label
    for name in store.environments():
        out.setdefault(name, name)
    return out


def env_named(store: PipelineStore, label: str) -> str:
    for name, lab in labels(store).items():
        if lab == label:
            return name
    raise StoreError(f"the store holds no environment {label}")


def one_package_steps(comparer: Comparer, names: list[str]) -> list[attribution.Step]:
    store = comparer.store
    steps = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            s = attribution.step(comparer, a, b)
            same_platform = store.manifest(a)["platform_id"] == store.manifest(b)["platform_id"]
            if len(s.packages) == 1 and same_platform:
                steps.append(s)
    return steps


def _main_measure(outcome: Outcome) -> str:
    m = outcome.measures
    if outcome.kind not in ("changed", "tolerance", "nondeterministic"):
        return ""
    if "cells_differ" in m:
        return f"{m['cells_differ']:.1%} of cells' counts differ"
    if "max_angle_deg" in m:
        return f"largest principal angle {m['max_angle_deg']:.3g}°, max abs Δ loading {m['max_abs']:.2g}"
    if "procrustes" in m:
        return (f"Procrustes disparity {m['procrustes']:.3g}, kNN overlap {m['knn_overlap']:.1%}, "
                f"max abs Δ {m['max_abs']:.2g}")
    if "flipped_calls" in m:
        return f"{m['flipped_calls']} doublet call(s) flipped, max abs Δ score {m['max_abs']:.2g}"
    return ""


def answer(outcomes: dict[str, Outcome]) -> str:
    """The plain answer for one workload (its scanpy-layer legacy cases on every dataset)."""
    outcomes = {k: o for k, o in outcomes.items() if o.kind != "n/a"}
    kinds = {o.kind for o in outcomes.values()}
    if not outcomes:
        return "n/a — not expressible through scanpy's API"
    if kinds <= {"identical"}:
        return "yes — identical, bit for bit"
    if kinds <= {"identical", "tolerance"}:
        return "yes — equal within tolerance (roundoff only)"
    if kinds <= {"identical", "tolerance", "nondeterministic"}:
        return "cannot say exactly — the result is not deterministic here; the difference is within its own noise"
    worst = max(outcomes.items(), key=lambda kv: SEVERITY[kv[1].kind])
    return f"no — {worst[1].kind} ({_main_measure(worst[1]) or worst[1].measures})"


def noise_summary(store: PipelineStore) -> dict:
    """Per output kind, the largest run-to-run and 1-vs-2-thread differences measured in any environment.

    This is what the tolerances are set against (``docs/pipelines.md``): each kind's count of recordings, how many
    were not the same twice or not the same with 2 threads, and the worst measures of each.
    """
    out: dict[str, dict] = {}
    for name in store.environments():
        for cid, rec in store.records_of(name).items():
            if rec["status"] != "ok":
                continue
            kind = catalogue.parse_id(cid).kind
            entry = out.setdefault(kind, {"recordings": 0, "not_same_twice": 0, "thread_dependent": 0,
                                          "run": {}, "threads": {}})
            entry["recordings"] += 1
            entry["not_same_twice"] += rec.get("same_twice") is False
            entry["thread_dependent"] += rec.get("same_threads") is False
            for which, measures in (rec.get("noise") or {}).items():
                for k, v in measures.items():
                    if isinstance(v, (int, float)) and np.isfinite(v):
                        entry[which][k] = max(entry[which].get(k, 0), v)
    return out


def build(store: PipelineStore, stream_changes_path: Path | None = None) -> dict:
    store = variants.References(store.root)  # the version analysis reads reference records, not platform variants
    comparer = Comparer(store)
    names = list(labels(store))
    label = labels(store)
    baseline = env_named(store, BASELINE)
    stream_changes = attribution.load_stream_changes(stream_changes_path) if stream_changes_path else None
    case_ids = comparer.case_ids(*names)
    cases = []
    for cid in case_ids:
        c = catalogue.parse_id(cid)
        entry = {"id": cid, "dataset": c.dataset, "workload": c.task, "layer": c.layer, "strategy": c.strategy,
                 "kind": c.kind, "determinism": {}, "versus_baseline": {}}
        for name in names:
            rec = comparer.record(name, cid)
            if rec is not None and rec["status"] == "ok":
                entry["determinism"][label[name]] = {"same_twice": rec.get("same_twice"),
                                                     "same_threads": rec.get("same_threads"), "noise": rec.get("noise")}
            entry["versus_baseline"][label[name]] = comparer.outcome(baseline, name, cid).as_dict()
        cases.append(entry)
    steps = []
    for s in one_package_steps(comparer, names):
        changed = []
        for cid, outcome in comparer.outcomes(s.before, s.after).items():
            if outcome.kind in ("identical", "n/a"):
                continue
            item = {"case": cid, **outcome.as_dict(), "difference": is_difference(outcome)}
            link = attribution.numpy_link(s, cid, stream_changes)
            if link is not None:
                item["numpy_streams"] = link["summary"]
                item["stream_changes"] = link["stream_changes"][:20]
            changed.append(item)
        steps.append({"from": label[s.before], "to": label[s.after], "step": s.label,
                      "package": s.packages[0][0], "changes": changed})
    question = env_named(store, QUESTION)
    answers = []
    for w in catalogue.WORKLOADS:
        for case in w.cases:
            task = f"{w.module}.{case}"
            ids = [c.id for c in catalogue.cases() if c.task == task and c.layer == "scanpy" and c.strategy == "legacy"]
            outs = {cid: comparer.outcome(baseline, question, cid) for cid in ids}
            answers.append({"workload": task, "answer": answer(outs),
                            "evidence": {cid: o.as_dict() for cid, o in outs.items()}})
    attributed = attribution.attribute(comparer, baseline, question)
    oldest = names[0]
    across = {"from": label[oldest], "to": label[question],
              "chain": [s.label for s in attribution.chain(comparer, oldest, question)],
              "cases": attribution.attribute(comparer, oldest, question)}
    return {
        "schema": CHANGES_SCHEMA, "baseline": label[baseline], "question_env": label[question],
        "environments": {label[n]: {"name": n, "versions": {p: store.versions(n).get(p) for p in DEFINING},
                                    "other_versions": {k: v for k, v in store.versions(n).items() if k not in DEFINING},
                                    "platform_id": store.manifest(n)["platform_id"]} for n in names},
        "tolerances": {k: vars(t) for k, t in catalogue.TOLERANCES.items()}, "noise": noise_summary(store),
        "answers": answers, "scanpy_1_12_to_1_13": attributed, "oldest_to_question": across,
        "steps": steps, "cases": cases,
    }


def _table(changes: dict, dataset: str) -> str:
    envs = list(changes["environments"])
    rows = []
    for case in changes["cases"]:
        if case["dataset"] != dataset:
            continue
        row = {"workload": case["workload"], "layer": case["layer"], "strategy": case["strategy"]}
        for env in envs:
            o = case["versus_baseline"][env]
            d = case["determinism"].get(env, {})
            mark = "" if d.get("same_twice") is not False else "†"
            mark += "" if d.get("same_threads") is not False else "‡"
            row[env] = SYMBOL[o["kind"]] + mark
        rows.append(row)
    return table(list(rows[0]) if rows else ["workload"], [list(r.values()) for r in rows])


def _heatmap(changes: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    envs = list(changes["environments"])
    kinds = list(COLOURS)
    grid = np.array([[kinds.index(c["versus_baseline"][e]["kind"]) for e in envs] for c in changes["cases"]])
    fig, ax = plt.subplots(figsize=(2 + 0.7 * len(envs), 2 + 0.11 * len(grid)))
    ax.imshow(grid, cmap=ListedColormap([COLOURS[k] for k in kinds]), vmin=0, vmax=len(kinds) - 1, aspect="auto",
              interpolation="nearest")
    ax.set_xticks(range(len(envs)), envs, rotation=60, ha="right", fontsize=8)
    short = [c["id"].replace("pbmc68k_reduced", "pbmc").replace("synthetic_10k", "synth") for c in changes["cases"]]
    ax.set_yticks(range(len(short)), short, fontsize=5)
    ax.set_title(f"each case against {changes['baseline']} (scanpy 1.12.4, numpy 2.5.5)", fontsize=9)
    ax.legend(handles=[Patch(color=COLOURS[k], label=k) for k in kinds], loc="upper left", bbox_to_anchor=(1, 1),
              fontsize=7)
    fig.tight_layout()
    with atomic.replacing(path) as tmp:
        fig.savefig(tmp, dpi=110)
    plt.close(fig)


CHANGED_BY = ["case", "outcome", "amount", "changed by"]


def _changed_by(a: dict) -> list[str]:
    """One row of a "what changed, and which step changed it" table."""
    o = Outcome(a["kind"], {k: v for k, v in a.items() if k not in ("case", "kind", "difference", "steps")})
    return [code(a["case"]), a["kind"], _main_measure(o), "; ".join(s["step"] for s in a["steps"]) or "—"]


def _markdown(changes: dict) -> str:
    envs = changes["environments"]
    lines = ["# Result goldens: did the same seed give the same cells?", "",
             "Generated by `rngbench pipelines report` from `stream_fixtures/pipelines/` (see `docs/pipelines.md`).",
             "", "## Environments", "",
             table(["label", *DEFINING, "platform"],
                   [[lab, *(e["versions"][p] for p in DEFINING), e["platform_id"]] for lab, e in envs.items()])]
    lines += ["", "## Does `random_state=0` on scanpy 1.13.0a2 reproduce scanpy 1.12.4?", "",
              f"{changes['question_env']} against {changes['baseline']} (both numpy 2.5.5, every other package "
              f"equal), scanpy's API, `random_state=0`, on pbmc68k_reduced and synthetic_10k:", "",
              table(["workload", "answer"], [[a["workload"], a["answer"]] for a in changes["answers"]])]
    new_api = [a for a in changes["scanpy_1_12_to_1_13"] if a["kind"] == "absent" and a.get("before") == "n/a"]
    diffs = [a for a in changes["scanpy_1_12_to_1_13"] if a["kind"] != "identical" and a not in new_api]
    lines += ["", f"{len(new_api)} case(s) are new: `rng=` (the Generator strategy through scanpy's API) is n/a in "
              "scanpy 1.12.4 and recorded in 1.13.0a2. Every other case (both layers, every strategy) that is not "
              "identical between the two:", "",
              table(CHANGED_BY, [_changed_by(a) for a in diffs] or [["(none)", "", "", ""]])]
    across = changes["oldest_to_question"]
    lines += ["", f"## From {across['from']} to {across['to']}: what changed, and which step changed it", "",
              "Chain through stored environments (as few packages per step as the matrix allows): "
              + " → ".join(f"[{s}]" for s in across["chain"]) + ".", "",
              table(CHANGED_BY, [_changed_by(a) for a in across["cases"]
                                 if (a["difference"] or a["kind"] == "nondeterministic")
                                 and not (a["kind"] == "absent" and a.get("before") == "n/a")])]
    lines += ["", "Cases within tolerance over the whole chain: "
              f"{sum(a['kind'] == 'tolerance' for a in across['cases'])} (PCA roundoff, listed per step below); "
              f"`rng=` cases new in scanpy 1.13: {sum(a.get('before') == 'n/a' for a in across['cases'])}."]
    lines += ["", "## One package at a time", "",
              "Every pair of stored environments that differ in exactly one package, and every case that is not "
              "identical across the step (Δ changed, ≈ within tolerance, ~ within measured noise).", ""]
    for s in changes["steps"]:
        counted = {k: sum(c["kind"] == k for c in s["changes"]) for k in ("changed", "tolerance", "nondeterministic",
                                                                           "absent", "raises")}
        summary = ", ".join(f"{v} {k}" for k, v in counted.items() if v) or "nothing differs"
        lines += [f"### {s['from']} → {s['to']}: {s['step']} — {summary}", ""]
        if s["changes"]:
            rows = []
            for c in s["changes"]:
                o = Outcome(c["kind"], {k: v for k, v in c.items() if k in ("cells_differ", "max_abs",
                                                                             "max_angle_deg", "procrustes",
                                                                             "knn_overlap", "flipped_calls")})
                rows.append([code(c["case"]), c["kind"], _main_measure(o), c.get("numpy_streams", "")])
            lines += [table(["case", "outcome", "amount", "numpy streams"], rows), ""]
    lines += ["## Non-determinism", "",
              "Each case ran with 1 thread and with 2 (BLAS and numba); where they differed, once more with 1. "
              "† different result twice in one environment, ‡ depends on the thread count.", ""]
    lines.append(table(["kind", "recordings", "not same twice", "thread-dependent", "worst run to run",
                        "worst 1 vs 2 threads"],
                       [[kind, n["recordings"], n["not_same_twice"], n["thread_dependent"],
                         *(", ".join(f"{k} {v:.2g}" for k, v in sorted(n[w].items())) or "—"
                           for w in ("run", "threads"))] for kind, n in changes["noise"].items()]))
    lines.append("")
    noisy = [(c["id"], env, d) for c in changes["cases"] for env, d in c["determinism"].items()
             if d["same_twice"] is False or d["same_threads"] is False]
    by_case: dict[str, list] = {}
    for cid, env, d in noisy:
        by_case.setdefault(cid, []).append((env, d))
    if by_case:
        rows = []
        for cid, items in by_case.items():
            worst = {}
            for _, d in items:
                for which, m in (d["noise"] or {}).items():
                    for k, v in m.items():
                        worst[f"{which} {k}"] = max(worst.get(f"{which} {k}", 0), v)
            amounts = ", ".join(f"{k} {v:.2g}" for k, v in sorted(worst.items()))
            kinds = "".join(sorted({("†" if d["same_twice"] is False else "") + ("‡" if d["same_threads"] is False
                                                                                   else "") for _, d in items}))
            rows.append([f"{code(cid)} {kinds}", f"{len(items)} of {len(envs)}", amounts])
        lines.append(table(["case", "environments", "measured (run to run / 1 vs 2 threads)"], rows))
    else:
        lines.append("Every case gave the same result twice and with 1 and 2 threads, in every environment.")
    lines += ["", "## Every case against the baseline", "",
              f"Against {changes['baseline']}: = identical, ≈ within tolerance, ~ within measured noise, Δ changed, "
              "∅ absent, ! raises; † / ‡ as above. ![heatmap](heatmap.png)", ""]
    for dataset in catalogue.DATASETS:
        lines += [f"### {dataset}", "", _table(changes, dataset), ""]
    return "\n".join(lines) + "\n"


def write(store: PipelineStore, outdir: Path, stream_changes_path: Path | None = None) -> list[Path]:
    changes = build(store, stream_changes_path)
    outdir = Path(outdir)
    paths = [outdir / "changes.json", outdir / "heatmap.png", outdir / "README.md"]
    atomic.write_text(paths[0], json.dumps(changes, indent=1, sort_keys=True, allow_nan=False, default=str) + "\n")
    _heatmap(changes, paths[1])
    measured = outdir / layers.OUT  # written by `rngbench pipelines layers` (a measurement, not the store)
    platform = layers.markdown(json.loads(measured.read_text())) if measured.is_file() else ""
    atomic.write_text(paths[2], _markdown(changes) + platform)
    return paths
