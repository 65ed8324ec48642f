"""The golden-stream store on disk (``stream_fixtures/``).

Layout, chosen so a new release is a small, reviewable diff::

    releases/<numpy version>.json   one manifest per release: environment + {case id: record key}, one case a line;
                                    platform fingerprints, and per platform-dependent case the records of the
                                    platforms (BLAS kernels) whose output differs from the reference one
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
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from packaging.version import InvalidVersion, Version

from rngbench.errors import RngbenchError
from rngbench.streams import blob as blobs
from rngbench.streams import policy
from rngbench.streams.recorder import fingerprint as fingerprints
from rngbench.util import atomic
from rngbench.util.lock import hold_lock

SCHEMA = 2  # 2: platforms, reference and variants (one record per platform where outputs differ)
INDEX = "INDEX"
RECORDS = "records.jsonl"
LOCK = ".writer.lock"  # held by the one process writing the store (util.lock); its ".holder" file names it
EXPECTED_AT_ROOT = {INDEX, RECORDS, "releases", "blobs", LOCK, LOCK + ".holder",
                    "pipelines"}  # pipelines/: the result-golden store, verified by its own code
_INDEX_LINE = re.compile(r"^([0-9a-f]{64})  (releases/([^/\s]+)\.json)$")


class StoreError(RngbenchError):
    """A one-line description of what is wrong with the store or the request."""


def read_records(path: Path, key_of) -> dict[str, dict]:
    """``records.jsonl`` as {key: record}, every record checked against its key (``key_of``, the hash of its
    content); a malformed or edited line is one StoreError.  Shared with the result-golden store."""
    records: dict[str, dict] = {}
    lines = path.read_text().splitlines() if path.exists() else []
    for number, line in enumerate(lines, 1):
        try:
            rec = json.loads(line)
            key = rec.pop("key")
        except (json.JSONDecodeError, KeyError, AttributeError, TypeError):
            raise StoreError(f"{path}:{number}: malformed record") from None
        if key_of(rec) != key:
            raise StoreError(f"{path}:{number}: record {key} does not match its content (edited or corrupted)")
        records[key] = rec
    return records


def checked_bytes(root: Path, rel: str, index: dict[str, str]) -> bytes:
    """The bytes of the manifest ``rel``, checked against its INDEX checksum.  Shared with the result-golden store."""
    path = root / rel
    try:
        data = path.read_bytes()
    except OSError:
        raise StoreError(f"{path}: missing") from None
    expected = index.get(rel)
    if expected is None:
        raise StoreError(f"{path}: not listed in {INDEX} (half-written or added by hand)")
    if _digest(data) != expected:
        raise StoreError(f"{path}: checksum does not match {INDEX} (edited or corrupted)")
    return data


def method_of(case_id: str) -> str:
    """``RandomState.binomial[sweep:p=0.5]`` -> ``binomial``."""
    return case_id[:case_id.rindex("[")].rsplit(".", 1)[-1]


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
class ContentAddressed:
    """What every content-addressed store here shares: a root, records checked against their keys, blobs.

    Subclasses say how a record's key is computed (:meth:`record_key_of`) and what their manifests hold.
    """

    root: Path
    _records: dict[str, dict] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.root = Path(self.root)

    def record_key_of(self, record: dict) -> str:
        return record_key(record)

    def records(self) -> dict[str, dict]:
        if self._records is None:
            self._records = read_records(self.root / RECORDS, self.record_key_of)
        return self._records

    def checked_records(self, problems: list[str]) -> dict[str, dict] | None:
        """The records for ``verify``, or None with the reason appended to ``problems``."""
        try:
            return self.records()
        except StoreError as exc:
            problems.append(str(exc))
            return None

    def checked_index(self) -> tuple[dict[str, str], list[str]]:
        """INDEX for ``verify``: (index, []) or ({}, [the problem that stops verification there])."""
        try:
            index = self.index()
        except StoreError as exc:
            return {}, [str(exc)]
        return index, ([] if index else [f"{self.root / INDEX}: missing or empty"])

    def blob_path(self, digest: str) -> Path:
        return blobs.path_in(self.root, digest)

    def blob(self, digest: str) -> blobs.Blob:
        try:
            return blobs.read(self.root, digest)
        except ValueError as exc:
            raise StoreError(str(exc)) from None


@dataclass
class Store(ContentAddressed):
    """The golden-stream store (see the module docstring)."""

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
        """{manifest path: sha256} of every complete release; a malformed line is one clear error."""
        path = self.root / INDEX
        if not path.exists():
            return {}
        try:
            text = path.read_text()
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreError(f"{path}: unreadable ({exc})") from None
        if text and not text.endswith("\n"):
            raise StoreError(f"{path}: truncated (the last line has no end)")
        index = {}
        for number, line in enumerate(text.splitlines(), 1):
            match = _INDEX_LINE.match(line)
            if not match:
                raise StoreError(f"{path}:{number}: malformed line in INDEX")
            try:
                Version(match.group(3))
            except InvalidVersion:
                raise StoreError(f"{path}:{number}: {match.group(3)!r} is not a numpy version") from None
            index[match.group(2)] = match.group(1)
        return index

    def _checked_bytes(self, rel: str) -> bytes:
        return checked_bytes(self.root, rel, self.index())

    def manifest(self, version: str) -> dict:
        version = self.resolve(version)
        rel = f"releases/{version}.json"
        try:
            return json.loads(self._checked_bytes(rel))
        except json.JSONDecodeError:
            raise StoreError(f"{self.root / rel}: not valid JSON") from None

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

    def platforms(self, version: str) -> tuple[str, dict[str, dict]]:
        """(reference platform id, {platform id: fingerprint}) of one release."""
        manifest = self.manifest(version)
        return manifest["reference"], manifest["platforms"]

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

    # ---------------------------------------------------------------- writing

    @contextmanager
    def writing(self, purpose: str = "writing") -> Iterator[None]:
        """Hold the store's writer lock; then clear what a killed writer left behind.

        Every write goes through here, so two processes never interleave their writes: a second writer waits
        (saying for whom).  Inside the lock nobody else is writing, so any temporary file is a dead writer's.
        """
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(f"{self.root} is a file, not a store")
        with hold_lock(self.root / LOCK, purpose):
            self._records = None  # another writer may have changed the store while we waited
            self._sweep_temporary_files()
            yield

    def _sweep_temporary_files(self) -> None:
        for path in list(self.root.rglob(".*")):
            if path.name in (LOCK, LOCK + ".holder") or not path.is_file():
                continue
            path.unlink(missing_ok=True)

    def _prune_blobs(self) -> None:
        """Drop blobs no record references (left by a re-recorded catalogue or a write killed mid-way)."""
        wanted = {rec["blob"] for rec in self.records().values() if "blob" in rec}
        for path in (self.root / "blobs").glob("*/*.z"):
            if path.stem not in wanted:
                path.unlink(missing_ok=True)

    def _store_cases(self, records: dict, cases: list[tuple[dict, np.ndarray | None]]) -> dict[str, str]:
        """Write the blobs of ``cases`` and add their records to ``records``; returns {case id: record key}."""
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
        return entries

    def add_release(self, doc: dict, cases: list[tuple[dict, np.ndarray | None]],
                    variants: list[tuple[dict, list[tuple[dict, np.ndarray | None]]]] = ()) -> str:
        """Store one recorded release (the reference record of every case, then platform variants of some).

        Re-adding replaces the release.  A variant's record is kept only where it differs from the reference;
        a variant that differs on a case NEP 19 does not exempt is refused (see :meth:`merge_variants`).
        """
        version = doc["env"]["numpy"]
        if doc.get("subset"):
            raise StoreError(f"numpy {version}: a record of only some cases cannot be a release's reference")
        with self.writing(f"adding numpy {version}"):
            return self._add_release(doc, cases, variants)

    def _add_release(self, doc: dict, cases: list[tuple[dict, np.ndarray | None]],
                     variants: list[tuple[dict, list[tuple[dict, np.ndarray | None]]]]) -> str:
        version = doc["env"]["numpy"]
        records = dict(self.records())
        entries = self._store_cases(records, cases)
        reference = fingerprints.platform_id(doc["env"].get("platform", {}))
        env = {k: v for k, v in doc["env"].items() if k != "platform"}
        manifest = {"schema": SCHEMA, "numpy": version, "catalogue": doc["catalogue"], "env": env,
                    "reference": reference, "platforms": {reference: doc["env"].get("platform", {})},
                    "cases": entries, "variants": {}}
        for variant_doc, variant_cases in variants:
            self._merge_variant(manifest, records, variant_doc, variant_cases)
        self._write_release(manifest, records)
        return version

    def add_variant(self, doc: dict, cases: list[tuple[dict, np.ndarray | None]]) -> tuple[str, str]:
        """Add one platform's record of an already stored release; returns (version, platform id)."""
        with self.writing(f"adding a platform of numpy {doc['env']['numpy']}"):
            return self._add_variant(doc, cases)

    def _add_variant(self, doc: dict, cases: list[tuple[dict, np.ndarray | None]]) -> tuple[str, str]:
        version = self.resolve(doc["env"]["numpy"])
        manifest = self.manifest(version)
        if manifest["catalogue"] != doc["catalogue"]:
            raise StoreError(f"numpy {version} in the store was recorded from another catalogue")
        records = dict(self.records())
        pid = self._merge_variant(manifest, records, doc, cases)
        self._write_release(manifest, records)
        return version, pid

    def _merge_variant(self, manifest: dict, records: dict, doc: dict,
                       cases: list[tuple[dict, np.ndarray | None]]) -> str:
        if doc["env"]["numpy"] != manifest["numpy"]:
            raise StoreError(f"a record of numpy {doc['env']['numpy']} cannot be a variant of {manifest['numpy']}")
        platform = doc["env"].get("platform", {})
        pid = fingerprints.platform_id(platform)
        keys = self._store_cases(records, cases)
        breaches = sorted(cid for cid, key in keys.items() if key != manifest["cases"].get(cid)
                          and policy.exemption(method_of(cid)) is None)
        if breaches:
            self._prune_blobs()  # the refused variant's blobs were written already: drop them again
            raise StoreError(f"numpy {manifest['numpy']} on {pid} differs on {len(breaches)} case(s) NEP 19 does not "
                             f"let depend on the platform (first: {breaches[0]}); not stored as a variant")
        manifest["platforms"][pid] = platform
        for cid, key in keys.items():
            per_case = manifest["variants"].setdefault(cid, {})
            if key == manifest["cases"].get(cid) or pid == manifest["reference"]:
                per_case.pop(pid, None)
            else:
                per_case[pid] = key
            if not per_case:
                del manifest["variants"][cid]
        return pid

    def _write_release(self, manifest: dict, records: dict) -> None:
        used = set(manifest["cases"].values()) | {k for v in manifest["variants"].values() for k in v.values()}
        self._write_records(records, keep=used)
        text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
        atomic.write_text(self.root / "releases" / f"{manifest['numpy']}.json", text)
        self._write_index(manifest["numpy"])
        self._prune_blobs()

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
                manifest = json.loads((self.root / "releases" / f"{version}.json").read_text())
                used.update(manifest["cases"].values())
                used.update(k for per_case in manifest.get("variants", {}).values() for k in per_case.values())
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
        """Every problem found, one line each; empty when the store is intact.

        Every file must be expected: listed in INDEX, referenced by a record, or one of the store's own
        files.  Leftover temporary files and anything else are reported by name.
        """
        if not self.root.is_dir():
            return [f"{self.root}: no store there"]
        problems: list[str] = []
        index, stop = self.checked_index()
        if stop:
            return stop
        for path in sorted(self.root.iterdir()):
            if path.name not in EXPECTED_AT_ROOT:
                problems.append(f"{path}: {_unexpected(path)} at the store's root")
        releases = self.root / "releases"
        for path in sorted(releases.iterdir()) if releases.is_dir() else []:
            if f"releases/{path.name}" not in index:
                problems.append(f"{path}: {_unexpected(path)} not listed in {INDEX} "
                                "(an interrupted run, or added by hand)")
        for rel in sorted(index):
            try:
                self._checked_bytes(rel)
            except StoreError as exc:
                problems.append(str(exc))
        records = self.checked_records(problems)
        if records is None:
            return problems
        referenced_blobs = {rec["blob"] for rec in records.values() if "blob" in rec}
        blobs_dir = self.root / "blobs"
        for path in sorted(blobs_dir.rglob("*")) if blobs_dir.is_dir() else []:
            if path.is_dir() and path.parent == blobs_dir and len(path.name) == 2:
                continue
            if not (path.suffix == ".z" and path.parent.name == path.stem[:2] and path.stem in referenced_blobs):
                problems.append(f"{path}: {_unexpected(path)} in blobs/ (no record references it)")
        if problems:
            return problems
        for version in self.releases():
            try:
                self.release_records(version)
                self.variant_records(version)
            except StoreError as exc:
                problems.append(str(exc))
        for digest in sorted(referenced_blobs):
            try:
                self.blob(digest)
            except StoreError as exc:
                problems.append(str(exc))
        return problems


def _unexpected(path: Path) -> str:
    return "leftover temporary file" if path.name.startswith(".") else "unknown file"
