"""The pull-request comment: a markdown report of one comparison.

Benchmark names and parameters come from code anyone can put in a pull
request, and the comment is posted by a workflow with write access, so every
piece of text that did not come from this module goes through :func:`code`:
it becomes a GitHub code span, inside which GitHub renders no links, no HTML,
no @mentions and no emphasis.  What a code span cannot hold is escaped
before that: ``|`` (which would split a table cell; GitHub's table parser
un-escapes ``\\|`` inside code), newlines and other control characters
(shown as ``\\n``, ``\\x07``; a newline would end the table row), and
backticks (the span is fenced with more backticks than the text contains).

The first line is a hidden marker so the posting workflow can find its own
earlier comment and edit it instead of adding another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .significance import FAILED, FIXED, IMPROVEMENT, INCOMPARABLE, NA, REGRESSION, TEST_DESCRIPTION, UNCHANGED, Row

MARKER = "<!-- rngbench-benchmark-comment -->"
MAX_TEXT = 300  # a longer name is cut: a comment has a size limit and a name this long is an attack or a bug

CHANGE_LABEL = {
    REGRESSION: "🔴 slower",
    IMPROVEMENT: "🟢 faster",
    UNCHANGED: "unchanged",
    FAILED: "❌ failed",
    FIXED: "✅ fixed",
    NA: "n/a",
    INCOMPARABLE: "changed code",
}

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")


def _control(match: re.Match) -> str:
    char = match.group(0)
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\x{ord(char):02x}" if ord(char) < 256 else f"\\u{ord(char):04x}")


def code(text: object) -> str:
    """``text`` as a GitHub code span that cannot break out of a table cell or render as markup."""
    s = str(text)
    if len(s) > MAX_TEXT:
        s = s[: MAX_TEXT - 1] + "…"
    s = _CONTROL.sub(_control, s)
    s = s.replace("|", "\\|")
    if not s:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", s)), default=0)
    fence = "`" * (longest + 1)
    # a span that starts or ends with a backtick (or a space) needs padding, which GitHub strips again
    pad = " " if s[0] in "` " or s[-1] in "` " else ""
    return f"{fence}{pad}{s}{pad}{fence}"


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

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for row in self.rows:
            out[row.change] = out.get(row.change, 0) + 1
        return out

    @property
    def regressed(self) -> bool:
        return any(r.change in (REGRESSION, FAILED) and r.before is not None and r.before.value is not None
                   for r in self.rows)


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
    if row.change == UNCHANGED and row.beyond_factor:
        return f"~{text}"  # asv's mark: beyond the factor but not significant
    return text


def _table(rows: Iterable[Row]) -> list[str]:
    lines = ["| Change | Before | After | Ratio | Benchmark (Parameter) |", "|---|---:|---:|---:|---|"]
    for row in rows:
        m = row.measurement
        before = human(row.before.value, m.unit, row.before.stats) if row.before else "missing"
        after = human(row.after.value, m.unit, row.after.stats) if row.after else "missing"
        lines.append(f"| {CHANGE_LABEL[row.change]} | {before} | {after} | {_ratio(row)} | {code(m.label)} |")
    return lines


def _order(rows: list[Row], change: str) -> list[Row]:
    """Worst first: the biggest slowdowns at the top, then the biggest speedups."""
    picked = [r for r in rows if r.change == change]
    sign = -1 if change == REGRESSION else 1
    return sorted(picked, key=lambda r: (sign * (r.ratio or 1.0), r.measurement.label))


def render(report: Report) -> str:
    """The whole comment, marker first."""
    rows = report.rows
    counts = report.counts()
    changed = _order(rows, REGRESSION) + _order(rows, IMPROVEMENT)
    unchanged = sorted((r for r in rows if r.change == UNCHANGED), key=lambda r: r.measurement.label)
    trouble = sorted((r for r in rows if r.change in (FAILED, FIXED, NA, INCOMPARABLE)),
                     key=lambda r: (r.change, r.measurement.label))

    out = [MARKER, f"## Benchmarks: {code(report.base.label)} → {code(report.head.label)}", ""]
    n_reg, n_imp = counts.get(REGRESSION, 0), counts.get(IMPROVEMENT, 0)
    verdict = "**No significant changes.**" if not changed else f"**{n_reg} slower, {n_imp} faster.**"
    summary = [f"{counts.get(UNCHANGED, 0)} unchanged"]
    for kind in (FAILED, FIXED, NA, INCOMPARABLE):
        if counts.get(kind):
            summary.append(f"{counts[kind]} {kind}")
    out.append(f"{verdict} {', '.join(summary)}; factor {report.factor:g}.")
    if report.note:
        out += ["", f"> {code(report.note)}"]
    out += ["", "### Benchmark changes", ""]
    if changed:
        out += _table(changed)
    else:
        out.append("None beyond the factor and significant.")
    out.append("")
    if unchanged:
        out += ["<details>", f"<summary>Unchanged ({len(unchanged)})</summary>", ""]
        out += _table(unchanged)
        out += ["", "</details>", ""]
    if trouble:
        # n/a on both sides is the normal state of an impossible combination: counted, collapsed
        both_na = [r for r in trouble if _state(r.before) == _state(r.after) == "n/a"]
        listed = [r for r in trouble if r not in both_na]
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
    out += ["### Machine and versions", "", "| | Before | After |", "|---|---|---|"]
    out.append(f"| side | {code(report.base.label)} | {code(report.head.label)} |")
    if report.base.commit or report.head.commit:
        out.append(f"| suite commit | {code(report.base.commit[:12])} | {code(report.head.commit[:12])} |")
    for package in sorted(set(report.base.versions) | set(report.head.versions)):
        out.append(f"| {code(package)} | {code(report.base.versions.get(package, '-'))} "
                   f"| {code(report.head.versions.get(package, '-'))} |")
    out.append("")
    if report.machine:
        out.append("Machine: " + ", ".join(f"{code(k)} {code(v)}" for k, v in sorted(report.machine.items())) + ".")
        out.append("")
    rounds = (f" Both sides ran on this machine; each `time_` benchmark was timed in up to {report.rounds} "
              f"interleaved turns per side (2 samples a turn, alternating between the sides)." if report.rounds else "")
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
