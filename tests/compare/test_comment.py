"""The pull-request comment: structure, ordering, and escaping of hostile benchmark names.

The escaping tests render the comment with cmark-gfm (GitHub's own markdown
library, with GitHub's table/autolink/tagfilter extensions and raw HTML
allowed) and look at the HTML that comes out: a name that escapes its code
span would show up as an extra cell, a tag, a link or text outside <code>.
"""

from __future__ import annotations

import math

import pytest

from fixtures.comment_harness import HOSTILE, github_html, m, report
from fixtures.markdown import table_rows
from rngbench.compare.comment import MARKER, render
from rngbench.compare.significance import Change, classify
from rngbench.util.markdown import code


def shown(name: str) -> str:
    """What the reader should see for a name: control characters spelled out, nothing else changed."""
    return name.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t").replace("\x07", "\\x07")


@pytest.mark.parametrize("name", HOSTILE)
def test_code_span_round_trips_through_github_markdown(name):
    """Inside a table cell, the code span renders to exactly the name (control characters spelled out)."""
    md = f"| a | b |\n|---|---|\n| {code(name)} | x |\n"
    html = github_html(md)
    assert html.codes == [shown(name)]
    assert html.rows[1] == ["td", "td"], "the name split or ended the table row"


def test_hostile_names_cannot_inject_into_the_comment():
    rows = []
    for i, name in enumerate(HOSTILE):
        before = m(name, 1.0, params=[("strategy", repr(name))])
        factor = [2.0, 0.5, 1.0][i % 3]
        after = m(name, factor, params=[("strategy", repr(name))])
        rows.append(classify(before, after, 1.1))
    rows.append(classify(m("bad|failed`<b>", 1.0), m("bad|failed`<b>", None), 1.1))
    rows.append(classify(m("@na\n|x", math.nan), m("@na\n|x", 1.0), 1.1))
    text = render(report(rows, note="note with @someone and <script>"))
    html = github_html(text)

    allowed = {"h2", "h3", "p", "strong", "table", "thead", "tbody", "tr", "th", "td", "code", "details",
               "summary", "ul", "li", "blockquote"}
    assert {tag for tag, _ in html.tags} <= allowed
    assert not any(attrs for tag, attrs in html.tags if tag != "th" and tag != "td"), "no tag gets attributes"
    # every table row of the changes tables has five cells: no name added or removed a column
    for row in html.rows:
        assert len(row) in (5, 3), row
    # hostile text is only ever inside code spans
    outside = "".join(html.outside_code)
    for needle in ("@octocat", "@someone", "javascript", "<script", "onerror", "evil.example", "**bold**"):
        assert needle not in outside
    for name in HOSTILE:
        assert any(shown(name) in c for c in html.codes), name
    # the hidden marker is the first line and the only HTML comment GitHub sees ("-->" in names stays in code)
    assert text.splitlines()[0] == MARKER
    assert html.comments == [MARKER[4:-3]]


def test_sections_and_order():
    rows = [
        classify(m("b.small_regression", 1.0), m("b.small_regression", 1.3), 1.1),
        classify(m("b.big_regression", 1.0), m("b.big_regression", 3.0), 1.1),
        classify(m("b.improvement", 1.0), m("b.improvement", 0.5), 1.1),
        classify(m("b.same", 1.0), m("b.same", 1.01), 1.1),
        classify(m("b.failing", 1.0), m("b.failing", None), 1.1),
        classify(m("b.skipped", math.nan), m("b.skipped", math.nan), 1.1),
        classify(None, m("b.new", 1.0), 1.1),
    ]
    text = render(report(rows))
    changes = text.split("### Benchmark changes")[1].split("<details>")[0]
    order = [name for name in ("big_regression", "small_regression", "improvement") if name in changes]
    assert order == ["big_regression", "small_regression", "improvement"]
    assert changes.index("big_regression") < changes.index("small_regression") < changes.index("improvement")
    assert "b.same" not in changes
    details = text.split("<details>")[1].split("</details>")[0]
    assert "Unchanged (1)" in details and "b.same" in details
    trouble = text.split("### Failures and n/a")[1].split("###")[0]
    for name in ("b.failing", "b.skipped", "b.new"):
        assert name in trouble
    assert ["Change", "Before", "After", "Ratio (95 % CI)", "Benchmark (Parameter)"] in table_rows(text)
    assert "`1.13.0a2`" in text and "`2.4.6`" in text  # versions of both sides
    assert "factor 1.1" in text.lower() and "Mann-Whitney" in text
    assert "interleaved" in text
    assert report(rows).regressed


def test_no_changes_is_not_a_regression():
    rows = [classify(m("b.same", 1.0), m("b.same", 1.02), 1.1)]
    rep = report(rows)
    assert not rep.regressed
    assert "No significant changes" in render(rep)


def test_beyond_factor_but_not_significant_gets_a_tilde():
    """Three samples each cannot reach p < 0.002 and their intervals overlap: asv prints ~ and flags nothing."""
    before = m("b.noisy", None, samples=(1.0, 2.0, 3.0))
    after = m("b.noisy", None, samples=(1.5, 2.5, 3.5))
    row = classify(before, after, 1.1)
    assert row.change == Change.UNCHANGED == "unchanged" and row.beyond_factor
    assert "~1.25" in render(report([row]))
