"""A generic content-addressed store: the stream store's technology, as a layer of its own.

Layout under ``root``::

    manifests/<name>.json     one manifest per stored unit (here: one environment), deterministic JSON
    records.jsonl             every distinct record once, keyed by the hash of its content
    blobs/<aa>/<digest>.z     every distinct array once (``rngbench.streams.blob`` format), named by its hash
    INDEX                     sha256 of every complete manifest

Units that agree share records and blobs, so a matrix of environments stays
small.  Writes go blobs -> records -> manifest -> INDEX, each atomic, and a
unit exists only once INDEX lists it: a run killed half-way leaves at worst
unreferenced records and blobs, never a manifest pointing nowhere.
:meth:`ContentStore.verify` finds any edited, missing or corrupted file.

It shares with ``rngbench.streams.store`` the rules themselves (``read_records``,
``checked_bytes``, the blob format and reader); the stream store keeps its own
record hashing and stricter INDEX, so its committed files stay as they are.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from dataclasses import dataclass

import numpy as np

from rngbench.streams import blob as blobs
from rngbench.streams.store import ContentAddressed, StoreError, checked_bytes
from rngbench.util import atomic

INDEX = "INDEX"
RECORDS = "records.jsonl"
MANIFESTS = "manifests"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+@=-]*")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(obj) -> str:
    """The one serialisation every hash is taken of: sorted keys, no spaces."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def record_key(record: dict) -> str:
    return sha256(canonical_json(record).encode())[:32]


def encode_exact(values: np.ndarray) -> bytes:
    """A ``blob`` in ``full`` mode whatever its size: comparisons need every value of an embedding.

    ``blob.encode`` keeps only a head and 8-bit fingerprints of large random
    arrays, which is enough to say *where* two streams part but not to compute
    a Procrustes disparity.  Same format, so ``blob.decode`` reads it.
    """
    flat = np.ascontiguousarray(values).reshape(-1)
    header = {"format": blobs.BLOB_FORMAT, "dtype": values.dtype.str, "shape": list(values.shape), "mode": "full"}
    return json.dumps(header, sort_keys=True).encode() + b"\n" + zlib.compress(flat.tobytes(), blobs.LEVEL)


@dataclass
class ContentStore(ContentAddressed):
    """Units under ``manifests/``; records hashed as :func:`canonical_json`."""

    def record_key_of(self, record: dict) -> str:
        return record_key(record)

    # ---------------------------------------------------------------- reading

    def index(self) -> dict[str, str]:
        """{manifest path relative to root: sha256}."""
        path = self.root / INDEX
        if not path.exists():
            return {}
        out = {}
        for number, line in enumerate(path.read_text().splitlines(), 1):
            parts = line.split("  ", 1)
            if len(parts) != 2 or not re.fullmatch(r"[0-9a-f]{64}", parts[0]):
                raise StoreError(f"{path}:{number}: malformed line in {INDEX}")
            out[parts[1]] = parts[0]
        return out

    def names(self) -> list[str]:
        prefix = f"{MANIFESTS}/"
        return sorted(rel[len(prefix):-len(".json")] for rel in self.index() if rel.startswith(prefix))

    def manifest(self, name: str) -> dict:
        rel = f"{MANIFESTS}/{name}.json"
        path = self.root / rel
        data = checked_bytes(self.root, rel, self.index())
        try:
            return json.loads(data)
        except json.JSONDecodeError:
            raise StoreError(f"{path}: not valid JSON") from None

    def record(self, key: str) -> dict:
        try:
            return self.records()[key]
        except KeyError:
            raise StoreError(f"{self.root / RECORDS}: record {key} is missing") from None

    def array(self, digest: str) -> np.ndarray:
        """Every value of a blob written by :meth:`put_array` (always ``full``)."""
        b = self.blob(digest)
        if b.exact.size != b.size:
            raise StoreError(f"{self.blob_path(digest)}: holds a sample, not every value")
        return b.exact.reshape(b.shape)

    # ---------------------------------------------------------------- writing

    def put_array(self, values: np.ndarray) -> str:
        """Store ``values`` exactly (once, whoever else stored the same bytes); returns the blob digest."""
        data = encode_exact(values)
        digest = blobs.blob_digest(data)
        if not self.blob_path(digest).exists():
            atomic.write_bytes(self.blob_path(digest), data)
        return digest

    def put(self, name: str, manifest: dict, records: dict[str, dict]) -> None:
        """Add (or replace) the unit ``name``: its new ``records`` ({key: record}), then its manifest, then INDEX.

        Blobs must already be written (:meth:`put_array`).  Records nobody references any more are dropped.
        """
        if not _NAME.fullmatch(name):
            raise StoreError(f"{name!r} cannot name a manifest")
        for key, rec in records.items():
            if record_key(rec) != key:
                raise StoreError(f"record {key} does not match its content")
        merged = {**self.records(), **records}
        used = set(_keys_of(manifest))
        for other in self.names():
            if other != name:
                used.update(_keys_of(self.manifest(other)))
        missing = sorted(used - set(merged))
        if missing:
            raise StoreError(f"manifest {name} references record {missing[0]}, which the store lacks")
        lines = [json.dumps({"key": k, **merged[k]}, sort_keys=True) for k in sorted(used)]
        atomic.write_text(self.root / RECORDS, "\n".join(lines) + "\n")
        self._records = {k: merged[k] for k in used}
        rel = f"{MANIFESTS}/{name}.json"
        text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
        atomic.write_text(self.root / rel, text)
        index = self.index()
        index[rel] = sha256(text.encode())
        atomic.write_text(self.root / INDEX, "".join(f"{index[r]}  {r}\n" for r in sorted(index)))

    # ---------------------------------------------------------------- checking

    def verify(self) -> list[str]:
        """Every problem found, one line each; empty when the store is intact."""
        index, stop = self.checked_index()
        if stop:
            return stop
        problems = []
        on_disk = {f"{MANIFESTS}/{p.name}" for p in (self.root / MANIFESTS).glob("*.json")}
        for rel in sorted(on_disk - set(index)):
            problems.append(f"{self.root / rel}: not listed in {INDEX} (an interrupted run, or added by hand)")
        manifests = {}
        for name in self.names():
            try:
                manifests[name] = self.manifest(name)
            except StoreError as exc:
                problems.append(str(exc))
        records = self.checked_records(problems)
        if records is None:
            return problems
        for name, manifest in manifests.items():
            for key in _keys_of(manifest):
                if key not in records:
                    problems.append(f"{self.root / MANIFESTS / name}.json: record {key} is missing")
        for digest in sorted({d for rec in records.values() for d in _blobs_of(rec)}):
            try:
                self.blob(digest)
            except StoreError as exc:
                problems.append(str(exc))
        return problems


def _keys_of(manifest: dict) -> list[str]:
    """Record keys a manifest references: the values of its ``records`` mapping."""
    return list(manifest.get("records", {}).values())


def _blobs_of(record: dict) -> list[str]:
    """Blob digests a record references: every ``blob`` value of its ``parts``."""
    return [part["blob"] for part in record.get("parts", {}).values() if "blob" in part]
