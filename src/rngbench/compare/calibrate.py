"""Calibration: A/A comparisons that measure this runner's noise and check that a known slowdown is caught.

Both sides are the same (A/A), so every ratio is noise; each run is judged
twice -- as measured, and with HEAD's samples multiplied by ``slowdown``
after measurement, i.e. real noise with a known effect, which must be
flagged.  The recommended factor follows from the worst A/A ratio seen.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from rngbench.compare import sides
from rngbench.compare.run import Settings, compare_sides, scaled
from rngbench.compare.significance import FLAGGED, Change, compare


@dataclass
class Calibration:
    factor: float
    slowdown: float
    aa_flagged: list[int]  # per run: rows flagged (regression or improvement) in A/A
    slow_flagged: list[tuple[int, int]]  # per run: (rows flagged as regressions, rows comparable)
    spread: dict[str, list[float]]  # benchmark label -> A/A ratio per run
    recommended: float

    def as_dict(self) -> dict:
        return {"factor": self.factor, "slowdown": self.slowdown, "aa_flagged": self.aa_flagged,
                "slowdown_flagged": [list(x) for x in self.slow_flagged], "recommended_factor": self.recommended,
                "aa_ratios": self.spread}


def recommend(spread: dict[str, list[float]]) -> float:
    """Twice the worst A/A deviation seen, rounded up to 0.05, at least 1.05.

    An A/A ratio is pure noise; a factor at twice its worst case keeps the
    false-alarm rate near zero while a real change of that size still shows.
    """
    worst = max((max(r, 1 / r) for ratios in spread.values() for r in ratios if r and r > 0), default=1.0)
    return max(1.05, math.ceil((1 + 2 * (worst - 1)) * 20 - 1e-9) / 20)


def calibrate(spec: sides.SideSpec, settings: Settings, runs: int, slowdown: float,
              progress: Callable[[int, int, int | None, str], None] | None = None) -> Calibration:
    """``runs`` A/A comparisons; each is judged twice, as measured and with HEAD slowed by ``slowdown``."""
    aa_flagged: list[int] = []
    slow_flagged: list[tuple[int, int]] = []
    spread: dict[str, list[float]] = {}
    for run in range(runs):
        step = (lambda done, total, what, run=run: progress(run, done, total, what)) if progress else None
        report, before, after = compare_sides(spec, spec, settings, step)
        aa_flagged.append(sum(r.change in FLAGGED for r in report.rows))
        for row in report.rows:
            if row.ratio is not None:
                spread.setdefault(row.measurement.label, []).append(row.ratio)
        slow_rows = compare(before, scaled(after, slowdown), settings.factor, paired=True)
        comparable = [r for r in slow_rows if r.ratio is not None]
        slow_flagged.append((sum(r.change == Change.REGRESSION for r in comparable), len(comparable)))
    return Calibration(settings.factor, slowdown, aa_flagged, slow_flagged, spread, recommend(spread))

