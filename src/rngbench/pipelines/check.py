"""``rngbench pipelines check``: the installed stack against the result goldens.

The installed environment is recorded exactly as the matrix records one (the
recorder in a subprocess of this interpreter), then compared case by case
with the stored environment of the same versions on the closest platform --
or, when no stored environment has these versions, with the one sharing the
most of them (and the report says which versions differ).

What fails the check (exit 1) is a change a downstream CI should see: a case
that changed beyond tolerance and beyond its measured noise, appeared,
disappeared or raised.  On another platform (BLAS kernel) than the golden's,
floating-point workloads are expected to move in the last bits and only exact
outputs (counts) fail the check; the others are shown.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rngbench.golden.store import StoreError
from rngbench.pipelines import catalogue
from rngbench.pipelines.classify import Outcome, Side, compare
from rngbench.pipelines.store import DEFINING, PipelineStore, read_output
from rngbench.streams.recorder import fingerprint as platform_fingerprint


@dataclass
class Installed:
    doc: dict
    arrays: dict[str, dict[str, np.ndarray]]

    @property
    def versions(self) -> dict:
        return self.doc["env"]

    @property
    def platform_id(self) -> str:
        return platform_fingerprint.platform_id(self.doc.get("platform", {}))

    def side(self, case_id: str) -> Side:
        entry = next((e for e in self.doc["cases"] if e["id"] == case_id), None)
        if entry is None:
            return Side("absent")
        parts = {p: (m["values"], self.arrays.get(case_id, {}).get(p)) for p, m in entry.get("parts", {}).items()}
        noise = {}
        for measures in (entry.get("noise") or {}).values():
            for k, v in measures.items():
                if isinstance(v, (int, float)):
                    noise[k] = max(noise.get(k, 0), v)
        return Side(entry["status"], entry.get("error"), parts, noise or None)


def record_installed(only: tuple[str, ...] = ()) -> Installed:
    """Record this interpreter's stack (only the case ids starting with one of ``only``, if given)."""
    import sys

    from rngbench.pipelines import matrix

    inputs_dir = matrix.export_inputs()
    with tempfile.TemporaryDirectory(prefix="rngbench-check-") as tmp:
        out = matrix.run_recorder(sys.executable, Path(tmp) / "installed", inputs_dir, only)
        doc, arrays = read_output(out)
    return Installed(doc, arrays)


def load_recorded(outdir: Path) -> Installed:
    doc, arrays = read_output(outdir)
    if doc.get("catalogue") != catalogue.digest():
        raise StoreError(f"{outdir} was recorded from catalogue {doc.get('catalogue')}, this one is "
                         f"{catalogue.digest()}")
    return Installed(doc, arrays)


def resolve(store: PipelineStore, against: str) -> str:
    """A stored environment's name from its name or matrix label; StoreError names the stored ones."""
    from rngbench.pipelines.report import labels

    by_label = {lab: n for n, lab in labels(store).items()}
    if against not in store.environments() and against not in by_label:
        raise StoreError(f"no stored environment {against} (stored: {', '.join(sorted(by_label))})")
    return by_label.get(against, against)


def choose_golden(store: PipelineStore, installed: Installed, against: str | None = None) -> tuple[str, list[str]]:
    """(stored environment to compare with, the defining versions that differ from the installed ones)."""
    names = store.environments()
    if not names:
        raise StoreError(f"the store at {store.root} holds no environment")
    if against:
        chosen = resolve(store, against)
    else:
        mine = installed.doc.get("platform", {})

        def score(name: str) -> tuple:
            m = store.manifest(name)
            same = sum(m["env"].get(p) == installed.versions.get(p) for p in DEFINING)
            return same, platform_fingerprint.closeness(mine, m.get("platform", {})), name

        chosen = max(names, key=score)
    theirs = store.versions(chosen)
    differing = [f"{p} {theirs.get(p)} (installed {installed.versions.get(p)})" for p in DEFINING
                 if theirs.get(p) != installed.versions.get(p)]
    return chosen, differing


def fails(case_id: str, outcome: Outcome, same_platform: bool) -> bool:
    if outcome.kind not in ("changed", "absent", "raises"):
        return False
    return same_platform or catalogue.parse_id(case_id).kind == "counts"


def run_check(store: PipelineStore, installed: Installed, against: str | None = None) -> dict:
    """{golden, differing_versions, same_platform, rows: [{case, outcome, fails}]}."""
    golden, differing = choose_golden(store, installed, against)
    manifest = store.manifest(golden)
    same_platform = manifest["platform_id"] == installed.platform_id
    records = store.records_of(golden)
    recorded = [e["id"] for e in installed.doc["cases"]]
    rows = []
    for cid in recorded:
        golden_side = store.side(records.get(cid))
        golden_side.noise = store.case_noise(cid)  # pooled over every stored environment
        outcome = compare(catalogue.parse_id(cid).kind, golden_side, installed.side(cid))
        rows.append({"case": cid, "outcome": outcome, "fails": fails(cid, outcome, same_platform)})
    return {"golden": golden, "differing_versions": differing, "same_platform": same_platform,
            "installed_platform": installed.platform_id, "rows": rows}
