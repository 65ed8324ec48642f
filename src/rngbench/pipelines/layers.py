"""Which platform layer makes which result machine-dependent, measured on one machine.

``rngbench pipelines layers`` records the catalogue (one dataset) natively, then once per *setting*:
each layer of ``rngbench.platform.profiles`` switched alone to its portable setting or to another CPU's
setting this machine can run, the whole portable profile, and every simulated CPU (mask) natively and
under the profile.  Every recording is compared with the native one, case by case, with the classifier
of the version analysis; the table says, per workload x setting, whether results moved and by how much.

The thread layer is not switched here: the recorder runs every golden with 1 thread (``threadpoolctl``,
``numba.set_num_threads``), and the native recording measures 1 vs 2 threads itself (its determinism
repeats), which the table shows as the column ``threads: 2``.

:func:`cost` times the portable profile against native per workload: recordings of each workload's warm
calls alternate between the two profiles for ``rounds`` rounds, and ``rngbench.stats`` gives the median
ratio with its paired bootstrap interval.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rngbench import paths
from rngbench.pipelines import catalogue
from rngbench.pipelines.classify import SEVERITY, Outcome, compare
from rngbench.pipelines.installed import Installed, record_installed
from rngbench.platform import profiles

OUT = "layers.json"


@dataclass(frozen=True)
class Setting:
    name: str
    profile: str  # native | portable
    extra: Mapping[str, str] = field(default_factory=dict)
    needs: tuple[str, ...] = ()  # CPU flags it needs


def settings(flags: set[str] | None = None) -> list[Setting]:
    """Every setting this machine can run (one layer at a time, the profile, the masks), from the data."""
    out = [Setting("portable profile", "portable")]
    for layer in profiles.LAYERS:
        if layer.name == "threads":
            continue  # the recorder pins it; measured by the native recording's repeats
        out.append(Setting(f"{layer.name}: portable", "native", layer.portable))
        out += [Setting(f"{layer.name}: {alt}", "native", s, layer.needs.get(alt, ()))
                for alt, s in layer.alternatives.items()]
    for mask, (s, needs) in profiles.MASKS.items():
        out.append(Setting(f"mask {mask}", "native", s, needs))
        out.append(Setting(f"mask {mask} + profile", "portable", s, needs))
    return [s for s in out if profiles.runnable(s.needs, flags)]


def record_under(setting: Setting, only: tuple[str, ...], once: bool = True) -> Installed:
    """One recording in a fresh process under ``setting``."""
    slug = "".join(c if c.isalnum() else "_" for c in setting.name)
    return record_installed(only, setting.profile, dict(setting.extra), once, folder=f"layers-{slug}")


def _effects(before: Installed, after: Installed) -> dict[str, dict]:
    """Per task, the largest effect over its cases from ``before`` to ``after``."""
    tasks: dict[str, list[Outcome]] = {}
    for e in before.doc["cases"]:
        case = catalogue.parse_id(e["id"])
        tasks.setdefault(case.task, []).append(compare(case.kind, before.side(e["id"]), after.side(e["id"])))
    return {t: _worst(o) for t, o in tasks.items()}


def _worst(outcomes: list[Outcome]) -> dict:
    """The largest effect over a task's cases: its outcome kind, how many cases moved, the main measures."""
    moved = [o for o in outcomes if o.kind not in ("identical", "n/a")]
    if not moved:
        return {"kind": "identical", "moved": 0, "cases": len(outcomes)}
    worst = max(moved, key=lambda o: (SEVERITY[o.kind], o.measures.get("max_abs") or 0))
    return {**worst.as_dict(), "moved": len(moved), "cases": len(outcomes)}


def thread_effect(native: Installed) -> dict[str, dict]:
    """Per task, the 1-vs-2-thread effect the native recording measured in its determinism repeats."""
    by_task: dict[str, list[dict]] = {}
    for e in native.doc["cases"]:
        if e["status"] != "ok":
            continue
        by_task.setdefault(catalogue.parse_id(e["id"]).task, []).append(e)
    out = {}
    for task, entries in by_task.items():
        moved = [e for e in entries if e.get("same_threads") is False or e.get("same_twice") is False]
        noise = {}
        for e in moved:
            for measures in (e.get("noise") or {}).values():
                for k, v in measures.items():
                    if isinstance(v, (int, float)):
                        noise[k] = max(noise.get(k, 0), v)
        out[task] = ({"kind": "identical", "moved": 0, "cases": len(entries)} if not moved else
                     {"kind": "threads", "moved": len(moved), "cases": len(entries), **noise})
    return out


def attribute(dataset: str, log: Callable[[str], None] = lambda m: None, only: tuple[str, ...] = ()) -> dict:
    """{dataset, cases, native platform, settings: {name: {profile, extra, platform, tasks: {task: effect}}}}.

    ``only``: case id prefixes (default: the dataset's every case).
    """
    only = only or (f"{dataset}:",)
    log("native (with determinism repeats)")
    native = record_under(Setting("native", "native"), only, once=False)
    doc = {"dataset": dataset, "cases": list(only), "native_platform": native.platform_id,
           "native_fingerprint": native.doc["platform"], "settings": {}}
    doc["settings"]["threads: 2"] = {"profile": "native", "extra": {"threads": "2 (determinism repeat)"},
                                     "tasks": thread_effect(native)}
    portable = None
    for setting in settings():
        log(setting.name)
        other = record_under(setting, only)
        doc["settings"][setting.name] = {
            "profile": setting.profile, "extra": profiles.expand(dict(setting.extra), ["(numpy dispatch)"]),
            "platform": other.platform_id, "tasks": _effects(native, other)}
        if setting.profile == "portable":
            portable = portable or other
            if other is not portable:  # under the profile, a simulated CPU must give the profile's very bytes
                doc["settings"][setting.name]["versus_portable"] = _effects(portable, other)
    return doc


def _effect_text(effect: dict) -> str:
    if effect["kind"] == "identical":
        return "="
    m = effect
    if "procrustes" in m and m.get("procrustes") is not None:
        amount = f"Procrustes {m['procrustes']:.2g}, max Δ {m['max_abs']:.2g}"
    elif "max_angle_deg" in m and m.get("max_angle_deg") is not None:
        amount = f"Δ loading {m['max_abs']:.2g}, {m['max_angle_deg']:.2g}°"
    elif "flipped_calls" in m:
        amount = f"Δ score {m['max_abs']:.2g}, {m['flipped_calls']} flipped"
    elif "cells_differ" in m:
        amount = f"{m['cells_differ']:.1%} of cells"
    else:
        amount = effect["kind"]
    return f"{amount} ({effect['moved']}/{effect['cases']})"


def table(doc: dict) -> str:
    """Markdown: workload x setting -> measured effect against the native recording."""
    from rngbench.util.markdown import table as md_table

    names = list(doc["settings"])
    tasks = sorted({t for s in doc["settings"].values() for t in s["tasks"]})
    rows = [[t, *(_effect_text(doc["settings"][n]["tasks"][t]) if t in doc["settings"][n]["tasks"] else "—"
                  for n in names)] for t in tasks]
    return md_table(["workload", *names], rows)


def cost(dataset: str, rounds: int, log: Callable[[str], None] = lambda m: None) -> dict:
    """Per workload, the time of one warm call under the portable profile over native, interleaved.

    Two warm recorder processes (``recorder serve``), one per profile, are asked in turn for the same call
    (which one goes first alternates), ``rounds`` times per workload: imports and compilation are paid
    before the first round.  Returns {task: {ratio, low, high, rounds, native_s, portable_s}} (median
    ratio, paired bootstrap interval from ``rngbench.stats``) and the load averages seen.
    """
    import subprocess

    from rngbench import stats
    from rngbench.pipelines import matrix

    case_ids = [f"{dataset}:{t}:scanpy:legacy" for t in sorted({c.task for c in catalogue.cases()})]
    workers = {}
    for profile in ("native", "portable"):
        home = paths.cache_dir() / "recordings" / f"cost-{profile}"
        home.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PYTHONPATH": str(matrix.SRC), "NUMBA_CACHE_DIR": str(home / "numba-cache")}
        workers[profile] = subprocess.Popen(
            [sys.executable, "-m", "rngbench.pipelines.recorder", "serve", str(matrix.export_inputs()),
             f"--profile={profile}"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)

    def ask(profile: str, case_id: str) -> float | None:
        worker = workers[profile]
        worker.stdin.write(case_id + "\n")
        worker.stdin.flush()
        return json.loads(worker.stdout.readline())["seconds"]

    seconds: dict[str, dict[str, list[float]]] = {}
    loads = []
    try:
        for i, cid in enumerate(case_ids):  # warm-up: imports, inputs, numba compilation
            if any(ask(profile, cid) is None for profile in workers):  # n/a through scanpy: the reference kernel
                case_ids[i] = cid.replace(":scanpy:legacy", ":reference:legacy")
                for profile in workers:
                    ask(profile, case_ids[i])
        for r in range(rounds):
            loads.append(os.getloadavg()[0])
            log(f"round {r + 1}/{rounds} (load {loads[-1]:.1f})")
            for cid in case_ids:
                for profile in (("native", "portable") if r % 2 == 0 else ("portable", "native")):
                    seconds.setdefault(cid, {}).setdefault(profile, []).append(ask(profile, cid))
    finally:
        for worker in workers.values():
            worker.stdin.close()
            worker.wait(timeout=60)
    out = {}
    for cid, by in seconds.items():
        ri = stats.ratio_interval(by["portable"], by["native"], estimator="median")
        out[catalogue.parse_id(cid).task] = {
            "ratio": ri.ratio, "low": ri.low, "high": ri.high, "rounds": len(by["native"]),
            "native_s": stats.estimate(by["native"], "median"), "portable_s": stats.estimate(by["portable"], "median")}
    return {"tasks": out, "load": [min(loads), max(loads)] if loads else None}


def write(doc: dict, outdir: Path) -> Path:
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / OUT
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
    tmp.replace(path)
    return path


def cost_table(cost: dict) -> str:
    from rngbench.util.markdown import table as md_table

    rows = [[t, f"{c['native_s']:.3g}", f"{c['portable_s']:.3g}", f"{c['ratio']:.2f}×",
             f"{c['low']:.2f}–{c['high']:.2f}"] for t, c in sorted(cost.items())]
    return md_table(["workload (one warm call)", "native s", "portable s", "portable / native",
                     "95 % CI"], rows, "lrrrr")


def markdown(doc: dict) -> str:
    """The report's section "What makes results machine-dependent" from a ``layers.json``."""
    lines = ["", "## What makes results machine-dependent", "",
             f"Measured by `rngbench pipelines layers` on {doc['dataset']} on one machine "
             f"(native platform `{doc['native_platform']}`): every case recorded natively, then once per setting "
             "(one layer switched alone, the whole portable profile, each simulated CPU natively and under the "
             "profile), and compared with the native recording. `=`: every case bit-identical; otherwise the "
             "largest effect and (cases moved / cases). Settings: `rngbench.platform.profiles`.", "",
             table(doc), ""]
    if doc.get("cost"):
        load = doc["cost"].get("load") or [float("nan")] * 2
        lines += ["### What the portable profile costs", "",
                  f"One call per workload (scanpy's API, `random_state=0`) in two warm processes, one per profile, "
                  f"asked in turn ({next(iter(doc['cost']['tasks'].values()))['rounds']} rounds, the order "
                  f"alternating); median ratio, paired bootstrap 95 % interval (`rngbench.stats`). Shared machine, "
                  f"load average {load[0]:.1f}–{load[1]:.1f} on 2 cores.", "", cost_table(doc["cost"]["tasks"]), ""]
    return "\n".join(lines) + "\n"
