"""Migrate a result-golden store written before the golden core to the shared one: ``python -m
rngbench.pipelines.migrate [STORE]`` (default ``stream_fixtures/pipelines``), then ``rngbench pipelines verify``.

What changes: record keys are the hash of ``json.dumps(record, sort_keys=True)``
(the stream store's, now every store's) instead of compact JSON, so every
record's key and every manifest's references are rewritten, with INDEX; the
writer lock is ``.writer.lock`` as in the stream store (``.gitignore`` follows).
Blobs do not change.  Running it again on a migrated store changes nothing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rngbench import paths
from rngbench.golden.store import INDEX, LOCK, RECORDS, manifest_text, record_key, sha256
from rngbench.pipelines.store import PipelineStore
from rngbench.util import atomic
from rngbench.util.lock import hold_lock

OLD_LOCK = ".lock"


def _old_key(record: dict) -> str:
    return sha256(json.dumps(record, sort_keys=True, separators=(",", ":")).encode())[:32]


def migrate(root: Path) -> int:
    """Rewrite the store at ``root`` in place; returns how many record keys changed."""
    store = PipelineStore(root)
    with hold_lock(root / LOCK, "migrating the store to the golden core"):
        records, renamed = {}, {}
        for line in (root / RECORDS).read_text().splitlines():
            rec = json.loads(line)
            key = rec.pop("key")
            if key not in (_old_key(rec), record_key(rec)):
                raise SystemExit(f"error: {root / RECORDS}: record {key} does not match its content; not migrated")
            renamed[key] = record_key(rec)
            records[renamed[key]] = rec
        manifests = {}
        for path in sorted((root / store.UNITS).glob("*.json")):
            manifest = json.loads(path.read_text())
            manifest["records"] = {cid: renamed[key] for cid, key in manifest["records"].items()}
            manifests[path.stem] = manifest_text(manifest)
        lines = [json.dumps({"key": k, **records[k]}, sort_keys=True) + "\n" for k in sorted(records)]
        atomic.write_text(root / RECORDS, "".join(lines))
        for name, text in manifests.items():
            atomic.write_text(store.unit_path(name), text)
        index = "".join(f"{sha256(manifests[n].encode())}  {store.UNITS}/{n}.json\n" for n in sorted(manifests))
        atomic.write_text(root / INDEX, index)
        for rel, content in store.FIXED.items():
            atomic.write_text(root / rel, content)
        for old in (OLD_LOCK, OLD_LOCK + ".holder"):
            (root / old).unlink(missing_ok=True)
    return sum(old != new for old, new in renamed.items())


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else paths.PIPELINE_STORE
    if not (root / INDEX).is_file():
        print(f"error: no result-golden store at {root}", file=sys.stderr)
        return 2
    changed = migrate(root)
    print(f"migrated {root}: {changed} record keys rewritten; now run `rngbench pipelines verify --store {root}`")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
