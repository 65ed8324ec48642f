"""The golden-stream store on disk (``stream_fixtures/``), on the shared golden store.

Layout, chosen so a new release is a small, reviewable diff::

    releases/<numpy version>.json   one manifest per release: environment + {case id: record key}, one case a line;
                                    platform fingerprints, and per platform-dependent case the records of the
                                    platforms (BLAS kernels) whose output differs from the reference one
    records.jsonl                   every distinct case record once (status, dtype, shape, value and state digests)
    blobs/<aa>/<digest>.z           every distinct output once (see ``golden.blob``), named by its own hash
    INDEX                           sha256 of every complete release's manifest
    pipelines/                      the result-golden store, nested: its own files, its own lock, never swept here

Releases that agree share records and blobs, so the whole history stays small.
Hashing, the strict INDEX, the writer lock, crash recovery, pruning and
verification are :mod:`rngbench.golden.store`'s, and platform variants
(platform ids, the reference, keeping a variant only where it differs)
:mod:`rngbench.golden.variants`'s; this module says what a release is: a
manifest holding its whole group, its first recording the reference, and
only the cases NEP 19 exempts allowed to differ between platforms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

import numpy as np
from packaging.version import InvalidVersion, Version

from rngbench.golden import blob as blobs
from rngbench.golden import output as recorder_output
from rngbench.golden.store import GoldenStore, StoreError, record_key
from rngbench.golden.variants import Platforms, Records, platform_id
from rngbench.streams import policy

__all__ = ["SCHEMA", "Store", "StoreError", "build_record", "method_of", "read_recorder_output", "sort_versions"]

SCHEMA = 2  # 2: platforms, reference and variants (one record per platform where outputs differ)
VERSION_NAME = r"[0-9][0-9A-Za-z.+!-]{0,40}"  # a numpy version as a file name; packaging.version must parse it too


def method_of(case_id: str) -> str:
    """``RandomState.binomial[sweep:p=0.5]`` -> ``binomial``."""
    return case_id[:case_id.rindex("[")].rsplit(".", 1)[-1]


def sort_versions(versions: Iterable[str]) -> list[str]:
    return sorted(versions, key=Version)


def build_record(entry: dict, values: np.ndarray | None) -> dict:
    """The stored form of one recorded case (without its blob reference)."""
    record = {"status": entry["status"], "error": entry.get("error"), "state": entry.get("state")}
    if values is not None:
        record.update(
            dtype=values.dtype.str,
            shape=list(values.shape),
            values=blobs.value_digest(values),
            stats=blobs.summary_stats(values),
        )
    return record


def read_recorder_output(outdir: Path) -> tuple[dict, list[tuple[dict, np.ndarray | None]]]:
    """Load and check what ``record.py OUTDIR`` wrote: (document, [(entry, values)])."""
    out = recorder_output.read(outdir)
    return out.doc, [(entry, out.arrays.get((entry["id"], None))) for entry in out.doc["cases"]]


class Store(GoldenStore):
    """The golden-stream store (see the module docstring)."""

    UNITS: ClassVar[str] = "releases"
    NOUN: ClassVar[str] = "releases"
    WING: ClassVar[str] = "streams"
    NESTED: ClassVar[dict[str, str]] = {"pipelines": ".gitignore"}

    def check_name(self, name: str) -> str:
        super().check_name(name)
        try:
            Version(name)
        except InvalidVersion:
            raise StoreError(f"{name!r} is not a numpy version") from None
        if not re.fullmatch(VERSION_NAME, name):
            raise StoreError(f"{name!r} is not a numpy version")
        return name

    def unit_order(self, name: str):
        return Version(name)

    def keys_of(self, manifest: dict) -> Iterable[str]:
        yield from manifest["cases"].values()
        for per_case in manifest.get("variants", {}).values():
            yield from per_case.values()

    def blobs_of(self, record: dict) -> Iterable[str]:
        return [record["blob"]] if "blob" in record else []

    # ---------------------------------------------------------------- reading

    def releases(self) -> list[str]:
        """Complete releases: those INDEX lists."""
        return self.names()

    def newest(self) -> str:
        versions = self.releases()
        if not versions:
            raise StoreError(f"the store at {self.root} holds no release")
        return versions[-1]

    def resolve(self, version: str) -> str:
        try:
            Version(version)
        except InvalidVersion:
            raise StoreError(f"{version!r} is not a numpy version") from None
        versions = self.releases()
        for have in versions:
            if Version(have) == Version(version):
                return have
        span = f"{versions[0]} … {versions[-1]}" if versions else "none"
        raise StoreError(f"numpy {version} is not in the store (it holds {len(versions)} releases: {span})")

    def manifest(self, version: str) -> dict:
        return super().manifest(self.resolve(version))

    def release_records(self, version: str) -> dict[str, dict]:
        """{case id: record} of one release."""
        manifest = self.manifest(version)
        records = self.records()
        out = {}
        for case_id, key in manifest["cases"].items():
            if key not in records:
                raise StoreError(f"releases/{manifest['numpy']}.json: record {key} of {case_id} is missing")
            out[case_id] = records[key]
        return out

    def platforms(self, version: str) -> Platforms:
        """(reference platform id, {platform id: fingerprint}) of one release."""
        manifest = self.manifest(version)
        return Platforms(manifest["reference"], manifest["platforms"])

    def variant_records(self, version: str) -> dict[str, dict[str, dict]]:
        """{case id: {platform id: record}} for the cases whose output differs between platforms."""
        manifest = self.manifest(version)
        records = self.records()
        out: dict[str, dict[str, dict]] = {}
        for case_id, per_platform in manifest.get("variants", {}).items():
            for pid, key in per_platform.items():
                if key not in records:
                    raise StoreError(f"releases/{manifest['numpy']}.json: record {key} of {case_id} on {pid} "
                                     "is missing")
                out.setdefault(case_id, {})[pid] = records[key]
        return out

    def is_complete(self, version: str, catalogue_digest: str) -> bool:
        """True when ``version`` is stored, intact, and recorded from this catalogue."""
        try:
            return self.manifest(version).get("catalogue") == catalogue_digest
        except StoreError:
            return False

    def verify_units(self) -> list[str]:
        problems = []
        for version in self.releases():
            try:
                self.release_records(version)
                self.variant_records(version)
            except StoreError as exc:
                problems.append(str(exc))
        return problems

    # ---------------------------------------------------------------- writing

    def _store_cases(self, records: dict, cases: list[tuple[dict, np.ndarray | None]]) -> dict[str, str]:
        """Write the blobs of ``cases`` and add their records to ``records``; returns {case id: record key}."""
        by_values = {rec["values"]: rec["blob"] for rec in records.values() if "blob" in rec}
        entries: dict[str, str] = {}
        for entry, values in cases:
            record = build_record(entry, values)
            if values is not None:
                digest = by_values.get(record["values"])
                if digest is None or not self.blob_path(digest).exists():
                    digest = self.put_array(values)
                    by_values[record["values"]] = digest
                record["blob"] = digest
            key = record_key(record)
            records[key] = record
            entries[entry["id"]] = key
        return entries

    def add_release(self, doc: dict, cases: list[tuple[dict, np.ndarray | None]],
                    variants: list[tuple[dict, list[tuple[dict, np.ndarray | None]]]] = ()) -> str:
        """Store one recorded release (the reference record of every case, then platform variants of some).

        Re-adding replaces the release.  A variant's record is kept only where it differs from the reference;
        a variant that differs on a case NEP 19 does not exempt is refused (see :meth:`_merge_variant`).
        """
        version = self.check_name(doc["env"].get("numpy"))
        if doc.get("subset"):
            raise StoreError(f"numpy {version}: a record of only some cases cannot be a release's reference")
        with self.writing(f"adding numpy {version}"):
            records: dict[str, dict] = {}
            entries = self._store_cases(records, cases)
            reference = platform_id(doc["env"].get("platform", {}))
            env = {k: v for k, v in doc["env"].items() if k != "platform"}
            manifest = {"schema": SCHEMA, "numpy": version, "catalogue": doc["catalogue"], "env": env,
                        "reference": reference, "platforms": {reference: doc["env"].get("platform", {})},
                        "cases": entries, "variants": {}}
            for variant_doc, variant_cases in variants:
                self._merge_variant(manifest, records, variant_doc, variant_cases)
            self.commit(version, manifest, records)
        return version

    def add_variant(self, doc: dict, cases: list[tuple[dict, np.ndarray | None]]) -> tuple[str, str]:
        """Add one platform's record of an already stored release; returns (version, platform id)."""
        self.check_name(doc["env"].get("numpy"))
        with self.writing(f"adding a platform of numpy {doc['env']['numpy']}"):
            version = self.resolve(doc["env"]["numpy"])
            manifest = self.manifest(version)
            if manifest["catalogue"] != doc["catalogue"]:
                raise StoreError(f"numpy {version} in the store was recorded from another catalogue")
            records = {key: self.records()[key] for key in self.keys_of(manifest) if key in self.records()}
            pid = self._merge_variant(manifest, records, doc, cases)
            self.commit(version, manifest, records)
        return version, pid

    def _merge_variant(self, manifest: dict, records: dict, doc: dict,
                       cases: list[tuple[dict, np.ndarray | None]]) -> str:
        if doc["env"]["numpy"] != manifest["numpy"]:
            raise StoreError(f"a record of numpy {doc['env']['numpy']} cannot be a variant of {manifest['numpy']}")
        platform = doc["env"].get("platform", {})
        pid = platform_id(platform)
        keys = self._store_cases(records, cases)
        group = Records(manifest["cases"], manifest["variants"])
        breaches = [cid for cid in group.differing(keys) if policy.exemption(method_of(cid)) is None]
        if breaches:
            self._prune_blobs()  # the refused variant's blobs were written already: drop them again
            raise StoreError(f"numpy {manifest['numpy']} on {pid} differs on {len(breaches)} case(s) NEP 19 does not "
                             f"let depend on the platform (first: {breaches[0]}); not stored as a variant")
        manifest["platforms"][pid] = platform
        group.merge(pid, keys, is_reference=pid == manifest["reference"])
        return pid
