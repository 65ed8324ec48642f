"""The recorder-output format: what a recorder writes into OUTDIR and a store ingests.

``OUTDIR/record.json`` is a document with a list of ``cases``; every array a
case produced is described by a *slot* (``dtype``, ``shape``, ``offset``,
``nbytes``) -- on the case itself (a stream recording) or on each of its
``parts`` (a result golden) -- and its bytes lie at ``offset`` in
``OUTDIR/values.bin``.  The stream recorder writes this format itself (it must
run on Python 3.7 with numpy alone); everything else writes it with
:func:`write`, atomically as a folder, and every output is read by
:func:`read`, which trusts nothing: other machines and people hand these
folders over, so every slot is checked against the file before a store sees it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rngbench.golden import blob as blobs
from rngbench.golden.store import StoreError
from rngbench.util import atomic

RECORD = "record.json"
VALUES = "values.bin"
MAX_RECORD_BYTES = 64 * 2**20  # a record.json of 1,000 cases is ~1 MB
CASE_ID = re.compile(r"[^\s\x00-\x1f\x7f]{1,300}")  # printable, no whitespace: shown in tables, never a path
_NUMERIC = "biuf"


@dataclass
class Output:
    """A checked recorder output: its document, and every slot's array keyed by (case id, part or None)."""

    folder: Path
    doc: dict
    arrays: dict[tuple[str, str | None], np.ndarray]

    def case_arrays(self, case_id: str) -> dict[str, np.ndarray]:
        """{part: array} of one case (result goldens)."""
        return {part: a for (cid, part), a in self.arrays.items() if cid == case_id and part is not None}


def _bad(folder: Path, what: str) -> StoreError:
    return StoreError(f"{folder}: not a usable recorder output ({what})")


def _slots(folder: Path, entry: dict) -> list[tuple[str | None, dict]]:
    slots: list[tuple[str | None, dict]] = [(None, entry)] if "offset" in entry else []
    parts = entry.get("parts", {})
    if not isinstance(parts, dict):
        raise _bad(folder, f"case {entry['id']}: parts is not a mapping")
    for name, meta in parts.items():
        if not isinstance(meta, dict):
            raise _bad(folder, f"case {entry['id']}: part {name!r} is not a mapping")
        if "offset" in meta:
            slots.append((name, meta))
    return slots


def _checked_slot(folder: Path, where: str, meta: dict, size: int) -> tuple[np.dtype, tuple[int, ...], int, int]:
    try:
        dtype = np.dtype(meta["dtype"])
        shape = tuple(meta["shape"])
        offset, nbytes = meta["offset"], meta["nbytes"]
    except (KeyError, TypeError, ValueError) as exc:
        raise _bad(folder, f"{where}: malformed slot ({exc})") from None
    if dtype.kind not in _NUMERIC or dtype.hasobject:
        raise _bad(folder, f"{where}: dtype {dtype} is not numeric")
    if not all(type(n) is int and n >= 0 for n in (*shape, offset, nbytes)):
        raise _bad(folder, f"{where}: shape, offset and nbytes must be non-negative integers")
    if nbytes != int(np.prod(shape, dtype=np.int64)) * dtype.itemsize:
        raise _bad(folder, f"{where}: {nbytes} bytes cannot hold a {dtype} array of shape {list(shape)}")
    if offset + nbytes > size:
        raise _bad(folder, f"{where}: its values end at byte {offset + nbytes}, {VALUES} has {size} "
                           "(truncated?)")
    return dtype, shape, offset, nbytes


def read(folder: Path) -> Output:
    """The recorder output in ``folder``, checked: structure, types, every slot inside ``values.bin`` with
    the size its shape needs, nothing in ``values.bin`` that no slot describes, and not all zeros."""
    folder = Path(folder)
    record, values = folder / RECORD, folder / VALUES
    try:
        if not record.is_file() or not values.is_file():
            raise _bad(folder, f"needs the regular files {RECORD} and {VALUES}")
        if record.stat().st_size > MAX_RECORD_BYTES:
            raise _bad(folder, f"{RECORD} is larger than {MAX_RECORD_BYTES >> 20} MB")
        doc = json.loads(record.read_text(encoding="utf-8"))
        size = values.stat().st_size
    except (OSError, ValueError, RecursionError) as exc:
        raise _bad(folder, str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("cases"), list) or not isinstance(doc.get("env"), dict):
        raise _bad(folder, f"{RECORD} needs an 'env' mapping and a 'cases' list")
    if not isinstance(doc.get("catalogue"), str):
        raise _bad(folder, f"{RECORD} names no catalogue")
    slots = []
    seen = set()
    for number, entry in enumerate(doc["cases"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not CASE_ID.fullmatch(entry["id"]):
            raise _bad(folder, f"case {number}: needs an 'id' of printable characters without spaces")
        if entry["id"] in seen:
            raise _bad(folder, f"case {entry['id']} is listed twice")
        seen.add(entry["id"])
        if not isinstance(entry.get("status"), str):
            raise _bad(folder, f"case {entry['id']}: needs a 'status'")
        for part, meta in _slots(folder, entry):
            where = entry["id"] + (f" part {part}" if part else "")
            slots.append(((entry["id"], part), _checked_slot(folder, where, meta, size)))
    described = sum(nbytes for _, (_, _, _, nbytes) in slots)
    if described != size:
        raise _bad(folder, f"{VALUES} has {size} bytes, its cases describe {described}")
    raw = np.fromfile(values, dtype=np.uint8) if size else np.zeros(0, np.uint8)
    if size and not raw.any():
        raise _bad(folder, f"{VALUES} is all zeros (degenerate: no recorder writes that)")
    arrays = {key: raw[offset: offset + nbytes].view(dtype).reshape(shape)
              for key, (dtype, shape, offset, nbytes) in slots}
    return Output(folder, doc, arrays)


def write(outdir: Path, doc: dict, results: list[tuple[dict, dict[str, np.ndarray]]]) -> Path:
    """Write ``doc`` with one entry per case of ``results`` ([(entry, {part: array})]) and the parts' bytes,
    atomically as a folder (a killed writer leaves no half-written output, only a temporary sibling).

    A part whose name ends in ``_digest`` is described (dtype, shape, value digest) but its bytes are not kept.
    """
    outdir = Path(outdir).absolute()
    outdir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=atomic.temp_prefix(outdir), dir=outdir.parent))
    try:
        doc = dict(doc, cases=[])
        offset = 0
        with open(tmp / VALUES, "wb") as fh:
            for entry, parts in results:
                entry = dict(entry, parts={})
                for name, values in parts.items():
                    values = np.ascontiguousarray(values)
                    meta = {"dtype": values.dtype.str, "shape": list(values.shape),
                            "values": blobs.value_digest(values)}
                    if not name.endswith("_digest"):
                        data = values.tobytes()
                        meta.update(offset=offset, nbytes=len(data))
                        fh.write(data)
                        offset += len(data)
                    entry["parts"][name] = meta
                doc["cases"].append(entry)
        (tmp / RECORD).write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
        shutil.rmtree(outdir, ignore_errors=True)  # a folder cannot be renamed over another: the old one goes first
        os.replace(tmp, outdir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # gone already when the rename succeeded
    return outdir
