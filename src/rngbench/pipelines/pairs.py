"""Classify every case of one stored environment against another's."""

from __future__ import annotations

from functools import lru_cache

from rngbench.pipelines import catalogue
from rngbench.pipelines.classify import Outcome, compare
from rngbench.pipelines.store import PipelineStore


class Comparer:
    """Compares stored environments, loading each record's arrays once."""

    def __init__(self, store: PipelineStore):
        self.store = store
        self._records = lru_cache(maxsize=None)(store.records_of)
        self._side = lru_cache(maxsize=4096)(self._load_side)
        self.noise = lru_cache(maxsize=None)(store.case_noise)

    def _load_side(self, env: str, case_id: str):
        """The record as a Side, carrying the case's noise pooled over every stored environment."""
        side = self.store.side(self._records(env).get(case_id))
        side.noise = self.noise(case_id)
        return side

    def case_ids(self, *envs: str) -> list[str]:
        known = [c.id for c in catalogue.cases()]
        stored = set().union(*(self._records(e) for e in envs))
        return [cid for cid in known if cid in stored] + sorted(stored - set(known))

    def outcome(self, before: str, after: str, case_id: str) -> Outcome:
        kind = catalogue.parse_id(case_id).kind
        return compare(kind, self._side(before, case_id), self._side(after, case_id))

    def outcomes(self, before: str, after: str) -> dict[str, Outcome]:
        return {cid: self.outcome(before, after, cid) for cid in self.case_ids(before, after)}

    def record(self, env: str, case_id: str) -> dict | None:
        return self._records(env).get(case_id)


def is_difference(outcome: Outcome) -> bool:
    """A difference a user would call a change (tolerance and measured noise are not)."""
    return outcome.kind in ("changed", "absent", "raises")
