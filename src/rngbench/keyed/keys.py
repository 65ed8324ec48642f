"""Key derivation: (item id, root seed) -> the Philox key of that item's stream.

The key of item ``i`` under root seed ``r`` is the pair of words ``(i, r)``:
the item id in the first key word, the root in the second ("ids before the
root seed", as numpy's parallel guide orders ``SeedSequence([worker_id,
root_seed])``).  A stream may also carry a ``domain`` in the top counter word,
so that different uses of one root (cells of a downsampling call, sub-tasks of
a UMAP call) never share a stream.

Why this is collision-safe
    The map ``(item, root) -> key`` is a bijection of 128-bit values: two items
    get the same key only if they have the same id *and* the same root.  Philox
    is a keyed bijection of the counter, designed (Random123, Salmon et al. 2011)
    for exactly this use -- the key as a stream id such as a particle or thread
    number -- with no known weak or related keys, so distinct keys are
    independent streams.  A domain's stream has 2**192 blocks before its counter
    could reach the next domain's start (the domain sits in the top counter word).

    ``seed + i`` -- ``default_rng(seed + i)`` or numpy's own docstring example
    ``Philox(key=key + i)`` -- is *not* injective in (item, root): item ``i`` under
    root ``r + 1`` is item ``i + 1`` under root ``r``, so consecutive runs share all
    but one of their streams (measured in :mod:`rngbench.keyed.properties`).
    Hashing ``[i, root]`` through ``SeedSequence`` is collision-safe only up to its
    hash (and only if ``i`` fits in 32 bits, since list entries are concatenated as
    variable-length 32-bit words) and costs a Python object per item.

Roots
    An ``int`` root in [0, 2**64) is used as it is (bijective).  A
    ``SeedSequence``, ``BitGenerator`` or ``Generator`` (what ``rng=`` receives)
    gives its root as one 64-bit word of its ``SeedSequence.generate_state``: a
    hash, so two different seed sequences collide with probability 2**-64.

Compared with JAX
    ``jax.random.fold_in(key, i)`` derives a child key by *hashing* ``i`` into the
    parent key with threefry; keys form a tree of hashes, and values do not depend
    on sharding because each element's bits come from its key and position.  Here
    the item id is not hashed but *placed* in its own key word: derivation is one
    store (no cryptographic step per item, no tree), collisions are impossible
    rather than improbable, and the stream is an ordinary numpy ``Philox`` that
    anyone can recreate with ``np.random.Philox(key=keys.key(i, root))``.  The price
    is a fixed layout: one 64-bit item id per root; deeper hierarchies go through
    ``domain`` or a fresh root.
"""

from __future__ import annotations

import numpy as np

WORD = 1 << 64


def root_word(root) -> np.uint64:
    """The 64-bit root word of a seed: an int in [0, 2**64) itself, else one word from its SeedSequence."""
    if isinstance(root, (int, np.integer)) and not isinstance(root, bool):
        if not 0 <= int(root) < WORD:
            raise ValueError(f"a root seed must be in [0, 2**64), got {int(root)}")
        return np.uint64(int(root))
    if isinstance(root, np.random.Generator):
        root = root.bit_generator
    if isinstance(root, np.random.BitGenerator):
        root = root.seed_seq
    if isinstance(root, np.random.SeedSequence):
        return np.uint64(root.generate_state(1, np.uint64)[0])
    raise TypeError(f"a root seed is an int, SeedSequence, BitGenerator or Generator, not {type(root).__name__}")


def key(item: int, root, domain: int = 0) -> tuple[int, int]:
    """The Philox key ``(item, root word)`` of item ``item``; its counter starts at ``counter(domain)``."""
    if not 0 <= int(item) < WORD:
        raise ValueError(f"an item id must be in [0, 2**64), got {int(item)}")
    return int(item), int(root_word(root))


def counter(domain: int = 0) -> tuple[int, int, int, int]:
    """The counter a keyed stream starts from: ``domain`` in the top word, the rest zero."""
    if not 0 <= int(domain) < WORD:
        raise ValueError(f"a domain must be in [0, 2**64), got {int(domain)}")
    return 0, 0, 0, int(domain)


def numpy_generator(item: int, root, domain: int = 0) -> np.random.Generator:
    """The numpy Generator drawing exactly what a numba kernel draws for ``item`` (for checks and for users)."""
    k0, k1 = key(item, root, domain)
    c = counter(domain)
    return np.random.Generator(
        np.random.Philox(key=k0 | (k1 << 64), counter=sum(w << (64 * i) for i, w in enumerate(c)))
    )
