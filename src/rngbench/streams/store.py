"""The golden-stream store on disk (``stream_fixtures/``).

Layout, chosen so a new release is a small, reviewable diff::

    releases/<numpy version>.json   one manifest per release: environment + {case id: record key}, one case a line
    records.jsonl                   every distinct case record once (status, dtype, shape, value and state digests)
    blobs/<aa>/<digest>.z           every distinct output once (see ``blob``), named by its own hash
    INDEX                           sha256 of every complete release's manifest

Releases that agree share records and blobs, so the whole history stays small.
Records and blobs are content-addressed (a record's key, a blob's file name is
the hash of its content) and manifests are checked against INDEX, so
``verify`` finds any edited or corrupted file.  Files are written blobs ->
records -> manifest -> INDEX, each atomically, and a release exists only once
INDEX lists it: a run killed half-way leaves at worst unreferenced records and
blobs (pruned or reused by the next run), never a release pointing nowhere.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from packaging.version import InvalidVersion, Version

from rngbench.util import atomic
from rngbench.streams import blob as blobs

SCHEMA = 1
INDEX = "INDEX"
RECORDS = "records.jsonl"


class StoreError(Exception):
    """A one-line description of what is wrong with the store or the request."""


def sort_versions(versions: Iterable[str]) -> list[str]:
    return sorted(versions, key=Version)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record_key(record: dict) -> str:
    return _digest(json.dumps(record, sort_keys=True).encode())[:32]


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
    """Load what ``record.py OUTDIR`` wrote: (document, [(entry, values)])."""
    try:
        doc = json.loads((outdir / "record.json").read_text())
        raw = np.fromfile(outdir / "values.bin", dtype=np.uint8)
    except (OSError, ValueError) as exc:
        raise StoreError(f"{outdir}: unreadable recorder output ({exc})") from None
    cases = []
    for entry in doc["cases"]:
        values = None
        if "offset" in entry:
            chunk = raw[entry["offset"]: entry["offset"] + entry["nbytes"]]
            values = chunk.view(np.dtype(entry["dtype"])).reshape(entry["shape"])
        cases.append((entry, values))
    return doc, cases


@dataclass
class Store:
    root: Path
    _records: dict[str, dict] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.root = Path(self.root)

    # ---------------------------------------------------------------- reading

    def releases(self) -> list[str]:
        """Complete releases: those INDEX lists."""
        return sort_versions(rel[len("releases/"):-len(".json")] for rel in self.index() if rel.startswith("releases/"))

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

    def index(self) -> dict[str, str]:
        path = self.root / INDEX
        if not path.exists():
            return {}
        index = {}
        for number, line in enumerate(path.read_text().splitlines(), 1):
            parts = line.split("  ", 1)
            if len(parts) != 2:
                raise StoreError(f"{path}:{number}: malformed line in INDEX")
            index[parts[1]] = parts[0]
        return index

    def _checked_bytes(self, rel: str) -> bytes:
        path = self.root / rel
        try:
            data = path.read_bytes()
        except OSError:
            raise StoreError(f"{path}: missing") from None
        expected = self.index().get(rel)
        if expected is None:
            raise StoreError(f"{path}: not listed in {INDEX} (half-written or added by hand)")
        if _digest(data) != expected:
            raise StoreError(f"{path}: checksum does not match {INDEX} (edited or corrupted)")
        return data

    def manifest(self, version: str) -> dict:
        version = self.resolve(version)
        rel = f"releases/{version}.json"
        try:
            return json.loads(self._checked_bytes(rel))
        except json.JSONDecodeError:
            raise StoreError(f"{self.root / rel}: not valid JSON") from None

    def records(self) -> dict[str, dict]:
        if self._records is None:
            path = self.root / RECORDS
            self._records = {}
            lines = path.read_text().splitlines() if path.exists() else []
            for number, line in enumerate(lines, 1):
                try:
                    rec = json.loads(line)
                    key = rec.pop("key")
                except (json.JSONDecodeError, KeyError, AttributeError):
                    raise StoreError(f"{path}:{number}: malformed record") from None
                if record_key(rec) != key:
                    raise StoreError(f"{path}:{number}: record {key} does not match its content (edited or corrupted)")
                self._records[key] = rec
        return self._records

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

    def blob_path(self, digest: str) -> Path:
        return self.root / "blobs" / digest[:2] / f"{digest}.z"

    def blob(self, digest: str) -> blobs.Blob:
        path = self.blob_path(digest)
        try:
            data = path.read_bytes()
        except OSError:
            raise StoreError(f"{path}: missing") from None
        if blobs.blob_digest(data) != digest:
            raise StoreError(f"{path}: content does not match its name (corrupted)")
        try:
            return blobs.decode(data)
        except ValueError as exc:
            raise StoreError(f"{path}: {exc}") from None

    def is_complete(self, version: str, catalogue_digest: str) -> bool:
        """True when ``version`` is stored, intact, and recorded from this catalogue."""
        try:
            return self.manifest(version).get("catalogue") == catalogue_digest
        except StoreError:
            return False

    # ---------------------------------------------------------------- writing

    def add_release(self, doc: dict, cases: list[tuple[dict, np.ndarray | None]]) -> str:
        """Store one recorded release; returns its version.  Re-adding replaces it."""
        version = doc["env"]["numpy"]
        records = dict(self.records())
        by_values = {rec["values"]: rec["blob"] for rec in records.values() if "blob" in rec}
        entries: dict[str, str] = {}
        for entry, values in cases:
            record = build_record(entry, values)
            if values is not None:
                digest = by_values.get(record["values"])
                if digest is None or not self.blob_path(digest).exists():
                    data = blobs.encode(values)
                    digest = blobs.blob_digest(data)
                    if not self.blob_path(digest).exists():
                        atomic.write_bytes(self.blob_path(digest), data)
                    by_values[record["values"]] = digest
                record["blob"] = digest
            key = record_key(record)
            records[key] = record
            entries[entry["id"]] = key
        self._write_records(records, keep=set(entries.values()))
        manifest = {"schema": SCHEMA, "numpy": version, "catalogue": doc["catalogue"],
                    "env": doc["env"], "cases": entries}
        text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
        atomic.write_text(self.root / "releases" / f"{version}.json", text)
        self._write_index(version)
        return version

    def _write_records(self, records: dict[str, dict], keep: set[str]) -> None:
        """Rewrite records.jsonl with what some release (or the one being added, ``keep``) references."""
        used = self._used_keys() | keep
        lines = [json.dumps({"key": k, **records[k]}, sort_keys=True) for k in sorted(records) if k in used]
        atomic.write_text(self.root / RECORDS, "\n".join(lines) + "\n")
        self._records = {k: records[k] for k in records if k in used}

    def _used_keys(self) -> set[str]:
        """Keys referenced by a complete release."""
        used: set[str] = set()
        for version in self.releases():
            try:
                used.update(json.loads((self.root / "releases" / f"{version}.json").read_text())["cases"].values())
            except (OSError, ValueError, KeyError):
                continue
        return used

    def _write_index(self, version: str) -> None:
        index = self.index()
        rel = f"releases/{version}.json"
        index[rel] = _digest((self.root / rel).read_bytes())
        lines = [f"{index[r]}  {r}" for r in sorted(index, key=lambda r: Version(r[len("releases/"):-len(".json")]))]
        atomic.write_text(self.root / INDEX, "\n".join(lines) + "\n")

    # ---------------------------------------------------------------- checking

    def verify(self) -> list[str]:
        """Every problem found, one line each; empty when the store is intact."""
        problems: list[str] = []
        try:
            index = self.index()
        except StoreError as exc:
            return [str(exc)]
        if not index:
            return [f"{self.root / INDEX}: missing or empty"]
        on_disk = {f"releases/{p.name}" for p in (self.root / "releases").glob("*.json")}
        for rel in sorted(on_disk - set(index)):
            problems.append(f"{self.root / rel}: not listed in {INDEX} (an interrupted run, or added by hand)")
        for rel in sorted(index):
            try:
                self._checked_bytes(rel)
            except StoreError as exc:
                problems.append(str(exc))
        if problems:
            return problems
        try:
            records = self.records()
        except StoreError as exc:
            return [str(exc)]
        referenced_blobs = {rec["blob"] for rec in records.values() if "blob" in rec}
        for version in self.releases():
            try:
                self.release_records(version)
            except StoreError as exc:
                problems.append(str(exc))
        for digest in sorted(referenced_blobs):
            try:
                self.blob(digest)
            except StoreError as exc:
                problems.append(str(exc))
        return problems
