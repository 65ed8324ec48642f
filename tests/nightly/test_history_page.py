"""The nightly history page: built from the committed sample results, opened in headless Chromium.

The browser half needs Debian's `chromium` (scripts/bootstrap installs it when run as root); without it those tests
skip and say so.  The page has no script of its own: the test adds a probe that records every error event (a script
error, or a plot or table resource that fails to load) and every console.error on the root element, reads it back
from `--dump-dom`, and also fails on any console line chromium logs with `--enable-logging=stderr`.
"""

from __future__ import annotations

import html.parser
import re
import shutil
import struct
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from fixtures.paths import REPO
from rngbench.asvio.results import Measurement
from rngbench.cli import main
from rngbench.nightly import history_page

SAMPLE = REPO / "docs" / "examples" / "nightly-sample" / "results"
PIPELINES = REPO / "reports" / "pipelines" / "changes.json"
SECTIONS = ["cells", "benchmarks", "budgets", "streams", "goldens"]

PROBE = """<script>
(function () {
  const root = document.documentElement;
  const record = (what) => root.setAttribute('data-errors', (root.getAttribute('data-errors') || '') + what + ';');
  window.addEventListener('error', (e) => record(e.message || ('failed to load ' + (e.target.src || e.target.href))),
                          true);
  const original = console.error;
  console.error = (...args) => { record(args.join(' ')); original(...args); };
})();
</script>"""


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("history")
    result = CliRunner().invoke(main, ["nightly", "--only", "publish", "--results", str(SAMPLE), "--out", str(out),
                                       "--store", str(REPO / "stream_fixtures"), "--pipelines", str(PIPELINES)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out / "index.html"


class Elements(html.parser.HTMLParser):
    """Counts elements and collects the attributes the checks need."""

    def __init__(self):
        super().__init__()
        self.tags: Counter = Counter()
        self.ids: set[str] = set()
        self.benchmarks: list[str] = []
        self.svg_in_figure = 0
        self.root_errors: str | None = None
        self._figure_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags[tag] += 1
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "html":
            self.root_errors = attrs.get("data-errors")
        if tag == "figure":
            self._figure_depth += 1
            if "data-benchmark" in attrs:
                self.benchmarks.append(attrs["data-benchmark"])
        if tag == "svg" and self._figure_depth:
            self.svg_in_figure += 1

    def handle_endtag(self, tag):
        if tag == "figure":
            self._figure_depth -= 1


def parse(text: str) -> Elements:
    parser = Elements()
    parser.feed(text)
    return parser


def sample_labels() -> set[str]:
    from rngbench.nightly import matrix as nl

    _, measurements = nl.read_cells(SAMPLE)
    return set(history_page.benchmark_intervals(measurements))


# ----------------------------------------------------------------------------- what the page is made of


def test_an_interval_is_asvs_99_percent_interval_of_the_median_or_the_median_alone():
    m = Measurement("b.time_run", value=2.0, stats={"ci_99_a": 1.5, "ci_99_b": 3.0})
    assert history_page.Interval.of(m) == history_page.Interval(2.0, 1.5, 3.0)
    lone = Measurement("b.time_run", value=2.0, stats={"ci_99_a": float("-inf"), "ci_99_b": float("inf")})
    assert history_page.Interval.of(lone) == history_page.Interval(2.0, 2.0, 2.0)
    assert history_page.Interval.of(Measurement("b.time_run", value=2.0)).text() == "2.00s"


def test_stream_verdicts_per_release_mark_the_known_breaches():
    from rngbench.streams import history
    from rngbench.streams.store import Store

    changes = history.build_changes(Store(REPO / "stream_fixtures"))
    rows = {r["release"]: r for r in history_page.stream_verdicts(changes)}
    # Generator.integers changed inside the 1.17 series; Generator.wald with a tiny scale in 2.3.4 (reports/streams)
    assert rows["1.17.3"]["verdict"] == rows["2.3.4"]["verdict"] == "NEP 19 breach"
    assert rows["1.17.3"]["bugfix-release"] + rows["1.17.3"]["violation"] > 0
    # multivariate_normal's platform variants are shown, but do not make a release "changed"
    assert rows["2.5.5"]["platform-dependent"] > 0 and rows["2.5.5"]["verdict"] == "unchanged"
    assert rows["1.16.0"]["verdict"] == "unchanged"  # the oldest release: nothing to change from


def test_golden_verdicts_count_every_case_once_per_environment():
    import json

    pipelines = json.loads(PIPELINES.read_text())
    rows = history_page.golden_verdicts(pipelines)
    assert {r["environment"] for r in rows} == set(pipelines["environments"])
    for row in rows:
        assert sum(row[k] for k in history_page.GOLDEN_KINDS) == len(pipelines["cases"]), row["environment"]


def test_the_page_has_every_section_a_plot_per_benchmark_and_the_tables(page):
    text = page.read_text()
    found = parse(text)
    assert set(SECTIONS) <= found.ids and {"stream-verdicts", "golden-verdicts"} <= found.ids
    assert set(found.benchmarks) == sample_labels() and len(found.benchmarks) == 6
    assert found.svg_in_figure == len(found.benchmarks) + 1  # and the stream verdicts
    assert found.tags["table"] >= len(found.benchmarks) + 4  # cells, budgets, streams, goldens (+ steps)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//|<link|@import|<script""", text), \
        "the page loads nothing from the network and runs no script"
    assert text.count("numpy 2.5.5 / scanpy 1.13.0a2") >= 6  # a column per matrix cell


def test_publish_refuses_results_without_cells(tmp_path):
    result = CliRunner().invoke(main, ["nightly", "--only", "publish", "--results", str(tmp_path),
                                       "--out", str(tmp_path / "site")])
    assert result.exit_code == 2 and "no finished matrix cells" in result.output
    assert not (tmp_path / "site").exists()


def test_the_committed_page_is_the_sample_built():
    """reports/nightly/index.html is built from the committed sample results (same sections and benchmarks)."""
    found = parse((REPO / "reports" / "nightly" / "index.html").read_text())
    assert set(SECTIONS) <= found.ids and set(found.benchmarks) == sample_labels()


# ----------------------------------------------------------------------------- in a browser


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    pytest.skip("no chromium on this machine (Debian: apt-get install chromium; scripts/bootstrap does it as root)")


def open_in_chromium(page: Path, *extra: str) -> subprocess.CompletedProcess:
    probed = page.with_name("probed-" + page.name)
    probed.write_text(page.read_text().replace("<head>", "<head>" + PROBE, 1))
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr",
           "--v=0", "--virtual-time-budget=5000", *extra, probed.as_uri()]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return out


def console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@pytest.mark.browser
def test_the_page_renders_in_chromium_without_errors(page):
    out = open_in_chromium(page, "--dump-dom")
    dom = parse(out.stdout)
    assert dom.root_errors is None, dom.root_errors
    assert console_lines(out.stderr) == []
    assert set(dom.benchmarks) == sample_labels() and dom.svg_in_figure == len(dom.benchmarks) + 1
    assert {"stream-verdicts", "golden-verdicts"} <= dom.ids


@pytest.mark.browser
def test_the_browser_check_catches_a_broken_page(tmp_path):
    bad = tmp_path / "index.html"
    bad.write_text('<!doctype html><html><head></head><body><img src="missing.png">'
                   "<script>no_such_function();</script></body></html>")
    out = open_in_chromium(bad, "--dump-dom")
    errors = parse(out.stdout).root_errors or ""
    assert "no_such_function" in errors and "missing.png" in errors


@pytest.mark.browser
def test_the_page_screenshot(page, tmp_path):
    """The screenshot committed as docs/history-screenshot.png is made by this command (with that path)."""
    shot = tmp_path / "history-screenshot.png"
    open_in_chromium(page, f"--screenshot={shot}", "--window-size=1280,2000")
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (1280, 2000)
