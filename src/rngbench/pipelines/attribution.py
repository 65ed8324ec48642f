"""Which package step changed a result: chains of stored environments that change one package at a time.

Between two environments A and B, :func:`chain` finds stored environments
(same platform) whose versions lie between A's and B's, linked so that each
step changes as few packages as possible (ideally one) -- the matrix records
such intermediate environments on purpose (``matrix.MATRIX``).  A result that
changed from A to B is attributed to every step of the chain where it
changed.  Where no such chain is stored, the direct step is reported with
every package it changes.  A numpy step is linked to the stream store's
changes (``reports/streams/changes.json``) of the numpy.random methods the
workload draws from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from rngbench.pipelines import catalogue
from rngbench.pipelines.pairs import Comparer, is_difference
from rngbench.pipelines.store import DEFINING


@dataclass(frozen=True)
class Step:
    before: str
    after: str
    packages: tuple[tuple[str, str, str], ...]  # (package, from version, to version)

    @property
    def label(self) -> str:
        return ", ".join(f"{p} {a} → {b}" for p, a, b in self.packages) or "no package change"


def step(comparer: Comparer, before: str, after: str) -> Step:
    va, vb = comparer.store.versions(before), comparer.store.versions(after)
    return Step(before, after, tuple((p, va.get(p), vb.get(p)) for p in DEFINING if va.get(p) != vb.get(p)))


def _between(v, lo, hi) -> bool:
    """Whether version ``v`` lies between ``lo`` and ``hi`` (either order; equal counts)."""
    try:
        v, lo, hi = Version(v), Version(lo), Version(hi)
    except (InvalidVersion, TypeError):
        return v in (lo, hi)
    return min(lo, hi) <= v <= max(lo, hi)


def chain(comparer: Comparer, a: str, b: str) -> list[Step]:
    """The path from ``a`` to ``b`` through stored environments (same platform) that changes as few packages per
    step as possible: every version on the way lies between a's and b's and only ever moves towards b's.

    Among all such paths: the one whose largest step changes fewest packages, then the one with most steps
    (each step isolates what it changes), then the one with fewest packages changed together.  A step that has
    to change two packages at once (no stored environment between) is kept and named with both.
    """
    store = comparer.store
    va, vb = store.versions(a), store.versions(b)
    platform = store.manifest(a)["platform_id"]
    versions = {n: store.versions(n) for n in store.environments()
                if store.manifest(n)["platform_id"] == platform}
    nodes = [n for n, v in versions.items() if all(_between(v.get(p), va.get(p), vb.get(p)) for p in DEFINING)]

    def towards_b(x: str, y: str) -> int:
        """Packages changed from x to y, or 0 when y is not a move from x towards b."""
        changed = [p for p in DEFINING if versions[x].get(p) != versions[y].get(p)]
        ok = changed and all(_between(versions[y].get(p), versions[x].get(p), vb.get(p)) for p in changed)
        return len(changed) if ok else 0

    best: list[str] | None = None

    def key(path: list[str]) -> tuple[int, int, int]:
        sizes = [towards_b(x, y) for x, y in zip(path, path[1:])]
        return max(sizes), -len(path), sum(k for k in sizes if k > 1)

    def walk(path: list[str]) -> None:  # every move changes a version towards b's, so paths are finite
        nonlocal best
        if path[-1] == b:
            if best is None or key(path) < key(best):
                best = list(path)
            return
        for other in nodes:
            if towards_b(path[-1], other):
                walk(path + [other])

    walk([a])
    if best is None:
        return [step(comparer, a, b)]
    return [step(comparer, x, y) for x, y in zip(best, best[1:])]


def attribute(comparer: Comparer, a: str, b: str) -> list[dict]:
    """Every case that differs from ``a`` to ``b``: its outcome and the steps that changed it."""
    steps = chain(comparer, a, b)
    out = []
    for case_id, outcome in comparer.outcomes(a, b).items():
        if outcome.kind in ("identical", "n/a"):
            continue
        changed_by = []
        for s in steps:
            o = comparer.outcome(s.before, s.after, case_id)
            if o.kind not in ("identical", "n/a"):
                changed_by.append({"step": s.label, "from": s.before, "to": s.after, **o.as_dict()})
        out.append({"case": case_id, **outcome.as_dict(), "difference": is_difference(outcome),
                    "steps": changed_by})
    return out


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except (InvalidVersion, TypeError):
        return None


def stream_changes(changes: dict | None, numpy_from: str, numpy_to: str, methods: tuple[str, ...]) -> list[dict]:
    """The stream store's changes of ``methods`` between two numpy releases (either direction)."""
    lo, hi = sorted(filter(None, (_version(numpy_from), _version(numpy_to))))
    out = []
    for case in (changes or {}).get("cases", []):
        if case["method"].rsplit(".", 1)[-1] not in methods:
            continue
        for ch in case["changes"]:
            to = _version(ch["to"])
            if to is not None and lo < to <= hi and ch["kind"] not in ("absent",):
                out.append({"stream": case["id"], "from": ch["from"], "to": ch["to"], "kind": ch["kind"],
                            "verdict": ch["verdict"]})
    return out


def load_stream_changes(path: Path) -> dict | None:
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None


def numpy_link(step_: Step, case_id: str, changes: dict | None) -> dict | None:
    """For a step that changes numpy: the stream changes of the methods this case's workload draws from."""
    numpy = [(a, b) for p, a, b in step_.packages if p == "numpy"]
    if not numpy:
        return None
    c = catalogue.parse_id(case_id)
    methods = catalogue.workload_of(c.workload, c.case).numpy_methods
    found = stream_changes(changes, numpy[0][0], numpy[0][1], methods)
    kinds = sorted({f["kind"] for f in found})
    return {"methods": list(methods), "stream_changes": found,
            "summary": (f"{len(found)} stream change(s) of {', '.join(methods)} ({', '.join(kinds)})" if found else
                        f"no stream change of {', '.join(methods)} in the stream store: not numpy.random's draws, "
                        f"but numpy's other code (linear algebra, sorting, summation) or a package built on it")}
