"""The numba Philox4x64-10 draws exactly numpy's Philox stream: raw words, bounded ints, doubles, states."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rngbench.keyed import philox

KNOWN_ANSWERS = Path(__file__).resolve().parents[3] / "shared" / "known-answer" / "numpy-random"
MAX = (1 << 64) - 1

# Random123's published known-answer vectors for philox4x64-10 (kat_vectors): counter, key -> output block.
RANDOM123_KAT = [
    ((0, 0, 0, 0), (0, 0),
     (0x16554D9ECA36314C, 0xDB20FE9D672D0FDC, 0xD7E772CEE186176B, 0x7E68B68AEC7BA23B)),
    ((MAX, MAX, MAX, MAX), (MAX, MAX),
     (0x87B092C3013FE90B, 0x438C3C67BE8D0224, 0x9CC7D7C69CD777B6, 0xA09CAEBF594F0BA0)),
    ((0x243F6A8885A308D3, 0x13198A2E03707344, 0xA4093822299F31D0, 0x082EFA98EC4E6C89),
     (0x452821E638D01377, 0xBE5466CF34E90C6C),
     (0xA528F45403E61D95, 0x38C72DBD566E9788, 0xA5A1610E72FD18B5, 0x57BD43B5E52B7FE6)),
]


def as_int(words) -> int:
    return sum(int(w) << (64 * i) for i, w in enumerate(words))


def numpy_philox(key_words, counter_words) -> np.random.Philox:
    return np.random.Philox(key=as_int(key_words), counter=as_int(counter_words))


@pytest.mark.parametrize("counter,key,expected", RANDOM123_KAT)
def test_block_matches_random123_known_answers(counter, key, expected):
    got = philox.block(*(np.uint64(w) for w in (*counter, *key)))
    assert tuple(int(w) for w in got) == expected


def test_first_raw_draw_is_block_of_counter_plus_one():
    """numpy's buffer starts empty: the counter is incremented before the first block is made."""
    counter, key, expected = RANDOM123_KAT[2]
    before = list(counter)
    before[0] -= 1
    state = philox.fresh(key, before)
    assert [int(w) for w in philox.raw_fill(state, np.empty(4, np.uint64))] == list(expected)


def random_words(rng, n):
    return [int(w) for w in rng.integers(0, 1 << 64, size=n, dtype=np.uint64)]


def test_raw_matches_numpy_for_random_keys_and_counters():
    rng = np.random.default_rng(12)
    for _ in range(25):
        key, counter = random_words(rng, 2), random_words(rng, 4)
        n = int(rng.integers(1, 40))
        got = philox.raw_fill(philox.fresh(key, counter), np.empty(n, np.uint64))
        np.testing.assert_array_equal(got, numpy_philox(key, counter).random_raw(n))


@pytest.mark.parametrize("counter", [
    (MAX, 0, 0, 0), (MAX, MAX, 0, 0), (MAX, MAX, MAX, 0), (MAX, MAX, MAX, MAX),
    (MAX - 1, 5, MAX, 7), (MAX, MAX, 3, MAX),
])
def test_counter_wraps_across_words_like_numpy(counter):
    key = (0x0123456789ABCDEF, 42)
    state = philox.fresh(key, counter)
    got = philox.raw_fill(state, np.empty(12, np.uint64))  # three blocks: the carry happens inside
    numpy_bg = numpy_philox(key, counter)
    np.testing.assert_array_equal(got, numpy_bg.random_raw(12))
    assert as_int(state[philox.COUNTER:philox.COUNTER + 4]) == as_int(numpy_bg.state["state"]["counter"])


def read_testset(name: str) -> tuple[int, np.ndarray]:
    path = KNOWN_ANSWERS / name
    if not path.exists():
        pytest.fail(f"known-answer file {path} is missing (shared/ must sit beside the repository)")
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    seed = int(lines[0].split(",")[1], 16)
    return seed, np.array([int(line.split(",")[1], 16) for line in lines[1:]], dtype=np.uint64)


@pytest.mark.parametrize("name", ["philox-testset-1.csv", "philox-testset-2.csv"])
def test_raw_matches_numpy_known_answer_csv(name):
    seed, expected = read_testset(name)
    key = np.random.SeedSequence(seed).generate_state(2, np.uint64)  # what Philox(seed) does
    got = philox.raw_fill(philox.fresh(key, 0), np.empty(expected.size, np.uint64))
    assert expected.size >= 1000
    np.testing.assert_array_equal(got, expected)


RANGES = [  # (low, high): both 32-bit Lemire and 64-bit Lemire paths, the raw-half and rejection-heavy ranges
    (0, 1), (0, 2), (0, 7), (-5, 5), (0, 1000), (10, (1 << 31) + 11), (0, (1 << 32) - 1), (0, 1 << 32),
    (0, (1 << 32) + 1), (0, 3 << 40), (-(1 << 62), 1 << 62), (0, (1 << 63) - 1), (-(1 << 63), (1 << 63) - 1),
    (0, (1 << 62) + 1),
]


@pytest.mark.parametrize("low,high", RANGES)
def test_integers_match_numpy(low, high):
    key = (0xDEADBEEF, 7)
    got = philox.integers_fill(philox.fresh(key), low, high, np.empty(301, np.int64))
    expected = np.random.Generator(numpy_philox(key, (0, 0, 0, 0))).integers(low, high, size=301)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("rng_value", [(1 << 32) - 1, MAX])
def test_full_width_ranges_take_the_raw_half_or_word(rng_value):
    key = (3, 9)
    state = philox.fresh(key)
    got = [int(philox.bounded(state, np.uint64(rng_value))) for _ in range(9)]
    gen = np.random.Generator(numpy_philox(key, (0, 0, 0, 0)))
    low = 0 if rng_value < MAX else -(1 << 63)
    high = rng_value if rng_value < MAX else (1 << 63) - 1
    expected = [(int(v) - low) & MAX for v in gen.integers(low, high, size=9, endpoint=True, dtype=np.int64)]
    assert got == expected


def test_doubles_match_numpy():
    key = (11, 13)
    got = philox.random_fill(philox.fresh(key), np.empty(257, np.float64))
    np.testing.assert_array_equal(got, np.random.Generator(numpy_philox(key, (0, 0, 0, 0))).random(257))


def test_interleaved_scalar_calls_match_numpy_and_leave_the_same_state():
    """32-bit draws keep a buffered half across calls; a double or raw word in between does not consume it."""
    key = (99, 100)
    state = philox.fresh(key)
    gen = np.random.Generator(numpy_philox(key, (0, 0, 0, 0)))
    calls = [("int", 0, 10), ("double",), ("int", 0, 10), ("int", 5, 1 << 40), ("int", 0, 3), ("double",),
             ("int", 0, 1000)] * 7
    for call in calls:
        if call[0] == "int":
            assert philox.integers(state, call[1], call[2]) == gen.integers(call[1], call[2])
        else:
            assert philox.next_double(state) == gen.random()
    expected = gen.bit_generator.state
    got = philox.to_numpy(state).state
    for field in ("buffer_pos", "has_uint32", "uinteger"):
        assert got[field] == expected[field]
    np.testing.assert_array_equal(got["buffer"], expected["buffer"])
    for field in ("counter", "key"):
        np.testing.assert_array_equal(got["state"][field], expected["state"][field])


def test_state_round_trip_continues_a_numpy_stream():
    gen = np.random.Generator(np.random.Philox(2024))
    gen.integers(0, 10, size=3)  # leaves a buffered half and a partly used block
    state = philox.from_numpy(gen.bit_generator)
    assert int(state[philox.HAS_HALF]) == 1
    got = [philox.integers(state, 0, 10) for _ in range(11)]
    np.testing.assert_array_equal(got, gen.integers(0, 10, size=11))
