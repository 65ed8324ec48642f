"""The content-addressed store both golden wings stand on (the stream store, the result-golden store).

Layout under ``root``::

    <UNITS>/<name>.json     one manifest per stored unit (a numpy release, an environment), deterministic JSON
    records.jsonl           every distinct record once, keyed by the hash of its content (:func:`record_key`)
    blobs/<aa>/<digest>.z   every distinct array once (:mod:`rngbench.golden.blob`), named by its hash
    INDEX                   sha256 of every complete manifest, one ``<sha256>  <UNITS>/<name>.json`` a line

Units that agree share records and blobs.  A wing says what its units are
called (``UNITS``, ``NAME``), which record keys a manifest references and which
blobs a record references; everything else -- hashing, the strict INDEX, the
one writer lock, crash recovery, pruning, verification -- is here, once.

Crash recovery, the one rule: a write goes blobs -> records -> INDEX -> manifest.
The new manifest waits in a temporary file while INDEX is renamed into place,
so INDEX is the one commit point: killed before it, the store is the old one
plus *debris*; killed after it, the waiting temporary file holds exactly the
manifest INDEX lists, and readers read it from there.  A writer, once it holds
the lock, first finishes or removes what a dead writer left (temporary files,
then every unreferenced record and blob) and then does its own write.
Readers tell *debris* (a dead writer's leftovers: harmless, named with the
command that sweeps them) from *damage* (a listed file that does not match
its hash, a file the store does not know): only damage stops them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np

from rngbench.errors import RngbenchError
from rngbench.golden import blob as blobs
from rngbench.util import atomic
from rngbench.util.lock import hold_lock

INDEX = "INDEX"
RECORDS = "records.jsonl"
BLOBS = "blobs"
LOCK = ".writer.lock"  # held by the one process writing the store (util.lock); its ".holder" file names it
_INDEX_LINE = re.compile(r"^([0-9a-f]{64})  ([a-z]+)/([^/\s]+)\.json$")
_BLOB_DIR = re.compile(r"[0-9a-f]{2}")


class StoreError(RngbenchError):
    """A one-line description of what is wrong with a store or the request."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record_key(record: dict) -> str:
    """A record's key: the hash of its content (``json.dumps`` with sorted keys, as the stream store always had)."""
    return sha256(json.dumps(record, sort_keys=True).encode())[:32]


def manifest_text(manifest: dict) -> str:
    return json.dumps(manifest, indent=1, sort_keys=True) + "\n"


def read_records(path: Path) -> dict[str, dict]:
    """``records.jsonl`` as {key: record}, every record checked against its key; a bad line is one StoreError."""
    records: dict[str, dict] = {}
    try:
        data = path.read_bytes() if path.exists() else b""
    except OSError as exc:
        raise StoreError(f"{path}: unreadable ({exc})") from None
    if b"\r" in data:
        raise StoreError(f"{path}: CRLF line endings (edited by hand)")
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        try:
            rec = json.loads(line)
            key = rec.pop("key")
        except (json.JSONDecodeError, KeyError, AttributeError, TypeError):
            raise StoreError(f"{path}:{number}: malformed record") from None
        if not isinstance(key, str) or record_key(rec) != key:
            raise StoreError(f"{path}:{number}: record {key} does not match its content (edited or corrupted)")
        if key in records:
            raise StoreError(f"{path}:{number}: record {key} is listed twice (edited by hand)")
        records[key] = rec
    return records


@dataclass
class GoldenStore:
    """A content-addressed store of units (see the module docstring); a wing subclasses it."""

    UNITS: ClassVar[str]  # folder of the manifests: "releases", "manifests"
    NAME: ClassVar[re.Pattern] = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+@=-]*")  # what a unit may be called
    WING: ClassVar[str]  # the command group: "streams", "pipelines" (names the sweep command)
    NOUN: ClassVar[str]  # what a unit is, in messages: "releases", "environments"
    FIXED: ClassVar[dict[str, str]] = {}  # files at the root with fixed content (a .gitignore for the lock)
    NESTED: ClassVar[dict[str, str]] = {}  # {folder: file it must hold}: another store inside this one, not ours

    root: Path
    _records: dict[str, dict] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.root = Path(self.root)

    # ---------------------------------------------------------------- what a wing says

    def check_name(self, name: str) -> str:
        """``name`` if it may name a unit (it becomes a path), else one StoreError."""
        if not isinstance(name, str) or not self.NAME.fullmatch(name) or name in (".", ".."):
            raise StoreError(f"{name!r} cannot name a {self.UNITS[:-1]} (it would not be a file in {self.UNITS}/)")
        return name

    def unit_order(self, name: str):
        return name

    def keys_of(self, manifest: dict) -> Iterable[str]:
        """The record keys a manifest references."""
        raise NotImplementedError

    def blobs_of(self, record: dict) -> Iterable[str]:
        """The blob digests a record references."""
        raise NotImplementedError

    @property
    def sweep_command(self) -> str:
        return f"rngbench {self.WING} verify --sweep --store {self.root}"

    # ---------------------------------------------------------------- reading

    def unit_path(self, name: str) -> Path:
        """The one place a unit's name becomes a path: checked first, so no name can point outside the store."""
        return self.root / self.UNITS / f"{self.check_name(name)}.json"

    def index(self) -> dict[str, str]:
        """{unit name: sha256 of its manifest}; anything but the exact format is one StoreError."""
        path = self.root / INDEX
        if not path.exists():
            return {}
        try:
            data = path.read_bytes()
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreError(f"{path}: unreadable ({exc})") from None
        if "\r" in text:
            raise StoreError(f"{path}: CRLF line endings (edited by hand)")
        if text and not text.endswith("\n"):
            raise StoreError(f"{path}: truncated (the last line has no end)")
        index: dict[str, str] = {}
        for number, line in enumerate(text.splitlines(), 1):
            match = _INDEX_LINE.match(line)
            if not match or match.group(2) != self.UNITS:
                raise StoreError(f"{path}:{number}: malformed line in {INDEX}")
            name = match.group(3)
            try:
                self.check_name(name)
            except StoreError as exc:
                raise StoreError(f"{path}:{number}: {exc}") from None
            if name in index:
                raise StoreError(f"{path}:{number}: {self.UNITS}/{name}.json is listed twice")
            index[name] = match.group(1)
        return index

    def names(self) -> list[str]:
        """Complete units: those INDEX lists."""
        return sorted(self.index(), key=self.unit_order)

    def manifest_bytes(self, name: str, index: dict[str, str] | None = None) -> bytes:
        """The manifest of ``name`` checked against INDEX; a dead writer's committed manifest is read from the
        temporary file it was still waiting in (debris the next writer moves into place)."""
        index = self.index() if index is None else index
        path = self.unit_path(name)
        expected = index.get(name)
        if expected is None:
            raise StoreError(f"{path}: not listed in {INDEX}")
        try:
            data = path.read_bytes()
        except OSError:
            data = None
        if data is not None and sha256(data) == expected:
            return data
        for waiting in self._temp_files_of(path):
            if sha256(waiting.read_bytes()) == expected:
                return waiting.read_bytes()
        if data is None:
            raise StoreError(f"{path}: missing")
        raise StoreError(f"{path}: checksum does not match {INDEX} (edited or corrupted)")

    def manifest(self, name: str) -> dict:
        try:
            doc = json.loads(self.manifest_bytes(name))
        except json.JSONDecodeError:
            raise StoreError(f"{self.unit_path(name)}: not valid JSON") from None
        if not isinstance(doc, dict):
            raise StoreError(f"{self.unit_path(name)}: not a manifest")
        return doc

    def records(self) -> dict[str, dict]:
        if self._records is None:
            self._records = read_records(self.root / RECORDS)
        return self._records

    def record(self, key: str) -> dict:
        try:
            return self.records()[key]
        except KeyError:
            raise StoreError(f"{self.root / RECORDS}: record {key} is missing") from None

    def blob_path(self, digest: str) -> Path:
        try:
            return blobs.path_in(self.root, digest)
        except ValueError as exc:
            raise StoreError(str(exc)) from None

    def blob(self, digest: str) -> blobs.Blob:
        try:
            return blobs.read(self.root, digest)
        except ValueError as exc:
            raise StoreError(str(exc)) from None

    # ---------------------------------------------------------------- writing

    @contextmanager
    def writing(self, purpose: str) -> Iterator[None]:
        """Hold the store's one writer lock; recover from any dead writer; then let the caller write."""
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(f"{self.root} is a file, not a store")
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create a store at {self.root} ({exc.strerror})") from None
        with hold_lock(self.root / LOCK, purpose):
            self._records = None  # another writer may have changed the store while we waited
            self.recover()
            yield

    def recover(self) -> list[str]:
        """Under the lock: finish or remove what dead writers left; returns what was done, one line each."""
        done = []
        index = self.index()
        for name in index:  # a manifest INDEX committed but the writer died before renaming it into place
            path = self.unit_path(name)
            current = path.read_bytes() if path.is_file() else None
            if current is not None and sha256(current) == index[name]:
                continue
            for waiting in self._temp_files_of(path):
                if sha256(waiting.read_bytes()) == index[name]:
                    os.replace(waiting, path)
                    done.append(f"{path}: moved into place from {waiting.name}")
                    break
        for path in self._temp_files():
            path.unlink(missing_ok=True)
            done.append(f"{path}: removed (a dead writer's temporary file)")
        for path, _why in self._unreferenced():
            if path.name == RECORDS:
                self._write_records(self.records(), self._used_keys())
            else:
                path.unlink(missing_ok=True)
            done.append(f"{path}: removed (unreferenced)")
        for rel, content in self.FIXED.items():
            if not (self.root / rel).is_file():
                atomic.write_text(self.root / rel, content)
                done.append(f"{self.root / rel}: written")
        self._records = None
        return done

    def put_array(self, values: np.ndarray, *, exact: bool = False) -> str:
        """Store ``values`` as a blob (once, whoever else stored the same bytes); returns its digest."""
        data = blobs.encode(values, exact=exact)
        digest = blobs.blob_digest(data)
        if not self.blob_path(digest).exists():
            atomic.write_bytes(self.blob_path(digest), data)
        return digest

    def commit(self, name: str, manifest: dict, records: dict[str, dict]) -> None:
        """Add (or replace) unit ``name`` under the lock: its records, then INDEX, then its manifest; then prune.

        ``records`` holds at least every record the manifest references (blobs already written).
        """
        path = self.unit_path(name)
        missing = sorted(set(self.keys_of(manifest)) - set(records))
        if missing:
            raise StoreError(f"{path}: references record {missing[0]}, which is not being stored")
        merged = {**self.records(), **records}
        self._write_records(merged, self._used_keys() | set(self.keys_of(manifest)))
        text = manifest_text(manifest)
        index = self.index()
        index[name] = sha256(text.encode())
        with atomic.replacing(path) as waiting:  # renamed into place only after INDEX: INDEX is the commit point
            waiting.write_text(text)
            lines = [f"{index[n]}  {self.UNITS}/{n}.json\n" for n in sorted(index, key=self.unit_order)]
            atomic.write_text(self.root / INDEX, "".join(lines))
        self._write_records(self.records(), self._used_keys())  # the replaced manifest's records, if unused now
        self._prune_blobs()

    def _write_records(self, records: dict[str, dict], keep: set[str]) -> None:
        lines = [json.dumps({"key": k, **records[k]}, sort_keys=True) + "\n" for k in sorted(records) if k in keep]
        text = "".join(lines)
        path = self.root / RECORDS
        if not path.exists() or path.read_text() != text:
            atomic.write_text(path, text)
        self._records = {k: records[k] for k in records if k in keep}

    def _used_keys(self) -> set[str]:
        used: set[str] = set()
        index = self.index()
        for name in index:
            used.update(self.keys_of(json.loads(self.manifest_bytes(name, index))))
        return used

    def _used_blobs(self) -> set[str]:
        return {d for rec in self.records().values() for d in self.blobs_of(rec)}

    def _prune_blobs(self) -> None:
        used = self._used_blobs()
        for path in self._blob_files():
            if path.stem not in used:
                path.unlink(missing_ok=True)

    # ---------------------------------------------------------------- the store's files

    def _own_dirs(self) -> list[Path]:
        """Every folder of this store (a nested store's folder is not one of them)."""
        blob_root = self.root / BLOBS
        subdirs = sorted(p for p in blob_root.iterdir() if p.is_dir()) if blob_root.is_dir() else []
        return [self.root, self.root / self.UNITS, blob_root, *subdirs]

    def _temp_files(self) -> list[Path]:
        return [p for d in self._own_dirs() if d.is_dir() for p in sorted(d.iterdir())
                if atomic.temp_writer(p) is not None and p.is_file()]

    def _temp_files_of(self, path: Path) -> list[Path]:
        return [p for p in sorted(path.parent.glob(f".{path.name}.tmp*")) if atomic.temp_target(p) == path]

    def _blob_files(self) -> list[Path]:
        blob_root = self.root / BLOBS
        return [p for p in sorted(blob_root.glob("*/*.z")) if blobs.DIGEST.fullmatch(p.stem)
                and p.parent.name == p.stem[:2] and not p.is_symlink()]

    def _unreferenced(self) -> list[tuple[Path, str]]:
        """Well-formed records and blobs nothing references (a dead writer's, or a replaced unit's): safe to remove.

        Not manifests: a writer puts a manifest in place only after INDEX lists it, so an unlisted one was added
        by hand or lost its INDEX line -- damage, for a person to look at."""
        out = []
        records = self.records()
        used_keys = self._used_keys()
        if set(records) - used_keys:
            out.append((self.root / RECORDS, f"{len(set(records) - used_keys)} record(s) no manifest references"))
        used_blobs = {d for k in used_keys if k in records for d in self.blobs_of(records[k])}
        for path in self._blob_files():
            if path.stem not in used_blobs:
                out.append((path, "no record references it"))
        return out

    # ---------------------------------------------------------------- checking

    def debris(self) -> list[str]:
        """What dead writers left, one line each (harmless; the next writer or :attr:`sweep_command` removes it).

        A temporary file whose writer is still running is a write in flight, not debris.
        """
        if not self.root.is_dir():
            return []
        lines = [f"{p}: temporary file of a dead writer (pid {atomic.temp_writer(p)})" for p in self._temp_files()
                 if not atomic.alive(atomic.temp_writer(p))]
        try:
            lines += [f"{path}: unreferenced ({why})" for path, why in self._unreferenced()]
        except StoreError:
            pass  # damage, which verify names
        return lines

    def debris_note(self) -> str | None:
        """One line for readers: how much debris there is and the command that sweeps it."""
        found = self.debris()
        if not found:
            return None
        return (f"{len(found)} file(s) of debris in {self.root} (left by an interrupted writer; the data is intact): "
                f"{found[0]}; `{self.sweep_command}` or the next write removes them")

    def readable(self) -> str | None:
        """The gate every reader (check, report, attribute) passes first: one StoreError naming the first damage
        (a cut INDEX must not silently shift which unit is "newest"), else the debris note (None: no debris)."""
        problems = self.verify()
        if problems:
            more = f"and {len(problems) - 1} more: " if len(problems) > 1 else ""
            raise StoreError(f"the store is damaged: {problems[0]} ({more}`rngbench {self.WING} verify`)")
        return self.debris_note()

    def sweep(self) -> list[str]:
        """Take the lock and recover (what ``verify --sweep`` runs); returns what was done."""
        with hold_lock(self.root / LOCK, "sweeping debris"):
            self._records = None
            return self.recover()

    def verify_report(self, sweep: bool = False, shown: int = 20) -> tuple[list[str], list[str]]:
        """What ``verify`` prints: (lines for stdout, lines for stderr); damage is the stderr lines starting
        ``error:``.  ``sweep`` first recovers under the lock, as a writer would."""
        out = self.sweep() if sweep else []
        err = [f"debris: {line} (`{self.sweep_command}` removes it)" for line in self.debris()]
        problems = self.verify()
        err += [f"error: {line}" for line in problems[:shown]]
        if len(problems) > shown:
            err.append(f"error: … and {len(problems) - shown} more")
        if not problems:
            out.append(f"store intact: {len(self.names())} {self.NOUN}, {len(self.records())} distinct records")
        return out, err

    def verify(self) -> list[str]:
        """Every piece of damage found, one line each; empty when the store is intact (debris is not damage)."""
        if not self.root.is_dir():
            return [f"{self.root}: no store there"]
        try:
            index = self.index()
        except StoreError as exc:
            return [str(exc)]
        if not index:
            return [f"{self.root / INDEX}: missing or empty"]
        problems = self._unknown_files()
        for name in sorted(index, key=self.unit_order):
            try:
                self.manifest(name)
            except StoreError as exc:
                problems.append(str(exc))
        try:
            records = self.records()
        except StoreError as exc:
            return problems + [str(exc)]
        if problems:
            return problems
        for name in sorted(index, key=self.unit_order):
            for key in self.keys_of(self.manifest(name)):
                if key not in records:
                    problems.append(f"{self.unit_path(name)}: record {key} is missing")
        for digest in sorted(self._used_blobs()):
            try:
                self.blob(digest)
            except StoreError as exc:
                problems.append(str(exc))
        return problems + self.verify_units()

    def verify_units(self) -> list[str]:
        """A wing's own checks of its manifests (run once the files are intact)."""
        return []

    def _unknown_files(self) -> list[str]:
        """Every file or folder that is not one of the store's own, and every missing fixed file."""
        problems = []
        index = self.index()
        expected_root = {INDEX, RECORDS, self.UNITS, BLOBS, LOCK, LOCK + ".holder", *self.FIXED, *self.NESTED}
        units, blob_root = self.root / self.UNITS, self.root / BLOBS
        for folder in self._own_dirs():
            for path in sorted(folder.iterdir()) if folder.is_dir() and not folder.is_symlink() else []:
                if path.is_symlink():
                    problems.append(f"{path}: a symbolic link (a store holds only its own files)")
                elif atomic.temp_writer(path) is not None and path.is_file():
                    continue  # a write in flight, or debris
                elif folder == self.root and path.name in expected_root:
                    continue
                elif folder == units and path.suffix == ".json" and self.NAME.fullmatch(path.stem) and path.is_file():
                    if path.stem not in index:
                        problems.append(f"{path}: not listed in {INDEX} (added by hand, or INDEX lost its line)")
                elif folder == blob_root and path.is_dir() and _BLOB_DIR.fullmatch(path.name):
                    continue
                elif (folder.parent == blob_root and path.suffix == ".z" and blobs.DIGEST.fullmatch(path.stem)
                      and path.stem[:2] == folder.name and path.is_file()):
                    continue
                else:
                    kind = "folder" if path.is_dir() else "file"
                    problems.append(f"{path}: unknown {kind} (not one of the store's own)")
        for rel, content in self.FIXED.items():
            path = self.root / rel
            if not path.is_file() or path.read_text() != content:
                problems.append(f"{path}: {'missing' if not path.is_file() else 'changed'} (part of the store)")
        for folder, marker in self.NESTED.items():
            if (self.root / folder).is_dir() and not (self.root / folder / marker).is_file():
                problems.append(f"{self.root / folder / marker}: missing (the nested store {folder}/ needs it)")
        return problems
