"""``rngbench pipelines check``: the installed stack against the result goldens.

The installed stack is recorded twice, each time by the recorder in a fresh subprocess of this
interpreter (a profile is environment variables the libraries read when they load):

1. under the portable profile (``rngbench.platform.profiles``), and compared *strictly* with the
   stored reference record of the same versions (or, when no stored environment has them, of the one
   sharing the most -- and the report says which versions differ).  Under the profile every layer runs
   code any x86-64 CPU runs the same way, so a difference is a real change: a case that changed beyond
   tolerance and beyond its measured noise, appeared, disappeared or raised fails the check (exit 1);
2. natively (unless ``platform=False``), and compared with the stored native variants of the same
   versions: how far this machine's own results lie from theirs, reported as ``platform`` -- for
   information, never a failure.

The check records the golden run only (``--once``): the determinism repeats are the matrix's job.  Each
profile keeps its numba cache under rngbench's cache folder (numba keys cached code by its CPU target),
so only the first check compiles.
"""

from __future__ import annotations

from rngbench.golden.store import StoreError
from rngbench.pipelines import catalogue, variants
from rngbench.pipelines.classify import Outcome, compare
from rngbench.pipelines.installed import Installed, load_recorded, record_installed
from rngbench.pipelines.store import DEFINING, PipelineStore
from rngbench.platform import fingerprint as platform_fingerprint
from rngbench.platform import profiles

__all__ = ["Installed", "choose_golden", "load_recorded", "record_both", "record_installed", "resolve", "run_check"]


def record_both(only: tuple[str, ...], native: bool = True) -> tuple[Installed, Installed | None]:
    """(portable recording, native recording or None), the two recorded at once: each is one process,
    mostly one thread, so on two cores the check takes the time of the slower one."""
    from concurrent.futures import ThreadPoolExecutor

    from rngbench.pipelines import catalogue, matrix

    matrix.export_inputs(catalogue.datasets_of(only))  # once, before the two recordings would both build them
    with ThreadPoolExecutor(max_workers=2) as pool:
        portable = pool.submit(record_installed, only, profiles.DEFAULT)
        natively = pool.submit(record_installed, only, "native") if native else None
        return portable.result(), natively.result() if natively else None


def resolve(store: PipelineStore, against: str) -> str:
    """A stored environment's name from its name or matrix label; StoreError names the stored ones."""
    from rngbench.pipelines.report import labels

    by_label = {lab: n for n, lab in labels(store).items()}
    if against not in PipelineStore.environments(store) and against not in by_label:
        raise StoreError(f"no stored environment {against} (stored: {', '.join(sorted(by_label))})")
    return by_label.get(against, against)


def choose_golden(store: PipelineStore, installed: Installed, against: str | None = None) -> tuple[str, list[str]]:
    """(stored reference to compare with, the defining versions that differ from the installed ones)."""
    refs = variants.References(store.root)
    names = refs.environments()
    if not names:
        raise StoreError(f"the store at {store.root} holds no environment")
    if against:
        chosen = resolve(store, against)
    else:
        mine = installed.doc.get("platform", {})

        def score(name: str) -> tuple:
            m = refs.manifest(name)
            same = sum(m["env"].get(p) == installed.versions.get(p) for p in DEFINING)
            return same, platform_fingerprint.closeness(mine, m.get("platform", {})), name

        chosen = max(names, key=score)
    theirs = store.manifest(chosen)["env"]
    differing = [f"{p} {theirs.get(p)} (installed {installed.versions.get(p)})" for p in DEFINING
                 if theirs.get(p) != installed.versions.get(p)]
    return chosen, differing


def fails(case_id: str, outcome: Outcome, same_platform: bool) -> bool:
    if outcome.kind not in ("changed", "absent", "raises"):
        return False
    return same_platform or catalogue.parse_id(case_id).kind == "counts"


def compare_with(store: PipelineStore, name: str, installed: Installed) -> list[tuple[str, Outcome]]:
    """Every case the installed recording holds, classified against stored environment ``name``."""
    records = {cid: store.record(key) for cid, key in store.manifest(name)["records"].items()}
    out = []
    for cid in (e["id"] for e in installed.doc["cases"]):
        golden_side = store.side(records.get(cid))
        golden_side.noise = store.case_noise(cid)  # pooled over every stored environment
        out.append((cid, compare(catalogue.parse_id(cid).kind, golden_side, installed.side(cid))))
    return out


def platform_distance(store: PipelineStore, native: Installed) -> list[dict]:
    """The native run against every stored native variant of its versions: information, never a failure."""
    out = []
    for name in variants.variants_of(store, native.versions):
        manifest = store.manifest(name)
        outcomes = compare_with(store, name, native)
        differ = [(cid, o) for cid, o in outcomes if o.kind not in ("identical", "n/a")]
        out.append({"variant": name, "platform_id": manifest["platform_id"],
                    "profile": variants.profile_of(manifest) or "native (before profiles)",
                    "same_platform": manifest["platform_id"] == native.platform_id,
                    "cases": len(outcomes), "identical": sum(o.kind == "identical" for _, o in outcomes),
                    "differ": differ})
    return out


def run_check(store: PipelineStore, installed: Installed, against: str | None = None,
              native: Installed | None = None) -> dict:
    """{golden, profile, differing_versions, same_platform, installed_platform, rows: [{case, outcome, fails}],
    platform: [per stored native variant, see ``platform_distance``]}."""
    golden, differing = choose_golden(store, installed, against)
    manifest = store.manifest(golden)
    same_platform = manifest["platform_id"] == installed.platform_id
    rows = [{"case": cid, "outcome": o, "fails": fails(cid, o, same_platform)}
            for cid, o in compare_with(store, golden, installed)]
    return {"golden": golden, "differing_versions": differing, "same_platform": same_platform,
            "profile": (installed.doc.get("platform") or {}).get("profile"),
            "golden_profile": variants.profile_of(manifest), "installed_platform": installed.platform_id,
            "rows": rows, "platform": platform_distance(store, native) if native is not None else None,
            "native_platform": native.platform_id if native is not None else None}
