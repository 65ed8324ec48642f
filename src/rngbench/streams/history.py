"""Every change of every case across the stored releases: the data behind the report.

``changes.json`` (schema 1) is this module's output, so other tools can read
what the report shows without parsing markdown.  Release-to-release changes
compare the reference records (every release's reference is recorded under the
same forced BLAS kernel, so like is compared with like).  Kind ``platform``
entries (``from`` == ``to``) compare one release's platform variants with its
reference; ``platforms`` names the two (null on release-to-release entries).
"""

from __future__ import annotations

from functools import lru_cache

from rngbench.streams import policy
from rngbench.streams.classify import Kind, classify
from rngbench.streams.recorder import catalogue
from rngbench.streams.store import Store

CHANGES_SCHEMA = 1


def regime_of(case_id: str) -> str:
    """The regime label, as the case id spells it: ``Target.method[regime]``."""
    return case_id[case_id.rindex("[") + 1:-1]


def case_params(case: dict) -> dict:
    """What changes.json says about a case's inputs: its parameters plus bit generator and seed."""
    params = dict(case["params"])
    if case["target"].startswith("Generator["):
        params["bit_generator"] = case["target"][len("Generator["):-1]
    params["seed"] = case["seed"]
    return params


def blob_loader(store: Store):
    @lru_cache(maxsize=256)
    def by_digest(digest: str):
        return store.blob(digest)

    return lambda record: by_digest(record["blob"])


def pair_changes(case: dict, before: dict, after: dict, v_from: str, v_to: str, load,
                 platforms: list[str] | None = None) -> dict | None:
    """One entry of a case's ``changes`` list, or None when nothing differs.

    With ``platforms`` (reference id, variant id) the two records are one release on two platforms: the kind
    is ``platform`` and the verdict says whether NEP 19 lets that method depend on the platform.
    """
    change = classify(before, after, load)
    if change is None:
        return None
    if platforms:
        kind, verdict = Kind.PLATFORM, policy.platform_verdict(case["method"], change.kind)
    else:
        pol = policy.policy_of(case["target"], case["method"])
        kind, verdict = change.kind, policy.verdict(pol, change.kind, before["status"], after["status"], v_from, v_to)
    # every key of the changes.json schema, null where a kind has no such measure (absent, raises, shape, state)
    return {
        "from": v_from, "to": v_to, "kind": kind,
        "first_index": change.first_index, "fraction": change.fraction, "max_rel": change.max_rel,
        "verdict": verdict, "platforms": platforms,
    }


def build_changes(store: Store) -> dict:
    versions = store.releases()
    per_release = {v: store.release_records(v) for v in versions}
    per_variant = {v: store.variant_records(v) for v in versions}
    references = {v: store.platforms(v).reference for v in versions}
    load = blob_loader(store)
    missing = {"status": "absent", "error": None, "state": None}
    cases = []
    for case in catalogue.expand():
        changes = []
        for v_from, v_to in zip(versions, versions[1:]):
            before = per_release[v_from].get(case["id"], missing)
            after = per_release[v_to].get(case["id"], missing)
            entry = pair_changes(case, before, after, v_from, v_to, load)
            if entry is not None:
                changes.append(entry)
        for version in versions:
            reference = per_release[version].get(case["id"], missing)
            for pid, variant in sorted(per_variant[version].get(case["id"], {}).items()):
                entry = pair_changes(case, reference, variant, version, version, load, [references[version], pid])
                if entry is not None:
                    changes.append(entry)
        cases.append({
            "id": case["id"],
            "method": policy.method_name(case["target"], case["method"]),
            "policy": policy.policy_of(case["target"], case["method"]),
            "params": case_params(case),
            "changes": changes,
        })
    return {"schema": CHANGES_SCHEMA, "versions": versions, "cases": cases}


def changes_at(store_path) -> dict:
    """:func:`build_changes` of the store at ``store_path``: what other wings (the nightly history page) read,
    without reaching into the store module."""
    return build_changes(Store(store_path))
