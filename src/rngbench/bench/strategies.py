"""The four RNG strategies every benchmark table has as columns, as data.

scanpy is moving from ``random_state=`` (a legacy ``RandomState``) to ``rng=``
(a ``numpy.random.Generator``).  Inside one call, per-item randomness can
either *reuse* one Generator in sequence or *spawn* one child per item
(independent streams, what parallel work needs).  The maintainers argued about
what that costs; this module pins down exactly what each column means so the
numbers in every table are comparable:

=========  ===========================================================================
legacy     ``random_state=0``: a ``RandomState(0)`` (scanpy may reseed numpy's global one)
Generator  ``rng=np.random.default_rng(0)``, used the way the code under test uses it
spawn      one child Generator per item (per cell, per batch, per sub-task, per solver call)
reuse      one Generator for every item, in sequence
=========  ===========================================================================

A combination that makes no sense is *n/a*: it raises :class:`NotApplicable`
(a ``NotImplementedError``, which asv records as "n/a" when raised in
``setup``), so it is shown, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import repeat

import numpy as np

SEED = 0
"""The one seed every strategy starts from, so columns differ only in how the stream is split."""

LAYERS = ("scanpy", "reference")
"""scanpy's public API as installed, and rngbench's own reference kernels."""


class NotApplicable(NotImplementedError):
    """A strategy that cannot be expressed for this layer / workload / scanpy version (shown as n/a)."""


@dataclass(frozen=True)
class Strategy:
    name: str
    meaning: str
    legacy: bool  # True: the rng object is a RandomState, which cannot spawn
    scanpy_api: bool  # whether scanpy's public API can be told to use this strategy
    why_not_scanpy: str = ""


STRATEGIES: tuple[Strategy, ...] = (
    Strategy("legacy", "random_state=0 (legacy RandomState)", legacy=True, scanpy_api=True),
    Strategy("Generator", "rng=default_rng(0), used as the code under test uses it", legacy=False, scanpy_api=True),
    Strategy(
        "spawn", "one child Generator per item", legacy=False, scanpy_api=False,
        why_not_scanpy="scanpy decides internally whether to spawn; its API cannot be told to",
    ),
    Strategy(
        "reuse", "one Generator for every item, in sequence", legacy=False, scanpy_api=False,
        why_not_scanpy="scanpy decides internally whether to reuse; its API cannot be told to",
    ),
)
BY_NAME = {s.name: s for s in STRATEGIES}
NAMES: tuple[str, ...] = tuple(s.name for s in STRATEGIES)


def get(name: str) -> Strategy:
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown strategy {name!r} (known: {', '.join(NAMES)})") from None


def make_rng(
    name: str, seed: int = SEED, bit_generator: Callable[[int], np.random.BitGenerator] = np.random.PCG64
) -> np.random.RandomState | np.random.Generator:
    """The rng object a strategy starts a call with.

    ``bit_generator`` lets ``track_`` benchmarks pass a counting PCG64 subclass:
    numpy's ``spawn`` builds children with ``type(parent)``, so every Generator
    made during the call is counted.
    """
    if get(name).legacy:
        return np.random.RandomState(seed)
    return np.random.Generator(bit_generator(seed))


def per_item(name: str, rng, n_items: int) -> Iterator:
    """One rng per item: ``n_items`` spawned children for ``spawn``, the same object otherwise.

    ``spawn`` needs numpy >= 1.25 (``Generator.spawn``); a RandomState cannot spawn.
    """
    strategy = get(name)
    if name == "spawn":
        if strategy.legacy or not hasattr(rng, "spawn"):
            raise NotApplicable(f"{type(rng).__name__} cannot spawn")
        return iter(rng.spawn(n_items))
    return repeat(rng, n_items)


def as_random_state(name: str, rng) -> np.random.RandomState:
    """A RandomState view for solvers that only take ``random_state`` (sklearn, umap-learn).

    ``legacy`` passes the RandomState through; ``reuse`` wraps the *same* bit
    generator (draws advance the caller's stream); ``Generator`` and ``spawn``
    wrap one spawned child, as scanpy 1.13's ``_legacy_random_state`` does.
    """
    if isinstance(rng, np.random.RandomState):
        return rng
    if name == "reuse":
        return np.random.RandomState(rng.bit_generator)
    [child] = rng.bit_generator.spawn(1)
    return np.random.RandomState(child)


def scanpy_kwargs(
    name: str, accepts_rng: bool, seed: int = SEED, bit_generator=np.random.PCG64, legacy_keyword: str = "random_state"
) -> dict:
    """Keyword arguments that express a strategy through scanpy's public API, or NotApplicable.

    ``legacy_keyword`` is the function's own name for the legacy seed (scanpy
    1.12.4's ``scrublet_simulate_doublets`` calls it ``random_seed``).
    """
    strategy = get(name)
    if not strategy.scanpy_api:
        raise NotApplicable(strategy.why_not_scanpy)
    if strategy.legacy:
        return {legacy_keyword: seed}
    if not accepts_rng:
        raise NotApplicable("the installed scanpy does not accept rng=")
    return {"rng": np.random.Generator(bit_generator(seed))}


class CountingPCG64(np.random.PCG64):
    """A PCG64 that counts how many were made: one per Generator created during a call."""

    created = 0

    def __init__(self, seed=None):
        super().__init__(seed)
        type(self).created += 1

    @classmethod
    def reset(cls) -> None:
        cls.created = 0
