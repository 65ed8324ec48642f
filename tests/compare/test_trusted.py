"""The bot's comment, rendered by trusted code from a hostile compare.json (`rngbench comment render`).

What GitHub would show is checked by rendering with cmark-gfm (GitHub's markdown library) and parsing the
HTML, as tests/test_comment.py does.  The data starts from a real compare.json (docs/examples/).
"""

from __future__ import annotations

import copy
import json
import math
import re
import unicodedata

import jsonschema
import pytest
from click.testing import CliRunner

from fixtures.comment_harness import HOSTILE, github_html, m  # the escaping harness
from fixtures.comment_harness import report as comment_report
from fixtures.markdown import table_rows
from fixtures.paths import REPO  # noqa: E402
from rngbench.cli import main
from rngbench.compare import trusted as tc
from rngbench.compare.comment import CHANGE_LABEL, MARKER
from rngbench.compare.significance import classify

EXAMPLE_JSON = REPO / "docs" / "examples" / "compare-scanpy-1.12.4-1.13.0a2.json"
EXAMPLE_MD = REPO / "docs" / "examples" / "compare-scanpy-1.12.4-1.13.0a2.md"
RUN_URL = "https://github.com/rngbench/rngbench/actions/runs/123456789"

HIDDEN = ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200b", "\u200d", "\u200e", "\u2060",
          "\ufeff", "\u00ad", "\U000e0041", "\ud800", "\ue000", "\U0010fffd", "\U000e0fff"]
"""Bidi overrides and isolates, zero-width and format characters, a tag character, a lone surrogate,
private use and an unassigned code point: each would be shown (or act) invisibly inside a code span."""


def example() -> dict:
    return json.loads(EXAMPLE_JSON.read_text())


def dumps(doc) -> bytes:
    return json.dumps(doc).encode()


def fixed(message: str, run_url: str | None = None) -> str:
    return tc._finish(tc._fixed(message), run_url)


# ----------------------------------------------------------------------------- the real data


def test_the_shipped_schema_is_valid_and_knows_every_change():
    schema = tc.schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert set(schema["$defs"]["row"]["properties"]["change"]["enum"]) == set(CHANGE_LABEL)


def _without_interval(cell: str) -> str:
    """``1.53 (1.41–1.66)`` -> ``1.53``; ``Ratio (95 % CI)`` -> ``Ratio``."""
    return re.sub(r" \((95 % CI|[0-9.]+–[0-9.]+)\)$", "", cell)


def test_a_real_compare_json_renders_as_rngbench_compare_rendered_it():
    """Same renderer, same data: the trusted comment is the comment `rngbench compare` wrote, plus the footer."""
    text, problem = tc.render_data(EXAMPLE_JSON.read_bytes(), RUN_URL)
    assert problem is None
    expected = EXAMPLE_MD.read_text()
    decided = expected.index("### How changes are decided")  # that paragraph's wording changed since
    # same words and the same table cells (the committed example predates tabulate's column padding)
    # (tabulate's padding makes the comment longer, so the trusted one may be cut at GitHub's size limit first)
    prose = [line for line in text[:decided].splitlines() if not line.startswith("|")][:-1]
    assert prose == [line for line in expected[:decided].splitlines() if not line.startswith("|")][:len(prose)]
    def cells(markdown: str) -> list[list[str]]:
        """Table cells without the ratio's confidence interval (the committed example predates it)."""
        return [[_without_interval(c) for c in r] for r in table_rows(markdown)
                if not all(set(c) <= set(":-") for c in r)]

    mine = cells(text[:decided])
    assert len(mine) > 10 and mine == cells(expected[:decided])[:len(mine)]
    assert "±" in text and ["🔴 slower", "15.3±2ms", "23.4±5ms", "1.53"] in [r[:4] for r in mine]
    html = github_html(text)
    links = [attrs for tag, attrs in html.tags if tag == "a"]
    assert links == [{"href": RUN_URL}]
    assert text.endswith("the numbers were measured by the pull request's own code.\n")


def test_what_rngbench_compare_writes_passes_the_schema():
    from rngbench.cli.compare import rows_json

    rows = [classify(m("bench_a.A.time_run", 1.0, [("s", "'spawn'")]), m("bench_a.A.time_run", 2.0, [("s", "'spawn'")]),
                     1.1),
            classify(m("bench_a.A.peakmem_run", 1e8, samples=()), m("bench_a.A.peakmem_run", None), 1.1),
            classify(m("bench_a.A.track_n", math.nan), None, 1.1)]
    doc = json.loads(json.dumps(rows_json(comment_report(rows))))
    doc["base"]["commit"] = doc["head"]["commit"] = "e9abc8e3650984b49da31c63f1986459d9ebdcec"
    assert tc.parse(dumps(doc)) == doc


def test_verdicts_come_from_the_numbers_not_from_the_file():
    doc = example()
    for row in doc["rows"]:
        row["change"], row["ratio"] = "unchanged", 1.0  # a pull request hiding its slowdown
    doc["rows"][0].update(change="regression", ratio=9.9)  # ... and inventing another
    text, problem = tc.render_data(dumps(doc))
    assert problem is None
    assert text == tc.render_data(EXAMPLE_JSON.read_bytes())[0]
    rows = [[_without_interval(c) for c in r[:4]] for r in table_rows(text)]
    assert ["🔴 slower", "15.3±2ms", "23.4±5ms", "1.53"] in rows and "9.9" not in text


# ----------------------------------------------------------------------------- hostile values


def hostile_doc() -> dict:
    doc = example()
    rows = doc["rows"][:6]
    texts = HOSTILE + [f"x{c}y" for c in HIDDEN] + ["\u202egnp.evil\u202c", "@octocat" + "\u200b" * 150]
    doc["base"]["label"] = "scanpy==1.12.4 \u202e@octocat [click](https://evil.example) <img src=x>"
    doc["head"]["label"] = "line\nbreak | `tick` ![img](https://evil.example/i.png)"
    doc["machine"] = {"cpu": "<script>alert(1)</script>\u2066", "os": "**bold**\r\n# heading", "arch": "\ud800"}
    for i, text in enumerate(texts):
        row = copy.deepcopy(rows[i % len(rows)])
        row["params"] = {"dataset": text, "strategy": repr(text)[:200]}
        if i % 3 == 1:
            row["after"] = None  # n/a: listed under "Failures and n/a"
        elif i % 3 == 2:
            row["after"] = {"value": None, "samples": None}  # failed
        rows.append(row)
    doc["rows"] = rows
    return doc


def test_hostile_values_are_neutralised_in_what_github_shows():
    doc = hostile_doc()
    text, problem = tc.render_data(dumps(doc))
    assert problem is None, problem
    html = github_html(text)

    allowed = {"h2", "h3", "p", "strong", "table", "thead", "tbody", "tr", "th", "td", "code", "details",
               "summary", "ul", "li", "hr"}
    assert {tag for tag, _ in html.tags} <= allowed
    assert not any(attrs for tag, attrs in html.tags if tag not in ("th", "td")), "no tag gets attributes"
    for row in html.rows:
        assert len(row) in (5, 3), row
    outside = "".join(html.outside_code)
    for needle in ("@octocat", "evil.example", "<script", "<img", "**bold**", "# heading", "alert"):
        assert needle not in outside
    assert text.splitlines()[0] == MARKER and html.comments == [MARKER[4:-3]]
    # no hidden character reaches the comment; each is spelled out where it was
    assert not [c for c in text if unicodedata.category(c) in tc.HIDDEN_CATEGORIES]
    codes = "".join(html.codes)
    for char in HIDDEN:
        assert tc._spelled(char) in codes, repr(char)
    assert "\\u202egnp.evil\\u202c" in codes
    text.encode("utf-8")  # a lone surrogate would make this (and the file write) fail


@pytest.mark.parametrize("char", HIDDEN)
def test_neutral_spells_out_each_hidden_character(char):
    assert tc.neutral(f"a{char}b") == f"a{tc._spelled(char)}b"
    assert tc.neutral("plain text, ümlaut, 日本, emoji 🔴") == "plain text, ümlaut, 日本, emoji 🔴"


# ----------------------------------------------------------------------------- invalid data: the fixed comment


def mutate(path: str, value):
    """A function that sets ``doc[path...]`` (dotted, integer parts index lists) to ``value``."""

    def apply(doc):
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        target = doc
        for p in parents:
            target = target[p]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value
        return doc

    return apply


DELETE = object()
TIME_ROW = 12  # the example's first time_ row with samples (row 0 is a peakmem_ row)
NOT_A_VERSION = ["latest", "2.5.5; rm -rf /", "2.5.5\n", "", "v2.5.5", "2.5.5 <b>", "1" * 65, "\u202e5.5.2"]
SCHEMA_FAILURES = {
    **{f"version {v!r}": mutate("base.versions.numpy", v) for v in NOT_A_VERSION},
    "version a number": mutate("head.versions.scanpy", 1.13),
    "package name with markup": mutate("base.versions", {"<b>numpy</b>": "2.5.5"}),
    "33 packages": mutate("base.versions", {f"p{i}": "1.0" for i in range(33)}),
    "commit not hex": mutate("base.commit", "main; echo"),
    "benchmark without an asv kind": mutate("rows.0.benchmark", "bench_a.A.run"),
    "benchmark with spaces": mutate("rows.0.benchmark", "bench a.A.time_run"),
    "benchmark with a newline": mutate("rows.0.benchmark", "bench_a.A.time_run\n"),
    "unknown change": mutate("rows.0.change", "regression<script>"),
    "ratio a string": mutate("rows.0.ratio", "1.5"),
    "ratio beyond any measurement": mutate("rows.0.ratio", 1e300),
    "value a boolean": mutate("rows.0.before.value", True),
    "value text other than n/a": mutate("rows.0.before.value", "fast"),
    "samples with text": mutate("rows.0.before.samples", [1.0, "x"]),
    "2001 samples": mutate("rows.0.before.samples", [1.0] * 2001),
    "extra field in a measurement": mutate("rows.0.before.html", "<b>"),
    "factor 1": mutate("factor", 1),
    "factor a boolean": mutate("factor", True),
    "rounds not an integer": mutate("rounds", 1.5),
    "unknown machine key": mutate("machine.evil", "x"),
    "label of 201 characters": mutate("head.label", "x" * 201),
    "parameter value a number": mutate("rows.0.params.dataset", 3),
    "parameter name with markup": mutate("rows.0.params", {"<img>": "x"}),
    "17 parameters": mutate("rows.0.params", {f"p{i}": "x" for i in range(17)}),
    "unknown top-level field": mutate("markdown", "## fake: no regression"),
    "no rows": mutate("rows", DELETE),
    "rows not a list": mutate("rows", {"0": {}}),
    "5001 rows": lambda doc: dict(doc, rows=[doc["rows"][0]] * 5001),
    "a zero time": mutate(f"rows.{TIME_ROW}.after.value", 0),
    "a negative time": mutate(f"rows.{TIME_ROW}.before.value", -0.5),
    "a zero time sample": mutate(f"rows.{TIME_ROW}.after.samples.3", 0.0),
    "a negative time sample": mutate(f"rows.{TIME_ROW}.before.samples.0", -1e-3),
    "a list instead of an object": lambda doc: [doc],
}


@pytest.mark.parametrize("name", SCHEMA_FAILURES)
def test_schema_failures_give_the_fixed_comment(name):
    doc = SCHEMA_FAILURES[name](example())
    text, problem = tc.render_data(dumps(doc), RUN_URL)
    assert text == fixed(tc.INVALID, RUN_URL)
    assert problem and problem.isascii() and problem.isprintable() and len(problem) <= 300


NOT_JSON = {
    "empty": b"",
    "truncated": EXAMPLE_JSON.read_bytes()[:1000],
    "NaN": EXAMPLE_JSON.read_bytes().replace(b'"ratio": 1.0118517146792283', b'"ratio": NaN', 1),
    "Infinity": EXAMPLE_JSON.read_bytes().replace(b'"factor": 1.1', b'"factor": Infinity', 1),
    "1e999 (infinite)": EXAMPLE_JSON.read_bytes().replace(b'"factor": 1.1', b'"factor": 1e999', 1),
    "a 5000-digit integer": EXAMPLE_JSON.read_bytes().replace(b'"rounds": 20', b'"rounds": ' + b"9" * 5000, 1),
    "nested 100000 deep": b"[" * 100_000 + b"]" * 100_000,
    "UTF-16": EXAMPLE_JSON.read_text().encode("utf-16"),
    "bad UTF-8": b'{"base": "\xff\xfe"}',
    "markdown": b"<!-- rngbench-benchmark-comment -->\n## Benchmarks\n**No significant changes.**",
}


@pytest.mark.parametrize("name", NOT_JSON)
def test_data_that_is_not_strict_json_gives_the_fixed_comment(name):
    text, problem = tc.render_data(NOT_JSON[name])
    assert text == fixed(tc.INVALID)
    assert problem and problem.isascii() and problem.isprintable() and "\n" not in problem


def test_the_fixed_comment_is_marked_and_shows_nothing_else():
    html = github_html(fixed(tc.INVALID, RUN_URL))
    assert html.comments == [MARKER[4:-3]]
    assert "the benchmark run produced invalid results" in "".join(html.outside_code).lower()
    assert [attrs for tag, attrs in html.tags if tag == "a"] == [{"href": RUN_URL}]


# ----------------------------------------------------------------------------- sizes and files


def test_an_oversized_file_gives_the_fixed_comment(tmp_path):
    data = EXAMPLE_JSON.read_bytes()
    big = tmp_path / "compare.json"
    big.write_bytes(data[:-2] + b" " * (tc.MAX_BYTES + 1 - len(data)) + data[-2:])  # valid JSON, one byte too big
    assert json.loads(big.read_bytes()) == example()
    text, problem = tc.render_file(big)
    assert text == fixed(tc.INVALID) and "larger than" in problem
    big.write_bytes(data[:-2] + b" " * (tc.MAX_BYTES - len(data)) + data[-2:])  # exactly the limit: shown
    text, problem = tc.render_file(big)
    assert problem is None and "🔴 slower" in text


def test_a_valid_comment_too_long_for_github_is_cut_at_a_line_end():
    doc = example()
    row = doc["rows"][0]
    doc["rows"] = [dict(row, params={"dataset": f"'{i:05d}{'x' * 190}'"}) for i in range(1200)]
    text, problem = tc.render_data(dumps(doc), RUN_URL)
    assert problem is None
    assert len(text) <= tc.MAX_COMMENT < 65536
    assert text.startswith(MARKER + "\n") and tc.CUT in text and text.endswith(".\n")
    html = github_html(text)
    for cells in html.rows:
        assert len(cells) in (5, 3)
    assert [attrs for tag, attrs in html.tags if tag == "a"] == [{"href": RUN_URL}]


def test_missing_file_symlink_and_directory(tmp_path):
    text, problem = tc.render_file(tmp_path / "compare.json")
    assert text == fixed(tc.MISSING) and "does not exist" in problem
    secret = tmp_path / "secret.json"
    secret.write_bytes(EXAMPLE_JSON.read_bytes())
    (tmp_path / "link.json").symlink_to(secret)
    text, problem = tc.render_file(tmp_path / "link.json")
    assert text == fixed(tc.INVALID), "a symlink in the artifact is never followed"
    (tmp_path / "dir.json").mkdir()
    text, problem = tc.render_file(tmp_path / "dir.json")
    assert text == fixed(tc.INVALID)


@pytest.mark.parametrize("url", ["https://evil.example/actions/runs/1", "javascript:alert(1)",
                                 RUN_URL + ")[x](https://evil.example", RUN_URL + "\n@octocat"])
def test_the_run_url_must_be_a_github_actions_run(url):
    with pytest.raises(ValueError):
        tc.render_data(EXAMPLE_JSON.read_bytes(), url)


# ----------------------------------------------------------------------------- command line


def test_cli_renders_valid_data(tmp_path):
    out = tmp_path / "comment.md"
    result = CliRunner().invoke(main, ["comment", "render", str(EXAMPLE_JSON), "--out", str(out),
                                       "--run-url", RUN_URL])
    assert result.exit_code == 0, result.output
    assert out.read_text() == tc.render_file(EXAMPLE_JSON, RUN_URL)[0]


def test_cli_writes_the_fixed_comment_for_invalid_data(tmp_path):
    bad = tmp_path / "compare.json"
    bad.write_text(json.dumps(mutate("base.versions.numpy", "latest\n::set-output name=x::y")(example())))
    out = tmp_path / "comment.md"
    result = CliRunner().invoke(main, ["comment", "render", str(bad), "--out", str(out)])
    assert result.exit_code == 0
    assert out.read_text() == fixed(tc.INVALID)
    warning = result.stderr.strip()
    assert warning.startswith("warning: ") and "\n" not in warning and "::set-output" not in warning


@pytest.mark.parametrize("args", [["--run-url", "https://evil.example/x"], ["--out", "{tmp}/file/comment.md"]])
def test_cli_bad_arguments_are_one_line(tmp_path, args):
    (tmp_path / "file").write_text("a file, not a folder")
    args = [a.format(tmp=tmp_path) for a in args]
    if "--out" not in args:
        args += ["--out", str(tmp_path / "comment.md")]
    result = CliRunner().invoke(main, ["comment", "render", str(EXAMPLE_JSON), *args])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")


# ----------------------------------------------------------------------------- issue 23: length, cut, speed


def test_the_example_has_a_time_row_with_samples_where_the_timing_tests_change_it():
    row = example()["rows"][TIME_ROW]
    assert ".time_" in row["benchmark"] and row["before"]["samples"] and row["after"]["samples"]
    assert example()["rows"][0]["benchmark"].split(".")[-1].startswith("peakmem_")


def test_a_zero_memory_or_track_value_is_still_valid():
    """Only timings must be positive: a peakmem_ or track_ value of 0 is a measurement."""
    doc = mutate("rows.0.after.value", 0)(example())
    assert tc.render_data(dumps(doc))[1] is None


def big(n: int = 5000, slower: float = 1.5) -> dict:
    """``n`` rows, each a paired time_ row with 40 samples a side, HEAD ``slower`` times BASE: ``n`` regressions."""
    doc = example()
    row = doc["rows"][TIME_ROW]
    after = dict(row["after"], value=row["before"]["value"] * slower,
                 samples=[x * slower for x in row["before"]["samples"]])
    doc["rows"] = [dict(row, params={"dataset": f"'{i:05d}'"}, after=after) for i in range(n)]
    return doc


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_5000_regressions_render_under_the_limit_in_utf16_units_with_the_footer_last():
    text, problem = tc.render_data(dumps(big()), RUN_URL)
    assert problem is None
    assert utf16(text) == tc.comment.utf16_len(text) <= tc.MAX_COMMENT < tc.GITHUB_LIMIT
    assert "**5000 slower, 0 faster.**" in text
    html = github_html(text)
    changes = [cells for cells in html.rows if len(cells) == 5]
    assert len(changes) == tc.MAX_ROWS + 1  # the header, then the rows shown
    assert f"… and {5000 - tc.MAX_ROWS} more rows" in text
    assert text.endswith(tc.FOOTER.format(run=f"[workflow run 123456789]({RUN_URL})") + "\n")


def test_5000_rows_with_40_samples_a_side_are_not_too_big_for_the_bot(tmp_path):
    path = tmp_path / "compare.json"
    path.write_bytes(dumps(big()))
    assert path.stat().st_size <= tc.MAX_BYTES
    result = CliRunner().invoke(main, ["comment", "render", str(path), "--out", str(tmp_path / "comment.md")])
    assert result.exit_code == 0 and result.stderr == "", result.output
    assert "**5000 slower, 0 faster.**" in (tmp_path / "comment.md").read_text()


def test_the_limit_counts_utf16_units_so_emoji_rows_are_cut_in_time():
    """Each 🔴 is one character but two UTF-16 units: rows are left out by their length in units."""
    doc = big(1200)
    doc["rows"] = [dict(r, params={"dataset": f"'{i:05d}{'🔴' * 150}'"}) for i, r in enumerate(doc["rows"])]
    text, problem = tc.render_data(dumps(doc), RUN_URL)
    assert problem is None
    assert utf16(text) <= tc.MAX_COMMENT and utf16(text) > len(text) + 20_000
    shown = len([cells for cells in github_html(text).rows if len(cells) == 5]) - 1
    assert shown < tc.MAX_ROWS and f"… and {1200 - shown} more rows" in text


def test_a_body_under_the_limit_in_characters_but_over_in_units_is_cut():
    body = "\n".join(["<!-- m -->", *["🔴" * 99] * 600])  # 60,010 characters, 119,410 units
    assert len(body) < tc.MAX_COMMENT < utf16(body)
    text = tc._finish(body, None)
    assert tc.CUT in text and utf16(text) <= tc.MAX_COMMENT


def details_depth_before(text: str, marker: str) -> int:
    head = text[: text.index(marker)]
    return head.count("<details>") - head.count("</details>")


def test_a_cut_inside_details_closes_it_before_the_note_and_the_footer():
    """The whole comparison rendered (no row limit), then cut: the cut falls inside the collapsed table."""
    doc = example()
    doc["rows"] = [dict(doc["rows"][0], params={"dataset": f"'{i:05d}{'x' * 190}'"}) for i in range(1200)]
    whole = tc.comment.render(tc.report(tc.parse(dumps(doc))))
    assert whole.index("<summary>Unchanged (1200)</summary>") < tc.MAX_COMMENT < utf16(whole)
    text = tc._finish(whole, RUN_URL)
    assert tc.CUT in text and utf16(text) <= tc.MAX_COMMENT
    assert details_depth_before(text, tc.CUT) == 0
    assert details_depth_before(text, "\n---\n") == 0
    assert text.count("<details>") == text.count("</details>") == 1
    html = github_html(text)
    assert [attrs for tag, attrs in html.tags if tag == "a"] == [{"href": RUN_URL}]
    assert "".join(html.outside_code).rstrip().endswith("the numbers were measured by the pull request's own code.")


def test_the_cut_keeps_whole_lines_and_closes_every_open_block():
    body = "\n".join(["# head", "<details>", "<summary>s</summary>", "", *[f"| {i} |" for i in range(10_000)],
                      "", "</details>"])
    text = tc._finish(body, None)
    assert utf16(text) <= tc.MAX_COMMENT
    kept = text[: text.index(tc.CUT)].rstrip("\n").split("\n")
    assert kept[-1] == "</details>" and kept[-2] == "" and kept[-3].startswith("| ")
    assert set(kept[4:-2]) <= {f"| {i} |" for i in range(10_000)}


INVISIBLE = ["\u3164", "\u115f", "\u1160", "\uffa0", "\u2800", "\u034f", "\u17b4", "\u180b", "\ufe0f",
             "\U000e0100", "\U0001d173", "\U0001bca0"]
"""Hangul fillers, the blank Braille pattern, the combining grapheme joiner, Khmer inherent vowel, Mongolian and
other variation selectors, a musical-symbol format character, shorthand format controls: letters, marks and
symbols by category, blank on screen."""


@pytest.mark.parametrize("char", INVISIBLE)
def test_default_ignorable_and_blank_characters_are_spelled_out(char):
    assert tc.neutral(f"a{char}b") == f"a{tc._spelled(char)}b"


def test_the_default_ignorable_table_matches_unicode_where_this_machine_has_it():
    """The ranges are data in trusted.py; Perl ships Unicode's own Default_Ignorable_Code_Point list, so where it
    is installed the two are compared code point by code point."""
    import glob

    found = sorted(glob.glob("/usr/share/perl/*/unicore/lib/DI/Y.pl"))
    if not found:
        pytest.skip("no Perl Unicode tables here")
    text = open(found[-1]).read()
    points = [int(x) for x in text.split("<<'END';", 1)[1].split("\nEND", 1)[0].split()[1:]]  # V<n>, bounds
    ranges = list(zip(points[::2], points[1::2]))
    expected = {p for low, high in ranges for p in range(low, high)}
    ours = {p for low, high in tc.DEFAULT_IGNORABLE for p in range(low, high + 1)}
    assert ours == expected


def test_the_validator_s_schema_has_its_references_inlined_and_refuses_a_recursive_one():
    from rngbench.compare.trusted import _inlined, schema

    def refs(node) -> int:
        if isinstance(node, dict):
            return ("$ref" in node) + sum(refs(v) for v in node.values())
        return sum(refs(v) for v in node) if isinstance(node, list) else 0

    assert refs(schema()) > 5 and refs(_inlined(schema())) == 0
    with pytest.raises(ValueError, match="refers to itself"):
        _inlined({"$defs": {"a": {"items": {"$ref": "#/$defs/a"}}}, "properties": {"x": {"$ref": "#/$defs/a"}}})
