"""Reference records and platform variants in the result-golden store.

A stored environment recorded under the portable profile (``rngbench.platform.profiles``) is a *reference*:
the same on every x86-64 CPU, what ``pipelines check`` compares strictly and what the version analysis
(report, attribution) reads.  Every other recording of the same versions -- native on some CPU, or made
before profiles existed -- is a *platform variant*, named by its fingerprint (``@<variant id>``), kept to
say how far a machine's native results lie from the reference.  Small on purpose: the shared golden core
is to hold reference + variants for both stores.
"""

from __future__ import annotations

from rngbench.pipelines import catalogue
from rngbench.pipelines.store import DEFINING, PipelineStore
from rngbench.platform import profiles


def profile_of(manifest: dict) -> str | None:
    """The profile a stored environment was recorded under (``portable1``, ``native``; None before profiles)."""
    return (manifest.get("platform") or {}).get("profile")


def is_reference(manifest: dict) -> bool:
    return profile_of(manifest) == profiles.label(profiles.DEFAULT) and manifest.get("catalogue") == catalogue.digest()


def same_versions(a: dict, b: dict) -> bool:
    return all(a.get(p) == b.get(p) for p in DEFINING)


class References(PipelineStore):
    """The store seen through its reference records: for each set of versions its portable-profile record, or,
    until the matrix records one, the record made before profiles existed.  Native variants are left out.
    A view for one analysis: what it lists is read once."""

    _names: list[str] | None = None

    def environments(self) -> list[str]:
        if self._names is None:
            names = super().environments()
            manifests = {n: self.manifest(n) for n in names}
            refs = [n for n in names if is_reference(manifests[n])]
            older = [n for n in names if profile_of(manifests[n]) is None
                     and not any(same_versions(manifests[n]["env"], manifests[r]["env"]) for r in refs)]
            self._names = sorted(refs + older)
        return self._names


def variants_of(store: PipelineStore, versions: dict) -> list[str]:
    """The stored platform variants (not references) with these defining versions."""
    out = []
    for name in PipelineStore.environments(store):
        m = store.manifest(name)
        if not is_reference(m) and same_versions(m["env"], versions):
            out.append(name)
    return out
