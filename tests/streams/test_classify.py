"""Classification of a case's change between two releases, on synthetic records."""

from __future__ import annotations

import numpy as np
import pytest

from rngbench.golden import blob as blobs
from rngbench.streams.classify import classify
from rngbench.streams.store import build_record


def rec(values, state="s0", status="ok", error=None):
    record = build_record({"status": status, "error": error, "state": state}, values)
    if values is not None:
        record["_values"] = values
    return record


def load(record):
    return blobs.Blob.from_values(record["_values"])


def stored_load(record):
    """The same, but through an encoded-and-decoded blob, as the store does it."""
    return blobs.decode(blobs.encode(record["_values"]))


BASE = np.random.default_rng(1).standard_normal(20000)


@pytest.mark.parametrize("loader", [load, stored_load])
def test_identical(loader):
    assert classify(rec(BASE), rec(BASE.copy()), loader) is None


@pytest.mark.parametrize("loader", [load, stored_load])
def test_roundoff(loader):
    other = BASE.copy()
    other[::7] = np.nextafter(other[::7], np.inf)
    change = classify(rec(BASE), rec(other), loader)
    assert change.kind == "roundoff"
    assert change.first_index == 0
    assert change.max_ulp == 1.0
    assert change.fraction == pytest.approx(1 / 7, abs=1e-3)


@pytest.mark.parametrize("loader", [load, stored_load])
@pytest.mark.parametrize("start", [123, 5000, 19999])
def test_stream_change_reports_first_index_and_fraction(loader, start):
    other = BASE.copy()
    other[start:] = np.random.default_rng(2).standard_normal(20000 - start)
    change = classify(rec(BASE), rec(other), loader)
    assert change.kind == "stream"
    assert change.first_index == start
    assert change.fraction == pytest.approx((20000 - start) / 20000, abs=1e-3)
    if loader is load or start < blobs.HEAD:
        assert change.max_rel > 1e-3
    else:  # past a sampled head the distance is not measured
        assert change.max_rel is None


def test_roundoff_past_the_sampled_head():
    other = BASE.copy()
    other[15000:15010] = np.nextafter(other[15000:15010], np.inf)
    change = classify(rec(BASE), rec(other), stored_load)
    assert change.kind == "roundoff" and change.first_index == 15000


def test_small_stream_change_past_the_head_is_not_roundoff():
    other = BASE.copy()
    other[15000] += 0.5
    change = classify(rec(BASE), rec(other), stored_load)
    assert change.kind == "stream" and change.first_index == 15000


def test_cancellation_roundoff_is_roundoff():
    """A near-zero element may lose all relative precision to LAPACK roundoff: judged on the output's scale."""
    base = np.random.default_rng(3).standard_normal((20000, 3)) * 10
    other = base.copy()
    other[0, 0] = 1e-15
    base[0, 0] = 3e-15
    other[5:50] *= 1 + 4e-13
    change = classify(rec(base), rec(other), load)
    assert change.kind == "roundoff" and change.max_rel > 0.5


def test_roundoff_with_different_state_is_a_state_change():
    other = BASE.copy()
    other[5] = np.nextafter(other[5], -np.inf)
    assert classify(rec(BASE, "a"), rec(other, "b"), load).kind == "state"


def test_state_only():
    assert classify(rec(BASE, "a"), rec(BASE, "b"), load).kind == "state"


def test_integer_difference_is_never_roundoff():
    a = np.arange(20000)
    b = a.copy()
    b[10] += 1
    change = classify(rec(a), rec(b), load)
    assert change.kind == "stream" and change.first_index == 10 and change.fraction == pytest.approx(1 / 20000)


def test_shape_and_dtype():
    assert classify(rec(BASE), rec(BASE.reshape(100, 200)), load).kind == "shape"
    assert classify(rec(BASE), rec(BASE.astype(np.float32)), load).kind == "shape"


def test_absent_and_raises():
    assert classify(rec(None, status="absent", state=None), rec(BASE), load).kind == "absent"
    assert classify(rec(BASE), rec(None, status="raises", error="ValueError", state=None), load).kind == "raises"
    assert classify(rec(None, status="raises", error="ValueError", state=None),
                    rec(None, status="raises", error="TypeError", state=None), load).kind == "raises"
    assert classify(rec(None, status="raises", error="ValueError", state=None),
                    rec(None, status="raises", error="ValueError", state=None), load) is None


def test_blob_keeps_integers_in_full_and_floats_sampled():
    ints = np.random.default_rng(0).binomial(10, 0.3, 20000)
    floats = BASE
    assert b'"mode": "full"' in blobs.encode(ints).split(b"\n", 1)[0]
    assert b'"mode": "sampled"' in blobs.encode(floats).split(b"\n", 1)[0]
    np.testing.assert_array_equal(blobs.decode(blobs.encode(ints)).exact, ints)
    decoded = blobs.decode(blobs.encode(floats))
    np.testing.assert_array_equal(decoded.exact, floats[: blobs.HEAD])
    np.testing.assert_array_equal(decoded.prints, blobs.fingerprints(floats))


def test_fingerprints_see_every_byte():
    a = np.zeros(3, dtype=np.complex128)
    b = a.copy()
    b[1] = 1j  # only the second 8-byte word changes
    fa, fb = blobs.fingerprints(a), blobs.fingerprints(b)
    assert fa[0] == fb[0] and fa[1] != fb[1]


@pytest.mark.parametrize("loader", [load, stored_load])
def test_swapped_values_are_a_stream_change_even_with_equal_statistics(loader):
    """sum, sum |x|, min and max survive a swap; the ULP distance does not."""
    other = BASE.copy()
    other[[3, 4]] = other[[4, 3]]
    change = classify(rec(BASE), rec(other), loader)
    assert change.kind == "stream" and change.first_index == 3 and change.fraction == pytest.approx(2 / 20000)
