"""Each strategy keeps or breaks each invariance property exactly as the documented table says."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rngbench.keyed import keys, properties, streams

Y, N = True, False
EXPECTED = pd.DataFrame.from_dict({  # threads, subset, chunks, overlap, task-append, task-insert
    "keyed":      [Y, Y, Y, Y, Y, Y],
    "seedseq":    [Y, Y, Y, Y, Y, Y],
    "spawn":      [Y, N, N, Y, Y, N],
    "per-thread": [N, N, N, Y, N, N],
    "reuse":      [Y, N, N, Y, Y, N],  # thread-invariant only because it never runs on more than one thread
    "seed+i":     [Y, Y, Y, N, Y, Y],
}, orient="index", columns=[p.name for p in properties.PROPERTIES])


@pytest.fixture(scope="module")
def table():
    return properties.measure()


def test_every_strategy_keeps_or_breaks_each_property_as_documented(table):
    assert list(table.index) == list(streams.NAMES)
    pd.testing.assert_frame_equal(properties.holds(table), EXPECTED)


def test_the_failures_are_large(table):
    assert table.loc["seed+i", "overlap"] >= 0.99  # seed + i: run r+1 redraws all but one of run r's streams
    assert table.loc["per-thread", "threads"] <= 0.5  # the same seed gives other cells on another machine
    assert table.loc[["spawn", "per-thread", "reuse"], "subset"].max() < 0.1


def test_markdown_shows_verdict_and_value(table):
    text = properties.markdown(table)
    assert "| keyed" in text and "yes (1.000)" in text and "no (0.999)" in text


def test_key_is_injective_in_item_and_root():
    pairs = [(i, r) for i in range(50) for r in range(50)]
    assert len({keys.key(i, r) for i, r in pairs}) == len(pairs)
    assert keys.key(1, 0) != keys.key(0, 1)  # seed + i would map both to the same stream


def test_root_from_a_generator_is_a_word_of_its_seed_sequence():
    gen = np.random.default_rng(5)
    assert int(keys.root_word(gen)) == int(np.random.SeedSequence(5).generate_state(1, np.uint64)[0])
    with pytest.raises(TypeError, match="a root seed is an int"):
        keys.root_word("5")
