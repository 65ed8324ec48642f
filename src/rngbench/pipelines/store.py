"""The result-golden store (``stream_fixtures/pipelines/``): one manifest per recorded environment.

Built on :mod:`rngbench.pipelines.cas`: a manifest names the environment
(Python and the six package versions, the platform fingerprint of
``rngbench.platform.fingerprint``) and maps every case id to a record
(status, error, determinism, and per part its value digest and blob).
Environments that agree share records and blobs.  The manifest's name is
:func:`env_id`, so the same stack on another BLAS kernel is a variant beside it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rngbench.pipelines import catalogue
from rngbench.pipelines.cas import ContentStore, StoreError, record_key
from rngbench.pipelines.classify import Side
from rngbench.platform import fingerprint as platform_fingerprint

SCHEMA = 1
DEFINING = ("python", "numpy", "numba", "scipy", "scikit-learn", "umap-learn", "scanpy")
"""The versions that define an environment (and the order attribution changes them in)."""
SHORT = {"python": "py", "numpy": "np", "numba": "nb", "scipy": "sp", "scikit-learn": "skl", "umap-learn": "umap",
         "scanpy": "sc"}
_RECORD_FIELDS = ("status", "error", "same_twice", "same_threads", "noise")


def env_id(versions: dict, platform_id: str) -> str:
    """``py3.12.1-np2.5.5-nb0.68.1-sp1.18.1-skl1.9.1-umap0.5.12-sc1.13.0a2@x86_64-haswell``."""
    return "-".join(f"{SHORT[p]}{versions.get(p)}" for p in DEFINING) + f"@{platform_id}"


def read_output(outdir: Path) -> tuple[dict, dict[str, dict[str, np.ndarray]]]:
    """What the recorder wrote: (document, {case id: {part: array}}) for the stored (non-digest) parts."""
    try:
        doc = json.loads((Path(outdir) / "record.json").read_text())
        raw = np.fromfile(Path(outdir) / "values.bin", dtype=np.uint8)
    except (OSError, ValueError) as exc:
        raise StoreError(f"{outdir}: unreadable recorder output ({exc})") from None
    arrays: dict[str, dict[str, np.ndarray]] = {}
    for entry in doc["cases"]:
        for name, meta in entry.get("parts", {}).items():
            if "offset" in meta:
                chunk = raw[meta["offset"]: meta["offset"] + meta["nbytes"]]
                arrays.setdefault(entry["id"], {})[name] = chunk.view(np.dtype(meta["dtype"])).reshape(meta["shape"])
    return doc, arrays


def merge_noise(records: list[dict]) -> dict | None:
    """The largest run-to-run or thread measure of each kind over ``records`` (None when all were deterministic).

    Pooled over environments on purpose: two runs that happen to agree do not prove a case deterministic, and
    scrublet on 10,000 cells showed the same 1.4e-3 score difference as thread noise in one environment and as
    the whole difference between two others.  A difference within a case's own noise anywhere is not a change.
    """
    merged: dict = {}
    for record in records:
        for measures in (record.get("noise") or {}).values():
            for k, v in measures.items():
                if isinstance(v, (int, float)) and v == v:
                    merged[k] = max(merged.get(k, 0), v)
    return merged or None


@dataclass
class PipelineStore:
    root: Path

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        self.cas = ContentStore(self.root)

    def environments(self) -> list[str]:
        return self.cas.names()

    def manifest(self, name: str) -> dict:
        if name not in self.environments():
            raise StoreError(f"environment {name} is not in the store at {self.root}")
        return self.cas.manifest(name)

    def versions(self, name: str) -> dict:
        return self.manifest(name)["env"]

    def is_complete(self, versions: dict) -> str | None:
        """The stored environment with exactly these defining versions from this catalogue, or None."""
        for name in self.environments():
            try:
                m = self.cas.manifest(name)
            except StoreError:
                continue
            if m.get("catalogue") == catalogue.digest() and all(m["env"].get(p) == versions.get(p) for p in DEFINING):
                return name
        return None

    def add(self, doc: dict, arrays: dict[str, dict[str, np.ndarray]]) -> str:
        """Store one recorder output; returns the environment's name (re-adding replaces it)."""
        if doc.get("catalogue") != catalogue.digest():
            raise StoreError(f"recorded from catalogue {doc.get('catalogue')}, this rngbench has {catalogue.digest()}")
        pid = platform_fingerprint.variant_id(doc.get("platform", {}))
        name = env_id(doc["env"], pid)
        records, entries = {}, {}
        for entry in doc["cases"]:
            record = {k: entry.get(k) for k in _RECORD_FIELDS}
            record["parts"] = {}
            for part, meta in entry.get("parts", {}).items():
                stored = {"dtype": meta["dtype"], "shape": meta["shape"], "values": meta["values"]}
                if part in arrays.get(entry["id"], {}):
                    stored["blob"] = self.cas.put_array(arrays[entry["id"]][part])
                record["parts"][part] = stored
            key = record_key(record)
            records[key] = record
            entries[entry["id"]] = key
        manifest = {"schema": SCHEMA, "format": doc["format"], "catalogue": doc["catalogue"], "env": doc["env"],
                    "platform": doc.get("platform", {}), "platform_id": pid, "inputs": doc.get("inputs", {}),
                    "threads_compared": doc.get("threads_compared"), "records": entries}
        self.cas.put(name, manifest, records)
        return name

    def records(self, name: str) -> dict[str, dict]:
        """{case id: record} of one environment."""
        return {cid: self.cas.record(key) for cid, key in self.manifest(name)["records"].items()}

    def side(self, record: dict | None, load: bool = True) -> Side:
        """A record as the classifier's :class:`Side` (arrays loaded from their blobs)."""
        if record is None:
            return Side("absent")
        parts = {}
        for part, meta in record.get("parts", {}).items():
            arr = self.cas.array(meta["blob"]) if load and "blob" in meta else None
            parts[part] = (meta["values"], arr)
        return Side(record["status"], record.get("error"), parts, merge_noise([record]))

    def case_noise(self, case_id: str) -> dict | None:
        """The largest noise this case showed in any stored environment (see ``merge_noise``)."""
        records = []
        for name in self.environments():
            key = self.manifest(name)["records"].get(case_id)
            if key is not None:
                records.append(self.cas.record(key))
        return merge_noise(records)

    def verify(self) -> list[str]:
        problems = self.cas.verify()
        if problems:
            return problems
        for name in self.environments():
            m = self.cas.manifest(name)
            expected = env_id(m["env"], platform_fingerprint.variant_id(m.get("platform", {})))
            if expected != name:
                problems.append(f"{self.root}/manifests/{name}.json: describes {expected}, not {name}")
        return problems
