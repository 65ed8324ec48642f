#!/usr/bin/env python
"""Carry platform variants this CPU cannot record from an older golden-stream store into a re-recorded one.

`rngbench streams matrix` records every release under each OpenBLAS kernel the recording CPU runs.  Re-recording
the whole matrix on a CPU without AVX-512 would drop the SkylakeX variants an earlier recording made.  Where the
re-recorded reference record of a case is byte-for-byte the one the older store holds (same record key: same
values, same state), the older store's variant of that case on a platform the new store lacks still describes
that platform, so it is copied over: its record, its blob, the platform's fingerprint.  Anything else is left out
and listed.

    .venv/bin/python scripts/carry_platforms.py OLD_STORE [NEW_STORE]   # NEW_STORE defaults to stream_fixtures
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from rngbench.streams.store import Store

REPO = Path(__file__).resolve().parents[1]


def carry(old: Store, new: Store) -> tuple[dict[str, int], list[str]]:
    """({platform id: variant records carried}, [what could not be carried, one line each])."""
    carried: dict[str, int] = {}
    skipped: list[str] = []
    old_versions = set(old.releases())
    with new.writing("carrying platform variants"):
        records = dict(new.records())
        old_records = old.records()
        for version in new.releases():
            if version not in old_versions:
                continue
            before, after = old.manifest(version), new.manifest(version)
            missing = [pid for pid in before["platforms"] if pid not in after["platforms"]]
            if not missing:
                continue
            for cid, per_platform in before.get("variants", {}).items():
                for pid in missing:
                    if pid not in per_platform:
                        continue
                    if after["cases"].get(cid) != before["cases"].get(cid):
                        skipped.append(f"{version} {cid} on {pid}: the reference record changed")
                        continue
                    key = per_platform[pid]
                    record = old_records[key]
                    if "blob" in record and not new.blob_path(record["blob"]).exists():
                        new.blob_path(record["blob"]).parent.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(old.blob_path(record["blob"]), new.blob_path(record["blob"]))
                    records[key] = record
                    after["variants"].setdefault(cid, {})[pid] = key
                    carried[pid] = carried.get(pid, 0) + 1
            for pid in missing:
                after["platforms"][pid] = before["platforms"][pid]
            new.commit(version, after, records)
    return carried, skipped


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    old = Store(Path(sys.argv[1]))
    new = Store(Path(sys.argv[2]) if len(sys.argv) == 3 else REPO / "stream_fixtures")
    carried, skipped = carry(old, new)
    for pid, count in sorted(carried.items()):
        print(f"{pid}: {count} variant records carried")
    for line in skipped:
        print(f"not carried: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
