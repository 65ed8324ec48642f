"""Keyed per-item streams: parallel per-item randomness that gives the same answer on any thread count.

Each item's random stream is a Philox4x64-10 stream keyed by (item id, root
seed) -- numpy's own ``Philox``, drawn inside numba kernels with no Python
object per item -- so an item's result depends only on its id and the seed:
not on the thread count, the other items, chunking, or the order of sub-tasks.

- :mod:`.philox`      Philox4x64-10 in numba, equal to ``np.random.Philox`` (raw words, bounded ints, doubles)
- :mod:`.keys`        (item id, root) -> key, and why that is collision-safe
- :mod:`.streams`     the strategies (keyed, seedseq, spawn, per-thread, reuse, seed+i) as data
- :mod:`.downsample`  per-cell downsampling in ``prange`` with any strategy
- :mod:`.properties`  invariance properties measured per strategy
- :mod:`.timing`      interleaved timing with bootstrap intervals (``scripts/measure_keyed.py``)
"""

# Other wings may import: the kernels, keys, properties and strategies (tests/golden/test_wings.py).
__all__: list[str] = ["downsample", "keys", "properties", "streams"]
