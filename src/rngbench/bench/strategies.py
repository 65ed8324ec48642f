"""The RNG strategies every benchmark table has as columns, as data.

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
keyed      item ``i``'s stream is Philox keyed by (i, root) (:mod:`rngbench.keyed`): in a Python-loop
           reference kernel ``keys.numpy_generator(i, root)`` per item, in a numba kernel derived in place
per-thread one spawned child per numba thread, picked by thread id (scanpy PR #4004): numba kernels only
=========  ===========================================================================

``keyed`` in a Python loop pays a Generator per item like ``spawn`` does, so
the two columns compare the streams alone; what keyed streams save (no object
per item, any thread count) is measured by the numba kernels
(``DownsampleNumba``, :mod:`rngbench.keyed`).  Item ids are the items' stable
ids (a cell's row, a batch's position, a sub-task's fixed number), never
their position in the loop, and sub-tasks inside a batch take the
``domain`` word, so keyed streams stay put when items are removed or added.

A combination that makes no sense is *n/a*: it raises :class:`NotApplicable`
(a ``NotImplementedError``, which asv records as "n/a" when raised in
``setup``), so it is shown, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import repeat

import numpy as np

from rngbench.keyed import keys

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
    why_not_reference: str = ""  # set: rngbench's Python-loop reference kernels cannot express it (n/a)
    numba_kernel: bool = False  # has a parallel numba kernel (rngbench.keyed.streams): a column of the numba tables


STRATEGIES: tuple[Strategy, ...] = (
    Strategy("legacy", "random_state=0 (legacy RandomState)", legacy=True, scanpy_api=True),
    Strategy("Generator", "rng=default_rng(0), used as the code under test uses it", legacy=False, scanpy_api=True),
    Strategy(
        "spawn", "one child Generator per item", legacy=False, scanpy_api=False,
        why_not_scanpy="scanpy decides internally whether to spawn; its API cannot be told to", numba_kernel=True,
    ),
    Strategy(
        "reuse", "one Generator for every item, in sequence", legacy=False, scanpy_api=False,
        why_not_scanpy="scanpy decides internally whether to reuse; its API cannot be told to", numba_kernel=True,
    ),
    Strategy(
        "keyed", "item i's stream is Philox keyed by (item id i, root)", legacy=False, scanpy_api=False,
        why_not_scanpy="scanpy's API takes one rng; it cannot be told to key a stream per item", numba_kernel=True,
    ),
    Strategy(
        "per-thread", "one spawned child per numba thread, picked by thread id", legacy=False, scanpy_api=False,
        why_not_scanpy="scanpy's API cannot be told to give each numba thread its own stream",
        why_not_reference="per-thread needs a parallel numba kernel; a serial Python-loop kernel would make it reuse",
        numba_kernel=True,
    ),
)
BY_NAME = {s.name: s for s in STRATEGIES}
NAMES: tuple[str, ...] = tuple(s.name for s in STRATEGIES)
NUMBA_NAMES: tuple[str, ...] = tuple(s.name for s in STRATEGIES if s.numba_kernel)
"""The columns of the numba-kernel tables (``legacy`` and ``Generator`` describe scanpy's API, not a kernel)."""


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
    A strategy the reference kernels cannot express raises :class:`NotApplicable`.
    """
    strategy = get(name)
    if strategy.why_not_reference:
        raise NotApplicable(strategy.why_not_reference)
    if strategy.legacy:
        return np.random.RandomState(seed)
    return np.random.Generator(bit_generator(seed))


def keyed_generator(item: int, rng, domain: int = 0) -> np.random.Generator:
    """Item ``item``'s keyed Generator under the root ``rng`` (see :func:`per_item`)."""
    return next(per_item("keyed", rng, 1, item_ids=[item], domain=domain))


def per_item(name: str, rng, n_items: int, item_ids=None, domain: int = 0) -> Iterator:
    """One rng per item: spawned children for ``spawn``, keyed Generators for ``keyed``, else the same object.

    ``item_ids`` (default ``range(n_items)``) are the items' stable ids, used
    by ``keyed`` only: item ``i`` draws ``keys.numpy_generator(i, root,
    domain)``, the root being one word of ``rng``'s SeedSequence.  Its Philox
    is counted like its parent when the parent counts (:class:`Counting`).
    ``spawn`` needs numpy >= 1.25 (``Generator.spawn``); a RandomState cannot spawn.
    """
    strategy = get(name)
    if name == "spawn":
        if strategy.legacy or not hasattr(rng, "spawn"):
            raise NotApplicable(f"{type(rng).__name__} cannot spawn")
        return iter(rng.spawn(n_items))
    if name == "keyed":
        root = int(keys.root_word(rng))
        ids = range(n_items) if item_ids is None else item_ids
        counting = isinstance(rng.bit_generator, Counting)
        return (_counted(keys.numpy_generator(int(i), root, domain), counting) for i in ids)
    return repeat(rng, n_items)


def _counted(generator: np.random.Generator, counting: bool) -> np.random.Generator:
    if counting:
        Counting.created += 1
    return generator


def as_random_state(name: str, rng) -> np.random.RandomState:
    """A RandomState view for solvers that only take ``random_state`` (sklearn, umap-learn).

    ``legacy`` passes the RandomState through; ``reuse`` wraps the *same* bit
    generator (draws advance the caller's stream); ``Generator`` and ``spawn``
    wrap one spawned child, as scanpy 1.13's ``_legacy_random_state`` does;
    ``keyed`` wraps item 0's keyed stream (the one solver call is item 0).
    """
    if isinstance(rng, np.random.RandomState):
        return rng
    if name == "reuse":
        return np.random.RandomState(rng.bit_generator)
    if name == "keyed":
        return np.random.RandomState(keyed_generator(0, rng).bit_generator)
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


class Counting:
    """Counts the bit generators made during a call: spawned PCG64 children and keyed Philox streams alike."""

    created = 0

    @classmethod
    def reset(cls) -> None:
        Counting.created = 0


class CountingPCG64(Counting, np.random.PCG64):
    """A PCG64 that counts how many were made: one per Generator created during a call."""

    def __init__(self, seed=None):
        super().__init__(seed)
        Counting.created += 1
