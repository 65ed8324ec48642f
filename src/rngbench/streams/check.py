"""Check the installed numpy against the golden-stream store, in-process.

A numpy newer than anything stored (the nightly case) is compared like any
other: the point is to see what it changed, not to refuse it.

The store may hold several records of one case for one release, one per
platform (BLAS kernel) where outputs differ.  The installed numpy is compared
with the *closest* stored platform (the same kernel if the store has it, else
the one whose fingerprint agrees most: ``golden.variants.Platforms.closest``), and a
platform-dependent case that matches any stored platform is not a difference.
What is left on the same numpy version is kind ``platform``; across versions,
a platform-dependent case whose stored platforms do not include this machine's
kernel is judged against the spread between the stored platforms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from packaging.version import Version

from rngbench.golden.blob import Blob
from rngbench.golden.variants import platform_id
from rngbench.streams import policy
from rngbench.streams.classify import Kind, classify
from rngbench.streams.history import blob_loader, pair_changes
from rngbench.streams.recorder import catalogue, fingerprint, record
from rngbench.streams.store import Store, StoreError, build_record

ENVELOPE = 10.0  # a cross-version difference within 10x the largest stored platform spread is still "platform"


@dataclass
class Installed:
    """The installed numpy, recorded: {case id: record}, {case id: values} and where it ran."""

    version: str
    records: dict[str, dict]
    values: dict[str, np.ndarray]
    platform: dict

    @property
    def platform_id(self) -> str:
        return platform_id(self.platform)


def record_installed(cases: list[dict] | None = None) -> Installed:
    cases = catalogue.expand() if cases is None else cases
    records, values = {}, {}
    for result in record.record_all(cases):
        records[result["id"]] = build_record(result, result["values"])
        if result["values"] is not None:
            values[result["id"]] = result["values"]
    return Installed(np.__version__, records, values, fingerprint.fingerprint(record.blas_lapack()))


@dataclass(frozen=True)
class Variant:
    """The stored platform a check compares with, and why it was chosen."""

    platform_id: str
    reason: str


def closest_platform(store: Store, version: str, installed: Installed) -> Variant:
    platforms = store.platforms(version)
    best, own = platforms.closest(installed.platform)
    if own:
        return Variant(best, f"same BLAS kernel ({installed.platform.get('blas_core') or 'unknown'})")
    why = f"{installed.platform_id} is not stored; closest fingerprint" + (
        " (the reference)" if best == platforms.reference else "")
    return Variant(best, why)


def _spread(store_load, per_platform: dict[str, dict], reference: dict) -> float:
    """The largest relative difference between a case's stored platforms and its reference record."""
    widest = 0.0
    for rec in per_platform.values():
        change = classify(reference, rec, store_load)
        if change is not None:
            widest = max(widest, change.max_rel if change.max_rel is not None else float("inf"))
    return widest


def compare_installed(store: Store, installed: Installed, against: str) -> tuple[list[dict], Variant]:
    """Changes between a stored release and the installed numpy (oldest side first), and the variant used."""
    stored_version = store.resolve(against)
    stored = store.release_records(stored_version)
    variants = store.variant_records(stored_version)
    chosen = closest_platform(store, stored_version, installed)
    from_store = blob_loader(store)

    def load(rec: dict):
        if "blob" in rec:
            return from_store(rec)
        return Blob.from_values(installed.values[rec["_id"]])

    missing = {"status": "absent", "error": None, "state": None}
    same_version = Version(stored_version) == Version(installed.version)
    older_first = Version(stored_version) <= Version(installed.version)
    rows = []
    for case in catalogue.expand():
        mine = dict(installed.records.get(case["id"], missing), _id=case["id"])
        per_platform = variants.get(case["id"], {})
        reference = stored.get(case["id"], missing)
        theirs = per_platform.get(chosen.platform_id, reference)
        candidates = [reference, *per_platform.values()]
        if any(_same(mine, rec) for rec in candidates):
            continue
        if older_first:
            entry = pair_changes(case, theirs, mine, stored_version, installed.version, load)
        else:
            entry = pair_changes(case, mine, theirs, installed.version, stored_version, load)
        if entry is None:
            continue
        exempt = policy.exemption(case["method"]) is not None
        if same_version:
            entry["verdict"] = policy.platform_verdict(case["method"], entry["kind"])
            entry["kind"] = Kind.PLATFORM
        elif exempt and chosen.platform_id != installed.platform_id and per_platform:
            spread = _spread(from_store, per_platform, reference)
            if entry["max_rel"] is not None and entry["max_rel"] <= ENVELOPE * spread:
                entry["kind"], entry["verdict"] = Kind.PLATFORM, policy.Verdict.PLATFORM_DEPENDENT
        rows.append({"id": case["id"], "method": policy.method_name(case["target"], case["method"]),
                     "regime": case["regime"], "platform": chosen.platform_id, **entry})
    return rows, chosen


def _same(a: dict, b: dict) -> bool:
    keys = ("status", "error", "dtype", "shape", "values", "state")
    return all(a.get(k) == b.get(k) for k in keys)


def failing(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r["verdict"] in policy.FAILING_VERDICTS]


def targets(store: Store, against: str | None) -> list[str]:
    if against in (None, "newest"):
        return [store.newest()]
    if against == "all":
        return store.releases()
    return [store.resolve(against)]


__all__ = ["Installed", "StoreError", "compare_installed", "failing", "record_installed", "targets"]
