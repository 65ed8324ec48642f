"""The result-golden store (``stream_fixtures/pipelines/``): one manifest per recorded environment.

On the shared golden store (:mod:`rngbench.golden.store`): a manifest names the
environment (Python and the six package versions, the platform fingerprint of
``rngbench.platform.fingerprint``) and maps every case id to a record
(status, error, determinism, and per part its value digest and blob).
Environments that agree share records and blobs.  The manifest's name is
:func:`env_id`, so the same stack on another platform is a variant beside it (platform ids, and which
recording is the reference: :mod:`rngbench.golden.variants`, :mod:`rngbench.pipelines.variants`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

import numpy as np

from rngbench.golden import output as recorder_output
from rngbench.golden.store import GoldenStore, StoreError, record_key
from rngbench.golden.variants import platform_id
from rngbench.pipelines import catalogue
from rngbench.pipelines.classify import Side

SCHEMA = 1
DEFINING = ("python", "numpy", "numba", "scipy", "scikit-learn", "umap-learn", "scanpy")
"""The versions that define an environment (and the order attribution changes them in)."""
SHORT = {"python": "py", "numpy": "np", "numba": "nb", "scipy": "sp", "scikit-learn": "skl", "umap-learn": "umap",
         "scanpy": "sc"}
_RECORD_FIELDS = ("status", "error", "same_twice", "same_threads", "noise")


def env_id(versions: dict, platform: str) -> str:
    """``py3.12.1-np2.5.5-nb0.68.1-sp1.18.1-skl1.9.1-umap0.5.12-sc1.13.0a2@x86_64-haswell``.

    The versions come from a recorder output: the name is checked (``GoldenStore.unit_path``) before it becomes
    a file name.
    """
    return "-".join(f"{SHORT[p]}{versions.get(p)}" for p in DEFINING) + f"@{platform}"


def read_output(outdir: Path) -> tuple[dict, dict[str, dict[str, np.ndarray]]]:
    """What the recorder wrote, checked: (document, {case id: {part: array}}) for the stored (non-digest) parts."""
    out = recorder_output.read(outdir)
    arrays = {entry["id"]: out.case_arrays(entry["id"]) for entry in out.doc["cases"]}
    return out.doc, {cid: parts for cid, parts in arrays.items() if parts}


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


class PipelineStore(GoldenStore):
    """Environments under ``manifests/``, each a mapping of case ids to records."""

    UNITS: ClassVar[str] = "manifests"
    NOUN: ClassVar[str] = "environments"
    WING: ClassVar[str] = "pipelines"
    FIXED: ClassVar[dict[str, str]] = {".gitignore": ".writer.lock\n.writer.lock.holder\n"}

    def keys_of(self, manifest: dict) -> Iterable[str]:
        return manifest.get("records", {}).values()

    def blobs_of(self, record: dict) -> Iterable[str]:
        return [part["blob"] for part in record.get("parts", {}).values() if "blob" in part]

    def environments(self) -> list[str]:
        return self.names()

    def manifest(self, name: str) -> dict:
        if name not in self.names():  # every stored unit (a view such as variants.References lists fewer)
            raise StoreError(f"environment {name} is not in the store at {self.root}")
        return super().manifest(name)

    def versions(self, name: str) -> dict:
        return self.manifest(name)["env"]

    def is_complete(self, versions: dict) -> str | None:
        """The stored environment with exactly these defining versions from this catalogue, or None."""
        for name in self.environments():
            try:
                m = self.manifest(name)
            except StoreError:
                continue
            if m.get("catalogue") == catalogue.digest() and all(m["env"].get(p) == versions.get(p) for p in DEFINING):
                return name
        return None

    def add(self, doc: dict, arrays: dict[str, dict[str, np.ndarray]]) -> str:
        """Store one recorder output; returns the environment's name (re-adding replaces it)."""
        if doc.get("catalogue") != catalogue.digest():
            raise StoreError(f"recorded from catalogue {doc.get('catalogue')}, this rngbench has {catalogue.digest()}")
        if not isinstance(doc.get("platform", {}), dict):
            raise StoreError("the recorder output's platform is not a mapping")
        pid = platform_id(doc.get("platform", {}))
        name = env_id(doc["env"], pid)
        self.unit_path(name)  # refused here, before any write, if it cannot name a file in manifests/
        with self.writing(f"adding {name}"):
            records, entries = {}, {}
            for entry in doc["cases"]:
                record = {k: entry.get(k) for k in _RECORD_FIELDS}
                record["parts"] = {}
                for part, meta in entry.get("parts", {}).items():
                    stored = {"dtype": meta["dtype"], "shape": meta["shape"], "values": meta.get("values")}
                    if part in arrays.get(entry["id"], {}):
                        # comparisons need every value of an embedding, not a sample
                        stored["blob"] = self.put_array(arrays[entry["id"]][part], exact=True)
                    record["parts"][part] = stored
                key = record_key(record)
                records[key] = record
                entries[entry["id"]] = key
            manifest = {"schema": SCHEMA, "format": doc.get("format"), "catalogue": doc["catalogue"],
                        "env": doc["env"], "platform": doc.get("platform", {}), "platform_id": pid,
                        "inputs": doc.get("inputs", {}), "threads_compared": doc.get("threads_compared"),
                        "records": entries}
            self.commit(name, manifest, records)
        return name

    def records_of(self, name: str) -> dict[str, dict]:
        """{case id: record} of one environment."""
        return {cid: self.record(key) for cid, key in self.manifest(name)["records"].items()}

    def array(self, digest: str) -> np.ndarray:
        """Every value of a blob stored exactly."""
        b = self.blob(digest)
        if b.exact.size != b.size:
            raise StoreError(f"{self.blob_path(digest)}: holds a sample, not every value")
        return b.exact.reshape(b.shape)

    def side(self, record: dict | None, load: bool = True) -> Side:
        """A record as the classifier's :class:`Side` (arrays loaded from their blobs)."""
        if record is None:
            return Side("absent")
        parts = {}
        for part, meta in record.get("parts", {}).items():
            arr = self.array(meta["blob"]) if load and "blob" in meta else None
            parts[part] = (meta["values"], arr)
        return Side(record["status"], record.get("error"), parts, merge_noise([record]))

    def case_noise(self, case_id: str) -> dict | None:
        """The largest noise this case showed in any stored environment (see ``merge_noise``)."""
        records = []
        for name in self.environments():
            key = self.manifest(name)["records"].get(case_id)
            if key is not None:
                records.append(self.record(key))
        return merge_noise(records)

    def verify_units(self) -> list[str]:
        problems = []
        for name in self.environments():
            m = self.manifest(name)
            expected = env_id(m["env"], platform_id(m.get("platform", {})))
            if expected != name:
                problems.append(f"{self.unit_path(name)}: describes {expected}, not {name}")
        return problems
