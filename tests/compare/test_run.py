"""`rngbench compare` end to end on a throw-away git repository holding a two-benchmark asv suite.

The deterministic ``track_`` benchmark carries the verdicts that must hold
(asv compares tracks by factor alone); the ``time_`` benchmark is only ever
asked to show a tenfold change or to be present, never to be within a time.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import cmarkgfm
import numpy as np
import pytest
from click.testing import CliRunner

from rngbench.asvio.results import read_results
from rngbench.cli import main
from rngbench.cli.compare import dataset_env
from rngbench.compare import sides
from rngbench.compare.calibrate import recommend

SUITE = '''
import numpy as np

WORK = {work}


class Work:
    repeat = (6, 6, 5.0)
    number = 1
    warmup_time = 0.01

    def time_draws(self):
        np.random.default_rng(0).random(20_000 * WORK)

    def track_draws(self):
        return 1000 * WORK


class Env:
    def track_datasets(self):
        import os
        return 1.0 if os.environ.get("RNGBENCH_DATASETS") == "pbmc68k_reduced" else 0.0


class Hostile:
    params = [["a|b`c", "<script>alert(1)</script>", "@octocat [x](javascript:alert(1))\\n| x |"]]
    param_names = ["name"]

    def track_value(self, name):
        return 1.0 * WORK
'''


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="module")
def suite_repo(tmp_path_factory) -> Path:
    repo = tmp_path_factory.mktemp("suite")
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "t@example.invalid")
    git(repo, "config", "user.name", "t")
    (repo / "benchmarks").mkdir()
    (repo / "benchmarks" / "__init__.py").write_text("")
    for work, message in ((1, "fast"), (10, "ten times the work")):
        (repo / "benchmarks" / "bench_t.py").write_text(SUITE.format(work=work))
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", message)
    return repo


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Iterator[Path]:
    """The working folder (``--work``) and rngbench's cache (the environments), never the user's."""
    path = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RNGBENCH_CACHE", str(path))
        yield path


NUMPY = f"numpy=={np.__version__}"  # installs from uv's cache: the installed version


def compare(*args: str, catch_exceptions: bool = True):
    return CliRunner().invoke(main, ["compare", *map(str, args)], catch_exceptions=catch_exceptions)


def run(repo: Path, cache: Path, *args: str):
    return compare(*args, "--suite", repo, "--work", cache, "--with", NUMPY, "--rounds", "8", catch_exceptions=False)


@pytest.fixture(scope="module")
def revisions(suite_repo, cache, tmp_path_factory):
    """compare HEAD~1 HEAD, once: (result, comment markdown, rows JSON)."""
    out = tmp_path_factory.mktemp("revisions")
    md = out / "comment.md"
    result = run(suite_repo, cache, "HEAD~1", "HEAD", "--markdown", str(md))
    js = cache / "compare" / "compare.json"  # written by default, beside the cache's comparisons
    return result, md.read_text(), json.loads(js.read_text())


def test_two_revisions_of_the_suite_flag_the_slower_one(suite_repo, revisions):
    result, text, doc = revisions
    assert result.exit_code == 1, result.output  # a significant regression
    rows = {(r["benchmark"], tuple(r["params"].values())): r for r in doc["rows"]}
    assert rows[("bench_t.Work.track_draws", ())]["change"] == "regression"
    assert rows[("bench_t.Work.track_draws", ())]["ratio"] == pytest.approx(10)
    assert rows[("bench_t.Work.time_draws", ())]["change"] == "regression"  # 10x the work
    # timed by the interleaved workers: 8 turns (--rounds 8) of 1 sample a side, not asv's one --quick sample
    # (8 samples: with 4, one outlier on a loaded machine leaves Mann-Whitney short of significance)
    assert len(rows[("bench_t.Work.time_draws", ())]["before"]["samples"]) == 8
    # the default dataset reaches the benchmark processes on both sides
    assert rows[("bench_t.Env.track_datasets", ())]["before"]["value"] == 1.0
    assert rows[("bench_t.Env.track_datasets", ())]["after"]["value"] == 1.0
    assert text.startswith("<!-- rngbench-benchmark-comment -->")
    changes = text.split("### Benchmark changes")[1].split("###")[0]
    assert "🔴 slower" in changes and "track_draws" in changes and "time_draws" in changes
    assert git(suite_repo, "rev-parse", "HEAD")[:12] in text


def test_interleaved_samples_are_written_into_asv_result_files(cache, revisions):
    """So `rngbench overhead` (and asv itself) on a comparison's results see the samples the verdict used."""
    _, _, doc = revisions
    run = sorted(d for d in (cache / "compare" / "runs").iterdir() if (d / "interleaved.json").exists())[0]
    for side in ("base", "head"):
        stored = {m.key: m for m in read_results([run / side / "results"])}
        timed = stored[("bench_t.Work.time_draws", ())]
        row = next(r for r in doc["rows"] if r["benchmark"] == "bench_t.Work.time_draws")
        assert list(timed.samples) == row["before" if side == "base" else "after"]["samples"]


def test_hostile_parameters_from_a_real_run_are_escaped(revisions):
    result, text, _ = revisions
    html = cmarkgfm.github_flavored_markdown_to_html(text, options=cmarkgfm.cmark.Options.CMARK_OPT_UNSAFE)
    assert "<script" not in html and "href=" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 1
    # every row of the changes table still has five cells
    table = html.split("<tbody>")[1].split("</tbody>")[0]
    for row in table.split("<tr>")[1:]:
        assert row.count("<td") == 5


def test_environment_sides_and_calibration(suite_repo, cache, tmp_path):
    """A/A by environment spec: the track is identical on both sides; a 3x injected slowdown is flagged.

    Only the deterministic track_ benchmark is asserted on: how noisy time_ is here is what calibration measures.
    """
    js = tmp_path / "cal.json"
    result = compare(NUMPY, "--calibrate", "--runs", "2", "--slowdown", "3", "-b", "track_draws",
                     "--suite", suite_repo, "--work", cache, "--with", NUMPY, "--rounds", "1", "--json", js,
                     catch_exceptions=False)
    cal = json.loads(js.read_text())
    assert result.exit_code == 0, result.output
    assert cal["aa_flagged"] == [0, 0]
    assert cal["slowdown_flagged"] == [[1, 1], [1, 1]]
    assert cal["aa_ratios"] == {"bench_t.Work.track_draws": [1.0, 1.0]}
    assert cal["recommended_factor"] == 1.05
    assert "recommended --factor" in result.output


def test_recommendation_is_twice_the_worst_aa_deviation():
    assert recommend({"a": [1.0, 1.01], "b": [0.97]}) == pytest.approx(1.1)  # worst 1/0.97 = 1.031 -> 1.062 -> 1.1
    assert recommend({"a": [1.0]}) == 1.05
    assert recommend({"a": [1.2, 0.95]}) == pytest.approx(1.4)


@pytest.mark.parametrize("args, message", [
    (["nonsense!!", "HEAD"], "cannot read 'nonsense!!'"),
    (["scanpy", "HEAD"], "pins no version"),
    (["./missing.whl", "HEAD"], "no wheel at"),
    (["HEAD"], "give BASE and HEAD"),
    (["HEAD", "HEAD", "--factor", "0.9"], "--factor: '0.9' is not a finite number above 1"),
    (["HEAD", "HEAD", "--suite-rev", "no-such-rev"], "not a git revision"),
    (["HEAD", "HEAD", "--dataset", "pbmc68k_reduced", "--dataset", "nope"], "unknown dataset nope"),
])
def test_bad_input_is_one_line(suite_repo, cache, args, message):
    result = compare(*args, "--suite", suite_repo, "--work", cache)
    assert result.exit_code == 2, result.output
    assert message in result.output and len(result.output.strip().splitlines()) == 1


def test_side_parsing(suite_repo, tmp_path):
    head = git(suite_repo, "rev-parse", "HEAD")
    assert sides.parse("HEAD", suite_repo).revision == head
    spec = sides.parse("scanpy==1.12.4 numpy==2.4.6", suite_repo)
    assert spec.revision is None and spec.requirements == ("scanpy==1.12.4", "numpy==2.4.6")
    checkout = tmp_path / "scanpy"
    checkout.mkdir()
    (checkout / "pyproject.toml").write_text("[project]\nname='scanpy'\n")
    assert sides.parse(str(checkout), suite_repo).requirements == (str(checkout.resolve()),)
    (tmp_path / "empty").mkdir()
    with pytest.raises(sides.SideError, match="not a Python project"):
        sides.parse(str(tmp_path / "empty"), suite_repo)
    merged = sides.merge_requirements(["scanpy==1.13.0a2", "numba>=0.60"], ("scanpy==1.12.4",))
    assert merged == ["numba>=0.60", "scanpy==1.12.4"]


def test_a_comparison_runs_on_the_default_dataset_unless_told_otherwise():
    assert dataset_env(()) == {"RNGBENCH_DATASETS": "pbmc68k_reduced"}
    assert dataset_env(("synthetic_10k", "pbmc68k_reduced", "synthetic_10k")) == {
        "RNGBENCH_DATASETS": "synthetic_10k,pbmc68k_reduced"}
    assert dataset_env(("all",)) == {}  # the suite's own default datasets
