"""The pull-request comment: a markdown report of one comparison.

Everything in it that did not come from rngbench (benchmark names and
parameters, side labels, versions) goes through
:func:`rngbench.util.markdown.code`, which keeps it from rendering as markup
or breaking out of a table cell; the tables come from
:func:`rngbench.util.markdown.table`.  The comment is posted by a workflow
with write access, so that escaping is a security boundary, tested by
rendering with GitHub's own markdown library.

The first line is a hidden marker so the posting workflow can find its own
earlier comment and edit it instead of adding another.

Lengths are counted as GitHub counts a comment body: in UTF-16 code units
(:func:`utf16_len`; an emoji such as 🔴 is two).  ``render(report, limit)``
stops adding table rows once a table would pass ``limit`` -- the bot's comment
shows at most a few hundred rows, so a comparison of thousands of rows costs
only the rows that can be shown (each row's interval is a bootstrap).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rngbench import stats
from rngbench.compare.interleave import PASSES
from rngbench.compare.significance import TEST_DESCRIPTION, Change, Row
from rngbench.util.markdown import code, table

MARKER = "<!-- rngbench-benchmark-comment -->"

CHANGE_LABEL = {
    Change.REGRESSION: "🔴 slower",
    Change.IMPROVEMENT: "🟢 faster",
    Change.UNCHANGED: "unchanged",
    Change.FAILED: "❌ failed",
    Change.FIXED: "✅ fixed",
    Change.NA: "n/a",
    Change.INCOMPARABLE: "changed code",
}
TROUBLE = (Change.FAILED, Change.FIXED, Change.NA, Change.INCOMPARABLE)


@dataclass
class Side:
    """One side of a comparison as the comment describes it."""

    label: str  # what the user typed: a git revision, "scanpy==1.12.4", a wheel
    versions: dict[str, str] = field(default_factory=dict)  # package -> version, as installed
    commit: str = ""  # the suite's commit the benchmarks came from


@dataclass
class Report:
    rows: list[Row]
    base: Side
    head: Side
    factor: float
    machine: dict[str, str] = field(default_factory=dict)
    rounds: int = 0
    note: str = ""  # e.g. "calibration: HEAD's samples scaled by 1.3"

    def counts(self) -> dict[Change, int]:
        out: dict[Change, int] = {}
        for row in self.rows:
            out[row.change] = out.get(row.change, 0) + 1
        return out

    @property
    def regressed(self) -> bool:
        worse = (Change.REGRESSION, Change.FAILED)
        return any(r.change in worse and r.before is not None and r.before.value is not None for r in self.rows)


def human(value: float | None, unit: str | None, stats: dict | None = None) -> str:
    """A value with its unit as asv prints it (``1.23±0.01ms``); ``failed`` / ``n/a``."""
    from asv.util import human_value
    from asv_runner.statistics import get_err

    if value is None:
        return "failed"
    if value != value:
        return "n/a"
    err = get_err(value, stats) if stats else None
    return human_value(value, unit or "seconds", err=err)


def _ratio(row: Row) -> str:
    if row.ratio is None:
        return "n/a"
    text = f"{row.ratio:.2f}"
    if row.change == Change.UNCHANGED and row.beyond_factor:
        text = f"~{text}"  # asv's mark: beyond the factor but not significant
    interval = ratio_interval(row)
    return f"{text} ({interval.low:.2f}–{interval.high:.2f})" if interval else text


def ratio_interval(row: Row) -> stats.RatioInterval | None:
    """HEAD / BASE with the project's one bootstrap interval (:mod:`rngbench.stats`), when both sides have samples."""
    a = row.after.samples if row.after else None
    b = row.before.samples if row.before else None
    if not a or not b or min(len(a), len(b)) < 2:
        return None
    return stats.ratio_interval(a, b)


def utf16_len(text: str) -> int:
    """The length GitHub's API (and JavaScript's ``.length``) gives ``text``: UTF-16 code units."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def _table(rows: list[Row], room: int | None = None, max_rows: int | None = None) -> list[str]:
    """The table of ``rows``; with ``room`` (UTF-16 units), only the first rows whose cells alone fit in it
    (padding only adds to a row, so the rows left out could not have been shown); with ``max_rows``, at most that
    many.  A line after the table counts the rows left out."""
    cells, used = [], 0
    for row in rows[:max_rows]:
        m = row.measurement
        before = human(row.before.value, m.unit, row.before.stats) if row.before else "missing"
        after = human(row.after.value, m.unit, row.after.stats) if row.after else "missing"
        line = [CHANGE_LABEL[row.change], before, after, _ratio(row), code(m.label)]
        used += sum(utf16_len(c) for c in line) + 3 * len(line) + 1  # "| " ... " |" and the newline
        if room is not None and used > room and cells:
            break
        cells.append(line)
    out = [table(["Change", "Before", "After", "Ratio (95 % CI)", "Benchmark (Parameter)"], cells, "lrrrl")]
    if len(cells) < len(rows):
        out += ["", f"… and {len(rows) - len(cells)} more rows, left out for length (all are in the comparison's "
                    f"JSON)."]
    return out


def _order(rows: list[Row], change: str) -> list[Row]:
    """Worst first: the biggest slowdowns at the top, then the biggest speedups."""
    picked = [r for r in rows if r.change == change]
    sign = -1 if change == Change.REGRESSION else 1
    return sorted(picked, key=lambda r: (sign * (r.ratio or 1.0), r.measurement.label))


def render(report: Report, limit: int | None = None, max_rows: int | None = None) -> str:
    """The whole comment, marker first.  With ``limit`` (UTF-16 units) tables stop where the comment would pass it
    (the caller still cuts the text: :func:`rngbench.compare.trusted._finish`), with ``max_rows`` after that many
    rows each."""
    rows = report.rows
    counts = report.counts()
    changed = _order(rows, Change.REGRESSION) + _order(rows, Change.IMPROVEMENT)
    unchanged = sorted((r for r in rows if r.change == Change.UNCHANGED), key=lambda r: r.measurement.label)
    trouble = sorted((r for r in rows if r.change in TROUBLE),
                     key=lambda r: (r.change, r.measurement.label))

    out = [MARKER, f"## Benchmarks: {code(report.base.label)} → {code(report.head.label)}", ""]
    n_reg, n_imp = counts.get(Change.REGRESSION, 0), counts.get(Change.IMPROVEMENT, 0)
    verdict = "**No significant changes.**" if not changed else f"**{n_reg} slower, {n_imp} faster.**"
    summary = [f"{counts.get(Change.UNCHANGED, 0)} unchanged"]
    for kind in TROUBLE:
        if counts.get(kind):
            summary.append(f"{counts[kind]} {kind}")
    out.append(f"{verdict} {', '.join(summary)}; factor {report.factor:g}.")
    if report.note:
        out += ["", f"> {code(report.note)}"]
    out += ["", "### Benchmark changes", ""]

    def room() -> int | None:
        return None if limit is None else limit - utf16_len("\n".join(out))

    if changed:
        out += _table(changed, room(), max_rows)
    else:
        out.append("None beyond the factor and significant.")
    out.append("")
    if unchanged:
        out += ["<details>", f"<summary>Unchanged ({len(unchanged)})</summary>", ""]
        out += _table(unchanged, room(), max_rows)
        out += ["", "</details>", ""]
    if trouble:
        # n/a on both sides is the normal state of an impossible combination: counted, collapsed
        both_na, listed = [], []
        for r in trouble:
            (both_na if _state(r.before) == _state(r.after) == "n/a" else listed).append(r)
        out += ["### Failures and n/a", ""]
        for r in listed:
            out.append(f"- {CHANGE_LABEL[r.change]}: {code(r.measurement.label)}"
                       f" (before: {_state(r.before)}, after: {_state(r.after)})")
        if listed:
            out.append("")
        if both_na:
            out += ["<details>", f"<summary>n/a on both sides ({len(both_na)})</summary>", ""]
            out += [f"- {code(r.measurement.label)}" for r in both_na]
            out += ["", "</details>"]
        out.append("")
    versions = [["side", code(report.base.label), code(report.head.label)]]
    if report.base.commit or report.head.commit:
        versions.append(["suite commit", code(report.base.commit[:12]), code(report.head.commit[:12])])
    for package in sorted(set(report.base.versions) | set(report.head.versions)):
        versions.append([code(package), code(report.base.versions.get(package, "-")),
                         code(report.head.versions.get(package, "-"))])
    out += ["### Machine and versions", "", table(["", "Before", "After"], versions), ""]
    if report.machine:
        out.append("Machine: " + ", ".join(f"{code(k)} {code(v)}" for k, v in sorted(report.machine.items())) + ".")
        out.append("")
    rounds = (f" Both sides ran on this machine; each `time_` benchmark was timed in up to {report.rounds} "
              f"interleaved turns per side (one sample a turn, alternating between the sides, both pinned to one CPU, "
              f"spread over {PASSES} worker processes a side)." if report.rounds else "")
    out += ["### How changes are decided", "",
            f"Factor {report.factor:g}: {TEST_DESCRIPTION}. `~` marks a ratio beyond the factor that is not "
            f"significant.{rounds} Run `rngbench compare --calibrate` to measure this runner's noise.", ""]
    return "\n".join(out)


def _state(m) -> str:
    if m is None:
        return "missing"
    if m.value is None:
        return "failed"
    if m.value != m.value:
        return "n/a"
    return "ok"
