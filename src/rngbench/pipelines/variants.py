"""Reference records and platform variants in the result-golden store: the shared mechanism
(:mod:`rngbench.golden.variants`) with this wing's criterion for the reference.

The stored environments with the same defining versions are one group, one manifest per platform
(``<versions>@<platform id>``).  The recording made under the portable profile (``rngbench.platform.profiles``)
from this catalogue is the group's *reference*: the same on every x86-64 CPU, what ``pipelines check`` compares
strictly and what the version analysis (report, attribution) reads.  Every other recording of the same
versions -- native on some CPU, or made before profiles existed -- is a *platform variant*, kept to say how far
a machine's native results lie from the reference.  Until the matrix records a group's reference, the version
analysis reads its recording made before profiles existed in its place.
"""

from __future__ import annotations

from typing import NamedTuple

from rngbench.golden.variants import Platforms
from rngbench.pipelines import catalogue
from rngbench.pipelines.store import DEFINING, PipelineStore
from rngbench.platform import profiles


def profile_of(manifest: dict) -> str | None:
    """The profile a stored environment was recorded under (``portable1``, ``native``; None before profiles)."""
    return (manifest.get("platform") or {}).get("profile")


def is_reference(manifest: dict) -> bool:
    return profile_of(manifest) == profiles.label(profiles.DEFAULT) and manifest.get("catalogue") == catalogue.digest()


def defining(versions: dict) -> tuple:
    return tuple(versions.get(p) for p in DEFINING)


class Group(NamedTuple):
    """One set of defining versions: its platforms (reference chosen by :func:`is_reference`), and per platform
    id the stored environment's name and manifest."""

    platforms: Platforms
    names: dict[str, str]
    manifests: dict[str, dict]


def groups(store: PipelineStore) -> dict[tuple, Group]:
    """{defining versions: their group}, every stored manifest read once."""
    names: dict[tuple, dict[str, str]] = {}
    manifests: dict[tuple, dict[str, dict]] = {}
    for name in PipelineStore.environments(store):
        m = store.manifest(name)
        names.setdefault(defining(m["env"]), {})[m["platform_id"]] = name
        manifests.setdefault(defining(m["env"]), {})[m["platform_id"]] = m
    return {versions: Group(Platforms.choose({pid: m.get("platform", {}) for pid, m in group.items()},
                                             lambda pid, group=group: is_reference(group[pid])),
                            names[versions], group)
            for versions, group in manifests.items()}


class References(PipelineStore):
    """The store seen through its reference records: for each set of versions its portable-profile record, or,
    until the matrix records one, the record made before profiles existed.  Native variants are left out.
    A view for one analysis: what it lists is read once."""

    _names: list[str] | None = None

    def environments(self) -> list[str]:
        if self._names is None:
            names = []
            for group in groups(self).values():
                reference = group.platforms.reference
                chosen = [reference] if reference else [pid for pid, m in group.manifests.items()
                                                        if profile_of(m) is None]
                names += [group.names[pid] for pid in chosen]
            self._names = sorted(names)
        return self._names


def variants_of(store: PipelineStore, versions: dict) -> list[str]:
    """The stored platform variants (not references) with these defining versions."""
    group = groups(store).get(defining(versions))
    return sorted(group.names[pid] for pid in group.platforms.variants()) if group else []
