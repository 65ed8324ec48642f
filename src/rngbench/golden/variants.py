"""Platform variants, one mechanism for both golden stores: a reference recording, and per other platform only
the records that differ from it.

The same versions recorded on several platforms (BLAS kernels, CPU targets, profiles) form a *group*: a numpy
release in the stream store, a stack of versions in the result-golden store.  Each recording's platform is
named by its fingerprint (:func:`platform_id`); one recording of a group is its *reference*, every other one is
a *variant* (:class:`Platforms`), and of a variant only the records that differ from the reference's say
anything (:class:`Records`).  A machine is compared with its own platform's recording when the group has one,
else with the closest fingerprint (:meth:`Platforms.closest`).

What each wing adds is its own: the stream wing, that a release's first recording is its reference and which
cases NEP 19 lets differ between platforms (``streams.policy``), and a release manifest that holds the whole
group; the pipelines wing, that the reference is the recording made under the portable profile, and one
manifest per platform (named ``<versions>@<platform id>``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from rngbench.platform.fingerprint import closeness, variant_id


def platform_id(fingerprint: dict) -> str:
    """A platform's name from its fingerprint, the same rule in both stores.

    ``x86_64-portable1`` under a profile that pins every layer; natively, the BLAS kernel, numba target and
    numpy's highest target plus a hash of every layer; for a fingerprint without layers (the stream recorder's,
    and result goldens recorded before layers were) the BLAS kernel alone, ``x86_64-haswell``.
    """
    return variant_id(fingerprint)


class Platforms(NamedTuple):
    """The platforms one group was recorded on: the reference's id, and every platform's fingerprint by id
    (the reference's included).  ``reference`` is None while no recording meets the wing's criterion."""

    reference: str | None
    fingerprints: dict[str, dict]

    @classmethod
    def choose(cls, fingerprints: dict[str, dict], is_reference: Callable[[str], bool]) -> Platforms:
        """The group whose reference is the first platform (in ``fingerprints``' order) the wing accepts."""
        return cls(next((pid for pid in fingerprints if is_reference(pid)), None), fingerprints)

    def variants(self) -> dict[str, dict]:
        """Every platform but the reference, with its fingerprint."""
        return {pid: fp for pid, fp in self.fingerprints.items() if pid != self.reference}

    def closest(self, fingerprint: dict) -> tuple[str, bool]:
        """The recorded platform to compare a machine with: (its own id, True) when the group holds it, else
        (the id of the closest fingerprint, False) -- on a tie the reference, then the first id."""
        mine = platform_id(fingerprint)
        if mine in self.fingerprints:
            return mine, True
        ranked = sorted(self.fingerprints, key=lambda pid: (-closeness(fingerprint, self.fingerprints[pid]),
                                                            pid != self.reference, pid))
        return ranked[0], False


class Records(NamedTuple):
    """A group's record keys: the reference's per case, and per case the variants' keys where they differ.

    The two mappings are the caller's (a release manifest's ``cases`` and ``variants``): :meth:`merge` edits
    them in place.
    """

    reference: dict[str, str]
    variants: dict[str, dict[str, str]]

    def differing(self, keys: dict[str, str]) -> list[str]:
        """The cases on which one platform's ``keys`` differ from the reference's, sorted."""
        return sorted(cid for cid, key in keys.items() if key != self.reference.get(cid))

    def merge(self, pid: str, keys: dict[str, str], is_reference: bool = False) -> None:
        """Keep platform ``pid``'s keys only where they differ from the reference's (a recording of the
        reference's own platform adds nothing); cases ``keys`` leaves out keep what was merged before."""
        for cid, key in keys.items():
            per_case = self.variants.setdefault(cid, {})
            if key == self.reference.get(cid) or is_reference:
                per_case.pop(pid, None)
            else:
                per_case[pid] = key
            if not per_case:
                del self.variants[cid]
