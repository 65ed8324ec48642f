"""Check the installed numpy against the golden-stream store, in-process.

A numpy newer than anything stored (the nightly case) is compared like any
other: the point is to see what it changed, not to refuse it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from packaging.version import Version

from rngbench.streams import catalogue, policy, record
from rngbench.streams.blob import Blob
from rngbench.streams.history import blob_loader, pair_changes
from rngbench.streams.store import Store, StoreError, build_record


@dataclass
class Installed:
    """The installed numpy, recorded: {case id: record} and {case id: values}."""

    version: str
    records: dict[str, dict]
    values: dict[str, np.ndarray]


def record_installed(cases: list[dict] | None = None) -> Installed:
    cases = catalogue.expand() if cases is None else cases
    records, values = {}, {}
    for result in record.record_all(cases):
        records[result["id"]] = build_record(result, result["values"])
        if result["values"] is not None:
            values[result["id"]] = result["values"]
    return Installed(np.__version__, records, values)


def compare_installed(store: Store, installed: Installed, against: str) -> list[dict]:
    """Changes between a stored release and the installed numpy, oldest side first."""
    stored_version = store.resolve(against)
    stored = store.release_records(stored_version)
    from_store = blob_loader(store)

    def load(rec: dict):
        if "blob" in rec:
            return from_store(rec)
        return Blob.from_values(installed.values[rec["_id"]])

    missing = {"status": "absent", "error": None, "state": None}
    older_first = Version(stored_version) <= Version(installed.version)
    rows = []
    for case in catalogue.expand():
        mine = dict(installed.records.get(case["id"], missing), _id=case["id"])
        theirs = stored.get(case["id"], missing)
        if older_first:
            entry = pair_changes(case, theirs, mine, stored_version, installed.version, load)
        else:
            entry = pair_changes(case, mine, theirs, installed.version, stored_version, load)
        if entry is not None:
            rows.append({"id": case["id"], "method": policy.method_name(case["target"], case["method"]),
                         "regime": case["regime"], **entry})
    return rows


def failing(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r["verdict"] in policy.FAILING_VERDICTS]


def targets(store: Store, against: str | None) -> list[str]:
    if against in (None, "newest"):
        return [store.newest()]
    if against == "all":
        return store.releases()
    return [store.resolve(against)]


__all__ = ["Installed", "StoreError", "compare_installed", "failing", "record_installed", "targets"]
