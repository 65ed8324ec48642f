"""Every bad input gets one clear line and a non-zero exit: no traceback, no silent acceptance.

One row per case the hostile-but-fair new user tried (issues 13 and 23).  Each row sets up its input in a scratch
folder and names the words the one line must contain.  Issue 23's cases that belong to the command line and the
input readers are the rows marked ``# 23``: tracebacks, silent acceptances and the one hang (a FIFO).
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from fixtures.paths import COMMITTED_STORE, DATA, REPO
from rngbench.cli import main

BUDGET = """[[budget]]
name = "b"
benchmark = {benchmark}
numerator = {{ strategy = "spawn"{extra} }}
denominator = {{ strategy = "reuse" }}
max = {max}
"""


def budget(tmp: Path, benchmark='"bench_downsample.DownsampleReference.time_run"', max="1.5", extra="") -> str:
    path = tmp / "budgets.toml"
    path.write_text(BUDGET.format(benchmark=benchmark, max=max, extra=extra))
    return str(path)


def a_file(tmp: Path) -> str:
    path = tmp / "a-file"
    path.write_text("not a store")
    return str(path)


def small_store(tmp: Path) -> str:
    """A real store (copy of the committed one, a few releases kept) a row may damage."""
    root = tmp / "store"
    shutil.copytree(COMMITTED_STORE, root)
    return str(root)


RESULTS = str(DATA / "asv_results" / "pass")
PIPELINES_STORE = str(COMMITTED_STORE / "pipelines")
MATRIX = str(REPO / "benchmarks" / "matrix.toml")
FIRST_ENVIRONMENT = "sc1.10-np1.26"  # a matrix label of the committed pipelines store


def binary(tmp: Path) -> str:
    path = tmp / "binary.toml"
    path.write_bytes(bytes(range(256)) * 4)
    return str(path)


def nested_json(tmp: Path) -> str:
    """An asv results folder whose one result file nests a million lists deep."""
    path = tmp / "results" / "machine" / "abc-env.json"
    path.parent.mkdir(parents=True)
    path.write_text("[" * 1_000_000 + "]" * 1_000_000)
    return str(path)


def nightly_matrix(tmp: Path, body: str) -> str:
    path = tmp / "matrix.toml"
    path.write_text(f"[nightly]\n{body}\n")
    return str(path)


def fifo(tmp: Path) -> str:
    path = tmp / "compare.json"
    os.mkfifo(path)
    return str(path)


def a_folder(tmp: Path) -> str:
    path = tmp / "a-folder"
    path.mkdir(exist_ok=True)
    return str(path)


def wrong_changes(tmp: Path) -> str:
    path = tmp / "changes.json"
    path.write_text((REPO / "reports" / "pipelines" / "changes.json").read_text())  # the other wing's changes.json
    return str(path)

# (id, argv built from a scratch folder, words the one line must contain, monkeypatches)
CASES = [
    ("store-is-a-file-check", lambda t: ["streams", "check", "--store", a_file(t)], "is a file", None),
    ("store-is-a-file-verify", lambda t: ["streams", "verify", "--store", a_file(t)], "is a file", None),
    ("store-is-a-file-matrix", lambda t: ["streams", "matrix", "--store", a_file(t), "1.26.0"], "is a file", None),
    ("store-is-a-file-ingest", lambda t: ["streams", "ingest", "--store", a_file(t), str(t)], "is a file", None),
    ("read-only-store", lambda t: ["streams", "matrix", "--store", small_store(t), "1.26.0"], "not writable",
     "read_only"),
    ("full-disk", lambda t: ["streams", "report", "--store", small_store(t), "--out", str(t / "out")],
     "No space left on device", "full_disk"),
    ("report-out-is-a-file", lambda t: ["streams", "report", "--store", small_store(t), "--out", a_file(t)],
     "is a file", None),
    ("ingest-into-missing-store", lambda t: ["streams", "ingest", "--store", str(t / "nope" / "x"), str(t)],
     "--create", None),
    ("jobs-zero", lambda t: ["streams", "matrix", "--store", str(t / "s"), "-j", "0"], "below 1", None),
    ("unparsable-version", lambda t: ["streams", "matrix", "--store", str(t / "s"), "1.x.y"],
     "not a numpy version", None),
    ("no-interpreter", lambda t: ["streams", "matrix", "--store", str(t / "s"), "1.26.0"],
     "no Python interpreter found", "no_interpreters"),
    ("bad-check-against", lambda t: ["streams", "check", "--against", "banana"], "not a numpy version", None),
    ("budget-benchmark-not-text", lambda t: ["overhead", RESULTS, "--budgets", budget(t, benchmark="5")],
     "benchmark", None),
    ("budget-list-valued", lambda t: ["overhead", RESULTS, "--budgets", budget(t, max="[1, 2]")], "max", None),
    ("budget-max-nan", lambda t: ["overhead", RESULTS, "--budgets", budget(t, max="nan")], "max", None),
    ("budget-max-inf", lambda t: ["overhead", RESULTS, "--budgets", budget(t, max="inf")], "max", None),
    ("budget-max-negative", lambda t: ["overhead", RESULTS, "--budgets", budget(t, max="-1.0")], "max", None),
    ("budget-unparsable-env-version", lambda t: ["overhead", RESULTS, "--budgets",
                                                 budget(t, extra=', "env.numpy" = "two point five"')],
     "env.numpy", None),
    ("compare-bad-regex", lambda t: ["compare", "-b", "("], "not a regular expression", None),
    ("bench-bad-regex", lambda t: ["bench", "run", "--bench", "("], "not a regular expression", None),
    ("peer-bad-regex-old-spelling", lambda t: ["bench", "peer", "--only", "("], "not a regular expression", None),
    # 23: tracebacks
    ("pipelines-report-out-is-a-file", lambda t: ["pipelines", "report", "--store", PIPELINES_STORE,
                                                  "--out", a_file(t)], "is a file", None),
    ("pipelines-ingest-store-is-a-file", lambda t: ["pipelines", "ingest", "--store", a_file(t), str(t)],
     "is a file", None),
    ("overhead-budgets-binary", lambda t: ["overhead", RESULTS, "--budgets", binary(t)], "not UTF-8", None),
    ("nightly-matrix-binary", lambda t: ["nightly", "--list-series", "--matrix", binary(t)], "not UTF-8", None),
    ("overhead-deeply-nested-json", lambda t: ["overhead", nested_json(t), "--budgets", budget(t)],
     "nested too deeply", None),
    ("nightly-numpy-from-abc", lambda t: ["nightly", "--list-series", "--matrix",
                                          nightly_matrix(t, 'numpy_from = "abc"')], "'numpy_from' must be", None),
    ("nightly-version-path", lambda t: ["nightly", "--list-series", "--matrix",
                                        nightly_matrix(t, 'numpy = ["../../x"]')], "'numpy' must be", None),
    ("nightly-scanpy-version-path", lambda t: ["nightly", "--list-series", "--matrix",
                                               nightly_matrix(t, 'scanpy = ["../../x"]')], "'scanpy' must be", None),
    # 23: silent acceptances
    ("check-against-newline", lambda t: ["streams", "check", "--against", "2.3.5\n"], "not a numpy version", None),
    ("matrix-version-path", lambda t: ["streams", "matrix", "--store", str(t / "s"), "../../x"],
     "not a numpy version", None),
    ("pipelines-jobs-zero", lambda t: ["pipelines", "matrix", "--store", str(t / "s"), "-j", "0"], "below 1", None),
    ("pipelines-jobs-negative", lambda t: ["pipelines", "matrix", "--store", str(t / "s"), "-j", "-7"], "below 1",
     None),
    ("pipelines-record-unknown-dataset", lambda t: ["pipelines", "record", str(t / "out"), "--dataset", "nosuch"],
     "unknown dataset nosuch", None),
    ("pipelines-report-stream-changes-folder", lambda t: ["pipelines", "report", "--store", PIPELINES_STORE,
                                                          "--out", str(t / "r"), "--stream-changes", a_folder(t)],
     "a folder", None),
    ("pipelines-report-stream-changes-wrong-file", lambda t: ["pipelines", "report", "--store", PIPELINES_STORE,
                                                              "--out", str(t / "r"), "--stream-changes",
                                                              wrong_changes(t)],
     "not a changes.json", None),
    ("pipelines-report-stream-changes-binary", lambda t: ["pipelines", "report", "--store", PIPELINES_STORE,
                                                          "--out", str(t / "r"), "--stream-changes", binary(t)],
     "not UTF-8", None),
    ("pipelines-attribute-same-twice", lambda t: ["pipelines", "attribute", "--store", PIPELINES_STORE,
                                                  FIRST_ENVIRONMENT, FIRST_ENVIRONMENT], "the same environment", None),
    ("compare-factor-nan", lambda t: ["compare", "a", "b", "--factor", "nan"], "not a finite number above 1", None),
    ("compare-factor-inf", lambda t: ["compare", "a", "b", "--factor", "inf"], "not a finite number above 1", None),
    ("compare-factor-one", lambda t: ["compare", "a", "b", "--factor", "1"], "not a finite number above 1", None),
    ("comment-out-missing-folder", lambda t: ["comment", "render", str(t / "c.json"), "--out",
                                              str(t / "missing" / "comment.md")], "create it first", None),
    ("bench-rounds-negative", lambda t: ["bench", "run", "--rounds", "-5"], "below 1", None),
    ("compare-rounds-zero", lambda t: ["compare", "a", "b", "--rounds", "0"], "below 1", None),
    # 23: the hang
    ("comment-render-fifo", lambda t: ["comment", "render", fifo(t), "--out", str(t / "comment.md")],
     "not a regular file", None),
    ("comment-render-folder", lambda t: ["comment", "render", a_folder(t), "--out", str(t / "comment.md")],
     "a folder", None),
]


@pytest.mark.parametrize("make_args,words,patch", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_and_a_non_zero_exit(tmp_path, monkeypatch, make_args, words, patch):
    if patch == "read_only":
        real_access = os.access
        monkeypatch.setattr(os, "access", lambda p, mode: False if mode & os.W_OK else real_access(p, mode))
    elif patch == "full_disk":
        from rngbench.util import atomic

        def no_space(path, data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

        monkeypatch.setattr(atomic, "write_bytes", no_space)
    elif patch == "no_interpreters":
        from rngbench import envs

        monkeypatch.setattr(envs, "find_interpreters", lambda: [])
    args = make_args(tmp_path)
    result = CliRunner().invoke(main, args)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code != 0, f"silently accepted: {result.output}"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert lines and lines[-1].startswith("error: "), result.output
    assert len([line for line in lines if line.startswith("error: ")]) == 1
    assert words in lines[-1], lines[-1]
    assert result.exit_code == 2, result.output


def test_nothing_is_written_by_a_refused_command(tmp_path):
    """Refused at parse time: neither the missing --out folder nor the comment appears."""
    CliRunner().invoke(main, ["comment", "render", str(tmp_path / "c.json"), "--out",
                              str(tmp_path / "missing" / "comment.md")])
    CliRunner().invoke(main, ["pipelines", "record", str(tmp_path / "out"), "--dataset", "nosuch"])
    assert sorted(p.name for p in tmp_path.iterdir()) == []
