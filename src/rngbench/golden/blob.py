"""How one recorded output array is kept in a golden store, small enough for every release.

Storing 20,000 float64 draws for ~900 cases in full costs ~140 MB for a single
release; random doubles do not compress.  A blob therefore keeps whichever is
smaller once compressed:

- ``full``: every value, exactly (integer-valued outputs usually compress well),
  preferred unless it costs ``FULL_PREMIUM`` times the sampled form;
- ``sampled``: the first ``HEAD`` values exactly, plus an 8-bit fingerprint of
  *every* value.

Exact identity never depends on this choice: the store also keeps the SHA-256
of the full output.  The blob is what lets a comparison say *where* two streams
part (exact index inside the head; beyond it, the first fingerprint mismatch,
which is late only if the first changed value's fingerprint collides, p = 1/256)
and *how many* values differ (fingerprint mismatches, corrected for the 1/256
of changed values that collide), and measure roundoff (max ULP / relative
difference) on exact values.  Sixteen-bit fingerprints would make the store
twice as large for a precision nobody reads.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BLOB_FORMAT = 1
HEAD = 500  # values kept exactly in a sampled blob
PRINT_DTYPE = np.dtype("u1")  # fingerprint width
COLLISION = 1 / 256  # chance that a changed value keeps its fingerprint
FULL_PREMIUM = 1.5  # exact values are worth half as many bytes again
LEVEL = 6  # zlib level: 9 is 5x slower for a few percent
DIGEST = re.compile(r"[0-9a-f]{32}")  # a blob's name: the first 128 bits of its sha256
_MIX = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio multiplier: spreads every input bit into the top bits
_SHIFT = np.uint64(29)
_TOP = np.uint64(64 - 8 * PRINT_DTYPE.itemsize)


def value_digest(values: np.ndarray) -> str:
    """The exact identity of an output: dtype, shape and every byte."""
    h = hashlib.sha256()
    h.update(f"{values.dtype.str}{list(values.shape)}".encode())
    h.update(np.ascontiguousarray(values).tobytes())
    return h.hexdigest()[:32]


def fingerprints(values: np.ndarray) -> np.ndarray:
    """One small hash per element (``PRINT_DTYPE``) of all of that element's bytes."""
    flat = np.ascontiguousarray(values).reshape(-1)
    raw = flat.view(np.uint8).reshape(flat.size, flat.dtype.itemsize)
    width = -(-flat.dtype.itemsize // 8) * 8
    if width != flat.dtype.itemsize:
        raw = np.pad(raw, ((0, 0), (0, width - flat.dtype.itemsize)))
    words = np.ascontiguousarray(raw).view("<u8").reshape(flat.size, width // 8)
    h = np.zeros(flat.size, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in words.T:
            h = (h ^ column) * _MIX
            h ^= h >> _SHIFT
    return (h >> _TOP).astype(PRINT_DTYPE)


def summary_stats(values: np.ndarray) -> list[str]:
    """sum, sum of |x|, min, max in float64: roundoff barely moves them, a new stream does.

    Kept as ``repr`` strings so that nan / inf survive JSON unchanged.
    """
    if values.size == 0 or values.dtype.kind not in "biuf":
        return []
    as_float = values.astype(np.float64).reshape(-1)
    with np.errstate(all="ignore"):
        stats = [as_float.sum(), np.abs(as_float).sum(), as_float.min(), as_float.max()]
    return [repr(float(x)) for x in stats]


@dataclass
class Blob:
    """What a comparison needs of one output."""

    dtype: str
    shape: tuple[int, ...]
    exact: np.ndarray  # flattened; all values ("full") or the first HEAD ("sampled")
    prints: np.ndarray  # fingerprints of every value

    @property
    def size(self) -> int:
        return int(np.prod(self.shape)) if self.shape else 1

    @classmethod
    def from_values(cls, values: np.ndarray) -> "Blob":
        flat = np.ascontiguousarray(values).reshape(-1)
        return cls(values.dtype.str, tuple(values.shape), flat, fingerprints(flat))


def encode(values: np.ndarray, *, exact: bool = False) -> bytes:
    """The compressed blob for ``values``: full or sampled, whichever is smaller (``exact``: always full).

    A result golden needs every value of an embedding to compute a Procrustes
    disparity, so the pipelines wing stores ``exact`` blobs; a stream needs
    only where it parts from another.
    """
    flat = np.ascontiguousarray(values).reshape(-1)
    header = {"format": BLOB_FORMAT, "dtype": values.dtype.str, "shape": list(values.shape)}
    full = zlib.compress(flat.tobytes(), LEVEL)
    if flat.size > HEAD and not exact:
        payload = flat[:HEAD].tobytes() + fingerprints(flat).tobytes()
        sampled = zlib.compress(payload, LEVEL)
        if FULL_PREMIUM * len(sampled) < len(full):
            header.update(mode="sampled", head=HEAD)
            return json.dumps(header, sort_keys=True).encode() + b"\n" + sampled
    header["mode"] = "full"
    return json.dumps(header, sort_keys=True).encode() + b"\n" + full


def blob_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def decode(data: bytes) -> Blob:
    """Inverse of :func:`encode`; raises ``ValueError`` on anything malformed."""
    try:
        line, body = data.split(b"\n", 1)
        header = json.loads(line)
        payload = zlib.decompress(body)
        dtype = np.dtype(header["dtype"])
        shape = tuple(header["shape"])
        size = int(np.prod(shape)) if shape else 1
        if header["mode"] == "full":
            exact = np.frombuffer(payload, dtype=dtype)
            if exact.size != size:
                raise ValueError("size mismatch")
            return Blob(dtype.str, shape, exact, fingerprints(exact))
        head = int(header["head"])
        split = head * dtype.itemsize
        exact = np.frombuffer(payload[:split], dtype=dtype)
        prints = np.frombuffer(payload[split:], dtype=PRINT_DTYPE)
        if exact.size != head or prints.size != size:
            raise ValueError("size mismatch")
        return Blob(dtype.str, shape, exact, prints)
    except (ValueError, KeyError, TypeError, zlib.error, json.JSONDecodeError) as exc:
        raise ValueError(f"malformed blob ({exc})") from None


def path_in(root: Path, digest: str) -> Path:
    """Where a store rooted at ``root`` keeps the blob named ``digest`` (both stores use this layout)."""
    if not DIGEST.fullmatch(digest):
        raise ValueError(f"{digest!r} is not a blob digest")
    return Path(root) / "blobs" / digest[:2] / f"{digest}.z"


def read(root: Path, digest: str) -> Blob:
    """The blob ``digest`` of the store at ``root``, checked against its name; ``ValueError`` says what is wrong."""
    path = path_in(root, digest)
    try:
        data = path.read_bytes()
    except OSError:
        raise ValueError(f"{path}: missing") from None
    if blob_digest(data) != digest:
        raise ValueError(f"{path}: content does not match its name (corrupted)")
    try:
        return decode(data)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
