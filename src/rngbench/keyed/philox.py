"""Philox4x64-10 in numba, bit-for-bit the stream numpy's ``np.random.Philox`` gives.

Why a second implementation: numpy's bit generators cannot be created or
advanced inside ``njit``/``prange`` code without a Python object per stream,
which is exactly the per-item cost keyed streams exist to avoid.  A
counter-based generator needs no object: a stream *is* its 128-bit key and
256-bit counter, so a kernel can start any item's stream from two integers.

Being exactly numpy's stream matters because then every result of a numba
kernel can be reproduced, and checked, with plain numpy:
``Generator(Philox(key=..., counter=...))`` draws the same numbers.

The state of one stream is a ``uint64[STATE_WORDS]`` array laid out as numpy's
C struct: counter (4 words), key (2), the 4-word output buffer, the buffer
position, and the buffered upper half of a split 64-bit word (numpy's
``next_uint32`` returns the low half of a fresh 64-bit draw and keeps the high
half for the next call).  numpy starts with an *empty* buffer, so the first
draw increments the counter before computing a block: ``Philox(counter=c)``
first returns block ``c + 1`` (carrying across the four 64-bit words).

Bounded integers and doubles follow numpy's ``distributions.c``: Lemire's
multiply-and-reject method, taking one 32-bit half when the range fits in 32
bits and a full 64-bit word otherwise; doubles are the top 53 bits of a word.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

STATE_WORDS = 13
COUNTER, KEY, BUFFER, BUFFER_POS, HAS_HALF, HALF = 0, 4, 6, 10, 11, 12
BLOCK_WORDS = 4

# Random123's constants for philox4x64: round multipliers and Weyl key increments.
_M0 = np.uint64(0xD2E7470EE14C6C93)
_M1 = np.uint64(0xCA5A826395121157)
_W0 = np.uint64(0x9E3779B97F4A7C15)
_W1 = np.uint64(0xBB67AE8584CAA73B)
_ROUNDS = 10

_ZERO = np.uint64(0)
_ONE = np.uint64(1)
_FULL_BLOCK = np.uint64(BLOCK_WORDS)
_LOW32 = np.uint64(0xFFFFFFFF)
_MAX64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_SHIFT32 = np.uint64(32)
_SHIFT11 = np.uint64(11)
_TWO_POW_M53 = 1.0 / 9007199254740992.0


@intrinsic
def mulhilo(typingctx, a, b):
    """``(high, low)`` 64-bit words of the 128-bit product ``a * b`` (one machine multiply on x86-64)."""
    if a != types.uint64 or b != types.uint64:
        return None
    sig = types.UniTuple(types.uint64, 2)(types.uint64, types.uint64)

    def codegen(context, builder, signature, args):
        wide = ir.IntType(128)
        word = ir.IntType(64)
        product = builder.mul(builder.zext(args[0], wide), builder.zext(args[1], wide))
        high = builder.trunc(builder.lshr(product, ir.Constant(wide, 64)), word)
        low = builder.trunc(product, word)
        return context.make_tuple(builder, signature.return_type, (high, low))

    return sig, codegen


@njit(cache=True, inline="always")
def block(c0, c1, c2, c3, k0, k1):
    """The Philox4x64-10 bijection of counter ``(c0..c3)`` under key ``(k0, k1)``: four output words."""
    for r in range(_ROUNDS):
        if r > 0:
            k0 += _W0
            k1 += _W1
        hi0, lo0 = mulhilo(_M0, c0)
        hi1, lo1 = mulhilo(_M1, c2)
        c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
    return c0, c1, c2, c3


@njit(cache=True, inline="always")
def init_state(state, k0, k1, c0, c1, c2, c3):
    """Make ``state`` a fresh stream, as ``Philox(key=(k0, k1), counter=(c0, .., c3))`` is."""
    state[COUNTER] = c0
    state[COUNTER + 1] = c1
    state[COUNTER + 2] = c2
    state[COUNTER + 3] = c3
    state[KEY] = k0
    state[KEY + 1] = k1
    state[BUFFER_POS] = _FULL_BLOCK  # empty buffer: the first draw increments the counter first
    state[HAS_HALF] = _ZERO
    state[HALF] = _ZERO


@njit(cache=True)
def new_state(k0, k1, c0, c1, c2, c3):
    """A fresh stream state array (see :func:`init_state`)."""
    state = np.empty(STATE_WORDS, dtype=np.uint64)
    init_state(state, k0, k1, c0, c1, c2, c3)
    return state


@njit(cache=True, inline="always")
def next64(state):
    """The next raw 64-bit word: numpy's ``random_raw`` (refills the 4-word buffer every fourth call)."""
    pos = state[BUFFER_POS]
    if pos < _FULL_BLOCK:
        state[BUFFER_POS] = pos + _ONE
        return state[BUFFER + pos]
    c0 = state[COUNTER] + _ONE
    c1 = state[COUNTER + 1]
    c2 = state[COUNTER + 2]
    c3 = state[COUNTER + 3]
    if c0 == _ZERO:  # carry into the next word, as a 256-bit counter
        c1 += _ONE
        if c1 == _ZERO:
            c2 += _ONE
            if c2 == _ZERO:
                c3 += _ONE
    state[COUNTER] = c0
    state[COUNTER + 1] = c1
    state[COUNTER + 2] = c2
    state[COUNTER + 3] = c3
    o0, o1, o2, o3 = block(c0, c1, c2, c3, state[KEY], state[KEY + 1])
    state[BUFFER] = o0
    state[BUFFER + 1] = o1
    state[BUFFER + 2] = o2
    state[BUFFER + 3] = o3
    state[BUFFER_POS] = _ONE
    return o0


@njit(cache=True, inline="always")
def next32(state):
    """numpy's ``next_uint32``: the low half of a fresh word, then its buffered high half."""
    if state[HAS_HALF] != _ZERO:
        state[HAS_HALF] = _ZERO
        return state[HALF]
    word = next64(state)
    state[HAS_HALF] = _ONE
    state[HALF] = word >> _SHIFT32
    return word & _LOW32


@njit(cache=True, inline="always")
def next_double(state):
    """numpy's ``Generator.random()``: the top 53 bits of a word, scaled to [0, 1)."""
    return np.float64(next64(state) >> _SHIFT11) * _TWO_POW_M53


@njit(cache=True, inline="always")
def _lemire32(state, rng):
    """A uniform integer in [0, rng] for rng < 2**32 - 1 from 32-bit halves (Lemire's method)."""
    span = rng + _ONE
    product = next32(state) * span
    leftover = product & _LOW32
    if leftover < span:
        threshold = (_LOW32 - rng) % span
        while leftover < threshold:
            product = next32(state) * span
            leftover = product & _LOW32
    return product >> _SHIFT32


@njit(cache=True, inline="always")
def _lemire64(state, rng):
    """A uniform integer in [0, rng] for rng < 2**64 - 1 from whole words (Lemire's method)."""
    span = rng + _ONE
    high, low = mulhilo(next64(state), span)
    if low < span:
        threshold = (_MAX64 - rng) % span
        while low < threshold:
            high, low = mulhilo(next64(state), span)
    return high


@njit(cache=True)
def _bounded_wide(state, r):
    """:func:`bounded` for r >= 2**32 - 1: the raw half, the raw word, or 64-bit Lemire."""
    if r == _LOW32:
        return next32(state)
    if r == _MAX64:
        return next64(state)
    return _lemire64(state, r)


@njit(cache=True, inline="always")
def bounded(state, rng):
    """A uniform ``uint64`` in [0, rng] (inclusive), drawn as numpy's ``random_bounded_uint64`` draws it.

    The path depends on ``rng``: 0 draws nothing, ranges below 2**32 - 1 use
    32-bit halves (so two such draws share one raw word), 2**32 - 1 and
    2**64 - 1 take the raw half/word unchanged, everything else 64-bit Lemire.
    The wide ranges are a separate (not inlined) call: inlining them into
    sampling loops made the common 32-bit draws several times slower.
    """
    r = np.uint64(rng)  # a new name: rebinding an int64 argument to uint64 would unify both to float64
    if r == _ZERO:
        return _ZERO
    if r < _LOW32:
        return _lemire32(state, r)
    return _bounded_wide(state, r)


@njit(cache=True, inline="always")
def integers(state, low, high):
    """``Generator.integers(low, high)`` for int64 (``high`` exclusive): one value."""
    return np.int64(np.uint64(low) + bounded(state, np.uint64(high) - np.uint64(low) - _ONE))


@njit(cache=True)
def integers_fill(state, low, high, out):
    """``Generator.integers(low, high, size=out.size)`` for int64, into ``out``."""
    for i in range(out.size):
        out[i] = integers(state, low, high)
    return out


@njit(cache=True)
def random_fill(state, out):
    """``Generator.random(size=out.size)`` into ``out``."""
    for i in range(out.size):
        out[i] = next_double(state)
    return out


@njit(cache=True)
def raw_fill(state, out):
    """``Philox.random_raw(out.size)`` into ``out``."""
    for i in range(out.size):
        out[i] = next64(state)
    return out


# ---------------------------------------------------------------- numpy <-> state array


PADDED_WORDS = 24
"""Row width of tables whose rows different threads write all the time: 192 bytes keep any two rows' words
at least 88 bytes apart, so no 64-byte cache line holds state of two threads (no false sharing)."""


def fresh_table(keys, row_words: int = STATE_WORDS) -> np.ndarray:
    """One fresh state row per key (an ``(n, 2)`` uint64 array), counters at zero: n streams in one step.

    ``row_words`` > ``STATE_WORDS`` pads rows (see :data:`PADDED_WORDS`).
    """
    keys = np.asarray(keys, dtype=np.uint64).reshape(-1, 2)
    table = np.zeros((keys.shape[0], row_words), dtype=np.uint64)
    table[:, KEY:KEY + 2] = keys
    table[:, BUFFER_POS] = BLOCK_WORDS
    return table


def _words(value: int, n: int) -> list[int]:
    return [(int(value) >> (64 * i)) & 0xFFFFFFFFFFFFFFFF for i in range(n)]


def fresh(key, counter=0) -> np.ndarray:
    """The state array of ``np.random.Philox(key=key, counter=counter)`` (ints or word sequences, low word first)."""
    key_words = _words(key, 2) if np.ndim(key) == 0 else [int(k) for k in key]
    ctr_words = _words(counter, 4) if np.ndim(counter) == 0 else [int(c) for c in counter]
    if len(key_words) != 2 or len(ctr_words) != 4:
        raise ValueError("a Philox key has 2 words and a counter 4")
    return new_state(*(np.uint64(w) for w in key_words + ctr_words))


def from_numpy(bit_generator: np.random.Philox) -> np.ndarray:
    """The state array of a numpy Philox, buffer included: the numba stream continues where numpy's is."""
    st = bit_generator.state
    state = np.zeros(STATE_WORDS, dtype=np.uint64)
    state[COUNTER:COUNTER + 4] = st["state"]["counter"]
    state[KEY:KEY + 2] = st["state"]["key"]
    state[BUFFER:BUFFER + 4] = st["buffer"]
    state[BUFFER_POS] = st["buffer_pos"]
    state[HAS_HALF] = st["has_uint32"]
    state[HALF] = st["uinteger"]
    return state


def to_numpy(state: np.ndarray) -> np.random.Philox:
    """A numpy Philox in exactly this state (so numpy can continue a numba stream, or compare states)."""
    bit_generator = np.random.Philox(key=0)
    bit_generator.state = {
        "bit_generator": "Philox",
        "state": {"counter": state[COUNTER:COUNTER + 4].copy(), "key": state[KEY:KEY + 2].copy()},
        "buffer": state[BUFFER:BUFFER + 4].copy(),
        "buffer_pos": int(state[BUFFER_POS]),
        "has_uint32": int(state[HAS_HALF]),
        "uinteger": int(state[HALF]),
    }
    return bit_generator
