"""Every markdown table comes from one function: cells kept as given, alignment per column, GitHub-readable."""

from __future__ import annotations

import re

import cmarkgfm

from rngbench.util.markdown import code, table


def cells(html: str) -> list[str]:
    return re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", html)


def test_table_keeps_cells_and_aligns_columns():
    text = table(["name", "ratio"], [[code("a|b"), "1.00"], ["x", "10"]], "lr")
    lines = text.splitlines()
    assert lines[1].startswith("|:") and lines[1].endswith(":|")  # left, right
    html = cmarkgfm.github_flavored_markdown_to_html(text)
    assert cells(html) == ["name", "ratio", "<code>a|b</code>", "1.00", "x", "10"]  # "1.00" not turned into 1


def test_empty_table_has_its_header():
    assert table(["a", "b"], []).splitlines()[0].replace(" ", "") == "|a|b|"
