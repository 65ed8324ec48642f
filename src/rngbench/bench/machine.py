"""Figures per machine: every benchmark figure stored with the fingerprint of the machine that made it.

The headline ratios are properties of the CPU as much as of the code: the
per-cell legacy ratio was 1.58x on one AMD EPYC generation (AVX-512) and
2.30x on another (AVX2), each with a narrow interval.  So, as asv keeps a
``machine.json`` per machine, the report keeps one results file per *machine
class* -- ``reports/benchmarks/machines/<id>.json`` -- where the id names what
decides the figures: CPU vendor, family, model and SIMD level
(``amd-25-1-avx2``).  Each figure kind (headline, floor, breakdown, peer,
keyed timings) is stored with when it was measured, the load average and the
versions; a later run on the same class replaces that kind only.  Files are
written atomically under a lock (:mod:`rngbench.util.lock`), so two runs on
one clone never interleave their writes.

The report (:func:`section`) renders every machine file present side by
side, with the spread across machines, and sorts each figure into one of two
kinds: a *relation* that holds on every machine (the 95 % intervals of all
machines overlap) or a *property of the machine* (they do not).
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

from rngbench.errors import RngbenchError
from rngbench.platform import fingerprint as fingerprint_module
from rngbench.util import atomic, lock, markdown

FORMAT = 1
SIMD_LEVELS = (("AVX512F", "avx512"), ("AVX2", "avx2"), ("AVX", "avx"), ("SSE2", "sse2"))
"""Highest SIMD level first: the first numpy-detected feature present names the class."""

SNIPPET = r"""
import json, os, runpy, sys
module = runpy.run_path(sys.argv[1])
fp = module["fingerprint"]()
family, model = module["cpuinfo"]("cpu family", "model")
fp.update(cpu_family=family, cpu_model_number=model, cores=os.cpu_count())
print(json.dumps(fp))
"""
"""Run by a benchmark environment's interpreter: the stream recorder's fingerprint (numpy's SIMD features,
the BLAS kernel that numpy's OpenBLAS chose) plus the CPU family and model numbers and the core count."""


class MachineError(RngbenchError):
    """A machine file could not be read."""


def describe(python: str | Path = sys.executable) -> dict:
    """The fingerprint of this machine, as seen by the numpy of ``python`` (a benchmark environment)."""
    out = subprocess.run([str(python), "-c", SNIPPET, fingerprint_module.__file__], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def simd_level(simd: list[str] | None) -> str:
    present = set(simd or ())
    return next((level for feature, level in SIMD_LEVELS if feature in present), "unknown")


def class_id(fp: dict) -> str:
    """``<vendor>-<family>-<model>-<simd level>``: what decides the figures (``amd-25-1-avx2``)."""
    vendor = (fp.get("cpu_vendor") or "unknown").lower()
    vendor = {"authenticamd": "amd", "genuineintel": "intel"}.get(vendor, vendor.replace(" ", ""))
    return "-".join(str(part) for part in (vendor, fp.get("cpu_family") or "x", fp.get("cpu_model_number") or "x",
                                           simd_level(fp.get("simd"))))


def context(versions: dict) -> dict:
    """When and under what load a figure was measured, and with which versions."""
    return {"date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "load_average": [round(x, 2) for x in os.getloadavg()], "versions": versions}


def path_for(machines_dir: Path, fp: dict) -> Path:
    return Path(machines_dir) / f"{class_id(fp)}.json"


def record(machines_dir: Path, fp: dict, kind: str, data: dict, versions: dict, note: str = "") -> Path:
    """Add or replace one figure kind in this machine class's file (atomic, under a lock); returns its path."""
    path = path_for(machines_dir, fp)
    with lock.hold_lock(Path(machines_dir) / ".lock", f"recording {kind} figures of {path.stem}"):
        doc = read(path) if path.exists() else {"format": FORMAT, "id": path.stem, "runs": {}}
        doc["machine"] = {**fp, "simd_level": simd_level(fp.get("simd"))}
        if note:
            doc["note"] = note
        doc["runs"][kind] = {**context(versions), "data": data}
        atomic.write_text(path, json.dumps(doc, indent=1) + "\n")
    return path


def read(path: Path) -> dict:
    try:
        doc = json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise MachineError(f"{path}: not a machine file ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("runs"), dict):
        raise MachineError(f"{path}: not a machine file of format {FORMAT}")
    return doc


def read_all(machines_dir: Path) -> list[dict]:
    """Every machine file in ``machines_dir``, by id."""
    return [read(p) for p in sorted(Path(machines_dir).glob("*.json"))]


# ---------------------------------------------------------------- figures across machines


def figures(doc: dict) -> dict[str, dict]:
    """A machine's figures with intervals, by row name: ``{"ratio", "low", "high", "samples"}`` each."""
    runs = doc["runs"]
    out: dict[str, dict] = {}
    for fig in runs.get("headline", {}).get("data", {}).get("figures", []):
        out[f"{fig['figure']}, {fig['dataset']}"] = {"ratio": fig["ratio"], "low": fig["ci"][0],
                                                     "high": fig["ci"][1],
                                                     "samples": fig["interval"]["samples"][0]}
    peer_data = runs.get("peer", {}).get("data", {})
    for fig in peer_data.get("figures", []):
        for side, who in (("theirs", "scanpy's suite"), ("ours", "rngbench")):
            iv = fig[side]
            out[f"peer ({who}): {fig['figure']}"] = {"ratio": iv["ratio"], "low": iv["ci"][0], "high": iv["ci"][1],
                                                     "samples": iv["samples"][0]}
    for part in runs.get("breakdown", {}).get("data", {}).get("parts", []):
        out[f"breakdown: {part['part']} ({part['case']}, {part['dataset']}), scanpy {part['versions']}"] = {
            "ratio": part["ratio"], "low": part["ci"][0], "high": part["ci"][1], "samples": part["samples"]}
    for name, fig in runs.get("keyed", {}).get("data", {}).get("figures", {}).items():  # scripts/measure_keyed.py
        out[f"keyed: {name}"] = {"ratio": fig["median"], "low": fig["ci95"][0], "high": fig["ci95"][1],
                                 "samples": None, "unit": fig.get("unit", "×")}
    return out


RELATIONS = {
    # name: (peer figure, what it means); value = rngbench's ratio / scanpy's suite's ratio for that figure
    "same harness, same input: rngbench / scanpy's suite": (
        "the same, on scanpy's suite's input (dense pseudo-counts, in place)",
        "our harness measures what scanpy's own suite measures"),
    "our input / scanpy's input (per-cell legacy, 3 counts)": (
        "legacy random_state=0, per-cell downsampling to 3 counts",
        "integer CSR counts vs scanpy's dense log-normalised values: the input changes the ratio by this factor"),
}
RELATION_TOLERANCE = 0.05
"""A relation holds on every machine when its values differ by at most this fraction (max / min - 1)."""


def relations(docs: list[dict]) -> list[list[str]]:
    """``relation | value per machine | holds on every machine?`` from the peer figures of each machine."""
    rows = []
    for name, (figure, meaning) in RELATIONS.items():
        values = []
        for doc in docs:
            peer_figs = {f["figure"]: f for f in doc["runs"].get("peer", {}).get("data", {}).get("figures", [])}
            f = peer_figs.get(figure)
            values.append(f["ours"]["ratio"] / f["theirs"]["ratio"] if f else None)
        seen = [v for v in values if v is not None]
        if not seen:
            continue
        verdict = ("one machine recorded" if len(seen) < 2 else
                   "**holds on every machine**" if max(seen) / min(seen) - 1 <= RELATION_TOLERANCE else
                   "differs between machines")
        rows.append([name, *["—" if v is None else f"{v:.2f}" for v in values], verdict, meaning])
    return rows


def _verdict(cells: list[dict | None]) -> str:
    seen = [c for c in cells if c]
    if len(seen) < 2:
        return "one machine recorded"
    if max(c["low"] for c in seen) <= min(c["high"] for c in seen):
        return "same on every machine (intervals overlap)"
    return "**property of the machine** (intervals apart)"


def _spread(cells: list[dict | None]) -> str:
    seen = [c for c in cells if c]
    if len(seen) < 2:
        return "—"
    low, high = min(c["ratio"] for c in seen), max(c["ratio"] for c in seen)
    unit = seen[0].get("unit", "×")
    return f"{_number(low, unit)}–{_number(high, unit)}{unit} (max/min {high / low:.2f})"


def _number(value: float, unit: str) -> str:
    return f"{value:.2f}" if unit == "×" else f"{value:.3g}"  # ratios as every report prints them


def _cell(c: dict | None) -> str:
    """``1.45× (1.43–1.49, n=40)``; a figure that is not a ratio carries its unit (``0.0104 s``), and one whose
    sample count its file does not hold (scripts/measure_keyed.py's) shows none."""
    if not c:
        return "—"
    n = f", n={c['samples']}" if c.get("samples") is not None else ""
    unit = c.get("unit", "×")
    return f"{_number(c['ratio'], unit)}{unit} ({_number(c['low'], unit)}–{_number(c['high'], unit)}{n})"


def _machine_rows(docs: list[dict]) -> list[list[str]]:
    def run_info(doc, kind):
        run = doc["runs"].get(kind)
        if not run:
            return "—"
        load = run.get("load_average")
        return f"{run['date']}" + (f", load {load[0]:.2f}" if load else "")

    def versions(doc):
        v = doc["runs"].get("headline", {}).get("versions", {})
        return ", ".join(f"{k} {x}" for k, x in v.items()) or "—"

    fields = [
        ("CPU", lambda d: f"{d['machine'].get('cpu_vendor')} {d['machine'].get('cpu_model')}"),
        ("family / model", lambda d: f"{d['machine'].get('cpu_family') or '?'} / "
                                     f"{d['machine'].get('cpu_model_number') or '?'}"),
        ("SIMD level", lambda d: d["machine"].get("simd_level", "?")),
        ("cores", lambda d: str(d["machine"].get("cores") or "?")),
        ("BLAS kernel", lambda d: f"{d['machine'].get('blas') or '?'} {d['machine'].get('blas_core') or ''}".strip()),
        ("ns per bounded draw (floor)", lambda d: ", ".join(
            f"{k.split('.')[0]} {v:.2f}" for k, v in d["runs"].get("floor", {}).get("data", {})
            .get("ns_per_draw", {}).items()) or "—"),
        ("headline measured", lambda d: run_info(d, "headline")),
        ("peer measured", lambda d: run_info(d, "peer")),
        ("versions", versions),
        ("note", lambda d: d.get("note", "")),
    ]
    return [[name, *[get(d) for d in docs]] for name, get in fields]


def section(machines_dir: Path) -> list[str]:
    """The report's "Machines" section: every machine file side by side, spread, and what holds everywhere."""
    docs = read_all(machines_dir)
    if not docs:
        return []
    ids = [markdown.code(d["id"]) for d in docs]
    by_machine = [figures(d) for d in docs]
    names = list(dict.fromkeys(name for figs in by_machine for name in figs))
    rows = []
    for name in names:
        cells = [figs.get(name) for figs in by_machine]
        rows.append([name, *[_cell(c) for c in cells], _spread(cells), _verdict(cells)])
    lines = ["## Machines: every figure with the machine that made it", "",
             f"One results file per machine class in [`machines/`](machines/) ({len(docs)} recorded); the id is "
             "CPU vendor-family-model-SIMD level. A figure whose 95 % intervals overlap on every machine is a "
             "relation of the code; one whose intervals lie apart is a property of the machine, and is quoted "
             "with its machine.", "",
             markdown.table(["", *ids], _machine_rows(docs)), "",
             markdown.table(["figure", *ids, "spread", "on every machine?"], rows), ""]
    rel = relations(docs)
    if rel:
        lines += ["Relations between figures (each machine's rngbench ratio / scanpy's suite's ratio, "
                  f"same figure; holds when the machines agree within {RELATION_TOLERANCE:.0%}):", "",
                  markdown.table(["relation", *ids, "on every machine?", "meaning"], rel), ""]
    return lines
